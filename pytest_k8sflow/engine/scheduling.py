"""Pure logic of the default kube-scheduler profile: filters, scores, host selection, messages.

Works on plain dicts in the API JSON shape (Pod, Node). ``SchedulerCache`` holds the
scheduler's view of the cluster (NodeInfo per node: requested resources, host ports, pods by
label group) and is updated incrementally as pods are bound, change phase or go away, so one
scheduling cycle costs O(nodes + label groups), not O(pods). The scheduler component
(engine/scheduler.py) feeds the cache, calls ``schedule_pod`` and writes bindings, conditions
and events. Rules and sources: docs/semantics/kubelet-and-scheduler.md.

Deliberate difference from upstream: when several nodes share the best score, upstream picks
one at random (schedule_one.go selectHost); we pick the first in natural name order
(node-2 before node-10) so runs are reproducible.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pytest_k8sflow.engine.quantity import QuantityError, int_value, milli_value
from pytest_k8sflow.engine.selectors import (
    EVERYTHING,
    NOTHING,
    Requirement,
    Selector,
    SelectorError,
    from_label_selector,
)

Version = tuple[int, int]
DEFAULT_VERSION: Version = (1, 32)

# Status codes (k8s.io/kube-scheduler/framework Code).
UNSCHEDULABLE = "Unschedulable"
UNSCHEDULABLE_AND_UNRESOLVABLE = "UnschedulableAndUnresolvable"

MAX_NODE_SCORE = 100
# k/k pkg/scheduler/util/pod_resources.go DefaultMilliCPURequest / DefaultMemoryRequest.
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024

# Filter reasons (each plugin's ErrReason constants).
REASON_UNSCHEDULABLE = "node(s) were unschedulable"
REASON_NODE_NAME = "node(s) didn't match the requested node name"
REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
REASON_NODE_AFFINITY_CONFLICT = "pod affinity terms conflict"
REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports"
REASON_TOO_MANY_PODS = "Too many pods"
REASON_POD_AFFINITY = "node(s) didn't match pod affinity rules"
REASON_POD_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
REASON_SPREAD = "node(s) didn't match pod topology spread constraints"
REASON_SPREAD_MISSING_LABEL = REASON_SPREAD + " (missing required label)"
REASON_NO_NODES = "no nodes available to schedule pods"
PREEMPTION_NOT_HELPFUL = "Preemption is not helpful for scheduling"
PREEMPTION_NO_VICTIMS = "No preemption victims found for incoming pod"
PREEMPTION_POLICY_NEVER = "not eligible due to preemptionPolicy=Never."
DRA_NO_CLAIMS = "no new claims to deallocate"

TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
LABEL_HOSTNAME = "kubernetes.io/hostname"
LABEL_ZONE = "topology.kubernetes.io/zone"
DO_NOT_SCHEDULE_EFFECTS = ("NoSchedule", "NoExecute")

# The default profile's score plugins and weights (k/k pkg/scheduler/apis/config/v1/
# default_plugins.go). ImageLocality (weight 1) is left out: simulated nodes report no images,
# so it scores every node 0.
SCORE_WEIGHTS = {"TaintToleration": 3, "NodeAffinity": 2, "NodeResourcesFit": 1,
                 "PodTopologySpread": 2, "InterPodAffinity": 2,
                 "NodeResourcesBalancedAllocation": 1}

# System default spreading (k/k pkg/scheduler/apis/config/v1/defaults.go systemDefaultConstraints).
DEFAULT_SPREAD_CONSTRAINTS = (
    {"topologyKey": LABEL_HOSTNAME, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 3},
    {"topologyKey": LABEL_ZONE, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 5},
)

_NATIVE = ("cpu", "memory", "ephemeral-storage", "pods")


# ============================================================================================
# helpers


@functools.lru_cache(maxsize=4096)
def natural_key(name: str) -> tuple:
    """Sort key comparing digit runs as numbers: node-2 < node-10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", name) if part != "")


def _meta(obj: Mapping) -> Mapping:
    return obj.get("metadata") or {}


def _spec(obj: Mapping) -> Mapping:
    return obj.get("spec") or {}


def _labels(obj: Mapping) -> Mapping[str, str]:
    return _meta(obj).get("labels") or {}


def _units(resource: str, quantity: object) -> int:
    """Scheduler integer units: milli-CPU for cpu, whole units (rounded up) for the rest."""
    try:
        return milli_value(quantity) if resource == "cpu" else int_value(quantity)  # type: ignore[arg-type]
    except QuantityError:
        return 0


@dataclass(frozen=True)
class Status:
    """A plugin's rejection of a node (framework.Status): code, reasons, plugin name."""

    code: str
    reasons: tuple[str, ...]
    plugin: str = ""

    @property
    def unresolvable(self) -> bool:
        return self.code == UNSCHEDULABLE_AND_UNRESOLVABLE

    @property
    def message(self) -> str:
        return ", ".join(self.reasons)


def _reject(plugin: str, reason: str, unresolvable: bool = True) -> Status:
    return Status(UNSCHEDULABLE_AND_UNRESOLVABLE if unresolvable else UNSCHEDULABLE, (reason,),
                  plugin)


# ============================================================================================
# resources


def container_requests(container: Mapping) -> dict[str, object]:
    """A container's requests after API defaulting (k/k pkg/apis/core/v1/defaults.go
    SetDefaults_Pod): a resource with a limit but no request is requested at the limit."""
    resources = container.get("resources") or {}
    requests = dict(resources.get("requests") or {})
    for name, value in (resources.get("limits") or {}).items():
        requests.setdefault(name, value)
    return requests


def _add(total: dict[str, int], reqs: Mapping[str, int]) -> None:
    for name, value in reqs.items():
        total[name] = total.get(name, 0) + value


def _max_into(total: dict[str, int], reqs: Mapping[str, int]) -> None:
    for name, value in reqs.items():
        total[name] = max(total.get(name, 0), value)


def pod_requests(pod: Mapping, *, non_missing: bool = False) -> dict[str, int]:
    """Effective pod requests in scheduler units (component-helpers resource.PodRequests):
    sum of containers, sidecars added and accumulated for later init containers, max with each
    init container, plus ``spec.overhead``. With ``non_missing`` a container lacking a cpu or
    memory request counts 100m / 200Mi (the scores' "non-zero" requests)."""
    spec = _spec(pod)

    def reqs_of(container: Mapping) -> dict[str, int]:
        reqs = {name: _units(name, value) for name, value in container_requests(container).items()}
        if non_missing:
            reqs.setdefault("cpu", DEFAULT_MILLI_CPU_REQUEST)
            reqs.setdefault("memory", DEFAULT_MEMORY_REQUEST)
        return reqs

    total: dict[str, int] = {}
    for container in spec.get("containers") or ():
        _add(total, reqs_of(container))
    sidecars: dict[str, int] = {}
    init_max: dict[str, int] = {}
    for container in spec.get("initContainers") or ():
        reqs = reqs_of(container)
        if container.get("restartPolicy") == "Always":
            _add(total, reqs)
            _add(sidecars, reqs)
            usage = dict(sidecars)
        else:
            usage = dict(reqs)
            _add(usage, sidecars)
        _max_into(init_max, usage)
    _max_into(total, init_max)
    for name, value in (spec.get("overhead") or {}).items():
        total[name] = total.get(name, 0) + _units(name, value)
    return total


def node_allocatable(node: Mapping) -> dict[str, int]:
    """``status.allocatable`` in scheduler units."""
    alloc = (node.get("status") or {}).get("allocatable") or {}
    return {name: _units(name, value) for name, value in alloc.items()}


# ============================================================================================
# taints and tolerations


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


# ============================================================================================
# pod affinity terms


def _selector(label_selector: Mapping | None) -> Selector:
    try:
        return from_label_selector(label_selector)
    except SelectorError:
        return NOTHING


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


# ============================================================================================
# filters (default order: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts,
# NodeResourcesFit, [volume plugins], PodTopologySpread, InterPodAffinity)


def node_unschedulable_filter(pod: Mapping, node: Mapping) -> Status | None:
    """plugins/nodeunschedulable: a cordoned node only takes pods tolerating the
    ``node.kubernetes.io/unschedulable:NoSchedule`` taint."""
    if not _spec(node).get("unschedulable"):
        return None
    if tolerates(_spec(pod).get("tolerations"),
                 {"key": TAINT_UNSCHEDULABLE, "effect": "NoSchedule"}):
        return None
    return _reject("NodeUnschedulable", REASON_UNSCHEDULABLE)


def node_name_filter(pod: Mapping, node: Mapping) -> Status | None:
    """plugins/nodename."""
    wanted = _spec(pod).get("nodeName")
    if wanted and wanted != _meta(node).get("name"):
        return _reject("NodeName", REASON_NODE_NAME)
    return None


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


def node_affinity_filter(pod: Mapping, node: Mapping) -> Status | None:
    """plugins/nodeaffinity Filter: nodeSelector and required node affinity."""
    if required_node_affinity_matches(pod, node):
        return None
    return _reject("NodeAffinity", REASON_NODE_AFFINITY)


def _port_conflict(used: Mapping[tuple[str, str, int], int], ip: str, protocol: str,
                   port: int) -> bool:
    # framework.HostPortInfo.CheckConflict: 0.0.0.0 conflicts with any IP on that protocol/port.
    if ip == "0.0.0.0":
        return any(p == port and proto == protocol for (_, proto, p) in used)
    return (("0.0.0.0", protocol, port) in used) or ((ip, protocol, port) in used)


def node_ports_filter(pod: Mapping | PodInfo, node_info: NodeInfo) -> Status | None:
    """plugins/nodeports: a wanted hostPort already used on the node."""
    info = pod if isinstance(pod, PodInfo) else pod_info(pod)
    for ip, protocol, port in info.host_ports:
        if _port_conflict(node_info.used_ports, ip, protocol, port):
            return _reject("NodePorts", REASON_NODE_PORTS, unresolvable=False)
    return None


@dataclass(frozen=True)
class InsufficientResource:
    resource: str
    reason: str
    requested: int
    used: int
    capacity: int
    unresolvable: bool = False


def insufficient_resources(requests: Mapping[str, int], node_info: NodeInfo,
                           ignored: Iterable[str] = ()) -> list[InsufficientResource]:
    """plugins/noderesources/fit.go fitsRequest: pod count, then cpu, memory, ephemeral-storage
    and extended resources (in name order); a request larger than allocatable alone is
    unresolvable."""
    out = []
    pods_now = len(node_info.pods)
    if pods_now + 1 > node_info.allowed_pods:
        out.append(InsufficientResource("pods", REASON_TOO_MANY_PODS, 1, pods_now,
                                        node_info.allowed_pods))
    if not any(v for k, v in requests.items() if k != "pods"):
        return out
    ignored = set(ignored)
    names = ["cpu", "memory", "ephemeral-storage"]
    names += sorted(k for k in requests if k not in _NATIVE and k not in ignored)
    for name in names:
        want = requests.get(name, 0)
        if want <= 0:
            continue
        alloc = node_info.allocatable.get(name, 0)
        used = node_info.requested.get(name, 0)
        if want > alloc - used:
            out.append(InsufficientResource(name, f"Insufficient {name}", want, used, alloc,
                                            unresolvable=want > alloc))
    return out


def node_resources_fit_filter(pod: Mapping | PodInfo, node_info: NodeInfo) -> Status | None:
    """plugins/noderesources Fit.Filter: every insufficient resource is a reason; the status is
    UnschedulableAndUnresolvable when one request exceeds the node's allocatable by itself."""
    info = pod if isinstance(pod, PodInfo) else pod_info(pod)
    missing = insufficient_resources(info.requests, node_info)
    if not missing:
        return None
    code = UNSCHEDULABLE_AND_UNRESOLVABLE if any(m.unresolvable for m in missing) else UNSCHEDULABLE
    return Status(code, tuple(m.reason for m in missing), "NodeResourcesFit")


# -- InterPodAffinity --------------------------------------------------------------------------


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


# -- PodTopologySpread ---------------------------------------------------------------------------


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
# messages


def format_fit_error(num_all_nodes: int, node_reasons: Iterable[Sequence[str]], *,
                     pre_filter_msg: str = "", post_filter_msg: str = "") -> str:
    """framework.FitError.Error: ``0/N nodes are available:`` then the PreFilter message, or a
    histogram ``"<count> <reason>"`` sorted as strings and joined by ", ", each part ending in
    "."; the PostFilter message is appended after a space."""
    msg = f"0/{num_all_nodes} nodes are available:"
    if pre_filter_msg:
        msg += f" {pre_filter_msg}."
    else:
        histogram: dict[str, int] = {}
        for reasons in node_reasons:
            for reason in reasons:
                histogram[reason] = histogram.get(reason, 0) + 1
        parts = sorted(f"{count} {reason}" for reason, count in histogram.items())
        if parts:
            msg += f" {', '.join(parts)}."
    if post_filter_msg:
        msg += f" {post_filter_msg}"
    return msg


def fit_error_message(num_nodes: int, reasons_per_node: Mapping[str, Sequence[str]],
                      resolvable_per_node: Mapping[str, bool], *,
                      version: Version = DEFAULT_VERSION, pre_filter_msg: str = "",
                      absent_reason: str | None = None, preemption_policy: str | None = None,
                      ) -> str:
    """The FailedScheduling message when no node fits: FitError text plus what the PostFilter
    plugins add — DynamicResources ``no new claims to deallocate`` (v1.34+, where DRA is on by
    default) and DefaultPreemption ``preemption: <its own FitError>`` (v1.24+). Preemption is not
    simulated: a node whose rejection was resolvable reports that no victims were found, an
    unresolvable (or absent) node that preemption is not helpful. Nodes missing from
    ``reasons_per_node`` get ``absent_reason`` (e.g. after NodeAffinity narrowed the candidates).
    """
    histogram_input = [list(r) for r in reasons_per_node.values()]
    missing = max(0, num_nodes - len(reasons_per_node))
    if absent_reason and missing:
        histogram_input += [[absent_reason]] * missing
    post: list[str] = []
    if version >= (1, 34):
        post.append(DRA_NO_CLAIMS)
    if version >= (1, 24):
        if preemption_policy == "Never":
            post.append("preemption: " + PREEMPTION_POLICY_NEVER)
        else:
            preemption = [[PREEMPTION_NO_VICTIMS if resolvable_per_node.get(name) else
                           PREEMPTION_NOT_HELPFUL] for name in reasons_per_node]
            preemption += [[PREEMPTION_NOT_HELPFUL]] * missing
            post.append("preemption: " + format_fit_error(num_nodes, preemption))
    return format_fit_error(num_nodes, histogram_input, pre_filter_msg=pre_filter_msg,
                            post_filter_msg=", ".join(post))


def scheduled_event_message(pod: Mapping, node_name: str) -> str:
    """Message of the Normal ``Scheduled`` event after binding (schedule_one.go
    handleBindingCycle)."""
    meta = _meta(pod)
    namespace = meta.get("namespace") or "default"
    return f"Successfully assigned {namespace}/{meta.get('name')} to {node_name}"


# ============================================================================================
# scores


def default_normalize(scores: dict[str, int], *, reverse: bool = False) -> dict[str, int]:
    """plugins/helper DefaultNormalizeScore to 0..100 (integer division as in Go)."""
    highest = max(scores.values(), default=0)
    if highest == 0:
        return {n: (MAX_NODE_SCORE if reverse else 0) for n in scores}
    out = {}
    for name, score in scores.items():
        value = MAX_NODE_SCORE * score // highest
        out[name] = MAX_NODE_SCORE - value if reverse else value
    return out


def least_allocated_score(requested: Sequence[int], allocatable: Sequence[int],
                          weights: Sequence[int] = (1, 1)) -> int:
    """noderesources least_allocated.go: weighted mean of (free / allocatable) × 100."""
    total = weight_sum = 0
    for req, alloc, weight in zip(requested, allocatable, weights, strict=False):
        if alloc == 0:
            continue
        score = 0 if req > alloc else (alloc - req) * MAX_NODE_SCORE // alloc
        total += score * weight
        weight_sum += weight
    return total // weight_sum if weight_sum else 0


def balanced_allocation_score(requested: Sequence[int], allocatable: Sequence[int]) -> int:
    """noderesources balanced_allocation.go balancedResourceScorer: (1 − std of the usage
    fractions) × 100, truncated."""
    fractions = [min(req / alloc, 1.0) for req, alloc in zip(requested, allocatable, strict=False)
                 if alloc != 0]
    std = 0.0
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = sum(fractions) / len(fractions)
        std = math.sqrt(sum((f - mean) ** 2 for f in fractions) / len(fractions))
    return int((1 - std) * MAX_NODE_SCORE)


def _go_round(value: float) -> int:
    # math.Round: half away from zero.
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


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


def node_affinity_scores(pod: Mapping, nodes: Sequence[NodeInfo]) -> dict[str, int] | None:
    """nodeaffinity Score + NormalizeScore; None when the pod has no preferred terms (Skip)."""
    preferred = (((_spec(pod).get("affinity") or {}).get("nodeAffinity") or {})
                 .get("preferredDuringSchedulingIgnoredDuringExecution"))
    if not preferred:
        return None
    return default_normalize({ni.name: preferred_node_affinity_score(pod, ni.node or {})
                              for ni in nodes})


def resources_fit_scores(pod: PodInfo, nodes: Sequence[NodeInfo]) -> dict[str, int]:
    """noderesources Fit score, LeastAllocated on cpu and memory (weight 1 each), counting
    requests with the 100m/200Mi defaults for containers that set none."""
    return {ni.name: least_allocated_score(
        (ni.non0_cpu + pod.non0_cpu, ni.non0_mem + pod.non0_mem),
        (ni.allocatable.get("cpu", 0), ni.allocatable.get("memory", 0))) for ni in nodes}


def balanced_allocation_scores(pod: PodInfo, nodes: Sequence[NodeInfo], *,
                               version: Version = DEFAULT_VERSION) -> dict[str, int] | None:
    """NodeResourcesBalancedAllocation on actual requests; from v1.33 skipped (None) for pods
    that request neither cpu nor memory (PR #130260)."""
    cpu, mem = pod.requests.get("cpu", 0), pod.requests.get("memory", 0)
    if version >= (1, 33) and cpu == 0 and mem == 0:
        return None
    return {ni.name: balanced_allocation_score(
        (ni.requested.get("cpu", 0) + cpu, ni.requested.get("memory", 0) + mem),
        (ni.allocatable.get("cpu", 0), ni.allocatable.get("memory", 0))) for ni in nodes}


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
