"""CronJob controller: upstream tables (k/k pkg/controller/cronjob/utils_test.go
TestMostRecentScheduleTime, TestNextScheduleTimeDuration, TestByJobStartTime) and sync cases
named after cronjob_controllerv2_test.go TestControllerV2SyncCronJob, run end to end."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.cluster import Cluster
from pytest_k8sflow.engine.controllers import cronjob_util as cu
from pytest_k8sflow.engine.timeutil import format_time, parse_time

TOP = parse_time("2016-05-19T10:00:00Z")
M = 60_000
H = 60 * M


def _cj(schedule, created=TOP, last=None, sds=None):
    cj = {"metadata": {"name": "mycronjob", "creationTimestamp": format_time(created)},
          "spec": {"schedule": schedule}, "status": {}}
    if last is not None:
        cj["status"]["lastScheduleTime"] = format_time(last)
    if sds is not None:
        cj["spec"]["startingDeadlineSeconds"] = sds
    return cj


# utils_test.go TestMostRecentScheduleTime: (name, cj, includeSDS, now, earliest, recent, missed)
MOST_RECENT = [
    ("now before next schedule", _cj("0 * * * *"), False, TOP + 30_000, TOP, None, "none"),
    ("now just after next schedule", _cj("0 * * * *"), False, TOP + 61 * M, TOP, TOP + 60 * M,
     "none"),
    ("missed 5 schedules", _cj("0 * * * *", created=TOP + 10_000), False, TOP + 301 * M,
     TOP + 10_000, TOP + 300 * M, "few"),
    ("complex schedule", _cj("30 6-16/4 * * 1-5", last=TOP + 30 * M), False,
     TOP + 24 * H + 31 * M, TOP + 30 * M, TOP + 24 * H + 30 * M, "few"),
    ("another complex schedule", _cj("30 10,11,12 * * 1-5", last=TOP + 30 * M), False,
     TOP + 30 * H + 30 * M, TOP + 30 * M, None, "few"),
    ("complex schedule with longer diff between executions",
     _cj("30 6-16/4 * * 1-5", last=TOP + 30 * M), False, TOP + 96 * H + 31 * M,
     TOP + 30 * M, TOP + 96 * H + 30 * M, "few"),
    ("complex schedule with shorter diff between executions", _cj("30 6-16/4 * * 1-5"), False,
     TOP + 24 * H + 31 * M, TOP, TOP + 24 * H + 30 * M, "few"),
    ("@every schedule", _cj("@every 1h", created=TOP - 59 * M, last=TOP + M, sds=10), False,
     TOP + 7 * 24 * H, TOP + M, TOP + 6 * 24 * H + 23 * H + M, "many"),
    ("earliestTime being CreationTimestamp and LastScheduleTime", _cj("0 * * * *", last=TOP),
     False, TOP + 30_000, TOP, None, "none"),
    ("earliestTime being LastScheduleTime", _cj("*/5 * * * *", last=TOP + 30 * M), False,
     TOP + 31 * M, TOP + 30 * M, None, "none"),
    ("earliestTime being LastScheduleTime (within StartingDeadlineSeconds)",
     _cj("*/5 * * * *", last=TOP + 30 * M, sds=60), False, TOP + 31 * M, TOP + 30 * M, None,
     "none"),
    ("earliestTime being LastScheduleTime (outside StartingDeadlineSeconds)",
     _cj("*/5 * * * *", last=TOP + 30 * M, sds=60), True, TOP + 32 * M, TOP + 31 * M, None,
     "none"),
]


@pytest.mark.parametrize("name,cj,sds,now,earliest,recent,missed", MOST_RECENT,
                         ids=[c[0] for c in MOST_RECENT])
def test_most_recent_schedule_time(name, cj, sds, now, earliest, recent, missed) -> None:
    schedule = cu.parse_schedule(cj["spec"]["schedule"])
    assert cu.most_recent_schedule_time(cj, now, schedule, sds) == (earliest, recent, missed)


def test_most_recent_schedule_time_rogue_cronjob() -> None:
    """"rogue cronjob": 59 23 31 2 * never fires; upstream errors out."""
    cj = _cj("59 23 31 2 *", created=TOP + 10_000)
    with pytest.raises(Exception):  # noqa: B017 - croniter or our own error
        schedule = cu.parse_schedule(cj["spec"]["schedule"])
        cu.most_recent_schedule_time(cj, TOP + H, schedule, False)


# utils_test.go TestNextScheduleTimeDuration
@pytest.mark.parametrize("name,cj,now,want", [
    ("complex schedule skipping weekend", _cj("30 6-16/4 * * 1-5", last=TOP + 30 * M),
     TOP + 24 * H + 31 * M, 3 * H + 59 * M + 100),
    ("another complex schedule skipping weekend", _cj("30 10,11,12 * * 1-5", last=TOP + 30 * M),
     TOP + 30 * H + 30 * M, 66 * H + 100),
    ("once a week cronjob, missed two runs", _cj("0 12 * * 4", last=TOP + 2 * H),
     TOP + 19 * 24 * H + H + 30 * M, 48 * H + 30 * M + 100),
    ("no previous run of a cronjob", _cj("0 12 * * 5"), TOP + 6 * H, 20 * H + 100),
])
def test_next_schedule_time_duration(name, cj, now, want) -> None:
    schedule = cu.parse_schedule(cj["spec"]["schedule"])
    assert cu.next_schedule_time_duration(cj, now, schedule) == want


# utils_test.go TestByJobStartTime
def _job(name, start=None):
    return {"metadata": {"name": name},
            "status": {} if start is None else {"startTime": format_time(start)}}


@pytest.mark.parametrize("name,given,want", [
    ("both have nil start times", [_job("b"), _job("a")], ["a", "b"]),
    ("only the first has a nil start time", [_job("a"), _job("b", TOP)], ["b", "a"]),
    ("only the second has a nil start time", [_job("a", TOP), _job("b")], ["a", "b"]),
    ("both have non-nil, equal start time", [_job("b", TOP), _job("a", TOP)], ["a", "b"]),
    ("both have non-nil, different start time", [_job("a", TOP + M), _job("b", TOP)],
     ["b", "a"]),
])
def test_by_job_start_time(name, given, want) -> None:
    assert [j["metadata"]["name"] for j in sorted(given, key=cu.job_start_time_key)] == want


# utils_test.go TestGetJobFromTemplate2 (name, annotation, owner) and time zones
@pytest.mark.parametrize("tz,want", [(None, "2016-05-19T10:00:00Z"),
                                     ("UTC", "2016-05-19T10:00:00Z"),
                                     ("Europe/Rome", "2016-05-19T12:00:00+02:00"),
                                     ("America/New_York", "2016-05-19T06:00:00-04:00")])
def test_get_job_from_template2(tz, want) -> None:
    cj = {"apiVersion": "batch/v1", "kind": "CronJob",
          "metadata": {"name": "mycronjob", "namespace": "snazzycats", "uid": "1a2b3c"},
          "spec": {"schedule": "* * * * ?", "jobTemplate": {
              "metadata": {"labels": {"a": "b"}, "annotations": {"x": "y"}},
              "spec": {"template": {"spec": {"containers": [{"image": "foo/bar"}]}}}}}}
    zone = cu.load_zone(tz) if tz else None
    job = cu.job_from_template(cj, TOP, zone)
    assert job["metadata"]["name"] == "mycronjob-24394200"
    assert job["metadata"]["labels"] == {"a": "b"}
    assert job["metadata"]["annotations"] == {"x": "y", cu.SCHEDULED_TIMESTAMP_ANNOTATION: want}
    assert job["metadata"]["ownerReferences"][0]["kind"] == "CronJob"


@pytest.mark.parametrize("text,first_after_top", [
    ("@hourly", TOP + H), ("@daily", parse_time("2016-05-20T00:00:00Z")),
    ("@weekly", parse_time("2016-05-22T00:00:00Z")),
    ("@monthly", parse_time("2016-06-01T00:00:00Z")),
    ("@yearly", parse_time("2017-01-01T00:00:00Z")), ("*/5 * * * ?", TOP + 5 * M),
    ("0 9 * * MON-FRI", parse_time("2016-05-20T09:00:00Z")),
])
def test_parse_standard(text, first_after_top) -> None:
    assert cu.parse_schedule(text).next(TOP) == first_after_top


# --------------------------------------------------------------------------- sync, end to end
# Cases named after cronjob_controllerv2_test.go TestControllerV2SyncCronJob (A/F/R = Allow,
# Forbid, Replace); the clock starts at the upstream test's justBeforeTheHour.

def _cluster(start="2016-05-19T09:59:00Z"):
    return Cluster(nodes=1, start=start)


def _cronjob(policy="Allow", **spec):
    body = {"schedule": "0 * * * ?", "concurrencyPolicy": policy, "jobTemplate": {"spec": {
        "template": {"spec": {"restartPolicy": "Never",
                              "containers": [{"name": "c", "image": "busybox"}]}}}}}
    body.update(spec)
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "mycronjob"},
            "spec": body}


def _reasons(c):
    return [e["reason"] for e in c.events if e["involvedObject"]["kind"] == "CronJob"]


def _jobs(c):
    return [j["metadata"]["name"] for j in c.list("Job")]


def test_never_ran_not_time_a() -> None:
    c = _cluster()
    c.create(_cronjob())
    c.advance("30s")
    assert _jobs(c) == [] and _reasons(c) == []


def test_never_ran_is_time_a() -> None:
    c = _cluster()
    c.create(_cronjob())
    c.advance("61s")
    assert _jobs(c) == ["mycronjob-24394200"]
    cj = c.get("CronJob", "mycronjob")
    assert cj["status"]["lastScheduleTime"] == "2016-05-19T10:00:00Z"
    assert [r["name"] for r in cj["status"]["active"]] == ["mycronjob-24394200"]
    assert _reasons(c) == ["SuccessfulCreate"]
    job = c.get("Job", "mycronjob-24394200")
    assert job["metadata"]["annotations"][cu.SCHEDULED_TIMESTAMP_ANNOTATION] == \
        "2016-05-19T10:00:00Z"


def test_never_ran_is_time_past_deadline() -> None:
    c = _cluster()
    c.create(_cronjob(startingDeadlineSeconds=10, suspend=True))
    c.advance("2m")
    c.patch("cronjob/mycronjob", merge={"spec": {"suspend": False}})
    assert _jobs(c) == [] and "TooManyMissedTimes" not in _reasons(c)


def test_never_ran_is_time_suspended() -> None:
    c = _cluster()
    c.create(_cronjob(suspend=True))
    c.advance("2m")
    assert _jobs(c) == []
    c.patch("cronjob/mycronjob", merge={"spec": {"suspend": False}})
    # the missed 10:00 run starts at once on resume (no deadline)
    assert _jobs(c) == ["mycronjob-24394200"]


@pytest.mark.parametrize("policy,jobs,reasons", [
    ("Allow", ["mycronjob-24394200", "mycronjob-24394260"],
     ["SuccessfulCreate", "SuccessfulCreate"]),
    ("Forbid", ["mycronjob-24394200"], ["SuccessfulCreate", "JobAlreadyActive"]),
    ("Replace", ["mycronjob-24394260"],
     ["SuccessfulCreate", "SuccessfulDelete", "SuccessfulCreate"]),
])
def test_still_active_is_time(policy, jobs, reasons) -> None:
    c = _cluster()
    c.create(_cronjob(policy))
    c.advance("61m1s")
    assert _jobs(c) == jobs
    assert _reasons(c) == reasons


def test_prev_ran_but_done_long_overdue_no_deadline() -> None:
    c = _cluster()
    c.create(_cronjob("Allow", schedule="* * * * ?", suspend=True))
    c.advance("3h")
    c.patch("cronjob/mycronjob", merge={"spec": {"suspend": False}})
    assert "TooManyMissedTimes" in _reasons(c)
    assert _jobs(c) == [f"mycronjob-{parse_time('2016-05-19T12:59:00Z') // M}"]


def test_history_limits_remove_oldest() -> None:
    c = _cluster()
    c.create(_cronjob("Allow", schedule="*/1 * * * *", successfulJobsHistoryLimit=2))
    for _ in range(4):
        c.advance("61s")
        for pod in c.list("Pod"):
            if pod["status"].get("phase") == "Running":
                c.kubelet.terminate_container(pod, "c", 0)
        c.advance("2s")
    # 4 completed jobs, limit 2: the two oldest (by startTime) were deleted
    assert _jobs(c) == ["mycronjob-24394202", "mycronjob-24394203"]
    deletes = [e["message"] for e in c.events if e["reason"] == "SuccessfulDelete"
               and e["involvedObject"]["kind"] == "CronJob"]
    assert deletes[0] == "Deleted job mycronjob-24394200"


def test_history_limit_zero_still_records_last_successful_time() -> None:
    # cronjob_controllerv2.go sync: cleanupFinishedJobs runs first, then syncCronJob walks the
    # same jobsToBeReconciled list; a Job deleted by the clean-up is finished and succeeded,
    # so lastSuccessfulTime takes its completionTime although no Job is kept.
    c = _cluster()
    c.create(_cronjob("Allow", schedule="*/1 * * * *", successfulJobsHistoryLimit=0))
    c.advance("61s")
    for pod in c.list("Pod"):
        c.kubelet.terminate_container(pod, "c", 0)
    c.advance("2s")
    assert _jobs(c) == []
    status = c.get("CronJob", "mycronjob")["status"]
    assert status["lastSuccessfulTime"] == "2016-05-19T10:00:01Z"
    assert "active" not in status
    # deleteJob dropped it from active, so no SawCompletedJob for it
    assert _reasons(c) == ["SuccessfulCreate", "SuccessfulDelete"]


def test_manual_job_is_unexpected_and_not_active() -> None:
    # syncCronJob: an unfinished owned Job missing from status.active -> Warning UnexpectedJob,
    # never adopted into active (kubectl create job --from=cronjob/...).
    c = _cluster()
    c.create(_cronjob())
    c.kubectl("create job manual --from=cronjob/mycronjob")
    cj = c.get("CronJob", "mycronjob")
    assert "active" not in cj.get("status", {})
    assert "UnexpectedJob" in _reasons(c)
