"""A deep copy for JSON-shaped data (dicts, lists, scalars): several times faster than
``copy.deepcopy``, which handles arbitrary objects, memo tables and cycles we never have."""

from __future__ import annotations

from typing import Any


def json_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_copy(item) for item in value]
    return value
