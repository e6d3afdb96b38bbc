"""The DefaultTolerationSeconds admission plugin.

k/k plugin/pkg/admission/defaulttolerationseconds/admission.go (enabled by default): every Pod
written through the API (CREATE and UPDATE of the pod itself, not of a subresource) that does
not already tolerate ``node.kubernetes.io/not-ready:NoExecute`` (resp. ``unreachable``) gets

    {key: node.kubernetes.io/not-ready,   operator: Exists, effect: NoExecute,
     tolerationSeconds: 300}
    {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute,
     tolerationSeconds: 300}

appended to ``spec.tolerations``. "Already tolerates" is judged on key and effect only: a
toleration with that key or an empty key, and effect NoExecute or empty, counts whatever its
operator, value or tolerationSeconds. This is why a Deployment's pods leave a failed node after
five minutes (the taint manager honours tolerationSeconds), and why DaemonSet pods, whose
controller adds both tolerations without seconds, stay.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TAINT_NODE_NOT_READY = "node.kubernetes.io/not-ready"
TAINT_NODE_UNREACHABLE = "node.kubernetes.io/unreachable"
# kube-apiserver flags --default-not-ready-toleration-seconds, --default-unreachable-...
DEFAULT_NOT_READY_TOLERATION_SECONDS = 300
DEFAULT_UNREACHABLE_TOLERATION_SECONDS = 300

AdmissionPlugin = Callable[[Any, dict, str, "dict | None"], dict]


def _covers(toleration: dict, key: str) -> bool:
    # admission.go Admit: (Key == taint || Key == "") && (Effect == NoExecute || Effect == "")
    return (toleration.get("key") or "") in (key, "") and \
        (toleration.get("effect") or "") in ("NoExecute", "")


def default_tolerations(tolerations: list[dict] | None, *,
                        not_ready_seconds: int = DEFAULT_NOT_READY_TOLERATION_SECONDS,
                        unreachable_seconds: int = DEFAULT_UNREACHABLE_TOLERATION_SECONDS
                        ) -> list[dict] | None:
    """The tolerations after the plugin; None when nothing needs adding."""
    current = list(tolerations or ())
    has_not_ready = any(_covers(t, TAINT_NODE_NOT_READY) for t in current)
    has_unreachable = any(_covers(t, TAINT_NODE_UNREACHABLE) for t in current)
    if has_not_ready and has_unreachable:
        return None
    if not has_not_ready:
        current.append({"key": TAINT_NODE_NOT_READY, "operator": "Exists",
                        "effect": "NoExecute", "tolerationSeconds": not_ready_seconds})
    if not has_unreachable:
        current.append({"key": TAINT_NODE_UNREACHABLE, "operator": "Exists",
                        "effect": "NoExecute", "tolerationSeconds": unreachable_seconds})
    return current


def make_default_tolerations_plugin(
        not_ready_seconds: int = DEFAULT_NOT_READY_TOLERATION_SECONDS,
        unreachable_seconds: int = DEFAULT_UNREACHABLE_TOLERATION_SECONDS) -> AdmissionPlugin:
    """An admission plugin ``plugin(api, obj, operation, old) -> obj`` (engine/apiserver.py)."""

    def plugin(api: Any, obj: dict, operation: str, old: dict | None) -> dict:
        # NewHandler(admission.Create, admission.Update); pods only. The simulated apiserver
        # runs admission only for writes of the object itself, never for status or binding.
        if obj.get("kind") != "Pod" or obj.get("apiVersion") != "v1":
            return obj
        if operation not in ("CREATE", "UPDATE"):
            return obj
        spec = obj.get("spec") or {}
        tolerations = default_tolerations(spec.get("tolerations"),
                                          not_ready_seconds=not_ready_seconds,
                                          unreachable_seconds=unreachable_seconds)
        if tolerations is None:
            return obj
        return {**obj, "spec": {**spec, "tolerations": tolerations}}

    plugin.__name__ = "DefaultTolerationSeconds"
    return plugin
