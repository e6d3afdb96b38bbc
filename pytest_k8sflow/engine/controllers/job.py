"""The Job controller (k/k pkg/controller/job/job_controller.go syncJob, manageJob,
trackJobStatusAndRemoveFinalizers, enactJobFinished) and, owned by it, the
TTL-after-finished controller (pkg/controller/ttlafterfinished).

Decisions are in job_util.py; rules and simplifications: docs/semantics/jobs-and-cronjobs.md.
"""

from __future__ import annotations

from collections.abc import Hashable

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.component import Component
from pytest_k8sflow.engine.controllers import job_util as ju
from pytest_k8sflow.engine.controllers.controller_utils import (
    get_controller_of,
    slow_start_batches,
    time_ms,
)
from pytest_k8sflow.engine.controllers.ownership import claim, owners_for_orphan
from pytest_k8sflow.engine.selectors import NOTHING, SelectorError, from_label_selector
from pytest_k8sflow.engine.timeutil import format_time

JOB_CONTROLLER = "job-controller"
TTL_CONTROLLER = "ttl-after-finished-controller"


def job_selector(job: dict):
    """The Job's pod selector; a Job without one (not yet defaulted) selects nothing."""
    try:
        return from_label_selector((job.get("spec") or {}).get("selector"))
    except SelectorError:
        return NOTHING


class JobController(Component):
    """Keys: ``(namespace, name)`` for a Job sync; ``("ttl", namespace, name)`` for the
    TTL-after-finished check of that Job."""

    name = JOB_CONTROLLER

    def setup(self, cluster) -> None:
        super().setup(cluster)
        self.version = cluster.version
        self.backoff: dict[tuple[str, str], ju.BackoffRecord] = {}
        cluster.store.watch("Job", self._on_job)
        cluster.store.watch("Pod", self._on_pod)

    # -- watches ---------------------------------------------------------------------------
    def _on_job(self, old: dict | None, new: dict | None) -> None:
        obj = new if new is not None else old
        meta = obj["metadata"]
        key = (meta.get("namespace") or "", meta["name"])
        if old is None or new is None or \
                old["metadata"].get("generation") != new["metadata"].get("generation"):
            self.enqueue(key)  # addJob, deleteJob, spec change: enqueueSyncJobImmediately
        else:
            # updateJob: status-only changes are batched like pod events.
            self.enqueue_after(key, ju.SYNC_JOB_BATCH_PERIOD_MS)
        if new is None:
            # deleteJob -> cleanupPodFinalizers: its pods lose the tracking finalizer.
            for pod in self.cluster.store.by_index("Pod", "controller-uid", meta["uid"]):
                if ju.has_tracking_finalizer(pod):
                    self.enqueue(("orphan", pod["metadata"].get("namespace") or "",
                                  pod["metadata"]["name"]))
        if new is not None:
            self._ttl_enqueue(new)
            deadline = (new.get("spec") or {}).get("activeDeadlineSeconds")
            start = time_ms((new.get("status") or {}).get("startTime"))
            if old is not None and deadline is not None and start is not None and \
                    (old.get("spec") or {}).get("activeDeadlineSeconds") != deadline:
                self.enqueue_at(key, start + int(deadline) * 1000)

    def _on_pod(self, old: dict | None, new: dict | None) -> None:
        # addPod / updatePod / deletePod: enqueueSyncJobBatched (1 s).
        for pod in (old, new):
            if pod is None:
                continue
            ref = get_controller_of(pod)
            namespace = pod["metadata"].get("namespace") or ""
            if ref is not None:
                if ref.get("kind") == "Job":
                    self.enqueue_after((namespace, ref["name"]), ju.SYNC_JOB_BATCH_PERIOD_MS)
            elif pod is new and not pod["metadata"].get("deletionTimestamp"):
                for job in owners_for_orphan(self.cluster, "Job", pod, job_selector):
                    self.enqueue_after((namespace, job["metadata"]["name"]),
                                       ju.SYNC_JOB_BATCH_PERIOD_MS)
        if new is not None and get_controller_of(new) is None and ju.has_tracking_finalizer(new):
            self.enqueue(("orphan", new["metadata"].get("namespace") or "",
                          new["metadata"]["name"]))

    # -- sync ------------------------------------------------------------------------------
    def sync(self, key: Hashable) -> None:
        if isinstance(key, tuple) and len(key) == 3:
            kind, namespace, name = key
            if kind == "ttl":
                self._sync_ttl(namespace, name)
            elif kind == "orphan":
                self._sync_orphan_pod(namespace, name)
            return
        namespace, name = key  # type: ignore[misc]
        job = self.cluster.store.get("Job", namespace, name)
        if job is None:
            self.backoff.pop((namespace, name), None)
            return
        managed_by = (job.get("spec") or {}).get("managedBy")
        if managed_by not in (None, ju.JOB_CONTROLLER_NAME) and self.version >= (1, 30):
            return
        if ju.is_job_finished(job):
            self.backoff.pop((namespace, name), None)
            return
        mode = (job.get("spec") or {}).get("completionMode")
        if mode not in (None, "NonIndexed", "Indexed"):
            self.event(job, "Warning", "UnknownCompletionMode",
                       "Skipped Job sync because completion mode is unknown")
            return
        _JobSync(self, job).run()

    def _sync_orphan_pod(self, namespace: str, name: str) -> None:
        """syncOrphanPod: drop the tracking finalizer of a pod no unfinished Job owns."""
        pod = self.cluster.store.get("Pod", namespace, name)
        if pod is None or not ju.has_tracking_finalizer(pod):
            return
        ref = get_controller_of(pod)
        if ref is not None:
            if ref.get("kind") != "Job" or ref.get("apiVersion") != "batch/v1":
                return
            job = self.cluster.store.get("Job", namespace, ref["name"])
            if job is not None and job["metadata"].get("uid") == ref.get("uid") and \
                    not ju.is_job_finished(job):
                return
        self._remove_finalizer(pod)

    def _remove_finalizer(self, pod: dict) -> bool:
        meta = pod["metadata"]
        current = self.cluster.store.get("Pod", meta.get("namespace") or "", meta["name"])
        if current is None or current["metadata"].get("uid") != meta.get("uid"):
            return True
        if not ju.has_tracking_finalizer(current):
            return True
        try:
            self.cluster.api.remove_finalizer(current, ju.JOB_TRACKING_FINALIZER, self.name)
        except apierrors.ApiError as exc:
            return exc.reason == "NotFound"
        return True

    # -- TTL after finished ------------------------------------------------------------------
    def _ttl_enqueue(self, job: dict) -> None:
        if (job.get("spec") or {}).get("ttlSecondsAfterFinished") is None:
            return
        if job["metadata"].get("deletionTimestamp") or not ju.is_job_finished(job):
            return
        meta = job["metadata"]
        self.enqueue(("ttl", meta.get("namespace") or "", meta["name"]))

    def _sync_ttl(self, namespace: str, name: str) -> None:
        """ttlafterfinished_controller.go processJob: delete (foreground) once
        finishTime + ttl has passed, else requeue for that moment."""
        job = self.cluster.store.get("Job", namespace, name)
        if job is None or job["metadata"].get("deletionTimestamp"):
            return
        ttl = (job.get("spec") or {}).get("ttlSecondsAfterFinished")
        if ttl is None or not ju.is_job_finished(job):
            return
        finished_at = None
        for cond in (job.get("status") or {}).get("conditions") or ():
            if cond.get("type") in ("Complete", "Failed") and cond.get("status") == "True":
                finished_at = time_ms(cond.get("lastTransitionTime"))
        if finished_at is None:
            return
        expire = finished_at + int(ttl) * 1000
        now = self.cluster.now_ms
        if now < expire:
            self.enqueue_at(("ttl", namespace, name), expire)
            return
        try:
            self.cluster.api.delete("Job", namespace, name, TTL_CONTROLLER,
                                    propagation="Foreground", uid=job["metadata"]["uid"])
        except apierrors.ApiError:
            return


class _JobSync:
    """One syncJob call: the syncJobCtx of upstream plus the steps that use it."""

    def __init__(self, controller: JobController, job: dict) -> None:
        self.c = controller
        self.cluster = controller.cluster
        self.version = controller.version
        self.now = controller.cluster.now_ms
        self.job = job
        meta = job["metadata"]
        self.key = (meta.get("namespace") or "", meta["name"])
        self.spec = job.get("spec") or {}
        old_status = job.get("status") or {}
        # The status we build: shallow copies of the parts we change.
        status = dict(old_status)
        status["conditions"] = [dict(c) for c in old_status.get("conditions") or []]
        uncounted = old_status.get("uncountedTerminatedPods") or {}
        status["uncountedTerminatedPods"] = {
            k: list(v) for k, v in uncounted.items() if v}
        self.status = status
        self.old_status = old_status
        self.finished: dict | None = None
        self.new_backoff: ju.BackoffRecord | None = None

    # -- helpers ---------------------------------------------------------------------------
    @property
    def completions(self) -> int | None:
        value = self.spec.get("completions")
        return None if value is None else int(value)

    def _job_now(self) -> dict:
        return {**self.job, "status": self.status}

    def _write_status(self) -> None:
        status = _clean_status(self.status, self.version)
        current = self.cluster.store.get("Job", *self.key)
        if current is None or current["metadata"].get("uid") != self.job["metadata"]["uid"]:
            return
        if status == current.get("status"):
            return
        try:
            self.job = self.cluster.api.update_status({**current, "status": status}, self.c.name)
        except apierrors.ApiError:
            return

    # -- the sync --------------------------------------------------------------------------
    def run(self) -> None:
        job, spec, status = self.job, self.spec, self.status
        version = self.version
        pods = claim(self.cluster, job, "Pod", job_selector(job), self.c.name)
        self.pods = pods
        active_pods = ju.active_of(pods)
        self.ready = ju.count_ready(active_pods)
        uncounted_succeeded = set(status["uncountedTerminatedPods"].get("succeeded") or ())
        uncounted_failed = set(status["uncountedTerminatedPods"].get("failed") or ())
        self.uncounted_succeeded, self.uncounted_failed = uncounted_succeeded, uncounted_failed
        self.terminating: int | None = ju.count_terminating(pods) \
            if ju.tracks_terminating(job, version) else None
        active = len(active_pods)
        new_succeeded = self._valid_pods(uncounted_succeeded,
                                         lambda p: ju.pod_phase(p) == "Succeeded")
        new_failed = self._valid_pods(uncounted_failed,
                                      lambda p: ju.is_pod_failed(p, job, version))
        policy = spec.get("podFailurePolicy")
        counted_failed = [p for p in new_failed
                          if ju.match_pod_failure_policy(policy, p)[1]]
        self.succeeded = int(status.get("succeeded") or 0) + len(new_succeeded) + \
            len(uncounted_succeeded)
        self.failed = int(status.get("failed") or 0) + len(counted_failed) + \
            len(uncounted_failed)

        if not status.get("startTime") and not ju.job_suspended(job):
            status["startTime"] = format_time(self.now)
        self.new_backoff = ju.new_backoff_record(self.c.backoff.get(self.key), new_succeeded,
                                                 new_failed)

        backoff_limit = int(spec.get("backoffLimit") if spec.get("backoffLimit") is not None
                            else 6)
        exceeds_backoff = self.failed > backoff_limit
        scm = ju.find_condition(status["conditions"], "SuccessCriteriaMet")
        self.finished = dict(scm) if scm and scm.get("status") == "True" else None
        if self.finished is None:
            target = ju.find_condition(status["conditions"], "FailureTarget")
            if target is not None and target.get("status") == "True":
                self.finished = ju.new_condition("Failed", "True", target.get("reason", ""),
                                                 target.get("message", ""), self.now)
            elif (message := ju.fail_job_message(job, pods, version)) is not None:
                self.finished = ju.new_condition("FailureTarget", "True",
                                                 ju.REASON_POD_FAILURE_POLICY, message, self.now)
        if self.finished is None:
            job_now = self._job_now()
            if exceeds_backoff or ju.past_backoff_limit_on_failure(job, pods):
                self.finished = self._failure(ju.REASON_BACKOFF_LIMIT, ju.MESSAGE_BACKOFF_LIMIT)
            elif ju.past_active_deadline(job_now, self.now):
                self.finished = self._failure(ju.REASON_DEADLINE, ju.MESSAGE_DEADLINE)
            elif spec.get("activeDeadlineSeconds") is not None and not ju.job_suspended(job):
                start = time_ms(status.get("startTime"))
                self.c.enqueue_at(self.key, start + int(spec["activeDeadlineSeconds"]) * 1000)

        self.prev_succeeded_ix: ju.Intervals = []
        self.succeeded_ix: ju.Intervals = []
        self.failed_ix: ju.Intervals | None = None
        self.last_failed_per_index: dict[int, dict] = {}
        if ju.is_indexed_job(job):
            self.prev_succeeded_ix, self.succeeded_ix = ju.succeeded_indexes(job, pods)
            self.succeeded = ju.intervals_total(self.succeeded_ix)
            if ju.has_backoff_limit_per_index(job):
                self.failed_ix = ju.failed_indexes(job, pods, version)
                if self.finished is None:
                    max_failed = spec.get("maxFailedIndexes")
                    total_failed = ju.intervals_total(self.failed_ix)
                    if max_failed is not None and total_failed > int(max_failed):
                        self.finished = self._failure(ju.REASON_MAX_FAILED_INDEXES,
                                                      ju.MESSAGE_MAX_FAILED_INDEXES)
                    elif total_failed > 0 and total_failed + ju.intervals_total(
                            self.succeeded_ix) >= (self.completions or 0):
                        self.finished = self._failure(ju.REASON_FAILED_INDEXES,
                                                      ju.MESSAGE_FAILED_INDEXES)
                self.last_failed_per_index = ju.last_failed_pod_per_index(
                    job, pods, version, self.failed_ix)
            if self.finished is None:
                message, met = ju.match_success_policy(spec.get("successPolicy"),
                                                       self.completions or 0, self.succeeded_ix)
                if met:
                    self.finished = ju.new_condition("SuccessCriteriaMet", "True",
                                                     ju.REASON_SUCCESS_POLICY, message, self.now)

        suspend_changed = False
        if self.finished is not None:
            deleted_ready, deleted = self._delete_active_pods(active_pods)
            if deleted != active:
                self.finished = None
            active -= deleted
            if self.terminating is not None:
                self.terminating += deleted
            self.ready -= deleted_ready
        else:
            manage_called = False
            if not job["metadata"].get("deletionTimestamp"):
                active = self._manage_job(active_pods)
                manage_called = True
            if self.completions is None:
                complete = self.succeeded > 0 and active == 0
            else:
                complete = self.succeeded >= self.completions and active == 0
            if complete:
                self.finished = self._success()
            elif manage_called:
                if ju.job_suspended(job):
                    if ju.ensure_condition(status["conditions"], "Suspended", "True",
                                           "JobSuspended", "Job suspended", self.now):
                        suspend_changed = True
                        self.c.event(job, "Normal", "Suspended", "Job suspended")
                elif ju.ensure_condition(status["conditions"], "Suspended", "False",
                                         "JobResumed", "Job resumed", self.now):
                    suspend_changed = True
                    self.c.event(job, "Normal", "Resumed", "Job resumed")
                    # Resuming restarts the activeDeadlineSeconds clock.
                    status["startTime"] = format_time(self.now)
                    if spec.get("activeDeadlineSeconds") is not None:
                        self.c.enqueue_at(self.key,
                                          self.now + int(spec["activeDeadlineSeconds"]) * 1000)

        needs_flush = suspend_changed or active != int(status.get("active") or 0) or \
            (ju.tracks_ready(self.version) and self.ready != status.get("ready")) or \
            (self.terminating is not None and self.terminating != status.get("terminating"))
        status["active"] = active
        if ju.tracks_ready(self.version):
            status["ready"] = self.ready
        if self.terminating is not None:
            status["terminating"] = self.terminating
        self._track_status_and_remove_finalizers(needs_flush)

    def _valid_pods(self, uncounted: set[str], predicate) -> list[dict]:
        """getValidPodsWithFilter: pods with the finalizer, not yet in uncounted, valid index."""
        out = []
        completions = self.completions or 0
        indexed = ju.is_indexed_job(self.job)
        for pod in self.pods:
            if not ju.has_tracking_finalizer(pod) or pod["metadata"]["uid"] in uncounted:
                continue
            if indexed and ju.valid_index(pod, completions) is None:
                continue
            if predicate(pod):
                out.append(pod)
        return out

    def _failure(self, reason: str, message: str) -> dict:
        """newFailureCondition: FailureTarget first on v1.31+, else Failed."""
        cond_type = "FailureTarget" if ju.delay_terminal_condition(self.version) else "Failed"
        return ju.new_condition(cond_type, "True", reason, message, self.now)

    def _success(self) -> dict:
        """newSuccessCondition: SuccessCriteriaMet first on v1.31+; reason and message only
        from v1.33 (CompletionsReached)."""
        cond_type = "SuccessCriteriaMet" if ju.delay_terminal_condition(self.version) \
            else "Complete"
        reason, message = ("", "")
        if self.version >= (1, 33):
            reason, message = ju.REASON_COMPLETIONS_REACHED, ju.MESSAGE_COMPLETIONS_REACHED
        return ju.new_condition(cond_type, "True", reason, message, self.now)

    # -- pods ------------------------------------------------------------------------------
    def _delete_pod(self, pod: dict) -> bool:
        meta = pod["metadata"]
        try:
            self.cluster.api.delete("Pod", meta.get("namespace") or "", meta["name"],
                                    self.c.name, uid=meta.get("uid"))
        except apierrors.ApiError as exc:
            if exc.reason == "NotFound":
                return True
            self.c.event(self.job, "Warning", "FailedDelete", f"Error deleting: {exc.message}")
            return False
        # controller.RealPodControl.DeletePod records the event on the Job.
        self.c.event(self.job, "Normal", "SuccessfulDelete", f"Deleted pod: {meta['name']}")
        return True

    def _delete_active_pods(self, pods: list[dict]) -> tuple[int, int]:
        """deleteActivePods: delete keeping the tracking finalizer (counted as failed)."""
        deleted = deleted_ready = 0
        for pod in pods:
            if self._delete_pod(pod):
                deleted += 1
                if ju.is_pod_ready(pod):
                    deleted_ready += 1
        return deleted_ready, deleted

    def _delete_job_pods(self, pods: list[dict]) -> tuple[int, int]:
        """deleteJobPods: drop the tracking finalizer first, so these are not failures."""
        deleted = deleted_ready = 0
        for pod in pods:
            if not self.c._remove_finalizer(pod):
                continue
            if self._delete_pod(pod):
                deleted += 1
                if ju.is_pod_ready(pod):
                    deleted_ready += 1
        return deleted_ready, deleted

    def _manage_job(self, active_pods: list[dict]) -> int:
        """manageJob: delete surplus pods or create missing ones (never both), respecting the
        pod-failure back-off; returns the new active count."""
        job, spec = self.job, self.spec
        active = len(active_pods)
        parallelism = int(spec.get("parallelism") if spec.get("parallelism") is not None else 1)
        if ju.job_suspended(job):
            victims = ju.active_pods_for_removal(job, active_pods, active)
            removed_ready, removed = self._delete_job_pods(victims)
            if self.terminating is not None:
                self.terminating += removed
            self.ready -= removed_ready
            return active - removed
        if self.completions is None:
            want = active if self.succeeded > 0 else parallelism
        else:
            want = max(min(self.completions - self.succeeded, parallelism), 0)
        rm_at_least = max(active - want, 0)
        victims = ju.active_pods_for_removal(job, active_pods, rm_at_least)
        victims = victims[:ju.MAX_POD_CREATE_DELETE_PER_SYNC]
        if victims:
            removed_ready, removed = self._delete_job_pods(victims)
            if self.terminating is not None:
                self.terminating += removed
            self.ready -= removed_ready
            return active - removed
        terminating = (self.terminating or 0) if ju.only_replace_failed_pods(job, self.version) \
            else 0
        diff = want - terminating - active
        if diff <= 0:
            return active
        if not ju.has_backoff_limit_per_index(job):
            record = self.new_backoff or ju.BackoffRecord()
            remaining = ju.remaining_backoff_ms(record.failures_after_last_success,
                                                record.last_failure_ms, self.now)
            if remaining > 0:
                self.c.enqueue_after(self.key, max(remaining, ju.SYNC_JOB_BATCH_PERIOD_MS))
                # manageJob returns 0 as the active count while in back-off (upstream
                # quirk, kept: status.active reads 0 until the replacement is created).
                return 0
        diff = min(diff, ju.MAX_POD_CREATE_DELETE_PER_SYNC)
        indexes: list[int | None] = [None] * diff
        if ju.is_indexed_job(job):
            pending = ju.first_pending_indexes(job, active_pods, self.pods, self.succeeded_ix,
                                               self.failed_ix, diff, self.version)
            if ju.has_backoff_limit_per_index(job):
                pending, remaining = self._indexes_ready_now(pending)
                if remaining > 0:
                    self.c.enqueue_after(self.key, max(remaining, ju.SYNC_JOB_BATCH_PERIOD_MS))
                    return active
            indexes = list(pending)
        created = 0
        queue = list(indexes)
        for batch in slow_start_batches(len(queue)):
            failed = False
            for _ in range(batch):
                index = queue.pop(0)
                failures = None
                if index is not None and ju.has_backoff_limit_per_index(job):
                    failures = ju.next_index_failures(job, self.last_failed_per_index.get(index))
                pod = ju.job_pod(job, index, self.version, failures)
                try:
                    made = self.cluster.api.create(pod, self.c.name)
                except apierrors.ApiError as exc:
                    self.c.event(job, "Warning", "FailedCreate",
                                 f"Error creating: {exc.message}")
                    failed = True
                    continue
                created += 1
                self.c.event(job, "Normal", "SuccessfulCreate",
                             f"Created pod: {made['metadata']['name']}")
            if failed:
                break
        return active + created

    def _indexes_ready_now(self, indexes: list[int]) -> tuple[list[int], int]:
        """getPodCreationInfoForIndependentIndexes: per-index back-off."""
        now_list, min_remaining = [], None
        for ix in indexes:
            last = self.last_failed_per_index.get(ix)
            remaining = 0
            if last is not None:
                count = ju.index_failure_count(last) + 1
                remaining = ju.remaining_backoff_ms(count, ju.finished_time_ms(last), self.now)
            if remaining == 0:
                now_list.append(ix)
            elif min_remaining is None or remaining < min_remaining:
                min_remaining = remaining
        if now_list:
            return now_list, 0
        return [], min_remaining or 0

    # -- tracking ----------------------------------------------------------------------------
    def _track_status_and_remove_finalizers(self, needs_flush: bool) -> None:
        job, status, version = self.job, self.status, self.version
        indexed = ju.is_indexed_job(job)
        completions = self.completions or 0
        pods = self.pods
        if indexed:
            pods = sorted(pods, key=lambda p: (ju.completion_index(p) is None,
                                               ju.completion_index(p) or 0))
        with_finalizer = {p["metadata"]["uid"] for p in pods if ju.has_tracking_finalizer(p)}
        if _clean_uncounted(status, with_finalizer):
            needs_flush = True
        uncounted = status["uncountedTerminatedPods"]
        to_remove: list[dict] = []
        new_succeeded_ix: list[int] = []
        policy = self.spec.get("podFailurePolicy")
        finished_failing = self.finished is not None and \
            self.finished["type"] != "SuccessCriteriaMet"
        for pod in pods:
            if not ju.has_tracking_finalizer(pod):
                continue
            uid = pod["metadata"]["uid"]
            considered_failed = ju.is_pod_failed(pod, job, version)
            if not self._can_remove_finalizer(pod, considered_failed):
                continue
            to_remove.append(pod)
            if ju.pod_phase(pod) == "Succeeded" and uid not in self.uncounted_failed:
                if indexed:
                    ix = ju.valid_index(pod, completions)
                    if ix is not None and not ju.intervals_has(self.prev_succeeded_ix, ix):
                        new_succeeded_ix.append(ix)
                        needs_flush = True
                elif uid not in self.uncounted_succeeded:
                    uncounted.setdefault("succeeded", []).append(uid)
                    self.uncounted_succeeded.add(uid)
                    needs_flush = True
            elif considered_failed or finished_failing:
                ix = ju.valid_index(pod, completions)
                if uid not in self.uncounted_failed and (not indexed or ix is not None) \
                        and ju.match_pod_failure_policy(policy, pod)[1]:
                    uncounted.setdefault("failed", []).append(uid)
                    self.uncounted_failed.add(uid)
                    needs_flush = True
            if len(new_succeeded_ix) + len(uncounted.get("succeeded") or ()) + \
                    len(uncounted.get("failed") or ()) >= ju.MAX_UNCOUNTED_PODS:
                break
        if indexed:
            self.succeeded_ix = ju.intervals_with(self.succeeded_ix, new_succeeded_ix)
            text = ju.format_intervals(self.succeeded_ix)
            if text != (status.get("completedIndexes") or ""):
                needs_flush = True
            status["succeeded"] = ju.intervals_total(self.succeeded_ix)
            status["completedIndexes"] = text
            if self.failed_ix is not None:
                failed_text = ju.format_intervals(self.failed_ix)
                if status.get("failedIndexes") != failed_text:
                    status["failedIndexes"] = failed_text
                    needs_flush = True
        finished = self.finished
        if finished is not None and finished["type"] == "FailureTarget":
            status["conditions"].append(finished)
            needs_flush = True
            finished = ju.new_condition("Failed", "True", finished.get("reason", ""),
                                        finished.get("message", ""), self.now)
        if finished is not None and finished["type"] == "SuccessCriteriaMet":
            if ju.find_condition(status["conditions"], "SuccessCriteriaMet") is None:
                status["conditions"].append(finished)
                needs_flush = True
            finished = ju.new_condition("Complete", "True", finished.get("reason", ""),
                                        finished.get("message", ""), self.now)
        self.finished = finished
        # flushUncountedAndRemoveFinalizers
        if needs_flush:
            self._write_status()
            if self.new_backoff is not None:
                self.c.backoff[self.key] = self.new_backoff
            needs_flush = False
        for pod in to_remove:
            if self.c._remove_finalizer(pod):
                with_finalizer.discard(pod["metadata"]["uid"])
        if _clean_uncounted(status, with_finalizer):
            needs_flush = True
        finished_now = self._enact_finished()
        if finished_now:
            needs_flush = True
        if needs_flush:
            self._write_status()
            if finished_now:
                self._record_finished()

    def _can_remove_finalizer(self, pod: dict, considered_failed: bool) -> bool:
        if self.job["metadata"].get("deletionTimestamp") or self.finished is not None or \
                ju.pod_phase(pod) == "Succeeded":
            return True
        return considered_failed

    def _enact_finished(self) -> bool:
        finished = self.finished
        if finished is None:
            return False
        uncounted = self.status["uncountedTerminatedPods"]
        if uncounted.get("succeeded") or uncounted.get("failed"):
            return False
        if ju.delay_terminal_condition(self.version) and (self.terminating or 0) > 0:
            return False
        ju.ensure_condition(self.status["conditions"], finished["type"], finished["status"],
                            finished.get("reason", ""), finished.get("message", ""), self.now)
        if finished["type"] == "Complete":
            self.status["completionTime"] = format_time(self.now)
        return True

    def _record_finished(self) -> None:
        """recordJobFinished: events for the finished Job."""
        finished = self.finished
        job = self.cluster.store.get("Job", *self.key) or self.job
        if finished["type"] == "Complete":
            if self.completions is not None and \
                    int(self.status.get("succeeded") or 0) > self.completions:
                self.c.event(job, "Warning", "TooManySucceededPods",
                             "Too many succeeded pods running after completion count reached")
            self.c.event(job, "Normal", "Completed", "Job completed")
        else:
            self.c.event(job, "Warning", finished.get("reason", ""), finished.get("message", ""))
        # A finished Job may be due for TTL clean-up.
        self.c._ttl_enqueue(job)


def _clean_uncounted(status: dict, with_finalizer: set[str]) -> bool:
    """cleanUncountedPodsWithoutFinalizers: pods whose finalizer is gone move from
    uncountedTerminatedPods to the counters."""
    uncounted = status["uncountedTerminatedPods"]
    updated = False
    for field, counter in (("succeeded", "succeeded"), ("failed", "failed")):
        uids = uncounted.get(field) or []
        keep = [u for u in uids if u in with_finalizer]
        if len(keep) != len(uids):
            updated = True
            status[counter] = int(status.get(counter) or 0) + len(uids) - len(keep)
            if keep:
                uncounted[field] = keep
            else:
                uncounted.pop(field, None)
    return updated


# JobStatus fields in the order the API serialises them; zero counters are omitempty.
_STATUS_ORDER = ("conditions", "startTime", "completionTime", "active", "succeeded", "failed",
                 "terminating", "completedIndexes", "failedIndexes", "uncountedTerminatedPods",
                 "ready")


def _clean_status(status: dict, version: tuple[int, int]) -> dict:
    out: dict = {}
    for key in _STATUS_ORDER:
        if key not in status:
            continue
        value = status[key]
        if key in ("active", "succeeded", "failed") and not value:
            continue
        if key in ("conditions",) and not value:
            continue
        if key == "completedIndexes" and not value:
            continue
        if key == "uncountedTerminatedPods":
            value = {k: list(v) for k, v in value.items() if v}
        out[key] = value
    for key, value in status.items():
        if key not in out and key not in _STATUS_ORDER:
            out[key] = value
    return out
