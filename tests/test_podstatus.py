"""Tests for engine/podstatus.py: upstream tables ported case by case (named after the upstream
case) plus a few timelines of our own."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.podstatus import (
    BackOff,
    back_off_event_message,
    container_status,
    containers_ready_condition,
    crash_loop_back_off_message,
    default_waiting_reason,
    initialized_condition,
    make_container_id,
    next_restart_time,
    pod_conditions,
    pod_phase,
    pod_ready_condition,
    probe_with_defaults,
    ready_column,
    running_state,
    should_restart,
    sticky_phase,
    terminated_reason,
    terminated_state,
    waiting_state,
)
from pytest_k8sflow.engine.timeutil import parse_time

# -- status builders mirroring kubelet_pods_test.go helpers ------------------------------------


def running(name):
    return {"name": name, "state": {"running": {}}}


def started(name):
    return {"name": name, "state": {"running": {}}, "started": True}


def stopped(name):
    return {"name": name, "state": {"terminated": {}}}


def succeeded(name):
    return {"name": name, "state": {"terminated": {"exitCode": 0}}}


def failed(name):
    return {"name": name, "state": {"terminated": {"exitCode": -1}}}


def waiting(name):
    return {"name": name, "state": {"waiting": {}}}


def waiting_last_term(name):
    return {"name": name, "state": {"waiting": {}},
            "lastState": {"terminated": {"exitCode": 0}}}


def waiting_nonzero(name):
    return {"name": name, "state": {"waiting": {}},
            "lastState": {"terminated": {"exitCode": -1}}}


def spec(policy, init=(), sidecars=()):
    out = {"containers": [{"name": "containerA"}, {"name": "containerB"}],
           "restartPolicy": policy}
    inits = [{"name": n} for n in init] + [{"name": n, "restartPolicy": "Always"} for n in sidecars]
    if inits:
        out["initContainers"] = inits
    return out


# -- k/k pkg/kubelet/kubelet_pods_test.go TestPodPhaseWithRestartAlways -------------------------

ALWAYS = [
    ("waiting", [], False, "Pending"),
    ("all running", [running("containerA"), running("containerB")], False, "Running"),
    ("all stopped with restart always", [stopped("containerA"), stopped("containerB")], False,
     "Running"),
    ("all succeeded with restart always, but the pod is terminal",
     [succeeded("containerA"), succeeded("containerB")], True, "Succeeded"),
    ("all stopped with restart always, but the pod is terminal",
     [succeeded("containerA"), failed("containerB")], True, "Failed"),
    ("mixed state #1 with restart always", [running("containerA"), stopped("containerB")], False,
     "Running"),
    ("mixed state #2 with restart always", [running("containerA")], False, "Pending"),
    ("mixed state #3 with restart always", [running("containerA"), waiting("containerB")], False,
     "Pending"),
    ("backoff crashloop container with restart always",
     [running("containerA"), waiting_last_term("containerB")], False, "Running"),
]


@pytest.mark.parametrize("name,statuses,terminal,want", ALWAYS, ids=[c[0] for c in ALWAYS])
def test_pod_phase_with_restart_always(name, statuses, terminal, want):
    assert pod_phase(spec("Always"), [], statuses, terminating=terminal,
                     has_initialized=False) == want


# TestPodPhaseWithRestartAlwaysInitContainers
ALWAYS_INIT = [
    ("empty, waiting", [], [], "Pending"),
    ("init container running", [running("containerX")], [], "Pending"),
    ("init container terminated non-zero", [failed("containerX")], [], "Pending"),
    ("init container waiting, terminated zero", [waiting_last_term("containerX")], [], "Pending"),
    ("init container waiting, terminated non-zero", [waiting_nonzero("containerX")], [],
     "Pending"),
    ("init container waiting, not terminated", [waiting("containerX")], [], "Pending"),
    ("init container succeeded", [succeeded("containerX")],
     [running("containerA"), running("containerB")], "Running"),
]


@pytest.mark.parametrize("name,init,main,want", ALWAYS_INIT, ids=[c[0] for c in ALWAYS_INIT])
def test_pod_phase_with_restart_always_init_containers(name, init, main, want):
    assert pod_phase(spec("Always", init=["containerX"]), init, main,
                     has_initialized=False) == want


# TestPodPhaseWithRestartAlwaysRestartableInitContainers
ALWAYS_SIDECAR = [
    ("empty, waiting", [], [], False, False, "Pending"),
    ("restartable init container running", [running("containerX")], [], False, False, "Pending"),
    ("restartable init container stopped", [stopped("containerX")], [], False, False, "Pending"),
    ("restartable init container waiting, terminated zero", [waiting_last_term("containerX")],
     [], False, False, "Pending"),
    ("restartable init container waiting, terminated non-zero", [waiting_nonzero("containerX")],
     [], False, False, "Pending"),
    ("restartable init container waiting, not terminated", [waiting("containerX")], [], False,
     False, "Pending"),
    ("restartable init container started, 1/2 regular container running",
     [started("containerX")], [running("containerA")], False, True, "Pending"),
    ("restartable init container started, all regular containers running",
     [started("containerX")], [running("containerA"), running("containerB")], False, True,
     "Running"),
    ("restartable init container running, all regular containers running",
     [running("containerX")], [running("containerA"), running("containerB")], False, True,
     "Running"),
    ("restartable init container stopped, all regular containers running",
     [stopped("containerX")], [running("containerA"), running("containerB")], False, True,
     "Running"),
    ("backoff crashloop restartable init container, all regular containers running",
     [waiting_last_term("containerX")], [running("containerA"), running("containerB")], False,
     True, "Running"),
    ("all regular containers succeeded and restartable init container failed with restart "
     "always, but the pod is terminal", [failed("containerX")],
     [succeeded("containerA"), succeeded("containerB")], True, True, "Succeeded"),
    ("all regular containers succeeded and restartable init container succeeded with restart "
     "always, but the pod is terminal", [succeeded("containerX")],
     [succeeded("containerA"), succeeded("containerB")], True, True, "Succeeded"),
    ("re-initializing the pod after the sandbox is recreated", [running("containerX")],
     [running("containerA"), running("containerB")], False, False, "Pending"),
]


@pytest.mark.parametrize("name,init,main,terminal,initialized,want", ALWAYS_SIDECAR,
                         ids=[c[0] for c in ALWAYS_SIDECAR])
def test_pod_phase_with_restart_always_restartable_init_containers(name, init, main, terminal,
                                                                   initialized, want):
    assert pod_phase(spec("Always", sidecars=["containerX"]), init, main, terminating=terminal,
                     has_initialized=initialized) == want


# TestPodPhaseWithRestartAlwaysAndPodHasRun (init containerX, sidecar containerY, containerA)
HAS_RUN = [
    ("regular init containers, restartable init container and regular container are all running",
     [running("containerX"), running("containerY")], [running("containerA")], False, "Pending"),
    ("regular containers is stopped, restartable init container and regular int container are "
     "both running", [running("containerX"), running("containerY")], [stopped("containerA")],
     False, "Pending"),
    ("re-created sandbox: regular init container is succeeded, restartable init container is "
     "running, old regular containers is stopped",
     [succeeded("containerX"), running("containerY")], [stopped("containerA")], False, "Pending"),
    ("regular init container is succeeded, restartable init container is running, regular "
     "containers is stopped", [succeeded("containerX"), running("containerY")],
     [stopped("containerA")], True, "Running"),
    ("regular init container is succeeded, restartable init container and regular containers "
     "are both running", [succeeded("containerX"), running("containerY")],
     [running("containerA")], True, "Running"),
]


@pytest.mark.parametrize("name,init,main,initialized,want", HAS_RUN, ids=[c[0] for c in HAS_RUN])
def test_pod_phase_with_restart_always_and_pod_has_run(name, init, main, initialized, want):
    pod_spec = {"initContainers": [{"name": "containerX"},
                                   {"name": "containerY", "restartPolicy": "Always"}],
                "containers": [{"name": "containerA"}], "restartPolicy": "Always"}
    assert pod_phase(pod_spec, init, main, has_initialized=initialized) == want


# TestPodPhaseWithRestartNever
NEVER = [
    ("waiting", [], "Pending"),
    ("all running with restart never", [running("containerA"), running("containerB")], "Running"),
    ("all succeeded with restart never", [succeeded("containerA"), succeeded("containerB")],
     "Succeeded"),
    ("all failed with restart never", [failed("containerA"), failed("containerB")], "Failed"),
    ("mixed state #1 with restart never", [running("containerA"), succeeded("containerB")],
     "Running"),
    ("mixed state #2 with restart never", [running("containerA")], "Pending"),
    ("mixed state #3 with restart never", [running("containerA"), waiting("containerB")],
     "Pending"),
]


@pytest.mark.parametrize("name,statuses,want", NEVER, ids=[c[0] for c in NEVER])
def test_pod_phase_with_restart_never(name, statuses, want):
    assert pod_phase(spec("Never"), [], statuses, has_initialized=False) == want


# TestPodPhaseWithRestartNeverInitContainers
NEVER_INIT = [
    ("empty, waiting", [], [], "Pending"),
    ("init container running", [running("containerX")], [], "Pending"),
    ("init container terminated non-zero", [failed("containerX")], [], "Failed"),
    ("init container waiting, terminated zero", [waiting_last_term("containerX")], [], "Pending"),
    ("init container waiting, terminated non-zero", [waiting_nonzero("containerX")], [],
     "Failed"),
    ("init container waiting, not terminated", [waiting("containerX")], [], "Pending"),
    ("init container succeeded", [succeeded("containerX")],
     [running("containerA"), running("containerB")], "Running"),
]


@pytest.mark.parametrize("name,init,main,want", NEVER_INIT, ids=[c[0] for c in NEVER_INIT])
def test_pod_phase_with_restart_never_init_containers(name, init, main, want):
    assert pod_phase(spec("Never", init=["containerX"]), init, main,
                     has_initialized=False) == want


# TestPodPhaseWithRestartNeverRestartableInitContainers
NEVER_SIDECAR = [
    ("empty, waiting", [], [], False, "Pending"),
    ("restartable init container running", [running("containerX")], [], False, "Pending"),
    ("restartable init container stopped", [stopped("containerX")], [], False, "Pending"),
    ("restartable init container waiting, terminated zero", [waiting_last_term("containerX")],
     [], False, "Pending"),
    ("restartable init container waiting, terminated non-zero", [waiting_nonzero("containerX")],
     [], False, "Pending"),
    ("restartable init container waiting, not terminated", [waiting("containerX")], [], False,
     "Pending"),
    ("restartable init container started, one main container running", [started("containerX")],
     [running("containerA")], True, "Pending"),
    ("restartable init container started, main containers succeeded", [started("containerX")],
     [succeeded("containerA"), succeeded("containerB")], True, "Running"),
    ("restartable init container re-running, main containers succeeded",
     [running("containerX")], [succeeded("containerA"), succeeded("containerB")], True,
     "Running"),
    ("all containers succeeded", [succeeded("containerX")],
     [succeeded("containerA"), succeeded("containerB")], True, "Succeeded"),
    ("restartable init container terminated non-zero, main containers succeeded",
     [failed("containerX")], [succeeded("containerA"), succeeded("containerB")], True,
     "Succeeded"),
    ("backoff crashloop restartable init container, main containers succeeded",
     [waiting_last_term("containerX")], [succeeded("containerA"), succeeded("containerB")], True,
     "Succeeded"),
    ("backoff crashloop with non-zero restartable init container, main containers succeeded",
     [waiting_nonzero("containerX")], [succeeded("containerA"), succeeded("containerB")], True,
     "Succeeded"),
]


@pytest.mark.parametrize("name,init,main,initialized,want", NEVER_SIDECAR,
                         ids=[c[0] for c in NEVER_SIDECAR])
def test_pod_phase_with_restart_never_restartable_init_containers(name, init, main, initialized,
                                                                  want):
    assert pod_phase(spec("Never", sidecars=["containerX"]), init, main,
                     has_initialized=initialized) == want


# TestPodPhaseWithRestartOnFailure
ON_FAILURE = [
    ("waiting", [], "Pending"),
    ("all running with restart onfailure", [running("containerA"), running("containerB")],
     "Running"),
    ("all succeeded with restart onfailure", [succeeded("containerA"), succeeded("containerB")],
     "Succeeded"),
    ("all failed with restart never", [failed("containerA"), failed("containerB")], "Running"),
    ("mixed state #1 with restart onfailure", [running("containerA"), succeeded("containerB")],
     "Running"),
    ("mixed state #2 with restart onfailure", [running("containerA")], "Pending"),
    ("mixed state #3 with restart onfailure", [running("containerA"), waiting("containerB")],
     "Pending"),
    ("backoff crashloop container with restart onfailure",
     [running("containerA"), waiting_last_term("containerB")], "Running"),
]


@pytest.mark.parametrize("name,statuses,want", ON_FAILURE, ids=[c[0] for c in ON_FAILURE])
def test_pod_phase_with_restart_on_failure(name, statuses, want):
    assert pod_phase(spec("OnFailure"), [], statuses, has_initialized=False) == want


# -- our own phase cases -----------------------------------------------------------------------


def test_pod_phase_derives_has_initialized_from_regular_containers():
    # A sidecar restarting after the main containers ran does not send the pod back to Pending.
    pod_spec = spec("Always", sidecars=["containerX"])
    assert pod_phase(pod_spec, [running("containerX")],
                     [running("containerA"), running("containerB")]) == "Running"
    # Before any regular container exists, an unstarted sidecar keeps the pod Pending.
    assert pod_phase(pod_spec, [running("containerX")],
                     [waiting("containerA"), waiting("containerB")]) == "Pending"


def test_never_pod_one_failed_one_running_stays_running_until_last_stops():
    pod_spec = spec("Never")
    assert pod_phase(pod_spec, [], [failed("containerA"), running("containerB")]) == "Running"
    assert pod_phase(pod_spec, [], [failed("containerA"), succeeded("containerB")]) == "Failed"


def test_terminal_phase_is_sticky():
    assert sticky_phase("Succeeded", "Running") == "Succeeded"
    assert sticky_phase("Failed", "Pending") == "Failed"
    assert sticky_phase("Running", "Failed") == "Failed"
    assert sticky_phase(None, "Pending") == "Pending"


# -- k/k pkg/kubelet/status/generate_test.go ----------------------------------------------------


def ready(name):
    return {"name": name, "ready": True}


def not_ready(name):
    return {"name": name, "ready": False}


def pod_of(pod_spec):
    return {"spec": pod_spec}


def cond(ctype, status, reason="", message=""):
    out = {"type": ctype, "status": status}
    if reason:
        out["reason"] = reason
    if message:
        out["message"] = message
    return out


SIDECARS_1 = {"initContainers": [{"name": "restartable-init-1", "restartPolicy": "Always"}],
              "containers": [{"name": "regular-1"}]}
SIDECARS_2 = {"initContainers": [{"name": "restartable-init-1", "restartPolicy": "Always"},
                                 {"name": "restartable-init-2", "restartPolicy": "Always"}],
              "containers": [{"name": "regular-1"}]}

# TestGenerateContainersReadyCondition (cases are unnamed upstream: numbered here)
CONTAINERS_READY = [
    ({}, None, "Running", cond("ContainersReady", "False", "UnknownContainerStatuses")),
    ({}, [], "Running", cond("ContainersReady", "True")),
    ({"containers": [{"name": "1234"}]}, [], "Running",
     cond("ContainersReady", "False", "ContainersNotReady",
          "containers with unknown status: [1234]")),
    ({"containers": [{"name": "1234"}, {"name": "5678"}]}, [ready("1234"), ready("5678")],
     "Running", cond("ContainersReady", "True")),
    ({"containers": [{"name": "1234"}, {"name": "5678"}]}, [ready("1234")], "Running",
     cond("ContainersReady", "False", "ContainersNotReady",
          "containers with unknown status: [5678]")),
    ({"containers": [{"name": "1234"}, {"name": "5678"}]}, [ready("1234"), not_ready("5678")],
     "Running", cond("ContainersReady", "False", "ContainersNotReady",
                     "containers with unready status: [5678]")),
    ({"containers": [{"name": "1234"}]}, [not_ready("1234")], "Succeeded",
     cond("ContainersReady", "False", "PodCompleted")),
    (SIDECARS_1, [ready("regular-1")], "Running",
     cond("ContainersReady", "False", "ContainersNotReady",
          "containers with unknown status: [restartable-init-1]")),
    (SIDECARS_2, [ready("restartable-init-1"), ready("restartable-init-2"), ready("regular-1")],
     "Running", cond("ContainersReady", "True")),
    (SIDECARS_2, [ready("restartable-init-1"), ready("regular-1")], "Running",
     cond("ContainersReady", "False", "ContainersNotReady",
          "containers with unknown status: [restartable-init-2]")),
    (SIDECARS_2, [ready("restartable-init-1"), not_ready("restartable-init-2"),
                  ready("regular-1")], "Running",
     cond("ContainersReady", "False", "ContainersNotReady",
          "containers with unready status: [restartable-init-2]")),
]


@pytest.mark.parametrize("pod_spec,statuses,phase,want", CONTAINERS_READY,
                         ids=[f"case-{i}" for i in range(len(CONTAINERS_READY))])
def test_generate_containers_ready_condition(pod_spec, statuses, phase, want):
    assert containers_ready_condition(pod_of(pod_spec), statuses, phase) == want


# TestGeneratePodReadyCondition
GATE1 = {"readinessGates": [{"conditionType": "gate1"}]}
GATES12 = {"readinessGates": [{"conditionType": "gate1"}, {"conditionType": "gate2"}]}
POD_READY = [
    ({}, [], None, "Running", cond("Ready", "False", "UnknownContainerStatuses")),
    ({}, [], [], "Running", cond("Ready", "True")),
    ({"containers": [{"name": "1234"}]}, [], [], "Running",
     cond("Ready", "False", "ContainersNotReady", "containers with unknown status: [1234]")),
    ({"containers": [{"name": "1234"}, {"name": "5678"}]}, [], [ready("1234"), ready("5678")],
     "Running", cond("Ready", "True")),
    ({"containers": [{"name": "1234"}, {"name": "5678"}]}, [], [ready("1234")], "Running",
     cond("Ready", "False", "ContainersNotReady", "containers with unknown status: [5678]")),
    ({"containers": [{"name": "1234"}, {"name": "5678"}]}, [],
     [ready("1234"), not_ready("5678")], "Running",
     cond("Ready", "False", "ContainersNotReady", "containers with unready status: [5678]")),
    ({"containers": [{"name": "1234"}]}, [], [not_ready("1234")], "Succeeded",
     cond("Ready", "False", "PodCompleted")),
    (GATE1, [], [], "Running",
     cond("Ready", "False", "ReadinessGatesNotReady",
          'corresponding condition of pod readiness gate "gate1" does not exist.')),
    (GATE1, [cond("gate1", "False")], [], "Running",
     cond("Ready", "False", "ReadinessGatesNotReady",
          'the status of pod readiness gate "gate1" is not "True", but False')),
    (GATE1, [cond("gate1", "True")], [], "Running", cond("Ready", "True")),
    (GATES12, [cond("gate1", "True")], [], "Running",
     cond("Ready", "False", "ReadinessGatesNotReady",
          'corresponding condition of pod readiness gate "gate2" does not exist.')),
    (GATES12, [cond("gate1", "True"), cond("gate2", "False")], [], "Running",
     cond("Ready", "False", "ReadinessGatesNotReady",
          'the status of pod readiness gate "gate2" is not "True", but False')),
    (GATES12, [cond("gate1", "True"), cond("gate2", "True")], [], "Running",
     cond("Ready", "True")),
    ({"containers": [{"name": "1234"}], **GATE1}, [cond("gate1", "True")], [not_ready("1234")],
     "Running",
     cond("Ready", "False", "ContainersNotReady", "containers with unready status: [1234]")),
]


@pytest.mark.parametrize("pod_spec,conditions,statuses,phase,want", POD_READY,
                         ids=[f"case-{i}" for i in range(len(POD_READY))])
def test_generate_pod_ready_condition(pod_spec, conditions, statuses, phase, want):
    assert pod_ready_condition(pod_of(pod_spec), conditions, statuses, phase) == want


# TestGeneratePodInitializedCondition (upstream compares status and reason)
ONE_INIT = {"initContainers": [{"name": "1234"}], "containers": [{"name": "regular"}]}
TWO_INIT = {"initContainers": [{"name": "1234"}, {"name": "5678"}],
            "containers": [{"name": "regular"}]}
ONE_SIDECAR = {"initContainers": [{"name": "1234", "restartPolicy": "Always"}],
               "containers": [{"name": "regular"}]}
INITIALIZED = [
    (TWO_INIT, None, "Running", "False", "UnknownContainerStatuses"),
    ({}, [], "Running", "True", ""),
    (ONE_INIT, [], "Running", "False", "ContainersNotInitialized"),
    (TWO_INIT, [ready("1234"), ready("5678")], "Running", "True", ""),
    (TWO_INIT, [ready("1234")], "Running", "False", "ContainersNotInitialized"),
    (TWO_INIT, [ready("1234"), not_ready("5678")], "Running", "False",
     "ContainersNotInitialized"),
    (ONE_INIT, [ready("1234")], "Succeeded", "True", "PodCompleted"),
    (ONE_SIDECAR, [{"name": "1234", "started": False}], "Pending", "False",
     "ContainersNotInitialized"),
    (ONE_SIDECAR, [{"name": "1234", "started": True}], "Running", "True", ""),
    (ONE_SIDECAR, [{"name": "1234", "started": False},
                   {"name": "regular", "state": {"running": {}}}], "Running", "True", ""),
    (ONE_INIT, [{"name": "1234", "state": {"waiting": {}}},
                {"name": "regular", "state": {"terminated": {}}}], "Running", "True", ""),
]


@pytest.mark.parametrize("pod_spec,statuses,phase,status,reason", INITIALIZED,
                         ids=[f"case-{i}" for i in range(len(INITIALIZED))])
def test_generate_pod_initialized_condition(pod_spec, statuses, phase, status, reason):
    got = initialized_condition(pod_of(pod_spec), statuses, phase)
    assert (got["type"], got["status"], got.get("reason", "")) == ("Initialized", status, reason)


def test_initialized_message_names_incomplete_init_containers():
    got = initialized_condition(pod_of(TWO_INIT), [not_ready("1234")], "Pending")
    assert got["message"] == ("containers with unknown status: [5678], "
                              "containers with incomplete status: [1234]")


# -- pod_conditions: order, preserved conditions, transition times --------------------------------

T0 = parse_time("2026-01-01T00:00:00Z")


def test_pod_conditions_order_and_preserved_non_kubelet_conditions():
    pod = {"spec": {"containers": [{"name": "app"}], "readinessGates": [{"conditionType": "g"}]},
           "status": {"conditions": [
               {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                "lastTransitionTime": "2025-12-31T23:59:59Z"},
               {"type": "g", "status": "True", "lastTransitionTime": "2025-12-31T23:00:00Z"}]}}
    got = pod_conditions(pod, "Running", [], [{"name": "app", "ready": True,
                                              "state": {"running": {}}}],
                         sandbox_ready=True, now_ms=T0)
    assert [c["type"] for c in got] == ["g", "PodReadyToStartContainers", "Initialized", "Ready",
                                        "ContainersReady", "PodScheduled"]
    assert got[0] == pod["status"]["conditions"][1]
    assert got[-1] == {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                       "lastTransitionTime": "2025-12-31T23:59:59Z"}
    assert got[3] == {"type": "Ready", "status": "True", "lastProbeTime": None,
                      "lastTransitionTime": "2026-01-01T00:00:00Z"}


def test_pod_conditions_keep_transition_time_while_status_unchanged():
    pod = {"spec": {"containers": [{"name": "app"}]}, "status": {}}
    unready = [{"name": "app", "ready": False, "state": {"running": {}}}]
    first = pod_conditions(pod, "Running", [], unready, sandbox_ready=True, now_ms=T0)
    pod = {**pod, "status": {"conditions": first}}
    second = pod_conditions(pod, "Running", [], unready, sandbox_ready=True, now_ms=T0 + 5000)
    assert second == first
    became_ready = [{"name": "app", "ready": True, "state": {"running": {}}}]
    pod = {**pod, "status": {"conditions": second}}
    third = pod_conditions(pod, "Running", [], became_ready, sandbox_ready=True,
                           now_ms=T0 + 9000)
    by_type = {c["type"]: c for c in third}
    assert by_type["Ready"]["lastTransitionTime"] == "2026-01-01T00:00:09Z"
    assert by_type["Ready"]["status"] == "True" and "reason" not in by_type["Ready"]
    assert by_type["Initialized"]["lastTransitionTime"] == "2026-01-01T00:00:00Z"


def test_pod_conditions_before_sandbox_and_observed_generation():
    pod = {"spec": {"initContainers": [{"name": "init"}], "containers": [{"name": "app"}]},
           "status": {}}
    got = pod_conditions(pod, "Pending", [{"name": "init", "ready": False,
                                           "state": {"waiting": {"reason": "PodInitializing"}}}],
                         [{"name": "app", "ready": False,
                           "state": {"waiting": {"reason": "PodInitializing"}}}],
                         sandbox_ready=False, now_ms=T0, observed_generation=1)
    by_type = {c["type"]: c for c in got}
    assert by_type["PodReadyToStartContainers"]["status"] == "False"
    assert "reason" not in by_type["PodReadyToStartContainers"]
    assert by_type["Initialized"]["message"] == "containers with incomplete status: [init]"
    assert by_type["Ready"]["message"] == "containers with unready status: [app]"
    assert all(c["observedGeneration"] == 1 for c in got)


def test_pod_conditions_for_failed_and_succeeded_pods():
    pod = {"spec": {"containers": [{"name": "app"}]}, "status": {}}
    done = [{"name": "app", "ready": False, "state": {"terminated": {"exitCode": 1}}}]
    by_type = {c["type"]: c for c in pod_conditions(pod, "Failed", [], done, sandbox_ready=False,
                                                    now_ms=T0)}
    assert (by_type["Ready"]["status"], by_type["Ready"]["reason"]) == ("False", "PodFailed")
    assert "message" not in by_type["ContainersReady"]
    by_type = {c["type"]: c for c in pod_conditions(pod, "Succeeded", [], done,
                                                    sandbox_ready=False, now_ms=T0)}
    assert by_type["ContainersReady"]["reason"] == "PodCompleted"
    assert by_type["Initialized"]["reason"] == "PodCompleted"


# -- client-go util/flowcontrol/backoff_test.go --------------------------------------------------

SECOND = 1000


def test_slow_backoff():
    b = BackOff(SECOND, 50 * SECOND)
    now = T0
    for factor in (0, 1, 2, 4, 8, 16, 32, 50, 50, 50):
        now += SECOND
        assert b.get("_idSlow") == factor * SECOND
        b.next("_idSlow", now)
    b.next("_idSlow", now)
    b.reset("_idSlow")
    assert b.get("_idSlow") == 0


def test_backoff_reset():
    b = BackOff(SECOND, 5 * SECOND)
    now = T0
    for _ in range(6):
        now += SECOND
        b.next("_idReset", now)
    assert b.in_backoff_since("_idReset", now, now)
    last_update = now
    now += 2 * 5 * SECOND + SECOND
    assert not b.in_backoff_since("_idReset", last_update, now)


def test_backoff_high_water_mark():
    b = BackOff(SECOND, 5 * SECOND)
    now = T0
    for _ in range(6):
        now += SECOND
        b.next("_idHiWaterMark", now)
    now += 5 * SECOND + SECOND
    b.next("_idHiWaterMark", now)
    assert b.get("_idHiWaterMark") == 5 * SECOND


def test_backoff_gc():
    b = BackOff(SECOND, 5 * SECOND)
    now = T0
    for _ in range(6):
        now += SECOND
        b.next("_idGC", now)
    now += 5 * SECOND + SECOND
    b.gc(now)
    assert "_idGC" in b
    now += 5 * SECOND + SECOND
    b.gc(now)
    assert "_idGC" not in b


# TestIsInBackOffSinceUpdate: (tick, in back-off, delay)
SINCE_UPDATE = [(0, False, 0), (1, False, 1), (2, True, 2), (3, False, 2), (4, True, 4),
                (5, True, 4), (6, True, 4), (7, False, 4), (8, True, 8), (9, True, 8),
                (10, True, 8), (11, True, 8), (12, True, 8), (13, True, 8), (14, True, 8),
                (15, False, 8), (16, True, 10), (17, True, 10), (18, True, 10), (19, True, 10),
                (20, True, 10), (21, True, 10), (22, True, 10), (23, True, 10), (24, True, 10),
                (25, False, 10), (26, True, 10), (27, True, 10), (28, True, 10), (29, True, 10),
                (30, True, 10), (31, True, 10), (32, True, 10), (33, True, 10), (34, True, 10),
                (35, False, 10), (56, False, 0), (57, False, 1)]


def test_is_in_back_off_since_update():
    b = BackOff(SECOND, 10 * SECOND)
    for tick, in_backoff, value in SINCE_UPDATE:
        now = T0 + tick * SECOND
        assert b.in_backoff_since_update("id", now) is in_backoff, tick
        if in_backoff:
            assert b.get("id") == value * SECOND, tick
        else:
            b.next("id", now)


# -- the kubelet's restart timeline (kuberuntime doBackOff with the backoff above) ---------------


def crash_loop(backoff, run_ms, crashes):
    """Starts at T0; each instance runs ``run_ms`` then exits; returns the restart delays."""
    delays = []
    now = T0
    for _ in range(crashes):
        finished = now + run_ms
        # The kubelet waits while in back-off, then calls Next(key, finishedAt) and starts.
        start = next_restart_time(backoff, "pod/app", finished, finished)
        backoff.next("pod/app", finished, now_ms=start)
        delays.append(start - finished)
        now = start
    return delays


def test_crash_loop_back_off_timeline():
    # First crash restarts at once; then 10s, 20s, 40s, 80s, 160s, capped at 300s.
    assert crash_loop(BackOff(), 0, 9) == [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000,
                                           300_000, 300_000]


def test_back_off_resets_after_ten_minutes_of_running():
    b = BackOff()
    key = "pod/app"
    t = T0
    for _ in range(4):  # crash quickly a few times
        start = next_restart_time(b, key, t, t)
        b.next(key, t, now_ms=start)
        t = start
    assert b.get(key) == 80_000
    # The container then runs for 10 min + 1 ms after its last restart: immediate restart again.
    finished = t + 600_001
    assert next_restart_time(b, key, finished, finished) == finished
    b.next(key, finished, now_ms=finished)
    assert b.get(key) == 10_000
    # Exactly 10 minutes is not enough (hasExpired is strictly greater than 2 × max).
    b2 = BackOff()
    b2.next(key, T0, now_ms=T0)
    b2.next(key, T0 + 10_000, now_ms=T0 + 10_000)
    assert next_restart_time(b2, key, T0 + 610_000, T0 + 610_000) == T0 + 610_000 + 20_000


# -- small helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("policy,exit_code,want", [
    ("Always", 0, True), ("Always", 1, True), (None, 0, True),
    ("OnFailure", 0, False), ("OnFailure", 2, True),
    ("Never", 0, False), ("Never", 137, False),
])
def test_should_restart(policy, exit_code, want):
    assert should_restart(policy, exit_code) is want


def test_probe_with_defaults():
    assert probe_with_defaults({"httpGet": {"port": 8080}}) == {
        "httpGet": {"port": 8080, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1,
        "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
    probe = {"exec": {"command": ["true"]}, "periodSeconds": 5, "failureThreshold": 1,
             "initialDelaySeconds": 3}
    assert probe_with_defaults(probe) == {**probe, "timeoutSeconds": 1, "successThreshold": 1}
    assert "initialDelaySeconds" not in probe_with_defaults({"tcpSocket": {"port": 80}})


def test_container_state_builders_and_messages():
    pod = {"metadata": {"name": "web", "namespace": "default", "uid": "u-1"}}
    assert crash_loop_back_off_message(80_000, "app", pod) == (
        "back-off 1m20s restarting failed container=app pod=web_default(u-1)")
    assert crash_loop_back_off_message(300_000, "app", pod).startswith("back-off 5m0s ")
    assert back_off_event_message("app", pod) == (
        "Back-off restarting failed container app in pod web_default(u-1)")
    assert default_waiting_reason({"containers": [{}]}) == "ContainerCreating"
    assert default_waiting_reason({"initContainers": [{}], "containers": [{}]}) == "PodInitializing"
    assert waiting_state("CrashLoopBackOff", "m") == {
        "waiting": {"reason": "CrashLoopBackOff", "message": "m"}}
    assert running_state(T0) == {"running": {"startedAt": "2026-01-01T00:00:00Z"}}
    assert terminated_reason(0) == "Completed"
    assert terminated_reason(1) == "Error"
    assert terminated_reason(137, oom_killed=True) == "OOMKilled"
    cid = make_container_id("u-1", "app", 0)
    assert cid.startswith("containerd://") and len(cid) == len("containerd://") + 64
    assert cid == make_container_id("u-1", "app", 0) != make_container_id("u-1", "app", 1)
    assert terminated_state(1, started_at_ms=T0, finished_at_ms=T0 + 2000, container_id=cid) == {
        "terminated": {"exitCode": 1, "reason": "Error", "startedAt": "2026-01-01T00:00:00Z",
                       "finishedAt": "2026-01-01T00:00:02Z", "containerID": cid}}
    status = container_status("app", "docker.io/library/nginx:latest", running_state(T0),
                              container_id=cid, ready=True, started=True)
    assert status["lastState"] == {} and status["restartCount"] == 0 and status["started"]


def test_ready_column():
    pod = {"spec": {"initContainers": [{"name": "side", "restartPolicy": "Always"},
                                       {"name": "init"}],
                    "containers": [{"name": "a"}, {"name": "b"}]},
           "status": {"initContainerStatuses": [
               {"name": "side", "ready": True, "started": True, "state": {"running": {}}},
               {"name": "init", "state": {"terminated": {"exitCode": 0}}}],
               "containerStatuses": [
                   {"name": "a", "ready": True, "state": {"running": {}}},
                   {"name": "b", "ready": False, "state": {"running": {}}}]}}
    assert ready_column(pod) == "2/3"
    pod["status"]["initContainerStatuses"][1] = {"name": "init", "state": {"running": {}}}
    assert ready_column(pod) == "1/3"


# -- k/k pkg/kubelet/prober/worker_test.go (ProbeWorker = worker.doProbe) ----------------------
from pytest_k8sflow.engine.podstatus import FAILURE as P_FAILURE  # noqa: E402
from pytest_k8sflow.engine.podstatus import SUCCESS as P_SUCCESS  # noqa: E402
from pytest_k8sflow.engine.podstatus import UNKNOWN as P_UNKNOWN  # noqa: E402
from pytest_k8sflow.engine.podstatus import ProbeWorker  # noqa: E402

NOW = 1_000_000_000


def _cstatus(kind: str, state: str = "running", cid: str = "test://cont_ID", started_ago: int = 0):
    status = {"name": "app", "containerID": cid, "started": kind != "startup"}
    if state == "running":
        status["state"] = {"running": {"startedAt": NOW - started_ago * 1000}}
    elif state == "terminated":
        status["state"] = {"terminated": {"exitCode": 0}}
    else:
        status["state"] = {}
    return status


def _always(result):
    return lambda: result


# TestDoProbe: (case, status, phase, deleting, probe, continue per type, set, result)
DO_PROBE = [
    ("no status", None, "Running", False, {}, {"liveness": True, "readiness": True,
                                               "startup": True}, False, None),
    ("pod failed", "running", "Failed", False, {}, {}, False, None),
    ("pod deletion", "running", "Running", True, {}, {"readiness": True}, True, P_SUCCESS),
    ("container waiting", "waiting", "Running", False, {},
     {"liveness": True, "readiness": True, "startup": True}, True, P_FAILURE),
    ("container terminated", "terminated", "Running", False, {}, {}, True, P_FAILURE),
    ("probe successful", "running", "Running", False, {},
     {"liveness": True, "readiness": True, "startup": True}, True, P_SUCCESS),
    ("initial delay passed", "running", "Running", False, {"initialDelaySeconds": -100},
     {"liveness": True, "readiness": True, "startup": True}, True, P_SUCCESS),
]


@pytest.mark.parametrize("kind", ["liveness", "readiness", "startup"])
@pytest.mark.parametrize("case,state,phase,deleting,probe,cont,is_set,want", DO_PROBE,
                         ids=[c[0] for c in DO_PROBE])
def test_do_probe(kind, case, state, phase, deleting, probe, cont, is_set, want):
    w = ProbeWorker(kind, probe)
    status = None if state is None else _cstatus(kind, state)
    keep = w.do_probe(status, _always(P_SUCCESS), now_ms=NOW, pod_phase=phase,
                      deleting=deleting, restart_policy="Never")
    assert keep is cont.get(kind, False)
    assert (w.result is not None) is is_set
    assert w.result == want


@pytest.mark.parametrize("kind,initial", [("liveness", P_SUCCESS), ("readiness", P_FAILURE),
                                          ("startup", P_UNKNOWN)])
def test_initial_delay(kind, initial):
    w = ProbeWorker(kind, {"initialDelaySeconds": 10})
    assert w.do_probe(_cstatus(kind), _always(P_SUCCESS), now_ms=NOW)
    assert w.result == initial  # during initial delay
    assert w.do_probe(_cstatus(kind, started_ago=100), _always(P_SUCCESS), now_ms=NOW)
    assert w.result == P_SUCCESS  # after initial delay


def test_failure_threshold():
    w = ProbeWorker("readiness", {"successThreshold": 1, "failureThreshold": 3})
    status = _cstatus("readiness")
    for _ in range(2):
        for _ in range(3):
            assert w.do_probe(status, _always(P_SUCCESS), now_ms=NOW)
            assert w.result == P_SUCCESS
        for _ in range(2):  # the next 2 failures leave it a success
            assert w.do_probe(status, _always(P_FAILURE), now_ms=NOW)
            assert w.result == P_SUCCESS
        for _ in range(3):  # the third and following fail
            assert w.do_probe(status, _always(P_FAILURE), now_ms=NOW)
            assert w.result == P_FAILURE


def test_success_threshold():
    w = ProbeWorker("readiness", {"successThreshold": 3, "failureThreshold": 1})
    status = _cstatus("readiness")
    for _ in range(2):
        for _ in range(2):
            assert w.do_probe(status, _always(P_SUCCESS), now_ms=NOW)
            assert w.result == P_FAILURE
        for _ in range(3):
            assert w.do_probe(status, _always(P_SUCCESS), now_ms=NOW)
            assert w.result == P_SUCCESS
        assert w.do_probe(status, _always(P_FAILURE), now_ms=NOW)  # the prober flakes
        assert w.result == P_FAILURE


def test_startup_probe_success_threshold():
    w = ProbeWorker("startup", {"successThreshold": 1, "failureThreshold": 3})
    assert not w.on_hold
    assert w.do_probe(_cstatus("startup"), _always(P_SUCCESS), now_ms=NOW)
    assert w.result == P_SUCCESS
    assert w.on_hold and w.result_run == 0


def test_startup_probe_failure_threshold():
    w = ProbeWorker("startup", {"successThreshold": 1, "failureThreshold": 3})
    status = _cstatus("startup")
    for i in range(3):
        assert not w.on_hold
        assert w.do_probe(status, _always(P_FAILURE), now_ms=NOW)
        if i < 2:
            assert w.result == P_UNKNOWN and w.result_run == i + 1
        else:
            assert w.result == P_FAILURE and w.result_run == 0
    assert w.on_hold and w.result_run == 0


@pytest.mark.parametrize("kind", ["liveness", "startup"])
def test_on_hold_on_liveness_or_startup_check_failure(kind):
    w = ProbeWorker(kind, {"successThreshold": 1, "failureThreshold": 1})
    status = _cstatus(kind)
    assert w.do_probe(status, _always(P_FAILURE), now_ms=NOW)
    assert w.result == P_FAILURE and w.on_hold
    assert w.do_probe(status, _always(P_SUCCESS), now_ms=NOW)  # while on hold
    assert w.result == P_FAILURE and w.on_hold
    assert w.held_for("test://cont_ID") and not w.held_for("test://newCont_ID")
    assert w.do_probe(_cstatus(kind, cid="test://newCont_ID"), _always(P_SUCCESS), now_ms=NOW)
    assert w.result == P_SUCCESS  # hold lifted
    assert w.on_hold is (kind == "startup")
    assert w.result_for("test://cont_ID") is None


def test_result_run_on_liveness_check_failure():
    w = ProbeWorker("liveness", {"successThreshold": 1, "failureThreshold": 3})
    status = _cstatus("liveness")
    assert w.do_probe(status, _always(P_SUCCESS), now_ms=NOW)
    assert (w.result, w.result_run) == (P_SUCCESS, 1)
    assert w.do_probe(status, _always(P_FAILURE), now_ms=NOW)
    assert (w.result, w.result_run) == (P_SUCCESS, 1)
    assert w.do_probe(status, _always(P_FAILURE), now_ms=NOW)
    assert (w.result, w.result_run) == (P_SUCCESS, 2)
    assert w.do_probe(status, _always(P_FAILURE), now_ms=NOW)
    assert (w.result, w.result_run) == (P_FAILURE, 0)


def test_result_run_on_startup_check_failure():
    w = ProbeWorker("startup", {"successThreshold": 1, "failureThreshold": 3})
    status = _cstatus("startup")
    for run in (1, 2):
        assert w.do_probe(status, _always(P_FAILURE), now_ms=NOW)
        assert (w.result, w.result_run) == (P_UNKNOWN, run)
    assert w.do_probe(status, _always(P_FAILURE), now_ms=NOW)
    assert (w.result, w.result_run) == (P_FAILURE, 0)


def test_liveness_probe_disabled_by_started():
    w = ProbeWorker("liveness", {"successThreshold": 1, "failureThreshold": 1})
    status = {**_cstatus("liveness"), "started": False}
    assert w.do_probe(status, _always(P_FAILURE), now_ms=NOW)
    assert w.result == P_SUCCESS  # not started: not probed
    assert w.do_probe({**status, "started": True}, _always(P_FAILURE), now_ms=NOW)
    assert w.result == P_FAILURE


def test_startup_probe_disabled_by_started():
    w = ProbeWorker("startup", {"successThreshold": 1, "failureThreshold": 2})
    status = _cstatus("startup")
    assert w.do_probe(status, _always(P_FAILURE), now_ms=NOW)
    assert w.result == P_UNKNOWN
    assert w.do_probe(status, _always(P_SUCCESS), now_ms=NOW)
    assert w.result == P_SUCCESS
    w.on_hold = False  # upstream's test probes again once started; the result must not move
    assert w.do_probe({**status, "started": True}, _always(P_FAILURE), now_ms=NOW)
    assert w.result == P_SUCCESS


def test_prober_error_is_thrown_away():
    w = ProbeWorker("readiness", {})
    assert w.do_probe(_cstatus("readiness"), _always(None), now_ms=NOW)
    assert w.result == P_FAILURE and w.result_run == 0


# -- when a probe first runs (k/k pkg/kubelet/prober/worker.go run, prober_manager.go
# UpdatePodStatus manual readiness trigger) ------------------------------------------------
@pytest.mark.parametrize(("kind", "spec", "expected_ms"), [
    pytest.param("liveness", {"periodSeconds": 10}, 10_000, id="liveness no delay"),
    pytest.param("startup", {"periodSeconds": 10}, 10_000, id="startup without delay: one period"),
    pytest.param("liveness", {}, 10_000, id="default period 10s"),
    pytest.param("readiness", {"periodSeconds": 10}, 0, id="readiness is triggered at once"),
    pytest.param("liveness", {"initialDelaySeconds": 5, "periodSeconds": 5}, 5_000,
                 id="initial delay"),
    pytest.param("readiness", {"initialDelaySeconds": 15, "periodSeconds": 10}, 15_000,
                 id="readiness initial delay"),
])
def test_first_probe_delay(kind: str, spec: dict, expected_ms: int) -> None:
    from pytest_k8sflow.engine.kubelet import first_probe_delay_ms

    assert first_probe_delay_ms(kind, spec) == expected_ms


def test_documented_startup_probe_kills_after_300s() -> None:
    # kubernetes.io "Protect slow starting containers with startup probes": failureThreshold
    # 30 x periodSeconds 10 gives the application 300 s.
    from pytest_k8sflow.engine.cluster import Cluster

    c = Cluster(nodes=1, kubernetes_version="1.32", seed=0)
    probe = {"httpGet": {"path": "/healthz", "port": 8080}, "failureThreshold": 30,
             "periodSeconds": 10}
    c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "slow"},
              "spec": {"containers": [{"name": "app", "image": "nginx", "startupProbe": probe}]}})
    c.settle()
    c.kubelet.queue_probe_results(c.get("Pod", "slow", "default"), "app", "startup",
                                  [(False, "refused")] * 30)
    c.advance("299s")
    assert c.get("Pod", "slow", "default")["status"]["containerStatuses"][0]["restartCount"] == 0
    c.advance("1s")
    status = c.get("Pod", "slow", "default")["status"]["containerStatuses"][0]
    assert status["restartCount"] == 1
    assert status["lastState"]["terminated"]["finishedAt"] == "2026-01-01T00:05:00Z"
