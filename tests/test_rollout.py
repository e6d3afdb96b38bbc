"""Tests for pytest_k8sflow.engine.controllers.rollout.

Upstream tables ported:
- pkg/controller/deployment/sync_test.go TestScale (every case that does not need the alpha
  DeploymentPodReplacementPolicy gate);
- rolling_test.go TestDeploymentController_reconcileNewReplicaSet (non-gated cases),
  _reconcileOldReplicaSets, _cleanupUnhealthyReplicas,
  _scaleDownOldReplicaSetsForRollingUpdate;
- recreate_test.go TestScaleDownOldReplicaSets, TestOldPodsRunning;
- progress_test.go TestRequeueStuckDeployment, TestSyncRolloutStatus;
- pkg/controller/replicaset/replica_set_utils_test.go TestCalculateStatus (non-gated),
  TestCalculateStatusConditions.
"""

from __future__ import annotations

import copy

import pytest

from pytest_k8sflow.engine.controllers import deployment_util as du
from pytest_k8sflow.engine.controllers import rollout as ro
from pytest_k8sflow.engine.controllers.controller_utils import (
    POD_TEMPLATE_HASH_LABEL,
    compute_hash,
    filter_active_pods,
)
from pytest_k8sflow.engine.timeutil import format_time, parse_time

MAX_INT32 = 2**31 - 1
NEW_TS = parse_time("2016-05-20T02:00:00Z")
OLD_TS = parse_time("2016-05-20T01:00:00Z")
OLDER_TS = parse_time("2016-05-20T00:00:00Z")


# --------------------------------------------------------------------------- builders

def new_deployment(name, replicas, revision_history_limit=None, max_surge=None,
                   max_unavailable=None, selector=None) -> dict:
    """deployment_controller_test.go newDeployment: RollingUpdate, surge and unavailable 0
    unless given (so the fencepost rule makes maxUnavailable 1)."""
    selector = selector or {}
    spec = {
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {
            "maxUnavailable": 0 if max_unavailable is None else max_unavailable,
            "maxSurge": 0 if max_surge is None else max_surge}},
        "replicas": replicas,
        "selector": {"matchLabels": dict(selector)},
        "template": {"metadata": {"labels": dict(selector)},
                     "spec": {"containers": [{"image": "foo/bar"}]}},
    }
    if revision_history_limit is not None:
        spec["revisionHistoryLimit"] = revision_history_limit
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default", "uid": f"uid-{name}",
                         "annotations": {}},
            "spec": spec}


def rs(name, replicas, selector=None, timestamp=None) -> dict:
    """sync_test.go rs()."""
    meta = {"name": name, "namespace": "default"}
    if timestamp is not None:
        meta["creationTimestamp"] = format_time(timestamp)
    return {"metadata": meta,
            "spec": {"replicas": replicas, "selector": {"matchLabels": dict(selector or {})},
                     "template": {}}}


def with_status(obj, **status):
    return {**obj, "status": {**obj.get("status", {}), **status}}


def apply_steps(rss, steps, skip=()):
    sizes = {r["metadata"]["name"]: r["spec"]["replicas"] for r in rss}
    for step in steps:
        assert sizes[step.name] == step.old_size
        if step.name not in skip:
            sizes[step.name] = step.new_size
    return sizes


# --------------------------------------------------------------------------- TestScale

def _updated_template(replicas):
    d = new_deployment("foo", replicas, selector={"foo": "bar"})
    d["spec"]["template"]["metadata"]["labels"]["another"] = "label"
    return d


SCALE = [
    # name, deployment, old deployment, new RS, old RSs, expected new, expected olds,
    # wasntUpdated, desiredReplicasAnnotations
    ("normal scaling event: 10 -> 12", new_deployment("foo", 12), new_deployment("foo", 10),
     rs("foo-v1", 10, None, NEW_TS), [], 12, [], (), {}),
    ("normal scaling event: 10 -> 5", new_deployment("foo", 5), new_deployment("foo", 10),
     rs("foo-v1", 10, None, NEW_TS), [], 5, [], (), {}),
    ("proportional scaling: 5 -> 10", new_deployment("foo", 10), new_deployment("foo", 5),
     rs("foo-v2", 2, None, NEW_TS), [rs("foo-v1", 3, None, OLD_TS)], 4, [6], (), {}),
    ("proportional scaling: 5 -> 3", new_deployment("foo", 3), new_deployment("foo", 5),
     rs("foo-v2", 2, None, NEW_TS), [rs("foo-v1", 3, None, OLD_TS)], 1, [2], (), {}),
    ("proportional scaling: 9 -> 4", new_deployment("foo", 4), new_deployment("foo", 9),
     rs("foo-v2", 8, None, NEW_TS), [rs("foo-v1", 1, None, OLD_TS)], 4, [0], (), {}),
    ("proportional scaling: 7 -> 10", new_deployment("foo", 10), new_deployment("foo", 7),
     rs("foo-v3", 2, None, NEW_TS),
     [rs("foo-v2", 3, None, OLD_TS), rs("foo-v1", 2, None, OLDER_TS)], 3, [4, 3], (), {}),
    ("proportional scaling: 13 -> 8", new_deployment("foo", 8), new_deployment("foo", 13),
     rs("foo-v3", 2, None, NEW_TS),
     [rs("foo-v2", 8, None, OLD_TS), rs("foo-v1", 3, None, OLDER_TS)], 1, [5, 2], (), {}),
    ("leftover distribution: 3 -> 4", new_deployment("foo", 4), new_deployment("foo", 3),
     rs("foo-v3", 1, None, NEW_TS),
     [rs("foo-v2", 1, None, OLD_TS), rs("foo-v1", 1, None, OLDER_TS)], 2, [1, 1], (), {}),
    ("leftover distribution: 3 -> 2", new_deployment("foo", 2), new_deployment("foo", 3),
     rs("foo-v3", 1, None, NEW_TS),
     [rs("foo-v2", 1, None, OLD_TS), rs("foo-v1", 1, None, OLDER_TS)], 1, [1, 0], (), {}),
    ("proportional scaling (no new rs): 4 -> 5", new_deployment("foo", 5),
     new_deployment("foo", 4), None,
     [rs("foo-v2", 2, None, OLD_TS), rs("foo-v1", 2, None, OLDER_TS)], None, [3, 2], (), {}),
    ("proportional scaling: 6 -> 0", new_deployment("foo", 0), new_deployment("foo", 6),
     rs("foo-v3", 3, None, NEW_TS),
     [rs("foo-v2", 2, None, OLD_TS), rs("foo-v1", 1, None, OLDER_TS)], 0, [0, 0], (), {}),
    ("proportional scaling: 0 -> 6", new_deployment("foo", 6), new_deployment("foo", 6),
     rs("foo-v3", 0, None, NEW_TS),
     [rs("foo-v2", 0, None, OLD_TS), rs("foo-v1", 0, None, OLDER_TS)], 6, [0, 0],
     ("foo-v2", "foo-v1"), {}),
    ("failed rs update", new_deployment("foo", 5), new_deployment("foo", 5),
     rs("foo-v3", 2, None, NEW_TS),
     [rs("foo-v2", 1, None, OLD_TS), rs("foo-v1", 1, None, OLDER_TS)], 2, [2, 1],
     ("foo-v3", "foo-v1"), {"foo-v2": 3}),
    ("deployment with surge pods", new_deployment("foo", 20, max_surge=2),
     new_deployment("foo", 10, max_surge=2),
     rs("foo-v2", 6, None, NEW_TS), [rs("foo-v1", 6, None, OLD_TS)], 11, [11], (), {}),
    ("change both surge and size", new_deployment("foo", 50, max_surge=6),
     new_deployment("foo", 10, max_surge=3),
     rs("foo-v2", 5, None, NEW_TS), [rs("foo-v1", 8, None, OLD_TS)], 22, [34], (), {}),
    ("change both size and template", _updated_template(14),
     new_deployment("foo", 10, selector={"foo": "bar"}), None,
     [rs("foo-v2", 7, None, NEW_TS), rs("foo-v1", 3, None, OLD_TS)], None, [10, 4], (), {}),
    ("saturated but broken new replica set does not affect old pods",
     new_deployment("foo", 2, max_surge=1, max_unavailable=1),
     new_deployment("foo", 2, max_surge=1, max_unavailable=1),
     with_status(rs("foo-v2", 2, None, NEW_TS), availableReplicas=0),
     [rs("foo-v1", 1, None, OLD_TS)], 2, [1], (), {}),
]


def _annotate_from(old_deployment, replica_set, desired_override):
    """TestScale harness: RSs without annotations get desired-/max-replicas of the old
    deployment (v1 scaling)."""
    if replica_set is None or "annotations" in replica_set["metadata"]:
        return replica_set
    desired = desired_override.get(replica_set["metadata"]["name"],
                                   old_deployment["spec"]["replicas"])
    old = copy.deepcopy(old_deployment)
    old["spec"]["replicas"] = desired
    annotated, _ = du.set_replicas_annotations(replica_set, desired, desired + du.max_surge(old))
    return annotated


@pytest.mark.parametrize("case", SCALE, ids=[c[0] for c in SCALE])
def test_scale(case):
    (_, deployment, old_deployment, new_rs, old_rss, expected_new, expected_old,
     wasnt_updated, desired_annotations) = case
    new_rs = _annotate_from(old_deployment, new_rs, desired_annotations)
    old_rss = [_annotate_from(old_deployment, r, desired_annotations) for r in old_rss]
    inputs = copy.deepcopy((deployment, new_rs, old_rss))
    steps = ro.proportional_scale(deployment, new_rs, old_rss)
    assert (deployment, new_rs, old_rss) == inputs  # nothing mutated
    sizes = apply_steps([r for r in [new_rs, *old_rss] if r], steps, skip=wasnt_updated)
    if new_rs is not None and expected_new is not None:
        assert sizes[new_rs["metadata"]["name"]] == expected_new
    assert [sizes[r["metadata"]["name"]] for r in old_rss] == expected_old


def test_scale_from_zero_writes_only_the_new_replicaset():
    _, d, old_d, new_rs, old_rss, *_ = SCALE[11]
    steps = ro.proportional_scale(d, _annotate_from(old_d, new_rs, {}),
                                  [_annotate_from(old_d, r, {}) for r in old_rss])
    assert steps == [ro.ScaleStep("foo-v3", 0, 6, "up")]


def test_proportional_steps_cover_every_active_replicaset_in_order():
    _, d, old_d, new_rs, old_rss, *_ = SCALE[6]  # 13 -> 8
    steps = ro.proportional_scale(d, _annotate_from(old_d, new_rs, {}),
                                  [_annotate_from(old_d, r, {}) for r in old_rss])
    assert steps == [ro.ScaleStep("foo-v2", 8, 5, "down"), ro.ScaleStep("foo-v1", 3, 2, "down"),
                     ro.ScaleStep("foo-v3", 2, 1, "down")]


def test_saturated_new_replicaset_scales_old_ones_to_zero():
    d = new_deployment("foo", 3, max_surge=1)
    new_rs = with_status(rs("foo-v2", 3, None, NEW_TS), availableReplicas=3)
    new_rs, _ = du.set_replicas_annotations(new_rs, 3, 4)
    old = [rs("foo-v1", 1, None, OLD_TS), rs("foo-v0", 0, None, OLDER_TS)]
    assert ro.proportional_scale(d, new_rs, old) == [ro.ScaleStep("foo-v1", 1, 0, "down")]


def test_recreate_scaling_event_with_two_active_does_nothing():
    d = new_deployment("foo", 5)
    d["spec"]["strategy"] = {"type": "Recreate"}
    assert ro.proportional_scale(d, rs("a", 2, None, NEW_TS), [rs("b", 2, None, OLD_TS)]) == []


def test_docs_example_scaling_a_stuck_rollout():
    """Deployment concept page: 10 replicas, maxSurge 3, maxUnavailable 2, stuck at old 8 /
    new 5; scaled to 15 -> 3 replicas added to the old RS and 2 to the new one."""
    d = new_deployment("nginx", 15, max_surge=3, max_unavailable=2)
    old = du.set_replicas_annotations(rs("old", 8, None, OLD_TS), 10, 13)[0]
    new = du.set_replicas_annotations(rs("new", 5, None, NEW_TS), 10, 13)[0]
    assert apply_steps([old, new], ro.proportional_scale(d, new, [old])) == {"old": 11, "new": 7}


# --------------------------------------------------------------------------- scale_replicaset

def test_scale_replicaset_writes_size_and_annotations_with_event():
    d = new_deployment("foo", 4, max_surge=1)
    target = rs("foo-v1", 2)
    updated, message = ro.scale_replicaset(d, target, 3)
    assert updated["spec"]["replicas"] == 3
    assert updated["metadata"]["annotations"] == {du.DESIRED_REPLICAS_ANNOTATION: "4",
                                                  du.MAX_REPLICAS_ANNOTATION: "5"}
    assert message == "Scaled up replica set foo-v1 to 3 from 2"
    assert target["spec"]["replicas"] == 2
    # annotations only: written, no event
    stale = du.set_replicas_annotations(rs("foo-v1", 3), 3, 4)[0]
    updated, message = ro.scale_replicaset(d, stale, 3, "")
    assert updated["metadata"]["annotations"][du.DESIRED_REPLICAS_ANNOTATION] == "4"
    assert message is None
    # nothing to do
    assert ro.scale_replicaset(d, updated, 3) == (None, None)
    # the operation word comes from the caller (proportional scaling of the whole deployment)
    assert ro.scale_replicaset(d, updated, 1, "up")[1] == "Scaled up replica set foo-v1 to 1 from 3"


# --------------------------------------------------------------------------- rolling.go tables

RECONCILE_NEW = [
    ("should not scale up when old replica set is fully saturated", 10, 0, 10, 0, None),
    ("should scale up according to the maxSurge when old replica set is fully saturated",
     10, 2, 10, 0, 2),
    ("should scale up according to the maxSurge", 10, 2, 5, 0, 7),
    ("should not scale when maxSurge is fully saturated", 10, 2, 10, 2, None),
    ("should scale down when there are replicas above maxSurge", 10, 2, 2, 11, 10),
]


@pytest.mark.parametrize("name,replicas,surge,old_replicas,new_replicas,expected",
                         RECONCILE_NEW, ids=[c[0] for c in RECONCILE_NEW])
def test_deployment_controller_reconcile_new_replicaset(name, replicas, surge, old_replicas,
                                                        new_replicas, expected):
    new_rs = with_status(rs("foo-v2", new_replicas), observedGeneration=1)
    old_rs = with_status(rs("foo-v1", old_replicas), observedGeneration=1)
    d = new_deployment("foo", replicas, None, surge, 0, {"foo": "bar"})
    assert ro.reconcile_new_replicaset(d, [new_rs, old_rs], new_rs) == expected


RECONCILE_OLD = [
    # replicas, maxUnavailable, old, new, ready old, ready new, scale expected, expected old
    ("scenario 0", 10, 0, 10, 0, 10, 0, True, 9),
    ("scenario 1", 10, 2, 10, 0, 10, 0, True, 8),
    ("scenario 2: unhealthy replicas from old replica sets cleaned up",
     10, 2, 10, 0, 8, 0, True, 8),
    ("scenario 3: 1 unhealthy replica cleaned up and 1 ready pod scaled down",
     10, 2, 10, 0, 9, 0, True, 8),
    ("scenario 4: unavailable pods from the newRS do not make us scale down old RSs",
     10, 2, 8, 2, 8, 0, False, 8),
]


@pytest.mark.parametrize(
    "name,replicas,max_unavail,old_replicas,new_replicas,ready_old,ready_new,scale,expected_old",
    RECONCILE_OLD, ids=[c[0] for c in RECONCILE_OLD])
def test_deployment_controller_reconcile_old_replicasets(
        name, replicas, max_unavail, old_replicas, new_replicas, ready_old, ready_new, scale,
        expected_old):
    new_rs = with_status(rs("foo-new", new_replicas, {"foo": "new"}), availableReplicas=ready_new)
    old_rs = with_status(rs("foo-old", old_replicas, {"foo": "old"}), availableReplicas=ready_old)
    d = new_deployment("foo", replicas, None, 0, max_unavail, {"foo": "new"})
    steps = ro.reconcile_old_replicasets(d, [old_rs, new_rs], [old_rs], new_rs)
    assert bool(steps) is scale
    assert apply_steps([old_rs, new_rs], steps)["foo-old"] == expected_old


def test_reconcile_old_replicasets_scales_same_rs_twice():
    # scenario 3 in detail: two writes (and two events) on the same RS in one sync.
    new_rs = with_status(rs("foo-new", 0), availableReplicas=0)
    old_rs = with_status(rs("foo-old", 10), availableReplicas=9)
    d = new_deployment("foo", 10, None, 0, 2)
    assert ro.reconcile_old_replicasets(d, [old_rs, new_rs], [old_rs], new_rs) == [
        ro.ScaleStep("foo-old", 10, 9, "down"), ro.ScaleStep("foo-old", 9, 8, "down")]


CLEANUP_UNHEALTHY = [
    ("scenario 0", 10, 8, 1, 1),
    ("scenario 1", 10, 8, 3, 2),
    ("scenario 2", 10, 8, 0, 0),
    ("scenario 3", 10, 10, 3, 0),
]


@pytest.mark.parametrize("name,old_replicas,ready,max_cleanup,expected", CLEANUP_UNHEALTHY,
                         ids=[c[0] for c in CLEANUP_UNHEALTHY])
def test_deployment_controller_cleanup_unhealthy_replicas(name, old_replicas, ready,
                                                          max_cleanup, expected):
    old_rs = with_status(rs("foo-v2", old_replicas), availableReplicas=ready)
    d = new_deployment("foo", 10, None, 2, 2)
    steps, updated, count = ro.cleanup_unhealthy_replicas([old_rs], d, max_cleanup)
    assert count == expected
    assert updated[0]["spec"]["replicas"] == old_replicas - expected
    assert updated[0]["status"] == old_rs["status"]


def test_cleanup_unhealthy_replicas_oldest_first():
    d = new_deployment("foo", 10, None, 2, 2)
    older = with_status(rs("b-older", 3, None, OLDER_TS), availableReplicas=1)
    old = with_status(rs("a-old", 3, None, OLD_TS), availableReplicas=1)
    steps, _, count = ro.cleanup_unhealthy_replicas([old, older], d, 3)
    assert steps == [ro.ScaleStep("b-older", 3, 1, "down"), ro.ScaleStep("a-old", 3, 2, "down")]
    assert count == 3


SCALE_DOWN_OLD = [
    ("scenario 0", 10, 0, 10, 10, True, 9),
    ("scenario 1", 10, 2, 10, 10, True, 8),
    ("scenario 2", 10, 2, 8, 10, False, None),
    ("scenario 3", 10, 2, 10, 0, False, None),
    ("scenario 4", 10, 2, 1, 10, False, None),
]


@pytest.mark.parametrize("name,replicas,max_unavail,ready,old_replicas,scale,expected",
                         SCALE_DOWN_OLD, ids=[c[0] for c in SCALE_DOWN_OLD])
def test_deployment_controller_scale_down_old_replicasets_for_rolling_update(
        name, replicas, max_unavail, ready, old_replicas, scale, expected):
    old_rs = with_status(rs("foo-v2", old_replicas), availableReplicas=ready)
    d = new_deployment("foo", replicas, None, 0, max_unavail, {"foo": "bar"})
    steps, count = ro.scale_down_old_replicasets_for_rolling_update([old_rs], [old_rs], d)
    assert (count > 0) is scale
    if scale:
        assert len(steps) == 1 and steps[0].new_size == expected


# --------------------------------------------------------------------------- whole rollouts

def _mini_rollout(d, old_rs, ready_new=True, max_syncs=20):
    """Drive rolling syncs the way rolloutRolling does, with an RS controller whose pods
    become available at once (or never, for the new RS). Returns (events, sizes)."""
    new_rs = ro.new_replicaset(d, [old_rs])
    events = [du.created_event_message(new_rs["metadata"]["name"], new_rs["spec"]["replicas"])]
    rss = {"old": old_rs, "new": new_rs}

    def settle():
        for key, obj in rss.items():
            n = obj["spec"]["replicas"]
            available = n if (key == "old" or ready_new) else 0
            rss[key] = with_status(obj, replicas=n, readyReplicas=available,
                                   availableReplicas=available)

    settle()
    for _ in range(max_syncs):
        all_rss = [rss["old"], rss["new"]]
        size = ro.reconcile_new_replicaset(d, all_rss, rss["new"])
        steps = [] if size is None else [ro.ScaleStep(
            rss["new"]["metadata"]["name"], rss["new"]["spec"]["replicas"], size,
            "up" if size > rss["new"]["spec"]["replicas"] else "down")]
        if not steps:
            steps = ro.reconcile_old_replicasets(d, all_rss, [rss["old"]], rss["new"])
        if not steps:
            break
        for step in steps:
            key = "new" if step.name == rss["new"]["metadata"]["name"] else "old"
            updated, message = ro.scale_replicaset(d, rss[key], step.new_size, step.operation)
            rss[key] = updated
            events.append(message)
        settle()
    return events, {k: v["spec"]["replicas"] for k, v in rss.items()}


def test_rolling_update_event_sequence_three_replicas():
    d = new_deployment("web", 3, None, "25%", "25%", {"app": "web"})
    old_rs = with_status(rs("web-old", 3, None, OLD_TS), replicas=3, availableReplicas=3)
    events, sizes = _mini_rollout(d, old_rs)
    new = "web-" + compute_hash(d["spec"]["template"], None)
    assert events == [
        f"Scaled up replica set {new} to 1",
        "Scaled down replica set web-old to 2 from 3",
        f"Scaled up replica set {new} to 2 from 1",
        "Scaled down replica set web-old to 1 from 2",
        f"Scaled up replica set {new} to 3 from 2",
        "Scaled down replica set web-old to 0 from 1",
    ]
    assert sizes == {"old": 0, "new": 3}


def test_rolling_update_stalls_when_new_pods_never_become_ready():
    """rolling.go comment: 10 replicas, maxSurge 3, maxUnavailable 2, new pods crash-loop:
    new 3 -> old 8 -> new 5, then nothing more (13 pods)."""
    d = new_deployment("web", 10, None, 3, 2, {"app": "web"})
    old_rs = with_status(rs("web-old", 10, None, OLD_TS), replicas=10, availableReplicas=10)
    events, sizes = _mini_rollout(d, old_rs, ready_new=False)
    assert sizes == {"old": 8, "new": 5}
    assert len(events) == 3


# --------------------------------------------------------------------------- recreate.go

def test_scale_down_old_replicasets():
    # recreate_test.go TestScaleDownOldReplicaSets: oldRSSizes [3]
    assert ro.scale_down_old_replicasets_for_recreate([rs("foo-0", 3)]) == [
        ro.ScaleStep("foo-0", 3, 0, "down")]
    assert ro.scale_down_old_replicasets_for_recreate([rs("foo-1", 0)]) == []


def rs_with_uid(uid):
    r = rs(f"foo-{uid}", 0)
    r["metadata"]["uid"] = uid
    return r


def rs_with_status_replicas(name, spec_replicas, status_replicas):
    return with_status(rs(name, spec_replicas), replicas=status_replicas)


def phases(*names):
    return [{"metadata": {"name": f"p{i}"}, "status": {"phase": p}} for i, p in enumerate(names)]


OLD_PODS_RUNNING = [
    ("no old RSs", None, [], {}, False),
    ("old RSs with running pods", None, [rs_with_uid("some-uid"), rs_with_uid("other-uid")],
     {"some-uid": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b"}}],
      "other-uid": [{"metadata": {"name": "c"}}, {"metadata": {"name": "d"}}]}, True),
    ("old RSs without pods but with non-zero status replicas", None,
     [rs_with_status_replicas("rs-1", 0, 1)], {}, True),
    ("old RSs without pods or non-zero status replicas", None,
     [rs_with_status_replicas("rs-1", 0, 0)], {}, False),
    ("old RSs with zero status replicas but pods in terminal state are present", None,
     [rs_with_status_replicas("rs-1", 0, 0)], {"uid-1": phases("Failed", "Succeeded")}, False),
    ("old RSs with zero status replicas but pod in unknown phase present", None,
     [rs_with_status_replicas("rs-1", 0, 0)], {"uid-1": phases("Unknown")}, True),
    ("old RSs with zero status replicas with pending pod present", None,
     [rs_with_status_replicas("rs-1", 0, 0)], {"uid-1": phases("Pending")}, True),
    ("old RSs with zero status replicas with running pod present", None,
     [rs_with_status_replicas("rs-1", 0, 0)], {"uid-1": phases("Running")}, True),
    ("old RSs with zero status replicas but pods in terminal state and pending are present",
     None, [rs_with_status_replicas("rs-1", 0, 0)],
     {"uid-1": phases("Failed", "Succeeded"), "uid-2": [], "uid-3": phases("Pending")}, True),
]


@pytest.mark.parametrize("name,new_rs,old_rss,pod_map,expected", OLD_PODS_RUNNING,
                         ids=[c[0] for c in OLD_PODS_RUNNING])
def test_old_pods_running(name, new_rs, old_rss, pod_map, expected):
    assert ro.old_pods_running(new_rs, old_rss, pod_map) is expected


def test_old_pods_running_ignores_the_new_replicasets_pods():
    new = rs_with_uid("new-uid")
    assert not ro.old_pods_running(new, [], {"new-uid": phases("Running")})


def test_scale_up_new_replicaset_for_recreate():
    d = new_deployment("foo", 4)
    assert ro.scale_up_new_replicaset_for_recreate(d, rs("n", 0)) == 4
    assert ro.scale_up_new_replicaset_for_recreate(d, rs("n", 4)) is None


# --------------------------------------------------------------------------- progress.go

TEST_TIME = parse_time("2017-02-15T18:49:00Z")
PDS = 60


def current_deployment(pds, replicas, status_replicas, updated, available, conditions):
    """progress_test.go currentDeployment (Recreate strategy)."""
    spec = {"replicas": replicas, "strategy": {"type": "Recreate"}}
    if pds is not None:
        spec["progressDeadlineSeconds"] = pds
    status = {"replicas": status_replicas, "updatedReplicas": updated,
              "availableReplicas": available}
    if conditions:
        status["conditions"] = copy.deepcopy(conditions)
    return {"metadata": {"name": "progress-test"}, "spec": spec, "status": status}


def rs_with_available(name, spec_replicas, status_replicas, available):
    """progress_test.go newRSWithAvailable."""
    return {"metadata": {"name": name}, "spec": {"replicas": spec_replicas},
            "status": {"replicas": status_replicas, "availableReplicas": available}}


FAILED = [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]
STUCK = [{"type": "Progressing", "status": "True", "lastUpdateTime": format_time(TEST_TIME)}]


def at(text):
    return parse_time(text)


REQUEUE_STUCK = [
    ("nil progressDeadlineSeconds specified", current_deployment(None, 4, 3, 3, 2, None),
     (3, 3, 2), None, None),
    ("infinite progressDeadlineSeconds specified",
     current_deployment(MAX_INT32, 4, 3, 3, 2, None), (3, 3, 2), None, None),
    ("no progressing condition found", current_deployment(PDS, 4, 3, 3, 2, None), (3, 3, 2),
     None, None),
    ("complete deployment does not need to be requeued",
     current_deployment(PDS, 3, 3, 3, 3, None), (3, 3, 3), None, None),
    ("already failed deployment does not need to be requeued",
     current_deployment(PDS, 3, 3, 3, 0, FAILED), (3, 3, 0), None, None),
    ("stuck deployment - 30s", current_deployment(PDS, 3, 3, 3, 1, STUCK), (3, 3, 1),
     at("2017-02-15T18:49:30Z"), 30_000),
    ("stuck deployment - 1s", current_deployment(PDS, 3, 3, 3, 1, STUCK), (3, 3, 1),
     at("2017-02-15T18:49:59Z"), 1_000),
    # upstream: 1ns past 18:49:59; milliseconds are our resolution
    ("failed deployment - less than a second => now",
     current_deployment(PDS, 3, 3, 3, 1, STUCK), (3, 3, 1), at("2017-02-15T18:49:59Z") + 1, 0),
    ("failed deployment - now", current_deployment(PDS, 3, 3, 3, 1, STUCK), (3, 3, 1),
     at("2017-02-15T18:50:00Z"), 0),
    ("failed deployment - 1s after deadline", current_deployment(PDS, 3, 3, 3, 1, STUCK),
     (3, 3, 1), at("2017-02-15T18:50:01Z"), 0),
    ("failed deployment - 60s after deadline", current_deployment(PDS, 3, 3, 3, 1, STUCK),
     (3, 3, 1), at("2017-02-15T18:51:00Z"), 0),
]


@pytest.mark.parametrize("name,d,status,now,expected", REQUEUE_STUCK,
                         ids=[c[0] for c in REQUEUE_STUCK])
def test_requeue_stuck_deployment(name, d, status, now, expected):
    new_status = {"replicas": status[0], "updatedReplicas": status[1],
                  "availableReplicas": status[2]}
    assert ro.requeue_stuck_deployment(d, new_status, now or TEST_TIME) == expected


FAILED_TIMED_OUT = {"type": "Progressing", "status": "False",
                    "reason": "ProgressDeadlineExceeded"}
NEW_RS_AVAILABLE = {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                    "lastUpdateTime": format_time(TEST_TIME),
                    "lastTransitionTime": format_time(TEST_TIME)}
REPLICASET_UPDATED = {"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated",
                      "lastUpdateTime": format_time(TEST_TIME),
                      "lastTransitionTime": format_time(TEST_TIME)}
LATER = parse_time("2026-01-01T00:00:00Z")

SYNC_ROLLOUT_STATUS = [
    # name, deployment, allRSs, newRS, expected (status, reason) or None, checks
    ("General: remove Progressing condition and do not estimate progress if deployment has no "
     "Progress Deadline", current_deployment(None, 3, 2, 2, 2, [REPLICASET_UPDATED]),
     [rs_with_available("bar", 0, 1, 1)], rs_with_available("foo", 3, 2, 2), None, ()),
    ("General: do not estimate progress of deployment with only one active ReplicaSet",
     current_deployment(PDS, 3, 3, 3, 3, [NEW_RS_AVAILABLE]),
     [rs_with_available("bar", 3, 3, 3)], None, ("True", "NewReplicaSetAvailable"),
     ("update", "transition")),
    ("DeploymentProgressing: dont update lastTransitionTime if deployment already has "
     "Progressing=True", current_deployment(PDS, 3, 2, 2, 2, [REPLICASET_UPDATED]),
     [rs_with_available("bar", 0, 1, 1)], rs_with_available("foo", 3, 2, 2),
     ("True", "ReplicaSetUpdated"), ("transition",)),
    ("DeploymentProgressing: update everything if deployment has Progressing=False",
     current_deployment(PDS, 3, 2, 2, 2, [FAILED_TIMED_OUT]),
     [rs_with_available("bar", 0, 1, 1)], rs_with_available("foo", 3, 2, 2),
     ("True", "ReplicaSetUpdated"), ("fresh",)),
    ("DeploymentProgressing: create Progressing condition if it does not exist",
     current_deployment(PDS, 3, 2, 2, 2, []),
     [rs_with_available("bar", 0, 1, 1)], rs_with_available("foo", 3, 2, 2),
     ("True", "ReplicaSetUpdated"), ("fresh",)),
    ("DeploymentComplete: dont update lastTransitionTime if deployment already has "
     "Progressing=True", current_deployment(PDS, 3, 3, 3, 3, [REPLICASET_UPDATED]),
     [], rs_with_available("foo", 3, 3, 3), ("True", "NewReplicaSetAvailable"), ("transition",)),
    ("DeploymentComplete: update everything if deployment has Progressing=False",
     current_deployment(PDS, 3, 3, 3, 3, [FAILED_TIMED_OUT]),
     [], rs_with_available("foo", 3, 3, 3), ("True", "NewReplicaSetAvailable"), ("fresh",)),
    ("DeploymentComplete: create Progressing condition if it does not exist",
     current_deployment(PDS, 3, 3, 3, 3, []),
     [], rs_with_available("foo", 3, 3, 3), ("True", "NewReplicaSetAvailable"), ("fresh",)),
    ("DeploymentComplete: defend against NPE when newRS=nil",
     current_deployment(PDS, 0, 3, 3, 3, [REPLICASET_UPDATED]),
     [rs_with_available("foo", 0, 0, 0)], None, ("True", "NewReplicaSetAvailable"),
     ("transition",)),
    ("DeploymentTimedOut: update status if rollout exceeds Progress Deadline",
     current_deployment(PDS, 3, 2, 2, 2, [REPLICASET_UPDATED]),
     [], rs_with_available("foo", 3, 2, 2), ("False", "ProgressDeadlineExceeded"), ("fresh",)),
    ("DeploymentTimedOut: do not update status if deployment has existing timedOut condition",
     current_deployment(PDS, 3, 2, 2, 2, [FAILED_TIMED_OUT]),
     [], rs_with_available("foo", 3, 2, 2), ("False", "ProgressDeadlineExceeded"),
     ("unchanged",)),
]


@pytest.mark.parametrize("name,d,all_rss,new_rs,expected,checks", SYNC_ROLLOUT_STATUS,
                         ids=[c[0] for c in SYNC_ROLLOUT_STATUS])
def test_sync_rollout_status(name, d, all_rss, new_rs, expected, checks):
    all_rss = [*all_rss, new_rs] if new_rs is not None else all_rss
    before = copy.deepcopy(d)
    status = ro.sync_rollout_status(d, all_rss, new_rs, LATER)
    assert d == before
    cond = du.get_deployment_condition(status, "Progressing")
    if expected is None:
        assert cond is None
        return
    assert (cond["status"], cond["reason"]) == expected
    old = du.get_deployment_condition(d["status"], "Progressing")
    if "update" in checks:
        assert cond["lastUpdateTime"] == format_time(TEST_TIME)
    if "transition" in checks:
        assert cond["lastTransitionTime"] == format_time(TEST_TIME)
    if "fresh" in checks:
        assert cond["lastUpdateTime"] == cond["lastTransitionTime"] == format_time(LATER)
    if "unchanged" in checks:
        assert cond == old


def test_sync_rollout_status_progress_refreshes_last_update_time():
    d = current_deployment(PDS, 3, 2, 2, 2, [REPLICASET_UPDATED])
    new = rs_with_available("foo", 3, 2, 2)
    status = ro.sync_rollout_status(d, [rs_with_available("bar", 0, 1, 1), new], new, LATER)
    cond = du.get_deployment_condition(status, "Progressing")
    assert cond["lastUpdateTime"] == format_time(LATER)
    assert cond["message"] == 'ReplicaSet "foo" is progressing.'
    # the settled order: Available then Progressing (most recently changed last)
    assert [c["type"] for c in status["conditions"]] == ["Available", "Progressing"]


def test_sync_rollout_status_copies_replica_failures():
    d = current_deployment(None, 3, 0, 0, 0, [])
    failure = {"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate",
               "message": "forbidden: exceeded quota", "lastTransitionTime": format_time(LATER)}
    new = with_status(rs_with_available("foo", 3, 0, 0), conditions=[failure])
    status = ro.sync_rollout_status(d, [new], new, LATER)
    copied = du.get_deployment_condition(status, "ReplicaFailure")
    assert copied["reason"] == "FailedCreate"
    assert copied["lastUpdateTime"] == format_time(LATER)
    # gone from the RSs -> removed from the deployment
    d2 = {**d, "status": status}
    healthy = rs_with_available("foo", 3, 0, 0)
    assert du.get_deployment_condition(
        ro.sync_rollout_status(d2, [healthy], healthy, LATER), "ReplicaFailure") is None


def test_get_replica_failures_prefers_the_new_rs():
    def failing(name, reason):
        return with_status(rs(name, 1), conditions=[
            {"type": "ReplicaFailure", "status": "True", "reason": reason}])

    old, new = failing("old", "FailedDelete"), failing("new", "FailedCreate")
    assert [c["reason"] for c in ro.get_replica_failures([old, new], new)] == ["FailedCreate"]
    assert [c["reason"] for c in ro.get_replica_failures([old, None], rs("n", 1))] == \
        ["FailedDelete"]


@pytest.mark.parametrize("paused,existing,expected", [
    (True, None, ("Unknown", "DeploymentPaused", "Deployment is paused")),
    (True, "DeploymentPaused", None),
    (False, "DeploymentPaused", ("Unknown", "DeploymentResumed", "Deployment is resumed")),
    (False, None, None),
    (True, "ProgressDeadlineExceeded", None),
])
def test_paused_condition_status(paused, existing, expected):
    d = new_deployment("foo", 1)
    d["spec"]["progressDeadlineSeconds"] = 600
    d["spec"]["paused"] = paused
    if existing:
        d["status"] = {"conditions": [{"type": "Progressing", "status": "True",
                                       "reason": existing}]}
    status = ro.paused_condition_status(d, LATER)
    if expected is None:
        assert status is None
    else:
        cond = du.get_deployment_condition(status, "Progressing")
        assert (cond["status"], cond["reason"], cond["message"]) == expected
    d["spec"].pop("progressDeadlineSeconds")
    assert ro.paused_condition_status(d, LATER) is None


# --------------------------------------------------------------------------- new ReplicaSet

def test_new_replicaset_for_a_fresh_deployment():
    d = new_deployment("web", 3, None, "25%", "25%", {"app": "web"})
    d["metadata"]["annotations"] = {"team": "a", du.REVISION_ANNOTATION: "9"}
    d["spec"]["minReadySeconds"] = 5
    created = ro.new_replicaset(d, [])
    pod_hash = compute_hash(d["spec"]["template"], None)
    assert created == {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {
            "name": f"web-{pod_hash}", "namespace": "default",
            "labels": {"app": "web", POD_TEMPLATE_HASH_LABEL: pod_hash},
            "annotations": {"team": "a", du.REVISION_ANNOTATION: "1",
                            du.DESIRED_REPLICAS_ANNOTATION: "3",
                            du.MAX_REPLICAS_ANNOTATION: "4"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                 "uid": "uid-web", "controller": True,
                                 "blockOwnerDeletion": True}]},
        "spec": {
            "replicas": 3, "minReadySeconds": 5,
            "selector": {"matchLabels": {"app": "web", POD_TEMPLATE_HASH_LABEL: pod_hash}},
            "template": {"metadata": {"labels": {"app": "web",
                                                 POD_TEMPLATE_HASH_LABEL: pod_hash}},
                         "spec": {"containers": [{"image": "foo/bar"}]}}},
    }
    assert POD_TEMPLATE_HASH_LABEL not in d["spec"]["template"]["metadata"]["labels"]


def test_new_replicaset_during_a_rollout_and_after_a_collision():
    d = new_deployment("web", 10, None, 3, 2, {"app": "web"})
    old = du.set_new_replicaset_annotations(d, rs("web-old", 10), "4", exists=True)[0]
    created = ro.new_replicaset(d, [old])
    assert created["spec"]["replicas"] == 3          # surge room only
    assert created["metadata"]["annotations"][du.REVISION_ANNOTATION] == "5"
    bumped = ro.deployment_with_collision_bump(d)
    assert bumped["status"]["collisionCount"] == 1
    assert ro.deployment_with_collision_bump(bumped)["status"]["collisionCount"] == 2
    assert ro.new_replicaset(bumped, [old])["metadata"]["name"] != created["metadata"]["name"]
    recreate = copy.deepcopy(d)
    recreate["spec"]["strategy"] = {"type": "Recreate"}
    assert ro.new_replicaset(recreate, [old])["spec"]["replicas"] == 10


def test_existing_replicaset_is_new():
    d = new_deployment("web", 1, selector={"app": "web"})
    ours = ro.new_replicaset(d, [])
    assert ro.existing_replicaset_is_new(d, ours)
    theirs = copy.deepcopy(ours)
    theirs["metadata"]["ownerReferences"][0]["uid"] = "someone-else"
    assert not ro.existing_replicaset_is_new(d, theirs)
    other_template = copy.deepcopy(ours)
    other_template["spec"]["template"]["spec"]["containers"][0]["image"] = "other"
    assert not ro.existing_replicaset_is_new(d, other_template)


def test_sync_existing_new_replicaset():
    d = new_deployment("web", 2, selector={"app": "web"})
    current = ro.new_replicaset(d, [])
    assert ro.sync_existing_new_replicaset(d, current, []) is None
    d2 = copy.deepcopy(d)
    d2["spec"]["minReadySeconds"] = 10
    updated = ro.sync_existing_new_replicaset(d2, current, [])
    assert updated["spec"]["minReadySeconds"] == 10
    d3 = copy.deepcopy(d)
    d3["metadata"]["annotations"]["kubernetes.io/change-cause"] = "v2"
    updated = ro.sync_existing_new_replicaset(d3, current, [])
    assert updated["metadata"]["annotations"]["kubernetes.io/change-cause"] == "v2"
    # rollback: the RS found as new gets max(old) + 1 and remembers its old number
    old = du.set_new_replicaset_annotations(d, rs("web-v2", 0), "2", exists=True)[0]
    rolled = ro.sync_existing_new_replicaset(d, current, [old])
    assert rolled["metadata"]["annotations"][du.REVISION_ANNOTATION] == "3"
    assert rolled["metadata"]["annotations"][du.REVISION_HISTORY_ANNOTATION] == "1"


def test_deployment_after_new_replicaset():
    d = new_deployment("web", 2, selector={"app": "web"})
    d["spec"]["progressDeadlineSeconds"] = 600
    created = ro.new_replicaset(d, [])
    after = ro.deployment_after_new_replicaset(d, created, ro.NEW_RS_CREATED, LATER)
    assert after["metadata"]["annotations"][du.REVISION_ANNOTATION] == "1"
    cond = du.get_deployment_condition(after["status"], "Progressing")
    assert (cond["reason"], cond["message"]) == (
        "NewReplicaSetCreated", f'Created new replica set "{created["metadata"]["name"]}"')
    # next sync: revision already there, Progressing exists -> nothing to write
    assert ro.deployment_after_new_replicaset(after, created, ro.NEW_RS_FOUND, LATER) is None
    # a deployment that never had a Progressing condition "finds" its RS
    bare = {**after, "status": {}}
    found = ro.deployment_after_new_replicaset(bare, created, ro.NEW_RS_FOUND, LATER)
    assert du.get_deployment_condition(found["status"], "Progressing")["reason"] == \
        "FoundNewReplicaSet"
    # AlreadyExists but ours: revision only, no condition
    conflict = ro.deployment_after_new_replicaset({**d, "status": {}}, created,
                                                  ro.NEW_RS_ALREADY_EXISTED, LATER)
    assert conflict["metadata"]["annotations"][du.REVISION_ANNOTATION] == "1"
    assert conflict["status"] == {}
    with pytest.raises(ValueError):
        ro.deployment_after_new_replicaset(d, created, "maybe", LATER)


def test_deployment_after_failed_create():
    d = new_deployment("web", 2)
    d["spec"]["progressDeadlineSeconds"] = 600
    after, message = ro.deployment_after_failed_create(d, "web-abc", "quota exceeded", LATER)
    assert message == 'Failed to create new replica set "web-abc": quota exceeded'
    cond = du.get_deployment_condition(after["status"], "Progressing")
    assert (cond["status"], cond["reason"]) == ("False", "ReplicaSetCreateError")
    d["spec"].pop("progressDeadlineSeconds")
    assert ro.deployment_after_failed_create(d, "web-abc", "x", LATER)[0] is None


# --------------------------------------------------------------------------- ReplicaSet status

LABEL_MAP = {"name": "foo"}
FULL_LABEL_MAP = {"name": "foo", "type": "production"}


def new_replicaset(replicas, selector, min_ready=0):
    """replica_set_test.go newReplicaSet: template labels name=foo,type=production."""
    spec = {"replicas": replicas, "selector": {"matchLabels": dict(selector)},
            "template": {"metadata": {"labels": dict(FULL_LABEL_MAP)}}}
    if min_ready:
        spec["minReadySeconds"] = min_ready
    return {"metadata": {"name": "foobar", "namespace": "default"}, "spec": spec}


def new_pod(name, replica_set, phase, ready_since=None):
    """replica_set_test.go newPod: labels = the RS selector; Running pods are Ready."""
    status = {"phase": phase}
    if phase == "Running":
        cond = {"type": "Ready", "status": "True"}
        if ready_since is not None:
            cond["lastTransitionTime"] = format_time(ready_since)
        status["conditions"] = [cond]
    return {"metadata": {"name": name,
                         "labels": dict(replica_set["spec"]["selector"]["matchLabels"])},
            "status": status}


NOT_FULLY = new_replicaset(1, LABEL_MAP)
FULLY = new_replicaset(2, FULL_LABEL_MAP)
LONG_MIN_READY = new_replicaset(1, FULL_LABEL_MAP, 3600)

CALCULATE_STATUS = [
    ("1 fully labelled pod", FULLY, [new_pod("pod1", FULLY, "Running")], [],
     {"replicas": 1, "fullyLabeledReplicas": 1, "readyReplicas": 1, "availableReplicas": 1}),
    ("1 not fully labelled pod", NOT_FULLY, [new_pod("pod1", NOT_FULLY, "Running")], [],
     {"replicas": 1, "readyReplicas": 1, "availableReplicas": 1}),
    ("2 fully labelled pods", FULLY,
     [new_pod("pod1", FULLY, "Running"), new_pod("pod2", FULLY, "Running")], [],
     {"replicas": 2, "fullyLabeledReplicas": 2, "readyReplicas": 2, "availableReplicas": 2}),
    ("2 not fully labelled pods", NOT_FULLY,
     [new_pod("pod1", NOT_FULLY, "Running"), new_pod("pod2", NOT_FULLY, "Running")], [],
     {"replicas": 2, "readyReplicas": 2, "availableReplicas": 2}),
    ("1 fully labelled pod, 1 not fully labelled pod", NOT_FULLY,
     [new_pod("pod1", NOT_FULLY, "Running"), new_pod("pod2", FULLY, "Running")], [],
     {"replicas": 2, "fullyLabeledReplicas": 1, "readyReplicas": 2, "availableReplicas": 2}),
    ("1 non-ready pod", FULLY, [new_pod("pod1", FULLY, "Pending")], [],
     {"replicas": 1, "fullyLabeledReplicas": 1}),
    ("1 ready but non-available pod", LONG_MIN_READY,
     [new_pod("pod1", LONG_MIN_READY, "Running")], [],
     {"replicas": 1, "fullyLabeledReplicas": 1, "readyReplicas": 1}),
    ("1 fully labelled pod and 1 terminating without DeploymentPodReplacementPolicy", FULLY,
     [new_pod("pod1", FULLY, "Running")], [new_pod("pod2", FULLY, "Running")],
     {"replicas": 1, "fullyLabeledReplicas": 1, "readyReplicas": 1, "availableReplicas": 1}),
]


@pytest.mark.parametrize("name,replica_set,active,terminating,expected", CALCULATE_STATUS,
                         ids=[c[0] for c in CALCULATE_STATUS])
def test_calculate_status(name, replica_set, active, terminating, expected):
    for pod in terminating:
        pod["metadata"]["deletionTimestamp"] = format_time(LATER)
    pods = filter_active_pods([*active, *terminating])
    assert ro.calculate_replicaset_status(replica_set, pods, LATER) == expected


REPLICA_FAILURE_RS = {**new_replicaset(10, LABEL_MAP),
                      "status": {"conditions": [{"type": "ReplicaFailure", "status": "True"}]}}
RS2 = new_replicaset(2, LABEL_MAP)

CALCULATE_STATUS_CONDITIONS = [
    ("manageReplicasErr != nil && failureCond == nil, diff < 0", RS2,
     [new_pod("pod1", RS2, "Running")], "fake manageReplicasErr",
     [{"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate",
       "message": "fake manageReplicasErr"}]),
    ("manageReplicasErr != nil && failureCond == nil, diff > 0", RS2,
     [new_pod(f"pod{i}", RS2, "Running") for i in (1, 2, 3)], "fake manageReplicasErr",
     [{"type": "ReplicaFailure", "status": "True", "reason": "FailedDelete",
       "message": "fake manageReplicasErr"}]),
    ("manageReplicasErr == nil && failureCond != nil", REPLICA_FAILURE_RS,
     [new_pod("pod1", REPLICA_FAILURE_RS, "Running")], None, None),
    ("manageReplicasErr != nil && failureCond != nil", REPLICA_FAILURE_RS,
     [new_pod("pod1", REPLICA_FAILURE_RS, "Running")], "fake manageReplicasErr",
     [{"type": "ReplicaFailure", "status": "True"}]),
    ("manageReplicasErr == nil && failureCond == nil", RS2, [new_pod("pod1", RS2, "Running")],
     None, None),
]


@pytest.mark.parametrize("name,replica_set,pods,error,expected", CALCULATE_STATUS_CONDITIONS,
                         ids=[c[0] for c in CALCULATE_STATUS_CONDITIONS])
def test_calculate_status_conditions(name, replica_set, pods, error, expected):
    status = ro.calculate_replicaset_status(replica_set, pods, LATER, error)
    conditions = status.get("conditions")
    if conditions:
        conditions = [{k: v for k, v in c.items() if k != "lastTransitionTime"}
                      for c in conditions]
    assert conditions == expected


def test_replicaset_status_observed_generation_and_steady_state():
    replica_set = {**new_replicaset(1, FULL_LABEL_MAP), "metadata": {
        "name": "foobar", "generation": 2}}
    pods = [new_pod("pod1", replica_set, "Running")]
    status = ro.calculate_replicaset_status(replica_set, pods, LATER)
    assert status["observedGeneration"] == 2
    assert ro.replicaset_status_needs_update(replica_set, status)
    settled = {**replica_set, "status": status}
    assert not ro.replicaset_status_needs_update(
        settled, ro.calculate_replicaset_status(settled, pods, LATER))
    # a new generation must be observed even with unchanged counts
    bumped = {**settled, "metadata": {**settled["metadata"], "generation": 3}}
    assert ro.replicaset_status_needs_update(
        bumped, ro.calculate_replicaset_status(bumped, pods, LATER))


def test_replicaset_requeue_for_min_ready_seconds():
    replica_set = new_replicaset(1, FULL_LABEL_MAP, min_ready=30)
    ready_now = [new_pod("pod1", replica_set, "Running", ready_since=LATER)]
    status = ro.calculate_replicaset_status(replica_set, ready_now, LATER)
    assert status.get("availableReplicas", 0) == 0
    assert ro.replicaset_requeue_after_ms(replica_set, status) == 30_001
    assert ro.replicaset_requeue_after_ms(replica_set, status, "boom") is None
    later = ro.calculate_replicaset_status(replica_set, ready_now, LATER + 30_001)
    assert later["availableReplicas"] == 1
    assert ro.replicaset_requeue_after_ms(replica_set, later) is None


@pytest.mark.parametrize("replicas,pods,expected", [
    (3, 1, 2), (1, 3, -2), (2, 2, 0), (1000, 0, 500), (0, 700, -500),
])
def test_replicas_to_create_or_delete(replicas, pods, expected):
    replica_set = new_replicaset(replicas, LABEL_MAP)
    active = [new_pod(f"p{i}", replica_set, "Running") for i in range(pods)]
    assert ro.replicas_to_create_or_delete(replica_set, active) == expected


# --------------------------------------------------------------------------- rollback.go
# No upstream unit table exists for rollback.go; these follow rollback / rollbackToTemplate /
# getRollbackTo case by case.

def _rollback_rs(name, revision, image, annotations=None):
    r = rs(name, 0)
    r["metadata"]["annotations"] = {du.REVISION_ANNOTATION: str(revision), **(annotations or {})}
    r["spec"]["template"] = {"metadata": {"labels": {"app": "x", POD_TEMPLATE_HASH_LABEL: name}},
                             "spec": {"containers": [{"name": "c", "image": image}]}}
    return r


def _rollback_deployment(image, rollback_to, annotations=None):
    d = new_deployment("web", 3)
    d["metadata"]["annotations"] = {**(annotations or {}),
                                    du.DEPRECATED_ROLLBACK_TO_ANNOTATION: rollback_to}
    d["spec"]["template"] = {"metadata": {"labels": {"app": "x"}},
                             "spec": {"containers": [{"name": "c", "image": image}]}}
    return d


@pytest.mark.parametrize("value,expected", [
    (None, None), ("", None), ("2", 2), ("0", 0), ("+3", 3), ("-1", -1), ("two", None),
    ("9223372036854775808", None)])
def test_get_rollback_to(value, expected):
    d = new_deployment("web", 1)
    if value is not None:
        d["metadata"]["annotations"] = {du.DEPRECATED_ROLLBACK_TO_ANNOTATION: value}
    assert ro.get_rollback_to(d) == expected


def test_rollback_to_a_revision_copies_template_and_annotations():
    d = _rollback_deployment("v3", "1", {du.REVISION_ANNOTATION: "3",
                                         "kubernetes.io/change-cause": "three"})
    rss = [_rollback_rs("web-a", 1, "v1", {"kubernetes.io/change-cause": "one"}),
           _rollback_rs("web-b", 2, "v2"), _rollback_rs("web-c", 3, "v3")]
    updated, events = ro.rollback(d, rss, 1)
    assert updated["spec"]["template"] == {"metadata": {"labels": {"app": "x"}},
                                           "spec": {"containers": [{"name": "c",
                                                                    "image": "v1"}]}}
    # SetDeploymentAnnotationsTo keeps the revision, takes change-cause from the RS; the
    # rollback annotation is cleared
    assert updated["metadata"]["annotations"] == {du.REVISION_ANNOTATION: "3",
                                                  "kubernetes.io/change-cause": "one"}
    assert events == [("Normal", "DeploymentRollback",
                       'Rolled back deployment "web" to revision 1')]


def test_rollback_to_zero_means_the_last_revision():
    d = _rollback_deployment("v3", "0")
    rss = [_rollback_rs("web-a", 1, "v1"), _rollback_rs("web-b", 2, "v2"),
           _rollback_rs("web-c", 3, "v3"), None]
    updated, events = ro.rollback(d, rss, 0)
    assert updated["spec"]["template"]["spec"]["containers"][0]["image"] == "v2"
    assert events[0].message == 'Rolled back deployment "web" to revision 2'


def test_rollback_without_a_last_revision():
    d = _rollback_deployment("v1", "0")
    updated, events = ro.rollback(d, [_rollback_rs("web-a", 1, "v1")], 0)
    assert updated["spec"]["template"] == d["spec"]["template"]
    assert du.DEPRECATED_ROLLBACK_TO_ANNOTATION not in (updated["metadata"].get("annotations")
                                                        or {})
    assert events == [("Warning", "DeploymentRollbackRevisionNotFound",
                       "Unable to find last revision.")]


def test_rollback_to_a_missing_revision():
    d = _rollback_deployment("v2", "7")
    updated, events = ro.rollback(d, [_rollback_rs("web-a", 1, "v1"),
                                      _rollback_rs("web-b", 2, "v2")], 7)
    assert "annotations" not in updated["metadata"]
    assert events == [("Warning", "DeploymentRollbackRevisionNotFound",
                       "Unable to find the revision to rollback to.")]


def test_rollback_to_the_current_template_is_skipped():
    d = _rollback_deployment("v2", "2")
    updated, events = ro.rollback(d, [_rollback_rs("web-a", 1, "v1"),
                                      _rollback_rs("web-b", 2, "v2")], 2)
    assert updated["spec"] == d["spec"]
    assert events == [("Warning", "DeploymentRollbackTemplateUnchanged",
                       'The rollback revision contains the same template as current '
                       'deployment "web"')]
