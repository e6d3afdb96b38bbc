"""The contract's ``files`` expectation: what a container reads at a path.

``{pod, container, path, content}`` (plus ``namespace``, default ``default``). The files come
from the container's volume mounts as the kubelet sets them up
(:func:`pytest_k8sflow.engine.volumes.container_files`: Secret, ConfigMap, downward API,
projected, service account token; emptyDir and the like start empty).

Additions to the contract (docs/scenario-format.md, "Extensions"):

- ``content`` is matched exactly (a matcher such as ``{$regex: ...}`` or ``{$glob: ...}`` is
  allowed); ``content: null`` means no file exists at that path;
- the value may be a list of such entries, each checked;
- ``pod`` may be a glob (``web-*``): every matching pod must pass, and at least one must exist;
- ``container`` may be left out when the pod has a single container.

A file's bytes are compared as UTF-8 text; bytes that are not UTF-8 are shown as base64 in the
failure text.
"""

from __future__ import annotations

import base64
import fnmatch
import posixpath
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_k8sflow.engine.envvars import ContainerNotFound
from pytest_k8sflow.engine.volumes import FileContent, VolumeSetupError, container_files
from pytest_k8sflow.errors import K8sflowError
from pytest_k8sflow.expect.matchers import describe, is_matcher
from pytest_k8sflow.expect.matching import value_matches

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster

MAX_LISTED = 10


def check_files(cluster: Cluster, value: Any) -> str | None:
    """None when every ``files`` entry holds, else the failure texts, one per entry."""
    entries = value if isinstance(value, list) else [value]
    failures = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            raise K8sflowError(f"a files expectation is a mapping {{pod, container, path, "
                               f"content}}, got {entry!r}")
        text = _check_entry(cluster, entry)
        if text:
            failures.append(text)
    return "\n".join(failures) if failures else None


# -- shared with envcheck ---------------------------------------------------------------------
def select_pods(cluster: Cluster, name: str, namespace: str) -> tuple[list[dict], str | None]:
    """The pods named ``name`` (a glob allowed) in ``namespace``, or a failure text."""
    pods = cluster.store.list("Pod", namespace)
    if "*" in name or "?" in name:
        found = [p for p in pods if fnmatch.fnmatchcase(p["metadata"]["name"], name)]
    else:
        found = [p for p in pods if p["metadata"]["name"] == name]
    if found:
        return sorted(found, key=lambda p: p["metadata"]["name"]), None
    names = [p["metadata"]["name"] for p in pods]
    if not names:
        existing = f"there are no pods in namespace {namespace}"
    else:
        more = f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
        existing = "existing pods: " + ", ".join(names[:MAX_LISTED]) + more
    return [], f"Pod/{name} not found in namespace {namespace}; {existing}"


def container_names(pod: Mapping) -> list[str]:
    spec = pod.get("spec") or {}
    return [c["name"] for key in ("initContainers", "containers", "ephemeralContainers")
            for c in spec.get(key) or []]


def pick_container(pod: Mapping, wanted: str | None) -> tuple[str | None, str | None]:
    """The container name to use, or a failure text."""
    names = container_names(pod)
    pod_name = pod["metadata"]["name"]
    if wanted is None:
        main = [c["name"] for c in (pod.get("spec") or {}).get("containers") or []]
        if len(main) == 1:
            return main[0], None
        return None, (f"Pod/{pod_name} has {len(main)} containers ({', '.join(main)}): "
                      f"name one with `container:`")
    if wanted not in names:
        return None, (f'Pod/{pod_name}: no container "{wanted}"; its containers: '
                      f"{', '.join(names) or 'none'}")
    return wanted, None


def node_allocatable(cluster: Cluster, pod: Mapping) -> Mapping | None:
    node_name = (pod.get("spec") or {}).get("nodeName")
    node = cluster.store.get("Node", "", node_name) if node_name else None
    return (node or {}).get("status", {}).get("allocatable") if node else None


# -- one entry ----------------------------------------------------------------------------------
def _as_text(content: FileContent) -> tuple[str, bool]:
    """The file as text, and whether it was valid UTF-8."""
    if isinstance(content, str):
        return content, True
    try:
        return content.decode("utf-8"), True
    except UnicodeDecodeError:
        return content.decode("utf-8", "replace"), False


def _expected_text(expected: Any) -> Any:
    # YAML turns `content: 6379` into a number and `content: true` into a boolean; the file
    # holds their text.
    if isinstance(expected, bool):
        return "true" if expected else "false"
    if isinstance(expected, int | float):
        return str(expected)
    return expected


def _show(text: str) -> str:
    """A file content in a failure text: quoted, with newlines visible."""
    shown = repr(text)
    if len(shown) > 400:
        shown = shown[:200] + "…" + shown[-199:]
    return shown


def _token_start_ms(pod: Mapping) -> int | None:
    # The kubelet requests the projected token when it mounts the volume, i.e. when it first
    # syncs the pod: status.startTime (creation time before the kubelet saw the pod).
    from pytest_k8sflow.engine.timeutil import parse_time

    start = (pod.get("status") or {}).get("startTime")
    return parse_time(start) if start else None


def pod_files(cluster: Cluster, pod: Mapping, container: str) -> dict[str, FileContent]:
    """Every file the container sees (path -> content); raises VolumeSetupError."""
    return container_files(pod, container, cluster.store,
                           node_allocatable=node_allocatable(cluster, pod),
                           now_ms=_token_start_ms(pod))


def _check_entry(cluster: Cluster, entry: Mapping) -> str | None:
    for key in ("pod", "path"):
        if not entry.get(key):
            raise K8sflowError(f"a files expectation needs `{key}`: {dict(entry)!r}")
    if "content" not in entry:
        raise K8sflowError(f"a files expectation needs `content` (null: the file must not "
                           f"exist): {dict(entry)!r}")
    namespace = entry.get("namespace") or "default"
    pods, failure = select_pods(cluster, str(entry["pod"]), namespace)
    if failure:
        return failure
    texts = []
    for pod in pods:
        text = _check_pod(cluster, pod, entry)
        if text:
            texts.append(text)
    if not texts:
        return None
    if len(pods) > 1:
        texts.insert(0, f"{len(texts)} of {len(pods)} pods matching {entry['pod']} fail:")
    return "\n".join(texts)


def _check_pod(cluster: Cluster, pod: Mapping, entry: Mapping) -> str | None:
    pod_name = pod["metadata"]["name"]
    container, failure = pick_container(pod, entry.get("container"))
    if failure:
        return failure
    path = posixpath.normpath(str(entry["path"]))
    where = f"Pod/{pod_name} container {container} file {path}"
    if not (pod.get("spec") or {}).get("nodeName"):
        return f"{where}: the pod is not bound to a node, so its volumes are not set up"
    try:
        files = pod_files(cluster, pod, container)
    except VolumeSetupError as exc:
        lines = [f"{where}: the pod's volumes cannot be set up (it stays ContainerCreating):"]
        lines += ["  " + f.event_message for f in exc.failures]
        return "\n".join(lines)
    except ContainerNotFound as exc:  # pragma: no cover - pick_container checked it
        return f"{where}: {exc}"
    expected = _expected_text(entry["content"])
    prefix = path.rstrip("/") + "/"
    inside = [p for p in files if p.startswith(prefix)]
    if path not in files:
        if expected is None and not inside:
            return None
        if inside:
            return (f"{where}: is a directory, not a file; it holds: "
                    + ", ".join(inside[:MAX_LISTED])
                    + (f" and {len(inside) - MAX_LISTED} more" if len(inside) > MAX_LISTED
                       else ""))
        return f"{where}: no such file; " + _listing(files, path)
    actual, utf8 = _as_text(files[path])
    if expected is None:
        return f"{where}: expected no such file, but it exists with content {_show(actual)}"
    if is_matcher(expected):
        if value_matches(expected, actual):
            return None
        return (f"{where}: expected content {describe(expected)}\n"
                f"  actual:   {_show(actual)}")
    if utf8 and actual == expected:
        return None
    got = _show(actual) if utf8 else \
        f"(not UTF-8, base64) {base64.b64encode(files[path]).decode()}"  # type: ignore[arg-type]
    return (f"{where}: content differs\n  expected: {_show(str(expected))}\n  actual:   {got}")


def _listing(files: Mapping[str, FileContent], path: str) -> str:
    if not files:
        return "the container sees no files from its volumes"
    # Files next to the wanted one first: they usually show the typo.
    parent = posixpath.dirname(path).rstrip("/") + "/"
    near = [p for p in files if p.startswith(parent)]
    shown = near or list(files)
    more = f" and {len(shown) - MAX_LISTED} more" if len(shown) > MAX_LISTED else ""
    label = f"files in {parent}" if near else "files it sees"
    return f"{label}: " + ", ".join(shown[:MAX_LISTED]) + more
