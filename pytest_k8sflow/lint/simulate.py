"""Run an explaining scenario through the engine and say what the cluster showed.

``k8sflow lint --explain`` builds, per finding that predicts behaviour, a scenario whose
expectations hold exactly when the predicted consequence happens (lint/explain.py). Here it
is run: the report says whether the simulation reproduced the consequence, and lists what a
user would see on a real cluster — pods that are not running and why, workloads that are not
available, Services without endpoints, Warning events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ruamel.yaml import YAML

MAX_OBSERVATIONS = 8


@dataclass
class Simulation:
    reproduced: bool
    failure: str = ""  # why the scenario did not hold (or could not run)
    observations: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        data: dict = {"reproduced": self.reproduced, "observations": self.observations}
        if self.failure:
            data["failure"] = self.failure
        return data


def _scenario_text(scenario: dict) -> str:
    import io

    yaml = YAML()
    yaml.default_flow_style = False
    buffer = io.StringIO()
    yaml.dump(scenario, buffer)
    return buffer.getvalue()


def simulate(scenario: dict) -> Simulation:
    """Run ``scenario`` (contract format, as a dict); never raises for engine refusals."""
    from pytest_k8sflow.errors import K8sflowError
    from pytest_k8sflow.scenario.model import InvalidScenario, parse_scenarios_text
    from pytest_k8sflow.scenario.runner import Runner, ScenarioFailed

    parsed = parse_scenarios_text(_scenario_text(scenario), "<explain>")
    if not parsed or isinstance(parsed[0], InvalidScenario):
        return Simulation(False, "the explaining scenario is not valid")
    runner = Runner(parsed[0])
    try:
        runner.run()
    except ScenarioFailed as failed:
        cluster = failed.cluster or getattr(runner, "cluster", None)
        return Simulation(False, failed.failure.headline,
                          observations(cluster) if cluster is not None else [])
    except K8sflowError as exc:
        return Simulation(False, str(exc))
    return Simulation(True, observations=observations(runner.cluster))


def observations(cluster) -> list[str]:
    """What stands out in the cluster: the facts a user would look for first."""
    found: list[str] = []
    for pod in cluster.store.list("Pod", None):
        line = _pod_problem(pod)
        if line:
            found.append(line)
    for kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"):
        for obj in cluster.store.list(kind, None):
            line = _workload_problem(kind, obj)
            if line:
                found.append(line)
    for svc in cluster.store.list("Service", None):
        line = _service_problem(cluster, svc)
        if line:
            found.append(line)
    seen: set[tuple[str, str]] = set()
    for event in cluster.recorder.emitted:
        if event["type"] != "Warning" or (event["reason"], event["message"]) in seen:
            continue
        seen.add((event["reason"], event["message"]))
        involved = event["involvedObject"]
        found.append(f"event Warning {event['reason']} on {involved.get('kind')}/"
                     f"{involved.get('name')}: {event['message']}")
    if len(found) > MAX_OBSERVATIONS:
        found = found[:MAX_OBSERVATIONS] + [f"... and {len(found) - MAX_OBSERVATIONS} more"]
    return found


def _ref(kind: str, obj: dict) -> str:
    meta = obj["metadata"]
    namespace = meta.get("namespace")
    return f"{kind} {namespace}/{meta['name']}" if namespace else f"{kind} {meta['name']}"


def _pod_problem(pod: dict) -> str | None:
    status = pod.get("status") or {}
    phase = status.get("phase")
    conditions = {c.get("type"): c for c in status.get("conditions") or []}
    scheduled = conditions.get("PodScheduled")
    if scheduled is not None and scheduled.get("status") == "False":
        return (f"{_ref('Pod', pod)} stays {phase or 'Pending'}: "
                f"{scheduled.get('reason')}: {scheduled.get('message')}")
    for cs in status.get("containerStatuses") or []:
        waiting = (cs.get("state") or {}).get("waiting")
        if waiting and waiting.get("reason") not in (None, "ContainerCreating"):
            return (f"{_ref('Pod', pod)}: container {cs.get('name')} waiting: "
                    f"{waiting.get('reason')}: {waiting.get('message', '')}".rstrip(": "))
    if phase == "Failed":
        return f"{_ref('Pod', pod)} Failed: {status.get('reason', '')}".rstrip(": ")
    return None


def _workload_problem(kind: str, obj: dict) -> str | None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if kind == "DaemonSet":
        want, ready = status.get("desiredNumberScheduled", 0), status.get("numberReady", 0)
    else:
        want, ready = spec.get("replicas", 1), status.get("readyReplicas", 0)
    for condition in status.get("conditions") or []:
        if condition.get("type") == "Available" and condition.get("status") == "False":
            return (f"{_ref(kind, obj)} not Available ({ready}/{want} ready): "
                    f"{condition.get('reason')}: {condition.get('message')}")
    if kind != "ReplicaSet" and want and ready < want:
        return f"{_ref(kind, obj)}: {ready}/{want} ready"
    return None


def _service_problem(cluster, svc: dict) -> str | None:
    if not (svc.get("spec") or {}).get("selector"):
        return None
    meta = svc["metadata"]
    endpoints = cluster.store.get("Endpoints", meta.get("namespace") or "", meta["name"])
    if endpoints is not None and not endpoints.get("subsets"):
        return f"{_ref('Service', svc)} has no endpoints: its selector matches no ready pod"
    return None
