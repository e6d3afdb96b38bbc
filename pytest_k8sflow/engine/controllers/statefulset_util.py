"""Pure helpers of the StatefulSet controller.

Ported (in our own words) from k/k ``pkg/controller/statefulset/stateful_set_utils.go`` and the
status/ordering parts of ``stateful_set_control.go``. Nothing here reads the store or writes:
objects are plain API dicts and time is integer milliseconds passed in by the caller.
ControllerRevision hashing and naming come from ``history.py`` (shared with the DaemonSet
controller); see :func:`history_module`.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Mapping, Sequence

from pytest_k8sflow.engine.controllers.controller_utils import (
    is_pod_available,
    is_pod_ready,
    new_controller_ref,
)

STATEFULSET_REVISION_LABEL = "controller-revision-hash"  # apps.StatefulSetRevisionLabel
STATEFULSET_POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"  # gate PodIndexLabel (beta, on since 1.28)
CONTROLLER_REVISION_HASH_LABEL = "controller.kubernetes.io/hash"
RETAIN = "Retain"
DELETE = "Delete"
MAX_BATCH_SIZE = 500  # stateful_set_control.go MaxBatchSize

# stateful_set_utils.go statefulPodRegex: anything, a dash, trailing digits.
_STATEFUL_POD = re.compile(r"^(.*)-([0-9]+)$")


# --------------------------------------------------------------------------- identity

def parent_name_and_ordinal(pod: Mapping) -> tuple[str, int]:
    """getParentNameAndOrdinal: ("", -1) when the name does not end in ``-<digits>``; an
    ordinal that does not fit an int32 also gives -1 (strconv.ParseInt(..., 10, 32))."""
    match = _STATEFUL_POD.match(pod["metadata"].get("name") or "")
    if not match:
        return "", -1
    value = int(match.group(2))
    return match.group(1), value if value < 2**31 else -1


def get_parent_name(pod: Mapping) -> str:
    return parent_name_and_ordinal(pod)[0]


def get_ordinal(pod: Mapping) -> int:
    return parent_name_and_ordinal(pod)[1]


def _spec(obj: Mapping) -> Mapping:
    return obj.get("spec") or {}


def replicas_of(sts: Mapping) -> int:
    value = _spec(sts).get("replicas")
    return 1 if value is None else int(value)


def get_start_ordinal(sts: Mapping) -> int:
    """getStartOrdinal: spec.ordinals.start, else 0."""
    ordinals = _spec(sts).get("ordinals")
    if isinstance(ordinals, Mapping):
        return int(ordinals.get("start") or 0)
    return 0


def get_end_ordinal(sts: Mapping) -> int:
    """getEndOrdinal: the last ordinal in range (inclusive)."""
    return get_start_ordinal(sts) + replicas_of(sts) - 1


def pod_in_ordinal_range(pod: Mapping, sts: Mapping) -> bool:
    ordinal = get_ordinal(pod)
    return get_start_ordinal(sts) <= ordinal <= get_end_ordinal(sts)


def get_pod_name(sts: Mapping, ordinal: int) -> str:
    return f"{sts['metadata']['name']}-{ordinal}"


def get_persistent_volume_claim_name(sts: Mapping, claim: Mapping, ordinal: int) -> str:
    """``<claim template>-<set>-<ordinal>``."""
    return f"{claim['metadata']['name']}-{sts['metadata']['name']}-{ordinal}"


def is_member_of(sts: Mapping, pod: Mapping) -> bool:
    return get_parent_name(pod) == sts["metadata"]["name"]


def _namespace(obj: Mapping) -> str:
    return obj["metadata"].get("namespace") or "default"


def identity_matches(sts: Mapping, pod: Mapping) -> bool:
    """identityMatches: name parses to this set, same namespace, pod-name label right."""
    parent, ordinal = parent_name_and_ordinal(pod)
    meta = pod["metadata"]
    return (ordinal >= 0 and parent == sts["metadata"]["name"]
            and meta["name"] == get_pod_name(sts, ordinal)
            and _namespace(pod) == _namespace(sts)
            and (meta.get("labels") or {}).get(STATEFULSET_POD_NAME_LABEL) == meta["name"])


def _claim_templates(sts: Mapping) -> list:
    return list(_spec(sts).get("volumeClaimTemplates") or [])


def storage_matches(sts: Mapping, pod: Mapping) -> bool:
    """storageMatches: every claim template has a same-named volume using the right claim."""
    ordinal = get_ordinal(pod)
    if ordinal < 0:
        return False
    volumes = {v.get("name"): v for v in _spec(pod).get("volumes") or []}
    for claim in _claim_templates(sts):
        volume = volumes.get(claim["metadata"]["name"])
        source = (volume or {}).get("persistentVolumeClaim")
        if not source or source.get("claimName") != get_persistent_volume_claim_name(
                sts, claim, ordinal):
            return False
    return True


def get_persistent_volume_claims(sts: Mapping, pod: Mapping) -> list[tuple[str, dict]]:
    """getPersistentVolumeClaims: (template name, claim) per template, in template order.

    The claim is the template with the per-pod name, the set's namespace and its labels
    overlaid with the set's ``selector.matchLabels``. (Upstream returns a Go map; its
    iteration order is random, ours follows the templates.)
    """
    ordinal = get_ordinal(pod)
    match_labels = (_spec(sts).get("selector") or {}).get("matchLabels") or {}
    claims = []
    for template in _claim_templates(sts):
        meta = dict(template.get("metadata") or {})
        labels = dict(meta.get("labels") or {})
        labels.update(match_labels)
        meta["name"] = get_persistent_volume_claim_name(sts, template, ordinal)
        meta["namespace"] = _namespace(sts)
        if labels:
            meta["labels"] = labels
        else:
            meta.pop("labels", None)
        claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta,
                 "spec": copy.deepcopy(template.get("spec") or {})}
        claims.append((template["metadata"]["name"], claim))
    return claims


def update_storage(sts: Mapping, pod: dict) -> dict:
    """updateStorage: claim volumes first (replacing same-named volumes), then the others."""
    claims = get_persistent_volume_claims(sts, pod)
    names = {name for name, _ in claims}
    volumes = [{"name": name, "persistentVolumeClaim": {"claimName": claim["metadata"]["name"]}}
               for name, claim in claims]
    volumes += [v for v in _spec(pod).get("volumes") or [] if v.get("name") not in names]
    spec = {**_spec(pod)}
    if volumes:
        spec["volumes"] = volumes
    return {**pod, "spec": spec}


def update_identity(sts: Mapping, pod: dict) -> dict:
    """updateIdentity: name, namespace, pod-name and pod-index labels."""
    ordinal = get_ordinal(pod)
    name = get_pod_name(sts, ordinal)
    labels = dict(pod["metadata"].get("labels") or {})
    labels[STATEFULSET_POD_NAME_LABEL] = name
    labels[POD_INDEX_LABEL] = str(ordinal)
    meta = {**pod["metadata"], "name": name, "namespace": _namespace(sts), "labels": labels}
    return {**pod, "metadata": meta}


def init_identity(sts: Mapping, pod: dict) -> dict:
    """initIdentity: updateIdentity plus hostname/subdomain, set only at creation."""
    pod = update_identity(sts, pod)
    spec = {**_spec(pod), "hostname": pod["metadata"]["name"]}
    service = _spec(sts).get("serviceName")
    if service:
        spec["subdomain"] = service
    else:
        spec.pop("subdomain", None)
    return {**pod, "spec": spec}


# --------------------------------------------------------------------------- pod predicates

def _phase(pod: Mapping) -> str:
    return (pod.get("status") or {}).get("phase") or ""


def is_running_and_ready(pod: Mapping) -> bool:
    return _phase(pod) == "Running" and is_pod_ready(pod)


def is_running_and_available(pod: Mapping, min_ready_seconds: int, now_ms: int) -> bool:
    """isRunningAndAvailable: podutil.IsPodAvailable(pod, minReadySeconds, now)."""
    return is_pod_available(pod, min_ready_seconds, now_ms)


def is_created(pod: Mapping) -> bool:
    """isCreated: the apiserver has given it a phase (our not-yet-created pods have none)."""
    return _phase(pod) != ""


def is_pending(pod: Mapping) -> bool:
    return _phase(pod) == "Pending"


def is_failed(pod: Mapping) -> bool:
    return _phase(pod) == "Failed"


def is_succeeded(pod: Mapping) -> bool:
    return _phase(pod) == "Succeeded"


def is_terminating(pod: Mapping) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def is_healthy(pod: Mapping) -> bool:
    return is_running_and_ready(pod) and not is_terminating(pod)


def allows_burst(sts: Mapping) -> bool:
    return _spec(sts).get("podManagementPolicy") == "Parallel"


def get_pod_revision(pod: Mapping) -> str:
    return (pod["metadata"].get("labels") or {}).get(STATEFULSET_REVISION_LABEL, "")


def set_pod_revision(pod: dict, revision: str) -> dict:
    labels = {**(pod["metadata"].get("labels") or {}), STATEFULSET_REVISION_LABEL: revision}
    return {**pod, "metadata": {**pod["metadata"], "labels": labels}}


def ascending_ordinal(pods: Iterable[Mapping]) -> list:
    """ascendingOrdinal (pods without an ordinal, -1, first); ties keep the given order."""
    return sorted(pods, key=get_ordinal)


def descending_ordinal(pods: Iterable[Mapping]) -> list:
    """descendingOrdinal (pods without an ordinal last)."""
    return sorted(pods, key=lambda p: -get_ordinal(p))


# --------------------------------------------------------------------------- new pods

def pod_from_template(sts: Mapping, template: Mapping) -> dict:
    """controller.GetPodFromTemplate: template labels/annotations/finalizers, generateName
    ``<set>-``, a controller reference to the set, the template's spec."""
    tmeta = template.get("metadata") or {}
    meta: dict = {"generateName": f"{sts['metadata']['name']}-",
                  "namespace": _namespace(sts)}
    if tmeta.get("labels"):
        meta["labels"] = dict(tmeta["labels"])
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    if tmeta.get("finalizers"):
        meta["finalizers"] = list(tmeta["finalizers"])
    meta["ownerReferences"] = [new_controller_ref(sts, "apps/v1", "StatefulSet")]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": copy.deepcopy(template.get("spec") or {}), "status": {}}


def new_stateful_set_pod(sts: Mapping, ordinal: int) -> dict:
    """newStatefulSetPod: the template pod named ``<set>-<ordinal>`` with identity and storage.

    The result has an empty status: it stands for a pod that is not created yet.
    """
    pod = pod_from_template(sts, _spec(sts).get("template") or {})
    pod = {**pod, "metadata": {**pod["metadata"], "name": get_pod_name(sts, ordinal)}}
    pod = init_identity(sts, pod)
    return update_storage(sts, pod)


def new_versioned_stateful_set_pod(current_set: Mapping, update_set: Mapping,
                                   current_revision: str, update_revision: str,
                                   ordinal: int) -> dict:
    """newVersionedStatefulSetPod: below the partition (or, without a rollingUpdate block,
    below start + status.currentReplicas) a pod is built from the current revision, else
    from the update revision. OnDelete always uses the update revision.

    Upstream's condition reads ``A && B || C`` (Go precedence), so the partition test
    applies whenever a rollingUpdate block exists, whatever the strategy type; OnDelete sets
    have no block after defaulting, so the difference is invisible.
    """
    strategy = _spec(current_set).get("updateStrategy") or {}
    rolling = strategy.get("rollingUpdate")
    start = get_start_ordinal(current_set)
    current_replicas = (current_set.get("status") or {}).get("currentReplicas") or 0
    use_current = (
        (strategy.get("type") == "RollingUpdate" and rolling is None
         and ordinal < start + current_replicas)
        or (rolling is not None and ordinal < start + int(rolling.get("partition") or 0)))
    if use_current:
        return set_pod_revision(new_stateful_set_pod(current_set, ordinal), current_revision)
    return set_pod_revision(new_stateful_set_pod(update_set, ordinal), update_revision)


# --------------------------------------------------------------------------- PVC retention

def get_retention_policy(sts: Mapping) -> dict:
    """getPersistentVolumeClaimRetentionPolicy: Retain/Retain unless the set says otherwise."""
    policy = {"whenDeleted": RETAIN, "whenScaled": RETAIN}
    given = _spec(sts).get("persistentVolumeClaimRetentionPolicy")
    if isinstance(given, Mapping):
        for key in ("whenDeleted", "whenScaled"):
            if given.get(key):
                policy[key] = given[key]
    return policy


def _matches_ref(ref: Mapping, obj: Mapping, api_version: str, kind: str) -> bool:
    """matchesRef: same apiVersion, kind and name (not uid)."""
    return (ref.get("apiVersion") == api_version and ref.get("kind") == kind
            and ref.get("name") == obj["metadata"].get("name"))


def _refs(obj: Mapping) -> list:
    return list(obj["metadata"].get("ownerReferences") or [])


def _uid(obj: Mapping) -> str:
    return obj["metadata"].get("uid") or ""


def has_owner_ref(target: Mapping, owner: Mapping) -> bool:
    """hasOwnerRef: some reference carries the owner's uid."""
    uid = _uid(owner)
    return any(ref.get("uid") == uid for ref in _refs(target))


def has_stale_owner_ref(target: Mapping, obj: Mapping, api_version: str, kind: str) -> bool:
    """hasStaleOwnerRef: the first reference naming obj has another uid."""
    for ref in _refs(target):
        if _matches_ref(ref, obj, api_version, kind):
            return ref.get("uid") != _uid(obj)
    return False


def has_unexpected_controller(claim: Mapping, sts: Mapping, pod: Mapping) -> bool:
    """hasUnexpectedController: under a non-Retain/Retain policy, a controller reference to
    something other than this set or pod (or a stale one to them)."""
    policy = get_retention_policy(sts)
    if policy["whenScaled"] == RETAIN and policy["whenDeleted"] == RETAIN:
        return False
    for ref in _refs(claim):
        if _matches_ref(ref, sts, "apps/v1", "StatefulSet"):
            if ref.get("uid") != _uid(sts):
                return True
            continue
        if _matches_ref(ref, pod, "v1", "Pod"):
            if ref.get("uid") != _uid(pod):
                return True
            continue
        if ref.get("controller"):
            return True
    return False


def has_non_controller_owner(claim: Mapping, sts: Mapping, pod: Mapping) -> bool:
    """hasNonControllerOwner: the set or pod owns the claim but not as controller."""
    uids = (_uid(sts), _uid(pod))
    return any(ref.get("uid") in uids and not ref.get("controller") for ref in _refs(claim))


def is_claim_owner_up_to_date(claim: Mapping, sts: Mapping, pod: Mapping) -> bool:
    """isClaimOwnerUpToDate: do the claim's owner references fit the retention policy?

    Retain/Retain: no reference to set or pod; whenDeleted=Delete: set reference;
    whenScaled=Delete: pod reference once the pod is scaled down (out of range).
    """
    if has_stale_owner_ref(claim, sts, "apps/v1", "StatefulSet") or \
            has_stale_owner_ref(claim, pod, "v1", "Pod"):
        return True
    if has_unexpected_controller(claim, sts, pod):
        return not (has_owner_ref(claim, sts) or has_owner_ref(claim, pod))
    if has_non_controller_owner(claim, sts, pod):
        return False
    policy = get_retention_policy(sts)
    scaled, deleted = policy["whenScaled"], policy["whenDeleted"]
    set_ref, pod_ref = has_owner_ref(claim, sts), has_owner_ref(claim, pod)
    scaled_down = not pod_in_ordinal_range(pod, sts)
    if scaled == DELETE and deleted == DELETE:
        return scaled_down != set_ref and scaled_down == pod_ref
    if scaled == DELETE:  # whenDeleted Retain
        return not set_ref and scaled_down == pod_ref
    if deleted == DELETE:  # whenScaled Retain
        return set_ref and not pod_ref
    return not set_ref and not pod_ref  # Retain/Retain, and unknown values


def claim_owner_refs_for_policy(claim: Mapping, sts: Mapping, pod: Mapping) -> list:
    """updateClaimOwnerRefForSetAndPod: the claim's owner references after scrubbing the
    set's and pod's and adding the ones the policy asks for (as controller references)."""
    unexpected = has_unexpected_controller(claim, sts, pod)
    refs = [ref for ref in _refs(claim)
            if not (_matches_ref(ref, sts, "apps/v1", "StatefulSet")
                    or _matches_ref(ref, pod, "v1", "Pod"))]
    if unexpected:
        return refs
    policy = get_retention_policy(sts)
    scaled_down = not pod_in_ordinal_range(pod, sts)

    def add(owner: Mapping, api_version: str, kind: str) -> None:
        if not any(ref.get("uid") == _uid(owner) for ref in refs):
            refs.append(new_controller_ref(owner, api_version, kind))

    if policy["whenScaled"] == DELETE and scaled_down:
        add(pod, "v1", "Pod")
    if policy["whenDeleted"] == DELETE and (policy["whenScaled"] == RETAIN or not scaled_down):
        add(sts, "apps/v1", "StatefulSet")
    return refs


# --------------------------------------------------------------------------- revisions

def history_module():
    """The shared ControllerRevision helpers (controllers/history.py)."""
    from pytest_k8sflow.engine.controllers import history

    return history


def go_template_json(template: Mapping) -> dict:
    """A pod template as Go's JSON encoder writes it: ``metadata.creationTimestamp: null``
    (metav1.Time is a struct, never omitted) and ``resources: {}`` on every container."""
    out = copy.deepcopy(dict(template))
    meta = dict(out.get("metadata") or {})
    meta.setdefault("creationTimestamp", None)
    out["metadata"] = meta
    spec = dict(out.get("spec") or {})
    for key in ("initContainers", "containers"):
        if spec.get(key):
            spec[key] = [{**c, "resources": c.get("resources") or {}} for c in spec[key]]
    out["spec"] = spec
    return out


def get_patch(sts: Mapping) -> dict:
    """getPatch: ``{"spec": {"template": {<template>, "$patch": "replace"}}}``."""
    template = go_template_json(_spec(sts).get("template") or {})
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def new_revision(sts: Mapping, revision: int, collision_count: int | None) -> dict:
    """newRevision: a ControllerRevision holding :func:`get_patch`, labelled with the
    template's labels (+ the hash label), annotated with the set's annotations."""
    history = history_module()
    template_labels = ((_spec(sts).get("template") or {}).get("metadata") or {}).get(
        "labels") or {}
    cr = history.new_controller_revision(sts, dict(template_labels), get_patch(sts), revision,
                                         collision_count)
    annotations = {**(cr["metadata"].get("annotations") or {}),
                   **(sts["metadata"].get("annotations") or {})}
    if annotations:
        cr = {**cr, "metadata": {**cr["metadata"], "annotations": annotations}}
    return cr


def apply_revision(sts: Mapping, revision: Mapping) -> dict:
    """ApplyRevision: the set with the revision's template (a ``$patch: replace`` strategic
    merge patch replaces the template wholesale). ``creationTimestamp: null`` is dropped:
    Go's zero time and an absent field are the same thing."""
    template = dict(((revision.get("data") or {}).get("spec") or {}).get("template") or {})
    template.pop("$patch", None)
    meta = {k: v for k, v in (template.get("metadata") or {}).items()
            if not (k == "creationTimestamp" and v is None)}
    template["metadata"] = meta
    return {**sts, "spec": {**_spec(sts), "template": template}}


def next_revision(revisions: Sequence[Mapping]) -> int:
    """nextRevision: last (sorted) revision number + 1, or 1."""
    if not revisions:
        return 1
    return int(revisions[-1].get("revision") or 0) + 1


# --------------------------------------------------------------------------- status

def compute_replica_status(pods: Iterable[Mapping], min_ready_seconds: int, now_ms: int,
                           current_revision: str, update_revision: str) -> dict:
    """computeReplicaStatus over one pod list."""
    counts = {"replicas": 0, "readyReplicas": 0, "availableReplicas": 0,
              "currentReplicas": 0, "updatedReplicas": 0}
    for pod in pods:
        created = is_created(pod)
        if created:
            counts["replicas"] += 1
        if is_running_and_ready(pod):
            counts["readyReplicas"] += 1
            if is_running_and_available(pod, min_ready_seconds, now_ms):
                counts["availableReplicas"] += 1
        if created and not is_terminating(pod):
            revision = get_pod_revision(pod)
            if revision == current_revision:
                counts["currentReplicas"] += 1
            if revision == update_revision:
                counts["updatedReplicas"] += 1
    return counts


def update_status_counts(status: dict, min_ready_seconds: int, now_ms: int,
                         current_revision: str, update_revision: str,
                         *pod_lists: Iterable[Mapping]) -> None:
    """updateStatus: recount every replica counter over the given pod lists (in place)."""
    for key in ("replicas", "readyReplicas", "availableReplicas", "currentReplicas",
                "updatedReplicas"):
        status[key] = 0
    for pods in pod_lists:
        counts = compute_replica_status(pods, min_ready_seconds, now_ms, current_revision,
                                        update_revision)
        for key, value in counts.items():
            status[key] += value


def complete_rolling_update(sts: Mapping, status: dict) -> None:
    """completeRollingUpdate: when every replica is updated and ready, current = update."""
    replicas = replicas_of(sts)
    if ((_spec(sts).get("updateStrategy") or {}).get("type") == "RollingUpdate"
            and status.get("updatedReplicas", 0) == replicas
            and status.get("readyReplicas", 0) == replicas
            and status.get("replicas", 0) == replicas):
        status["currentReplicas"] = status["updatedReplicas"]
        status["currentRevision"] = status.get("updateRevision", "")


def inconsistent_status(sts: Mapping, status: Mapping) -> bool:
    """inconsistentStatus: does the computed status differ from the stored one?"""
    old = sts.get("status") or {}
    if (status.get("observedGeneration") or 0) > (old.get("observedGeneration") or 0):
        return True
    for key in ("replicas", "currentReplicas", "readyReplicas", "updatedReplicas",
                "availableReplicas"):
        if (status.get(key) or 0) != (old.get(key) or 0):
            return True
    return any((status.get(k) or "") != (old.get(k) or "")
               for k in ("currentRevision", "updateRevision"))


def status_for_api(status: Mapping, old: Mapping | None = None) -> dict:
    """The status as the API serialises it: ``replicas``, ``availableReplicas`` and the
    ``collisionCount`` pointer always; other zero/empty fields omitted (omitempty).
    Conditions already on the object are kept (the status updater copies the whole status)."""
    out: dict = {}
    for key in ("observedGeneration", "replicas", "readyReplicas", "currentReplicas",
                "updatedReplicas", "currentRevision", "updateRevision", "collisionCount",
                "availableReplicas"):
        value = status.get(key)
        if key in ("replicas", "availableReplicas"):
            out[key] = value or 0
        elif key == "collisionCount":
            if value is not None:
                out[key] = value
        elif value:
            out[key] = value
    conditions = (old or {}).get("conditions")
    if conditions:
        out["conditions"] = conditions
    return out


def get_max_unavailable(value: int | str | None, replicas: int) -> int:
    """getStatefulSetMaxUnavailable: default 1; percentages of replicas round down; never <1."""
    if value is None:
        number = 1
    elif isinstance(value, str) and value.endswith("%"):
        number = math.floor(int(value[:-1]) * replicas / 100)
    else:
        number = int(value)
    return max(number, 1)
