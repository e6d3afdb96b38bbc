"""The scenario model: what the runner gets from a file."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from pytest_k8sflow.errors import ScenarioError
from pytest_k8sflow.scenario.model import (
    DEFAULT_UNTIL_WITHIN,
    ClusterSpec,
    Expectation,
    InvalidScenario,
    Mark,
    Scenario,
    expectation_kind,
    parse_scenarios,
    parse_scenarios_text,
)

FULL = """\
name: rolling update keeps two of three pods available
description: free text
marks: [slow, {xfail: {reason: bug 12}}, {skip: not yet}]
cluster:
  nodes: 2
  start: "2026-02-01T10:00:00Z"
  seed: 7
  kubernetesVersion: 1.20
given:
  - {file: manifests/web.yaml}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: cfg}
    data: {mode: fast}
steps:
  - name: bump the image
    kubectl: set image deployment/web web=nginx:1.25
    output: deployment.apps/web image updated
    expect:
      - kind: Deployment
        metadata: {name: web}
        status: {updatedReplicas: {$gte: 1}}   # keep me
  - scale: {target: deployment/web, replicas: 5}
    settle: false
  - until:
      - {kind: Pod, metadata: {labels: {app: web}}, count: 5}
    within: 90s
  - until: [{kind: Pod, metadata: {labels: {app: web}}, all: true, status: {phase: Running}}]
  - advance: 1h30m
  - apply: [{file: manifests/extra.yaml}, {apiVersion: v1, kind: Secret, metadata: {name: s}}]
  - create: {apiVersion: v1, kind: Namespace, metadata: {name: prod}}
    error: already exists
  - expect:
      - absent: pod/web-9
      - events: [{reason: ScalingReplicaSet}]
      - kubectl: get pods
        output_contains: web
      - files: {pod: web-0, container: web, path: /etc/mode, content: fast}
      - dns: {name: web.default.svc.cluster.local, resolves: true}
expect:
  - kind: Pod
    metadata: {name: web-*}
"""

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec: {replicas: 3}
---
apiVersion: v1
kind: Service
metadata: {name: web}
"""

EXTRA = """\
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
"""


@pytest.fixture
def full(tmp_path) -> Scenario:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "web.yaml").write_text(WEB)
    (tmp_path / "manifests" / "extra.yaml").write_text(EXTRA)
    path = tmp_path / "rollout.k8sflow.yaml"
    path.write_text(FULL)
    [scenario] = parse_scenarios(path)
    assert isinstance(scenario, Scenario), str(scenario)
    return scenario


def test_scenario_fields(full, tmp_path):
    assert full.name == "rolling update keeps two of three pods available"
    assert full.description == "free text"
    assert full.file == str(tmp_path / "rollout.k8sflow.yaml")
    assert full.line == 1 and full.doc_index == 0
    assert full.marks == (Mark("slow"), Mark("xfail", (), {"reason": "bug 12"}),
                          Mark("skip", ("not yet",)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        full.name = "other"


def test_cluster_is_normalised(full):
    assert full.cluster == ClusterSpec(nodes=({"name": "node-1"}, {"name": "node-2"}),
                                       start="2026-02-01T10:00:00Z", start_ms=1769940000000,
                                       seed=7, kubernetes_version="1.20")
    assert full.cluster.kwargs() == {"nodes": [{"name": "node-1"}, {"name": "node-2"}],
                                     "start": "2026-02-01T10:00:00Z", "seed": 7,
                                     "kubernetes_version": "1.20"}


@pytest.mark.parametrize(("cluster", "expected"), [
    ("", ClusterSpec(nodes=({"name": "node-1"}, {"name": "node-2"}, {"name": "node-3"}),
                     start="2026-01-01T00:00:00Z", start_ms=1767225600000)),
    ("cluster: {nodes: 0}", ClusterSpec(nodes=(), start_ms=1767225600000)),
    ('cluster: {kubernetesVersion: "v1.19.4"}',
     ClusterSpec(nodes=tuple({"name": f"node-{i}"} for i in (1, 2, 3)),
                 start_ms=1767225600000, kubernetes_version="1.19")),
    ("cluster:\n  nodes: [{name: a, capacity: {cpu: 2}}, {apiVersion: v1, kind: Node, "
     "metadata: {name: b}}]",
     ClusterSpec(nodes=({"name": "a", "capacity": {"cpu": 2}},
                        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "b"}}),
                 start_ms=1767225600000)),
])
def test_cluster_defaults_and_forms(cluster, expected):
    [scenario] = parse_scenarios_text(f"name: x\n{cluster}\n", "c.yaml")
    assert scenario.cluster == expected
    assert "kubernetes_version" not in ClusterSpec(nodes=()).kwargs()


def test_given_inline_and_from_files(full, tmp_path):
    web, cfg = full.given
    assert web.is_file and web.file == "manifests/web.yaml"
    assert web.resolved == str(tmp_path / "manifests" / "web.yaml")
    assert [m["kind"] for m in web.manifests] == ["Deployment", "Service"]
    assert web.origins == ((web.resolved, 1), (web.resolved, 6))
    assert (web.line, web.column, web.path) == (10, 5, "$.given[0]")
    assert not cfg.is_file and cfg.manifests == (
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"},
         "data": {"mode": "fast"}},)
    assert (cfg.line, cfg.path) == (11, "$.given[1]")
    assert [m["kind"] for m in full.given_manifests] == ["Deployment", "Service", "ConfigMap"]


def test_steps(full, tmp_path):
    steps = full.steps
    assert [s.index for s in steps] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [s.action for s in steps] == ["kubectl", "scale", "until", "until", "advance",
                                         "apply", "create", "expect"]
    kubectl, scale, until, until_default, advance, apply, create, check = steps
    assert kubectl.name == "bump the image" and kubectl.label == "step 1 (bump the image)"
    assert kubectl.value == "set image deployment/web web=nginx:1.25"
    assert kubectl.output == "deployment.apps/web image updated"
    assert kubectl.settle is True and kubectl.error is None
    assert (kubectl.line, kubectl.column, kubectl.path) == (16, 5, "$.steps[0]")
    assert [e.kind for e in kubectl.expect] == ["object"]
    assert scale.value == {"target": "deployment/web", "replicas": 5}
    assert scale.settle is False and scale.label == "step 2 (scale)"
    assert until.within_ms == 90_000
    assert [e.kind for e in until.value] == ["count"]
    assert until.value[0].path == "$.steps[2].until[0]"
    assert until_default.within_ms == 10 * 60_000 and DEFAULT_UNTIL_WITHIN == "10m"
    assert [e.kind for e in until_default.value] == ["all"]
    assert advance.duration_ms == 5_400_000 and advance.value == "1h30m"
    assert [m["metadata"]["name"] for m in apply.manifests] == ["a", "b", "s"]
    assert [s.is_file for s in apply.sources] == [True, False]
    assert apply.sources[0].origins == ((str(tmp_path / "manifests" / "extra.yaml"), 4),
                                        (str(tmp_path / "manifests" / "extra.yaml"), 5))
    assert create.error == "already exists"
    assert create.manifests == ({"apiVersion": "v1", "kind": "Namespace",
                                 "metadata": {"name": "prod"}},)
    assert check.expect == ()
    assert [e.kind for e in check.value] == ["absent", "events", "kubectl", "files", "dns"]


def test_expectations_know_where_they_are(full):
    [top] = full.expect
    assert top == Expectation(kind="object", data={"kind": "Pod", "metadata": {"name": "web-*"}},
                              file=full.file, line=41, column=5, path="$.expect[0]",
                              pointer=("expect", 0))
    [step_expect] = full.steps[0].expect
    assert (step_expect.line, step_expect.column) == (20, 9)
    assert step_expect.location == f"{full.file}:20"
    assert step_expect.data["status"] == {"updatedReplicas": {"$gte": 1}}


def test_expectation_node_rewrites_in_place_keeping_comments(full):
    step_expect = full.steps[0].expect[0]
    step_expect.node["status"]["updatedReplicas"] = 3
    from pytest_k8sflow.scenario.loader import dump_document

    out = dump_document(full.source).splitlines()
    before = FULL.splitlines()
    changed = [i for i, (a, b) in enumerate(zip(before, out, strict=True)) if a != b]
    assert changed == [21]  # only that line; its comment stays in its column
    assert out[21] == "        status: {updatedReplicas: 3}           # keep me"


@pytest.mark.parametrize(("data", "kind"), [
    ({"kind": "Pod", "metadata": {"name": "a"}}, "object"),
    ({"kind": "Pod"}, "object"),
    ({"kind": "Pod", "count": 0}, "count"),
    ({"kind": "Pod", "all": True}, "all"),
    ({"absent": "pod/a"}, "absent"),
    ({"events": []}, "events"),
    ({"kubectl": "get pods", "output": ""}, "kubectl"),
    ({"files": {}}, "files"),
    ({"dns": {}}, "dns"),
])
def test_expectation_kinds(data, kind):
    assert expectation_kind(data) == kind


# -- one bad document does not stop the others --------------------------------------------------
def test_bad_documents_do_not_stop_the_others(tmp_path):
    path = tmp_path / "mixed.k8sflow.yaml"
    path.write_text(textwrap.dedent("""\
        name: first
        ---
        name: broken yaml
        steps: [advance: 5s
        ---
        name: wrong shape
        steps:
          - scale: {target: deployment/web, replicas: three}
        ---
        name: first
        ---
        name: missing file
        given: [{file: nope.yaml}]
        ---
        name: last
    """))
    results = parse_scenarios(path)
    assert [type(r).__name__ for r in results] == [
        "Scenario", "InvalidScenario", "InvalidScenario", "InvalidScenario", "InvalidScenario",
        "Scenario"]
    first, broken, shape, dup, missing, last = results
    assert (first.name, last.name) == ("first", "last")
    assert broken.name is None and broken.doc_index == 1
    assert "invalid YAML" in str(broken)
    assert shape.name == "wrong shape"
    assert str(shape.error) == (f"{path}:8:47: at $.steps[0].scale.replicas: expected an "
                                'integer, got "three"')
    assert 'scenario name "first" is already used at line 1' in str(dup)
    assert str(missing.error).startswith(f"{path}:13:9: at $.given[0].file: manifest file "
                                         '"nope.yaml" not found')


def test_invalid_scenario_lists_every_problem():
    [bad] = parse_scenarios_text("name: x\nstpes: []\ncluster: {nodes: x}\n", "b.yaml")
    assert isinstance(bad, InvalidScenario)
    assert len(bad.errors) == 2
    combined = bad.error
    assert isinstance(combined, ScenarioError)
    assert (combined.line, combined.column, combined.path) == (2, 1, "$.stpes")
    assert str(combined).splitlines() == [
        'b.yaml:2:1: at $.stpes: unknown key "stpes" (did you mean "steps"?)',
        "(1 more problem in this scenario:)",
        '  b.yaml:3:18: at $.cluster.nodes: expected a number of nodes or a list of nodes, '
        'got "x"',
    ]


def test_invalid_manifest_in_a_file_names_both_files(tmp_path):
    (tmp_path / "m.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n")
    path = tmp_path / "s.k8sflow.yaml"
    path.write_text("name: x\nsteps:\n  - apply: {file: m.yaml}\n")
    [bad] = parse_scenarios(path)
    assert isinstance(bad, InvalidScenario)
    assert str(bad.error) == (f"{path}:3:12: at $.steps[0].apply.file: in manifest file "
                              f"{tmp_path / 'm.yaml'}:3:1: at $.metadata: a manifest needs "
                              "metadata.name (or metadata.generateName)")


def test_unreadable_file_is_one_invalid_scenario(tmp_path):
    [bad] = parse_scenarios(tmp_path / "gone.k8sflow.yaml")
    assert isinstance(bad, InvalidScenario) and "cannot read the file" in str(bad)


def test_empty_documents_are_skipped():
    assert parse_scenarios_text("# nothing\n---\n---\n") == []
