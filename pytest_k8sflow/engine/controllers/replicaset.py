"""The ReplicaSet controller (k/k pkg/controller/replicaset/replica_set.go syncReplicaSet,
manageReplicas; decisions in rollout.py / controller_utils.py)."""

from __future__ import annotations

from collections.abc import Hashable

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.component import Component, object_key
from pytest_k8sflow.engine.controllers.controller_utils import (
    filter_active_pods,
    get_controller_of,
    new_controller_ref,
    pods_to_delete,
    slow_start_batches,
)
from pytest_k8sflow.engine.controllers.ownership import claim, owners_for_orphan
from pytest_k8sflow.engine.controllers.rollout import (
    calculate_replicaset_status,
    replicas_to_create_or_delete,
    replicaset_requeue_after_ms,
    replicaset_status_needs_update,
)
from pytest_k8sflow.engine.selectors import SelectorError, from_label_selector

REPLICASET_CONTROLLER = "replicaset-controller"


def pod_from_template(owner: dict, template: dict) -> dict:
    """controller_utils.go GetPodFromTemplate: labels, annotations and finalizers of the
    template, ``generateName: <owner>-``, a controller reference to the owner."""
    tmeta = template.get("metadata") or {}
    meta: dict = {"generateName": f"{owner['metadata']['name']}-",
                  "namespace": owner["metadata"].get("namespace") or "default"}
    if tmeta.get("labels"):
        meta["labels"] = dict(tmeta["labels"])
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    if tmeta.get("finalizers"):
        meta["finalizers"] = list(tmeta["finalizers"])
    meta["ownerReferences"] = [new_controller_ref(owner)]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": template.get("spec") or {}}


def selector_of(obj: dict):
    try:
        return from_label_selector((obj.get("spec") or {}).get("selector"))
    except SelectorError:
        return from_label_selector(None)


class ReplicaSetController(Component):
    name = REPLICASET_CONTROLLER
    owner_kind = "ReplicaSet"

    def setup(self, cluster) -> None:
        super().setup(cluster)
        cluster.store.watch(self.owner_kind, self._on_owner)
        cluster.store.watch("Pod", self._on_pod)

    def _on_owner(self, old: dict | None, new: dict | None) -> None:
        self.enqueue(object_key(new if new is not None else old))

    def _on_pod(self, old: dict | None, new: dict | None) -> None:
        for pod in (old, new):
            if pod is None:
                continue
            ref = get_controller_of(pod)
            if ref is not None:
                if ref.get("kind") == self.owner_kind:
                    self.enqueue((pod["metadata"].get("namespace") or "", ref["name"]))
            elif new is pod and not pod["metadata"].get("deletionTimestamp"):
                # An orphan: any ReplicaSet selecting it may adopt it.
                for owner in owners_for_orphan(self.cluster, self.owner_kind, pod,
                                               selector_of):
                    self.enqueue(object_key(owner))

    def sync(self, key: Hashable) -> None:
        namespace, name = key  # type: ignore[misc]
        rs = self.cluster.store.get(self.owner_kind, namespace, name)
        if rs is None:
            return
        pods = claim(self.cluster, rs, "Pod", selector_of(rs), self.name)
        active = filter_active_pods(pods)
        error = None
        if not rs["metadata"].get("deletionTimestamp"):
            error = self._manage_replicas(rs, active)
            pods = claim(self.cluster, rs, "Pod", selector_of(rs), self.name)
            active = filter_active_pods(pods)
        now = self.cluster.now_ms
        status = calculate_replicaset_status(rs, active, now, error)
        if replicaset_status_needs_update(rs, status):
            rs = self.cluster.api.update_status({**rs, "status": status}, self.name)
        requeue = replicaset_requeue_after_ms(rs, status, error)
        if requeue is not None:
            self.enqueue_after(key, requeue)

    def _related_pods(self, rs: dict) -> list[dict]:
        """Pods of every ReplicaSet with the same controller (getIndirectlyRelatedPods)."""
        ref = get_controller_of(rs)
        if ref is None:
            return list(self.cluster.store.by_index("Pod", "controller-uid",
                                                    rs["metadata"]["uid"]))
        related = []
        for sibling in self.cluster.store.by_index(self.owner_kind, "controller-uid",
                                                   ref["uid"]):
            related.extend(self.cluster.store.by_index("Pod", "controller-uid",
                                                       sibling["metadata"]["uid"]))
        return related

    def _manage_replicas(self, rs: dict, active: list[dict]) -> str | None:
        diff = replicas_to_create_or_delete(rs, active)
        api = self.cluster.api
        if diff > 0:
            template = (rs.get("spec") or {}).get("template") or {}
            for batch in slow_start_batches(diff):
                for _ in range(batch):
                    try:
                        pod = api.create(pod_from_template(rs, template), self.name)
                    except apierrors.ApiError as exc:
                        message = f"Error creating: {exc.message}"
                        self.event(rs, "Warning", "FailedCreate", message)
                        return exc.message
                    self.event(rs, "Normal", "SuccessfulCreate",
                               f"Created pod: {pod['metadata']['name']}")
        elif diff < 0:
            ordered = sorted(active, key=lambda p: p["metadata"]["name"])
            victims = pods_to_delete(ordered, self._related_pods(rs), -diff,
                                     self.cluster.now_ms)
            for pod in victims:
                meta = pod["metadata"]
                try:
                    api.delete("Pod", meta.get("namespace") or "", meta["name"], self.name)
                except apierrors.ApiError as exc:
                    if exc.reason == "NotFound":
                        continue
                    self.event(rs, "Warning", "FailedDelete", f"Error deleting: {exc.message}")
                    return exc.message
                self.event(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {meta['name']}")
        return None
