"""What a container sees at its volume mounts, and why a pod's volumes fail to set up.

The kubelet volume plugins write a payload per volume (k/k pkg/volume/secret, configmap,
downwardapi, projected: ``MakePayload`` / ``CollectData``; emptyDir starts empty), and the
container runtime mounts each volume (or one ``subPath`` of it) at its ``mountPath``. A volume
whose required ConfigMap, Secret or key is missing fails ``SetUp``: the kubelet records a
``FailedMount`` event and keeps every container of the pod waiting in ``ContainerCreating``.
Rules and sources: docs/semantics/admission-and-volumes.md.

Simplified: file modes, ownership and the atomic writer's ``..data`` symlink layout are not
modelled; only the files themselves.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass

from pytest_k8sflow.engine.admission.serviceaccount import bound_token
from pytest_k8sflow.engine.envvars import (
    ContainerNotFound,
    FieldPathError,
    container_env,
    expand,
    extract_field_path_as_string,
    find_container,
    mapping_func_for,
    resource_value_by_container_name,
    secret_bytes,
)
from pytest_k8sflow.engine.timeutil import parse_time
from pytest_k8sflow.errors import K8sflowError

FileContent = bytes | str
FAILED_MOUNT_REASON = "FailedMount"
CONTAINER_CREATING = "ContainerCreating"


@dataclass(frozen=True)
class VolumeSetupFailure:
    """One volume the kubelet cannot set up, with the error text it reports."""

    volume: str
    message: str

    event_type = "Warning"
    event_reason = FAILED_MOUNT_REASON

    @property
    def event_message(self) -> str:
        """k/k pkg/kubelet/volumemanager operation executor: the FailedMount event text."""
        return f'MountVolume.SetUp failed for volume "{self.volume}" : {self.message}'


class VolumeSetupError(K8sflowError):
    """The pod's volumes cannot be set up, so none of its containers runs."""

    def __init__(self, failures: list[VolumeSetupFailure]) -> None:
        self.failures = failures
        super().__init__("; ".join(f.event_message for f in failures))


class _SetupFailed(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def _aggregate(messages: list[str]) -> str:
    unique: list[str] = []
    for message in messages:
        if message not in unique:
            unique.append(message)
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


def _clean(path: str) -> str:
    return posixpath.normpath(path)


# -- payloads of the volume plugins ------------------------------------------------------------
def _config_map_payload(cm: Mapping, items: list | None, optional: bool
                        ) -> dict[str, FileContent]:
    """configmap.MakePayload: every key, or only the listed keys at their paths."""
    data = {k: str(v) for k, v in (cm.get("data") or {}).items()}
    binary: dict[str, bytes] = {}
    for key, value in (cm.get("binaryData") or {}).items():
        try:
            binary[key] = base64.b64decode(str(value), validate=True)
        except (binascii.Error, ValueError):
            binary[key] = str(value).encode()
    payload: dict[str, FileContent] = {}
    if not items:
        payload.update(data)
        payload.update(binary)
        return payload
    for item in items:
        key = item.get("key", "")
        if key in data:
            payload[_clean(item.get("path", key))] = data[key]
        elif key in binary:
            payload[_clean(item.get("path", key))] = binary[key]
        elif optional:
            continue
        else:
            raise _SetupFailed(f"configmap references non-existent config key: {key}")
    return payload


def _secret_payload(secret: Mapping, items: list | None, optional: bool
                    ) -> dict[str, FileContent]:
    """secret.MakePayload: the decoded bytes of every key, or of the listed keys."""
    data = secret_bytes(secret)
    if not items:
        return dict(data)
    payload: dict[str, FileContent] = {}
    for item in items:
        key = item.get("key", "")
        if key in data:
            payload[_clean(item.get("path", key))] = data[key]
        elif optional:
            continue
        else:
            raise _SetupFailed(f"references non-existent secret key: {key}")
    return payload


def _downward_api_payload(pod: Mapping, items: list | None,
                          node_allocatable: Mapping | None) -> dict[str, FileContent]:
    """downwardapi.CollectData: one file per item (fieldRef via ExtractFieldPathAsString,
    resourceFieldRef via the container's limits, node allocatable standing in for none)."""
    payload: dict[str, FileContent] = {}
    errors: list[str] = []
    for item in items or []:
        path = _clean(item.get("path", ""))
        value = ""
        try:
            if item.get("fieldRef"):
                value = extract_field_path_as_string(pod, item["fieldRef"].get("fieldPath", ""))
            elif item.get("resourceFieldRef"):
                ref = item["resourceFieldRef"]
                value = resource_value_by_container_name(ref, pod, ref.get("containerName", ""),
                                                         node_allocatable)
        except FieldPathError as exc:
            errors.append(str(exc))
        payload[path] = value
    if errors:
        raise _SetupFailed(_aggregate(errors))
    return payload


def _pod_time_ms(pod: Mapping, now_ms: int | None) -> int:
    if now_ms is not None:
        return now_ms
    created = (pod.get("metadata") or {}).get("creationTimestamp")
    return parse_time(created) if created else 0


def _token_payload(pod: Mapping, projection: Mapping, store, now_ms: int | None) -> str:
    meta = pod.get("metadata") or {}
    namespace = meta.get("namespace") or "default"
    spec = pod.get("spec") or {}
    account_name = spec.get("serviceAccountName") or "default"
    account = store.get("ServiceAccount", namespace, account_name)
    if account is None:
        raise _SetupFailed(f'failed to fetch token: serviceaccounts "{account_name}" not found')
    return bound_token(namespace, account_name, account["metadata"].get("uid", ""),
                       meta.get("name", ""), meta.get("uid", ""), _pod_time_ms(pod, now_ms),
                       expiration_seconds=int(projection.get("expirationSeconds") or 3600),
                       audience=projection.get("audience"))


def volume_payload(pod: Mapping, volume: Mapping, store, *,
                   node_allocatable: Mapping | None = None,
                   now_ms: int | None = None) -> dict[str, FileContent]:
    """The files of one pod volume, by path relative to the volume root.

    Raises :class:`VolumeSetupError` (one failure) when the kubelet cannot set it up. Volume
    types that hold no API data (emptyDir, hostPath, persistentVolumeClaim, ...) are empty.
    """
    try:
        return _payload(pod, volume, store, node_allocatable, now_ms)
    except _SetupFailed as exc:
        raise VolumeSetupError([VolumeSetupFailure(volume.get("name", ""), exc.message)]) \
            from None


def _payload(pod: Mapping, volume: Mapping, store, node_allocatable: Mapping | None,
             now_ms: int | None) -> dict[str, FileContent]:
    namespace = (pod.get("metadata") or {}).get("namespace") or "default"
    for field, kind, name_key, payload in (
            ("secret", "Secret", "secretName", _secret_payload),
            ("configMap", "ConfigMap", "name", _config_map_payload)):
        source = volume.get(field)
        if source is None:
            continue
        name = source.get(name_key, "")
        optional = bool(source.get("optional"))
        obj = store.get(kind, namespace, name)
        if obj is None:
            if not optional:
                raise _SetupFailed(f'{kind.lower()} "{name}" not found')
            return {}
        return payload(obj, source.get("items"), optional)
    if volume.get("downwardAPI") is not None:
        return _downward_api_payload(pod, volume["downwardAPI"].get("items"), node_allocatable)
    if volume.get("projected") is not None:
        return _projected_payload(pod, volume["projected"], store, node_allocatable, now_ms)
    return {}


def _projected_payload(pod: Mapping, projected: Mapping, store,
                       node_allocatable: Mapping | None, now_ms: int | None
                       ) -> dict[str, FileContent]:
    """projected collectData: every source into one directory; the errors of all sources
    are aggregated."""
    namespace = (pod.get("metadata") or {}).get("namespace") or "default"
    payload: dict[str, FileContent] = {}
    errors: list[str] = []
    for source in projected.get("sources") or []:
        try:
            if source.get("secret") is not None:
                ref = source["secret"]
                optional = bool(ref.get("optional"))
                secret = store.get("Secret", namespace, ref.get("name", ""))
                if secret is None:
                    if not optional:
                        raise _SetupFailed(f'secret "{ref.get("name", "")}" not found')
                    secret = {}
                payload.update(_secret_payload(secret, ref.get("items"), optional))
            elif source.get("configMap") is not None:
                ref = source["configMap"]
                optional = bool(ref.get("optional"))
                cm = store.get("ConfigMap", namespace, ref.get("name", ""))
                if cm is None:
                    if not optional:
                        raise _SetupFailed(f'configmap "{ref.get("name", "")}" not found')
                    cm = {}
                payload.update(_config_map_payload(cm, ref.get("items"), optional))
            elif source.get("downwardAPI") is not None:
                payload.update(_downward_api_payload(pod, source["downwardAPI"].get("items"),
                                                     node_allocatable))
            elif source.get("serviceAccountToken") is not None:
                projection = source["serviceAccountToken"]
                payload[_clean(projection.get("path", "token"))] = \
                    _token_payload(pod, projection, store, now_ms)
        except _SetupFailed as exc:
            errors.append(exc.message)
    if errors:
        raise _SetupFailed(_aggregate(errors))
    return payload


def volume_setup_errors(pod: Mapping, store, *, node_allocatable: Mapping | None = None,
                        now_ms: int | None = None) -> list[VolumeSetupFailure]:
    """Every pod volume that fails SetUp, in ``spec.volumes`` order (the kubelet mounts them
    in parallel and reports each failure in its own FailedMount event). A non-empty list means
    the pod's containers stay ``Waiting`` with reason ``ContainerCreating``."""
    failures = []
    for volume in (pod.get("spec") or {}).get("volumes") or []:
        try:
            _payload(pod, volume, store, node_allocatable, now_ms)
        except _SetupFailed as exc:
            failures.append(VolumeSetupFailure(volume.get("name", ""), exc.message))
    return failures


def _depth(path: str) -> int:
    return len([p for p in path.split("/") if p])


def container_files(pod: Mapping, container_name: str, store, *,
                    node_allocatable: Mapping | None = None,
                    now_ms: int | None = None) -> dict[str, FileContent]:
    """Absolute path -> content of every file the container sees through its volume mounts.

    Secret values and ConfigMap ``binaryData`` are bytes, everything else is text. Raises
    :class:`VolumeSetupError` when any pod volume fails to set up (the container never starts)
    and :class:`~pytest_k8sflow.engine.envvars.ContainerNotFound` for an unknown container.
    ``node_allocatable`` stands in for unset limits in ``resourceFieldRef``; ``now_ms`` is
    when tokens are issued (default: the pod's creation time).
    """
    container = find_container(pod, container_name)
    if container is None:
        raise ContainerNotFound(
            f'container "{container_name}" not found in pod "{pod["metadata"]["name"]}"')
    failures = volume_setup_errors(pod, store, node_allocatable=node_allocatable, now_ms=now_ms)
    if failures:
        raise VolumeSetupError(failures)
    volumes = {v.get("name"): v for v in (pod.get("spec") or {}).get("volumes") or []}
    mounts = list(enumerate(container.get("volumeMounts") or []))
    # Parents before children, so a deeper mount shadows what a shallower one put there.
    mounts.sort(key=lambda item: (_depth(_clean(item[1].get("mountPath", "/"))), item[0]))
    env_mapping = None
    files: dict[str, FileContent] = {}
    for _, mount in mounts:
        volume = volumes.get(mount.get("name"))
        if volume is None:
            continue
        target = _clean(mount.get("mountPath", "/"))
        files = {p: c for p, c in files.items()
                 if p != target and not p.startswith(target.rstrip("/") + "/")}
        payload = _payload(pod, volume, store, node_allocatable, now_ms)
        sub = mount.get("subPath") or ""
        if not sub and mount.get("subPathExpr"):
            # kubelet makeMounts: subPathExpr expands $(VAR) against the container's env.
            if env_mapping is None:
                env = container_env(pod, container_name, store,
                                    node_allocatable=node_allocatable)
                env_mapping = mapping_func_for(env.env)
            sub = expand(mount["subPathExpr"], env_mapping)
        sub = _clean(sub) if sub else ""
        for rel, content in payload.items():
            if sub:
                if rel == sub:
                    files[target] = content
                elif rel.startswith(sub + "/"):
                    files[posixpath.join(target, rel[len(sub) + 1:])] = content
                continue
            files[_clean(posixpath.join(target, rel))] = content
    return dict(sorted(files.items()))
