"""ControllerRevision helpers, ported from k/k pkg/controller/history/controller_history_test.go
(the Real*/Fake* pairs test the same contract; both collapse onto the simulated apiserver)."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.cluster import Cluster
from pytest_k8sflow.engine.controllers import history as h
from pytest_k8sflow.engine.controllers.controller_utils import is_controlled_by
from pytest_k8sflow.engine.selectors import from_label_selector
from pytest_k8sflow.engine.timeutil import format_time

PARENT_KIND = ("apps/v1", "StatefulSet")


def new_stateful_set(name: str, uid: str, labels: dict) -> dict:
    # controller_history_test.go newStatefulSet
    return {"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "namespace": "default", "uid": uid},
            "spec": {"replicas": 3, "selector": {"matchLabels": dict(labels)},
                     "template": {"metadata": {"labels": dict(labels)},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}}


def raw_template(template: dict) -> dict:
    # rawTemplate: the template wrapped as a $patch: replace patch
    return {"spec": {"template": {**template, "$patch": "replace"}}}


def rev(parent: dict, number: int, template: dict | None = None,
        collision: int | None = None) -> dict:
    template = template or parent["spec"]["template"]
    return h.new_controller_revision(parent, PARENT_KIND, template["metadata"]["labels"],
                                     raw_template(template), number, collision)


def orphan(revision: dict) -> dict:
    meta = dict(revision["metadata"])
    meta.pop("ownerReferences")
    return {**revision, "metadata": meta}


SS1 = new_stateful_set("ss1", "ss1", {"foo": "bar"})
SS2 = new_stateful_set("ss2", "ss2", {"goo": "car"})


@pytest.fixture
def cluster():
    return Cluster(nodes=0, components=[], settle=False)


def put(cluster, *revisions):
    for r in revisions:
        cluster.api.create(r, "test")


# --------------------------------------------------------------------------- pure helpers

def test_fnv32_is_fnv1_not_fnv1a():
    # Go hash/fnv New32 on "a" (FNV-1): 0x050c5d7e; New32a would be 0xe40c292c.
    assert h.fnv32(b"a") == 0x050C5D7E
    assert h.fnv32(b"") == 0x811C9DC5


def test_hash_revision_shape_and_probe():
    data = raw_template(SS1["spec"]["template"])
    plain = h.hash_revision(data, None)
    assert plain == h.hash_revision(data, None)
    assert set(plain) <= set("bcdfghjklmnpqrstvwxz2456789") and 1 <= len(plain) <= 10
    # a probe (collision count) is written as its decimal text, so 0 still changes the hash
    assert h.hash_revision(data, 0) != plain
    assert h.hash_revision(data, 1) != h.hash_revision(data, 0)
    assert h.hash_controller_revision({"data": data}, 1) == h.hash_revision(data, 1)


def test_go_json_bytes_escapes_html():
    assert h.go_json_bytes({"b": "<&>", "a": 1}) == b'{"a":1,"b":"\\u003c\\u0026\\u003e"}'


@pytest.mark.parametrize("prefix,expected_prefix_len", [
    ("ss1", 3), ("x" * 223, 223), ("x" * 300, 223)])
def test_controller_revision_name(prefix, expected_prefix_len):
    name = h.controller_revision_name(prefix, "abc")
    assert name == prefix[:expected_prefix_len] + "-abc"


def test_new_controller_revision():
    r = rev(SS1, 1)
    labels = r["metadata"]["labels"]
    assert labels["foo"] == "bar"
    assert r["metadata"]["name"] == "ss1-" + labels[h.HASH_LABEL]
    assert r["metadata"]["namespace"] == "default"
    assert r["revision"] == 1
    assert r["metadata"]["ownerReferences"] == [{
        "apiVersion": "apps/v1", "kind": "StatefulSet", "name": "ss1", "uid": "ss1",
        "controller": True, "blockOwnerDeletion": True}]
    # the statefulset controller's call form (no parent kind) gives the same object
    assert h.new_controller_revision(SS1, {"foo": "bar"}, raw_template(SS1["spec"]["template"]),
                                     1, None) == r


# TestFindEqualRevisions
@pytest.mark.parametrize("case", ["finds equivalent", "finds nothing when empty",
                                  "finds nothing with no matches"])
def test_find_equal_revisions(case):
    ss1rev1, ss2rev1, ss2rev2 = rev(SS1, 1, collision=0), rev(SS2, 1, collision=0), \
        rev(SS2, 2, collision=0)
    revisions, want = {
        "finds equivalent": ([ss1rev1, ss2rev1, ss2rev2], [ss1rev1["metadata"]["name"]]),
        "finds nothing when empty": ([], []),
        "finds nothing with no matches": ([ss2rev2, ss2rev1], []),
    }[case]
    found = h.find_equal_revisions(revisions, ss1rev1)
    assert [r["metadata"]["name"] for r in found] == want


def test_equal_revision_nil_and_numeric_hash_labels():
    a = rev(SS1, 1)
    assert h.equal_revision(None, None)
    assert not h.equal_revision(a, None)
    # hash labels take part only when both parse as decimal int32 (strconv.ParseInt)
    b = {**a, "metadata": {**a["metadata"], "labels": {h.HASH_LABEL: "123"}}}
    c = {**a, "metadata": {**a["metadata"], "labels": {h.HASH_LABEL: "124"}}}
    d = {**a, "metadata": {**a["metadata"], "labels": {h.HASH_LABEL: "bcd"}}}
    assert not h.equal_revision(b, c)
    assert h.equal_revision(b, d)


# TestSortControllerRevisions
def _at(r: dict, ms: int, name: str | None = None) -> dict:
    meta = {**r["metadata"], "creationTimestamp": format_time(ms)}
    if name:
        meta["name"] = name
    return {**r, "metadata": meta}


T0 = 1_767_225_600_000
R1, R2, R3 = _at(rev(SS1, 1, collision=0), T0), _at(rev(SS1, 2, collision=0), T0), \
    _at(rev(SS1, 3, collision=0), T0)
R3T2 = _at(rev(SS1, 3, collision=0), T0 + 1000, "ss1-zz")
R3T2N2 = _at(rev(SS1, 3, collision=0), T0 + 1000, "ss1-zzz")


@pytest.mark.parametrize("case,revisions,want", [
    ("out of order", [R2, R1, R3], [R1, R2, R3]),
    ("sorted", [R1, R2, R3], [R1, R2, R3]),
    ("reversed", [R3, R2, R1], [R1, R2, R3]),
    ("with ties", [R3T2N2, R3, R3T2, R2, R1], [R1, R2, R3, R3T2, R3T2N2]),
    ("empty", [], []),
])
def test_sort_controller_revisions(case, revisions, want):
    assert h.sort_controller_revisions(revisions) == want


@pytest.mark.parametrize("numbers,want", [([], 1), ([1], 2), ([1, 2, 7], 8)])
def test_next_revision(numbers, want):
    revisions = [rev(SS1, n) for n in numbers]
    assert h.next_revision(revisions) == want
    assert h.max_revision(revisions) == (numbers[-1] if numbers else 0)


# --------------------------------------------------------------------------- store helpers

# TestRealHistory_ListControllerRevisions / TestFakeHistory_ListControllerRevisions
@pytest.mark.parametrize("case", ["selects none", "selects all",
                                  "doesn't select another Objects history", "selects orphans"])
def test_list_controller_revisions(cluster, case):
    ss1rev1, ss1rev2, ss2rev1 = rev(SS1, 1), rev(SS1, 2), rev(SS2, 1)
    ss1orphan = orphan(rev(SS1, 3))
    # NewControllerRevision names by data: equal data ⇒ equal names; rename to keep four objects
    ss1rev2 = {**ss1rev2, "metadata": {**ss1rev2["metadata"], "name": "ss1-rev2"}}
    ss1orphan = {**ss1orphan, "metadata": {**ss1orphan["metadata"], "name": "ss1-orphan"}}
    existing, want = {
        "selects none": ([], set()),
        "selects all": ([ss1rev1, ss1rev2], {ss1rev1["metadata"]["name"], "ss1-rev2"}),
        "doesn't select another Objects history": (
            [ss1rev1, ss1rev2, ss2rev1], {ss1rev1["metadata"]["name"], "ss1-rev2"}),
        "selects orphans": ([ss1rev1, ss1rev2, ss1orphan],
                            {ss1rev1["metadata"]["name"], "ss1-rev2", "ss1-orphan"}),
    }[case]
    put(cluster, *existing)
    got = h.list_controller_revisions(cluster, SS1, from_label_selector(SS1["spec"]["selector"]))
    assert {r["metadata"]["name"] for r in got} == want
    owned = h.owned_revisions(cluster, SS1, from_label_selector(SS1["spec"]["selector"]))
    assert [r["revision"] for r in owned] == sorted(r["revision"] for r in owned)


# TestRealHistory_CreateControllerRevision
@pytest.mark.parametrize("case", ["creates new", "create doesn't conflict when parents differ",
                                  "create renames on conflict"])
def test_create_controller_revision(cluster, case):
    ss1rev1 = rev(SS1, 1, collision=0)
    ss2rev1 = rev(SS2, 1, collision=0)
    # same name and hash label as ss1rev1 but another template (a forced hash collision)
    mod = {**SS1["spec"]["template"],
           "metadata": {"labels": {"foo": "not_bar"}}}
    ss1rev2 = rev(SS1, 2, mod, collision=0)
    ss1rev2 = {**ss1rev2, "metadata": {**ss1rev2["metadata"], "name": ss1rev1["metadata"]["name"],
                                       "labels": dict(ss1rev1["metadata"]["labels"])}}
    parent, revision, existing, rename = {
        "creates new": (SS1, ss1rev1, [], False),
        "create doesn't conflict when parents differ": (SS2, ss2rev1, [ss1rev1], False),
        "create renames on conflict": (SS1, ss1rev1, [ss1rev2], True),
    }[case]
    put(cluster, *existing)
    created, count = h.create_controller_revision(cluster, parent, revision, 0, "test")
    if rename:
        assert created["metadata"]["name"] != revision["metadata"]["name"]
        assert count == 1
        assert created["metadata"]["name"] == h.controller_revision_name(
            parent["metadata"]["name"], h.hash_controller_revision(revision, count))
        # the second collision is with an identical revision: no further bump
        again, count2 = h.create_controller_revision(cluster, parent, revision, 0, "test")
        assert count2 == 1
        assert again["metadata"]["uid"] == created["metadata"]["uid"]
    else:
        assert created["metadata"]["name"] == revision["metadata"]["name"]
        assert count == 0


def test_create_controller_revision_requires_collision_count(cluster):
    with pytest.raises(ValueError, match="collisionCount should not be nil"):
        h.create_controller_revision(cluster, SS1, rev(SS1, 1), None, "test")


# TestRealHistory_UpdateControllerRevision / TestFakeHistory_UpdateControllerRevision
@pytest.mark.parametrize("case,delta", [("update succeeds", 1), ("update succeeds no noop", 0)])
def test_update_controller_revision(cluster, case, delta):
    r = rev(SS1, 1, collision=0)
    stored, _ = h.create_controller_revision(cluster, SS1, r, 0, "test")
    updated = h.update_controller_revision(cluster, stored, 1 + delta, "test")
    assert updated["revision"] == 1 + delta
    assert cluster.store.get("ControllerRevision", "default",
                             stored["metadata"]["name"])["revision"] == 1 + delta


def test_update_controller_revision_fails_on_error(cluster):
    # "update fails on error": here, the revision is gone
    with pytest.raises(apierrors.ApiError):
        h.update_controller_revision(cluster, rev(SS1, 1), 11, "test")


# TestRealHistory_DeleteControllerRevision / TestFakeHistory_DeleteControllerRevision
@pytest.mark.parametrize("case,existing,err", [
    ("delete empty fails", [], True),
    ("delete existing succeeds", ["ss1rev1"], False),
    ("delete non-existing fails", ["ss2rev1", "ss2rev2"], True),
])
def test_delete_controller_revision(cluster, case, existing, err):
    revs = {"ss1rev1": rev(SS1, 1, collision=0), "ss2rev1": rev(SS2, 1, collision=0),
            "ss2rev2": {**rev(SS2, 2, collision=0),
                        "metadata": {**rev(SS2, 2, collision=0)["metadata"], "name": "ss2-x"}}}
    put(cluster, *(revs[n] for n in existing))
    if err:
        with pytest.raises(apierrors.ApiError):
            h.delete_controller_revision(cluster, revs["ss1rev1"], "test")
    else:
        h.delete_controller_revision(cluster, revs["ss1rev1"], "test")
        assert cluster.store.list("ControllerRevision", "default") == []


# TestRealHistory_AdoptControllerRevision / TestFakeHistory_AdoptControllerRevision
@pytest.mark.parametrize("case,err", [
    ("adopting an orphan succeeds", False),
    ("adopting an owned revision fails", True),
    ("adopting a non-existent revision fails", True),
])
def test_adopt_controller_revision(cluster, case, err):
    ss1rev2 = orphan(rev(SS1, 2, collision=0))
    ss2rev1 = rev(SS2, 1, collision=0)
    target = {"adopting an orphan succeeds": ss1rev2, "adopting an owned revision fails": ss2rev1,
              "adopting a non-existent revision fails": ss1rev2}[case]
    if case != "adopting a non-existent revision fails":
        target = cluster.api.create(target, "test")
    if err:
        with pytest.raises(apierrors.ApiError):
            h.adopt_controller_revision(cluster, SS1, target, "test")
    else:
        adopted = h.adopt_controller_revision(cluster, SS1, target, "test")
        assert is_controlled_by(adopted, SS1)


# TestRealHistory_ReleaseControllerRevision / TestFakeHistory_ReleaseControllerRevision
@pytest.mark.parametrize("case", [
    "releasing an owned revision succeeds", "releasing an orphan succeeds",
    "releasing a revision owned by another controller succeeds",
    "releasing a non-existent revision succeeds"])
def test_release_controller_revision(cluster, case):
    ss1rev1, ss1rev2, ss2rev1 = rev(SS1, 1, collision=0), orphan(rev(SS1, 2, collision=0)), \
        rev(SS2, 1, collision=0)
    ss1rev2 = {**ss1rev2, "metadata": {**ss1rev2["metadata"], "name": "ss1-orphan"}}
    target, stored = {
        "releasing an owned revision succeeds": (ss1rev1, True),
        "releasing an orphan succeeds": (ss1rev2, True),
        "releasing a revision owned by another controller succeeds": (ss2rev1, True),
        "releasing a non-existent revision succeeds": (ss1rev1, False),
    }[case]
    if stored:
        target = cluster.api.create(target, "test")
    released = h.release_controller_revision(cluster, SS1, target, "test")
    if released is not None:
        assert not is_controlled_by(released, SS1)


# truncateHistory (stateful_set_control.go) / cleanupHistory (daemon/update.go)
@pytest.mark.parametrize("count,live,limit,kept", [
    (5, [], 2, [4, 5]),
    (5, [1], 2, [1, 4, 5]),
    (3, [], 10, [1, 2, 3]),
    (4, [4], 0, [4]),
])
def test_truncate_history(cluster, count, live, limit, kept):
    revisions = []
    for n in range(1, count + 1):
        r = rev(SS1, n, collision=0)
        r = {**r, "metadata": {**r["metadata"], "name": f"ss1-r{n}"}}
        revisions.append(cluster.api.create(r, "test"))
    live_names = [f"ss1-r{n}" for n in live]
    h.truncate_history(cluster, revisions, live_names, limit, "test")
    left = sorted(r["revision"] for r in cluster.store.list("ControllerRevision", "default"))
    assert left == kept
