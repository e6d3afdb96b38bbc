"""The simulated apiserver: system metadata, generation, status, deletion semantics."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.apierrors import ApiError
from pytest_k8sflow.engine.apiserver import ApiServer, qos_class
from pytest_k8sflow.engine.names import NameGenerator, UidGenerator
from pytest_k8sflow.engine.store import Store


@pytest.fixture
def api():
    store = Store()
    clock = {"now": 1_767_225_600_000}
    server = ApiServer(store, lambda: clock["now"], NameGenerator(0), UidGenerator(0))
    server.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}},
                  "test")
    server.clock = clock
    return server


def deployment(name="web", **spec):
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}}, **spec},
            "status": {"replicas": 99}}


def test_create_sets_system_metadata(api):
    obj = api.create(deployment(), "kubectl")
    meta = obj["metadata"]
    assert meta["namespace"] == "default"
    assert meta["generation"] == 1
    assert meta["creationTimestamp"] == "2026-01-01T00:00:00Z"
    assert meta["resourceVersion"].isdigit()
    assert len(meta["uid"]) == 36
    # the status a client sends on create is dropped (registry PrepareForCreate)
    assert obj["status"] == {}


def test_create_twice_is_already_exists(api):
    api.create(deployment(), "kubectl")
    with pytest.raises(ApiError) as err:
        api.create(deployment(), "kubectl")
    assert err.value.reason == "AlreadyExists"
    assert str(err.value) == 'deployments.apps "web" already exists'


def test_unknown_namespace(api):
    obj = deployment()
    obj["metadata"]["namespace"] = "nope"
    with pytest.raises(ApiError, match='namespaces "nope" not found'):
        api.create(obj, "kubectl")


def test_wrong_api_version_for_kind(api):
    obj = deployment()
    obj["apiVersion"] = "extensions/v1beta1"
    with pytest.raises(ApiError, match='no matches for kind "Deployment" in version '
                                       '"extensions/v1beta1"'):
        api.create(obj, "kubectl")


def test_generate_name(api):
    obj = api.create({"apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": {"generateName": "cfg-"}}, "kubectl")
    assert obj["metadata"]["name"].startswith("cfg-") and len(obj["metadata"]["name"]) == 9


def test_generation_bumps_on_spec_and_deployment_annotations_only(api):
    obj = api.create(deployment(), "kubectl")
    same = api.update(obj, "kubectl")
    assert same is obj  # a no-op write is not a write
    scaled = api.update({**obj, "spec": {**obj["spec"], "replicas": 3}}, "kubectl")
    assert scaled["metadata"]["generation"] == 2
    annotated = api.update({**scaled, "metadata": {**scaled["metadata"],
                                                   "annotations": {"a": "b"}}}, "kubectl")
    assert annotated["metadata"]["generation"] == 3
    status = api.update_status({**annotated, "status": {"replicas": 3}}, "controller")
    assert status["metadata"]["generation"] == 3
    assert status["status"] == {"replicas": 3}
    assert int(status["metadata"]["resourceVersion"]) > int(
        annotated["metadata"]["resourceVersion"])


def test_main_resource_update_keeps_status_and_status_update_keeps_spec(api):
    obj = api.create(deployment(), "kubectl")
    obj = api.update_status({**obj, "status": {"replicas": 1}}, "controller")
    updated = api.update({**obj, "spec": {**obj["spec"], "replicas": 2},
                          "status": {"replicas": 42}}, "kubectl")
    assert updated["status"] == {"replicas": 1}
    status = api.update_status({**updated, "spec": {**updated["spec"], "replicas": 9},
                                "status": {"replicas": 2}}, "controller")
    assert status["spec"]["replicas"] == 2


def test_conflict_on_stale_resource_version(api):
    obj = api.create(deployment(), "kubectl")
    api.update({**obj, "spec": {**obj["spec"], "replicas": 2}}, "kubectl")
    with pytest.raises(ApiError) as err:
        api.update({**obj, "spec": {**obj["spec"], "replicas": 5}}, "kubectl",
                   check_version=True)
    assert err.value.reason == "Conflict"
    assert "the object has been modified" in str(err.value)


def test_delete_without_finalizers_removes_at_once(api):
    api.create(deployment(), "kubectl")
    assert api.delete("Deployment", "default", "web", "kubectl") is None
    assert api.store.get("Deployment", "default", "web") is None


@pytest.mark.parametrize("policy,finalizer", [("Foreground", "foregroundDeletion"),
                                              ("Orphan", "orphan")])
def test_foreground_and_orphan_add_their_finalizer(api, policy, finalizer):
    api.create(deployment(), "kubectl")
    obj = api.delete("Deployment", "default", "web", "kubectl", propagation=policy)
    assert obj["metadata"]["finalizers"] == [finalizer]
    assert obj["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:00Z"
    assert api.remove_finalizer(obj, finalizer, "garbage-collector") is None
    assert api.store.get("Deployment", "default", "web") is None


def pod(name="p", node=None, grace=None, phase=None):
    spec = {"containers": [{"name": "c", "image": "nginx"}]}
    if node:
        spec["nodeName"] = node
    if grace is not None:
        spec["terminationGracePeriodSeconds"] = grace
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def test_unscheduled_pod_is_deleted_at_once(api):
    api.create(pod(), "kubectl")
    assert api.delete("Pod", "default", "p", "kubectl") is None


def test_scheduled_pod_deletion_is_graceful(api):
    api.create(pod(node="node-1", grace=20), "kubectl")
    obj = api.delete("Pod", "default", "p", "kubectl")
    assert obj["metadata"]["deletionGracePeriodSeconds"] == 20
    assert obj["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:20Z"
    # a second delete with a shorter grace period shortens it; 0 removes the pod
    assert api.delete("Pod", "default", "p", "kubectl", grace_period_seconds=0) is None


def test_pod_status_on_create(api):
    obj = api.create(pod(), "kubectl")
    assert obj["status"] == {"phase": "Pending", "qosClass": "BestEffort"}
    assert "generation" not in obj["metadata"]


@pytest.mark.parametrize("resources,qos", [
    ({}, "BestEffort"),
    ({"requests": {"cpu": "100m"}}, "Burstable"),
    ({"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
     "Guaranteed"),
    ({"limits": {"cpu": "1"}, "requests": {"cpu": "1"}}, "Burstable"),
])
def test_qos_class(resources, qos):
    # k/k pkg/apis/core/helper/qos/qos_test.go TestGetPodQOS (cpu/memory cases)
    assert qos_class({"spec": {"containers": [{"name": "c", "resources": resources}]}}) == qos
