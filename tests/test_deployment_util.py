"""Tests for pytest_k8sflow.engine.controllers.deployment_util.

Upstream tables ported from k/k pkg/controller/deployment/util/deployment_util_test.go:
TestEqualIgnoreHash, TestFindNewReplicaSet, TestFindOldReplicaSets,
TestGetReplicaCountForReplicaSets (counts), TestResolveFenceposts, TestNewRSNewReplicas,
TestGetCondition, TestSetCondition, TestRemoveCondition, TestDeploymentComplete,
TestDeploymentProgressing, TestDeploymentTimedOut, TestMaxUnavailable,
TestGetNonNegativeInt32FromAnnotation, TestAnnotationUtils, TestReplicasAnnotationsNeedUpdate,
TestMinAvailable, TestGetReplicaSetFraction; and from sync_test.go
TestDeploymentController_cleanupDeployment.
"""

from __future__ import annotations

import copy
import itertools

import pytest

from pytest_k8sflow.engine.controllers import deployment_util as du
from pytest_k8sflow.engine.controllers.controller_utils import POD_TEMPLATE_HASH_LABEL
from pytest_k8sflow.engine.timeutil import format_time, parse_time

MAX_INT32 = 2**31 - 1
HASH = POD_TEMPLATE_HASH_LABEL
_uids = itertools.count(1)


# --------------------------------------------------------------------------- builders

def generate_deployment(image: str) -> dict:
    """deployment_util_test.go generateDeployment."""
    labels = {"name": image}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": image, "annotations": {}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": {
                    "containers": [{"name": image, "image": image, "imagePullPolicy": "Always",
                                    "terminationMessagePath": "/dev/termination-log"}],
                    "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30,
                    "restartPolicy": "Always", "securityContext": {},
                    "enableServiceLinks": True,
                },
            },
        },
    }


def generate_rs(deployment: dict) -> dict:
    """deployment_util_test.go generateRS: the deployment's template, 0 replicas, owned by it."""
    template = copy.deepcopy(deployment["spec"]["template"])
    n = next(_uids)
    return {
        "metadata": {"name": f"{deployment['metadata']['name']}-{n}", "uid": f"uid-{n}",
                     "labels": dict(template["metadata"]["labels"]),
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                          "name": deployment["metadata"]["name"],
                                          "uid": deployment["metadata"].get("uid", ""),
                                          "controller": True}]},
        "spec": {"replicas": 0, "template": template,
                 "selector": {"matchLabels": dict(template["metadata"]["labels"])}},
    }


def with_hash(rs: dict, value: str) -> dict:
    """Go's generateRS shares the labels map between RS and template: set it in both."""
    rs["metadata"]["labels"][HASH] = value
    rs["spec"]["template"]["metadata"]["labels"][HASH] = value
    return rs


def rolling(replicas, max_surge, max_unavailable, strategy="RollingUpdate"):
    spec = {"replicas": replicas, "strategy": {"type": strategy}}
    if strategy == "RollingUpdate":
        ru = {}
        if max_surge is not None:
            ru["maxSurge"] = max_surge
        if max_unavailable is not None:
            ru["maxUnavailable"] = max_unavailable
        spec["strategy"]["rollingUpdate"] = ru
    return {"metadata": {"name": "d"}, "spec": spec}


def rs_with(name, spec_replicas=0, status_replicas=0, annotations=None, **status) -> dict:
    meta = {"name": name}
    if annotations is not None:
        meta["annotations"] = annotations
    return {"metadata": meta, "spec": {"replicas": spec_replicas},
            "status": {"replicas": status_replicas, **status}}


# --------------------------------------------------------------------------- EqualIgnoreHash

def template(name, node, annotations, labels):
    """deployment_util_test.go generatePodTemplateSpec."""
    return {"metadata": {"name": name, "annotations": annotations, "labels": labels},
            "spec": {"nodeName": node}}


EQUAL_IGNORE_HASH = [
    ("Same spec, same labels",
     template("foo", "foo-node", {}, {HASH: "value-1", "something": "else"}),
     template("foo", "foo-node", {}, {HASH: "value-1", "something": "else"}), True),
    ("Same spec, only pod-template-hash label value is different",
     template("foo", "foo-node", {}, {HASH: "value-1", "something": "else"}),
     template("foo", "foo-node", {}, {HASH: "value-2", "something": "else"}), True),
    ("Same spec, the former doesn't have pod-template-hash label",
     template("foo", "foo-node", {}, {"something": "else"}),
     template("foo", "foo-node", {}, {HASH: "value-2", "something": "else"}), True),
    ("Same spec, the label is different, the former doesn't have pod-template-hash label, "
     "same number of labels",
     template("foo", "foo-node", {}, {"something": "else"}),
     template("foo", "foo-node", {}, {HASH: "value-2"}), False),
    ("Same spec, the label is different, the latter doesn't have pod-template-hash label, "
     "same number of labels",
     template("foo", "foo-node", {}, {HASH: "value-1"}),
     template("foo", "foo-node", {}, {"something": "else"}), False),
    ("Same spec, the label is different, and the pod-template-hash label value is the same",
     template("foo", "foo-node", {}, {HASH: "value-1"}),
     template("foo", "foo-node", {}, {HASH: "value-1", "something": "else"}), False),
    ("Different spec, same labels",
     template("foo", "foo-node", {"former": "value"}, {HASH: "value-1", "something": "else"}),
     template("foo", "foo-node", {"latter": "value"}, {HASH: "value-1", "something": "else"}),
     False),
    ("Different spec, different pod-template-hash label value",
     template("foo-1", "foo-node", {}, {HASH: "value-1", "something": "else"}),
     template("foo-2", "foo-node", {}, {HASH: "value-2", "something": "else"}), False),
    ("Different spec, the former doesn't have pod-template-hash label",
     template("foo-1", "foo-node-1", {}, {"something": "else"}),
     template("foo-2", "foo-node-2", {}, {HASH: "value-2", "something": "else"}), False),
    ("Different spec, different labels",
     template("foo", "foo-node-1", {}, {"something": "else"}),
     template("foo", "foo-node-2", {}, {"nothing": "else"}), False),
]


@pytest.mark.parametrize("name,former,latter,expected", EQUAL_IGNORE_HASH,
                         ids=[c[0] for c in EQUAL_IGNORE_HASH])
def test_equal_ignore_hash(name, former, latter, expected):
    before = copy.deepcopy((former, latter))
    assert du.equal_ignore_hash(former, latter) is expected
    assert du.equal_ignore_hash(latter, former) is expected  # reverse order
    assert (former, latter) == before  # inputs (and their labels) untouched


def test_equal_ignore_hash_semantic_details():
    # empty maps equal missing ones; quantities compare by value
    a = {"metadata": {"labels": {HASH: "x"}}, "spec": {"containers": [
        {"name": "c", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]}}
    b = {"metadata": {}, "spec": {"containers": [
        {"name": "c", "resources": {"limits": {"cpu": "1000m", "memory": "1024Mi"}}}],
        "volumes": []}}
    assert du.equal_ignore_hash(a, b)


# --------------------------------------------------------------------------- Find*ReplicaSet(s)

T_NOW = parse_time("2026-01-01T00:00:00Z")


def _find_fixture():
    deployment = generate_deployment("nginx")
    new_rs = with_hash(generate_rs(deployment), "hash")
    new_rs["metadata"]["creationTimestamp"] = format_time(T_NOW + 60_000)
    new_dup = with_hash(generate_rs(deployment), "different-hash")
    new_dup["metadata"]["creationTimestamp"] = format_time(T_NOW)
    old_deployment = generate_deployment("nginx")
    old_deployment["spec"]["template"]["spec"]["containers"][0]["name"] = "nginx-old-1"
    old_rs = generate_rs(old_deployment)
    return deployment, new_rs, new_dup, old_rs


def test_find_new_replicaset():
    deployment, new_rs, new_dup, old_rs = _find_fixture()
    cases = {
        "Get new ReplicaSet with the same template as Deployment spec but different "
        "pod-template-hash value": ([new_rs, old_rs], new_rs),
        "Get the oldest new ReplicaSet when there are more than one ReplicaSet with the same "
        "template": ([new_rs, old_rs, new_dup], new_dup),
        "Get nil new ReplicaSet": ([old_rs], None),
    }
    for name, (rs_list, expected) in cases.items():
        assert du.find_new_replicaset(deployment, rs_list) == expected, name


def test_find_old_replicasets():
    deployment, new_rs, new_dup, old_rs = _find_fixture()
    new_rs["spec"]["replicas"] = 1
    old_rs["metadata"]["creationTimestamp"] = format_time(T_NOW - 60_000)
    cases = {
        "Get old ReplicaSets": ([new_rs, old_rs], [old_rs], []),
        "Get old ReplicaSets with no new ReplicaSet": ([old_rs], [old_rs], []),
        "Get old ReplicaSets with two new ReplicaSets, only the oldest new ReplicaSet is seen "
        "as new ReplicaSet": ([old_rs, new_rs, new_dup], [old_rs, new_rs], [new_rs]),
        "Get empty old ReplicaSets": ([new_rs], [], []),
    }
    for name, (rs_list, expected, expected_required) in cases.items():
        required, all_old = du.find_old_replicasets(deployment, rs_list)
        assert du.replicasets_by_creation_timestamp(all_old) == expected, name
        assert required == expected_required, name


def test_find_active_or_latest():
    new = rs_with("new", 0)
    new["metadata"]["creationTimestamp"] = format_time(T_NOW)
    old1 = rs_with("old1", 0)
    old1["metadata"]["creationTimestamp"] = format_time(T_NOW - 2000)
    old2 = rs_with("old2", 0)
    old2["metadata"]["creationTimestamp"] = format_time(T_NOW - 1000)
    assert du.find_active_or_latest(None, []) is None
    assert du.find_active_or_latest(new, [old1, old2]) is new
    assert du.find_active_or_latest(None, [old1, old2]) is old2
    active = rs_with("active", 3)
    assert du.find_active_or_latest(new, [old1, active]) is active
    assert du.find_active_or_latest(rs_with("n2", 1), [active]) is None


# --------------------------------------------------------------------------- replica counts

def test_get_replica_count_for_replicasets():
    # TestGetReplicaCountForReplicaSets, spec and status counts (terminatingReplicas is an
    # alpha feature not modelled).
    rs1 = rs_with("foo-rs", 1, 2)
    rs2 = rs_with("bar-rs", 2, 3)
    rs3 = rs_with("unsynced-rs", 3, 0)
    rs4 = rs_with("dropped-rs", 1, 1)
    cases = {
        "scaling down rs1": ([rs1], 1, 2),
        "scaling down rs1 and rs2": ([rs1, rs2], 3, 5),
        "scaling up rs3": ([rs3], 3, 0),
        "scaling down rs1 and rs2 and scaling up rs3": ([rs1, rs2, rs3], 6, 5),
        "invalid/unknown terminating status for rs4": ([rs4], 1, 1),
        "invalid/unknown terminating status for rs4 with rs1, rs2 and rs3":
            ([rs1, rs2, rs3, rs4], 7, 6),
    }
    for name, (sets, count, actual) in cases.items():
        assert du.get_replica_count_for_replicasets(sets) == count, name
        assert du.get_actual_replica_count_for_replicasets(sets) == actual, name
    assert du.get_replica_count_for_replicasets([None, rs1]) == 1
    assert du.get_ready_replica_count_for_replicasets(
        [rs_with("a", readyReplicas=2), None, rs_with("b", readyReplicas=3)]) == 5
    assert du.get_available_replica_count_for_replicasets(
        [rs_with("a", availableReplicas=2), rs_with("b")]) == 2


# --------------------------------------------------------------------------- fenceposts

RESOLVE_FENCEPOSTS = [
    ("0%", "0%", 0, 0, 1, False),
    ("39%", "39%", 10, 4, 3, False),
    ("oops", "39%", 10, 0, 0, True),
    ("55%", "urg", 10, 0, 0, True),
    (None, "39%", 10, 0, 3, False),
    ("39%", None, 10, 4, 0, False),
    (None, None, 10, 0, 1, False),
]


@pytest.mark.parametrize("surge,unavailable,desired,exp_surge,exp_unavailable,error",
                         RESOLVE_FENCEPOSTS, ids=[str(i) for i in range(len(RESOLVE_FENCEPOSTS))])
def test_resolve_fenceposts(surge, unavailable, desired, exp_surge, exp_unavailable, error):
    if error:
        with pytest.raises(ValueError):
            du.resolve_fenceposts(surge, unavailable, desired)
    else:
        assert du.resolve_fenceposts(surge, unavailable, desired) == (exp_surge, exp_unavailable)


@pytest.mark.parametrize("replicas,surge,unavailable", [
    (1, 1, 0), (3, 1, 0), (4, 1, 1), (10, 3, 2), (0, 0, 0),
])
def test_default_25_percent(replicas, surge, unavailable):
    d = rolling(replicas, "25%", "25%")
    assert (du.max_surge(d), du.max_unavailable(d)) == (surge, unavailable)


def test_int_or_percent_errors():
    with pytest.raises(ValueError, match="not a percentage"):
        du.get_value_from_int_or_percent("5", 10, True)
    with pytest.raises(ValueError, match="nil value"):
        du.get_value_from_int_or_percent(None, 10, True)
    assert du.get_value_from_int_or_percent(7, 10, True) == 7
    assert du.get_value_from_int_or_percent("1%", 2, True) == 1
    assert du.get_value_from_int_or_percent("1%", 2, False) == 0


MAX_UNAVAILABLE = [
    ("maxUnavailable less than replicas", rolling(10, 1, 5), 5),
    ("maxUnavailable equal replicas", rolling(10, 1, 10), 10),
    ("maxUnavailable greater than replicas", rolling(5, 1, 10), 5),
    ("maxUnavailable with replicas is 0", rolling(0, 1, 10), 0),
    ("maxUnavailable with Recreate deployment strategy",
     {"metadata": {"name": "d"}, "spec": {"strategy": {"type": "Recreate"}}}, 0),
    ("maxUnavailable less than replicas with percents", rolling(10, 1, "50%"), 5),
    ("maxUnavailable equal replicas with percents", rolling(10, 1, "100%"), 10),
    ("maxUnavailable greater than replicas with percents", rolling(5, 1, "100%"), 5),
]


@pytest.mark.parametrize("name,deployment,expected", MAX_UNAVAILABLE,
                         ids=[c[0] for c in MAX_UNAVAILABLE])
def test_max_unavailable(name, deployment, expected):
    assert du.max_unavailable(deployment) == expected


MIN_AVAILABLE = [
    ("replicas greater than maxUnavailable", rolling(10, 1, 5), 5),
    ("replicas equal maxUnavailable", rolling(10, 1, 10), 0),
    ("replicas less than maxUnavailable", rolling(5, 1, 10), 0),
    ("replicas is 0", rolling(0, 1, 10), 0),
    ("minAvailable with Recreate deployment strategy", rolling(10, None, None, "Recreate"), 0),
    ("replicas greater than maxUnavailable with percents", rolling(10, 1, "60%"), 4),
    ("replicas equal maxUnavailable with percents", rolling(10, 1, "100%"), 0),
    ("replicas less than maxUnavailable with percents", rolling(5, 1, "100%"), 0),
]


@pytest.mark.parametrize("name,deployment,expected", MIN_AVAILABLE,
                         ids=[c[0] for c in MIN_AVAILABLE])
def test_min_available(name, deployment, expected):
    assert du.min_available(deployment) == expected


NEW_RS_NEW_REPLICAS = [
    ("can not scale up - to newRSReplicas", "RollingUpdate", 1, 5, 1, 5),
    ("scale up - to depReplicas", "RollingUpdate", 6, 2, 10, 6),
    ("recreate - to depReplicas", "Recreate", 3, 1, 1, 3),
]


@pytest.mark.parametrize("name,strategy,dep_replicas,new_replicas,surge,expected",
                         NEW_RS_NEW_REPLICAS, ids=[c[0] for c in NEW_RS_NEW_REPLICAS])
def test_new_rs_new_replicas(name, strategy, dep_replicas, new_replicas, surge, expected):
    deployment = generate_deployment("nginx")
    deployment["spec"]["replicas"] = dep_replicas
    # Upstream sets rollingUpdate even for Recreate in this test.
    deployment["spec"]["strategy"] = {"type": strategy,
                                      "rollingUpdate": {"maxUnavailable": 1, "maxSurge": surge}}
    new_rc = generate_rs(deployment)
    new_rc["spec"]["replicas"] = new_replicas
    rs5 = generate_rs(deployment)
    rs5["spec"]["replicas"] = 5
    assert du.new_rs_new_replicas(deployment, [rs5], new_rc) == expected


def test_new_rs_new_replicas_unknown_strategy():
    with pytest.raises(ValueError, match="isn't supported"):
        du.new_rs_new_replicas(rolling(1, None, None, "Canary"), [], rs_with("x"))


# --------------------------------------------------------------------------- conditions

def cond(cond_type, status, reason, **times):
    return {"type": cond_type, "status": status, "reason": reason, **times}


def cond_progressing():
    return cond("Progressing", "False", "ForSomeReason")


def cond_progressing2():
    return cond("Progressing", "True", "BecauseItIs")


def cond_available():
    return cond("Available", "True", "AwesomeController")


def example_status():
    return {"conditions": [cond_progressing(), cond_available()]}


@pytest.mark.parametrize("name,cond_type,expected", [
    ("condition exists", "Available", True),
    ("condition does not exist", "ReplicaFailure", False),
])
def test_get_condition(name, cond_type, expected):
    assert (du.get_deployment_condition(example_status(), cond_type) is not None) is expected


@pytest.mark.parametrize("name,status,condition,expected", [
    ("set for the first time", {}, cond_available(), {"conditions": [cond_available()]}),
    ("simple set", {"conditions": [cond_progressing()]}, cond_available(), example_status()),
    ("overwrite", {"conditions": [cond_progressing()]}, cond_progressing2(),
     {"conditions": [cond_progressing2()]}),
])
def test_set_condition(name, status, condition, expected):
    before = copy.deepcopy(status)
    assert du.set_deployment_condition(status, condition) == expected
    assert status == before


@pytest.mark.parametrize("name,status,cond_type,expected", [
    ("remove from empty status", {}, "Progressing", {}),
    ("simple remove", {"conditions": [cond_progressing()]}, "Progressing", {}),
    ("doesn't remove anything", example_status(), "ReplicaFailure", example_status()),
])
def test_remove_condition(name, status, cond_type, expected):
    assert du.remove_deployment_condition(status, cond_type) == expected


def test_set_condition_time_semantics():
    t1, t2 = parse_time("2026-01-01T00:00:00Z"), parse_time("2026-01-01T00:05:00Z")
    first = du.new_deployment_condition("Progressing", "True", "NewReplicaSetCreated", "a", t1)
    assert first["lastUpdateTime"] == first["lastTransitionTime"] == format_time(t1)
    status = {"conditions": [first, cond_available()]}
    # same status and reason: untouched, even the message
    same = du.new_deployment_condition("Progressing", "True", "NewReplicaSetCreated", "b", t2)
    assert du.set_deployment_condition(status, same) == status
    # only the reason changed: lastTransitionTime kept, entry moved to the end
    reason = du.new_deployment_condition("Progressing", "True", "ReplicaSetUpdated", "c", t2)
    after = du.set_deployment_condition(status, reason)
    assert [c["type"] for c in after["conditions"]] == ["Available", "Progressing"]
    assert after["conditions"][1]["lastTransitionTime"] == format_time(t1)
    assert after["conditions"][1]["lastUpdateTime"] == format_time(t2)
    # status changed: both times new
    flipped = du.new_deployment_condition("Progressing", "False", "ProgressDeadlineExceeded",
                                          "d", t2)
    after = du.set_deployment_condition(status, flipped)
    assert after["conditions"][1]["lastTransitionTime"] == format_time(t2)


def test_replicaset_to_deployment_condition():
    rs_cond = {"type": "ReplicaFailure", "status": "True", "lastTransitionTime":
               "2026-01-01T00:00:00Z", "reason": "FailedCreate", "message": "quota"}
    assert du.replicaset_to_deployment_condition(rs_cond) == {
        "type": "ReplicaFailure", "status": "True",
        "lastUpdateTime": "2026-01-01T00:00:00Z", "lastTransitionTime": "2026-01-01T00:00:00Z",
        "reason": "FailedCreate", "message": "quota"}


# --------------------------------------------------------------------------- progress

def complete_fixture(desired, current, updated, available, max_unavailable, max_surge):
    d = rolling(desired, max_surge, max_unavailable)
    d["status"] = {"replicas": current, "updatedReplicas": updated,
                   "availableReplicas": available}
    return d


DEPLOYMENT_COMPLETE = [
    ("not complete: min but not all pods become available", (5, 5, 5, 4, 1, 0), False),
    ("not complete: min availability is not honored", (5, 5, 5, 3, 1, 0), False),
    ("complete", (5, 5, 5, 5, 0, 0), True),
    ("not complete: all pods are available but not updated", (5, 5, 4, 5, 0, 0), False),
    ("not complete: still running old pods", (1, 2, 1, 1, 0, 1), False),
    ("not complete: one replica deployment never comes up", (1, 1, 1, 0, 1, 1), False),
]


@pytest.mark.parametrize("name,args,expected", DEPLOYMENT_COMPLETE,
                         ids=[c[0] for c in DEPLOYMENT_COMPLETE])
def test_deployment_complete(name, args, expected):
    d = complete_fixture(*args)
    assert du.deployment_complete(d, d["status"]) is expected


def test_deployment_complete_needs_observed_generation():
    d = complete_fixture(5, 5, 5, 5, 0, 0)
    d["metadata"]["generation"] = 2
    assert not du.deployment_complete(d, {**d["status"], "observedGeneration": 1})
    assert du.deployment_complete(d, {**d["status"], "observedGeneration": 2})


def _counts(current, updated, ready, available):
    return {"replicas": current, "updatedReplicas": updated, "readyReplicas": ready,
            "availableReplicas": available}


DEPLOYMENT_PROGRESSING = [
    ("progressing: updated pods", (10, 4, 4, 4), (10, 6, 4, 4), True),
    ("not progressing", (10, 4, 4, 4), (10, 4, 4, 4), False),
    ("progressing: old pods removed", (10, 4, 6, 6), (8, 4, 6, 6), True),
    ("not progressing: less new pods", (10, 7, 3, 3), (10, 6, 3, 3), False),
    ("progressing: less overall but more new pods", (10, 4, 7, 7), (8, 8, 5, 5), True),
    ("progressing: more ready pods", (10, 10, 9, 8), (10, 10, 10, 8), True),
    ("progressing: more available pods", (10, 10, 10, 9), (10, 10, 10, 10), True),
]


@pytest.mark.parametrize("name,old,new,expected", DEPLOYMENT_PROGRESSING,
                         ids=[c[0] for c in DEPLOYMENT_PROGRESSING])
def test_deployment_progressing(name, old, new, expected):
    d = {"metadata": {"name": "d"}, "spec": {}, "status": _counts(*old)}
    assert du.deployment_progressing(d, _counts(*new)) is expected


def time_fn(minute, sec):
    return parse_time(f"2016-01-01T00:{minute:02d}:{sec:02d}Z")


def timed_out_fixture(reason, pds, frm):
    spec = {} if pds is None else {"progressDeadlineSeconds": pds}
    conds = [{"type": "Progressing", "status": "True", "reason": reason}]
    if frm is not None:
        conds[0]["lastUpdateTime"] = format_time(frm)
    return {"metadata": {"name": "d"}, "spec": spec, "status": {"conditions": conds}}


DEPLOYMENT_TIMED_OUT = [
    ("nil progressDeadlineSeconds specified - no timeout", "", None, time_fn(1, 9),
     time_fn(1, 20), False),
    ("infinite progressDeadlineSeconds specified - no timeout", "", MAX_INT32, time_fn(1, 9),
     time_fn(1, 20), False),
    ("progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:09 => 11s", "", 10,
     time_fn(1, 9), time_fn(1, 20), True),
    ("progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:11 => 9s", "", 10,
     time_fn(1, 11), time_fn(1, 20), False),
    ("previous status was a complete deployment", "NewReplicaSetAvailable", None, None,
     time_fn(1, 20), False),
]


@pytest.mark.parametrize("name,reason,pds,frm,now,expected", DEPLOYMENT_TIMED_OUT,
                         ids=[c[0] for c in DEPLOYMENT_TIMED_OUT])
def test_deployment_timed_out(name, reason, pds, frm, now, expected):
    d = timed_out_fixture(reason, pds, frm)
    assert du.deployment_timed_out(d, d["status"], now) is expected


def test_deployment_timed_out_edges():
    # exactly at the deadline: not yet (Before is strict)
    d = timed_out_fixture("", 10, time_fn(1, 10))
    assert not du.deployment_timed_out(d, d["status"], time_fn(1, 20))
    # a completed rollout never times out, a timed-out one stays timed out
    d = timed_out_fixture("NewReplicaSetAvailable", 10, time_fn(0, 0))
    assert not du.deployment_timed_out(d, d["status"], time_fn(5, 0))
    d = timed_out_fixture("ProgressDeadlineExceeded", 10, time_fn(1, 19))
    assert du.deployment_timed_out(d, d["status"], time_fn(1, 20))
    # no Progressing condition: no base to estimate from
    d = {"metadata": {"name": "d"}, "spec": {"progressDeadlineSeconds": 10}, "status": {}}
    assert not du.deployment_timed_out(d, d["status"], time_fn(1, 20))


# --------------------------------------------------------------------------- annotations

NON_NEGATIVE = [
    ("invalid empty", None, 0, False),
    ("invalid", {"test": "invalid", "foo": "2"}, 0, False),
    ("invalid negative ", {"test": "-1", "foo": "2"}, 0, False),
    ("valid zero", {"test": "0", "foo": "2"}, 0, True),
    ("valid", {"test": "13", "foo": "2"}, 13, True),
    ("valid max", {"test": str(MAX_INT32), "foo": "2"}, MAX_INT32, True),
    ("invalid max out of range", {"test": str(MAX_INT32 + 1), "foo": "2"}, 0, False),
    ("invalid max out of range 2", {"test": str(2**32), "foo": "2"}, 0, False),
]


@pytest.mark.parametrize("name,annotations,value,valid", NON_NEGATIVE,
                         ids=[c[0] for c in NON_NEGATIVE])
def test_get_non_negative_int32_from_annotation(name, annotations, value, valid):
    rs = generate_rs(generate_deployment("nginx"))
    if annotations is not None:
        rs["metadata"]["annotations"] = annotations
    assert du.get_non_negative_int32_from_annotation(rs, "test") == (value, valid)


def test_annotation_utils():
    """TestAnnotationUtils: SetNewReplicaSetAnnotations, SetReplicasAnnotations, IsSaturated."""
    deployment = generate_deployment("nginx")
    deployment["metadata"]["annotations"][du.REVISION_ANNOTATION] = "1"
    rs = generate_rs(deployment)
    # SetNewReplicaSetAnnotations: revisions 11..20 with a 5-character history limit
    for i in range(10, 20):
        next_revision = str(i + 1)
        rs, _ = du.set_new_replicaset_annotations(deployment, rs, next_revision, True, 5)
        if i >= 12:
            assert rs["metadata"]["annotations"][du.REVISION_HISTORY_ANNOTATION] == f"{i - 1},{i}"
        assert rs["metadata"]["annotations"][du.REVISION_ANNOTATION] == next_revision
    # SetReplicasAnnotations
    rs, updated = du.set_replicas_annotations(rs, 10, 11)
    assert updated
    assert rs["metadata"]["annotations"][du.DESIRED_REPLICAS_ANNOTATION] == "10"
    assert rs["metadata"]["annotations"][du.MAX_REPLICAS_ANNOTATION] == "11"
    # IsSaturated
    rs["metadata"]["annotations"][du.DESIRED_REPLICAS_ANNOTATION] = "1"
    rs["status"] = {"availableReplicas": 1}
    rs["spec"]["replicas"] = 1
    assert du.is_saturated(deployment, rs)


def test_is_saturated_needs_every_part():
    d = rolling(3, 1, 0)
    good = rs_with("r", 3, 3, {du.DESIRED_REPLICAS_ANNOTATION: "3"}, availableReplicas=3)
    assert du.is_saturated(d, good)
    assert not du.is_saturated(d, None)
    assert not du.is_saturated(d, rs_with("r", 3, 3, {}, availableReplicas=3))
    assert not du.is_saturated(d, rs_with("r", 3, 3, {du.DESIRED_REPLICAS_ANNOTATION: "2"},
                                          availableReplicas=3))
    assert not du.is_saturated(d, rs_with("r", 3, 3, {du.DESIRED_REPLICAS_ANNOTATION: "3"},
                                          availableReplicas=2))


REPLICAS_ANNOTATIONS_NEED_UPDATE = [
    ("test Annotations nil", None, True),
    ("test desiredReplicas update",
     {du.DESIRED_REPLICAS_ANNOTATION: "8", du.MAX_REPLICAS_ANNOTATION: "20"}, True),
    ("test maxReplicas update",
     {du.DESIRED_REPLICAS_ANNOTATION: "10", du.MAX_REPLICAS_ANNOTATION: "16"}, True),
    ("test needn't update",
     {du.DESIRED_REPLICAS_ANNOTATION: "10", du.MAX_REPLICAS_ANNOTATION: "20"}, False),
]


@pytest.mark.parametrize("name,annotations,expected", REPLICAS_ANNOTATIONS_NEED_UPDATE,
                         ids=[c[0] for c in REPLICAS_ANNOTATIONS_NEED_UPDATE])
def test_replicas_annotations_need_update(name, annotations, expected):
    meta = {"name": "hello", "namespace": "test"}
    if annotations is not None:
        meta["annotations"] = annotations
    rs = {"metadata": meta, "spec": {"selector": {"matchLabels": {"foo": "bar"}}}}
    assert du.replicas_annotations_need_update(rs, 10, 20) is expected


def test_new_replicaset_annotations_for_creation_and_rollback():
    d = rolling(4, 1, 1)
    d["metadata"]["annotations"] = {"team": "a", du.LAST_APPLIED_CONFIG_ANNOTATION: "{}",
                                    du.REVISION_ANNOTATION: "7",
                                    du.DEPRECATED_ROLLBACK_TO_ANNOTATION: "1"}
    fresh = {"metadata": {"name": "x"}, "spec": {"replicas": 0}}
    created, changed = du.set_new_replicaset_annotations(d, fresh, "3", exists=False)
    assert changed
    assert created["metadata"]["annotations"] == {
        "team": "a", du.REVISION_ANNOTATION: "3",
        du.DESIRED_REPLICAS_ANNOTATION: "4", du.MAX_REPLICAS_ANNOTATION: "5"}
    assert fresh == {"metadata": {"name": "x"}, "spec": {"replicas": 0}}
    # rollback: an old RS (revision 1) becomes new again at revision 3, history "1"
    old = {"metadata": {"name": "y", "annotations": {du.REVISION_ANNOTATION: "1"}}}
    rolled, changed = du.set_new_replicaset_annotations(d, old, "3", exists=True)
    assert changed
    assert rolled["metadata"]["annotations"][du.REVISION_ANNOTATION] == "3"
    assert rolled["metadata"]["annotations"][du.REVISION_HISTORY_ANNOTATION] == "1"
    assert du.DESIRED_REPLICAS_ANNOTATION not in rolled["metadata"]["annotations"]
    # a higher revision is never lowered
    same, changed = du.set_new_replicaset_annotations(d, rolled, "2", exists=True)
    assert not changed and same["metadata"]["annotations"][du.REVISION_ANNOTATION] == "3"


def test_revision_history_stays_within_2000_characters():
    d = rolling(1, 1, 0)
    rs = {"metadata": {"name": "r"}}
    for rev in range(1, 700):
        rs, _ = du.set_new_replicaset_annotations(d, rs, str(rev), exists=True)
    history = rs["metadata"]["annotations"][du.REVISION_HISTORY_ANNOTATION]
    assert len(history) <= 2000
    assert history.endswith(",697,698")
    assert rs["metadata"]["annotations"][du.REVISION_ANNOTATION] == "699"


def test_copy_annotations_skip_list_and_rollback_annotations():
    d = {"metadata": {"name": "d", "annotations": {
        "a": "1", du.REVISION_ANNOTATION: "5", du.MAX_REPLICAS_ANNOTATION: "9",
        du.LAST_APPLIED_CONFIG_ANNOTATION: "{}"}}}
    rs = {"metadata": {"name": "r", "annotations": {"keep": "me", "a": "0"}}}
    copied, changed = du.copy_deployment_annotations_to_rs(d, rs)
    assert changed
    assert copied["metadata"]["annotations"] == {"keep": "me", "a": "1"}
    assert du.copy_deployment_annotations_to_rs(d, copied) == (copied, False)
    rolled = du.set_deployment_annotations_to(d, {"metadata": {"name": "r", "annotations": {
        "b": "2", du.REVISION_ANNOTATION: "1"}}})
    assert rolled["metadata"]["annotations"] == {
        du.REVISION_ANNOTATION: "5", du.MAX_REPLICAS_ANNOTATION: "9",
        du.LAST_APPLIED_CONFIG_ANNOTATION: "{}", "b": "2"}


def test_revisions():
    def with_rev(name, rev):
        return {"metadata": {"name": name, "annotations": {du.REVISION_ANNOTATION: rev}}}

    rss = [with_rev("a", "3"), with_rev("b", "x"), with_rev("c", "10"), {"metadata": {"name": "d"}}]
    assert du.revision(rss[0]) == 3
    assert du.revision(rss[3]) == 0
    with pytest.raises(ValueError):
        du.revision(rss[1])
    assert du.max_revision(rss) == 10
    assert du.last_revision(rss) == 3
    assert du.set_deployment_revision(rolling(1, 1, 0), "4")[1]
    d4, _ = du.set_deployment_revision(rolling(1, 1, 0), "4")
    assert du.set_deployment_revision(d4, "4") == (d4, False)


# --------------------------------------------------------------------------- proportions

REPLICASET_FRACTION = [
    ("empty deployment always scales to 0", 0, 0, 0, 10, None, -10),
    ("unsynced deployment does not scale when max-replicas annotation is missing (removed by "
     "a 3rd party)", 10, 0, 0, 5, None, 0),
    ("unsynced deployment does not scale when max-replicas annotation is incorrectly set to 0 "
     "(by a 3rd party)", 10, 0, 0, 5, {du.MAX_REPLICAS_ANNOTATION: "0"}, 0),
    ("scale up by 1/5 should increase RS replicas by 1/5 when max-replicas annotation is "
     "missing (removed by a 3rd party)", 120, 100, 0, 50, None, 10),
    ("scale up by 1/5 should increase RS replicas by 1/5 when max-replicas annotation is "
     "incorrectly set to 0 (by a 3rd party)", 120, 100, 0, 50,
     {du.MAX_REPLICAS_ANNOTATION: "0"}, 10),
    ("scale up by 1/5 should increase RS replicas by 1/5", 120, 0, 0, 50,
     {du.MAX_REPLICAS_ANNOTATION: "100"}, 10),
    ("scale up with maxSurge by 1/5 should increase RS replicas approximately by 1/5",
     120, 0, 10, 50, {du.MAX_REPLICAS_ANNOTATION: "110"}, 9),
    ("scale down by 1/6 should decrease RS replicas by 1/6", 10, 0, 0, 6,
     {du.MAX_REPLICAS_ANNOTATION: "12"}, -1),
    ("scale down with maxSurge by 1/6 should decrease RS replicas approximately by 1/6",
     100, 0, 10, 50, {du.MAX_REPLICAS_ANNOTATION: "130"}, -8),
]


@pytest.mark.parametrize("name,replicas,status_replicas,surge,rs_replicas,annotations,expected",
                         REPLICASET_FRACTION, ids=[c[0] for c in REPLICASET_FRACTION])
def test_get_replicaset_fraction(name, replicas, status_replicas, surge, rs_replicas,
                                 annotations, expected):
    d = generate_deployment("nginx")
    d["status"] = {"replicas": status_replicas}
    d["spec"]["replicas"] = replicas
    d["spec"]["strategy"] = {"type": "RollingUpdate",
                             "rollingUpdate": {"maxSurge": surge, "maxUnavailable": 1}}
    rs = generate_rs(d)
    if annotations is not None:
        rs["metadata"]["annotations"] = annotations
    rs["spec"]["replicas"] = rs_replicas
    assert du.get_replicaset_fraction(rs, d) == expected


def test_get_proportion_clamps_and_rounds_half_away():
    d = rolling(5, 0, 0)
    rs = {"metadata": {"name": "r", "annotations": {du.MAX_REPLICAS_ANNOTATION: "4"}},
          "spec": {"replicas": 2}}
    # 2 * 5 / 4 = 2.5 rounds to 3: fraction +1
    assert du.get_replicaset_fraction(rs, d) == 1
    assert du.get_proportion(rs, d, 1, 0) == 1
    assert du.get_proportion(rs, d, 1, 1) == 0   # nothing left to add
    assert du.get_proportion(rs, d, 0, 0) == 0
    assert du.get_proportion({"metadata": {"name": "z"}, "spec": {"replicas": 0}}, d, 3, 0) == 0
    assert du.get_proportion(None, d, 3, 0) == 0


# --------------------------------------------------------------------------- status

def test_calculate_status():
    now = parse_time("2026-01-01T00:00:00Z")
    d = rolling(4, 1, 1)
    d["metadata"]["generation"] = 3
    d["status"] = {"collisionCount": 2, "conditions": [
        {"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated"}]}
    new = rs_with("new", 2, 2, readyReplicas=1, availableReplicas=1)
    old = rs_with("old", 3, 3, readyReplicas=3, availableReplicas=3)
    status = du.calculate_status([old, new], new, d, now)
    assert status == {
        "observedGeneration": 3, "replicas": 5, "updatedReplicas": 2, "readyReplicas": 4,
        "availableReplicas": 4, "unavailableReplicas": 1,
        "conditions": [
            {"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated"},
            {"type": "Available", "status": "True", "lastUpdateTime": "2026-01-01T00:00:00Z",
             "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "MinimumReplicasAvailable",
             "message": "Deployment has minimum availability."}],
        "collisionCount": 2}
    assert list(status)[-1] == "collisionCount"


def test_calculate_status_unavailable_and_zero_fields():
    now = parse_time("2026-01-01T00:00:00Z")
    d = rolling(3, 1, 0)  # Available needs 3
    status = du.calculate_status([None, rs_with("a", 1, 1, availableReplicas=2)], None, d, now)
    assert status["availableReplicas"] == 2
    assert "unavailableReplicas" not in status   # max(0, 1 - 2)
    assert "updatedReplicas" not in status
    available = du.get_deployment_condition(status, "Available")
    assert (available["status"], available["reason"], available["message"]) == (
        "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.")
    # Recreate: MaxUnavailable is 0; maxUnavailable >= replicas: Available with 0 pods
    assert du.get_deployment_condition(
        du.calculate_status([], None, rolling(2, 0, 2), now), "Available")["status"] == "True"


def test_is_scaling_event():
    d = rolling(5, 1, 0)
    synced = rs_with("a", 3, annotations={du.DESIRED_REPLICAS_ANNOTATION: "5"})
    stale = rs_with("b", 2, annotations={du.DESIRED_REPLICAS_ANNOTATION: "4"})
    stale_inactive = rs_with("c", 0, annotations={du.DESIRED_REPLICAS_ANNOTATION: "4"})
    unannotated = rs_with("d", 2)
    assert not du.is_scaling_event(d, synced, [stale_inactive, unannotated])
    assert du.is_scaling_event(d, synced, [stale])
    assert du.is_scaling_event(d, None, [stale])


def test_messages():
    assert du.scaled_event_message("down", "web-7b8c", 2, 3) == \
        "Scaled down replica set web-7b8c to 2 from 3"
    assert du.created_event_message("web-7b8c", 3) == "Scaled up replica set web-7b8c to 3"
    assert du.created_new_rs_message("web-7b8c") == 'Created new replica set "web-7b8c"'
    assert du.found_new_rs_message("web-7b8c") == 'Found new replica set "web-7b8c"'
    assert du.failed_rs_create_message("x", "boom") == 'Failed to create new replica set "x": boom'
    d = {"metadata": {"name": "web"}}
    assert du.progressed_message(d, None) == 'Deployment "web" has successfully progressed.'
    assert du.progressing_message(d, {"metadata": {"name": "r"}}) == \
        'ReplicaSet "r" is progressing.'
    assert du.timed_out_message(d, {"metadata": {"name": "r"}}) == \
        'ReplicaSet "r" has timed out progressing.'


# --------------------------------------------------------------------------- cleanup
# sync_test.go TestDeploymentController_cleanupDeployment (the case that needs the alpha
# DeploymentPodReplacementPolicy gate is left out).

def rs_with_status(name, spec_replicas, status_replicas):
    """sync_test.go newRSWithStatus."""
    return {"metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": spec_replicas, "selector": {"matchLabels": {"foo": "bar"}}},
            "status": {"replicas": status_replicas}}


def _already_deleted():
    rs = rs_with_status("foo-1", 0, 0)
    rs["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    return rs


CLEANUP = [
    ("case 0", [("foo-1", 0, 0), ("foo-2", 0, 0), ("foo-3", 0, 0)], 1, ["foo-1", "foo-2"]),
    ("case 1: only the RS with spec.replicas = status.replicas = 0",
     [("foo-1", 0, 0), ("foo-2", 0, 1), ("foo-3", 1, 0), ("foo-4", 1, 1)], 0, ["foo-1"]),
    ("case 3", [("foo-1", 0, 0), ("foo-2", 0, 0)], 0, ["foo-1", "foo-2"]),
    ("case 4", [("foo-1", 1, 1), ("foo-2", 1, 1)], 0, []),
    ("case 5: already being deleted", None, 0, []),
    ("case 6: with unlimited revisionHistoryLimit",
     [("foo-1", 0, 0), ("foo-2", 0, 0), ("foo-3", 0, 0)], MAX_INT32, []),
]


@pytest.mark.parametrize("name,old,limit,expected", CLEANUP, ids=[c[0] for c in CLEANUP])
def test_deployment_controller_cleanup_deployment(name, old, limit, expected):
    old_rss = [_already_deleted()] if old is None else [rs_with_status(*o) for o in old]
    d = rolling(1, 0, 0)
    d["spec"]["revisionHistoryLimit"] = limit
    doomed = du.replicasets_to_clean_up(d, old_rss)
    assert [rs["metadata"]["name"] for rs in doomed] == expected


def test_cleanup_lowest_revisions_first_and_skips_unobserved():
    def old(name, rev, generation=1, observed=1):
        return {"metadata": {"name": name, "generation": generation,
                             "annotations": {du.REVISION_ANNOTATION: str(rev)}},
                "spec": {"replicas": 0}, "status": {"observedGeneration": observed}}

    d = rolling(1, 0, 0)
    d["spec"]["revisionHistoryLimit"] = 1
    rss = [old("c", 10), old("a", 2, generation=2), old("b", 3)]
    # diff = 2: revisions 2 and 3 are examined; 2 is not observed yet and is skipped,
    # not replaced by revision 10.
    assert [rs["metadata"]["name"] for rs in du.replicasets_to_clean_up(d, rss)] == ["b"]
    d["spec"].pop("revisionHistoryLimit")
    assert du.replicasets_to_clean_up(d, rss) == []
