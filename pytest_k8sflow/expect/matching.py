"""Subset matching of an expected partial object against an actual object.

The rules are the scenario contract's (scenario-format.md, "Expectations" and "Values inside
expectations"):

* every key given must be present with an equal value; keys not given are ignored;
* ``null`` means absent (or null); ``[]`` means an empty or absent list;
* a map whose only key starts with ``$`` is a matcher (see ``matchers``);
* lists Kubernetes merges by a key (x-kubernetes-patch-merge-key, else
  x-kubernetes-list-map-keys, from ``engine.typeinfo``) are matched by that key in any order,
  and items not named are ignored. An expected item matches if SOME actual item whose key
  fields match the ones given (literal or matcher) also matches the rest; an item that gives
  no key field at all (ownerReferences without uid) must match some actual item;
* extension: a list named ``conditions`` is keyed by ``type``, and ``containerStatuses``,
  ``initContainerStatuses``, ``ephemeralContainerStatuses`` by ``name``, even where the API
  marks them atomic (and in kinds without a schema);
* other lists are compared item by item and must have the same length;
* numbers compare by value (3 and 3.0 are equal), but 3 and "3" are not;
* a plain text with ``*`` as the top-level ``metadata.name`` is a glob.

``match`` returns the mismatches (empty: the object matches); ``matches`` answers yes/no and
stops at the first difference. Both walk the expectation alongside the schema (a cached dict
lookup per field) and copy nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_k8sflow.engine import typeinfo
from pytest_k8sflow.engine.typeinfo import EXTENSION_MATCH_KEYS, TypeNode
from pytest_k8sflow.expect import matchers
from pytest_k8sflow.expect.matchers import ABSENT, MatcherError, is_matcher, render_value

__all__ = ["ABSENT", "Mismatch", "match", "matches", "path_text", "MatcherError"]

_SIMPLE_KEY = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def path_text(path: list[str]) -> str:
    """``.spec.containers[name=web].image``; keys that are not plain words are quoted
    (``.metadata.labels["app.kubernetes.io/name"]``)."""
    parts = []
    for segment in path:
        if segment.startswith("["):
            parts.append(segment)
        elif segment and all(ch in _SIMPLE_KEY for ch in segment):
            parts.append("." + segment)
        else:
            parts.append("[" + render_value(segment, limit=200) + "]")
    return "".join(parts) or "."


@dataclass
class Mismatch:
    """One difference: where (``path`` segments: field names, ``[name=web]`` for a keyed list
    item, ``[2]`` for a position), what was expected, what is there (``ABSENT`` when missing)
    and the text saying so ("expected 3, got 2")."""

    path: list[str]
    expected: Any
    actual: Any
    message: str = field(default="")

    def __post_init__(self) -> None:
        if not self.message:
            self.message = (f"expected {render_value(self.expected)}, "
                            f"got {render_value(self.actual)}")

    @property
    def path_text(self) -> str:
        return path_text(self.path)


# -- entry points --------------------------------------------------------------------------
def _prepare(expected: Mapping) -> Mapping:
    # contract: a plain text with * as the top-level metadata.name is a glob
    metadata = expected.get("metadata") if isinstance(expected, Mapping) else None
    if isinstance(metadata, Mapping):
        name = metadata.get("name")
        if isinstance(name, str) and "*" in name:
            return {**expected, "metadata": {**metadata, "name": {"$glob": name}}}
    return expected


def match(expected: Any, actual: Any, *, api_version: str | None = None,
          kind: str | None = None) -> list[Mismatch]:
    """Every difference between the partial object ``expected`` and ``actual``; empty when it
    matches. ``api_version``/``kind`` select the schema that says how lists are keyed."""
    node = typeinfo.type_node(api_version or "", kind or "")
    out: list[Mismatch] = []
    _walk(_prepare(expected), actual, node, None, [], out)
    return out


def matches(expected: Any, actual: Any, *, api_version: str | None = None,
            kind: str | None = None) -> bool:
    """Whether ``actual`` matches ``expected`` (stops at the first difference)."""
    node = typeinfo.type_node(api_version or "", kind or "")
    return _walk(_prepare(expected), actual, node, None, [], None)


def value_matches(expected: Any, actual: Any) -> bool:
    """Subset match of one value without a schema (what matchers use for their arguments)."""
    return _walk(expected, actual, None, None, [], None)


# -- the walk ----------------------------------------------------------------------------------
def _fail(out: list | None, path: list[str], expected: Any, actual: Any,
          message: str = "") -> bool:
    if out is not None:
        out.append(Mismatch(list(path), expected, actual, message))
    return False


def _walk(expected: Any, actual: Any, node: TypeNode | None, name: str | None,
          path: list[str], out: list | None) -> bool:
    if expected is None:
        if actual is ABSENT or actual is None:
            return True
        if out is None:  # messages cost: only build them when asked for
            return False
        return _fail(out, path, None, actual, f"expected null (absent), got {render_value(actual)}")
    if isinstance(expected, Mapping):
        if is_matcher(expected):
            return _walk_matcher(expected, actual, path, out)
        return _walk_map(expected, actual, node, path, out)
    if isinstance(expected, list | tuple):
        return _walk_list(expected, actual, node, name, path, out)
    if actual is ABSENT:
        return _fail(out, path, expected, actual)
    if matchers.scalar_equal(expected, actual):
        return True
    return _fail(out, path, expected, actual)


def _walk_matcher(expected: Mapping, actual: Any, path: list[str], out: list | None) -> bool:
    try:
        ok = matchers.evaluate(expected, actual, value_matches)
    except MatcherError as exc:
        raise MatcherError(f"{exc} (at {path_text(path)})") from None
    if ok:
        return True
    if out is None:
        return False
    return _fail(out, path, expected, actual,
                 f"expected {matchers.describe(expected)}, got {render_value(actual)}")


def _walk_map(expected: Mapping, actual: Any, node: TypeNode | None, path: list[str],
              out: list | None) -> bool:
    if not isinstance(actual, Mapping):
        return _fail(out, path, expected, actual)
    ok = True
    for key, value in expected.items():
        if isinstance(key, str) and key[:1] == "$":
            raise MatcherError(f"a matcher ({key}) must be the only key of its map "
                               f"(at {path_text(path)})")
        path.append(key)
        child = node.child(key) if node is not None else None
        good = _walk(value, actual.get(key, ABSENT), child, key, path, out)
        path.pop()
        if not good:
            ok = False
            if out is None:
                return False
    return ok


def _plural(count: int) -> str:
    return f"{count} item{'s' if count != 1 else ''}"


def _walk_list(expected: list, actual: Any, node: TypeNode | None, name: str | None,
               path: list[str], out: list | None) -> bool:
    if not expected:
        if actual is ABSENT or actual is None or (isinstance(actual, list) and not actual):
            return True
        if out is None:
            return False
        if isinstance(actual, list):
            return _fail(out, path, expected, actual,
                         f"expected no items, got {_plural(len(actual))}")
        return _fail(out, path, expected, actual)
    if not isinstance(actual, list):
        if out is None:
            return False
        if actual is ABSENT or actual is None:
            return _fail(out, path, expected, actual,
                         f"expected {_plural(len(expected))}, got {render_value(actual)}")
        return _fail(out, path, expected, actual)
    keys = _list_keys(node, name)
    if keys:
        return _walk_keyed(expected, actual, node, keys, path, out)
    if len(expected) != len(actual):
        if out is None:
            return False
        return _fail(out, path, expected, actual, _length_message(expected, actual))
    ok = True
    for index, (item, other) in enumerate(zip(expected, actual, strict=True)):
        path.append(f"[{index}]")
        good = _walk(item, other, node, None, path, out)
        path.pop()
        if not good:
            ok = False
            if out is None:
                return False
    return ok


def _length_message(expected: list, actual: list) -> str:
    """``expected 2 items, got 3 (not expected: {...})``: which items make the difference."""
    text = f"expected {_plural(len(expected))}, got {len(actual)}"
    missing = [e for e in expected if not any(value_matches(e, a) for a in actual)]
    extra = [a for a in actual if not any(value_matches(e, a) for e in expected)]
    parts = []
    for title, items in (("missing", missing), ("not expected", extra)):
        if items and len(items) < max(len(expected), len(actual)):
            shown = ", ".join(render_value(item, limit=60) for item in items[:3])
            more = f" and {len(items) - 3} more" if len(items) > 3 else ""
            parts.append(f"{title}: {shown}{more}")
    return text + (f" ({'; '.join(parts)})" if parts else "")


def _list_keys(node: TypeNode | None, name: str | None) -> tuple[str, ...]:
    if node is not None and node.info.is_list:
        return node.info.match_keys
    return EXTENSION_MATCH_KEYS.get(name, ()) if name else ()


def _candidates(item: Any, actual: list, keys: tuple[str, ...]) -> tuple[list, tuple[str, ...]]:
    """Actual items whose key fields match the ones the expected item gives."""
    if not isinstance(item, Mapping) or is_matcher(item):
        return actual, ()
    given = tuple(k for k in keys if k in item)
    if not given:
        return actual, ()
    found = []
    for other in actual:
        if not isinstance(other, Mapping):
            continue
        for key in given:
            wanted = item[key]
            value = other.get(key, ABSENT)
            if isinstance(wanted, Mapping | list | tuple):
                if not value_matches(wanted, value):
                    break
            elif wanted is None:
                if value is not ABSENT and value is not None:
                    break
            elif value is ABSENT or not matchers.scalar_equal(wanted, value):
                break
        else:
            found.append(other)
    return found, given


def _walk_keyed(expected: list, actual: list, node: TypeNode | None, keys: tuple[str, ...],
                path: list[str], out: list | None) -> bool:
    ok = True
    for index, item in enumerate(expected):
        candidates, given = _candidates(item, actual, keys)
        if any(_walk(item, other, node, None, path, None) for other in candidates):
            continue
        ok = False
        if out is None:
            return False
        if not candidates:
            path.append(_item_label(item, keys, None, index))
            _fail(out, path, item, ABSENT, _missing_item_message(item, actual, keys, given))
            path.pop()
            continue
        # report the differences of the closest candidate (fewest mismatches, first wins)
        best: list[Mismatch] | None = None
        for other in candidates:
            path.append(_item_label(item, keys, other, index))
            found: list[Mismatch] = []
            _walk(item, other, node, None, path, found)
            path.pop()
            if best is None or len(found) < len(best):
                best = found
        out.extend(best or ())
    return ok


def _label_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_matcher(value):
        return matchers.label(value)
    return render_value(value, limit=40)


def _item_label(item: Any, keys: tuple[str, ...], other: Mapping | None, index: int) -> str:
    """``[name=web]``: the item's key fields (for a matcher key, the matched item's value)."""
    parts = []
    if isinstance(item, Mapping) and not is_matcher(item):
        for key in keys:
            if key in item:
                value = item[key]
                if is_matcher(value) and other is not None and key in other:
                    value = other[key]
                parts.append(f"{key}={_label_value(value)}")
        if not parts:
            # no key given: name the item by its first plain field
            for key, value in item.items():
                if value is not None and not isinstance(value, Mapping | list | tuple):
                    parts.append(f"{key}={_label_value(value)}")
                    break
    if not parts:
        return f"[{index}]"
    return "[" + ",".join(parts) + "]"


def _missing_item_message(item: Any, actual: list, keys: tuple[str, ...],
                          given: tuple[str, ...]) -> str:
    text = f"expected an item {render_value(item)}, got <absent>"
    shown_keys = given or keys
    names = []
    for other in actual:
        if isinstance(other, Mapping):
            values = [_label_value(other[k]) for k in shown_keys if k in other]
            if values:
                names.append(",".join(values))
    if names:
        listed = ", ".join(names[:10]) + (f" and {len(names) - 10} more"
                                          if len(names) > 10 else "")
        text += f" (there are: {listed})"
    elif not actual:
        text += " (the list is empty)"
    return text
