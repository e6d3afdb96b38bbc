"""PodPreset rules, decided by the engine's own PodPreset admission plugin
(``pytest_k8sflow.engine.admission.podpreset``): presets that conflict for a pod (so that none
of them is applied), and presets the API server would refuse."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from pytest_k8sflow.engine.admission import podpreset as admission
from pytest_k8sflow.lint.explain import scenario
from pytest_k8sflow.lint.model import Finding, LintSet, Manifest, rule
from pytest_k8sflow.lint.pods import pod_of
from pytest_k8sflow.lint.schema import parse_version

_HEAD = re.compile(r"merging [^\n]*? has a conflict on [^\n]*?(?=: \n|$)")


def _admission_version(version: str) -> tuple[int, int]:
    # the plugin's behaviour is that of its last release (1.19) at any later version
    return min(parse_version(version or "1.19"), (1, 19))


def conflicts(pod: Mapping, presets: Sequence[Mapping], *, version: str = "1.19"
              ) -> list[str]:
    """Why the presets that match ``pod`` cannot be applied to it (empty: they can, or none
    match). Runs the admission plugin's own Admit on a CREATE of the pod."""
    namespace = (pod.get("metadata") or {}).get("namespace") or "default"
    try:
        result = admission.admit_pod(pod, presets, namespace=namespace,
                                     version=_admission_version(version))
    except (AttributeError, TypeError, KeyError, ValueError):
        return []  # a shape the API server would have refused or normalised first
    if result.conflict is None:
        return []
    heads = _HEAD.findall(result.conflict.error)
    return heads or [result.conflict.error]


def matched_presets(pod: Mapping, presets: Sequence[Mapping], *, version: str = "1.19"
                    ) -> tuple[str, ...]:
    namespace = (pod.get("metadata") or {}).get("namespace") or "default"
    try:
        result = admission.admit_pod(pod, presets, namespace=namespace,
                                     version=_admission_version(version))
    except (AttributeError, TypeError, KeyError, ValueError):
        return ()
    return result.matched


@rule("podpreset-conflict", "warning",
      "when the PodPresets matching a pod conflict (same env name, volume or mount with "
      "different contents), admission applies none of them, silently: the pod starts without "
      "the injected settings",
      kinds=("Pod", "Deployment", "ReplicaSet", "ReplicationController", "StatefulSet",
             "DaemonSet", "Job", "CronJob"),
      source="k/k plugin/pkg/admission/podpreset/admission.go safeToApplyPodPresetsOnPod "
             "(run through pytest_k8sflow.engine.admission.podpreset.admit_pod)",
      family="podpresets")
def podpreset_conflict(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    if not m.schema_ok:
        return  # refused before admission runs
    presets = _valid_presets(lint_set, m.namespace)
    if not presets:
        return
    pod = pod_of(m)
    if pod is None:
        return
    problems = conflicts(pod.as_pod(), presets, version=lint_set.version)
    if not problems:
        return
    names = matched_presets(pod.as_pod(), presets, version=lint_set.version)
    what = "its pods" if m.kind != "Pod" else "it"
    yield m.finding(podpreset_conflict, pod.meta_path,
                    f"PodPresets {', '.join(names)} conflict for {what}, so none of them is "
                    f"applied: {'; '.join(problems)}", key=True)


def _valid_presets(lint_set: LintSet, namespace: str) -> list[dict]:
    """The presets of a namespace the API server would have stored (valid ones)."""
    return [p.data for p in lint_set.of_kind("PodPreset")
            if p.namespace == namespace and p.schema_ok and not _validate(p.data)]


def _validate(preset: dict) -> list[str]:
    try:
        return admission.validate_podpreset(preset)
    except (AttributeError, TypeError, KeyError, ValueError):
        return ["spec: Invalid value: a shape the API server cannot decode"]


@podpreset_conflict.explainer
def _explain_conflict(finding: Finding, lint_set: LintSet) -> dict | None:
    m = finding.manifest
    pod = pod_of(m) if m is not None else None
    if m is None or pod is None:
        return None
    valid = _valid_presets(lint_set, m.namespace)
    presets = [p for p in lint_set.of_kind("PodPreset") if any(p.data is v for v in valid)]
    names = matched_presets(pod.as_pod(), valid, version=lint_set.version)
    meta: dict = {"namespace": m.namespace,
                  "annotations": {admission.preset_annotation_key(n): None for n in names}}
    if m.kind == "Pod":
        meta["name"] = m.name
    elif pod.labels:
        meta["labels"] = dict(pod.labels)
    given = [p for p in presets if p.name in names]
    return scenario(finding, lint_set, given=[*given, m],
                    expect=[{"kind": "Pod", "metadata": meta}])


_FIELD = re.compile(r"^([A-Za-z0-9_.\[\]-]+): (.*)$")


def _path(text: str) -> tuple:
    if text.startswith("spec.volumes.env.envFrom.volumeMounts"):
        return ("spec",)
    out: list[str | int] = []
    for part in text.split("."):
        name, *indexes = re.split(r"\[(\d+)\]", part)
        if name:
            out.append(name)
        out.extend(int(i) for i in indexes if i)
    return tuple(out)


@rule("podpreset-invalid", "error",
      "the API server refuses a PodPreset that injects nothing or mounts a volume it does "
      "not define itself",
      kinds=("PodPreset",),
      source="k/k pkg/apis/settings/validation ValidatePodPresetSpec (run through "
             "pytest_k8sflow.engine.admission.podpreset.validate_podpreset)",
      family="podpresets")
def podpreset_invalid(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    if not m.schema_ok:
        return  # the schema findings say what is wrong first
    for error in _validate(m.data):
        match = _FIELD.match(error)
        path = _path(match.group(1)) if match else ("spec",)
        if path and path[0] not in ("spec", "metadata"):
            path = ("spec",)
        yield m.finding(podpreset_invalid, path, error)
