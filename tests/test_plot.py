"""``k8sflow plot``: replicas per ReplicaSet and pod states per node."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pytest_k8sflow.cli import main
from pytest_k8sflow.plot import plot_data, pod_state
from pytest_k8sflow.scenario.model import parse_scenarios_text
from pytest_k8sflow.trace import run_for_trace

SCENARIO = """\
name: rolling update on the clock
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
        spec: {containers: [{name: web, image: "nginx:1.24"}]}
steps:
  - advance: 11s
  - name: bump the image
    kubectl: set image deployment/web web=nginx:1.25
  - advance: 60s
"""


@pytest.fixture
def scenario_file(tmp_path) -> Path:
    path = tmp_path / "roll.k8sflow.yaml"
    path.write_text(SCENARIO)
    return path


def test_plot_data_of_a_rolling_update(scenario_file):
    scenario = parse_scenarios_text(SCENARIO, str(scenario_file))[0]
    runner, failed = run_for_trace(scenario)
    assert failed is None
    data = plot_data(runner)
    assert data.axis == "time" and data.end == 71.0
    revisions = sorted(revision for revision, _ in data.replica_sets.values())
    assert revisions == ["1", "2"]
    final = {rev: points[-1][1] for rev, points in data.replica_sets.values()}
    assert final == {"1": 0, "2": 2}
    assert {node for node, _ in data.pods.values()} <= {"node-1", "node-2", "node-3"}
    assert [label for _, label in data.steps] == ["step 1 (advance)", "step 2 (bump the image)",
                                                  "step 3 (advance)"]
    # every old pod ends Terminating or is cut off when deleted; new pods end Ready
    new_pods = [segments for name, (_, segments) in data.pods.items()
                if segments[0][0] >= 11]
    assert new_pods and all(segments[-1][2] == "Ready" for segments in new_pods)


def test_pod_state():
    assert pod_state({"metadata": {}, "spec": {}, "status": {"phase": "Pending"}}) == "Pending"
    running = {"metadata": {}, "spec": {"nodeName": "n"},
               "status": {"phase": "Running", "conditions": [{"type": "Ready",
                                                               "status": "False"}]}}
    assert pod_state(running) == "Running"
    ready = {**running, "status": {"phase": "Running",
                                   "conditions": [{"type": "Ready", "status": "True"}]}}
    assert pod_state(ready) == "Ready"
    assert pod_state({**ready, "metadata": {"deletionTimestamp": "x"}}) == "Terminating"
    assert pod_state(None) is None


def test_plot_command_writes_an_svg(scenario_file, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    output = tmp_path / "rollout.svg"
    assert main(["plot", str(scenario_file), "-o", str(output)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {output}"
    svg = output.read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "revision 2" in svg and "simulated time (s)" in svg
    # the same run draws the same file
    again = tmp_path / "again.svg"
    main(["plot", str(scenario_file), "-o", str(again)])
    assert again.read_text() == svg


def test_plot_without_matplotlib_says_what_to_install(scenario_file, tmp_path, capsys,
                                                      monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["plot", str(scenario_file), "-o", str(tmp_path / "x.svg")]) == 2
    err = capsys.readouterr().err
    assert "pip install 'pytest-k8sflow[plot]'" in err
    assert not (tmp_path / "x.svg").exists()


def test_failure_report_names_a_drawn_plot(pytester):
    pytest.importorskip("matplotlib")
    (pytester.path / "roll.k8sflow.yaml").write_text(
        "name: wrong count\n"
        "given:\n"
        "  - apiVersion: apps/v1\n"
        "    kind: Deployment\n"
        "    metadata: {name: web}\n"
        "    spec:\n"
        "      replicas: 2\n"
        "      selector: {matchLabels: {app: web}}\n"
        "      template:\n"
        "        metadata: {labels: {app: web}}\n"
        "        spec: {containers: [{name: web, image: 'nginx:1.25'}]}\n"
        "expect:\n"
        "  - {kind: Pod, metadata: {labels: {app: web}}, count: 3}\n")
    result = pytester.runpytest("-q", "--k8sflow-plot-failures", "plots")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*plot: plots*roll-wrong-count.svg*"])
    svg = (pytester.path / "plots" / "roll-wrong-count.svg").read_text()
    assert svg.startswith("<?xml") and "<svg" in svg
