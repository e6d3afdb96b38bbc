"""Scenario files are linted too: the scenario schema, and each scenario's `given` manifests
as one cluster (its own nodes and Kubernetes version). The --explain scenarios are valid
scenario documents."""

from __future__ import annotations

import io
import textwrap

import pytest
from ruamel.yaml import YAML

from pytest_k8sflow.lint.api import lint_paths, lint_text, lint_texts
from pytest_k8sflow.lint.config import LintConfig
from pytest_k8sflow.lint.model import all_rules
from pytest_k8sflow.scenario.loader import load_text
from pytest_k8sflow.scenario.validate import validate_document

SCENARIO = """\
name: web on small nodes
cluster:
  nodes:
  - {name: small-1, capacity: {cpu: "1", memory: 2Gi}}
given:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        containers:
        - name: web
          image: nginx:1.25
          resources: {requests: {cpu: "2", memory: 64Mi}}
- {file: manifests/cfg.yaml}
expect:
- kind: Deployment
  metadata: {name: web}
"""


def lint_files(tmp_path, files: dict[str, str], **kwargs):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return lint_paths([str(tmp_path / n) for n in files if n.endswith(".k8sflow.yaml")],
                      LintConfig(), **kwargs)


def test_given_manifests_are_linted_against_the_scenario_nodes(tmp_path):
    result = lint_files(tmp_path, {
        "web.k8sflow.yaml": SCENARIO,
        "manifests/cfg.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n"
                              "data: {a: 1}\n"})
    by_rule = {f.rule: f for f in result.findings}
    unschedulable = by_rule["unschedulable"]
    assert unschedulable.file.endswith("web.k8sflow.yaml") and unschedulable.line == 13
    assert "small-1: insufficient cpu: requests 2, allocatable 1" in unschedulable.message
    assert unschedulable.set_name == "web on small nodes"
    # the referenced file is linted at its own lines
    wrong = by_rule["schema-type"]
    assert wrong.file.endswith("manifests/cfg.yaml") and wrong.line == 4
    assert result.exit_code() == 1


def test_default_scenario_nodes_are_the_engines(tmp_path):
    text = SCENARIO.replace("  nodes:\n  - {name: small-1, capacity: {cpu: \"1\", memory: "
                            "2Gi}}\n", "  seed: 1\n").replace("- {file: manifests/cfg.yaml}\n",
                                                              "")
    result = lint_files(tmp_path, {"web.k8sflow.yaml": text})
    assert "unschedulable" not in [f.rule for f in result.findings]  # 3 nodes of 4 cpu


def test_scenario_schema_problems_are_findings(tmp_path):
    text = "name: broken\nstpes: []\n"
    result = lint_files(tmp_path, {"b.k8sflow.yaml": text})
    [finding] = result.findings
    assert finding.rule == "scenario-schema" and finding.line == 2
    assert 'did you mean "steps"' in finding.message


def test_a_missing_given_file_is_reported_at_the_reference(tmp_path):
    text = "name: s\ngiven:\n- {file: nope.yaml}\n"
    result = lint_files(tmp_path, {"s.k8sflow.yaml": text})
    [finding] = [f for f in result.findings if f.rule == "unreadable-file"]
    assert finding.line == 3 and 'manifest file "nope.yaml"' in finding.message
    assert result.exit_code() == 2


PODPRESET = """\
name: presets
cluster: {kubernetesVersion: "1.19"}
given:
- apiVersion: settings.k8s.io/v1alpha1
  kind: PodPreset
  metadata: {name: a}
  spec:
    selector: {matchLabels: {app: web}}
    env: [{name: X, value: "1"}]
- apiVersion: settings.k8s.io/v1alpha1
  kind: PodPreset
  metadata: {name: b}
  spec:
    selector: {matchLabels: {app: web}}
    env: [{name: X, value: "2"}]
- apiVersion: v1
  kind: Pod
  metadata: {name: web, labels: {app: web}}
  spec:
    containers: [{name: c, image: "busybox:1.36"}]
"""


def test_podpresets_in_scenarios_are_served_and_conflicts_found(tmp_path):
    result = lint_files(tmp_path, {"p.k8sflow.yaml": PODPRESET})
    rules = [f.rule for f in result.findings]
    assert "removed-api" not in rules  # 1.19 still serves it
    [conflict] = [f for f in result.findings if f.rule == "podpreset-conflict"]
    assert "PodPresets a, b conflict for it" in conflict.message
    at_132 = PODPRESET.replace('cluster: {kubernetesVersion: "1.19"}\n', "")
    result = lint_files(tmp_path, {"p.k8sflow.yaml": at_132})
    removed = [f for f in result.findings if f.rule == "removed-api"]
    assert removed and all(f.severity == "info" for f in removed)
    assert "k8sflow's engine still serves it" in removed[0].message


def test_scenarios_are_separate_clusters(tmp_path):
    two = ("name: one\ngiven:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n"
           "---\nname: two\ngiven:\n- apiVersion: v1\n  kind: ConfigMap\n"
           "  metadata: {name: c}\n")
    result = lint_files(tmp_path, {"t.k8sflow.yaml": two})
    assert "duplicate-object" not in [f.rule for f in result.findings]


# -- --explain scenarios are valid scenario documents ---------------------------------------------
EXPLAINED = {
    "selector-mismatch": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: other}}
            spec: {containers: [{name: c, image: "x:1"}]}
        """,
    "unschedulable": """\
        apiVersion: v1
        kind: Node
        metadata: {name: n1, labels: {zone: a}}
        spec: {taints: [{key: k, value: v, effect: NoSchedule}]}
        status: {allocatable: {cpu: "1", memory: 1Gi, pods: "10"}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: big, namespace: team}
        spec:
          selector: {matchLabels: {app: big}}
          template:
            metadata: {labels: {app: big}}
            spec: {containers: [{name: c, image: "x:1", resources: {requests: {cpu: "2"}}}]}
        """,
    "podpreset-conflict": PODPRESET.split("given:\n")[1].replace("- apiVersion", "---\n"
                                                                "  apiVersion"),
    "invalid-rollout": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: c, image: "x:1"}]}
        """,
    "restart-policy": """\
        apiVersion: batch/v1
        kind: Job
        metadata: {name: j}
        spec:
          template:
            spec: {containers: [{name: c, image: "x:1"}]}
        """,
    "orphan-adoption": """\
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: c, image: "x:1"}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: stray, labels: {app: web}}
        spec: {containers: [{name: c, image: "x:1"}]}
        """,
    "dangling-service": """\
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        spec: {selector: {app: none}, ports: [{port: 80}]}
        """,
    "statefulset-service": """\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec: {containers: [{name: c, image: "x:1"}]}
        """,
}


def test_every_predictive_rule_has_an_explain_case():
    predictive = {r.id for r in all_rules() if r.predicts}
    assert predictive == set(EXPLAINED)


@pytest.mark.parametrize("rule", sorted(EXPLAINED))
def test_explain_scenario_is_a_valid_scenario(rule):
    text = textwrap.dedent(EXPLAINED[rule])
    if rule == "podpreset-conflict":
        text = text.replace("\n  ", "\n").lstrip("-\n ")
        result = lint_texts([("p.yaml", text)], LintConfig(), kubernetes_version="1.19")
    else:
        result = lint_text(text, "m.yaml", LintConfig())
    [finding] = [f for f in result.findings if f.rule == rule]
    scenario = result.explain(finding)
    assert scenario is not None
    buffer = io.StringIO()
    YAML(typ="safe", pure=True).dump(scenario, buffer)
    [doc] = [d for d in load_text(buffer.getvalue(), "explain.k8sflow.yaml").documents
             if not d.empty]
    assert validate_document(doc) == [], buffer.getvalue()
    assert scenario["name"].startswith(f"explain {rule}")
    assert scenario.get("expect") or scenario.get("steps")


def test_explain_unschedulable_keeps_the_nodes_and_the_namespace():
    result = lint_text(textwrap.dedent(EXPLAINED["unschedulable"]), "m.yaml", LintConfig())
    [finding] = [f for f in result.findings if f.rule == "unschedulable"]
    scenario = result.explain(finding)
    assert scenario["cluster"]["nodes"] == [{
        "name": "n1", "labels": {"zone": "a"},
        "taints": [{"key": "k", "value": "v", "effect": "NoSchedule"}],
        "capacity": {"cpu": "1", "memory": "1Gi", "pods": "10"}}]
    assert [m["kind"] for m in scenario["given"]] == ["Namespace", "Deployment"]
    assert scenario["expect"][0]["metadata"] == {"namespace": "team",
                                                 "labels": {"app": "big"}}


def test_findings_without_a_prediction_have_no_scenario():
    result = lint_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                       "spec: {containers: [{name: c, image: busybox}]}\n")
    [finding] = [f for f in result.findings if f.rule == "latest-tag"]
    assert result.explain(finding) is None
