"""Pod garbage collector (engine/controllers/podgc.py).

Ported (in spirit; the upstream tables drive the pass with fake pods and nodes) from k/k
pkg/controller/podgc/gc_controller_test.go: TestGCTerminated (threshold cases), TestGCOrphaned
("deleted nodes", "quarantine", "node comes back"), TestGCUnscheduledTerminating,
TestGCTerminating (out-of-service taint), and the byEvictionAndCreationTimestamp order.
"""

import pytest

from pytest_k8sflow.engine.cluster import Cluster, add_taint, set_node_condition
from pytest_k8sflow.engine.controllers.podgc import (
    PodGarbageCollector,
    eviction_and_creation_order,
    is_pod_terminated,
)

GC = "pod-garbage-collector"


def bare_pod(name, node_name=None, **spec):
    s = {"containers": [{"name": "c", "image": "nginx"}], **spec}
    if node_name:
        s["nodeName"] = node_name
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": s}


def gc_writes(c, name):
    return [w for w in c.store.history.get(("Pod", "default", name), []) if w.actor == GC]


@pytest.mark.parametrize("phase,terminated", [("Pending", False), ("Running", False),
                                              ("Unknown", False), ("Succeeded", True),
                                              ("Failed", True)])
def test_is_pod_terminated(phase, terminated):
    assert is_pod_terminated({"status": {"phase": phase}}) is terminated


def test_eviction_and_creation_order():
    pods = [
        {"metadata": {"name": "b", "creationTimestamp": "2026-01-01T00:00:01Z"},
         "status": {"phase": "Failed"}},
        {"metadata": {"name": "a", "creationTimestamp": "2026-01-01T00:00:01Z"},
         "status": {"phase": "Succeeded"}},
        {"metadata": {"name": "z", "creationTimestamp": "2026-01-01T00:00:09Z"},
         "status": {"phase": "Failed", "reason": "Evicted"}},
        {"metadata": {"name": "c", "creationTimestamp": "2026-01-01T00:00:00Z"},
         "status": {"phase": "Failed"}},
    ]
    assert [p["metadata"]["name"] for p in sorted(pods, key=eviction_and_creation_order)] == \
        ["z", "c", "a", "b"]


# -- TestGCOrphaned ----------------------------------------------------------------------------
def test_orphaned_pods_are_deleted_after_quarantine():
    c = Cluster(nodes=2)
    c.create(bare_pod("a", "node-1"))
    c.create(bare_pod("b", "node-2"))
    c.advance("30s")
    c.api.delete("Node", "", "node-1", "kubectl")
    c.settle()
    # Passes at 40 s (quarantine until 80 s), 60 s, 80 s: deleted at 80 s.
    c.advance("49999ms")
    assert c.get("Pod", "a") is not None
    c.advance("1ms")
    assert c.get("Pod", "a") is None
    assert c.get("Pod", "b") is not None
    [patch, delete] = gc_writes(c, "a")
    assert patch.obj["status"]["phase"] == "Failed"
    cond = patch.obj["status"]["conditions"][-1]
    assert cond == {"type": "DisruptionTarget", "status": "True", "reason": "DeletionByPodGC",
                    "message": "PodGC: node no longer exists", "lastProbeTime": None,
                    "lastTransitionTime": "2026-01-01T00:01:20Z"}
    assert delete.obj is None


def test_orphan_whose_node_comes_back_is_kept():
    c = Cluster(nodes=2)
    c.create(bare_pod("a", "node-1"))
    c.api.delete("Node", "", "node-1", "kubectl")
    c.settle()
    c.advance("10s")
    c.add_node({"name": "node-1"})
    c.advance("2m")
    assert c.get("Pod", "a") is not None


def test_pod_bound_to_a_node_that_never_existed():
    c = Cluster(nodes=1)
    c.create(bare_pod("ghost", "node-9"))
    c.advance("1m")
    assert c.get("Pod", "ghost") is None


def test_before_1_26_orphans_are_deleted_without_status_change():
    c = Cluster(nodes=2, kubernetes_version="1.25")
    c.create(bare_pod("a", "node-1"))
    c.api.delete("Node", "", "node-1", "kubectl")
    c.advance("2m")
    assert c.get("Pod", "a") is None
    assert [w.obj for w in gc_writes(c, "a")] == [None]


# -- TestGCUnscheduledTerminating --------------------------------------------------------------
def test_unscheduled_terminating_pod_is_force_deleted():
    c = Cluster(nodes=1)
    c.create({**bare_pod("held", schedulerName="none"),
              "metadata": {"name": "held", "finalizers": ["example.com/hold"]}})
    c.delete("pod/held")
    assert c.get("Pod", "held")["metadata"].get("deletionTimestamp")
    c.advance("20s")
    writes = gc_writes(c, "held")
    assert writes and writes[0].obj["status"]["phase"] == "Failed"
    # The finalizer still holds the object; PodGC only asked for grace 0.
    assert c.get("Pod", "held")["metadata"]["deletionGracePeriodSeconds"] == 0


# -- TestGCTerminating -------------------------------------------------------------------------
def test_terminating_pod_on_out_of_service_node_is_force_deleted():
    c = Cluster(nodes=2)
    c.create(bare_pod("a", "node-1"))
    set_node_condition(c, "node-1", "Ready", "Unknown")
    c.advance("10s")
    c.delete("pod/a")
    assert c.get("Pod", "a")["metadata"].get("deletionTimestamp")
    c.advance("1m")
    assert c.get("Pod", "a") is not None  # stuck Terminating on the dead node
    add_taint(c, "node-1", "node.kubernetes.io/out-of-service", "nodeshutdown", "NoExecute")
    c.advance("20s")
    assert c.get("Pod", "a") is None


# -- TestGCTerminated --------------------------------------------------------------------------
@pytest.mark.parametrize("threshold,finished,deleted", [
    (1, ["a", "b"], ["a"]),
    (2, ["a", "b"], []),
    (1, ["a", "b", "c"], ["a", "b"]),
])
def test_gc_terminated(threshold, finished, deleted):
    c = Cluster(nodes=1, components=None)
    gc = c.component(GC)
    gc.terminated_pod_threshold = threshold
    for name in finished:
        c.create(bare_pod(name, "node-1", restartPolicy="Never"))
        c.advance("1s")
    for name in finished:
        c.kubelet.end_pod(c.get("Pod", name), "Succeeded", None, None)
    c.advance("20s")
    gone = [n for n in finished if c.get("Pod", n) is None]
    assert gone == deleted


def test_default_threshold_is_12500():
    assert PodGarbageCollector().terminated_pod_threshold == 12500
