"""Pure DaemonSet helpers, ported from k/k ``pkg/controller/daemon/util/daemonset_util.go``
(tolerations, pod template, node affinity, IsPodUpdated, SurgeCount/UnavailableCount,
GetTargetNodeName) and the decision functions of ``pkg/controller/daemon/daemon_controller.go``
(NodeShouldRunDaemonPod, predicates, NewPod, podsShouldBeOnNode, podByCreationTimestampAndPhase,
getUnscheduledPodsWithoutNode, the status counters) and ``update.go`` (getPatch, Match,
findUpdatedPodsOnNode, updatedDesiredNodeCounts, the rolling-update choices, cleanupHistory's
selection).

Nothing here reads the store or writes anything: DaemonSets, pods and nodes are plain API dicts
that are never mutated; time is integer milliseconds passed in by the caller.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pytest_k8sflow.engine.controllers.controller_utils import (
    compute_hash,
    is_pod_available,
    is_pod_ready,
    time_ms,
)
from pytest_k8sflow.engine.controllers.deployment_util import get_value_from_int_or_percent
from pytest_k8sflow.engine.controllers.history import go_json_bytes
from pytest_k8sflow.engine.scheduling import (
    find_untolerated_taint,
    required_node_affinity_matches,
)

# k8s.io/api/apps/v1 types.go
DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY = "controller-revision-hash"  # ControllerRevisionHashLabelKey
DAEMONSET_TEMPLATE_GENERATION_KEY = "pod-template-generation"
DEPRECATED_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"

# k8s.io/api/core/v1 well_known_taints.go
TAINT_NODE_NOT_READY = "node.kubernetes.io/not-ready"
TAINT_NODE_UNREACHABLE = "node.kubernetes.io/unreachable"
TAINT_NODE_DISK_PRESSURE = "node.kubernetes.io/disk-pressure"
TAINT_NODE_MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure"
TAINT_NODE_PID_PRESSURE = "node.kubernetes.io/pid-pressure"
TAINT_NODE_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
TAINT_NODE_NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable"

# daemon_controller.go event reasons
SELECTING_ALL_REASON = "SelectingAll"
SELECTING_ALL_MESSAGE = "This daemon set is selecting all pods. A non-empty selector is required."
FAILED_PLACEMENT_REASON = "FailedPlacement"  # declared upstream, no longer emitted (see docs)
FAILED_DAEMON_POD_REASON = "FailedDaemonPod"
SUCCEEDED_DAEMON_POD_REASON = "SucceededDaemonPod"
# daemon_controller.go BurstReplicas: at most this many creations/deletions per sync
BURST_REPLICAS = 250
# NewDaemonSetsController: failedPodsBackoff = flowcontrol.NewBackOff(1s, 15min)
FAILED_POD_BACKOFF_INITIAL_MS = 1_000
FAILED_POD_BACKOFF_MAX_MS = 15 * 60_000


def _spec(obj: Mapping) -> Mapping:
    return obj.get("spec") or {}


def _meta(obj: Mapping) -> Mapping:
    return obj.get("metadata") or {}


def _labels(obj: Mapping) -> Mapping:
    return _meta(obj).get("labels") or {}


def _template(ds: Mapping) -> Mapping:
    return _spec(ds).get("template") or {}


# --------------------------------------------------------------------------- template generation

def get_template_generation(ds: Mapping) -> int | None:
    """util.GetTemplateGeneration: the ``deprecated.daemonset.template.generation`` annotation
    as an int, None when absent. A value that does not parse raises ValueError (callers then
    fall back to the hash alone, as upstream does)."""
    value = (_meta(ds).get("annotations") or {}).get(DEPRECATED_TEMPLATE_GENERATION)
    if value is None:
        return None
    text = str(value)
    body = text[1:] if text[:1] in "+-" else text
    if not body.isdigit() or not body.isascii():
        raise ValueError(f"invalid template generation {value!r}")
    return int(text)


def template_generation_or_none(ds: Mapping) -> int | None:
    try:
        return get_template_generation(ds)
    except ValueError:
        return None


def is_pod_updated(pod: Mapping, hash_: str, ds_template_generation: int | None) -> bool:
    """util.IsPodUpdated: the pod carries the current hash, or the current template generation
    (kept for backward compatibility; see docs/semantics/daemonset-history.md)."""
    labels = _labels(pod)
    template_matches = ds_template_generation is not None and \
        labels.get(DAEMONSET_TEMPLATE_GENERATION_KEY) == str(ds_template_generation)
    hash_matches = bool(hash_) and labels.get(DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY) == hash_
    return hash_matches or template_matches


# --------------------------------------------------------------------------- tolerations

def _match_toleration(a: Mapping, b: Mapping) -> bool:
    # core/v1 Toleration.MatchToleration: key, operator, value and effect (not seconds)
    return ((a.get("key") or "") == (b.get("key") or "")
            and (a.get("effect") or "") == (b.get("effect") or "")
            and (a.get("operator") or "") == (b.get("operator") or "")
            and (a.get("value") or "") == (b.get("value") or ""))


def add_or_update_toleration(tolerations: Sequence[Mapping] | None,
                             toleration: Mapping) -> list[dict]:
    """v1helper.AddOrUpdateTolerationInPodSpec: replace a toleration that matches (same key,
    operator, value, effect) in place, else append."""
    out: list[dict] = []
    updated = False
    for existing in tolerations or ():
        if _match_toleration(toleration, existing):
            out.append(dict(toleration))
            updated = True
            continue
        out.append(dict(existing))
    if not updated:
        out.append(dict(toleration))
    return out


def daemon_pod_tolerations(pod_spec: Mapping) -> list[dict]:
    """The tolerations util.AddOrUpdateDaemonPodTolerations leaves on a daemon pod: the pod's
    own, then not-ready and unreachable (NoExecute), disk-, memory- and pid-pressure and
    unschedulable (NoSchedule), and network-unavailable (NoSchedule) for hostNetwork pods —
    all ``operator: Exists`` without tolerationSeconds."""
    wanted = [
        (TAINT_NODE_NOT_READY, "NoExecute"),
        (TAINT_NODE_UNREACHABLE, "NoExecute"),
        (TAINT_NODE_DISK_PRESSURE, "NoSchedule"),
        (TAINT_NODE_MEMORY_PRESSURE, "NoSchedule"),
        (TAINT_NODE_PID_PRESSURE, "NoSchedule"),
        (TAINT_NODE_UNSCHEDULABLE, "NoSchedule"),
    ]
    if pod_spec.get("hostNetwork"):
        wanted.append((TAINT_NODE_NETWORK_UNAVAILABLE, "NoSchedule"))
    tolerations = [dict(t) for t in pod_spec.get("tolerations") or ()]
    for key, effect in wanted:
        tolerations = add_or_update_toleration(
            tolerations, {"key": key, "operator": "Exists", "effect": effect})
    return tolerations


def add_or_update_daemon_pod_tolerations(pod_spec: Mapping) -> dict:
    """util.AddOrUpdateDaemonPodTolerations on a copy of ``pod_spec``."""
    return {**pod_spec, "tolerations": daemon_pod_tolerations(pod_spec)}


# --------------------------------------------------------------------------- pod template

def create_pod_template(template: Mapping, generation: int | None, hash_: str) -> dict:
    """util.CreatePodTemplate: the daemon tolerations, and the labels
    ``pod-template-generation`` (when known) and ``controller-revision-hash`` (when set)."""
    out = copy.deepcopy(dict(template))
    out["spec"] = add_or_update_daemon_pod_tolerations(out.get("spec") or {})
    meta = dict(out.get("metadata") or {})
    labels = dict(meta.get("labels") or {})
    if generation is not None:
        labels[DAEMONSET_TEMPLATE_GENERATION_KEY] = str(generation)
    if hash_:
        labels[DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY] = hash_
    meta["labels"] = labels
    out["metadata"] = meta
    return out


def replace_daemonset_pod_node_name_node_affinity(affinity: Mapping | None,
                                                  node_name: str) -> dict:
    """util.ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes exactly
    one term ``matchFields: metadata.name In [node]``; every other required term is dropped,
    preferred terms and pod (anti-)affinity are kept."""
    term = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node_name]}]}
    affinity = dict(affinity or {})
    node_affinity = dict(affinity.get("nodeAffinity") or {})
    required = dict(node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution") or {})
    required["nodeSelectorTerms"] = [term]
    node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = required
    affinity["nodeAffinity"] = node_affinity
    return affinity


def get_target_node_name(pod: Mapping) -> str | None:
    """util.GetTargetNodeName: ``spec.nodeName``, or the node named by the injected
    ``matchFields metadata.name In [node]`` term (exactly one term, one field, one value);
    None when neither says (upstream: an error, and the pod is skipped)."""
    spec = _spec(pod)
    if spec.get("nodeName"):
        return spec["nodeName"]
    required = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution") or {})
    terms = required.get("nodeSelectorTerms") or []
    if len(terms) != 1:
        return None
    fields = terms[0].get("matchFields") or []
    for req in fields:
        if req.get("key") == "metadata.name" and req.get("operator") == "In" and \
                len(req.get("values") or []) == 1:
            return req["values"][0]
    return None


# --------------------------------------------------------------------------- surge / unavailable

def _rolling(ds: Mapping) -> Mapping | None:
    strategy = _spec(ds).get("updateStrategy") or {}
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        return None
    return strategy.get("rollingUpdate")


def surge_count(ds: Mapping, number_to_schedule: int) -> int:
    """util.SurgeCount: maxSurge scaled from the desired count (percentages round up); 0 when
    not a RollingUpdate or unset."""
    rolling = _rolling(ds)
    if rolling is None or rolling.get("maxSurge") is None:
        return 0
    return get_value_from_int_or_percent(rolling.get("maxSurge"), number_to_schedule, True)


def unavailable_count(ds: Mapping, number_to_schedule: int) -> int:
    """util.UnavailableCount: maxUnavailable scaled from the desired count (rounded up)."""
    rolling = _rolling(ds)
    if rolling is None:
        return 0
    return get_value_from_int_or_percent(rolling.get("maxUnavailable"), number_to_schedule, True)


def allows_surge(ds: Mapping) -> bool:
    """util.AllowsSurge: maxSurge scaled against 1 node is above 0."""
    try:
        return surge_count(ds, 1) > 0
    except ValueError:
        return False


# --------------------------------------------------------------------------- node eligibility

def new_pod(ds: Mapping, node_name: str) -> dict:
    """daemon_controller.go NewPod: the template as a pod on ``node_name`` with the daemon
    tolerations — what the eligibility predicates are evaluated on."""
    template = _template(ds)
    spec = add_or_update_daemon_pod_tolerations({**(template.get("spec") or {}),
                                                 "nodeName": node_name})
    meta = {**(template.get("metadata") or {}),
            "namespace": _meta(ds).get("namespace") or "default"}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def predicates(pod: Mapping, node: Mapping,
               taints: Sequence[Mapping] | None) -> tuple[bool, bool, bool]:
    """daemon_controller.go predicates: (fitsNodeName, fitsNodeAffinity, fitsTaints). Node
    affinity includes ``nodeSelector`` (GetRequiredNodeAffinity); taints count when NoSchedule
    or NoExecute and untolerated."""
    node_name = _spec(pod).get("nodeName") or ""
    fits_node_name = not node_name or node_name == _meta(node).get("name")
    fits_affinity = required_node_affinity_matches(pod, node)
    fits_taints = find_untolerated_taint(taints, _spec(pod).get("tolerations"),
                                         ("NoSchedule", "NoExecute")) is None
    return fits_node_name, fits_affinity, fits_taints


def node_should_run_daemon_pod(node: Mapping, ds: Mapping) -> tuple[bool, bool]:
    """NodeShouldRunDaemonPod: (shouldRun, shouldContinueRunning). Cordon, readiness and
    resources are not looked at (the scheduler and kubelet deal with those)."""
    template_node = (_template(ds).get("spec") or {}).get("nodeName") or ""
    node_name = _meta(node).get("name")
    pod = new_pod(ds, node_name)
    if template_node and template_node != node_name:
        return False, False
    taints = _spec(node).get("taints") or []
    fits_name, fits_affinity, fits_taints = predicates(pod, node, taints)
    if not fits_name or not fits_affinity:
        return False, False
    if not fits_taints:
        # Scheduled daemon pods keep running as long as every NoExecute taint is tolerated.
        untolerated = find_untolerated_taint(taints, _spec(pod).get("tolerations"),
                                             ("NoExecute",))
        return False, untolerated is None
    return True, True


# --------------------------------------------------------------------------- pods per node

def pod_sort_key(pod: Mapping) -> tuple:
    """podByCreationTimestampAndPhase: scheduled pods first, then older, then by name."""
    created = time_ms(_meta(pod).get("creationTimestamp"))
    return (0 if _spec(pod).get("nodeName") else 1, -1 if created is None else created,
            _meta(pod).get("name") or "")


def _is_terminal(pod: Mapping) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def nodes_to_daemon_pods(pods: Iterable[Mapping],
                         include_deleted_terminal: bool = False) -> dict[str, list[dict]]:
    """getNodesToDaemonPods: the claimed pods grouped by target node (pods whose target is
    unknown are skipped); terminal pods already being deleted are left out unless asked for.
    Keys are in first-seen order, lists in the order given."""
    out: dict[str, list[dict]] = {}
    for pod in pods:
        if not include_deleted_terminal and _is_terminal(pod) and \
                _meta(pod).get("deletionTimestamp"):
            continue
        node = get_target_node_name(pod)
        if node is None:
            continue
        out.setdefault(node, []).append(pod)  # type: ignore[arg-type]
    return out


@dataclass
class NodePlan:
    """What podsShouldBeOnNode decided for one node."""
    create: bool = False
    delete: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)      # FailedDaemonPod events to emit
    succeeded: list[dict] = field(default_factory=list)   # SucceededDaemonPod events
    backoff: list[dict] = field(default_factory=list)     # failed pods held back by backoff


def pods_should_be_on_node(node: Mapping, node_pods: Sequence[Mapping] | None, ds: Mapping,
                           hash_: str, now_ms: int,
                           in_backoff=lambda pod: False) -> NodePlan:
    """podsShouldBeOnNode: create a pod, or which pods to delete, on one node. ``in_backoff``
    says whether deleting a Failed pod on this node is held back by the failed-pod backoff."""
    plan = NodePlan()
    should_run, should_continue = node_should_run_daemon_pod(node, ds)
    exists = node_pods is not None and len(node_pods) > 0
    node_pods = list(node_pods or ())
    if should_run and not exists:
        plan.create = True
        return plan
    if should_continue:
        running: list[dict] = []
        for pod in node_pods:
            if _meta(pod).get("deletionTimestamp"):
                continue
            phase = (pod.get("status") or {}).get("phase")
            if phase == "Failed":
                if in_backoff(pod):
                    plan.backoff.append(pod)  # type: ignore[arg-type]
                    continue
                plan.failed.append(pod)  # type: ignore[arg-type]
                plan.delete.append(pod)  # type: ignore[arg-type]
            elif phase == "Succeeded":
                plan.succeeded.append(pod)  # type: ignore[arg-type]
                plan.delete.append(pod)  # type: ignore[arg-type]
            else:
                running.append(pod)  # type: ignore[arg-type]
        if not allows_surge(ds):
            # Without surge only the oldest running pod stays.
            if len(running) > 1:
                running.sort(key=pod_sort_key)
                plan.delete.extend(running[1:])
            return plan
        if len(running) <= 1:
            if not running and should_run:
                plan.create = True  # surging: at least one non-deleted pod on the node
            return plan
        # With surge, two pods stay only while the oldest new one is not yet available and
        # the oldest old one is still ready.
        running.sort(key=pod_sort_key)
        oldest_new = oldest_old = None
        for pod in running:
            if _labels(pod).get(DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY) == hash_:
                if oldest_new is None:
                    oldest_new = pod
                    continue
            elif oldest_old is None:
                oldest_old = pod
                continue
            plan.delete.append(pod)
        if oldest_new is not None and oldest_old is not None:
            min_ready = int(_spec(ds).get("minReadySeconds") or 0)
            if not is_pod_ready(oldest_old) or is_pod_available(oldest_new, min_ready, now_ms):
                plan.delete.append(oldest_old)
        return plan
    if exists:
        # Not supposed to run here (e.g. an untolerated NoExecute taint): delete them all.
        plan.delete.extend(p for p in node_pods if not _meta(p).get("deletionTimestamp"))
    return plan


def unscheduled_pods_without_node(node_names: Iterable[str],
                                  by_node: Mapping[str, Sequence[Mapping]]) -> list[dict]:
    """getUnscheduledPodsWithoutNode: never-scheduled pods aimed at a node that does not exist
    (PodGC cannot see them, so the DaemonSet controller deletes them)."""
    existing = set(node_names)
    out = []
    for node, pods in by_node.items():
        if node in existing:
            continue
        out.extend(dict(p) for p in pods if not _spec(p).get("nodeName"))
    return out


# --------------------------------------------------------------------------- status

def daemonset_status_counts(ds: Mapping, nodes: Sequence[Mapping],
                            by_node: Mapping[str, Sequence[Mapping]], hash_: str,
                            now_ms: int) -> dict[str, int]:
    """updateDaemonSetStatus: the counters, looking at the oldest pod on each node."""
    generation = template_generation_or_none(ds)
    min_ready = int(_spec(ds).get("minReadySeconds") or 0)
    desired = current = misscheduled = ready = updated = available = 0
    for node in nodes:
        should_run, _ = node_should_run_daemon_pod(node, ds)
        pods = list(by_node.get(_meta(node).get("name"), ()))
        if should_run:
            desired += 1
            if not pods:
                continue
            current += 1
            pod = sorted(pods, key=pod_sort_key)[0]
            if is_pod_ready(pod):
                ready += 1
                if is_pod_available(pod, min_ready, now_ms):
                    available += 1
            if is_pod_updated(pod, hash_, generation):
                updated += 1
        elif pods:
            misscheduled += 1
    return {"desiredNumberScheduled": desired, "currentNumberScheduled": current,
            "numberMisscheduled": misscheduled, "numberReady": ready,
            "updatedNumberScheduled": updated, "numberAvailable": available,
            "numberUnavailable": desired - available}


# apps/v1 DaemonSetStatus: these four are not omitempty, the rest are.
_ALWAYS_PRESENT = ("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled",
                   "numberReady")
_STATUS_ORDER = ("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled",
                 "numberReady", "observedGeneration", "updatedNumberScheduled",
                 "numberAvailable", "numberUnavailable", "collisionCount", "conditions")


def status_needs_update(ds: Mapping, counts: Mapping[str, int]) -> bool:
    """storeDaemonSetStatus's early return: nothing to write when every counter matches and
    observedGeneration has caught up."""
    status = ds.get("status") or {}
    for key, value in counts.items():
        if int(status.get(key) or 0) != value:
            return True
    return int(status.get("observedGeneration") or 0) < int(_meta(ds).get("generation") or 0)


def build_status(ds: Mapping, counts: Mapping[str, int], update_observed_generation: bool) -> dict:
    """The status storeDaemonSetStatus writes, in the API's field order, zero-valued
    omitempty fields left out as the apiserver's JSON does."""
    status = dict(ds.get("status") or {})
    status.update(counts)
    if update_observed_generation:
        status["observedGeneration"] = int(_meta(ds).get("generation") or 0)
    out = {}
    for key in _STATUS_ORDER:
        if key not in status:
            continue
        value = status[key]
        if key not in _ALWAYS_PRESENT and key != "collisionCount" and not value:
            continue
        out[key] = value
    for key in status:
        if key not in out and key not in _STATUS_ORDER:
            out[key] = status[key]
    return out


# --------------------------------------------------------------------------- history (update.go)

def go_template_json(template: Mapping) -> dict:
    """A pod template as Go's ``json.Marshal`` writes it: ``metadata.creationTimestamp: null``
    (metav1.Time is a struct and never omitted) and ``resources: {}`` on every container."""
    out = copy.deepcopy(dict(template))
    meta = dict(out.get("metadata") or {})
    meta.setdefault("creationTimestamp", None)
    out["metadata"] = meta
    spec = dict(out.get("spec") or {})
    for key in ("initContainers", "containers", "ephemeralContainers"):
        if spec.get(key):
            spec[key] = [{**c, "resources": c.get("resources") or {}} for c in spec[key]]
    out["spec"] = spec
    return out


def get_patch(ds: Mapping) -> dict:
    """update.go getPatch: ``{"spec": {"template": {<template>, "$patch": "replace"}}}`` — a
    strategic merge patch that restores this template; nothing else of the spec is kept."""
    template = go_template_json(_template(ds))
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def match(ds: Mapping, history: Mapping) -> bool:
    """update.go Match: the revision's data is byte-equal to the DaemonSet's getPatch."""
    data = history.get("data")
    return data is not None and go_json_bytes(get_patch(ds)) == go_json_bytes(data)


def revision_hash(ds: Mapping) -> str:
    """snapshot's hash: controller.ComputeHash(template, status.collisionCount)."""
    return compute_hash(_template(ds), (ds.get("status") or {}).get("collisionCount"))


def new_history(ds: Mapping, revision: int) -> dict:
    """update.go snapshot: the ControllerRevision for the DaemonSet's current template —
    ``<ds>-<hash>``, template labels + ``controller-revision-hash``, a copy of the
    DaemonSet's annotations, controller reference, ``data`` = getPatch."""
    from pytest_k8sflow.engine.controllers.controller_utils import new_controller_ref

    hash_ = revision_hash(ds)
    labels = {**((_template(ds).get("metadata") or {}).get("labels") or {}),
              DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY: hash_}
    meta: dict = {"name": f"{_meta(ds).get('name')}-{hash_}",
                  "namespace": _meta(ds).get("namespace") or "default",
                  "labels": labels}
    if _meta(ds).get("annotations"):
        meta["annotations"] = dict(_meta(ds)["annotations"])
    meta["ownerReferences"] = [new_controller_ref(ds, "apps/v1", "DaemonSet")]
    return {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": meta,
            "data": get_patch(ds), "revision": int(revision)}


def split_histories(ds: Mapping, histories: Iterable[Mapping]) -> tuple[list[dict], list[dict]]:
    """constructHistory's split: (revisions matching the live template, the others)."""
    current, old = [], []
    for h in histories:
        (current if match(ds, h) else old).append(h)
    return current, old  # type: ignore[return-value]


def dedup_keep(current: Sequence[Mapping]) -> Mapping:
    """dedupCurHistories: the one to keep is the highest revision (the last on ties)."""
    keep = None
    best = 0
    for h in current:
        if int(h.get("revision") or 0) >= best:
            keep, best = h, int(h.get("revision") or 0)
    return keep if keep is not None else current[-1]


def histories_to_clean(old: Sequence[Mapping], live_hashes: Iterable[str],
                       limit: int) -> list[dict]:
    """cleanupHistory: oldest-first, revisions whose hash no pod carries, until at most
    ``limit`` old revisions are left."""
    to_kill = len(old) - int(limit)
    if to_kill <= 0:
        return []
    live = set(live_hashes)
    out = []
    for h in sorted(old, key=lambda r: int(r.get("revision") or 0)):
        if to_kill <= 0:
            break
        if (_labels(h).get(DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY)) in live:
            continue
        out.append(dict(h))
        to_kill -= 1
    return out


# --------------------------------------------------------------------------- rolling update

def find_updated_pods_on_node(ds: Mapping, pods: Sequence[Mapping] | None,
                              hash_: str) -> tuple[dict | None, dict | None, bool]:
    """findUpdatedPodsOnNode: (new pod, old pod, ok) among non-deleted pods; ok is False when
    there are two of either kind (the manage loop prunes those first)."""
    generation = template_generation_or_none(ds)
    new = old = None
    for pod in pods or ():
        if _meta(pod).get("deletionTimestamp"):
            continue
        if is_pod_updated(pod, hash_, generation):
            if new is not None:
                return None, None, False
            new = pod
        else:
            if old is not None:
                return None, None, False
            old = pod
    return new, old, True  # type: ignore[return-value]


def updated_desired_node_counts(ds: Mapping, nodes: Sequence[Mapping],
                                by_node: dict[str, list]) -> tuple[int, int, int]:
    """updatedDesiredNodeCounts: (maxSurge, maxUnavailable, desired); adds an empty entry to
    ``by_node`` for every eligible node without pods. Both 0 → maxUnavailable 1."""
    desired = 0
    for node in nodes:
        want, _ = node_should_run_daemon_pod(node, ds)
        if not want:
            continue
        desired += 1
        by_node.setdefault(_meta(node)["name"], [])
    max_unavailable = unavailable_count(ds, desired)
    max_surge = surge_count(ds, desired)
    if desired > 0 and max_unavailable == 0 and max_surge == 0:
        max_unavailable = 1
    return max_surge, max_unavailable, desired


def rolling_update_plan(ds: Mapping, nodes: Sequence[Mapping],
                        by_node: dict[str, list], hash_: str,
                        now_ms: int) -> tuple[list[dict], list[str]]:
    """update.go rollingUpdate: (old pods to delete, nodes to create a surge pod on).

    Nodes are visited in ``by_node`` order (upstream: Go map order, i.e. unspecified; the
    controller passes them sorted by node name)."""
    by_node = dict(by_node)
    max_surge, max_unavailable, desired = updated_desired_node_counts(ds, nodes, by_node)
    min_ready = int(_spec(ds).get("minReadySeconds") or 0)
    node_by_name = {_meta(n)["name"]: n for n in nodes}
    order = sorted(by_node)

    def available(pod: Mapping) -> bool:
        return is_pod_available(pod, min_ready, now_ms)

    if max_surge == 0:
        num_unavailable = 0
        allowed: list[dict] = []
        candidates: list[dict] = []
        for name in order:
            new, old, ok = find_updated_pods_on_node(ds, by_node[name], hash_)
            if not ok:
                num_unavailable += 1
                continue
            if (old is None and new is None) or (old is not None and new is not None):
                num_unavailable += 1
            elif new is not None:
                if not available(new):
                    num_unavailable += 1
            elif not available(old):
                allowed.append(old)
                num_unavailable += 1
            elif num_unavailable >= max_unavailable:
                continue
            else:
                candidates.append(old)
        remaining = max(max_unavailable - num_unavailable, 0)
        remaining = min(remaining, len(candidates))
        return allowed + candidates[:remaining], []

    old_to_delete: list[dict] = []
    should_not_run: list[dict] = []
    candidate_nodes: list[str] = []
    allowed_nodes: list[str] = []
    num_surge = 0
    num_available = 0
    for name in order:
        new, old, ok = find_updated_pods_on_node(ds, by_node[name], hash_)
        if not ok:
            num_surge += 1
            continue
        if old is not None:
            if available(old):
                num_available += 1
        elif new is not None and available(new):
            num_available += 1
        if old is None:
            continue
        node = node_by_name.get(name)
        if new is None:
            should_run = node is not None and node_should_run_daemon_pod(node, ds)[0]
            if not available(old):
                if not should_run:
                    old_to_delete.append(old)
                    continue
                allowed_nodes.append(name)
            else:
                if not should_run:
                    should_not_run.append(old)
                    continue
                if num_surge >= max_surge:
                    continue
                candidate_nodes.append(name)
        else:
            if not available(new):
                num_surge += 1
                continue
            old_to_delete.append(old)
    remaining_surge = max_surge - num_surge
    deletable = num_available - desired
    if deletable > 0:
        old_to_delete.extend(should_not_run[:min(deletable, len(should_not_run))])
    remaining_surge = min(max(remaining_surge, 0), len(candidate_nodes))
    return old_to_delete, allowed_nodes + candidate_nodes[:remaining_surge]
