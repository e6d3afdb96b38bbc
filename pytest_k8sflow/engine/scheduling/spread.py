"""PodTopologySpread plugin (PreFilter, Filter, PreScore/Score/NormalizeScore): the pod's
topology spread constraints, or the system default spreading by hostname and zone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pytest_k8sflow.engine.scheduling.affinity import required_node_affinity_matches
from pytest_k8sflow.engine.scheduling.cache import NodeInfo
from pytest_k8sflow.engine.scheduling.helpers import (
    MAX_NODE_SCORE,
    _labels,
    _meta,
    _selector,
    _spec,
)
from pytest_k8sflow.engine.scheduling.messages import (
    REASON_SPREAD,
    REASON_SPREAD_MISSING_LABEL,
    Status,
    _reject,
)
from pytest_k8sflow.engine.scheduling.taints import find_untolerated_taint
from pytest_k8sflow.engine.selectors import Requirement, Selector

LABEL_HOSTNAME = "kubernetes.io/hostname"
LABEL_ZONE = "topology.kubernetes.io/zone"

# System default spreading (k/k pkg/scheduler/apis/config/v1/defaults.go systemDefaultConstraints).
DEFAULT_SPREAD_CONSTRAINTS = (
    {"topologyKey": LABEL_HOSTNAME, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 3},
    {"topologyKey": LABEL_ZONE, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 5},
)


# ============================================================================================
# filter


@dataclass(frozen=True)
class SpreadConstraint:
    max_skew: int
    topology_key: str
    selector: Selector
    min_domains: int = 1
    node_affinity_policy: str = "Honor"
    node_taints_policy: str = "Ignore"


def spread_constraints(pod: Mapping, action: str, default_selector: Selector | None = None
                       ) -> tuple[list[SpreadConstraint], bool]:
    """podtopologyspread filterTopologySpreadConstraints / buildDefaultConstraints: the pod's
    constraints with ``whenUnsatisfiable == action`` (matchLabelKeys folded into the selector),
    or — when the pod has none — the system defaults with the selector of the pod's services
    and controller. Second value: the system defaults are in use."""
    own = _spec(pod).get("topologySpreadConstraints") or ()
    labels = _labels(pod)
    if own:
        out = []
        for c in own:
            if (c.get("whenUnsatisfiable") or "DoNotSchedule") != action:
                continue
            selector = _selector(c.get("labelSelector"))
            extra = tuple(Requirement(k, "In", (labels[k],))
                          for k in c.get("matchLabelKeys") or () if k in labels)
            if extra and not selector.nothing:
                selector = Selector(selector.requirements + extra)
            out.append(SpreadConstraint(int(c.get("maxSkew") or 1), c.get("topologyKey") or "",
                                        selector, int(c.get("minDomains") or 1),
                                        c.get("nodeAffinityPolicy") or "Honor",
                                        c.get("nodeTaintsPolicy") or "Ignore"))
        return out, False
    if action != "ScheduleAnyway" or default_selector is None or default_selector.nothing \
            or default_selector.empty:
        return [], True
    return [SpreadConstraint(c["maxSkew"], c["topologyKey"], default_selector)
            for c in DEFAULT_SPREAD_CONSTRAINTS], True


def _node_counts_for(pod: Mapping, constraint: SpreadConstraint, node: Mapping) -> bool:
    # topologySpreadConstraint.matchNodeInclusionPolicies (NodeInclusionPolicy, on by default).
    spec = _spec(pod)
    constrained = spec.get("nodeSelector") or spec.get("affinity")
    if constraint.node_affinity_policy == "Honor" and constrained \
            and not required_node_affinity_matches(pod, node):
        return False
    if not _spec(node).get("taints"):
        return True
    untolerated = find_untolerated_taint(_spec(node).get("taints"), _spec(pod).get("tolerations"))
    return not (constraint.node_taints_policy == "Honor" and untolerated is not None)


@dataclass
class SpreadFilterState:
    constraints: list[SpreadConstraint]
    counts: list[dict[str, int]]  # per constraint: topology value → matching pods

    def min_match(self, i: int) -> int:
        counts = self.counts[i]
        if not counts or len(counts) < self.constraints[i].min_domains:
            return 0
        return min(counts.values())


def pod_topology_spread_prefilter(pod: Mapping, node_infos: Sequence[NodeInfo],
                                  default_selector: Selector | None = None
                                  ) -> SpreadFilterState | None:
    """podtopologyspread calPreFilterState for DoNotSchedule constraints; None = Skip."""
    constraints, _ = spread_constraints(pod, "DoNotSchedule", default_selector)
    if not constraints:
        return None
    namespace = _meta(pod).get("namespace") or "default"
    counts: list[dict[str, int]] = [{} for _ in constraints]
    for ni in node_infos:
        node = ni.node or {}
        if not all(c.topology_key in ni.labels for c in constraints):
            continue
        for i, c in enumerate(constraints):
            if not _node_counts_for(pod, c, node):
                continue
            value = ni.labels[c.topology_key]
            counts[i][value] = counts[i].get(value, 0) + ni.count_matching(c.selector, namespace)
    return SpreadFilterState(constraints, counts)


def pod_topology_spread_filter(pod: Mapping, state: SpreadFilterState | None,
                               node_info: NodeInfo) -> Status | None:
    """podtopologyspread Filter: matching pods in the node's domain + 1 (if the pod matches
    itself) − the global minimum must not exceed maxSkew."""
    if state is None:
        return None
    labels = _labels(pod)
    for i, c in enumerate(state.constraints):
        value = node_info.labels.get(c.topology_key)
        if value is None:
            return _reject("PodTopologySpread", REASON_SPREAD_MISSING_LABEL)
        self_match = 1 if c.selector.matches(labels) else 0
        skew = state.counts[i].get(value, 0) + self_match - state.min_match(i)
        if skew > c.max_skew:
            return _reject("PodTopologySpread", REASON_SPREAD, unresolvable=False)
    return None


# ============================================================================================
# score


def _go_round(value: float) -> int:
    # math.Round: half away from zero.
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


def pod_topology_spread_scores(pod: Mapping, feasible: Sequence[NodeInfo],
                               all_nodes: Sequence[NodeInfo],
                               default_selector: Selector | None = None) -> dict[str, int] | None:
    """podtopologyspread PreScore/Score/NormalizeScore for ScheduleAnyway constraints (the
    pod's own, else the system defaults: hostname maxSkew 3, zone maxSkew 5). None = Skip."""
    constraints, system_defaulted = spread_constraints(pod, "ScheduleAnyway", default_selector)
    if not constraints or not all_nodes:
        return None
    require_all = not system_defaulted
    namespace = _meta(pod).get("namespace") or "default"
    ignored: set[str] = set()
    pair_counts: dict[tuple[str, str], int] = {}
    topo_size = [0] * len(constraints)
    for ni in feasible:
        if require_all and not all(c.topology_key in ni.labels for c in constraints):
            ignored.add(ni.name)
            continue
        for i, c in enumerate(constraints):
            if c.topology_key == LABEL_HOSTNAME:
                continue
            pair = (c.topology_key, ni.labels.get(c.topology_key, ""))
            if pair not in pair_counts:
                pair_counts[pair] = 0
                topo_size[i] += 1
    weights = []
    for i, c in enumerate(constraints):
        size = len(feasible) - len(ignored) if c.topology_key == LABEL_HOSTNAME else topo_size[i]
        weights.append(math.log(size + 2))
    for ni in all_nodes:
        node = ni.node or {}
        if require_all and not all(c.topology_key in ni.labels for c in constraints):
            continue
        for c in constraints:
            if not _node_counts_for(pod, c, node):
                continue
            pair = (c.topology_key, ni.labels.get(c.topology_key, ""))
            if pair in pair_counts:
                pair_counts[pair] += ni.count_matching(c.selector, namespace)
    raw: dict[str, int] = {}
    for ni in feasible:
        if ni.name in ignored:
            continue
        score = 0.0
        for i, c in enumerate(constraints):
            value = ni.labels.get(c.topology_key)
            if value is None:
                continue
            if c.topology_key == LABEL_HOSTNAME:
                count = ni.count_matching(c.selector, namespace)
            else:
                count = pair_counts[(c.topology_key, value)]
            score += count * weights[i] + (c.max_skew - 1)
        raw[ni.name] = _go_round(score)
    out = {}
    low = min(raw.values(), default=0)
    high = max(raw.values(), default=0)
    for ni in feasible:
        if ni.name in ignored:
            out[ni.name] = 0
        elif high == 0:
            out[ni.name] = MAX_NODE_SCORE
        else:
            out[ni.name] = MAX_NODE_SCORE * (high + low - raw[ni.name]) // high
    return out
