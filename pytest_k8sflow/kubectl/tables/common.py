"""Helpers shared by the per-kind table printers (k/k pkg/printers/internalversion/printers.go)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Cell = str | int | bool | None


@dataclass(frozen=True)
class Column:
    """metav1.TableColumnDefinition: ``name`` as printers.go spells it (kubectl uppercases it).

    Columns with ``priority`` > 0 are shown only with ``-o wide``.
    """

    name: str
    priority: int = 0
    name_format: bool = False  # Format: "name" (the column ``--show-kind`` prefixes)


def get(obj: Mapping | None, *path: str, default: Any = None) -> Any:
    """Walk nested dicts; missing keys and nulls give ``default``."""
    cur: Any = obj
    for key in path:
        if not isinstance(cur, Mapping):
            return default
        cur = cur.get(key)
        if cur is None:
            return default
    return cur


def name_of(obj: Mapping) -> str:
    return get(obj, "metadata", "name", default="")


def format_labels(labels: Mapping[str, str] | None) -> str:
    """labels.FormatLabels: ``k=v,k2=v2`` sorted by key, ``<none>`` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def _requirement_text(key: str, op: str, values: list[str]) -> str:
    # apimachinery pkg/labels selector.go Requirement.String
    if op == "DoesNotExist":
        return "!" + key
    if op == "Exists":
        return key
    joined = values[0] if len(values) == 1 else ",".join(sorted(values))
    if op == "=":
        return f"{key}={joined}"
    if op == "In":
        return f"{key} in ({joined})"
    if op == "NotIn":
        return f"{key} notin ({joined})"
    return f"{key} {op} {joined}"


def selector_string(selector: Mapping | None) -> str:
    """metav1.LabelSelectorAsSelector(s).String(); nil and ``{}`` both give ``""``.

    matchLabels become ``k=v``, matchExpressions keep their operator (``k in (v)`` even with
    one value); requirements are sorted by key (labels.internalSelector.Add sorts ByKey).
    """
    if not selector:
        return ""
    reqs: list[tuple[str, str]] = []
    for key, value in (selector.get("matchLabels") or {}).items():
        reqs.append((key, _requirement_text(key, "=", [str(value)])))
    for expr in selector.get("matchExpressions") or []:
        key = expr.get("key", "")
        reqs.append((key, _requirement_text(key, expr.get("operator", ""),
                                            [str(v) for v in expr.get("values") or []])))
    # Go sorts by key only (sort.Sort, not stable); equal keys keep insertion order here
    reqs.sort(key=lambda r: r[0])
    return ",".join(text for _, text in reqs)


def format_label_selector(selector: Mapping | None) -> str:
    """metav1.FormatLabelSelector: the selector string, or ``<none>`` when it is empty."""
    return selector_string(selector) or "<none>"


def layout_container_cells(containers: list[Mapping] | None) -> tuple[str, str]:
    """printers.go layoutContainerCells: comma-joined container names and images."""
    containers = containers or []
    return (",".join(c.get("name", "") for c in containers),
            ",".join(c.get("image", "") for c in containers))


def access_modes(modes: list[str] | None) -> str:
    """helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that fixed order."""
    modes = modes or []
    out = []
    for mode, short in (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"),
                        ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")):
        if mode in modes:
            out.append(short)
    return ",".join(out)


def print_bool_ptr(value: object) -> str:
    """printers.go printBoolPtr: ``True``/``False``, ``<unset>`` for nil."""
    if value is None:
        return "<unset>"
    return "True" if value else "False"


def int_or_string(value: object) -> str:
    """intstr.IntOrString.String()."""
    return str(value)


def list_with_more(items: list[str], total: int, limit: int = 3) -> str:
    """printers.go listWithMoreString: first ``limit`` items, ``+ N more...``, ``<unset>``."""
    text = ",".join(items[:limit])
    if total > limit:
        return f"{text} + {total - limit} more..."
    return text or "<unset>"
