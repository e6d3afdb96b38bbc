"""Cluster: the simulated control plane, usable from plain Python.

    cluster = Cluster(nodes=3)
    cluster.apply(deployment_manifest)        # admitted, stored, then the cluster settles
    cluster.kubectl("set image deployment/web web=nginx:1.25")
    cluster.advance("30s")
    cluster.get("Deployment", "web")["status"]

Every component reads the store and writes through the simulated apiserver; the settle loop
runs them in rounds, in a fixed order, until nothing is left to do at the current time.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.apiserver import ApiServer
from pytest_k8sflow.engine.clock import Clock
from pytest_k8sflow.engine.events import EventRecorder
from pytest_k8sflow.engine.names import NameGenerator, UidGenerator
from pytest_k8sflow.engine.nodes import node_manifest, node_names
from pytest_k8sflow.engine.resources import ResourceType, resolve_resource, resource_for_kind
from pytest_k8sflow.engine.selectors import Selector, from_label_selector, parse_selector
from pytest_k8sflow.engine.store import Store
from pytest_k8sflow.engine.timeutil import DEFAULT_START, format_time, parse_duration, parse_time
from pytest_k8sflow.errors import ConvergenceError, K8sflowError

DEFAULT_KUBERNETES_VERSION = "1.32"
USER = "kubectl"  # what writes made by scenario steps are attributed to
MAX_ROUNDS_PER_SETTLE = 100_000
OSCILLATION_CHECK_EVERY = 256


@dataclass
class PodRule:
    """A standing rule from a ``pods`` step: applies to matching pods, also future ones."""

    selector: Selector
    pod_name: str | None
    namespace: str
    node: str | None
    ready: bool | None = None
    start: bool | None = None
    stop_delay_ms: int | None = None

    def matches(self, pod: Mapping) -> bool:
        meta = pod["metadata"]
        if (meta.get("namespace") or "default") != self.namespace:
            return False
        if self.pod_name is not None and meta["name"] != self.pod_name:
            return False
        if self.node is not None and (pod.get("spec") or {}).get("nodeName") != self.node:
            return False
        return self.selector.matches(meta.get("labels"))


@dataclass
class PodRules:
    rules: list[PodRule] = field(default_factory=list)

    def _last(self, pod: Mapping, attribute: str):
        value = None
        for rule in self.rules:
            current = getattr(rule, attribute)
            if current is not None and rule.matches(pod):
                value = current
        return value

    def ready_blocked(self, pod: Mapping) -> bool:
        return self._last(pod, "ready") is False

    def start_blocked(self, pod: Mapping) -> bool:
        return self._last(pod, "start") is False

    def stop_delay_ms(self, pod: Mapping) -> int:
        return self._last(pod, "stop_delay_ms") or 0


def parse_version(text: str | int | float) -> tuple[int, int]:
    value = str(text).strip().lstrip("v")
    parts = value.split(".")
    try:
        return int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except ValueError as exc:
        raise K8sflowError(f"kubernetesVersion {text!r} is not a version like \"1.32\"") from exc


class Cluster:
    """A deterministic, in-memory Kubernetes control plane on a simulated clock."""

    def __init__(self, *, nodes: int | Iterable[Mapping] = 3, start: str | int = DEFAULT_START,
                 seed: int | str = 0, kubernetes_version: str = DEFAULT_KUBERNETES_VERSION,
                 components: Iterable | None = None, keep_history: bool = True,
                 settle: bool = True) -> None:
        from pytest_k8sflow.engine.strategies import prepare_for
        from pytest_k8sflow.engine.wiring import (
            admission_plugins,
            default_components,
            defaulter_for,
            validators_for,
        )

        self.seed = seed
        self.kubernetes_version = str(kubernetes_version)
        self.version = parse_version(kubernetes_version)
        self.clock = Clock(parse_time(start) if isinstance(start, str) else int(start))
        self.store = Store(keep_history=keep_history)
        self.store.now_ms = self.clock.now_ms
        self.names = NameGenerator(seed)
        self.uids = UidGenerator(seed)
        from pytest_k8sflow.engine.workqueue import WorkQueue

        self.queue = WorkQueue()
        self.recorder = EventRecorder(lambda: self.clock.now_ms, self._store_event)
        validate_create, validate_update = validators_for(self)
        self.api = ApiServer(
            self.store, lambda: self.clock.now_ms, self.names, self.uids,
            defaulter=defaulter_for(self), prepare=prepare_for(self.version),
            validate_create=validate_create,
            validate_update=validate_update, admission=admission_plugins(self),
            pod_generation=self.version >= (1, 33),
        )
        self.pod_rules = PodRules()
        self.components = list(components) if components is not None else \
            default_components(self)
        self._components_by_name = {c.name: c for c in self.components}
        for component in self.components:
            self.queue.register(component.name)
        for component in self.components:
            component.setup(self)
        self.step = 0
        self.settle_rounds = 0
        self._bootstrap(nodes)
        if settle:
            self.settle()

    # -- bootstrap -----------------------------------------------------------------------
    def _bootstrap(self, nodes: int | Iterable[Mapping]) -> None:
        for ns in ("default", "kube-node-lease", "kube-public", "kube-system"):
            self.api.create({"apiVersion": "v1", "kind": "Namespace",
                             "metadata": {"name": ns,
                                          "labels": {"kubernetes.io/metadata.name": ns}}},
                            "namespace-controller")
        # The apiserver's own Service (pkg/controlplane/controller/kubernetesservice): every
        # container sees it as KUBERNETES_SERVICE_HOST/PORT. Its Endpoints (the apiserver's
        # address) are not modelled.
        self.api.create({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"],
                     "ports": [{"name": "https", "port": 443, "protocol": "TCP",
                                "targetPort": 6443}],
                     "sessionAffinity": "None"},
        }, "kube-apiserver")
        specs: list[Mapping]
        if isinstance(nodes, int):
            specs = [{"name": name} for name in node_names(nodes)]
        else:
            specs = list(nodes)
        for spec in specs:
            self.add_node(spec)

    def add_node(self, spec: Mapping) -> dict:
        index = self.store.count("Node")
        while any(n["spec"].get("podCIDR") == f"10.244.{index}.0/24"
                  for n in self.store.list("Node")):
            index += 1
        manifest = node_manifest(spec, index, self.kubernetes_version, self.clock.now_ms)
        return self.api.create(manifest, "kubelet")

    # -- time and settling ---------------------------------------------------------------
    @property
    def now_ms(self) -> int:
        return self.clock.now_ms

    def now_text(self) -> str:
        return format_time(self.clock.now_ms)

    def enqueue(self, component: str, key: Hashable) -> None:
        self.queue.add(component, key)

    def enqueue_at(self, component: str, key: Hashable, due_ms: int) -> None:
        self.clock.call_at(due_ms, (component, key), lambda: self.queue.add(component, key))

    def component(self, name: str):
        return self._components_by_name[name]

    def settle(self, *, one_round: bool = False) -> int:
        """Run components until nothing is queued at the current time; returns the rounds.

        ``one_round`` runs each component once over what is queued for it when its turn
        comes (``settle: false`` steps).
        """
        # The loop allocates many short-lived, acyclic dicts; the cyclic collector's passes over
        # them cost ~20% and free nothing, so it is paused here (cycles wait until after).
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._settle(one_round)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _settle(self, one_round: bool) -> int:
        self.store.now_ms = self.clock.now_ms
        rounds = 0
        writes_at_start = self.store.writes
        while True:
            self.clock.fire_due()
            if self.queue.empty():
                break
            for component in self.components:
                for key in self.queue.take(component.name):
                    component.sync(key)
            rounds += 1
            if one_round:
                break
            if rounds % OSCILLATION_CHECK_EVERY == 0:
                self._check_oscillation(writes_at_start)
            if rounds >= MAX_ROUNDS_PER_SETTLE:
                raise ConvergenceError(self._convergence_report(
                    f"the cluster did not settle after {rounds} rounds at "
                    f"{self.now_text()}", writes_at_start))
        self.settle_rounds += rounds
        return rounds

    def _recent_writes(self, since: int) -> list[tuple[tuple[str, str, str], str]]:
        out = []
        for key, writes in self.store.history.items():
            for write in writes[-64:]:
                if write.time_ms == self.clock.now_ms and write.resource_version > since:
                    out.append((key, write.actor))
        return out

    def _check_oscillation(self, writes_at_start: int) -> None:
        """Two components undoing each other's writes make an object flip between two
        versions; detect the A-B-A-B pattern in the write history of this settle."""
        if not self.store.keep_history:
            return
        now = self.clock.now_ms
        for key, writes in self.store.history.items():
            recent = [w for w in writes[-6:] if w.time_ms == now and w.obj is not None]
            if len(recent) < 6:
                continue
            bodies = [_without_rv(w.obj) for w in recent]
            if bodies[0] == bodies[2] == bodies[4] and bodies[1] == bodies[3] == bodies[5] \
                    and bodies[0] != bodies[1]:
                actors = sorted({w.actor for w in recent})
                kind, ns, name = key
                obj_name = f"{kind}/{name}" + (f" in namespace {ns}" if ns else "")
                raise ConvergenceError(
                    f"the cluster does not converge at {self.now_text()}: {obj_name} keeps "
                    f"flipping between two versions, written in turn by "
                    f"{' and '.join(actors)}")

    def _convergence_report(self, headline: str, writes_at_start: int) -> str:
        counter: Counter = Counter()
        actors: dict[tuple, set] = {}
        for key, writes in self.store.history.items():
            for write in writes[-200:]:
                if write.time_ms == self.clock.now_ms:
                    counter[key] += 1
                    actors.setdefault(key, set()).add(write.actor)
        lines = [headline + "; most rewritten objects:"]
        for (kind, ns, name), count in counter.most_common(5):
            lines.append(f"  {kind}/{name} ({ns or 'cluster'}): {count} writes by "
                         f"{', '.join(sorted(actors[(kind, ns, name)]))}")
        pending = self.queue.pending()
        if pending:
            lines.append("  still queued: " + ", ".join(
                f"{name} ({len(keys)})" for name, keys in sorted(pending.items())))
        return "\n".join(lines)

    def advance(self, duration: str | int) -> None:
        """Move the clock forward; everything due runs in time order, settling after each."""
        delta = parse_duration(duration) if isinstance(duration, str) else int(duration)
        target = self.clock.now_ms + delta
        self.settle()
        while (due := self.clock.next_due()) is not None and due <= target:
            self.clock.set(due)
            self.settle()
        self.clock.set(target)
        self.settle()

    def run_until(self, condition: Callable[[], bool], within: str | int) -> bool:
        """Advance event by event until ``condition()`` holds; False if ``within`` passes."""
        limit = parse_duration(within) if isinstance(within, str) else int(within)
        deadline = self.clock.now_ms + limit
        self.settle()
        if condition():
            return True
        while True:
            due = self.clock.next_due()
            if due is None or due > deadline:
                self.clock.set(deadline)
                self.settle()
                return condition()
            self.clock.set(due)
            self.settle()
            if condition():
                return True

    # -- events --------------------------------------------------------------------------
    def _store_event(self, event: dict, is_update: bool) -> None:
        rv = self.store.next_resource_version()
        meta = dict(event["metadata"])
        if not is_update:
            meta["uid"] = self.uids.new_uid()
            meta["creationTimestamp"] = format_time(self.clock.now_ms)
        meta["resourceVersion"] = str(rv)
        stored = {**event, "metadata": meta}
        self.store.put("Event", stored, meta.get("name", ""), rv)

    @property
    def events(self) -> list[dict]:
        """Every event emitted so far, in order, as the components emitted them."""
        return self.recorder.emitted

    # -- reads ---------------------------------------------------------------------------
    def get(self, kind: str, name: str, namespace: str = "default") -> dict | None:
        rtype = _resource(kind)
        return self.store.get(rtype.kind, namespace if rtype.namespaced else "", name)

    def list(self, kind: str, namespace: str | None = "default",
             selector: str | Mapping | None = None) -> list[dict]:
        rtype = _resource(kind)
        objects = self.store.list(rtype.kind, namespace if rtype.namespaced else None)
        if selector is None:
            return objects
        matcher = parse_selector(selector) if isinstance(selector, str) else \
            from_label_selector(selector)
        return [o for o in objects if matcher.matches(o["metadata"].get("labels"))]

    # -- writes a user makes -------------------------------------------------------------
    def _after_write(self, settle: bool) -> None:
        if settle:
            self.settle()
        else:
            self.settle(one_round=True)

    def create(self, manifest: Mapping, *, settle: bool = True) -> dict:
        obj = self.api.create(dict(manifest), USER)
        self._after_write(settle)
        return obj

    def apply(self, manifests: Mapping | Iterable[Mapping], *, settle: bool = True) -> list[dict]:
        """``kubectl apply``: create, or three-way merge into the live object."""
        from pytest_k8sflow.engine.patch import apply_patch, with_last_applied

        items = [manifests] if isinstance(manifests, Mapping) else list(manifests)
        results = []
        for manifest in items:
            manifest = dict(manifest)
            rtype = self.api.resource_type(manifest)
            meta = manifest.get("metadata") or {}
            namespace = (meta.get("namespace") or "default") if rtype.namespaced else ""
            live = self.store.get(rtype.kind, namespace, meta.get("name", "")) \
                if meta.get("name") else None
            if live is None:
                results.append(self.api.create(with_last_applied(manifest, namespace or None),
                                               USER))
            else:
                merged = apply_patch(live, manifest, rtype.api_version, rtype.kind)
                results.append(self.api.update(merged, USER))
        self._after_write(settle)
        return results

    def update(self, obj: Mapping, *, settle: bool = True) -> dict:
        result = self.api.update(dict(obj), USER)
        self._after_write(settle)
        return result

    def delete(self, target: str, *, namespace: str = "default", propagation: str | None = None,
               grace_period_seconds: int | None = None, settle: bool = True) -> None:
        rtype, name = parse_target(target)
        ns = namespace if rtype.namespaced else ""
        self.api.delete(rtype.kind, ns, name, USER, propagation=propagation,
                        grace_period_seconds=grace_period_seconds)
        self._after_write(settle)

    def patch(self, target: str, *, merge: Mapping | None = None, json: list | None = None,
              strategic: Mapping | None = None, namespace: str = "default",
              settle: bool = True) -> dict:
        from pytest_k8sflow.engine import patch as patches

        rtype, name = parse_target(target)
        ns = namespace if rtype.namespaced else ""
        live = self.store.get(rtype.kind, ns, name)
        if live is None:
            raise apierrors.not_found(rtype.plural, rtype.group, name)
        if merge is not None:
            new = patches.json_merge_patch(live, merge)
        elif json is not None:
            new = patches.json_patch(live, json)
        elif strategic is not None:
            new = patches.strategic_merge_patch(live, strategic, rtype.api_version, rtype.kind)
        else:
            raise K8sflowError("patch needs one of merge, json or strategic")
        result = self.api.update(new, USER)
        self._after_write(settle)
        return result

    def scale(self, target: str, replicas: int, *, namespace: str = "default",
              settle: bool = True) -> dict:
        rtype, name = parse_target(target)
        live = self.store.get(rtype.kind, namespace if rtype.namespaced else "", name)
        if live is None:
            raise apierrors.not_found(rtype.plural, rtype.group, name)
        if "replicas" not in (live.get("spec") or {}) and rtype.kind not in (
                "Deployment", "ReplicaSet", "StatefulSet"):
            raise apierrors.ApiError(
                "NotFound", 'the server could not find the requested resource', 404)
        new = {**live, "spec": {**live["spec"], "replicas": int(replicas)}}
        result = self.api.update(new, USER)
        self._after_write(settle)
        return result

    def kubectl(self, command: str, *, settle: bool = True):
        """Run a kubectl command line (without the word ``kubectl``); returns its result."""
        from pytest_k8sflow.kubectl.run import run_kubectl

        result = run_kubectl(self, command)
        self._after_write(settle)
        return result


def _without_rv(obj: dict) -> dict:
    meta = {k: v for k, v in obj["metadata"].items() if k != "resourceVersion"}
    return {**obj, "metadata": meta}


def _resource(kind: str) -> ResourceType:
    rtype = resource_for_kind(kind) or resolve_resource(kind)
    if rtype is None:
        raise K8sflowError(f'unknown kind "{kind}"')
    return rtype


def parse_target(target: str) -> tuple[ResourceType, str]:
    """``deployment/web``, ``deployment.apps/web``, ``Deployment/web`` -> (type, name)."""
    if "/" not in target:
        raise K8sflowError(f'target "{target}" is not of the form kind/name '
                           f'(e.g. deployment/web)')
    kind_text, name = target.split("/", 1)
    rtype = resolve_resource(kind_text)
    if rtype is None:
        raise K8sflowError(f'the server doesn\'t have a resource type "{kind_text}"')
    return rtype, name


# -- node operations (the `node` step and kubectl cordon/uncordon/taint) -----------------------
UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"


def _node(cluster: Cluster, name: str) -> dict:
    node = cluster.store.get("Node", "", name)
    if node is None:
        raise apierrors.not_found("nodes", "", name)
    return node


def set_unschedulable(cluster: Cluster, name: str, value: bool, actor: str = USER) -> dict:
    """cordon / uncordon: spec.unschedulable, and the taint the node lifecycle controller
    keeps in step with it (k/k pkg/controller/nodelifecycle, TaintNodesByCondition)."""
    node = _node(cluster, name)
    spec = {k: v for k, v in node["spec"].items() if k != "unschedulable"}
    if value:
        spec["unschedulable"] = True
    node = cluster.api.update({**node, "spec": spec}, actor)
    taints = [t for t in node["spec"].get("taints") or [] if t.get("key") != UNSCHEDULABLE_TAINT]
    if value:
        taints.append({"key": UNSCHEDULABLE_TAINT, "effect": "NoSchedule",
                       "timeAdded": format_time(cluster.now_ms)})
    spec = {k: v for k, v in node["spec"].items() if k != "taints"}
    if taints:
        spec["taints"] = taints
    return cluster.api.update({**node, "spec": spec}, "node-controller")


def add_taint(cluster: Cluster, name: str, key: str, value: str | None, effect: str,
              actor: str = USER) -> dict:
    node = _node(cluster, name)
    taints = [t for t in node["spec"].get("taints") or []
              if not (t.get("key") == key and t.get("effect") == effect)]
    taint = {"key": key, "effect": effect}
    if value not in (None, ""):
        taint["value"] = str(value)
    if effect == "NoExecute":
        taint["timeAdded"] = format_time(cluster.now_ms)
    taints.append(taint)
    return cluster.api.update({**node, "spec": {**node["spec"], "taints": taints}}, actor)


def remove_taint(cluster: Cluster, name: str, key: str, effect: str | None,
                 actor: str = USER) -> dict:
    node = _node(cluster, name)
    taints = [t for t in node["spec"].get("taints") or []
              if not (t.get("key") == key and (effect is None or t.get("effect") == effect))]
    spec = {k: v for k, v in node["spec"].items() if k != "taints"}
    if taints:
        spec["taints"] = taints
    return cluster.api.update({**node, "spec": spec}, actor)


NODE_CONDITION_TEXT = {
    ("Ready", "True"): ("KubeletReady", "kubelet is posting ready status"),
    ("Ready", "False"): ("KubeletNotReady", "container runtime is down"),
    ("Ready", "Unknown"): ("NodeStatusUnknown", "Kubelet stopped posting node status."),
    ("MemoryPressure", "True"): ("KubeletHasInsufficientMemory",
                                 "kubelet has insufficient memory available"),
    ("DiskPressure", "True"): ("KubeletHasDiskPressure", "kubelet has disk pressure"),
    ("PIDPressure", "True"): ("KubeletHasInsufficientPID",
                              "kubelet has insufficient PID available"),
}


def set_node_condition(cluster: Cluster, name: str, condition_type: str, status: str,
                       actor: str = "kubelet") -> dict:
    """A node condition changes. Ready=Unknown is the node controller's write after the
    kubelet stopped posting (heartbeat kept); other changes are the kubelet's own, and a
    Ready change is recorded as NodeReady/NodeNotReady (pkg/kubelet/nodestatus/setters.go)."""
    node = _node(cluster, name)
    now = format_time(cluster.now_ms)
    unknown = condition_type == "Ready" and status == "Unknown"
    if unknown:
        actor = "node-controller"
    conditions = []
    found = changed = False
    for cond in node["status"].get("conditions") or []:
        if cond.get("type") == condition_type:
            found = True
            if cond.get("status") != status:
                changed = True
                reason, message = NODE_CONDITION_TEXT.get((condition_type, status),
                                                          (cond.get("reason"),
                                                           cond.get("message")))
                cond = {**cond, "status": status, "reason": reason, "message": message,
                        "lastTransitionTime": now}
                if not unknown:
                    cond["lastHeartbeatTime"] = now
        conditions.append(cond)
    if not found:
        changed = True
        reason, message = NODE_CONDITION_TEXT.get((condition_type, status), ("", ""))
        conditions.append({"type": condition_type, "status": status, "reason": reason,
                           "message": message, "lastHeartbeatTime": now,
                           "lastTransitionTime": now})
    updated = cluster.api.update_status({**node, "status": {**node["status"],
                                                            "conditions": conditions}}, actor)
    if changed and condition_type == "Ready" and not unknown:
        reason = "NodeReady" if status == "True" else "NodeNotReady"
        cluster.recorder.emit(updated, "Normal", reason, f"Node {name} status is now: {reason}",
                              component="kubelet", host=name)
    return updated
