"""Shared helpers of the scheduler's pure logic: API version type, object accessors, natural
node-name order, label-selector parsing and plugins/helper DefaultNormalizeScore.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from pytest_k8sflow.engine.selectors import NOTHING, Selector, SelectorError, from_label_selector

Version = tuple[int, int]
DEFAULT_VERSION: Version = (1, 32)
MAX_NODE_SCORE = 100


@functools.lru_cache(maxsize=4096)
def natural_key(name: str) -> tuple:
    """Sort key comparing digit runs as numbers: node-2 < node-10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", name) if part != "")


def _meta(obj: Mapping) -> Mapping:
    return obj.get("metadata") or {}


def _spec(obj: Mapping) -> Mapping:
    return obj.get("spec") or {}


def _labels(obj: Mapping) -> Mapping[str, str]:
    return _meta(obj).get("labels") or {}


def _selector(label_selector: Mapping | None) -> Selector:
    try:
        return from_label_selector(label_selector)
    except SelectorError:
        return NOTHING


def default_normalize(scores: dict[str, int], *, reverse: bool = False) -> dict[str, int]:
    """plugins/helper DefaultNormalizeScore to 0..100 (integer division as in Go)."""
    highest = max(scores.values(), default=0)
    if highest == 0:
        return {n: (MAX_NODE_SCORE if reverse else 0) for n in scores}
    out = {}
    for name, score in scores.items():
        value = MAX_NODE_SCORE * score // highest
        out[name] = MAX_NODE_SCORE - value if reverse else value
    return out
