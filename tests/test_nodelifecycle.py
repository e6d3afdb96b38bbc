"""Node lifecycle controller (engine/controllers/nodelifecycle.py).

Ported from k/k pkg/controller/nodelifecycle/node_lifecycle_controller_test.go:
TestTaintsNodeByCondition (4 cases, plus the other condition keys and unschedulable),
TestApplyNoExecuteTaints, TestSwapUnreachableNotReadyTaints, TestNodeEventGeneration,
ComputeZoneState (from the controller's table of states), the full-disruption rule of
TestMonitorNodeHealthEvictPodsWithDisruption ("all nodes not ready: no eviction"), and
MarkPodsNotReady (TestMonitorNodeHealthMarkPodsNotReady).
"""

import pytest

from pytest_k8sflow.engine.cluster import Cluster, set_node_condition, set_unschedulable
from pytest_k8sflow.engine.controllers.nodelifecycle import (
    STATE_FULL,
    STATE_NORMAL,
    STATE_PARTIAL,
    compute_zone_state,
    condition_taints,
    next_grid_tick,
    no_schedule_taints_update,
    swap_taints,
    zone_key,
    zone_qps,
)

NR = "node.kubernetes.io/not-ready"
UR = "node.kubernetes.io/unreachable"


def node(conditions, taints=None, unschedulable=False):
    spec = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {"metadata": {"name": "node0"}, "spec": spec,
            "status": {"conditions": [{"type": t, "status": s} for t, s in conditions]}}


def keys(taints):
    return [(t["key"], t["effect"]) for t in taints or []]


# -- TestTaintsNodeByCondition -----------------------------------------------------------------
@pytest.mark.parametrize("name,conditions,unschedulable,expected", [
    ("NetworkUnavailable is true", [("Ready", "True"), ("NetworkUnavailable", "True")], False,
     ["node.kubernetes.io/network-unavailable"]),
    ("NetworkUnavailable is true (again)", [("Ready", "True"), ("NetworkUnavailable", "True")],
     False, ["node.kubernetes.io/network-unavailable"]),
    ("Ready is false", [("Ready", "False")], False, [NR]),
    ("Ready is unknown", [("Ready", "Unknown")], False, [UR]),
    # beyond the upstream table: the other entries of nodeConditionToTaintKeyStatusMap
    ("MemoryPressure is true", [("Ready", "True"), ("MemoryPressure", "True")], False,
     ["node.kubernetes.io/memory-pressure"]),
    ("DiskPressure is true", [("Ready", "True"), ("DiskPressure", "True")], False,
     ["node.kubernetes.io/disk-pressure"]),
    ("PIDPressure is true", [("Ready", "True"), ("PIDPressure", "True")], False,
     ["node.kubernetes.io/pid-pressure"]),
    ("pressure unknown is no taint", [("Ready", "True"), ("MemoryPressure", "Unknown")], False,
     []),
    ("unschedulable", [("Ready", "True")], True, ["node.kubernetes.io/unschedulable"]),
])
def test_taints_node_by_condition(name, conditions, unschedulable, expected):
    n = node(conditions, unschedulable=unschedulable)
    assert [t["key"] for t in condition_taints(n)] == expected
    new = no_schedule_taints_update(n, 0)
    assert sorted(keys(new)) == sorted((k, "NoSchedule") for k in expected)


def test_no_schedule_pass_removes_stale_condition_taints_only():
    n = node([("Ready", "True")], taints=[
        {"key": NR, "effect": "NoSchedule"}, {"key": "user", "effect": "NoSchedule"},
        {"key": NR, "effect": "NoExecute"}])
    # NoExecute condition taints are the health pass's business, user taints nobody's.
    assert keys(no_schedule_taints_update(n, 0)) == [("user", "NoSchedule"), (NR, "NoExecute")]
    assert no_schedule_taints_update(node([("Ready", "True")]), 0) is None


def test_swap_taints_stamps_time_added_and_keeps_order():
    taints = [{"key": "a", "effect": "NoSchedule"}, {"key": UR, "effect": "NoExecute"}]
    out = swap_taints(taints, [{"key": NR, "effect": "NoExecute"}],
                      [{"key": UR, "effect": "NoExecute"}], 1767225600000)
    assert out == [{"key": "a", "effect": "NoSchedule"},
                   {"key": NR, "effect": "NoExecute", "timeAdded": "2026-01-01T00:00:00Z"}]


# -- ComputeZoneState and the limiter ----------------------------------------------------------
@pytest.mark.parametrize("statuses,expected", [
    (["True", "True"], (0, STATE_NORMAL)),
    (["False"], (1, STATE_FULL)),
    (["Unknown", None], (2, STATE_FULL)),
    (["False", "False", "True"], (2, STATE_NORMAL)),          # not more than 2
    (["False", "False", "False", "True", "True"], (3, STATE_PARTIAL)),  # 60 %
    (["False", "False", "False", "True", "True", "True"], (3, STATE_NORMAL)),  # 50 %
])
def test_compute_zone_state(statuses, expected):
    assert compute_zone_state(statuses) == expected


def test_zone_qps():
    assert zone_qps(STATE_NORMAL, 3) == 0.1
    assert zone_qps(STATE_FULL, 3) == 0.1
    assert zone_qps(STATE_PARTIAL, 50) == 0.0
    assert zone_qps(STATE_PARTIAL, 51) == 0.01


def test_zone_key():
    assert zone_key({"metadata": {}}) == ""
    assert zone_key({"metadata": {"labels": {"topology.kubernetes.io/region": "r",
                                             "topology.kubernetes.io/zone": "z"}}}) == "r:\x00:z"
    assert zone_key({"metadata": {"labels": {
        "failure-domain.beta.kubernetes.io/zone": "z"}}}) == ":\x00:z"


def test_next_grid_tick():
    assert next_grid_tick(0, 0, 5000, None) == 0
    assert next_grid_tick(0, 0, 5000, 0) == 5000
    assert next_grid_tick(7000, 0, 5000, 5000) == 10000


# -- behaviour in a cluster --------------------------------------------------------------------
def bare_pod(name, node_name, tolerations=None):
    spec = {"nodeName": node_name, "containers": [{"name": "c", "image": "nginx"}]}
    if tolerations is not None:
        spec["tolerations"] = tolerations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def taint_keys(c, name):
    return keys(c.get("Node", name)["spec"].get("taints"))


def test_node_event_generation():
    c = Cluster(nodes=2)
    registered = [e for e in c.events if e["reason"] == "RegisteredNode"]
    assert [e["message"] for e in registered] == [
        "Node node-1 event: Registered Node node-1 in Controller",
        "Node node-2 event: Registered Node node-2 in Controller"]
    uid = c.get("Node", "node-1")["metadata"]["uid"]
    assert registered[0]["involvedObject"] == {"apiVersion": "v1", "kind": "Node",
                                               "name": "node-1", "uid": uid}
    assert registered[0]["source"] == {"component": "node-controller"}
    c.api.delete("Node", "", "node-2", "kubectl")
    c.advance("5s")
    assert [e["message"] for e in c.events if e["reason"] == "RemovingNode"] == [
        "Node node-2 event: Removing Node node-2 from Controller"]


def test_apply_no_execute_taints():
    c = Cluster(nodes=3)
    set_node_condition(c, "node-1", "Ready", "Unknown")
    set_node_condition(c, "node-3", "Ready", "False")
    c.advance("10s")
    # node-3 took the zone's token at 5 s; node-1 is queued on the 10 s pass, tainted at 15 s.
    assert (NR, "NoExecute") in taint_keys(c, "node-3")
    assert (UR, "NoExecute") not in taint_keys(c, "node-1")
    c.advance("5s")
    assert (UR, "NoExecute") in taint_keys(c, "node-1")
    assert (NR, "NoExecute") in taint_keys(c, "node-3")
    assert taint_keys(c, "node-2") == []
    # node-3 healthy again: no taint at all.
    set_node_condition(c, "node-3", "Ready", "True")
    c.advance("5s")
    assert taint_keys(c, "node-3") == []


def test_ready_false_taints_no_schedule_at_once_and_no_execute_on_the_health_pass():
    c = Cluster(nodes=3)
    c.advance("2s")
    set_node_condition(c, "node-1", "Ready", "False")
    c.settle()
    assert taint_keys(c, "node-1") == [(NR, "NoSchedule")]
    c.advance("2999ms")
    assert taint_keys(c, "node-1") == [(NR, "NoSchedule")]
    c.advance("1ms")  # the pass at 5 s
    assert taint_keys(c, "node-1") == [(NR, "NoSchedule"), (NR, "NoExecute")]
    taint = c.get("Node", "node-1")["spec"]["taints"][1]
    assert taint["timeAdded"] == "2026-01-01T00:00:05Z"


def test_swap_unreachable_not_ready_taints():
    c = Cluster(nodes=2)
    set_node_condition(c, "node-1", "Ready", "Unknown")
    c.advance("10s")
    assert (UR, "NoExecute") in taint_keys(c, "node-1")
    set_node_condition(c, "node-1", "Ready", "False")
    c.advance("5s")
    assert (NR, "NoExecute") in taint_keys(c, "node-1")
    assert (UR, "NoExecute") not in taint_keys(c, "node-1")


def test_unknown_completes_conditions_and_marks_pods_not_ready():
    c = Cluster(nodes=2)
    c.create(bare_pod("pod0", "node-1"))
    set_node_condition(c, "node-1", "Ready", "Unknown")
    c.advance("5s")
    conditions = {x["type"]: x for x in c.get("Node", "node-1")["status"]["conditions"]}
    for kind in ("MemoryPressure", "DiskPressure", "PIDPressure", "Ready"):
        assert conditions[kind]["status"] == "Unknown"
        assert conditions[kind]["reason"] == "NodeStatusUnknown"
        assert conditions[kind]["message"] == "Kubelet stopped posting node status."
    ready = {x["type"]: x for x in c.get("Pod", "pod0")["status"]["conditions"]}
    assert ready["Ready"]["status"] == "False"
    assert ready["Ready"]["lastTransitionTime"] == "2026-01-01T00:00:05Z"
    assert ready["ContainersReady"]["status"] == "True"
    events = [(e["type"], e["reason"], e["message"], e["involvedObject"]["kind"])
              for e in c.events if e["reason"] == "NodeNotReady"]
    assert events == [("Normal", "NodeNotReady", "Node node-1 status is now: NodeNotReady", "Node"),
                      ("Warning", "NodeNotReady", "Node is not ready", "Pod")]
    # The unreachable NoExecute taint follows on the next pass.
    assert (UR, "NoExecute") not in taint_keys(c, "node-1")
    c.advance("5s")
    assert (UR, "NoExecute") in taint_keys(c, "node-1")


def test_kubelet_posted_not_ready_gets_no_controller_event_and_pods_keep_ready():
    c = Cluster(nodes=2)
    c.create(bare_pod("pod0", "node-1"))
    set_node_condition(c, "node-1", "Ready", "False")
    c.advance("10s")
    # Only the kubelet's own NodeNotReady (pkg/kubelet/nodestatus/setters.go), none from the
    # node controller, which records it only on its own True->Unknown transition.
    sources = [e["source"]["component"] for e in c.events if e["reason"] == "NodeNotReady"]
    assert sources == ["kubelet"]
    ready = {x["type"]: x["status"] for x in c.get("Pod", "pod0")["status"]["conditions"]}
    assert ready["Ready"] == "True"


def test_all_nodes_not_ready_means_no_no_execute_taints():
    c = Cluster(nodes=1)
    c.create(bare_pod("pod0", "node-1"))
    set_node_condition(c, "node-1", "Ready", "False")
    c.advance("10m")
    assert taint_keys(c, "node-1") == [(NR, "NoSchedule")]
    assert c.get("Pod", "pod0")["metadata"].get("deletionTimestamp") is None


def test_entering_full_disruption_removes_no_execute_taints():
    c = Cluster(nodes=2)
    set_node_condition(c, "node-1", "Ready", "False")
    c.advance("5s")
    assert (NR, "NoExecute") in taint_keys(c, "node-1")
    set_node_condition(c, "node-2", "Ready", "False")
    c.advance("5s")
    assert (NR, "NoExecute") not in taint_keys(c, "node-1")
    assert (NR, "NoExecute") not in taint_keys(c, "node-2")
    # Leaving it: tainting resumes.
    set_node_condition(c, "node-2", "Ready", "True")
    c.advance("5s")
    assert (NR, "NoExecute") in taint_keys(c, "node-1")


def test_partial_disruption_in_a_small_zone_stops_tainting():
    c = Cluster(nodes=5)
    for name in ("node-1", "node-2", "node-3"):
        set_node_condition(c, name, "Ready", "False")
    c.advance("1m")
    tainted = [n for n in ("node-1", "node-2", "node-3") if (NR, "NoExecute") in taint_keys(c, n)]
    # the first pass queues all three; one is tainted before the zone state changes are seen
    assert len(tainted) <= 1


def test_nodes_are_tainted_one_per_ten_seconds_per_zone():
    c = Cluster(nodes=6)
    set_node_condition(c, "node-1", "Ready", "False")
    set_node_condition(c, "node-2", "Ready", "False")
    c.advance("5s")
    assert (NR, "NoExecute") in taint_keys(c, "node-1")
    assert (NR, "NoExecute") not in taint_keys(c, "node-2")
    c.advance("9999ms")
    assert (NR, "NoExecute") not in taint_keys(c, "node-2")
    c.advance("1ms")
    assert (NR, "NoExecute") in taint_keys(c, "node-2")


def test_unschedulable_spec_gets_its_taint():
    c = Cluster(nodes=2)
    n = c.get("Node", "node-1")
    c.update({**n, "spec": {**n["spec"], "unschedulable": True}})
    assert taint_keys(c, "node-1") == [("node.kubernetes.io/unschedulable", "NoSchedule")]
    set_unschedulable(c, "node-1", False)
    c.settle()
    assert taint_keys(c, "node-1") == []


def test_pod_bound_to_not_ready_node_is_marked_not_ready():
    c = Cluster(nodes=2)
    set_node_condition(c, "node-1", "Ready", "False")
    c.advance("5s")
    c.create(bare_pod("late", "node-1", tolerations=[{"operator": "Exists"}]))
    ready = {x["type"]: x["status"] for x in c.get("Pod", "late")["status"].get("conditions", [])}
    # The kubelet of a not-ready node does not start it; it has no Ready condition to flip.
    assert ready.get("Ready") in (None, "False")


def test_kubelet_resumes_when_the_node_is_ready_again():
    c = Cluster(nodes=2)
    c.create(bare_pod("pod0", "node-1"))
    set_node_condition(c, "node-1", "Ready", "Unknown")
    c.advance("5s")
    c.delete("pod/pod0")
    assert c.get("Pod", "pod0")["metadata"].get("deletionTimestamp")  # stuck Terminating
    set_node_condition(c, "node-1", "Ready", "True")
    c.settle()
    assert c.get("Pod", "pod0") is None
