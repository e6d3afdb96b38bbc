"""What ``--k8sflow-update`` would write into an expectation that does not hold.

Only the values an expectation already names are rewritten (scenario-format.md, "Golden
update"): the fields of a partial object, ``count``, and kubectl ``output``. The walk follows
the matching rules of ``expect.matching``: keyed lists (containers by name, conditions by
type, ...) by their key, other lists item by item. What cannot be rewritten without
guessing the author's intent is reported as a problem instead (the scenario then still
fails): a matcher that no longer holds, a missing object or list item, lists of objects
whose length changed, ``absent``/``events``/``files``/``dns`` entries, ``output_contains``.
"""

from __future__ import annotations

import copy
import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pytest_k8sflow.engine import typeinfo
from pytest_k8sflow.engine.resources import ResourceType, resolve_resource, resource_for_kind
from pytest_k8sflow.engine.selectors import from_match_labels
from pytest_k8sflow.expect import matchers
from pytest_k8sflow.expect.matchers import ABSENT, is_matcher, render_value
from pytest_k8sflow.expect.matching import _candidates, _list_keys, match, value_matches

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster
    from pytest_k8sflow.engine.typeinfo import TypeNode
    from pytest_k8sflow.scenario.model import Expectation, Scenario

__all__ = ["Change", "Proposal", "output_change", "propose"]


@dataclass(frozen=True)
class Change:
    """Set the value at ``pointer`` (keys and indexes from the document's root) to ``new``."""

    pointer: tuple[str | int, ...]
    old: Any
    new: Any
    line: int = 0  # where the old value is written (for the summary)

    def to_json(self) -> dict:
        return {"pointer": list(self.pointer), "old": self.old, "new": self.new,
                "line": self.line}

    @classmethod
    def from_json(cls, data: Mapping) -> Change:
        return cls(tuple(data["pointer"]), data["old"], data["new"], int(data.get("line", 0)))


@dataclass
class Proposal:
    changes: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _plain(value: Any) -> Any:
    """A JSON-shaped copy (the change travels to the xdist controller)."""
    return None if value is ABSENT else copy.deepcopy(value)


def output_change(scenario: Scenario, pointer: tuple, old: str, stdout: str) -> Change:
    """A kubectl ``output`` rewritten with what the command printed (trailing white space
    dropped per line and at the end, as the comparison ignores it)."""
    from pytest_k8sflow.expect.evaluate import normalise_output

    line = scenario.source.position(pointer)[0] if scenario.source is not None else 0
    return Change(tuple(pointer), old, normalise_output(stdout), line)


class _Walk:
    def __init__(self, expectation: Expectation, base: tuple) -> None:
        self.expectation = expectation
        self.base = base
        self.changes: list[Change] = []
        self.problems: list[str] = []

    def _line(self, pointer: tuple) -> int:
        return self.expectation.line if not pointer else 0

    def change(self, pointer: tuple, old: Any, new: Any) -> None:
        self.changes.append(Change((*self.base, *pointer), _plain(old), _plain(new)))

    def problem(self, pointer: tuple, text: str) -> None:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in pointer)
        self.problems.append(f"{where or '.'}: {text}")

    def value(self, expected: Any, actual: Any, node: TypeNode | None, name: str | None,
              pointer: tuple) -> None:
        if expected is None:
            if actual is not ABSENT and actual is not None:
                self.change(pointer, None, actual)
            return
        if isinstance(expected, Mapping):
            if is_matcher(expected):
                if not matchers.evaluate(expected, actual, value_matches):
                    self.problem(pointer, f"{matchers.describe(expected)} does not hold for "
                                          f"{render_value(actual)} (matchers are never "
                                          "rewritten)")
                return
            if actual is ABSENT or actual is None:
                actual = {}
            if not isinstance(actual, Mapping):
                self.change(pointer, expected, actual)
                return
            for key, value in expected.items():
                child = node.child(key) if node is not None else None
                self.value(value, actual.get(key, ABSENT), child, key, (*pointer, key))
            return
        if isinstance(expected, list):
            self.sequence(expected, actual, node, name, pointer)
            return
        if actual is ABSENT:
            self.change(pointer, expected, None)
        elif not matchers.scalar_equal(expected, actual):
            self.change(pointer, expected, actual)

    def sequence(self, expected: list, actual: Any, node: TypeNode | None, name: str | None,
                 pointer: tuple) -> None:
        if actual is ABSENT or actual is None:
            if expected:
                self.change(pointer, expected, [])
            return
        if not isinstance(actual, list):
            self.change(pointer, expected, actual)
            return
        keys = _list_keys(node, name)
        if keys and expected:
            for index, item in enumerate(expected):
                candidates, _ = _candidates(item, actual, keys)
                if not candidates:
                    self.problem((*pointer, index), f"no item {render_value(item)} any more "
                                                    "(list items are never added or removed)")
                    continue
                chosen = min(candidates, key=lambda other, item=item: len(
                    match(item, other) if isinstance(item, Mapping) else []))
                self.value(item, chosen, node, None, (*pointer, index))
            return
        if len(expected) == len(actual):
            for index, (item, other) in enumerate(zip(expected, actual, strict=True)):
                self.value(item, other, node, None, (*pointer, index))
            return
        if all(not isinstance(v, Mapping | list) for v in [*expected, *actual]):
            self.change(pointer, expected, actual)
            return
        self.problem(pointer, f"expected {len(expected)} items, got {len(actual)} (a list of "
                              "objects whose length changed is not rewritten)")


# -- selecting the object(s) an expectation is about -------------------------------------------
def _rtype(kind: Any) -> ResourceType | None:
    if not isinstance(kind, str):
        return None
    return resource_for_kind(kind) or resolve_resource(kind)


def _namespace(rtype: ResourceType, data: Mapping) -> str | None:
    if not rtype.namespaced:
        return None
    return (data.get("metadata") or {}).get("namespace") or "default"


def _selection(cluster: Cluster, rtype: ResourceType, data: Mapping) -> tuple[list, dict]:
    """Objects whose labels match the expectation's ``metadata.labels`` and the rest of it
    (as expect.evaluate selects for ``count``/``all``)."""
    meta = dict(data.get("metadata") or {})
    labels = meta.pop("labels", None)
    meta.pop("namespace", None)
    objects = cluster.store.list(rtype.kind, _namespace(rtype, data))
    rest = {k: v for k, v in data.items() if k not in ("metadata", "count", "all")}
    if labels:
        if all(isinstance(v, str) for v in labels.values()):
            selector = from_match_labels(labels)
            objects = [o for o in objects if selector.matches(o["metadata"].get("labels"))]
        else:
            meta["labels"] = labels
    if meta:
        rest["metadata"] = meta
    return objects, rest


def _object_walk(expectation: Expectation, data: Mapping, obj: Mapping, rtype: ResourceType,
                 skip_labels: bool) -> _Walk:
    walk = _Walk(expectation, expectation.pointer)
    node = typeinfo.type_node(rtype.api_version, rtype.kind)
    for key, value in data.items():
        if key in ("count", "all", "kind", "apiVersion"):
            continue
        if key == "metadata" and isinstance(value, Mapping):
            meta_node = node.child("metadata") if node is not None else None
            actual = obj.get("metadata") or {}
            for mkey, mvalue in value.items():
                if mkey == "namespace" or (mkey == "name" and isinstance(mvalue, str)
                                           and "*" in mvalue):
                    continue
                if mkey == "labels" and skip_labels and isinstance(mvalue, Mapping) and all(
                        isinstance(v, str) for v in mvalue.values()):
                    continue
                child = meta_node.child(mkey) if meta_node is not None else None
                walk.value(mvalue, actual.get(mkey, ABSENT), child, mkey,
                           ("metadata", mkey))
            continue
        child = node.child(key) if node is not None else None
        walk.value(value, obj.get(key, ABSENT), child, key, (key,))
    return walk


def _subject(rtype: ResourceType, obj: Mapping) -> str:
    return f"{rtype.kind}/{obj['metadata']['name']}"


def propose(cluster: Cluster, expectation: Expectation) -> Proposal:
    """How to rewrite ``expectation`` so that it holds on ``cluster`` as it is now."""
    data = expectation.data
    out = Proposal()
    kind = expectation.kind
    if kind == "kubectl":
        return _propose_kubectl(cluster, expectation)
    if kind not in ("object", "count", "all"):
        out.problems.append(f"`{kind}` expectations are not rewritten; update it by hand")
        return out
    rtype = _rtype(data.get("kind"))
    if rtype is None:
        out.problems.append(f"unknown kind {data.get('kind')!r}")
        return out
    name = (data.get("metadata") or {}).get("name")
    if kind == "object" and name is not None:
        objects = cluster.store.list(rtype.kind, _namespace(rtype, data))
        if isinstance(name, str) and "*" in name:
            candidates = [o for o in objects if fnmatch.fnmatchcase(o["metadata"]["name"], name)]
        else:
            candidates = [o for o in objects if o["metadata"]["name"] == name]
        if not candidates:
            out.problems.append(f"{rtype.kind}/{name} does not exist (an expectation of an "
                                "object is never turned into `absent`)")
            return out
        best = min(candidates, key=lambda o: len(match(data, o, api_version=rtype.api_version,
                                                      kind=rtype.kind)))
        walk = _object_walk(expectation, data, best, rtype, skip_labels=False)
        out.changes, out.problems = walk.changes, walk.problems
        return out
    objects, rest = _selection(cluster, rtype, data)
    if kind == "count":
        found = [o for o in objects
                 if not match(rest, o, api_version=rtype.api_version, kind=rtype.kind)]
        if len(found) != data["count"]:
            out.changes.append(Change((*expectation.pointer, "count"), data["count"],
                                      len(found)))
        return out
    if not objects:
        out.problems.append(f"no {rtype.plural} are selected by this expectation")
        return out
    walks = [_object_walk(expectation, data, o, rtype, skip_labels=True) for o in objects]
    if kind == "object":
        # at least one must match: follow the closest
        walk = min(walks, key=lambda w: (len(w.problems), len(w.changes)))
        out.changes, out.problems = walk.changes, walk.problems
        return out
    # all: every selected object must agree on the new values
    first = walks[0]
    for obj, walk in zip(objects[1:], walks[1:], strict=True):
        if walk.changes != first.changes or walk.problems != first.problems:
            out.problems.append(f"the selected {rtype.plural} differ ({_subject(rtype, objects[0])}"
                                f" and {_subject(rtype, obj)}), so `all` cannot be rewritten")
            return out
    out.changes, out.problems = first.changes, first.problems
    return out


def _propose_kubectl(cluster: Cluster, expectation: Expectation) -> Proposal:
    from pytest_k8sflow.expect.evaluate import normalise_output
    from pytest_k8sflow.kubectl.run import run_kubectl

    data = expectation.data
    out = Proposal()
    if "output" not in data:
        out.problems.append("only a kubectl `output` is rewritten (not `error` or "
                            "`output_contains`)")
        return out
    result = run_kubectl(cluster, data["kubectl"], read_only=True)
    if not result.ok:
        out.problems.append(f"`kubectl {data['kubectl']}` failed: {result.stderr.strip()}")
        return out
    if "error" in data or "output_contains" in data:
        other = "error" if "error" in data else "output_contains"
        out.problems.append(f"`{other}` is not rewritten")
    new = normalise_output(result.stdout)
    if normalise_output(str(data["output"])) != new:
        out.changes.append(Change((*expectation.pointer, "output"), data["output"], new))
    return out
