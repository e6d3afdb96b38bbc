"""DefaultTolerationSeconds admission (engine/admission/tolerations.py).

Ported: k/k plugin/pkg/admission/defaulttolerationseconds/admission_test.go
TestForgivenessAdmission (7 cases) and TestHandles (4 operations).
"""

import pytest

from pytest_k8sflow.engine.admission.tolerations import (
    default_tolerations,
    make_default_tolerations_plugin,
)
from pytest_k8sflow.engine.cluster import Cluster

NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"


def tol(key=None, operator=None, effect=None, seconds=None, value=None):
    out = {}
    if key is not None:
        out["key"] = key
    if operator is not None:
        out["operator"] = operator
    if value is not None:
        out["value"] = value
    if effect is not None:
        out["effect"] = effect
    if seconds is not None:
        out["tolerationSeconds"] = seconds
    return out


DEFAULT_NOT_READY = tol(NOT_READY, "Exists", "NoExecute", 300)
DEFAULT_UNREACHABLE = tol(UNREACHABLE, "Exists", "NoExecute", 300)

# TestForgivenessAdmission, in upstream order.
FORGIVENESS = [
    ("pod has no tolerations, expect add tolerations for `notread:NoExecute` and "
     "`unreachable:NoExecute`", [], [DEFAULT_NOT_READY, DEFAULT_UNREACHABLE]),
    ("pod has tolerations, but none is for taint `notread:NoExecute` or "
     "`unreachable:NoExecute`, expect add tolerations for `notread:NoExecute` and "
     "`unreachable:NoExecute`",
     [tol("foo", "Equal", "NoSchedule", 700, value="bar")],
     [tol("foo", "Equal", "NoSchedule", 700, value="bar"), DEFAULT_NOT_READY,
      DEFAULT_UNREACHABLE]),
    ("pod specified a toleration for taint `notReady:NoExecute`, expect add toleration for "
     "`unreachable:NoExecute`",
     [tol(NOT_READY, "Exists", "NoExecute", 700)],
     [tol(NOT_READY, "Exists", "NoExecute", 700), DEFAULT_UNREACHABLE]),
    ("pod specified a toleration for taint `unreachable:NoExecute`, expect add toleration for "
     "`notReady:NoExecute`",
     [tol(UNREACHABLE, "Exists", "NoExecute", 700)],
     [tol(UNREACHABLE, "Exists", "NoExecute", 700), DEFAULT_NOT_READY]),
    ("pod specified tolerations for both `notread:NoExecute` and `unreachable:NoExecute`, "
     "expect no change",
     [tol(NOT_READY, "Exists", "NoExecute", 700), tol(UNREACHABLE, "Exists", "NoExecute", 700)],
     [tol(NOT_READY, "Exists", "NoExecute", 700), tol(UNREACHABLE, "Exists", "NoExecute", 700)]),
    ("pod specified toleration for taint `unreachable`, expect add toleration for "
     "`notReady:NoExecute`",
     [tol(UNREACHABLE, "Exists", seconds=700)],
     [tol(UNREACHABLE, "Exists", seconds=700), DEFAULT_NOT_READY]),
    ("pod has wildcard toleration for all kind of taints, expect no change",
     [tol(operator="Exists", seconds=700)], [tol(operator="Exists", seconds=700)]),
]


def pod(tolerations):
    spec = {"containers": [{"name": "c", "image": "nginx"}]}
    if tolerations:
        spec["tolerations"] = tolerations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}


@pytest.mark.parametrize("description,requested,expected", FORGIVENESS,
                         ids=[c[0][:60] for c in FORGIVENESS])
def test_forgiveness_admission(description, requested, expected):
    plugin = make_default_tolerations_plugin()
    out = plugin(None, pod(requested), "CREATE", None)
    assert out["spec"].get("tolerations", []) == expected


@pytest.mark.parametrize("operation,handled", [("UPDATE", True), ("CREATE", True),
                                               ("DELETE", False), ("CONNECT", False)])
def test_handles(operation, handled):
    plugin = make_default_tolerations_plugin()
    out = plugin(None, pod([]), operation, None)
    assert ("tolerations" in out["spec"]) is handled


def test_nothing_to_add_returns_none():
    assert default_tolerations([tol(operator="Exists")]) is None


def test_other_kinds_untouched():
    plugin = make_default_tolerations_plugin()
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    assert plugin(None, obj, "CREATE", None) is obj


def test_input_not_mutated():
    plugin = make_default_tolerations_plugin()
    original = pod([tol("foo", "Exists")])
    plugin(None, original, "CREATE", None)
    assert original["spec"]["tolerations"] == [tol("foo", "Exists")]


def test_cluster_pods_and_deployment_pods_get_the_tolerations():
    c = Cluster(nodes=1)
    c.create(pod([]))
    assert c.get("Pod", "p")["spec"]["tolerations"] == [DEFAULT_NOT_READY, DEFAULT_UNREACHABLE]
    c.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
              "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "web",
                                                             "image": "nginx"}]}}}})
    deployment = c.get("Deployment", "web")
    # Only pods are admitted by the plugin; the template keeps what the user wrote.
    assert "tolerations" not in deployment["spec"]["template"]["spec"]
    [web] = c.list("Pod", selector="app=web")
    assert web["spec"]["tolerations"] == [DEFAULT_NOT_READY, DEFAULT_UNREACHABLE]
