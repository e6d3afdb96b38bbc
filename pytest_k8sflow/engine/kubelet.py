"""The kubelet model: runs bound pods' containers on the simulated clock.

One component stands for the kubelets of every node (events name the node as their host).
It keeps a runtime record per pod (sandbox, containers, restarts, back-off, probe state),
and writes the pod status a real kubelet would report. Rules and sources:
docs/semantics.md, "Kubelet".
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.component import Component
from pytest_k8sflow.engine.envvars import CREATE_CONTAINER_CONFIG_ERROR, container_env
from pytest_k8sflow.engine.nodes import is_node_ready, node_internal_ip
from pytest_k8sflow.engine.podstatus import (
    FAILURE,
    SUCCESS,
    BackOff,
    ProbeWorker,
    pod_conditions,
    pod_phase,
    should_restart,
)
from pytest_k8sflow.engine.timeutil import format_go_duration, format_time
from pytest_k8sflow.engine.volumes import volume_setup_errors

KUBELET = "kubelet"
PROBE_KINDS = ("startup", "liveness", "readiness")
PROBE_FIELD = {"startup": "startupProbe", "liveness": "livenessProbe",
               "readiness": "readinessProbe"}
PROBE_TITLE = {"startup": "Startup", "liveness": "Liveness", "readiness": "Readiness"}
LIVENESS_KILL_EXIT_CODE = 137  # SIGKILL after the grace period; containerd reports 137
SIGTERM_EXIT_CODE = 143  # 128 + SIGTERM: a process that exits on SIGTERM's default action


@dataclass
class ProbeTimer:
    """A probe worker and when its next tick is due on the simulated clock."""
    worker: ProbeWorker
    next_at: int


@dataclass
class ContainerRuntime:
    name: str
    image: str
    init: bool = False
    sidecar: bool = False
    state: str = "waiting"  # waiting | running | terminated
    reason: str | None = "ContainerCreating"
    message: str | None = None
    started_at: int | None = None
    finished_at: int | None = None
    exit_code: int | None = None
    restart_count: int = 0
    last_terminated: dict | None = None
    container_id: str | None = None
    started: bool = False
    ready: bool = False
    probes: dict[str, ProbeTimer] = field(default_factory=dict)
    pending_exits: deque = field(default_factory=deque)  # init containers: exit codes to come
    restart_due: int | None = None
    ever_started: bool = False
    env: dict[str, str] | None = None  # the environment it was last created with
    config_error: str | None = None  # the CreateContainerConfigError last reported


@dataclass
class PodRuntime:
    uid: str
    node: str
    ip: str | None = None
    start_time: int | None = None
    containers: dict[str, ContainerRuntime] = field(default_factory=dict)
    init_order: list[str] = field(default_factory=list)
    main_order: list[str] = field(default_factory=list)
    stop_at: int | None = None
    stop_exit_code: int = SIGTERM_EXIT_CODE
    probe_queue: dict[tuple[str, str], deque] = field(default_factory=dict)
    ended: bool = False  # a `pods` step ended the pod (phase Failed/Succeeded)
    volumes_ready: bool = False  # every volume set up once; later failures do not matter
    mount_failures: tuple[tuple[str, str], ...] = ()  # FailedMount (volume, error) reported


def first_probe_delay_ms(kind: str, spec: dict) -> int:
    """When a probe first runs after its container started (the scenario contract: after
    initialDelaySeconds, then every periodSeconds).

    Without an initial delay, a liveness or startup probe first runs one period after the
    start: its worker (k/k pkg/kubelet/prober/worker.go run) probes once when the pod is
    added, before the container exists, then on a periodSeconds ticker. A readiness probe
    runs at once: prober_manager.go UpdatePodStatus triggers it (manualTriggerCh) as soon
    as a started container is not ready. So the documented startup probe (failureThreshold
    30, periodSeconds 10) kills the container after 300 s, not 290 s. It also means failures
    a `probe` step queues right after `given` are what the first liveness or startup probe
    sees; at t=0 itself only readiness is probed (and the contract's "first after
    initialDelaySeconds" holds whenever a delay is set)."""
    delay = int(spec.get("initialDelaySeconds") or 0) * 1000
    if delay == 0 and kind != "readiness":
        return int(spec.get("periodSeconds") or 10) * 1000
    return delay


def container_id(uid: str, name: str, restart: int) -> str:
    digest = hashlib.sha256(f"{uid}/{name}/{restart}".encode()).hexdigest()
    return f"containerd://{digest}"


def normalise_image(image: str) -> str:
    """How containerd reports an image reference (docker.io/library/ prefix, :latest tag)."""
    name = image
    if "@" not in name and ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    first = name.split("/", 1)[0]
    if "/" not in name:
        name = "docker.io/library/" + name
    elif "." not in first and ":" not in first and first != "localhost":
        name = "docker.io/" + name
    return name


def image_id(image: str) -> str:
    repo = normalise_image(image).rsplit(":", 1)[0] if "@" not in image else image.split("@")[0]
    return f"{repo}@sha256:{hashlib.sha256(image.encode()).hexdigest()}"


class Kubelet(Component):
    name = KUBELET

    def setup(self, cluster) -> None:
        super().setup(cluster)
        self.runtimes: dict[str, PodRuntime] = {}
        self._uid_by_key: dict[tuple[str, str], str] = {}
        self.backoff = BackOff()
        # Pods whose containers were stopped after deletion, by uid: the kubelet is done with
        # them (one kept by a finalizer gets no further status writes).
        self._terminated: dict[str, None] = {}
        self._next_ip: dict[str, int] = {}
        cluster.store.watch("Pod", self._on_pod)
        cluster.store.watch("Node", self._on_node)
        # Pods waiting for a ConfigMap, Secret or ServiceAccount (volume SetUp or
        # CreateContainerConfigError), by namespace: retried when one of those changes.
        self._config_waiters: dict[str, dict[tuple[str, str], None]] = {}
        for kind in ("ConfigMap", "Secret", "ServiceAccount"):
            cluster.store.watch(kind, self._on_config)
        cluster.kubelet = self

    def _on_pod(self, old: dict | None, new: dict | None) -> None:
        obj = new if new is not None else old
        if (obj.get("spec") or {}).get("nodeName"):
            meta = obj["metadata"]
            self.enqueue((meta.get("namespace") or "", meta["name"]))

    def _on_node(self, old: dict | None, new: dict | None) -> None:
        if old is None or new is None:
            return
        for pod in self.cluster.store.by_index("Pod", "node", new["metadata"]["name"]):
            meta = pod["metadata"]
            self.enqueue((meta.get("namespace") or "", meta["name"]))

    def _on_config(self, old: dict | None, new: dict | None) -> None:
        obj = new if new is not None else old
        namespace = obj["metadata"].get("namespace") or ""
        for key in list(self._config_waiters.get(namespace, ())):
            self.enqueue(key)

    def _wait_for_config(self, pod: dict) -> None:
        key = _key(pod)
        self._config_waiters.setdefault(key[0], {})[key] = None

    # -- read by expectations ----------------------------------------------------------
    def container_environment(self, pod: dict, container: str) -> dict[str, str] | None:
        """The environment the container was last created with (None: never created).

        Fixed at creation, as in a real container: later ConfigMap, Secret or Service changes
        show only after a restart."""
        runtime = self.runtimes.get(pod["metadata"]["uid"])
        c = runtime.containers.get(container) if runtime is not None else None
        return dict(c.env) if c is not None and c.env is not None else None

    # -- actions driven by steps -------------------------------------------------------
    def terminate_container(self, pod: dict, container: str, exit_code: int,
                            reason: str | None = None) -> bool:
        """The container process exits with ``exit_code``; False if it was not running."""
        runtime = self.runtimes.get(pod["metadata"]["uid"])
        if runtime is None or container not in runtime.containers:
            return False
        c = runtime.containers[container]
        if c.state != "running":
            if c.init and not c.sidecar and not runtime.ended \
                    and pod["status"].get("phase") not in ("Succeeded", "Failed") \
                    and not (c.state == "terminated" and c.exit_code == 0):
                # An init container does its work at once when it runs; one that has yet to
                # run (held by a `start: false` rule, or waiting to be restarted) exits with
                # this code on its next run instead of 0.
                c.pending_exits.append(exit_code)
                self.enqueue(_key(pod))
                return True
            return False
        self._exit(c, exit_code, reason)
        self.enqueue(_key(pod))
        return True

    def queue_probe_results(self, pod: dict, container: str, kind: str,
                            results: list[tuple[bool, str]]) -> None:
        runtime = self._runtime(pod)
        queue = runtime.probe_queue.setdefault((container, kind), deque())
        queue.extend(results)
        self.enqueue(_key(pod))

    def end_pod(self, pod: dict, phase: str, reason: str | None, message: str | None) -> None:
        """Stop every container and report a terminal phase (eviction, node shutdown)."""
        runtime = self._runtime(pod)
        for c in runtime.containers.values():
            if c.state == "running":
                self._exit(c, 0 if phase == "Succeeded" else LIVENESS_KILL_EXIT_CODE, None)
                if phase != "Succeeded":
                    c.reason = "Error"
        runtime.ended = True
        status = self._build_status(pod, runtime)
        status["phase"] = phase
        if reason:
            status["reason"] = reason
        if message:
            status["message"] = message
        self._write_status(pod, status)

    # -- the sync --------------------------------------------------------------------------
    def _runtime(self, pod: dict) -> PodRuntime:
        uid = pod["metadata"]["uid"]
        runtime = self.runtimes.get(uid)
        if runtime is None:
            runtime = PodRuntime(uid=uid, node=pod["spec"]["nodeName"])
            spec = pod["spec"]
            # convertToAPIContainerStatuses: not-yet-created containers wait with
            # PodInitializing when the pod has init containers, else ContainerCreating.
            waiting = "PodInitializing" if spec.get("initContainers") else "ContainerCreating"
            for c in spec.get("initContainers") or []:
                sidecar = c.get("restartPolicy") == "Always"
                runtime.containers[c["name"]] = ContainerRuntime(
                    c["name"], c.get("image", ""), init=True, sidecar=sidecar, reason=waiting)
                runtime.init_order.append(c["name"])
            for c in spec.get("containers") or []:
                runtime.containers[c["name"]] = ContainerRuntime(
                    c["name"], c.get("image", ""), reason=waiting)
                runtime.main_order.append(c["name"])
            self.runtimes[uid] = runtime
            self._uid_by_key[_key(pod)] = uid
        return runtime

    def sync(self, key: Hashable) -> None:
        namespace, name = key  # type: ignore[misc]
        pod = self.cluster.store.get("Pod", namespace, name)
        if pod is None:
            self._forget(namespace, name)
            return
        spec = pod.get("spec") or {}
        node_name = spec.get("nodeName")
        if not node_name:
            return
        node = self.cluster.store.get("Node", "", node_name)
        if node is None:
            return  # the node is gone; PodGC deals with its pods
        if not is_node_ready(node):
            # A failed node's kubelet neither reports status nor finishes deletions; its pods
            # wait for the node to come back (or for PodGC once the Node is deleted).
            return
        if pod["metadata"]["uid"] in self._terminated:
            return
        runtime = self._runtime(pod)
        if pod["metadata"].get("deletionTimestamp"):
            self._terminate(pod, runtime)
            return
        if pod["status"].get("phase") in ("Succeeded", "Failed") or runtime.ended:
            return
        now = self.cluster.now_ms
        if runtime.start_time is None:
            runtime.start_time = now
        rules = self.cluster.pod_rules
        self._config_waiters.get(namespace, {}).pop((namespace, name), None)
        if not rules.start_blocked(pod) and self._volumes_ready(pod, runtime, node, now):
            if runtime.ip is None:
                runtime.ip = self._allocate_ip(node)
            self._run_containers(pod, runtime, now)
        self._run_probes(pod, runtime, now)
        self._update_readiness(pod, runtime)
        status = self._build_status(pod, runtime)
        self._write_status(pod, status)
        self._schedule_wakeup(pod, runtime)

    def _forget(self, namespace: str, name: str) -> None:
        self._config_waiters.get(namespace, {}).pop((namespace, name), None)
        uid = self._uid_by_key.pop((namespace, name), None)
        if uid is not None:
            self.runtimes.pop(uid, None)

    # -- volumes -------------------------------------------------------------------------
    def _volumes_ready(self, pod: dict, runtime: PodRuntime, node: dict, now: int) -> bool:
        """kubelet syncPod WaitForAttachAndMount: no sandbox and no container until every
        volume is set up. A failing volume gets one FailedMount event per distinct error
        (**simplified**: the volume manager retries with back-off and the correlator counts
        the repeats); the pod is retried when a ConfigMap, Secret or ServiceAccount of its
        namespace changes."""
        if runtime.volumes_ready:
            return True
        failures = volume_setup_errors(pod, self.cluster.store,
                                       node_allocatable=_allocatable(node), now_ms=now)
        if not failures:
            runtime.volumes_ready = True
            runtime.mount_failures = ()
            return True
        reported = runtime.mount_failures
        for failure in failures:
            if (failure.volume, failure.message) not in reported:
                self.event(pod, failure.event_type, failure.event_reason,
                           failure.event_message, host=runtime.node)
        runtime.mount_failures = tuple((f.volume, f.message) for f in failures)
        self._wait_for_config(pod)
        return False

    # -- containers ------------------------------------------------------------------------
    def _container_spec(self, pod: dict, name: str) -> dict:
        spec = pod["spec"]
        for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
            if c["name"] == name:
                return c
        return {}

    def _try_start(self, pod: dict, runtime: PodRuntime, c: ContainerRuntime,
                   now: int) -> bool:
        """kuberuntime startContainer: pull the image, build the container config (its
        environment), then create and start it. A ConfigMap, Secret or key the environment
        needs that is missing leaves the container waiting in CreateContainerConfigError
        with a ``Failed`` ``Error: <message>`` event, and the pod is retried when one of
        them changes. Returns whether the container started."""
        node = self.cluster.store.get("Node", "", runtime.node)
        result = container_env(pod, c.name, self.cluster.store,
                               node_allocatable=_allocatable(node),
                               version=self.cluster.version,
                               pod_ips=[runtime.ip] if runtime.ip else None,
                               host_ip=node_internal_ip(node) if node else None)
        if result.error is not None:
            if c.config_error != result.error:  # once per distinct error (simplified)
                self._pull_events(pod, runtime, c)
                event = result.failed_event()
                self.event(pod, event.type, event.reason, event.message, host=runtime.node,
                           field_path=_field_path(c))
            c.state, c.reason, c.message = "waiting", CREATE_CONTAINER_CONFIG_ERROR, \
                result.error
            c.config_error = result.error
            c.restart_due = None
            self._wait_for_config(pod)
            return False
        c.config_error = None
        for event in result.events:  # InvalidEnvironmentVariableNames, on the pod
            self.event(pod, event.type, event.reason, event.message, host=runtime.node)
        self._start(pod, runtime, c, now)
        c.env = result.env
        return True

    def _pull_events(self, pod: dict, runtime: PodRuntime, c: ContainerRuntime) -> None:
        spec = self._container_spec(pod, c.name)
        policy = spec.get("imagePullPolicy", "IfNotPresent")
        image = spec.get("image", "")
        field_path = _field_path(c)
        node = runtime.node
        if policy == "Always":
            self.event(pod, "Normal", "Pulling", f'Pulling image "{image}"', host=node,
                       field_path=field_path)
            self.event(pod, "Normal", "Pulled",
                       f'Successfully pulled image "{image}" in 0s (0s including waiting). '
                       f"Image size: 0 bytes.", host=node, field_path=field_path)
        else:
            self.event(pod, "Normal", "Pulled",
                       f'Container image "{image}" already present on machine', host=node,
                       field_path=field_path)

    def _start(self, pod: dict, runtime: PodRuntime, c: ContainerRuntime, now: int) -> None:
        node = runtime.node
        spec = self._container_spec(pod, c.name)
        if c.ever_started:
            c.restart_count += 1
        field_path = _field_path(c)
        self._pull_events(pod, runtime, c)
        self.event(pod, "Normal", "Created", f"Created container: {c.name}", host=node,
                   field_path=field_path)
        self.event(pod, "Normal", "Started", f"Started container {c.name}", host=node,
                   field_path=field_path)
        c.state, c.reason, c.message = "running", None, None
        c.started_at, c.finished_at, c.exit_code = now, None, None
        c.container_id = container_id(runtime.uid, c.name, c.restart_count)
        c.ever_started = True
        c.restart_due = None
        # One worker per probe for the container's life in the pod (prober_manager AddPod);
        # a new container ID resets its result. Ticks: first at initialDelaySeconds after the
        # start, then every periodSeconds (the scenario contract's timing; upstream ticks from
        # the worker's start and skips ticks inside the initial delay).
        for kind in PROBE_KINDS:
            probe = spec.get(PROBE_FIELD[kind])
            if not probe or (c.init and not c.sidecar):
                continue  # validation forbids probes on regular init containers
            timer = c.probes.get(kind)
            if timer is None:
                timer = c.probes[kind] = ProbeTimer(ProbeWorker(kind, probe), now)
            timer.next_at = now + first_probe_delay_ms(kind, timer.worker.spec)
        c.started = "startup" not in c.probes  # isContainerStarted before the first result
        c.ready = False

    def _exit(self, c: ContainerRuntime, exit_code: int, reason: str | None) -> None:
        now = self.cluster.now_ms
        c.state = "terminated"
        c.exit_code = exit_code
        c.reason = reason or ("Completed" if exit_code == 0 else "Error")
        c.message = None
        c.finished_at = now
        c.ready = False
        c.started = False

    def _terminated_dict(self, c: ContainerRuntime) -> dict:
        out = {"containerID": c.container_id, "exitCode": c.exit_code,
               "finishedAt": format_time(c.finished_at), "reason": c.reason,
               "startedAt": format_time(c.started_at)}
        if c.message:
            out["message"] = c.message
        return out

    def _run_containers(self, pod: dict, runtime: PodRuntime, now: int) -> None:
        policy = pod["spec"].get("restartPolicy", "Always")
        # Init containers run one after another; sidecars start and keep running.
        initialized = True
        for name in runtime.init_order:
            c = runtime.containers[name]
            if c.sidecar:
                if c.state == "waiting" and (not c.ever_started or _config_error(c)):
                    self._try_start(pod, runtime, c, now)
                elif c.state == "terminated":
                    self._maybe_restart(pod, runtime, c, "Always", now)
                if not c.started:
                    initialized = False
                    break
                continue
            if c.state == "terminated" and c.exit_code == 0:
                continue
            if c.state == "waiting" and (not c.ever_started or _config_error(c)):
                self._try_start(pod, runtime, c, now)
            elif c.state in ("terminated", "waiting") and policy != "Never":
                # A failed init container is retried (OnFailure rules, with back-off) unless
                # the pod never restarts (k/k kuberuntime_manager.go computeInitContainerActions).
                self._maybe_restart(pod, runtime, c, "OnFailure", now)
            if c.state == "running":
                # An init container does its work at once: it exits 0, or with the code a
                # `container` step queued for it.
                code = c.pending_exits.popleft() if c.pending_exits else 0
                self._exit(c, code, None)
                if code == 0:
                    continue
            initialized = False
            break
        if not initialized:
            return
        for name in runtime.main_order:
            c = runtime.containers[name]
            if c.state == "waiting" and (not c.ever_started or _config_error(c)):
                self._try_start(pod, runtime, c, now)
            elif c.state in ("terminated", "waiting") and c.ever_started:
                self._maybe_restart(pod, runtime, c, policy, now)
        mains = [runtime.containers[n] for n in runtime.main_order]
        if mains and all(c.state == "terminated" and not should_restart(policy, c.exit_code or 0)
                         for c in mains):
            # Every regular container is done for good: the sidecars are stopped, last one
            # first (k/k kuberuntime_manager.go computePodActions, KEP-753), and the pod ends.
            for name in reversed(runtime.init_order):
                c = runtime.containers[name]
                if c.sidecar and c.state == "running":
                    self.event(pod, "Normal", "Killing", f"Stopping container {c.name}",
                               host=runtime.node, field_path=_field_path(c))
                    self._exit(c, SIGTERM_EXIT_CODE, None)
                    c.restart_due = None

    def _maybe_restart(self, pod: dict, runtime: PodRuntime, c: ContainerRuntime,
                       policy: str, now: int) -> None:
        if c.state == "terminated" and not should_restart(policy, c.exit_code or 0):
            return
        if c.state == "terminated":
            c.last_terminated = self._terminated_dict(c)
        key = (runtime.uid, c.name)
        finished = c.finished_at if c.finished_at is not None else now
        if self.backoff.in_backoff_since(key, finished, now):
            delay = self.backoff.get(key)
            due = finished + delay
            if c.state != "waiting" or c.reason != "CrashLoopBackOff":
                self.event(pod, "Warning", "BackOff",
                           f"Back-off restarting failed container {c.name} in pod "
                           f"{_pod_ref(pod)}", host=runtime.node,
                           field_path=f"spec.containers{{{c.name}}}")
            c.state, c.reason = "waiting", "CrashLoopBackOff"
            c.message = (f"back-off {format_go_duration(delay)} restarting failed "
                         f"container={c.name} pod={_pod_ref(pod)}")
            c.restart_due = due
            return
        # Backoff.Next stamps the entry with the clock (the restart time), not the exit time.
        self.backoff.next(key, finished, now_ms=now)
        self._try_start(pod, runtime, c, now)

    # -- probes ------------------------------------------------------------------------------
    def _run_probes(self, pod: dict, runtime: PodRuntime, now: int) -> None:
        """Run the probe ticks that are due, in time order per container (startup, liveness,
        readiness at the same instant)."""
        policy = pod["spec"].get("restartPolicy", "Always")
        phase = (pod.get("status") or {}).get("phase")
        for c in runtime.containers.values():
            while c.state == "running":
                due = [(t.next_at, PROBE_KINDS.index(k), k) for k, t in c.probes.items()
                       if t.next_at <= now and not t.worker.held_for(c.container_id)]
                if not due:
                    break
                _, _, kind = min(due)
                timer = c.probes[kind]
                status = {"containerID": c.container_id, "started": c.started,
                          "state": {"running": {"startedAt": c.started_at}}}
                timer.worker.do_probe(
                    status, functools.partial(self._probe_once, pod, runtime, c, timer.worker),
                    now_ms=timer.next_at, pod_phase=phase, restart_policy=policy)
                timer.next_at += int(timer.worker.spec["periodSeconds"]) * 1000
                self._apply_probe_results(pod, runtime, c, policy)

    def _probe_once(self, pod: dict, runtime: PodRuntime, c: ContainerRuntime,
                    worker: ProbeWorker) -> str:
        """prober.go probe: the queued result (success by default); a failure records a
        Warning ``Unhealthy`` event ``<Type> probe failed: <output>`` every time."""
        queue = runtime.probe_queue.get((c.name, worker.kind))
        success, output = (queue.popleft() if queue else (True, ""))
        if success:
            return SUCCESS
        self.event(pod, "Warning", "Unhealthy",
                   f"{PROBE_TITLE[worker.kind]} probe failed: {output}", host=runtime.node,
                   field_path=_field_path(c))
        return FAILURE

    def _apply_probe_results(self, pod: dict, runtime: PodRuntime, c: ContainerRuntime,
                             policy: str) -> None:
        """What the kubelet does with the results: startup success marks the container
        started (prober_manager isContainerStarted); a liveness or startup failure kills it
        (kuberuntime_manager.go computePodActions), to be restarted unless the pod's
        restartPolicy is Never."""
        startup = c.probes.get("startup")
        c.started = startup is None or startup.worker.result_for(c.container_id) == SUCCESS
        for kind in ("liveness", "startup"):
            timer = c.probes.get(kind)
            if timer is None or c.state != "running" \
                    or timer.worker.result_for(c.container_id) != FAILURE:
                continue
            message = f"Container {c.name} failed {kind} probe"
            if policy != "Never":
                message += ", will be restarted"
            self.event(pod, "Normal", "Killing", message, host=runtime.node,
                       field_path=_field_path(c))
            self._exit(c, LIVENESS_KILL_EXIT_CODE, "Error")
            return

    def _update_readiness(self, pod: dict, runtime: PodRuntime) -> None:
        """prober_manager.go UpdatePodStatus: a regular init container is ready once it exited
        0; others when running, started and (with a readiness probe) its result is Success."""
        blocked = self.cluster.pod_rules.ready_blocked(pod)
        for c in runtime.containers.values():
            if c.init and not c.sidecar:
                c.ready = c.state == "terminated" and c.exit_code == 0
                continue
            if c.state != "running" or not c.started:
                c.ready = False
                continue
            timer = c.probes.get("readiness")
            ready = timer.worker.result_for(c.container_id) == SUCCESS if timer else True
            c.ready = ready and not blocked

    def _schedule_wakeup(self, pod: dict, runtime: PodRuntime) -> None:
        times = []
        for c in runtime.containers.values():
            if c.restart_due is not None:
                times.append(c.restart_due)
            if c.state == "running":
                for timer in c.probes.values():
                    if not timer.worker.held_for(c.container_id):
                        times.append(timer.next_at)
        if times:
            self.enqueue_at(_key(pod), min(times))

    # -- termination -----------------------------------------------------------------------
    def _stop_order(self, runtime: PodRuntime) -> list[ContainerRuntime]:
        # killContainersWithSyncResult: regular containers first, then sidecars in reverse
        # order (KEP-753); init containers that already exited are not running.
        mains = [runtime.containers[n] for n in runtime.main_order]
        sidecars = [runtime.containers[n] for n in reversed(runtime.init_order)
                    if runtime.containers[n].sidecar]
        inits = [runtime.containers[n] for n in runtime.init_order
                 if not runtime.containers[n].sidecar]
        return [*inits, *mains, *sidecars]

    def _terminate(self, pod: dict, runtime: PodRuntime) -> None:
        """A deleted pod: ``Killing`` "Stopping container x" for each running container, the
        containers stop after the `pods` rule's stopDelay (capped by the deletion grace
        period, when they are killed), then the kubelet writes the terminal status and
        removes the pod (k/k kubelet.go SyncTerminatingPod generateAPIPodStatus(podIsTerminal),
        status_manager.go syncPod canBeDeleted → delete with grace 0)."""
        now = self.cluster.now_ms
        if runtime.stop_at is None:
            running = [c for c in self._stop_order(runtime) if c.state == "running"]
            grace_ms = int(pod["metadata"].get("deletionGracePeriodSeconds") or 0) * 1000
            delay = self.cluster.pod_rules.stop_delay_ms(pod) if running else 0
            runtime.stop_at = now + min(delay, grace_ms)
            # A process still running at the end of the grace period gets SIGKILL (137);
            # otherwise it ended on SIGTERM (143).
            runtime.stop_exit_code = LIVENESS_KILL_EXIT_CODE if delay > grace_ms \
                else SIGTERM_EXIT_CODE
            for c in running:
                self.event(pod, "Normal", "Killing", f"Stopping container {c.name}",
                           host=runtime.node, field_path=_field_path(c))
        if now < runtime.stop_at:
            self.enqueue_at(_key(pod), runtime.stop_at)
            return
        for c in self._stop_order(runtime):
            if c.state == "running":
                self._exit(c, runtime.stop_exit_code, None)
        self._update_readiness(pod, runtime)
        status = self._build_status(pod, runtime, terminating=True)
        if runtime.ended or pod["status"].get("phase") in ("Succeeded", "Failed"):
            status["phase"] = pod["status"]["phase"]  # a terminal phase never changes
        for key in ("reason", "message"):
            if key in pod["status"] and status["phase"] == pod["status"].get("phase"):
                status[key] = pod["status"][key]
        self._write_status(pod, status)
        self._forget(*_key(pod))
        self._terminated[pod["metadata"]["uid"]] = None
        meta = pod["metadata"]
        self.cluster.api.force_remove("Pod", meta.get("namespace") or "", meta["name"],
                                      KUBELET)

    # -- status ----------------------------------------------------------------------------
    def _allocate_ip(self, node: dict) -> str:
        # host-local IPAM hands out addresses in order from the node's pod CIDR, starting
        # at .2 and not reusing a released one until the range wraps.
        cidr = node["spec"].get("podCIDR") or "10.244.0.0/24"
        prefix = cidr.split("/")[0].rsplit(".", 1)[0]
        name = node["metadata"]["name"]
        last = self._next_ip.get(name, 1)
        nxt = last + 1 if last < 254 else 2
        self._next_ip[name] = nxt
        return f"{prefix}.{nxt}"

    def _container_status(self, pod: dict, runtime: PodRuntime, c: ContainerRuntime) -> dict:
        status: dict = {"name": c.name, "image": normalise_image(c.image),
                        "imageID": image_id(c.image) if c.ever_started else "",
                        "lastState": {}, "ready": c.ready, "restartCount": c.restart_count,
                        "started": c.state == "running" and c.started}
        if c.container_id and c.ever_started:
            status["containerID"] = c.container_id
        if c.last_terminated:
            status["lastState"] = {"terminated": c.last_terminated}
        if c.state == "running":
            status["state"] = {"running": {"startedAt": format_time(c.started_at)}}
        elif c.state == "terminated":
            status["state"] = {"terminated": self._terminated_dict(c)}
        else:
            waiting = {"reason": c.reason} if c.reason else {}
            if c.message:
                waiting["message"] = c.message
            status["state"] = {"waiting": waiting}
        return status

    def _build_status(self, pod: dict, runtime: PodRuntime, *, terminating: bool = False
                      ) -> dict:
        now = self.cluster.now_ms
        old = pod.get("status") or {}
        init_statuses = [self._container_status(pod, runtime, runtime.containers[n])
                         for n in runtime.init_order]
        main_statuses = sorted(
            (self._container_status(pod, runtime, runtime.containers[n])
             for n in runtime.main_order), key=lambda s: s["name"])
        phase = pod_phase(pod["spec"], init_statuses, main_statuses, terminating=terminating)
        conditions = pod_conditions(pod, phase, init_statuses, main_statuses,
                                    sandbox_ready=runtime.ip is not None, now_ms=now)
        status = {**old, "phase": phase, "conditions": conditions,
                  "containerStatuses": main_statuses}
        if init_statuses:
            status["initContainerStatuses"] = init_statuses
        node = self.cluster.store.get("Node", "", runtime.node)
        host_ip = node_internal_ip(node) if node else ""
        status["hostIP"] = host_ip
        status["hostIPs"] = [{"ip": host_ip}]
        if runtime.ip:
            status["podIP"] = runtime.ip
            status["podIPs"] = [{"ip": runtime.ip}]
        if runtime.start_time is not None:
            status["startTime"] = format_time(runtime.start_time)
        return status

    def _write_status(self, pod: dict, status: dict) -> None:
        if status == pod.get("status"):
            return
        with contextlib.suppress(apierrors.ApiError):
            self.cluster.api.update_status({**pod, "status": status}, KUBELET)


def _field_path(c: ContainerRuntime) -> str:
    return f"spec.{'initContainers' if c.init else 'containers'}{{{c.name}}}"


def _config_error(c: ContainerRuntime) -> bool:
    return c.state == "waiting" and c.reason == CREATE_CONTAINER_CONFIG_ERROR


def _allocatable(node: dict | None) -> dict | None:
    return ((node or {}).get("status") or {}).get("allocatable")


def _key(pod: dict) -> tuple[str, str]:
    meta = pod["metadata"]
    return (meta.get("namespace") or "", meta["name"])


def _pod_ref(pod: dict) -> str:
    meta = pod["metadata"]
    return f"{meta['name']}_{meta.get('namespace') or 'default'}({meta['uid']})"
