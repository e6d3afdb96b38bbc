"""Provenance in failure reports: who last wrote each differing field, when, in which step."""

from __future__ import annotations

import textwrap

import pytest

from pytest_k8sflow.engine.cluster import Cluster
from pytest_k8sflow.provenance import field_provenance, parse_path, value_at

MIN_READY = textwrap.dedent("""\
    name: available after minReadySeconds
    given:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 2
          minReadySeconds: 10
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: "nginx:1.25"}]}
    steps:
      - name: wait for availability
        advance: 30s
      - scale: {target: deployment/web, replicas: 3}
    expect:
      - kind: Deployment
        metadata: {name: web}
        spec: {replicas: 3, paused: true}
        status: {availableReplicas: 3, readyReplicas: 3}
    """)


def test_failure_report_names_component_time_and_step_of_each_differing_field(pytester):
    (pytester.path / "p.k8sflow.yaml").write_text(MIN_READY)
    result = pytester.runpytest("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "  Deployment/web .spec.paused: expected true, got <absent>",
        "      .spec.paused never set; the object was created by kubectl at 00:00:00 (t=0s), "
        "while applying given",
        "  Deployment/web .status.availableReplicas: expected 3, got 2",
        "      .status.availableReplicas last set by deployment-controller at 00:00:10.001 "
        "(t=10.001s), after step 1 (wait for availability)",
    ])


@pytest.mark.parametrize(("text", "segments"), [
    (".status.readyReplicas", ["status", "readyReplicas"]),
    (".spec.containers[name=web].image", ["spec", "containers", "[name=web]", "image"]),
    ('.metadata.labels["app.kubernetes.io/name"]',
     ["metadata", "labels", "app.kubernetes.io/name"]),
    (".spec.tolerations[2]", ["spec", "tolerations", "[2]"]),
    ("status", None),
])
def test_parse_path(text, segments):
    assert parse_path(text) == segments


def test_value_at_follows_keyed_items_and_positions():
    obj = {"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}],
                    "ports": [80, 443]}}
    assert value_at(obj, ["spec", "containers", "[name=b]", "image"]) == "y"
    assert value_at(obj, ["spec", "ports", "[1]"]) == 443
    assert value_at(obj, ["spec", "containers", "[name=c]", "image"]) is not None  # a marker
    assert value_at(obj, ["spec", "containers", "[name=c]", "image"]) != "y"


def _deployment(replicas: int) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "w", "image": "nginx"}]}}}}


def test_field_provenance_walks_back_to_the_write_that_set_the_current_value():
    cluster = Cluster(seed=0)
    cluster.create(_deployment(2))
    cluster.store.step = 1
    cluster.advance("5s")
    cluster.scale("deployment/web", 4)
    store = cluster.store
    spec = field_provenance(store, "Deployment", "default", "web", ["spec", "replicas"])
    assert (spec.write.actor, spec.write.step, spec.created) == ("kubectl", 1, False)
    assert spec.write.time_ms - cluster.clock.start_ms == 5000
    status = field_provenance(store, "Deployment", "default", "web",
                              ["status", "readyReplicas"])
    assert status.write.actor == "deployment-controller" and status.present
    never = field_provenance(store, "Deployment", "default", "web", ["spec", "paused"])
    assert not never.present and not never.ever_set and never.created
    assert field_provenance(store, "Deployment", "default", "nope", ["spec"]) is None
