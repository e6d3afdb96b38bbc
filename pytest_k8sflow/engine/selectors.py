"""Label selectors: metav1.LabelSelector objects and kubectl's ``-l`` text form."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pytest_k8sflow.errors import K8sflowError

Labels = Mapping[str, str]


class SelectorError(K8sflowError):
    """A selector that Kubernetes would reject."""


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str  # In, NotIn, Exists, DoesNotExist, Gt, Lt (= and != map onto In/NotIn)
    values: tuple[str, ...] = ()

    def matches(self, labels: Labels) -> bool:
        op = self.operator
        if op == "In":
            return self.key in labels and labels[self.key] in self.values
        if op == "NotIn":
            return self.key not in labels or labels[self.key] not in self.values
        if op == "Exists":
            return self.key in labels
        if op == "DoesNotExist":
            return self.key not in labels
        if op in ("Gt", "Lt"):
            if self.key not in labels:
                return False
            try:
                have, want = int(labels[self.key]), int(self.values[0])
            except ValueError:
                return False
            return have > want if op == "Gt" else have < want
        raise SelectorError(f"{op!r} is not a valid label selector operator")


@dataclass(frozen=True)
class Selector:
    """A conjunction of requirements. ``Selector(())`` matches everything."""

    requirements: tuple[Requirement, ...]
    nothing: bool = False  # a nil LabelSelector selects nothing

    def __hash__(self) -> int:
        # Selectors key hot caches (scheduler scoring); hash the requirements once.
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash((self.requirements, self.nothing))
            object.__setattr__(self, "_hash", cached)
        return cached

    def matches(self, labels: Labels | None) -> bool:
        if self.nothing:
            return False
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    @property
    def empty(self) -> bool:
        return not self.nothing and not self.requirements

    def __str__(self) -> str:
        parts = []
        for r in self.requirements:
            if r.operator == "In" and len(r.values) == 1:
                parts.append(f"{r.key}={r.values[0]}")
            elif r.operator == "NotIn" and len(r.values) == 1:
                parts.append(f"{r.key}!={r.values[0]}")
            elif r.operator == "In":
                parts.append(f"{r.key} in ({','.join(r.values)})")
            elif r.operator == "NotIn":
                parts.append(f"{r.key} notin ({','.join(r.values)})")
            elif r.operator == "Exists":
                parts.append(r.key)
            elif r.operator == "DoesNotExist":
                parts.append(f"!{r.key}")
            else:
                parts.append(f"{r.key} {r.operator.lower()} {r.values[0]}")
        return ",".join(parts)


EVERYTHING = Selector(())
NOTHING = Selector((), nothing=True)


def from_label_selector(selector: Mapping | None) -> Selector:
    """metav1.LabelSelectorAsSelector: nil selects nothing, ``{}`` selects everything."""
    if selector is None:
        return NOTHING
    reqs: list[Requirement] = []
    for key in sorted(selector.get("matchLabels") or {}):
        reqs.append(Requirement(key, "In", (str(selector["matchLabels"][key]),)))
    for expr in selector.get("matchExpressions") or []:
        op = expr.get("operator")
        values = tuple(str(v) for v in (expr.get("values") or []))
        if op in ("In", "NotIn"):
            if not values:
                raise SelectorError(f"for 'in', 'notin' operators, values set can't be empty "
                                    f"(key {expr.get('key')!r})")
        elif op in ("Exists", "DoesNotExist"):
            if values:
                raise SelectorError("values set must be empty for exists and does not exist")
        else:
            raise SelectorError(f'"{op}" is not a valid label selector operator')
        reqs.append(Requirement(expr["key"], op, tuple(sorted(values))))
    return Selector(tuple(reqs))


def from_match_labels(labels: Mapping[str, str]) -> Selector:
    return Selector(tuple(Requirement(k, "In", (str(labels[k]),)) for k in sorted(labels)))


_TOKEN = re.compile(r"\s*(!=|==|=|!|\(|\)|,|[^\s!=(),]+)")


def parse_selector(text: str) -> Selector:
    """kubectl ``-l`` syntax: ``a=b,c!=d,e in (x,y),f notin (z),g,!h``."""
    text = text.strip()
    if not text:
        return EVERYTHING
    tokens = [m.group(1) for m in _TOKEN.finditer(text)]
    reqs: list[Requirement] = []
    i = 0

    def bad() -> SelectorError:
        return SelectorError(f"unable to parse requirement: invalid label selector {text!r}")

    while i < len(tokens):
        tok = tokens[i]
        if tok == "!":
            if i + 1 >= len(tokens):
                raise bad()
            reqs.append(Requirement(tokens[i + 1], "DoesNotExist"))
            i += 2
        else:
            key = tok
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ","
            if nxt in ("=", "=="):
                if i + 2 >= len(tokens):
                    value = ""
                    i += 2
                else:
                    value = tokens[i + 2] if tokens[i + 2] != "," else ""
                    i += 3 if tokens[i + 2] != "," else 2
                reqs.append(Requirement(key, "In", (value,)))
            elif nxt == "!=":
                value = tokens[i + 2] if i + 2 < len(tokens) and tokens[i + 2] != "," else ""
                i += 3 if value else 2
                reqs.append(Requirement(key, "NotIn", (value,)))
            elif nxt in ("in", "notin"):
                if i + 2 >= len(tokens) or tokens[i + 2] != "(":
                    raise bad()
                j = i + 3
                values: list[str] = []
                while j < len(tokens) and tokens[j] != ")":
                    if tokens[j] != ",":
                        values.append(tokens[j])
                    j += 1
                if j >= len(tokens):
                    raise bad()
                reqs.append(Requirement(key, "In" if nxt == "in" else "NotIn",
                                        tuple(sorted(values))))
                i = j + 1
            elif nxt in ("gt", "lt"):
                reqs.append(Requirement(key, nxt.capitalize(), (tokens[i + 2],)))
                i += 3
            elif nxt == ",":
                reqs.append(Requirement(key, "Exists"))
                i += 1
            else:
                raise bad()
        if i < len(tokens):
            if tokens[i] != ",":
                raise bad()
            i += 1
    return Selector(tuple(reqs))


def selector_matcher(selector: Mapping | None) -> Callable[[Labels | None], bool]:
    return from_label_selector(selector).matches


def labels_of(obj: Mapping) -> Labels:
    return (obj.get("metadata") or {}).get("labels") or {}
