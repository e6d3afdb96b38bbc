"""The `files` and `env` expectations, and the kubelet's handling of missing ConfigMaps and
Secrets (FailedMount / CreateContainerConfigError, retried when the object appears)."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.cluster import Cluster
from pytest_k8sflow.errors import K8sflowError
from pytest_k8sflow.expect.envcheck import check_env
from pytest_k8sflow.expect.files import check_files


def pod(name="web", *, containers=None, volumes=None, init=None, labels=None):
    spec: dict = {"containers": containers or [{"name": "web", "image": "nginx"}]}
    if volumes:
        spec["volumes"] = volumes
    if init:
        spec["initContainers"] = init
    meta: dict = {"name": name}
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def cm(name="cfg", **data):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


def mounted(volume: dict, path="/etc/cfg", name="web"):
    return pod(containers=[{"name": name, "image": "nginx",
                            "volumeMounts": [{"name": volume["name"], "mountPath": path}]}],
               volumes=[volume])


def state(cluster: Cluster, name="web", container="web") -> dict:
    p = cluster.get("Pod", name)
    for s in (p["status"].get("initContainerStatuses") or []) + \
            p["status"]["containerStatuses"]:
        if s["name"] == container:
            return s["state"]
    raise AssertionError(container)


def reasons(cluster: Cluster) -> list[tuple[str, str]]:
    return [(e["reason"], e["message"]) for e in cluster.events]


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(nodes=1, seed=0)


# -- files ---------------------------------------------------------------------------------------
def test_files_pass_and_fail_texts(cluster):
    cluster.create(cm(mode="fast"))
    cluster.create(mounted({"name": "cfg", "configMap": {"name": "cfg"}}))
    ok = {"pod": "web", "container": "web", "path": "/etc/cfg/mode", "content": "fast"}
    assert check_files(cluster, ok) is None
    assert check_files(cluster, [ok, {**ok, "path": "/etc/cfg/../cfg/mode"}]) is None
    text = check_files(cluster, {**ok, "content": "slow"})
    assert text == ("Pod/web container web file /etc/cfg/mode: content differs\n"
                    "  expected: 'slow'\n  actual:   'fast'")
    text = check_files(cluster, {**ok, "path": "/etc/cfg/mdoe"})
    assert text == "Pod/web container web file /etc/cfg/mdoe: no such file; files in /etc/cfg/: " \
                   "/etc/cfg/mode"
    assert "is a directory" in check_files(cluster, {**ok, "path": "/etc/cfg"})


def test_files_content_null_and_matchers(cluster):
    cluster.create(cm(mode="fast", level="3"))
    cluster.create(mounted({"name": "cfg", "configMap": {"name": "cfg"}}))
    base = {"pod": "web", "container": "web"}
    assert check_files(cluster, {**base, "path": "/etc/cfg/none", "content": None}) is None
    assert "expected no such file" in check_files(
        cluster, {**base, "path": "/etc/cfg/mode", "content": None})
    assert check_files(cluster, {**base, "path": "/etc/cfg/mode",
                                 "content": {"$regex": "^fa"}}) is None
    # YAML numbers are compared as the file's text
    assert check_files(cluster, {**base, "path": "/etc/cfg/level", "content": 3}) is None


def test_files_unknown_pod_and_container(cluster):
    cluster.create(pod())
    text = check_files(cluster, {"pod": "nope", "container": "web", "path": "/x", "content": None})
    assert text == "Pod/nope not found in namespace default; existing pods: web"
    text = check_files(cluster, {"pod": "web", "container": "app", "path": "/x", "content": None})
    assert text == 'Pod/web: no container "app"; its containers: web'


def test_files_glob_pod_must_pass_in_every_pod(cluster):
    cluster.create(cm(mode="fast"))
    for name in ("web-1", "web-2"):
        p = mounted({"name": "cfg", "configMap": {"name": "cfg"}})
        p["metadata"]["name"] = name
        cluster.create(p)
    entry = {"pod": "web-*", "container": "web", "path": "/etc/cfg/mode", "content": "fast"}
    assert check_files(cluster, entry) is None
    text = check_files(cluster, {**entry, "content": "x"})
    assert text.startswith("2 of 2 pods matching web-* fail:")


def test_files_needs_content_key(cluster):
    with pytest.raises(K8sflowError, match="needs `content`"):
        check_files(cluster, {"pod": "web", "container": "web", "path": "/x"})


def test_files_of_a_pod_whose_volume_fails(cluster):
    cluster.create(mounted({"name": "cfg", "configMap": {"name": "x"}}))
    text = check_files(cluster, {"pod": "web", "container": "web", "path": "/etc/cfg/a",
                                 "content": None})
    assert text == ("Pod/web container web file /etc/cfg/a: the pod's volumes cannot be set up "
                    "(it stays ContainerCreating):\n"
                    '  MountVolume.SetUp failed for volume "cfg" : configmap "x" not found')


def test_files_binary_secret_value(cluster):
    cluster.create({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "bin"},
                    "data": {"blob": "/w=="}})
    cluster.create(mounted({"name": "s", "secret": {"secretName": "bin"}}, path="/s"))
    text = check_files(cluster, {"pod": "web", "container": "web", "path": "/s/blob",
                                 "content": "x"})
    assert "(not UTF-8, base64) /w==" in text


# -- env -------------------------------------------------------------------------------------
def test_env_subset_null_and_matcher(cluster):
    cluster.create(pod(containers=[{"name": "web", "image": "nginx",
                                    "env": [{"name": "A", "value": "1"},
                                            {"name": "B", "value": "$(A)-x"}]}]))
    assert check_env(cluster, {"pod": "web", "env": {"A": "1", "B": "1-x", "C": None}}) is None
    assert check_env(cluster, {"pod": "web", "container": "web",
                               "env": {"A": 1, "B": {"$glob": "1-*"}}}) is None
    text = check_env(cluster, {"pod": "web", "env": {"A": "2", "C": "x", "B": None}})
    assert text == ("Pod/web container web env differs:\n"
                    '  A: expected "2", got "1"\n'
                    '  C: expected "x", but it is not set\n'
                    '  B: expected not set, got "1-x"\n'
                    "  (variables set: A, B, KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT, "
                    "KUBERNETES_SERVICE_PORT_HTTPS, KUBERNETES_PORT, KUBERNETES_PORT_443_TCP, "
                    "KUBERNETES_PORT_443_TCP_PROTO, KUBERNETES_PORT_443_TCP_PORT, "
                    "KUBERNETES_PORT_443_TCP_ADDR)")


def test_env_needs_a_container_name_with_several(cluster):
    cluster.create(pod(containers=[{"name": "a", "image": "nginx"},
                                   {"name": "b", "image": "nginx"}]))
    assert "name one with `container:`" in check_env(cluster, {"pod": "web", "env": {"A": None}})


def test_env_is_fixed_at_container_creation(cluster):
    cluster.create(cm(mode="fast"))
    cluster.create(pod(containers=[{"name": "web", "image": "nginx",
                                    "envFrom": [{"configMapRef": {"name": "cfg"}}]}]))
    cluster.apply(cm(mode="slow"))
    assert check_env(cluster, {"pod": "web", "env": {"mode": "fast"}}) is None
    cluster.kubelet.terminate_container(cluster.get("Pod", "web"), "web", 1)
    cluster.settle()
    assert check_env(cluster, {"pod": "web", "env": {"mode": "slow"}}) is None


# -- kubelet: missing ConfigMap / Secret -----------------------------------------------------
def test_missing_volume_source_blocks_until_created(cluster):
    cluster.create(mounted({"name": "cfg", "configMap": {"name": "x"}}))
    assert state(cluster) == {"waiting": {"reason": "ContainerCreating"}}
    p = cluster.get("Pod", "web")
    assert p["status"]["phase"] == "Pending" and "podIP" not in p["status"]
    failed = [r for r in reasons(cluster) if r[0] == "FailedMount"]
    assert failed == [("FailedMount",
                       'MountVolume.SetUp failed for volume "cfg" : configmap "x" not found')]
    cluster.advance("10m")
    assert [r for r in reasons(cluster) if r[0] == "FailedMount"] == failed  # once per error
    cluster.create(cm("x", a="1"))
    assert "running" in state(cluster)
    assert cluster.get("Pod", "web")["status"]["phase"] == "Running"


def test_optional_missing_volume_source_does_not_block(cluster):
    cluster.create(mounted({"name": "cfg", "configMap": {"name": "x", "optional": True}}))
    assert "running" in state(cluster)


def test_missing_env_source_gives_create_container_config_error(cluster):
    cluster.create(pod(containers=[
        {"name": "web", "image": "nginx:1.25",
         "env": [{"name": "P", "valueFrom": {"secretKeyRef": {"name": "s", "key": "p"}}}]},
        {"name": "side", "image": "busybox:1.36"}]))
    assert state(cluster) == {"waiting": {"reason": "CreateContainerConfigError",
                                          "message": 'secret "s" not found'}}
    # the other container runs; the pod is Running but not Ready
    assert "running" in state(cluster, container="side")
    assert ("Failed", 'Error: secret "s" not found') in reasons(cluster)
    cluster.create({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                    "stringData": {"p": "pw"}})
    assert "running" in state(cluster)
    assert check_env(cluster, {"pod": "web", "container": "web", "env": {"P": "pw"}}) is None


def test_init_container_config_error_blocks_the_main_containers(cluster):
    cluster.create(pod(init=[{"name": "init", "image": "busybox:1.36",
                              "envFrom": [{"configMapRef": {"name": "x"}}]}]))
    assert state(cluster, container="init")["waiting"]["reason"] == "CreateContainerConfigError"
    assert state(cluster) == {"waiting": {"reason": "PodInitializing"}}
    cluster.create(cm("x", a="1"))
    assert state(cluster, container="init")["terminated"]["reason"] == "Completed"
    assert "running" in state(cluster)


def test_restart_after_the_config_map_is_deleted_fails_to_create(cluster):
    cluster.create(cm("x", a="1"))
    cluster.create(pod(containers=[{"name": "web", "image": "nginx",
                                    "envFrom": [{"configMapRef": {"name": "x"}}]}]))
    cluster.delete("configmap/x")
    cluster.kubelet.terminate_container(cluster.get("Pod", "web"), "web", 1)
    cluster.settle()
    status = cluster.get("Pod", "web")["status"]["containerStatuses"][0]
    assert status["state"] == {"waiting": {"reason": "CreateContainerConfigError",
                                           "message": 'configmap "x" not found'}}
    assert status["restartCount"] == 0
    assert status["lastState"]["terminated"]["exitCode"] == 1
    cluster.create(cm("x", a="2"))
    status = cluster.get("Pod", "web")["status"]["containerStatuses"][0]
    assert "running" in status["state"] and status["restartCount"] == 1


def test_apiserver_log_expectation_in_order():
    from pytest_k8sflow.engine.cluster import Cluster
    from pytest_k8sflow.expect.evaluate import evaluate

    cluster = Cluster(nodes=1)
    cluster.podpreset_admission.log.extend([("I", "first line"), ("W", "second line")])
    assert evaluate(cluster, {"apiserverLog": ["I first", "second"]}) is None
    failure = evaluate(cluster, {"apiserverLog": ["second", "first"]})
    assert failure is not None
    assert "apiserver log line #2 containing 'first' was not logged after" in failure.text
