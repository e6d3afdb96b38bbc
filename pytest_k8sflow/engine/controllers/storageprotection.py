"""Storage object in-use protection: the ``kubernetes.io/pvc-protection`` and
``kubernetes.io/pv-protection`` finalizers.

- Admission (plugin/pkg/admission/storage/storageobjectinuseprotection): every claim and
  volume is created with its protection finalizer.
- pvc-protection-controller (pkg/controller/volume/pvcprotection): a claim being deleted
  keeps its finalizer while a pod that is not shut down (phase Succeeded or Failed) uses it.
- pv-protection-controller (pkg/controller/volume/pvprotection): a volume being deleted
  keeps its finalizer while it is Bound.
"""

from __future__ import annotations

from collections.abc import Hashable

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.component import Component

PVC_PROTECTION = "kubernetes.io/pvc-protection"
PV_PROTECTION = "kubernetes.io/pv-protection"
_FINALIZER = {"PersistentVolumeClaim": PVC_PROTECTION, "PersistentVolume": PV_PROTECTION}


def protection_admission(api, obj: dict, operation: str, old: dict | None) -> dict:
    """StorageObjectInUseProtection: add the finalizer on create."""
    finalizer = _FINALIZER.get(obj.get("kind", ""))
    if finalizer is None or operation != "CREATE":
        return obj
    meta = obj.get("metadata") or {}
    finalizers = list(meta.get("finalizers") or [])
    if finalizer in finalizers:
        return obj
    return {**obj, "metadata": {**meta, "finalizers": [*finalizers, finalizer]}}


def _uses_claim(pod: dict, claim_name: str) -> bool:
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return False  # podIsShutDown
    return any((v.get("persistentVolumeClaim") or {}).get("claimName") == claim_name
               for v in (pod.get("spec") or {}).get("volumes") or [])


class StorageProtectionController(Component):
    """pvc-protection-controller and pv-protection-controller in one component."""

    name = "pvc-protection-controller"

    def setup(self, cluster) -> None:
        super().setup(cluster)
        cluster.store.watch("PersistentVolumeClaim", self._on_object("PersistentVolumeClaim"))
        cluster.store.watch("PersistentVolume", self._on_object("PersistentVolume"))
        cluster.store.watch("Pod", self._on_pod)

    def _on_object(self, kind: str):
        def on_change(old: dict | None, new: dict | None) -> None:
            if new is not None and new["metadata"].get("deletionTimestamp"):
                self.enqueue((kind, new["metadata"].get("namespace") or "",
                              new["metadata"]["name"]))
        return on_change

    def _on_pod(self, old: dict | None, new: dict | None) -> None:
        # A pod gone or shut down may release the claims it used.
        pod = old if old is not None else new
        if pod is None:
            return
        namespace = pod["metadata"].get("namespace") or ""
        for volume in (pod.get("spec") or {}).get("volumes") or []:
            claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            if claim:
                self.enqueue(("PersistentVolumeClaim", namespace, claim))

    def sync(self, key: Hashable) -> None:
        kind, namespace, name = key  # type: ignore[misc]
        obj = self.cluster.store.get(kind, namespace, name)
        if obj is None or not obj["metadata"].get("deletionTimestamp"):
            return
        finalizer = _FINALIZER[kind]
        if finalizer not in (obj["metadata"].get("finalizers") or []):
            return
        if kind == "PersistentVolumeClaim":
            if any(_uses_claim(p, name) for p in self.cluster.store.list("Pod", namespace)):
                return
            actor = "pvc-protection-controller"
        else:
            if (obj.get("status") or {}).get("phase") == "Bound":
                return
            actor = "pv-protection-controller"
        try:
            self.cluster.api.remove_finalizer(obj, finalizer, actor)
        except apierrors.ApiError:
            return
