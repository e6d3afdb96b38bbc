"""The default-scheduler component: binds pending pods using engine/scheduling/.

Pods whose ``schedulerName`` is ``default-scheduler`` and that have no ``nodeName`` are
scheduled one at a time in queue order. Success binds the pod (pods/binding) and records a
``Scheduled`` event; failure writes ``PodScheduled=False`` with reason ``Unschedulable`` and
records ``FailedScheduling``. Unschedulable pods are retried when the cluster changes in a way
that can make them fit (a node added or changed, an assigned pod gone) and otherwise after
five minutes, as the scheduling queue's unschedulable-pods flush does.
Rules and sources: docs/semantics/kubelet-and-scheduler.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Hashable

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.component import Component, object_key
from pytest_k8sflow.engine.scheduling import (
    REASON_NO_NODES,
    SchedulerCache,
    ScheduleResult,
    default_spread_selector,
    fit_error_message,
    schedule_pod,
    scheduled_event_message,
)
from pytest_k8sflow.engine.timeutil import format_time

SCHEDULER = "default-scheduler"
# k/k pkg/scheduler/backend/queue DefaultPodMaxInUnschedulablePodsDuration.
UNSCHEDULABLE_RETRY_MS = 5 * 60 * 1000


def _wants_scheduling(pod: dict) -> bool:
    spec = pod.get("spec") or {}
    return (not spec.get("nodeName")
            and (spec.get("schedulerName") or SCHEDULER) == SCHEDULER
            and not pod["metadata"].get("deletionTimestamp")
            and (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed"))


def _frees_capacity(old: dict | None, new: dict | None) -> bool:
    """An assigned pod left its node (deleted or finished): pending pods may now fit."""
    if old is None or not (old.get("spec") or {}).get("nodeName"):
        return False
    if new is None:
        return True
    was_done = (old.get("status") or {}).get("phase") in ("Succeeded", "Failed")
    return not was_done and (new.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def _node_changed(old: dict | None, new: dict | None) -> bool:
    if old is None or new is None:
        return new is not None
    return (old.get("spec") != new.get("spec")
            or old["metadata"].get("labels") != new["metadata"].get("labels")
            or (old.get("status") or {}).get("allocatable")
            != (new.get("status") or {}).get("allocatable")
            or (old.get("status") or {}).get("conditions")
            != (new.get("status") or {}).get("conditions"))


def _same_for_cache(old: dict | None, new: dict | None) -> bool:
    """A status-only write that changes nothing the cache counts (the hot path: kubelet
    updates). Status writes keep the very same spec object, so identity is enough."""
    if old is None or new is None or old.get("spec") is not new.get("spec"):
        return False
    old_meta, new_meta = old["metadata"], new["metadata"]
    done = ("Succeeded", "Failed")
    return (old_meta.get("labels") == new_meta.get("labels")
            and old_meta.get("deletionTimestamp") == new_meta.get("deletionTimestamp")
            and ((old.get("status") or {}).get("phase") in done)
            == ((new.get("status") or {}).get("phase") in done))


class Scheduler(Component):
    name = SCHEDULER

    def setup(self, cluster) -> None:
        super().setup(cluster)
        self.cache = SchedulerCache()
        self.unschedulable: set[tuple[str, str]] = set()
        cluster.store.watch("Node", self._on_node)
        cluster.store.watch("Pod", self._on_pod)
        for kind in ("PersistentVolumeClaim", "PersistentVolume", "StorageClass"):
            cluster.store.watch(kind, self._on_storage)
        cluster.scheduler = self

    def _on_node(self, old: dict | None, new: dict | None) -> None:
        if new is None:
            self.cache.remove_node(old["metadata"]["name"])
            return
        self.cache.set_node(new)
        if _node_changed(old, new):
            self._retry_unschedulable()

    def _on_pod(self, old: dict | None, new: dict | None) -> None:
        if not _same_for_cache(old, new):
            self.cache.update_pod(old, new)
        if new is not None and _wants_scheduling(new):
            key = object_key(new)
            if old is None or key not in self.unschedulable:
                self.enqueue(key)
        elif new is None and old is not None:
            self.unschedulable.discard(object_key(old))
        if _frees_capacity(old, new):
            self._retry_unschedulable()

    def _retry_unschedulable(self) -> None:
        for key in sorted(self.unschedulable):
            self.enqueue(key)

    def sync(self, key: Hashable) -> None:
        namespace, name = key  # type: ignore[misc]
        pod = self.cluster.store.get("Pod", namespace, name)
        if pod is None or not _wants_scheduling(pod):
            self.unschedulable.discard((namespace, name))
            return
        claim_problem = self._volume_binding_prefilter(pod)
        if claim_problem is not None:
            nodes = self.cache.node_infos()
            message = fit_error_message(
                len(nodes), {n.name: [] for n in nodes}, {n.name: False for n in nodes},
                version=self.cluster.version, pre_filter_msg=claim_problem,
                preemption_policy=(pod.get("spec") or {}).get("preemptionPolicy")) \
                if nodes else REASON_NO_NODES
            result = ScheduleResult(None, message)
        else:
            result = schedule_pod(pod, self.cache, version=self.cluster.version,
                                  spread_selector=self._spread_selector(pod))
        if result.node is not None:
            self.unschedulable.discard((namespace, name))
            try:
                bound = self.cluster.api.bind(pod, result.node, SCHEDULER)
            except apierrors.ApiError:
                return
            self.event(bound, "Normal", "Scheduled",
                       scheduled_event_message(bound, result.node), action="Binding",
                       new_api=True)
            return
        self.unschedulable.add((namespace, name))
        self._mark_unschedulable(pod, result.message)
        self.event(pod, "Warning", "FailedScheduling", result.message, action="Scheduling",
                   new_api=True)
        self.enqueue_after((namespace, name), UNSCHEDULABLE_RETRY_MS)

    def _volume_binding_prefilter(self, pod: dict) -> str | None:
        """plugins/volumebinding PreFilter (podHasPVCs, GetPodVolumeClaims): the pod's claims
        must exist, not be going away, and be bound unless their class waits for the first
        consumer. Every rejection is UnschedulableAndUnresolvable."""
        namespace = pod["metadata"].get("namespace") or ""
        store = self.cluster.store
        unbound_immediate = False
        for volume in (pod.get("spec") or {}).get("volumes") or []:
            source = volume.get("persistentVolumeClaim")
            if not source:
                continue
            claim_name = source.get("claimName", "")
            claim = store.get("PersistentVolumeClaim", namespace, claim_name)
            if claim is None:
                return f'persistentvolumeclaim "{claim_name}" not found'
            if claim["metadata"].get("deletionTimestamp"):
                return f'persistentvolumeclaim "{claim_name}" is being deleted'
            if (claim.get("spec") or {}).get("volumeName"):
                continue
            class_name = (claim.get("spec") or {}).get("storageClassName") or ""
            storage_class = store.get("StorageClass", "", class_name) if class_name else None
            if storage_class is None or \
                    storage_class.get("volumeBindingMode") != "WaitForFirstConsumer":
                unbound_immediate = True
        if unbound_immediate:
            return "pod has unbound immediate PersistentVolumeClaims"
        return None

    def _on_storage(self, old: dict | None, new: dict | None) -> None:
        # A claim, volume or class appeared or changed: pending pods may now pass PreFilter.
        self._retry_unschedulable()

    def _spread_selector(self, pod: dict):
        namespace = pod["metadata"].get("namespace") or ""
        store = self.cluster.store
        owners = [*store.list("ReplicaSet", namespace), *store.list("StatefulSet", namespace)]
        return default_spread_selector(pod, services=store.list("Service", namespace),
                                       controllers=owners)

    def _mark_unschedulable(self, pod: dict, message: str) -> None:
        """handleSchedulingFailure: PodScheduled=False, reason Unschedulable."""
        conditions = pod["status"].get("conditions") or []
        old = next((c for c in conditions if c.get("type") == "PodScheduled"), None)
        if old and old.get("status") == "False" and old.get("message") == message:
            return
        transition = (old.get("lastTransitionTime")
                      if old and old.get("status") == "False" else None)
        condition = {"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                     "lastTransitionTime": transition or format_time(self.cluster.now_ms),
                     "reason": "Unschedulable", "message": message}
        rest = [c for c in conditions if c.get("type") != "PodScheduled"]
        status = {**pod["status"], "conditions": [*rest, condition]}
        if status.get("phase") is None:
            status["phase"] = "Pending"
        with contextlib.suppress(apierrors.ApiError):
            self.cluster.api.update_status({**pod, "status": status}, SCHEDULER)
