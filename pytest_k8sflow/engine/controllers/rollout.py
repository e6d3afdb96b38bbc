"""Per-sync decisions of the Deployment and ReplicaSet controllers, as pure functions.

Ported from k/k ``pkg/controller/deployment/{rolling.go,recreate.go,sync.go,progress.go}`` and
``pkg/controller/replicaset/{replica_set.go,replica_set_utils.go}``. Each function takes the
objects the controller has listed (API dicts, never mutated) and returns what must be written;
the caller performs the writes, records the events and stops where upstream returns.

Scaling decisions are lists of :class:`ScaleStep` in upstream call order. For each step the
controller calls :func:`scale_replicaset` (which gives the ReplicaSet to write, with refreshed
desired-/max-replicas annotations, and the event message) and writes the result. A list, not a
dict: during a rolling update the same old ReplicaSet can be scaled twice in one sync (first
its unhealthy replicas, then healthy ones), and upstream records an event for each write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from pytest_k8sflow.engine.controllers.controller_utils import (
    BURST_REPLICAS,
    POD_TEMPLATE_HASH_LABEL,
    compute_hash,
    filter_active_replicasets,
    get_controller_of,
    is_pod_available,
    is_pod_ready,
    new_controller_ref,
    replicasets_by_creation_timestamp,
    replicasets_by_size_newer,
    replicasets_by_size_older,
    spec_replicas,
    time_ms,
)
from pytest_k8sflow.engine.controllers.deployment_util import (
    DEPLOYMENT_PROGRESSING,
    DEPLOYMENT_REPLICA_FAILURE,
    DEPRECATED_ROLLBACK_TO_ANNOTATION,
    FAILED_RS_CREATE_REASON,
    FOUND_NEW_RS_REASON,
    NEW_REPLICASET_REASON,
    NEW_RS_AVAILABLE_REASON,
    PAUSED_DEPLOY_REASON,
    PAUSED_MESSAGE,
    REPLICASET_UPDATED_REASON,
    RESUMED_DEPLOY_REASON,
    RESUMED_MESSAGE,
    REVISION_ANNOTATION,
    TIMED_OUT_REASON,
    calculate_status,
    created_new_rs_message,
    deployment_complete,
    deployment_progressing,
    deployment_timed_out,
    equal_ignore_hash,
    failed_rs_create_message,
    find_active_or_latest,
    found_new_rs_message,
    get_available_replica_count_for_replicasets,
    get_deployment_condition,
    get_proportion,
    get_replica_count_for_replicasets,
    go_quote,
    has_progress_deadline,
    is_rolling_update,
    is_saturated,
    last_revision,
    max_revision,
    max_surge,
    max_unavailable,
    new_deployment_condition,
    new_rs_new_replicas,
    progressed_message,
    progressing_message,
    remove_deployment_condition,
    replicas_annotations_need_update,
    replicaset_to_deployment_condition,
    revision,
    scaled_event_message,
    set_deployment_annotations_to,
    set_deployment_condition,
    set_deployment_revision,
    set_new_replicaset_annotations,
    set_replicas_annotations,
    timed_out_message,
)
from pytest_k8sflow.engine.selectors import from_match_labels
from pytest_k8sflow.engine.timeutil import format_time


class ScaleStep(NamedTuple):
    """One ReplicaSet write decided by a scaling function.

    ``operation`` is the word upstream puts in the event (``up``/``down``; ``""`` only for
    annotation refreshes of proportional scaling, which never produce an event).
    """

    name: str
    old_size: int
    new_size: int
    operation: str


def _name(obj: Mapping) -> str:
    return obj["metadata"]["name"]


def _status(obj: Mapping | None) -> Mapping:
    return (obj or {}).get("status") or {}


def _resized(rs: Mapping, size: int) -> dict:
    return {**rs, "spec": {**rs["spec"], "replicas": size}}


def _step(rs: Mapping, new_size: int, operation: str | None = None) -> ScaleStep:
    old = spec_replicas(rs)
    if operation is None:
        operation = "up" if old < new_size else "down"
    return ScaleStep(_name(rs), old, new_size, operation)


# =========================================================================== writing a scale

def scale_replicaset(deployment: Mapping, rs: Mapping, new_size: int,
                     operation: str | None = None) -> tuple[dict | None, str | None]:
    """sync.go scaleReplicaSet -> (ReplicaSet to write or None, ScalingReplicaSet message or None).

    The RS is written when its size or its desired-/max-replicas annotations
    (spec.replicas and spec.replicas + maxSurge of the deployment) are out of date; the event
    ``Scaled <op> replica set <rs> to <new> from <old>`` (Normal, reason ScalingReplicaSet, on
    the Deployment) only when the size changed. ``operation`` defaults to up/down by size.
    """
    old = spec_replicas(rs)
    replicas = spec_replicas(deployment)
    max_replicas = replicas + max_surge(deployment)
    size_changed = old != new_size
    if not size_changed and not replicas_annotations_need_update(rs, replicas, max_replicas):
        return None, None
    updated, _ = set_replicas_annotations(_resized(rs, new_size), replicas, max_replicas)
    if not size_changed:
        return updated, None
    if operation is None:
        operation = "up" if old < new_size else "down"
    return updated, scaled_event_message(operation, _name(rs), new_size, old)


# =========================================================================== RollingUpdate

def reconcile_new_replicaset(deployment: Mapping, all_rss: Sequence[Mapping | None],
                             new_rs: Mapping) -> int | None:
    """rolling.go reconcileNewReplicaSet: the new RS's next size, or None (no change).

    Above spec.replicas it is scaled down to it; otherwise it grows to NewRSNewReplicas
    (bounded by replicas + maxSurge over all RSs). When this returns a size, upstream writes
    it, syncs the rollout status and ends the sync (no scale-down in the same pass).
    """
    replicas = spec_replicas(deployment)
    current = spec_replicas(new_rs)
    if current == replicas:
        return None
    if current > replicas:
        return replicas
    target = new_rs_new_replicas(deployment, all_rss, new_rs)
    return None if target == current else target


def cleanup_unhealthy_replicas(old_rss: Iterable[Mapping], deployment: Mapping,
                               max_cleanup_count: int) -> tuple[list[ScaleStep], list[dict], int]:
    """rolling.go cleanupUnhealthyReplicas -> (steps, old RSs as updated, replicas removed).

    Old RSs oldest first; each RS with ``spec.replicas != status.availableReplicas`` loses
    ``min(budget left, spec - available)`` replicas, until ``max_cleanup_count`` is used up.
    The returned RS list is the sorted input with the new sizes applied (status unchanged).
    """
    del deployment  # upstream only uses it for the write
    ordered = [dict(rs) for rs in replicasets_by_creation_timestamp(old_rss)]
    steps: list[ScaleStep] = []
    total = 0
    for i, rs in enumerate(ordered):
        if total >= max_cleanup_count:
            break
        size = spec_replicas(rs)
        if size == 0:
            continue
        available = _status(rs).get("availableReplicas", 0)
        if size == available:
            continue
        count = min(max_cleanup_count - total, size - available)
        new_size = size - count
        if new_size > size:
            raise ValueError(f"when cleaning up unhealthy replicas, got invalid request to scale "
                             f"down {rs['metadata'].get('namespace')}/{_name(rs)} "
                             f"{size} -> {new_size}")
        if new_size != size:
            steps.append(_step(rs, new_size))
            ordered[i] = _resized(rs, new_size)
        total += count
    return steps, ordered, total


def scale_down_old_replicasets_for_rolling_update(
        all_rss: Sequence[Mapping | None], old_rss: Iterable[Mapping],
        deployment: Mapping) -> tuple[list[ScaleStep], int]:
    """rolling.go scaleDownOldReplicaSetsForRollingUpdate -> (steps, replicas removed).

    Only if Σ status.availableReplicas (all RSs) exceeds replicas - maxUnavailable; the excess
    is taken from old RSs oldest first, each giving up to its whole size.
    """
    minimum = spec_replicas(deployment) - max_unavailable(deployment)
    available = get_available_replica_count_for_replicasets(all_rss)
    if available <= minimum:
        return [], 0
    to_remove = available - minimum
    steps: list[ScaleStep] = []
    total = 0
    for rs in replicasets_by_creation_timestamp(old_rss):
        if total >= to_remove:
            break
        size = spec_replicas(rs)
        if size == 0:
            continue
        count = min(size, to_remove - total)
        steps.append(_step(rs, size - count))
        total += count
    return steps, total


def reconcile_old_replicasets(deployment: Mapping, all_rss: Sequence[Mapping | None],
                              old_rss: Iterable[Mapping], new_rs: Mapping | None
                              ) -> list[ScaleStep]:
    """rolling.go reconcileOldReplicaSets: the old-RS scale-downs of one rolling sync.

    ``all_rss`` = every RS of the deployment (new and all old); ``old_rss`` = the old RSs
    (only active ones are considered, as upstream passes FilterActiveReplicaSets(oldRSs)).
    Budget ``maxScaledDown = Σ spec(all) - (replicas - maxUnavailable) - (new spec - new
    available)``; nothing if <= 0. First cleanupUnhealthyReplicas within that budget, then
    scaleDownOldReplicaSetsForRollingUpdate on the result. A non-empty result means upstream
    writes the steps, syncs the rollout status and ends the sync.
    """
    active_old = filter_active_replicasets(old_rss)
    if get_replica_count_for_replicasets(active_old) == 0:
        return []
    all_pods = get_replica_count_for_replicasets(all_rss)
    minimum = spec_replicas(deployment) - max_unavailable(deployment)
    new_unavailable = 0
    if new_rs is not None:
        new_unavailable = spec_replicas(new_rs) - _status(new_rs).get("availableReplicas", 0)
    max_scaled_down = all_pods - minimum - new_unavailable
    if max_scaled_down <= 0:
        return []
    # Unhealthy replicas first, or they would block the rollout (kubernetes#16737).
    cleanup_steps, updated_old, _ = cleanup_unhealthy_replicas(active_old, deployment,
                                                               max_scaled_down)
    scaled_steps, _ = scale_down_old_replicasets_for_rolling_update(
        [*updated_old, new_rs], updated_old, deployment)
    return cleanup_steps + scaled_steps


# =========================================================================== Recreate

def scale_down_old_replicasets_for_recreate(old_rss: Iterable[Mapping]) -> list[ScaleStep]:
    """recreate.go scaleDownOldReplicaSetsForRecreate: every active old RS to 0. If any step
    is returned, upstream writes them, syncs the rollout status and ends the sync."""
    return [_step(rs, 0) for rs in old_rss if spec_replicas(rs) != 0]


def old_pods_running(new_rs: Mapping | None, old_rss: Iterable[Mapping],
                     pods_by_rs_uid: Mapping[str, Iterable[Mapping]]) -> bool:
    """recreate.go oldPodsRunning: an old RS still reports status.replicas, or a pod owned by a
    RS other than the new one is not Succeeded/Failed (Unknown, Pending, Running, terminating
    pods all count). ``pods_by_rs_uid``: the deployment's pods grouped by their controller
    RS's UID (getPodMapForDeployment)."""
    if sum(_status(rs).get("replicas", 0) for rs in old_rss) > 0:
        return True
    new_uid = new_rs["metadata"].get("uid") if new_rs is not None else None
    for uid in sorted(pods_by_rs_uid):
        if new_uid is not None and uid == new_uid:
            continue
        for pod in pods_by_rs_uid[uid]:
            if _status(pod).get("phase") not in ("Failed", "Succeeded"):
                return True
    return False


def scale_up_new_replicaset_for_recreate(deployment: Mapping, new_rs: Mapping) -> int | None:
    """recreate.go scaleUpNewReplicaSetForRecreate: spec.replicas, or None if already there."""
    replicas = spec_replicas(deployment)
    return None if spec_replicas(new_rs) == replicas else replicas


# =========================================================================== sync(): scaling

def proportional_scale(deployment: Mapping, new_rs: Mapping | None,
                       old_rss: Sequence[Mapping]) -> list[ScaleStep]:
    """sync.go scale: the RS writes for a scaling event or a paused deployment.

    1. At most one active RS (``FindActiveOrLatest``): it goes to spec.replicas (nothing if it
       is there already).
    2. New RS saturated: every active old RS goes to 0.
    3. RollingUpdate only: ``toAdd = (replicas + maxSurge, or 0 when replicas is 0) -
       Σ spec(active)``, spread with GetProportion over the active RSs ordered largest first
       (ties newest first when adding, oldest first when removing); the first RS in that order
       also takes the rounding leftover (clamped at 0). Every active RS gets a step, in that
       order; steps with ``new_size == old_size`` only refresh the replica annotations.
    """
    single = find_active_or_latest(new_rs, old_rss)
    if single is not None:
        if spec_replicas(single) == spec_replicas(deployment):
            return []
        return [_step(single, spec_replicas(deployment))]
    if is_saturated(deployment, new_rs):
        return [_step(rs, 0) for rs in filter_active_replicasets(old_rss)]
    if not is_rolling_update(deployment):
        return []
    active = filter_active_replicasets([*old_rss, new_rs])
    replicas = spec_replicas(deployment)
    allowed = replicas + max_surge(deployment) if replicas > 0 else 0
    to_add = allowed - get_replica_count_for_replicasets(active)
    operation = ""
    if to_add > 0:
        active = replicasets_by_size_newer(active)
        operation = "up"
    elif to_add < 0:
        active = replicasets_by_size_older(active)
        operation = "down"
    sizes: list[int] = []
    added = 0
    for rs in active:
        if to_add != 0:
            proportion = get_proportion(rs, deployment, to_add, added)
            sizes.append(spec_replicas(rs) + proportion)
            added += proportion
        else:
            sizes.append(spec_replicas(rs))
    if active and to_add != 0:
        # Leftovers from rounding go to the first (largest) ReplicaSet.
        sizes[0] = max(0, sizes[0] + to_add - added)
    return [ScaleStep(_name(rs), spec_replicas(rs), size, operation)
            for rs, size in zip(active, sizes, strict=True)]


# =========================================================================== new ReplicaSet

def new_replicaset(deployment: Mapping, old_rss: Sequence[Mapping]) -> dict:
    """sync.go getNewReplicaSet (creation branch): the ReplicaSet to create.

    Name ``<deployment>-<hash>`` (hash from the template and status.collisionCount); the hash
    label is added to labels, selector and template labels; controller reference to the
    Deployment; minReadySeconds copied; replicas = NewRSNewReplicas; annotations copied from
    the deployment plus revision = max(old revisions) + 1 and desired-/max-replicas.
    On success upstream records :func:`~deployment_util.created_event_message` only when
    replicas > 0, then writes :func:`deployment_after_new_replicaset`.
    """
    meta = deployment["metadata"]
    spec = deployment["spec"]
    template = spec.get("template") or {}
    pod_hash = compute_hash(template, _status(deployment).get("collisionCount"))
    labels = {**((template.get("metadata") or {}).get("labels") or {}),
              POD_TEMPLATE_HASH_LABEL: pod_hash}
    new_template = {**template, "metadata": {**(template.get("metadata") or {}),
                                             "labels": labels}}
    selector = dict(spec.get("selector") or {})
    selector["matchLabels"] = {**(selector.get("matchLabels") or {}),
                               POD_TEMPLATE_HASH_LABEL: pod_hash}
    rs_meta: dict = {"name": f"{meta['name']}-{pod_hash}"}
    if meta.get("namespace"):
        rs_meta["namespace"] = meta["namespace"]
    rs_meta["labels"] = dict(labels)
    rs_meta["ownerReferences"] = [new_controller_ref(deployment, "apps/v1", "Deployment")]
    rs_spec: dict = {"replicas": 0}
    if spec.get("minReadySeconds"):
        rs_spec["minReadySeconds"] = spec["minReadySeconds"]
    rs_spec["selector"] = selector
    rs_spec["template"] = new_template
    rs: dict = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": rs_meta,
                "spec": rs_spec}
    rs["spec"]["replicas"] = new_rs_new_replicas(deployment, [*old_rss, rs], rs)
    rs, _ = set_new_replicaset_annotations(deployment, rs, str(max_revision(old_rss) + 1),
                                           exists=False)
    # metadata key order as the API prints it
    rs["metadata"] = {k: rs["metadata"][k] for k in
                      ("name", "namespace", "labels", "annotations", "ownerReferences")
                      if k in rs["metadata"]}
    return rs


def sync_existing_new_replicaset(deployment: Mapping, new_rs: Mapping,
                                 old_rss: Sequence[Mapping]) -> dict | None:
    """sync.go getNewReplicaSet (existing branch): the new RS updated with the deployment's
    annotations, revision ``max(old) + 1`` (if higher; history kept) and minReadySeconds, or
    None if already in sync. When an RS is returned upstream writes it and uses the written
    RS as the new RS; otherwise it goes on with :func:`deployment_after_new_replicaset`."""
    updated, changed = set_new_replicaset_annotations(
        deployment, new_rs, str(max_revision(old_rss) + 1), exists=True)
    min_ready = deployment["spec"].get("minReadySeconds", 0) or 0
    if (new_rs.get("spec") or {}).get("minReadySeconds", 0) != min_ready:
        spec = dict(updated["spec"])
        if min_ready:
            spec["minReadySeconds"] = min_ready
        else:
            spec.pop("minReadySeconds", None)
        return {**updated, "spec": spec}
    return updated if changed else None


NEW_RS_FOUND = "found"
NEW_RS_CREATED = "created"
NEW_RS_ALREADY_EXISTED = "already-existed"


def deployment_after_new_replicaset(deployment: Mapping, new_rs: Mapping, how: str,
                                    now_ms: int, old_rss: Sequence[Mapping] = ()
                                    ) -> dict | None:
    """sync.go getNewReplicaSet, last part: the Deployment to write through the *status*
    endpoint (revision annotation + Progressing condition), or None if nothing changed.

    ``how`` says how this sync got its new RS:

    * :data:`NEW_RS_FOUND` (listed, and :func:`sync_existing_new_replicaset` had nothing to
      write): revision = the RS's revision annotation; with a progress deadline and no
      Progressing condition yet, Progressing=True/FoundNewReplicaSet ``Found new replica set "x"``.
    * :data:`NEW_RS_CREATED`: revision = max(old revisions) + 1; with a progress deadline,
      Progressing=True/NewReplicaSetCreated ``Created new replica set "x"``.
    * :data:`NEW_RS_ALREADY_EXISTED` (the create failed with AlreadyExists and
      :func:`existing_replicaset_is_new` said it is ours): revision = max(old) + 1, no
      condition, and (upstream) no event.
    """
    if how == NEW_RS_FOUND:
        rev = (new_rs["metadata"].get("annotations") or {}).get(REVISION_ANNOTATION, "")
    elif how in (NEW_RS_CREATED, NEW_RS_ALREADY_EXISTED):
        rev = str(max_revision(old_rss) + 1)
    else:
        raise ValueError(f"unknown new ReplicaSet outcome {how!r}")
    updated, changed = set_deployment_revision(deployment, rev)
    status = _status(deployment)
    if how == NEW_RS_CREATED:
        if has_progress_deadline(deployment):
            cond = new_deployment_condition(DEPLOYMENT_PROGRESSING, "True", NEW_REPLICASET_REASON,
                                            created_new_rs_message(_name(new_rs)), now_ms)
            status = set_deployment_condition(status, cond)
            changed = True
    elif how == NEW_RS_FOUND and has_progress_deadline(deployment) and \
            get_deployment_condition(status, DEPLOYMENT_PROGRESSING) is None:
        cond = new_deployment_condition(DEPLOYMENT_PROGRESSING, "True", FOUND_NEW_RS_REASON,
                                        found_new_rs_message(_name(new_rs)), now_ms)
        status = set_deployment_condition(status, cond)
        changed = True
    if not changed:
        return None
    return {**updated, "status": dict(status)}


def existing_replicaset_is_new(deployment: Mapping, existing: Mapping) -> bool:
    """sync.go getNewReplicaSet, AlreadyExists branch: the RS with the new RS's name is ours
    (controlled by this deployment and same template ignoring the hash). If False it is a hash
    collision: write :func:`deployment_with_collision_bump` and retry later."""
    ref = get_controller_of(existing)
    return (ref is not None and ref.get("uid") == deployment["metadata"].get("uid")
            and equal_ignore_hash(deployment["spec"].get("template"),
                                  (existing.get("spec") or {}).get("template")))


def deployment_with_collision_bump(deployment: Mapping) -> dict:
    """The deployment with status.collisionCount incremented (nil counts as 0)."""
    status = dict(_status(deployment))
    status["collisionCount"] = (status.get("collisionCount") or 0) + 1
    return {**deployment, "status": status}


def deployment_after_failed_create(deployment: Mapping, rs_name: str, error: str,
                                   now_ms: int) -> tuple[dict | None, str]:
    """sync.go getNewReplicaSet, failed create -> (deployment to write via status or None,
    Warning event message with reason ReplicaSetCreateError)."""
    message = failed_rs_create_message(rs_name, error)
    if not has_progress_deadline(deployment):
        return None, message
    cond = new_deployment_condition(DEPLOYMENT_PROGRESSING, "False", FAILED_RS_CREATE_REASON,
                                    message, now_ms)
    return {**deployment, "status": set_deployment_condition(_status(deployment), cond)}, message


# =========================================================================== status

def get_replica_failures(all_rss: Sequence[Mapping | None], new_rs: Mapping | None) -> list[dict]:
    """progress.go getReplicaFailures: ReplicaFailure conditions of the new RS, else of all."""
    found = [replicaset_to_deployment_condition(c) for c in _status(new_rs).get("conditions") or ()
             if c.get("type") == DEPLOYMENT_REPLICA_FAILURE]
    if found:
        return found
    for rs in all_rss:
        if rs is None:
            continue
        found.extend(replicaset_to_deployment_condition(c)
                     for c in _status(rs).get("conditions") or ()
                     if c.get("type") == DEPLOYMENT_REPLICA_FAILURE)
    return found


def sync_rollout_status(deployment: Mapping, all_rss: Sequence[Mapping | None],
                        new_rs: Mapping | None, now_ms: int) -> dict:
    """progress.go syncRolloutStatus: the Deployment status to write.

    calculateStatus, then (only with a progress deadline and unless the last rollout is
    already complete) Progressing = NewReplicaSetAvailable when complete, ReplicaSetUpdated
    when progress was made (lastUpdateTime refreshed, lastTransitionTime kept if it was True),
    ProgressDeadlineExceeded when timed out; without a deadline Progressing is removed.
    ReplicaFailure is copied from the RSs or removed. If the result equals the current status
    upstream writes nothing and calls :func:`requeue_stuck_deployment`.
    """
    status = calculate_status(all_rss, new_rs, deployment, now_ms)
    if not has_progress_deadline(deployment):
        status = remove_deployment_condition(status, DEPLOYMENT_PROGRESSING)
    current = get_deployment_condition(_status(deployment), DEPLOYMENT_PROGRESSING)
    complete_before = (status.get("replicas", 0) == status.get("updatedReplicas", 0)
                       and current is not None
                       and current.get("reason") == NEW_RS_AVAILABLE_REASON)
    if has_progress_deadline(deployment) and not complete_before:
        if deployment_complete(deployment, status):
            cond = new_deployment_condition(DEPLOYMENT_PROGRESSING, "True",
                                            NEW_RS_AVAILABLE_REASON,
                                            progressed_message(deployment, new_rs), now_ms)
            status = set_deployment_condition(status, cond)
        elif deployment_progressing(deployment, status):
            cond = new_deployment_condition(DEPLOYMENT_PROGRESSING, "True",
                                            REPLICASET_UPDATED_REASON,
                                            progressing_message(deployment, new_rs), now_ms)
            # Same reason, new lastUpdateTime: SetDeploymentCondition would ignore it.
            if current is not None:
                if current.get("status") == "True":
                    if current.get("lastTransitionTime"):
                        cond["lastTransitionTime"] = current["lastTransitionTime"]
                    else:
                        cond.pop("lastTransitionTime")
                status = remove_deployment_condition(status, DEPLOYMENT_PROGRESSING)
            status = set_deployment_condition(status, cond)
        elif deployment_timed_out(deployment, status, now_ms):
            cond = new_deployment_condition(DEPLOYMENT_PROGRESSING, "False", TIMED_OUT_REASON,
                                            timed_out_message(deployment, new_rs), now_ms)
            status = set_deployment_condition(status, cond)
    failures = get_replica_failures(all_rss, new_rs)
    if failures:
        status = set_deployment_condition(status, failures[0])
    else:
        status = remove_deployment_condition(status, DEPLOYMENT_REPLICA_FAILURE)
    if "collisionCount" in status:
        status["collisionCount"] = status.pop("collisionCount")
    return status


def requeue_stuck_deployment(deployment: Mapping, new_status: Mapping,
                             now_ms: int) -> int | None:
    """progress.go requeueStuckDeployment: when to look at the deadline again, in ms.

    None: no requeue (no deadline, no Progressing condition, complete, or already timed out).
    0: requeue now (rate-limited upstream), when less than a second is left. Otherwise the ms
    left until ``lastUpdateTime + progressDeadlineSeconds``; upstream enqueues after that
    plus one second.
    """
    current = get_deployment_condition(_status(deployment), DEPLOYMENT_PROGRESSING)
    if not has_progress_deadline(deployment) or current is None:
        return None
    if deployment_complete(deployment, new_status) or current.get("reason") == TIMED_OUT_REASON:
        return None
    last = time_ms(current.get("lastUpdateTime"))
    if last is None:
        last = -62135596800000  # Go zero time
    after = last + deployment["spec"]["progressDeadlineSeconds"] * 1000 - now_ms
    if after < 1000:
        return 0
    return after


def paused_condition_status(deployment: Mapping, now_ms: int) -> dict | None:
    """sync.go checkPausedConditions: the status to write when pause/resume must be recorded.

    Only with a progress deadline and when Progressing is not ProgressDeadlineExceeded:
    paused without a DeploymentPaused condition -> Progressing=Unknown/DeploymentPaused;
    resumed with one -> Progressing=Unknown/DeploymentResumed. None: nothing to write.
    """
    if not has_progress_deadline(deployment):
        return None
    status = _status(deployment)
    cond = get_deployment_condition(status, DEPLOYMENT_PROGRESSING)
    if cond is not None and cond.get("reason") == TIMED_OUT_REASON:
        return None
    paused_recorded = cond is not None and cond.get("reason") == PAUSED_DEPLOY_REASON
    paused = bool(deployment["spec"].get("paused"))
    if paused and not paused_recorded:
        new = new_deployment_condition(DEPLOYMENT_PROGRESSING, "Unknown", PAUSED_DEPLOY_REASON,
                                       PAUSED_MESSAGE, now_ms)
    elif not paused and paused_recorded:
        new = new_deployment_condition(DEPLOYMENT_PROGRESSING, "Unknown", RESUMED_DEPLOY_REASON,
                                       RESUMED_MESSAGE, now_ms)
    else:
        return None
    return set_deployment_condition(status, new)


# ------------------------------------------------------------------- rollback (rollback.go)
# The deprecated spec.rollbackTo of extensions/v1beta1 and apps/v1beta1 lives on in apps/v1 as
# the annotation deprecated.deployment.rollback.to, which the 1.32 controller still honours
# (deployment_controller.go syncDeployment, after the paused check). `kubectl rollout undo`
# does not use it: kubectl patches the template itself, so it produces no DeploymentRollback.

ROLLBACK_REVISION_NOT_FOUND = "DeploymentRollbackRevisionNotFound"
ROLLBACK_TEMPLATE_UNCHANGED = "DeploymentRollbackTemplateUnchanged"
ROLLBACK_DONE = "DeploymentRollback"


class RollbackEvent(NamedTuple):
    type: str
    reason: str
    message: str


def get_rollback_to(deployment: Mapping) -> int | None:
    """rollback.go getRollbackTo: the revision asked for by the annotation; None when it is
    absent, empty or not a base-10 int64 (an invalid value is ignored, and left in place)."""
    value = (deployment["metadata"].get("annotations") or {}).get(
        DEPRECATED_ROLLBACK_TO_ANNOTATION, "")
    if not value:
        return None
    try:
        return revision({"metadata": {"annotations": {REVISION_ANNOTATION: value}}})
    except ValueError:
        return None


def _without_rollback_to(deployment: Mapping) -> dict:
    """rollback.go setRollbackTo(d, nil)."""
    meta = dict(deployment["metadata"])
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items()
                   if k != DEPRECATED_ROLLBACK_TO_ANNOTATION}
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    return {**deployment, "metadata": meta}


def _from_replicaset_template(deployment: Mapping, rs: Mapping) -> dict:
    """deployment_util.go SetFromReplicaSetTemplate: the RS's template without the
    pod-template-hash label."""
    template = dict((rs.get("spec") or {}).get("template") or {})
    tmeta = dict(template.get("metadata") or {})
    labels = {k: v for k, v in (tmeta.get("labels") or {}).items()
              if k != POD_TEMPLATE_HASH_LABEL}
    if labels:
        tmeta["labels"] = labels
    else:
        tmeta.pop("labels", None)
    template["metadata"] = tmeta
    return {**deployment, "spec": {**deployment["spec"], "template": template}}


def rollback(deployment: Mapping, all_rss: Sequence[Mapping | None], to_revision: int
             ) -> tuple[dict, list[RollbackEvent]]:
    """rollback.go rollback / rollbackToTemplate -> (the deployment to write with a plain
    update, with the annotation cleared; the events, in order).

    ``all_rss`` are the old RSs and the new one (after getAllReplicaSetsAndSyncRevision with
    creation). Revision 0 means the last revision (LastRevision, the second highest). The RS
    with that revision gives its template (unless it equals the current one ignoring the hash:
    Warning DeploymentRollbackTemplateUnchanged) and its annotations (SetDeploymentAnnotationsTo);
    then Normal DeploymentRollback ``Rolled back deployment "d" to revision N``. No such RS:
    Warning DeploymentRollbackRevisionNotFound. Upstream emits the Normal event only after the
    update succeeded; the caller writes first and then records the events.
    """
    name = deployment["metadata"]["name"]
    rss = [rs for rs in all_rss if rs is not None]
    if to_revision == 0:
        to_revision = last_revision(rss)
        if to_revision == 0:
            return _without_rollback_to(deployment), [RollbackEvent(
                "Warning", ROLLBACK_REVISION_NOT_FOUND, "Unable to find last revision.")]
    for rs in rss:
        try:
            value = revision(rs)
        except ValueError:
            continue
        if value != to_revision:
            continue
        template = (rs.get("spec") or {}).get("template")
        if equal_ignore_hash(deployment["spec"].get("template"), template):
            return _without_rollback_to(deployment), [RollbackEvent(
                "Warning", ROLLBACK_TEMPLATE_UNCHANGED,
                f"The rollback revision contains the same template as current deployment "
                f"{go_quote(name)}")]
        updated = set_deployment_annotations_to(_from_replicaset_template(deployment, rs), rs)
        return _without_rollback_to(updated), [RollbackEvent(
            "Normal", ROLLBACK_DONE,
            f"Rolled back deployment {go_quote(name)} to revision {to_revision}")]
    return _without_rollback_to(deployment), [RollbackEvent(
        "Warning", ROLLBACK_REVISION_NOT_FOUND, "Unable to find the revision to rollback to.")]


# =========================================================================== ReplicaSet controller

def replicas_to_create_or_delete(rs: Mapping, active_pods: Sequence[Mapping],
                                 burst_replicas: int = BURST_REPLICAS) -> int:
    """replica_set.go manageReplicas: pods to create (> 0) or delete (< 0) in this sync.

    ``spec.replicas - len(active_pods)``, capped at ``burst_replicas`` either way. Creates go
    out in :func:`~controller_utils.slow_start_batches`; deletions pick
    :func:`~controller_utils.pods_to_delete`.
    """
    diff = spec_replicas(rs) - len(active_pods)
    return max(-burst_replicas, min(burst_replicas, diff))


def calculate_replicaset_status(rs: Mapping, active_pods: Sequence[Mapping], now_ms: int,
                                manage_replicas_error: str | None = None) -> dict:
    """replica_set_utils.go calculateStatus (+ observedGeneration from updateReplicaSetStatus).

    replicas = active pods; fullyLabeledReplicas = those whose labels include all template
    labels; readyReplicas; availableReplicas (with the RS's minReadySeconds);
    observedGeneration = metadata.generation. A manageReplicas error adds ReplicaFailure
    (FailedCreate if pods were missing, FailedDelete if in excess) unless one exists; no error
    removes it. Zero counts other than ``replicas`` are omitted, as in the API's JSON.
    """
    old = _status(rs)
    spec = rs.get("spec") or {}
    template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    template_selector = from_match_labels(template_labels)
    min_ready = spec.get("minReadySeconds", 0) or 0
    fully_labeled = ready = available = 0
    for pod in active_pods:
        if template_selector.matches(pod["metadata"].get("labels") or {}):
            fully_labeled += 1
        if is_pod_ready(pod):
            ready += 1
            if is_pod_available(pod, min_ready, now_ms):
                available += 1
    conditions = [dict(c) for c in old.get("conditions") or ()]
    failure = next((c for c in conditions if c.get("type") == "ReplicaFailure"), None)
    if manage_replicas_error is not None and failure is None:
        diff = len(active_pods) - spec_replicas(rs)
        reason = "FailedCreate" if diff < 0 else "FailedDelete" if diff > 0 else ""
        cond: dict = {"type": "ReplicaFailure", "status": "True",
                      "lastTransitionTime": format_time(now_ms)}
        if reason:
            cond["reason"] = reason
        cond["message"] = manage_replicas_error
        conditions.append(cond)
    elif manage_replicas_error is None and failure is not None:
        conditions = [c for c in conditions if c.get("type") != "ReplicaFailure"]
    status: dict = {"replicas": len(active_pods)}
    for key, value in (("fullyLabeledReplicas", fully_labeled), ("readyReplicas", ready),
                       ("availableReplicas", available),
                       ("observedGeneration", rs["metadata"].get("generation", 0))):
        if value:
            status[key] = value
    if old.get("terminatingReplicas") is not None:
        status["terminatingReplicas"] = old["terminatingReplicas"]
    if conditions:
        status["conditions"] = conditions
    return status


def replicaset_status_needs_update(rs: Mapping, new_status: Mapping) -> bool:
    """replica_set.go updateReplicaSetStatus steady-state check: False when the counts and
    conditions are unchanged and the generation has been observed already."""
    old = _status(rs)
    return not (
        old.get("replicas", 0) == new_status.get("replicas", 0)
        and old.get("fullyLabeledReplicas", 0) == new_status.get("fullyLabeledReplicas", 0)
        and old.get("readyReplicas", 0) == new_status.get("readyReplicas", 0)
        and old.get("availableReplicas", 0) == new_status.get("availableReplicas", 0)
        and rs["metadata"].get("generation", 0) == old.get("observedGeneration", 0)
        and (old.get("conditions") or []) == (new_status.get("conditions") or []))


def replicaset_requeue_after_ms(rs: Mapping, new_status: Mapping,
                                manage_replicas_error: str | None = None) -> int | None:
    """replica_set.go syncReplicaSet: with minReadySeconds > 0, all replicas ready but not all
    available, the RS is requeued after minReadySeconds (so availability is noticed)."""
    min_ready = (rs.get("spec") or {}).get("minReadySeconds", 0) or 0
    replicas = spec_replicas(rs)
    if (manage_replicas_error is None and min_ready > 0
            and new_status.get("readyReplicas", 0) == replicas
            and new_status.get("availableReplicas", 0) != replicas):
        # IsPodAvailable needs now strictly after readyTime + minReadySeconds; a real requeue
        # always lands a little later, so wake one millisecond past the boundary.
        return min_ready * 1000 + 1
    return None
