"""Who last wrote a field: the component, simulated time and step behind each difference.

The store keeps every version of every object with the write's actor, time and step
(engine/store.py ``Write``); nothing more is recorded while a scenario runs. When a failure
report is built, each difference line (``Deployment/web .status.readyReplicas: expected 3,
got 2``) is resolved here: walk the object's versions backwards to the write that gave the
field its current value::

    .status.readyReplicas last set by replicaset-controller at 00:00:42 (t=42s),
    after step 3 (scale)

(one line in the report).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_k8sflow.engine.resources import resolve_resource, resource_for_kind
from pytest_k8sflow.engine.store import Write

if TYPE_CHECKING:
    from pytest_k8sflow.engine.store import Store

__all__ = ["Provenance", "annotate_detail", "field_provenance", "parse_path", "value_at"]

_MISSING = object()
_LINE = re.compile(r"^(?P<indent>\s*)(?P<kind>[A-Za-z][A-Za-z0-9]*)/(?P<name>[^\s]+) "
                   r"(?P<path>[.\[].*?): (?:expected|matches)")
_TOKEN = re.compile(r'\.([A-Za-z0-9_-]+)|\[("(?:[^"\\]|\\.)*")\]|\[([^\]]*)\]')


@dataclass(frozen=True)
class Provenance:
    """The write that gave a field its current value (``write.obj`` None: a removal)."""

    write: Write
    created: bool  # the field has had this value since the object was created
    present: bool  # the field exists now
    ever_set: bool  # the field had a value in some version

    def text(self, path: str, start_ms: int, step_labels: Mapping[int, str]) -> str:
        from pytest_k8sflow.trace import clock_text

        write = self.write
        when = f"at {clock_text(write.time_ms, start_ms)}"
        step = step_labels.get(write.step, f"step {write.step}")
        if write.step == 0:
            during = "while applying given" if write.actor == "kubectl" else "after given"
        elif write.actor == "kubectl":
            during = f"in {step}"
        else:
            during = f"after {step}"
        if not self.present and not self.ever_set:
            return (f"{path} never set; the object was created by {write.actor} {when}, "
                    f"{during}")
        verb = "removed" if not self.present else ("set at creation" if self.created
                                                   else "last set")
        return f"{path} {verb} by {write.actor} {when}, {during}"


def parse_path(text: str) -> list[str] | None:
    """``.spec.containers[name=web].image`` -> ``["spec", "containers", "[name=web]",
    "image"]`` (the segments ``expect.matching`` writes); None if it cannot be read."""
    out: list[str] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            return None
        if match.group(1) is not None:
            out.append(match.group(1))
        elif match.group(2) is not None:
            try:
                out.append(json.loads(match.group(2)))
            except ValueError:
                return None
        else:
            out.append(f"[{match.group(3)}]")
        pos = match.end()
    return out


def _label(value: Any) -> str:
    from pytest_k8sflow.expect.matching import _label_value

    return _label_value(value)


def value_at(obj: Any, segments: Sequence[str]) -> Any:
    """The value at a path of segments (``[name=web]`` picks the list item whose fields
    have those values, ``[2]`` a position); a private marker when absent."""
    node = obj
    for segment in segments:
        if segment.startswith("[") and isinstance(node, list):
            inner = segment[1:-1]
            if inner.isdigit():
                index = int(inner)
                node = node[index] if index < len(node) else _MISSING
                continue
            wanted = [part.split("=", 1) for part in inner.split(",")]
            if not all(len(pair) == 2 for pair in wanted):
                return _MISSING
            found = [item for item in node if isinstance(item, Mapping) and all(
                key in item and _label(item[key]) == value for key, value in wanted)]
            node = found[0] if len(found) == 1 else _MISSING
        elif isinstance(node, Mapping):
            node = node.get(segment, _MISSING)
        else:
            return _MISSING
        if node is _MISSING:
            return _MISSING
    return node


def field_provenance(store: Store, kind: str, namespace: str, name: str,
                     segments: Sequence[str]) -> Provenance | None:
    """The write after which the field has held its current value, walking the versions of
    the object backwards (the current incarnation only: a re-created object starts afresh)."""
    versions = store.versions(kind, namespace, name)
    if not versions or versions[-1].obj is None:
        return None
    first = len(versions) - 1
    while first > 0 and versions[first - 1].obj is not None:
        first -= 1
    current = value_at(versions[-1].obj, segments)
    index = len(versions) - 1
    while index > first and value_at(versions[index - 1].obj, segments) == current:
        index -= 1
    ever = current is not _MISSING or any(
        value_at(w.obj, segments) is not _MISSING for w in versions[first:])
    return Provenance(write=versions[index], created=index == first,
                      present=current is not _MISSING, ever_set=ever)


def _namespace_for(kind: str, expectation: Mapping | None) -> str:
    rtype = resource_for_kind(kind) or resolve_resource(kind)
    if rtype is not None and not rtype.namespaced:
        return ""
    meta = (expectation or {}).get("metadata") if isinstance(expectation, Mapping) else None
    namespace = meta.get("namespace") if isinstance(meta, Mapping) else None
    if not namespace and isinstance(expectation, Mapping):
        absent = expectation.get("absent")
        if isinstance(absent, Mapping):
            namespace = (absent.get("metadata") or {}).get("namespace")
    return namespace if isinstance(namespace, str) and namespace else "default"


def annotate_detail(detail: str, store: Store, expectation: Mapping | None, start_ms: int,
                    step_labels: Mapping[int, str]) -> str:
    """The failure text with, under each ``Kind/name .path: expected ...`` line, who last
    wrote that field (lines that name no stored object are left alone)."""
    out = []
    for line in detail.splitlines():
        out.append(line)
        match = _LINE.match(line)
        if match is None:
            continue
        segments = parse_path(match.group("path"))
        if segments is None:
            continue
        kind = match.group("kind")
        found = field_provenance(store, kind, _namespace_for(kind, expectation),
                                 match.group("name"), segments)
        if found is None:
            continue
        out.append(f"{match.group('indent')}    "
                   f"{found.text(match.group('path'), start_ms, step_labels)}")
    return "\n".join(out)
