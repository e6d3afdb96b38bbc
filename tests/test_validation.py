"""Validation with the apiserver's error texts, ported from k/k
pkg/apis/core/validation/validation_test.go, pkg/apis/apps/validation/validation_test.go,
pkg/apis/batch/validation/validation_test.go and apimachinery's validation tests. Objects are
defaulted first, as the apiserver does before it validates."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from pytest_k8sflow.engine.defaults import apply_defaults
from pytest_k8sflow.engine.validation import (
    cron_schedule_error,
    go_quote,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_label_value,
    render,
    validate_create,
    validate_update,
)

SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                 "characters, '-' or '.', and must start and end with an alphanumeric character "
                 "(e.g. 'example.com', regex used for validation is "
                 "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
             "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
             "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
DNS1035_MSG = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
               "start with an alphabetic character, and end with an alphanumeric character (e.g. "
               "'my-name',  or 'abc-123', regex used for validation is "
               "'[a-z]([-a-z0-9]*[a-z0-9])?')")
LABEL_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric "
                   "characters, '-', '_' or '.', and must start and end with an alphanumeric "
                   "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
                   "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
NAME_PART_MSG = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must "
                 "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  "
                 "or '123-abc', regex used for validation is "
                 "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")


def created(obj: dict) -> list[str]:
    return validate_create(apply_defaults(obj))


def pod(spec: dict | None = None, name: str = "p", **meta: object) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", **meta},
            "spec": spec if spec is not None else {"containers": [{"name": "c", "image": "nginx"}]}}


def pod_spec(**container: object) -> dict:
    return {"containers": [{"name": "c", "image": "nginx", **container}]}


def deployment(**spec: object) -> dict:
    base = {"replicas": 3, "selector": {"matchLabels": {"name": "abc"}},
            "template": {"metadata": {"labels": {"name": "abc"}},
                         "spec": {"containers": [{"name": "nginx", "image": "image"}]}}}
    base.update(spec)
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "abc", "namespace": "default"}, "spec": base}


def with_path(obj: dict, path: str, value: object) -> dict:
    obj = copy.deepcopy(obj)
    node = obj
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    if isinstance(node, list):
        node[int(parts[-1])] = value
    else:
        node[parts[-1]] = value
    return obj


# -- apimachinery rendering and name rules ------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (2, "2"), (None, '"null"'), ("bar", '"bar"'), (True, "true"), ('a"b', '"a\\"b"'),
    ({"b": "2", "a": "1"}, 'map[string]string{"a":"1", "b":"2"}'),
    (["x", "y"], '[]string{"x", "y"}'),
], ids=["int", "nil", "string", "bool", "quote", "map sorted", "string slice"])
def test_TestErrorBody(value: object, expected: str) -> None:
    # apimachinery field/errors_test.go TestErrorBody: how a bad value is printed.
    assert render(value) == expected


def test_go_quote_escapes() -> None:
    assert go_quote("a\nb\\") == '"a\\nb\\\\"'
    assert go_quote("\x01") == '"\\x01"'


@pytest.mark.parametrize("value", ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01",
                                   "012", "1a", "1-a", "1--a--b--2", "a" * 63])
def test_TestIsDNS1123Label_good(value: str) -> None:
    assert is_dns1123_label(value) == []


@pytest.mark.parametrize("value", ["", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a",
                                   "1-", "-1", "_", "a_", "_a", "a_b", "1_", "_1", "1_2", ".",
                                   "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ", " a",
                                   "a b", "1 ", " 1", "1 2", "a" * 64])
def test_TestIsDNS1123Label_bad(value: str) -> None:
    assert is_dns1123_label(value) != []


@pytest.mark.parametrize("value", ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01",
                                   "012", "1a", "1-a", "1--a--b--2", "a.a", "ab.a", "abc.a",
                                   "a1.a", "a-1.a", "a--1--2--b.a", "a.1", "ab.1", "abc.1",
                                   "0.a", "01.a", "012.a", "1a.a", "1-a.a", "1--a--b--2",
                                   "0.1", "01.1", "012.1", "1a.1", "1-a.1", "1--a--b--2.1",
                                   "a.b.c.d.e", "aa.bb.cc.dd.ee", "1.2.3.4.5", "11.22.33.44.55",
                                   "a" * 253])
def test_TestIsDNS1123Subdomain_good(value: str) -> None:
    assert is_dns1123_subdomain(value) == []


@pytest.mark.parametrize("value", ["", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a",
                                   "1-", "-1", "_", "a_", "_a", "a_b", "1_", "_1", "1_2", ".",
                                   "a.", ".a", "a..b", "1.", ".1", "1..2", " ", "a ", " a",
                                   "a b", "1 ", " 1", "1 2", "A.a", "aB.a", "ab.A", "A1.a",
                                   "a1.A", "A.1", "aB.1", "A1.1", "1A.1", "0.A", "01.A",
                                   "012.A", "1A.a", "1a.A", "A.B.C.D.E", "AA.BB.CC.DD.EE",
                                   "a.B.c.d.e", "aa.bB.cc.dd.ee", "a@b", "a,b", "a_b", "a;b",
                                   "a:b", "a%b", "a?b", "a$b", "a" * 254])
def test_TestIsDNS1123Subdomain_bad(value: str) -> None:
    assert is_dns1123_subdomain(value) != []


@pytest.mark.parametrize(("value", "ok"), [
    ("a", True), ("ab", True), ("a-1", True), ("a--1--2--b", True), ("a" * 63, True),
    ("0", False), ("01", False), ("1a", False), ("A", False), ("a-", False), ("-a", False),
    ("a.b", False), ("a" * 64, False)])
def test_TestIsDNS1035Label(value: str, ok: bool) -> None:
    assert (is_dns1035_label(value) == []) == ok


@pytest.mark.parametrize("value", ["simple", "now-with-dashes", "1-starts-with-num",
                                   "1234", "simple/simple", "now-with-dashes/simple",
                                   "now-with-dashes/now-with-dashes", "now.with.dots/simple",
                                   "now-with.dashes-and.dots/simple", "1-num.2-num/3-num",
                                   "1234/5678", "1.2.3.4/5678", "Uppercase_Is_OK_123",
                                   "example.com/Uppercase_Is_OK_123",
                                   "requests.storage-foo", "a" * 63,
                                   "a" * 253 + "/" + "b" * 63])
def test_TestIsQualifiedName_good(value: str) -> None:
    assert is_qualified_name(value) == []


@pytest.mark.parametrize("value", ["nospecialchars%^=@", "cantendwithadash-",
                                   "-cantstartwithadash-", "only/one/slash", "Example.com/abc",
                                   "example_com/abc", "example.com/", "/simple", "a" * 64,
                                   "a" * 254 + "/abc"])
def test_TestIsQualifiedName_bad(value: str) -> None:
    assert is_qualified_name(value) != []


@pytest.mark.parametrize(("value", "ok"), [
    ("simple", True), ("now-with-dashes", True), ("1-starts-with-num", True),
    ("end-with-num-1", True), ("1234", True), ("", True), ("a" * 63, True),
    ("nospecialchars%^=@", False), ("Tama-nui-te-rā.is.Māori.sun", False),
    ("\\backslashes\\are\\bad", False), ("-starts-with-dash", False), ("ends-with-dash-", False),
    (".starts.with.dot", False), ("ends.with.dot.", False), ("a" * 64, False)])
def test_TestIsValidLabelValue(value: str, ok: bool) -> None:
    assert (is_valid_label_value(value) == []) == ok


# -- ObjectMeta ----------------------------------------------------------------------------------

def test_name_messages() -> None:
    assert created(deployment() | {"metadata": {"name": "Web", "namespace": "default"}}) == [
        f'metadata.name: Invalid value: "Web": {SUBDOMAIN_MSG}']
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "1web",
                                                               "namespace": "default"},
           "spec": {"ports": [{"port": 80}]}}
    assert created(svc) == [f'metadata.name: Invalid value: "1web": {DNS1035_MSG}']
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a.b"}}
    assert created(ns) == [f'metadata.name: Invalid value: "a.b": {LABEL_MSG}']
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet",
           "metadata": {"name": "web.v1", "namespace": "default"},
           "spec": {"selector": {"matchLabels": {"a": "b"}},
                    "template": {"metadata": {"labels": {"a": "b"}}}}}
    assert created(sts) == [f'metadata.name: Invalid value: "web.v1": {LABEL_MSG}']


def test_TestValidateObjectMetaNamespaces() -> None:
    errs = created(pod(namespace="foo.bar"))
    assert errs == [f'metadata.namespace: Invalid value: "foo.bar": {LABEL_MSG}']
    errs = created(pod(namespace=""))
    assert errs == ["metadata.namespace: Required value"]


def test_name_required_and_generate_name() -> None:
    obj = pod()
    obj["metadata"] = {"namespace": "default", "generateName": "Bad-"}
    assert validate_create(apply_defaults(obj)) == [
        f'metadata.generateName: Invalid value: "Bad-": {SUBDOMAIN_MSG}',
        "metadata.name: Required value: name or generateName is required"]
    obj["metadata"] = {"namespace": "default", "generateName": "good-", "name": "good-x7k2p"}
    assert validate_create(apply_defaults(obj)) == []


def test_labels_and_annotations() -> None:
    errs = created(pod(labels={"a/b/c": "x", "ok": "-bad"}))
    assert errs[0].startswith('metadata.labels: Invalid value: "a/b/c": a qualified name must '
                              "consist of alphanumeric characters")
    assert errs[1] == f'metadata.labels: Invalid value: "-bad": {LABEL_VALUE_MSG}'
    errs = created(pod(annotations={"Bad Key": "v"}))
    assert errs == [f'metadata.annotations: Invalid value: "Bad Key": {NAME_PART_MSG}']


def test_TestValidateFinalizersErrorsOnLongName_and_standard_names() -> None:
    errs = created(pod(finalizers=["custom"]))
    assert errs == ['metadata.finalizers[0]: Invalid value: "custom": name is neither a standard '
                    "finalizer name nor is it fully qualified"]
    assert created(pod(finalizers=["example.com/custom", "kubernetes"])) == []
    errs = created(pod(finalizers=["orphan", "foregroundDeletion"]))
    assert errs == ['metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: '
                    "finalizer orphan and foregroundDeletion cannot be both set"]


def test_owner_references() -> None:
    refs = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "a", "uid": "1",
             "controller": True},
            {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "b", "uid": "2",
             "controller": True}]
    errs = created(pod(ownerReferences=refs))
    assert errs == ["metadata.ownerReferences: Invalid value: []v1.OwnerReference{...}: Only one "
                    'reference can have Controller set to true. Found "true" in references for '
                    "ReplicaSet/a and ReplicaSet/b"]
    errs = created(pod(ownerReferences=[{"apiVersion": "v1", "kind": "", "name": "", "uid": ""}]))
    assert errs == ['metadata.ownerReferences.kind: Invalid value: "": must not be empty',
                    'metadata.ownerReferences.name: Invalid value: "": must not be empty',
                    'metadata.ownerReferences.uid: Invalid value: "": must not be empty']


# -- containers (TestValidateContainers, TestValidatePorts, TestValidateEnv, ...) ---------------

CONTAINER_ERRORS = {
    "zero-length name": ({"name": "", "image": "image"},
                         ["spec.containers[0].name: Required value"]),
    "zero-length-image": ({"name": "abc", "image": ""},
                          ["spec.containers[0].image: Required value"]),
    "name > 63 characters": ({"name": "a" * 64, "image": "image"},
                             [f'spec.containers[0].name: Invalid value: "{"a" * 64}": '
                              "must be no more than 63 characters"]),
    "name not a DNS label": ({"name": "a.b.c", "image": "image"},
                             [f'spec.containers[0].name: Invalid value: "a.b.c": {LABEL_MSG}']),
    "invalid image pull policy": ({"name": "abc", "image": "image", "imagePullPolicy": "Whatever"},
                                  ['spec.containers[0].imagePullPolicy: Unsupported value: '
                                   '"Whatever": supported values: "Always", "IfNotPresent", '
                                   '"Never"']),
    "invalid terminationMessagePolicy": (
        {"name": "abc", "image": "image", "terminationMessagePolicy": "Always"},
        ['spec.containers[0].terminationMessagePolicy: Unsupported value: "Always": supported '
         'values: "File", "FallbackToLogsOnError"']),
    "restartPolicy on a regular container": (
        {"name": "abc", "image": "image", "restartPolicy": "Always"},
        ["spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers"]),
}


@pytest.mark.parametrize("name", list(CONTAINER_ERRORS))
def test_TestValidateContainers(name: str) -> None:
    container, expected = CONTAINER_ERRORS[name]
    assert created(pod({"containers": [container]})) == expected


def test_TestValidateContainers_name_not_unique_and_required() -> None:
    errs = created(pod({"containers": [{"name": "abc", "image": "image"},
                                       {"name": "abc", "image": "image"}]}))
    assert errs == ['spec.containers[1].name: Duplicate value: "abc"']
    assert created(pod({"containers": []})) == ["spec.containers: Required value"]
    errs = created(pod({"containers": [{"name": "abc", "image": "i"}],
                        "initContainers": [{"name": "abc", "image": "i"}]}))
    assert errs == ['spec.initContainers[0].name: Duplicate value: "abc"']


PORT_ERRORS = {
    "name > 15 characters": ({"name": "a" * 16, "containerPort": 80},
                             [f'spec.containers[0].ports[0].name: Invalid value: "{"a" * 16}": '
                              "must be no more than 15 characters"]),
    "name contains invalid characters": (
        {"name": "a.b.c", "containerPort": 80},
        ['spec.containers[0].ports[0].name: Invalid value: "a.b.c": must contain only '
         "alpha-numeric characters (a-z, 0-9), and hyphens (-)"]),
    "name is a number": ({"name": "80", "containerPort": 80},
                         ['spec.containers[0].ports[0].name: Invalid value: "80": must contain '
                          "at least one letter (a-z)"]),
    "zero container port": ({"containerPort": 0},
                            ["spec.containers[0].ports[0].containerPort: Required value"]),
    "invalid container port": ({"containerPort": 65536},
                               ["spec.containers[0].ports[0].containerPort: Invalid value: 65536: "
                                "must be between 1 and 65535, inclusive"]),
    "invalid host port": ({"containerPort": 80, "hostPort": 65536},
                          ["spec.containers[0].ports[0].hostPort: Invalid value: 65536: must be "
                           "between 1 and 65535, inclusive"]),
    "invalid protocol case": ({"containerPort": 80, "protocol": "tcp"},
                              ['spec.containers[0].ports[0].protocol: Unsupported value: "tcp": '
                               'supported values: "SCTP", "TCP", "UDP"']),
    "invalid protocol": ({"containerPort": 80, "protocol": "ICMP"},
                         ['spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": '
                          'supported values: "SCTP", "TCP", "UDP"']),
}


@pytest.mark.parametrize("name", list(PORT_ERRORS))
def test_TestValidatePorts(name: str) -> None:
    port, expected = PORT_ERRORS[name]
    assert created(pod(pod_spec(ports=[port]))) == expected


def test_TestValidatePorts_name_not_unique_and_host_port_conflict() -> None:
    errs = created(pod(pod_spec(ports=[{"name": "abc", "containerPort": 80},
                                       {"name": "abc", "containerPort": 81}])))
    assert errs == ['spec.containers[0].ports[1].name: Duplicate value: "abc"']
    errs = created(pod({"containers": [
        {"name": "a", "image": "i", "ports": [{"containerPort": 80, "hostPort": 8080}]},
        {"name": "b", "image": "i", "ports": [{"containerPort": 81, "hostPort": 8080}]}]}))
    assert errs == ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"']


ENV_ERRORS = {
    "zero-length name": ([{"name": ""}], ["spec.containers[0].env[0].name: Required value"]),
    "illegal character": ([{"name": "a=b"}],
                          ['spec.containers[0].env[0].name: Invalid value: "a=b": a valid '
                           "environment variable name must consist only of printable ASCII "
                           "characters other than '='"]),
    "value and valueFrom specified": (
        [{"name": "abc", "value": "foo",
          "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
        ['spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when '
         "`value` is not empty"]),
    "missing FieldPath on ObjectFieldSelector": (
        [{"name": "abc", "valueFrom": {"fieldRef": {"apiVersion": "v1"}}}],
        ["spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Required value"]),
    "invalid fieldPath": (
        [{"name": "abc", "valueFrom": {"fieldRef": {"fieldPath": "metadata.whoops"}}}],
        ['spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: '
         '"metadata.whoops": error converting fieldPath: field label not supported: '
         "metadata.whoops"]),
    "unsupported fieldPath": (
        [{"name": "abc", "valueFrom": {"fieldRef": {"fieldPath": "status.phase"}}}],
        ['spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: '
         '"status.phase": supported values: "metadata.name", "metadata.namespace", '
         '"metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", '
         '"status.hostIPs", "status.podIP", "status.podIPs"']),
    "missing key in configMapKeyRef": (
        [{"name": "abc", "valueFrom": {"configMapKeyRef": {"name": "cm"}}}],
        ["spec.containers[0].env[0].valueFrom.configMapKeyRef.key: Required value"]),
    "no valueFrom source": (
        [{"name": "abc", "valueFrom": {}}],
        ['spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: '
         "`fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"]),
}


@pytest.mark.parametrize("name", list(ENV_ERRORS))
def test_TestValidateEnv(name: str) -> None:
    env, expected = ENV_ERRORS[name]
    assert created(pod(pod_spec(env=env))) == expected


def test_TestValidateEnv_strict_before_1_32() -> None:
    obj = apply_defaults(pod(pod_spec(env=[{"name": "1abc", "value": "x"}])))
    assert validate_create(obj) == []
    errs = validate_create(obj, kubernetes_version="1.31")
    assert errs == ['spec.containers[0].env[0].name: Invalid value: "1abc": a valid environment '
                    "variable name must consist of alphabetic characters, digits, '_', '-', or "
                    "'.', and must not start with a digit (e.g. 'my.env-name',  or "
                    "'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is "
                    "'[-._a-zA-Z][-._a-zA-Z0-9]*')"]


VOLUME_MOUNT_ERRORS = {
    "empty name": ([{"name": "", "mountPath": "/foo"}],
                   ["spec.containers[0].volumeMounts[0].name: Required value",
                    'spec.containers[0].volumeMounts[0].name: Not found: ""']),
    "name not found": ([{"name": "missing", "mountPath": "/foo"}],
                       ['spec.containers[0].volumeMounts[0].name: Not found: "missing"']),
    "empty mountpath": ([{"name": "abc", "mountPath": ""}],
                        ["spec.containers[0].volumeMounts[0].mountPath: Required value"]),
    "mountpath collision": ([{"name": "abc", "mountPath": "/foo"},
                             {"name": "abc", "mountPath": "/foo"}],
                            ['spec.containers[0].volumeMounts[1].mountPath: Invalid value: '
                             '"/foo": must be unique']),
    "absolute subpath": ([{"name": "abc", "mountPath": "/bar", "subPath": "/baz"}],
                         ['spec.containers[0].volumeMounts.subPath: Invalid value: "/baz": must '
                          "be a relative path"]),
    "subpath in ..": ([{"name": "abc", "mountPath": "/bar", "subPath": "../baz"}],
                      ['spec.containers[0].volumeMounts.subPath: Invalid value: "../baz": must '
                       "not contain '..'"]),
}


@pytest.mark.parametrize("name", list(VOLUME_MOUNT_ERRORS))
def test_TestValidateVolumeMounts(name: str) -> None:
    mounts, expected = VOLUME_MOUNT_ERRORS[name]
    spec = pod_spec(volumeMounts=mounts)
    spec["volumes"] = [{"name": "abc", "emptyDir": {}}]
    assert created(pod(spec)) == expected


VOLUME_ERRORS = {
    "name not a DNS label": ({"name": "a.b", "emptyDir": {}},
                             [f'spec.volumes[0].name: Invalid value: "a.b": {LABEL_MSG}']),
    "empty secretName": ({"name": "s", "secret": {}},
                         ["spec.volumes[0].secret.secretName: Required value"]),
    "empty configMap name": ({"name": "c", "configMap": {}},
                             ["spec.volumes[0].configMap.name: Required value"]),
    "empty claimName": ({"name": "c", "persistentVolumeClaim": {"claimName": ""}},
                        ["spec.volumes[0].persistentVolumeClaim.claimName: Required value"]),
    "multiple volume types": ({"name": "c", "emptyDir": {}, "hostPath": {"path": "/x"}},
                              ["spec.volumes[0].hostPath: Forbidden: may not specify more than 1 "
                               "volume type"]),
    "invalid defaultMode": ({"name": "c", "configMap": {"name": "x", "defaultMode": 0o1000}},
                            ["spec.volumes[0].configMap.defaultMode: Invalid value: 512: must be a "
                             "number between 0 and 0777 (octal), both inclusive"]),
}


@pytest.mark.parametrize("name", list(VOLUME_ERRORS))
def test_TestValidateVolumes(name: str) -> None:
    volume, expected = VOLUME_ERRORS[name]
    spec = pod_spec()
    spec["volumes"] = [volume]
    assert created(pod(spec)) == expected


def test_TestValidateVolumes_duplicate_name() -> None:
    spec = pod_spec()
    spec["volumes"] = [{"name": "a", "emptyDir": {}}, {"name": "a", "emptyDir": {}}]
    assert created(pod(spec)) == ['spec.volumes[1].name: Duplicate value: "a"']


PROBE_ERRORS = {
    "no handler": ({"livenessProbe": {}},
                   ["spec.containers[0].livenessProbe: Required value: must specify a handler "
                    "type"]),
    "negative initialDelaySeconds": (
        {"readinessProbe": {"exec": {"command": ["true"]}, "initialDelaySeconds": -1}},
        ["spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be "
         "greater than or equal to 0"]),
    "liveness successThreshold": (
        {"livenessProbe": {"exec": {"command": ["true"]}, "successThreshold": 2}},
        ["spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"]),
    "two handlers": (
        {"livenessProbe": {"exec": {"command": ["true"]}, "tcpSocket": {"port": 80}}},
        ["spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 "
         "handler type"]),
    "bad port": ({"readinessProbe": {"httpGet": {"port": 0}}},
                 ["spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: must be "
                  "between 1 and 65535, inclusive"]),
    "empty exec command": ({"readinessProbe": {"exec": {}}},
                           ["spec.containers[0].readinessProbe.exec.command: Required value"]),
}


@pytest.mark.parametrize("name", list(PROBE_ERRORS))
def test_TestValidateProbe(name: str) -> None:
    container, expected = PROBE_ERRORS[name]
    assert created(pod(pod_spec(**container))) == expected


RESOURCE_ERRORS = {
    "requests > limits": ({"limits": {"cpu": "1"}, "requests": {"cpu": "2"}},
                          ['spec.containers[0].resources.requests: Invalid value: "2": must be '
                           "less than or equal to cpu limit of 1"]),
    "negative limit": ({"limits": {"memory": "-1"}},
                       ['spec.containers[0].resources.limits[memory]: Invalid value: "-1": must '
                        "be greater than or equal to 0",
                        'spec.containers[0].resources.requests[memory]: Invalid value: "-1": '
                        "must be greater than or equal to 0"]),
    "unknown resource": ({"limits": {"disk": "1"}},
                         ['spec.containers[0].resources.limits[disk]: Invalid value: "disk": '
                          "must be a standard resource for containers",
                          'spec.containers[0].resources.requests[disk]: Invalid value: "disk": '
                          "must be a standard resource for containers"]),
    "extended resource requests without limits": (
        {"requests": {"example.com/gpu": "1"}},
        ["spec.containers[0].resources.limits: Required value: Limit must be set for non "
         "overcommitable resources"]),
    "extended resource requests != limits": (
        {"requests": {"example.com/gpu": "1"}, "limits": {"example.com/gpu": "2"}},
        ['spec.containers[0].resources.requests: Invalid value: "1": must be equal to '
         "example.com/gpu limit of 2"]),
}


@pytest.mark.parametrize("name", list(RESOURCE_ERRORS))
def test_TestValidateResourceRequirements(name: str) -> None:
    resources, expected = RESOURCE_ERRORS[name]
    assert created(pod(pod_spec(resources=resources))) == expected


# -- pod spec fields ----------------------------------------------------------------------------

@pytest.mark.parametrize(("policy", "expected"), [
    ("newpolicy", ['spec.restartPolicy: Unsupported value: "newpolicy": supported values: '
                   '"Always", "OnFailure", "Never"'])])
def test_TestValidateRestartPolicy(policy: str, expected: list[str]) -> None:
    assert created(pod(pod_spec() | {"restartPolicy": policy})) == expected


@pytest.mark.parametrize(("policy", "expected"), [
    ("invalid", ['spec.dnsPolicy: Unsupported value: "invalid": supported values: '
                 '"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"']),
    ("None", ["spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"]),
])
def test_TestValidateDNSPolicy(policy: str, expected: list[str]) -> None:
    assert created(pod(pod_spec() | {"dnsPolicy": policy})) == expected


TOLERATION_ERRORS = {
    "invalid toleration key": ([{"key": "nospecialchars^=@", "operator": "Equal", "value": "bar",
                                 "effect": "NoSchedule"}],
                               "spec.tolerations[0].key: Invalid value"),
    "invalid toleration value": ([{"key": "foo", "operator": "Equal", "value": "bar^",
                                   "effect": "NoSchedule"}],
                                 f'spec.tolerations[0].operator: Invalid value: "bar^": '
                                 f"{LABEL_VALUE_MSG}"),
    "value must be empty when `operator` is 'Exists'": (
        [{"key": "foo", "operator": "Exists", "value": "bar", "effect": "NoSchedule"}],
        "spec.tolerations[0].operator: Invalid value: \"bar\": value must be empty when "
        "`operator` is 'Exists'"),
    "operator must be 'Exists' when `key` is empty": (
        [{"operator": "Equal", "value": "bar", "effect": "NoSchedule"}],
        'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when '
        '`key` is empty, which means "match all values and all keys"'),
    "effect must be 'NoExecute' when `TolerationSeconds` is set": (
        [{"key": "foo", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 20}],
        "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' "
        "when `tolerationSeconds` is set"),
}


@pytest.mark.parametrize("name", list(TOLERATION_ERRORS))
def test_TestValidateTolerations(name: str) -> None:
    tolerations, expected = TOLERATION_ERRORS[name]
    errs = created(pod(pod_spec() | {"tolerations": tolerations}))
    assert any(e.startswith(expected) for e in errs), errs


def test_TestValidatePodSpec_misc() -> None:
    errs = created(pod(pod_spec() | {"activeDeadlineSeconds": 0}))
    assert errs == ["spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and "
                    "2147483647, inclusive"]
    errs = created(pod(pod_spec() | {"nodeSelector": {"disk": "s s d"}}))
    assert errs == [f'spec.nodeSelector: Invalid value: "s s d": {LABEL_VALUE_MSG}']
    errs = created(pod(pod_spec() | {"hostname": "Web"}))
    assert errs == [f'spec.hostname: Invalid value: "Web": {LABEL_MSG}']
    errs = created(pod(pod_spec() | {"topologySpreadConstraints": [
        {"maxSkew": 0, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"}]}))
    assert errs == ["spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater "
                    "than zero"]


def test_TestValidatePodCreate_pod_only_checks() -> None:
    errs = created(pod(pod_spec(image=" nginx")))
    assert errs == ['spec.containers[0].image: Invalid value: " nginx": must not have leading or '
                    "trailing whitespace"]
    spec = pod_spec()
    spec["ephemeralContainers"] = [{"name": "debug", "image": "busybox"}]
    assert "spec.ephemeralContainers: Forbidden: cannot be set on create" in created(pod(spec))


def test_valid_pod_passes() -> None:
    spec = pod_spec(ports=[{"name": "http", "containerPort": 80}],
                    env=[{"name": "NODE",
                          "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
                    readinessProbe={"httpGet": {"port": "http"}},
                    resources={"limits": {"cpu": "500m", "memory": "128Mi"}},
                    volumeMounts=[{"name": "data", "mountPath": "/data"}])
    spec["volumes"] = [{"name": "data", "emptyDir": {}}]
    assert created(pod(spec)) == []


# -- pod updates (TestValidatePodUpdate) --------------------------------------------------------

POD_UPDATE_PREFIX = (
    "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
    "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set "
    "to 1 if it was previously negative)\n")


def _pod_update(mutate: Callable[[dict], None]) -> list[str]:
    spec = pod_spec(ports=[{"containerPort": 80}])
    spec["tolerations"] = [{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}]
    old = apply_defaults(pod(spec))
    new = copy.deepcopy(old)
    mutate(new)
    return validate_update(old, apply_defaults(new))


POD_UPDATES = {
    "image change": (lambda p: p["spec"]["containers"][0].update(image="nginx:2"), []),
    "metadata labels change": (lambda p: p["metadata"].update(labels={"a": "b"}), []),
    "port change": (lambda p: p["spec"]["containers"][0]["ports"][0].update(containerPort=81),
                    POD_UPDATE_PREFIX),
    "more containers": (lambda p: p["spec"]["containers"].append({"name": "d", "image": "x"}),
                        ["spec.containers: Forbidden: pod updates may not add or remove "
                         "containers"]),
    "image removed": (lambda p: p["spec"]["containers"][0].update(image=""),
                      ["spec.containers[0].image: Required value"]),
    "activeDeadlineSeconds change from nil to positive": (
        lambda p: p["spec"].update(activeDeadlineSeconds=30), []),
    "toleration added": (lambda p: p["spec"]["tolerations"].append(
        {"key": "k", "operator": "Exists", "effect": "NoSchedule"}), []),
    "toleration removed": (lambda p: p["spec"]["tolerations"].pop(0),
                           ["spec.tolerations: Forbidden: existing toleration can not be modified "
                            "except its tolerationSeconds"]),
    # DefaultTolerationSeconds runs on update too: a removed default toleration comes back.
    "default toleration removed": (lambda p: p["spec"]["tolerations"].pop(), []),
    "nodeName set directly": (lambda p: p["spec"].update(nodeName="node-1"), POD_UPDATE_PREFIX),
}


@pytest.mark.parametrize("name", list(POD_UPDATES))
def test_TestValidatePodUpdate(name: str) -> None:
    mutate, expected = POD_UPDATES[name]
    errs = _pod_update(mutate)
    if isinstance(expected, str):
        assert len(errs) == 1 and errs[0].startswith(expected), errs
    else:
        assert errs == expected


def test_TestValidatePodUpdate_active_deadline() -> None:
    old = apply_defaults(pod(pod_spec() | {"activeDeadlineSeconds": 30}))
    new = copy.deepcopy(old)
    new["spec"]["activeDeadlineSeconds"] = 60
    assert validate_update(old, new) == ["spec.activeDeadlineSeconds: Invalid value: 60: must be "
                                         "less than or equal to previous value"]
    del new["spec"]["activeDeadlineSeconds"]
    assert validate_update(old, new) == ['spec.activeDeadlineSeconds: Invalid value: "null": must '
                                         "not update from a positive integer to nil value"]


# -- Service (TestValidateService) --------------------------------------------------------------

def svc(**spec: object) -> dict:
    base = {"selector": {"key": "val"}, "ports": [{"name": "p", "port": 8675}]}
    base.update(spec)
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "abc123", "namespace": "default"}, "spec": base}


SERVICE_ERRORS = {
    "invalid selector": (svc(selector={"NoUppercaseOrSpecialCharsLike=Equals": "bar"}),
                         'spec.selector: Invalid value: "NoUppercaseOrSpecialCharsLike=Equals"'),
    "missing ports": (svc(ports=[]), "spec.ports: Required value"),
    "empty port[1] name": (svc(ports=[{"name": "p", "port": 1}, {"port": 2}]),
                           "spec.ports[1].name: Required value"),
    "invalid port name": (svc(ports=[{"name": "INVALID", "port": 80}]),
                          f'spec.ports[0].name: Invalid value: "INVALID": {LABEL_MSG}'),
    "invalid protocol": (svc(ports=[{"name": "p", "port": 80, "protocol": "INVALID"}]),
                         'spec.ports[0].protocol: Unsupported value: "INVALID": supported values: '
                         '"SCTP", "TCP", "UDP"'),
    "invalid cluster ip": (svc(clusterIP="invalid"),
                           'spec.clusterIPs[0]: Invalid value: "invalid": must be empty, '
                           "'None', or a valid IP address"),
    "invalid port": (svc(ports=[{"name": "p", "port": 65536}]),
                     "spec.ports[0].port: Invalid value: 65536: must be between 1 and 65535, "
                     "inclusive"),
    "invalid target port name": (svc(ports=[{"name": "p", "port": 80, "targetPort": "Bad Port"}]),
                                 'spec.ports[0].targetPort: Invalid value: "Bad Port"'),
    "dup port name": (svc(ports=[{"name": "p", "port": 80}, {"name": "p", "port": 81}]),
                      'spec.ports[1].name: Duplicate value: "p"'),
    "duplicate ports": (svc(ports=[{"name": "a", "port": 80}, {"name": "b", "port": 80}]),
                        'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", '
                        'Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, '
                        'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'),
    "invalid session affinity": (svc(sessionAffinity="Sticky"),
                                 'spec.sessionAffinity: Unsupported value: "Sticky": supported '
                                 'values: "ClientIP", "None"'),
    "invalid type": (svc(type="Weird"),
                     'spec.type: Unsupported value: "Weird": supported values: "ClusterIP", '
                     '"ExternalName", "LoadBalancer", "NodePort"'),
    "nodePort with ClusterIP type": (svc(ports=[{"name": "p", "port": 80, "nodePort": 30000}]),
                                     "spec.ports[0].nodePort: Forbidden: may not be used when "
                                     "`type` is 'ClusterIP'"),
    "externalTrafficPolicy on ClusterIP": (svc(externalTrafficPolicy="Local"),
                                           'spec.externalTrafficPolicy: Invalid value: "Local": '
                                           "may only be set for externally-accessible services"),
    "headless NodePort": (svc(type="NodePort", clusterIP="None"),
                          'spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' '
                          "for NodePort services"),
    "ExternalName without externalName": (svc(type="ExternalName"),
                                          "spec.externalName: Required value"),
}


@pytest.mark.parametrize("name", list(SERVICE_ERRORS))
def test_TestValidateService(name: str) -> None:
    obj, expected = SERVICE_ERRORS[name]
    errs = created(obj)
    assert any(e.startswith(expected) for e in errs), errs


@pytest.mark.parametrize("obj", [svc(), svc(ports=[], clusterIP="None"),
                                 svc(type="NodePort"), svc(type="LoadBalancer"),
                                 svc(type="ExternalName", externalName="db.example.com",
                                     selector=None)],
                         ids=["valid", "missing ports but headless", "NodePort", "LoadBalancer",
                              "ExternalName"])
def test_TestValidateService_valid(obj: dict) -> None:
    assert created(obj) == []


def test_TestValidateServiceUpdate_clusterIP() -> None:
    old = apply_defaults(svc(clusterIP="10.0.0.5"))
    new = copy.deepcopy(old)
    new["spec"]["clusterIP"] = "10.0.0.6"
    new["spec"]["clusterIPs"] = ["10.0.0.6"]
    assert validate_update(old, new) == ['spec.clusterIPs[0]: Invalid value: []string{"10.0.0.6"}: '
                                         "may not change once set"]


# -- apps: Deployment (TestValidateDeployment) --------------------------------------------------

DEPLOYMENT_ERRORS = {
    "metadata.name: Required value": (
        lambda d: d["metadata"].pop("name"),
        "metadata.name: Required value: name or generateName is required"),
    "`selector` does not match template `labels`": (
        lambda d: d["spec"].update(selector={"matchLabels": {"name": "def"}}),
        'spec.template.metadata.labels: Invalid value: map[string]string{"name":"abc"}: '
        "`selector` does not match template `labels`"),
    'Unsupported value: "Never"': (
        lambda d: d["spec"]["template"]["spec"].update(restartPolicy="Never"),
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: '
        '"Always"'),
    'supported values: "Recreate", "RollingUpdate"': (
        lambda d: d["spec"].update(strategy={"type": "randomType"}),
        'spec.strategy: Unsupported value: apps.DeploymentStrategy{...}: supported values: '
        '"Recreate", "RollingUpdate"'),
    "may not be specified when strategy `type` is 'Recreate'": (
        lambda d: d["spec"].update(strategy={"type": "Recreate", "rollingUpdate": {}}),
        "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is "
        "'Recreate'"),
    "a valid percent string must be": (
        lambda d: d["spec"].update(strategy={"type": "RollingUpdate", "rollingUpdate": {
            "maxSurge": "20Percent"}}),
        'spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, '
        'StrVal:"20Percent"}: a valid percent string must be a numeric string followed by an '
        "ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"),
    "may not be 0 when `maxSurge` is 0": (
        lambda d: d["spec"].update(strategy={"type": "RollingUpdate", "rollingUpdate": {
            "maxSurge": "0%", "maxUnavailable": 0}}),
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, "
        'IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'),
    "must not be greater than 100%": (
        lambda d: d["spec"].update(strategy={"type": "RollingUpdate", "rollingUpdate": {
            "maxUnavailable": "135%"}}),
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, "
        'IntVal:0, StrVal:"135%"}: must not be greater than 100%'),
    "must be greater than minReadySeconds": (
        lambda d: d["spec"].update(minReadySeconds=10, progressDeadlineSeconds=10),
        "spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds"),
    "negative replicas": (lambda d: d["spec"].update(replicas=-1),
                          "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
    "negative revisionHistoryLimit": (
        lambda d: d["spec"].update(revisionHistoryLimit=-2),
        "spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0"),
    "empty selector": (
        lambda d: d["spec"].update(selector={}),
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
        "deployment"),
    "missing selector": (lambda d: d["spec"].pop("selector"), "spec.selector: Required value"),
    "invalid selector operator": (
        lambda d: d["spec"].update(selector={"matchExpressions": [
            {"key": "name", "operator": "Like", "values": ["abc"]}]}),
        'spec.selector.matchExpressions[0].operator: Invalid value: "Like": not a valid selector '
        "operator"),
    "activeDeadlineSeconds in template": (
        lambda d: d["spec"]["template"]["spec"].update(activeDeadlineSeconds=5),
        "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet "
        "is not Supported"),
}


@pytest.mark.parametrize("name", list(DEPLOYMENT_ERRORS))
def test_TestValidateDeployment(name: str) -> None:
    mutate, expected = DEPLOYMENT_ERRORS[name]
    obj = deployment()
    mutate(obj)
    errs = created(obj)
    assert expected in errs, errs


def test_TestValidateDeployment_valid() -> None:
    assert created(deployment()) == []
    assert created(deployment(strategy={"type": "Recreate"})) == []


def test_TestValidateDeploymentUpdate_selector_immutable() -> None:
    old = apply_defaults(deployment())
    new = copy.deepcopy(old)
    new["spec"]["selector"] = {"matchLabels": {"name": "abc", "tier": "web"}}
    new["spec"]["template"]["metadata"]["labels"]["tier"] = "web"
    assert validate_update(old, new) == [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{'
        '"name":"abc", "tier":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: '
        "field is immutable"]
    scaled = copy.deepcopy(old)
    scaled["spec"]["replicas"] = 5
    scaled["spec"]["template"]["spec"]["containers"][0]["image"] = "image:2"
    assert validate_update(old, scaled) == []


def test_TestValidateReplicaSet() -> None:
    rs = deployment()
    rs["kind"] = "ReplicaSet"
    del rs["spec"]["template"]["spec"]["containers"]
    errs = created(rs)
    assert errs == ["spec.template.spec.containers: Required value"]
    rs = deployment()
    rs["kind"] = "ReplicaSet"
    rs["spec"]["selector"] = {"matchLabels": {}}
    assert ("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, "
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
            "deployment") in created(rs)


# -- apps: DaemonSet / StatefulSet ----------------------------------------------------------------

def daemon_set(**strategy: object) -> dict:
    obj = deployment()
    obj["kind"] = "DaemonSet"
    del obj["spec"]["replicas"]
    if strategy:
        obj["spec"]["updateStrategy"] = strategy
    return obj


def test_TestValidateDaemonSet() -> None:
    assert created(daemon_set()) == []
    errs = created(daemon_set(type="RollingUpdate",
                              rollingUpdate={"maxUnavailable": 0, "maxSurge": 0}))
    assert errs == ["spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 "
                    "when maxSurge is 0"]
    errs = created(daemon_set(type="RollingUpdate",
                              rollingUpdate={"maxUnavailable": 1, "maxSurge": 1}))
    assert errs == ["spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: "
                    'intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when '
                    "maxUnavailable is non-zero"]
    obj = daemon_set()
    obj["spec"]["template"]["metadata"]["labels"] = {"name": "other"}
    assert created(obj) == ['spec.template.metadata.labels: Invalid value: '
                            'map[string]string{"name":"other"}: `selector` does not match template '
                            "`labels`"]


def stateful_set(**spec: object) -> dict:
    obj = deployment(**spec)
    obj["kind"] = "StatefulSet"
    obj["spec"]["serviceName"] = "svc"
    return obj


def test_TestValidateStatefulSet() -> None:
    assert created(stateful_set()) == []
    errs = created(stateful_set(podManagementPolicy="Bogus"))
    assert errs == ['spec.podManagementPolicy: Invalid value: "Bogus": must be \'OrderedReady\' '
                    "or 'Parallel'"]
    errs = created(stateful_set(updateStrategy={"type": "OnDelete", "rollingUpdate": {}}))
    assert errs == ["spec.updateStrategy.rollingUpdate: Invalid value: "
                    "apps.RollingUpdateStatefulSetStrategy{...}: only allowed for updateStrategy "
                    "'RollingUpdate'"]
    # Only labels and annotations of the template are checked on a StatefulSet.
    obj = stateful_set()
    obj["spec"]["template"]["spec"]["containers"] = []
    assert created(obj) == []


def test_TestValidateStatefulSetUpdate() -> None:
    old = apply_defaults(stateful_set())
    new = copy.deepcopy(old)
    new["spec"]["replicas"] = 5
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "image:2"
    assert validate_update(old, new) == []
    new["spec"]["serviceName"] = "other"
    assert validate_update(old, new) == [
        "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', "
        "'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
        "'minReadySeconds' are forbidden"]


# -- batch: Job / CronJob (TestValidateJob, TestValidateCronJob) --------------------------------

def job(**spec: object) -> dict:
    base = {"template": {"metadata": {"labels": {"a": "b"}},
                         "spec": {"restartPolicy": "OnFailure",
                                  "containers": [{"name": "abc", "image": "image"}]}}}
    base.update(spec)
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": "myjob", "namespace": "default"}, "spec": base}


JOB_ERRORS = {
    "spec.parallelism:must be greater than or equal to 0": (
        job(parallelism=-1),
        "spec.parallelism: Invalid value: -1: must be greater than or equal to 0"),
    "spec.completions:must be greater than or equal to 0": (
        job(completions=-1),
        "spec.completions: Invalid value: -1: must be greater than or equal to 0"),
    "spec.activeDeadlineSeconds:must be greater than or equal to 0": (
        job(activeDeadlineSeconds=-1),
        "spec.activeDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0"),
    "spec.backoffLimit:must be greater than or equal to 0": (
        job(backoffLimit=-1),
        "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"),
    "spec.template.spec.restartPolicy: Required value": (
        with_path(job(), "spec.template.spec.restartPolicy", "Always"),
        'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'),
    "spec.template.spec.restartPolicy: Unsupported value": (
        with_path(job(), "spec.template.spec.restartPolicy", "Whatever"),
        'spec.template.spec.restartPolicy: Unsupported value: "Whatever": supported values: '
        '"OnFailure", "Never"'),
    "spec.completionMode: Unsupported value": (
        job(completionMode="Tokyo"),
        'spec.completionMode: Unsupported value: "Tokyo": supported values: "NonIndexed", '
        '"Indexed"'),
    "spec.completions: Required value: when completion mode is Indexed": (
        job(completionMode="Indexed", parallelism=2),
        "spec.completions: Required value: when completion mode is Indexed"),
    "spec.selector: Required value (manual selector)": (
        job(manualSelector=True), "spec.selector: Required value"),
    "spec.template.metadata.labels: Invalid value: {\"y\":\"z\"}: `selector` does not match "
    "template `labels`": (
        job(manualSelector=True, selector={"matchLabels": {"a": "b"}},
            template={"metadata": {"labels": {"y": "z"}},
                      "spec": {"restartPolicy": "Never",
                               "containers": [{"name": "abc", "image": "image"}]}}),
        'spec.template.metadata.labels: Invalid value: map[string]string{"y":"z"}: `selector` '
        "does not match template `labels`"),
}


@pytest.mark.parametrize("name", list(JOB_ERRORS))
def test_TestValidateJob(name: str) -> None:
    obj, expected = JOB_ERRORS[name]
    errs = created(obj)
    assert expected in errs, errs


def test_TestValidateJob_valid_and_generated_selector() -> None:
    assert created(job()) == []
    obj = apply_defaults({**job(), "metadata": {"name": "myjob", "namespace": "default",
                                                "uid": "1a2b"}})
    assert obj["spec"]["selector"] == {
        "matchLabels": {"batch.kubernetes.io/controller-uid": "1a2b"}}
    assert validate_create(obj) == []
    # A template label that contradicts the generated one is reported.
    bad = copy.deepcopy(obj)
    bad["spec"]["template"]["metadata"]["labels"]["controller-uid"] = "other"
    assert any(e.startswith("spec.template.metadata.labels[controller-uid]: Invalid value: "
                            "map[string]string{") and e.endswith("must be '1a2b'")
               for e in validate_create(bad))


def test_TestValidateJobUpdate() -> None:
    old = apply_defaults({**job(), "metadata": {"name": "myjob", "namespace": "default",
                                                "uid": "1a2b"}})
    new = copy.deepcopy(old)
    new["spec"]["parallelism"] = 3
    assert validate_update(old, new) == []
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "image:2"
    assert validate_update(old, new) == [
        "spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable"]
    new = copy.deepcopy(old)
    new["spec"]["completions"] = 5
    assert validate_update(old, new) == ["spec.completions: Invalid value: 5: field is immutable"]
    # A suspended Job that never started may change its scheduling directives.
    old_suspended = apply_defaults({**job(suspend=True),
                                    "metadata": {"name": "myjob", "namespace": "default",
                                                 "uid": "1a2b"}})
    new = copy.deepcopy(old_suspended)
    new["spec"]["template"]["spec"]["nodeSelector"] = {"zone": "a"}
    assert validate_update(old_suspended, new) == []


def cron_job(**spec: object) -> dict:
    base = {"schedule": "* * * * ?", "jobTemplate": {"spec": {"template": {"spec": {
        "restartPolicy": "OnFailure", "containers": [{"name": "abc", "image": "image"}]}}}}}
    base.update(spec)
    return {"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": "mycronjob", "namespace": "default"}, "spec": base}


CRON_JOB_ERRORS = {
    "spec.schedule: Invalid value": (cron_job(schedule="error"),
                                     'spec.schedule: Invalid value: "error": expected exactly 5 '
                                     "fields, found 1: [error]"),
    "spec.schedule: Required value": (cron_job(schedule=""), "spec.schedule: Required value"),
    "spec.startingDeadlineSeconds:must be greater than or equal to 0": (
        cron_job(startingDeadlineSeconds=-1),
        "spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0"),
    "spec.successfulJobsHistoryLimit: must be greater than or equal to 0": (
        cron_job(successfulJobsHistoryLimit=-1),
        "spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0"),
    "spec.failedJobsHistoryLimit: must be greater than or equal to 0": (
        cron_job(failedJobsHistoryLimit=-1),
        "spec.failedJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0"),
    "spec.concurrencyPolicy: Unsupported value": (
        cron_job(concurrencyPolicy="Sometimes"),
        'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", '
        '"Forbid", "Replace"'),
    "spec.jobTemplate.spec.parallelism:must be greater than or equal to 0": (
        with_path(cron_job(), "spec.jobTemplate.spec.parallelism", -1),
        "spec.jobTemplate.spec.parallelism: Invalid value: -1: must be greater than or equal to 0"),
    "spec.jobTemplate.spec.manualSelector: Unsupported value": (
        with_path(cron_job(), "spec.jobTemplate.spec.manualSelector", True),
        'spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", '
        '"false"'),
    "spec.jobTemplate.spec.template.spec.restartPolicy: Required value": (
        with_path(cron_job(), "spec.jobTemplate.spec.template.spec.restartPolicy", "Always"),
        "spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "
        '"OnFailure", "Never"'),
    "spec.jobTemplate.spec.selector: Invalid value": (
        with_path(cron_job(), "spec.jobTemplate.spec.selector", {"matchLabels": {"a": "b"}}),
        'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:'
        'map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: '
        "`selector` will be auto-generated"),
    "spec.schedule: cannot use TZ": (
        cron_job(schedule="TZ=UTC 0 * * * *"),
        'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, '
        "use timeZone field instead"),
    "spec.timeZone: unknown time zone": (
        cron_job(timeZone="Mars/Olympus"),
        'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus'),
    "metadata.name: must be no more than 52 characters": (
        {**cron_job(), "metadata": {"name": "a" * 53, "namespace": "default"}},
        f'metadata.name: Invalid value: "{"a" * 53}": must be no more than 52 characters'),
}


@pytest.mark.parametrize("name", list(CRON_JOB_ERRORS))
def test_TestValidateCronJob(name: str) -> None:
    obj, expected = CRON_JOB_ERRORS[name]
    errs = created(obj)
    assert expected in errs, errs


def test_TestValidateCronJob_valid() -> None:
    assert created(cron_job()) == []
    assert created(cron_job(schedule="@hourly", timeZone="Europe/Paris")) == []


@pytest.mark.parametrize(("schedule", "error"), [
    ("* * * * *", None), ("*/15 9-17 * * mon-fri", None), ("0 0 1 jan *", None),
    ("@every 1h30m", None), ("@weekly", None),
    ("61 * * * *", "end of range (61) above maximum (59): 61"),
    ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
    ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
    ("*/0 * * * *", "step of range should be a positive number: */0"),
    ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
    ("1/2/3 * * * *", "too many slashes: 1/2/3"),
    ("@sometimes", "unrecognized descriptor: @sometimes"),
    ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
])
def test_cron_schedule_errors(schedule: str, error: str | None) -> None:
    # robfig/cron v3 parser.go, as ValidateCronJob reports it.
    assert cron_schedule_error(schedule) == error


# -- other kinds ----------------------------------------------------------------------------------

def test_TestValidateConfigMap() -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap",
          "metadata": {"name": "cm", "namespace": "default"},
          "data": {"good.key": "v", "bad key": "v", "..dots": "v"}}
    assert created(cm) == [
        'data[..dots]: Invalid value: "..dots": must not start with \'..\'',
        'data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric '
        "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used "
        "for validation is '[-._a-zA-Z0-9]+')"]


def test_TestValidateConfigMapUpdate_immutable() -> None:
    old = apply_defaults({"apiVersion": "v1", "kind": "ConfigMap", "immutable": True,
                          "metadata": {"name": "cm", "namespace": "default"}, "data": {"a": "1"}})
    new = copy.deepcopy(old)
    new["data"]["a"] = "2"
    assert validate_update(old, new) == [
        "data: Forbidden: field is immutable when `immutable` is set"]


def test_TestValidateSecret() -> None:
    secret = {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
              "metadata": {"name": "s", "namespace": "default"}, "data": {"tls.crt": "eA=="}}
    assert created(secret) == ["data[tls.key]: Required value"]
    old = apply_defaults({"apiVersion": "v1", "kind": "Secret",
                          "metadata": {"name": "s", "namespace": "default"}})
    new = {**old, "type": "kubernetes.io/basic-auth", "data": {"username": "eA=="}}
    assert validate_update(old, new) == [
        'type: Invalid value: "kubernetes.io/basic-auth": field is immutable']


def test_TestValidateNamespace_and_Node() -> None:
    assert created({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}) == []
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"},
            "spec": {"taints": [{"key": "dedicated", "value": "db", "effect": "NoSchedule"},
                                {"key": "dedicated", "value": "web", "effect": "NoSchedule"},
                                {"key": "x", "effect": "Sometimes"}]}}
    errs = created(node)
    assert errs[0] == ('metadata.taints[1]: Duplicate value: core.Taint{Key:"dedicated", '
                       'Value:"web", Effect:"NoSchedule", TimeAdded:<nil>}: taints must be unique '
                       "by key and effect pair")
    assert errs[1] == ('metadata.taints[2].effect: Unsupported value: "Sometimes": supported '
                       'values: "NoSchedule", "PreferNoSchedule", "NoExecute"')


def test_TestValidatePersistentVolumeClaim() -> None:
    pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
           "metadata": {"name": "c", "namespace": "default"}, "spec": {}}
    assert created(pvc) == ["spec.accessModes: Required value: at least 1 access mode is required",
                            "spec.resources[storage]: Required value"]


def test_errors_are_deduplicated_like_ToAggregate() -> None:
    obj = job(parallelism=-1)
    obj["metadata"]["uid"] = "1a2b"
    old = apply_defaults(obj)
    new = copy.deepcopy(old)
    errs = validate_update(old, new)
    assert errs.count("spec.parallelism: Invalid value: -1: must be greater than or equal to 0") \
        == 1


def test_unknown_kinds_are_not_validated() -> None:
    assert validate_create({"apiVersion": "example.com/v1", "kind": "Widget",
                            "metadata": {"name": "Bad Name"}}) == []
