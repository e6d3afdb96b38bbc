"""Pure logic of the default kube-scheduler profile: filters, scores, host selection, messages.

Works on plain dicts in the API JSON shape (Pod, Node). ``SchedulerCache`` holds the
scheduler's view of the cluster (NodeInfo per node: requested resources, host ports, pods by
label group) and is updated incrementally as pods are bound, change phase or go away, so one
scheduling cycle costs O(nodes + label groups), not O(pods). The scheduler component
(engine/scheduler.py) feeds the cache, calls ``schedule_pod`` and writes bindings, conditions
and events. Rules and sources: docs/semantics/kubelet-and-scheduler.md.

Modules, one job each (imports only go down this list, so there are no cycles):

- ``helpers``: version type, object accessors, natural name order, DefaultNormalizeScore;
- ``messages``: framework.Status, the plugins' reasons, FitError and event texts;
- ``requests``: pod requests and node allocatable in scheduler units;
- ``cache``: PodInfo, NodeInfo, AffinityTerm and the SchedulerCache;
- ``taints``: tolerations and the TaintToleration plugin;
- ``nodefilters``: the NodeUnschedulable, NodeName and NodePorts plugins;
- ``resources``: the NodeResourcesFit and NodeResourcesBalancedAllocation plugins;
- ``affinity``: node selectors, the NodeAffinity and InterPodAffinity plugins;
- ``spread``: the PodTopologySpread plugin and the system default spreading;
- ``cycle``: ``schedule_pod`` (one cycle), ``select_host``, ``default_spread_selector``.

This package re-exports the public names of all of them.

Deliberate difference from upstream (ties between best-scored nodes go to the first name in
natural order, not a random one): see ``cycle``.
"""

from __future__ import annotations

from pytest_k8sflow.engine.scheduling.affinity import (
    InterPodAffinityState,
    _required_node_names,
    inter_pod_affinity_filter,
    inter_pod_affinity_prefilter,
    inter_pod_affinity_scores,
    node_affinity_filter,
    node_affinity_scores,
    node_matches_selector_terms,
    node_selector_term_matches,
    preferred_node_affinity_score,
    required_node_affinity_matches,
)
from pytest_k8sflow.engine.scheduling.cache import (
    AffinityTerm,
    NodeInfo,
    PodInfo,
    SchedulerCache,
    affinity_term,
    pod_counts_on_node,
    pod_info,
)
from pytest_k8sflow.engine.scheduling.cycle import (
    SCORE_WEIGHTS,
    ScheduleResult,
    default_spread_selector,
    schedule_pod,
    select_host,
)
from pytest_k8sflow.engine.scheduling.helpers import (
    DEFAULT_VERSION,
    MAX_NODE_SCORE,
    Version,
    default_normalize,
    natural_key,
)
from pytest_k8sflow.engine.scheduling.messages import (
    DRA_NO_CLAIMS,
    PREEMPTION_NO_VICTIMS,
    PREEMPTION_NOT_HELPFUL,
    PREEMPTION_POLICY_NEVER,
    REASON_EXISTING_ANTI_AFFINITY,
    REASON_NO_NODES,
    REASON_NODE_AFFINITY,
    REASON_NODE_AFFINITY_CONFLICT,
    REASON_NODE_NAME,
    REASON_NODE_PORTS,
    REASON_POD_AFFINITY,
    REASON_POD_ANTI_AFFINITY,
    REASON_SPREAD,
    REASON_SPREAD_MISSING_LABEL,
    REASON_TOO_MANY_PODS,
    REASON_UNSCHEDULABLE,
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    Status,
    fit_error_message,
    format_fit_error,
    scheduled_event_message,
)
from pytest_k8sflow.engine.scheduling.nodefilters import (
    TAINT_UNSCHEDULABLE,
    node_name_filter,
    node_ports_filter,
    node_unschedulable_filter,
)
from pytest_k8sflow.engine.scheduling.requests import (
    DEFAULT_MEMORY_REQUEST,
    DEFAULT_MILLI_CPU_REQUEST,
    container_requests,
    node_allocatable,
    pod_requests,
)
from pytest_k8sflow.engine.scheduling.resources import (
    InsufficientResource,
    balanced_allocation_score,
    balanced_allocation_scores,
    insufficient_resources,
    least_allocated_score,
    node_resources_fit_filter,
    resources_fit_scores,
)
from pytest_k8sflow.engine.scheduling.spread import (
    DEFAULT_SPREAD_CONSTRAINTS,
    LABEL_HOSTNAME,
    LABEL_ZONE,
    SpreadConstraint,
    SpreadFilterState,
    pod_topology_spread_filter,
    pod_topology_spread_prefilter,
    pod_topology_spread_scores,
    spread_constraints,
)
from pytest_k8sflow.engine.scheduling.taints import (
    DO_NOT_SCHEDULE_EFFECTS,
    find_untolerated_taint,
    taint_toleration_filter,
    taint_toleration_scores,
    tolerates,
    toleration_tolerates_taint,
    untolerated_taint_reason,
)

__all__ = [
    "AffinityTerm",
    "DEFAULT_MEMORY_REQUEST",
    "DEFAULT_MILLI_CPU_REQUEST",
    "DEFAULT_SPREAD_CONSTRAINTS",
    "DEFAULT_VERSION",
    "DO_NOT_SCHEDULE_EFFECTS",
    "DRA_NO_CLAIMS",
    "InsufficientResource",
    "InterPodAffinityState",
    "LABEL_HOSTNAME",
    "LABEL_ZONE",
    "MAX_NODE_SCORE",
    "NodeInfo",
    "PREEMPTION_NOT_HELPFUL",
    "PREEMPTION_NO_VICTIMS",
    "PREEMPTION_POLICY_NEVER",
    "PodInfo",
    "REASON_EXISTING_ANTI_AFFINITY",
    "REASON_NODE_AFFINITY",
    "REASON_NODE_AFFINITY_CONFLICT",
    "REASON_NODE_NAME",
    "REASON_NODE_PORTS",
    "REASON_NO_NODES",
    "REASON_POD_AFFINITY",
    "REASON_POD_ANTI_AFFINITY",
    "REASON_SPREAD",
    "REASON_SPREAD_MISSING_LABEL",
    "REASON_TOO_MANY_PODS",
    "REASON_UNSCHEDULABLE",
    "SCORE_WEIGHTS",
    "ScheduleResult",
    "SchedulerCache",
    "SpreadConstraint",
    "SpreadFilterState",
    "Status",
    "TAINT_UNSCHEDULABLE",
    "UNSCHEDULABLE",
    "UNSCHEDULABLE_AND_UNRESOLVABLE",
    "Version",
    "_required_node_names",
    "affinity_term",
    "balanced_allocation_score",
    "balanced_allocation_scores",
    "container_requests",
    "default_normalize",
    "default_spread_selector",
    "find_untolerated_taint",
    "fit_error_message",
    "format_fit_error",
    "insufficient_resources",
    "inter_pod_affinity_filter",
    "inter_pod_affinity_prefilter",
    "inter_pod_affinity_scores",
    "least_allocated_score",
    "natural_key",
    "node_affinity_filter",
    "node_affinity_scores",
    "node_allocatable",
    "node_matches_selector_terms",
    "node_name_filter",
    "node_ports_filter",
    "node_resources_fit_filter",
    "node_selector_term_matches",
    "node_unschedulable_filter",
    "pod_counts_on_node",
    "pod_info",
    "pod_requests",
    "pod_topology_spread_filter",
    "pod_topology_spread_prefilter",
    "pod_topology_spread_scores",
    "preferred_node_affinity_score",
    "required_node_affinity_matches",
    "resources_fit_scores",
    "schedule_pod",
    "scheduled_event_message",
    "select_host",
    "spread_constraints",
    "taint_toleration_filter",
    "taint_toleration_scores",
    "tolerates",
    "toleration_tolerates_taint",
    "untolerated_taint_reason",
]
