"""Tests for engine/scheduling/: upstream plugin tables ported case by case (named after the
upstream case), then scheduling cycles of our own."""

from __future__ import annotations

import time

import pytest

from pytest_k8sflow.engine.scheduling import (
    DEFAULT_MEMORY_REQUEST,
    NodeInfo,
    SchedulerCache,
    Status,
    _required_node_names,
    balanced_allocation_score,
    default_spread_selector,
    find_untolerated_taint,
    fit_error_message,
    format_fit_error,
    insufficient_resources,
    inter_pod_affinity_filter,
    inter_pod_affinity_prefilter,
    least_allocated_score,
    natural_key,
    node_affinity_filter,
    node_affinity_scores,
    node_name_filter,
    node_ports_filter,
    node_resources_fit_filter,
    node_unschedulable_filter,
    pod_info,
    pod_requests,
    resources_fit_scores,
    schedule_pod,
    scheduled_event_message,
    select_host,
    taint_toleration_filter,
    taint_toleration_scores,
    toleration_tolerates_taint,
)
from pytest_k8sflow.engine.selectors import from_match_labels

UNRESOLVABLE = "UnschedulableAndUnresolvable"
UNSCHEDULABLE = "Unschedulable"


def node(name="node", labels=None, taints=None, unschedulable=False, allocatable=None):
    meta = {"name": name}
    if labels is not None:
        meta["labels"] = labels
    spec = {}
    if taints is not None:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {"metadata": meta, "spec": spec,
            "status": {"allocatable": allocatable or {}, "capacity": allocatable or {}}}


def pod(name="pod", **spec):
    return {"metadata": {"name": name, "namespace": "default", "uid": f"uid-{name}"},
            "spec": spec}


def status(code, *reasons):
    return (code, tuple(reasons))


def as_tuple(st: Status | None):
    return None if st is None else (st.code, st.reasons)


# -- k8s.io/api/core/v1/toleration_test.go TestTolerationToleratesTaint ---------------------------

TOLERATES = [
    ("toleration and taint have the same key and effect, and operator is Exists, and taint has "
     "no value, expect tolerated", {"key": "foo", "operator": "Exists", "effect": "NoSchedule"},
     {"key": "foo", "effect": "NoSchedule"}, True),
    ("toleration and taint have the same key and effect, and operator is Exists, and taint has "
     "some value, expect tolerated", {"key": "foo", "operator": "Exists", "effect": "NoSchedule"},
     {"key": "foo", "value": "bar", "effect": "NoSchedule"}, True),
    ("toleration and taint have the same effect, toleration has empty key and operator is "
     "Exists, means match all taints, expect tolerated",
     {"key": "", "operator": "Exists", "effect": "NoSchedule"},
     {"key": "foo", "value": "bar", "effect": "NoSchedule"}, True),
    ("toleration and taint have the same key, effect and value, and operator is Equal, expect "
     "tolerated", {"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"},
     {"key": "foo", "value": "bar", "effect": "NoSchedule"}, True),
    ("toleration and taint have the same key and effect, but different values, and operator is "
     "Equal, expect not tolerated",
     {"key": "foo", "operator": "Equal", "value": "value1", "effect": "NoSchedule"},
     {"key": "foo", "value": "value2", "effect": "NoSchedule"}, False),
    ("toleration and taint have the same key and value, but different effects, and operator is "
     "Equal, expect not tolerated",
     {"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"},
     {"key": "foo", "value": "bar", "effect": "NoExecute"}, False),
]


@pytest.mark.parametrize("name,toleration,taint,want", TOLERATES, ids=[c[0] for c in TOLERATES])
def test_toleration_tolerates_taint(name, toleration, taint, want):
    assert toleration_tolerates_taint(toleration, taint) is want


def test_find_untolerated_taint_returns_first_in_node_order():
    taints = [{"key": "a", "effect": "PreferNoSchedule"}, {"key": "b", "effect": "NoSchedule"},
              {"key": "c", "effect": "NoExecute"}]
    assert find_untolerated_taint(taints, []) == {"key": "b", "effect": "NoSchedule"}
    assert find_untolerated_taint(taints, [{"key": "b", "operator": "Exists"}]) == taints[2]
    assert find_untolerated_taint(taints, [{"operator": "Exists"}]) is None
    assert find_untolerated_taint(taints, [], effects=("NoExecute",)) == taints[2]


# -- plugins/nodeunschedulable/node_unschedulable_test.go TestNodeUnschedulable -------------------

UNSCHED = [
    ("Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)", pod(), True,
     status(UNRESOLVABLE, "node(s) were unschedulable")),
    ("Schedule pod to normal node", pod(), False, None),
    ("Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)",
     pod(tolerations=[{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]),
     True, None),
]


@pytest.mark.parametrize("name,the_pod,unsched,want", UNSCHED, ids=[c[0] for c in UNSCHED])
def test_node_unschedulable(name, the_pod, unsched, want):
    assert as_tuple(node_unschedulable_filter(the_pod, node(unschedulable=unsched))) == want


def test_node_name_filter():
    assert node_name_filter(pod(nodeName="node"), node("node")) is None
    assert as_tuple(node_name_filter(pod(nodeName="other"), node("node"))) == status(
        UNRESOLVABLE, "node(s) didn't match the requested node name")
    assert node_name_filter(pod(), node("node")) is None


# -- plugins/tainttoleration/taint_toleration_test.go TestTaintTolerationFilter --------------------

TAINT_FILTER = [
    ("A pod having no tolerations can't be scheduled onto a node with nonempty taints", [],
     [{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}], "{dedicated: user1}"),
    ("A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
     [{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}],
     [{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}], None),
    ("A pod which can't be scheduled on a dedicated node assigned to user2 with effect "
     "NoSchedule", [{"key": "dedicated", "operator": "Equal", "value": "user2",
                     "effect": "NoSchedule"}],
     [{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}], "{dedicated: user1}"),
    ("A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates "
     "the taints on the node", [{"key": "foo", "operator": "Exists", "effect": "NoSchedule"}],
     [{"key": "foo", "value": "bar", "effect": "NoSchedule"}], None),
    ("A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod "
     "can be scheduled onto the node",
     [{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"},
      {"key": "foo", "operator": "Exists", "effect": "NoSchedule"}],
     [{"key": "dedicated", "value": "user2", "effect": "NoSchedule"},
      {"key": "foo", "value": "bar", "effect": "NoSchedule"}], None),
    ("A pod has a toleration that keys and values match the taint on the node, but (non-empty) "
     "effect doesn't match, can't be scheduled onto the node",
     [{"key": "foo", "operator": "Equal", "value": "bar", "effect": "PreferNoSchedule"}],
     [{"key": "foo", "value": "bar", "effect": "NoSchedule"}], "{foo: bar}"),
    ("The pod has a toleration that keys and values match the taint on the node, the effect of "
     "toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the "
     "node", [{"key": "foo", "operator": "Equal", "value": "bar"}],
     [{"key": "foo", "value": "bar", "effect": "NoSchedule"}], None),
    ("The pod has a toleration that key and value don't match the taint on the node, but the "
     "effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
     [{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"}],
     [{"key": "dedicated", "value": "user1", "effect": "PreferNoSchedule"}], None),
    ("The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be "
     "scheduled onto the node", [],
     [{"key": "dedicated", "value": "user1", "effect": "PreferNoSchedule"}], None),
]


@pytest.mark.parametrize("name,tolerations,taints,taint_text", TAINT_FILTER,
                         ids=[c[0] for c in TAINT_FILTER])
def test_taint_toleration_filter(name, tolerations, taints, taint_text):
    the_pod, the_node = pod(tolerations=tolerations), node(taints=taints)
    got = as_tuple(taint_toleration_filter(the_pod, the_node))
    want = None if taint_text is None else status(
        UNRESOLVABLE, f"node(s) had untolerated taint {taint_text}")
    assert got == want
    # v1.35 (and late 1.32–1.34 patches) no longer print the taint (PR #134740).
    got = as_tuple(taint_toleration_filter(the_pod, the_node, version=(1, 35)))
    assert got == (None if taint_text is None else status(UNRESOLVABLE,
                                                           "node(s) had untolerated taint(s)"))


def test_taint_reason_with_empty_value():
    got = taint_toleration_filter(pod(), node(taints=[{"key": "k", "effect": "NoExecute"}]))
    assert got.reasons == ("node(s) had untolerated taint {k: }",)


# TestTaintTolerationScore (the cases without comparison operators)
PNS = "PreferNoSchedule"
TAINT_SCORE = [
    ("node with taints tolerated by the pod, gets a higher score than those node with intolerable "
     "taints", [{"key": "foo", "operator": "Equal", "value": "bar", "effect": PNS}],
     [[{"key": "foo", "value": "bar", "effect": PNS}],
      [{"key": "foo", "value": "blah", "effect": PNS}]], [100, 0]),
    ("the nodes that all of their taints are tolerated by the pod, get the same score, no matter "
     "how many tolerable taints a node has",
     [{"key": "cpu-type", "operator": "Equal", "value": "arm64", "effect": PNS},
      {"key": "disk-type", "operator": "Equal", "value": "ssd", "effect": PNS}],
     [[], [{"key": "cpu-type", "value": "arm64", "effect": PNS}],
      [{"key": "cpu-type", "value": "arm64", "effect": PNS},
       {"key": "disk-type", "value": "ssd", "effect": PNS}]], [100, 100, 100]),
    ("the more intolerable taints a node has, the lower score it gets.",
     [{"key": "foo", "operator": "Equal", "value": "bar", "effect": PNS}],
     [[], [{"key": "cpu-type", "value": "arm64", "effect": PNS}],
      [{"key": "cpu-type", "value": "arm64", "effect": PNS},
       {"key": "disk-type", "value": "ssd", "effect": PNS}]], [100, 50, 0]),
    ("only taints and tolerations that have effect PreferNoSchedule are checked by "
     "taints-tolerations priority function",
     [{"key": "cpu-type", "operator": "Equal", "value": "arm64", "effect": "NoSchedule"},
      {"key": "disk-type", "operator": "Equal", "value": "ssd", "effect": "NoSchedule"}],
     [[], [{"key": "cpu-type", "value": "arm64", "effect": "NoSchedule"}],
      [{"key": "cpu-type", "value": "arm64", "effect": PNS},
       {"key": "disk-type", "value": "ssd", "effect": PNS}]], [100, 100, 0]),
    ("Default behaviour No taints and tolerations, lands on node with no taints", [],
     [[], [{"key": "cpu-type", "value": "arm64", "effect": PNS}]], [100, 0]),
]


@pytest.mark.parametrize("name,tolerations,node_taints,want", TAINT_SCORE,
                         ids=[c[0] for c in TAINT_SCORE])
def test_taint_toleration_score(name, tolerations, node_taints, want):
    infos = [NodeInfo(node(f"node{chr(65 + i)}", taints=t)) for i, t in enumerate(node_taints)]
    got = taint_toleration_scores(pod(tolerations=tolerations), infos)
    assert [got[i.name] for i in infos] == want


# -- plugins/nodeaffinity/node_affinity_test.go TestNodeAffinity -----------------------------------


def required(*terms):
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
                             {"nodeSelectorTerms": list(terms)}}}


def expr(key, op, *values):
    out = {"key": key, "operator": op}
    if values:
        out["values"] = list(values)
    return out


def name_is(n):
    return {"key": "metadata.name", "operator": "In", "values": [n]}


AFF = "node(s) didn't match Pod's node affinity/selector"
NODE_AFFINITY = [
    ("missing labels", {"nodeSelector": {"foo": "bar"}}, None, "", AFF),
    ("same labels", {"nodeSelector": {"foo": "bar"}}, {"foo": "bar"}, "", None),
    ("node labels are superset", {"nodeSelector": {"foo": "bar"}}, {"foo": "bar", "baz": "blah"},
     "", None),
    ("node labels are subset", {"nodeSelector": {"foo": "bar", "baz": "blah"}}, {"foo": "bar"},
     "", AFF),
    ("Pod with matchExpressions using In operator that matches the existing node",
     {"affinity": required({"matchExpressions": [expr("foo", "In", "bar", "value2")]})},
     {"foo": "bar"}, "", None),
    ("Pod with matchExpressions using Gt operator that matches the existing node",
     {"affinity": required({"matchExpressions": [expr("kernel-version", "Gt", "0204")]})},
     {"kernel-version": "0206"}, "", None),
    ("Pod with matchExpressions using NotIn operator that matches the existing node",
     {"affinity": required({"matchExpressions": [expr("mem-type", "NotIn", "DDR", "DDR2")]})},
     {"mem-type": "DDR3"}, "", None),
    ("Pod with matchExpressions using Exists operator that matches the existing node",
     {"affinity": required({"matchExpressions": [expr("GPU", "Exists")]})},
     {"GPU": "NVIDIA-GRID-K1"}, "", None),
    ("Pod with affinity that don't match node's labels won't schedule onto the node",
     {"affinity": required({"matchExpressions": [expr("foo", "In", "value1", "value2")]})},
     {"foo": "bar"}, "", AFF),
    ("Pod with empty MatchExpressions is not a valid value will match no objects and won't "
     "schedule onto the node", {"affinity": required({"matchExpressions": []})}, {"foo": "bar"},
     "", AFF),
    ("Pod with no Affinity will schedule onto a node", {}, {"foo": "bar"}, "", None),
    ("Pod with Affinity but nil NodeSelector will schedule onto a node",
     {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": None}}},
     {"foo": "bar"}, "", None),
    ("Pod with multiple matchExpressions ANDed that matches the existing node",
     {"affinity": required({"matchExpressions": [expr("GPU", "Exists"),
                                                 expr("GPU", "NotIn", "AMD", "INTER")]})},
     {"GPU": "NVIDIA-GRID-K1"}, "", None),
    ("Pod with multiple matchExpressions ANDed that doesn't match the existing node",
     {"affinity": required({"matchExpressions": [expr("GPU", "Exists"),
                                                 expr("GPU", "In", "AMD", "INTER")]})},
     {"GPU": "NVIDIA-GRID-K1"}, "", AFF),
    ("Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will "
     "schedule onto the node",
     {"affinity": required({"matchExpressions": [expr("foo", "In", "bar", "value2")]},
                           {"matchExpressions": [expr("diffkey", "In", "wrong", "value2")]})},
     {"foo": "bar"}, "", None),
    ("Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) both "
     "are satisfied, will schedule onto the node",
     {"nodeSelector": {"foo": "bar"},
      "affinity": required({"matchExpressions": [expr("foo", "Exists")]})},
     {"foo": "bar"}, "", None),
    ("Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(the old thing that "
     "we are deprecating) is not satisfied, won't schedule onto the node",
     {"nodeSelector": {"foo": "bar"},
      "affinity": required({"matchExpressions": [expr("foo", "Exists")]})},
     {"foo": "barrrrrr"}, "", AFF),
    ("Pod with an invalid value in Affinity term won't be scheduled onto the node",
     {"affinity": required({"matchExpressions": [
         expr("foo", "NotIn", "invalid value: ___@#$%^")]})}, {"foo": "bar"}, "", AFF),
    ("Pod with matchFields using In operator that matches the existing node",
     {"affinity": required({"matchFields": [name_is("node1")]})}, None, "node1", None),
    ("Pod with matchFields using In operator that does not match the existing node",
     {"affinity": required({"matchFields": [name_is("node1")]})}, None, "node2", AFF),
    ("Pod with two terms: matchFields does not match, but matchExpressions matches",
     {"affinity": required({"matchFields": [name_is("node1"), name_is("node2")]},
                           {"matchExpressions": [expr("foo", "In", "bar")]})},
     {"foo": "bar"}, "node2", None),
    ("Pod with one term: matchFields does not match, but matchExpressions matches",
     {"affinity": required({"matchFields": [name_is("node1")],
                            "matchExpressions": [expr("foo", "In", "bar")]})},
     {"foo": "bar"}, "node2", AFF),
    ("Pod with one term: both matchFields and matchExpressions match",
     {"affinity": required({"matchFields": [name_is("node1")],
                            "matchExpressions": [expr("foo", "In", "bar")]})},
     {"foo": "bar"}, "node1", None),
    ("Pod with two terms: both matchFields and matchExpressions do not match",
     {"affinity": required({"matchFields": [name_is("node1")]},
                           {"matchExpressions": [expr("foo", "In", "not-match-to-bar")]})},
     {"foo": "bar"}, "node2", AFF),
    ("Pod with two terms of node.Name affinity",
     {"affinity": required({"matchFields": [name_is("node1")]},
                           {"matchFields": [name_is("node2")]})}, None, "node2", None),
    ("Pod with two conflicting mach field requirements",
     {"affinity": required({"matchFields": [name_is("node1"), name_is("node2")]})},
     {"foo": "bar"}, "node2", AFF),
    ("Matches node selector correctly even if PreFilter is not called",
     {"nodeSelector": {"foo": "bar"}}, {"foo": "bar", "baz": "blah"}, "", None),
    ("Matches node affinity correctly even if PreFilter is not called",
     {"affinity": required({"matchExpressions": [expr("GPU", "Exists"),
                                                 expr("GPU", "NotIn", "AMD", "INTER")]})},
     {"GPU": "NVIDIA-GRID-K1"}, "", None),
]


@pytest.mark.parametrize("name,pod_spec,labels,node_name,reason", NODE_AFFINITY,
                         ids=[c[0] for c in NODE_AFFINITY])
def test_node_affinity(name, pod_spec, labels, node_name, reason):
    got = as_tuple(node_affinity_filter(pod(**pod_spec), node(node_name, labels=labels)))
    assert got == (None if reason is None else status(UNRESOLVABLE, reason))


# The PreFilter part of the same table: which node names a pod pins, and the conflict.
PREFILTER = [
    ("Pod with matchFields using In operator that matches the existing node",
     [{"matchFields": [name_is("node1")]}], {"node1"}, False),
    ("Pod with two terms: matchFields does not match, but matchExpressions matches",
     [{"matchFields": [name_is("node1"), name_is("node2")]},
      {"matchExpressions": [expr("foo", "In", "bar")]}], None, False),
    ("Pod with one term: both matchFields and matchExpressions match",
     [{"matchFields": [name_is("node1")], "matchExpressions": [expr("foo", "In", "bar")]}],
     {"node1"}, False),
    ("Pod with two terms of node.Name affinity",
     [{"matchFields": [name_is("node1")]}, {"matchFields": [name_is("node2")]}],
     {"node1", "node2"}, False),
    ("Pod with two conflicting mach field requirements",
     [{"matchFields": [name_is("node1"), name_is("node2")]}], set(), True),
]


@pytest.mark.parametrize("name,terms,names,conflict", PREFILTER, ids=[c[0] for c in PREFILTER])
def test_node_affinity_prefilter(name, terms, names, conflict):
    assert _required_node_names(pod(affinity=required(*terms))) == (names, conflict)


# TestNodeAffinityPriority (cases without scheduler-added affinity)
LABEL1, LABEL2, LABEL3 = {"foo": "bar"}, {"key": "value"}, {"az": "az1"}
LABEL4, LABEL5 = {"abc": "az11", "def": "az22"}, {"foo": "bar", "key": "value", "az": "az1"}
AFFINITY1 = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    {"weight": 2, "preference": {"matchExpressions": [expr("foo", "In", "bar")]}}]}}
AFFINITY2 = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    {"weight": 2, "preference": {"matchExpressions": [expr("foo", "In", "bar")]}},
    {"weight": 4, "preference": {"matchExpressions": [expr("key", "In", "value")]}},
    {"weight": 5, "preference": {"matchExpressions": [expr("foo", "In", "bar"),
                                                      expr("key", "In", "value"),
                                                      expr("az", "In", "az1")]}}]}}
NODE_AFFINITY_SCORE = [
    ("all nodes are same priority as NodeAffinity is nil", {},
     [("node1", LABEL1), ("node2", LABEL2), ("node3", LABEL3)], None),
    ("no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' "
     "priority is zero", AFFINITY1, [("node1", LABEL4), ("node2", LABEL2), ("node3", LABEL3)],
     [0, 0, 0]),
    ("only node1 matches the preferred scheduling requirements of pod", AFFINITY1,
     [("node1", LABEL1), ("node2", LABEL2), ("node3", LABEL3)], [100, 0, 0]),
    ("all nodes matches the preferred scheduling requirements of pod but with different "
     "priorities ", AFFINITY2, [("node1", LABEL1), ("node5", LABEL5), ("node2", LABEL2)],
     [18, 100, 36]),
]


@pytest.mark.parametrize("name,affinity,nodes,want", NODE_AFFINITY_SCORE,
                         ids=[c[0] for c in NODE_AFFINITY_SCORE])
def test_node_affinity_priority(name, affinity, nodes, want):
    infos = [NodeInfo(node(n, labels=lbl)) for n, lbl in nodes]
    got = node_affinity_scores(pod(affinity=affinity) if affinity else pod(), infos)
    # A pod without preferred terms skips the plugin: it adds 0 to every node.
    assert (None if got is None else [got[i.name] for i in infos]) == want


# -- plugins/noderesources/fit_test.go TestEnoughRequests / TestNotEnoughRequests -----------------

EXT_A, EXT_B = "example.com/aaa", "example.com/bbb"
K8S_IO_A, HUGE_A = "kubernetes.io/something", "hugepages-2Mi"


def res_pod(*usages, init=(), overhead=None):
    """newResourcePod: one container per usage dict (cpu in milli, other units as integers)."""
    def container(usage):
        requests = {k: (f"{v}m" if k == "cpu" else str(v)) for k, v in usage.items()}
        return {"resources": {"requests": requests}}
    spec = {"containers": [container(u) for u in usages]}
    if init:
        spec["initContainers"] = [container(u) for u in init]
    if overhead:
        spec["overhead"] = overhead
    return {"metadata": {"name": "p", "namespace": "default", "uid": "incoming"}, "spec": spec}


def node_info(allocatable, *existing):
    ni = NodeInfo(node("machine", allocatable=allocatable))
    for i, usage in enumerate(existing):
        p = res_pod(usage)
        p["metadata"] = {"name": f"e{i}", "namespace": "default", "uid": f"e{i}"}
        ni.add_pod(pod_info(p))
    return ni


FIT_ALLOC = {"cpu": "10m", "memory": "20", "pods": "32", EXT_A: "5", "ephemeral-storage": "20",
             HUGE_A: "5"}
ENOUGH = [
    ("no resources requested always fits", res_pod(), {"cpu": 10, "memory": 20}, None),
    ("too many resources fails", res_pod({"cpu": 1, "memory": 1}), {"cpu": 10, "memory": 20},
     status(UNSCHEDULABLE, "Insufficient cpu", "Insufficient memory")),
    ("too many resources fails due to init container cpu",
     res_pod({"cpu": 1, "memory": 1}, init=[{"cpu": 3, "memory": 1}]), {"cpu": 8, "memory": 19},
     status(UNSCHEDULABLE, "Insufficient cpu")),
    ("too many resources fails due to highest init container cpu",
     res_pod({"cpu": 1, "memory": 1}, init=[{"cpu": 3, "memory": 1}, {"cpu": 2, "memory": 1}]),
     {"cpu": 8, "memory": 19}, status(UNSCHEDULABLE, "Insufficient cpu")),
    ("too many resources fails due to init container memory",
     res_pod({"cpu": 1, "memory": 1}, init=[{"cpu": 1, "memory": 3}]), {"cpu": 9, "memory": 19},
     status(UNSCHEDULABLE, "Insufficient memory")),
    ("too many resources fails due to highest init container memory",
     res_pod({"cpu": 1, "memory": 1}, init=[{"cpu": 1, "memory": 3}, {"cpu": 1, "memory": 2}]),
     {"cpu": 9, "memory": 19}, status(UNSCHEDULABLE, "Insufficient memory")),
    ("init container fits because it's the max, not sum, of containers and init containers",
     res_pod({"cpu": 1, "memory": 1}, init=[{"cpu": 1, "memory": 1}]), {"cpu": 9, "memory": 19},
     None),
    ("multiple init containers fit because it's the max, not sum, of containers and init "
     "containers", res_pod({"cpu": 1, "memory": 1},
                           init=[{"cpu": 1, "memory": 1}, {"cpu": 1, "memory": 1}]),
     {"cpu": 9, "memory": 19}, None),
    ("both resources fit", res_pod({"cpu": 1, "memory": 1}), {"cpu": 5, "memory": 5}, None),
    ("one resource memory fits", res_pod({"cpu": 2, "memory": 1}), {"cpu": 9, "memory": 5},
     status(UNSCHEDULABLE, "Insufficient cpu")),
    ("one resource cpu fits", res_pod({"cpu": 1, "memory": 2}), {"cpu": 5, "memory": 19},
     status(UNSCHEDULABLE, "Insufficient memory")),
    ("equal edge case", res_pod({"cpu": 5, "memory": 1}), {"cpu": 5, "memory": 19}, None),
    ("equal edge case for init container",
     res_pod({"cpu": 4, "memory": 1}, init=[{"cpu": 5, "memory": 1}]), {"cpu": 5, "memory": 19},
     None),
    ("extended resource fits", res_pod({EXT_A: 1}), {}, None),
    ("extended resource fits for init container", res_pod({}, init=[{EXT_A: 1}]), {}, None),
    ("extended resource capacity enforced", res_pod({"cpu": 1, "memory": 1, EXT_A: 10}),
     {EXT_A: 0}, status(UNRESOLVABLE, f"Insufficient {EXT_A}")),
    ("extended resource capacity enforced for init container",
     res_pod({}, init=[{"cpu": 1, "memory": 1, EXT_A: 10}]), {EXT_A: 0},
     status(UNRESOLVABLE, f"Insufficient {EXT_A}")),
    ("extended resource allocatable enforced", res_pod({"cpu": 1, "memory": 1, EXT_A: 1}),
     {EXT_A: 5}, status(UNSCHEDULABLE, f"Insufficient {EXT_A}")),
    ("extended resource allocatable enforced for init container",
     res_pod({}, init=[{"cpu": 1, "memory": 1, EXT_A: 1}]), {EXT_A: 5},
     status(UNSCHEDULABLE, f"Insufficient {EXT_A}")),
    ("extended resource allocatable enforced for multiple containers",
     res_pod({"cpu": 1, "memory": 1, EXT_A: 3}, {"cpu": 1, "memory": 1, EXT_A: 3}), {EXT_A: 2},
     status(UNRESOLVABLE, f"Insufficient {EXT_A}")),
    ("extended resource allocatable admits multiple init containers",
     res_pod({}, init=[{"cpu": 1, "memory": 1, EXT_A: 3}, {"cpu": 1, "memory": 1, EXT_A: 3}]),
     {EXT_A: 2}, None),
    ("extended resource allocatable enforced for multiple init containers",
     res_pod({}, init=[{"cpu": 1, "memory": 1, EXT_A: 6}, {"cpu": 1, "memory": 1, EXT_A: 3}]),
     {EXT_A: 2}, status(UNRESOLVABLE, f"Insufficient {EXT_A}")),
    ("extended resource allocatable enforced for unknown resource",
     res_pod({"cpu": 1, "memory": 1, EXT_B: 1}), {}, status(UNRESOLVABLE, f"Insufficient {EXT_B}")),
    ("extended resource allocatable enforced for unknown resource for init container",
     res_pod({}, init=[{"cpu": 1, "memory": 1, EXT_B: 1}]), {},
     status(UNRESOLVABLE, f"Insufficient {EXT_B}")),
    ("kubernetes.io resource capacity enforced", res_pod({"cpu": 1, "memory": 1, K8S_IO_A: 10}),
     {}, status(UNRESOLVABLE, f"Insufficient {K8S_IO_A}")),
    ("hugepages resource capacity enforced", res_pod({"cpu": 1, "memory": 1, HUGE_A: 10}),
     {HUGE_A: 0}, status(UNRESOLVABLE, f"Insufficient {HUGE_A}")),
    ("hugepages resource allocatable enforced for multiple containers",
     res_pod({"cpu": 1, "memory": 1, HUGE_A: 3}, {"cpu": 1, "memory": 1, HUGE_A: 3}),
     {HUGE_A: 2}, status(UNRESOLVABLE, f"Insufficient {HUGE_A}")),
    ("resources + pod overhead fits",
     res_pod({"cpu": 1, "memory": 1}, overhead={"cpu": "3m", "memory": "13"}),
     {"cpu": 5, "memory": 5}, None),
    ("requests + overhead does not fit for memory",
     res_pod({"cpu": 1, "memory": 1}, overhead={"cpu": "1m", "memory": "15"}),
     {"cpu": 5, "memory": 5}, status(UNSCHEDULABLE, "Insufficient memory")),
    ("skip checking extended resource request with quantity zero via resource groups",
     res_pod({"cpu": 1, "memory": 1, EXT_A: 0}), {EXT_A: 6}, None),
]


@pytest.mark.parametrize("name,the_pod,existing,want", ENOUGH, ids=[c[0] for c in ENOUGH])
def test_enough_requests(name, the_pod, existing, want):
    ni = node_info(FIT_ALLOC, existing)
    assert as_tuple(node_resources_fit_filter(the_pod, ni)) == want


def test_insufficient_resource_details():
    ni = node_info(FIT_ALLOC, {"cpu": 10, "memory": 20})
    got = insufficient_resources(pod_info(res_pod({"cpu": 1, "memory": 1})).requests, ni)
    assert [(r.resource, r.requested, r.used, r.capacity, r.unresolvable) for r in got] == [
        ("cpu", 1, 10, 10, False), ("memory", 1, 20, 20, False)]


NOT_ENOUGH = [
    ("even without specified resources, predicate fails when there's no space for additional pod",
     res_pod(), {"cpu": 10, "memory": 20}),
    ("even if both resources fit, predicate fails when there's no space for additional pod",
     res_pod({"cpu": 1, "memory": 1}), {"cpu": 5, "memory": 5}),
    ("even for equal edge case, predicate fails when there's no space for additional pod",
     res_pod({"cpu": 5, "memory": 1}), {"cpu": 5, "memory": 19}),
    ("even for equal edge case, predicate fails when there's no space for additional pod due to "
     "init container", res_pod({"cpu": 5, "memory": 1}, init=[{"cpu": 5, "memory": 1}]),
     {"cpu": 5, "memory": 19}),
]


@pytest.mark.parametrize("name,the_pod,existing", NOT_ENOUGH, ids=[c[0] for c in NOT_ENOUGH])
def test_not_enough_requests(name, the_pod, existing):
    ni = node_info({"cpu": "10m", "memory": "20", "pods": "1"}, existing)
    assert as_tuple(node_resources_fit_filter(the_pod, ni)) == status(UNSCHEDULABLE,
                                                                      "Too many pods")


def test_limits_default_requests_and_sidecars_accumulate():
    # SetDefaults_Pod: a limit without a request is the request.
    p = pod(containers=[{"resources": {"limits": {"cpu": "500m", "memory": "1Gi"},
                                       "requests": {"cpu": "100m"}}}])
    assert pod_requests(p) == {"cpu": 100, "memory": 1 << 30}
    # resource.PodRequests: sidecars add to the pod and to every later init container.
    p = pod(initContainers=[{"name": "s", "restartPolicy": "Always",
                             "resources": {"requests": {"cpu": "200m"}}},
                            {"name": "i", "resources": {"requests": {"cpu": "1"}}}],
            containers=[{"resources": {"requests": {"cpu": "300m"}}}])
    assert pod_requests(p) == {"cpu": 1200}
    assert pod_requests(pod(containers=[{}]), non_missing=True) == {
        "cpu": 100, "memory": DEFAULT_MEMORY_REQUEST}


# -- plugins/noderesources/least_allocated_test.go TestLeastAllocatedScoringStrategy ---------------


def cap_node(name, cpu, memory):
    return node(name, allocatable={"cpu": cpu, "memory": memory})


def req_pod(name, node_name=None, *requests):
    spec = {"containers": [{"resources": {"requests": r}} for r in requests]}
    if node_name:
        spec["nodeName"] = node_name
    return {"metadata": {"name": name, "namespace": "default", "uid": name}, "spec": spec}


LEAST_ALLOCATED = [
    ("nothing scheduled, nothing requested", req_pod("p"),
     [cap_node("node1", "4000", "10000"), cap_node("node2", "4000", "10000")], [], [100, 100]),
    ("nothing scheduled, resources requested, differently sized nodes",
     req_pod("p", None, {"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"}),
     [cap_node("node1", "4000", "10000"), cap_node("node2", "6000", "10000")], [], [37, 50]),
    ("no resources requested, pods scheduled", req_pod("p"),
     [cap_node("node1", "4000", "10000"), cap_node("node2", "4000", "10000")],
     [req_pod("e1", "node1"), req_pod("e2", "node1"), req_pod("e3", "node2"),
      req_pod("e4", "node2")], [100, 100]),
    ("no resources requested, pods scheduled with resources", req_pod("p"),
     [cap_node("node1", "10000", "20000"), cap_node("node2", "10000", "20000")],
     [req_pod("e1", "node1", {"cpu": "3000", "memory": "0"}),
      req_pod("e2", "node1", {"cpu": "3000", "memory": "0"}),
      req_pod("e3", "node2", {"cpu": "3000", "memory": "0"}),
      req_pod("e4", "node2", {"cpu": "3000", "memory": "5000"})], [70, 57]),
    ("resources requested, pods scheduled with resources",
     req_pod("p", None, {"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"}),
     [cap_node("node1", "10000", "20000"), cap_node("node2", "10000", "20000")],
     [req_pod("e1", "node1", {"cpu": "3000", "memory": "0"}),
      req_pod("e2", "node2", {"cpu": "3000", "memory": "5000"})], [57, 45]),
    ("resources requested, pods scheduled with resources, differently sized nodes",
     req_pod("p", None, {"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"}),
     [cap_node("node1", "10000", "20000"), cap_node("node2", "10000", "50000")],
     [req_pod("e1", "node1", {"cpu": "3000", "memory": "0"}),
      req_pod("e2", "node2", {"cpu": "3000", "memory": "5000"})], [57, 60]),
    ("requested resources exceed node capacity", req_pod("p", None, {"cpu": "3000", "memory": "0"}),
     [cap_node("node1", "4000", "10000"), cap_node("node2", "4000", "10000")],
     [req_pod("e1", "node1", {"cpu": "3000", "memory": "0"}),
      req_pod("e2", "node2", {"cpu": "3000", "memory": "5000"})], [50, 25]),
    ("zero node resources, pods scheduled with resources", req_pod("p"),
     [node("node1"), node("node2")],
     [req_pod("e1", "node1", {"cpu": "3000", "memory": "0"}),
      req_pod("e2", "node2", {"cpu": "3000", "memory": "5000"})], [0, 0]),
]


@pytest.mark.parametrize("name,the_pod,nodes,existing,want", LEAST_ALLOCATED,
                         ids=[c[0] for c in LEAST_ALLOCATED])
def test_least_allocated_scoring_strategy(name, the_pod, nodes, existing, want):
    cache = SchedulerCache()
    for n in nodes:
        cache.set_node(n)
    for p in existing:
        cache.update_pod(None, p)
    infos = cache.node_infos()
    got = resources_fit_scores(pod_info(the_pod), infos)
    assert [got[i.name] for i in infos] == want


def test_least_allocated_with_weights():
    # "nothing scheduled, resources requested with different weight on CPU and memory, ...":
    # memory weight 2, cpu weight 1 → (25 + 50*2)/3 = 41 and (50 + 50*2)/3 = 50.
    assert least_allocated_score((3000, 5000), (4000, 10000), (1, 2)) == 41
    assert least_allocated_score((3000, 5000), (6000, 10000), (1, 2)) == 50


def test_balanced_allocation_score():
    # cpu 3000/10000 = 0.3, memory 5000/20000 = 0.25: std 0.025 → (1-0.025)*100 = 97.
    assert balanced_allocation_score((3000, 5000), (10000, 20000)) == 97
    # Fractions above 1 are capped at 1; equal usage scores 100.
    assert balanced_allocation_score((6000, 10000), (4000, 10000)) == 100
    assert balanced_allocation_score((0, 0), (4000, 10000)) == 100
    # A resource with zero allocatable is skipped; one fraction has no deviation.
    assert balanced_allocation_score((3000, 5000), (4000, 0)) == 100


# -- framework/types_test.go TestFitError_Error ---------------------------------------------------

F1, F2 = "Node(s) failed Filter plugin FalseFilter-1", "Node(s) failed Filter plugin FalseFilter-2"
PRE = "Node(s) failed PreFilter plugin FalsePreFilter"
POST = "Error running PostFilter plugin FailedPostFilter"
FIT_ERRORS = [
    ("nodes failed Prefilter plugin", 3, [[PRE]] * 3, PRE, "",
     "0/3 nodes are available: Node(s) failed PreFilter plugin FalsePreFilter."),
    ("nodes failed Prefilter plugin and the preemption also failed", 3, [[PRE]] * 3, PRE, POST,
     "0/3 nodes are available: Node(s) failed PreFilter plugin FalsePreFilter. Error running "
     "PostFilter plugin FailedPostFilter"),
    ("nodes failed one Filter plugin with an empty PostFilterMsg", 3, [[F1]] * 3, "", "",
     "0/3 nodes are available: 3 Node(s) failed Filter plugin FalseFilter-1."),
    ("nodes failed one Filter plugin with a non-empty PostFilterMsg", 3, [[F1]] * 3, "", POST,
     "0/3 nodes are available: 3 Node(s) failed Filter plugin FalseFilter-1. Error running "
     "PostFilter plugin FailedPostFilter"),
    ("nodes failed two Filter plugins with an empty PostFilterMsg", 3, [[F1], [F1], [F2]], "", "",
     "0/3 nodes are available: 1 Node(s) failed Filter plugin FalseFilter-2, 2 Node(s) failed "
     "Filter plugin FalseFilter-1."),
    ("nodes failed two Filter plugins with a non-empty PostFilterMsg", 3, [[F1], [F1], [F2]], "",
     POST, "0/3 nodes are available: 1 Node(s) failed Filter plugin FalseFilter-2, 2 Node(s) "
     "failed Filter plugin FalseFilter-1. Error running PostFilter plugin FailedPostFilter"),
    ("failed to Permit on node", 1, [["Node failed Permit plugin Permit-1"]], "", "",
     "0/1 nodes are available: 1 Node failed Permit plugin Permit-1."),
    ("failed to Reserve on node", 1, [["Node failed Reserve plugin Reserve-1"]], "", "",
     "0/1 nodes are available: 1 Node failed Reserve plugin Reserve-1."),
]


@pytest.mark.parametrize("name,num,reasons,pre,post,want", FIT_ERRORS,
                         ids=[c[0] for c in FIT_ERRORS])
def test_fit_error_error(name, num, reasons, pre, post, want):
    assert format_fit_error(num, reasons, pre_filter_msg=pre, post_filter_msg=post) == want


def test_fit_error_message_with_preemption():
    # The two examples in the design notes (stateful-daemon-scheduler.md §4.2).
    assert fit_error_message(3, {f"n{i}": ["Insufficient cpu"] for i in range(3)},
                             {f"n{i}": True for i in range(3)}) == (
        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: "
        "3 No preemption victims found for incoming pod.")
    assert fit_error_message(3, {f"n{i}": [AFF] for i in range(3)},
                             {f"n{i}": False for i in range(3)}) == (
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
    # Histogram sorted as strings ("10 …" before "2 …"), mixed preemption outcomes.
    reasons = {f"n{i}": ["Insufficient cpu"] for i in range(10)}
    reasons.update({"t1": ["node(s) had untolerated taint {k: v}"],
                    "t2": ["node(s) had untolerated taint {k: v}"]})
    resolvable = {n: n.startswith("n") for n in reasons}
    assert fit_error_message(12, reasons, resolvable) == (
        "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) had untolerated taint {k: v}. "
        "preemption: 0/12 nodes are available: 10 No preemption victims found for incoming pod, "
        "2 Preemption is not helpful for scheduling.")


def test_fit_error_message_by_version():
    reasons, resolvable = {"n1": ["Insufficient cpu"]}, {"n1": True}
    assert fit_error_message(1, reasons, resolvable, version=(1, 23)) == (
        "0/1 nodes are available: 1 Insufficient cpu.")
    assert fit_error_message(1, reasons, resolvable, version=(1, 34)) == (
        "0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: "
        "0/1 nodes are available: 1 No preemption victims found for incoming pod.")
    assert fit_error_message(1, reasons, resolvable, preemption_policy="Never") == (
        "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to "
        "preemptionPolicy=Never.")


# -- scoring helpers and host selection ----------------------------------------------------------


def test_natural_order_tie_break():
    assert sorted(["node-10", "node-2", "node-1"], key=natural_key) == ["node-1", "node-2",
                                                                        "node-10"]
    assert select_host({"node-10": 300, "node-2": 300, "node-3": 299}) == "node-2"
    assert select_host({"node-10": 301, "node-2": 300}) == "node-10"


def test_node_ports_filter():
    ni = NodeInfo(node("n"))
    ni.add_pod(pod_info(pod("a", containers=[{"ports": [{"containerPort": 80,
                                                         "hostPort": 8080}]}])))
    want = status(UNSCHEDULABLE, "node(s) didn't have free ports for the requested pod ports")
    same = pod("b", containers=[{"ports": [{"containerPort": 80, "hostPort": 8080}]}])
    other_ip = pod("c", containers=[{"ports": [{"hostPort": 8080, "hostIP": "10.0.0.1"}]}])
    udp = pod("d", containers=[{"ports": [{"hostPort": 8080, "protocol": "UDP"}]}])
    assert as_tuple(node_ports_filter(same, ni)) == want
    assert as_tuple(node_ports_filter(other_ip, ni)) == want  # 0.0.0.0 covers every IP
    assert node_ports_filter(udp, ni) is None
    assert node_ports_filter(pod("e", containers=[{"ports": [{"containerPort": 80}]}]), ni) is None


# -- InterPodAffinity (filtering.go semantics) ----------------------------------------------------


def labeled_node(name, zone):
    return node(name, labels={"kubernetes.io/hostname": name, "zone": zone},
                allocatable={"cpu": "4", "memory": "8Gi", "pods": "110"})


def anti(key="kubernetes.io/hostname", **labels):
    return {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": labels}, "topologyKey": key}]}}


def aff(key="zone", **labels):
    return {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": labels}, "topologyKey": key}]}}


def labeled_pod(name, labels, node_name=None, namespace="default", **spec):
    if node_name:
        spec["nodeName"] = node_name
    spec.setdefault("containers", [{"name": "c"}])
    return {"metadata": {"name": name, "namespace": namespace, "uid": name, "labels": labels},
            "spec": spec}


def affinity_cache(*pods):
    cache = SchedulerCache()
    for n, z in (("n1", "a"), ("n2", "a"), ("n3", "b")):
        cache.set_node(labeled_node(n, z))
    for p in pods:
        cache.update_pod(None, p)
    return cache


def filter_all(the_pod, cache):
    infos = cache.node_infos()
    state = inter_pod_affinity_prefilter(pod_info(the_pod), infos)
    return {ni.name: as_tuple(inter_pod_affinity_filter(state, ni)) for ni in infos}


def test_required_anti_affinity_by_hostname():
    cache = affinity_cache(labeled_pod("w1", {"app": "web"}, "n1"))
    got = filter_all(labeled_pod("w2", {"app": "web"}, affinity=anti(app="web")), cache)
    assert got == {"n1": status(UNSCHEDULABLE, "node(s) didn't match pod anti-affinity rules"),
                   "n2": None, "n3": None}


def test_existing_pods_anti_affinity_by_zone():
    cache = affinity_cache(labeled_pod("db", {"app": "db"}, "n1", affinity=anti("zone",
                                                                                app="web")))
    got = filter_all(labeled_pod("w", {"app": "web"}), cache)
    reason = "node(s) didn't satisfy existing pods anti-affinity rules"
    assert got == {"n1": status(UNSCHEDULABLE, reason), "n2": status(UNSCHEDULABLE, reason),
                   "n3": None}


def test_required_affinity_to_zone_of_existing_pod():
    cache = affinity_cache(labeled_pod("cache", {"app": "cache"}, "n3"))
    got = filter_all(labeled_pod("w", {"app": "web"}, affinity=aff(app="cache")), cache)
    reason = status(UNRESOLVABLE, "node(s) didn't match pod affinity rules")
    assert got == {"n1": reason, "n2": reason, "n3": None}
    # No matching pod anywhere, and the pod does not match its own term: nowhere.
    got = filter_all(labeled_pod("w", {"app": "web"}, affinity=aff(app="none")), affinity_cache())
    assert set(got.values()) == {reason}


def test_first_pod_with_affinity_to_itself_may_go_anywhere_with_the_topology():
    got = filter_all(labeled_pod("w", {"app": "web"}, affinity=aff(app="web")), affinity_cache())
    assert got == {"n1": None, "n2": None, "n3": None}
    # ... but a node without the topology key never qualifies.
    cache = affinity_cache()
    cache.set_node(node("n4", labels={"kubernetes.io/hostname": "n4"}))
    got = filter_all(labeled_pod("w", {"app": "web"}, affinity=aff(app="web")), cache)
    assert got["n4"] == status(UNRESOLVABLE, "node(s) didn't match pod affinity rules")


def test_affinity_terms_default_to_the_pods_namespace():
    cache = affinity_cache(labeled_pod("w1", {"app": "web"}, "n1", namespace="other"))
    got = filter_all(labeled_pod("w2", {"app": "web"}, affinity=anti(app="web")), cache)
    assert got == {"n1": None, "n2": None, "n3": None}


# -- whole scheduling cycles -----------------------------------------------------------------------


def cluster(n=3, cpu="4", memory="8Gi", pods="110"):
    cache = SchedulerCache()
    for i in range(1, n + 1):
        name = f"node-{i}"
        cache.set_node(node(name, labels={"kubernetes.io/hostname": name},
                            allocatable={"cpu": cpu, "memory": memory, "pods": pods}))
    return cache


def rs_pod(i, cpu="100m", memory="128Mi"):
    return {"metadata": {"name": f"web-{i}", "namespace": "default", "uid": f"web-{i}",
                         "labels": {"app": "web"},
                         "ownerReferences": [{"kind": "ReplicaSet", "name": "web-abc",
                                              "controller": True}]},
            "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": cpu,
                                                                            "memory": memory}}}]}}


RS = {"kind": "ReplicaSet", "metadata": {"name": "web-abc", "namespace": "default"},
      "spec": {"selector": {"matchLabels": {"app": "web"}}}}


def bind(cache, p, node_name):
    bound = {**p, "spec": {**p["spec"], "nodeName": node_name}}
    cache.update_pod(None, bound)
    return bound


def test_ties_break_by_natural_node_order_and_pods_spread():
    cache = cluster(12)
    placed = []
    for i in range(12):
        p = rs_pod(i)
        result = schedule_pod(p, cache, spread_selector=default_spread_selector(p,
                                                                              controllers=[RS]))
        placed.append(result.node)
        bind(cache, p, result.node)
    # Equal scores go to node-1, node-2, …, node-10 (not node-10 before node-2); one pod each.
    assert placed == [f"node-{i}" for i in range(1, 13)]


def test_default_spread_selector():
    p = rs_pod(0)
    svc = {"metadata": {"name": "s", "namespace": "default"}, "spec": {"selector": {"app": "web"}}}
    other = {"metadata": {"name": "o", "namespace": "default"}, "spec": {"selector": {"x": "y"}}}
    sel = default_spread_selector(p, services=[svc, other], controllers=[RS])
    assert sel.matches({"app": "web"}) and not sel.matches({"app": "db"})
    assert default_spread_selector(pod()).empty


def test_nothing_fits_message_resources_and_taints():
    cache = cluster(3, cpu="1")
    tainted = node("node-3", labels={"kubernetes.io/hostname": "node-3"},
                   taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}],
                   allocatable={"cpu": "8", "memory": "8Gi", "pods": "110"})
    cache.set_node(tainted)
    result = schedule_pod(rs_pod(0, cpu="2"), cache)
    assert result.node is None
    assert result.message == (
        "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, "
        "2 Insufficient cpu. preemption: 0/3 nodes are available: "
        "3 Preemption is not helpful for scheduling.")
    # The request exceeds node-1/2's allocatable outright: unresolvable, hence "not helpful".
    assert result.statuses["node-1"].code == UNRESOLVABLE
    # Once node-1 merely is full, preemption could help in principle.
    cache = cluster(1, cpu="1")
    bind(cache, rs_pod(9, cpu="800m"), "node-1")
    result = schedule_pod(rs_pod(0, cpu="500m"), cache)
    assert result.message == ("0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes "
                              "are available: 1 No preemption victims found for incoming pod.")


def test_daemon_style_pod_pinned_by_match_fields():
    cache = cluster(3, cpu="1")
    p = rs_pod(0, cpu="2")
    p["spec"]["affinity"] = required({"matchFields": [name_is("node-2")]})
    result = schedule_pod(p, cache)
    assert result.message == (
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) "
        "[NodeAffinity]. preemption: 0/3 nodes are available: 3 Preemption is not helpful for "
        "scheduling.")
    p["spec"]["affinity"] = required({"matchFields": [name_is("node-1"), name_is("node-2")]})
    assert schedule_pod(p, cache).message == (
        "0/3 nodes are available: pod affinity terms conflict. preemption: 0/3 nodes are "
        "available: 3 Preemption is not helpful for scheduling.")


def test_cordoned_and_no_nodes():
    result = schedule_pod(rs_pod(0), SchedulerCache())
    assert (result.node, result.message) == (None, "no nodes available to schedule pods")
    cache = cluster(2)
    cache.set_node(node("node-1", unschedulable=True,
                        allocatable={"cpu": "4", "memory": "8Gi", "pods": "110"}))
    assert schedule_pod(rs_pod(0), cache).node == "node-2"


def test_too_many_pods_and_cache_updates():
    cache = cluster(1, pods="2")
    first = bind(cache, rs_pod(1), "node-1")
    bind(cache, rs_pod(2), "node-1")
    assert "1 Too many pods." in schedule_pod(rs_pod(3), cache).message
    # A pod that finished no longer counts; a deleted one neither.
    done = {**first, "status": {"phase": "Succeeded"}}
    cache.update_pod(first, done)
    assert schedule_pod(rs_pod(3), cache).node == "node-1"
    cache.update_pod(done, None)
    assert cache.get("node-1").requested == {"cpu": 100, "memory": 128 << 20}


def test_preferred_node_affinity_and_prefer_no_schedule_steer_the_choice():
    cache = cluster(3)
    cache.set_node(node("node-1", labels={"kubernetes.io/hostname": "node-1"},
                        taints=[{"key": "soft", "effect": "PreferNoSchedule"}],
                        allocatable={"cpu": "4", "memory": "8Gi", "pods": "110"}))
    cache.set_node(node("node-3", labels={"kubernetes.io/hostname": "node-3", "disk": "ssd"},
                        allocatable={"cpu": "4", "memory": "8Gi", "pods": "110"}))
    assert schedule_pod(rs_pod(0), cache).node == "node-2"  # node-1 tainted, tie → node-2
    p = rs_pod(1)
    p["spec"]["affinity"] = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 10, "preference": {"matchExpressions": [expr("disk", "In", "ssd")]}}]}}
    result = schedule_pod(p, cache)
    assert result.node == "node-3"
    assert result.scores["NodeAffinity"] == {"node-1": 0, "node-2": 0, "node-3": 100}


def test_least_allocated_prefers_the_emptier_node():
    cache = cluster(2)
    bind(cache, rs_pod(9, cpu="2", memory="4Gi"), "node-1")
    result = schedule_pod(rs_pod(0), cache)
    assert result.node == "node-2"
    assert result.scores["NodeResourcesFit"]["node-1"] < result.scores["NodeResourcesFit"]["node-2"]
    # Best-effort pods skip BalancedAllocation from v1.33 on.
    bare = pod("bare", containers=[{"name": "c"}])
    assert "NodeResourcesBalancedAllocation" not in schedule_pod(bare, cache,
                                                                 version=(1, 33)).scores
    assert "NodeResourcesBalancedAllocation" in schedule_pod(bare, cache, version=(1, 32)).scores


def test_topology_spread_do_not_schedule():
    cache = affinity_cache(labeled_pod("w1", {"app": "web"}, "n1"),
                           labeled_pod("w2", {"app": "web"}, "n2"))
    p = labeled_pod("w3", {"app": "web"}, topologySpreadConstraints=[
        {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
         "labelSelector": {"matchLabels": {"app": "web"}}}])
    result = schedule_pod(p, cache)
    assert result.node == "n3"
    assert result.statuses["n1"].reasons == ("node(s) didn't match pod topology spread "
                                            "constraints",)
    cache.set_node(node("n4", labels={"kubernetes.io/hostname": "n4"},
                        allocatable={"cpu": "4", "memory": "8Gi", "pods": "110"}))
    assert schedule_pod(p, cache).statuses["n4"].reasons == (
        "node(s) didn't match pod topology spread constraints (missing required label)",)


def test_scheduled_event_message():
    assert scheduled_event_message(rs_pod(0), "node-2") == (
        "Successfully assigned default/web-0 to node-2")


def test_thousand_pods_on_twenty_nodes_is_fast_and_balanced():
    cache = cluster(20)
    selector = from_match_labels({"app": "web"})
    start = time.perf_counter()
    for i in range(1000):
        p = rs_pod(i, cpu="50m", memory="64Mi")
        result = schedule_pod(p, cache, spread_selector=selector)
        assert result.node is not None, result.message
        bind(cache, p, result.node)
    elapsed = time.perf_counter() - start
    counts = [len(ni.pods) for ni in cache.node_infos()]
    assert counts == [50] * 20
    assert elapsed < 10, elapsed
    # Removing pods keeps the accounting exact.
    for i in range(1000):
        cache.update_pod({"metadata": {"uid": f"web-{i}"}}, None)
    assert all(not ni.pods and not any(ni.requested.values()) and ni.non0_cpu == 0
               for ni in cache.node_infos())
