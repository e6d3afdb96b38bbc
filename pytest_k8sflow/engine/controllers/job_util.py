"""Pure helpers of the Job controller: conditions, completion indexes, pod failure and success
policies, pod re-creation back-off, pod templates and the removal order of surplus pods.

Ported (in our own words) from k/k ``pkg/controller/job``: ``job_controller.go``,
``indexed_job_utils.go``, ``pod_failure_policy.go``, ``success_policy.go``,
``backoff_utils.go``, ``util/utils.go``. Nothing here reads the store or writes anything.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pytest_k8sflow.engine.controllers.controller_utils import (
    get_pod_condition,
    is_pod_active,
    is_pod_ready,
    new_controller_ref,
    time_ms,
)
from pytest_k8sflow.engine.timeutil import format_time

JOB_TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
JOB_COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index"
JOB_INDEX_FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count"
JOB_INDEX_IGNORED_FAILURE_COUNT = "batch.kubernetes.io/job-index-ignored-failure-count"
JOB_COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX"
JOB_CONTROLLER_NAME = "kubernetes.io/job-controller"  # spec.managedBy default

# job_controller.go constants
SYNC_JOB_BATCH_PERIOD_MS = 1_000
DEFAULT_JOB_POD_FAILURE_BACKOFF_MS = 10_000
MAX_JOB_POD_FAILURE_BACKOFF_MS = 600_000  # 10 min in the code; the Jobs docs still say 6 min
MAX_UNCOUNTED_PODS = 500
MAX_POD_CREATE_DELETE_PER_SYNC = 500
MAX_GENERATED_NAME_LENGTH = 58  # apimachinery names.MaxGeneratedNameLength (63 - 5)

REASON_BACKOFF_LIMIT = "BackoffLimitExceeded"
REASON_DEADLINE = "DeadlineExceeded"
REASON_POD_FAILURE_POLICY = "PodFailurePolicy"
REASON_FAILED_INDEXES = "FailedIndexes"
REASON_MAX_FAILED_INDEXES = "MaxFailedIndexesExceeded"
REASON_SUCCESS_POLICY = "SuccessPolicy"
REASON_COMPLETIONS_REACHED = "CompletionsReached"
MESSAGE_BACKOFF_LIMIT = "Job has reached the specified backoff limit"
MESSAGE_DEADLINE = "Job was active longer than specified deadline"
MESSAGE_FAILED_INDEXES = "Job has failed indexes"
MESSAGE_MAX_FAILED_INDEXES = "Job has exceeded the specified maximal number of failed indexes"
MESSAGE_COMPLETIONS_REACHED = "Reached expected number of succeeded pods"

Version = tuple[int, int]


# --------------------------------------------------------------------------- features by version

def delay_terminal_condition(version: Version) -> bool:
    """job_controller.go delayTerminalCondition: FailureTarget / SuccessCriteriaMet come first
    and Failed / Complete wait for terminating pods (v1.31+)."""
    return version >= (1, 31)


def tracks_terminating(job: Mapping, version: Version) -> bool:
    """trackTerminatingPods: status.terminating (JobPodReplacementPolicy, beta in 1.29)."""
    return version >= (1, 29) or (job.get("spec") or {}).get("podFailurePolicy") is not None


def tracks_ready(version: Version) -> bool:
    """status.ready (JobReadyPods, beta in 1.24)."""
    return version >= (1, 24)


def only_replace_failed_pods(job: Mapping, version: Version) -> bool:
    """onlyReplaceFailedPods: podReplacementPolicy Failed, or a podFailurePolicy is set."""
    spec = job.get("spec") or {}
    if version >= (1, 29) and spec.get("podReplacementPolicy") == "Failed":
        return True
    return spec.get("podFailurePolicy") is not None


# --------------------------------------------------------------------------- job predicates

def job_suspended(job: Mapping) -> bool:
    return bool((job.get("spec") or {}).get("suspend"))


def is_indexed_job(job: Mapping) -> bool:
    return (job.get("spec") or {}).get("completionMode") == "Indexed"


def has_backoff_limit_per_index(job: Mapping) -> bool:
    return (job.get("spec") or {}).get("backoffLimitPerIndex") is not None


def find_condition(conditions: Iterable[Mapping] | None, cond_type: str) -> dict | None:
    for cond in conditions or ():
        if cond.get("type") == cond_type:
            return cond  # type: ignore[return-value]
    return None


def finished_condition_type(job: Mapping) -> str | None:
    """util.FinishedCondition: ``Complete`` or ``Failed`` when that condition is True."""
    for cond in (job.get("status") or {}).get("conditions") or ():
        if cond.get("type") in ("Complete", "Failed") and cond.get("status") == "True":
            return cond["type"]
    return None


def is_job_finished(job: Mapping) -> bool:
    return finished_condition_type(job) is not None


def new_condition(cond_type: str, status: str, reason: str, message: str, now_ms: int) -> dict:
    """job_controller.go newCondition (reason and message are omitted when empty)."""
    cond = {"type": cond_type, "status": status, "lastProbeTime": format_time(now_ms),
            "lastTransitionTime": format_time(now_ms)}
    if reason:
        cond["reason"] = reason
    if message:
        cond["message"] = message
    return cond


def ensure_condition(conditions: list[dict], cond_type: str, status: str, reason: str,
                     message: str, now_ms: int) -> bool:
    """ensureJobConditionStatus: update or append (a new False condition is not added).
    Changes ``conditions`` in place (the caller's own list); True when it changed."""
    for i, cond in enumerate(conditions):
        if cond.get("type") == cond_type:
            if cond.get("status") != status or (cond.get("reason") or "") != reason or \
                    (cond.get("message") or "") != message:
                conditions[i] = new_condition(cond_type, status, reason, message, now_ms)
                return True
            return False
    if status != "False":
        conditions.append(new_condition(cond_type, status, reason, message, now_ms))
        return True
    return False


# --------------------------------------------------------------------------- pods

def has_tracking_finalizer(pod: Mapping) -> bool:
    return JOB_TRACKING_FINALIZER in (pod["metadata"].get("finalizers") or ())


def pod_phase(pod: Mapping) -> str:
    return (pod.get("status") or {}).get("phase") or ""


def is_pod_failed(pod: Mapping, job: Mapping, version: Version) -> bool:
    """job_controller.go isPodFailed: Failed, or (unless only failed pods are replaced)
    deleted before it succeeded."""
    if pod_phase(pod) == "Failed":
        return True
    if only_replace_failed_pods(job, version):
        return False
    return bool(pod["metadata"].get("deletionTimestamp")) and pod_phase(pod) != "Succeeded"


def count_terminating(pods: Iterable[Mapping]) -> int:
    """controller.CountTerminatingPods: being deleted, not yet terminal."""
    return sum(1 for p in pods if p["metadata"].get("deletionTimestamp")
               and pod_phase(p) not in ("Succeeded", "Failed"))


def count_ready(pods: Iterable[Mapping]) -> int:
    return sum(1 for p in pods if is_pod_ready(p))


def completion_index(pod: Mapping) -> int | None:
    """indexed_job_utils.go getCompletionIndex: the annotation (then the label) as an int;
    None stands for unknownCompletionIndex."""
    meta = pod["metadata"]
    value = (meta.get("annotations") or {}).get(JOB_COMPLETION_INDEX)
    if value is None:
        value = (meta.get("labels") or {}).get(JOB_COMPLETION_INDEX)
    if value is None:
        return None
    try:
        index = int(value)
    except ValueError:
        return None
    if index < 0 or str(index) != value:
        return None
    return index


def valid_index(pod: Mapping, completions: int) -> int | None:
    index = completion_index(pod)
    return index if index is not None and index < completions else None


def past_backoff_limit_on_failure(job: Mapping, pods: Iterable[Mapping]) -> bool:
    """pastBackoffLimitOnFailure: restartPolicy OnFailure sums the restartCount of every
    container and init container of Running/Pending pods; fail at >= backoffLimit (> 0 when
    the limit is 0)."""
    spec = job.get("spec") or {}
    template_spec = (spec.get("template") or {}).get("spec") or {}
    if template_spec.get("restartPolicy") != "OnFailure":
        return False
    total = 0
    for pod in pods:
        if pod_phase(pod) in ("Running", "Pending"):
            status = pod.get("status") or {}
            for cs in (status.get("initContainerStatuses") or []) + \
                    (status.get("containerStatuses") or []):
                total += int(cs.get("restartCount") or 0)
    limit = int(spec.get("backoffLimit") if spec.get("backoffLimit") is not None else 6)
    if limit == 0:
        return total > 0
    return total >= limit


def past_active_deadline(job: Mapping, now_ms: int) -> bool:
    """pastActiveDeadline: now - status.startTime >= activeDeadlineSeconds (never while
    suspended)."""
    deadline = (job.get("spec") or {}).get("activeDeadlineSeconds")
    start = time_ms((job.get("status") or {}).get("startTime"))
    if deadline is None or start is None or job_suspended(job):
        return False
    return now_ms - start >= int(deadline) * 1000


# --------------------------------------------------------------------------- ordered intervals

Intervals = list[tuple[int, int]]  # indexed_job_utils.go orderedIntervals, inclusive bounds


def parse_indexes(text: str | None, completions: int) -> Intervals:
    """parseIndexesFromString: ``"1,3-5"`` -> [(1, 1), (3, 5)]; out-of-range parts dropped."""
    out: Intervals = []
    if not text:
        return out
    for part in text.split(","):
        bounds = part.split("-")
        try:
            first = int(bounds[0])
            last = int(bounds[1]) if len(bounds) == 2 else first
        except ValueError:
            continue
        if first >= completions:
            break
        last = min(last, completions - 1)
        out.append((first, last))
    return out


def intervals_with(intervals: Intervals, new_indexes: Iterable[int]) -> Intervals:
    """orderedIntervals.withOrderedIndexes: merge indexes in, joining neighbours."""
    points = set()
    for first, last in intervals:
        points.update(range(first, last + 1))
    points.update(new_indexes)
    out: Intervals = []
    for ix in sorted(points):
        if out and out[-1][1] + 1 == ix:
            out[-1] = (out[-1][0], ix)
        else:
            out.append((ix, ix))
    return out


def intervals_total(intervals: Intervals) -> int:
    return sum(last - first + 1 for first, last in intervals)


def intervals_has(intervals: Intervals, ix: int) -> bool:
    return any(first <= ix <= last for first, last in intervals)


def format_intervals(intervals: Intervals) -> str:
    """orderedIntervals.String: ``0-2,4``; a run of two is written ``3,4``."""
    parts = []
    for first, last in intervals:
        if first == last:
            parts.append(str(first))
        elif last == first + 1:
            parts.append(f"{first},{last}")
        else:
            parts.append(f"{first}-{last}")
    return ",".join(parts)


def succeeded_indexes(job: Mapping, pods: Iterable[Mapping]) -> tuple[Intervals, Intervals]:
    """calculateSucceededIndexes: (indexes in status.completedIndexes, those plus the indexes
    of succeeded pods still carrying the tracking finalizer)."""
    completions = int((job.get("spec") or {}).get("completions") or 0)
    prev = parse_indexes((job.get("status") or {}).get("completedIndexes"), completions)
    new = [ix for p in pods if pod_phase(p) == "Succeeded" and has_tracking_finalizer(p)
           and (ix := valid_index(p, completions)) is not None]
    return prev, intervals_with(prev, new)


def index_failure_count(pod: Mapping) -> int:
    value = (pod["metadata"].get("annotations") or {}).get(JOB_INDEX_FAILURE_COUNT)
    try:
        return max(int(value), 0) if value is not None else 0
    except ValueError:
        return 0


def index_ignored_failure_count(pod: Mapping) -> int:
    value = (pod["metadata"].get("annotations") or {}).get(JOB_INDEX_IGNORED_FAILURE_COUNT)
    try:
        return max(int(value), 0) if value is not None else 0
    except ValueError:
        return 0


def is_index_failed(job: Mapping, pod: Mapping, version: Version) -> bool:
    """indexed_job_utils.go isIndexFailed: FailIndex by the pod failure policy, or the index's
    failures (this one included) exceed backoffLimitPerIndex."""
    if not is_pod_failed(pod, job, version):
        return False
    spec = job.get("spec") or {}
    if spec.get("podFailurePolicy") is not None:
        _, count, action = match_pod_failure_policy(spec["podFailurePolicy"], pod)
        if action == "FailIndex":
            return True
        if not count:
            return False
    return index_failure_count(pod) + 1 > int(spec.get("backoffLimitPerIndex") or 0)


def failed_indexes(job: Mapping, pods: Iterable[Mapping], version: Version) -> Intervals:
    """calculateFailedIndexes."""
    completions = int((job.get("spec") or {}).get("completions") or 0)
    prev = parse_indexes((job.get("status") or {}).get("failedIndexes"), completions)
    new = [ix for p in pods if has_tracking_finalizer(p) and is_index_failed(job, p, version)
           and (ix := valid_index(p, completions)) is not None]
    return intervals_with(prev, new)


def first_pending_indexes(job: Mapping, active_pods: Sequence[Mapping], pods: Sequence[Mapping],
                          succeeded: Intervals, failed: Intervals | None, count: int,
                          version: Version) -> list[int]:
    """firstPendingIndexes: the lowest indexes with no active pod, not succeeded, not failed
    (and, when only failed pods are replaced, without a terminating pod)."""
    completions = int((job.get("spec") or {}).get("completions") or 0)
    taken = {ix for p in active_pods if (ix := valid_index(p, completions)) is not None}
    if only_replace_failed_pods(job, version):
        taken |= {ix for p in pods if p["metadata"].get("deletionTimestamp")
                  and pod_phase(p) not in ("Succeeded", "Failed")
                  and (ix := valid_index(p, completions)) is not None}
    out = []
    for ix in range(completions):
        if len(out) >= count:
            break
        if ix in taken or intervals_has(succeeded, ix) or (failed and intervals_has(failed, ix)):
            continue
        out.append(ix)
    return out


def last_failed_pod_per_index(job: Mapping, pods: Iterable[Mapping], version: Version,
                              failed: Intervals | None) -> dict[int, dict]:
    """The latest failed pod of each not-yet-failed index (getPodsWithDelayedDeletionPerIndex,
    simplified: the controller reads the failure count from any failed pod still listed)."""
    completions = int((job.get("spec") or {}).get("completions") or 0)
    out: dict[int, dict] = {}
    for pod in pods:
        ix = valid_index(pod, completions)
        if ix is None or (failed and intervals_has(failed, ix)):
            continue
        if not is_pod_failed(pod, job, version):
            continue
        prev = out.get(ix)
        if prev is None or finished_time_ms(pod) >= finished_time_ms(prev):
            out[ix] = pod  # type: ignore[assignment]
    return out


# --------------------------------------------------------------------------- pod failure policy

def _match_on_exit_codes(status: Mapping, requirement: Mapping) -> dict | None:
    """pod_failure_policy.go matchOnExitCodes: regular containers, then init containers."""
    values = set(requirement.get("values") or ())
    operator = requirement.get("operator")
    name = requirement.get("containerName")
    for field in ("containerStatuses", "initContainerStatuses"):
        for cs in status.get(field) or ():
            terminated = (cs.get("state") or {}).get("terminated")
            if terminated is None:
                continue
            if name is not None and cs.get("name") != name:
                continue
            code = int(terminated.get("exitCode") or 0)
            if code == 0:
                continue
            if (operator == "In" and code in values) or \
                    (operator == "NotIn" and code not in values):
                return cs  # type: ignore[return-value]
    return None


def _match_on_pod_conditions(status: Mapping, patterns: Sequence[Mapping]) -> dict | None:
    for pattern in patterns:
        for cond in status.get("conditions") or ():
            if cond.get("type") == pattern.get("type") and \
                    cond.get("status") == (pattern.get("status") or "True"):
                return cond  # type: ignore[return-value]
    return None


def match_pod_failure_policy(policy: Mapping | None, pod: Mapping
                             ) -> tuple[str | None, bool, str | None]:
    """pod_failure_policy.go matchPodFailurePolicy: (FailJob message, count the failure?,
    action of the first matching rule)."""
    if policy is None:
        return None, True, None
    meta = pod["metadata"]
    ref = f"{meta.get('namespace') or 'default'}/{meta['name']}"
    status = pod.get("status") or {}
    for index, rule in enumerate(policy.get("rules") or ()):
        action = rule.get("action")
        message = None
        if rule.get("onExitCodes") is not None:
            cs = _match_on_exit_codes(status, rule["onExitCodes"])
            if cs is None:
                continue
            code = cs["state"]["terminated"].get("exitCode")
            message = (f"Container {cs['name']} for pod {ref} failed with exit code {code} "
                       f"matching {action} rule at index {index}")
        elif rule.get("onPodConditions") is not None:
            cond = _match_on_pod_conditions(status, rule["onPodConditions"])
            if cond is None:
                continue
            message = (f"Pod {ref} has condition {cond['type']} matching {action} rule at "
                       f"index {index}")
        else:
            continue
        if action == "Ignore":
            return None, False, "Ignore"
        if action == "FailIndex":
            return None, True, "FailIndex"
        if action == "Count":
            return None, True, "Count"
        if action == "FailJob":
            return message, True, "FailJob"
    return None, True, None


def fail_job_message(job: Mapping, pods: Iterable[Mapping], version: Version) -> str | None:
    """getFailJobMessage: the message of the first failed pod matching a FailJob rule."""
    policy = (job.get("spec") or {}).get("podFailurePolicy")
    if policy is None:
        return None
    for pod in pods:
        if is_pod_failed(pod, job, version):
            message, _, _ = match_pod_failure_policy(policy, pod)
            if message is not None:
                return message
    return None


# --------------------------------------------------------------------------- success policy

def match_success_policy(policy: Mapping | None, completions: int,
                         succeeded: Intervals) -> tuple[str, bool]:
    """success_policy.go matchSuccessPolicy: the first rule met (by index) wins."""
    if policy is None or not succeeded:
        return "", False
    total = intervals_total(succeeded)
    for index, rule in enumerate(policy.get("rules") or ()):
        wanted_count = rule.get("succeededCount")
        rule_text = rule.get("succeededIndexes")
        if rule_text is not None:
            rule_intervals = parse_indexes(rule_text, completions)
            rule_points = {ix for first, last in rule_intervals for ix in range(first, last + 1)}
            matched = sum(1 for ix in rule_points if intervals_has(succeeded, ix))
            if (wanted_count is None and matched == len(rule_points)) or \
                    (wanted_count is not None and matched >= int(wanted_count)):
                return f"Matched rules at index {index}", True
        elif wanted_count is not None and total >= int(wanted_count):
            return f"Matched rules at index {index}", True
    return "", False


# --------------------------------------------------------------------------- back-off

@dataclass
class BackoffRecord:
    """backoff_utils.go backoffRecord."""

    failures_after_last_success: int = 0
    last_failure_ms: int | None = None


def finished_time_ms(pod: Mapping) -> int:
    """backoff_utils.go getFinishedTime: latest container finishedAt when all finished, else
    Ready=False's transition, else deletionTimestamp - grace, else the creation time."""
    status = pod.get("status") or {}
    latest = None
    statuses = status.get("containerStatuses") or []
    for cs in statuses:
        terminated = (cs.get("state") or {}).get("terminated")
        at = time_ms((terminated or {}).get("finishedAt"))
        if at is None:
            latest = None
            break
        latest = at if latest is None else max(latest, at)
    if latest is not None:
        return latest
    ready = get_pod_condition(pod, "Ready")
    if ready is not None and ready.get("status") == "False" and ready.get("lastTransitionTime"):
        return time_ms(ready["lastTransitionTime"])  # type: ignore[return-value]
    meta = pod["metadata"]
    if meta.get("deletionTimestamp"):
        grace = int(meta.get("deletionGracePeriodSeconds") or 0)
        return time_ms(meta["deletionTimestamp"]) - grace * 1000  # type: ignore[operator]
    return time_ms(meta.get("creationTimestamp")) or 0


def new_backoff_record(old: BackoffRecord | None, new_succeeded: Sequence[Mapping],
                       new_failed: Sequence[Mapping]) -> BackoffRecord:
    """backoff_utils.go newBackoffRecord."""
    record = BackoffRecord(old.failures_after_last_success, old.last_failure_ms) if old \
        else BackoffRecord()
    succeeded = sorted(new_succeeded, key=finished_time_ms)
    failed = sorted(new_failed, key=finished_time_ms)
    if not succeeded:
        if not failed:
            return record
        record.failures_after_last_success += len(failed)
        record.last_failure_ms = finished_time_ms(failed[-1])
        return record
    record.failures_after_last_success = 0
    record.last_failure_ms = None
    last_success = finished_time_ms(succeeded[-1])
    for pod in reversed(failed):
        at = finished_time_ms(pod)
        if at <= last_success:
            break
        if record.last_failure_ms is None:
            record.last_failure_ms = at
        record.failures_after_last_success += 1
    return record


def remaining_backoff_ms(failures: int, last_failure_ms: int | None, now_ms: int,
                         default_ms: int = DEFAULT_JOB_POD_FAILURE_BACKOFF_MS,
                         max_ms: int = MAX_JOB_POD_FAILURE_BACKOFF_MS) -> int:
    """getRemainingTimeForFailuresCount: 10s doubling per failure since the last success,
    capped, counted from the last failure's finish time."""
    if failures == 0 or last_failure_ms is None:
        return 0
    delay = default_ms
    for _ in range(1, failures):
        delay *= 2
        if delay >= max_ms:
            delay = max_ms
            break
    elapsed = now_ms - last_failure_ms
    if delay < elapsed:
        return 0
    return delay - elapsed


# --------------------------------------------------------------------------- pod templates

def generate_name_with_index(job_name: str, index: int) -> str:
    """podGenerateNameWithIndex: ``<job>-<index>-``, the job name cut to fit."""
    suffix = f"-{index}-"
    if len(job_name) + len(suffix) > MAX_GENERATED_NAME_LENGTH:
        job_name = job_name[:MAX_GENERATED_NAME_LENGTH - len(suffix)]
    return job_name + suffix


def _add_index_env(container: dict) -> dict:
    env = list(container.get("env") or [])
    if any(e.get("name") == JOB_COMPLETION_INDEX_ENV for e in env):
        return container
    env.append({"name": JOB_COMPLETION_INDEX_ENV, "valueFrom": {"fieldRef": {
        "apiVersion": "v1",
        "fieldPath": f"metadata.annotations['{JOB_COMPLETION_INDEX}']"}}})
    return {**container, "env": env}


def job_pod(job: Mapping, index: int | None, version: Version,
            index_failures: tuple[int, int] | None = None) -> dict:
    """The pod the Job controller creates (manageJob + controller.GetPodFromTemplate):
    template labels/annotations/finalizers, the tracking finalizer, a controller reference,
    and for Indexed Jobs the completion index annotation/label, hostname and env var."""
    template = copy.deepcopy((job.get("spec") or {}).get("template") or {})
    tmeta = template.get("metadata") or {}
    spec = template.get("spec") or {}
    name = job["metadata"]["name"]
    meta: dict = {"generateName": f"{name}-",
                  "namespace": job["metadata"].get("namespace") or "default"}
    labels = dict(tmeta.get("labels") or {})
    annotations = dict(tmeta.get("annotations") or {})
    finalizers = list(tmeta.get("finalizers") or [])
    if JOB_TRACKING_FINALIZER not in finalizers:
        finalizers.append(JOB_TRACKING_FINALIZER)
    if index is not None:
        # indexed_job_utils.go addCompletionIndexEnvVariables / Annotation / Label
        spec["containers"] = [_add_index_env(c) for c in spec.get("containers") or []]
        if spec.get("initContainers"):
            spec["initContainers"] = [_add_index_env(c) for c in spec["initContainers"]]
        annotations[JOB_COMPLETION_INDEX] = str(index)
        if version >= (1, 28):  # PodIndexLabel, beta in 1.28
            labels[JOB_COMPLETION_INDEX] = str(index)
        spec["hostname"] = f"{name}-{index}"
        meta["generateName"] = generate_name_with_index(name, index)
        if index_failures is not None:
            counted, ignored = index_failures
            annotations[JOB_INDEX_FAILURE_COUNT] = str(counted)
            if ignored:
                annotations[JOB_INDEX_IGNORED_FAILURE_COUNT] = str(ignored)
    if labels:
        meta["labels"] = labels
    if annotations:
        meta["annotations"] = annotations
    meta["finalizers"] = finalizers
    meta["ownerReferences"] = [new_controller_ref(job, "batch/v1", "Job")]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def next_index_failures(job: Mapping, last_failed: Mapping | None) -> tuple[int, int]:
    """addIndexFailureCountAnnotation: the counts the replacement pod of an index carries."""
    if last_failed is None:
        return 0, 0
    counted, ignored = index_failure_count(last_failed), index_ignored_failure_count(last_failed)
    policy = (job.get("spec") or {}).get("podFailurePolicy")
    _, count, _ = match_pod_failure_policy(policy, last_failed)
    if count:
        counted += 1
    else:
        ignored += 1
    return counted, ignored


# --------------------------------------------------------------------------- removal order

_PHASE_RANK = {"Pending": 0, "Unknown": 1, "Running": 2}


def _active_pods_key(pod: Mapping) -> tuple:
    """controller.ActivePods order: unscheduled < scheduled, Pending < Unknown < Running,
    not ready < ready, ready more recently first, more restarts first, newer first."""
    node = (pod.get("spec") or {}).get("nodeName")
    ready = is_pod_ready(pod)
    ready_since = 0
    if ready:
        cond = get_pod_condition(pod, "Ready") or {}
        ready_since = time_ms(cond.get("lastTransitionTime")) or 0
    restarts = max((int(cs.get("restartCount") or 0) for cs in
                    (pod.get("status") or {}).get("containerStatuses") or ()), default=0)
    created = time_ms(pod["metadata"].get("creationTimestamp")) or 0
    return (1 if node else 0, _PHASE_RANK.get(pod_phase(pod), 0), 1 if ready else 0,
            -ready_since, -restarts, -created, pod["metadata"]["name"])


def active_pods_for_removal(job: Mapping, pods: Sequence[Mapping], rm_at_least: int) -> list:
    """activePodsForRemoval: for Indexed Jobs, pods with an invalid or repeated index first
    (appendDuplicatedIndexPodsForRemoval); then the least advanced pods."""
    rm: list = []
    left: list = list(pods)
    if is_indexed_job(job):
        completions = int((job.get("spec") or {}).get("completions") or 0)
        by_index: dict[int, list] = {}
        left = []
        for pod in pods:
            ix = valid_index(pod, completions)
            if ix is None:
                rm.append(pod)
            else:
                by_index.setdefault(ix, []).append(pod)
        for ix in sorted(by_index):
            group = sorted(by_index[ix], key=_active_pods_key)
            rm.extend(group[:-1])
            left.append(group[-1])
    if len(rm) < rm_at_least:
        left = sorted(left, key=_active_pods_key)
        rm.extend(left[:rm_at_least - len(rm)])
    return rm


def active_of(pods: Iterable[Mapping]) -> list:
    return [p for p in pods if is_pod_active(p)]
