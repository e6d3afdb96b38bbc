"""The node lifecycle controller (``node-controller``) and, owned by it, the taint manager.

k/k pkg/controller/nodelifecycle/node_lifecycle_controller.go. What it does here:

- **NoSchedule condition taints** (doNoScheduleTaintingPass, on every node change): Ready
  False -> ``node.kubernetes.io/not-ready:NoSchedule``, Ready Unknown -> ``unreachable``,
  MemoryPressure/DiskPressure/PIDPressure/NetworkUnavailable True -> ``memory-pressure``,
  ``disk-pressure``, ``pid-pressure``, ``network-unavailable``, ``spec.unschedulable`` ->
  ``unschedulable``; taints of these keys with effect NoSchedule that no longer apply are
  removed. Added taints carry timeAdded (SwapNodeControllerTaint).
- **Health pass** (monitorNodeHealth, every 5 s = nodeMonitorPeriod, on a grid from the
  cluster's start): RegisteredNode / RemovingNode events for nodes seen or gone; Ready False
  -> the node is queued for ``not-ready:NoExecute``, Unknown -> ``unreachable:NoExecute``
  (an existing opposite NoExecute taint is swapped at once), True -> both removed. The
  queue is drained by doNoExecuteTaintingPass through a per-zone token bucket
  (--node-eviction-rate 0.1/s, burst 1: one node per zone every 10 s).
- **Zone disruption** (handleDisruption): a zone whose nodes are all not Ready is in
  FullDisruption; with more than 2 not-Ready nodes making >= 55 % of the zone it is in
  PartialDisruption, which stops NoExecute tainting in zones of <= 50 nodes. When *every*
  zone is fully disrupted the controller removes all not-ready/unreachable NoExecute taints
  and taints none (so a one-node cluster never evicts).
- **Ready=Unknown** is what the controller itself writes after node-monitor-grace-period
  (40 s, 50 s from 1.32) without a kubelet heartbeat. The scenario step ``{condition: {node,
  type: Ready, status: Unknown}}`` stands for that moment: on the next health pass the
  controller completes it (MemoryPressure, DiskPressure, PIDPressure -> Unknown
  "NodeStatusUnknown"), records ``NodeNotReady`` "Node <n> status is now: NodeNotReady" when
  the node was Ready, and marks the node's pods not Ready (MarkPodsNotReady, with a Warning
  ``NodeNotReady`` "Node is not ready" on each pod). As upstream, that first pass still
  sees the old Ready status, so the ``unreachable:NoExecute`` taint follows one pass
  (5 s) later. A kubelet-posted Ready=False gets no NodeNotReady event from this controller
  and no MarkPodsNotReady (upstream only does both on its own True -> Unknown transition).
- Pods bound to a node that is not Ready are marked not Ready too (processPod).

The kubelets of a node that is not Ready are treated as unreachable or unable to run
containers: until the core kubelet model does this itself (docs/dev/requests/nodes.md) this
module makes the kubelet leave such a node's pods alone, so evicted pods stay Terminating
until the node is Ready again or is deleted (then PodGC removes them), as on a real cluster.

Simplifications: no heartbeats or leases (conditions are set by scenario steps), no node
startup grace period, the NoExecute pass runs at the token time rather than on its 100 ms
tick, taint swaps are one write instead of two, no label reconciliation (nodes here carry
both the stable and beta os/arch labels already).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.component import Component
from pytest_k8sflow.engine.controllers.taintmanager import TaintManager
from pytest_k8sflow.engine.timeutil import format_time

NODE_CONTROLLER = "node-controller"

TAINT_NOT_READY = "node.kubernetes.io/not-ready"
TAINT_UNREACHABLE = "node.kubernetes.io/unreachable"
TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
TAINT_MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure"
TAINT_DISK_PRESSURE = "node.kubernetes.io/disk-pressure"
TAINT_PID_PRESSURE = "node.kubernetes.io/pid-pressure"
TAINT_NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable"

# nodeConditionToTaintKeyStatusMap / taintKeyToNodeConditionMap.
CONDITION_TAINTS: dict[str, dict[str, str]] = {
    "Ready": {"False": TAINT_NOT_READY, "Unknown": TAINT_UNREACHABLE},
    "MemoryPressure": {"True": TAINT_MEMORY_PRESSURE},
    "DiskPressure": {"True": TAINT_DISK_PRESSURE},
    "NetworkUnavailable": {"True": TAINT_NETWORK_UNAVAILABLE},
    "PIDPressure": {"True": TAINT_PID_PRESSURE},
}
CONDITION_TAINT_KEYS = frozenset(k for m in CONDITION_TAINTS.values() for k in m.values())

NODE_MONITOR_PERIOD_MS = 5_000
EVICTION_LIMITER_QPS = 0.1          # --node-eviction-rate
SECONDARY_EVICTION_LIMITER_QPS = 0.01  # --secondary-node-eviction-rate
LARGE_CLUSTER_THRESHOLD = 50        # --large-cluster-size-threshold
UNHEALTHY_ZONE_THRESHOLD = 0.55     # --unhealthy-zone-threshold
LABEL_EXCLUDE_DISRUPTION = "node.kubernetes.io/exclude-disruption"

STATE_INITIAL = "Initial"
STATE_NORMAL = "Normal"
STATE_FULL = "FullDisruption"
STATE_PARTIAL = "PartialDisruption"

UNKNOWN_REASON = "NodeStatusUnknown"
UNKNOWN_MESSAGE = "Kubelet stopped posting node status."


def node_monitor_grace_period_ms(version: tuple[int, int]) -> int:
    """--node-monitor-grace-period default: 40 s, 50 s from 1.32 (kubernetes#126287). Only
    documented here: the scenario step sets Ready=Unknown directly."""
    return 50_000 if version >= (1, 32) else 40_000


# -- pure helpers ------------------------------------------------------------------------------
def get_node_condition(node: Mapping, condition_type: str) -> dict | None:
    for cond in (node.get("status") or {}).get("conditions") or ():
        if cond.get("type") == condition_type:
            return cond
    return None


def ready_status(node: Mapping) -> str | None:
    cond = get_node_condition(node, "Ready")
    return None if cond is None else cond.get("status")


def condition_taints(node: Mapping) -> list[dict]:
    """The NoSchedule taints a node's conditions and spec.unschedulable call for
    (doNoScheduleTaintingPass), in condition order, the unschedulable one last."""
    out = []
    for cond in (node.get("status") or {}).get("conditions") or ():
        key = CONDITION_TAINTS.get(cond.get("type"), {}).get(cond.get("status"))
        if key:
            out.append({"key": key, "effect": "NoSchedule"})
    if (node.get("spec") or {}).get("unschedulable"):
        out.append({"key": TAINT_UNSCHEDULABLE, "effect": "NoSchedule"})
    return out


def _match(a: Mapping, b: Mapping) -> bool:
    """k/k pkg/util/taints MatchTaint: same key and effect."""
    return a.get("key") == b.get("key") and a.get("effect") == b.get("effect")


def taint_exists(taints: Iterable[Mapping] | None, taint: Mapping) -> bool:
    return any(_match(t, taint) for t in taints or ())


def taint_set_diff(wanted: list[Mapping], current: list[Mapping]) -> tuple[list, list]:
    """TaintSetDiff: (to add, to remove), compared by key and effect."""
    add = [t for t in wanted if not taint_exists(current, t)]
    remove = [t for t in current if not taint_exists(wanted, t)]
    return add, remove


def swap_taints(taints: list[Mapping] | None, add: list[Mapping], remove: list[Mapping],
                now_ms: int) -> list[dict]:
    """SwapNodeControllerTaint: AddOrUpdateTaint each of ``add`` with timeAdded now (replacing a
    same key/effect taint in place, else appended), then drop those matching ``remove``."""
    result = [dict(t) for t in taints or ()]
    stamp = format_time(now_ms)
    for taint in add:
        new = {**taint, "timeAdded": stamp}
        for i, old in enumerate(result):
            if _match(old, new):
                result[i] = new
                break
        else:
            result.append(new)
    return [t for t in result if not any(_match(t, r) for r in remove)]


def no_schedule_taints_update(node: Mapping, now_ms: int) -> list[dict] | None:
    """The node's taints after doNoScheduleTaintingPass, or None when nothing changes."""
    current = [t for t in (node.get("spec") or {}).get("taints") or ()
               if t.get("effect") == "NoSchedule"
               and (t.get("key") == TAINT_UNSCHEDULABLE or t.get("key") in CONDITION_TAINT_KEYS)]
    add, remove = taint_set_diff(condition_taints(node), current)
    if not add and not remove:
        return None
    return swap_taints((node.get("spec") or {}).get("taints"), add, remove, now_ms)


def zone_key(node: Mapping) -> str:
    """component-helpers node/topology GetZoneKey: region and zone labels (stable, else beta)."""
    labels = node["metadata"].get("labels") or {}
    region = labels.get("topology.kubernetes.io/region") or \
        labels.get("failure-domain.beta.kubernetes.io/region") or ""
    zone = labels.get("topology.kubernetes.io/zone") or \
        labels.get("failure-domain.beta.kubernetes.io/zone") or ""
    if not region and not zone:
        return ""
    return region + ":\x00:" + zone


def compute_zone_state(ready_statuses: list[str | None],
                       unhealthy_threshold: float = UNHEALTHY_ZONE_THRESHOLD) -> tuple[int, str]:
    """ComputeZoneState: (not-ready count, state)."""
    ready = sum(1 for s in ready_statuses if s == "True")
    not_ready = len(ready_statuses) - ready
    if ready == 0 and not_ready > 0:
        return not_ready, STATE_FULL
    if not_ready > 2 and not_ready / (not_ready + ready) >= unhealthy_threshold:
        return not_ready, STATE_PARTIAL
    return not_ready, STATE_NORMAL


def zone_qps(state: str, zone_size: int) -> float:
    """setLimiterInZone: Normal and FullDisruption evict at the normal rate; a partially
    disrupted zone slows down in large clusters and stops in small ones (ReducedQPSFunc)."""
    if state == STATE_PARTIAL:
        return SECONDARY_EVICTION_LIMITER_QPS if zone_size > LARGE_CLUSTER_THRESHOLD else 0.0
    return EVICTION_LIMITER_QPS


def mark_pod_not_ready(pod: Mapping, now_ms: int) -> dict | None:
    """MarkPodsNotReady for one pod: its status with Ready=False, or None if it has no Ready
    condition or it is already False."""
    status = pod.get("status") or {}
    conditions = list(status.get("conditions") or ())
    for i, cond in enumerate(conditions):
        if cond.get("type") != "Ready":
            continue
        if cond.get("status") == "False":
            return None
        conditions[i] = {**cond, "status": "False", "lastTransitionTime": format_time(now_ms)}
        return {**status, "conditions": conditions}
    return None


def next_grid_tick(now_ms: int, origin_ms: int, period_ms: int, last_run_ms: int | None) -> int:
    """The first time origin + k*period at or after now that has not run yet: periodic loops
    (wait.Until) tick on a fixed grid from the controller's start."""
    k = max(0, -(-(now_ms - origin_ms) // period_ms))
    tick = origin_ms + k * period_ms
    if last_run_ms is not None and tick <= last_run_ms:
        tick = last_run_ms + period_ms
    return tick


# -- the rate-limited tainting queue (scheduler.RateLimitedTimedQueue + token bucket) -----------
@dataclass
class ZoneTainter:
    qps: float = EVICTION_LIMITER_QPS
    available_ms: int | None = None  # when the single token is back; None = bucket full
    pending: dict[str, int] = field(default_factory=dict)  # node -> time added
    done: set[str] = field(default_factory=set)  # processed but kept in the set

    def add(self, name: str, now_ms: int) -> bool:
        if name in self.pending or name in self.done:
            return False
        self.pending[name] = now_ms
        return True

    def remove(self, name: str) -> bool:
        found = name in self.pending or name in self.done
        self.pending.pop(name, None)
        self.done.discard(name)
        return found

    def swap_limiter(self, qps: float) -> None:
        if qps == self.qps:
            return
        self.qps = qps
        self.available_ms = None

    def try_accept(self, now_ms: int) -> bool:
        if self.qps <= 0:
            return False
        if self.available_ms is not None and now_ms < self.available_ms:
            return False
        self.available_ms = now_ms + round(1000 / self.qps)
        return True

    def order(self) -> list[str]:
        return sorted(self.pending, key=lambda n: (self.pending[n], n))


class NodeLifecycleController(Component):
    name = NODE_CONTROLLER

    def setup(self, cluster) -> None:
        super().setup(cluster)
        self.origin_ms = cluster.clock.now_ms
        self.known: dict[str, str] = {}          # knownNodeSet: name -> uid
        self.observed: dict[str, str | None] = {}  # last Ready status the health pass saw
        self.zone_states: dict[str, str] = {}
        self.tainters: dict[str, ZoneTainter] = {}
        self._last_monitor_ms: int | None = None
        self._monitor_due: int | None = None
        self.taint_manager = TaintManager(self, cluster)
        cluster.store.watch("Node", self._on_node)
        cluster.store.watch("Pod", self._on_pod)
        cluster.node_lifecycle = self

    # -- watches ---------------------------------------------------------------------------------
    def _on_node(self, old: dict | None, new: dict | None) -> None:
        if new is not None:
            self.enqueue(("noschedule", new["metadata"]["name"]))
        self._schedule_monitor()

    def _on_pod(self, old: dict | None, new: dict | None) -> None:
        # podUpdated: a pod newly assigned to a node.
        if new is None:
            return
        node = (new.get("spec") or {}).get("nodeName")
        if node and (old is None or (old.get("spec") or {}).get("nodeName") != node):
            meta = new["metadata"]
            self.enqueue(("pod", meta.get("namespace") or "", meta["name"]))

    def _schedule_monitor(self) -> None:
        due = next_grid_tick(self.cluster.now_ms, self.origin_ms, NODE_MONITOR_PERIOD_MS,
                             self._last_monitor_ms)
        if self._monitor_due is not None and self._monitor_due <= due and \
                self._monitor_due >= self.cluster.now_ms:
            return
        self._monitor_due = due
        self.enqueue_at(("monitor",), due)

    # -- sync ------------------------------------------------------------------------------------
    def sync(self, key: Hashable) -> None:
        kind = key[0]  # type: ignore[index]
        if kind == "noschedule":
            self.do_no_schedule_tainting_pass(key[1])  # type: ignore[index]
        elif kind == "monitor":
            if self._last_monitor_ms == self.cluster.now_ms:
                return
            self._monitor_due = None
            self.monitor_node_health()
        elif kind == "taintpass":
            self.do_no_execute_tainting_pass()
        elif kind == "pod":
            self.process_pod(key[1], key[2])  # type: ignore[index]
        else:
            self.taint_manager.sync(key)  # type: ignore[arg-type]

    # -- NoSchedule taints -----------------------------------------------------------------------
    def do_no_schedule_tainting_pass(self, node_name: str) -> None:
        node = self.cluster.store.get("Node", "", node_name)
        if node is None:
            return
        taints = no_schedule_taints_update(node, self.cluster.now_ms)
        if taints is not None:
            self._write_taints(node, taints)

    def _write_taints(self, node: dict, taints: list[dict]) -> dict:
        spec = {k: v for k, v in node["spec"].items() if k != "taints"}
        if taints:
            spec["taints"] = taints
        return self.cluster.api.update({**node, "spec": spec}, NODE_CONTROLLER)

    # -- the health pass -------------------------------------------------------------------------
    def monitor_node_health(self) -> None:
        now = self.cluster.now_ms
        self._last_monitor_ms = now
        store = self.cluster.store
        nodes = sorted(store.list("Node"), key=lambda n: n["metadata"]["name"])
        names = {n["metadata"]["name"] for n in nodes}
        for node in nodes:
            self._tainter(zone_key(node))
        for node in nodes:
            name = node["metadata"]["name"]
            if name in self.known:
                continue
            self._node_event(name, node["metadata"].get("uid", ""), "RegisteredNode",
                             f"Registered Node {name} in Controller")
            self.known[name] = node["metadata"].get("uid", "")
            self.mark_node_as_reachable(node)
        for name in sorted(self.known):
            if name not in names:
                self._node_event(name, self.known[name], "RemovingNode",
                                 f"Removing Node {name} from Controller")
                del self.known[name]
                self.observed.pop(name, None)
        again = False
        zone_conditions: dict[str, list[str | None]] = {}
        for node in nodes:
            name = node["metadata"]["name"]
            node = store.get("Node", "", name) or node
            current = ready_status(node)
            previous = self.observed.get(name)
            observed = current
            if current == "Unknown" and previous not in (None, "Unknown"):
                # The step's Unknown stands for this controller's own write after the grace
                # period: complete it; this pass still acts on the status it saw before.
                observed = previous
                node = self._complete_unknown(node)
                if previous == "True":
                    self._node_event(name, node["metadata"].get("uid", ""), "NodeNotReady",
                                     f"Node {name} status is now: NodeNotReady", status=True)
                    self._mark_pods_not_ready(name)
                again = True
            self.observed[name] = current
            if (node["metadata"].get("labels") or {}).get(LABEL_EXCLUDE_DISRUPTION) is None:
                zone_conditions.setdefault(zone_key(node), []).append(current)
            if current is not None and observed is not None:
                self.process_taint_based_eviction(node, observed)
        self.handle_disruption(zone_conditions, nodes)
        self.do_no_execute_tainting_pass()
        if again:
            self._schedule_monitor()

    def _complete_unknown(self, node: dict) -> dict:
        """tryUpdateNodeHealth: Ready, MemoryPressure, DiskPressure, PIDPressure -> Unknown."""
        now = format_time(self.cluster.now_ms)
        changed = False
        conditions = []
        for cond in node["status"].get("conditions") or []:
            if cond.get("type") in ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure") \
                    and cond.get("status") != "Unknown":
                cond = {**cond, "status": "Unknown", "reason": UNKNOWN_REASON,
                        "message": UNKNOWN_MESSAGE, "lastTransitionTime": now}
                changed = True
            conditions.append(cond)
        if not changed:
            return node
        return self.cluster.api.update_status(
            {**node, "status": {**node["status"], "conditions": conditions}}, NODE_CONTROLLER)

    def _mark_pods_not_ready(self, node_name: str) -> None:
        pods = sorted(self.cluster.store.by_index("Pod", "node", node_name),
                      key=lambda p: (p["metadata"].get("namespace") or "", p["metadata"]["name"]))
        for pod in pods:
            self._mark_pod_not_ready(pod)

    def _mark_pod_not_ready(self, pod: dict) -> None:
        status = mark_pod_not_ready(pod, self.cluster.now_ms)
        if status is None:
            return
        try:
            self.cluster.api.update_status({**pod, "status": status}, NODE_CONTROLLER)
        except apierrors.ApiError:
            return
        self.event(pod, "Warning", "NodeNotReady", "Node is not ready")

    def process_pod(self, namespace: str, name: str) -> None:
        """processPod: a pod bound to a node that is not Ready is marked not Ready."""
        pod = self.cluster.store.get("Pod", namespace, name)
        if pod is None:
            return
        node_name = (pod.get("spec") or {}).get("nodeName")
        if node_name not in self.observed:
            return
        node = self.cluster.store.get("Node", "", node_name)
        if node is None:
            return
        status = ready_status(node)
        if status is not None and status != "True":
            self._mark_pod_not_ready(pod)

    def _node_event(self, name: str, uid: str, reason: str, message: str,
                    status: bool = False) -> None:
        ref = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": uid}}
        text = message if status else f"Node {name} event: {message}"
        self.cluster.recorder.emit(ref, "Normal", reason, text, component=NODE_CONTROLLER)

    # -- NoExecute taints ------------------------------------------------------------------------
    def _tainter(self, zone: str) -> ZoneTainter:
        tainter = self.tainters.get(zone)
        if tainter is None:
            tainter = self.tainters[zone] = ZoneTainter()
            self.zone_states[zone] = STATE_INITIAL
        return tainter

    def process_taint_based_eviction(self, node: dict, observed: str) -> None:
        taints = node["spec"].get("taints")
        not_ready = {"key": TAINT_NOT_READY, "effect": "NoExecute"}
        unreachable = {"key": TAINT_UNREACHABLE, "effect": "NoExecute"}
        if observed == "False":
            if taint_exists(taints, unreachable):
                self._write_taints(node, swap_taints(taints, [not_ready], [unreachable],
                                                     self.cluster.now_ms))
            else:
                self.mark_node_for_tainting(node, "False")
        elif observed == "Unknown":
            if taint_exists(taints, not_ready):
                self._write_taints(node, swap_taints(taints, [unreachable], [not_ready],
                                                     self.cluster.now_ms))
            else:
                self.mark_node_for_tainting(node, "Unknown")
        elif observed == "True":
            self.mark_node_as_reachable(node)

    def mark_node_for_tainting(self, node: dict, status: str) -> bool:
        tainter = self._tainter(zone_key(node))
        name = node["metadata"]["name"]
        taints = node["spec"].get("taints")
        wanted = TAINT_NOT_READY if status == "False" else TAINT_UNREACHABLE
        if not taint_exists(taints, {"key": wanted, "effect": "NoExecute"}):
            tainter.remove(name)
        return tainter.add(name, self.cluster.now_ms)

    def mark_node_as_reachable(self, node: dict) -> bool:
        node = self.cluster.store.get("Node", "", node["metadata"]["name"]) or node
        taints = node["spec"].get("taints") or []
        kept = [t for t in taints if not (t.get("effect") == "NoExecute" and t.get("key") in (
            TAINT_NOT_READY, TAINT_UNREACHABLE))]
        if len(kept) != len(taints):
            self._write_taints(node, kept)
        return self._tainter(zone_key(node)).remove(node["metadata"]["name"])

    def do_no_execute_tainting_pass(self) -> None:
        now = self.cluster.now_ms
        store = self.cluster.store
        for zone in sorted(self.tainters):
            tainter = self.tainters[zone]
            for name in tainter.order():
                if not tainter.try_accept(now):
                    if tainter.qps > 0 and tainter.available_ms is not None:
                        self.enqueue_at(("taintpass",), tainter.available_ms)
                    break
                node = store.get("Node", "", name)
                if node is not None:
                    status = ready_status(node)
                    not_ready = {"key": TAINT_NOT_READY, "effect": "NoExecute"}
                    unreachable = {"key": TAINT_UNREACHABLE, "effect": "NoExecute"}
                    if status == "False":
                        self._write_taints(node, swap_taints(node["spec"].get("taints"),
                                                             [not_ready], [unreachable], now))
                    elif status == "Unknown":
                        self._write_taints(node, swap_taints(node["spec"].get("taints"),
                                                             [unreachable], [not_ready], now))
                    elif status is None:
                        continue  # no Ready condition: retried later upstream
                del tainter.pending[name]
                tainter.done.add(name)

    # -- zone disruption -------------------------------------------------------------------------
    def handle_disruption(self, zone_conditions: dict[str, list[str | None]],
                          nodes: list[dict]) -> None:
        new_states: dict[str, str] = {}
        all_fully = True
        for zone in sorted(zone_conditions):
            _, state = compute_zone_state(zone_conditions[zone])
            if state != STATE_FULL:
                all_fully = False
            new_states[zone] = state
            self.zone_states.setdefault(zone, STATE_INITIAL)
            self._tainter(zone)
        all_was_fully = True
        for zone in sorted(self.zone_states):
            if zone not in zone_conditions:
                del self.zone_states[zone]
                continue
            if self.zone_states[zone] != STATE_FULL:
                all_was_fully = False
                break
        if all_fully and all_was_fully:
            return
        if all_fully:
            # "Controller detected that all Nodes are not-Ready. Entering master disruption mode"
            for node in nodes:
                if self.cluster.store.get("Node", "", node["metadata"]["name"]) is not None:
                    self.mark_node_as_reachable(node)
            for zone in sorted(self.zone_states):
                self.tainters[zone].swap_limiter(0.0)
                self.zone_states[zone] = STATE_FULL
            return
        if all_was_fully:
            for zone in sorted(self.zone_states):
                state = new_states[zone]
                self.tainters[zone].swap_limiter(zone_qps(state, len(zone_conditions[zone])))
                self.zone_states[zone] = state
            return
        for zone in sorted(self.zone_states):
            state = new_states[zone]
            if self.zone_states[zone] == state:
                continue
            self.tainters[zone].swap_limiter(zone_qps(state, len(zone_conditions[zone])))
            self.zone_states[zone] = state
