"""The pod garbage collector (``pod-garbage-collector``).

k/k pkg/controller/podgc/gc_controller.go. Every 20 s (gcCheckPeriod, on a grid from the
cluster's start) it:

1. gcTerminated: when more than --terminated-pod-gc-threshold (12500) pods are terminated
   (phase not Pending/Running/Unknown), deletes the surplus, evicted ones first, then oldest
   first, name breaking ties (byEvictionAndCreationTimestamp);
2. gcTerminating (1.26+, NodeOutOfServiceVolumeDetach): deletes terminating pods on a node
   that is not Ready and carries the ``node.kubernetes.io/out-of-service`` taint;
3. gcOrphaned: a node that pods are bound to but that does not exist is quarantined for 40 s
   (quarantineTime); if it is still missing on the pass after that, its pods are deleted;
4. gcUnscheduledTerminating: terminating pods that were never bound are deleted.

Every deletion is a force delete (grace 0). From 1.26 (PodDisruptionConditions) a pod that
is not yet terminal is first given phase Failed, and an orphaned one also the condition
DisruptionTarget=True reason DeletionByPodGC "PodGC: node no longer exists". PodGC records
no Events. So a node's pods disappear 40-60 s after the node object is deleted.

The loop is not run when there is nothing for it to do: it is woken on the next grid tick
when a pod or node change could give it work, which gives the same times as a loop that
never stops.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.component import Component
from pytest_k8sflow.engine.controllers.nodelifecycle import next_grid_tick
from pytest_k8sflow.engine.controllers.taintmanager import update_pod_condition
from pytest_k8sflow.engine.nodes import is_node_ready

POD_GC = "pod-garbage-collector"
GC_CHECK_PERIOD_MS = 20_000
QUARANTINE_TIME_MS = 40_000
TERMINATED_POD_GC_THRESHOLD = 12_500
TAINT_OUT_OF_SERVICE = "node.kubernetes.io/out-of-service"
ORPHAN_REASON = "DeletionByPodGC"
ORPHAN_MESSAGE = "PodGC: node no longer exists"


def is_pod_terminated(pod: Mapping) -> bool:
    return (pod.get("status") or {}).get("phase") not in ("Pending", "Running", "Unknown")


def is_pod_terminating(pod: Mapping) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def pod_is_evicted(pod: Mapping) -> bool:
    """k/k pkg/kubelet/eviction PodIsEvicted: phase Failed with reason Evicted."""
    status = pod.get("status") or {}
    return status.get("phase") == "Failed" and status.get("reason") == "Evicted"


def eviction_and_creation_order(pod: Mapping) -> tuple:
    """byEvictionAndCreationTimestamp: evicted first, then oldest, then by name."""
    meta = pod["metadata"]
    return (not pod_is_evicted(pod), meta.get("creationTimestamp") or "", meta["name"])


class PodGarbageCollector(Component):
    name = POD_GC

    def __init__(self, terminated_pod_threshold: int = TERMINATED_POD_GC_THRESHOLD) -> None:
        self.terminated_pod_threshold = terminated_pod_threshold

    def setup(self, cluster) -> None:
        super().setup(cluster)
        self.origin_ms = cluster.clock.now_ms
        self.mark_failed = cluster.version >= (1, 26)
        self.out_of_service = cluster.version >= (1, 26)
        self.quarantine: dict[str, int] = {}  # node name -> ready time (the delaying queue)
        self.terminated: dict[tuple[str, str], None] = {}
        self._last_run_ms: int | None = None
        self._due_ms: int | None = None
        cluster.store.watch("Pod", self._on_pod)
        cluster.store.watch("Node", self._on_node)
        cluster.pod_gc = self

    # -- waking up ---------------------------------------------------------------------------
    def _on_pod(self, old: dict | None, new: dict | None) -> None:
        obj = new if new is not None else old
        key = (obj["metadata"].get("namespace") or "", obj["metadata"]["name"])
        if new is not None and is_pod_terminated(new):
            self.terminated[key] = None
        else:
            self.terminated.pop(key, None)
        if new is None:
            return
        if self._pod_may_need_gc(new) or len(self.terminated) > self.terminated_pod_threshold:
            self._wake()

    def _on_node(self, old: dict | None, new: dict | None) -> None:
        if new is None:
            if self.cluster.store.by_index("Pod", "node", old["metadata"]["name"]):
                self._wake()
        elif self.out_of_service and any(t.get("key") == TAINT_OUT_OF_SERVICE
                                         for t in new["spec"].get("taints") or ()):
            self._wake()

    def _pod_may_need_gc(self, pod: dict) -> bool:
        node_name = (pod.get("spec") or {}).get("nodeName")
        if not node_name:
            return is_pod_terminating(pod)
        node = self.cluster.store.get("Node", "", node_name)
        if node is None:
            return True
        return self.out_of_service and is_pod_terminating(pod) and any(
            t.get("key") == TAINT_OUT_OF_SERVICE for t in node["spec"].get("taints") or ())

    def _wake(self) -> None:
        due = next_grid_tick(self.cluster.now_ms, self.origin_ms, GC_CHECK_PERIOD_MS,
                             self._last_run_ms)
        if self._due_ms is not None and self.cluster.now_ms <= self._due_ms <= due:
            return
        self._due_ms = due
        self.enqueue_at("gc", due)

    def sync(self, key: Hashable) -> None:
        if self._last_run_ms == self.cluster.now_ms:
            return
        self._due_ms = None
        self._last_run_ms = self.cluster.now_ms
        self.gc()
        if self.quarantine or any(self._pod_may_need_gc(p) for p in self.cluster.store.list(
                "Pod", None)):
            self._wake()

    # -- the pass ------------------------------------------------------------------------------
    def gc(self) -> None:
        pods = sorted(self.cluster.store.list("Pod", None),
                      key=lambda p: (p["metadata"].get("namespace") or "", p["metadata"]["name"]))
        nodes = {n["metadata"]["name"] for n in self.cluster.store.list("Node")}
        if self.terminated_pod_threshold > 0:
            self.gc_terminated(pods)
        if self.out_of_service:
            self.gc_terminating(pods)
        self.gc_orphaned(pods, nodes)
        self.gc_unscheduled_terminating(pods)

    def gc_terminated(self, pods: list[dict]) -> None:
        terminated = [p for p in pods if is_pod_terminated(p)]
        surplus = len(terminated) - self.terminated_pod_threshold
        if surplus <= 0:
            return
        for pod in sorted(terminated, key=eviction_and_creation_order)[:surplus]:
            self.mark_failed_and_delete(pod)

    def gc_terminating(self, pods: list[dict]) -> None:
        store = self.cluster.store
        doomed = []
        for pod in pods:
            if not is_pod_terminating(pod):
                continue
            node = store.get("Node", "", (pod.get("spec") or {}).get("nodeName") or "")
            if node is None:
                continue
            if not is_node_ready(node) and any(t.get("key") == TAINT_OUT_OF_SERVICE
                                               for t in node["spec"].get("taints") or ()):
                doomed.append(pod)
        for pod in sorted(doomed, key=eviction_and_creation_order):
            self.mark_failed_and_delete(pod)

    def gc_orphaned(self, pods: list[dict], nodes: set[str]) -> None:
        now = self.cluster.now_ms
        for pod in pods:
            node_name = (pod.get("spec") or {}).get("nodeName")
            if node_name and node_name not in nodes:
                # DelayingQueue.AddAfter keeps the earlier ready time of a waiting item.
                self.quarantine.setdefault(node_name, now + QUARANTINE_TIME_MS)
        deleted = set()
        for node_name in sorted(self.quarantine):
            if self.quarantine[node_name] > now:
                continue
            del self.quarantine[node_name]
            if self.cluster.store.get("Node", "", node_name) is None:
                deleted.add(node_name)
        for pod in pods:
            if (pod.get("spec") or {}).get("nodeName") in deleted:
                self.mark_failed_and_delete(pod, {"type": "DisruptionTarget", "status": "True",
                                                  "reason": ORPHAN_REASON,
                                                  "message": ORPHAN_MESSAGE})

    def gc_unscheduled_terminating(self, pods: list[dict]) -> None:
        for pod in pods:
            if is_pod_terminating(pod) and not (pod.get("spec") or {}).get("nodeName"):
                self.mark_failed_and_delete(pod)

    def mark_failed_and_delete(self, pod: dict, condition: dict | None = None) -> None:
        """markFailedAndDeletePodWithCondition: phase Failed (+ condition), then delete with
        grace 0."""
        meta = pod["metadata"]
        namespace, name = meta.get("namespace") or "", meta["name"]
        api = self.cluster.api
        current = self.cluster.store.get("Pod", namespace, name)
        if current is None or current["metadata"].get("uid") != meta.get("uid"):
            return
        try:
            status = current.get("status") or {}
            if self.mark_failed and status.get("phase") not in ("Succeeded", "Failed"):
                new_status = {**status, "phase": "Failed"}
                if condition is not None:
                    new_status = update_pod_condition(new_status, condition,
                                                      self.cluster.now_ms) or new_status
                current = api.update_status({**current, "status": new_status}, POD_GC)
            api.delete("Pod", namespace, name, POD_GC, grace_period_seconds=0)
        except apierrors.ApiError:
            pass
