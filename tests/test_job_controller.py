"""Job controller: upstream tables (k/k pkg/controller/job/job_controller_test.go
TestControllerSyncJob, backoff_utils_test.go TestGetRemainingBackoffTime,
indexed_job_utils_test.go) ported as single-sync cases, plus end-to-end runs."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.cluster import Cluster
from pytest_k8sflow.engine.controllers import job_util as ju
from pytest_k8sflow.engine.controllers.job import JobController
from pytest_k8sflow.engine.controllers.serviceaccounts import ServiceAccountsController
from pytest_k8sflow.engine.timeutil import format_time
from pytest_k8sflow.engine.wiring import register_indexes

# --------------------------------------------------------------------------- harness


def _cluster(jc: JobController, version: str) -> Cluster:
    """Only the Job controller (and service accounts, which pod admission needs)."""
    cluster = Cluster(nodes=1, components=[ServiceAccountsController(), jc],
                      kubernetes_version=version, settle=False)
    register_indexes(cluster)
    cluster.settle()
    return cluster


def _job_manifest(parallelism, completions, backoff_limit, mode=None, suspend=False,
                  replacement=None, failure_policy=None):
    spec = {"parallelism": parallelism, "backoffLimit": backoff_limit, "suspend": suspend,
            "template": {"spec": {"restartPolicy": "Never",
                                  "containers": [{"name": "c", "image": "foo/bar"}]}}}
    if completions is not None:
        spec["completions"] = completions
    if mode:
        spec["completionMode"] = mode
    if replacement:
        spec["podReplacementPolicy"] = replacement
    if failure_policy is not None:
        spec["podFailurePolicy"] = failure_policy
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "foobar"},
            "spec": spec}


def _one_sync(case: dict, version: str):
    jc = JobController()
    cluster = _cluster(jc, version)
    api = cluster.api
    job = api.create(_job_manifest(case["parallelism"], case["completions"],
                                   case.get("backoffLimit", 6), case.get("mode"),
                                   case.get("suspend", False), case.get("replacement"),
                                   case.get("failurePolicy")), "test")
    status = {}
    if case.get("wasSuspended"):
        status["conditions"] = [ju.new_condition("Suspended", "True", "JobSuspended",
                                                 "Job suspended", cluster.now_ms)]
    if "initialStatus" in case:
        status.update(case["initialStatus"])
        status.setdefault("startTime", format_time(cluster.now_ms))
    if status:
        job = api.update_status({**job, "status": status}, "test")
    v = cluster.version

    def add_pod(phase, index=None, ready=False, terminating=False):
        pod = ju.job_pod(job, None, v)
        if index is not None:
            meta = pod["metadata"]
            meta["annotations"] = {**(meta.get("annotations") or {}),
                                   ju.JOB_COMPLETION_INDEX: index}
        pod = api.create(pod, "test")
        st = {**pod["status"], "phase": phase}
        if phase in ("Succeeded", "Failed"):
            # upstream's test pods finished at Go's zero time: long ago, no back-off left
            st["containerStatuses"] = [{"name": "c", "state": {"terminated": {
                "exitCode": 0 if phase == "Succeeded" else 1,
                "finishedAt": "2025-01-01T00:00:00Z"}}}]
        if ready:
            st["conditions"] = [{"type": "Ready", "status": "True",
                                 "lastTransitionTime": format_time(cluster.now_ms)}]
        pod = api.update_status({**pod, "status": st}, "test")
        if terminating:
            api.delete("Pod", "default", pod["metadata"]["name"], "test")

    for _ in range(case.get("pending", 0)):
        add_pod("Pending")
    for i in range(case.get("active", 0)):
        add_pod("Running", ready=i < case.get("ready", 0))
    for _ in range(case.get("succeededPods", 0)):
        add_pod("Succeeded")
    for _ in range(case.get("failedPods", 0)):
        add_pod("Failed")
    for _ in range(case.get("terminatingPods", 0)):
        add_pod("Running", terminating=True)
    for index, phase in case.get("indexes", []):
        add_pod(phase, index=index)
    if "backoff" in case:
        failures, ago_ms = case["backoff"]
        jc.backoff[("default", "foobar")] = ju.BackoffRecord(failures, cluster.now_ms - ago_ms)
    before = len(cluster.events)
    cluster.queue.take(jc.name)
    jc.sync(("default", "foobar"))
    events = cluster.events[before:]
    created = [e for e in events if e["reason"] == "SuccessfulCreate"]
    deleted = [e for e in events if e["reason"] == "SuccessfulDelete"]
    return cluster, cluster.get("Job", "foobar"), created, deleted


NEW = "1.28"   # JobPodReplacementPolicy/JobManagedBy gates off: Failed/Complete directly
PRP = "1.32"   # gates on (PodReplacementPolicy case variants)

SYNC_CASES = {
    "job start": dict(parallelism=2, completions=5, creations=2, exp_active=2),
    "WQ job start": dict(parallelism=2, completions=None, creations=2, exp_active=2),
    "pending pods": dict(parallelism=2, completions=5, pending=2, exp_active=2),
    "correct # of pods": dict(parallelism=3, completions=5, active=3, ready=2, exp_active=3,
                              exp_ready=2),
    "WQ job: correct # of pods": dict(parallelism=2, completions=None, active=2,
                                      exp_active=2),
    "too few active pods": dict(parallelism=2, completions=5, active=1, succeededPods=1,
                                creations=1, exp_active=2, exp_succeeded=1),
    "WQ job: recreate pods when failed": dict(
        parallelism=1, completions=None, active=1, failedPods=1, replacement="Failed",
        terminatingPods=1, version=PRP, exp_terminating=1, exp_failed=1, exp_active=1),
    "WQ job: turn on PodReplacementPolicy but not set PodReplacementPolicy": dict(
        parallelism=1, completions=1, active=1, failedPods=1, terminatingPods=1, version=PRP,
        exp_terminating=1, exp_active=1, exp_failed=2),
    "WQ job: recreate pods when terminating or failed": dict(
        parallelism=1, completions=None, active=1, failedPods=1,
        replacement="TerminatingOrFailed", terminatingPods=1, version=PRP,
        exp_terminating=1, exp_active=1, exp_failed=2),
    "more terminating pods than parallelism": dict(
        parallelism=1, completions=1, active=2, terminatingPods=4, replacement="Failed",
        version=PRP, exp_terminating=5, exp_active=1, deletions=1),
    "too few active pods and active back-off": dict(
        parallelism=1, completions=1, backoff=(1, 0), initialStatus={}, exp_active=0),
    "too few active pods and no back-offs": dict(
        parallelism=1, completions=1, backoff=(0, 0), creations=1, exp_active=1),
    "too few active pods with a dynamic job": dict(parallelism=2, completions=None, active=1,
                                                   creations=1, exp_active=2),
    "too many active pods": dict(parallelism=2, completions=5, active=3, deletions=1,
                                 exp_active=2),
    "too many active pods; PodReplacementPolicy enabled": dict(
        parallelism=2, completions=5, active=3, version=PRP, deletions=1, exp_active=2,
        exp_terminating=1),
    "count ready pods when too many active pods": dict(
        parallelism=2, completions=5, active=3, ready=3, deletions=1, exp_active=2,
        exp_ready=2),
    "failed + succeed pods: reset backoff delay": dict(
        parallelism=2, completions=5, active=1, succeededPods=1, failedPods=1, creations=1,
        exp_active=2, exp_succeeded=1, exp_failed=1),
    "new failed pod": dict(parallelism=2, completions=5, active=1, failedPods=1, creations=1,
                           exp_active=2, exp_failed=1),
    "no new pod; possible finalizer update of failed pod": dict(
        parallelism=1, completions=1, initialStatus={"active": 1, "failed": 1}, active=1,
        exp_active=1, exp_failed=1),
    "job finish": dict(parallelism=2, completions=5, succeededPods=5, exp_succeeded=5,
                       conditions=[("Complete", "True", "", "")]),
    "WQ job finishing": dict(parallelism=2, completions=None, active=1, succeededPods=1,
                             exp_active=1, exp_succeeded=1),
    "WQ job all finished": dict(parallelism=2, completions=None, succeededPods=2,
                                exp_succeeded=2, conditions=[("Complete", "True", "", "")]),
    "WQ job all finished despite one failure": dict(
        parallelism=2, completions=None, succeededPods=1, failedPods=1, exp_succeeded=1,
        exp_failed=1, conditions=[("Complete", "True", "", "")]),
    "more active pods than parallelism": dict(parallelism=2, completions=5, active=10,
                                              deletions=8, exp_active=2),
    "more active pods than remaining completions": dict(
        parallelism=3, completions=4, active=3, succeededPods=2, deletions=1, exp_active=2,
        exp_succeeded=2),
    "status change": dict(parallelism=2, completions=5, active=2, succeededPods=2,
                          exp_active=2, exp_succeeded=2),
    "indexed job start": dict(parallelism=2, completions=5, mode="Indexed", creations=2,
                              exp_active=2, created_indexes=["0", "1"]),
    "indexed job with some pods deleted, podReplacementPolicy Failed": dict(
        parallelism=2, completions=5, mode="Indexed", replacement="Failed", version=PRP,
        indexes=[("1", "Running")], terminating_index="1", creations=1, exp_active=1,
        created_indexes=["0"], exp_terminating=1),
    "indexed job completed": dict(
        parallelism=2, completions=3, mode="Indexed",
        indexes=[("0", "Succeeded"), ("1", "Failed"), ("1", "Succeeded"), ("2", "Succeeded")],
        exp_succeeded=3, exp_failed=1, completed="0-2",
        conditions=[("Complete", "True", "", "")]),
    "indexed job failed": dict(
        parallelism=2, completions=3, backoffLimit=0, mode="Indexed",
        indexes=[("0", "Succeeded"), ("1", "Failed"), ("2", "Running")],
        exp_succeeded=1, exp_failed=2, completed="0", deletions=1,
        conditions=[("Failed", "True", ju.REASON_BACKOFF_LIMIT, ju.MESSAGE_BACKOFF_LIMIT)]),
    "count terminating pods when indexed job fails and PodReplacementPolicy enabled": dict(
        parallelism=2, completions=3, backoffLimit=0, mode="Indexed", version=PRP,
        indexes=[("0", "Succeeded"), ("1", "Failed"), ("2", "Running")],
        exp_succeeded=1, exp_failed=2, completed="0", deletions=1, exp_terminating=1,
        conditions=[("FailureTarget", "True", ju.REASON_BACKOFF_LIMIT,
                     ju.MESSAGE_BACKOFF_LIMIT)]),
    "count ready pods when job fails": dict(
        parallelism=2, completions=3, backoffLimit=0, active=2, ready=2, failedPods=1,
        exp_failed=3, deletions=2, exp_ready=0,
        conditions=[("Failed", "True", ju.REASON_BACKOFF_LIMIT, ju.MESSAGE_BACKOFF_LIMIT)]),
    "indexed job repeated completed index": dict(
        parallelism=2, completions=3, mode="Indexed",
        indexes=[("0", "Succeeded"), ("1", "Succeeded"), ("1", "Succeeded")],
        creations=1, exp_active=1, exp_succeeded=2, completed="0,1", created_indexes=["2"]),
    "indexed job some running and completed pods": dict(
        parallelism=8, completions=20, mode="Indexed",
        indexes=[("0", "Running"), ("2", "Succeeded"), ("3", "Pending"), ("4", "Succeeded"),
                 ("5", "Succeeded"), ("7", "Succeeded"), ("8", "Succeeded"),
                 ("9", "Succeeded")],
        creations=6, exp_active=8, exp_succeeded=6, completed="2,4,5,7-9",
        created_indexes=["1", "6", "10", "11", "12", "13"]),
    "indexed job some failed pods": dict(
        parallelism=3, completions=4, mode="Indexed",
        indexes=[("0", "Failed"), ("1", "Pending"), ("2", "Failed")],
        creations=2, exp_active=3, exp_failed=2, created_indexes=["0", "2"]),
    "indexed job some pods without index": dict(
        parallelism=2, completions=5, mode="Indexed", active=1, succeededPods=1, failedPods=1,
        indexes=[("invalid", "Running"), ("invalid", "Succeeded"), ("invalid", "Failed"),
                 ("invalid", "Pending"), ("0", "Succeeded"), ("1", "Running"),
                 ("2", "Running")],
        deletions=3, exp_active=2, exp_succeeded=1, exp_failed=0, completed="0"),
    "indexed job repeated indexes": dict(
        parallelism=5, completions=5, mode="Indexed", succeededPods=1, failedPods=1,
        indexes=[("invalid", "Running"), ("0", "Succeeded"), ("1", "Running"),
                 ("2", "Running"), ("2", "Pending")],
        deletions=2, exp_active=2, exp_succeeded=1, completed="0"),
    "indexed job with indexes outside of range": dict(
        parallelism=2, completions=5, mode="Indexed",
        indexes=[("0", "Succeeded"), ("5", "Running"), ("6", "Succeeded"), ("7", "Pending"),
                 ("8", "Failed")],
        exp_succeeded=1, deletions=2, completed="0", exp_active=0, exp_failed=0),
    "suspending a job with satisfied expectations": dict(
        suspend=True, parallelism=2, active=2, completions=4, deletions=2, exp_active=0,
        conditions=[("Suspended", "True", "JobSuspended", "Job suspended")]),
    "suspending a job with satisfied expectations; PodReplacementPolicy enabled": dict(
        suspend=True, parallelism=2, active=2, completions=4, version=PRP, deletions=2,
        exp_active=0, exp_terminating=2,
        conditions=[("Suspended", "True", "JobSuspended", "Job suspended")]),
    "count ready pods when suspending a job with satisfied expectations": dict(
        suspend=True, parallelism=2, active=2, ready=2, completions=4, deletions=2,
        exp_active=0, exp_ready=0,
        conditions=[("Suspended", "True", "JobSuspended", "Job suspended")]),
    "resuming a suspended job": dict(
        wasSuspended=True, parallelism=2, completions=4, creations=2, exp_active=2,
        conditions=[("Suspended", "False", "JobResumed", "Job resumed")]),
    "FailureTarget=False condition added manually is ignored": dict(
        parallelism=1, completions=1, active=1, ready=1,
        initialStatus={"active": 1, "conditions": [
            {"type": "FailureTarget", "status": "False", "reason": "ConditionAddedManually",
             "message": "Testing"}]},
        exp_active=1, exp_ready=1,
        conditions=[("FailureTarget", "False", "ConditionAddedManually", "Testing")]),
    "SuccessCriteriaMet=False condition added manually is ignored": dict(
        parallelism=1, completions=1, active=1, ready=1, version=PRP,
        initialStatus={"active": 1, "conditions": [
            {"type": "SuccessCriteriaMet", "status": "False",
             "reason": "ConditionAddedManually", "message": "Testing"}]},
        exp_active=1, exp_ready=1,
        conditions=[("SuccessCriteriaMet", "False", "ConditionAddedManually", "Testing")]),
    "backoff limit exceeded; JobManagedBy enabled": dict(
        parallelism=2, completions=3, backoffLimit=0, mode="Indexed", version=PRP,
        indexes=[("0", "Succeeded"), ("1", "Failed"), ("2", "Running")],
        exp_succeeded=1, exp_failed=2, completed="0", deletions=1,
        # upstream runs this one with JobPodReplacementPolicy off (terminating nil); at 1.32
        # both gates are on, so the deleted pod shows in status.terminating
        exp_terminating=1,
        conditions=[("FailureTarget", "True", ju.REASON_BACKOFF_LIMIT,
                     ju.MESSAGE_BACKOFF_LIMIT)]),
}


@pytest.mark.parametrize("name", list(SYNC_CASES))
def test_controller_sync_job(name: str) -> None:
    case = dict(SYNC_CASES[name])
    if "terminating_index" in case:
        # one terminating pod with that index (setPodsStatusesWithIndexes + deletion)
        case["terminatingPods"] = 0
    version = case.get("version", NEW)
    if "terminating_index" in case:
        cluster, job, created, deleted = _one_sync_with_terminating_index(case, version)
    else:
        cluster, job, created, deleted = _one_sync(case, version)
    status = job.get("status") or {}
    assert len(created) == case.get("creations", 0)
    assert len(deleted) == case.get("deletions", 0)
    assert int(status.get("active") or 0) == case.get("exp_active", 0)
    assert int(status.get("succeeded") or 0) == case.get("exp_succeeded", 0)
    assert int(status.get("failed") or 0) == case.get("exp_failed", 0)
    assert status.get("ready") == case.get("exp_ready", 0)
    if version == PRP:
        assert status.get("terminating") == case.get("exp_terminating", 0)
    else:
        assert "terminating" not in status
    if "completed" in case:
        assert status.get("completedIndexes") == case["completed"]
    got = [(c["type"], c["status"], c.get("reason", ""), c.get("message", ""))
           for c in status.get("conditions") or []]
    assert got == case.get("conditions", [])
    if "created_indexes" in case:
        indexes = sorted(
            (p["metadata"]["annotations"][ju.JOB_COMPLETION_INDEX] for p in cluster.list("Pod")
             if p["metadata"]["name"] in {e["message"].split(": ")[1] for e in created}),
            key=int)
        assert indexes == case["created_indexes"]


def _one_sync_with_terminating_index(case: dict, version: str):
    case = dict(case)
    indexes = case.pop("indexes")
    case["indexes"] = []
    # Build the cluster by hand so the indexed pod can be deleted before the sync.
    jc = JobController()
    cluster = _cluster(jc, version)
    job = cluster.api.create(_job_manifest(case["parallelism"], case["completions"], 6,
                                           case.get("mode"), False, case.get("replacement")),
                             "test")
    for index, phase in indexes:
        pod = ju.job_pod(job, int(index), cluster.version)
        pod = cluster.api.create(pod, "test")
        pod = cluster.api.update_status({**pod, "status": {**pod["status"], "phase": phase}},
                                        "test")
        if index == case["terminating_index"]:
            cluster.api.delete("Pod", "default", pod["metadata"]["name"], "test")
    before = len(cluster.events)
    cluster.queue.take(jc.name)
    jc.sync(("default", "foobar"))
    events = cluster.events[before:]
    return (cluster, cluster.get("Job", "foobar"),
            [e for e in events if e["reason"] == "SuccessfulCreate"],
            [e for e in events if e["reason"] == "SuccessfulDelete"])


# --------------------------------------------------------------------------- back-off tables

# backoff_utils_test.go TestGetRemainingBackoffTime
@pytest.mark.parametrize("name,failures,ago_s,want_s", [
    ("no failures", 0, 0, 0),
    ("one failure; current time and failure time are same", 1, 0, 10),
    ("one failure; current time == 1 second + failure time", 1, 1, 9),
    ("one failure; current time == expected backoff time", 1, 10, 0),
    ("one failure; current time == expected backoff time + 1 Second", 1, 11, 0),
    ("three failures; current time and failure time are same", 3, 0, 40),
    ("eight failures; current time and failure time are same", 8, 0, 600),
    ("eight failures; current time == 700 seconds", 8, 700, 0),
])
def test_get_remaining_backoff_time(name, failures, ago_s, want_s) -> None:
    now = 1_000_000_000
    assert ju.remaining_backoff_ms(failures, now - ago_s * 1000, now) == want_s * 1000


def _pod_finished(phase: str, at_s: int) -> dict:
    return {"metadata": {"name": f"p{at_s}", "creationTimestamp": format_time(0)},
            "status": {"phase": phase, "containerStatuses": [
                {"name": "c", "state": {"terminated": {"finishedAt": format_time(at_s * 1000)}}}]}}


# backoff_utils_test.go TestNewBackoffRecord
@pytest.mark.parametrize("name,old,succeeded,failed,want", [
    ("Empty backoff record with no pods", (0, None), [], [], (0, None)),
    ("Empty backoff record with one failed pod", (0, None), [], [5], (1, 5)),
    ("Empty backoff record with one succeeded pod", (0, None), [5], [], (0, None)),
    ("Backoff Record with a failed pod, followed by a succeeded pod", (1, 1), [5], [], (0, None)),
    ("Backoff Record with a failed pod, new failed pods", (1, 1), [], [5, 6], (3, 6)),
    ("Backoff Record with a failed pod, new succeeded and failed pods after the success",
     (1, 1), [5], [6, 7], (2, 7)),
    ("Backoff Record with a failed pod, new failed pods before the success", (1, 1), [8],
     [6, 7], (0, None)),
])
def test_new_backoff_record(name, old, succeeded, failed, want) -> None:
    record = ju.BackoffRecord(old[0], None if old[1] is None else old[1] * 1000)
    got = ju.new_backoff_record(record, [_pod_finished("Succeeded", s) for s in succeeded],
                                [_pod_finished("Failed", s) for s in failed])
    assert (got.failures_after_last_success, got.last_failure_ms) == \
        (want[0], None if want[1] is None else want[1] * 1000)


# indexed_job_utils_test.go TestCalculateSucceededIndexes (interval arithmetic and String)
@pytest.mark.parametrize("prev,new,completions,want", [
    ("", [0, 1, 2], 3, "0-2"),
    ("", [0, 2, 4], 5, "0,2,4"),
    ("1,3-5", [2, 7], 10, "1-5,7"),
    ("0-2", [3, 4], 10, "0-4"),
    ("3,4", [], 10, "3,4"),
    ("0-5", [], 3, "0-2"),
])
def test_succeeded_indexes_intervals(prev, new, completions, want) -> None:
    got = ju.intervals_with(ju.parse_indexes(prev, completions), new)
    assert ju.format_intervals(got) == want


# pod_failure_policy_test.go TestMatchPodFailurePolicy (a selection)
def _failed_pod(exit_code: int, container: str = "main-container", conditions=None) -> dict:
    return {"metadata": {"name": "mypod", "namespace": "default"},
            "status": {"phase": "Failed", "conditions": conditions or [],
                       "containerStatuses": [{"name": container, "state": {
                           "terminated": {"exitCode": exit_code}}}]}}


@pytest.mark.parametrize("name,rules,pod,want", [
    ("unknown action for rule matching by exit codes - skip rule with unknown action",
     [{"action": "UnknownAction", "onExitCodes": {"operator": "In", "values": [1, 2]}},
      {"action": "FailJob", "onExitCodes": {"operator": "In", "values": [2, 3]}}],
     _failed_pod(2),
     ("Container main-container for pod default/mypod failed with exit code 2 matching "
      "FailJob rule at index 1", True, "FailJob")),
    ("ignore rule matched for exit codes", [
        {"action": "Ignore", "onExitCodes": {"operator": "In", "values": [1, 2, 3]}}],
     _failed_pod(2), (None, False, "Ignore")),
    ("FailJob rule matched for exit codes", [
        {"action": "FailJob", "onExitCodes": {"operator": "In", "values": [1, 2, 3]}}],
     _failed_pod(2),
     ("Container main-container for pod default/mypod failed with exit code 2 matching "
      "FailJob rule at index 0", True, "FailJob")),
    ("successful containers are skipped by the rules", [
        {"action": "FailJob", "onExitCodes": {"operator": "NotIn", "values": [111]}}],
     _failed_pod(0), (None, True, None)),
    ("count rule matched for exit codes", [
        {"action": "Count", "onExitCodes": {"operator": "In", "values": [1, 2, 3]}}],
     _failed_pod(2), (None, True, "Count")),
    ("FailJob rule matched for pod conditions", [
        {"action": "FailJob", "onPodConditions": [{"type": "DisruptionTarget",
                                                   "status": "True"}]}],
     _failed_pod(137, conditions=[{"type": "DisruptionTarget", "status": "True"}]),
     ("Pod default/mypod has condition DisruptionTarget matching FailJob rule at index 0",
      True, "FailJob")),
    ("no rule matched", [
        {"action": "FailJob", "onExitCodes": {"operator": "In", "values": [5]}}],
     _failed_pod(2), (None, True, None)),
    ("exit code NotIn with container name mismatch", [
        {"action": "FailJob", "onExitCodes": {"containerName": "other", "operator": "NotIn",
                                              "values": [5]}}],
     _failed_pod(2), (None, True, None)),
])
def test_match_pod_failure_policy(name, rules, pod, want) -> None:
    assert ju.match_pod_failure_policy({"rules": rules}, pod) == want


# success_policy_test.go TestMatchSuccessPolicy (a selection)
@pytest.mark.parametrize("name,rules,completions,succeeded,want", [
    ("nil successPolicy", None, 10, "0-2", ("", False)),
    ("empty succeededIndexes", [{"succeededIndexes": "0-2"}], 10, "", ("", False)),
    ("rules.succeededIndexes is specified; succeededIndexes matched rules",
     [{"succeededIndexes": "0-2"}], 10, "0-2", ("Matched rules at index 0", True)),
    ("rules.succeededIndexes is specified; succeededIndexes didn't match rules",
     [{"succeededIndexes": "3"}], 10, "0-2", ("", False)),
    ("rules.succeededCount is specified; succeededIndexes matched rules",
     [{"succeededCount": 2}], 10, "0-2", ("Matched rules at index 0", True)),
    ("rules.succeededCount is specified; succeededIndexes didn't match rules",
     [{"succeededCount": 4}], 10, "0-2", ("", False)),
    ("multiple rules; rules.succeededIndexes and rules.succeededCount; second rule matched",
     [{"succeededIndexes": "1-3", "succeededCount": 3}, {"succeededIndexes": "0-2",
                                                         "succeededCount": 2}],
     10, "0,2", ("Matched rules at index 1", True)),
])
def test_match_success_policy(name, rules, completions, succeeded, want) -> None:
    policy = None if rules is None else {"rules": rules}
    intervals = ju.parse_indexes(succeeded, completions)
    assert ju.match_success_policy(policy, completions, intervals) == want


# job_controller_test.go TestPastActiveDeadline-like, TestJobBackoffForOnFailure
@pytest.mark.parametrize("name,restarts,phase,limit,want", [
    ("backoffLimit 0 should have 1 pod active", [0], "Running", 0, False),
    ("backoffLimit 1 with restartCount 0 should have 1 pod active", [0], "Running", 1, False),
    ("backoffLimit 1 with restartCount 1 and podRunning should have 0 pod active", [1],
     "Running", 1, True),
    ("backoffLimit 1 with restartCount 1 and podPending should have 0 pod active", [1],
     "Pending", 1, True),
    ("too many job failures with podRunning - single pod", [2], "Running", 2, True),
    ("too many job failures with podPending - single pod", [2], "Pending", 2, True),
    ("too many job failures with podRunning - multiple pods", [1, 1], "Running", 2, True),
    ("not enough failures", [1], "Running", 2, False),
    ("not enough failures with backoffLimit 0 - single pod", [0], "Running", 0, False),
    ("succeeded pods are not counted", [3], "Succeeded", 2, False),
])
def test_job_backoff_for_on_failure(name, restarts, phase, limit, want) -> None:
    job = {"spec": {"backoffLimit": limit, "template": {"spec": {"restartPolicy": "OnFailure"}}}}
    pods = [{"metadata": {"name": f"p{i}"}, "status": {"phase": phase, "containerStatuses": [
        {"name": "c", "restartCount": r}]}} for i, r in enumerate(restarts)]
    assert ju.past_backoff_limit_on_failure(job, pods) is want


# --------------------------------------------------------------------------- end to end

def _job(name="pi", **spec):
    body = {"template": {"spec": {"restartPolicy": spec.pop("restartPolicy", "Never"),
                                  "containers": [{"name": "c", "image": "busybox"}]}}}
    body.update(spec)
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name}, "spec": body}


def _finish(cluster, exit_code=0, name="pi"):
    for pod in cluster.list("Pod", selector={"matchLabels": {"job-name": name}}):
        if pod["status"].get("phase") == "Running":
            cluster.kubelet.terminate_container(pod, "c", exit_code)
    cluster.settle()


def _job_events(cluster, name="pi"):
    return [(e["time"][11:19], e["reason"], e["message"]) for e in cluster.events
            if e["involvedObject"]["kind"] == "Job" and e["involvedObject"]["name"] == name]


def test_backoff_limit_exhaustion_timeline() -> None:
    c = Cluster(nodes=1)
    c.create(_job(backoffLimit=2))
    for _ in range(3):
        _finish(c, 1)
        c.advance("60s")
    job = c.get("Job", "pi")
    assert job["status"]["failed"] == 3
    conds = [(x["type"], x.get("reason")) for x in job["status"]["conditions"]]
    assert conds == [("FailureTarget", "BackoffLimitExceeded"), ("Failed", "BackoffLimitExceeded")]
    creates = [t for t, r, _ in _job_events(c) if r == "SuccessfulCreate"]
    # first pod at 0s; failures at 0s, 60s (+1 s sync); replacements 10 s, then 20 s later
    assert creates == ["00:00:00", "00:00:10", "00:01:20"]
    assert _job_events(c)[-1][1:] == ("BackoffLimitExceeded", ju.MESSAGE_BACKOFF_LIMIT)


def test_active_deadline_seconds() -> None:
    c = Cluster(nodes=1)
    c.create(_job(activeDeadlineSeconds=30))
    c.advance("29s")
    assert not c.get("Job", "pi")["status"].get("conditions")
    c.advance("1s")
    job = c.get("Job", "pi")
    assert [(x["type"], x["reason"]) for x in job["status"]["conditions"]][0] == \
        ("FailureTarget", "DeadlineExceeded")
    c.advance("2s")
    job = c.get("Job", "pi")
    assert ju.finished_condition_type(job) == "Failed"
    assert job["status"]["failed"] == 1
    assert not c.list("Pod")


def test_indexed_job_pods() -> None:
    c = Cluster(nodes=2)
    c.create(_job(completions=3, parallelism=3, completionMode="Indexed"))
    pods = c.list("Pod")
    assert sorted(p["spec"]["hostname"] for p in pods) == ["pi-0", "pi-1", "pi-2"]
    for p in pods:
        ix = p["metadata"]["annotations"][ju.JOB_COMPLETION_INDEX]
        assert p["metadata"]["labels"][ju.JOB_COMPLETION_INDEX] == ix
        assert p["metadata"]["name"].startswith(f"pi-{ix}-")
        assert p["spec"]["containers"][0]["env"][0]["name"] == "JOB_COMPLETION_INDEX"
    _finish(c, 0)
    c.advance("2s")
    job = c.get("Job", "pi")
    assert job["status"]["completedIndexes"] == "0-2"
    assert ju.finished_condition_type(job) == "Complete"


def test_ttl_after_finished_deletes_job_and_pods() -> None:
    c = Cluster(nodes=1)
    c.create(_job(ttlSecondsAfterFinished=100))
    _finish(c, 0)
    c.advance("1s")
    assert ju.finished_condition_type(c.get("Job", "pi")) == "Complete"
    c.advance("99s")
    assert c.get("Job", "pi") is not None  # finished at 00:00:01, ttl 100 s
    c.advance("1s")
    assert c.get("Job", "pi") is None
    assert not c.list("Pod")


def test_suspend_and_resume() -> None:
    c = Cluster(nodes=1)
    c.create(_job(suspend=True))
    job = c.get("Job", "pi")
    assert not c.list("Pod") and "startTime" not in job["status"]
    c.patch("job/pi", merge={"spec": {"suspend": False}})
    job = c.get("Job", "pi")
    assert len(c.list("Pod")) == 1
    assert [(x["type"], x["status"], x["reason"]) for x in job["status"]["conditions"]] == \
        [("Suspended", "False", "JobResumed")]
    assert [r for _, r, _ in _job_events(c)] == ["Suspended", "SuccessfulCreate", "Resumed"]


def test_on_failure_counts_restarts() -> None:
    c = Cluster(nodes=1)
    c.create(_job(backoffLimit=1, restartPolicy="OnFailure"))
    _finish(c, 1)  # restarted by the kubelet: restartCount 1 >= backoffLimit 1
    c.advance("2s")
    job = c.get("Job", "pi")
    assert ju.finished_condition_type(job) == "Failed"
    assert job["status"]["failed"] == 1
