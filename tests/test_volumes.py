"""Files a container sees: k/k pkg/volume/configmap and secret TestMakePayload (the cases that
apply), the downward-API volume rules (k/k pkg/volume/downwardapi, doc "Expose Pod
Information to Containers Through Files") and the projected / service-account token volume."""

from __future__ import annotations

import base64
import json

import pytest

from pytest_k8sflow.engine.admission.serviceaccount import (
    FAKE_CA_CERT,
    ensure_namespace_defaults,
    make_serviceaccount_plugin,
)
from pytest_k8sflow.engine.apiserver import ApiServer
from pytest_k8sflow.engine.names import NameGenerator, UidGenerator
from pytest_k8sflow.engine.store import Store
from pytest_k8sflow.engine.volumes import (
    VolumeSetupError,
    VolumeSetupFailure,
    container_files,
    volume_payload,
    volume_setup_errors,
)

NS = "default"
NOW = 1_767_225_600_000


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def store_with(*objects):
    store = Store()
    for rv, obj in enumerate(objects, start=1):
        store.put(obj["kind"], obj, "test", rv)
    return store


def cm(name, data=None, binary=None):
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": NS}}
    if data is not None:
        obj["data"] = data
    if binary is not None:
        obj["binaryData"] = {k: base64.b64encode(v).decode() for k, v in binary.items()}
    return obj


def secret(name, data):
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": NS},
            "data": {k: b64(v) for k, v in data.items()}}


def pod(volumes, mounts, *, container=None, labels=None, annotations=None, **spec):
    meta = {"name": "kubernetes-downwardapi-volume-example", "namespace": NS,
            "uid": "6ad4f2b4-bbd2-4c4a-8d4a-2b2c3c4d5e6f",
            "creationTimestamp": "2026-01-01T00:00:00Z"}
    if labels is not None:
        meta["labels"] = labels
    if annotations is not None:
        meta["annotations"] = annotations
    c = {"name": "client-container", "volumeMounts": mounts, **(container or {})}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [c], "volumes": volumes, **spec}}


def payload(volume, *objects, p=None, **kw):
    return volume_payload(p or pod([volume], []), volume, store_with(*objects), **kw)


# -- configmap TestMakePayload -----------------------------------------------------------------
CM = cm("cm", {"foo": "foo", "bar": "bar"})


@pytest.mark.parametrize("items, expected", [
    pytest.param(None, {"foo": "foo", "bar": "bar"}, id="no overrides"),
    pytest.param([{"key": "foo", "path": "path/to/foo.txt"}], {"path/to/foo.txt": "foo"},
                 id="basic 1"),
    pytest.param([{"key": "foo", "path": "path/to/1/2/3/foo.txt"}],
                 {"path/to/1/2/3/foo.txt": "foo"}, id="subdirs"),
    pytest.param([{"key": "foo", "path": "path/to/1/2/3/foo.txt"},
                  {"key": "bar", "path": "another/path/to/the/esteemed/bar.bin"}],
                 {"path/to/1/2/3/foo.txt": "foo", "another/path/to/the/esteemed/bar.bin": "bar"},
                 id="subdirs 2"),
    pytest.param([{"key": "foo", "path": "foo.txt"}, {"key": "bar", "path": "bar.bin"}],
                 {"foo.txt": "foo", "bar.bin": "bar"}, id="double"),
])
def test_configmap_make_payload(items, expected):
    volume = {"name": "v", "configMap": {"name": "cm", **({"items": items} if items else {})}}
    assert payload(volume, CM) == expected


def test_configmap_binary_and_mixed_data():
    obj = cm("cm", {"text": "hello"}, binary={"blob": b"\x00\xff"})
    assert payload({"name": "v", "configMap": {"name": "cm"}}, obj) == \
        {"text": "hello", "blob": b"\x00\xff"}


def test_configmap_non_existent_key():
    volume = {"name": "config-volume", "configMap": {"name": "cm", "items": [
        {"key": "zab", "path": "path/to/foo.txt"}]}}
    with pytest.raises(VolumeSetupError) as err:
        payload(volume, CM)
    assert err.value.failures == [VolumeSetupFailure(
        "config-volume", "configmap references non-existent config key: zab")]


def test_configmap_non_existent_key_optional():
    volume = {"name": "v", "configMap": {"name": "cm", "optional": True, "items": [
        {"key": "zab", "path": "z"}, {"key": "foo", "path": "f"}]}}
    assert payload(volume, CM) == {"f": "foo"}


def test_configmap_missing():
    volume = {"name": "config-volume", "configMap": {"name": "special-config"}}
    failures = volume_setup_errors(pod([volume], []), store_with())
    assert [f.event_message for f in failures] == [
        'MountVolume.SetUp failed for volume "config-volume" : configmap "special-config" '
        "not found"]
    assert failures[0].event_reason == "FailedMount" and failures[0].event_type == "Warning"


def test_configmap_missing_optional_is_empty():
    volume = {"name": "v", "configMap": {"name": "nope", "optional": True}}
    assert payload(volume) == {}


# -- secret ------------------------------------------------------------------------------------
def test_secret_values_are_decoded():
    obj = secret("mysecret", {"username": "admin", "password": "1f2d1e2e67df"})
    assert payload({"name": "v", "secret": {"secretName": "mysecret"}}, obj) == \
        {"username": b"admin", "password": b"1f2d1e2e67df"}


def test_secret_items_remap():
    obj = secret("mysecret", {"username": "admin", "password": "x"})
    volume = {"name": "v", "secret": {"secretName": "mysecret", "items": [
        {"key": "username", "path": "my-group/my-username"}]}}
    assert payload(volume, obj) == {"my-group/my-username": b"admin"}


def test_secret_missing_and_missing_key():
    failures = volume_setup_errors(pod([
        {"name": "secret-volume", "secret": {"secretName": "mysecret"}},
        {"name": "other", "secret": {"secretName": "present", "items": [{"key": "k",
                                                                          "path": "k"}]}},
        {"name": "fine", "secret": {"secretName": "gone", "optional": True}},
    ], []), store_with(secret("present", {"a": "b"})))
    assert [f.event_message for f in failures] == [
        'MountVolume.SetUp failed for volume "secret-volume" : secret "mysecret" not found',
        'MountVolume.SetUp failed for volume "other" : references non-existent secret key: k']


def test_secret_string_data_is_merged():
    obj = {**secret("s", {"a": "1"}), "stringData": {"b": "2"}}
    assert payload({"name": "v", "secret": {"secretName": "s"}}, obj) == {"a": b"1", "b": b"2"}


# -- downward API ------------------------------------------------------------------------------
DOWNWARD = {"name": "podinfo", "downwardAPI": {"items": [
    {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
    {"path": "annotations", "fieldRef": {"fieldPath": "metadata.annotations"}},
    {"path": "name", "fieldRef": {"fieldPath": "metadata.name"}},
    {"path": "namespace", "fieldRef": {"fieldPath": "metadata.namespace"}},
    {"path": "uid", "fieldRef": {"fieldPath": "metadata.uid"}},
    {"path": "zone", "fieldRef": {"fieldPath": "metadata.labels['zone']"}},
    {"path": "missing", "fieldRef": {"fieldPath": "metadata.labels['nope']"}},
]}}
LABELS = {"zone": "us-est-coast", "cluster": "test-cluster1", "rack": "rack-22"}
ANNOTATIONS = {"build": "two", "builder": "john-doe"}


def test_downward_api_volume_files():
    p = pod([DOWNWARD], [{"name": "podinfo", "mountPath": "/etc/podinfo"}], labels=LABELS,
            annotations=ANNOTATIONS)
    files = container_files(p, "client-container", store_with())
    assert files == {
        "/etc/podinfo/annotations": 'build="two"\nbuilder="john-doe"',
        "/etc/podinfo/labels": 'cluster="test-cluster1"\nrack="rack-22"\nzone="us-est-coast"',
        "/etc/podinfo/missing": "",
        "/etc/podinfo/name": "kubernetes-downwardapi-volume-example",
        "/etc/podinfo/namespace": "default",
        "/etc/podinfo/uid": "6ad4f2b4-bbd2-4c4a-8d4a-2b2c3c4d5e6f",
        "/etc/podinfo/zone": "us-est-coast",
    }


def test_downward_api_quotes_values():
    p = pod([DOWNWARD], [], labels={"a": 'say "hi"\n'}, annotations={})
    assert payload(DOWNWARD, p=p)["labels"] == 'a="say \\"hi\\"\\n"'
    assert payload(DOWNWARD, p=p)["annotations"] == ""


def test_downward_api_resource_field_ref():
    volume = {"name": "podinfo", "downwardAPI": {"items": [
        {"path": "cpu_limit", "resourceFieldRef": {"containerName": "client-container",
                                                   "resource": "limits.cpu", "divisor": "1m"}},
        {"path": "cpu_request", "resourceFieldRef": {"containerName": "client-container",
                                                     "resource": "requests.cpu",
                                                     "divisor": "1m"}},
        {"path": "mem_limit", "resourceFieldRef": {"containerName": "client-container",
                                                   "resource": "limits.memory",
                                                   "divisor": "1Mi"}},
        {"path": "mem_request", "resourceFieldRef": {"containerName": "client-container",
                                                     "resource": "requests.memory",
                                                     "divisor": "1Mi"}},
    ]}}
    resources = {"requests": {"memory": "32Mi", "cpu": "125m"},
                 "limits": {"memory": "64Mi", "cpu": "250m"}}
    p = pod([volume], [], container={"resources": resources})
    assert payload(volume, p=p) == {"cpu_limit": "250", "cpu_request": "125",
                                    "mem_limit": "64", "mem_request": "32"}


def test_downward_api_missing_limit_is_node_allocatable():
    volume = {"name": "podinfo", "downwardAPI": {"items": [
        {"path": "cpu", "resourceFieldRef": {"containerName": "client-container",
                                             "resource": "limits.cpu"}},
        {"path": "mem", "resourceFieldRef": {"containerName": "client-container",
                                             "resource": "limits.memory", "divisor": "1Mi"}}]}}
    p = pod([volume], [])
    assert payload(volume, p=p, node_allocatable={"cpu": "4", "memory": "8Gi"}) == \
        {"cpu": "4", "mem": "8192"}


# -- projected and the service-account token ---------------------------------------------------
@pytest.fixture
def api():
    server = ApiServer(Store(), lambda: NOW, NameGenerator(0), UidGenerator(0))
    server.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}, "t")
    return server


def test_kube_api_access_volume_files(api):
    ensure_namespace_defaults(api, NS, (1, 32))
    api.admission = [make_serviceaccount_plugin((1, 32))]
    created = api.create({"apiVersion": "v1", "kind": "Pod",
                          "metadata": {"name": "web", "namespace": NS},
                          "spec": {"containers": [{"name": "app"}]}}, "kubectl")
    files = container_files(created, "app", api.store)
    base = "/var/run/secrets/kubernetes.io/serviceaccount"
    assert sorted(files) == [f"{base}/ca.crt", f"{base}/namespace", f"{base}/token"]
    assert files[f"{base}/ca.crt"] == FAKE_CA_CERT
    assert files[f"{base}/namespace"] == "default"
    claims = json.loads(base64.urlsafe_b64decode(files[f"{base}/token"].split(".")[1] + "=="))
    assert claims["sub"] == "system:serviceaccount:default:default"
    assert claims["kubernetes.io"]["pod"] == {"name": "web",
                                              "uid": created["metadata"]["uid"]}
    # deterministic
    assert container_files(created, "app", api.store) == files


def test_legacy_token_volume_files(api):
    ensure_namespace_defaults(api, NS, (1, 19))
    api.admission = [make_serviceaccount_plugin((1, 19))]
    created = api.create({"apiVersion": "v1", "kind": "Pod",
                          "metadata": {"name": "web", "namespace": NS},
                          "spec": {"containers": [{"name": "app"}]}}, "kubectl")
    files = container_files(created, "app", api.store)
    base = "/var/run/secrets/kubernetes.io/serviceaccount"
    assert files[f"{base}/namespace"] == b"default"
    assert files[f"{base}/ca.crt"] == FAKE_CA_CERT.encode()
    assert files[f"{base}/token"].count(b".") == 2


def test_missing_root_ca_configmap_fails_the_token_volume(api):
    ensure_namespace_defaults(api, NS, (1, 32))
    api.store.remove("ConfigMap", NS, "kube-root-ca.crt", "test")
    api.admission = [make_serviceaccount_plugin((1, 32))]
    created = api.create({"apiVersion": "v1", "kind": "Pod",
                          "metadata": {"name": "web", "namespace": NS},
                          "spec": {"containers": [{"name": "app"}]}}, "kubectl")
    failures = volume_setup_errors(created, api.store)
    assert failures[0].message == 'configmap "kube-root-ca.crt" not found'
    assert failures[0].volume.startswith("kube-api-access-")


def test_projected_all_sources(api):
    ensure_namespace_defaults(api, NS, (1, 32))
    objs = [cm("myconfigmap", {"config": "cfg"}), secret("mysecret", {"username": "admin"})]
    for obj in objs:
        api.store.put(obj["kind"], obj, "t", api.store.next_resource_version())
    volume = {"name": "all-in-one", "projected": {"sources": [
        {"secret": {"name": "mysecret", "items": [{"key": "username",
                                                   "path": "my-group/my-username"}]}},
        {"downwardAPI": {"items": [{"path": "labels",
                                    "fieldRef": {"fieldPath": "metadata.labels"}}]}},
        {"configMap": {"name": "myconfigmap", "items": [{"key": "config",
                                                         "path": "my-group/my-config"}]}},
        {"serviceAccountToken": {"path": "vault-token", "audience": "vault",
                                 "expirationSeconds": 7200}},
    ]}}
    p = pod([volume], [{"name": "all-in-one", "mountPath": "/projected-volume",
                        "readOnly": True}], labels={"app": "x"}, serviceAccountName="default")
    files = container_files(p, "client-container", api.store, now_ms=NOW)
    assert files["/projected-volume/my-group/my-username"] == b"admin"
    assert files["/projected-volume/my-group/my-config"] == "cfg"
    assert files["/projected-volume/labels"] == 'app="x"'
    token = files["/projected-volume/vault-token"]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["aud"] == ["vault"] and claims["exp"] - claims["iat"] == 7200


def test_projected_errors_are_aggregated():
    volume = {"name": "p", "projected": {"sources": [
        {"secret": {"name": "a"}}, {"configMap": {"name": "b"}},
        {"configMap": {"name": "c", "optional": True}}]}}
    failures = volume_setup_errors(pod([volume], []), store_with())
    assert failures == [VolumeSetupFailure("p", '[secret "a" not found, configmap "b" not '
                                                "found]")]


def test_projected_token_without_account():
    volume = {"name": "p", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}}
    failures = volume_setup_errors(pod([volume], [], serviceAccountName="ghost"), store_with())
    assert failures[0].message == 'failed to fetch token: serviceaccounts "ghost" not found'


# -- mounts ------------------------------------------------------------------------------------
def test_empty_dir_is_empty_and_unknown_volume_types_are_ignored():
    p = pod([{"name": "cache", "emptyDir": {}}, {"name": "data", "persistentVolumeClaim": {
        "claimName": "x"}}], [{"name": "cache", "mountPath": "/cache"},
                              {"name": "data", "mountPath": "/data"}])
    assert container_files(p, "client-container", store_with()) == {}


def test_sub_path_file_and_directory():
    obj = cm("nginx", {"nginx.conf": "events {}", "extra": "x"})
    volume = {"name": "conf", "configMap": {"name": "nginx", "items": [
        {"key": "nginx.conf", "path": "nginx.conf"}, {"key": "extra", "path": "d/extra"}]}}
    p = pod([volume], [
        {"name": "conf", "mountPath": "/etc/nginx/nginx.conf", "subPath": "nginx.conf"},
        {"name": "conf", "mountPath": "/opt/d", "subPath": "d"}])
    assert container_files(p, "client-container", store_with(obj)) == {
        "/etc/nginx/nginx.conf": "events {}", "/opt/d/extra": "x"}


def test_sub_path_expr_uses_the_container_env():
    obj = cm("per-pod", {"kubernetes-downwardapi-volume-example": "mine", "other": "no"})
    volume = {"name": "v", "configMap": {"name": "per-pod"}}
    p = pod([volume], [{"name": "v", "mountPath": "/my", "subPathExpr": "$(POD_NAME)"}],
            container={"env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {
                "fieldPath": "metadata.name"}}}]})
    assert container_files(p, "client-container", store_with(obj)) == {"/my": "mine"}


def test_deeper_mount_shadows_a_shallower_one():
    outer = cm("outer", {"a": "1", "inner": "hidden"})
    inner = cm("inner", {"b": "2"})
    p = pod([{"name": "o", "configMap": {"name": "outer", "items": [
        {"key": "a", "path": "a"}, {"key": "inner", "path": "in/file"}]}},
             {"name": "i", "configMap": {"name": "inner"}}],
            [{"name": "i", "mountPath": "/etc/app/in"}, {"name": "o", "mountPath": "/etc/app"}])
    assert container_files(p, "client-container", store_with(outer, inner)) == {
        "/etc/app/a": "1", "/etc/app/in/b": "2"}


def test_container_files_refuses_when_a_volume_fails():
    p = pod([{"name": "ok", "emptyDir": {}}, {"name": "bad", "secret": {"secretName": "x"}}],
            [{"name": "ok", "mountPath": "/ok"}])
    with pytest.raises(VolumeSetupError, match='volume "bad" : secret "x" not found'):
        container_files(p, "client-container", store_with())
