"""The generic ``kubectl describe`` describer for kinds without their own
(kubernetes/kubectl pkg/describe/describe.go GenericDescriberFor, printUnstructuredContent,
smartLabelFor): name, namespace, labels, annotations, then the remaining fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from pytest_k8sflow.kubectl.describe.common import _labels_annotations
from pytest_k8sflow.kubectl.printers import _PrefixWriter

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster


_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_ACRONYMS = ("API", "URL", "UID", "OSB", "GUID")


def smart_label(field: str) -> str:
    """describe.go smartLabelFor: ``apiVersion`` -> ``API Version``, ``podIP`` -> ``Pod IP``;
    fields with characters other than letters and ``-`` stay as they are."""
    if any(not (c.isalpha() or c == "-") for c in field):
        return field
    parts = _CAMEL.findall(field) or [field]
    return " ".join(p.upper() if p.upper() in _ACRONYMS else p[:1].upper() + p[1:]
                    for p in parts)


def _go_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    return str(value)


def _unstructured(w: _PrefixWriter, level: int, content: Mapping, prefix: str,
                  skip: tuple[str, ...]) -> None:
    for field in sorted(content):
        value = content[field]
        path = f"{prefix}.{field}"
        if path in skip:
            continue
        if isinstance(value, Mapping):
            w.write(level, f"{smart_label(field)}:\n")
            _unstructured(w, level + 1, value, path, skip)
        elif isinstance(value, list):
            w.write(level, f"{smart_label(field)}:\n")
            for child in value:
                if isinstance(child, Mapping):
                    _unstructured(w, level + 1, child, path, skip)
                else:
                    w.write(level + 1, f"{_go_value(child)}\n")
        else:
            w.write(level, f"{smart_label(field)}:\t{_go_value(value)}\n")


def _describe_generic(cluster: Cluster, obj: Mapping, w: _PrefixWriter) -> None:
    meta = obj["metadata"]
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    _labels_annotations(w, obj)
    _unstructured(w, 0, obj, "", (".metadata.managedFields", ".metadata.name",
                                  ".metadata.namespace", ".metadata.labels",
                                  ".metadata.annotations"))
