"""Subset matching of expectations (scenario-format.md "Expectations", "Values inside
expectations"): every example of the contract, the matchers, and keyed lists."""

from __future__ import annotations

import copy
import time

import pytest

from pytest_k8sflow.errors import K8sflowError
from pytest_k8sflow.expect.matchers import ABSENT, MATCHER_NAMES, render_value
from pytest_k8sflow.expect.matching import Mismatch, match, matches, path_text


def pod(**overrides):
    obj = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": "web-7d9c5b-x2kqp", "namespace": "default",
            "labels": {"app": "web", "pod-template-hash": "7d9c5b"},
            "annotations": {"podpreset.admission.kubernetes.io/podpreset-db": "12"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                 "name": "web-7d9c5b", "uid": "u-rs-1", "controller": True,
                                 "blockOwnerDeletion": True}],
        },
        "spec": {
            "containers": [
                {"name": "web", "image": "nginx:1.24",
                 "ports": [{"containerPort": 80, "protocol": "TCP"},
                           {"containerPort": 53, "protocol": "UDP"}],
                 "env": [{"name": "MODE", "value": "fast"},
                         {"name": "DB", "valueFrom": {"secretKeyRef": {"name": "db",
                                                                        "key": "url"}}}],
                 "volumeMounts": [{"name": "kube-api-access-b7k2p",
                                   "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                                   "readOnly": True}],
                 "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}},
                {"name": "sidecar", "image": "busybox", "args": ["sleep", "3600"]},
            ],
            "initContainers": [{"name": "init", "image": "busybox"}],
            "tolerations": [
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                 "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                 "effect": "NoExecute", "tolerationSeconds": 300},
            ],
            "volumes": [
                {"name": "kube-api-access-b7k2p", "projected": {"defaultMode": 420,
                                                                "sources": []}},
                {"name": "data", "emptyDir": {}},
            ],
            "nodeName": "node-1",
        },
        "status": {
            "phase": "Running",
            "podIP": "10.244.1.5",
            "conditions": [
                {"type": "Initialized", "status": "True"},
                {"type": "Ready", "status": "True",
                 "lastTransitionTime": "2026-01-01T00:00:10Z"},
                {"type": "PodScheduled", "status": "True"},
            ],
            "containerStatuses": [
                {"name": "web", "ready": True, "restartCount": 0,
                 "state": {"running": {"startedAt": "2026-01-01T00:00:05Z"}}},
                {"name": "sidecar", "ready": True, "restartCount": 2,
                 "state": {"running": {"startedAt": "2026-01-01T00:00:05Z"}}},
            ],
        },
    }
    obj.update(overrides)
    return obj


def deployment():
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "generation": 2},
        "spec": {"replicas": 3, "template": {"spec": {"containers": [
            {"name": "web", "image": "nginx:1.25"}]}}},
        "status": {"replicas": 3, "availableReplicas": 2, "observedGeneration": 2,
                   "conditions": [
                       {"type": "Available", "status": "False",
                        "reason": "MinimumReplicasUnavailable"},
                       {"type": "Progressing", "status": "True",
                        "reason": "NewReplicaSetAvailable"}]},
    }


def crd_object():
    return {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
            "spec": {"sizes": [1, 2]},
            "status": {"conditions": [{"type": "Ready", "status": "True"},
                                      {"type": "Synced", "status": "False"}]}}


POD = ("v1", "Pod")
DEPLOY = ("apps/v1", "Deployment")
WIDGET = ("example.com/v1", "Widget")

# (id, expected, actual, (apiVersion, kind), the paths that differ; none: it matches)
CASES = [
    # -- "A partial object": subset match ---------------------------------------------------
    ("subset of fields", {"kind": "Pod", "metadata": {"name": "web-7d9c5b-x2kqp"},
                          "status": {"phase": "Running"}}, pod(), POD, []),
    ("different value", {"status": {"phase": "Pending"}}, pod(), POD, [".status.phase"]),
    ("missing key", {"metadata": {"labels": {"tier": "db"}}}, pod(), POD,
     [".metadata.labels.tier"]),
    ("contract failure example", {"status": {"availableReplicas": 3}}, deployment(), DEPLOY,
     [".status.availableReplicas"]),
    ("several differences", {"spec": {"replicas": 4}, "status": {"availableReplicas": 3,
                                                                 "replicas": 3}},
     deployment(), DEPLOY, [".spec.replicas", ".status.availableReplicas"]),
    ("empty map matches a map", {"spec": {"volumes": [{"name": "data", "emptyDir": {}}]}},
     pod(), POD, []),
    ("empty map needs the key", {"spec": {"volumes": [{"name": "data", "configMap": {}}]}},
     pod(), POD, [".spec.volumes[name=data].configMap"]),
    ("dotted label key", {"metadata": {"annotations": {
        "podpreset.admission.kubernetes.io/podpreset-db": "13"}}}, pod(), POD,
     ['.metadata.annotations["podpreset.admission.kubernetes.io/podpreset-db"]']),
    # -- null and [] ----------------------------------------------------------------------
    ("null is absent", {"spec": {"hostNetwork": None}}, pod(), POD, []),
    ("null fails when present", {"spec": {"nodeName": None}}, pod(), POD, [".spec.nodeName"]),
    ("empty list is absent", {"spec": {"ephemeralContainers": []}}, pod(), POD, []),
    ("empty list is empty", {"spec": {"volumes": [{"name": "data"}]},
                             "status": {"initContainerStatuses": []}}, pod(), POD, []),
    ("empty list fails with items", {"spec": {"tolerations": []}}, pod(), POD,
     [".spec.tolerations"]),
    # -- keyed lists ------------------------------------------------------------------------
    ("containers by name, any order", {"spec": {"containers": [
        {"name": "sidecar", "image": "busybox"}, {"name": "web", "image": "nginx:1.24"}]}},
     pod(), POD, []),
    ("containers not named are ignored", {"spec": {"containers": [{"name": "sidecar"}]}},
     pod(), POD, []),
    ("container field differs", {"spec": {"containers": [{"name": "web",
                                                          "image": "nginx:1.25"}]}},
     pod(), POD, [".spec.containers[name=web].image"]),
    ("container missing", {"spec": {"containers": [{"name": "db"}]}}, pod(), POD,
     [".spec.containers[name=db]"]),
    ("initContainers by name", {"spec": {"initContainers": [{"name": "init"}]}}, pod(), POD,
     []),
    ("env by name", {"spec": {"containers": [{"name": "web", "env": [
        {"name": "DB", "valueFrom": {"secretKeyRef": {"name": "db"}}}]}]}}, pod(), POD, []),
    ("env value differs", {"spec": {"containers": [{"name": "web", "env": [
        {"name": "MODE", "value": "slow"}]}]}}, pod(), POD,
     [".spec.containers[name=web].env[name=MODE].value"]),
    ("volumeMounts by mountPath", {"spec": {"containers": [{"name": "web", "volumeMounts": [
        {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True}]}]}},
     pod(), POD, []),
    ("ports by containerPort", {"spec": {"containers": [{"name": "web", "ports": [
        {"containerPort": 53, "protocol": "UDP"}]}]}}, pod(), POD, []),
    ("ports keyed, field differs", {"spec": {"containers": [{"name": "web", "ports": [
        {"containerPort": 80, "protocol": "UDP"}]}]}}, pod(), POD,
     [".spec.containers[name=web].ports[containerPort=80].protocol"]),
    ("volumes by name", {"spec": {"volumes": [{"name": "data", "emptyDir": {}}]}}, pod(), POD,
     []),
    ("conditions by type", {"status": {"conditions": [{"type": "Ready", "status": "True"}]}},
     pod(), POD, []),
    ("condition differs", {"status": {"conditions": [{"type": "Available", "status": "True"}]}},
     deployment(), DEPLOY, [".status.conditions[type=Available].status"]),
    ("condition missing", {"status": {"conditions": [{"type": "ContainersReady"}]}},
     pod(), POD, [".status.conditions[type=ContainersReady]"]),
    ("ownerReferences without uid", {"metadata": {"ownerReferences": [
        {"kind": "ReplicaSet", "name": "web-7d9c5b", "controller": True}]}}, pod(), POD, []),
    ("ownerReferences without uid, no match", {"metadata": {"ownerReferences": [
        {"kind": "StatefulSet", "controller": True}]}}, pod(), POD,
     [".metadata.ownerReferences[kind=StatefulSet].kind"]),
    ("ownerReferences with a glob name", {"metadata": {"ownerReferences": [
        {"kind": "ReplicaSet", "name": {"$glob": "web-*"}}]}}, pod(), POD, []),
    ("key as matcher", {"spec": {"volumes": [{"name": {"$glob": "kube-api-access-*"},
                                              "projected": {"defaultMode": 420}}]}},
     pod(), POD, []),
    ("key as matcher, rest differs", {"spec": {"volumes": [
        {"name": {"$glob": "kube-api-access-*"}, "projected": {"defaultMode": 292}}]}},
     pod(), POD, [".spec.volumes[name=kube-api-access-b7k2p].projected.defaultMode"]),
    ("key as matcher, none", {"spec": {"volumes": [{"name": {"$glob": "token-*"}}]}},
     pod(), POD, [".spec.volumes[name=token-*]"]),
    ("key matcher picks some item", {"status": {"containerStatuses": [
        {"name": {"$in": ["web", "sidecar"]}, "restartCount": 2}]}}, pod(), POD, []),
    # extension: status lists keyed by name / type
    ("containerStatuses by name", {"status": {"containerStatuses": [
        {"name": "sidecar", "restartCount": 2}]}}, pod(), POD, []),
    ("containerStatuses differs", {"status": {"containerStatuses": [
        {"name": "web", "ready": False}]}}, pod(), POD,
     [".status.containerStatuses[name=web].ready"]),
    ("conditions keyed in a custom resource", {"status": {"conditions": [
        {"type": "Synced", "status": "False"}]}}, crd_object(), WIDGET, []),
    ("conditions keyed without a kind", {"status": {"conditions": [
        {"type": "Synced", "status": "True"}]}}, crd_object(), (None, None),
     [".status.conditions[type=Synced].status"]),
    # -- other lists: item by item, same length -----------------------------------------------
    ("atomic list in order", {"spec": {"tolerations": [
        {"key": "node.kubernetes.io/not-ready"}, {"key": "node.kubernetes.io/unreachable"}]}},
     pod(), POD, []),
    ("atomic list wrong order", {"spec": {"tolerations": [
        {"key": "node.kubernetes.io/unreachable"}, {"key": "node.kubernetes.io/not-ready"}]}},
     pod(), POD, [".spec.tolerations[0].key", ".spec.tolerations[1].key"]),
    ("atomic list length", {"spec": {"tolerations": [{"key": "node.kubernetes.io/not-ready"}]}},
     pod(), POD, [".spec.tolerations"]),
    ("scalar list", {"spec": {"containers": [{"name": "sidecar", "args": ["sleep", "3600"]}]}},
     pod(), POD, []),
    ("scalar list differs", {"spec": {"containers": [{"name": "sidecar", "args": ["sleep"]}]}},
     pod(), POD, [".spec.containers[name=sidecar].args"]),
    ("list in a custom resource", {"spec": {"sizes": [1, 3]}}, crd_object(), WIDGET,
     [".spec.sizes[1]"]),
    # -- numbers --------------------------------------------------------------------------------
    ("3 and 3.0 are equal", {"spec": {"replicas": 3.0}}, deployment(), DEPLOY, []),
    ("3 and '3' are not", {"spec": {"replicas": "3"}}, deployment(), DEPLOY, [".spec.replicas"]),
    ("true is not 1", {"metadata": {"generation": True}}, deployment(), DEPLOY,
     [".metadata.generation"]),
    # -- metadata.name glob ---------------------------------------------------------------------
    ("name glob", {"metadata": {"name": "web-*"}}, pod(), POD, []),
    ("name glob fails", {"metadata": {"name": "db-*"}}, pod(), POD, [".metadata.name"]),
    ("glob only at the top", {"metadata": {"ownerReferences": [{"name": "web-*"}]}}, pod(), POD,
     [".metadata.ownerReferences[name=web-*].name"]),
    # -- matchers ---------------------------------------------------------------------------------
    ("$any", {"status": {"podIP": {"$any": True}}}, pod(), POD, []),
    ("$any absent", {"status": {"hostIP": {"$any": True}}}, pod(), POD, [".status.hostIP"]),
    ("$any false", {"status": {"hostIP": {"$any": False}}}, pod(), POD, []),
    ("$glob", {"spec": {"nodeName": {"$glob": "node-?"}}}, pod(), POD, []),
    ("$regex", {"metadata": {"name": {"$regex": "^web-[a-z0-9]+-[a-z0-9]{5}$"}}}, pod(), POD, []),
    ("$regex fails", {"status": {"podIP": {"$regex": "^10\\.0\\."}}}, pod(), POD,
     [".status.podIP"]),
    ("$gte", {"status": {"replicas": {"$gte": 2}}}, deployment(), DEPLOY, []),
    ("$lte fails", {"status": {"replicas": {"$lte": 2}}}, deployment(), DEPLOY,
     [".status.replicas"]),
    ("$gt $lt", {"status": {"replicas": {"$gt": 2}, "availableReplicas": {"$lt": 3}}},
     deployment(), DEPLOY, []),
    ("$gte on absent", {"status": {"readyReplicas": {"$gte": 0}}}, deployment(), DEPLOY,
     [".status.readyReplicas"]),
    ("$gte on timestamps", {"status": {"conditions": [
        {"type": "Ready", "lastTransitionTime": {"$gte": "2026-01-01T00:00:10Z"}}]}},
     pod(), POD, []),
    ("$len list", {"spec": {"containers": {"$len": 2}}}, pod(), POD, []),
    ("$len fails", {"spec": {"tolerations": {"$len": 3}}}, pod(), POD, [".spec.tolerations"]),
    ("$len absent is 0", {"spec": {"ephemeralContainers": {"$len": 0}}}, pod(), POD, []),
    ("$len map and text", {"metadata": {"labels": {"$len": 2}, "name": {"$len": 16}}},
     pod(), POD, []),
    ("$len with a matcher", {"spec": {"containers": {"$len": {"$gte": 2}}}}, pod(), POD, []),
    ("$ne", {"status": {"phase": {"$ne": "Pending"}}}, pod(), POD, []),
    ("$ne null", {"spec": {"nodeName": {"$ne": None}}}, pod(), POD, []),
    ("$ne fails", {"status": {"phase": {"$ne": "Running"}}}, pod(), POD, [".status.phase"]),
    ("$in", {"status": {"phase": {"$in": ["Pending", "Running"]}}}, pod(), POD, []),
    ("$in fails", {"status": {"phase": {"$in": ["Pending", "Failed"]}}}, pod(), POD,
     [".status.phase"]),
    ("$contains list", {"spec": {"containers": [{"name": "sidecar", "args": {
        "$contains": "3600"}}]}}, pod(), POD, []),
    ("$contains partial item", {"spec": {"tolerations": {"$contains": {
        "key": "node.kubernetes.io/unreachable", "tolerationSeconds": 300}}}}, pod(), POD, []),
    ("$contains text", {"spec": {"containers": [{"name": "web", "image": {
        "$contains": "1.24"}}]}}, pod(), POD, []),
    ("$contains fails", {"spec": {"tolerations": {"$contains": {"key": "other"}}}}, pod(), POD,
     [".spec.tolerations"]),
    ("$not", {"status": {"phase": {"$not": {"$in": ["Failed", "Unknown"]}}}}, pod(), POD, []),
    ("$not partial", {"spec": {"containers": [{"name": "web", "resources": {
        "$not": {"limits": {"$any": True}}}}]}}, pod(), POD, []),
    ("$all range", {"status": {"containerStatuses": [{"name": "sidecar", "restartCount": {
        "$all": [{"$gte": 1}, {"$lte": 5}]}}]}}, pod(), POD, []),
    ("several $ keys are all required", {"status": {"replicas": {"$gte": 1, "$lte": 2}}},
     deployment(), DEPLOY, [".status.replicas"]),
    ("$quantity", {"spec": {"containers": [{"name": "web", "resources": {"requests": {
        "cpu": {"$quantity": "0.5"}, "memory": {"$quantity": "1024Mi"}}}}]}}, pod(), POD, []),
    ("$quantity fails", {"spec": {"containers": [{"name": "web", "resources": {"requests": {
        "cpu": {"$quantity": "1"}}}}]}}, pod(), POD,
     [".spec.containers[name=web].resources.requests.cpu"]),
    # -- events, as the evaluator matches them -------------------------------------------------
    ("event partial", {"reason": "Scheduled", "type": "Normal",
                       "involvedObject": {"kind": "Pod", "name": {"$glob": "web-*"}},
                       "message": {"$regex": "assigned default/web-.* to node-1"}},
     {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "web-0.1"},
      "reason": "Scheduled", "type": "Normal", "count": 1,
      "involvedObject": {"kind": "Pod", "name": "web-0", "namespace": "default"},
      "message": "Successfully assigned default/web-0 to node-1"}, ("v1", "Event"), []),
]


@pytest.mark.parametrize(("expected", "actual", "target", "paths"),
                         [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_match(expected, actual, target, paths):
    api_version, kind = target
    frozen = copy.deepcopy(actual)
    found = match(expected, actual, api_version=api_version, kind=kind)
    assert [m.path_text for m in found] == paths
    assert matches(expected, actual, api_version=api_version, kind=kind) == (not paths)
    assert actual == frozen


def test_mismatch_fields_and_messages():
    [m] = match({"status": {"availableReplicas": 3}}, deployment(),
                api_version="apps/v1", kind="Deployment")
    assert m.path == ["status", "availableReplicas"]
    assert (m.expected, m.actual) == (3, 2)
    assert m.message == "expected 3, got 2"

    [m] = match({"metadata": {"labels": {"tier": "db"}}}, pod(), api_version="v1", kind="Pod")
    assert m.actual is ABSENT
    assert m.message == 'expected "db", got <absent>'

    [m] = match({"spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}, pod(),
                api_version="v1", kind="Pod")
    assert m.path == ["spec", "containers", "[name=web]", "image"]
    assert m.message == 'expected "nginx:1.25", got "nginx:1.24"'

    [m] = match({"spec": {"tolerations": [{}, {}, {}]}}, pod(), api_version="v1", kind="Pod")
    assert m.message == "expected 3 items, got 2"

    [m] = match({"spec": {"tolerations": []}}, pod(), api_version="v1", kind="Pod")
    assert m.message == "expected no items, got 2 items"

    [m] = match({"spec": {"containers": [{"name": "db"}]}}, pod(), api_version="v1", kind="Pod")
    assert m.message == ('expected an item {"name": "db"}, got <absent> '
                         "(there are: web, sidecar)")

    [m] = match({"status": {"replicas": {"$gte": 5}}}, deployment(),
                api_version="apps/v1", kind="Deployment")
    assert m.message == "expected >= 5, got 3"

    [m] = match({"metadata": {"name": "db-*"}}, pod(), api_version="v1", kind="Pod")
    assert m.message == 'expected a text matching "db-*", got "web-7d9c5b-x2kqp"'

    [m] = match({"spec": {"nodeName": None}}, pod(), api_version="v1", kind="Pod")
    assert m.message == 'expected null (absent), got "node-1"'


def test_closest_keyed_item_is_reported():
    actual = {"status": {"conditions": [
        {"type": "Ready", "status": "False", "reason": "A"},
        {"type": "Ready", "status": "True", "reason": "B"}]}}
    found = match({"status": {"conditions": [{"type": "Ready", "status": "True",
                                              "reason": "C"}]}}, actual)
    assert [m.path_text for m in found] == [".status.conditions[type=Ready].reason"]
    assert found[0].actual == "B"


def test_every_expected_item_is_checked_on_its_own():
    # two expected items may be satisfied by the same actual item (no pairing off)
    expected = {"spec": {"volumes": [{"name": {"$glob": "kube-*"}},
                                     {"name": {"$glob": "*-b7k2p"}}]}}
    assert matches(expected, pod(), api_version="v1", kind="Pod")


@pytest.mark.parametrize("expected", [
    {"status": {"phase": {"$bogus": 1}}},
    {"status": {"phase": {"$len": "x"}}},
    {"status": {"phase": {"$regex": "("}}},
    {"status": {"phase": {"$in": "Running"}}},
    {"status": {"phase": "Running", "$glob": "x"}},
    {"status": {"phase": {"$glob": "R*", "name": "x"}}},
])
def test_bad_matchers_are_user_errors(expected):
    with pytest.raises(K8sflowError) as err:
        match(expected, pod(), api_version="v1", kind="Pod")
    assert ".status" in str(err.value)


def test_matcher_names_are_documented():
    from pytest_k8sflow.expect import matchers

    for name in MATCHER_NAMES:
        assert f"``{{{name}:" in matchers.__doc__


def test_path_text():
    assert path_text(["spec", "containers", "[name=web]", "image"]) == (
        ".spec.containers[name=web].image")
    assert path_text(["metadata", "labels", "app.kubernetes.io/name"]) == (
        '.metadata.labels["app.kubernetes.io/name"]')
    assert path_text([]) == "."
    assert Mismatch(["a"], 1, 2).path_text == ".a"


def test_render_value_is_short():
    assert render_value("x") == '"x"'
    assert render_value(ABSENT) == "<absent>"
    assert render_value({"a": [1, None, True]}) == '{"a": [1, null, true]}'
    long = render_value({"data": "x" * 500})
    assert len(long) == 200 and "…" in long
    assert render_value({"$gte": 2}) == ">= 2"


def test_fast_over_thousands_of_pods():
    pods = [pod() for _ in range(2000)]
    expected = {"metadata": {"labels": {"app": "web"}, "ownerReferences": [{"kind": "ReplicaSet"}]},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.24"}],
                         "volumes": [{"name": {"$glob": "kube-api-access-*"}}]},
                "status": {"phase": "Running",
                           "conditions": [{"type": "Ready", "status": "True"}],
                           "containerStatuses": [{"name": "web", "ready": True}]}}
    start = time.perf_counter()
    assert all(not match(expected, p, api_version="v1", kind="Pod") for p in pods)
    elapsed = time.perf_counter() - start
    # the matcher copies nothing: a couple of thousand pods take well under a second
    assert elapsed < 2.0
