"""apiserver defaulting, ported from k/k pkg/apis/core/v1/defaults_test.go,
pkg/apis/apps/v1/defaults_test.go, pkg/apis/batch/v1/defaults_test.go and the admission
tests of plugin/pkg/admission/defaulttolerationseconds and priority."""

from __future__ import annotations

import copy

import pytest

from pytest_k8sflow.engine.defaults import (
    apply_defaults,
    default_pull_policy,
    generate_job_selector,
    image_tag,
    prepare_daemonset_update,
)

NOT_READY = {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
             "tolerationSeconds": 300}
UNREACHABLE = {"key": "node.kubernetes.io/unreachable", "operator": "Exists",
               "effect": "NoExecute", "tolerationSeconds": 300}


def pod(spec: dict | None = None, **meta: object) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", **meta},
            "spec": spec if spec is not None else {}}


def deployment(template_spec: dict | None = None, **spec: object) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": template_spec or {}}, **spec}}


def roundtrip(obj: dict, **kw: object) -> dict:
    out = apply_defaults(obj, **kw)
    assert out is not obj
    return out


# -- TestPodDefaults / TestWorkloadDefaults ------------------------------------------------------

FULL_POD_SPEC = {
    "containers": [{
        "name": "c", "image": "",
        "env": [{"name": "E", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}],
        "ports": [{"containerPort": 80}],
        "resources": {"limits": {"cpu": "0"}},
        "livenessProbe": {"httpGet": {"port": 80}},
        "readinessProbe": {"httpGet": {"port": 80}},
        "lifecycle": {"postStart": {"httpGet": {"port": 80}}, "preStop": {"httpGet": {"port": 80}}},
    }],
    "volumes": [
        {"name": "a", "configMap": {"name": "x"}},
        {"name": "b", "downwardAPI": {"items": [{"path": "p",
                                                   "fieldRef": {"fieldPath": "metadata.name"}}]}},
        {"name": "c"},
        {"name": "d", "hostPath": {"path": "/x"}},
        {"name": "e", "projected": {"sources": [
            {"downwardAPI": {"items": [{"path": "p", "fieldRef": {"fieldPath": "metadata.name"}}]}},
            {"serviceAccountToken": {"path": "token"}}]}},
        {"name": "f", "secret": {"secretName": "s"}},
        {"name": "g", "iscsi": {"targetPortal": "t", "iqn": "i", "lun": 0}},
        {"name": "h", "rbd": {"monitors": ["m"], "image": "i"}},
        {"name": "i", "azureDisk": {"diskName": "d", "diskURI": "u"}},
        {"name": "j", "scaleIO": {"gateway": "g", "system": "s", "secretRef": {"name": "n"}}},
    ],
}


def _check_workload_defaults(spec: dict) -> None:
    c = spec["containers"][0]
    assert c["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1"
    assert c["imagePullPolicy"] == "IfNotPresent"   # "" does not parse: no "latest" tag
    for hook in ("postStart", "preStop"):
        assert c["lifecycle"][hook]["httpGet"]["path"] == "/"
        assert c["lifecycle"][hook]["httpGet"]["scheme"] == "HTTP"
    for probe in ("livenessProbe", "readinessProbe"):
        assert c[probe]["failureThreshold"] == 3
        assert c[probe]["httpGet"] == {"port": 80, "path": "/", "scheme": "HTTP"}
        assert c[probe]["periodSeconds"] == 10
        assert c[probe]["successThreshold"] == 1
        assert c[probe]["timeoutSeconds"] == 1
    assert c["ports"][0]["protocol"] == "TCP"
    assert c["terminationMessagePath"] == "/dev/termination-log"
    assert c["terminationMessagePolicy"] == "File"
    assert spec["dnsPolicy"] == "ClusterFirst"
    assert spec["restartPolicy"] == "Always"
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["securityContext"] == {}
    assert spec["terminationGracePeriodSeconds"] == 30
    vols = {v["name"]: v for v in spec["volumes"]}
    assert vols["a"]["configMap"]["defaultMode"] == 420
    assert vols["b"]["downwardAPI"]["defaultMode"] == 420
    assert vols["b"]["downwardAPI"]["items"][0]["fieldRef"]["apiVersion"] == "v1"
    assert vols["c"]["emptyDir"] == {}
    assert vols["d"]["hostPath"]["type"] == ""
    assert vols["e"]["projected"]["defaultMode"] == 420
    assert vols["e"]["projected"]["sources"][0]["downwardAPI"]["items"][0]["fieldRef"][
        "apiVersion"] == "v1"
    assert vols["e"]["projected"]["sources"][1]["serviceAccountToken"]["expirationSeconds"] == 3600
    assert vols["f"]["secret"]["defaultMode"] == 420
    assert vols["g"]["iscsi"]["iscsiInterface"] == "default"
    assert (vols["h"]["rbd"]["pool"], vols["h"]["rbd"]["user"], vols["h"]["rbd"]["keyring"]) == (
        "rbd", "admin", "/etc/ceph/keyring")
    assert vols["i"]["azureDisk"] == {"diskName": "d", "diskURI": "u", "cachingMode": "ReadWrite",
                                      "fsType": "ext4", "readOnly": False, "kind": "Shared"}
    assert (vols["j"]["scaleIO"]["fsType"], vols["j"]["scaleIO"]["storageMode"]) == (
        "xfs", "ThinProvisioned")


def test_TestPodDefaults() -> None:
    out = roundtrip(pod(copy.deepcopy(FULL_POD_SPEC)))
    spec = out["spec"]
    _check_workload_defaults(spec)
    assert spec["enableServiceLinks"] is True
    assert spec["containers"][0]["resources"]["requests"] == {"cpu": "0"}   # from limits


def test_TestWorkloadDefaults() -> None:
    out = roundtrip(deployment(copy.deepcopy(FULL_POD_SPEC)))
    spec = out["spec"]["template"]["spec"]
    _check_workload_defaults(spec)
    # Pod-only defaults stay off templates (no spurious rollouts on upgrade).
    assert "enableServiceLinks" not in spec
    assert "requests" not in spec["containers"][0]["resources"]
    assert "priority" not in spec and "tolerations" not in spec


# -- TestSetDefaultReplicationControllerInitContainers (on a Deployment template) --------------

INIT_CONTAINER_CASES = {
    "imagePullIPolicy": ({"name": "install", "image": "busybox"},
                         lambda c: c["imagePullPolicy"] == "Always"),
    "FieldRef": ({"name": "fun", "image": "alpine", "env": [
        {"name": "MY_POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "",
                                                         "fieldPath": "status.podIP"}}}]},
        lambda c: c["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1"),
    "ContainerPort": ({"name": "fun", "image": "alpine", "ports": [{"name": "default"}]},
                      lambda c: c["ports"] == [{"name": "default", "protocol": "TCP"}]),
    "Resources": ({"name": "fun", "image": "alpine", "resources": {
        "limits": {"cpu": "100m", "memory": "100Mi"}, "requests": {"cpu": "100m",
                                                                   "memory": "100Mi"}}},
        lambda c: c["resources"] == {"limits": {"cpu": "100m", "memory": "100Mi"},
                                     "requests": {"cpu": "100m", "memory": "100Mi"}}),
    "Probe": ({"name": "fun", "image": "alpine",
               "livenessProbe": {"httpGet": {"host": "localhost"}},
               "readinessProbe": {"httpGet": {"host": "localhost"}}},
              lambda c: all(c[p] == {"httpGet": {"host": "localhost", "path": "/",
                                                 "scheme": "HTTP"},
                                     "timeoutSeconds": 1, "periodSeconds": 10,
                                     "successThreshold": 1, "failureThreshold": 3}
                            for p in ("livenessProbe", "readinessProbe"))),
    "LifeCycle": ({"name": "fun", "image": "alpine", "ports": [{"name": "default"}],
                   "lifecycle": {"postStart": {"httpGet": {"host": "localhost"}},
                                 "preStop": {"httpGet": {"host": "localhost"}}}},
                  lambda c: c["lifecycle"]["postStart"]["httpGet"]["path"] == "/"
                  and c["lifecycle"]["preStop"]["httpGet"]["scheme"] == "HTTP"),
}


@pytest.mark.parametrize("name", list(INIT_CONTAINER_CASES))
def test_TestSetDefaultReplicationControllerInitContainers(name: str) -> None:
    container, check = INIT_CONTAINER_CASES[name]
    out = roundtrip(deployment({"initContainers": [copy.deepcopy(container)]}))
    assert check(out["spec"]["template"]["spec"]["initContainers"][0])


# -- Services ----------------------------------------------------------------------------------

def service(**spec: object) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc"}, "spec": spec}


def test_TestSetDefaultService() -> None:
    spec = roundtrip(service())["spec"]
    assert spec["sessionAffinity"] == "None"
    assert "sessionAffinityConfig" not in spec
    assert spec["type"] == "ClusterIP"


@pytest.mark.parametrize("config", [None, {"clientIP": None},
                                    {"clientIP": {"timeoutSeconds": None}}],
                         ids=["SessionAffinityConfig is empty", "ClientIP is empty",
                              "TimeoutSeconds is empty"])
def test_TestSetDefaultServiceSessionAffinityConfig(config: dict | None) -> None:
    spec = roundtrip(service(sessionAffinity="ClientIP", sessionAffinityConfig=config))["spec"]
    assert spec["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}


def test_TestSetDefaultServiceTargetPort() -> None:
    assert roundtrip(service(ports=[{"port": 1234}]))["spec"]["ports"][0]["targetPort"] == 1234
    out = roundtrip(service(ports=[{"port": 1234, "targetPort": 5678}]))
    assert out["spec"]["ports"][0]["targetPort"] == 5678


def test_TestSetDefaultServicePort() -> None:
    out = roundtrip(service(ports=[{"protocol": "UDP", "port": 9376, "targetPort": "p"},
                                   {"protocol": "UDP", "port": 8675, "targetPort": 309}]))
    assert [(p["protocol"], p["targetPort"]) for p in out["spec"]["ports"]] == [
        ("UDP", "p"), ("UDP", 309)]
    out = roundtrip(service(ports=[{"protocol": "", "port": 9376, "targetPort": ""},
                                   {"protocol": "", "port": 8675, "targetPort": 0}]))
    assert [(p["protocol"], p["targetPort"]) for p in out["spec"]["ports"]] == [
        ("TCP", 9376), ("TCP", 8675)]


@pytest.mark.parametrize(("spec", "expected"), [
    ({}, None),
    ({"type": "NodePort"}, "Cluster"),
    ({"type": "LoadBalancer"}, "Cluster"),
    ({"type": "ClusterIP", "externalIPs": ["1.2.3.4"]}, "Cluster"),
    ({"type": "ClusterIP"}, None),
    ({"type": "ExternalName"}, None),
])
def test_TestSetDefaultServiceExternalTraffic(spec: dict, expected: str | None) -> None:
    assert roundtrip(service(**spec))["spec"].get("externalTrafficPolicy") == expected


@pytest.mark.parametrize(("name", "spec", "expected"), [
    ("must set default internalTrafficPolicy", {}, "Cluster"),
    ("must not set default internalTrafficPolicy when it's cluster",
     {"internalTrafficPolicy": "Cluster"}, "Cluster"),
    ("must not set default internalTrafficPolicy when type is ExternalName",
     {"type": "ExternalName"}, None),
    ("must not set default internalTrafficPolicy when it's local",
     {"internalTrafficPolicy": "Local"}, "Local"),
])
def test_TestSetDefaultServiceInternalTrafficPolicy(name: str, spec: dict,
                                                    expected: str | None) -> None:
    assert roundtrip(service(**spec))["spec"].get("internalTrafficPolicy") == expected


def test_service_registry_ip_fields() -> None:
    # pkg/registry/core/service/storage initIPFamilyFields on a single-stack IPv4 cluster.
    spec = roundtrip(service(selector={"app": "x"}, ports=[{"port": 80}]))["spec"]
    assert (spec["ipFamilyPolicy"], spec["ipFamilies"]) == ("SingleStack", ["IPv4"])
    spec = roundtrip(service(clusterIP="None", selector={"app": "x"}))["spec"]
    assert (spec["clusterIPs"], spec["ipFamilyPolicy"], spec["ipFamilies"]) == (
        ["None"], "SingleStack", ["IPv4"])
    spec = roundtrip(service(clusterIP="None"))["spec"]
    assert (spec["ipFamilyPolicy"], spec["ipFamilies"]) == ("RequireDualStack", ["IPv4", "IPv6"])
    spec = roundtrip(service(type="ExternalName", externalName="x.example.com"))["spec"]
    assert "ipFamilies" not in spec and "ipFamilyPolicy" not in spec
    spec = roundtrip(service(type="LoadBalancer"))["spec"]
    assert spec["allocateLoadBalancerNodePorts"] is True
    old = roundtrip(service(), kubernetes_version="1.19")["spec"]
    assert "ipFamilies" not in old and "internalTrafficPolicy" not in old


# -- volumes, secrets, PV/PVC, endpoints, namespaces, nodes --------------------------------------

@pytest.mark.parametrize(("source", "key"), [
    ({"secret": {}}, "secret"), ({"configMap": {}}, "configMap"),
    ({"downwardAPI": {}}, "downwardAPI"), ({"projected": {}}, "projected")],
    ids=["TestSetDefaultSecretVolumeSource", "TestSetDefaultConfigMapVolumeSource",
         "TestSetDefaultDownwardAPIVolumeSource", "TestSetDefaultProjectedVolumeSource"])
def test_default_mode_volume_sources(source: dict, key: str) -> None:
    out = roundtrip(pod({"volumes": [{"name": "v", **source}]}))
    assert out["spec"]["volumes"][0][key]["defaultMode"] == 420


def test_TestSetDefaultHostPathVolumeSource() -> None:
    out = roundtrip(pod({"volumes": [{"name": "v", "hostPath": {"path": "foo"}}]}))
    assert out["spec"]["volumes"][0]["hostPath"] == {"path": "foo", "type": ""}


def test_TestSetDefaultSecret() -> None:
    assert roundtrip({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}})[
        "type"] == "Opaque"


def test_secret_string_data_is_folded_into_data() -> None:
    out = roundtrip({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                     "data": {"a": "b2xk", "keep": "eA=="}, "stringData": {"a": "new"}})
    assert out["data"] == {"a": "bmV3", "keep": "eA=="} and "stringData" not in out


@pytest.mark.parametrize(("mode", "expected"), [(None, "Filesystem"), ("Filesystem", "Filesystem"),
                                                ("Block", "Block")],
                         ids=["volume mode nil", "volume mode filesystem", "volume mode block"])
def test_TestSetDefaultPersistentVolume(mode: str | None, expected: str) -> None:
    out = roundtrip({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv"},
                     "spec": {"volumeMode": mode}})
    assert out["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert out["spec"]["volumeMode"] == expected


@pytest.mark.parametrize(("mode", "expected"), [(None, "Filesystem"), ("Filesystem", "Filesystem"),
                                                ("Block", "Block")],
                         ids=["volume mode nil", "volume mode filesystem", "volume mode block"])
def test_TestSetDefaultPersistentVolumeClaim(mode: str | None, expected: str) -> None:
    out = roundtrip({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                     "metadata": {"name": "c"}, "spec": {"volumeMode": mode}})
    assert out["spec"]["volumeMode"] == expected


@pytest.mark.parametrize(("mode", "expected"), [(None, "Filesystem"), ("Filesystem", "Filesystem"),
                                                ("Block", "Block")],
                         ids=["volume mode nil", "volume mode filesystem", "volume mode block"])
def test_TestSetDefaultEphemeral(mode: str | None, expected: str) -> None:
    out = roundtrip(pod({"volumes": [{"name": "v", "ephemeral": {"volumeClaimTemplate": {
        "spec": {"volumeMode": mode}}}}]}))
    assert out["spec"]["volumes"][0]["ephemeral"]["volumeClaimTemplate"]["spec"][
        "volumeMode"] == expected


def test_TestSetDefaultEndpointsProtocol() -> None:
    out = roundtrip({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "e"},
                     "subsets": [{"ports": [{}, {"protocol": "UDP"}, {}]}]})
    assert [p["protocol"] for p in out["subsets"][0]["ports"]] == ["TCP", "UDP", "TCP"]


def test_TestSetDefaultNamespace() -> None:
    out = roundtrip({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"},
                     "status": {}})
    assert out["status"]["phase"] == "Active"
    assert out["spec"]["finalizers"] == ["kubernetes"]   # namespace strategy PrepareForCreate


def test_TestSetDefaultNamespaceLabels() -> None:
    the_ns = "default-ns-labels-are-great"
    out = roundtrip({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": the_ns}})
    assert out["metadata"]["labels"]["kubernetes.io/metadata.name"] == the_ns
    old = roundtrip({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": the_ns}},
                    kubernetes_version="1.20")
    assert "labels" not in old["metadata"]


@pytest.mark.parametrize(("capacity", "allocatable", "expected"), [
    ({"cpu": "1000m", "memory": "10G"}, {"cpu": "500m", "memory": "5G"},
     {"cpu": "500m", "memory": "5G"}),
    (None, {"cpu": "500m", "memory": "5G"}, {"cpu": "500m", "memory": "5G"}),
    ({"cpu": "1000m", "memory": "10G"}, None, {"cpu": "1", "memory": "10G"}),
    (None, None, None),
], ids=["Everything set, no defaulting", "Allocatable set, no defaulting",
        "Capacity set, allocatable defaults to capacity", "Nothing set"])
def test_TestSetDefaultNodeStatusAllocatable(capacity: dict | None, allocatable: dict | None,
                                             expected: dict | None) -> None:
    status = {k: v for k, v in (("capacity", capacity), ("allocatable", allocatable)) if v}
    out = roundtrip({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"},
                     "status": status})
    assert out["status"].get("allocatable") == expected


def test_TestSetDefaultLimitRangeItem() -> None:
    out = roundtrip({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr"},
                     "spec": {"limits": [{"type": "Container", "max": {"cpu": "100m"},
                                          "min": {"memory": "100Mi"}, "default": {},
                                          "defaultRequest": {}}]}})
    item = out["spec"]["limits"][0]
    assert item["default"]["cpu"] == "100m"
    assert item["defaultRequest"]["cpu"] == "100m"
    assert item["defaultRequest"]["memory"] == "100Mi"


# -- pods --------------------------------------------------------------------------------------

def test_TestSetDefaultPodSpecHostNetwork() -> None:
    out = roundtrip(pod({"hostNetwork": True,
                         "containers": [{"ports": [{"containerPort": 8080}]}],
                         "initContainers": [{"ports": [{"containerPort": 8080}]}]}))
    assert out["spec"]["containers"][0]["ports"][0]["hostPort"] == 8080
    assert out["spec"]["initContainers"][0]["ports"][0]["hostPort"] == 8080


def test_TestSetDefaultObjectFieldSelectorAPIVersion() -> None:
    out = roundtrip(pod({"containers": [{"env": [{"valueFrom": {"fieldRef": {}}}]}]}))
    assert out["spec"]["containers"][0]["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1"


def test_TestSetMinimumScalePod() -> None:
    spec = {"containers": [{"resources": {"requests": {"memory": "1n"}, "limits": {"cpu": "2n"}}}],
            "initContainers": [{"resources": {"requests": {"memory": "1n"},
                                              "limits": {"cpu": "2n"}}}]}
    out = roundtrip(pod(spec))
    for kind in ("containers", "initContainers"):
        assert out["spec"][kind][0]["resources"]["requests"]["memory"] == "1m"


def test_TestSetDefaultRequestsPod() -> None:
    res = {"requests": {"memory": "0"}, "limits": {"cpu": "100m", "memory": "1Gi"}}
    out = roundtrip(pod({"containers": [{"resources": copy.deepcopy(res)}],
                         "initContainers": [{"resources": copy.deepcopy(res)}]}))
    for kind in ("containers", "initContainers"):
        assert out["spec"][kind][0]["resources"]["requests"] == {"memory": "0", "cpu": "100m"}
    out = roundtrip(pod({"containers": [{}], "initContainers": [{}]}))
    assert out["spec"]["containers"][0]["resources"] == {}   # nothing when no limits


def test_TestDefaultRequestIsNotSetForReplicationController() -> None:
    out = roundtrip(deployment({"containers": [{"resources": {"limits": {"cpu": "100m"}}}]},
                               replicas=3))
    assert "requests" not in out["spec"]["template"]["spec"]["containers"][0]["resources"]


def test_TestSetDefaultProbe() -> None:
    out = roundtrip(pod({"containers": [{"livenessProbe": {}}]}))
    assert out["spec"]["containers"][0]["livenessProbe"] == {
        "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}


def test_TestSetDefaultSchedulerName() -> None:
    assert roundtrip(pod())["spec"]["schedulerName"] == "default-scheduler"


def test_TestSetDefaultEnableServiceLinks() -> None:
    assert roundtrip(pod())["spec"]["enableServiceLinks"] is True
    assert roundtrip(pod({"enableServiceLinks": False}))["spec"]["enableServiceLinks"] is False


@pytest.mark.parametrize(("image", "tag", "policy"), [
    ("nginx", "latest", "Always"), ("nginx:latest", "latest", "Always"),
    ("nginx:1.25", "1.25", "IfNotPresent"), ("busybox", "latest", "Always"),
    ("registry.example.com:5000/team/app:v2", "v2", "IfNotPresent"),
    ("localhost:5000/app", "latest", "Always"),
    ("nginx@sha256:" + "a" * 64, "", "IfNotPresent"),
    ("nginx:latest@sha256:" + "a" * 64, "latest", "Always"),
    ("Nginx", "", "IfNotPresent"),   # does not parse (uppercase repository)
    ("", "", "IfNotPresent"),
])
def test_SetDefaults_Container_imagePullPolicy(image: str, tag: str, policy: str) -> None:
    assert image_tag(image) == tag
    assert default_pull_policy(image) == policy
    out = roundtrip(pod({"containers": [{"name": "c", "image": image}]}))
    assert out["spec"]["containers"][0]["imagePullPolicy"] == policy


def test_grpc_probe_service_default() -> None:
    out = roundtrip(pod({"containers": [{"readinessProbe": {"grpc": {"port": 9000}}}]}))
    assert out["spec"]["containers"][0]["readinessProbe"]["grpc"] == {"port": 9000, "service": ""}


def test_service_account_alias() -> None:
    out = roundtrip(pod({"serviceAccountName": "builder"}))
    assert out["spec"]["serviceAccount"] == "builder"
    out = roundtrip(pod({"serviceAccount": "old"}))
    assert out["spec"]["serviceAccountName"] == "old"


def test_pod_quantities_are_canonical() -> None:
    out = roundtrip(pod({"containers": [{"resources": {
        "limits": {"cpu": "0.5", "memory": "1024Mi"}, "requests": {"cpu": "250m"}}}],
        "volumes": [{"name": "v", "emptyDir": {"sizeLimit": "1024Mi"}}]}))
    resources = out["spec"]["containers"][0]["resources"]
    assert resources == {"limits": {"cpu": "500m", "memory": "1Gi"},
                         "requests": {"cpu": "250m", "memory": "1Gi"}}
    assert out["spec"]["volumes"][0]["emptyDir"]["sizeLimit"] == "1Gi"


# -- admission: DefaultTolerationSeconds (admission_test.go TestForgivenessAdmission) ---------

FORGIVENESS = {
    "pod has no tolerations, expect add tolerations for `not-ready:NoExecute` and "
    "`unreachable:NoExecute`": ([], [NOT_READY, UNREACHABLE]),
    "pod has tolerations, but none is for taint `not-ready:NoExecute` or "
    "`unreachable:NoExecute`, expect add tolerations for `not-ready:NoExecute` and "
    "`unreachable:NoExecute`": (
        [{"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule",
          "tolerationSeconds": 700}],
        [{"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule",
          "tolerationSeconds": 700}, NOT_READY, UNREACHABLE]),
    "pod specified a toleration for taint `not-ready:NoExecute`, expect add toleration for "
    "`unreachable:NoExecute`": (
        [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
          "tolerationSeconds": 700}],
        [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
          "tolerationSeconds": 700}, UNREACHABLE]),
    "pod specified a toleration for taint `unreachable:NoExecute`, expect add toleration for "
    "`not-ready:NoExecute`": (
        [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
          "tolerationSeconds": 700}],
        [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
          "tolerationSeconds": 700}, NOT_READY]),
    "pod specified tolerations for both `not-ready:NoExecute` and `unreachable:NoExecute`, "
    "expect no change": (
        [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
          "tolerationSeconds": 700},
         {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
          "tolerationSeconds": 700}], None),
    "pod specified toleration for taint `unreachable`, expect add toleration for "
    "`not-ready:NoExecute`": (
        [{"key": "node.kubernetes.io/unreachable", "operator": "Exists"}],
        [{"key": "node.kubernetes.io/unreachable", "operator": "Exists"}, NOT_READY]),
    "pod has wildcard toleration for all kind of taints, expect no change": (
        [{"operator": "Exists", "tolerationSeconds": 700}], None),
}


@pytest.mark.parametrize("name", list(FORGIVENESS))
def test_TestForgivenessAdmission(name: str) -> None:
    given, expected = FORGIVENESS[name]
    out = roundtrip(pod({"tolerations": copy.deepcopy(given)}))
    assert out["spec"]["tolerations"] == (given if expected is None else expected)


def test_tolerations_only_on_pods() -> None:
    out = roundtrip(deployment({"containers": [{"name": "c", "image": "x"}]}))
    assert "tolerations" not in out["spec"]["template"]["spec"]


# -- admission: Priority -----------------------------------------------------------------------

@pytest.mark.parametrize(("spec", "priority", "policy"), [
    ({}, 0, "PreemptLowerPriority"),
    ({"priorityClassName": "system-cluster-critical"}, 2000000000, "PreemptLowerPriority"),
    ({"priorityClassName": "system-node-critical"}, 2000001000, "PreemptLowerPriority"),
    ({"preemptionPolicy": "Never"}, 0, "Never"),
], ids=["Pod with no priority class", "pod with system-cluster-critical",
        "pod with system-node-critical", "preemption policy given"])
def test_TestPodAdmission(spec: dict, priority: int, policy: str) -> None:
    out = roundtrip(pod(spec))
    assert (out["spec"]["priority"], out["spec"]["preemptionPolicy"]) == (priority, policy)


def test_priority_preemption_policy_before_1_19() -> None:
    out = roundtrip(pod(), kubernetes_version="1.18")
    assert out["spec"]["priority"] == 0 and "preemptionPolicy" not in out["spec"]


def test_user_priority_class_left_to_store_aware_admission() -> None:
    out = roundtrip(pod({"priorityClassName": "high"}))
    assert "priority" not in out["spec"] and "preemptionPolicy" not in out["spec"]


# -- apps/v1 (pkg/apis/apps/v1/defaults_test.go) ----------------------------------------------

TEMPLATE_DEFAULTS = {"dnsPolicy": "ClusterFirst", "restartPolicy": "Always",
                     "securityContext": {}, "terminationGracePeriodSeconds": 30,
                     "schedulerName": "default-scheduler"}


def _apps(kind: str, spec: dict) -> dict:
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "x"}, "spec": spec}


@pytest.mark.parametrize(("spec", "expected_strategy", "history"), [
    ({"template": {"metadata": {"labels": {"foo": "bar"}}}},
     {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}, 10),
    ({"template": {"metadata": {"labels": {"foo": "bar"}}}, "revisionHistoryLimit": 1},
     {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}, 1),
    ({"template": {}, "updateStrategy": {"type": "OnDelete"}}, {"type": "OnDelete"}, 10),
    ({}, {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}, 10),
], ids=["Labels change/defaulting test", "Labels change/defaulting test (history limit)",
        "OnDeleteDaemonSetStrategyType update strategy", "Custom unique label key"])
def test_TestSetDefaultDaemonSetSpec(spec: dict, expected_strategy: dict, history: int) -> None:
    out = roundtrip(_apps("DaemonSet", spec))
    assert out["spec"]["updateStrategy"] == expected_strategy
    assert out["spec"]["revisionHistoryLimit"] == history
    assert out["spec"]["template"]["spec"] == TEMPLATE_DEFAULTS
    assert out["metadata"]["annotations"] == {"deprecated.daemonset.template.generation": "1"}


def test_daemonset_template_generation_on_update() -> None:
    old = roundtrip(_apps("DaemonSet", {"template": {"spec": {"containers": [{"image": "a"}]}}}))
    same = prepare_daemonset_update(old, old)
    assert same["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "1"
    changed = copy.deepcopy(old)
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = "b"
    bumped = prepare_daemonset_update(old, changed)
    assert bumped["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "2"


STATEFULSET_CASES = {
    "labels and default update strategy": (
        {}, {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}, "OrderedReady"),
    "Alternate update strategy": (
        {"updateStrategy": {"type": "OnDelete"}}, {"type": "OnDelete"}, "OrderedReady"),
    "Parallel pod management policy": (
        {"podManagementPolicy": "Parallel"},
        {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}, "Parallel"),
    "UpdateStrategy.RollingUpdate.Partition is not lost when UpdateStrategy.Type is not set": (
        {"updateStrategy": {"rollingUpdate": {"partition": 42}}},
        {"type": "RollingUpdate", "rollingUpdate": {"partition": 42}}, "OrderedReady"),
}


@pytest.mark.parametrize("name", list(STATEFULSET_CASES))
def test_TestSetDefaultStatefulSet(name: str) -> None:
    extra, strategy, policy = STATEFULSET_CASES[name]
    out = roundtrip(_apps("StatefulSet", {"template": {"metadata": {"labels": {"foo": "bar"}}},
                                          **copy.deepcopy(extra)}))
    spec = out["spec"]
    assert spec["replicas"] == 1
    assert spec["podManagementPolicy"] == policy
    assert spec["updateStrategy"] == strategy
    assert spec["revisionHistoryLimit"] == 10
    assert spec["template"]["spec"] == TEMPLATE_DEFAULTS
    assert "labels" not in out["metadata"]   # apps/v1 does not copy template labels


@pytest.mark.parametrize(("given", "expected"), [
    (None, {"whenDeleted": "Retain", "whenScaled": "Retain"}),
    ({"whenScaled": "Delete"}, {"whenDeleted": "Retain", "whenScaled": "Delete"}),
    ({"whenDeleted": "Delete"}, {"whenDeleted": "Delete", "whenScaled": "Retain"}),
], ids=["PVC delete policy enabled, no policy specified",
        "PVC delete policy enabled, with scaledown policy specified",
        "PVC delete policy disabled, with set deletion policy specified"])
def test_TestSetDefaultStatefulSet_pvc_retention(given: dict | None, expected: dict) -> None:
    spec = {"template": {}}
    if given is not None:
        spec["persistentVolumeClaimRetentionPolicy"] = given
    out = roundtrip(_apps("StatefulSet", spec))
    assert out["spec"]["persistentVolumeClaimRetentionPolicy"] == expected
    assert "persistentVolumeClaimRetentionPolicy" not in roundtrip(
        _apps("StatefulSet", {"template": {}}), kubernetes_version="1.26")["spec"]


def test_statefulset_volume_claim_templates() -> None:
    out = roundtrip(_apps("StatefulSet", {"volumeClaimTemplates": [
        {"metadata": {"name": "www"},
         "spec": {"accessModes": ["ReadWriteOnce"],
                  "resources": {"requests": {"storage": "1024Mi"}}}}]}))
    claim = out["spec"]["volumeClaimTemplates"][0]
    assert claim["apiVersion"] == "v1" and claim["kind"] == "PersistentVolumeClaim"
    assert claim["spec"]["volumeMode"] == "Filesystem"
    assert claim["spec"]["resources"]["requests"]["storage"] == "1Gi"
    assert claim["status"] == {"phase": "Pending"}


@pytest.mark.parametrize(("spec", "expected"), [
    ({}, {"replicas": 1, "strategy": {"type": "RollingUpdate", "rollingUpdate": {
        "maxUnavailable": "25%", "maxSurge": "25%"}}, "revisionHistoryLimit": 10,
        "progressDeadlineSeconds": 600}),
    ({"replicas": 5, "strategy": {"rollingUpdate": {"maxSurge": 1}}},
     {"replicas": 5, "strategy": {"type": "RollingUpdate", "rollingUpdate": {
         "maxUnavailable": "25%", "maxSurge": 1}}, "revisionHistoryLimit": 10,
      "progressDeadlineSeconds": 600}),
    ({"replicas": 5, "strategy": {"type": "Recreate"}},
     {"replicas": 5, "strategy": {"type": "Recreate"}, "revisionHistoryLimit": 10,
      "progressDeadlineSeconds": 600}),
    ({"replicas": 5, "strategy": {"type": "Recreate"}, "revisionHistoryLimit": 0},
     {"replicas": 5, "strategy": {"type": "Recreate"}, "revisionHistoryLimit": 0,
      "progressDeadlineSeconds": 600}),
    ({"replicas": 5, "strategy": {"type": "Recreate"}, "progressDeadlineSeconds": 30,
      "revisionHistoryLimit": 2},
     {"replicas": 5, "strategy": {"type": "Recreate"}, "revisionHistoryLimit": 2,
      "progressDeadlineSeconds": 30}),
], ids=["defaults", "maxSurge given", "Recreate", "revisionHistoryLimit 0", "all set"])
def test_TestSetDefaultDeployment(spec: dict, expected: dict) -> None:
    out = roundtrip(_apps("Deployment", copy.deepcopy(spec)))
    got = {k: v for k, v in out["spec"].items() if k != "template"}
    assert got == expected
    assert out["spec"]["template"]["spec"] == TEMPLATE_DEFAULTS


@pytest.mark.parametrize(("replicas", "expected"), [(None, 1), (0, 0), (3, 3)])
def test_TestSetDefaultReplicaSetReplicas(replicas: int | None, expected: int) -> None:
    spec = {"template": {"metadata": {"labels": {"foo": "bar"}}}}
    if replicas is not None:
        spec["replicas"] = replicas
    assert roundtrip(_apps("ReplicaSet", spec))["spec"]["replicas"] == expected


# -- batch/v1 (pkg/apis/batch/v1/defaults_test.go) --------------------------------------------

DEFAULT_LABELS = {"default": "default"}

JOB_CASES = {
    "All unspecified -> sets all to default values": (
        {}, None, {"completions": 1, "parallelism": 1, "backoffLimit": 6,
                   "completionMode": "NonIndexed", "suspend": False}, True),
    "suspend set, everything else is defaulted": (
        {"suspend": True}, None, {"completions": 1, "parallelism": 1, "backoffLimit": 6,
                                  "completionMode": "NonIndexed", "suspend": True}, True),
    "All unspecified -> all pointers, CompletionMode are defaulted and no default labels": (
        {}, {"mylabel": "myvalue"}, {"completions": 1, "parallelism": 1, "backoffLimit": 6,
                                     "completionMode": "NonIndexed", "suspend": False}, False),
    "WQ: Parallelism explicitly 0 and completions unset -> BackoffLimit is defaulted": (
        {"parallelism": 0}, None, {"completions": None, "parallelism": 0, "backoffLimit": 6,
                                   "completionMode": "NonIndexed", "suspend": False}, True),
    "WQ: Parallelism explicitly 2 and completions unset -> BackoffLimit is defaulted": (
        {"parallelism": 2}, None, {"completions": None, "parallelism": 2, "backoffLimit": 6,
                                   "completionMode": "NonIndexed", "suspend": False}, True),
    "Completions explicitly 2 and others unset -> parallelism and BackoffLimit are defaulted": (
        {"completions": 2}, None, {"completions": 2, "parallelism": 1, "backoffLimit": 6,
                                   "completionMode": "NonIndexed", "suspend": False}, True),
    "BackoffLimit explicitly 5 and others unset -> parallelism and completions are defaulted": (
        {"backoffLimit": 5}, None, {"completions": 1, "parallelism": 1, "backoffLimit": 5,
                                    "completionMode": "NonIndexed", "suspend": False}, True),
    "All set -> no change": (
        {"completions": 8, "parallelism": 9, "backoffLimit": 10, "completionMode": "NonIndexed",
         "suspend": True}, None,
        {"completions": 8, "parallelism": 9, "backoffLimit": 10, "completionMode": "NonIndexed",
         "suspend": True}, True),
    "All set, flipped -> no change": (
        {"completions": 11, "parallelism": 10, "backoffLimit": 9, "completionMode": "Indexed",
         "suspend": True}, None,
        {"completions": 11, "parallelism": 10, "backoffLimit": 9, "completionMode": "Indexed",
         "suspend": True}, True),
    "BackoffLimitPerIndex specified, but no BackoffLimit -> default BackoffLimit to max int32": (
        {"completions": 11, "parallelism": 10, "backoffLimitPerIndex": 1,
         "completionMode": "Indexed"}, None,
        {"completions": 11, "parallelism": 10, "backoffLimit": 2**31 - 1,
         "completionMode": "Indexed", "suspend": False}, True),
}


@pytest.mark.parametrize("name", list(JOB_CASES))
def test_TestSetDefaultJob(name: str) -> None:
    spec, labels, expected, expect_labels = JOB_CASES[name]
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
           "spec": {**copy.deepcopy(spec), "template": {"metadata": {"labels": DEFAULT_LABELS}}}}
    if labels:
        job["metadata"]["labels"] = labels
    out = roundtrip(job)
    for field_name, value in expected.items():
        assert out["spec"].get(field_name) == value, field_name
    assert (out["metadata"].get("labels") == out["spec"]["template"]["metadata"]["labels"]) \
        == expect_labels
    assert out["spec"]["podReplacementPolicy"] == "TerminatingOrFailed"
    assert out["spec"]["manualSelector"] is False


def test_TestSetDefaultJob_pod_replacement_policy() -> None:
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
           "spec": {"podFailurePolicy": {"rules": [
               {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]}}}
    out = roundtrip(job)
    assert out["spec"]["podReplacementPolicy"] == "Failed"
    assert out["spec"]["podFailurePolicy"]["rules"][0]["onPodConditions"][0]["status"] == "True"
    old = roundtrip(job, kubernetes_version="1.28")
    assert "podReplacementPolicy" not in old["spec"]
    assert "completionMode" not in roundtrip(job, kubernetes_version="1.21")["spec"]


def test_generate_job_selector() -> None:
    job = roundtrip({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"},
                     "spec": {"template": {"spec": {"restartPolicy": "Never"}}}})
    out = generate_job_selector(job, "8f5c")
    labels = {"batch.kubernetes.io/controller-uid": "8f5c", "batch.kubernetes.io/job-name": "pi",
              "controller-uid": "8f5c", "job-name": "pi"}
    assert out["spec"]["template"]["metadata"]["labels"] == labels
    assert out["spec"]["selector"] == {
        "matchLabels": {"batch.kubernetes.io/controller-uid": "8f5c"}}
    assert out["metadata"]["labels"] == labels
    # Defaulting an object that already has its uid does the same, and is idempotent.
    job_with_uid = {**job, "metadata": {**job["metadata"], "uid": "8f5c"}}
    again = apply_defaults(job_with_uid)
    assert again["spec"]["selector"] == out["spec"]["selector"]
    assert apply_defaults(again) == again
    # User-set Job labels are kept.
    labelled = {**job, "metadata": {**job["metadata"], "labels": {"team": "a"}}}
    assert generate_job_selector(labelled, "u")["metadata"]["labels"] == {"team": "a"}
    legacy = generate_job_selector(job, "u", kubernetes_version="1.26")
    assert legacy["spec"]["selector"] == {"matchLabels": {"controller-uid": "u"}}


@pytest.mark.parametrize(("spec", "expected"), [
    ({}, ("Allow", False, 3, 1)),
    ({"concurrencyPolicy": "Forbid", "suspend": True, "successfulJobsHistoryLimit": 5,
      "failedJobsHistoryLimit": 5}, ("Forbid", True, 5, 5)),
], ids=["empty batchv1.CronJob should default batchv1.ConcurrencyPolicy and Suspend",
        "set fields should not be defaulted"])
def test_TestSetDefaultCronJob(spec: dict, expected: tuple) -> None:
    out = roundtrip({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
                     "spec": copy.deepcopy(spec)})
    got = out["spec"]
    assert (got["concurrencyPolicy"], got["suspend"], got["successfulJobsHistoryLimit"],
            got["failedJobsHistoryLimit"]) == expected
    # The job template gets only pod-template defaults, not SetDefaults_Job.
    assert got["jobTemplate"]["spec"] == {"template": {"spec": TEMPLATE_DEFAULTS}}


def test_apply_defaults_does_not_mutate_input() -> None:
    given = deployment({"containers": [{"name": "c", "image": "nginx"}]})
    snapshot = copy.deepcopy(given)
    apply_defaults(given)
    assert given == snapshot


def test_apply_defaults_is_idempotent() -> None:
    for obj in (pod(copy.deepcopy(FULL_POD_SPEC)), deployment(copy.deepcopy(FULL_POD_SPEC)),
                service(ports=[{"port": 80}]), _apps("StatefulSet", {}),
                _apps("DaemonSet", {})):
        once = apply_defaults(obj)
        assert apply_defaults(once) == once


def test_unknown_kind_is_copied_unchanged() -> None:
    obj = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    assert apply_defaults(obj) == obj
