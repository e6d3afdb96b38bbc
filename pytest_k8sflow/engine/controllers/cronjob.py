"""The CronJob controller (k/k pkg/controller/cronjob/cronjob_controllerv2.go sync,
syncCronJob, cleanupFinishedJobs, removeOldestJobs, deleteJob). It wakes itself 100 ms after
each scheduled time on the simulated clock. Schedule arithmetic: cronjob_util.py.
"""

from __future__ import annotations

from collections.abc import Hashable

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.component import Component, object_key
from pytest_k8sflow.engine.controllers import cronjob_util as cu
from pytest_k8sflow.engine.controllers.controller_utils import get_controller_of, time_ms
from pytest_k8sflow.engine.controllers.job_util import finished_condition_type
from pytest_k8sflow.engine.timeutil import format_time

CRONJOB_CONTROLLER = "cronjob-controller"


def _job_ref(job: dict) -> dict:
    """getRef: an ObjectReference to the created Job."""
    meta = job["metadata"]
    return {"apiVersion": "batch/v1", "kind": "Job", "name": meta["name"],
            "namespace": meta.get("namespace") or "default", "uid": meta["uid"],
            "resourceVersion": meta["resourceVersion"]}


class CronJobController(Component):
    name = CRONJOB_CONTROLLER

    def setup(self, cluster) -> None:
        super().setup(cluster)
        self.version = cluster.version
        cluster.store.watch("CronJob", self._on_cronjob)
        cluster.store.watch("Job", self._on_job)

    def _on_cronjob(self, old: dict | None, new: dict | None) -> None:
        if new is None:
            return
        key = object_key(new)
        if old is not None:
            old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
            if old_spec.get("schedule") != new_spec.get("schedule") or \
                    old_spec.get("timeZone") != new_spec.get("timeZone"):
                # updateCronJob: a new schedule requeues for its next time.
                try:
                    schedule = cu.parse_schedule(new_spec.get("schedule") or "",
                                                 new_spec.get("timeZone"))
                except cu.ScheduleError:
                    return
                delay = cu.next_schedule_time_duration(new, self.cluster.now_ms, schedule)
                self.enqueue_after(key, delay)
                return
        self.enqueue(key)

    def _on_job(self, old: dict | None, new: dict | None) -> None:
        for job in (old, new):
            if job is None:
                continue
            ref = get_controller_of(job)
            if ref is not None and ref.get("kind") == "CronJob":
                self.enqueue((job["metadata"].get("namespace") or "", ref["name"]))

    # -- sync ------------------------------------------------------------------------------
    def sync(self, key: Hashable) -> None:
        namespace, name = key  # type: ignore[misc]
        cj = self.cluster.store.get("CronJob", namespace, name)
        if cj is None:
            return
        uid = cj["metadata"]["uid"]
        jobs = sorted((j for j in self.cluster.store.by_index("Job", "controller-uid", uid)),
                      key=lambda j: j["metadata"]["name"])
        status = dict(cj.get("status") or {})
        status["active"] = [dict(r) for r in status.get("active") or []]
        self.status = status
        changed = self._cleanup_finished_jobs(cj, jobs)
        requeue, changed_sync = self._sync_cronjob(cj, jobs)
        if changed or changed_sync:
            self._write_status(cj)
        if requeue is not None:
            self.enqueue_after(key, requeue)

    def _write_status(self, cj: dict) -> None:
        status = {k: v for k, v in self.status.items() if not (k == "active" and not v)}
        current = self.cluster.store.get("CronJob", cj["metadata"].get("namespace") or "",
                                         cj["metadata"]["name"])
        if current is None or status == current.get("status"):
            return
        try:
            self.cluster.api.update_status({**current, "status": status}, self.name)
        except apierrors.ApiError:
            return

    def _in_active(self, uid: str) -> bool:
        return any(r.get("uid") == uid for r in self.status["active"])

    def _drop_active(self, uid: str) -> None:
        self.status["active"] = [r for r in self.status["active"] if r.get("uid") != uid]

    def _delete_job(self, cj: dict, job: dict) -> bool:
        """deleteJob: background deletion, dropped from active, SuccessfulDelete."""
        meta = job["metadata"]
        try:
            self.cluster.api.delete("Job", meta.get("namespace") or "", meta["name"], self.name,
                                    propagation="Background")
        except apierrors.ApiError as exc:
            self.event(cj, "Warning", "FailedDelete", f"Deleted job: {exc.message}")
            return False
        self._drop_active(meta["uid"])
        self.event(cj, "Normal", "SuccessfulDelete", f"Deleted job {meta['name']}")
        return True

    def _cleanup_finished_jobs(self, cj: dict, jobs: list[dict]) -> bool:
        """cleanupFinishedJobs / removeOldestJobs: keep the newest N by status.startTime."""
        spec = cj.get("spec") or {}
        ok_limit = spec.get("successfulJobsHistoryLimit")
        failed_limit = spec.get("failedJobsHistoryLimit")
        if ok_limit is None and failed_limit is None:
            return False
        succeeded = [j for j in jobs if finished_condition_type(j) == "Complete"]
        failed = [j for j in jobs if finished_condition_type(j) == "Failed"]
        changed = False
        for group, limit in ((succeeded, ok_limit), (failed, failed_limit)):
            if limit is None:
                continue
            extra = len(group) - int(limit)
            if extra <= 0:
                continue
            for job in sorted(group, key=cu.job_start_time_key)[:extra]:
                if self._delete_job(cj, job):
                    changed = True
        return changed

    def _sync_cronjob(self, cj: dict, jobs: list[dict]) -> tuple[int | None, bool]:
        now = self.cluster.now_ms
        status = self.status
        changed = False
        children = set()
        # The list is the one read before cleanupFinishedJobs: a Job it just deleted is still
        # seen here (no longer in active), so its completionTime still reaches
        # lastSuccessfulTime (cronjob_controllerv2.go sync -> syncCronJob on
        # jobsToBeReconciled; a history limit of 0 keeps no Job but records the success).
        for job in jobs:
            uid = job["metadata"]["uid"]
            children.add(uid)
            found = self._in_active(uid)
            finished = finished_condition_type(job)
            if not found and finished is None:
                self.event(cj, "Warning", "UnexpectedJob",
                           f"Saw a job that the controller did not create or forgot: "
                           f"{job['metadata']['name']}")
            elif found and finished is not None:
                self._drop_active(uid)
                self.event(cj, "Normal", "SawCompletedJob",
                           f"Saw completed job: {job['metadata']['name']}, condition: "
                           f"{finished}")
                changed = True
            if finished == "Complete":
                done = time_ms((job.get("status") or {}).get("completionTime"))
                last = time_ms(status.get("lastSuccessfulTime"))
                if done is not None and (last is None or done > last):
                    status["lastSuccessfulTime"] = format_time(done)
                    changed = True
        for ref in list(status["active"]):
            if ref.get("uid") in children:
                continue
            if self.cluster.store.get("Job", ref.get("namespace") or "",
                                      ref.get("name") or "") is None:
                self.event(cj, "Normal", "MissingJob", f"Active job went missing: {ref['name']}")
                self._drop_active(ref.get("uid"))
                changed = True
        if cj["metadata"].get("deletionTimestamp"):
            return None, changed
        spec = cj.get("spec") or {}
        time_zone = spec.get("timeZone")
        if time_zone is not None:
            try:
                cu.load_zone(time_zone)
            except cu.ScheduleError:
                self.event(cj, "Warning", "UnknownTimeZone",
                           f'invalid timeZone: "{time_zone}": unknown time zone {time_zone}')
                return None, changed
        if spec.get("suspend"):
            return None, changed
        schedule_text = spec.get("schedule") or ""
        if "TZ=" in schedule_text:
            # formatSchedule
            self.event(cj, "Warning", "UnsupportedSchedule",
                       f'CRON_TZ or TZ used in schedule "{schedule_text}" is not officially '
                       "supported, see https://kubernetes.io/docs/concepts/workloads/"
                       "controllers/cron-jobs/ for more details")
        try:
            schedule = cu.parse_schedule(schedule_text, time_zone)
        except cu.ScheduleError as exc:
            self.event(cj, "Warning", "UnparseableSchedule",
                       f'unparseable schedule: "{schedule_text}" : {exc}')
            return None, changed
        cj_now = {**cj, "status": status}
        try:
            _, scheduled, missed = cu.most_recent_schedule_time(cj_now, now, schedule, True)
        except cu.ScheduleError as exc:
            self.event(cj, "Warning", "InvalidSchedule",
                       f"invalid schedule: {schedule_text} : {exc}")
            return None, changed
        if scheduled is not None and missed == "many":
            self.event(cj, "Warning", "TooManyMissedTimes",
                       "too many missed start times. Set or decrease "
                       ".spec.startingDeadlineSeconds or check clock skew")
        if scheduled is None or scheduled > now:
            return cu.next_schedule_time_duration(cj_now, now, schedule), changed
        deadline = spec.get("startingDeadlineSeconds")
        if deadline is not None and scheduled + int(deadline) * 1000 < now:
            self.event(cj, "Warning", "MissSchedule",
                       f"Missed scheduled time to start a job: {cu.format_rfc1123z(scheduled)}")
            return cu.next_schedule_time_duration(cj_now, now, schedule), changed
        name = cu.job_name(cj, scheduled)
        if any(r.get("name") == name for r in status["active"]) or \
                time_ms(status.get("lastScheduleTime")) == scheduled:
            return cu.next_schedule_time_duration(cj_now, now, schedule), changed
        policy = spec.get("concurrencyPolicy") or "Allow"
        if policy == "Forbid" and status["active"]:
            self.event(cj, "Normal", "JobAlreadyActive",
                       "Not starting job because prior execution is running and concurrency "
                       "policy is Forbid")
            return cu.next_schedule_time_duration(cj_now, now, schedule), changed
        if policy == "Replace":
            for ref in list(status["active"]):
                job = self.cluster.store.get("Job", ref.get("namespace") or "",
                                             ref.get("name") or "")
                if job is None:
                    self.event(cj, "Warning", "FailedGet",
                               f'Get job: jobs.batch "{ref.get("name")}" not found')
                    return None, changed
                if not self._delete_job(cj, job):
                    return None, changed
                changed = True
        zone = cu.load_zone(time_zone) if time_zone is not None else None
        request = cu.job_from_template(cj, scheduled, zone,
                                       scheduled_annotation=self.version >= (1, 28))
        try:
            job = self.cluster.api.create(request, self.name)
        except apierrors.ApiError as exc:
            if exc.reason != "AlreadyExists":
                self.event(cj, "Warning", "FailedCreate", f"Error creating job: {exc.message}")
                return None, changed
            job = self.cluster.store.get("Job", request["metadata"]["namespace"], name)
            if job is None or (get_controller_of(job) or {}).get("uid") != cj["metadata"]["uid"]:
                return None, changed
        else:
            self.event(cj, "Normal", "SuccessfulCreate", f"Created job {name}")
        status["active"].append(_job_ref(job))
        status["lastScheduleTime"] = format_time(scheduled)
        cj_now = {**cj, "status": status}
        return cu.next_schedule_time_duration(cj_now, now, schedule), True
