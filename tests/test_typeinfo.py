"""Field metadata read from the bundled 1.32 OpenAPI schemas."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine import typeinfo
from pytest_k8sflow.engine.typeinfo import field_info, list_merge_key, node_at, type_node

POD_SPEC = ("spec",)
TEMPLATE_SPEC = ("spec", "template", "spec")


@pytest.mark.parametrize(("api_version", "kind", "path", "merge_key", "strategy", "list_type",
                          "map_keys"), [
    # k8s.io/api core/v1 types.go tags, as the OpenAPI schema carries them
    ("v1", "Pod", (*POD_SPEC, "containers"), "name", "merge", "map", ("name",)),
    ("v1", "Pod", (*POD_SPEC, "initContainers"), "name", "merge", "map", ("name",)),
    ("v1", "Pod", (*POD_SPEC, "containers", "env"), "name", "merge", "map", ("name",)),
    ("v1", "Pod", (*POD_SPEC, "containers", "volumeMounts"), "mountPath", "merge", "map",
     ("mountPath",)),
    ("v1", "Pod", (*POD_SPEC, "containers", "ports"), "containerPort", "merge", "map",
     ("containerPort", "protocol")),
    ("v1", "Pod", (*POD_SPEC, "volumes"), "name", "merge,retainKeys", "map", ("name",)),
    ("v1", "Pod", (*POD_SPEC, "tolerations"), None, None, "atomic", ()),
    ("v1", "Pod", (*POD_SPEC, "imagePullSecrets"), "name", "merge", "map", ("name",)),
    ("v1", "Pod", ("status", "conditions"), "type", "merge", "map", ("type",)),
    ("v1", "Pod", ("status", "containerStatuses"), None, None, "atomic", ()),
    ("v1", "Pod", ("metadata", "ownerReferences"), "uid", "merge", "map", ("uid",)),
    ("v1", "Pod", ("metadata", "finalizers"), None, "merge", "set", ()),
    ("v1", "Service", ("spec", "ports"), "port", "merge", "map", ("port", "protocol")),
    ("apps/v1", "Deployment", (*TEMPLATE_SPEC, "containers"), "name", "merge", "map",
     ("name",)),
    ("apps/v1", "Deployment", ("status", "conditions"), "type", "merge", "map", ("type",)),
    ("apps/v1", "StatefulSet", ("spec", "volumeClaimTemplates"), None, None, "atomic", ()),
    ("batch/v1", "CronJob", ("spec", "jobTemplate", "spec", "template", "spec", "containers"),
     "name", "merge", "map", ("name",)),
])
def test_list_metadata(api_version, kind, path, merge_key, strategy, list_type, map_keys):
    info = field_info(api_version, kind, path)
    assert info is not None and info.is_list
    assert info.merge_key == merge_key
    assert info.patch_strategy == strategy
    assert info.list_type == list_type
    assert info.list_map_keys == map_keys


def test_struct_patch_strategies():
    # DeploymentSpec.strategy is retainKeys; PodDisruptionBudgetSpec.selector is replace
    strategy = field_info("apps/v1", "Deployment", ("spec", "strategy"))
    assert strategy.is_object and strategy.retain_keys and strategy.strategy is None
    assert strategy.type_name == "io.k8s.api.apps.v1.DeploymentStrategy"
    selector = field_info("policy/v1", "PodDisruptionBudget", ("spec", "selector"))
    assert selector.strategy == "replace"
    volumes = field_info("v1", "Pod", ("spec", "volumes"))
    assert volumes.patch_strategies == ("merge", "retainKeys")
    assert volumes.strategy == "merge" and volumes.retain_keys


def test_maps_and_leaves():
    labels = field_info("v1", "Pod", ("metadata", "labels"))
    assert labels.is_map and not labels.is_list
    leaf = field_info("v1", "Pod", ("metadata", "labels", "app.kubernetes.io/name"))
    assert leaf.name == "app.kubernetes.io/name"
    assert not (leaf.is_map or leaf.is_list or leaf.is_object)
    limits = field_info("v1", "Pod", ("spec", "containers", "resources", "limits"))
    assert limits.is_map
    assert limits.type_name == "io.k8s.apimachinery.pkg.api.resource.Quantity"
    root = field_info("v1", "Pod", ())
    assert root.is_object and root.type_name == "io.k8s.api.core.v1.Pod"


def test_list_merge_key():
    assert list_merge_key("v1", "Pod", ("spec", "containers")) == "name"
    assert list_merge_key("v1", "Pod", ("spec", "tolerations")) is None
    assert list_merge_key("v1", "Pod", ("metadata", "finalizers")) is None  # no key: scalars
    assert list_merge_key("v1", "Pod", ("spec", "nodeName")) is None


def test_match_keys_extension():
    # status lists without a patch key are matched by name/type in expectations
    assert field_info("v1", "Pod", ("status", "containerStatuses")).match_keys == ("name",)
    assert field_info("v1", "Pod", ("status", "initContainerStatuses")).match_keys == ("name",)
    assert field_info("v1", "Pod", ("status", "ephemeralContainerStatuses")).match_keys == (
        "name",)
    assert field_info("v1", "Pod", ("spec", "containers", "ports")).match_keys == (
        "containerPort",)
    assert field_info("v1", "Pod", ("spec", "tolerations")).match_keys == ()


def test_podpreset_is_described_by_our_table():
    env = field_info("settings.k8s.io/v1alpha1", "PodPreset", ("spec", "env"))
    assert env.is_list and env.type_name == "io.k8s.api.core.v1.EnvVar"
    assert env.merge_key is None and env.patch_strategy is None  # upstream: no patch tags
    assert env.match_keys == ("name",)
    mounts = field_info("settings.k8s.io/v1alpha1", "PodPreset", ("spec", "volumeMounts"))
    assert mounts.type_name == "io.k8s.api.core.v1.VolumeMount"
    assert mounts.match_keys == ("mountPath",)
    env_from = field_info("settings.k8s.io/v1alpha1", "PodPreset", ("spec", "envFrom"))
    assert env_from.type_name == "io.k8s.api.core.v1.EnvFromSource"
    # the core types below are the real ones
    items = field_info("settings.k8s.io/v1alpha1", "PodPreset",
                       ("spec", "volumes", "configMap", "items"))
    assert items.is_list and items.type_name == "io.k8s.api.core.v1.KeyToPath"
    selector = field_info("settings.k8s.io/v1alpha1", "PodPreset", ("spec", "selector"))
    assert selector.type_name == "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"


@pytest.mark.parametrize(("api_version", "kind", "path"), [
    ("example.com/v1", "Widget", ("spec",)),
    ("example.com/v1", "Deployment", ("spec",)),  # a CRD named like a built-in kind
    ("v1", "Pod", ("spec", "noSuchField")),
    ("v1", "Pod", ("spec", "nodeName", "deeper")),
    ("", "Pod", ()),
    ("v1", "", ()),
])
def test_unknown_is_none(api_version, kind, path):
    assert field_info(api_version, kind, path) is None


def test_older_api_versions_use_the_moved_kind():
    for api_version in ("extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"):
        info = field_info(api_version, "Deployment", (*TEMPLATE_SPEC, "containers"))
        assert info is not None and info.merge_key == "name"
    assert field_info("batch/v1beta1", "CronJob", ("spec", "jobTemplate")) is not None


def test_nodes_are_shared_and_cached():
    assert type_node("v1", "Pod") is type_node("v1", "Pod")
    a = node_at("v1", "Pod", ("spec", "containers"))
    b = node_at("apps/v1", "Deployment", (*TEMPLATE_SPEC, "containers"))
    assert a is b  # PodSpec.containers, reached two ways
    # a list node's children are its items' fields
    assert a.child("image").info.name == "image"
    # map values share one node
    labels = node_at("v1", "Pod", ("metadata", "labels"))
    assert labels.child("a") is labels.child("b")


def test_recursive_definitions_do_not_loop():
    info = field_info("apiextensions.k8s.io/v1", "CustomResourceDefinition",
                      ("spec", "versions", "schema", "openAPIV3Schema", "properties", "spec",
                       "properties", "x", "items"))
    assert info is not None


def test_registry_from_definitions():
    registry = typeinfo.registry_from_definitions({
        "thing": {"properties": {"items": {"type": "array", "items": {"type": "string"},
                                           "x-kubernetes-patch-strategy": "merge"}},
                  "x-kubernetes-group-version-kind": [
                      {"group": "g", "version": "v1", "kind": "Thing"}]}})
    root = registry.root("g/v1", "Thing")
    assert root.child("items").info.strategy == "merge"
    assert registry.root("g/v1", "Other") is None
