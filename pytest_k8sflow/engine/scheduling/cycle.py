"""One scheduling cycle of the default profile (schedule_one.go schedulePod): PreFilter, the
filters in the default order (NodeUnschedulable, NodeName, TaintToleration, NodeAffinity,
NodePorts, NodeResourcesFit, [volume plugins], PodTopologySpread, InterPodAffinity), then either
the FitError message or the weighted scores and the chosen host; plus the system default
spreading selector (plugins/helper DefaultSelector).

Deliberate difference from upstream: when several nodes share the best score, upstream picks
one at random (schedule_one.go selectHost); we pick the first in natural name order
(node-2 before node-10) so runs are reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pytest_k8sflow.engine.scheduling.affinity import (
    _required_node_names,
    inter_pod_affinity_filter,
    inter_pod_affinity_prefilter,
    inter_pod_affinity_scores,
    node_affinity_filter,
    node_affinity_scores,
)
from pytest_k8sflow.engine.scheduling.cache import NodeInfo, SchedulerCache, pod_info
from pytest_k8sflow.engine.scheduling.helpers import (
    DEFAULT_VERSION,
    Version,
    _labels,
    _meta,
    _selector,
    _spec,
    natural_key,
)
from pytest_k8sflow.engine.scheduling.messages import (
    REASON_NO_NODES,
    REASON_NODE_AFFINITY_CONFLICT,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    Status,
    fit_error_message,
)
from pytest_k8sflow.engine.scheduling.nodefilters import (
    node_name_filter,
    node_ports_filter,
    node_unschedulable_filter,
)
from pytest_k8sflow.engine.scheduling.resources import (
    balanced_allocation_scores,
    node_resources_fit_filter,
    resources_fit_scores,
)
from pytest_k8sflow.engine.scheduling.spread import (
    pod_topology_spread_filter,
    pod_topology_spread_prefilter,
    pod_topology_spread_scores,
)
from pytest_k8sflow.engine.scheduling.taints import taint_toleration_filter, taint_toleration_scores
from pytest_k8sflow.engine.selectors import EVERYTHING, Requirement, Selector

# The default profile's score plugins and weights (k/k pkg/scheduler/apis/config/v1/
# default_plugins.go). ImageLocality (weight 1) is left out: simulated nodes report no images,
# so it scores every node 0.
SCORE_WEIGHTS = {"TaintToleration": 3, "NodeAffinity": 2, "NodeResourcesFit": 1,
                 "PodTopologySpread": 2, "InterPodAffinity": 2,
                 "NodeResourcesBalancedAllocation": 1}


def select_host(totals: Mapping[str, int]) -> str:
    """The best total score; ties go to the first name in natural order (upstream: random)."""
    return min(totals, key=lambda name: (-totals[name], natural_key(name)))


# ============================================================================================
# one scheduling cycle


@dataclass
class ScheduleResult:
    """Outcome of ``schedule_pod``: ``node`` on success, else ``message`` for the
    PodScheduled=False condition and the FailedScheduling event."""

    node: str | None
    message: str = ""
    statuses: dict[str, Status] = field(default_factory=dict)
    scores: dict[str, dict[str, int]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    feasible: list[str] = field(default_factory=list)


def default_spread_selector(pod: Mapping, *, services: Iterable[Mapping] = (),
                            controllers: Iterable[Mapping] = ()) -> Selector:
    """plugins/helper DefaultSelector: merged selectors of the Services in the pod's namespace
    that select it, plus the selector of its controlling ReplicaSet, StatefulSet or
    ReplicationController (pass candidate owners in ``controllers``)."""
    namespace = _meta(pod).get("namespace") or "default"
    labels = _labels(pod)
    merged: dict[str, str] = {}
    for svc in services:
        if (_meta(svc).get("namespace") or "default") != namespace:
            continue
        selector = _spec(svc).get("selector")
        if selector is None:
            continue  # a Service without selector selects nothing
        if all(labels.get(k) == v for k, v in selector.items()):
            merged.update(selector)
    requirements = [Requirement(k, "In", (str(merged[k]),)) for k in sorted(merged)]
    owner = next((r for r in _meta(pod).get("ownerReferences") or () if r.get("controller")), None)
    if owner is not None and owner.get("kind") in ("ReplicaSet", "StatefulSet",
                                                   "ReplicationController"):
        for ctrl in controllers:
            same = (ctrl.get("kind") == owner.get("kind")
                    and _meta(ctrl).get("name") == owner.get("name")
                    and (_meta(ctrl).get("namespace") or "default") == namespace)
            if same:
                sel = _spec(ctrl).get("selector")
                if owner["kind"] == "ReplicationController":
                    merged_rc = {**merged, **(sel or {})}
                    requirements = [Requirement(k, "In", (str(merged_rc[k]),))
                                    for k in sorted(merged_rc)]
                else:
                    requirements += list(_selector(sel).requirements)
                break
    return Selector(tuple(requirements)) if requirements else EVERYTHING


def schedule_pod(pod: Mapping, cache: SchedulerCache, *, version: Version = DEFAULT_VERSION,
                 namespace_labels: Mapping[str, Mapping[str, str]] | None = None,
                 spread_selector: Selector | None = None) -> ScheduleResult:
    """One scheduling cycle of the default profile (schedule_one.go schedulePod): PreFilter,
    Filter every node, and either the FitError message or weighted scores and a host.
    ``spread_selector`` is ``default_spread_selector(pod, ...)`` for the system default
    spreading; ``namespace_labels`` resolves affinity namespaceSelectors."""
    nodes = cache.node_infos()
    if not nodes:
        return ScheduleResult(None, REASON_NO_NODES)
    info = pod_info(pod)
    statuses: dict[str, Status] = {}

    # PreFilter: NodeAffinity may narrow the candidates or reject every node.
    names, conflict = _required_node_names(pod)
    if conflict:
        status = Status(UNSCHEDULABLE_AND_UNRESOLVABLE, (REASON_NODE_AFFINITY_CONFLICT,),
                        "NodeAffinity")
        message = fit_error_message(len(nodes), {n.name: [] for n in nodes},
                                    {n.name: False for n in nodes}, version=version,
                                    pre_filter_msg=REASON_NODE_AFFINITY_CONFLICT,
                                    preemption_policy=_spec(pod).get("preemptionPolicy"))
        return ScheduleResult(None, message, {n.name: status for n in nodes})
    affinity_state = inter_pod_affinity_prefilter(info, nodes, namespace_labels)
    spread_state = pod_topology_spread_prefilter(pod, nodes, spread_selector)

    feasible: list[NodeInfo] = []
    absent = 0
    for ni in nodes:
        if names is not None and ni.name not in names:
            absent += 1
            continue
        node = ni.node or {}
        status = (node_unschedulable_filter(pod, node)
                  or node_name_filter(pod, node)
                  or taint_toleration_filter(pod, node, version=version)
                  or node_affinity_filter(pod, node)
                  or node_ports_filter(info, ni)
                  or node_resources_fit_filter(info, ni)
                  or pod_topology_spread_filter(pod, spread_state, ni)
                  or inter_pod_affinity_filter(affinity_state, ni))
        if status is None:
            feasible.append(ni)
        else:
            statuses[ni.name] = status

    if not feasible:
        absent_reason = "node(s) didn't satisfy plugin(s) [NodeAffinity]" if absent else None
        message = fit_error_message(
            len(nodes), {n: list(s.reasons) for n, s in statuses.items()},
            {n: not s.unresolvable for n, s in statuses.items()}, version=version,
            absent_reason=absent_reason, preemption_policy=_spec(pod).get("preemptionPolicy"))
        return ScheduleResult(None, message, statuses)
    if len(feasible) == 1:
        return ScheduleResult(feasible[0].name, statuses=statuses,
                              feasible=[feasible[0].name])

    scores: dict[str, dict[str, int]] = {
        "TaintToleration": taint_toleration_scores(pod, feasible),
        "NodeResourcesFit": resources_fit_scores(info, feasible),
        "InterPodAffinity": inter_pod_affinity_scores(info, feasible, nodes,
                                                      namespace_labels=namespace_labels),
    }
    optional = {
        "NodeAffinity": node_affinity_scores(pod, feasible),
        "PodTopologySpread": pod_topology_spread_scores(pod, feasible, nodes, spread_selector),
        "NodeResourcesBalancedAllocation": balanced_allocation_scores(info, feasible,
                                                                      version=version),
    }
    scores.update({name: s for name, s in optional.items() if s is not None})
    totals = {ni.name: sum(SCORE_WEIGHTS[plugin] * s.get(ni.name, 0)
                           for plugin, s in scores.items()) for ni in feasible}
    return ScheduleResult(select_host(totals), statuses=statuses, scores=scores, totals=totals,
                          feasible=[ni.name for ni in feasible])
