"""``kubectl describe pod`` (kubernetes/kubectl pkg/describe/describe.go PodDescriber,
describePod): container states, env values resolved against the pod, resources and topology
spread constraints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pytest_k8sflow.kubectl.describe.common import (
    _controller,
    _header,
    _labels_annotations,
    rfc1123z,
)
from pytest_k8sflow.kubectl.humanize import canonical_quantity, translate_timestamp_since
from pytest_k8sflow.kubectl.printers import (
    _describe_volumes,
    _labels_multiline,
    _PrefixWriter,
    _tolerations_multiline,
    describe_containers,
    template_env_value,
)
from pytest_k8sflow.kubectl.tables.common import format_label_selector, get

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster


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
