"""A simple PersistentVolume binder and provisioner (k/k pkg/controller/volume/persistentvolume
pv_controller.go syncUnboundClaim/bindVolumeToClaim/provisionClaim, index.go
findBestMatchForClaim; sig-storage-lib-external-provisioner for the provisioner's side).

- A claim binds to the smallest Available PersistentVolume that fits (same
  storageClassName, all access modes, same volumeMode, capacity >= request, selector), ties
  broken by name; else a class with a provisioner makes a volume ``pvc-<claim uid>``.
- ``volumeBindingMode: WaitForFirstConsumer`` waits until a pod using the claim is
  scheduled (the scheduler's VolumeBinding plugin then sets
  ``volume.kubernetes.io/selected-node``; we do it for it).
- Claims without a class get the default StorageClass (retroactive default assignment,
  GA 1.28; at creation the DefaultStorageClass admission plugin does the same).
- The cluster starts with kind's default class ``standard`` (rancher.io/local-path,
  WaitForFirstConsumer, reclaimPolicy Delete). Delete it for a cluster without one.
- A claim's removal releases its volume: Delete reclaims it (the volume goes), Retain leaves
  it Released.
Rules and sources: docs/semantics/statefulset-services-storage.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Hashable, Mapping

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.component import Component
from pytest_k8sflow.engine.quantity import parse_quantity
from pytest_k8sflow.engine.selectors import SelectorError, from_label_selector

PV_CONTROLLER = "persistentvolume-controller"
DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
PROVISIONED_BY = "pv.kubernetes.io/provisioned-by"
SELECTED_NODE = "volume.kubernetes.io/selected-node"
NO_PROVISIONER = "kubernetes.io/no-provisioner"
STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"

DEFAULT_STORAGE_CLASS = {
    "apiVersion": "storage.k8s.io/v1",
    "kind": "StorageClass",
    "metadata": {"name": "standard",
                 "annotations": {DEFAULT_CLASS_ANNOTATION: "true"}},
    "provisioner": "rancher.io/local-path",
    "reclaimPolicy": "Delete",
    "volumeBindingMode": "WaitForFirstConsumer",
}


# --------------------------------------------------------------------------- pure helpers

def _spec(obj: Mapping) -> Mapping:
    return obj.get("spec") or {}


def storage_of(resources: Mapping | None) -> int:
    """Bytes of a ``storage`` quantity (0 when absent)."""
    value = (resources or {}).get("storage")
    if value is None:
        return 0
    return int(parse_quantity(str(value)))


def claim_request(claim: Mapping) -> int:
    return storage_of((_spec(claim).get("resources") or {}).get("requests"))


def default_storage_class(classes: list[Mapping]) -> dict | None:
    """GetDefaultClass: among classes annotated default, the newest (then name)."""
    defaults = [c for c in classes
                if (c["metadata"].get("annotations") or {}).get(DEFAULT_CLASS_ANNOTATION)
                == "true"]
    if not defaults:
        return None
    defaults.sort(key=lambda c: (c["metadata"].get("creationTimestamp") or "",
                                 c["metadata"]["name"]), reverse=True)
    return defaults[0]


def claim_class(claim: Mapping) -> str:
    return _spec(claim).get("storageClassName") or ""


def volume_available_for(pv: Mapping, claim: Mapping) -> bool:
    """Unbound, or pre-bound (claimRef) to exactly this claim."""
    if (pv.get("status") or {}).get("phase") in ("Released", "Failed"):
        return False
    ref = _spec(pv).get("claimRef")
    if not ref:
        return True
    meta = claim["metadata"]
    return (ref.get("name") == meta["name"]
            and (ref.get("namespace") or "default") == (meta.get("namespace") or "default")
            and (not ref.get("uid") or ref.get("uid") == meta.get("uid")))


def volume_matches(pv: Mapping, claim: Mapping) -> bool:
    """The checks of findMatchingVolume for one volume."""
    pv_spec, claim_spec = _spec(pv), _spec(claim)
    if (pv_spec.get("storageClassName") or "") != claim_class(claim):
        return False
    modes = set(pv_spec.get("accessModes") or [])
    if not set(claim_spec.get("accessModes") or []) <= modes:
        return False
    if (pv_spec.get("volumeMode") or "Filesystem") != (claim_spec.get("volumeMode")
                                                       or "Filesystem"):
        return False
    if storage_of(pv_spec.get("capacity")) < claim_request(claim):
        return False
    if claim_spec.get("selector") is not None:
        try:
            selector = from_label_selector(claim_spec["selector"])
        except SelectorError:
            return False
        if not selector.matches(pv["metadata"].get("labels")):
            return False
    return volume_available_for(pv, claim)


def find_best_match(volumes: list[Mapping], claim: Mapping) -> dict | None:
    """findBestMatchForClaim: a volume pre-bound to the claim wins; otherwise the smallest
    matching one, ties broken by name."""
    candidates = [pv for pv in volumes if volume_matches(pv, claim)]
    for pv in candidates:
        if _spec(pv).get("claimRef"):
            return dict(pv)
    if not candidates:
        return None
    candidates.sort(key=lambda pv: (storage_of(_spec(pv).get("capacity")),
                                    pv["metadata"]["name"]))
    return dict(candidates[0])


def claim_ref(claim: Mapping) -> dict:
    meta = claim["metadata"]
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "name": meta["name"], "namespace": meta.get("namespace") or "default",
            "uid": meta.get("uid", ""), "resourceVersion": meta.get("resourceVersion", "")}


def provisioned_volume(claim: Mapping, sc: Mapping, node: str | None) -> dict:
    """The PersistentVolume a provisioner makes for a claim (local-path's shape)."""
    meta = claim["metadata"]
    namespace = meta.get("namespace") or "default"
    name = f"pvc-{meta['uid']}"
    spec: dict = {
        "accessModes": list(_spec(claim).get("accessModes") or ["ReadWriteOnce"]),
        "capacity": {"storage": str(((_spec(claim).get("resources") or {}).get("requests")
                                     or {}).get("storage", "0"))},
        "claimRef": claim_ref(claim),
        "persistentVolumeReclaimPolicy": sc.get("reclaimPolicy") or "Delete",
        "storageClassName": sc["metadata"]["name"],
        "volumeMode": _spec(claim).get("volumeMode") or "Filesystem",
        "hostPath": {"path": f"/var/local-path-provisioner/{name}_{namespace}_{meta['name']}",
                     "type": "DirectoryOrCreate"},
    }
    if node:
        spec["nodeAffinity"] = {"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}}
    return {"apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": name,
                         "annotations": {PROVISIONED_BY: sc.get("provisioner", "")}},
            "spec": spec}


# --------------------------------------------------------------------------- the component

class PersistentVolumeBinder(Component):
    name = PV_CONTROLLER

    def setup(self, cluster) -> None:
        super().setup(cluster)
        store = cluster.store
        store.watch("PersistentVolumeClaim", self._on_claim)
        store.watch("PersistentVolume", self._on_volume)
        store.watch("StorageClass", self._on_class)
        store.watch("Pod", self._on_pod)
        # The cluster's default StorageClass, as kind installs it (see the module doc).
        with contextlib.suppress(apierrors.ApiError):
            cluster.api.create(dict(DEFAULT_STORAGE_CLASS), "addon-manager")

    # -- watches ---------------------------------------------------------------------------
    def _on_claim(self, old: dict | None, new: dict | None) -> None:
        if new is None:
            self._release_volumes_of(old)
            return
        meta = new["metadata"]
        self.enqueue(("claim", meta.get("namespace") or "", meta["name"]))

    def _on_volume(self, old: dict | None, new: dict | None) -> None:
        # A new or freed volume may satisfy pending claims.
        for claim in self.cluster.store.list("PersistentVolumeClaim"):
            if (claim.get("status") or {}).get("phase") != "Bound":
                meta = claim["metadata"]
                self.enqueue(("claim", meta.get("namespace") or "", meta["name"]))

    def _on_class(self, old: dict | None, new: dict | None) -> None:
        self._on_volume(old, new)

    def _on_pod(self, old: dict | None, new: dict | None) -> None:
        if new is None or not _spec(new).get("nodeName"):
            return
        if old is not None and _spec(old).get("nodeName"):
            return
        namespace = new["metadata"].get("namespace") or ""
        for volume in _spec(new).get("volumes") or []:
            source = volume.get("persistentVolumeClaim")
            if source and source.get("claimName"):
                self.enqueue(("claim", namespace, source["claimName"]))

    # -- sync ------------------------------------------------------------------------------
    def sync(self, key: Hashable) -> None:
        _, namespace, name = key  # type: ignore[misc]
        claim = self.cluster.store.get("PersistentVolumeClaim", namespace, name)
        if claim is None or claim["metadata"].get("deletionTimestamp"):
            return
        if (claim.get("status") or {}).get("phase") == "Bound":
            return
        store = self.cluster.store
        classes = store.list("StorageClass")
        if "storageClassName" not in _spec(claim) or _spec(claim).get(
                "storageClassName") is None:
            default = default_storage_class(classes)
            if default is not None:
                # Retroactive default StorageClass assignment (pv_controller
                # assignDefaultStorageClass); the write wakes us again.
                spec = {**_spec(claim), "storageClassName": default["metadata"]["name"]}
                with contextlib.suppress(apierrors.ApiError):
                    self.cluster.api.update({**claim, "spec": spec}, self.name)
                return
        volume_name = _spec(claim).get("volumeName")
        if volume_name:
            pv = store.get("PersistentVolume", "", volume_name)
            if pv is not None and volume_available_for(pv, claim):
                self._bind(pv, claim, bound_by_controller=False)
            return
        class_name = claim_class(claim)
        sc = store.get("StorageClass", "", class_name) if class_name else None
        delayed = sc is not None and sc.get("volumeBindingMode") == "WaitForFirstConsumer"
        node = (claim["metadata"].get("annotations") or {}).get(SELECTED_NODE)
        if delayed and not node:
            node = self._select_node(claim)
            if node is None:
                self.event(claim, "Normal", "WaitForFirstConsumer",
                           "waiting for first consumer to be created before binding")
                return
        pv = find_best_match(store.list("PersistentVolume"), claim)
        if pv is not None:
            self._bind(pv, claim, bound_by_controller=True)
            return
        if not class_name:
            self.event(claim, "Normal", "FailedBinding",
                       "no persistent volumes available for this claim and no storage class "
                       "is set")
            return
        if sc is None:
            self.event(claim, "Warning", "ProvisioningFailed",
                       f'storageclass.storage.k8s.io "{class_name}" not found')
            return
        if sc.get("provisioner") == NO_PROVISIONER:
            # findProvisionablePlugin: an in-tree name with no plugin behind it (local
            # volumes are bound statically, never provisioned).
            self.event(claim, "Warning", "ProvisioningFailed",
                       f"no volume plugin matched name: {NO_PROVISIONER}")
            return
        self._provision(claim, sc, node)

    def _select_node(self, claim: dict) -> str | None:
        """Stand-in for the scheduler's VolumeBinding PreBind: the node of the first
        scheduled pod using the claim goes into ``volume.kubernetes.io/selected-node``."""
        namespace = claim["metadata"].get("namespace") or ""
        for pod in self.cluster.store.list("Pod", namespace):
            node = _spec(pod).get("nodeName")
            if not node:
                continue
            for volume in _spec(pod).get("volumes") or []:
                if (volume.get("persistentVolumeClaim") or {}).get("claimName") == \
                        claim["metadata"]["name"]:
                    return node
        return None

    def _provision(self, claim: dict, sc: dict, node: str | None) -> None:
        provisioner = sc.get("provisioner") or ""
        meta = dict(claim["metadata"])
        annotations = {**(meta.get("annotations") or {}), STORAGE_PROVISIONER: provisioner,
                       BETA_STORAGE_PROVISIONER: provisioner}
        if node:
            annotations[SELECTED_NODE] = node
        if annotations != (meta.get("annotations") or {}):
            self.event(claim, "Normal", "ExternalProvisioning",
                       "Waiting for a volume to be created either by the external provisioner "
                       f"'{provisioner}' or manually by the system administrator. If volume "
                       "creation is delayed, please verify that the provisioner is running and "
                       "correctly registered.")
            meta["annotations"] = annotations
            try:
                claim = self.cluster.api.update({**claim, "metadata": meta}, self.name)
            except apierrors.ApiError:
                return
        namespace = claim["metadata"].get("namespace") or "default"
        self.cluster.recorder.emit(
            claim, "Normal", "Provisioning",
            f'External provisioner is provisioning volume for claim "{namespace}/'
            f'{claim["metadata"]["name"]}"', component=provisioner)
        volume = provisioned_volume(claim, sc, node)
        try:
            pv = self.cluster.api.create(volume, provisioner)
        except apierrors.ApiError as exc:
            if exc.reason != "AlreadyExists":
                self.cluster.recorder.emit(claim, "Warning", "ProvisioningFailed", exc.message,
                                           component=provisioner)
                return
            pv = self.cluster.store.get("PersistentVolume", "", volume["metadata"]["name"])
        self.cluster.recorder.emit(claim, "Normal", "ProvisioningSucceeded",
                                   f"Successfully provisioned volume {pv['metadata']['name']}",
                                   component=provisioner)
        self._bind(pv, claim, bound_by_controller=False)

    def _bind(self, pv: dict, claim: dict, bound_by_controller: bool) -> None:
        """bindVolumeToClaim, then bindClaimToVolume, then the two status writes."""
        api = self.cluster.api
        pv_meta = dict(pv["metadata"])
        if bound_by_controller and not _spec(pv).get("claimRef"):
            pv_meta["annotations"] = {**(pv_meta.get("annotations") or {}),
                                      BOUND_BY_CONTROLLER: "yes"}
        ref = claim_ref(claim)
        try:
            pv = api.update({**pv, "metadata": pv_meta, "spec": {**_spec(pv), "claimRef": ref}},
                            self.name)
            pv = api.update_status({**pv, "status": {**(pv.get("status") or {}),
                                                     "phase": "Bound"}}, self.name)
            meta = dict(claim["metadata"])
            annotations = {**(meta.get("annotations") or {}), BIND_COMPLETED: "yes"}
            if bound_by_controller or not _spec(claim).get("volumeName"):
                annotations[BOUND_BY_CONTROLLER] = "yes"
            meta["annotations"] = annotations
            claim = api.update({**claim, "metadata": meta,
                                "spec": {**_spec(claim), "volumeName": pv["metadata"]["name"]}},
                               self.name)
            pv_spec = _spec(pv)
            status = {**(claim.get("status") or {}), "phase": "Bound",
                      "accessModes": list(pv_spec.get("accessModes") or []),
                      "capacity": dict(pv_spec.get("capacity") or {})}
            api.update_status({**claim, "status": status}, self.name)
        except apierrors.ApiError:
            return

    def _release_volumes_of(self, claim: dict | None) -> None:
        """reclaimVolume: the claim is gone; Delete removes its volume, Retain releases it."""
        if claim is None:
            return
        uid = claim["metadata"].get("uid")
        for pv in self.cluster.store.list("PersistentVolume"):
            ref = _spec(pv).get("claimRef") or {}
            if not uid or ref.get("uid") != uid:
                continue
            try:
                # The volume is Released first; with reclaimPolicy Delete it is then deleted
                # (its pv-protection finalizer lets go once it is no longer Bound).
                pv = self.cluster.api.update_status(
                    {**pv, "status": {**(pv.get("status") or {}), "phase": "Released"}},
                    self.name)
                if _spec(pv).get("persistentVolumeReclaimPolicy") == "Delete":
                    self.cluster.api.delete("PersistentVolume", "", pv["metadata"]["name"],
                                            self.name)
            except apierrors.ApiError:
                continue
