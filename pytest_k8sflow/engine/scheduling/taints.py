"""Taints and tolerations (k8s.io/api ToleratesTaint, component-helpers
FindMatchingUntoleratedTaint) and the TaintToleration plugin's Filter and Score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pytest_k8sflow.engine.scheduling.cache import NodeInfo
from pytest_k8sflow.engine.scheduling.helpers import (
    DEFAULT_VERSION,
    Version,
    _spec,
    default_normalize,
)
from pytest_k8sflow.engine.scheduling.messages import Status, _reject

DO_NOT_SCHEDULE_EFFECTS = ("NoSchedule", "NoExecute")


def toleration_tolerates_taint(toleration: Mapping, taint: Mapping) -> bool:
    """k8s.io/api/core/v1 toleration.go ToleratesTaint: an empty effect matches every effect,
    an empty key (with Exists) every key; Equal (the default operator) compares values."""
    effect = toleration.get("effect") or ""
    if effect and effect != (taint.get("effect") or ""):
        return False
    key = toleration.get("key") or ""
    if key and key != (taint.get("key") or ""):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return operator == "Exists"


def tolerates(tolerations: Iterable[Mapping] | None, taint: Mapping) -> bool:
    """component-helpers TolerationsTolerateTaint: any toleration tolerates the taint."""
    return any(toleration_tolerates_taint(t, taint) for t in tolerations or ())


def find_untolerated_taint(taints: Iterable[Mapping] | None, tolerations: Iterable[Mapping] | None,
                           effects: Sequence[str] | None = DO_NOT_SCHEDULE_EFFECTS) -> dict | None:
    """component-helpers FindMatchingUntoleratedTaint: the first taint (node order) with one of
    ``effects`` (None = all) that no toleration tolerates, or None."""
    tolerations = list(tolerations or ())
    for taint in taints or ():
        if effects is not None and taint.get("effect") not in effects:
            continue
        if not tolerates(tolerations, taint):
            return dict(taint)
    return None


# ============================================================================================
# TaintToleration plugin


def untolerated_taint_reason(taint: Mapping, version: Version = DEFAULT_VERSION) -> str:
    """The TaintToleration reason. From v1.35 (and late 1.32–1.34 patch releases, PR #134740)
    the taint is no longer named; before, ``{key: value}`` is printed."""
    if version >= (1, 35):
        return "node(s) had untolerated taint(s)"
    return f"node(s) had untolerated taint {{{taint.get('key') or ''}: {taint.get('value') or ''}}}"


def taint_toleration_filter(pod: Mapping, node: Mapping, *,
                            version: Version = DEFAULT_VERSION) -> Status | None:
    """plugins/tainttoleration Filter: the first untolerated NoSchedule/NoExecute taint."""
    taint = find_untolerated_taint(_spec(node).get("taints"), _spec(pod).get("tolerations"))
    if taint is None:
        return None
    return _reject("TaintToleration", untolerated_taint_reason(taint, version))


def taint_toleration_scores(pod: Mapping, nodes: Sequence[NodeInfo]) -> dict[str, int]:
    """tainttoleration Score + NormalizeScore: fewer untolerated PreferNoSchedule taints is
    better (tolerations with an empty effect count too)."""
    tolerations = [t for t in _spec(pod).get("tolerations") or ()
                   if not t.get("effect") or t.get("effect") == "PreferNoSchedule"]
    raw = {}
    for ni in nodes:
        raw[ni.name] = sum(1 for taint in _spec(ni.node or {}).get("taints") or ()
                           if taint.get("effect") == "PreferNoSchedule"
                           and not tolerates(tolerations, taint))
    return default_normalize(raw, reverse=True)
