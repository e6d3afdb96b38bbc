"""Pure kubelet logic: pod phase, pod conditions, container states, restarts, back-off, probes.

Everything here works on plain dicts in the API JSON shape and on integer-millisecond time;
nothing reads a clock or mutates its inputs. The kubelet component (engine/kubelet.py) calls
these functions and writes the results. Rules and their upstream sources:
docs/semantics/kubelet-and-scheduler.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

from pytest_k8sflow.engine.timeutil import format_go_duration, format_time, parse_time

# Phases (k8s.io/api/core/v1 PodPhase).
PENDING, RUNNING, SUCCEEDED, FAILED = "Pending", "Running", "Succeeded", "Failed"
TERMINAL_PHASES = (SUCCEEDED, FAILED)

# Container waiting reasons set by the kubelet (k/k pkg/kubelet/kubelet_pods.go constants)
# and by kuberuntime (pkg/kubelet/container/sync_result.go ErrCrashLoopBackOff).
CONTAINER_CREATING = "ContainerCreating"
POD_INITIALIZING = "PodInitializing"
CRASH_LOOP_BACK_OFF = "CrashLoopBackOff"
# Terminated reasons as containerd reports them (CRI toCRIContainerStatus).
COMPLETED, ERROR, OOM_KILLED = "Completed", "Error", "OOMKilled"

# Condition reasons (k/k pkg/kubelet/status/generate.go).
UNKNOWN_CONTAINER_STATUSES = "UnknownContainerStatuses"
POD_COMPLETED = "PodCompleted"
POD_FAILED = "PodFailed"
CONTAINERS_NOT_READY = "ContainersNotReady"
CONTAINERS_NOT_INITIALIZED = "ContainersNotInitialized"
READINESS_GATES_NOT_READY = "ReadinessGatesNotReady"

# Conditions the kubelet owns and regenerates on every status update
# (k/k pkg/kubelet/types/pod_status.go PodConditionsByKubelet).
KUBELET_CONDITIONS = ("PodScheduled", "Ready", "Initialized", "ContainersReady",
                      "PodReadyToStartContainers")

# Restart back-off (k/k pkg/kubelet/kubelet.go backOffPeriod, MaxContainerBackOff).
INITIAL_BACKOFF_MS = 10_000
MAX_BACKOFF_MS = 300_000

# Probe defaults applied by the API server (k/k pkg/apis/core/v1/defaults.go SetDefaults_Probe).
PROBE_DEFAULTS = {"timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1,
                  "failureThreshold": 3}


# --------------------------------------------------------------------------------------------
# small helpers over container specs and statuses


def is_sidecar(container: Mapping | None) -> bool:
    """An init container with ``restartPolicy: Always`` (k/k pkg/api/v1/pod
    IsRestartableInitContainer)."""
    return bool(container) and container.get("restartPolicy") == "Always"


def _state(status: Mapping) -> Mapping:
    return status.get("state") or {}


def _last_terminated(status: Mapping) -> Mapping | None:
    return (status.get("lastState") or {}).get("terminated")


def _by_name(*status_lists: Sequence[Mapping] | None) -> dict[str, Mapping]:
    # getPhase looks statuses up by name in init + regular statuses together (names are unique
    # across both lists by validation); the first occurrence wins as in podutil.GetContainerStatus.
    out: dict[str, Mapping] = {}
    for statuses in status_lists:
        for status in statuses or ():
            out.setdefault(status.get("name", ""), status)
    return out


def has_any_regular_container_started(pod_spec: Mapping,
                                      container_statuses: Sequence[Mapping] | None) -> bool:
    """k/k pkg/kubelet/container/helpers.go HasAnyRegularContainerStarted: a regular container
    is running or has terminated (so initialisation finished at least once)."""
    names = {c.get("name") for c in pod_spec.get("containers") or ()}
    for status in container_statuses or ():
        if status.get("name") not in names:
            continue
        state = _state(status)
        if "running" in state or "terminated" in state:
            return True
    return False


def _has_any_regular_container_created(pod_spec: Mapping,
                                       container_statuses: Sequence[Mapping] | None) -> bool:
    # Stand-in for HasAnyActiveRegularContainerStarted, which asks the runtime whether any regular
    # container exists in the current sandbox. From API statuses: running, terminated, or waiting
    # after a previous run (a container in back-off still exists in the sandbox).
    names = {c.get("name") for c in pod_spec.get("containers") or ()}
    for status in container_statuses or ():
        if status.get("name") not in names:
            continue
        state = _state(status)
        if "running" in state or "terminated" in state or _last_terminated(status):
            return True
    return False


# --------------------------------------------------------------------------------------------
# phase


def pod_phase(pod_spec: Mapping, init_statuses: Sequence[Mapping] | None,
              container_statuses: Sequence[Mapping] | None, *, terminating: bool = False,
              has_initialized: bool | None = None) -> str:
    """The pod phase the kubelet reports (k/k pkg/kubelet/kubelet_pods.go getPhase).

    ``terminating`` is getPhase's ``podIsTerminal``: the kubelet has decided the pod is finished
    (deleted, evicted, or all containers done under a non-restarting policy), so stopped
    containers are not going to be restarted whatever the restart policy says.
    ``has_initialized`` is ``HasAnyActiveRegularContainerStarted``; by default it is derived from
    the statuses (a regular container exists: running, terminated or in back-off).
    """
    info = _by_name(init_statuses, container_statuses)
    restart_policy = pod_spec.get("restartPolicy") or "Always"
    if has_initialized is None:
        has_initialized = _has_any_regular_container_created(pod_spec, container_statuses)

    pending_regular_init = 0
    failed_init = 0
    for container in pod_spec.get("initContainers") or ():
        if is_sidecar(container):
            continue  # handled with the regular containers below
        status = info.get(container.get("name", ""))
        if status is None:
            pending_regular_init += 1
            continue
        state = _state(status)
        if "running" in state:
            pending_regular_init += 1
        elif "terminated" in state:
            if (state["terminated"].get("exitCode") or 0) != 0:
                failed_init += 1
        elif "waiting" in state:
            last = _last_terminated(status)
            if last is not None:
                if (last.get("exitCode") or 0) != 0:
                    failed_init += 1
            else:
                pending_regular_init += 1
        else:
            pending_regular_init += 1

    unknown = running = waiting = stopped = succeeded = 0
    pending_sidecars = 0
    for container in pod_spec.get("initContainers") or ():
        if not is_sidecar(container):
            continue
        status = info.get(container.get("name", ""))
        if status is None:
            unknown += 1
            continue
        state = _state(status)
        if "running" in state:
            if status.get("started") is not True:
                pending_sidecars += 1
            running += 1
        elif "terminated" in state:
            pass  # a stopped sidecar never decides the phase
        elif "waiting" in state:
            if _last_terminated(status) is None:
                pending_sidecars += 1
                waiting += 1
        else:
            pending_sidecars += 1
            unknown += 1

    for container in pod_spec.get("containers") or ():
        status = info.get(container.get("name", ""))
        if status is None:
            unknown += 1
            continue
        state = _state(status)
        if "running" in state:
            running += 1
        elif "terminated" in state:
            stopped += 1
            if (state["terminated"].get("exitCode") or 0) == 0:
                succeeded += 1
        elif "waiting" in state:
            if _last_terminated(status) is not None:
                stopped += 1
            else:
                waiting += 1
        else:
            unknown += 1

    if failed_init > 0 and restart_policy == "Never":
        return FAILED
    if pending_regular_init > 0 or (pending_sidecars > 0 and not has_initialized) or waiting > 0:
        return PENDING
    if running > 0 and unknown == 0:
        return RUNNING
    if running == 0 and stopped > 0 and unknown == 0:
        if terminating:
            return SUCCEEDED if stopped == succeeded else FAILED
        if restart_policy == "Always":
            return RUNNING  # every container is about to be restarted
        if stopped == succeeded:
            return SUCCEEDED
        if restart_policy == "Never":
            return FAILED
        return RUNNING  # OnFailure: the failed ones are restarted
    return PENDING


def sticky_phase(previous_phase: str | None, new_phase: str) -> str:
    """A terminal phase never changes again (k/k kubelet_pods.go generateAPIPodStatus,
    "Pod attempted illegal phase transition")."""
    if previous_phase in TERMINAL_PHASES:
        return previous_phase
    return new_phase


# --------------------------------------------------------------------------------------------
# conditions


def _go_list(names: Sequence[str]) -> str:
    # fmt.Sprintf("%s", []string{...}) prints "[a b]".
    return "[" + " ".join(names) + "]"


def _condition(ctype: str, status: str, reason: str = "", message: str = "") -> dict:
    cond: dict = {"type": ctype, "status": status}
    if reason:
        cond["reason"] = reason
    if message:
        cond["message"] = message
    return cond


def containers_ready_condition(pod: Mapping, container_statuses: Sequence[Mapping] | None,
                               phase: str) -> dict:
    """k/k pkg/kubelet/status/generate.go GenerateContainersReadyCondition (without times).

    ``container_statuses`` is init + regular statuses together (None = no statuses at all)."""
    if container_statuses is None:
        return _condition("ContainersReady", "False", UNKNOWN_CONTAINER_STATUSES)
    spec = pod.get("spec") or {}
    info = _by_name(container_statuses)
    unknown: list[str] = []
    unready: list[str] = []
    sidecars = [c for c in spec.get("initContainers") or () if is_sidecar(c)]
    for container in [*sidecars, *(spec.get("containers") or ())]:
        name = container.get("name", "")
        status = info.get(name)
        if status is None:
            unknown.append(name)
        elif not status.get("ready"):
            unready.append(name)
    if phase == SUCCEEDED and not unknown:
        return _condition("ContainersReady", "False", POD_COMPLETED)
    if phase == FAILED:
        return _condition("ContainersReady", "False", POD_FAILED)
    messages = []
    if unknown:
        messages.append(f"containers with unknown status: {_go_list(unknown)}")
    if unready:
        messages.append(f"containers with unready status: {_go_list(unready)}")
    if messages:
        return _condition("ContainersReady", "False", CONTAINERS_NOT_READY, ", ".join(messages))
    return _condition("ContainersReady", "True")


def pod_ready_condition(pod: Mapping, conditions: Sequence[Mapping],
                        container_statuses: Sequence[Mapping] | None, phase: str) -> dict:
    """k/k generate.go GeneratePodReadyCondition: ContainersReady, then the readiness gates
    looked up in ``conditions`` (the pod's other conditions)."""
    containers_ready = containers_ready_condition(pod, container_statuses, phase)
    if containers_ready["status"] != "True":
        return {**containers_ready, "type": "Ready"}
    by_type = {c.get("type"): c for c in conditions}
    messages = []
    for gate in (pod.get("spec") or {}).get("readinessGates") or ():
        ctype = gate.get("conditionType", "")
        cond = by_type.get(ctype)
        if cond is None:
            messages.append(f'corresponding condition of pod readiness gate "{ctype}" '
                            f"does not exist.")
        elif cond.get("status") != "True":
            messages.append(f'the status of pod readiness gate "{ctype}" is not "True", '
                            f"but {cond.get('status', '')}")
    if messages:
        return _condition("Ready", "False", READINESS_GATES_NOT_READY, ", ".join(messages))
    return _condition("Ready", "True")


def initialized_condition(pod: Mapping, container_statuses: Sequence[Mapping] | None,
                          phase: str) -> dict:
    """k/k generate.go GeneratePodInitializedCondition. A regular init container counts as done
    when its status is ready (the kubelet marks a container that exited 0 ready); a sidecar when
    ``started`` is true."""
    spec = pod.get("spec") or {}
    init_containers = spec.get("initContainers") or ()
    if container_statuses is None and init_containers:
        return _condition("Initialized", "False", UNKNOWN_CONTAINER_STATUSES)
    info = _by_name(container_statuses)
    unknown: list[str] = []
    incomplete: list[str] = []
    for container in init_containers:
        name = container.get("name", "")
        status = info.get(name)
        if status is None:
            unknown.append(name)
            continue
        done = status.get("started") is True if is_sidecar(container) else bool(status.get("ready"))
        if not done:
            incomplete.append(name)
    if phase == SUCCEEDED and not unknown:
        return _condition("Initialized", "True", POD_COMPLETED)
    if has_any_regular_container_started(spec, container_statuses):
        return _condition("Initialized", "True")
    messages = []
    if unknown:
        messages.append(f"containers with unknown status: {_go_list(unknown)}")
    if incomplete:
        messages.append(f"containers with incomplete status: {_go_list(incomplete)}")
    if messages:
        return _condition("Initialized", "False", CONTAINERS_NOT_INITIALIZED, ", ".join(messages))
    return _condition("Initialized", "True")


def ready_to_start_containers_condition(sandbox_ready: bool) -> dict:
    """k/k generate.go GeneratePodReadyToStartContainersCondition (v1.29–v1.34 shape: no
    reason or message when False)."""
    return _condition("PodReadyToStartContainers", "True" if sandbox_ready else "False")


def with_transition_times(conditions: Sequence[Mapping], old_conditions: Sequence[Mapping] | None,
                          now_ms: int) -> list[dict]:
    """k/k pkg/kubelet/status/status_manager.go updateLastTransitionTime: keep the old
    lastTransitionTime while the status is unchanged, else stamp ``now_ms``; lastProbeTime is
    always null for kubelet conditions."""
    old_by_type = {c.get("type"): c for c in old_conditions or ()}
    out = []
    for cond in conditions:
        old = old_by_type.get(cond["type"])
        if old is not None and old.get("status") == cond["status"] \
                and old.get("lastTransitionTime"):
            ltt = old["lastTransitionTime"]
        else:
            ltt = format_time(now_ms)
        out.append({**cond, "lastProbeTime": None, "lastTransitionTime": ltt})
    return out


def pod_conditions(pod: Mapping, phase: str, init_statuses: Sequence[Mapping] | None,
                   container_statuses: Sequence[Mapping] | None, *, sandbox_ready: bool,
                   now_ms: int, observed_generation: int | None = None) -> list[dict]:
    """The pod's full ``status.conditions`` after a kubelet status update.

    Conditions the kubelet does not own (readiness gates, DisruptionTarget, …) are kept first in
    their order; then PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled
    (k/k kubelet_pods.go generateAPIPodStatus, status_manager.go mergePodStatus), with
    lastTransitionTime carried over while a status does not change. ``observed_generation``
    (pod metadata.generation) is written into each kubelet condition when given
    (PodObservedGenerationTracking, beta and on by default from v1.34).
    """
    old = list(((pod.get("status") or {}).get("conditions")) or ())
    kept = [dict(c) for c in old if c.get("type") not in KUBELET_CONDITIONS]
    all_statuses: list[Mapping] | None
    if init_statuses is None and container_statuses is None:
        all_statuses = None
    else:
        all_statuses = [*(init_statuses or ()), *(container_statuses or ())]
    generated = [ready_to_start_containers_condition(sandbox_ready),
                 initialized_condition(pod, all_statuses, phase)]
    generated.append(pod_ready_condition(pod, [*kept, *generated], all_statuses, phase))
    generated.append(containers_ready_condition(pod, all_statuses, phase))
    generated.append(_condition("PodScheduled", "True"))
    if observed_generation is not None:
        generated = [{**c, "observedGeneration": observed_generation} for c in generated]
    return kept + with_transition_times(generated, old, now_ms)


# --------------------------------------------------------------------------------------------
# container states and statuses


def default_waiting_reason(pod_spec: Mapping) -> str:
    """Reason for a container not created yet (k/k kubelet_pods.go convertToAPIContainerStatuses):
    PodInitializing when the pod has init containers, else ContainerCreating."""
    return POD_INITIALIZING if pod_spec.get("initContainers") else CONTAINER_CREATING


def waiting_state(reason: str | None = None, message: str | None = None) -> dict:
    waiting: dict = {}
    if reason:
        waiting["reason"] = reason
    if message:
        waiting["message"] = message
    return {"waiting": waiting}


def running_state(started_at_ms: int) -> dict:
    return {"running": {"startedAt": format_time(started_at_ms)}}


def terminated_reason(exit_code: int, *, oom_killed: bool = False) -> str:
    """How containerd names an exit: OOMKilled, else Completed (0) or Error."""
    if oom_killed:
        return OOM_KILLED
    return COMPLETED if exit_code == 0 else ERROR


def terminated_state(exit_code: int, *, started_at_ms: int | None, finished_at_ms: int,
                     container_id: str | None = None, reason: str | None = None,
                     message: str | None = None) -> dict:
    """``{"terminated": {...}}`` as convertToAPIContainerStatuses fills it from the runtime."""
    term: dict = {"exitCode": int(exit_code), "reason": reason or terminated_reason(exit_code),
                  "startedAt": format_time(started_at_ms) if started_at_ms is not None else None,
                  "finishedAt": format_time(finished_at_ms)}
    if message:
        term["message"] = message
    if container_id:
        term["containerID"] = container_id
    return {"terminated": term}


def make_container_id(*parts: object, runtime: str = "containerd") -> str:
    """A stable ``containerd://<64 hex>`` ID derived from ``parts`` (e.g. pod uid, container
    name, restart count), as the CRI reports IDs."""
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).hexdigest()
    return f"{runtime}://{digest}"


def container_status(name: str, image: str, state: Mapping, *, image_id: str = "",
                     container_id: str | None = None, last_state: Mapping | None = None,
                     ready: bool = False, restart_count: int = 0,
                     started: bool | None = None) -> dict:
    """One ``containerStatuses`` entry in the API shape (``lastState`` is ``{}`` when empty)."""
    status: dict = {"name": name, "state": dict(state), "lastState": dict(last_state or {}),
                    "ready": bool(ready), "restartCount": int(restart_count),
                    "image": image, "imageID": image_id}
    if container_id:
        status["containerID"] = container_id
    if started is not None:
        status["started"] = bool(started)
    return status


def pod_ref(pod: Mapping) -> str:
    """k/k pkg/kubelet/util/format Pod: ``name_namespace(uid)``."""
    meta = pod.get("metadata") or {}
    return f"{meta.get('name', '')}_{meta.get('namespace') or 'default'}({meta.get('uid', '')})"


def crash_loop_back_off_message(delay_ms: int, container_name: str, pod: Mapping) -> str:
    """Waiting message of a container in back-off (k/k kuberuntime_manager.go doBackOff)."""
    return (f"back-off {format_go_duration(delay_ms)} restarting failed "
            f"container={container_name} pod={pod_ref(pod)}")


def back_off_event_message(container_name: str, pod: Mapping) -> str:
    """Message of the Warning ``BackOff`` event (k/k kuberuntime_manager.go doBackOff)."""
    return f"Back-off restarting failed container {container_name} in pod {pod_ref(pod)}"


def should_restart(restart_policy: str | None, exit_code: int) -> bool:
    """Whether an exited container is started again (k/k pkg/kubelet/container/helpers.go
    ShouldContainerBeRestarted): Always → yes, OnFailure → only after a non-zero exit,
    Never → no."""
    policy = restart_policy or "Always"
    if policy == "Always":
        return True
    if policy == "OnFailure":
        return exit_code != 0
    return False


# --------------------------------------------------------------------------------------------
# restart back-off


@dataclass
class _Entry:
    backoff_ms: int
    last_update_ms: int


class BackOff:
    """Per-key exponential back-off, as client-go util/flowcontrol/backoff.go ``Backoff``
    without jitter, in milliseconds. The kubelet keys it by pod and container
    (kuberuntime GetStableKey) and feeds it the container's ``finishedAt``.
    """

    def __init__(self, initial_ms: int = INITIAL_BACKOFF_MS, max_ms: int = MAX_BACKOFF_MS) -> None:
        self.initial_ms = initial_ms
        self.max_ms = max_ms
        self._entries: dict[Hashable, _Entry] = {}

    def _expired(self, event_ms: int, entry: _Entry) -> bool:
        # hasExpired: stable again once the event comes more than 2 × max after the last update.
        return event_ms - entry.last_update_ms > 2 * self.max_ms

    def get(self, key: Hashable) -> int:
        """Current delay for ``key`` (0 if none): Backoff.Get."""
        entry = self._entries.get(key)
        return entry.backoff_ms if entry else 0

    def next(self, key: Hashable, event_ms: int, now_ms: int | None = None) -> None:
        """Backoff.Next: start at ``initial`` (or restart there once expired), else double up to
        ``max``; the entry's last update is ``now_ms`` (the clock), which defaults to
        ``event_ms``. The kubelet passes the exit time as ``event_ms`` and should pass the
        current time as ``now_ms``."""
        now = event_ms if now_ms is None else now_ms
        entry = self._entries.get(key)
        if entry is None or self._expired(event_ms, entry):
            entry = _Entry(self.initial_ms, now)
            self._entries[key] = entry
        else:
            entry.backoff_ms = min(entry.backoff_ms * 2, self.max_ms)
        entry.last_update_ms = now

    def in_backoff_since(self, key: Hashable, event_ms: int, now_ms: int) -> bool:
        """Backoff.IsInBackOffSince: less than the current delay has passed since ``event_ms``."""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_ms, entry):
            return False
        return now_ms - event_ms < entry.backoff_ms

    def in_backoff_since_update(self, key: Hashable, event_ms: int) -> bool:
        """Backoff.IsInBackOffSinceUpdate: less than the delay since the last update."""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_ms, entry):
            return False
        return event_ms - entry.last_update_ms < entry.backoff_ms

    def reset(self, key: Hashable) -> None:
        self._entries.pop(key, None)

    def gc(self, now_ms: int) -> None:
        """Backoff.GC: forget entries not updated for more than 2 × max."""
        stale = [k for k, e in self._entries.items() if now_ms - e.last_update_ms > 2 * self.max_ms]
        for key in stale:
            del self._entries[key]

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries


def next_restart_time(backoff: BackOff, key: Hashable, finished_at_ms: int, now_ms: int) -> int:
    """Earliest time the kubelet starts the exited container again: ``now_ms`` when not in
    back-off, else ``finishedAt + delay`` (kuberuntime doBackOff with IsInBackOffSince)."""
    if backoff.in_backoff_since(key, finished_at_ms, now_ms):
        return finished_at_ms + backoff.get(key)
    return now_ms


# --------------------------------------------------------------------------------------------
# probes and the READY column


def probe_with_defaults(probe: Mapping) -> dict:
    """The probe as the API server stores it (SetDefaults_Probe, SetDefaults_HTTPGetAction):
    timeoutSeconds 1, periodSeconds 10, successThreshold 1, failureThreshold 3; httpGet path
    ``/`` and scheme ``HTTP``. Zero counts as unset, as in Go."""
    out = dict(probe)
    for key, value in PROBE_DEFAULTS.items():
        if not out.get(key):
            out[key] = value
    if isinstance(out.get("httpGet"), Mapping):
        http = dict(out["httpGet"])
        if not http.get("path"):
            http["path"] = "/"
        if not http.get("scheme"):
            http["scheme"] = "HTTP"
        out["httpGet"] = http
    return out


def ready_column(pod: Mapping) -> str:
    """kubectl's READY column ``<ready>/<total>`` (kubectl printers printPod): sidecars count in
    the total and, once started, as ready when ready; regular containers count as ready when
    ready and running."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    init_specs = {c.get("name"): c for c in spec.get("initContainers") or ()}
    total = len(spec.get("containers") or ()) + sum(1 for c in init_specs.values() if is_sidecar(c))
    ready = 0
    initializing = False
    for cstatus in status.get("initContainerStatuses") or ():
        state = _state(cstatus)
        term = state.get("terminated")
        if term is not None and (term.get("exitCode") or 0) == 0:
            continue
        if is_sidecar(init_specs.get(cstatus.get("name"))) and cstatus.get("started") is True:
            if cstatus.get("ready"):
                ready += 1
            continue
        initializing = True
        break
    initialized = any(c.get("type") == "Initialized" and c.get("status") == "True"
                      for c in status.get("conditions") or ())
    if not initializing or initialized:
        for cstatus in status.get("containerStatuses") or ():
            if cstatus.get("ready") and "running" in _state(cstatus):
                ready += 1
    return f"{ready}/{total}"


# --------------------------------------------------------------------------------------------
# probe workers

# Probe results (k/k pkg/kubelet/prober/results Result).
UNKNOWN, SUCCESS, FAILURE = "Unknown", "Success", "Failure"
PROBE_TYPES = ("liveness", "readiness", "startup")
# What a worker reports for a new container before its first counted probe
# (k/k prober/worker.go newWorker initialValue).
PROBE_INITIAL_RESULT = {"liveness": SUCCESS, "readiness": FAILURE, "startup": UNKNOWN}


def _started_at_ms(running: Mapping) -> int | None:
    value = running.get("startedAt")
    if value is None:
        return None
    return value if isinstance(value, int) else parse_time(value)


class ProbeWorker:
    """One probe of one container, as k/k pkg/kubelet/prober/worker.go ``worker.doProbe`` runs
    it on each tick, without the goroutine and ticker: the kubelet calls :meth:`do_probe` when
    a tick is due. ``result`` is the results-manager entry for the current container
    (``None``: not set), which the kubelet reads (liveness/startup failure → kill, readiness
    → the container's ``ready``, startup success → ``started``)."""

    def __init__(self, kind: str, probe: Mapping) -> None:
        if kind not in PROBE_TYPES:
            raise ValueError(f"unknown probe type {kind!r}")
        self.kind = kind
        self.spec = probe_with_defaults(probe)
        self.initial = PROBE_INITIAL_RESULT[kind]
        self.container_id: str | None = None
        self.result: str | None = None
        self.last_result = UNKNOWN
        self.result_run = 0
        self.on_hold = False

    def result_for(self, container_id: str | None) -> str | None:
        """The results manager's entry for this container (results are keyed by container ID:
        a restarted container has none until its worker's next tick)."""
        return self.result if container_id and container_id == self.container_id else None

    def held_for(self, container_id: str | None) -> bool:
        """On hold for this container (a new container lifts the hold at its first tick)."""
        return self.on_hold and container_id == self.container_id

    def do_probe(self, status: Mapping | None, run: Callable[[], str | None], *,
                 now_ms: int, pod_phase: str | None = None, deleting: bool = False,
                 restart_policy: str | None = None) -> bool:
        """One tick; returns whether the worker keeps going (``keepGoing``).

        ``status`` is the container's status (None: no status for it yet); ``run`` performs the
        probe and returns SUCCESS or FAILURE (None: a prober error, whose result is thrown
        away)."""
        if pod_phase in TERMINAL_PHASES:
            return False  # the worker stops once the pod is terminated
        if status is None or not status.get("containerID"):
            return True  # the container has not been created yet
        if status["containerID"] != self.container_id:
            # A new container: start again from the initial value and lift a hold.
            self.container_id = status["containerID"]
            self.result = self.initial
            self.on_hold = False
        if self.on_hold:
            return True
        state = _state(status)
        running = state.get("running")
        if running is None:
            self.result = FAILURE
            # Abort if the container will not be restarted.
            return "terminated" not in state or (restart_policy or "Always") != "Never"
        if deleting and self.kind in ("liveness", "startup"):
            self.result = SUCCESS  # quiet shutdown; probing stops here
            return False
        started_at = _started_at_ms(running)
        delay = int(self.spec.get("initialDelaySeconds") or 0)
        if started_at is not None and (now_ms - started_at) // 1000 < delay:
            return True
        if status.get("started") is True:
            if self.kind == "startup":
                return True  # startup probing stops once the container has started
        elif self.kind != "startup":
            return True  # liveness and readiness wait for the startup probe
        result = run()
        if result is None:
            return True
        if result == self.last_result:
            self.result_run += 1
        else:
            self.last_result = result
            self.result_run = 1
        if (result == FAILURE and self.result_run < int(self.spec["failureThreshold"])) or \
                (result == SUCCESS and self.result_run < int(self.spec["successThreshold"])):
            return True  # below the threshold: the result stays as it was
        self.result = result
        if (self.kind == "liveness" and result == FAILURE) or self.kind == "startup":
            # Stop probing until a new container shows up; the next container gets the full
            # threshold again (k/k #117153 for startup probes).
            self.on_hold = True
            self.result_run = 0
        return True
