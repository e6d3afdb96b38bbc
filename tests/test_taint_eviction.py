"""Taint-based eviction (engine/controllers/taintmanager.py, run by the node lifecycle
controller).

Ported from k/k pkg/controller/tainteviction/taint_eviction_test.go: TestFilterNoExecuteTaints
(1), TestGetMinTolerationTime (5), TestCreatePod (6), TestUpdatePod (4), TestCreateNode (3),
TestUpdateNode (5), TestUpdateNodeWithMultipleTaints (1), TestUpdateNodeWithMultiplePods (2),
TestEventualConsistency (4), TestPodDeletionEvent (2). The fake clientset's "patch" and
"delete" actions are read here from the store's write history (actor
taint-eviction-controller); time is the simulated clock.
"""

import pytest

from pytest_k8sflow.engine.cluster import Cluster, add_taint, remove_taint
from pytest_k8sflow.engine.controllers.taintmanager import (
    FOREVER,
    get_matching_tolerations,
    get_min_toleration_time,
    get_no_execute_taints,
)

TM = "taint-eviction-controller"


def taint(i):
    return {"key": f"testTaint{i}", "value": f"test{i}", "effect": "NoExecute"}


def toleration(i, seconds):
    t = {"key": f"testTaint{i}", "value": f"test{i}", "effect": "NoExecute"}
    if seconds >= 0:
        t["tolerationSeconds"] = seconds
    return t


def new_pod(name, node, tolerations=None):
    spec = {"containers": [{"name": "c", "image": "nginx"}]}
    if node:
        spec["nodeName"] = node
    if tolerations:
        spec["tolerations"] = tolerations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def cluster(nodes=("node1", "spare")):
    return Cluster(nodes=[{"name": n} for n in nodes])


def set_taints(c, node, indices):
    for t in list(c.get("Node", node)["spec"].get("taints") or []):
        if t["key"].startswith("testTaint"):
            remove_taint(c, node, t["key"], t["effect"])
    for i in indices:
        t = taint(i)
        add_taint(c, node, t["key"], t["value"], t["effect"])
    c.settle()


def actions(c, name):
    """(patched, deleted) by the taint manager for pod ``name``."""
    writes = c.store.history.get(("Pod", "default", name), [])
    patched = any(w.actor == TM and w.obj is not None and any(
        cond.get("type") == "DisruptionTarget" for cond in w.obj["status"].get("conditions", []))
        for w in writes)
    deleted = any(w.actor == TM and w.obj is not None and w.obj["metadata"].get(
        "deletionTimestamp") for w in writes) or any(
        w.actor == TM and w.obj is None for w in writes)
    return patched, deleted


def eviction_events(c):
    return [e["message"] for e in c.events if e["reason"] == "TaintManagerEviction"]


def test_filter_no_execute_taints():
    taints = [{"key": "one", "value": "one", "effect": "NoExecute"},
              {"key": "two", "value": "two", "effect": "NoSchedule"}]
    assert [t["key"] for t in get_no_execute_taints(taints)] == ["one"]


@pytest.mark.parametrize("seconds,expected", [
    ([], 0),
    ([None], FOREVER),
    ([1, 2], 1000),
    ([1, None], 1000),
    ([None, 1], 1000),
])
def test_get_min_toleration_time(seconds, expected):
    tolerations = [{} if s is None else {"tolerationSeconds": s} for s in seconds]
    assert get_min_toleration_time(tolerations) == expected


def test_get_min_toleration_time_zero_or_negative_is_now():
    assert get_min_toleration_time([{"tolerationSeconds": 5}, {"tolerationSeconds": 0}]) == 0
    assert get_min_toleration_time([{"tolerationSeconds": -3}]) == 0


def test_matching_tolerations_use_the_first_match_per_taint():
    tolerations = [toleration(1, 300), {"operator": "Exists"}]
    ok, used = get_matching_tolerations([taint(1)], tolerations)
    assert ok and used == [toleration(1, 300)]
    assert get_matching_tolerations([taint(2)], [toleration(1, 5)]) == (False, [])


# -- TestCreatePod -----------------------------------------------------------------------------
@pytest.mark.parametrize("description,node,tolerations,tainted,patch,delete", [
    ("not scheduled - ignore", "", None, False, False, False),
    ("scheduled on untainted Node", "node1", None, False, False, False),
    ("schedule on tainted Node", "node1", None, True, True, True),
    ("schedule on tainted Node with finite toleration", "node1", [toleration(1, 100)], True,
     False, False),
    ("schedule on tainted Node with infinite toleration", "node1", [toleration(1, -1)], True,
     False, False),
    ("schedule on tainted Node with infinite invalid toleration", "node1", [toleration(2, -1)],
     True, True, True),
])
def test_create_pod(description, node, tolerations, tainted, patch, delete):
    c = cluster()
    if tainted:
        set_taints(c, "node1", [1])
    pod = new_pod("pod1", node, tolerations)
    if not node:
        pod["spec"]["schedulerName"] = "none"  # stays unscheduled
    c.create(pod)
    assert actions(c, "pod1") == (patch, delete)


# -- TestUpdatePod -----------------------------------------------------------------------------
def test_update_pod_scheduling_onto_tainted_node():
    c = cluster()
    set_taints(c, "node1", [1])
    c.create({**new_pod("pod1", ""), "spec": {**new_pod("pod1", "")["spec"],
                                             "nodeSelector": {"kubernetes.io/hostname": "node1"},
                                             "tolerations": [{"key": "testTaint1",
                                                              "operator": "Exists",
                                                              "effect": "NoSchedule"}]}})
    # The scheduler cannot place it (NoExecute is a scheduling filter too); bind by hand.
    pod = c.get("Pod", "pod1")
    c.api.bind(pod, "node1", "default-scheduler")
    c.settle()
    assert actions(c, "pod1") == (True, True)


def test_update_pod_scheduling_onto_tainted_node_with_toleration():
    c = cluster()
    set_taints(c, "node1", [1])
    c.create({**new_pod("pod1", ""), "spec": {**new_pod("pod1", "")["spec"],
                                             "schedulerName": "none",
                                             "tolerations": [toleration(1, -1)]}})
    c.api.bind(c.get("Pod", "pod1"), "node1", "default-scheduler")
    c.settle()
    assert actions(c, "pod1") == (False, False)


def test_update_pod_removing_toleration_is_impossible_but_shortening_counts():
    # "removing toleration": pod tolerations can only be added or shortened after creation,
    # so the pod update is the shortening of tolerationSeconds to 0.
    c = cluster()
    set_taints(c, "node1", [1])
    c.create(new_pod("pod1", "node1", [toleration(1, 100)]))
    assert c.component("node-controller").taint_manager.scheduled("default", "pod1")
    pod = c.get("Pod", "pod1")
    tolerations = [dict(t) for t in pod["spec"]["tolerations"]]
    tolerations[0]["tolerationSeconds"] = 0
    c.update({**pod, "spec": {**pod["spec"], "tolerations": tolerations}})
    # Upstream keeps an already scheduled eviction when the pod is processed again.
    assert actions(c, "pod1") == (False, False)
    c.advance("100s")
    assert actions(c, "pod1") == (True, True)


def test_update_pod_lengthening_toleration_shouldnt_work():
    c = cluster()
    set_taints(c, "node1", [1])
    c.create(new_pod("pod1", "node1", [toleration(1, 1)]))
    c.advance("1s")
    assert actions(c, "pod1") == (True, True)


# -- TestCreateNode ----------------------------------------------------------------------------
@pytest.mark.parametrize("description,tolerations,tainted,patch,delete", [
    ("Creating Node matching already assigned Pod", None, False, False, False),
    ("Creating tainted Node matching already assigned Pod", None, True, True, True),
    ("Creating tainted Node matching already assigned tolerating Pod", [toleration(1, -1)], True,
     False, False),
])
def test_create_node(description, tolerations, tainted, patch, delete):
    c = cluster(nodes=("spare",))
    c.create(new_pod("pod1", "node1", tolerations))
    node = {"name": "node1"}
    if tainted:
        node["taints"] = [taint(1)]
    c.add_node(node)
    c.settle()
    assert actions(c, "pod1") == (patch, delete)


# -- TestUpdateNode ----------------------------------------------------------------------------
@pytest.mark.parametrize("description,tolerations,old,new,patch,delete,after", [
    ("Added taint, expect node patched and deleted", None, [], [1], True, True, 0),
    ("Added tolerated taint", [toleration(1, 100)], [], [1], False, False, 0),
    ("Only one added taint tolerated", [toleration(1, 100)], [], [1, 2], True, True, 0),
    ("Taint removed", [toleration(1, 1)], [1], [], False, False, 1500),
    ("Pod with multiple tolerations are evicted when first one runs out",
     [toleration(1, 1), toleration(2, 100)], [], [1, 2], True, True, 1000),
])
def test_update_node(description, tolerations, old, new, patch, delete, after):
    c = cluster()
    set_taints(c, "node1", old)
    c.create(new_pod("pod1", "node1", tolerations))
    set_taints(c, "node1", new)
    c.advance(after)
    assert actions(c, "pod1") == (patch, delete)


def test_update_node_with_multiple_taints():
    c = cluster()
    t1, t2 = taint(1), taint(2)
    c.create(new_pod("pod1", "node1", [
        {"key": t1["key"], "operator": "Exists", "effect": "NoExecute"},
        {"key": t2["key"], "operator": "Exists", "effect": "NoExecute",
         "tolerationSeconds": 60}]))
    tm = c.component("node-controller").taint_manager
    assert tm.scheduled("default", "pod1") is None           # no taint
    set_taints(c, "node1", [1])
    assert tm.scheduled("default", "pod1") is None           # infinitely tolerated
    set_taints(c, "node1", [1, 2])
    assert tm.scheduled("default", "pod1") is not None       # temporarily tolerated
    set_taints(c, "node1", [1])
    assert tm.scheduled("default", "pod1") is None           # back to infinitely tolerated
    c.advance("2m")
    assert actions(c, "pod1") == (False, False)
    assert eviction_events(c) == ["Cancelling deletion of Pod default/pod1"]


@pytest.mark.parametrize("description,taints,expected", [
    ("Pods with different toleration times are evicted appropriately", [1],
     [(0, ["pod1"]), (1000, ["pod2"])]),
    ("Evict all pods not matching all taints instantly", [1, 2],
     [(0, ["pod1", "pod2", "pod3"])]),
])
def test_update_node_with_multiple_pods(description, taints, expected):
    c = cluster()
    c.create(new_pod("pod1", "node1"))
    c.create(new_pod("pod2", "node1", [toleration(1, 1)]))
    c.create(new_pod("pod3", "node1", [toleration(1, -1)]))
    start = c.now_ms
    set_taints(c, "node1", taints)
    deleted_at = {}
    c.advance("5s")
    for name in ("pod1", "pod2", "pod3"):
        for w in c.store.history[("Pod", "default", name)]:
            if w.actor == TM and (w.obj is None or w.obj["metadata"].get("deletionTimestamp")):
                deleted_at.setdefault(name, w.time_ms - start)
    want = {name: at for at, names in expected for name in names}
    assert deleted_at == want


# -- TestEventualConsistency -------------------------------------------------------------------
@pytest.mark.parametrize("description,tolerations,created_bound", [
    ("existing pod2 scheduled onto tainted Node", None, False),
    ("existing pod2 with taint toleration scheduled onto tainted Node", [toleration(1, 100)],
     False),
    ("new pod2 created on tainted Node", None, True),
    ("new pod2 with tait toleration created on tainted Node", [toleration(1, 100)], True),
])
def test_eventual_consistency(description, tolerations, created_bound):
    c = cluster()
    c.create(new_pod("pod1", "node1"))
    if not created_bound:
        pod2 = new_pod("pod2", "", tolerations)
        pod2["spec"]["schedulerName"] = "none"
        c.create(pod2)
    set_taints(c, "node1", [1])
    assert actions(c, "pod1") == (True, True)
    if created_bound:
        c.create(new_pod("pod2", "node1", tolerations))
    else:
        c.api.bind(c.get("Pod", "pod2"), "node1", "default-scheduler")
        c.settle()
    if tolerations:
        assert c.component("node-controller").taint_manager.scheduled("default", "pod2")
        c.advance("100s")
    assert actions(c, "pod2") == (True, True)


# -- TestPodDeletionEvent ----------------------------------------------------------------------
def test_pod_deletion_event():
    c = cluster()
    c.create(new_pod("test", "node1"))
    set_taints(c, "node1", [1])
    [event] = [e for e in c.events if e["reason"] == "TaintManagerEviction"]
    assert event["type"] == "Normal"
    assert event["message"] == "Marking for deletion Pod default/test"
    assert event["involvedObject"] == {"apiVersion": "v1", "kind": "Pod", "name": "test",
                                       "namespace": "default"}
    assert event["source"] == {"component": TM}


def test_cancel_pod_deletion_event():
    c = cluster()
    c.create(new_pod("test", "node1", [toleration(1, 100)]))
    set_taints(c, "node1", [1])
    set_taints(c, "node1", [])
    assert eviction_events(c) == ["Cancelling deletion of Pod default/test"]


# -- beyond the upstream tables ----------------------------------------------------------------
def test_disruption_target_condition_before_delete():
    c = cluster()
    c.create(new_pod("pod1", "node1"))
    set_taints(c, "node1", [1])
    versions = [w.obj for w in c.store.history[("Pod", "default", "pod1")]
                if w.actor == TM and w.obj is not None]
    cond = next(x for x in versions[0]["status"]["conditions"] if x["type"] == "DisruptionTarget")
    assert cond == {"type": "DisruptionTarget", "status": "True",
                    "reason": "DeletionByTaintManager",
                    "message": "Taint manager: deleting due to NoExecute taint",
                    "lastProbeTime": None, "lastTransitionTime": c.now_text()}
    assert versions[1]["metadata"]["deletionGracePeriodSeconds"] == 30


def test_no_disruption_condition_before_1_26_and_old_component_name():
    c = Cluster(nodes=[{"name": "node1"}], kubernetes_version="1.25")
    c.create(new_pod("pod1", "node1"))
    set_taints(c, "node1", [1])
    writes = [w for w in c.store.history[("Pod", "default", "pod1")]
              if w.actor == "taint-controller"]
    assert writes and all(w.obj is None or not any(
        x["type"] == "DisruptionTarget" for x in w.obj["status"].get("conditions", []))
        for w in writes)
    assert [e["source"]["component"] for e in c.events
            if e["reason"] == "TaintManagerEviction"] == ["taint-controller"]


def test_deleted_pod_with_pending_eviction_cancels_with_event():
    c = cluster()
    c.create(new_pod("pod1", "node1", [toleration(1, 100)]))
    set_taints(c, "node1", [1])
    c.delete("pod/pod1")
    assert eviction_events(c) == ["Cancelling deletion of Pod default/pod1"]


def test_toleration_time_counts_from_when_the_taint_is_seen():
    c = cluster()
    c.create(new_pod("pod1", "node1", [toleration(1, 60)]))
    set_taints(c, "node1", [1])
    c.advance("59s")
    assert actions(c, "pod1") == (False, False)
    c.advance("1s")
    assert actions(c, "pod1") == (True, True)
