"""Readable failure text for expectations, computed with deepdiff.

``render_mismatches`` turns mismatches into lines such as::

    Deployment/web .status.availableReplicas: expected 3, got 2
    Pod/web-0 .spec.containers[name=web].image: expected "nginx:1.25", got "nginx:1.24"
    Pod/web-0 .metadata.labels.tier: expected "db", got <absent>
    Pod/web-0 .spec.tolerations: expected 2 items, got 3

``diff_objects`` computes those mismatches with deepdiff: the actual object is projected onto
the expected one's keys (keyed lists aligned by their key, matchers that hold replaced by the
value they matched, missing fields as ``<absent>``), DeepDiff compares the two trees, and its
paths are translated back (list positions become ``[name=web]`` where the list is keyed). It
agrees with ``matching.match`` on whether there is a difference and where; ``match`` is the fast
path used to select objects, ``diff_objects`` the one to explain a failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deepdiff import DeepDiff

from pytest_k8sflow.engine import typeinfo
from pytest_k8sflow.engine.typeinfo import TypeNode
from pytest_k8sflow.expect import matchers
from pytest_k8sflow.expect.matchers import ABSENT, is_matcher, render_value
from pytest_k8sflow.expect.matching import (
    Mismatch,
    _candidates,
    _item_label,
    _length_message,
    _list_keys,
    _missing_item_message,
    _plural,
    _prepare,
    _walk,
    value_matches,
)

__all__ = ["render_mismatches", "diff_objects", "render_value"]


def render_mismatches(subject: str, mismatches: list[Mismatch]) -> str:
    """One line per mismatch: ``<subject> <path>: <what differs>``."""
    if not mismatches:
        return f"{subject}: matches"
    return "\n".join(f"{subject} {m.path_text}: {m.message}" for m in mismatches)


class _Unmet:
    """A matcher that did not hold, as deepdiff sees it (a value of its own type)."""

    __slots__ = ("matcher",)

    def __init__(self, matcher: Mapping) -> None:
        self.matcher = matcher

    def __repr__(self) -> str:
        return matchers.describe(self.matcher)


class _Projection:
    """The expected and actual trees made comparable, plus what deepdiff cannot say."""

    def __init__(self) -> None:
        self.labels: dict[tuple, list[str]] = {}  # list path -> label per position
        self.order: dict[tuple, int] = {}  # path -> order of visit, to sort the result
        self.direct: list[tuple[tuple, Mismatch]] = []  # structural differences

    def visit(self, key: tuple) -> None:
        self.order.setdefault(key, len(self.order))

    def segments(self, key: tuple) -> list[str]:
        out = []
        for depth, part in enumerate(key):
            if isinstance(part, int):
                labels = self.labels.get(key[:depth])
                out.append(labels[part] if labels and part < len(labels) else f"[{part}]")
            else:
                out.append(part)
        return out

    def project(self, expected: Any, actual: Any, node: TypeNode | None, name: str | None,
                key: tuple) -> tuple[Any, Any]:
        self.visit(key)
        if expected is None:
            if actual is ABSENT or actual is None:
                return None, None
            return None, actual
        if isinstance(expected, Mapping):
            if is_matcher(expected):
                if matchers.evaluate(expected, actual, value_matches):
                    return actual, actual
                return _Unmet(expected), actual
            if not isinstance(actual, Mapping):
                return dict(expected), actual
            exp_out, act_out = {}, {}
            for field, value in expected.items():
                child = node.child(field) if node is not None else None
                exp_out[field], act_out[field] = self.project(
                    value, actual.get(field, ABSENT), child, field, (*key, field))
            return exp_out, act_out
        if isinstance(expected, list | tuple):
            return self._project_list(list(expected), actual, node, name, key)
        if actual is not ABSENT and matchers.scalar_equal(expected, actual):
            return actual, actual
        return expected, actual

    def _direct(self, key: tuple, expected: Any, actual: Any, message: str) -> tuple[Any, Any]:
        self.direct.append((key, Mismatch(self.segments(key), expected, actual, message)))
        return None, None  # the difference is reported here; deepdiff sees equal values

    def _project_list(self, expected: list, actual: Any, node: TypeNode | None,
                      name: str | None, key: tuple) -> tuple[Any, Any]:
        if not expected:
            if actual is ABSENT or actual is None or (isinstance(actual, list) and not actual):
                return [], []
            if isinstance(actual, list):
                return self._direct(key, expected, actual,
                                    f"expected no items, got {_plural(len(actual))}")
            return expected, actual
        if not isinstance(actual, list):
            if actual is ABSENT or actual is None:
                return self._direct(key, expected, actual,
                                    f"expected {_plural(len(expected))}, "
                                    f"got {render_value(actual)}")
            return expected, actual
        keys = _list_keys(node, name)
        if not keys:
            if len(expected) != len(actual):
                return self._direct(key, expected, actual, _length_message(expected, actual))
            exp_out, act_out = [], []
            for index, (item, other) in enumerate(zip(expected, actual, strict=True)):
                e, a = self.project(item, other, node, None, (*key, index))
                exp_out.append(e)
                act_out.append(a)
            return exp_out, act_out
        labels: list[str] = []
        self.labels[key] = labels
        exp_out, act_out = [], []
        for index, item in enumerate(expected):
            candidates, given = _candidates(item, actual, keys)
            chosen = self._choose(item, candidates, node)
            labels.append(_item_label(item, keys, chosen, index))
            if chosen is None:
                self.visit((*key, index))
                self._direct((*key, index), item, ABSENT,
                             _missing_item_message(item, actual, keys, given))
                exp_out.append(None)
                act_out.append(None)
                continue
            e, a = self.project(item, chosen, node, None, (*key, index))
            exp_out.append(e)
            act_out.append(a)
        return exp_out, act_out

    @staticmethod
    def _choose(item: Any, candidates: list, node: TypeNode | None) -> Any:
        """The candidate that matches, else the closest one (fewest differences)."""
        best, best_count = None, None
        for other in candidates:
            found: list[Mismatch] = []
            _walk(item, other, node, None, [], found)
            if not found:
                return other
            if best_count is None or len(found) < best_count:
                best, best_count = other, len(found)
        return best


def _message(expected: Any, actual: Any) -> str:
    got = render_value(actual)
    if isinstance(expected, _Unmet):
        return f"expected {matchers.describe(expected.matcher)}, got {got}"
    if expected is None:
        return f"expected null (absent), got {got}"
    if isinstance(expected, list) and (actual is ABSENT or actual is None):
        return f"expected {_plural(len(expected))}, got {got}"
    return f"expected {render_value(expected)}, got {got}"


def diff_objects(expected: Any, actual: Any, *, api_version: str | None = None,
                 kind: str | None = None) -> list[Mismatch]:
    """The differences between a partial object and an object, computed with deepdiff; empty
    when the object matches (the same verdict as ``matching.match``)."""
    node = typeinfo.type_node(api_version or "", kind or "")
    projection = _Projection()
    exp_tree, act_tree = projection.project(_prepare(expected), actual, node, None, ())
    found: list[tuple[tuple, Mismatch]] = list(projection.direct)
    report = DeepDiff(exp_tree, act_tree, view="tree", verbose_level=2)
    for kind_of_change, levels in report.items():
        for level in levels:
            key = tuple(level.path(output_format="list"))
            if kind_of_change in ("iterable_item_added", "iterable_item_removed",
                                  "dictionary_item_added", "dictionary_item_removed"):
                # the projection keeps shapes equal; should one slip through, say it plainly
                parent = key[:-1]
                exp_value = level.t1 if kind_of_change.endswith("removed") else ABSENT
                act_value = level.t2 if kind_of_change.endswith("added") else ABSENT
                found.append((parent, Mismatch(projection.segments(key), exp_value, act_value)))
                continue
            exp_value = level.t1
            act_value = level.t2
            shown = exp_value.matcher if isinstance(exp_value, _Unmet) else exp_value
            found.append((key, Mismatch(projection.segments(key), shown, act_value,
                                        _message(exp_value, act_value))))
    order = projection.order
    found.sort(key=lambda pair: (order.get(pair[0], len(order)), pair[1].path_text))
    return [mismatch for _, mismatch in found]
