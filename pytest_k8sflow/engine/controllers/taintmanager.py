"""Taint-based eviction: pods leave nodes with NoExecute taints they do not tolerate.

k/k pkg/controller/tainteviction/taint_eviction.go (the "taint manager"; a controller of its
own, ``taint-eviction-controller``, since 1.29's SeparateTaintEvictionController; before that
it ran inside the node lifecycle controller and recorded as ``taint-controller``). Here it is
owned by NodeLifecycleController (engine/controllers/nodelifecycle.py), which feeds it node
and pod changes and runs its timers; the rules:

- only NoExecute taints count (getNoExecuteTaints);
- a pod on a node with a NoExecute taint that none of its tolerations tolerates is deleted at
  once; otherwise the first toleration matching each taint is "used", and the smallest
  tolerationSeconds among those decides (getMinTolerationTime: none set means forever,
  <= 0 means now); the clock starts when the taint manager sees the taint, not at the
  taint's timeAdded;
- an eviction already scheduled keeps its time when the pod or node is processed again
  (processPodOnNode); it is cancelled, with the event "Cancelling deletion of Pod ns/name",
  when the node loses its NoExecute taints, the pod comes to tolerate them forever, or the
  pod goes away first;
- at the eviction time: Normal event TaintManagerEviction "Marking for deletion Pod ns/name"
  (its involvedObject names the pod without uid), then (1.26+) the condition
  DisruptionTarget=True reason DeletionByTaintManager "Taint manager: deleting due to
  NoExecute taint", then an ordinary delete (the pod's own grace period);
- a pod evicted once is not evicted again while its entry lives (1.32 TimedWorkerQueue keeps
  a finished key so that later additions are ignored).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.scheduling import toleration_tolerates_taint
from pytest_k8sflow.engine.timeutil import format_time

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster

FOREVER = -1
EVICTION_REASON = "TaintManagerEviction"
DISRUPTION_REASON = "DeletionByTaintManager"
DISRUPTION_MESSAGE = "Taint manager: deleting due to NoExecute taint"


def taint_eviction_component(version: tuple[int, int]) -> str:
    """The events' source component (kube-controller-manager names.TaintEvictionController
    from 1.29; the in-lifecycle-controller taint manager's recorder before)."""
    return "taint-eviction-controller" if version >= (1, 29) else "taint-controller"


def get_no_execute_taints(taints: Iterable[Mapping] | None) -> list[dict]:
    """taint_eviction.go getNoExecuteTaints."""
    return [dict(t) for t in taints or () if t.get("effect") == "NoExecute"]


def get_matching_tolerations(taints: Sequence[Mapping], tolerations: Sequence[Mapping] | None
                             ) -> tuple[bool, list[Mapping]]:
    """k/k pkg/apis/core/v1/helper GetMatchingTolerations: (all tolerated, the first toleration
    matching each taint)."""
    if not taints:
        return True, []
    tolerations = list(tolerations or ())
    if not tolerations:
        return False, []
    used: list[Mapping] = []
    for taint in taints:
        for toleration in tolerations:
            if toleration_tolerates_taint(toleration, taint):
                used.append(toleration)
                break
        else:
            return False, []
    return True, used


def get_min_toleration_time(tolerations: Sequence[Mapping]) -> int:
    """taint_eviction.go getMinTolerationTime, in milliseconds: 0 for no tolerations or any
    tolerationSeconds <= 0, FOREVER (-1) when none sets tolerationSeconds, else the least."""
    if not tolerations:
        return 0
    least: int | None = None
    for toleration in tolerations:
        seconds = toleration.get("tolerationSeconds")
        if seconds is None:
            continue
        seconds = int(seconds)
        if seconds <= 0:
            return 0
        if least is None or seconds < least:
            least = seconds
    return FOREVER if least is None else least * 1000


@dataclass
class Eviction:
    created_ms: int
    fire_ms: int
    seq: int
    done: bool = False


class TaintManager:
    """The taint manager's state and handlers; ``owner`` is the component whose queue and
    timers it uses (keys ``("tm-node", node)``, ``("tm-pod", ns, name, node)``,
    ``("tm-evict", ns, name, seq)``)."""

    def __init__(self, owner, cluster: Cluster) -> None:
        self.owner = owner
        self.cluster = cluster
        self.component = taint_eviction_component(cluster.version)
        self.disruption_condition = cluster.version >= (1, 26)
        self.tainted_nodes: dict[str, list[dict]] = {}
        self.work: dict[tuple[str, str], Eviction] = {}
        self._seq = 0
        cluster.store.watch("Node", self.node_updated)
        cluster.store.watch("Pod", self.pod_updated)

    # -- informer handlers (PodUpdated / NodeUpdated) -------------------------------------------
    def pod_updated(self, old: dict | None, new: dict | None) -> None:
        if old is not None and new is not None:
            old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
            if old_spec.get("tolerations") == new_spec.get("tolerations") and \
                    old_spec.get("nodeName") == new_spec.get("nodeName"):
                return
        obj = new if new is not None else old
        meta = obj["metadata"]
        node = (obj.get("spec") or {}).get("nodeName") or ""
        self.owner.enqueue(("tm-pod", meta.get("namespace") or "", meta["name"], node))

    def node_updated(self, old: dict | None, new: dict | None) -> None:
        if old is not None and new is not None and \
                get_no_execute_taints(old["spec"].get("taints")) == \
                get_no_execute_taints(new["spec"].get("taints")):
            return
        obj = new if new is not None else old
        self.owner.enqueue(("tm-node", obj["metadata"]["name"]))

    def sync(self, key: tuple) -> None:
        if key[0] == "tm-node":
            self.handle_node_update(key[1])
        elif key[0] == "tm-pod":
            self.handle_pod_update(key[1], key[2], key[3])
        elif key[0] == "tm-evict":
            self._fire(key[1], key[2], key[3])

    # -- handlers --------------------------------------------------------------------------------
    def handle_pod_update(self, namespace: str, name: str, node_name: str) -> None:
        pod = self.cluster.store.get("Pod", namespace, name)
        if pod is None:
            self.cancel_with_event(namespace, name)
            return
        if (pod.get("spec") or {}).get("nodeName") != node_name or not node_name:
            return
        taints = self.tainted_nodes.get(node_name)
        if taints is None:
            return
        self.process_pod_on_node(pod, taints)

    def handle_node_update(self, node_name: str) -> None:
        node = self.cluster.store.get("Node", "", node_name)
        if node is None:
            # Pending evictions of its pods stay scheduled (upstream only forgets the taints).
            self.tainted_nodes.pop(node_name, None)
            return
        taints = get_no_execute_taints(node["spec"].get("taints"))
        if taints:
            self.tainted_nodes[node_name] = taints
        else:
            self.tainted_nodes.pop(node_name, None)
        pods = sorted(self.cluster.store.by_index("Pod", "node", node_name),
                      key=lambda p: (p["metadata"].get("namespace") or "", p["metadata"]["name"]))
        if not taints:
            for pod in pods:
                self.cancel_with_event(pod["metadata"].get("namespace") or "",
                                       pod["metadata"]["name"])
            return
        for pod in pods:
            self.process_pod_on_node(pod, taints)

    def process_pod_on_node(self, pod: dict, taints: list[dict]) -> None:
        """taint_eviction.go processPodOnNode."""
        meta = pod["metadata"]
        namespace, name = meta.get("namespace") or "", meta["name"]
        now = self.cluster.now_ms
        if not taints:
            self.cancel_with_event(namespace, name)
        all_tolerated, used = get_matching_tolerations(taints, pod["spec"].get("tolerations"))
        if not all_tolerated:
            self.cancel_with_event(namespace, name)
            self.add_work(namespace, name, now, now)
            return
        min_time = get_min_toleration_time(used)
        if min_time < 0:
            self.cancel_with_event(namespace, name)
            return
        existing = self.work.get((namespace, name))
        if existing is not None and not existing.done:
            # Upstream keeps the scheduled eviction when createdAt + min < now + min, which
            # holds whenever any time has passed since it was scheduled.
            return
        self.add_work(namespace, name, now, now + min_time)

    # -- the timed work queue ---------------------------------------------------------------------
    def add_work(self, namespace: str, name: str, created_ms: int, fire_ms: int) -> None:
        key = (namespace, name)
        if key in self.work:
            return  # AddWork: "Trying to add already existing work, skipping"
        self._seq += 1
        entry = Eviction(created_ms, fire_ms, self._seq)
        self.work[key] = entry
        if fire_ms <= self.cluster.now_ms:
            self._run(namespace, name, entry)
        else:
            self.owner.enqueue_at(("tm-evict", namespace, name, entry.seq), fire_ms)

    def cancel_with_event(self, namespace: str, name: str) -> bool:
        entry = self.work.pop((namespace, name), None)
        if entry is None or entry.done:
            return False
        self._emit(namespace, name, f"Cancelling deletion of Pod {namespace}/{name}")
        return True

    def scheduled(self, namespace: str, name: str) -> Eviction | None:
        """The pending eviction of a pod (GetWorkerUnsafe), or None."""
        entry = self.work.get((namespace, name))
        return entry if entry is not None and not entry.done else None

    def _fire(self, namespace: str, name: str, seq: int) -> None:
        entry = self.work.get((namespace, name))
        if entry is None or entry.done or entry.seq != seq:
            return  # cancelled or replaced
        self._run(namespace, name, entry)

    def _run(self, namespace: str, name: str, entry: Eviction) -> None:
        """deletePodHandler: event, DisruptionTarget condition, delete."""
        entry.done = True
        self._emit(namespace, name, f"Marking for deletion Pod {namespace}/{name}")
        pod = self.cluster.store.get("Pod", namespace, name)
        if pod is None:
            return
        api = self.cluster.api
        if self.disruption_condition:
            status = update_pod_condition(pod.get("status") or {}, {
                "type": "DisruptionTarget", "status": "True", "reason": DISRUPTION_REASON,
                "message": DISRUPTION_MESSAGE}, self.cluster.now_ms)
            if status is not None:
                pod = api.update_status({**pod, "status": status}, self.component)
        with contextlib.suppress(apierrors.ApiError):
            api.delete("Pod", namespace, name, self.component)

    def _emit(self, namespace: str, name: str, message: str) -> None:
        # The event names the pod by namespace and name only (no uid, no resourceVersion).
        ref = {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": name, "namespace": namespace}}
        self.cluster.recorder.emit(ref, "Normal", EVICTION_REASON, message,
                                   component=self.component)


def update_pod_condition(status: Mapping, condition: Mapping, now_ms: int) -> dict | None:
    """k/k pkg/api/v1/pod UpdatePodCondition: the status with ``condition`` set (appended when
    new; lastTransitionTime kept while the status is unchanged), or None when nothing changed."""
    now = format_time(now_ms)
    new = {"type": condition["type"], "status": condition["status"], "lastProbeTime": None,
           "lastTransitionTime": now}
    for key in ("reason", "message"):
        if condition.get(key):
            new[key] = condition[key]
    conditions = list(status.get("conditions") or ())
    for i, old in enumerate(conditions):
        if old.get("type") != condition["type"]:
            continue
        if old.get("status") == new["status"]:
            new["lastTransitionTime"] = old.get("lastTransitionTime")
        if all(old.get(k) == new.get(k) for k in ("status", "reason", "message",
                                                    "lastTransitionTime")):
            return None
        conditions[i] = new
        return {**status, "conditions": conditions}
    conditions.append(new)
    return {**status, "conditions": conditions}
