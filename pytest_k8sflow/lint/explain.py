"""Minimal scenarios that show what a finding will do (for ``k8sflow lint --explain``).

A rule that predicts behaviour registers ``scenario_for(finding, lint_set)``; it returns a
scenario in the contract's format (docs/scenario-format.md): the manifests the finding
involves as ``given`` (or as a step that must be refused), the declared nodes as the cluster,
and expectations that hold exactly when the predicted consequence happens. Running it through
the engine turns the finding into a demonstration; the builders here only assemble data.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import Any

from pytest_k8sflow.lint.model import Finding, LintSet, Manifest, get_rule

__all__ = ["cluster_of", "scenario", "scenario_for"]

_STRIP = ("k8sflow.io/lint-ignore",)


def _clean(manifest: Manifest) -> dict:
    """The manifest as written, without status and without our own lint annotation."""
    data = copy.deepcopy(manifest.data)
    data.pop("status", None)
    meta = data.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("annotations"), dict):
        for key in _STRIP:
            meta["annotations"].pop(key, None)
        if not meta["annotations"]:
            meta.pop("annotations")
    return data


def cluster_of(lint_set: LintSet) -> dict:
    """``cluster:`` for the scenario: the declared nodes (Node manifests), else 3 nodes."""
    out: dict[str, Any] = {"kubernetesVersion": lint_set.version}
    nodes = lint_set.node_objects()
    if nodes:
        out["nodes"] = [_node_entry(n) for n in nodes]
    else:
        out["nodes"] = 3
    return out


def _node_entry(node: dict) -> dict:
    meta = node.get("metadata") or {}
    spec = node.get("spec") or {}
    status = node.get("status") or {}
    entry: dict[str, Any] = {"name": meta.get("name")}
    labels = {k: v for k, v in (meta.get("labels") or {}).items()
              if not k.startswith(("kubernetes.io/", "beta.kubernetes.io/"))}
    if labels:
        entry["labels"] = labels
    taints = [{k: v for k, v in t.items() if k != "timeAdded"} for t in spec.get("taints") or ()
              if t.get("key") != "node.kubernetes.io/unschedulable"]
    if taints:
        entry["taints"] = taints
    capacity = status.get("allocatable") or status.get("capacity")
    if capacity:
        entry["capacity"] = {k: str(v) for k, v in capacity.items()
                             if k in ("cpu", "memory", "pods")}
    if spec.get("unschedulable"):
        entry["unschedulable"] = True
    return entry


def _namespaces(manifests: Iterable[Manifest], lint_set: LintSet) -> list[dict]:
    """Namespace manifests the scenario needs (other than default and kube-system)."""
    wanted = []
    for manifest in manifests:
        ns = manifest.namespace
        if ns and ns not in ("default", "kube-system") and ns not in wanted:
            wanted.append(ns)
    out = []
    declared = {m.name: m for m in lint_set.of_kind("Namespace")}
    for ns in wanted:
        out.append(_clean(declared[ns]) if ns in declared else
                   {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    return out


def scenario(finding: Finding, lint_set: LintSet, *, given: Sequence[Manifest] = (),
             steps: Sequence[dict] = (), expect: Sequence[dict] = ()) -> dict:
    """Assemble a scenario document for ``finding``."""
    name = f"explain {finding.rule}: {finding.object}" if finding.object else \
        f"explain {finding.rule}"
    doc: dict[str, Any] = {
        "name": name,
        "description": finding.message,
        "cluster": cluster_of(lint_set),
        "given": [*_namespaces(given, lint_set), *(_clean(m) for m in given)],
    }
    if steps:
        doc["steps"] = list(steps)
    if expect:
        doc["expect"] = list(expect)
    return doc


def refused(manifest: Manifest, error: str) -> dict:
    """A step that applies the manifest and must be refused with ``error`` in the message."""
    return {"name": f"apply {manifest.ref}", "apply": _clean(manifest), "error": error}


def scenario_for(finding: Finding, lint_set: LintSet) -> dict | None:
    """The explaining scenario of a finding, or None when its rule predicts nothing."""
    rule = get_rule(finding.rule)
    if rule is None or rule.scenario_for is None:
        return None
    return rule.scenario_for(finding, lint_set)
