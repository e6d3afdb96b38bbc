"""Node objects as a kubelet registers them, from the scenario's ``cluster.nodes``."""

from __future__ import annotations

from collections.abc import Mapping

from pytest_k8sflow.engine.timeutil import format_time

DEFAULT_CAPACITY = {"cpu": "4", "memory": "8Gi", "pods": "110"}
NODE_CONDITIONS = (
    # type, status, reason, message: what a healthy kubelet posts (k/k pkg/kubelet/nodestatus).
    ("MemoryPressure", "False", "KubeletHasSufficientMemory",
     "kubelet has sufficient memory available"),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
)


def node_names(count: int) -> list[str]:
    return [f"node-{i}" for i in range(1, count + 1)]


def node_manifest(spec: Mapping, index: int, kubelet_version: str, now_ms: int) -> dict:
    """A Node from the shorthand ``{name, labels, taints, capacity, unschedulable}`` or a
    Node manifest; ``index`` (0-based) picks its addresses and pod CIDR."""
    if spec.get("kind") == "Node":
        manifest = dict(spec)
        meta = dict(manifest.get("metadata") or {})
        name = meta["name"]
        node_spec = dict(manifest.get("spec") or {})
        status = dict(manifest.get("status") or {})
        capacity = {**DEFAULT_CAPACITY, **(status.get("capacity") or {})}
        allocatable = {**capacity, **(status.get("allocatable") or {})}
    else:
        name = spec["name"]
        meta = {"name": name}
        if spec.get("labels"):
            meta["labels"] = dict(spec["labels"])
        node_spec = {}
        if spec.get("taints"):
            node_spec["taints"] = [dict(t) for t in spec["taints"]]
        if spec.get("unschedulable"):
            node_spec["unschedulable"] = True
        capacity = {**DEFAULT_CAPACITY, **{k: str(v) for k, v in
                                          (spec.get("capacity") or {}).items()}}
        allocatable = dict(capacity)
        status = {}
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        **(meta.get("labels") or {}),
    }
    meta["labels"] = labels
    cidr = f"10.244.{index}.0/24"
    node_spec.setdefault("podCIDR", cidr)
    node_spec.setdefault("podCIDRs", [node_spec["podCIDR"]])
    if node_spec.get("unschedulable"):
        taints = list(node_spec.get("taints") or [])
        if not any(t.get("key") == "node.kubernetes.io/unschedulable" for t in taints):
            taints.append({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule",
                           "timeAdded": format_time(now_ms)})
        node_spec["taints"] = taints
    when = format_time(now_ms)
    conditions = status.get("conditions") or [
        {"type": t, "status": s, "reason": r, "message": m, "lastHeartbeatTime": when,
         "lastTransitionTime": when}
        for t, s, r, m in NODE_CONDITIONS
    ]
    status = {
        **status,
        "capacity": {k: str(v) for k, v in capacity.items()},
        "allocatable": {k: str(v) for k, v in allocatable.items()},
        "conditions": conditions,
        "addresses": status.get("addresses") or [
            {"type": "InternalIP", "address": f"172.18.0.{index + 2}"},
            {"type": "Hostname", "address": name},
        ],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        "nodeInfo": {
            "architecture": "amd64",
            "containerRuntimeVersion": "containerd://1.7.24",
            "kernelVersion": "6.1.0-k8sflow",
            "kubeProxyVersion": f"v{kubelet_version}.0",
            "kubeletVersion": f"v{kubelet_version}.0",
            "operatingSystem": "linux",
            "osImage": "k8sflow simulated node",
            "bootID": "", "machineID": "", "systemUUID": "",
        },
    }
    return {"apiVersion": "v1", "kind": "Node", "metadata": meta, "spec": node_spec,
            "status": status}


def node_internal_ip(node: Mapping) -> str:
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == "InternalIP":
            return address["address"]
    return ""


def is_node_ready(node: Mapping) -> bool:
    for cond in (node.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Ready":
            return cond.get("status") == "True"
    return False
