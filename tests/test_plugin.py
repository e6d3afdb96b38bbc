"""The pytest plugin itself, driven through pytester: collection, reports, options."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.25"}]}
"""

TWO_SCENARIOS = """\
name: two replicas run
given:
  - {file: web.yaml}
expect:
  - kind: Deployment
    metadata: {name: web}
    status: {availableReplicas: 2}
---
name: scaled to four
marks: [slow]
given:
  - {file: web.yaml}
steps:
  - scale: {target: deployment/web, replicas: 4}
expect:
  - kind: Pod
    metadata: {labels: {app: web}}
    count: 4
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".yaml", web=DEPLOYMENT)
    (pytester.path / "web.k8sflow.yaml").write_text(TWO_SCENARIOS)
    return pytester


def test_each_scenario_document_is_one_item(project):
    result = project.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines([
        "web.k8sflow.yaml::two replicas run",
        "web.k8sflow.yaml::scaled to four",
    ])
    result.assert_outcomes()


def test_scenarios_pass(project):
    result = project.runpytest("-q")
    result.assert_outcomes(passed=2)


def test_scenario_marks_select_items(project):
    result = project.runpytest("-q", "-m", "not slow")
    result.assert_outcomes(passed=1, deselected=1)


def test_a_failing_expectation_reports_a_readable_difference(pytester):
    pytester.makefile(".yaml", web=DEPLOYMENT)
    (pytester.path / "bad.k8sflow.yaml").write_text(textwrap.dedent("""\
        name: wrong image expected
        given:
          - {file: web.yaml}
        expect:
          - kind: Deployment
            metadata: {name: web}
            spec:
              template:
                spec:
                  containers: [{name: web, image: "nginx:1.26"}]
        """))
    result = pytester.runpytest("-q")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "Traceback" not in out
    assert "bad.k8sflow.yaml:1) failed" in out
    assert "expectation $.expect[0] at " in out and "bad.k8sflow.yaml:5 failed" in out
    assert ('Deployment/web .spec.template.spec.containers[name=web].image: '
            'expected "nginx:1.26", got "nginx:1.25"') in out


def test_an_invalid_document_is_a_collection_error_and_the_rest_still_runs(pytester):
    pytester.makefile(".yaml", web=DEPLOYMENT)
    (pytester.path / "mixed.k8sflow.yaml").write_text(textwrap.dedent("""\
        name: fine
        given:
          - {file: web.yaml}
        ---
        name: typo
        given:
          - {file: web.yaml}
        steps:
          - scael: {target: deployment/web, replicas: 3}
        """))
    result = pytester.runpytest("-q")
    out = result.stdout.str()
    assert "Traceback" not in out
    result.assert_outcomes(passed=1, errors=1)
    assert ('mixed.k8sflow.yaml:9:5: at $.steps[0].scael: unknown step key "scael" '
            '(did you mean "scale"?)') in out


def test_yaml_syntax_errors_name_the_line(pytester):
    (pytester.path / "broken.k8sflow.yaml").write_text("name: x\ngiven: [\n")
    result = pytester.runpytest("-q")
    assert "Traceback" not in result.stdout.str()
    result.stdout.fnmatch_lines(["*broken.k8sflow.yaml:*"])
    assert result.ret != 0


def test_patterns_ini_option(pytester):
    pytester.makefile(".yaml", web=DEPLOYMENT)
    (pytester.path / "flow.yaml").write_text("name: alt\ngiven: [{file: web.yaml}]\n")
    pytester.makeini("[pytest]\nk8sflow_patterns = flow.yaml\n")
    result = pytester.runpytest("-q", "flow.yaml")
    result.assert_outcomes(passed=1)


def _pod_names(seed: int) -> list[str]:
    from pytest_k8sflow.engine.cluster import Cluster
    from pytest_k8sflow.scenario.loader import load_text

    cluster = Cluster(seed=seed)
    cluster.create(load_text(DEPLOYMENT, "web.yaml").documents[0].data)
    return sorted(p["metadata"]["name"] for p in cluster.list("Pod"))


def test_seed_option_changes_generated_names(pytester):
    pytester.makefile(".yaml", web=DEPLOYMENT)
    names = {seed: _pod_names(seed) for seed in (0, 7)}
    assert names[0] != names[7]
    lines = ["name: names", "given: [{file: web.yaml}]", "expect:"]
    lines += [f"  - {{kind: Pod, metadata: {{name: {n}}}}}" for n in names[7]]
    (pytester.path / "names.k8sflow.yaml").write_text("\n".join(lines) + "\n")
    pytester.runpytest("-q").assert_outcomes(failed=1)
    pytester.runpytest("-q", "--k8sflow-seed", "7").assert_outcomes(passed=1)


def test_k8s_cluster_fixture(pytester):
    pytester.makepyfile(textwrap.dedent("""\
        def test_cluster(k8s_cluster):
            k8s_cluster.create({"apiVersion": "v1", "kind": "Pod",
                                "metadata": {"name": "p"},
                                "spec": {"containers": [{"name": "c", "image": "busybox"}]}})
            pod = k8s_cluster.get("Pod", "p")
            assert pod["status"]["phase"] == "Running"
            assert pod["spec"]["nodeName"] == "node-1"
        """))
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=1)


def test_same_results_under_xdist(project):
    result = project.runpytest("-q", "-n", "2", "-p", "xdist")
    result.assert_outcomes(passed=2)


_DUMP = """
import hashlib, json, sys
from pytest_k8sflow.engine.cluster import Cluster
c = Cluster(nodes=4, seed=3)
c.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
          "spec": {"replicas": 7, "selector": {"matchLabels": {"app": "web"}},
                   "template": {"metadata": {"labels": {"app": "web"}},
                                "spec": {"containers": [{"name": "w", "image": "nginx"}]}}}})
c.scale("deployment/web", 3)
objs = [o for k in sorted(c.store.kinds()) for o in c.store.list(k, None)]
print(hashlib.sha256(json.dumps(objs, sort_keys=True).encode()).hexdigest())
"""


def test_the_engine_is_deterministic_across_processes_and_hash_seeds():
    digests = set()
    for hash_seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", _DUMP], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
        digests.add(out)
    assert len(digests) == 1, digests


def test_lint_mode_through_the_plugin(pytester):
    (pytester.path / "k8s").mkdir()
    (pytester.path / "k8s" / "bad.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n"
        "    metadata: {labels: {app: other}}\n"
        "    spec: {containers: [{name: c, image: 'x:1'}]}\n")
    result = pytester.runpytest("-q", "--k8sflow-lint", "k8s")
    assert result.ret != 0
    assert "Traceback" not in result.stdout.str()
    result.stdout.fnmatch_lines(["*bad.yaml*"])


def test_k8sflow_run_is_pytest_underneath(project):
    # ``k8sflow run`` is pytest underneath: same exit status, same items.
    result = project.run(sys.executable, "-m", "pytest_k8sflow.cli", "run", ".", "-q")
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    assert "2 passed" in result.stdout.str()


def test_junit_xml_carries_the_step_and_the_difference(pytester):
    pytester.makefile(".yaml", web=DEPLOYMENT)
    (pytester.path / "j.k8sflow.yaml").write_text(textwrap.dedent("""\
        name: scaled to four
        given:
          - {file: web.yaml}
        steps:
          - name: scale out
            scale: {target: deployment/web, replicas: 4}
            expect:
              - kind: Deployment
                metadata: {name: web}
                status: {readyReplicas: 5}
        """))
    result = pytester.runpytest("-q", "--junitxml=out.xml")
    result.assert_outcomes(failed=1)
    import xml.etree.ElementTree as ET

    case = ET.parse(pytester.path / "out.xml").getroot().find(".//testcase")
    assert case.get("name") == "scaled to four"
    failure = case.find("failure")
    text = failure.text
    assert "at step 1 (scale out), " in text and "j.k8sflow.yaml:5" in text
    assert "Deployment/web .status.readyReplicas: expected 5, got 4" in text
    assert ".status.readyReplicas last set by deployment-controller" in text
    assert "scenario 'scaled to four'" in failure.get("message")


def test_k_selects_scenarios_by_name(project):
    result = project.runpytest("-q", "-k", "four")
    result.assert_outcomes(passed=1, deselected=1)
    result = project.runpytest("-q", "-k", "replicas and not four")
    result.assert_outcomes(passed=1, deselected=1)
    result = project.runpytest("-q", "--collect-only", "-k", "two replicas run")
    result.stdout.fnmatch_lines(["web.k8sflow.yaml::two replicas run"])
