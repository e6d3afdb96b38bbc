"""Table rows for workload kinds: Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet,
ControllerRevision, Job, CronJob (k/k pkg/printers/internalversion/printers.go)."""

from __future__ import annotations

from collections.abc import Mapping

from pytest_k8sflow.kubectl.humanize import (
    human_duration,
    time_ms,
    translate_timestamp_since,
)
from pytest_k8sflow.kubectl.tables.common import (
    Cell,
    Column,
    format_label_selector,
    format_labels,
    get,
    layout_container_cells,
    name_of,
    print_bool_ptr,
    selector_string,
)

NAME = Column("Name", name_format=True)
AGE = Column("Age")

POD_COLUMNS = (NAME, Column("Ready"), Column("Status"), Column("Restarts"), AGE,
               Column("IP", 1), Column("Node", 1), Column("Nominated Node", 1),
               Column("Readiness Gates", 1))


def _age(obj: Mapping, now_ms: int) -> str:
    return translate_timestamp_since(get(obj, "metadata", "creationTimestamp"), now_ms)


def _is_restartable_init(container: Mapping | None) -> bool:
    # podutil.IsRestartableInitContainer: an init container with restartPolicy Always (sidecar)
    return bool(container) and container.get("restartPolicy") == "Always"


def _condition_true(conditions: list | None, ctype: str) -> bool:
    return any(c.get("type") == ctype and c.get("status") == "True" for c in conditions or [])


def _initialized_true(conditions: list | None) -> bool:
    # printers.go isPodInitializedConditionTrue: the first Initialized condition decides
    for c in conditions or []:
        if c.get("type") == "Initialized":
            return c.get("status") == "True"
    return False


def _finished_at(status: Mapping) -> int | None:
    return time_ms(get(status, "lastState", "terminated", "finishedAt"))


def pod_row(pod: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printPod (READY, STATUS, RESTARTS with ``(Xs ago)``, wide IP/NODE/...)."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    conditions = status.get("conditions") or []
    restarts = 0
    restartable_init_restarts = 0
    total = len(spec.get("containers") or [])
    ready = 0
    last_restart: int | None = None
    last_restartable_init_restart: int | None = None

    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    for cond in conditions:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    total += sum(1 for c in spec.get("initContainers") or [] if _is_restartable_init(c))

    initializing = False
    n_init = len(spec.get("initContainers") or [])
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        restarts += int(cs.get("restartCount") or 0)
        finished = _finished_at(cs)
        if finished is not None and (last_restart is None or last_restart < finished):
            last_restart = finished
        restartable = _is_restartable_init(init_specs.get(cs.get("name")))
        if restartable:
            restartable_init_restarts += int(cs.get("restartCount") or 0)
            if finished is not None and (last_restartable_init_restart is None
                                         or last_restartable_init_restart < finished):
                last_restartable_init_restart = finished
        state = cs.get("state") or {}
        terminated = state.get("terminated")
        waiting = state.get("waiting")
        if terminated is not None and int(terminated.get("exitCode") or 0) == 0:
            continue
        if restartable and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if terminated is not None:
            if not terminated.get("reason"):
                if terminated.get("signal"):
                    reason = f"Init:Signal:{terminated['signal']}"
                else:
                    reason = f"Init:ExitCode:{int(terminated.get('exitCode') or 0)}"
            else:
                reason = "Init:" + terminated["reason"]
        elif waiting is not None and waiting.get("reason") and \
                waiting.get("reason") != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{n_init}"
        initializing = True
        break

    if not initializing or _initialized_true(conditions):
        restarts = restartable_init_restarts
        last_restart = last_restartable_init_restart
        has_running = False
        # scanned from the last container to the first: the first one's state wins
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += int(cs.get("restartCount") or 0)
            finished = _finished_at(cs)
            if finished is not None and (last_restart is None or last_restart < finished):
                last_restart = finished
            state = cs.get("state") or {}
            waiting = state.get("waiting")
            terminated = state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None and terminated.get("reason"):
                reason = terminated["reason"]
            elif terminated is not None:
                if terminated.get("signal"):
                    reason = f"Signal:{terminated['signal']}"
                else:
                    reason = f"ExitCode:{int(terminated.get('exitCode') or 0)}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(conditions, "Ready") else "NotReady"

    deleting = get(pod, "metadata", "deletionTimestamp") is not None
    if deleting and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif deleting and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"

    restarts_text = str(restarts)
    if restarts != 0 and last_restart is not None:
        restarts_text = f"{restarts} ({human_duration(now_ms - last_restart)} ago)"

    # the internal PodStatus takes podIPs, or [podIP] when only podIP is set (v1 conversion)
    pod_ips = status.get("podIPs") or []
    pod_ip = (pod_ips[0].get("ip") if pod_ips else status.get("podIP")) or "<none>"
    node = spec.get("nodeName") or "<none>"
    nominated = status.get("nominatedNodeName") or "<none>"
    gates = spec.get("readinessGates") or []
    gates_text = "<none>"
    if gates:
        true_count = 0
        for gate in gates:
            for cond in conditions:
                if cond.get("type") == gate.get("conditionType"):
                    if cond.get("status") == "True":
                        true_count += 1
                    break
        gates_text = f"{true_count}/{len(gates)}"
    return [name_of(pod), f"{ready}/{total}", reason, restarts_text, _age(pod, now_ms),
            pod_ip, node, nominated, gates_text]


DEPLOYMENT_COLUMNS = (NAME, Column("Ready"), Column("Up-to-date"), Column("Available"), AGE,
                      Column("Containers", 1), Column("Images", 1), Column("Selector", 1))


def deployment_row(obj: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printDeployment: READY is readyReplicas/spec.replicas."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    names, images = layout_container_cells(get(spec, "template", "spec", "containers"))
    return [name_of(obj),
            f"{int(status.get('readyReplicas') or 0)}/{int(spec.get('replicas', 1) or 0)}",
            int(status.get("updatedReplicas") or 0), int(status.get("availableReplicas") or 0),
            _age(obj, now_ms), names, images, selector_string(spec.get("selector"))]


REPLICASET_COLUMNS = (NAME, Column("Desired"), Column("Current"), Column("Ready"), AGE,
                      Column("Containers", 1), Column("Images", 1), Column("Selector", 1))


def replicaset_row(obj: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printReplicaSet."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    names, images = layout_container_cells(get(spec, "template", "spec", "containers"))
    return [name_of(obj), int(spec.get("replicas", 1) or 0), int(status.get("replicas") or 0),
            int(status.get("readyReplicas") or 0), _age(obj, now_ms), names, images,
            format_label_selector(spec.get("selector"))]


STATEFULSET_COLUMNS = (NAME, Column("Ready"), AGE, Column("Containers", 1), Column("Images", 1))


def statefulset_row(obj: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printStatefulSet: READY is readyReplicas/spec.replicas."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    names, images = layout_container_cells(get(spec, "template", "spec", "containers"))
    return [name_of(obj),
            f"{int(status.get('readyReplicas') or 0)}/{int(spec.get('replicas', 1) or 0)}",
            _age(obj, now_ms), names, images]


DAEMONSET_COLUMNS = (NAME, Column("Desired"), Column("Current"), Column("Ready"),
                     Column("Up-to-date"), Column("Available"), Column("Node Selector"), AGE,
                     Column("Containers", 1), Column("Images", 1), Column("Selector", 1))


def daemonset_row(obj: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printDaemonSet."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    names, images = layout_container_cells(get(spec, "template", "spec", "containers"))
    return [name_of(obj), int(status.get("desiredNumberScheduled") or 0),
            int(status.get("currentNumberScheduled") or 0), int(status.get("numberReady") or 0),
            int(status.get("updatedNumberScheduled") or 0),
            int(status.get("numberAvailable") or 0),
            format_labels(get(spec, "template", "spec", "nodeSelector")), _age(obj, now_ms),
            names, images, format_label_selector(spec.get("selector"))]


CONTROLLERREVISION_COLUMNS = (NAME, Column("Controller"), Column("Revision"), AGE)


def controllerrevision_row(obj: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printControllerRevision: CONTROLLER is ``<kind>.<group>/<name>``, lowercased."""
    controller = "<none>"
    for ref in get(obj, "metadata", "ownerReferences", default=[]):
        if ref.get("controller"):
            api_version = ref.get("apiVersion", "")
            group = api_version.split("/", 1)[0] if "/" in api_version else ""
            kind = ref.get("kind", "")
            group_kind = f"{kind}.{group}" if group else kind
            controller = f"{group_kind.lower()}/{ref.get('name', '')}" if kind else ref.get(
                "name", "")
            break
    return [name_of(obj), controller, int(obj.get("revision") or 0), _age(obj, now_ms)]


JOB_COLUMNS = (NAME, Column("Status"), Column("Completions"), Column("Duration"), AGE,
               Column("Containers", 1), Column("Images", 1), Column("Selector", 1))


def _job_condition(conditions: list | None, ctype: str) -> bool:
    # printers.go hasJobCondition: the first condition of that type decides
    for c in conditions or []:
        if c.get("type") == ctype:
            return c.get("status") == "True"
    return False


def job_row(obj: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printJob: STATUS, COMPLETIONS (``1/1``, ``0/1 of 3``), DURATION."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    succeeded = int(status.get("succeeded") or 0)
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{int(spec['completions'])}"
    else:
        parallelism = int(spec.get("parallelism") or 0)
        completions = (f"{succeeded}/1 of {parallelism}" if parallelism > 1
                       else f"{succeeded}/1")
    start = time_ms(status.get("startTime"))
    done = time_ms(status.get("completionTime"))
    if start is None:
        duration = ""
    elif done is None:
        duration = human_duration(now_ms - start)
    else:
        duration = human_duration(done - start)
    conditions = status.get("conditions")
    if _job_condition(conditions, "Complete"):
        state = "Complete"
    elif _job_condition(conditions, "Failed"):
        state = "Failed"
    elif get(obj, "metadata", "deletionTimestamp") is not None:
        state = "Terminating"
    elif _job_condition(conditions, "Suspended"):
        state = "Suspended"
    elif _job_condition(conditions, "FailureTarget"):
        state = "FailureTarget"
    else:
        state = "Running"
    names, images = layout_container_cells(get(spec, "template", "spec", "containers"))
    return [name_of(obj), state, completions, duration, _age(obj, now_ms), names, images,
            format_label_selector(spec.get("selector"))]


CRONJOB_COLUMNS = (NAME, Column("Schedule"), Column("Timezone"), Column("Suspend"),
                   Column("Active"), Column("Last Schedule"), AGE, Column("Containers", 1),
                   Column("Images", 1), Column("Selector", 1))


def cronjob_row(obj: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printCronJob."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    last = status.get("lastScheduleTime")
    last_text = "<none>" if last is None else translate_timestamp_since(last, now_ms)
    job_spec = get(spec, "jobTemplate", "spec", default={})
    names, images = layout_container_cells(get(job_spec, "template", "spec", "containers"))
    return [name_of(obj), spec.get("schedule", ""), spec.get("timeZone") or "<none>",
            print_bool_ptr(spec.get("suspend")), len(status.get("active") or []), last_text,
            _age(obj, now_ms), names, images, format_label_selector(job_spec.get("selector"))]
