"""Small apiserver-side defaults that need cluster state: Service cluster IPs and the
default StorageClass of a new claim.

- Cluster IPs: the service registry allocates before the object is stored
  (pkg/registry/core/service/storage/alloc.go allocClusterIPs); deterministic here
  (engine/controllers/endpoints.py allocate_cluster_ip), see
  docs/semantics/statefulset-services-storage.md.
- DefaultStorageClass admission (plugin/pkg/admission/storage/storageclass/setdefault):
  a claim created without ``storageClassName`` gets the default class, if there is one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_k8sflow.engine.controllers.endpoints import (
    allocate_cluster_ip,
    is_service_ip_set,
    needs_cluster_ip,
)
from pytest_k8sflow.engine.controllers.pvbinder import default_storage_class

if TYPE_CHECKING:
    from pytest_k8sflow.engine.apiserver import ApiServer


def make_cluster_ip_plugin(seed: object):
    def allocate(api: ApiServer, obj: dict, operation: str, old: dict | None) -> dict:
        if obj.get("kind") != "Service" or operation != "CREATE" or not needs_cluster_ip(obj):
            return obj
        used = {s["spec"].get("clusterIP") for s in api.store.list("Service")
                if is_service_ip_set(s)}
        meta = obj["metadata"]
        ip = allocate_cluster_ip(seed, meta.get("namespace") or "", meta["name"], used)
        return {**obj, "spec": {**obj.get("spec", {}), "clusterIP": ip, "clusterIPs": [ip]}}

    return allocate


def default_storage_class_plugin(api: ApiServer, obj: dict, operation: str,
                                 old: dict | None) -> dict:
    if obj.get("kind") != "PersistentVolumeClaim" or operation != "CREATE":
        return obj
    spec = obj.get("spec") or {}
    if spec.get("storageClassName") is not None:
        return obj
    default = default_storage_class(api.store.list("StorageClass", None))
    if default is None:
        return obj
    return {**obj, "spec": {**spec, "storageClassName": default["metadata"]["name"]}}
