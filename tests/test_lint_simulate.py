"""``k8sflow lint --explain`` runs the explaining scenario through the engine."""

from __future__ import annotations

import json

from pytest_k8sflow.lint.cli import lint_main

NODE_AND_BIG_DEPLOYMENT = """\
apiVersion: v1
kind: Node
metadata: {name: worker-1, labels: {kubernetes.io/hostname: worker-1}}
status:
  capacity: {cpu: "4", memory: 8Gi, pods: "110"}
  allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: big}
spec:
  replicas: 1
  selector: {matchLabels: {app: big}}
  template:
    metadata: {labels: {app: big}}
    spec:
      containers:
        - name: big
          image: nginx:1.25
          resources: {requests: {cpu: "8", memory: 1Gi}, limits: {cpu: "8", memory: 1Gi}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


def test_explain_shows_what_the_simulation_saw(tmp_path, capsys):
    (tmp_path / "app.yaml").write_text(NODE_AND_BIG_DEPLOYMENT)
    lint_main(["--explain", "--no-why", str(tmp_path)])
    out = capsys.readouterr().out
    assert "simulated: the engine ran it and the predicted consequence happens:" in out
    assert ("stays Pending: Unschedulable: 0/1 nodes are available: 1 Insufficient cpu."
            in out)
    assert "Deployment default/big not Available (0/1 ready)" in out
    assert "Service default/web has no endpoints" in out


def test_explain_in_json_carries_the_simulation(tmp_path, capsys):
    (tmp_path / "app.yaml").write_text(NODE_AND_BIG_DEPLOYMENT)
    lint_main(["--explain", "-f", "json", str(tmp_path)])
    data = json.loads(capsys.readouterr().out)
    by_rule = {f["rule"]: f for f in data["findings"]}
    simulation = by_rule["unschedulable"]["simulation"]
    assert simulation["reproduced"] is True
    assert any("Insufficient cpu" in line for line in simulation["observations"])
    assert by_rule["dangling-service"]["simulation"]["reproduced"] is True
