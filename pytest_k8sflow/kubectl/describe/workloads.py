"""``kubectl describe`` for workloads (kubernetes/kubectl pkg/describe/describe.go):
DeploymentDescriber, ReplicaSetDescriber, StatefulSetDescriber, DaemonSetDescriber,
JobDescriber and CronJobDescriber.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pytest_k8sflow.kubectl.describe.common import (
    _conditions_table,
    _controller,
    _header,
    _int_or_string,
    _labels_annotations,
    _pod_counts,
    rfc1123z,
)
from pytest_k8sflow.kubectl.humanize import canonical_quantity, human_duration, time_ms
from pytest_k8sflow.kubectl.printers import _labels_multiline, _PrefixWriter, describe_pod_template
from pytest_k8sflow.kubectl.tables.common import format_labels, get, selector_string

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster


def _pod_template(w: _PrefixWriter, template: Mapping | None) -> None:
    w.parts.append(describe_pod_template(template))


def _replicasets_by_labels(rss: list[Mapping]) -> str:
    text = ", ".join(f"{rs['metadata']['name']} ({get(rs, 'status', 'replicas', default=0)}/"
                     f"{get(rs, 'spec', 'replicas', default=0)} replicas created)" for rs in rss)
    return text or "<none>"


def _describe_deployment(cluster: Cluster, d: Mapping, w: _PrefixWriter) -> None:
    from pytest_k8sflow.engine.controllers.deployment_util import equal_ignore_hash
    from pytest_k8sflow.kubectl.commands_rollout import controlled

    spec, status = d.get("spec") or {}, d.get("status") or {}
    _header(w, d, created=True)
    _labels_annotations(w, d)
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    w.write(0, f"Replicas:\t{spec.get('replicas', 0)} desired | "
               f"{status.get('updatedReplicas', 0)} updated | {status.get('replicas', 0)} total | "
               f"{status.get('availableReplicas', 0)} available | "
               f"{status.get('unavailableReplicas', 0)} unavailable\n")
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
    if strategy.get("rollingUpdate") is not None:
        ru = strategy["rollingUpdate"]
        w.write(0, f"RollingUpdateStrategy:\t{_int_or_string(ru.get('maxUnavailable'))} max "
                   f"unavailable, {_int_or_string(ru.get('maxSurge'))} max surge\n")
    _pod_template(w, spec.get("template"))
    _conditions_table(w, status.get("conditions"))
    # deploymentutil.GetAllReplicaSets: the new RS (oldest with the same template) and the
    # old ones that still have replicas
    rss = sorted(controlled(cluster, d, "ReplicaSet"),
                 key=lambda rs: (time_ms(rs["metadata"].get("creationTimestamp")) or 0,
                                 rs["metadata"]["name"]))
    new = next((rs for rs in rss if equal_ignore_hash(get(rs, "spec", "template"),
                                                      spec.get("template"))), None)
    # describe passes GetAllReplicaSetsInChunks' *all* old ReplicaSets (scaled-down ones too),
    # in creation order; the two lines appear only when there is any ReplicaSet
    old = [rs for rs in rss if rs is not new]
    if old or new is not None:
        w.write(0, f"OldReplicaSets:\t{_replicasets_by_labels(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_replicasets_by_labels([new] if new else [])}\n")


def _describe_replicaset(cluster: Cluster, rs: Mapping, w: _PrefixWriter) -> None:
    spec, status = rs.get("spec") or {}, rs.get("status") or {}
    _header(w, rs)
    w.write(0, f"Selector:\t{selector_string(spec.get('selector')) or '<none>'}\n")
    _labels_annotations(w, rs)
    controller = _controller(rs)
    if controller:
        w.write(0, f"Controlled By:\t{controller}\n")
    w.write(0, f"Replicas:\t{status.get('replicas', 0)} current / {spec.get('replicas', 0)} "
               "desired\n")
    w.write(0, f"Pods Status:\t{_pod_counts(cluster, rs)}\n")
    _pod_template(w, spec.get("template"))
    _conditions_table(w, status.get("conditions"))


def _describe_statefulset(cluster: Cluster, sts: Mapping, w: _PrefixWriter) -> None:
    spec, status = sts.get("spec") or {}, sts.get("status") or {}
    _header(w, sts, created=True)
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    _labels_annotations(w, sts)
    w.write(0, f"Replicas:\t{spec.get('replicas', 0)} desired | {status.get('replicas', 0)} "
               "total\n")
    strategy = spec.get("updateStrategy") or {}
    w.write(0, f"Update Strategy:\t{strategy.get('type', '')}\n")
    ru = strategy.get("rollingUpdate") or {}
    if ru.get("partition") is not None:
        w.write(1, f"Partition:\t{ru['partition']}\n")
        if ru.get("maxUnavailable") is not None:
            w.write(1, f"MaxUnavailable:\t{ru['maxUnavailable']}\n")
    w.write(0, f"Pods Status:\t{_pod_counts(cluster, sts)}\n")
    _pod_template(w, spec.get("template"))
    templates = spec.get("volumeClaimTemplates") or []
    if not templates:
        w.write(0, "Volume Claims:\t<none>\n")
    else:
        w.write(0, "Volume Claims:\n")
        for pvc in templates:
            pmeta, pspec = pvc.get("metadata") or {}, pvc.get("spec") or {}
            w.write(1, f"Name:\t{pmeta.get('name', '')}\n")
            w.write(1, f"StorageClass:\t{pspec.get('storageClassName', '')}\n")
            _labels_multiline(w, "  Labels", pmeta.get("labels"))
            _labels_multiline(w, "  Annotations", pmeta.get("annotations"))
            storage = get(pspec, "resources", "requests", "storage")
            w.write(1, f"Capacity:\t{canonical_quantity(storage) if storage else '<default>'}\n")
            w.write(1, f"Access Modes:\t[{' '.join(pspec.get('accessModes') or [])}]\n")


def _describe_daemonset(cluster: Cluster, ds: Mapping, w: _PrefixWriter) -> None:
    spec, status = ds.get("spec") or {}, ds.get("status") or {}
    _header(w, ds)
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    w.write(0, f"Node-Selector:\t{format_labels(get(spec, 'template', 'spec', 'nodeSelector'))}"
               "\n")
    _labels_annotations(w, ds)
    w.write(0, f"Desired Number of Nodes Scheduled: {status.get('desiredNumberScheduled', 0)}\n")
    w.write(0, f"Current Number of Nodes Scheduled: {status.get('currentNumberScheduled', 0)}\n")
    w.write(0, "Number of Nodes Scheduled with Up-to-date Pods: "
               f"{status.get('updatedNumberScheduled', 0)}\n")
    w.write(0, "Number of Nodes Scheduled with Available Pods: "
               f"{status.get('numberAvailable', 0)}\n")
    w.write(0, f"Number of Nodes Misscheduled: {status.get('numberMisscheduled', 0)}\n")
    w.write(0, f"Pods Status:\t{_pod_counts(cluster, ds)}\n")
    _pod_template(w, spec.get("template"))


def _describe_job(cluster: Cluster, job: Mapping, w: _PrefixWriter) -> None:
    spec, status = job.get("spec") or {}, job.get("status") or {}
    _header(w, job)
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    _labels_annotations(w, job)
    controller = _controller(job)
    if controller:
        w.write(0, f"Controlled By:\t{controller}\n")
    if spec.get("parallelism") is not None:
        w.write(0, f"Parallelism:\t{spec['parallelism']}\n")
    w.write(0, f"Completions:\t{spec['completions'] if spec.get('completions') is not None else '<unset>'}\n")  # noqa: E501
    if spec.get("completionMode"):
        w.write(0, f"Completion Mode:\t{spec['completionMode']}\n")
    if spec.get("suspend") is not None:
        w.write(0, f"Suspend:\t{'true' if spec['suspend'] else 'false'}\n")
    if spec.get("backoffLimit") is not None:
        w.write(0, f"Backoff Limit:\t{spec['backoffLimit']}\n")
    if spec.get("ttlSecondsAfterFinished") is not None:
        w.write(0, f"TTL Seconds After Finished:\t{spec['ttlSecondsAfterFinished']}\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    if status.get("completionTime"):
        w.write(0, f"Completed At:\t{rfc1123z(status['completionTime'])}\n")
    if status.get("startTime") and status.get("completionTime"):
        took = (time_ms(status["completionTime"]) or 0) - (time_ms(status["startTime"]) or 0)
        w.write(0, f"Duration:\t{human_duration(took)}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    active, succeeded, failed = (int(status.get(k) or 0) for k in ("active", "succeeded",
                                                                     "failed"))
    if status.get("ready") is None:
        w.write(0, f"Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} "
                   "Failed\n")
    else:
        w.write(0, f"Pods Statuses:\t{active} Active ({status['ready']} Ready) / {succeeded} "
                   f"Succeeded / {failed} Failed\n")
    if spec.get("completionMode") == "Indexed":
        w.write(0, f"Completed Indexes:\t{status.get('completedIndexes') or '<none>'}\n")
    _pod_template(w, spec.get("template"))


def _describe_cronjob(cluster: Cluster, cj: Mapping, w: _PrefixWriter) -> None:
    spec, status = cj.get("spec") or {}, cj.get("status") or {}
    _header(w, cj)
    _labels_annotations(w, cj)
    w.write(0, f"Schedule:\t{spec.get('schedule', '')}\n")
    w.write(0, f"Concurrency Policy:\t{spec.get('concurrencyPolicy', '')}\n")
    suspend = spec.get("suspend")
    w.write(0, f"Suspend:\t{'<unset>' if suspend is None else ('True' if suspend else 'False')}"
               "\n")
    for title, key in (("Successful Job History Limit", "successfulJobsHistoryLimit"),
                       ("Failed Job History Limit", "failedJobsHistoryLimit")):
        value = spec.get(key)
        w.write(0, f"{title}:\t{'<unset>' if value is None else value}\n")
    deadline = spec.get("startingDeadlineSeconds")
    w.write(0, f"Starting Deadline Seconds:\t{'<unset>' if deadline is None else f'{deadline}s'}"
               "\n")
    jspec = get(spec, "jobTemplate", "spec", default={})
    w.write(0, f"Selector:\t{selector_string(jspec.get('selector')) if jspec.get('selector') is not None else '<unset>'}\n")  # noqa: E501
    for title, key in (("Parallelism", "parallelism"), ("Completions", "completions")):
        value = jspec.get(key)
        w.write(0, f"{title}:\t{'<unset>' if value is None else value}\n")
    if jspec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{jspec['activeDeadlineSeconds']}s\n")
    _pod_template(w, jspec.get("template"))
    last = status.get("lastScheduleTime")
    w.write(0, f"Last Schedule Time:\t{rfc1123z(last) if last else '<unset>'}\n")
    active = status.get("active") or []
    w.write(0, "Active Jobs:\t" + (", ".join(a.get("name", "") for a in active) or "<none>")
            + "\n")
