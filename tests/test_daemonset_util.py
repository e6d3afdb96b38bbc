"""Pure DaemonSet helpers, ported from k/k pkg/controller/daemon/util/daemonset_util_test.go
(TestIsPodUpdated, TestCreatePodTemplate, TestReplaceDaemonSetPodNodeNameNodeAffinity,
TestGetTargetNodeName) and the decision parts of daemon_controller_test.go / update_test.go
(TestNodeShouldRunDaemonPod, TestGetUnavailableNumbers, findUpdatedPodsOnNode, the surge
pruning of podsShouldBeOnNode)."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.controllers import daemonset_util as u
from pytest_k8sflow.engine.timeutil import format_time

T0 = 1_767_225_600_000
NAME_FIELD = "metadata.name"


def pod(name: str, node: str = "", labels: dict | None = None, *, ready: bool = False,
        phase: str = "Running", created: int = T0, ready_since: int = T0,
        deleting: bool = False, affinity_node: str | None = None) -> dict:
    meta: dict = {"name": name, "namespace": "default", "creationTimestamp": format_time(created)}
    if labels is not None:
        meta["labels"] = labels
    if deleting:
        meta["deletionTimestamp"] = format_time(created + 30_000)
    spec: dict = {"containers": [{"name": "c", "image": "foo/bar"}]}
    if node:
        spec["nodeName"] = node
    if affinity_node:
        spec["affinity"] = u.replace_daemonset_pod_node_name_node_affinity(None, affinity_node)
    status: dict = {"phase": phase}
    if ready:
        status["conditions"] = [{"type": "Ready", "status": "True",
                                 "lastTransitionTime": format_time(ready_since)}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def node(name: str, labels: dict | None = None, taints: list | None = None) -> dict:
    spec: dict = {}
    if taints:
        spec["taints"] = taints
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name,
                                                  **(labels or {})}},
            "spec": spec, "status": {}}


def daemonset(*, node_selector: dict | None = None, tolerations: list | None = None,
              max_unavailable=1, max_surge=None, strategy: str = "RollingUpdate",
              generation: str | None = "1", host_network: bool = False,
              affinity: dict | None = None, node_name: str = "", min_ready: int = 0) -> dict:
    tspec: dict = {"containers": [{"name": "foo", "image": "foo/bar"}]}
    if node_selector:
        tspec["nodeSelector"] = node_selector
    if tolerations:
        tspec["tolerations"] = tolerations
    if host_network:
        tspec["hostNetwork"] = True
    if affinity:
        tspec["affinity"] = affinity
    if node_name:
        tspec["nodeName"] = node_name
    rolling: dict = {"maxUnavailable": max_unavailable}
    if max_surge is not None:
        rolling["maxSurge"] = max_surge
    strat: dict = {"type": strategy}
    if strategy == "RollingUpdate":
        strat["rollingUpdate"] = rolling
    meta: dict = {"name": "foo", "namespace": "default", "uid": "ds-uid", "generation": 1}
    if generation is not None:
        meta["annotations"] = {u.DEPRECATED_TEMPLATE_GENERATION: generation}
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": meta,
            "spec": {"selector": {"matchLabels": {"name": "simple-daemon"}},
                     "template": {"metadata": {"labels": {"name": "simple-daemon"}},
                                  "spec": tspec},
                     "updateStrategy": strat, "minReadySeconds": min_ready,
                     "revisionHistoryLimit": 10}}


# ------------------------------------------------------------------ TestIsPodUpdated (10 cases)
GEN, BAD_GEN, HASH = 12345, 12350, "55555"
LABELS = {u.DAEMONSET_TEMPLATE_GENERATION_KEY: str(GEN), u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY: HASH}
LABELS_NO_HASH = {u.DAEMONSET_TEMPLATE_GENERATION_KEY: str(GEN)}


@pytest.mark.parametrize("case,generation,labels,hash_,updated", [
    ("templateGeneration and hash both match", GEN, LABELS, HASH, True),
    ("templateGeneration matches, hash doesn't", GEN, LABELS, HASH + "123", True),
    ("templateGeneration matches, no hash label, has hash", GEN, LABELS_NO_HASH, HASH, True),
    ("templateGeneration matches, no hash label, no hash", GEN, LABELS_NO_HASH, "", True),
    ("templateGeneration matches, has hash label, no hash", GEN, LABELS, "", True),
    ("templateGeneration doesn't match, hash does", BAD_GEN, LABELS, HASH, True),
    ("templateGeneration and hash don't match", BAD_GEN, LABELS, HASH + "123", False),
    ("empty labels, no hash", GEN, {}, "", False),
    ("empty labels", GEN, {}, HASH, False),
    ("no labels", GEN, None, HASH, False),
])
def test_is_pod_updated(case, generation, labels, hash_, updated):
    assert u.is_pod_updated(pod("pod1", "node1", labels), hash_, generation) is updated


# ------------------------------------------------------------------ TestCreatePodTemplate (2)
@pytest.mark.parametrize("generation,hash_,expect_unique",
                         [(1, "", False), (2, "3242341807", True)])
def test_create_pod_template(generation, hash_, expect_unique):
    template = u.create_pod_template({}, generation, hash_)
    labels = template["metadata"]["labels"]
    assert labels[u.DAEMONSET_TEMPLATE_GENERATION_KEY] == str(generation)
    assert (labels.get(u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY) == hash_) if expect_unique \
        else u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY not in labels
    assert len(template["spec"]["tolerations"]) == 6


# ------------------------------------------------- TestReplaceDaemonSetPodNodeNameNodeAffinity (8)
def _fields(op: str, *values: str, key: str = NAME_FIELD) -> dict:
    return {"matchFields": [{"key": key, "operator": op, "values": list(values)}]}


def _required(*terms: dict) -> dict:
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": list(terms)}}}


HOST1 = _required(_fields("In", "host_1"))
PREFERRED = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    {"weight": 1, "preference": {"matchExpressions": [
        {"key": "kubernetes.io/hostname", "operator": "In", "values": ["host_1"]}]}}]}}
HOSTNAME_EXPR = {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In",
                                       "values": ["host_1"]}]}


@pytest.mark.parametrize("case,affinity,expected", [
    ("nil affinity", None, HOST1),
    ("required matchExpressions replaced", _required(HOSTNAME_EXPR), HOST1),
    ("preferred kept, required added", PREFERRED,
     {"nodeAffinity": {**PREFERRED["nodeAffinity"],
                       **HOST1["nodeAffinity"]}}),
    ("matchFields with two hosts narrowed", _required(_fields("In", "host_1", "host_2")), HOST1),
    ("nil affinity again", None, HOST1),
    ("two terms replaced by one",
     _required({"matchExpressions": [{"key": "hostname", "operator": "In",
                                      "values": ["host_1"]}]}, _fields("In", "host_2")), HOST1),
    ("NotIn replaced", _required(_fields("NotIn", "host_2")), HOST1),
    ("unknown field key replaced", _required(_fields("In", "bar", key="metadata.foo")), HOST1),
])
def test_replace_daemonset_pod_node_name_node_affinity(case, affinity, expected):
    assert u.replace_daemonset_pod_node_name_node_affinity(affinity, "host_1") == expected


# ------------------------------------------------------------------ TestGetTargetNodeName (4)
@pytest.mark.parametrize("case,p,expected", [
    ("pod1 nodeName", pod("pod1", "node-1"), "node-1"),
    ("pod2 affinity", pod("pod2", affinity_node="node-1"), "node-1"),
    ("pod3 two values", {"metadata": {"name": "pod3"}, "spec": {"affinity": _required(
        _fields("In", "node-1", "node-2"))}}, None),
    ("pod4 nothing", {"metadata": {"name": "pod4"}, "spec": {}}, None),
])
def test_get_target_node_name(case, p, expected):
    assert u.get_target_node_name(p) == expected


# ------------------------------------------------------------------ AddOrUpdateDaemonPodTolerations
def test_daemon_pod_tolerations_order_and_host_network():
    keys = [(t["key"], t["effect"]) for t in u.daemon_pod_tolerations({"hostNetwork": True})]
    assert keys == [(u.TAINT_NODE_NOT_READY, "NoExecute"), (u.TAINT_NODE_UNREACHABLE, "NoExecute"),
                    (u.TAINT_NODE_DISK_PRESSURE, "NoSchedule"),
                    (u.TAINT_NODE_MEMORY_PRESSURE, "NoSchedule"),
                    (u.TAINT_NODE_PID_PRESSURE, "NoSchedule"),
                    (u.TAINT_NODE_UNSCHEDULABLE, "NoSchedule"),
                    (u.TAINT_NODE_NETWORK_UNAVAILABLE, "NoSchedule")]
    assert all(t["operator"] == "Exists" and "tolerationSeconds" not in t
               for t in u.daemon_pod_tolerations({}))
    assert len(u.daemon_pod_tolerations({})) == 6


def test_daemon_pod_tolerations_replace_matching_in_place():
    own = [{"key": "a", "operator": "Exists"},
           {"key": u.TAINT_NODE_NOT_READY, "operator": "Exists", "effect": "NoExecute",
            "tolerationSeconds": 300}]
    out = u.daemon_pod_tolerations({"tolerations": own})
    assert out[0] == {"key": "a", "operator": "Exists"}
    assert out[1] == {"key": u.TAINT_NODE_NOT_READY, "operator": "Exists", "effect": "NoExecute"}
    assert len(out) == 7


# ------------------------------------------------------------------ TestNodeShouldRunDaemonPod
NO_SCHEDULE = {"key": "dedicated", "value": "x", "effect": "NoSchedule"}
NO_EXECUTE = {"key": "dedicated", "value": "x", "effect": "NoExecute"}
TOLERATE = [{"key": "dedicated", "operator": "Equal", "value": "x"}]


@pytest.mark.parametrize("case,ds,n,expected", [
    ("simple", daemonset(), node("node1"), (True, True)),
    ("node selector matches", daemonset(node_selector={"a": "b"}), node("node1", {"a": "b"}),
     (True, True)),
    ("node selector does not match", daemonset(node_selector={"a": "b"}), node("node1"),
     (False, False)),
    ("template nodeName other node", daemonset(node_name="other"), node("node1"), (False, False)),
    ("template nodeName this node", daemonset(node_name="node1"), node("node1"), (True, True)),
    ("required node affinity does not match",
     daemonset(affinity=_required({"matchExpressions": [
         {"key": "type", "operator": "In", "values": ["production"]}]})),
     node("node1", {"type": "dev"}), (False, False)),
    ("required node affinity matches",
     daemonset(affinity=_required({"matchExpressions": [
         {"key": "type", "operator": "In", "values": ["production"]}]})),
     node("node1", {"type": "production"}), (True, True)),
    ("untolerated NoSchedule keeps running pods", daemonset(), node("node1", taints=[NO_SCHEDULE]),
     (False, True)),
    ("untolerated NoExecute evicts", daemonset(), node("node1", taints=[NO_EXECUTE]),
     (False, False)),
    ("tolerated taints", daemonset(tolerations=TOLERATE),
     node("node1", taints=[NO_SCHEDULE, NO_EXECUTE]), (True, True)),
    ("PreferNoSchedule ignored", daemonset(),
     node("node1", taints=[{"key": "k", "effect": "PreferNoSchedule"}]), (True, True)),
    ("unschedulable taint tolerated (cordon)", daemonset(),
     node("node1", taints=[{"key": u.TAINT_NODE_UNSCHEDULABLE, "effect": "NoSchedule"}]),
     (True, True)),
    ("not-ready taint tolerated", daemonset(),
     node("node1", taints=[{"key": u.TAINT_NODE_NOT_READY, "effect": "NoExecute"}]),
     (True, True)),
    ("memory pressure tolerated", daemonset(),
     node("node1", taints=[{"key": u.TAINT_NODE_MEMORY_PRESSURE, "effect": "NoSchedule"}]),
     (True, True)),
    ("network unavailable, no hostNetwork", daemonset(),
     node("node1", taints=[{"key": u.TAINT_NODE_NETWORK_UNAVAILABLE, "effect": "NoSchedule"}]),
     (False, True)),
    ("network unavailable, hostNetwork", daemonset(host_network=True),
     node("node1", taints=[{"key": u.TAINT_NODE_NETWORK_UNAVAILABLE, "effect": "NoSchedule"}]),
     (True, True)),
    ("control-plane taint untolerated", daemonset(),
     node("master", taints=[{"key": "node-role.kubernetes.io/control-plane",
                             "effect": "NoSchedule"}]), (False, True)),
])
def test_node_should_run_daemon_pod(case, ds, n, expected):
    assert u.node_should_run_daemon_pod(n, ds) == expected


# ------------------------------------------------------------------ TestGetUnavailableNumbers
def _ready_pod(name, node_name, **kw):
    return pod(name, node_name, {"name": "simple-daemon"}, ready=True, **kw)


@pytest.mark.parametrize("case,ds,n_nodes,pods,want_surge,want_unavailable", [
    ("No nodes", daemonset(max_unavailable=0), 0, {}, 0, 0),
    ("Two nodes with ready pods", daemonset(max_unavailable=1), 2,
     {"node-0": 1, "node-1": 1}, 0, 1),
    ("Two nodes, one node without pods", daemonset(max_unavailable=0), 2, {"node-0": 1}, 0, 1),
    ("Two nodes, one node without pods, surge", daemonset(max_unavailable=0, max_surge=1), 2,
     {"node-0": 1}, 1, 0),
    ("Two nodes with pods, MaxUnavailable in percents", daemonset(max_unavailable="50%"), 2,
     {"node-0": 1, "node-1": 1}, 0, 1),
    ("Two nodes with pods, MaxUnavailable in percents, surge",
     daemonset(max_unavailable=0, max_surge="50%"), 2, {"node-0": 1, "node-1": 1}, 1, 0),
    ("Two nodes with pods, MaxUnavailable is 100%, surge",
     daemonset(max_unavailable=0, max_surge="100%"), 2, {"node-0": 1, "node-1": 1}, 2, 0),
    ("Two nodes with pods, MaxUnavailable in percents, pod terminating",
     daemonset(max_unavailable="50%"), 3, {"node-0": 1, "node-1": 1}, 0, 2),
])
def test_get_unavailable_numbers(case, ds, n_nodes, pods, want_surge, want_unavailable):
    nodes = [node(f"node-{i}") for i in range(n_nodes)]
    by_node = {name: [_ready_pod(f"p-{name}-{i}", name) for i in range(count)]
               for name, count in pods.items()}
    surge, unavailable, desired = u.updated_desired_node_counts(ds, nodes, by_node)
    assert (surge, unavailable) == (want_surge, want_unavailable)
    assert desired == n_nodes
    assert set(by_node) == {n["metadata"]["name"] for n in nodes} | set(pods)


# ------------------------------------------------------------------ findUpdatedPodsOnNode
def test_find_updated_pods_on_node():
    ds = daemonset(generation="2")
    new = pod("new", "n", {u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY: "h2"})
    old = pod("old", "n", {u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY: "h1",
                           u.DAEMONSET_TEMPLATE_GENERATION_KEY: "1"})
    gone = pod("gone", "n", {u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY: "h1"}, deleting=True)
    assert u.find_updated_pods_on_node(ds, [new, old, gone], "h2") == (new, old, True)
    assert u.find_updated_pods_on_node(ds, [old, old], "h2") == (None, None, False)
    assert u.find_updated_pods_on_node(ds, [], "h2") == (None, None, True)
    # a pod at the current template generation counts as new even with another hash
    gen2 = pod("gen2", "n", {u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY: "h1",
                             u.DAEMONSET_TEMPLATE_GENERATION_KEY: "2"})
    assert u.find_updated_pods_on_node(ds, [gen2], "h2") == (gen2, None, True)


# ------------------------------------------------------------------ rolling update plans
def _labelled(name, node_name, hash_, *, ready=True, **kw):
    return pod(name, node_name, {"name": "simple-daemon",
                                 u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY: hash_}, ready=ready, **kw)


def test_rolling_update_max_unavailable_one_deletes_one_old_pod():
    # update_test.go TestDaemonSetUpdatesPods: maxUnavailable pods go per round
    ds = daemonset(generation="2")
    nodes = [node(f"node-{i}") for i in range(5)]
    by_node = {f"node-{i}": [_labelled(f"p{i}", f"node-{i}", "old")] for i in range(5)}
    delete, create = u.rolling_update_plan(ds, nodes, by_node, "new", T0)
    assert [p["metadata"]["name"] for p in delete] == ["p0"] and create == []
    ds = daemonset(generation="2", max_unavailable=2)
    delete, _ = u.rolling_update_plan(ds, nodes, by_node, "new", T0)
    assert [p["metadata"]["name"] for p in delete] == ["p0", "p1"]


def test_rolling_update_waits_for_new_pod_to_be_available():
    # TestDaemonSetUpdatesWhenNewPosIsNotReady
    ds = daemonset(generation="2")
    nodes = [node("node-0"), node("node-1")]
    by_node = {"node-0": [_labelled("new0", "node-0", "new", ready=False)],
               "node-1": [_labelled("old1", "node-1", "old")]}
    assert u.rolling_update_plan(ds, nodes, by_node, "new", T0) == ([], [])


def test_rolling_update_replaces_all_unavailable_old_pods():
    # TestDaemonSetUpdatesAllOldPodsNotReady
    ds = daemonset(generation="2")
    nodes = [node(f"node-{i}") for i in range(3)]
    by_node = {f"node-{i}": [_labelled(f"p{i}", f"node-{i}", "old", ready=False)]
               for i in range(3)}
    delete, _ = u.rolling_update_plan(ds, nodes, by_node, "new", T0)
    assert [p["metadata"]["name"] for p in delete] == ["p0", "p1", "p2"]


def test_rolling_update_surge_creates_then_deletes():
    # TestDaemonSetUpdatesPodsWithMaxSurge
    ds = daemonset(generation="2", max_unavailable=0, max_surge=1)
    nodes = [node(f"node-{i}") for i in range(3)]
    by_node = {f"node-{i}": [_labelled(f"p{i}", f"node-{i}", "old")] for i in range(3)}
    assert u.rolling_update_plan(ds, nodes, by_node, "new", T0) == ([], ["node-0"])
    by_node["node-0"].append(_labelled("n0", "node-0", "new", ready=False))
    assert u.rolling_update_plan(ds, nodes, by_node, "new", T0) == ([], [])
    by_node["node-0"][1] = _labelled("n0", "node-0", "new")
    delete, create = u.rolling_update_plan(ds, nodes, by_node, "new", T0)
    assert [p["metadata"]["name"] for p in delete] == ["p0"] and create == ["node-1"]


def test_rolling_update_surge_replaces_unavailable_old_pods_at_once():
    # TestDaemonSetUpdatesAllOldPodsNotReadyMaxSurge
    ds = daemonset(generation="2", max_unavailable=0, max_surge=1)
    nodes = [node(f"node-{i}") for i in range(3)]
    by_node = {f"node-{i}": [_labelled(f"p{i}", f"node-{i}", "old", ready=False)]
               for i in range(3)}
    assert u.rolling_update_plan(ds, nodes, by_node, "new", T0) == \
        ([], ["node-0", "node-1", "node-2"])


def test_rolling_update_no_template_change_does_nothing():
    # TestDaemonSetUpdatesNoTemplateChanged
    ds = daemonset(generation="1")
    nodes = [node(f"node-{i}") for i in range(3)]
    by_node = {f"node-{i}": [_labelled(f"p{i}", f"node-{i}", "h")] for i in range(3)}
    assert u.rolling_update_plan(ds, nodes, by_node, "h", T0) == ([], [])


# ------------------------------------------------------------------ surge pruning (Surge* tests)
def _plan(ds, pods_, hash_="new", now=T0 + 60_000):
    return u.pods_should_be_on_node(node("node-0"), pods_, ds, hash_, now)


SURGE = daemonset(max_unavailable=0, max_surge=1)


def test_surge_preserves_ready_old_pods():
    plan = _plan(SURGE, [_labelled("old", "node-0", "old", created=T0),
                         _labelled("new", "node-0", "new", ready=False, created=T0 + 1000)])
    assert plan.delete == [] and not plan.create


def test_surge_deletes_unready_old_pods():
    plan = _plan(SURGE, [_labelled("old", "node-0", "old", ready=False, created=T0),
                         _labelled("new", "node-0", "new", ready=False, created=T0 + 1)])
    assert [p["metadata"]["name"] for p in plan.delete] == ["old"]


def test_surge_deletes_old_ready_when_new_is_available():
    plan = _plan(SURGE, [_labelled("old", "node-0", "old", created=T0),
                         _labelled("new", "node-0", "new", created=T0 + 1)])
    assert [p["metadata"]["name"] for p in plan.delete] == ["old"]


def test_surge_preserves_old_ready_with_unsatisfied_min_ready():
    ds = daemonset(max_unavailable=0, max_surge=1, min_ready=15)
    plan = _plan(ds, [_labelled("old", "node-0", "old", created=T0),
                      _labelled("new", "node-0", "new", created=T0 + 1, ready_since=T0 + 50_000)])
    assert plan.delete == []


def test_surge_deletes_old_ready_with_satisfied_min_ready():
    ds = daemonset(max_unavailable=0, max_surge=1, min_ready=15)
    plan = _plan(ds, [_labelled("old", "node-0", "old", created=T0),
                      _labelled("new", "node-0", "new", created=T0 + 1, ready_since=T0)])
    assert [p["metadata"]["name"] for p in plan.delete] == ["old"]


def test_without_surge_only_the_oldest_pod_stays():
    # TestDealsWithExistingPods: excess pods on a node go, scheduled and older first kept
    plan = _plan(daemonset(), [_labelled("b", "node-0", "new", created=T0 + 2000),
                               _labelled("a", "node-0", "new", created=T0 + 1000),
                               _labelled("c", "node-0", "new", created=T0),
                               _labelled("d", "", "new", created=T0 - 1000,
                                         affinity_node="node-0")])
    # c is the oldest scheduled pod; the unscheduled d sorts last despite its age
    assert [p["metadata"]["name"] for p in plan.delete] == ["a", "b", "d"]


# ------------------------------------------------------------------ TestDaemonKillFailedPods
@pytest.mark.parametrize("case,phases,deleted,created", [
    ("normal (no failed pods)", [], 0, True),
    ("only a failed pod", ["Failed"], 1, False),
    ("only failed pods", ["Failed", "Failed", "Failed"], 3, False),
    ("failed pods and active pods", ["Failed", "Failed", "Running"], 2, False),
])
def test_daemon_kill_failed_pods(case, phases, deleted, created):
    pods_ = [pod(f"p{i}", "node-0", {"name": "simple-daemon"}, phase=ph)
             for i, ph in enumerate(phases)]
    plan = _plan(daemonset(), pods_)
    assert len(plan.delete) == deleted and len(plan.failed) == deleted
    assert plan.create is created


def test_succeeded_daemon_pod_is_deleted():
    plan = _plan(daemonset(), [pod("p", "node-0", {"name": "simple-daemon"}, phase="Succeeded")])
    assert [p["metadata"]["name"] for p in plan.succeeded] == ["p"]


def test_no_execute_taint_deletes_running_pods():
    n = node("node-0", taints=[NO_EXECUTE])
    plan = u.pods_should_be_on_node(n, [pod("p", "node-0", {"name": "simple-daemon"})],
                                    daemonset(), "h", T0)
    assert [p["metadata"]["name"] for p in plan.delete] == ["p"]


def test_no_schedule_taint_keeps_running_pods():
    n = node("node-0", taints=[NO_SCHEDULE])
    plan = u.pods_should_be_on_node(n, [pod("p", "node-0", {"name": "simple-daemon"})],
                                    daemonset(), "h", T0)
    assert plan.delete == [] and not plan.create


# ---------------------------------------- TestDeleteUnscheduledPodForNotExistingNode
def test_unscheduled_pods_without_node():
    by_node = {"node-0": [pod("a", affinity_node="node-0")],
               "gone": [pod("b", affinity_node="gone"), pod("c", "gone")]}
    out = u.unscheduled_pods_without_node(["node-0"], by_node)
    assert [p["metadata"]["name"] for p in out] == ["b"]


# ------------------------------------------------------------------ status and history helpers
def test_status_counts_and_omitempty():
    ds = daemonset(node_selector={"a": "b"})
    nodes = [node("n1", {"a": "b"}), node("n2", {"a": "b"}), node("n3")]
    by_node = {"n1": [_labelled("p1", "n1", "h")], "n3": [_labelled("p3", "n3", "h")]}
    counts = u.daemonset_status_counts(ds, nodes, by_node, "h", T0)
    assert counts == {"desiredNumberScheduled": 2, "currentNumberScheduled": 1,
                      "numberMisscheduled": 1, "numberReady": 1, "updatedNumberScheduled": 1,
                      "numberAvailable": 1, "numberUnavailable": 1}
    status = u.build_status(ds, {**counts, "numberUnavailable": 0, "numberMisscheduled": 0},
                            True)
    assert "numberUnavailable" not in status and status["numberMisscheduled"] == 0
    assert status["observedGeneration"] == 1


def test_get_patch_and_match():
    ds = daemonset()
    patch = u.get_patch(ds)
    tmpl = patch["spec"]["template"]
    assert tmpl["$patch"] == "replace"
    assert tmpl["metadata"]["creationTimestamp"] is None
    assert tmpl["spec"]["containers"][0]["resources"] == {}
    history = u.new_history(ds, 1)
    assert u.match(ds, history)
    assert history["metadata"]["name"] == "foo-" + u.revision_hash(ds)
    assert history["metadata"]["labels"] == {
        "name": "simple-daemon", u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY: u.revision_hash(ds)}
    assert history["metadata"]["annotations"] == {u.DEPRECATED_TEMPLATE_GENERATION: "1"}
    other = daemonset(node_selector={"x": "y"})
    assert not u.match(other, history)


def test_histories_to_clean_skips_live_hashes():
    def rev(n, h):
        return {"metadata": {"name": f"r{n}", "labels": {
            u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY: h}}, "revision": n}
    old = [rev(3, "c"), rev(1, "a"), rev(2, "b"), rev(4, "d")]
    assert [r["revision"] for r in u.histories_to_clean(old, ["a"], 1)] == [2, 3, 4]
    assert [r["revision"] for r in u.histories_to_clean(old, ["a"], 2)] == [2, 3]
    assert u.histories_to_clean(old, [], 4) == []
    assert [r["revision"] for r in u.histories_to_clean(old, [], 0)] == [1, 2, 3, 4]


def test_dedup_keeps_highest_revision():
    a = {"metadata": {"name": "a"}, "revision": 3}
    b = {"metadata": {"name": "b"}, "revision": 5}
    assert u.dedup_keep([a, b]) is b
