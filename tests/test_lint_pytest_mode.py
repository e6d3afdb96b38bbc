"""`pytest --k8sflow-lint PATH`: one item per manifest file, failing with its findings."""

from __future__ import annotations

import pytest

# The plugin wires these in plugin.py (pytest_addoption / pytest_configure); a conftest does
# the same here so the mode is tested on its own. Both calls are idempotent.
CONFTEST = """
from pytest_k8sflow.lint import pytest_mode

def pytest_addoption(parser):
    pytest_mode.add_options(parser)

def pytest_configure(config):
    pytest_mode.register(config)
"""

CLEAN = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: b}\n"
BAD = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
       "  selector: {matchLabels: {app: web}}\n  template:\n"
       "    metadata: {labels: {app: other}}\n"
       "    spec: {containers: [{name: c, image: 'x:1'}]}\n")


@pytest.fixture
def project(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.mkdir("k8s")
    (pytester.path / "k8s" / "clean.yaml").write_text(CLEAN)
    (pytester.path / "k8s" / "bad.yaml").write_text(BAD)
    pytester.makepyfile(test_other="def test_other():\n    assert True\n")
    return pytester


def run(pytester, *args):
    # -p no:k8sflow: the test must not depend on plugin.py's own state
    return pytester.runpytest("-p", "no:k8sflow", *args)


def test_one_item_per_file_and_the_failure_lists_the_findings(project):
    result = run(project, "--k8sflow-lint", "k8s", "-v", "--k8sflow-lint-fail-on", "error")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*k8s/bad.yaml::k8sflow-lint FAILED*",
        "*k8s/clean.yaml::k8sflow-lint PASSED*",
        "k8s/bad.yaml:7:24: error ?selector-mismatch? Deployment default/web: selector app=web "
        "does not match the template labels app=other*",
    ])
    # only the lint items: the project's own tests were not asked for
    assert "test_other" not in result.stdout.str()


def test_lint_only_runs_collect_nothing_else_under_the_paths(project):
    (project.path / "k8s" / "test_inside.py").write_text("def test_inside():\n    pass\n")
    result = run(project, "--k8sflow-lint", "k8s", "--k8sflow-lint-fail-on", "error")
    result.assert_outcomes(passed=1, failed=1)
    result = run(project, "k8s", "--k8sflow-lint", "k8s", "--k8sflow-lint-fail-on", "error")
    result.assert_outcomes(passed=2, failed=1)  # typed: the test module runs too


def test_typed_paths_are_kept(project):
    result = run(project, "test_other.py", "--k8sflow-lint", "k8s/clean.yaml")
    result.assert_outcomes(passed=2)


def test_findings_below_fail_on_do_not_fail(project):
    (project.path / "k8s" / "bad.yaml").unlink()
    (project.path / "k8s" / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        "spec: {containers: [{name: c, image: busybox}]}\n")
    assert run(project, "--k8sflow-lint", "k8s").ret == 1  # latest-tag is a warning
    result = run(project, "--k8sflow-lint", "k8s", "--k8sflow-lint-fail-on", "error")
    result.assert_outcomes(passed=2)


def test_config_file_and_version(project):
    (project.path / ".k8sflow-lint.yaml").write_text("rules:\n  disable: [selector-mismatch]\n")
    (project.path / "k8s" / "cron.yaml").write_text(
        "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec: {}\n")
    result = run(project, "--k8sflow-lint", "k8s", "--k8sflow-lint-fail-on", "error",
                 "--k8sflow-kubernetes-version", "1.24")
    result.assert_outcomes(passed=3)
    result = run(project, "--k8sflow-lint", "k8s", "--k8sflow-lint-fail-on", "error")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*?removed-api? CronJob default/c*"])


def test_without_the_option_nothing_is_linted(project):
    result = run(project)
    result.assert_outcomes(passed=1)
