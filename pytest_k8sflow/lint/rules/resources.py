"""Resource rules: requests and limits, PVC storage requests, pods that fit no declared node."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_k8sflow.lint.explain import scenario
from pytest_k8sflow.lint.model import Finding, LintSet, Manifest, rule
from pytest_k8sflow.lint.pods import (
    WORKLOAD_KINDS,
    container_requests,
    fit_problems,
    long_running,
    pod_of,
    pod_requests,
)


def _declared(container: dict, field: str) -> set[str]:
    resources = container.get("resources")
    if not isinstance(resources, dict) or not isinstance(resources.get(field), dict):
        return set()
    return {str(k) for k in resources[field]}


@rule("daemonset-resources", "warning",
      "a DaemonSet runs a pod on every node beside everything else: without cpu and memory "
      "requests and limits it can take the node's resources from the other pods",
      kinds=("DaemonSet",),
      source="the project seed (DaemonSet section: a DaemonSet should carry a resources field "
             "limiting its CPU and memory); kube-score container-resources",
      family="resources")
def daemonset_resources(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    pod = pod_of(m)
    if pod is None:
        return
    for ref in long_running(pod):
        requests = set(container_requests(ref.container))  # limits default requests
        limits = _declared(ref.container, "limits")
        missing = [f"{kind} {res}" for kind, have in (("requests", requests),
                                                     ("limits", limits))
                   for res in ("cpu", "memory") if res not in have]
        if missing:
            yield m.finding(daemonset_resources, (*ref.path, "resources")
                            if "resources" in ref.container else ref.path,
                            f'container "{ref.name}" has no {", ".join(missing)}',
                            key="resources" not in ref.container)


@rule("missing-requests", "warning",
      "without cpu and memory requests the scheduler places the pod as if it used nothing: "
      "nodes get overcommitted and the pod is evicted first under pressure (BestEffort)",
      kinds=tuple(k for k in WORKLOAD_KINDS if k != "DaemonSet"),
      source="kube-linter unset-cpu-requirements / unset-memory-requirements; Polaris "
             "cpuRequestsMissing / memoryRequestsMissing; k/k pkg/apis/core/helper/qos "
             "(BestEffort)", family="resources")
def missing_requests(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    pod = pod_of(m)
    if pod is None:
        return
    for ref in long_running(pod):
        requests = container_requests(ref.container)
        missing = [res for res in ("cpu", "memory") if res not in requests]
        if missing:
            yield m.finding(missing_requests, (*ref.path, "resources")
                            if "resources" in ref.container else ref.path,
                            f'container "{ref.name}" has no {" or ".join(missing)} request',
                            key="resources" not in ref.container)


@rule("pvc-storage-request", "error",
      "a PersistentVolumeClaim must request storage: the API server refuses a claim without "
      "spec.resources.requests.storage (for a StatefulSet, when it creates each pod's claim)",
      kinds=("StatefulSet", "PersistentVolumeClaim"),
      source="k/k pkg/apis/core/validation ValidatePersistentVolumeClaimSpec "
             "(spec.resources[storage]: Required value)", family="resources")
def pvc_storage_request(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    if m.kind == "PersistentVolumeClaim":
        claims = [(("spec",), m.get(("spec",)))]
    else:
        templates = m.get(("spec", "volumeClaimTemplates"))
        claims = [(("spec", "volumeClaimTemplates", i, "spec"), t.get("spec"))
                  for i, t in enumerate(templates if isinstance(templates, list) else ())
                  if isinstance(t, dict)]
    for path, spec in claims:
        if not isinstance(spec, dict):
            continue
        requests = (spec.get("resources") or {}).get("requests") if isinstance(
            spec.get("resources"), dict) else None
        if isinstance(requests, dict) and "storage" in requests:
            continue
        name = ""
        if m.kind == "StatefulSet":
            claim_name = m.get((*path[:-1], "metadata", "name"))
            name = f' "{claim_name}"' if isinstance(claim_name, str) else ""
        where = (*path, "resources", "requests") if isinstance(requests, dict) else (
            (*path, "resources") if isinstance(spec.get("resources"), dict) else path)
        what = f"volume claim template{name}" if m.kind == "StatefulSet" else "claim"
        yield m.finding(pvc_storage_request, where,
                        f"the {what} has no storage request (resources.requests.storage)",
                        key=True)


# -- scheduling ---------------------------------------------------------------------------------
def _replicas(m: Manifest) -> int | None:
    if m.kind in ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"):
        value = m.get(("spec", "replicas"), 1)
        return value if isinstance(value, int) and not isinstance(value, bool) else 1
    if m.kind == "Job":
        value = m.get(("spec", "parallelism"), 1)
        return value if isinstance(value, int) and not isinstance(value, bool) else 1
    return None


def _summary(per_node: list[tuple[str, list[str]]]) -> str:
    # nodes with the same reasons are named together: "node-1, node-2: insufficient cpu ..."
    grouped: dict[str, list[str]] = {}
    for node, problems in per_node:
        grouped.setdefault("; ".join(problems), []).append(node)
    return " | ".join(f"{', '.join(nodes)}: {reasons}" for reasons, nodes in grouped.items())


@rule("unschedulable", "error",
      "a pod that fits no node stays Pending forever: the workload never becomes available",
      kinds=WORKLOAD_KINDS,
      source="k/k pkg/scheduler/framework/plugins: NodeUnschedulable, NodeAffinity, "
             "TaintToleration, NodeResourcesFit (fitsRequest); requests as "
             "k8s.io/component-helpers resource PodRequests", family="resources")
def unschedulable(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    if not m.schema_ok:
        return  # refused by the API server: never scheduled
    nodes = [n for n in lint_set.node_objects() if isinstance(n, dict)]
    if not nodes:
        return  # no node declared: nothing to check against
    pod = pod_of(m)
    if pod is None or pod.spec.get("nodeName"):
        return  # nodeName bypasses the scheduler
    if _replicas(m) == 0:
        return
    requests = pod_requests(pod.spec)
    names = [str((n.get("metadata") or {}).get("name") or "?") for n in nodes]
    if m.kind == "DaemonSet":
        # the DaemonSet controller only places pods on nodes they are eligible for
        # (selector, affinity, taints: pkg/controller/daemon NodeShouldRunDaemonPod); there,
        # a pod that does not fit the node's resources stays Pending
        short = []
        for name, node in zip(names, nodes, strict=True):
            eligible = not fit_problems(pod.spec, node, requests, check_resources=False)
            problems = fit_problems(pod.spec, node, requests) if eligible else []
            if problems:
                short.append((name, problems))
        if short:
            yield m.finding(unschedulable, pod.spec_path,
                            "its pods stay Pending on these nodes: " + _summary(short),
                            key=True)
        return
    per_node = []
    for name, node in zip(names, nodes, strict=True):
        problems = fit_problems(pod.spec, node, requests)
        if not problems:
            return
        per_node.append((name, problems))
    yield m.finding(unschedulable, pod.spec_path,
                    f"its pods fit none of the {len(nodes)} declared node"
                    f"{'s' if len(nodes) != 1 else ''}: {_summary(per_node)}", key=True)


@unschedulable.explainer
def _explain_unschedulable(finding: Finding, lint_set: LintSet) -> dict | None:
    m = finding.manifest
    pod = pod_of(m) if m is not None else None
    if m is None or pod is None:
        return None
    meta: dict = {"namespace": m.namespace}
    if m.kind == "Pod":
        meta["name"] = m.name
    elif pod.labels:
        meta["labels"] = dict(pod.labels)
    expect = [{"kind": "Pod", "metadata": meta, "status": {
        "phase": "Pending",
        "conditions": [{"type": "PodScheduled", "status": "False",
                        "reason": "Unschedulable"}]}}]
    return scenario(finding, lint_set, given=[m], steps=[{"advance": "5m"}], expect=expect)
