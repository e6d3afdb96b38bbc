"""Workload rules the API server enforces but no schema can say: selectors against template
labels, the template's restartPolicy, rollout parameters; and orphan adoption by selectors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pytest_k8sflow.engine.selectors import SelectorError, from_label_selector
from pytest_k8sflow.lint.explain import refused, scenario
from pytest_k8sflow.lint.model import Finding, LintSet, Manifest, label_text, rule
from pytest_k8sflow.lint.pods import map_selector_matches, pod_of, selector_matches

_APPS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet")
# Labels the API server generates for a Job's pods and selector (k/k pkg/registry/batch/job
# strategy.go generateSelector; batch.kubernetes.io/* since 1.27, legacy names before).
_JOB_GENERATED = ("controller-uid", "job-name", "batch.kubernetes.io/controller-uid",
                  "batch.kubernetes.io/job-name")


def _selector_text(selector: dict) -> str:
    try:
        text = str(from_label_selector(selector))
    except (SelectorError, KeyError, TypeError, AttributeError):
        return "?"
    return text or "<everything>"


@rule("selector-mismatch", "error",
      "the API server refuses a workload whose selector does not select its own pod "
      "template: nothing is created", kinds=(*_APPS, "Job", "CronJob", "ReplicationController"),
      source="k/k pkg/apis/apps/validation ValidateDeploymentSpec, "
             "ValidatePodTemplateSpecForReplicaSet, ValidateStatefulSetSpec, "
             "ValidateDaemonSetSpec; pkg/apis/batch/validation validateGeneratedSelector; "
             "kube-linter mismatching-selector", family="workloads")
def selector_mismatch(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    if m.kind == "CronJob":
        yield from _job_selector(m, ("spec", "jobTemplate", "spec"), cron=True)
        return
    if m.kind == "Job":
        yield from _job_selector(m, ("spec",), cron=False)
        return
    pod = pod_of(m)
    selector = m.get(("spec", "selector"))
    if m.kind == "ReplicationController":
        # a map; defaulted from the template labels when absent (k/k pkg/apis/core/v1
        # defaults.go SetDefaults_ReplicationController)
        if isinstance(selector, dict) and selector and pod is not None and \
                not map_selector_matches(selector, pod.labels):
            yield m.finding(selector_mismatch, (*pod.meta_path, "labels"),
                            f"selector {label_text(selector)} does not match the template "
                            f"labels {label_text(pod.labels)}")
        return
    if not isinstance(selector, dict):
        return  # missing or not a mapping: schema findings say so
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        yield m.finding(selector_mismatch, ("spec", "selector"),
                        f"an empty selector is invalid for a {m.kind} (it would select every "
                        "pod of the namespace)")
        return
    matched = selector_matches(selector, pod.labels if pod else {})
    if matched is None:
        yield m.finding(selector_mismatch, ("spec", "selector"), "invalid label selector")
        return
    if not matched and pod is not None:
        path = (*pod.meta_path, "labels") if pod.labels else pod.meta_path
        yield m.finding(selector_mismatch, path,
                        f"selector {_selector_text(selector)} does not match the template "
                        f"labels {label_text(pod.labels)}")


def _job_selector(m: Manifest, spec_path: tuple, *, cron: bool) -> Iterator[Finding]:
    spec = m.get(spec_path)
    if not isinstance(spec, dict):
        return
    selector = spec.get("selector")
    template = spec.get("template") if isinstance(spec.get("template"), dict) else {}
    meta = template.get("metadata") if isinstance(template.get("metadata"), dict) else {}
    labels = meta.get("labels") if isinstance(meta.get("labels"), dict) else {}
    if cron:
        # pkg/apis/batch/validation ValidateJobTemplateSpec: the Jobs get generated selectors
        if selector is not None:
            yield m.finding(selector_mismatch, (*spec_path, "selector"),
                            "a CronJob's jobTemplate may not have a selector (`selector` will "
                            "be auto-generated)")
        if spec.get("manualSelector") is True:
            yield m.finding(selector_mismatch, (*spec_path, "manualSelector"),
                            "manualSelector: true is not allowed in a CronJob's jobTemplate")
        return
    if spec.get("manualSelector") is True:
        if not isinstance(selector, dict):
            yield m.finding(selector_mismatch, (*spec_path, "manualSelector"),
                            "manualSelector: true needs a selector")
            return
        matched = selector_matches(selector, labels)
        if matched is None:
            yield m.finding(selector_mismatch, (*spec_path, "selector"),
                            "invalid label selector")
        elif not matched:
            yield m.finding(selector_mismatch, (*spec_path, "template", "metadata", "labels")
                            if labels else (*spec_path, "template"),
                            f"selector {_selector_text(selector)} does not match the template "
                            f"labels {label_text(labels)}")
        return
    if isinstance(selector, dict) and (selector.get("matchExpressions") or any(
            key not in _JOB_GENERATED for key in selector.get("matchLabels") or {})):
        yield m.finding(selector_mismatch, (*spec_path, "selector"),
                        "a Job's selector is generated by the API server; without "
                        "`manualSelector: true` a selector of your own is refused "
                        "(`selector` not auto-generated)")


@selector_mismatch.explainer
def _explain_selector(finding: Finding, lint_set: LintSet) -> dict | None:
    m = finding.manifest
    if m is None:
        return None
    message = finding.message
    error = ("not auto-generated" if "not auto-generated" in message else
             "will be auto-generated" if "will be auto-generated" in message else
             "empty selector" if "empty selector" in message else
             "does not match template" if "does not match" in message else "selector")
    return scenario(finding, lint_set, steps=[refused(m, error)])


# -- restartPolicy -----------------------------------------------------------------------------
@rule("restart-policy", "error",
      "controllers that keep pods running accept only restartPolicy Always in their pod "
      "template, and Jobs only OnFailure or Never: anything else is refused",
      kinds=(*_APPS, "ReplicationController", "Job", "CronJob"),
      source="k/k pkg/apis/apps/validation ValidatePodTemplateSpecForReplicaSet, "
             "ValidateStatefulSetSpec, ValidateDaemonSetSpec; pkg/apis/batch/validation "
             "validateJobPodTemplateSpec (restartPolicy defaults to Always)", family="workloads")
def restart_policy(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    pod = pod_of(m)
    if pod is None:
        return
    policy = pod.spec.get("restartPolicy")
    path = (*pod.spec_path, "restartPolicy")
    if m.kind in ("Job", "CronJob"):
        if policy in ("OnFailure", "Never"):
            return
        if policy is None:
            yield m.finding(restart_policy, pod.spec_path,
                            "a Job's pod template needs restartPolicy OnFailure or Never (it "
                            "defaults to Always, which a Job refuses)", key=True)
        else:
            yield m.finding(restart_policy, path, f"restartPolicy {policy!s} is not allowed "
                                                  "for a Job: use OnFailure or Never")
        return
    if policy is not None and policy != "Always":
        yield m.finding(restart_policy, path,
                        f"restartPolicy {policy!s} is not allowed in a {m.kind}'s pod "
                        "template: only Always (the default)")


@restart_policy.explainer
def _explain_restart(finding: Finding, lint_set: LintSet) -> dict | None:
    m = finding.manifest
    if m is None:
        return None
    return scenario(finding, lint_set, steps=[refused(m, "restartPolicy")])


# -- rollout parameters -------------------------------------------------------------------------
_PERCENT = re.compile(r"^(\d+)%$")


def _int_or_percent(value: Any) -> tuple[int, bool] | None:
    """(value, is_percent); None when it is neither (the schema or validation says so)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value, False
    if isinstance(value, str):
        match = _PERCENT.match(value)
        if match:
            return int(match.group(1)), True
    return None


@rule("invalid-rollout", "error",
      "rollout parameters the API server refuses: a rollout that may neither add nor remove "
      "a pod could never make progress",
      kinds=("Deployment", "DaemonSet"),
      source="k/k pkg/apis/apps/validation ValidateRollingUpdateDeployment, "
             "ValidateDeploymentStrategy, ValidateDeploymentSpec (progressDeadlineSeconds), "
             "ValidateRollingUpdateDaemonSet; defaults in pkg/apis/apps/v1/defaults.go",
      family="workloads")
def invalid_rollout(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    spec = m.get(("spec",))
    if not isinstance(spec, dict):
        return
    key = "strategy" if m.kind == "Deployment" else "updateStrategy"
    strategy = spec.get(key)
    strategy = strategy if isinstance(strategy, dict) else {}
    kind = strategy.get("type") or "RollingUpdate"  # the default for both kinds
    rolling = strategy.get("rollingUpdate")
    if m.kind == "Deployment" and kind == "Recreate" and rolling is not None:
        yield m.finding(invalid_rollout, ("spec", key, "rollingUpdate"),
                        "rollingUpdate may not be given when the strategy type is Recreate",
                        key=True)
    if kind == "RollingUpdate" and isinstance(rolling, dict):
        # unset values default to 25% (Deployment) / maxUnavailable 1, maxSurge 0 (DaemonSet)
        unavailable = _int_or_percent(rolling.get(
            "maxUnavailable", "25%" if m.kind == "Deployment" else 1))
        surge = _int_or_percent(rolling.get("maxSurge",
                                            "25%" if m.kind == "Deployment" else 0))
        if unavailable is not None and surge is not None and unavailable[0] == 0 and \
                surge[0] == 0:
            yield m.finding(invalid_rollout, ("spec", key, "rollingUpdate", "maxUnavailable"),
                            "maxUnavailable may not be 0 when maxSurge is 0: the rollout "
                            "could neither add nor remove a pod")
        if unavailable is not None and unavailable[1] and unavailable[0] > 100:
            yield m.finding(invalid_rollout, ("spec", key, "rollingUpdate", "maxUnavailable"),
                            "maxUnavailable must not be greater than 100%")
    if m.kind == "Deployment":
        deadline = spec.get("progressDeadlineSeconds")
        ready = spec.get("minReadySeconds", 0)
        if isinstance(deadline, int) and isinstance(ready, int) and \
                not isinstance(deadline, bool) and deadline <= ready:
            yield m.finding(invalid_rollout, ("spec", "progressDeadlineSeconds"),
                            f"progressDeadlineSeconds ({deadline}) must be greater than "
                            f"minReadySeconds ({ready}): no pod could become available "
                            "before the deadline")


@invalid_rollout.explainer
def _explain_rollout(finding: Finding, lint_set: LintSet) -> dict | None:
    m = finding.manifest
    if m is None:
        return None
    text = ("may not be 0" if "maxSurge" in finding.message else
            "Recreate" if "Recreate" in finding.message else
            "greater than 100%" if "100%" in finding.message else "minReadySeconds")
    return scenario(finding, lint_set, steps=[refused(m, text)])


# -- orphan adoption ------------------------------------------------------------------------------
_ADOPTS_PODS = ("ReplicaSet", "ReplicationController", "DaemonSet", "Job")


def _controller_owned(m: Manifest) -> bool:
    owners = m.metadata.get("ownerReferences")
    return isinstance(owners, list) and any(isinstance(o, dict) and o.get("controller")
                                            for o in owners)


@rule("orphan-adoption", "warning",
      "a controller adopts every object without a controller that its selector matches: a "
      "bare Pod becomes one of a ReplicaSet's replicas, a bare ReplicaSet is taken over by a "
      "Deployment", kinds=("Deployment", *_ADOPTS_PODS),
      source="k/k pkg/controller/controller_ref_manager.go ClaimPods/ClaimReplicaSets "
             "(AdoptPod, AdoptReplicaSet); Deployment docs: do not overlap selectors",
      family="workloads")
def orphan_adoption(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    selector = m.get(("spec", "selector"))
    if m.kind == "Job" and m.get(("spec", "manualSelector")) is not True:
        return  # the generated selector names the Job's own uid
    if m.kind == "ReplicationController":
        if not isinstance(selector, dict) or not selector:
            return
        matches = (lambda labels: map_selector_matches(selector, labels))  # noqa: E731
    else:
        if not isinstance(selector, dict) or not (selector.get("matchLabels") or
                                                  selector.get("matchExpressions")):
            return
        matches = (lambda labels: bool(selector_matches(selector, labels)))  # noqa: E731
    victims = ("ReplicaSet",) if m.kind == "Deployment" else ("Pod",)
    for other in lint_set.of_kind(*victims):
        if other is m or other.namespace != m.namespace or _controller_owned(other):
            continue
        if matches(other.labels):
            what = ("takes it over and scales it as one of its old ReplicaSets"
                    if m.kind == "Deployment" else
                    "adopts it and counts it as one of its own pods")
            yield m.finding(orphan_adoption, ("spec", "selector"),
                            f"its selector matches {other.ref} ({other.file}:"
                            f"{other.position(('metadata',))[0]}), which has no controller: "
                            f"the {m.kind} controller {what}")


@orphan_adoption.explainer
def _explain_adoption(finding: Finding, lint_set: LintSet) -> dict | None:
    m = finding.manifest
    if m is None:
        return None
    victims = [o for o in lint_set.of_kind("ReplicaSet" if m.kind == "Deployment" else "Pod")
               if o.ref in finding.message]
    if not victims:
        return None
    victim = victims[0]
    expect = [{"kind": victim.kind, "metadata": {
        "name": victim.name, "namespace": victim.namespace,
        "ownerReferences": [{"kind": m.kind, "name": m.name, "controller": True}]}}]
    return scenario(finding, lint_set, given=[victim, m], expect=expect)
