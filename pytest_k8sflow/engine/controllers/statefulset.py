"""The StatefulSet controller (k/k pkg/controller/statefulset: stateful_set.go sync,
stateful_set_control.go UpdateStatefulSet/updateStatefulSet, stateful_pod_control.go).

Pods are named ``<set>-<ordinal>``; OrderedReady creates one at a time and waits for each to be
Running and Ready (and available for minReadySeconds), scales down from the highest ordinal,
one pod at a time; Parallel does both at once. Claims from volumeClaimTemplates are created
before the pod and kept (or owned for deletion) per the retention policy. Rolling updates go
from the highest ordinal down to the partition. Rules and sources:
docs/semantics/statefulset-services-storage.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Hashable

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.component import Component, object_key
from pytest_k8sflow.engine.controllers import statefulset_util as u
from pytest_k8sflow.engine.controllers.controller_utils import (
    get_controller_of,
    new_controller_ref,
    pod_ready_time,
)
from pytest_k8sflow.engine.selectors import SelectorError, from_label_selector

STATEFULSET_CONTROLLER = "statefulset-controller"
# A failed sync is retried by the rate-limited queue (5ms doubling); we retry after 1s.
RETRY_AFTER_ERROR_MS = 1000


class SyncError(Exception):
    """An API call failed during a sync; the set is requeued."""


def _selector(sts: dict):
    try:
        return from_label_selector((sts.get("spec") or {}).get("selector"))
    except SelectorError:
        return None


def _ns(obj: dict) -> str:
    return obj["metadata"].get("namespace") or ""


class StatefulSetController(Component):
    name = STATEFULSET_CONTROLLER

    def setup(self, cluster) -> None:
        super().setup(cluster)
        cluster.store.watch("StatefulSet", self._on_set)
        cluster.store.watch("Pod", self._on_pod)

    # -- watches ---------------------------------------------------------------------------
    def _on_set(self, old: dict | None, new: dict | None) -> None:
        self.enqueue(object_key(new if new is not None else old))

    def _on_pod(self, old: dict | None, new: dict | None) -> None:
        for pod in (old, new):
            if pod is None:
                continue
            ref = get_controller_of(pod)
            if ref is not None:
                if ref.get("kind") == "StatefulSet":
                    self.enqueue((_ns(pod), ref["name"]))
            elif pod is new and not pod["metadata"].get("deletionTimestamp"):
                # getStatefulSetsForPod: an orphan wakes every set selecting it.
                labels = pod["metadata"].get("labels") or {}
                for sts in self.cluster.store.list("StatefulSet", _ns(pod)):
                    selector = _selector(sts)
                    if selector is not None and not selector.empty and \
                            selector.matches(labels):
                        self.enqueue(object_key(sts))

    # -- sync ------------------------------------------------------------------------------
    def sync(self, key: Hashable) -> None:
        namespace, name = key  # type: ignore[misc]
        sts = self.cluster.store.get("StatefulSet", namespace, name)
        if sts is None:
            return
        selector = _selector(sts)
        if selector is None or selector.empty:
            # stateful_set.go sync: an invalid or empty selector selects nothing.
            return
        try:
            revisions = self._list_revisions(sts, selector)
            pods = self._claim_pods(sts, selector)
            status = self._update_stateful_set(sts, pods, revisions)
        except SyncError:
            self.enqueue_after(key, RETRY_AFTER_ERROR_MS)
            return
        self._requeue_for_availability(key, sts, pods, status)

    def _requeue_for_availability(self, key, sts: dict, pods: list[dict],
                                  status: dict | None) -> None:
        """stateful_set.go syncStatefulSet: with minReadySeconds, wake up when a ready pod
        becomes available (IsPodAvailable wants now strictly past readySince + min)."""
        min_ready = (sts.get("spec") or {}).get("minReadySeconds") or 0
        if not min_ready or status is None:
            return
        now = self.cluster.now_ms
        due = None
        for pod in pods:
            if u.is_running_and_ready(pod) and not u.is_running_and_available(pod, min_ready,
                                                                               now):
                since = pod_ready_time(pod)
                at = (since if since is not None else now) + min_ready * 1000 + 1
                due = at if due is None else min(due, at)
        if due is not None:
            self.enqueue_at(key, max(due, now + 1))

    # -- pods ------------------------------------------------------------------------------
    def _claim_pods(self, sts: dict, selector) -> list[dict]:
        """getPodsForStatefulSet: ClaimPods with the isMemberOf filter (adopt matching
        orphans named ``<set>-N``, release owned pods that no longer match)."""
        store = self.cluster.store
        uid = sts["metadata"]["uid"]
        deleting = bool(sts["metadata"].get("deletionTimestamp"))

        def matches(pod: dict) -> bool:
            return selector.matches(pod["metadata"].get("labels")) and u.is_member_of(sts, pod)

        owned: dict[str, dict] = {}
        for pod in store.by_index("Pod", "controller-uid", uid):
            if matches(pod):
                owned[pod["metadata"]["name"]] = pod
            elif not deleting and not pod["metadata"].get("deletionTimestamp"):
                self._set_owner_refs(pod, [r for r in pod["metadata"].get("ownerReferences")
                                           or [] if r.get("uid") != uid])
        if not deleting:
            for pod in store.by_index("Pod", "orphan-namespace", _ns(sts)):
                if pod["metadata"].get("deletionTimestamp") or not matches(pod):
                    continue
                refs = [r for r in pod["metadata"].get("ownerReferences") or []
                        if r.get("uid") != uid]
                adopted = self._set_owner_refs(
                    pod, refs + [new_controller_ref(sts, "apps/v1", "StatefulSet")])
                if adopted is not None:
                    owned[adopted["metadata"]["name"]] = adopted
        return [owned[name] for name in sorted(owned)]

    def _set_owner_refs(self, obj: dict, refs: list) -> dict | None:
        meta = {k: v for k, v in obj["metadata"].items() if k != "ownerReferences"}
        if refs:
            meta["ownerReferences"] = refs
        try:
            return self.cluster.api.update({**obj, "metadata": meta}, self.name)
        except apierrors.ApiError:
            return None

    # -- revisions -------------------------------------------------------------------------
    def _list_revisions(self, sts: dict, selector) -> list[dict]:
        """ListRevisions + AdoptOrphanRevisions (stateful_set.go adoptOrphanRevisions)."""
        history = u.history_module()
        revisions = history.list_controller_revisions(self.cluster, sts, selector)
        out = []
        for rev in revisions:
            if get_controller_of(rev) is None and not sts["metadata"].get("deletionTimestamp"):
                try:
                    rev = history.adopt_controller_revision(self.cluster, sts, rev, self.name)
                except apierrors.ApiError as exc:
                    raise SyncError(exc.message) from exc
            out.append(rev)
        return history.sort_controller_revisions(out)

    def _get_revisions(self, sts: dict, revisions: list[dict]):
        """getStatefulSetRevisions: the current and update revisions, and the collision
        count. An equal revision that is not the newest is renumbered (a rollback)."""
        history = u.history_module()
        collision_count = (sts.get("status") or {}).get("collisionCount") or 0
        update = u.new_revision(sts, u.next_revision(revisions), collision_count)
        equal = history.find_equal_revisions(revisions, update)
        try:
            if equal and history.equal_revision(revisions[-1], equal[-1]):
                update = revisions[-1]
            elif equal:
                update = history.update_controller_revision(self.cluster, equal[-1],
                                                            update["revision"], self.name)
            else:
                update, collision_count = history.create_controller_revision(
                    self.cluster, sts, update, collision_count, self.name)
        except apierrors.ApiError as exc:
            raise SyncError(exc.message) from exc
        current_name = (sts.get("status") or {}).get("currentRevision")
        current = next((r for r in revisions if r["metadata"]["name"] == current_name), None)
        if current is None:
            current = update
        return current, update, collision_count

    def _truncate_history(self, sts: dict, pods: list[dict], revisions: list[dict],
                          current: dict, update: dict) -> None:
        """truncateHistory: non-live revisions beyond revisionHistoryLimit go, oldest first."""
        history = u.history_module()
        live = {current["metadata"]["name"], update["metadata"]["name"]}
        live.update(u.get_pod_revision(p) for p in pods)
        old = [r for r in revisions if r["metadata"]["name"] not in live]
        limit = (sts.get("spec") or {}).get("revisionHistoryLimit")
        limit = 10 if limit is None else int(limit)
        for rev in old[:max(len(old) - limit, 0)]:
            with contextlib.suppress(apierrors.ApiError):
                history.delete_controller_revision(self.cluster, rev, self.name)

    # -- the update loop -------------------------------------------------------------------
    def _update_stateful_set(self, sts: dict, pods: list[dict],
                             revisions: list[dict]) -> dict | None:
        """UpdateStatefulSet: revisions, the update itself, the status write, history."""
        current, update, collision_count = self._get_revisions(sts, revisions)
        error = None
        try:
            status = self._update(sts, current, update, collision_count, pods)
        except SyncError as exc:
            error = exc
            status = exc.args[1] if len(exc.args) > 1 else None
        if status is not None:
            self._write_status(sts, status)
        self._truncate_history(sts, pods, revisions, current, update)
        if error is not None:
            raise error
        return status

    def _write_status(self, sts: dict, status: dict) -> None:
        """updateStatefulSetStatus: complete a finished rolling update, write if changed."""
        u.complete_rolling_update(sts, status)
        if not u.inconsistent_status(sts, status):
            return
        fresh = self.cluster.store.get("StatefulSet", _ns(sts), sts["metadata"]["name"])
        if fresh is None:
            return
        new_status = u.status_for_api(status, fresh.get("status"))
        try:
            self.cluster.api.update_status({**fresh, "status": new_status}, self.name)
        except apierrors.ApiError as exc:
            raise SyncError(exc.message) from exc

    def _update(self, sts: dict, current_rev: dict, update_rev: dict, collision_count: int,
                pods: list[dict]) -> dict:
        """updateStatefulSet (stateful_set_control.go)."""
        now = self.cluster.now_ms
        current_set = u.apply_revision(sts, current_rev)
        update_set = u.apply_revision(sts, update_rev)
        current_name = current_rev["metadata"]["name"]
        update_name = update_rev["metadata"]["name"]
        spec = sts.get("spec") or {}
        min_ready = spec.get("minReadySeconds") or 0
        status: dict = {"observedGeneration": sts["metadata"].get("generation", 0),
                        "currentRevision": current_name, "updateRevision": update_name,
                        "collisionCount": collision_count}
        u.update_status_counts(status, min_ready, now, current_name, update_name, pods)

        start, end = u.get_start_ordinal(sts), u.get_end_ordinal(sts)
        replicas: list[dict | None] = [None] * max(end - start + 1, 0)
        condemned: list[dict] = []
        for pod in pods:
            ordinal = u.get_ordinal(pod)
            if start <= ordinal <= end:
                replicas[ordinal - start] = pod
            elif ordinal >= 0:
                condemned.append(pod)
        for index in range(len(replicas)):
            if replicas[index] is None:
                replicas[index] = u.new_versioned_stateful_set_pod(
                    current_set, update_set, current_name, update_name, start + index)
        full: list[dict] = replicas  # type: ignore[assignment]
        condemned = u.descending_ordinal(condemned)

        first_unhealthy = None
        for pod in full:
            if not u.is_healthy(pod):
                first_unhealthy = first_unhealthy or pod
        for pod in reversed(condemned):
            if not u.is_healthy(pod):
                first_unhealthy = first_unhealthy or pod

        def recount() -> None:
            u.update_status_counts(status, min_ready, now, current_name, update_name, full,
                                   condemned)

        if sts["metadata"].get("deletionTimestamp"):
            return status
        monotonic = not u.allows_burst(sts)

        def fail(exc: SyncError) -> SyncError:
            recount()
            return SyncError(exc.args[0], status)

        try:
            if self._run_for_all(len(full), lambda i: self._process_replica(
                    sts, update_set, monotonic, full, i), monotonic):
                recount()
                return status
            # Fix claims of condemned pods for the retention policy.
            if self._run_for_all(len(condemned), lambda i: self._fix_condemned_claims(
                    update_set, condemned[i]), monotonic):
                recount()
                return status
            if self._run_for_all(len(condemned), lambda i: self._process_condemned(
                    sts, first_unhealthy, monotonic, condemned, i), monotonic):
                recount()
                return status
        except SyncError as exc:
            raise fail(exc) from exc
        recount()
        strategy = spec.get("updateStrategy") or {}
        if strategy.get("type") == "OnDelete":
            return status
        rolling = strategy.get("rollingUpdate")
        update_min = int((rolling or {}).get("partition") or 0) if rolling is not None else 0
        try:
            if self.cluster.version >= (1, 35):
                # MaxUnavailableStatefulSet (beta, on by default in 1.35).
                self._rolling_update_max_unavailable(sts, full, update_name, update_min,
                                                     rolling, status)
            else:
                self._rolling_update(sts, full, update_name, update_min, status)
        except SyncError as exc:
            raise SyncError(exc.args[0], status) from exc
        return status

    @staticmethod
    def _run_for_all(count: int, fn, monotonic: bool) -> bool:
        """runForAll: monotonic stops at the first pod that says stop; burst mode handles
        every pod in slow-start batches (1, 2, 4, ... max 500) and stops only on error."""
        if monotonic:
            return any(fn(i) for i in range(count))
        index = 0
        batch = min(1, count)
        while batch > 0:
            errors = []
            for _ in range(batch):
                try:
                    fn(index)
                except SyncError as exc:
                    errors.append(exc)
                index += 1
            if errors:
                raise errors[0]
            batch = min(2 * batch, count - index, u.MAX_BATCH_SIZE)
        return False

    def _process_replica(self, sts: dict, update_set: dict, monotonic: bool,
                         replicas: list[dict], i: int) -> bool:
        """processReplica: True = stop this sync here."""
        pod = replicas[i]
        if u.is_failed(pod) or u.is_succeeded(pod):
            # Recreated under the same name once the old pod is gone (RecreatesFailedPod).
            if not u.is_terminating(pod):
                self._delete_pod(sts, pod)
            return True
        if not u.is_created(pod):
            if self._claim_is_stale(sts, pod):
                return True
            self._create_pod(sts, pod)
            if monotonic:
                return True
        if u.is_pending(pod):
            self._create_missing_claims(sts, pod)
        if u.is_terminating(pod) and monotonic:
            return True
        if not u.is_running_and_ready(pod) and monotonic:
            return True
        min_ready = (sts.get("spec") or {}).get("minReadySeconds") or 0
        if not u.is_running_and_available(pod, min_ready, self.cluster.now_ms) and monotonic:
            return True
        if not u.is_created(pod):
            return False
        retention_ok = self._claims_match_retention_policy(update_set, pod)
        if u.identity_matches(sts, pod) and u.storage_matches(sts, pod) and retention_ok:
            return False
        self._update_pod(update_set, pod)
        return False

    def _process_condemned(self, sts: dict, first_unhealthy: dict | None, monotonic: bool,
                           condemned: list[dict], i: int) -> bool:
        """processCondemned: scale down, highest ordinal first, one at a time if ordered."""
        pod = condemned[i]
        if u.is_terminating(pod):
            return monotonic
        if monotonic and pod is not first_unhealthy:
            if not u.is_running_and_ready(pod):
                return True
            min_ready = (sts.get("spec") or {}).get("minReadySeconds") or 0
            if not u.is_running_and_available(pod, min_ready, self.cluster.now_ms):
                return True
        self._delete_pod(sts, pod)
        return True

    def _rolling_update(self, sts: dict, replicas: list[dict], update_name: str,
                        update_min: int, status: dict) -> None:
        """The default path: delete the highest-ordinal outdated pod, wait on unhealthy."""
        for target in range(len(replicas) - 1, update_min - 1, -1):
            pod = replicas[target]
            if u.get_pod_revision(pod) != update_name and not u.is_terminating(pod):
                self._delete_pod(sts, pod, ignore_not_found=True)
                status["currentReplicas"] = status.get("currentReplicas", 0) - 1
                return
            if not u.is_healthy(pod):
                return

    def _rolling_update_max_unavailable(self, sts: dict, replicas: list[dict],
                                        update_name: str, update_min: int,
                                        rolling: dict | None, status: dict) -> None:
        """updateStatefulSetAfterInvariantEstablished (MaxUnavailableStatefulSet)."""
        max_unavailable = 1
        if rolling is not None:
            max_unavailable = u.get_max_unavailable(rolling.get("maxUnavailable"),
                                                    u.replicas_of(sts))
        unavailable = sum(1 for pod in replicas if not u.is_healthy(pod))
        if unavailable >= max_unavailable:
            return
        to_delete = max_unavailable - unavailable
        deleted = 0
        for target in range(len(replicas) - 1, update_min - 1, -1):
            if deleted >= to_delete:
                break
            pod = replicas[target]
            if u.get_pod_revision(pod) != update_name and not u.is_terminating(pod):
                self._delete_pod(sts, pod, ignore_not_found=True)
                deleted += 1
                status["currentReplicas"] = status.get("currentReplicas", 0) - 1

    # -- pod control (stateful_pod_control.go) ---------------------------------------------
    def _pod_event(self, verb: str, sts: dict, pod: dict, error: str | None) -> None:
        """recordPodEvent."""
        pod_name, set_name = pod["metadata"]["name"], sts["metadata"]["name"]
        if error is None:
            self.event(sts, "Normal", f"Successful{verb.title()}",
                       f"{verb} Pod {pod_name} in StatefulSet {set_name} successful")
        else:
            self.event(sts, "Warning", f"Failed{verb.title()}",
                       f"{verb} Pod {pod_name} in StatefulSet {set_name} failed error: {error}")

    def _claim_event(self, verb: str, sts: dict, pod: dict, claim: dict,
                     error: str | None) -> None:
        """recordClaimEvent (note "success", not "successful", and "for Pod" on failure)."""
        claim_name = claim["metadata"]["name"]
        pod_name, set_name = pod["metadata"]["name"], sts["metadata"]["name"]
        if error is None:
            self.event(sts, "Normal", f"Successful{verb.title()}",
                       f"{verb} Claim {claim_name} Pod {pod_name} in StatefulSet {set_name} "
                       "success")
        else:
            self.event(sts, "Warning", f"Failed{verb.title()}",
                       f"{verb} Claim {claim_name} for Pod {pod_name} in StatefulSet "
                       f"{set_name} failed error: {error}")

    def _create_claims(self, sts: dict, pod: dict) -> str | None:
        """createPersistentVolumeClaims: create missing claims; a claim being deleted is an
        error. Returns the aggregated error text or None."""
        errors = []
        for _, claim in u.get_persistent_volume_claims(sts, pod):
            meta = claim["metadata"]
            existing = self.cluster.store.get("PersistentVolumeClaim", meta["namespace"],
                                              meta["name"])
            if existing is None:
                try:
                    self.cluster.api.create(claim, self.name)
                except apierrors.ApiError as exc:
                    errors.append(f"failed to create PVC {meta['name']}: {exc.message}")
                    if exc.reason != "AlreadyExists":
                        self._claim_event("create", sts, pod, claim, exc.message)
                    continue
                self._claim_event("create", sts, pod, claim, None)
            elif existing["metadata"].get("deletionTimestamp"):
                errors.append(f"pvc {meta['name']} is being deleted")
        if not errors:
            return None
        return errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"

    def _create_pod(self, sts: dict, pod: dict) -> None:
        """CreateStatefulPod: claims first, then the pod, then claim ownership."""
        error = self._create_claims(sts, pod)
        if error is not None:
            self._pod_event("create", sts, pod, error)
            raise SyncError(error)
        body = {k: v for k, v in pod.items() if k != "status"}
        create_error = None
        try:
            self.cluster.api.create(body, self.name)
        except apierrors.ApiError as exc:
            if exc.reason == "AlreadyExists":
                raise SyncError(exc.message) from exc
            create_error = exc.message
        retention_error = self._update_claims_for_retention_policy(sts, pod)
        if retention_error is not None:
            self._pod_event("update", sts, pod, retention_error)
            raise SyncError(retention_error)
        self._pod_event("create", sts, pod, create_error)
        if create_error is not None:
            raise SyncError(create_error)

    def _create_missing_claims(self, sts: dict, pod: dict) -> None:
        """createMissingPersistentVolumeClaims (for Pending pods)."""
        error = self._create_claims(sts, pod)
        if error is not None:
            raise SyncError(error)
        retention_error = self._update_claims_for_retention_policy(sts, pod)
        if retention_error is not None:
            self._pod_event("update", sts, pod, retention_error)
            raise SyncError(retention_error)

    def _delete_pod(self, sts: dict, pod: dict, ignore_not_found: bool = False) -> None:
        """DeleteStatefulPod."""
        meta = pod["metadata"]
        try:
            self.cluster.api.delete("Pod", _ns(pod), meta["name"], self.name)
        except apierrors.ApiError as exc:
            self._pod_event("delete", sts, pod, exc.message)
            if ignore_not_found and exc.reason == "NotFound":
                return
            raise SyncError(exc.message) from exc
        self._pod_event("delete", sts, pod, None)

    def _update_pod(self, sts: dict, pod: dict) -> None:
        """UpdateStatefulPod: repair identity, storage and claim ownership in place."""
        consistent = True
        new = pod
        if not u.identity_matches(sts, new):
            new = u.update_identity(sts, new)
            consistent = False
        if not u.storage_matches(sts, new):
            new = u.update_storage(sts, new)
            consistent = False
            error = self._create_claims(sts, new)
            if error is not None:
                self._pod_event("update", sts, new, error)
                raise SyncError(error)
        if not self._claims_match_retention_policy(sts, new):
            error = self._update_claims_for_retention_policy(sts, new)
            if error is not None:
                self._pod_event("update", sts, new, error)
                raise SyncError(error)
            consistent = False
        if consistent:
            return
        try:
            self.cluster.api.update(new, self.name)
        except apierrors.ApiError as exc:
            self._pod_event("update", sts, new, exc.message)
            raise SyncError(exc.message) from exc
        self._pod_event("update", sts, new, None)

    def _claims(self, sts: dict, pod: dict):
        ordinal = u.get_ordinal(pod)
        namespace = _ns(sts) or "default"
        for template in (sts.get("spec") or {}).get("volumeClaimTemplates") or []:
            name = u.get_persistent_volume_claim_name(sts, template, ordinal)
            yield name, self.cluster.store.get("PersistentVolumeClaim", namespace, name)

    def _claims_match_retention_policy(self, sts: dict, pod: dict) -> bool:
        """ClaimsMatchRetentionPolicy: missing claims count as matching."""
        return all(claim is None or u.is_claim_owner_up_to_date(claim, sts, pod)
                   for _, claim in self._claims(sts, pod))

    def _update_claims_for_retention_policy(self, sts: dict, pod: dict) -> str | None:
        """UpdatePodClaimForRetentionPolicy."""
        for name, claim in self._claims(sts, pod):
            if claim is None:
                continue
            if u.has_unexpected_controller(claim, sts, pod):
                self.event(sts, "Warning", "ConflictingController",
                           f"PersistentVolumeClaim {name} has a conflicting OwnerReference "
                           "that acts as a manging controller, the retention policy is "
                           "ignored for this claim")
            if not u.is_claim_owner_up_to_date(claim, sts, pod):
                refs = u.claim_owner_refs_for_policy(claim, sts, pod)
                meta = {k: v for k, v in claim["metadata"].items() if k != "ownerReferences"}
                if refs:
                    meta["ownerReferences"] = refs
                try:
                    self.cluster.api.update({**claim, "metadata": meta}, self.name)
                except apierrors.ApiError as exc:
                    return (f"could not update claim {name} for delete policy ownerRefs: "
                            f"{exc.message}")
        return None

    def _fix_condemned_claims(self, update_set: dict, pod: dict) -> bool:
        if not self._claims_match_retention_policy(update_set, pod):
            error = self._update_claims_for_retention_policy(update_set, pod)
            if error is not None:
                raise SyncError(error)
        return False

    def _claim_is_stale(self, sts: dict, pod: dict) -> bool:
        """PodClaimIsStale: under whenScaled=Delete, a claim still owned by an old pod of the
        same name blocks creation until the garbage collector removes it."""
        if u.get_retention_policy(sts)["whenScaled"] == u.RETAIN:
            return False
        for _, claim in u.get_persistent_volume_claims(sts, pod):
            meta = claim["metadata"]
            existing = self.cluster.store.get("PersistentVolumeClaim", meta["namespace"],
                                              meta["name"])
            if existing is not None and u.has_stale_owner_ref(existing, pod, "v1", "Pod"):
                return True
        return False
