"""The trace: a timeline of writes and Events per step, on the simulated clock."""

from __future__ import annotations

import textwrap

import pytest

from pytest_k8sflow.cli import main
from pytest_k8sflow.scenario.model import parse_scenarios_text
from pytest_k8sflow.trace import clock_text, flat_changes, render_trace, run_for_trace

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.24"}]}
"""

ROLLOUT = """\
name: rolling update
given:
  - {file: web.yaml}
steps:
  - name: bump the image
    kubectl: set image deployment/web web=nginx:1.25
  - advance: 90s
expect:
  - kind: Deployment
    metadata: {name: web}
    status: {updatedReplicas: 2}
---
name: wrong count
given:
  - {file: web.yaml}
expect:
  - kind: Pod
    metadata: {labels: {app: web}}
    count: 5
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "web.yaml").write_text(DEPLOYMENT)
    path = tmp_path / "r.k8sflow.yaml"
    path.write_text(ROLLOUT)
    return path


def _runner(path, index=0):
    scenario = parse_scenarios_text(path.read_text(), str(path))[index]
    runner, failed = run_for_trace(scenario)
    return runner, failed


def test_trace_lists_writes_and_events_in_order_per_step(files):
    runner, failed = _runner(files)
    assert failed is None
    lines = render_trace(runner).splitlines()
    assert lines[0].split() == ["TIME", "STEP", "COMPONENT", "ACTION", "OBJECT", "DETAIL"]
    assert lines[1] == "-- given at 00:00:00 (t=0s) --"
    text = "\n".join(lines)
    heading = lines.index("-- step 1 (bump the image) at 00:00:00 (t=0s) --")
    assert "-- step 2 (advance) at 00:00:00 (t=0s) --" in lines
    first = lines[heading + 1].split()
    assert first[:5] == ["00:00:00", "1", "kubectl", "updated", "Deployment/web"]
    assert "spec.template.spec.containers[web].image: nginx:1.24 -> nginx:1.25" in \
        lines[heading + 1]
    # the new ReplicaSet is created, then the controller's event about it follows
    created = next(i for i, line in enumerate(lines) if i > heading and
                   " created " in line and "ReplicaSet/web-" in line)
    event = next(i for i, line in enumerate(lines) if i > created and " event " in line)
    assert "Normal ScalingReplicaSet: Scaled up replica set web-" in lines[event]
    assert "deployment-controller" in lines[created] and "deployment-controller" in lines[event]
    # pods of the old revision are deleted by the kubelet once they stop
    assert any(" kubelet " in line and " deleted " in line for line in lines)
    # no bootstrap writes (namespaces, nodes) unless asked
    assert "Namespace/" not in text
    assert "Namespace/" in render_trace(runner, bootstrap=True)


def test_trace_tail_keeps_the_step_heading(files):
    runner, _ = _runner(files)
    tail = render_trace(runner, tail=5).splitlines()
    assert tail[1].startswith("... ") and tail[1].endswith(" earlier lines")
    assert tail[2].startswith("-- step ")
    assert len(tail) == 3 + 5


def test_flat_changes_names_list_items_by_key():
    old = {"status": {"phase": "Pending", "conditions": [{"type": "Ready", "status": "False"}]}}
    new = {"status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}
    assert flat_changes(old, new) == [("status.phase", "Pending", "Running"),
                                      ("status.conditions[Ready].status", "False", "True")]


def test_clock_text():
    assert clock_text(1_767_225_642_000, 1_767_225_600_000) == "00:00:42 (t=42s)"
    assert clock_text(1_767_225_610_001, 1_767_225_600_000) == "00:00:10.001 (t=10.001s)"


def test_k8sflow_trace_command(files, capsys):
    assert main(["trace", f"{files}::rolling update"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"== {files}::rolling update\n")
    assert "-- step 1 (bump the image)" in out
    assert "wrong count" not in out


def test_k8sflow_trace_of_a_failing_scenario_ends_with_the_report(files, capsys):
    assert main(["trace", f"{files}::wrong count", "--tail", "3"]) == 1
    out = capsys.readouterr().out
    assert "expected 5 pods with labels app=web to match, found 2" in out
    assert "last 20 lines" not in out


def test_k8sflow_trace_unknown_scenario(files, capsys):
    assert main(["trace", f"{files}::nope"]) == 2
    assert "no scenario named 'nope'; the file has: 'rolling update', 'wrong count'" in \
        capsys.readouterr().err


def test_pytest_trace_option_and_the_tail_in_failure_reports(pytester):
    pytester.makefile(".yaml", web=DEPLOYMENT)
    (pytester.path / "r.k8sflow.yaml").write_text(ROLLOUT)
    result = pytester.runpytest("--k8sflow-trace", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "k8sflow trace: r.k8sflow.yaml::rolling update" in out
    assert "k8sflow trace: r.k8sflow.yaml::wrong count" in out
    report = out[out.index("scenario: wrong count"):]
    report = report[:report.index("k8sflow trace:")]
    assert "last 20 lines of the trace (all of it: k8sflow trace" in report
    tail = report[report.index("last 20 lines"):].splitlines()[1:]
    rows = [line for line in tail if line.startswith("    00:")]
    assert len(rows) == 20 and tail[0].split() == ["TIME", "STEP", "COMPONENT", "ACTION",
                                                   "OBJECT", "DETAIL"]


def test_trace_lines_option_and_xdist(pytester):
    pytester.makefile(".yaml", web=DEPLOYMENT)
    (pytester.path / "r.k8sflow.yaml").write_text(ROLLOUT)
    result = pytester.runpytest("--k8sflow-trace-lines=0", "--k8sflow-trace", "-p", "xdist",
                                "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "lines of the trace" not in out
    assert out.count("k8sflow trace: r.k8sflow.yaml::") == 2
    assert textwrap.dedent("-- step 1 (bump the image) at 00:00:00 (t=0s) --") in out
