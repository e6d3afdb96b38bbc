"""StatefulSet helpers and controller. Tables ported from k/k
pkg/controller/statefulset/stateful_set_utils_test.go and stateful_set_control_test.go."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.cluster import Cluster
from pytest_k8sflow.engine.controllers import statefulset_util as u


def make_set(replicas: int = 3, name: str = "foo", **spec) -> dict:
    """newStatefulSet in the upstream tests: one claim template "datadir", selector foo=bar."""
    base = {
        "serviceName": "governingsvc", "replicas": replicas,
        "selector": {"matchLabels": {"foo": "bar"}},
        "template": {"metadata": {"labels": {"foo": "bar"}},
                     "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}},
        "volumeClaimTemplates": [{"metadata": {"name": "datadir"},
                                  "spec": {"accessModes": ["ReadWriteOnce"],
                                           "resources": {"requests": {"storage": "1Gi"}}}}],
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
    }
    base.update(spec)
    return {"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "namespace": "default", "uid": "set-uid"},
            "spec": base, "status": {}}


def pod_named(name: str, **status) -> dict:
    return {"metadata": {"name": name, "namespace": "default"}, "spec": {}, "status": status}


# -- stateful_set_utils_test.go -----------------------------------------------------------

def test_get_parent_name_and_ordinal():  # TestGetParentNameAndOrdinal
    sts = make_set()
    pod = u.new_stateful_set_pod(sts, 1)
    assert u.parent_name_and_ordinal(pod) == ("foo", 1)
    pod = {**pod, "metadata": {**pod["metadata"], "name": "1-bar"}}
    assert u.get_parent_name(pod) != "foo"
    assert u.get_ordinal(pod) != 1
    assert u.parent_name_and_ordinal(pod_named("web")) == ("", -1)
    assert u.parent_name_and_ordinal(pod_named("web-0-1")) == ("web-0", 1)


@pytest.mark.parametrize("start,replicas,inside,outside", [
    (0, 3, [0, 1, 2], [3, 4]),
    (2, 3, [2, 3, 4], [0, 1, 5]),
    (0, 0, [], [0, 1]),
])
def test_get_start_end_ordinal_and_range(start, replicas, inside, outside):
    # TestGetStartOrdinal / TestGetEndOrdinal / podInOrdinalRange
    sts = make_set(replicas, ordinals={"start": start})
    assert u.get_start_ordinal(sts) == start
    assert u.get_end_ordinal(sts) == start + replicas - 1
    for ordinal in inside:
        assert u.pod_in_ordinal_range(pod_named(f"foo-{ordinal}"), sts)
    for ordinal in outside:
        assert not u.pod_in_ordinal_range(pod_named(f"foo-{ordinal}"), sts)


def test_is_member_of():  # TestIsMemberOf
    set1, set2 = make_set(name="foo"), make_set(name="foo2")
    pod = u.new_stateful_set_pod(set1, 1)
    assert u.is_member_of(set1, pod)
    assert not u.is_member_of(set2, pod)


def test_identity_matches():  # TestIdentityMatches
    sts = make_set()
    pod = u.new_stateful_set_pod(sts, 1)
    assert u.identity_matches(sts, pod)
    renamed = {**pod, "metadata": {**pod["metadata"], "name": "foo-2"}}
    assert not u.identity_matches(sts, renamed)
    other_ns = {**pod, "metadata": {**pod["metadata"], "namespace": "other"}}
    assert not u.identity_matches(sts, other_ns)
    labels = {k: v for k, v in pod["metadata"]["labels"].items()
              if k != u.STATEFULSET_POD_NAME_LABEL}
    assert not u.identity_matches(sts, {**pod, "metadata": {**pod["metadata"],
                                                            "labels": labels}})


def test_storage_matches():  # TestStorageMatches
    sts = make_set()
    pod = u.new_stateful_set_pod(sts, 1)
    assert u.storage_matches(sts, pod)
    assert not u.storage_matches(sts, {**pod, "spec": {**pod["spec"], "volumes": []}})
    wrong = [{"name": "datadir", "persistentVolumeClaim": {"claimName": "datadir-foo-2"}}]
    assert not u.storage_matches(sts, {**pod, "spec": {**pod["spec"], "volumes": wrong}})
    empty_dir = [{"name": "datadir", "emptyDir": {}}]
    assert not u.storage_matches(sts, {**pod, "spec": {**pod["spec"], "volumes": empty_dir}})


def test_update_identity():  # TestUpdateIdentity
    sts = make_set()
    pod = u.new_stateful_set_pod(sts, 1)
    broken = {**pod, "metadata": {**pod["metadata"], "namespace": "other",
                                  "labels": {"foo": "bar"}}}
    assert not u.identity_matches(sts, broken)
    assert u.identity_matches(sts, u.update_identity(sts, broken))


def test_update_storage():  # TestUpdateStorage
    sts = make_set()
    pod = u.new_stateful_set_pod(sts, 1)
    other = {"name": "other", "emptyDir": {}}
    broken = {**pod, "spec": {**pod["spec"], "volumes": [{"name": "datadir", "emptyDir": {}},
                                                          other]}}
    assert not u.storage_matches(sts, broken)
    fixed = u.update_storage(sts, broken)
    assert u.storage_matches(sts, fixed)
    assert fixed["spec"]["volumes"] == [
        {"name": "datadir", "persistentVolumeClaim": {"claimName": "datadir-foo-1"}}, other]


@pytest.mark.parametrize("phase,ready,expected", [
    ("Pending", False, False), ("Running", False, False), ("Running", True, True),
    ("Succeeded", True, False),
])
def test_is_running_and_ready(phase, ready, expected):  # TestIsRunningAndReady
    pod = pod_named("foo-0", phase=phase,
                    conditions=[{"type": "Ready", "status": "True" if ready else "False"}])
    assert u.is_running_and_ready(pod) is expected


def test_ascending_and_descending_ordinal():  # TestAscendingOrdinal
    pods = [pod_named(f"foo-{i}") for i in (5, 2, 9, 0)] + [pod_named("x")]
    assert [u.get_ordinal(p) for p in u.ascending_ordinal(pods)] == [-1, 0, 2, 5, 9]
    assert [u.get_ordinal(p) for p in u.descending_ordinal(pods)] == [9, 5, 2, 0, -1]


def test_names():  # getPodName / getPersistentVolumeClaimName
    sts = make_set()
    assert u.get_pod_name(sts, 4) == "foo-4"
    claim = sts["spec"]["volumeClaimTemplates"][0]
    assert u.get_persistent_volume_claim_name(sts, claim, 4) == "datadir-foo-4"


def test_get_persistent_volume_claims_labels():  # TestGetPersistentVolumeClaims
    sts = make_set()
    sts["spec"]["volumeClaimTemplates"][0]["metadata"]["labels"] = {"a": "b", "foo": "x"}
    [(name, claim)] = u.get_persistent_volume_claims(sts, pod_named("foo-0"))
    assert name == "datadir"
    assert claim["metadata"] == {"name": "datadir-foo-0", "namespace": "default",
                                 "labels": {"a": "b", "foo": "bar"}}


def test_new_stateful_set_pod():  # TestNewStatefulSetPod (identity and storage)
    pod = u.new_stateful_set_pod(make_set(), 1)
    assert pod["metadata"]["name"] == "foo-1"
    assert pod["metadata"]["generateName"] == "foo-"
    assert pod["spec"]["hostname"] == "foo-1"
    assert pod["spec"]["subdomain"] == "governingsvc"
    assert pod["metadata"]["labels"][u.POD_INDEX_LABEL] == "1"
    assert pod["metadata"]["ownerReferences"][0]["kind"] == "StatefulSet"


@pytest.mark.parametrize("partition,ordinal,expected", [
    (2, 0, "current"), (2, 1, "current"), (2, 2, "update"), (0, 0, "update"),
])
def test_new_versioned_pod_respects_partition(partition, ordinal, expected):
    sts = make_set(updateStrategy={"type": "RollingUpdate",
                                   "rollingUpdate": {"partition": partition}})
    pod = u.new_versioned_stateful_set_pod(sts, sts, "current", "update", ordinal)
    assert u.get_pod_revision(pod) == expected


def test_on_delete_uses_update_revision():
    sts = make_set(updateStrategy={"type": "OnDelete"})
    pod = u.new_versioned_stateful_set_pod(sts, sts, "current", "update", 0)
    assert u.get_pod_revision(pod) == "update"


@pytest.mark.parametrize("value,replicas,expected", [
    (None, 5, 1), (2, 5, 2), ("50%", 5, 2), ("10%", 5, 1), ("100%", 4, 4),
])
def test_get_max_unavailable(value, replicas, expected):  # TestGetStatefulSetMaxUnavailable
    assert u.get_max_unavailable(value, replicas) == expected


def test_get_patch_and_apply_revision():  # TestApplyRevision (round trip)
    sts = make_set()
    patch = u.get_patch(sts)
    template = patch["spec"]["template"]
    assert template["$patch"] == "replace"
    assert template["metadata"]["creationTimestamp"] is None
    assert template["spec"]["containers"][0]["resources"] == {}
    changed = {**sts, "spec": {**sts["spec"], "template": {"metadata": {"labels": {}},
                                                           "spec": {"containers": []}}}}
    restored = u.apply_revision(changed, {"data": patch})
    assert restored["spec"]["template"]["metadata"] == {"labels": {"foo": "bar"}}
    assert restored["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx"


def test_new_revision_names_and_labels():
    sts = make_set()
    sts["metadata"]["annotations"] = {"kubernetes.io/change-cause": "x"}
    cr = u.new_revision(sts, 1, 0)
    hash_ = cr["metadata"]["labels"][u.CONTROLLER_REVISION_HASH_LABEL]
    assert cr["metadata"]["name"] == f"foo-{hash_}"
    assert cr["metadata"]["labels"]["foo"] == "bar"
    assert cr["metadata"]["annotations"] == {"kubernetes.io/change-cause": "x"}
    assert cr["revision"] == 1
    assert u.new_revision(sts, 1, 1)["metadata"]["name"] != cr["metadata"]["name"]


# -- PVC retention (TestIsClaimOwnerUpToDate / TestUpdateClaimOwnerRefForSetAndPod) --------

SET_REF = {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "foo", "uid": "set-uid",
           "controller": True, "blockOwnerDeletion": True}


def pod_ref(name="foo-1"):
    return {"apiVersion": "v1", "kind": "Pod", "name": name, "uid": "pod-uid",
            "controller": True, "blockOwnerDeletion": True}


@pytest.mark.parametrize("scaled,deleted,replicas,refs,up_to_date", [
    ("Retain", "Retain", 3, [], True),
    ("Retain", "Retain", 3, [SET_REF], False),
    ("Retain", "Delete", 3, [SET_REF], True),
    ("Retain", "Delete", 3, [], False),
    ("Delete", "Retain", 3, [], True),
    ("Delete", "Retain", 1, [], False),
    ("Delete", "Retain", 1, [pod_ref()], True),
    ("Delete", "Delete", 3, [SET_REF], True),
    ("Delete", "Delete", 1, [pod_ref()], True),
    ("Delete", "Delete", 1, [SET_REF], False),
])
def test_is_claim_owner_up_to_date(scaled, deleted, replicas, refs, up_to_date):
    sts = make_set(replicas, persistentVolumeClaimRetentionPolicy={"whenScaled": scaled,
                                                                  "whenDeleted": deleted})
    pod = u.new_stateful_set_pod(sts, 1)
    pod["metadata"]["uid"] = "pod-uid"
    claim = {"metadata": {"name": "datadir-foo-1", "ownerReferences": refs}}
    assert u.is_claim_owner_up_to_date(claim, sts, pod) is up_to_date
    fixed = {"metadata": {"name": "datadir-foo-1",
                          "ownerReferences": u.claim_owner_refs_for_policy(claim, sts, pod)}}
    assert u.is_claim_owner_up_to_date(fixed, sts, pod)


def test_unexpected_controller_is_left_alone():  # TestHasUnexpectedController
    sts = make_set(persistentVolumeClaimRetentionPolicy={"whenScaled": "Delete",
                                                         "whenDeleted": "Delete"})
    pod = u.new_stateful_set_pod(sts, 1)
    other = {"apiVersion": "v1", "kind": "Foo", "name": "x", "uid": "x", "controller": True}
    claim = {"metadata": {"ownerReferences": [other]}}
    assert u.has_unexpected_controller(claim, sts, pod)
    assert u.is_claim_owner_up_to_date(claim, sts, pod)
    assert u.claim_owner_refs_for_policy(claim, sts, pod) == [other]


# -- status helpers -----------------------------------------------------------------------

def test_complete_rolling_update_and_status_for_api():
    sts = make_set(2)
    status = {"replicas": 2, "readyReplicas": 2, "updatedReplicas": 2, "currentReplicas": 0,
              "currentRevision": "a", "updateRevision": "b", "collisionCount": 0,
              "availableReplicas": 2, "observedGeneration": 1}
    u.complete_rolling_update(sts, status)
    assert status["currentRevision"] == "b" and status["currentReplicas"] == 2
    out = u.status_for_api({**status, "readyReplicas": 0, "availableReplicas": 0})
    assert "readyReplicas" not in out
    assert out["availableReplicas"] == 0 and out["collisionCount"] == 0


# -- stateful_set_control_test.go, end to end on the simulated cluster ----------------------

def new_cluster() -> Cluster:
    return Cluster(nodes=2)


def sts_manifest(replicas=3, **spec):
    sts = make_set(replicas, **spec)
    sts["metadata"] = {"name": "foo"}
    sts.pop("status")
    return sts


def names(c: Cluster) -> list[str]:
    return [p["metadata"]["name"] for p in c.list("Pod")]


def test_creates_pods():  # CreatesPods
    c = new_cluster()
    c.create(sts_manifest(3))
    assert names(c) == ["foo-0", "foo-1", "foo-2"]
    status = c.get("StatefulSet", "foo")["status"]
    assert status["replicas"] == 3 and status["readyReplicas"] == 3
    assert status["currentRevision"] == status["updateRevision"]


def test_creates_one_pod_per_sync_when_ordered():  # CreatesPods (monotonic, one at a time)
    c = new_cluster()
    c.create(sts_manifest(3), settle=False)
    assert names(c) == ["foo-0"]


def test_scales_up_and_down():  # ScalesUp / ScalesDown
    c = new_cluster()
    c.create(sts_manifest(3))
    c.scale("statefulset/foo", 5)
    assert names(c) == [f"foo-{i}" for i in range(5)]
    c.scale("statefulset/foo", 1)
    assert names(c) == ["foo-0"]
    assert len(c.list("PersistentVolumeClaim")) == 5


def test_recreates_failed_and_succeeded_pods():  # RecreatesFailedPod / RecreatesSucceededPod
    c = new_cluster()
    c.create(sts_manifest(3))
    for phase in ("Failed", "Succeeded"):
        old_uid = c.get("Pod", "foo-0")["metadata"]["uid"]
        c.kubelet.end_pod(c.get("Pod", "foo-0"), phase, None, None)
        c.settle()
        pod = c.get("Pod", "foo-0")
        assert pod["metadata"]["uid"] != old_uid
        assert pod["status"]["phase"] == "Running"


def test_set_deletion_only_updates_status():  # StatefulSetControlDeletionTimestamp-ish
    c = new_cluster()
    c.create(sts_manifest(2))
    c.delete("statefulset/foo", propagation="Orphan")
    assert names(c) == ["foo-0", "foo-1"]


def test_rollback_renumbers_revision():  # TestStatefulSetControlRollback
    c = new_cluster()
    c.create(sts_manifest(2))
    c.patch("statefulset/foo", json=[{"op": "replace",
                                      "path": "/spec/template/spec/containers/0/image",
                                      "value": "nginx:2"}])
    c.patch("statefulset/foo", json=[{"op": "replace",
                                      "path": "/spec/template/spec/containers/0/image",
                                      "value": "nginx"}])
    revs = sorted((r["revision"], r["metadata"]["name"]) for r in c.list("ControllerRevision"))
    assert [n for n, _ in revs] == [2, 3]
    status = c.get("StatefulSet", "foo")["status"]
    assert status["updateRevision"] == revs[-1][1] == status["currentRevision"]


def test_limits_history():  # TestStatefulSetControlLimitsHistory
    c = new_cluster()
    c.create(sts_manifest(2, revisionHistoryLimit=2))
    for i in range(5):
        c.patch("statefulset/foo", json=[{"op": "replace",
                                          "path": "/spec/template/spec/containers/0/image",
                                          "value": f"nginx:{i}"}])
    assert len(c.list("ControllerRevision")) <= 3  # 2 historic + the live one


def test_adopts_orphan_pod_with_member_name_only():  # getPodsForStatefulSet (isMemberOf)
    c = new_cluster()
    c.create({"apiVersion": "v1", "kind": "Pod",
              "metadata": {"name": "foo-7", "labels": {"foo": "bar"}},
              "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    c.create({"apiVersion": "v1", "kind": "Pod",
              "metadata": {"name": "stranger", "labels": {"foo": "bar"}},
              "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    c.create(sts_manifest(1))
    assert c.get("Pod", "foo-7") is None  # adopted, then condemned (out of range)
    assert c.get("Pod", "stranger")["metadata"].get("ownerReferences") is None


# k/k pkg/registry/apps/statefulset/strategy.go dropStatefulSetDisabledFields /
# maxUnavailableInUse: the field is kept only where the gate is on (1.35+) or already in use.
def _sts_with(max_unavailable):
    rolling = {"partition": 0}
    if max_unavailable is not None:
        rolling["maxUnavailable"] = max_unavailable
    return {"kind": "StatefulSet", "metadata": {"name": "web"},
            "spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": rolling}}}


@pytest.mark.parametrize(("case", "version", "new", "old", "kept"), [
    ("create, gate off: dropped", (1, 32), 2, "none", False),
    ("update, old without it, gate off: dropped", (1, 32), 2, None, False),
    ("update, old already uses it, gate off: kept", (1, 32), 2, 1, True),
    ("create, gate on (1.35 beta): kept", (1, 35), 2, "none", True),
])
def test_drop_statefulset_disabled_fields(case, version, new, old, kept):
    from pytest_k8sflow.engine.strategies import drop_statefulset_disabled_fields

    old_obj = None if old == "none" else _sts_with(old)
    out = drop_statefulset_disabled_fields(_sts_with(new), old_obj, version)
    rolling = out["spec"]["updateStrategy"]["rollingUpdate"]
    assert ("maxUnavailable" in rolling) is kept
    assert rolling["partition"] == 0
