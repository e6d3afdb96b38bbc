"""Which components, admission plugins, defaulting and validation a Cluster runs."""

from __future__ import annotations

from collections.abc import Callable
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
    from pytest_k8sflow.engine.controllers.cronjob import CronJobController
    from pytest_k8sflow.engine.controllers.daemonset import DaemonSetController
    from pytest_k8sflow.engine.controllers.deployment import DeploymentController
    from pytest_k8sflow.engine.controllers.endpoints import EndpointsController
    from pytest_k8sflow.engine.controllers.garbagecollector import GarbageCollector
    from pytest_k8sflow.engine.controllers.job import JobController
    from pytest_k8sflow.engine.controllers.nodelifecycle import NodeLifecycleController
    from pytest_k8sflow.engine.controllers.podgc import PodGarbageCollector
    from pytest_k8sflow.engine.controllers.pvbinder import PersistentVolumeBinder
    from pytest_k8sflow.engine.controllers.replicaset import ReplicaSetController
    from pytest_k8sflow.engine.controllers.serviceaccounts import ServiceAccountsController
    from pytest_k8sflow.engine.controllers.statefulset import StatefulSetController
    from pytest_k8sflow.engine.controllers.storageprotection import (
        StorageProtectionController,
    )
    from pytest_k8sflow.engine.kubelet import Kubelet
    from pytest_k8sflow.engine.scheduler import Scheduler

    register_indexes(cluster)
    return [ServiceAccountsController(), DeploymentController(), ReplicaSetController(),
            StatefulSetController(), DaemonSetController(), JobController(),
            CronJobController(), EndpointsController(), PersistentVolumeBinder(),
            NodeLifecycleController(), PodGarbageCollector(), StorageProtectionController(),
            GarbageCollector(), Scheduler(), Kubelet()]


def admission_plugins(cluster: Cluster) -> list:
    """Mutating admission in the apiserver's order: PodPreset, ServiceAccount, then the
    plugins that fill in cluster-dependent defaults."""
    from pytest_k8sflow.engine.admission.defaulting_plugins import (
        default_storage_class_plugin,
        make_cluster_ip_plugin,
    )
    from pytest_k8sflow.engine.admission.podpreset import make_podpreset_plugin
    from pytest_k8sflow.engine.admission.serviceaccount import make_serviceaccount_plugin
    from pytest_k8sflow.engine.admission.tolerations import make_default_tolerations_plugin
    from pytest_k8sflow.engine.controllers.storageprotection import protection_admission

    cluster.podpreset_admission = make_podpreset_plugin(cluster.version)
    return [cluster.podpreset_admission, make_serviceaccount_plugin(cluster.version),
            default_storage_class_plugin, make_cluster_ip_plugin(cluster.seed),
            protection_admission, make_default_tolerations_plugin()]


def defaulter_for(cluster: Cluster) -> Callable[[dict], dict]:
    from pytest_k8sflow.engine.admission.podpreset import default_podpreset
    from pytest_k8sflow.engine.defaults import apply_defaults

    version = cluster.version

    def defaulter(obj: dict) -> dict:
        if obj.get("kind") == "PodPreset":
            return default_podpreset(obj)
        return apply_defaults(obj, kubernetes_version=version)

    return defaulter


def validators_for(cluster: Cluster) -> tuple[Callable, Callable]:
    from pytest_k8sflow.engine.admission.podpreset import validate_podpreset
    from pytest_k8sflow.engine.validation import validate_create, validate_update

    version = cluster.version

    def on_create(obj: dict) -> list[str]:
        errors = validate_create(obj, kubernetes_version=version)
        if obj.get("kind") == "PodPreset":
            errors = errors + validate_podpreset(obj)
        return errors

    def on_update(old: dict, new: dict) -> list[str]:
        errors = validate_update(old, new, kubernetes_version=version)
        if new.get("kind") == "PodPreset":
            errors = errors + validate_podpreset(new)
        return errors

    return on_create, on_update
