"""The DaemonSet controller in a whole simulated cluster. Cases ported from k/k
pkg/controller/daemon/daemon_controller_test.go and update_test.go (named in each test), plus
the ControllerRevision history of update.go (constructHistory, dedupCurHistories,
cleanupHistory) and test/integration/daemonset (TestUnschedulableNodeDaemonDoesLaunchPod)."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.cluster import Cluster
from pytest_k8sflow.engine.controllers import daemonset_util as u

NS = "default"


def ds_manifest(name: str = "foo", *, node_selector: dict | None = None,
                tolerations: list | None = None, strategy: dict | None = None,
                image: str = "foo/bar", host_network: bool = False, affinity: dict | None = None,
                history_limit: int | None = None, min_ready: int | None = None) -> dict:
    tspec: dict = {"containers": [{"name": "foo", "image": image}]}
    if node_selector:
        tspec["nodeSelector"] = node_selector
    if tolerations:
        tspec["tolerations"] = tolerations
    if host_network:
        tspec["hostNetwork"] = True
    if affinity:
        tspec["affinity"] = affinity
    spec: dict = {"selector": {"matchLabels": {"name": "simple-daemon"}},
                  "template": {"metadata": {"labels": {"name": "simple-daemon"}},
                               "spec": tspec}}
    if strategy:
        spec["updateStrategy"] = strategy
    if history_limit is not None:
        spec["revisionHistoryLimit"] = history_limit
    if min_ready is not None:
        spec["minReadySeconds"] = min_ready
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": NS}, "spec": spec}


def pods_of(c: Cluster, *, live_only: bool = True) -> list[dict]:
    pods = c.list("Pod", NS)
    if live_only:
        pods = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
    return pods


def nodes_of_pods(c: Cluster) -> list[str]:
    return sorted(u.get_target_node_name(p) or "" for p in pods_of(c))


def revisions(c: Cluster) -> list[tuple[str, int]]:
    return sorted(((r["metadata"]["labels"][u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY], r["revision"])
                   for r in c.list("ControllerRevision", NS)), key=lambda x: x[1])


def ds_events(c: Cluster) -> list[tuple[str, str]]:
    return [(e["reason"], e["message"]) for e in c.events
            if e["involvedObject"]["kind"] == "DaemonSet"]


def set_image(c: Cluster, image: str, name: str = "foo") -> None:
    c.patch(f"daemonset/{name}", strategic={"spec": {"template": {"spec": {
        "containers": [{"name": "foo", "image": image}]}}}})


# --------------------------------------------------------------------------- launching pods

def test_simple_daemon_set_launches_pods():
    # TestSimpleDaemonSetLaunchesPods: one pod per node, SuccessfulCreate for each
    c = Cluster(nodes=5)
    c.create(ds_manifest())
    c.advance("10s")
    assert nodes_of_pods(c) == [f"node-{i}" for i in range(1, 6)]
    created = [m for r, m in ds_events(c) if r == "SuccessfulCreate"]
    assert len(created) == 5 and all(m.startswith("Created pod: foo-") for m in created)
    p = pods_of(c)[0]
    assert p["metadata"]["generateName"] == "foo-"
    assert p["metadata"]["labels"] == {"name": "simple-daemon",
                                       "pod-template-generation": "1",
                                       "controller-revision-hash": u.revision_hash(
                                           c.get("DaemonSet", "foo"))}
    ref = p["metadata"]["ownerReferences"][0]
    assert (ref["apiVersion"], ref["kind"], ref["name"], ref["controller"],
            ref["blockOwnerDeletion"]) == ("apps/v1", "DaemonSet", "foo", True, True)
    # the scheduler binds each pod to the node its matchFields term names
    assert all(p["spec"]["nodeName"] == u.get_target_node_name(p) for p in pods_of(c))
    assert all(p["status"]["phase"] == "Running" for p in pods_of(c))


def test_simple_daemon_set_updates_status_after_launching_pods():
    # TestSimpleDaemonSetUpdatesStatusAfterLaunchingPods / TestNumberReadyStatus
    c = Cluster(nodes=3)
    c.create(ds_manifest())
    c.advance("10s")
    ds = c.get("DaemonSet", "foo")
    assert ds["status"] == {"currentNumberScheduled": 3, "numberMisscheduled": 0,
                            "desiredNumberScheduled": 3, "numberReady": 3,
                            "observedGeneration": 1, "updatedNumberScheduled": 3,
                            "numberAvailable": 3}


def test_no_nodes_does_nothing():
    # TestNoNodesDoesNothing
    c = Cluster(nodes=0)
    c.create(ds_manifest())
    assert pods_of(c) == []
    assert c.get("DaemonSet", "foo")["status"]["desiredNumberScheduled"] == 0


def test_one_node_daemon_launches_pod():
    # TestOneNodeDaemonLaunchesPod
    c = Cluster(nodes=1)
    c.create(ds_manifest())
    assert nodes_of_pods(c) == ["node-1"]


def test_not_ready_node_daemon_does_launch_pod():
    # TestNotReadyNodeDaemonDoesLaunchPod: the not-ready taint is tolerated
    c = Cluster(nodes=[{"name": "node-1", "taints": [
        {"key": u.TAINT_NODE_NOT_READY, "effect": "NoExecute"}]}])
    c.create(ds_manifest())
    assert nodes_of_pods(c) == ["node-1"]


def test_unschedulable_node_daemon_does_launch_pod():
    # integration TestUnschedulableNodeDaemonDoesLaunchPod: cordoned nodes get daemon pods
    c = Cluster(nodes=[{"name": "node-1", "unschedulable": True}, {"name": "node-2"}])
    c.create(ds_manifest())
    c.advance("10s")
    assert nodes_of_pods(c) == ["node-1", "node-2"]
    assert all(p["spec"].get("nodeName") for p in pods_of(c))


@pytest.mark.parametrize("host_network,expected", [(False, []), (True, ["node-1"])])
def test_network_unavailable_node_daemon_launches_pod(host_network, expected):
    # TestNetworkUnavailableNodeDaemonLaunchesPod
    # the node lifecycle controller keeps the taint while NetworkUnavailable is True
    conditions = [{"type": "Ready", "status": "True", "reason": "KubeletReady"},
                  {"type": "NetworkUnavailable", "status": "True", "reason": "NoRouteCreated"}]
    c = Cluster(nodes=[{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"},
                        "spec": {"taints": [{"key": u.TAINT_NODE_NETWORK_UNAVAILABLE,
                                             "effect": "NoSchedule"}]},
                        "status": {"conditions": conditions}}])
    c.create(ds_manifest(host_network=host_network))
    c.advance("10s")
    assert nodes_of_pods(c) == expected


@pytest.mark.parametrize("taint", [u.TAINT_NODE_DISK_PRESSURE, u.TAINT_NODE_MEMORY_PRESSURE,
                                   u.TAINT_NODE_PID_PRESSURE])
def test_taint_pressure_node_daemon_launches_pod(taint):
    # TestTaintPressureNodeDaemonLaunchesPod
    c = Cluster(nodes=[{"name": "node-1", "taints": [{"key": taint, "effect": "NoSchedule"}]}])
    c.create(ds_manifest())
    assert nodes_of_pods(c) == ["node-1"]


def test_dont_do_anything_if_being_deleted():
    # TestDontDoAnythingIfBeingDeleted: a DaemonSet being deleted creates no pods and
    # keeps its status as it was
    c = Cluster(nodes=1)
    c.create({**ds_manifest(), "metadata": {**ds_manifest()["metadata"],
                                            "finalizers": ["example.com/hold"]}})
    c.delete("daemonset/foo", propagation="Orphan")
    assert c.get("DaemonSet", "foo")["metadata"].get("deletionTimestamp")
    status = c.get("DaemonSet", "foo")["status"]
    c.add_node({"name": "node-9"})
    c.advance("30s")
    assert nodes_of_pods(c) == ["node-1"]
    assert c.get("DaemonSet", "foo")["status"] == status


def test_selector_daemon_launches_pods():
    # TestSelectorDaemonLaunchesPods: nodeSelector picks the nodes
    c = Cluster(nodes=[{"name": "node-1", "labels": {"color": "blue"}}, {"name": "node-2"},
                       {"name": "node-3", "labels": {"color": "blue"}}])
    c.create(ds_manifest(node_selector={"color": "blue"}))
    assert nodes_of_pods(c) == ["node-1", "node-3"]
    assert c.get("DaemonSet", "foo")["status"]["desiredNumberScheduled"] == 2


def test_selector_daemon_deletes_unselected_pods():
    # TestSelectorDaemonDeletesUnselectedPods: a node losing the label loses its pod
    c = Cluster(nodes=[{"name": "node-1", "labels": {"color": "blue"}},
                       {"name": "node-2", "labels": {"color": "blue"}}])
    c.create(ds_manifest(node_selector={"color": "blue"}))
    node = c.get("Node", "node-2", "")
    labels = {k: v for k, v in node["metadata"]["labels"].items() if k != "color"}
    c.update({**node, "metadata": {**node["metadata"], "labels": labels}})
    c.advance("1m")
    assert nodes_of_pods(c) == ["node-1"]
    assert any(r == "SuccessfulDelete" for r, _ in ds_events(c))


def test_node_affinity_daemon_launches_pods():
    # TestNodeAffinityDaemonLaunchesPods; the pod's own required terms are replaced
    affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [
            {"key": "color", "operator": "In", "values": ["blue"]}]}]}}}
    c = Cluster(nodes=[{"name": "node-1", "labels": {"color": "blue"}}, {"name": "node-2"}])
    c.create(ds_manifest(affinity=affinity))
    assert nodes_of_pods(c) == ["node-1"]
    terms = pods_of(c)[0]["spec"]["affinity"]["nodeAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert terms == [{"matchFields": [{"key": "metadata.name", "operator": "In",
                                       "values": ["node-1"]}]}]
    # the DaemonSet's own template keeps the user's terms
    assert c.get("DaemonSet", "foo")["spec"]["template"]["spec"]["affinity"] == affinity


# --------------------------------------------------------------------------- taints

NO_SCHEDULE = {"key": "dedicated", "value": "x", "effect": "NoSchedule"}
NO_EXECUTE = {"key": "dedicated", "value": "x", "effect": "NoExecute"}


def _taint(c: Cluster, node_name: str, taint: dict) -> None:
    node = c.get("Node", node_name, "")
    c.update({**node, "spec": {**node["spec"], "taints": [*(node["spec"].get("taints") or []),
                                                          taint]}})


def test_tainted_node_daemon_does_not_launch_intolerant_pod():
    # TestTaintedNodeDaemonDoesNotLaunchIntolerantPod
    c = Cluster(nodes=[{"name": "node-1", "taints": [NO_SCHEDULE]}])
    c.create(ds_manifest())
    assert pods_of(c) == []


def test_node_daemon_launches_tolerate_pod():
    # TestNodeDaemonLaunchesToleratePod
    c = Cluster(nodes=[{"name": "node-1", "taints": [NO_SCHEDULE]}])
    c.create(ds_manifest(tolerations=[{"key": "dedicated", "operator": "Equal",
                                       "value": "x", "effect": "NoSchedule"}]))
    assert nodes_of_pods(c) == ["node-1"]


def test_no_schedule_tainted_doesnt_evict_running_intolerant_pod():
    # TestNoScheduleTaintedDoesntEvicitRunningIntolerantPod: the pod stays, misscheduled
    c = Cluster(nodes=2)
    c.create(ds_manifest())
    _taint(c, "node-1", NO_SCHEDULE)
    c.advance("1m")
    assert nodes_of_pods(c) == ["node-1", "node-2"]
    status = c.get("DaemonSet", "foo")["status"]
    assert (status["desiredNumberScheduled"], status["numberMisscheduled"]) == (1, 1)


def test_no_execute_tainted_does_evict_running_intolerant_pod():
    # TestNoExecuteTaintedDoesEvicitRunningIntolerantPod
    c = Cluster(nodes=2)
    c.create(ds_manifest())
    _taint(c, "node-1", NO_EXECUTE)
    c.advance("2m")
    assert nodes_of_pods(c) == ["node-2"]


# --------------------------------------------------------------------------- nodes come and go

def test_node_added_gets_a_pod():
    # TestAddNode
    c = Cluster(nodes=1)
    c.create(ds_manifest())
    c.add_node({"name": "node-9"})
    c.settle()
    c.advance("10s")
    assert nodes_of_pods(c) == ["node-1", "node-9"]


def test_node_removed_pod_goes_after_podgc_quarantine():
    # PodGC gcOrphaned (see docs/semantics/daemonset-history.md): not at once, after 40 s
    c = Cluster(nodes=2)
    c.create(ds_manifest())
    c.delete("node/node-2")
    assert nodes_of_pods(c) == ["node-1", "node-2"]
    c.advance("1m")
    assert nodes_of_pods(c) == ["node-1"]
    assert c.get("DaemonSet", "foo")["status"]["desiredNumberScheduled"] == 1


def test_delete_unscheduled_pod_for_not_existing_node():
    # TestDeleteUnscheduledPodForNotExistingNode: unscheduled pods for a gone node go at once
    c = Cluster(nodes=[{"name": "node-1"}, {"name": "node-2", "capacity": {"cpu": "1m"}}])
    big = ds_manifest()
    big["spec"]["template"]["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "100m"}}
    c.create(big)
    pending = [p for p in pods_of(c) if not p["spec"].get("nodeName")]
    assert [u.get_target_node_name(p) for p in pending] == ["node-2"]
    c.delete("node/node-2")
    assert nodes_of_pods(c) == ["node-1"]


# --------------------------------------------------------------------------- failed pods

def test_daemon_kill_failed_pods():
    # TestDaemonKillFailedPods: a failed pod is deleted (event) and replaced
    c = Cluster(nodes=1)
    c.create(ds_manifest())
    pod = pods_of(c)[0]
    c.kubelet.end_pod(pod, "Failed", None, None)
    c.settle()
    c.advance("10s")
    events = ds_events(c)
    assert ("FailedDaemonPod", f"Found failed daemon pod default/{pod['metadata']['name']} "
            "on node node-1, will try to kill it") in events
    assert ("SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}") in events
    live = pods_of(c)
    assert len(live) == 1 and live[0]["metadata"]["name"] != pod["metadata"]["name"]


# --------------------------------------------------------------------------- rolling update

def test_daemon_set_updates_pods():
    # update_test.go TestDaemonSetUpdatesPods: every pod replaced, one node at a time
    c = Cluster(nodes=5)
    c.create(ds_manifest())
    before = {p["metadata"]["name"] for p in pods_of(c)}
    set_image(c, "foo2/bar2")
    # one node at a time (maxUnavailable 1): never more than one node without a ready pod
    for _ in range(50):
        c.advance("1s")
        ready = [p for p in pods_of(c) if any(
            cond["type"] == "Ready" and cond["status"] == "True"
            for cond in p["status"].get("conditions") or [])]
        assert len({p["spec"]["nodeName"] for p in ready}) >= 4
    pods = pods_of(c)
    assert len(pods) == 5 and not before & {p["metadata"]["name"] for p in pods}
    assert all(p["spec"]["containers"][0]["image"] == "foo2/bar2" for p in pods)
    assert all(p["metadata"]["labels"]["pod-template-generation"] == "2" for p in pods)
    ds = c.get("DaemonSet", "foo")
    assert ds["metadata"]["annotations"][u.DEPRECATED_TEMPLATE_GENERATION] == "2"
    assert ds["status"]["updatedNumberScheduled"] == 5
    assert [n for _, n in revisions(c)] == [1, 2]


def test_daemon_set_updates_pods_with_max_surge():
    # TestDaemonSetUpdatesPodsWithMaxSurge: the new pod starts next to the old one
    c = Cluster(nodes=3)
    c.create(ds_manifest(strategy={"type": "RollingUpdate", "rollingUpdate": {
        "maxUnavailable": 0, "maxSurge": 1}}))
    set_image(c, "foo2/bar2")
    c.advance("1m")
    # surge: each old pod is deleted only after its replacement was created (and ready)
    events = [r for r, _ in ds_events(c)][3:]
    assert events == ["SuccessfulCreate", "SuccessfulDelete"] * 3
    assert all(p["spec"]["containers"][0]["image"] == "foo2/bar2" for p in pods_of(c))
    assert len(pods_of(c)) == 3


def test_on_delete_strategy_waits_for_deletion():
    # OnDelete: nothing automatic; a deleted pod comes back with the new template
    c = Cluster(nodes=2)
    c.create(ds_manifest(strategy={"type": "OnDelete"}))
    set_image(c, "foo2/bar2")
    c.advance("1m")
    assert {p["spec"]["containers"][0]["image"] for p in pods_of(c)} == {"foo/bar"}
    status = c.get("DaemonSet", "foo")["status"]
    assert status.get("updatedNumberScheduled", 0) == 0
    victim = sorted(pods_of(c), key=lambda p: p["spec"]["nodeName"])[0]
    c.delete(f"pod/{victim['metadata']['name']}")
    c.advance("1m")
    images = sorted((p["spec"]["nodeName"], p["spec"]["containers"][0]["image"])
                    for p in pods_of(c))
    assert images == [("node-1", "foo2/bar2"), ("node-2", "foo/bar")]
    assert c.get("DaemonSet", "foo")["status"]["updatedNumberScheduled"] == 1


def test_daemon_set_updates_no_template_changed():
    # TestDaemonSetUpdatesNoTemplateChanged: a spec change outside the template restarts nothing
    c = Cluster(nodes=2)
    c.create(ds_manifest())
    before = {p["metadata"]["name"] for p in pods_of(c)}
    c.patch("daemonset/foo", merge={"spec": {"minReadySeconds": 5}})
    c.advance("1m")
    assert {p["metadata"]["name"] for p in pods_of(c)} == before
    ds = c.get("DaemonSet", "foo")
    assert ds["metadata"]["generation"] == 2
    assert ds["metadata"]["annotations"][u.DEPRECATED_TEMPLATE_GENERATION] == "1"
    assert ds["status"]["observedGeneration"] == 2
    assert [n for _, n in revisions(c)] == [1]


# --------------------------------------------------------------------------- history

def test_revision_data_and_shape():
    c = Cluster(nodes=1)
    c.create({**ds_manifest(), "metadata": {**ds_manifest()["metadata"],
                                            "annotations": {"kubernetes.io/change-cause": "x"}}})
    ds = c.get("DaemonSet", "foo")
    [rev] = c.list("ControllerRevision", NS)
    hash_ = u.revision_hash(ds)
    assert rev["metadata"]["name"] == f"foo-{hash_}"
    assert rev["revision"] == 1
    assert rev["metadata"]["labels"] == {"name": "simple-daemon",
                                         "controller-revision-hash": hash_}
    assert rev["metadata"]["annotations"] == {"kubernetes.io/change-cause": "x",
                                              u.DEPRECATED_TEMPLATE_GENERATION: "1"}
    assert rev["data"]["spec"]["template"]["$patch"] == "replace"
    assert rev["data"]["spec"]["template"]["spec"] == {
        **ds["spec"]["template"]["spec"],
        "containers": [{**ds["spec"]["template"]["spec"]["containers"][0], "resources": {}}]}
    assert list(rev["data"]) == ["spec"] and list(rev["data"]["spec"]) == ["template"]


def test_rollback_renumbers_the_matching_revision():
    # constructHistory: a template seen before gets max(others)+1 (revisions 1,2 -> 3,2)
    c = Cluster(nodes=2)
    c.create(ds_manifest())
    first = revisions(c)[0][0]
    set_image(c, "foo2/bar2")
    c.advance("2m")
    second = revisions(c)[1][0]
    rev1 = next(r for r in c.list("ControllerRevision", NS) if r["revision"] == 1)
    c.patch("daemonset/foo", strategic=rev1["data"])
    c.advance("2m")
    assert revisions(c) == [(second, 2), (first, 3)]
    ds = c.get("DaemonSet", "foo")
    assert ds["metadata"]["annotations"][u.DEPRECATED_TEMPLATE_GENERATION] == "3"
    pods = pods_of(c)
    assert {p["metadata"]["labels"]["controller-revision-hash"] for p in pods} == {first}
    assert {p["spec"]["containers"][0]["image"] for p in pods} == {"foo/bar"}


def test_revision_history_limit_truncates_unused_revisions():
    # cleanupHistory: old revisions beyond the limit go, oldest first
    c = Cluster(nodes=1)
    c.create(ds_manifest(history_limit=2))
    for i in range(2, 6):
        set_image(c, f"foo{i}/bar")
        c.advance("1m")
    assert [n for _, n in revisions(c)] == [3, 4, 5]


def test_history_limit_keeps_revisions_still_used_by_pods():
    # cleanupHistory skips revisions whose hash a live pod carries (OnDelete leaves old pods)
    c = Cluster(nodes=1)
    c.create(ds_manifest(history_limit=0, strategy={"type": "OnDelete"}))
    set_image(c, "foo2/bar")
    set_image(c, "foo3/bar")
    c.advance("1m")
    assert [n for _, n in revisions(c)] == [1, 3]


def test_duplicate_current_revisions_are_deduplicated():
    # dedupCurHistories: two revisions with the live template -> highest kept, pods relabelled
    c = Cluster(nodes=1)
    c.create(ds_manifest())
    [rev] = c.list("ControllerRevision", NS)
    dup = {"apiVersion": "apps/v1", "kind": "ControllerRevision",
           "metadata": {"name": "foo-dup", "namespace": NS,
                        "labels": {"name": "simple-daemon", "controller-revision-hash": "dup"},
                        "ownerReferences": rev["metadata"]["ownerReferences"]},
           "data": rev["data"], "revision": 7}
    c.create(dup)
    c.advance("10s")
    assert revisions(c) == [("dup", 7)]
    assert [p["metadata"]["labels"]["controller-revision-hash"] for p in pods_of(c)] == ["dup"]


def test_orphan_revision_is_adopted_and_labelled():
    # controlledHistories adopts matching orphans; constructHistory adds the unique label
    c = Cluster(nodes=1)
    orphan = {"apiVersion": "apps/v1", "kind": "ControllerRevision",
              "metadata": {"name": "foo-old", "namespace": NS,
                           "labels": {"name": "simple-daemon"}},
              "data": {"spec": {"template": {"$patch": "replace", "metadata": {}}}},
              "revision": 4}
    c.create(orphan)
    c.create(ds_manifest())
    old = c.get("ControllerRevision", "foo-old")
    assert old["metadata"]["ownerReferences"][0]["name"] == "foo"
    assert old["metadata"]["labels"]["controller-revision-hash"] == "foo-old"
    assert sorted(n for _, n in revisions(c)) == [4, 5]


def test_template_generation_annotation_only_moves_with_the_template():
    # registry strategy PrepareForCreate/PrepareForUpdate
    c = Cluster(nodes=1)
    c.create(ds_manifest())
    gen = lambda: c.get("DaemonSet", "foo")["metadata"]["annotations"][  # noqa: E731
        u.DEPRECATED_TEMPLATE_GENERATION]
    assert gen() == "1"
    c.patch("daemonset/foo", merge={"metadata": {"labels": {"a": "b"}}})
    assert gen() == "1"
    set_image(c, "x/y")
    assert gen() == "2"
    # a manifest re-applied without the annotation keeps the count going
    live = c.get("DaemonSet", "foo")
    fresh = ds_manifest(image="x/z")
    fresh["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"]
    c.update(fresh)
    assert gen() == "3"


def test_selector_change_outside_template_not_touching_pods_of_other_daemonsets():
    # two DaemonSets with distinct selectors each keep their own pods and revisions
    c = Cluster(nodes=2)
    c.create(ds_manifest())
    other = ds_manifest("bar")
    other["spec"]["selector"] = {"matchLabels": {"name": "other"}}
    other["spec"]["template"]["metadata"]["labels"] = {"name": "other"}
    c.create(other)
    assert len(pods_of(c)) == 4
    owners = sorted(p["metadata"]["ownerReferences"][0]["name"] for p in pods_of(c))
    assert owners == ["bar", "bar", "foo", "foo"]
    assert len(c.list("ControllerRevision", NS)) == 2
