"""``--k8sflow-update=new``: a first ``expect`` block for a scenario that has none.

A compact, stable selection: for each object the scenario's own manifests name (``given``,
``apply``/``create`` steps), in the order they first appear, its status counters and
conditions (type, status, reason) or, if it is gone, ``absent``; for workloads, how many
pods (and, for Deployments, ReplicaSets) their selector matches, per pod phase. Nothing
generated is written: no uids, resourceVersions, timestamps or generated names, so the block
survives a change of ``cluster.seed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_k8sflow.engine.resources import resolve_resource, resource_for_kind

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster
    from pytest_k8sflow.scenario.model import Scenario

__all__ = ["STATUS_FIELDS", "record_expectations"]

# Counters worth pinning per kind, in the order `kubectl get -o yaml` shows them.
STATUS_FIELDS: dict[str, tuple[str, ...]] = {
    "Deployment": ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas",
                   "unavailableReplicas"),
    "ReplicaSet": ("replicas", "readyReplicas", "availableReplicas"),
    "StatefulSet": ("replicas", "readyReplicas", "currentReplicas", "updatedReplicas",
                    "availableReplicas"),
    "DaemonSet": ("currentNumberScheduled", "desiredNumberScheduled", "numberReady",
                  "numberAvailable", "updatedNumberScheduled", "numberMisscheduled"),
    "Job": ("active", "succeeded", "failed", "ready"),
    "Pod": ("phase",),
    "PersistentVolumeClaim": ("phase",),
    "PersistentVolume": ("phase",),
    "Namespace": ("phase",),
}
WITH_CONDITIONS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet", "Pod",
                   "Node")
WORKLOADS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job")
# Annotations a controller writes that say something stable about the object.
ANNOTATIONS = {"Deployment": ("deployment.kubernetes.io/revision",)}


def _named(scenario: Scenario) -> list[tuple[str, str, str]]:
    """(kind, namespace, name) of every object the scenario's manifests write, in order."""
    seen: dict[tuple[str, str, str], None] = {}
    manifests = [*scenario.given_manifests]
    for step in scenario.steps:
        manifests.extend(step.manifests)
    for manifest in manifests:
        meta = manifest.get("metadata") or {}
        kind, name = manifest.get("kind"), meta.get("name")
        if not isinstance(kind, str) or not isinstance(name, str):
            continue
        rtype = resource_for_kind(kind) or resolve_resource(kind)
        namespace = "" if rtype is not None and not rtype.namespaced else \
            meta.get("namespace") or "default"
        seen.setdefault((kind, namespace, name), None)
    return list(seen)


def _metadata(namespace: str, **extra: Any) -> dict:
    meta = dict(extra)
    if namespace and namespace != "default":
        meta["namespace"] = namespace
    return meta


def _object_entry(kind: str, namespace: str, obj: Mapping) -> dict:
    entry: dict[str, Any] = {"kind": kind,
                             "metadata": _metadata(namespace, name=obj["metadata"]["name"])}
    annotations = (obj["metadata"].get("annotations") or {})
    kept = {k: annotations[k] for k in ANNOTATIONS.get(kind, ()) if k in annotations}
    if kept:
        entry["metadata"]["annotations"] = kept
    if kind == "Pod" and (obj.get("spec") or {}).get("nodeName"):
        entry["spec"] = {"nodeName": obj["spec"]["nodeName"]}
    status = obj.get("status") or {}
    selected: dict[str, Any] = {}
    for name in STATUS_FIELDS.get(kind, ()):
        if name in status and isinstance(status[name], str | int | float | bool):
            selected[name] = status[name]
    if kind in WITH_CONDITIONS and isinstance(status.get("conditions"), list):
        conditions = []
        for condition in status["conditions"]:
            item = {k: condition[k] for k in ("type", "status", "reason") if k in condition}
            if "type" in item:
                conditions.append(item)
        if conditions:
            # matched by type in any order: sorted, so the record does not depend on the
            # order in which controllers happened to add them
            selected["conditions"] = sorted(conditions, key=lambda c: str(c["type"]))
    if selected:
        entry["status"] = selected
    return entry


def _pod_counts(cluster: Cluster, kind: str, namespace: str, obj: Mapping) -> list[dict]:
    selector = ((obj.get("spec") or {}).get("selector") or {})
    labels = selector.get("matchLabels") if isinstance(selector, Mapping) else None
    if not labels or selector.get("matchExpressions"):
        return []
    out = []
    pods = [p for p in cluster.store.list("Pod", namespace)
            if all((p["metadata"].get("labels") or {}).get(k) == v for k, v in labels.items())]
    phases: dict[str, int] = {}
    for pod in pods:
        phase = (pod.get("status") or {}).get("phase") or "Pending"
        phases[phase] = phases.get(phase, 0) + 1
    for phase in sorted(phases):
        out.append({"kind": "Pod", "metadata": _metadata(namespace, labels=dict(labels)),
                    "status": {"phase": phase}, "count": phases[phase]})
    if kind == "Deployment":
        sets = [r for r in cluster.store.list("ReplicaSet", namespace)
                if all((r["metadata"].get("labels") or {}).get(k) == v
                       for k, v in labels.items())]
        out.append({"kind": "ReplicaSet", "metadata": _metadata(namespace, labels=dict(labels)),
                    "count": len(sets)})
    return out


def record_expectations(cluster: Cluster, scenario: Scenario) -> list[dict]:
    """The ``expect`` entries that describe the end state of ``scenario`` on ``cluster``."""
    out: list[dict] = []
    for kind, namespace, name in _named(scenario):
        rtype = resource_for_kind(kind) or resolve_resource(kind)
        if rtype is None:
            continue
        obj = cluster.store.get(rtype.kind, namespace, name)
        if obj is None:
            target = f"{rtype.kind.lower()}/{name}"
            out.append({"absent": target} if not namespace or namespace == "default" else
                       {"absent": {"kind": rtype.kind,
                                   "metadata": {"name": name, "namespace": namespace}}})
            continue
        out.append(_object_entry(rtype.kind, namespace, obj))
        if rtype.kind in WORKLOADS:
            out.extend(_pod_counts(cluster, rtype.kind, namespace, obj))
    return out
