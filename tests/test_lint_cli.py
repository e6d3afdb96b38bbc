"""``k8sflow lint``: exit codes, formats, stdin, folders, unreadable input, --explain."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest

from pytest_k8sflow.lint.cli import lint_main

CLEAN = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {mode: fast}
"""
WARNS = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true}
  containers:
  - name: c
    image: busybox
    resources:
      requests: {cpu: 10m, memory: 8Mi}
    readinessProbe: {exec: {command: ["true"]}}
    livenessProbe: {exec: {command: ["true"]}, periodSeconds: 20}
"""
BROKEN = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n"


@pytest.fixture(autouse=True)
def _no_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no .k8sflow-lint.yaml from the repository


def run(argv, capsys, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code = lint_main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def test_clean_file_exits_0(tmp_path, capsys):
    code, out, _ = run([write(tmp_path, "c.yaml", CLEAN)], capsys)
    assert code == 0
    assert out.strip().endswith("0 errors, 0 warnings, 0 info in 1 object of 1 file "
                                "(Kubernetes 1.32)")


def test_findings_at_or_over_fail_on_exit_1(tmp_path, capsys):
    path = write(tmp_path, "p.yaml", WARNS)
    code, out, _ = run([path], capsys)
    assert code == 1
    assert f"{path}:8:12: warning [latest-tag] Pod default/p:" in out
    assert "    why: " in out
    assert run([path, "--fail-on", "error"], capsys)[0] == 0
    assert run([path, "--disable", "latest-tag"], capsys)[0] == 0


def test_unreadable_yaml_exits_2_with_file_and_line_and_no_traceback(tmp_path, capsys):
    path = write(tmp_path, "b.yaml", CLEAN + "---\n" + BROKEN)
    code, out, err = run([path], capsys)
    assert code == 2
    assert f"{path}:10:1: error [yaml-syntax] invalid YAML" in out
    assert "Traceback" not in out + err


@pytest.mark.parametrize("argv,message", [
    ([], "name at least one file"),
    (["--format", "xml", "x.yaml"], "invalid choice"),
    (["--kubernetes-version", "banana", "x.yaml"], "not a Kubernetes version"),
    (["--disable", "no-such-rule", "x.yaml"], 'unknown lint rule "no-such-rule"'),
    (["--config", "missing.yaml", "x.yaml"], "config file not found"),
])
def test_usage_errors_exit_2(argv, message, capsys):
    code, _, err = run(argv, capsys)
    assert code == 2 and message in err


def test_missing_path_exits_2(tmp_path, capsys):
    code, out, _ = run([str(tmp_path / "nope.yaml")], capsys)
    assert code == 2 and "no such file or folder" in out


def test_stdin(capsys, monkeypatch):
    code, out, _ = run(["-"], capsys, stdin=WARNS, monkeypatch=monkeypatch)
    assert code == 1 and "<stdin>:8:12: warning [latest-tag]" in out


def test_folder_walk_skips_hidden_and_non_manifests(tmp_path, capsys):
    write(tmp_path, "app/a.yaml", CLEAN)
    write(tmp_path, "app/.hidden/b.yaml", BROKEN)
    write(tmp_path, "app/values.yaml", "replicaCount: 2\n")
    write(tmp_path, "app/notes.txt", BROKEN)
    code, out, _ = run([str(tmp_path / "app"), "--fail-on", "warning"], capsys)
    assert code == 0
    assert "[not-a-manifest]" in out and "1 object of 2 files" in out


def test_json_format(tmp_path, capsys):
    path = write(tmp_path, "p.yaml", WARNS)
    code, out, _ = run([path, "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 1
    assert data["kubernetesVersion"] == "1.32"
    finding = next(f for f in data["findings"] if f["rule"] == "latest-tag")
    assert {"rule", "severity", "file", "line", "column", "path", "object", "message",
            "why"} <= set(finding)
    assert finding["path"] == "$.spec.containers[0].image"
    assert data["summary"]["warnings"] >= 1


def test_junit_format_to_a_file(tmp_path, capsys):
    path = write(tmp_path, "p.yaml", WARNS + "---\n" + CLEAN)
    report = tmp_path / "lint.xml"
    code, out, err = run([path, "--format", "junit", "--output", str(report)], capsys)
    assert code == 1 and out == ""
    assert "warning" in err  # the summary line still reaches the console
    root = ET.parse(report).getroot()
    assert root.tag == "testsuites"
    cases = root.findall("testsuite/testcase")
    assert [c.get("name") for c in cases] == ["Pod default/p", "ConfigMap default/cfg"]
    assert cases[0].find("failure") is not None and cases[1].find("failure") is None
    assert root.get("failures") == "1"


def test_explain_prints_a_scenario_for_predictive_rules(tmp_path, capsys):
    text = ("apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n"
            "status: {allocatable: {cpu: '1', memory: 1Gi, pods: '10'}}\n---\n"
            "apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n"
            "  containers: [{name: c, image: 'x:1', resources: {requests: {cpu: '2'}}}]\n")
    path = write(tmp_path, "n.yaml", text)
    code, out, _ = run([path, "--explain", "--no-why"], capsys)
    assert code == 1
    assert "[unschedulable]" in out
    assert "explain: this scenario shows what happens" in out
    assert "reason: Unschedulable" in out


def test_list_rules(capsys):
    code, out, _ = run(["--list-rules"], capsys)
    assert code == 0
    assert "selector-mismatch" in out and "[--explain]" in out


def test_config_file_is_found_and_used(tmp_path, capsys):
    write(tmp_path, ".k8sflow-lint.yaml", "failOn: error\n")
    path = write(tmp_path, "p.yaml", WARNS)
    assert run([path], capsys)[0] == 0
    assert run([path, "--no-config"], capsys)[0] == 1


def test_kubernetes_version_option(tmp_path, capsys):
    path = write(tmp_path, "c.yaml", "apiVersion: batch/v1beta1\nkind: CronJob\n"
                                     "metadata: {name: c}\nspec: {}\n")
    assert "[removed-api]" in run([path], capsys)[1]
    code, out, err = run([path, "-k", "1.24"], capsys)
    assert "[deprecated-api]" in out and "[removed-api]" not in out
    assert "note:" in err  # 1.24 is older than the bundled schemas


def test_main_dispatches_lint(tmp_path, capsys):
    from pytest_k8sflow.cli import main

    assert main(["lint", write(tmp_path, "c.yaml", CLEAN)]) == 0
