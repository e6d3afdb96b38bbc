"""``kubectl describe`` (kubectl pkg/describe/describe.go), on the simulated store.

Describers for Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ConfigMap,
Secret, ServiceAccount and Node; every other kind gets the generic describer (name,
namespace, labels, annotations, the remaining fields, events). The text goes through Go's
tabwriter as ``tabbedString`` sets it up (minwidth 0, padding 2), flushed before the Events
table, which is aligned on its own (DescribeEvents calls ``w.Flush()``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pytest_k8sflow.engine.resources import BY_KIND
from pytest_k8sflow.kubectl.commands_common import KubectlCommand, Output, selector_of
from pytest_k8sflow.kubectl.humanize import (
    canonical_quantity,
    human_duration,
    time_ms,
    translate_timestamp_since,
)
from pytest_k8sflow.kubectl.printers import (
    _annotations_multiline,
    _describe_volumes,
    _labels_multiline,
    _PrefixWriter,
    _tolerations_multiline,
    describe_containers,
    describe_pod_template,
    not_found,
    template_env_value,
)
from pytest_k8sflow.kubectl.tables.common import (
    access_modes,
    format_label_selector,
    format_labels,
    get,
    selector_string,
)
from pytest_k8sflow.kubectl.tables.core import node_roles
from pytest_k8sflow.kubectl.tabwriter import format_columns

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster


def rfc1123z(value: object) -> str:
    """Go's time.RFC1123Z layout (``Thu, 01 Jan 2026 00:00:00 +0000``), in UTC."""
    ms = time_ms(value)
    if ms is None:
        ms = -62135596800000
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def tabbed(text: str) -> str:
    """tabbedString: tabwriter.Init(buf, 0, 8, 2, ' ', 0)."""
    return format_columns(text, minwidth=0, padding=2)


# -- the command ------------------------------------------------------------------------------


def run_describe(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    selector = selector_of(cmd)
    texts: list[str] = []
    errors: list[str] = []
    show_events = bool(cmd.flag("show-events"))
    for rarg in cmd.resources:
        rtype = rarg.type
        ns = cmd.namespace if rtype.namespaced else ""
        if rarg.name is not None:
            obj = cluster.store.get(rtype.kind, ns, rarg.name)
            if obj is not None:
                objects = [obj]
            else:
                # describe.go DescribeMatchingResources: objects whose name starts with it
                objects = [o for o in cluster.store.list(rtype.kind, ns if rtype.namespaced
                                                         else None)
                           if o["metadata"]["name"].startswith(rarg.name)]
                if not objects:
                    errors.append(not_found(rtype, rarg.name))
                    continue
        else:
            scope = None if (cmd.all_namespaces or not rtype.namespaced) else ns
            objects = [o for o in cluster.store.list(rtype.kind, scope)
                       if selector.matches(o["metadata"].get("labels"))]
        for obj in objects:
            texts.append(describe_object(cluster, obj, show_events=show_events))
    out.write("\n\n".join(texts))
    if not texts and not errors:
        if cmd.all_namespaces:
            out.warn("No resources found")
        else:
            out.warn(f"No resources found in {cmd.namespace} namespace.")
    for err in errors:
        out.error(err)


def describe_object(cluster: Cluster, obj: Mapping, *, show_events: bool = True) -> str:
    """The describe text of one object (kubectl's describer for its kind, or the generic
    one)."""
    kind = obj.get("kind", "")
    describer = _DESCRIBERS.get(kind, _describe_generic)
    w = _PrefixWriter()
    describer(cluster, obj, w)
    events = events_for(cluster, obj) if show_events and kind not in _NO_EVENTS else None
    if events is not None and not events:
        # DescribeEvents writes "Events:\t<none>" through the describer's own tabwriter, so
        # it lines up with the fields above it.
        w.write(0, "Events:\t<none>\n")
        return tabbed(w.text())
    text = tabbed(w.text())
    if events:
        text += describe_events(events, cluster.clock.now_ms)
    return text


# -- events -----------------------------------------------------------------------------------


def events_for(cluster: Cluster, obj: Mapping) -> list[dict]:
    """Events about ``obj``: involvedObject name, namespace and uid (and kind, except for
    pods: describe clears the reference's kind), sorted by last timestamp."""
    meta = obj["metadata"]
    ns = meta.get("namespace") or "default"
    found = []
    for event in cluster.store.list("Event", None):
        ref = event.get("involvedObject") or {}
        if ref.get("name") != meta["name"]:
            continue
        # NodeDescriber also searches with uid = the node's name (kubelet events use it)
        uids = (meta.get("uid"), meta["name"]) if obj.get("kind") == "Node" else \
            (meta.get("uid"),)
        if (ref.get("uid") or meta.get("uid")) not in uids:
            continue
        if (ref.get("namespace") or "") != (meta.get("namespace") or "") and \
                (event["metadata"].get("namespace") or "default") != ns:
            continue
        if obj.get("kind") != "Pod" and ref.get("kind") not in (None, obj.get("kind")):
            continue
        found.append(event)
    # SortableEvents: by lastTimestamp (eventTime for new-API events); stable here
    found.sort(key=lambda e: time_ms(e.get("lastTimestamp") or e.get("eventTime")) or 0)
    return found


def describe_events(events: list[Mapping], now_ms: int) -> str:
    """DescribeEvents: ``Events:  <none>`` or the Type/Reason/Age/From/Message table."""
    if not events:
        return "Events:  <none>\n"
    lines = ["Events:", "  Type\tReason\tAge\tFrom\tMessage", "  ----\t------\t----\t----\t-------"]
    for e in events:
        first = e.get("eventTime") or e.get("firstTimestamp")
        first_since = translate_timestamp_since(first, now_ms)
        count = int(e.get("count") or 0)
        series = e.get("series")
        if series:
            interval = (f"{translate_timestamp_since(series.get('lastObservedTime'), now_ms)} "
                        f"(x{series.get('count')} over {first_since})")
        elif count > 1:
            interval = (f"{translate_timestamp_since(e.get('lastTimestamp'), now_ms)} "
                        f"(x{count} over {first_since})")
        else:
            interval = first_since
        source = (e.get("source") or {}).get("component") or e.get("reportingComponent") or ""
        lines.append(f"  {e.get('type', '')}\t{e.get('reason', '')}\t{interval}\t{source}\t"
                     f"{(e.get('message') or '').strip()}")
    return tabbed("\n".join(lines) + "\n")


# -- shared pieces ----------------------------------------------------------------------------


def _header(w: _PrefixWriter, obj: Mapping, *, created: bool = False) -> None:
    meta = obj["metadata"]
    w.write(0, f"Name:\t{meta['name']}\n")
    if BY_KIND.get(obj.get("kind", "")) is None or BY_KIND[obj["kind"]].namespaced:
        w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if created:
        w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")


def _labels_annotations(w: _PrefixWriter, obj: Mapping) -> None:
    _labels_multiline(w, "Labels", obj["metadata"].get("labels"))
    _annotations_multiline(w, "Annotations", obj["metadata"].get("annotations"))


def _controller(obj: Mapping) -> str:
    for ref in obj["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            return f"{ref.get('kind')}/{ref.get('name')}"
    return ""


def _pod_counts(cluster: Cluster, owner: Mapping) -> str:
    """getPodStatusForController: pods matching the selector and controlled by the owner,
    counted by phase (Pending counts as Waiting)."""
    from pytest_k8sflow.engine.selectors import from_label_selector

    sel = from_label_selector(get(owner, "spec", "selector"))
    uid = owner["metadata"].get("uid")
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in cluster.store.list("Pod", owner["metadata"].get("namespace") or ""):
        refs = pod["metadata"].get("ownerReferences") or []
        if not any(r.get("controller") and r.get("uid") == uid for r in refs):
            continue
        if not sel.matches(pod["metadata"].get("labels")):
            continue
        phase = get(pod, "status", "phase", default="")
        if phase in counts:
            counts[phase] += 1
    return (f"{counts['Running']} Running / {counts['Pending']} Waiting / "
            f"{counts['Succeeded']} Succeeded / {counts['Failed']} Failed")


def _conditions_table(w: _PrefixWriter, conditions: list | None) -> None:
    if not conditions:
        return
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
    w.write(1, "----\t------\t------\n")
    for c in conditions:
        w.write(1, f"{c.get('type')} \t{c.get('status')}\t{c.get('reason', '')}\n")


def _int_or_string(value: object) -> str:
    return "<nil>" if value is None else str(value)


# -- Pod --------------------------------------------------------------------------------------


def _describe_state(w: _PrefixWriter, title: str, state: Mapping) -> None:
    if state.get("running") is not None:
        w.write(2, f"{title}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif state.get("terminated") is not None:
        t = state["terminated"]
        w.write(2, f"{title}:\tTerminated\n")
        if t.get("reason"):
            w.write(3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.write(3, f"Message:\t{t['message']}\n")
        w.write(3, f"Exit Code:\t{int(t.get('exitCode') or 0)}\n")
        if int(t.get("signal") or 0) > 0:
            w.write(3, f"Signal:\t{t['signal']}\n")
        w.write(3, f"Started:\t{rfc1123z(t.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{rfc1123z(t.get('finishedAt'))}\n")
    else:
        w.write(2, f"{title}:\tWaiting\n")
        reason = (state.get("waiting") or {}).get("reason")
        if reason:
            w.write(3, f"Reason:\t{reason}\n")


def _env_value(pod: Mapping, container: Mapping, var: Mapping) -> str:
    """describeContainerEnvVars with the pod at hand: field refs show the pod's value."""
    from pytest_k8sflow.engine.envvars import extract_field_path_as_string
    from pytest_k8sflow.errors import K8sflowError

    ref = var["valueFrom"].get("fieldRef")
    if ref is None:
        return template_env_value(container, var)
    try:
        value = extract_field_path_as_string(pod, ref.get("fieldPath", ""))
    except K8sflowError:
        value = ""
    return f"{value} ({ref.get('apiVersion', '')}:{ref.get('fieldPath', '')})"


def _describe_pod_containers(w: _PrefixWriter, pod: Mapping, label: str, containers: list,
                             statuses: list | None) -> None:
    describe_containers(w, label, containers, statuses=statuses or [],
                        env_value=lambda c, e: _env_value(pod, c, e),
                        describe_state=_describe_state)


def _describe_pod(cluster: Cluster, pod: Mapping, w: _PrefixWriter) -> None:
    from pytest_k8sflow.engine.apiserver import qos_class

    meta, spec, status = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    _header(w, pod)
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    if not spec.get("nodeName"):
        w.write(0, "Node:\t<none>\n")
    else:
        w.write(0, f"Node:\t{spec['nodeName']}/{status.get('hostIP', '')}\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    _labels_annotations(w, pod)
    if meta.get("deletionTimestamp") and status.get("phase") not in ("Failed", "Succeeded"):
        since = translate_timestamp_since(meta["deletionTimestamp"], cluster.clock.now_ms)
        w.write(0, f"Status:\tTerminating (lasts {since})\n")
        w.write(0, f"Termination Grace Period:\t{meta.get('deletionGracePeriodSeconds', 0)}s\n")
    else:
        w.write(0, f"Status:\t{status.get('phase', '')}\n")
    if status.get("reason"):
        w.write(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.write(0, f"Message:\t{status['message']}\n")
    seccomp = get(spec, "securityContext", "seccompProfile")
    if seccomp is not None:
        w.write(0, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
        if seccomp.get("type") == "Localhost":
            w.write(0, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")
    w.write(0, f"IP:\t{status.get('podIP', '')}\n")
    ips = status.get("podIPs") or []
    if not ips:
        w.write(0, "IPs:\t<none>\n")
    else:
        w.write(0, "IPs:\n")
        for ip in ips:
            w.write(1, f"IP:\t{ip.get('ip')}\n")
    controller = _controller(pod)
    if controller:
        w.write(0, f"Controlled By:\t{controller}\n")
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("resources") is not None:
        # pod-level resources (describeResources at level 1)
        w.write(0, "Resources:\n")
        _describe_resources(w, spec["resources"], 1)
    if spec.get("initContainers"):
        _describe_pod_containers(w, pod, "Init Containers", spec["initContainers"],
                                 status.get("initContainerStatuses"))
    _describe_pod_containers(w, pod, "Containers", spec.get("containers") or [],
                             status.get("containerStatuses"))
    if spec.get("readinessGates"):
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        for gate in spec["readinessGates"]:
            value = "<none>"
            for c in status.get("conditions") or []:
                if c.get("type") == gate.get("conditionType"):
                    value = c.get("status")
                    break
            w.write(1, f"{gate.get('conditionType')} \t{value} \n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type')} \t{c.get('status')} \n")
    _describe_volumes(w, spec.get("volumes") or [], "")
    w.write(0, f"QoS Class:\t{status.get('qosClass') or qos_class(dict(pod))}\n")
    _labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    _tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
    _topology_spread(w, spec.get("topologySpreadConstraints"))


def _describe_resources(w: _PrefixWriter, resources: Mapping, level: int) -> None:
    """describe.go describeResources: Limits then Requests, names sorted."""
    for title in ("limits", "requests"):
        values = resources.get(title) or {}
        if values:
            w.write(level, f"{title.capitalize()}:\n")
        for name in sorted(values):
            w.write(level + 1, f"{name}:\t{canonical_quantity(values[name])}\n")


def _topology_spread(w: _PrefixWriter, constraints: list | None) -> None:
    """describe.go describeTopologySpreadConstraints (pod level, no indent), sorted by key."""
    if not constraints:
        return
    w.write(0, "Topology Spread Constraints:\t")
    for i, c in enumerate(sorted(constraints, key=lambda c: c.get("topologyKey", ""))):
        if i:
            w.write(0, "\t")
        text = (f"{c.get('topologyKey')}:{c.get('whenUnsatisfiable')} when max skew "
                f"{c.get('maxSkew')} is exceeded")
        if c.get("labelSelector") is not None:
            text += f" for selector {format_label_selector(c['labelSelector'])}"
        w.write(0, text + "\n")


# -- workloads --------------------------------------------------------------------------------


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


# -- config and accounts ----------------------------------------------------------------------


def _describe_configmap(cluster: Cluster, cm: Mapping, w: _PrefixWriter) -> None:
    _header(w, cm)
    _labels_annotations(w, cm)
    w.write(0, "\nData\n====\n")
    data = cm.get("data") or {}
    for key in sorted(data):
        w.write(0, f"{key}:\n----\n")
        w.write(0, f"{data[key]}\n")
        # a blank line after each value since kubectl 1.31 (k/k PR #123597)
        w.write(0, "\n")
    w.write(0, "\nBinaryData\n====\n")
    binary = cm.get("binaryData") or {}
    for key in sorted(binary):
        import base64

        w.write(0, f"{key}: {len(base64.b64decode(binary[key]))} bytes\n")
    w.write(0, "\n")


def _describe_secret(cluster: Cluster, secret: Mapping, w: _PrefixWriter) -> None:
    from pytest_k8sflow.engine.envvars import secret_bytes

    _header(w, secret)
    _labels_annotations(w, secret)
    stype = secret.get("type", "")
    w.write(0, f"\nType:\t{stype}\n")
    w.write(0, "\nData\n====\n")
    data = secret_bytes(secret)
    for key in sorted(data):
        if key == "token" and stype == "kubernetes.io/service-account-token":
            w.write(0, f"{key}:\t{data[key].decode('utf-8', 'replace')}\n")
        else:
            w.write(0, f"{key}:\t{len(data[key])} bytes\n")


def _describe_serviceaccount(cluster: Cluster, sa: Mapping, w: _PrefixWriter) -> None:
    """ServiceAccountDescriber: the three secret lists under headers padded to one width
    (sorted by header), tokens are service-account-token Secrets whose annotations name this
    account and its uid, and referenced Secrets that do not exist get ``(not found)``."""
    _header(w, sa)
    _labels_annotations(w, sa)
    meta = sa["metadata"]
    secrets = cluster.store.list("Secret", meta.get("namespace") or "")
    existing = {s["metadata"]["name"] for s in secrets}
    tokens = []
    for s in secrets:
        annotations = s["metadata"].get("annotations") or {}
        if s.get("type") == "kubernetes.io/service-account-token" and \
                annotations.get("kubernetes.io/service-account.name") == meta["name"] and \
                annotations.get("kubernetes.io/service-account.uid") == meta.get("uid"):
            tokens.append(s["metadata"]["name"])
    pull = [s.get("name", "") for s in sa.get("imagePullSecrets") or []]
    mount = [s.get("name", "") for s in sa.get("secrets") or []]
    missing = {n for n in pull + mount if n not in existing}
    empty = " " * 19
    for header, names in (("Image pull secrets:", pull), ("Mountable secrets: ", mount),
                          ("Tokens:            ", tokens)):
        if not names:
            w.write(0, f"{header}\t<none>\n")
            continue
        prefix = header
        for name in names:
            w.write(0, f"{prefix}\t{name}{' (not found)' if name in missing else ''}\n")
            prefix = empty


# -- Node -------------------------------------------------------------------------------------


def _describe_node(cluster: Cluster, node: Mapping, w: _PrefixWriter) -> None:
    """NodeDescriber, without the pod resource totals' percentages' rounding subtleties."""
    meta, spec, status = node["metadata"], node.get("spec") or {}, node.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
    _labels_annotations(w, node)
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    # printTaintsMultilineWithIndent: sorted by "effect,key"; Taint.ToString
    taints = sorted(spec.get("taints") or [],
                    key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")
    if not taints:
        w.write(0, "Taints:\t<none>\n")
    else:
        for i, t in enumerate(taints):
            text = t.get("key", "") + (f"={t['value']}" if t.get("value") else "") + \
                f":{t.get('effect', '')}"
            w.write(0, ("Taints:\t" if i == 0 else "\t") + text + "\n")
    w.write(0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    _describe_node_lease(cluster, node, w)
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\t"
                   "Message\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type')} \t{c.get('status')} \t"
                       f"{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                       f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t"
                       f"{c.get('message', '')}\n")
    addresses = status.get("addresses") or []
    w.write(0, "Addresses:\n")
    for a in addresses:
        w.write(1, f"{a.get('type')}:\t{a.get('address')}\n")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        values = status.get(key) or {}
        if values:
            w.write(0, f"{title}:\n")
            for name in sorted(values):
                w.write(1, f"{name}:\t{canonical_quantity(values[name])}\n")
    info = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for title, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"),
                       ("Boot ID", "bootID"), ("Kernel Version", "kernelVersion"),
                       ("OS Image", "osImage"), ("Operating System", "operatingSystem"),
                       ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"),
                       ("Kubelet Version", "kubeletVersion"),
                       ("Kube-Proxy Version", "kubeProxyVersion")):
        w.write(1, f"{title}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    pods = [p for p in cluster.store.list("Pod", None)
            if get(p, "spec", "nodeName") == meta["name"]
            and get(p, "status", "phase") not in ("Succeeded", "Failed")]
    # describeNodeResource: allocatable, or the capacity when allocatable is empty
    allocatable = status.get("allocatable") or status.get("capacity") or {}
    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\t"
               "Age\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t"
               "---\n")
    totals: dict[str, list] = {}
    for p in pods:
        reqs, limits = _pod_requests_and_limits(p)
        for name, value in reqs.items():
            totals.setdefault(f"r:{name}", []).append(value)
        for name, value in limits.items():
            totals.setdefault(f"l:{name}", []).append(value)
        age = translate_timestamp_since(p["metadata"].get("creationTimestamp"),
                                        cluster.clock.now_ms)
        cells = [_amount_pct(reqs, allocatable, "cpu"), _amount_pct(limits, allocatable, "cpu"),
                 _amount_pct(reqs, allocatable, "memory"),
                 _amount_pct(limits, allocatable, "memory")]
        w.write(1, f"{p['metadata'].get('namespace', '')}\t{p['metadata']['name']}\t\t"
                   f"{chr(9).join(cells)}\t{age}\n")
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., "
               "overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    summed_r = {k[2:]: _sum(v) for k, v in totals.items() if k.startswith("r:")}
    summed_l = {k[2:]: _sum(v) for k, v in totals.items() if k.startswith("l:")}
    huge = sorted(k for k in allocatable if k.startswith("hugepages-"))
    for name in ("cpu", "memory", "ephemeral-storage", *huge):
        w.write(1, f"{name}\t{_amount_pct(summed_r, allocatable, name)}\t"
                   f"{_amount_pct(summed_l, allocatable, name)}\n")
    # extended resources (not standard container resources, not pods): no percentages
    standard = ("cpu", "memory", "ephemeral-storage", "storage", "pods")
    extended = sorted(k for k in allocatable if k not in standard
                      and not k.startswith("hugepages-") and not k.startswith("requests.")
                      and not k.startswith("limits."))
    for name in extended:
        w.write(1, f"{name}\t{_amount(summed_r, name)}\t{_amount(summed_l, name)}\n")


def _amount(amounts: Mapping, name: str) -> str:
    from fractions import Fraction

    from pytest_k8sflow.engine.quantity import canonical_string

    amount, fmt = amounts.get(name, (Fraction(0), "DecimalSI"))
    return canonical_string(Fraction(amount), fmt) if amount else "0"


def _describe_node_lease(cluster: Cluster, node: Mapping, w: _PrefixWriter) -> None:
    """describeNodeLease: the node's Lease in kube-node-lease. The simulator keeps no Lease
    objects unless a scenario creates one; a kubelet's lease is then synthesized: holder = the
    node, no acquire time, renewed every 10 s since the node registered (simplified: a real
    kubelet's renewals jitter)."""
    name = node["metadata"]["name"]
    lease = cluster.store.get("Lease", "kube-node-lease", name) \
        if BY_KIND.get("Lease") is not None else None
    w.write(0, "Lease:\n")
    if lease is not None:
        lspec = lease.get("spec") or {}
        holder = lspec.get("holderIdentity") or "<unset>"
        acquire = rfc1123z(lspec["acquireTime"]) if lspec.get("acquireTime") else "<unset>"
        renew = rfc1123z(lspec["renewTime"]) if lspec.get("renewTime") else "<unset>"
    else:
        created = time_ms(node["metadata"].get("creationTimestamp")) or 0
        now = cluster.clock.now_ms
        holder, acquire = name, "<unset>"
        renew = rfc1123z(created + max(0, now - created) // 10_000 * 10_000)
    w.write(1, f"HolderIdentity:\t{holder}\n")
    w.write(1, f"AcquireTime:\t{acquire}\n")
    w.write(1, f"RenewTime:\t{renew}\n")


def _pod_requests_and_limits(pod: Mapping) -> tuple[dict, dict]:
    """resourcehelper.PodRequestsAndLimits: the sum over containers, at least the largest
    init container, plus the pod overhead."""
    from pytest_k8sflow.engine.quantity import parse_with_format

    spec = pod.get("spec") or {}
    result: tuple[dict, dict] = ({}, {})
    for which, key in ((0, "requests"), (1, "limits")):
        total: dict[str, tuple] = {}
        for c in spec.get("containers") or []:
            for name, value in (get(c, "resources", key) or {}).items():
                amount, fmt = parse_with_format(value)
                prev = total.get(name, (0, fmt))
                total[name] = (prev[0] + amount, prev[1])
        for c in spec.get("initContainers") or []:
            for name, value in (get(c, "resources", key) or {}).items():
                amount, fmt = parse_with_format(value)
                if amount > total.get(name, (0, fmt))[0]:
                    total[name] = (amount, fmt)
        for name, value in (spec.get("overhead") or {}).items():
            amount, fmt = parse_with_format(value)
            prev = total.get(name, (0, fmt))
            total[name] = (prev[0] + amount, prev[1])
        result[which].update(total)
    return result


def _sum(values: list) -> tuple:
    return (sum(v[0] for v in values), values[0][1]) if values else (0, "DecimalSI")


def _amount_pct(amounts: Mapping, allocatable: Mapping, name: str) -> str:
    """``100m (5%)``: the amount's Quantity.String() and int64(milli/allocatable milli*100)."""
    from fractions import Fraction

    from pytest_k8sflow.engine.quantity import canonical_string, parse_quantity

    amount, fmt = amounts.get(name, (Fraction(0), "DecimalSI"))
    text = canonical_string(Fraction(amount), fmt) if amount else "0"
    total = parse_quantity(allocatable[name]) if name in allocatable else Fraction(0)
    pct = int(float(amount) / float(total) * 100) if total else 0
    return f"{text} ({pct}%)"


# -- generic ----------------------------------------------------------------------------------

_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_ACRONYMS = ("API", "URL", "UID", "OSB", "GUID")


def smart_label(field: str) -> str:
    """describe.go smartLabelFor: ``apiVersion`` -> ``API Version``, ``podIP`` -> ``Pod IP``;
    fields with characters other than letters and ``-`` stay as they are."""
    if any(not (c.isalpha() or c == "-") for c in field):
        return field
    parts = _CAMEL.findall(field) or [field]
    return " ".join(p.upper() if p.upper() in _ACRONYMS else p[:1].upper() + p[1:]
                    for p in parts)


def _go_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    return str(value)


def _unstructured(w: _PrefixWriter, level: int, content: Mapping, prefix: str,
                  skip: tuple[str, ...]) -> None:
    for field in sorted(content):
        value = content[field]
        path = f"{prefix}.{field}"
        if path in skip:
            continue
        if isinstance(value, Mapping):
            w.write(level, f"{smart_label(field)}:\n")
            _unstructured(w, level + 1, value, path, skip)
        elif isinstance(value, list):
            w.write(level, f"{smart_label(field)}:\n")
            for child in value:
                if isinstance(child, Mapping):
                    _unstructured(w, level + 1, child, path, skip)
                else:
                    w.write(level + 1, f"{_go_value(child)}\n")
        else:
            w.write(level, f"{smart_label(field)}:\t{_go_value(value)}\n")


def _describe_generic(cluster: Cluster, obj: Mapping, w: _PrefixWriter) -> None:
    meta = obj["metadata"]
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    _labels_annotations(w, obj)
    _unstructured(w, 0, obj, "", (".metadata.managedFields", ".metadata.name",
                                  ".metadata.namespace", ".metadata.labels",
                                  ".metadata.annotations"))


# describers that never print an Events section (describeSecret, describeNamespace,
# describeLimitRange, describeQuota, the RBAC and NetworkPolicy describers)
_NO_EVENTS = ("Secret", "Namespace", "LimitRange", "ResourceQuota", "NetworkPolicy", "Role",
              "ClusterRole", "RoleBinding", "ClusterRoleBinding")


# -- Service, Endpoints, EndpointSlice --------------------------------------------------------


def _format_endpoint_slices(slices: list[Mapping], port_name: str) -> str:
    """describe.go formatEndpointSlices for one service port name: ready endpoints'
    ``ip:port`` (first address), at most 3 then ``+ N more...``; ``<none>`` without slices,
    an empty string when no endpoint is ready."""
    if not slices:
        return "<none>"
    shown: list[str] = []
    count = 0
    more = False
    for eps in slices:
        endpoints = eps.get("endpoints") or []
        ports = eps.get("ports") or []
        if not ports:
            for ep in endpoints:
                if len(shown) == 3:
                    more = True
                if get(ep, "conditions", "ready") is False:
                    continue
                if not more:
                    shown.append((ep.get("addresses") or [""])[0])
                count += 1
            continue
        for port in ports:
            if (port.get("name") or "") != port_name:
                continue
            for ep in endpoints:
                if len(shown) == 3:
                    more = True
                if get(ep, "conditions", "ready") is False:
                    continue
                if not more:
                    ip = (ep.get("addresses") or [""])[0]
                    host = f"[{ip}]" if ":" in ip else ip
                    shown.append(f"{host}:{port.get('port')}")
                count += 1
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if more else text


def _describe_service(cluster: Cluster, svc: Mapping, w: _PrefixWriter) -> None:
    """ServiceDescriber (describeService); endpoints from the EndpointSlices labelled
    ``kubernetes.io/service-name``, in list order."""
    spec = svc.get("spec") or {}
    meta = svc["metadata"]
    _header(w, svc)
    _labels_annotations(w, svc)
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type', '')}\n")
    if spec.get("ipFamilyPolicy"):
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.write(0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    ingress = get(svc, "status", "loadBalancer", "ingress", default=[])
    if ingress:
        parts = []
        for ing in ingress:
            if ing.get("ip"):
                parts.append(ing["ip"] + (f" ({ing['ipMode']})" if ing.get("ipMode") else ""))
            else:
                parts.append(ing.get("hostname", ""))
        w.write(0, f"LoadBalancer Ingress:\t{', '.join(parts)}\n")
    slices = [e for e in cluster.store.list("EndpointSlice", meta.get("namespace") or "")
              if (e["metadata"].get("labels") or {}).get("kubernetes.io/service-name")
              == meta["name"]]
    for port in spec.get("ports") or []:
        name = port.get("name") or "<unset>"
        proto = port.get("protocol", "TCP")
        w.write(0, f"Port:\t{name}\t{port.get('port')}/{proto}\n")
        target = port.get("targetPort", port.get("port"))
        w.write(0, f"TargetPort:\t{target}/{proto}\n")
        if port.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{port['nodePort']}/{proto}\n")
        w.write(0, f"Endpoints:\t{_format_endpoint_slices(slices, port.get('name') or '')}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w.write(0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}"
                   "\n")
    if spec.get("trafficDistribution"):
        w.write(0, f"Traffic Distribution:\t{spec['trafficDistribution']}\n")


def _describe_endpoints(cluster: Cluster, ep: Mapping, w: _PrefixWriter) -> None:
    """describeEndpoints: one block per subset, each followed by a blank line."""
    _header(w, ep)
    _labels_annotations(w, ep)
    w.write(0, "Subsets:\n")
    for subset in ep.get("subsets") or []:
        ready = ",".join(a.get("ip", "") for a in subset.get("addresses") or [])
        w.write(1, f"Addresses:\t{ready or '<none>'}\n")
        not_ready = ",".join(a.get("ip", "") for a in subset.get("notReadyAddresses") or [])
        w.write(1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
        if subset.get("ports"):
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for port in subset["ports"]:
                w.write(2, f"{port.get('name') or '<unset>'}\t{port.get('port')}\t"
                           f"{port.get('protocol', 'TCP')}\n")
        w.write(0, "\n")


def _describe_endpointslice(cluster: Cluster, eps: Mapping, w: _PrefixWriter) -> None:
    """describeEndpointSliceV1."""
    _header(w, eps)
    _labels_annotations(w, eps)
    w.write(0, f"AddressType:\t{eps.get('addressType', '')}\n")
    ports = eps.get("ports") or []
    if not ports:
        w.write(0, "Ports: <unset>\n")
    else:
        w.write(0, "Ports:\n")
        w.write(1, "Name\tPort\tProtocol\n")
        w.write(1, "----\t----\t--------\n")
        for port in ports:
            num = port.get("port")
            w.write(1, f"{port.get('name') or '<unset>'}\t"
                       f"{'<unset>' if num is None else num}\t{port.get('protocol', 'TCP')}\n")
    endpoints = eps.get("endpoints") or []
    if not endpoints:
        w.write(0, "Endpoints: <none>\n")
        return
    w.write(0, "Endpoints:\n")
    for ep in endpoints:
        w.write(1, f"- Addresses:\t{', '.join(ep.get('addresses') or []) or '<none>'}\n")
        w.write(2, "Conditions:\n")
        ready = get(ep, "conditions", "ready")
        w.write(3, f"Ready:\t{'<unset>' if ready is None else str(ready).lower()}\n")
        w.write(2, f"Hostname:\t{ep.get('hostname', '<unset>')}\n")
        if ep.get("targetRef") is not None:
            w.write(2, f"TargetRef:\t{ep['targetRef'].get('kind', '')}/"
                       f"{ep['targetRef'].get('name', '')}\n")
        w.write(2, f"NodeName:\t{ep.get('nodeName', '<unset>')}\n")
        w.write(2, f"Zone:\t{ep.get('zone', '<unset>')}\n")


# -- storage ----------------------------------------------------------------------------------


def _go_string_list(items: list | None) -> str:
    """fmt's %v of a []string: ``[a b]``."""
    return "[" + " ".join(items or []) + "]"


def _claim_class(obj: Mapping) -> str:
    beta = (obj["metadata"].get("annotations") or {}).get(
        "volume.beta.kubernetes.io/storage-class")
    return beta if beta is not None else get(obj, "spec", "storageClassName", default="")


def _describe_pvc(cluster: Cluster, pvc: Mapping, w: _PrefixWriter) -> None:
    """describePersistentVolumeClaim (printPersistentVolumeClaim with isFullPVC, Used By,
    Conditions)."""
    meta, spec, status = pvc["metadata"], pvc.get("spec") or {}, pvc.get("status") or {}
    _header(w, pvc)
    w.write(0, f"StorageClass:\t{_claim_class(pvc)}\n")
    if meta.get("deletionTimestamp"):
        since = translate_timestamp_since(meta["deletionTimestamp"], cluster.clock.now_ms)
        w.write(0, f"Status:\tTerminating (lasts {since})\n")
    else:
        w.write(0, f"Status:\t{status.get('phase', '')}\n")
    w.write(0, f"Volume:\t{spec.get('volumeName', '')}\n")
    _labels_annotations(w, pvc)
    w.write(0, f"Finalizers:\t{_go_string_list(meta.get('finalizers'))}\n")
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes(status.get("accessModes"))
        storage = get(status, "capacity", "storage")
        capacity = canonical_quantity(storage) if storage is not None else "0"
    w.write(0, f"Capacity:\t{capacity}\n")
    w.write(0, f"Access Modes:\t{modes}\n")
    if spec.get("volumeMode"):
        w.write(0, f"VolumeMode:\t{spec['volumeMode']}\n")
    source = spec.get("dataSource")
    if source is not None:
        w.write(0, "DataSource:\n")
        if source.get("apiGroup") is not None:
            w.write(1, f"APIGroup:\t{source['apiGroup']}\n")
        w.write(1, f"Kind:\t{source.get('kind', '')}\n")
        w.write(1, f"Name:\t{source.get('name', '')}\n")
    # getPodsForPVC: pods with a volume naming the claim, then owner pods not yet listed
    pods = cluster.store.list("Pod", meta.get("namespace") or "")
    users = [p["metadata"]["name"] for p in pods
             for v in get(p, "spec", "volumes", default=[])
             if get(v, "persistentVolumeClaim", "claimName") == meta["name"]]
    for ref in meta.get("ownerReferences") or []:
        if ref.get("kind") != "Pod":
            continue
        for p in pods:
            if p["metadata"].get("uid") == ref.get("uid") and \
                    p["metadata"]["name"] not in users:
                users.append(p["metadata"]["name"])
    w.write(0, "Used By:\t")
    if not users:
        w.line("<none>")
    for i, name in enumerate(sorted(users)):
        w.write(0, ("\t" if i else "") + name + "\n")
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type')} \t{c.get('status')} \t{rfc1123z(c.get('lastProbeTime'))} "
                       f"\t{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t"
                       f"{c.get('message', '')}\n")


def _pv_source(w: _PrefixWriter, spec: Mapping) -> None:
    if spec.get("hostPath") is not None:
        hp = spec["hostPath"]
        w.write(2, "Type:\tHostPath (bare host directory volume)\n"
                   f"    Path:\t{hp.get('path', '')}\n"
                   f"    HostPathType:\t{hp.get('type') or '<none>'}\n")
    elif spec.get("nfs") is not None:
        nfs = spec["nfs"]
        w.write(2, "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n"
                   f"    Server:\t{nfs.get('server', '')}\n"
                   f"    Path:\t{nfs.get('path', '')}\n"
                   f"    ReadOnly:\t{'true' if nfs.get('readOnly') else 'false'}\n")
    elif spec.get("local") is not None:
        w.write(2, "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n"
                   f"    Path:\t{spec['local'].get('path', '')}\n")
    elif spec.get("csi") is not None:
        csi = spec["csi"]
        w.write(2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n"
                   f"    Driver:\t{csi.get('driver', '')}\n"
                   f"    FSType:\t{csi.get('fsType', '')}\n"
                   f"    VolumeHandle:\t{csi.get('volumeHandle', '')}\n"
                   f"    ReadOnly:\t{'true' if csi.get('readOnly') else 'false'}\n")
        attrs = csi.get("volumeAttributes") or {}
        w.write(2, "VolumeAttributes:\t")
        if not attrs:
            w.line("<none>")
        for i, key in enumerate(sorted(attrs)):
            line = f"{key}={attrs[key]}"
            line = line[:140] + "..." if len(line) > 140 else line
            w.write(2 if i else 0, ("\t" if i else "") + line + "\n")
    else:
        w.write(1, "<unknown>\n")


def _describe_pv(cluster: Cluster, pv: Mapping, w: _PrefixWriter) -> None:
    """describePersistentVolume."""
    meta, spec, status = pv["metadata"], pv.get("spec") or {}, pv.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    _labels_annotations(w, pv)
    w.write(0, f"Finalizers:\t{_go_string_list(meta.get('finalizers'))}\n")
    w.write(0, f"StorageClass:\t{_claim_class(pv)}\n")
    if meta.get("deletionTimestamp"):
        since = translate_timestamp_since(meta["deletionTimestamp"], cluster.clock.now_ms)
        w.write(0, f"Status:\tTerminating (lasts {since})\n")
    else:
        w.write(0, f"Status:\t{status.get('phase', '')}\n")
    ref = spec.get("claimRef")
    claim = f"{ref.get('namespace', '')}/{ref.get('name', '')}" if ref is not None else ""
    w.write(0, f"Claim:\t{claim}\n")
    w.write(0, f"Reclaim Policy:\t{spec.get('persistentVolumeReclaimPolicy', '')}\n")
    w.write(0, f"Access Modes:\t{access_modes(spec.get('accessModes'))}\n")
    if spec.get("volumeMode"):
        w.write(0, f"VolumeMode:\t{spec['volumeMode']}\n")
    storage = get(spec, "capacity", "storage")
    w.write(0, f"Capacity:\t{canonical_quantity(storage) if storage is not None else '0'}\n")
    # printVolumeNodeAffinity
    required = get(spec, "nodeAffinity", "required")
    w.write(0, "Node Affinity:\t")
    if required is None:
        w.line("<none>")
    else:
        w.line("")
        w.write(1, "Required Terms:\t")
        terms = required.get("nodeSelectorTerms") or []
        if not terms:
            w.line("<none>")
        else:
            w.line("")
            for i, term in enumerate(terms):
                w.write(2, f"Term {i}:\t")
                exprs = term.get("matchExpressions") or []
                if not exprs:
                    w.line("<none>")
                for j, req in enumerate(exprs):
                    if j:
                        w.write(2, "\t")
                    text = f"{req.get('key')} {str(req.get('operator', '')).lower()}"
                    if req.get("values"):
                        text += f" [{', '.join(req['values'])}]"
                    w.write(0, text + "\n")
    w.write(0, f"Message:\t{status.get('message', '')}\n")
    w.write(0, "Source:\n")
    _pv_source(w, spec)


def _describe_storageclass(cluster: Cluster, sc: Mapping, w: _PrefixWriter) -> None:
    """describeStorageClass: annotations and parameters on one line (labels.FormatLabels)."""
    annotations = sc["metadata"].get("annotations") or {}
    w.write(0, f"Name:\t{sc['metadata']['name']}\n")
    default = "Yes" if "true" in (
        annotations.get("storageclass.kubernetes.io/is-default-class"),
        annotations.get("storageclass.beta.kubernetes.io/is-default-class")) else "No"
    w.write(0, f"IsDefaultClass:\t{default}\n")
    w.write(0, f"Annotations:\t{format_labels(annotations)}\n")
    w.write(0, f"Provisioner:\t{sc.get('provisioner', '')}\n")
    w.write(0, f"Parameters:\t{format_labels(sc.get('parameters'))}\n")
    expand = sc.get("allowVolumeExpansion")
    w.write(0, f"AllowVolumeExpansion:\t"
               f"{'<unset>' if expand is None else ('True' if expand else 'False')}\n")
    options = sc.get("mountOptions") or []
    if not options:
        w.write(0, "MountOptions:\t<none>\n")
    else:
        w.write(0, "MountOptions:\n")
        for option in options:
            w.write(1, f"{option}\n")
    if sc.get("reclaimPolicy"):
        w.write(0, f"ReclaimPolicy:\t{sc['reclaimPolicy']}\n")
    if sc.get("volumeBindingMode"):
        w.write(0, f"VolumeBindingMode:\t{sc['volumeBindingMode']}\n")
    topologies = sc.get("allowedTopologies")
    if topologies is not None:
        w.write(0, "AllowedTopologies:\t")
        if not topologies:
            w.line("<none>")
        else:
            w.line("")
            for i, term in enumerate(topologies):
                w.write(1, f"Term {i}:\t")
                reqs = term.get("matchLabelExpressions") or []
                if not reqs:
                    w.line("<none>")
                for j, req in enumerate(reqs):
                    if j:
                        w.write(1, "\t")
                    text = f"{req.get('key')} in"
                    if req.get("values"):
                        text += f" [{', '.join(req['values'])}]"
                    w.write(0, text + "\n")


def _describe_namespace(cluster: Cluster, ns: Mapping, w: _PrefixWriter) -> None:
    """describeNamespace: status, conditions, then resource quotas and limit ranges."""
    name = ns["metadata"]["name"]
    w.write(0, f"Name:\t{name}\n")
    _labels_annotations(w, ns)
    w.write(0, f"Status:\t{get(ns, 'status', 'phase', default='')}\n")
    conditions = get(ns, "status", "conditions", default=[])
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type')}\t{c.get('status')}\t"
                       f"{rfc1123z(c.get('lastTransitionTime'))}\t{c.get('reason', '')}\t"
                       f"{c.get('message', '')}\n")
    w.write(0, "\n")
    quotas = cluster.store.list("ResourceQuota", name) if BY_KIND.get("ResourceQuota") else []
    if not quotas:
        w.write(0, "No resource quota.\n")
    else:
        w.write(0, "Resource Quotas\n")
        for q in sorted(quotas, key=lambda q: q["metadata"]["name"]):
            w.write(1, f"Name:\t{q['metadata']['name']}\n")
            w.write(1, "Resource\tUsed\tHard\n")
            w.write(1, "--------\t---\t---\n")
            hard = get(q, "status", "hard", default={})
            used = get(q, "status", "used", default={})
            for resource in sorted(hard):
                w.write(1, f"{resource}\t{canonical_quantity(used.get(resource, '0'))}\t"
                           f"{canonical_quantity(hard[resource])}\n")
    w.write(0, "\n")
    limits = cluster.store.list("LimitRange", name) if BY_KIND.get("LimitRange") else []
    if not limits:
        w.write(0, "No LimitRange resource.\n")
        return
    w.write(0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\t"
               "Max Limit/Request Ratio\n")
    w.write(0, " ----\t--------\t---\t---\t---------------\t-------------\t"
               "-----------------------\n")
    for lr in limits:
        for item in get(lr, "spec", "limits", default=[]):
            sections = ("min", "max", "defaultRequest", "default", "maxLimitRequestRatio")
            names = sorted({k for sec in sections for k in (item.get(sec) or {})})
            for resource in names:
                cells = [canonical_quantity((item.get(sec) or {})[resource])
                         if resource in (item.get(sec) or {}) else "-" for sec in sections]
                w.write(0, f" {item.get('type', '')}\t{resource}\t" + "\t".join(cells) + "\n")


_DESCRIBERS = {
    "Pod": _describe_pod,
    "Deployment": _describe_deployment,
    "ReplicaSet": _describe_replicaset,
    "StatefulSet": _describe_statefulset,
    "DaemonSet": _describe_daemonset,
    "Job": _describe_job,
    "CronJob": _describe_cronjob,
    "ConfigMap": _describe_configmap,
    "Secret": _describe_secret,
    "ServiceAccount": _describe_serviceaccount,
    "Node": _describe_node,
    "Service": _describe_service,
    "Endpoints": _describe_endpoints,
    "EndpointSlice": _describe_endpointslice,
    "PersistentVolumeClaim": _describe_pvc,
    "PersistentVolume": _describe_pv,
    "StorageClass": _describe_storageclass,
    "Namespace": _describe_namespace,
}
