"""The ``env`` expectation (an extension of the contract): a container's resolved environment.

``{pod, container, env: {NAME: value, ...}}`` (plus ``namespace``): every named variable must
be set in the container's environment with that value (a subset match: other variables are
ignored). ``NAME: null`` means the variable must not be set; a value may be a matcher
(``{$regex: ...}``). What ``kubectl exec POD -c CONTAINER -- env`` would show for the
variables Kubernetes sets: envFrom (with prefix), env with ``$(VAR)`` expansion and valueFrom
(fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef), and the service variables.

The environment is the one the kubelet built when it created the running container (k/k
pkg/kubelet/kubelet_pods.go ``makeEnvironmentVariables``): a ConfigMap, Secret or Service
changed afterwards does not change it until the container restarts. A container that never
started has no environment; the failure says why (e.g. ``CreateContainerConfigError``).
``pod`` may be a glob (every matching pod must pass); ``container`` may be left out when the pod
has one container; the value may be a list of entries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_k8sflow.errors import K8sflowError
from pytest_k8sflow.expect.files import pick_container, select_pods
from pytest_k8sflow.expect.matchers import ABSENT, describe, is_matcher, render_value
from pytest_k8sflow.expect.matching import value_matches

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster


def check_env(cluster: Cluster, value: Any) -> str | None:
    """None when every ``env`` entry holds, else the failure texts, one per entry."""
    entries = value if isinstance(value, list) else [value]
    failures = []
    for entry in entries:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("env"), Mapping):
            raise K8sflowError("an env expectation is {pod, container, env: {NAME: value}}, "
                               f"got {entry!r}")
        if not entry.get("pod"):
            raise K8sflowError(f"an env expectation needs `pod`: {dict(entry)!r}")
        namespace = entry.get("namespace") or "default"
        pods, failure = select_pods(cluster, str(entry["pod"]), namespace)
        if failure:
            failures.append(failure)
            continue
        texts = [t for t in (_check_pod(cluster, pod, entry) for pod in pods) if t]
        if texts and len(pods) > 1:
            texts.insert(0, f"{len(texts)} of {len(pods)} pods matching {entry['pod']} fail:")
        failures += texts
    return "\n".join(failures) if failures else None


def container_environment(cluster: Cluster, pod: Mapping, container: str
                          ) -> tuple[dict[str, str] | None, str | None]:
    """The environment the kubelet gave the container, or why there is none."""
    kubelet = getattr(cluster, "kubelet", None)
    env = kubelet.container_environment(pod, container) if kubelet is not None else None
    if env is not None:
        return env, None
    for status in ((pod.get("status") or {}).get("initContainerStatuses") or []) + \
            ((pod.get("status") or {}).get("containerStatuses") or []):
        if status.get("name") == container:
            waiting = (status.get("state") or {}).get("waiting") or {}
            if waiting:
                why = waiting.get("reason") or "waiting"
                if waiting.get("message"):
                    why += f": {waiting['message']}"
                return None, f"the container has not started ({why})"
    if not (pod.get("spec") or {}).get("nodeName"):
        return None, "the pod is not bound to a node, so the container has not started"
    return None, "the container has not started"


def _check_pod(cluster: Cluster, pod: Mapping, entry: Mapping) -> str | None:
    pod_name = pod["metadata"]["name"]
    container, failure = pick_container(pod, entry.get("container"))
    if failure:
        return failure
    where = f"Pod/{pod_name} container {container} env"
    env, why = container_environment(cluster, pod, container)
    if env is None:
        return f"{where}: {why}"
    lines = []
    for name, want in entry["env"].items():
        actual = env.get(name, ABSENT)
        if want is None:
            if actual is not ABSENT:
                lines.append(f"  {name}: expected not set, got {render_value(actual)}")
            continue
        if is_matcher(want):
            if not value_matches(want, actual):
                lines.append(f"  {name}: expected {describe(want)}, got "
                             f"{render_value(actual)}")
            continue
        if isinstance(want, bool):
            want = "true" if want else "false"
        elif isinstance(want, int | float):
            want = str(want)
        if actual is ABSENT:
            lines.append(f"  {name}: expected {render_value(want)}, but it is not set")
        elif actual != want:
            lines.append(f"  {name}: expected {render_value(want)}, got {render_value(actual)}")
    if not lines:
        return None
    names = ", ".join(env)
    return "\n".join([f"{where} differs:", *lines, f"  (variables set: {names})"])
