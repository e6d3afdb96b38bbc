"""Which components, admission plugins, defaulting and validation a Cluster runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_k8sflow.engine.controllers.garbagecollector import controller_uid, owner_uids
from pytest_k8sflow.engine.resources import all_types

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster


def register_indexes(cluster: Cluster) -> None:
    store = cluster.store
    for rtype in all_types():
        if rtype.kind == "Event":
            continue
        store.add_index(rtype.kind, "owner-uid", owner_uids)
        store.add_index(rtype.kind, "controller-uid", controller_uid)
        store.add_index(rtype.kind, "orphan-namespace", _orphan_namespace)
    store.add_index("Pod", "node", _pod_node)


def _orphan_namespace(obj: dict) -> list[str]:
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return []
    return [obj["metadata"].get("namespace") or ""]


def _pod_node(pod: dict) -> list[str]:
    node = (pod.get("spec") or {}).get("nodeName")
    return [node] if node else []


def default_components(cluster: Cluster) -> list:
    """The control-plane components, in the order each settle round runs them."""
    from pytest_k8sflow.engine.controllers.garbagecollector import GarbageCollector

    register_indexes(cluster)
    components = []
    try:
        from pytest_k8sflow.engine.controllers.deployment import DeploymentController
        from pytest_k8sflow.engine.controllers.replicaset import ReplicaSetController

        components += [DeploymentController(), ReplicaSetController()]
    except ImportError:  # pragma: no cover - during bring-up
        pass
    components.append(GarbageCollector())
    try:
        from pytest_k8sflow.engine.kubelet import Kubelet
        from pytest_k8sflow.engine.scheduler import Scheduler

        components += [Scheduler(), Kubelet()]
    except ImportError:  # pragma: no cover - during bring-up
        pass
    return components


def admission_plugins(cluster: Cluster) -> list:
    return []


def defaulter_for(cluster: Cluster):
    try:
        from pytest_k8sflow.engine.defaults import apply_defaults
    except ImportError:  # pragma: no cover - during bring-up
        return lambda obj: obj
    return apply_defaults


def validators_for(cluster: Cluster):
    try:
        from pytest_k8sflow.engine.validation import validate_create, validate_update
    except ImportError:  # pragma: no cover - during bring-up
        return (lambda obj: []), (lambda old, new: [])
    return validate_create, validate_update
