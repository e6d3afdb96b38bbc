"""Affinity plugins: node selectors and NodeAffinity (component-helpers
scheduling/corev1/nodeaffinity; PreFilter, Filter, Score), and InterPodAffinity (PreFilter,
Filter, Score) over the cache's label groups.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pytest_k8sflow.engine.scheduling.cache import AffinityTerm, NodeInfo, PodInfo
from pytest_k8sflow.engine.scheduling.helpers import (
    MAX_NODE_SCORE,
    _labels,
    _meta,
    _spec,
    default_normalize,
)
from pytest_k8sflow.engine.scheduling.messages import (
    REASON_EXISTING_ANTI_AFFINITY,
    REASON_NODE_AFFINITY,
    REASON_POD_AFFINITY,
    REASON_POD_ANTI_AFFINITY,
    Status,
    _reject,
)

# ============================================================================================
# node selectors (component-helpers scheduling/corev1/nodeaffinity)


_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_INTEGER = re.compile(r"^[+-]?\d+$")


def _valid_label_key(key: str) -> bool:
    prefix, _, name = key.rpartition("/")
    if "/" in key and (not prefix or len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix)):
        return False
    return 0 < len(name) <= 63 and bool(_QUALIFIED_NAME.match(name))


def _valid_label_value(value: str) -> bool:
    return len(value) <= 63 and bool(_LABEL_VALUE.match(value))


def _parse_label_requirements(exprs: Sequence[Mapping]) -> list[tuple[str, str, tuple]] | None:
    """nodeSelectorRequirementsAsSelector + labels.NewRequirement validation; None = invalid."""
    parsed = []
    for expr in exprs:
        key = expr.get("key") or ""
        op = expr.get("operator")
        values = tuple(str(v) for v in expr.get("values") or ())
        if not _valid_label_key(key):
            return None
        if op in ("In", "NotIn"):
            if not values or not all(_valid_label_value(v) for v in values):
                return None
        elif op in ("Exists", "DoesNotExist"):
            if values:
                return None
        elif op in ("Gt", "Lt"):
            if len(values) != 1 or not _INTEGER.match(values[0]):
                return None
            values = (int(values[0]),)
        else:
            return None
        parsed.append((key, op, values))
    return parsed


def _label_requirement_matches(key: str, op: str, values: tuple, labels: Mapping[str, str]) -> bool:
    if op == "In":
        return key in labels and labels[key] in values
    if op == "NotIn":
        return key not in labels or labels[key] not in values
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    if key not in labels or not _INTEGER.match(labels[key]):
        return False
    have = int(labels[key])
    return have > values[0] if op == "Gt" else have < values[0]


def node_selector_term_matches(node: Mapping, term: Mapping) -> bool:
    """One NodeSelectorTerm: matchExpressions on labels AND matchFields on ``metadata.name``.
    An empty term or an invalid requirement matches nothing."""
    exprs = term.get("matchExpressions") or ()
    fields = term.get("matchFields") or ()
    if not exprs and not fields:
        return False  # nil or empty term selects no objects
    if exprs:
        parsed = _parse_label_requirements(exprs)
        if parsed is None:
            return False
        labels = _labels(node)
        if not all(_label_requirement_matches(k, op, v, labels) for k, op, v in parsed):
            return False
    if fields:
        node_fields = {"metadata.name": _meta(node).get("name")} if _meta(node).get("name") else {}
        for expr in fields:
            op = expr.get("operator")
            values = expr.get("values") or ()
            if op not in ("In", "NotIn") or len(values) != 1:
                return False  # nodeSelectorRequirementsAsFieldSelector: exactly one value
            if not node_fields:
                continue  # a node without fields is not checked (nodeSelectorTerm.match)
            have = node_fields.get(expr.get("key"), "")
            if (have == values[0]) != (op == "In"):
                return False
    return True


def node_matches_selector_terms(node: Mapping, terms: Sequence[Mapping] | None) -> bool:
    """Terms are ORed (component-helpers MatchNodeSelectorTerms)."""
    return any(node_selector_term_matches(node, term) for term in terms or ())


def required_node_affinity_matches(pod: Mapping, node: Mapping) -> bool:
    """nodeaffinity.GetRequiredNodeAffinity(pod).Match: ``spec.nodeSelector`` (exact labels) and
    the required node affinity terms."""
    labels = _labels(node)
    for key, value in (_spec(pod).get("nodeSelector") or {}).items():
        if labels.get(key) != value:
            return False
    required = (((_spec(pod).get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution"))
    if required is not None:
        return node_matches_selector_terms(node, required.get("nodeSelectorTerms"))
    return True


def preferred_node_affinity_score(pod: Mapping, node: Mapping) -> int:
    """Sum of the weights of the preferred terms the node matches (nodeaffinity
    PreferredSchedulingTerms.Score)."""
    terms = (((_spec(pod).get("affinity") or {}).get("nodeAffinity") or {})
             .get("preferredDuringSchedulingIgnoredDuringExecution")) or ()
    return sum(int(t.get("weight") or 0) for t in terms
               if t.get("weight") and node_selector_term_matches(node, t.get("preference") or {}))


# ============================================================================================
# NodeAffinity plugin


def _required_node_names(pod: Mapping) -> tuple[set[str] | None, bool]:
    """NodeAffinity PreFilter: node names a required term pins with matchFields
    ``metadata.name In [...]`` (None = every node). Second value: the terms conflict."""
    required = (((_spec(pod).get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution"))
    terms = (required or {}).get("nodeSelectorTerms") or ()
    if not terms:
        return None, False
    names: set[str] = set()
    for term in terms:
        term_names: set[str] | None = None
        for expr in term.get("matchFields") or ():
            if expr.get("key") == "metadata.name" and expr.get("operator") == "In":
                values = set(expr.get("values") or ())
                term_names = values if term_names is None else term_names & values
        if term_names is None:
            return None, False  # this term allows any node, terms are ORed
        names |= term_names
    return (names, False) if names else (names, True)


def node_affinity_filter(pod: Mapping, node: Mapping) -> Status | None:
    """plugins/nodeaffinity Filter: nodeSelector and required node affinity."""
    if required_node_affinity_matches(pod, node):
        return None
    return _reject("NodeAffinity", REASON_NODE_AFFINITY)


def node_affinity_scores(pod: Mapping, nodes: Sequence[NodeInfo]) -> dict[str, int] | None:
    """nodeaffinity Score + NormalizeScore; None when the pod has no preferred terms (Skip)."""
    preferred = (((_spec(pod).get("affinity") or {}).get("nodeAffinity") or {})
                 .get("preferredDuringSchedulingIgnoredDuringExecution"))
    if not preferred:
        return None
    return default_normalize({ni.name: preferred_node_affinity_score(pod, ni.node or {})
                              for ni in nodes})


# ============================================================================================
# InterPodAffinity plugin


@dataclass
class InterPodAffinityState:
    """interpodaffinity preFilterState: topology pair → number of matching pods."""

    pod: PodInfo
    namespace_labels: Mapping | None = None
    affinity_counts: dict[tuple[str, str], int] = field(default_factory=dict)
    anti_affinity_counts: dict[tuple[str, str], int] = field(default_factory=dict)
    existing_anti_affinity_counts: dict[tuple[str, str], int] = field(default_factory=dict)


def _bump(counts: dict, node_labels: Mapping[str, str], key: str, value: int) -> None:
    if key in node_labels:
        pair = (key, node_labels[key])
        counts[pair] = counts.get(pair, 0) + value
        if counts[pair] == 0:
            del counts[pair]


def inter_pod_affinity_prefilter(pod: PodInfo, node_infos: Sequence[NodeInfo],
                                 namespace_labels: Mapping | None = None
                                 ) -> InterPodAffinityState | None:
    """interpodaffinity PreFilter over all nodes; None = Skip (nothing to check)."""
    state = InterPodAffinityState(pod, namespace_labels)
    for ni in node_infos:
        for existing in ni.with_required_anti_affinity.values():
            for term in existing.required_anti_affinity:
                if term.matches(pod.namespace, pod.labels, namespace_labels):
                    _bump(state.existing_anti_affinity_counts, ni.labels, term.topology_key, 1)
    if not state.existing_anti_affinity_counts and not pod.required_affinity \
            and not pod.required_anti_affinity:
        return None
    if pod.required_affinity or pod.required_anti_affinity:
        for ni in node_infos:
            for (namespace, labels), count in ni.label_groups.items():
                labels_map = dict(labels)
                if pod.required_affinity and all(
                        t.matches(namespace, labels_map, namespace_labels)
                        for t in pod.required_affinity):
                    for term in pod.required_affinity:
                        _bump(state.affinity_counts, ni.labels, term.topology_key, count)
                for term in pod.required_anti_affinity:
                    if term.matches(namespace, labels_map, namespace_labels):
                        _bump(state.anti_affinity_counts, ni.labels, term.topology_key, count)
    return state


def inter_pod_affinity_filter(state: InterPodAffinityState | None,
                              node_info: NodeInfo) -> Status | None:
    """interpodaffinity Filter: required affinity (unresolvable), required anti-affinity, then
    existing pods' anti-affinity (both resolvable by preemption)."""
    if state is None:
        return None
    labels = node_info.labels
    pod = state.pod
    pods_exist = True
    for term in pod.required_affinity:
        if term.topology_key not in labels:
            return _reject("InterPodAffinity", REASON_POD_AFFINITY)
        if state.affinity_counts.get((term.topology_key, labels[term.topology_key]), 0) <= 0:
            pods_exist = False
    if not pods_exist:
        # The first pod of a group with affinity to itself may go anywhere its topology exists.
        self_match = bool(pod.required_affinity) and all(
            t.matches(pod.namespace, pod.labels, state.namespace_labels)
            for t in pod.required_affinity)
        if state.affinity_counts or not self_match:
            return _reject("InterPodAffinity", REASON_POD_AFFINITY)
    if state.anti_affinity_counts:
        for term in pod.required_anti_affinity:
            value = labels.get(term.topology_key)
            pair = (term.topology_key, value)
            if value is not None and state.anti_affinity_counts.get(pair, 0) > 0:
                return _reject("InterPodAffinity", REASON_POD_ANTI_AFFINITY, unresolvable=False)
    if state.existing_anti_affinity_counts:
        for pair in labels.items():
            if state.existing_anti_affinity_counts.get(pair, 0) > 0:
                return _reject("InterPodAffinity", REASON_EXISTING_ANTI_AFFINITY,
                               unresolvable=False)
    return None


def inter_pod_affinity_scores(pod: PodInfo, feasible: Sequence[NodeInfo],
                              all_nodes: Sequence[NodeInfo], *,
                              namespace_labels: Mapping | None = None,
                              hard_pod_affinity_weight: int = 1) -> dict[str, int]:
    """interpodaffinity PreScore/Score/NormalizeScore: weights of preferred (anti-)affinity
    terms, both the incoming pod's and the existing pods', plus existing pods' required
    affinity at ``hard_pod_affinity_weight``, summed per topology value and min-max scaled."""
    has_preferred = bool(pod.preferred_affinity or pod.preferred_anti_affinity)
    topo: dict[str, dict[str, int]] = {}

    def add(term: AffinityTerm, weight: int, namespace: str, labels: Mapping[str, str],
            node_labels: Mapping[str, str]) -> None:
        # scoreMap.processTerm: credit every node sharing the existing pod's topology value.
        if term.matches(namespace, labels, namespace_labels) and term.topology_key in node_labels:
            bucket = topo.setdefault(term.topology_key, {})
            value = node_labels[term.topology_key]
            bucket[value] = bucket.get(value, 0) + weight

    for ni in all_nodes:
        if not ni.labels:
            continue
        if has_preferred:
            # The incoming pod's preferred terms against every pod (grouped by labels).
            for (namespace, labels), count in ni.label_groups.items():
                labels_map = dict(labels)
                for weight, term in pod.preferred_affinity:
                    add(term, weight * count, namespace, labels_map, ni.labels)
                for weight, term in pod.preferred_anti_affinity:
                    add(term, -weight * count, namespace, labels_map, ni.labels)
        # Existing pods' terms against the incoming pod (processExistingPod).
        for existing in ni.with_affinity.values():
            if hard_pod_affinity_weight > 0:
                for term in existing.required_affinity:
                    add(term, hard_pod_affinity_weight, pod.namespace, pod.labels, ni.labels)
            for weight, term in existing.preferred_affinity:
                add(term, weight, pod.namespace, pod.labels, ni.labels)
            for weight, term in existing.preferred_anti_affinity:
                add(term, -weight, pod.namespace, pod.labels, ni.labels)
    raw = {ni.name: sum(values.get(ni.labels[key], 0) for key, values in topo.items()
                        if key in ni.labels) for ni in feasible}
    if not topo:
        return raw
    low, high = min(raw.values(), default=0), max(raw.values(), default=0)
    spread = high - low
    return {n: int(MAX_NODE_SCORE * ((s - low) / spread)) if spread > 0 else 0
            for n, s in raw.items()}
