"""The scheduler's view of the cluster (framework/types.go PodInfo, NodeInfo, AffinityTerm and
the scheduler cache): a NodeInfo per node with requested resources, host ports and pods by label
group, updated incrementally as pods are bound, change phase or go away, so one scheduling cycle
costs O(nodes + label groups), not O(pods).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from pytest_k8sflow.engine.scheduling.helpers import _labels, _meta, _selector, _spec, natural_key
from pytest_k8sflow.engine.scheduling.requests import node_allocatable, pod_requests
from pytest_k8sflow.engine.selectors import Selector

# ============================================================================================
# pod affinity terms


@dataclass(frozen=True)
class AffinityTerm:
    """framework.AffinityTerm: which pods a PodAffinityTerm selects, and its topology key."""

    namespaces: frozenset[str]
    namespace_selector: Selector
    selector: Selector
    topology_key: str

    def matches(self, namespace: str, labels: Mapping[str, str],
                namespace_labels: Mapping[str, Mapping[str, str]] | None) -> bool:
        # framework AffinityTerm.Matches: a listed namespace, or one the namespaceSelector
        # selects ({} selects every namespace, nil none).
        ns_labels = (namespace_labels or {}).get(namespace) or {}
        if namespace not in self.namespaces and not self.namespace_selector.matches(ns_labels):
            return False
        return self.selector.matches(labels)


def affinity_term(pod: Mapping, term: Mapping) -> AffinityTerm:
    """framework newAffinityTerm: no namespaces and no namespaceSelector means the pod's own
    namespace; a nil labelSelector selects nothing."""
    own = _meta(pod).get("namespace") or "default"
    namespaces = frozenset(term.get("namespaces") or ())
    ns_sel_raw = term.get("namespaceSelector")
    if not namespaces and ns_sel_raw is None:
        namespaces = frozenset((own,))
    return AffinityTerm(namespaces, _selector(ns_sel_raw), _selector(term.get("labelSelector")),
                        term.get("topologyKey") or "")


def _terms(pod: Mapping, kind: str, which: str) -> tuple:
    block = ((_spec(pod).get("affinity") or {}).get(kind) or {})
    if which == "required":
        return tuple(affinity_term(pod, t)
                     for t in block.get("requiredDuringSchedulingIgnoredDuringExecution") or ())
    return tuple((int(w.get("weight") or 0), affinity_term(pod, w.get("podAffinityTerm") or {}))
                 for w in block.get("preferredDuringSchedulingIgnoredDuringExecution") or ())


# ============================================================================================
# the scheduler's view of pods and nodes


def _host_ports(pod: Mapping) -> tuple[tuple[str, str, int], ...]:
    ports = []
    spec = _spec(pod)
    for container in [*(spec.get("initContainers") or ()), *(spec.get("containers") or ())]:
        for port in container.get("ports") or ():
            host_port = int(port.get("hostPort") or 0)
            if host_port > 0:
                ports.append((port.get("hostIP") or "0.0.0.0", port.get("protocol") or "TCP",
                              host_port))
    return tuple(ports)


def _label_key(namespace: str, labels: Mapping[str, str]) -> tuple:
    return (namespace, tuple(sorted(labels.items())))


@dataclass
class PodInfo:
    """What the scheduler keeps about a pod (framework.PodInfo plus its resource accounting)."""

    uid: str
    namespace: str
    name: str
    labels: dict[str, str]
    requests: dict[str, int]
    non0_cpu: int
    non0_mem: int
    host_ports: tuple[tuple[str, str, int], ...]
    required_affinity: tuple[AffinityTerm, ...]
    required_anti_affinity: tuple[AffinityTerm, ...]
    preferred_affinity: tuple[tuple[int, AffinityTerm], ...]
    preferred_anti_affinity: tuple[tuple[int, AffinityTerm], ...]
    terminating: bool
    pod: Mapping

    @property
    def label_key(self) -> tuple:
        return _label_key(self.namespace, self.labels)

    @property
    def has_affinity(self) -> bool:
        affinity = _spec(self.pod).get("affinity") or {}
        return bool(affinity.get("podAffinity") or affinity.get("podAntiAffinity"))


def _pod_uid(pod: Mapping) -> str:
    meta = _meta(pod)
    return meta.get("uid") or f"{meta.get('namespace') or 'default'}/{meta.get('name')}"


def pod_info(pod: Mapping) -> PodInfo:
    meta = _meta(pod)
    non0 = pod_requests(pod, non_missing=True)
    return PodInfo(
        uid=_pod_uid(pod),
        namespace=meta.get("namespace") or "default", name=meta.get("name") or "",
        labels=dict(meta.get("labels") or {}), requests=pod_requests(pod),
        non0_cpu=non0.get("cpu", 0), non0_mem=non0.get("memory", 0),
        host_ports=_host_ports(pod),
        required_affinity=_terms(pod, "podAffinity", "required"),
        required_anti_affinity=_terms(pod, "podAntiAffinity", "required"),
        preferred_affinity=_terms(pod, "podAffinity", "preferred"),
        preferred_anti_affinity=_terms(pod, "podAntiAffinity", "preferred"),
        terminating=bool(meta.get("deletionTimestamp")), pod=pod)


class NodeInfo:
    """framework.NodeInfo: a node and the pods the scheduler counts on it, with running totals
    of requested resources (``requested`` exact, ``non0_*`` with the 100m/200Mi defaults),
    used host ports and pods grouped by (namespace, labels) for fast selector counting."""

    def __init__(self, node: Mapping | None = None) -> None:
        self.node: Mapping | None = None
        self.name = ""
        self.labels: Mapping[str, str] = {}
        self.allocatable: dict[str, int] = {}
        self.pods: dict[str, PodInfo] = {}
        self.requested: dict[str, int] = {}
        self.non0_cpu = 0
        self.non0_mem = 0
        self.used_ports: dict[tuple[str, str, int], int] = {}
        self.label_groups: dict[tuple, int] = {}          # every pod
        self.active_label_groups: dict[tuple, int] = {}   # pods not being deleted
        self.with_affinity: dict[str, PodInfo] = {}
        self.with_required_anti_affinity: dict[str, PodInfo] = {}
        # count_matching results until the next pod change on this node: scoring asks the
        # same (selector, namespace) of every node for every pod, and a bind changes one node.
        self._match_counts: dict[tuple, int] = {}
        if node is not None:
            self.set_node(node)

    def set_node(self, node: Mapping) -> None:
        self.node = node
        self.name = _meta(node).get("name") or ""
        self.labels = _labels(node)
        self.allocatable = node_allocatable(node)

    @property
    def allowed_pods(self) -> int:
        return self.allocatable.get("pods", 0)

    def _count(self, info: PodInfo, sign: int) -> None:
        self._match_counts.clear()
        for name, value in info.requests.items():
            self.requested[name] = self.requested.get(name, 0) + sign * value
        self.non0_cpu += sign * info.non0_cpu
        self.non0_mem += sign * info.non0_mem
        for port in info.host_ports:
            self.used_ports[port] = self.used_ports.get(port, 0) + sign
            if self.used_ports[port] <= 0:
                del self.used_ports[port]
        groups = [self.label_groups] + ([] if info.terminating else [self.active_label_groups])
        for group in groups:
            group[info.label_key] = group.get(info.label_key, 0) + sign
            if group[info.label_key] <= 0:
                del group[info.label_key]

    def add_pod(self, info: PodInfo) -> None:
        if info.uid in self.pods:
            self.remove_pod(info.uid)
        self.pods[info.uid] = info
        self._count(info, +1)
        if info.has_affinity:
            self.with_affinity[info.uid] = info
        if info.required_anti_affinity:
            self.with_required_anti_affinity[info.uid] = info

    def remove_pod(self, uid: str) -> PodInfo | None:
        info = self.pods.pop(uid, None)
        if info is not None:
            self._count(info, -1)
            self.with_affinity.pop(uid, None)
            self.with_required_anti_affinity.pop(uid, None)
        return info

    def count_matching(self, selector: Selector, namespace: str, *,
                       active_only: bool = True) -> int:
        """Pods in ``namespace`` whose labels match (podtopologyspread countPodsMatchSelector
        skips pods being deleted)."""
        if selector.nothing or selector.empty:
            return 0
        key = (selector, namespace, active_only)
        cached = self._match_counts.get(key)
        if cached is None:
            groups = self.active_label_groups if active_only else self.label_groups
            cached = self._match_counts[key] = sum(
                count for (ns, labels), count in groups.items()
                if ns == namespace and _group_matches(selector, labels))
        return cached


@functools.lru_cache(maxsize=4096)
def _group_matches(selector: Selector, labels: tuple) -> bool:
    # Hot in scoring (every node x every label group x every pod): few distinct pairs.
    return selector.matches(dict(labels))


def pod_counts_on_node(pod: Mapping | None) -> bool:
    """Whether the scheduler accounts the pod on its node: bound and not terminal (the scheduler
    watches pods with ``status.phase!=Succeeded,status.phase!=Failed``, scheduler.go
    newPodInformer)."""
    if not pod or not _spec(pod).get("nodeName"):
        return False
    return (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")


class SchedulerCache:
    """The scheduler's cache: NodeInfo per node, updated one event at a time."""

    def __init__(self) -> None:
        self._infos: dict[str, NodeInfo] = {}
        self._pod_node: dict[str, str] = {}
        self._order: list[str] | None = None

    # -- nodes
    def set_node(self, node: Mapping) -> None:
        name = _meta(node).get("name") or ""
        info = self._infos.get(name)
        if info is None:
            self._infos[name] = NodeInfo(node)
            self._order = None
        else:
            was_ghost = info.node is None
            info.set_node(node)
            if was_ghost:
                self._order = None

    def remove_node(self, name: str) -> None:
        info = self._infos.get(name)
        if info is None:
            return
        if info.pods:
            info.node = None  # kept until its pods go, as the upstream cache does
        else:
            del self._infos[name]
        self._order = None

    # -- pods
    def update_pod(self, old: Mapping | None, new: Mapping | None) -> None:
        """Apply a pod add/update/delete (``new`` None = deleted)."""
        obj = new if new is not None else old
        if obj is None:
            return
        uid = _pod_uid(obj)
        previous = self._pod_node.pop(uid, None)
        if previous is not None and previous in self._infos:
            self._infos[previous].remove_pod(uid)
            if self._infos[previous].node is None and not self._infos[previous].pods:
                del self._infos[previous]
        if new is not None and pod_counts_on_node(new):
            self.add_pod(new)

    def add_pod(self, pod: Mapping) -> None:
        """Account a bound pod on its node (also used to assume a pod just bound)."""
        info = pod_info(pod)
        node_name = _spec(pod)["nodeName"]
        old = self._pod_node.get(info.uid)
        if old is not None and old in self._infos:
            self._infos[old].remove_pod(info.uid)
        node_info = self._infos.get(node_name)
        if node_info is None:
            node_info = self._infos[node_name] = NodeInfo()
            node_info.name = node_name
        node_info.add_pod(info)
        self._pod_node[info.uid] = node_name

    def remove_pod(self, pod: Mapping) -> None:
        self.update_pod(pod, None)

    # -- views
    def node_infos(self) -> list[NodeInfo]:
        """NodeInfos of existing nodes in natural name order."""
        if self._order is None:
            self._order = sorted((n for n, i in self._infos.items() if i.node is not None),
                                 key=natural_key)
        return [self._infos[n] for n in self._order]

    def get(self, name: str) -> NodeInfo | None:
        info = self._infos.get(name)
        return info if info is not None and info.node is not None else None

    def node_of(self, pod_uid: str) -> str | None:
        return self._pod_node.get(pod_uid)
