"""The small per-node filter plugins: NodeUnschedulable, NodeName and NodePorts."""

from __future__ import annotations

from collections.abc import Mapping

from pytest_k8sflow.engine.scheduling.cache import NodeInfo, PodInfo, pod_info
from pytest_k8sflow.engine.scheduling.helpers import _meta, _spec
from pytest_k8sflow.engine.scheduling.messages import (
    REASON_NODE_NAME,
    REASON_NODE_PORTS,
    REASON_UNSCHEDULABLE,
    Status,
    _reject,
)
from pytest_k8sflow.engine.scheduling.taints import tolerates

TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"


def node_unschedulable_filter(pod: Mapping, node: Mapping) -> Status | None:
    """plugins/nodeunschedulable: a cordoned node only takes pods tolerating the
    ``node.kubernetes.io/unschedulable:NoSchedule`` taint."""
    if not _spec(node).get("unschedulable"):
        return None
    if tolerates(_spec(pod).get("tolerations"),
                 {"key": TAINT_UNSCHEDULABLE, "effect": "NoSchedule"}):
        return None
    return _reject("NodeUnschedulable", REASON_UNSCHEDULABLE)


def node_name_filter(pod: Mapping, node: Mapping) -> Status | None:
    """plugins/nodename."""
    wanted = _spec(pod).get("nodeName")
    if wanted and wanted != _meta(node).get("name"):
        return _reject("NodeName", REASON_NODE_NAME)
    return None


def _port_conflict(used: Mapping[tuple[str, str, int], int], ip: str, protocol: str,
                   port: int) -> bool:
    # framework.HostPortInfo.CheckConflict: 0.0.0.0 conflicts with any IP on that protocol/port.
    if ip == "0.0.0.0":
        return any(p == port and proto == protocol for (_, proto, p) in used)
    return (("0.0.0.0", protocol, port) in used) or ((ip, protocol, port) in used)


def node_ports_filter(pod: Mapping | PodInfo, node_info: NodeInfo) -> Status | None:
    """plugins/nodeports: a wanted hostPort already used on the node."""
    info = pod if isinstance(pod, PodInfo) else pod_info(pod)
    for ip, protocol, port in info.host_ports:
        if _port_conflict(node_info.used_ports, ip, protocol, port):
            return _reject("NodePorts", REASON_NODE_PORTS, unresolvable=False)
    return None
