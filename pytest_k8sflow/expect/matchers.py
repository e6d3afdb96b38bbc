"""Matchers inside expectations: a map whose only key starts with ``$``.

Kubernetes field names never start with ``$``, so ``{$glob: "web-*"}`` can only be a matcher.
The contract (scenario-format.md, "Values inside expectations") names six; the others here are
additions for what users ask for. Each matcher gets the actual value, or ``ABSENT`` when the
field is missing:

``{$any: true}``
    present, with any value (not null). ``{$any: false}``: absent (or null).
``{$glob: "web-*"}``
    text matching a shell pattern (``*``, ``?``, ``[abc]``), the whole text.
``{$regex: "^web-[0-9]+$"}``
    text in which the regular expression is found (``re.search``: anchor it for a whole match).
``{$gte: 2}``, ``{$lte: 5}``, ``{$gt: 0}``, ``{$lt: 10}``
    ordered comparison: numbers with numbers (3 and 3.0 are equal; true is not a number), text
    with text (RFC 3339 timestamps compare correctly as text). Anything else does not match.
``{$len: 3}``
    a list, map or text of that length; absent and null count as length 0. The argument may
    itself be a matcher: ``{$len: {$gte: 2}}``.
``{$ne: "Running"}``
    not equal to this value (absent and null are the same here: ``{$ne: null}`` means present).
``{$in: ["Pending", "Running"]}``
    matches one of the listed expected values (each may be a partial object or a matcher).
``{$contains: {name: web}}``
    a list with at least one item matching the expected value, or a text containing the text.
``{$not: <expected>}``
    does not match the expected value (partial object, matcher or plain value).
``{$all: [<expected>, ...]}``
    matches every listed expected value: ``{$all: [{$gte: 2}, {$lte: 5}]}`` for a range.
``{$quantity: "1Gi"}``
    a resource quantity equal to this one in value (``1Gi`` = ``1024Mi``; ``500m`` = ``0.5``).

A map whose keys all start with ``$`` is read as ``$all`` of its matchers (``{$gte: 2,
$lte: 5}``). A ``$`` key next to ordinary keys, or an unknown matcher, is an error.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pytest_k8sflow.errors import K8sflowError


class _Absent:
    """The value of a field that is not there."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<absent>"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()

# (expected, actual) -> bool: the subset match, handed in by matching.py
Matches = Callable[[Any, Any], bool]


class MatcherError(K8sflowError):
    """A matcher that cannot be evaluated (unknown name, bad argument)."""


# -- values as text ------------------------------------------------------------------------
MAX_VALUE_TEXT = 200  # a whole event message or image reference stays readable


def render_value(value: Any, limit: int = MAX_VALUE_TEXT) -> str:
    """A short JSON-like text of a value; long values are cut in the middle."""
    if value is ABSENT:
        return "<absent>"
    if is_matcher(value):
        text = describe(value)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "),
                              default=_default)
        except (TypeError, ValueError):
            text = repr(value)
    if len(text) > limit:
        keep = (limit - 1) // 2
        text = text[:keep] + "…" + text[len(text) - (limit - 1 - keep):]
    return text


def _default(value: Any) -> Any:
    if value is ABSENT:
        return "<absent>"
    return str(value)


# -- equality --------------------------------------------------------------------------------
def scalar_equal(expected: Any, actual: Any) -> bool:
    """Equality of JSON scalars: 3 and 3.0 are equal, 3 and "3" are not, true is not 1."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return expected == actual
    if isinstance(expected, str) or isinstance(actual, str):
        return isinstance(expected, str) and isinstance(actual, str) and expected == actual
    return expected == actual


def deep_equal(expected: Any, actual: Any) -> bool:
    """Whole-value equality with ``scalar_equal`` at the leaves (absent equals null)."""
    if expected is ABSENT or expected is None:
        return actual is ABSENT or actual is None
    if isinstance(expected, Mapping):
        return (isinstance(actual, Mapping) and expected.keys() == actual.keys()
                and all(deep_equal(v, actual[k]) for k, v in expected.items()))
    if isinstance(expected, list | tuple):
        return (isinstance(actual, list | tuple) and len(expected) == len(actual)
                and all(deep_equal(e, a) for e, a in zip(expected, actual, strict=True)))
    return scalar_equal(expected, actual)


# -- matchers --------------------------------------------------------------------------------
def is_matcher(value: Any) -> bool:
    """A map whose (first, and in the contract only) key starts with ``$``."""
    if not isinstance(value, Mapping) or not value:
        return False
    key = next(iter(value))
    return isinstance(key, str) and key[:1] == "$"


@dataclass(frozen=True)
class _Spec:
    check: Callable[[Any, Any, Matches], bool]  # (argument, actual, matches) -> bool
    describe: Callable[[Any], str]
    validate: Callable[[Any], str | None] = lambda arg: None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _ordered(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any, Matches], bool]:
    def check(bound: Any, actual: Any, matches: Matches) -> bool:
        if _is_number(bound) and _is_number(actual):
            return op(actual, bound)
        if isinstance(bound, str) and isinstance(actual, str):
            return op(actual, bound)
        return False
    return check


def _ordered_argument(bound: Any) -> str | None:
    if _is_number(bound) or isinstance(bound, str):
        return None
    return "needs a number (or a text, compared as text)"


@lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _regex_argument(pattern: Any) -> str | None:
    if not isinstance(pattern, str):
        return "needs a text"
    try:
        _regex(pattern)
    except re.error as exc:
        return f"is not a valid regular expression: {exc}"
    return None


def _length(actual: Any) -> int | None:
    if actual is ABSENT or actual is None:
        return 0
    if isinstance(actual, Mapping | list | tuple | str):
        return len(actual)
    return None


def _len_check(argument: Any, actual: Any, matches: Matches) -> bool:
    size = _length(actual)
    if size is None:
        return False
    if is_matcher(argument):
        return matches(argument, size)
    return scalar_equal(argument, size)


def _len_describe(argument: Any) -> str:
    if is_matcher(argument):
        return f"a length {describe(argument)}"
    return f"{argument} item{'s' if argument != 1 else ''}"


def _len_argument(argument: Any) -> str | None:
    if is_matcher(argument):
        return None
    if isinstance(argument, int) and not isinstance(argument, bool) and argument >= 0:
        return None
    return "needs a count (or a matcher such as {$gte: 2})"


def _list_argument(argument: Any) -> str | None:
    return None if isinstance(argument, list | tuple) else "needs a list"


def _contains(argument: Any, actual: Any, matches: Matches) -> bool:
    if isinstance(actual, list | tuple):
        return any(matches(argument, item) for item in actual)
    if isinstance(actual, str) and isinstance(argument, str):
        return argument in actual
    return False


def _quantity(argument: Any, actual: Any, matches: Matches) -> bool:
    from pytest_k8sflow.engine.quantity import QuantityError, parse_quantity

    if actual is ABSENT or actual is None or isinstance(actual, bool):
        return False
    try:
        return parse_quantity(actual) == parse_quantity(argument)
    except (QuantityError, ValueError, TypeError):
        return False


def _quantity_argument(argument: Any) -> str | None:
    from pytest_k8sflow.engine.quantity import QuantityError, parse_quantity

    try:
        parse_quantity(argument)
    except (QuantityError, ValueError, TypeError):
        return "needs a quantity such as \"500m\" or \"1Gi\""
    return None


def _text(value: Any) -> str:
    return render_value(value, limit=60)


_SPECS: dict[str, _Spec] = {
    "$any": _Spec(
        check=lambda arg, actual, m: (actual is not ABSENT and actual is not None) == bool(arg),
        describe=lambda arg: "any value" if arg else "no value (absent)",
        validate=lambda arg: None if isinstance(arg, bool) else "needs true or false"),
    "$glob": _Spec(
        check=lambda arg, actual, m: isinstance(actual, str) and fnmatch.fnmatchcase(actual, arg),
        describe=lambda arg: f"a text matching {_text(arg)}",
        validate=lambda arg: None if isinstance(arg, str) else "needs a text"),
    "$regex": _Spec(
        check=lambda arg, actual, m: isinstance(actual, str) and bool(_regex(arg).search(actual)),
        describe=lambda arg: f"a text matching /{arg}/",
        validate=_regex_argument),
    "$gte": _Spec(check=_ordered(lambda a, b: a >= b), describe=lambda arg: f">= {_text(arg)}",
                  validate=_ordered_argument),
    "$lte": _Spec(check=_ordered(lambda a, b: a <= b), describe=lambda arg: f"<= {_text(arg)}",
                  validate=_ordered_argument),
    "$gt": _Spec(check=_ordered(lambda a, b: a > b), describe=lambda arg: f"> {_text(arg)}",
                 validate=_ordered_argument),
    "$lt": _Spec(check=_ordered(lambda a, b: a < b), describe=lambda arg: f"< {_text(arg)}",
                 validate=_ordered_argument),
    "$len": _Spec(check=_len_check, describe=_len_describe, validate=_len_argument),
    "$ne": _Spec(check=lambda arg, actual, m: not deep_equal(arg, actual),
                 describe=lambda arg: f"anything but {_text(arg)}"),
    "$in": _Spec(check=lambda arg, actual, m: any(m(option, actual) for option in arg),
                 describe=lambda arg: "one of " + _text(list(arg)), validate=_list_argument),
    "$contains": _Spec(check=_contains,
                       describe=lambda arg: f"something containing {_text(arg)}"),
    "$not": _Spec(check=lambda arg, actual, m: not m(arg, actual),
                  describe=lambda arg: f"not {_text(arg)}"),
    "$all": _Spec(check=lambda arg, actual, m: all(m(part, actual) for part in arg),
                  describe=lambda arg: " and ".join(_text(part) for part in arg) or "anything",
                  validate=_list_argument),
    "$quantity": _Spec(check=_quantity, describe=lambda arg: f"the quantity {_text(arg)}",
                       validate=_quantity_argument),
}

MATCHER_NAMES: tuple[str, ...] = tuple(_SPECS)


def _spec(name: str) -> _Spec:
    spec = _SPECS.get(name)
    if spec is None:
        raise MatcherError(f"unknown matcher {name}; known matchers: {', '.join(MATCHER_NAMES)}")
    return spec


def check_matcher(matcher: Mapping) -> None:
    """Raise MatcherError when a matcher map is not usable."""
    for name, argument in matcher.items():
        if not (isinstance(name, str) and name.startswith("$")):
            raise MatcherError(f"a matcher ({next(iter(matcher))}) must be the only key of its "
                               f"map, found {name!r} beside it")
        problem = _spec(name).validate(argument)
        if problem:
            raise MatcherError(f"{name} {problem}, got {render_value(argument)}")


def evaluate(matcher: Mapping, actual: Any, matches: Matches) -> bool:
    """Whether ``actual`` (possibly ABSENT) satisfies every matcher of the map."""
    for name, argument in matcher.items():
        spec = _SPECS.get(name)
        if spec is None or spec.validate(argument) is not None:
            check_matcher(matcher)  # raises with the reason
        if not spec.check(argument, actual, matches):
            return False
    return True


def describe(matcher: Mapping) -> str:
    """What a matcher asks for, as text ("a text matching "web-*"", ">= 2")."""
    parts = []
    for name, argument in matcher.items():
        spec = _SPECS.get(name)
        parts.append(spec.describe(argument) if spec is not None
                     else f"{name} {render_value(argument)}")
    return " and ".join(parts)


def label(matcher: Mapping) -> str:
    """A matcher in a path: ``kube-api-access-*`` for a glob, ``/re/`` for a regex."""
    if len(matcher) == 1:
        name, argument = next(iter(matcher.items()))
        if name == "$glob" and isinstance(argument, str):
            return argument
        if name == "$regex" and isinstance(argument, str):
            return f"/{argument}/"
    return describe(matcher)
