"""Tests for pytest_k8sflow.engine.controllers.controller_utils.

Upstream tables ported (k/k pkg/controller/controller_utils_test.go): TestComputeHash,
TestSortingActivePodsWithRanks (equality + inequality tables), TestActiveReplicaSetsFiltering.
"""

from __future__ import annotations

import re

import pytest

from pytest_k8sflow.engine.controllers.controller_utils import (
    POD_DELETION_COST_ANNOTATION,
    SAFE_ALPHABET,
    active_pods_with_ranks_less,
    active_pods_with_ranks_sort_key,
    canonical_json,
    compute_hash,
    filter_active_pods,
    filter_active_replicasets,
    fnv32a,
    get_controller_of,
    is_controlled_by,
    is_pod_active,
    is_pod_available,
    is_pod_ready,
    max_container_restarts,
    new_controller_ref,
    pod_deletion_cost,
    pod_ranks_on_same_node,
    pod_ready_time,
    pods_to_delete,
    replicasets_by_creation_timestamp,
    replicasets_by_size_newer,
    replicasets_by_size_older,
    safe_encode_string,
    slow_start_batches,
    sort_active_pods_with_ranks,
)
from pytest_k8sflow.engine.timeutil import format_time, parse_time

NOW = parse_time("2026-03-15T12:00:00Z")
HOUR = 3_600_000


# --------------------------------------------------------------------------- hashing

def test_fnv32a_reference_vectors():
    # Published FNV-1a 32-bit test vectors.
    assert fnv32a(b"") == 0x811C9DC5
    assert fnv32a(b"a") == 0xE40C292C
    assert fnv32a(b"foobar") == 0xBF9CF968


def test_fnv32a_continues_a_running_hash():
    assert fnv32a(b"bar", fnv32a(b"foo")) == fnv32a(b"foobar")


def test_safe_encode_string_maps_digits_like_kubernetes():
    # '0' is rune 48, 48 % 27 = 21 -> '4'; ... '6' is 54 % 27 = 0 -> 'b'.
    assert safe_encode_string("0123456789") == "456789bcdf"
    assert safe_encode_string("a") == SAFE_ALPHABET[ord("a") % 27]
    assert safe_encode_string("") == ""


@pytest.mark.parametrize("template", [
    {},
    {"metadata": {"labels": {"app": "web"}},
     "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}},
    {"metadata": {"labels": {"app": "ünïcode"}}, "spec": {"containers": []}},
])
def test_compute_hash_alphabet_and_length(template):
    value = compute_hash(template, None)
    # Decimal uint32 (1..10 digits) mapped digit by digit: only these ten characters occur.
    assert re.fullmatch(r"[4-9bcdf]{1,10}", value)
    assert value == safe_encode_string(str(fnv32a(canonical_json(template))))


def test_compute_hash_is_deterministic_and_key_order_independent():
    a = {"metadata": {"labels": {"a": "1", "b": "2"}}, "spec": {"containers": [{"name": "c"}]}}
    b = {"spec": {"containers": [{"name": "c"}]}, "metadata": {"labels": {"b": "2", "a": "1"}}}
    assert compute_hash(a, None) == compute_hash(b, None)
    assert compute_hash(a, 3) == compute_hash(b, 3)


def test_compute_hash_changes_with_the_template():
    a = {"spec": {"containers": [{"name": "c", "image": "nginx:1"}]}}
    b = {"spec": {"containers": [{"name": "c", "image": "nginx:2"}]}}
    assert compute_hash(a, None) != compute_hash(b, None)


def test_compute_hash_collision_count_bytes_as_upstream():
    template = {"spec": {}}
    base = fnv32a(canonical_json(template))
    expected = fnv32a((7).to_bytes(4, "little") + bytes(4), base)
    assert compute_hash(template, 7) == safe_encode_string(str(expected))
    # collisionCount 0 is not the same as nil: the 8 zero bytes are still hashed.
    assert compute_hash(template, 0) != compute_hash(template, None)


# controller_utils_test.go TestComputeHash: different collision counts give different hashes.
@pytest.mark.parametrize("name,count,other", [
    ("simple", 1, 2),
    ("using math.MaxInt64", None, 2**31 - 1),
])
def test_compute_hash_upstream(name, count, other):
    assert compute_hash({}, count) != compute_hash({}, other)


# --------------------------------------------------------------------------- pod predicates

def make_pod(name, node="", phase="Running", ready=False, restarts=0, ready_since=None,
             created=None, annotations=None, uid=None, deleting=False, labels=None):
    meta = {"name": name}
    if created is not None:
        meta["creationTimestamp"] = format_time(created)
    if annotations:
        meta["annotations"] = annotations
    if uid:
        meta["uid"] = uid
    if labels:
        meta["labels"] = labels
    if deleting:
        meta["deletionTimestamp"] = format_time(NOW)
    status = {"phase": phase}
    if ready:
        cond = {"type": "Ready", "status": "True"}
        if ready_since is not None:
            cond["lastTransitionTime"] = format_time(ready_since)
        status["conditions"] = [cond]
        status["containerStatuses"] = [{"restartCount": restarts}]
    spec = {"nodeName": node} if node else {}
    return {"metadata": meta, "spec": spec, "status": status}


def test_is_pod_ready_and_ready_time():
    pod = make_pod("p", ready=True, ready_since=NOW - HOUR)
    assert is_pod_ready(pod)
    assert pod_ready_time(pod) == NOW - HOUR
    not_ready = make_pod("q")
    assert not is_pod_ready(not_ready)
    assert pod_ready_time(not_ready) is None
    false_cond = {"metadata": {"name": "r"},
                  "status": {"conditions": [{"type": "Ready", "status": "False"}]}}
    assert not is_pod_ready(false_cond)


@pytest.mark.parametrize("min_ready,since,now,expected", [
    (0, None, NOW, True),                 # minReadySeconds 0: ready is enough
    (10, None, NOW, False),               # no lastTransitionTime: never available
    (10, NOW - 10_000, NOW, False),       # exactly minReadySeconds: Before is strict
    (10, NOW - 10_001, NOW, True),
    (10, NOW - 5_000, NOW, False),
])
def test_is_pod_available(min_ready, since, now, expected):
    pod = make_pod("p", ready=True, ready_since=since)
    assert is_pod_available(pod, min_ready, now) is expected


def test_is_pod_available_requires_ready():
    assert not is_pod_available(make_pod("p"), 0, NOW)


@pytest.mark.parametrize("phase,deleting,active", [
    ("Running", False, True), ("Pending", False, True), ("Unknown", False, True),
    ("Succeeded", False, False), ("Failed", False, False), ("Running", True, False),
])
def test_is_pod_active(phase, deleting, active):
    pod = make_pod("p", phase=phase, deleting=deleting)
    assert is_pod_active(pod) is active
    assert filter_active_pods([pod]) == ([pod] if active else [])


@pytest.mark.parametrize("value,cost", [
    ("10", 10), ("-5", -5), ("-05", -5), ("-0", 0), ("0", 0), ("-", 0), ("+10", 0),
    ("008", 0), ("abc", 0), ("", 0),
    ("2147483647", 2147483647), ("2147483648", 0),
])
def test_pod_deletion_cost(value, cost):
    assert pod_deletion_cost(make_pod("p", annotations={POD_DELETION_COST_ANNOTATION: value})) \
        == cost


def test_max_container_restarts():
    pod = {"metadata": {"name": "p"},
           "status": {"containerStatuses": [{"restartCount": 2}, {"restartCount": 5}]}}
    assert max_container_restarts(pod) == 5
    assert max_container_restarts({"metadata": {"name": "q"}}) == 0


# --------------------------------------------------------------------------- ranking table
# controller_utils_test.go TestSortingActivePodsWithRanks

THEN_1_MONTH = parse_time("2026-02-15T12:00:00Z")  # now.AddDate(0, -1, 0)
THEN_2_HOURS = NOW - 2 * HOUR
THEN_5_HOURS = NOW - 5 * HOUR
THEN_8_HOURS = NOW - 8 * HOUR

PODS = {
    "unscheduledPod": make_pod("unscheduled", "", "Pending"),
    "scheduledPendingPod": make_pod("pending", "node", "Pending"),
    "unknownPhasePod": make_pod("unknown-phase", "node", "Unknown"),
    "runningNotReadyPod": make_pod("not-ready", "node", "Running"),
    "runningReadyNoLastTransitionTimePod": make_pod("ready-no-last-transition-time", "node",
                                                    "Running", True),
    "runningReadyNow": make_pod("ready-now", "node", "Running", True, 0, NOW, NOW),
    "runningReadyThen": make_pod("ready-then", "node", "Running", True, 0, THEN_1_MONTH,
                                 THEN_1_MONTH),
    "runningReadyNowHighRestarts": make_pod("ready-high-restarts", "node", "Running", True, 9001,
                                            NOW, NOW),
    "runningReadyNowCreatedThen": make_pod("ready-now-created-then", "node", "Running", True, 0,
                                           NOW, THEN_1_MONTH),
    "lowPodDeletionCost": make_pod("low-deletion-cost", "node", "Running", True, 0, NOW,
                                   THEN_1_MONTH, {POD_DELETION_COST_ANNOTATION: "10"}),
    "highPodDeletionCost": make_pod("high-deletion-cost", "node", "Running", True, 0, NOW,
                                    THEN_1_MONTH, {POD_DELETION_COST_ANNOTATION: "100"}),
    "unscheduled5Hours": make_pod("unscheduled-5-hours", "", "Pending", False, 0, THEN_5_HOURS,
                                  THEN_5_HOURS),
    "unscheduled8Hours": make_pod("unscheduled-10-hours", "", "Pending", False, 0, THEN_8_HOURS,
                                  THEN_8_HOURS),
    "ready2Hours": make_pod("ready-2-hours", "", "Running", True, 0, THEN_2_HOURS, THEN_1_MONTH),
    "ready5Hours": make_pod("ready-5-hours", "", "Running", True, 0, THEN_5_HOURS, THEN_1_MONTH),
    "ready10Hours": make_pod("ready-10-hours", "", "Running", True, 0, THEN_8_HOURS,
                             THEN_1_MONTH),
}

EQUALITY = [
    ("unscheduledPod", None), ("scheduledPendingPod", None), ("unknownPhasePod", None),
    ("runningNotReadyPod", None), ("runningReadyNowCreatedThen", None), ("runningReadyNow", None),
    ("runningReadyThen", None), ("runningReadyNowHighRestarts", None),
    ("runningReadyNowCreatedThen", None),
    # Same log2 bucket of age and equal (empty) UIDs: neither is preferred.
    ("unscheduled5Hours", "unscheduled8Hours"), ("ready5Hours", "ready10Hours"),
]


@pytest.mark.parametrize("index,p1,p2", [(i, a, b) for i, (a, b) in enumerate(EQUALITY)],
                         ids=[f"Equality tests {i}" for i in range(len(EQUALITY))])
def test_sorting_active_pods_with_ranks_equality(index, p1, p2):
    pod1, pod2 = PODS[p1], PODS[p2 or p1]
    assert not active_pods_with_ranks_less(pod1, 1, pod2, 1, NOW)
    assert not active_pods_with_ranks_less(pod2, 1, pod1, 1, NOW)


INEQUALITY = [
    (("unscheduledPod", 1), ("scheduledPendingPod", 2)),
    (("unscheduledPod", 2), ("scheduledPendingPod", 1)),
    (("scheduledPendingPod", 1), ("unknownPhasePod", 2)),
    (("unknownPhasePod", 1), ("runningNotReadyPod", 2)),
    (("runningNotReadyPod", 1), ("runningReadyNoLastTransitionTimePod", 1)),
    (("runningReadyNoLastTransitionTimePod", 1), ("runningReadyNow", 1)),
    (("runningReadyNow", 2), ("runningReadyNoLastTransitionTimePod", 1)),
    (("runningReadyNow", 1), ("runningReadyThen", 1)),
    (("runningReadyNow", 2), ("runningReadyThen", 1)),
    (("runningReadyNowHighRestarts", 1), ("runningReadyNow", 1)),
    (("runningReadyNow", 2), ("runningReadyNowHighRestarts", 1)),
    (("runningReadyNow", 1), ("runningReadyNowCreatedThen", 1)),
    (("runningReadyNowCreatedThen", 2), ("runningReadyNow", 1)),
    (("lowPodDeletionCost", 2), ("highPodDeletionCost", 1)),
    # upstream case 14 runs with the PodDeletionCost gate disabled; the gate is always on here.
    (("ready2Hours", 1), ("ready5Hours", 1)),
]


@pytest.mark.parametrize(
    "lesser,greater", INEQUALITY,
    ids=[f"Inequality tests {i if i < 14 else i + 1}" for i in range(len(INEQUALITY))])
def test_sorting_active_pods_with_ranks_inequality(lesser, greater):
    (a, rank_a), (b, rank_b) = lesser, greater
    assert active_pods_with_ranks_less(PODS[a], rank_a, PODS[b], rank_b, NOW)
    assert not active_pods_with_ranks_less(PODS[b], rank_b, PODS[a], rank_a, NOW)


def test_log_buckets_tie_break_by_uid():
    # Both ready ~5h and ~8h ago fall in the same log2(ns) bucket: UID order decides.
    a = make_pod("a", "n", "Running", True, 0, THEN_8_HOURS, THEN_1_MONTH, uid="aaa")
    b = make_pod("b", "n", "Running", True, 0, THEN_5_HOURS, THEN_1_MONTH, uid="bbb")
    assert active_pods_with_ranks_less(a, 1, b, 1, NOW)
    assert not active_pods_with_ranks_less(b, 1, a, 1, NOW)
    # Without a reference time the plain comparison applies: more recently ready first.
    assert active_pods_with_ranks_less(b, 1, a, 1, None)


def test_sort_active_pods_with_ranks_orders_whole_list():
    names = ["runningReadyThen", "runningReadyNow", "unscheduledPod", "runningNotReadyPod",
             "scheduledPendingPod", "unknownPhasePod"]
    pods = [PODS[n] for n in names]
    ordered = sort_active_pods_with_ranks(pods, [1] * len(pods), NOW)
    assert [p["metadata"]["name"] for p in ordered] == [
        "unscheduled", "pending", "unknown-phase", "not-ready", "ready-now", "ready-then"]
    key = active_pods_with_ranks_sort_key({}, NOW)
    assert [p["metadata"]["name"] for p in sorted(pods, key=key)] == \
        [p["metadata"]["name"] for p in ordered]


def test_ranks_count_active_related_pods_on_the_node():
    p1 = make_pod("p1", "n1")
    p2 = make_pod("p2", "n1")
    p3 = make_pod("p3", "n2")
    gone = make_pod("p4", "n2", deleting=True)
    other_rs = make_pod("p5", "n2")
    assert pod_ranks_on_same_node([p1, p2, p3], [p1, p2, p3, gone, other_rs]) == [2, 2, 2]
    assert pod_ranks_on_same_node([p3], [p1, p2, p3]) == [1]


def test_pods_to_delete_prefers_co_located_pods():
    # Equal in every other respect: the pods on the crowded node go first.
    pods = [make_pod(f"p{i}", node, "Running", True, 0, THEN_1_MONTH, THEN_1_MONTH, uid=f"u{i}")
            for i, node in enumerate(["a", "b", "b", "c"])]
    chosen = pods_to_delete(pods, pods, 2, NOW)
    assert sorted(p["metadata"]["name"] for p in chosen) == ["p1", "p2"]


def test_pods_to_delete_everything_skips_sorting():
    pods = [make_pod("b", "n"), make_pod("a", "")]
    assert pods_to_delete(pods, pods, 2, NOW) == pods


def test_pods_to_delete_unready_first():
    ready = make_pod("ready", "n", "Running", True, 0, THEN_2_HOURS, THEN_2_HOURS)
    pending = make_pod("pending", "n", "Pending")
    assert pods_to_delete([ready, pending], [ready, pending], 1, NOW) == [pending]


# --------------------------------------------------------------------------- slow start

@pytest.mark.parametrize("count,batches", [
    (0, []), (1, [1]), (2, [1, 1]), (3, [1, 2]), (7, [1, 2, 4]), (10, [1, 2, 4, 3]),
    (500, [1, 2, 4, 8, 16, 32, 64, 128, 245]),
])
def test_slow_start_batches(count, batches):
    assert slow_start_batches(count) == batches
    assert sum(batches) == count


def test_slow_start_batches_initial_size():
    assert slow_start_batches(10, initial=3) == [3, 6, 1]


# --------------------------------------------------------------------------- controller refs

def test_controller_refs():
    owner = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
             "metadata": {"name": "web-abc", "uid": "u-1"}}
    ref = new_controller_ref(owner)
    assert ref == {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-abc",
                   "uid": "u-1", "controller": True, "blockOwnerDeletion": True}
    assert new_controller_ref({"metadata": {"name": "d", "uid": "u"}}, "apps/v1",
                              "Deployment")["kind"] == "Deployment"
    pod = {"metadata": {"name": "p", "ownerReferences": [
        {"apiVersion": "v1", "kind": "Thing", "name": "x", "uid": "u-0"}, ref]}}
    assert get_controller_of(pod) == ref
    assert is_controlled_by(pod, owner)
    assert get_controller_of({"metadata": {"name": "q"}}) is None


# --------------------------------------------------------------------------- RS lists

def make_rs(name, replicas, created=None):
    meta = {"name": name}
    if created is not None:
        meta["creationTimestamp"] = format_time(created)
    return {"metadata": meta, "spec": {"replicas": replicas}}


# controller_utils_test.go TestActiveReplicaSetsFiltering
def test_active_replicasets_filtering():
    zero, foo, bar = make_rs("zero", 0), make_rs("foo", 1), make_rs("bar", 2)
    assert filter_active_replicasets([zero, None, foo, bar]) == [foo, bar]


def test_replicaset_orderings():
    old = make_rs("a-old", 2, NOW - 2 * HOUR)
    mid = make_rs("b-mid", 2, NOW - HOUR)
    new = make_rs("c-new", 2, NOW)
    big = make_rs("d-big", 5, NOW - HOUR)
    no_time = make_rs("z-none", 2)
    assert replicasets_by_creation_timestamp([new, mid, old, no_time]) == [no_time, old, mid, new]
    assert replicasets_by_size_newer([old, big, new, mid]) == [big, new, mid, old]
    assert replicasets_by_size_older([new, big, old, mid]) == [big, old, mid, new]
    # Equal timestamps: name breaks the tie (reversed for "newer").
    x, y = make_rs("x", 1, NOW), make_rs("y", 1, NOW)
    assert replicasets_by_creation_timestamp([y, x]) == [x, y]
    assert replicasets_by_size_newer([x, y]) == [y, x]
