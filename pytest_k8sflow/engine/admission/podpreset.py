"""PodPreset admission (settings.k8s.io/v1alpha1), as the 1.15-1.19 plugin does it.

k/k plugin/pkg/admission/podpreset/admission.go (``Admit``, ``filterPodPresets``,
``safeToApplyPodPresetsOnPod``, ``mergeEnv``, ``mergeEnvFrom``, ``mergeVolumeMounts``,
``mergeVolumes``, ``applyPodPresetsOnPod``) and k/k pkg/apis/settings/validation
(``ValidatePodPreset``). Rules and sources: docs/semantics/admission-and-volumes.md.

In short: on Pod CREATE only, skip mirror pods and pods annotated
``podpreset.admission.kubernetes.io/exclude: "true"``; take the presets of the request
namespace whose selector matches the pod (``{}`` matches all); dry-run the merge of all of them
together (volumes; env and volumeMounts of every init and regular container); on any conflict
change nothing, log a warning and let the create go on; otherwise merge and annotate the pod
with ``podpreset.admission.kubernetes.io/podpreset-<name>: <resourceVersion>`` per preset.

Upstream takes presets in informer order (a Go map, undefined); here they are taken sorted by
name, so results are stable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.envvars import ENV_VAR_NAME_MESSAGE, go_quote, is_env_var_name
from pytest_k8sflow.engine.quantity import QuantityError, parse_quantity
from pytest_k8sflow.engine.selectors import SelectorError, from_label_selector
from pytest_k8sflow.engine.timeutil import to_datetime

if TYPE_CHECKING:
    from pytest_k8sflow.engine.apiserver import ApiServer

Version = tuple[int, int]

ANNOTATION_PREFIX = "podpreset.admission.kubernetes.io"
EXCLUDE_ANNOTATION = f"{ANNOTATION_PREFIX}/exclude"
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"
API_VERSION = "settings.k8s.io/v1alpha1"

PODPRESET_API_FROM: Version = (1, 6)
PODPRESET_API_BEFORE: Version = (1, 20)   # removed in 1.20
INIT_CONTAINERS_FROM: Version = (1, 14)   # init containers merged and checked
ENVFROM_MERGE_KEY_FROM: Version = (1, 15)  # envFromMergeKey (reinvocation-safe envFrom)
SUBPATH_EXPR_FROM: Version = (1, 14)      # VolumeMount.SubPathExpr exists (for %#v text)
DEFAULT_FILE_MODE = 420


LAST_PODPRESET_VERSION: Version = (1, 19)


def podpreset_available(version: Version) -> bool:
    """Whether settings.k8s.io/v1alpha1 PodPreset is served (1.6 to 1.19)."""
    return PODPRESET_API_FROM <= version < PODPRESET_API_BEFORE


def preset_annotation_key(name: str) -> str:
    return f"{ANNOTATION_PREFIX}/podpreset-{name}"


# -- defaulting (k/k pkg/apis/settings/v1alpha1/zz_generated.defaults.go) ----------------------
def _default_field_ref(ref: Mapping | None) -> Mapping | None:
    if ref is None or ref.get("apiVersion"):
        return ref
    return {**ref, "apiVersion": "v1"}


def _default_env(var: Mapping) -> dict:
    source = var.get("valueFrom")
    if source and source.get("fieldRef") is not None:
        return {**var, "valueFrom": {**source, "fieldRef": _default_field_ref(source["fieldRef"])}}
    return dict(var)


_VOLUME_SOURCES = (
    "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret",
    "nfs", "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder",
    "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume",
    "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO",
    "storageos", "csi", "ephemeral")


def _default_items(items: list | None) -> list | None:
    if items is None:
        return None
    return [{**i, "fieldRef": _default_field_ref(i["fieldRef"])} if i.get("fieldRef") else i
            for i in items]


def default_volume(volume: Mapping) -> dict:
    """SetDefaults_Volume and the per-source defaults that matter here (emptyDir when no
    source; hostPath type ""; defaultMode 420; fieldRef apiVersion v1; token 3600 s)."""
    out = dict(volume)
    if not any(out.get(key) is not None for key in _VOLUME_SOURCES):
        out["emptyDir"] = {}
    if out.get("hostPath") is not None and "type" not in out["hostPath"]:
        out["hostPath"] = {**out["hostPath"], "type": ""}
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        if out.get(key) is not None and out[key].get("defaultMode") is None:
            out[key] = {**out[key], "defaultMode": DEFAULT_FILE_MODE}
    if out.get("downwardAPI") is not None and out["downwardAPI"].get("items") is not None:
        out["downwardAPI"] = {**out["downwardAPI"],
                              "items": _default_items(out["downwardAPI"]["items"])}
    if out.get("projected") is not None:
        sources = []
        for source in out["projected"].get("sources") or []:
            source = dict(source)
            if source.get("downwardAPI") and source["downwardAPI"].get("items") is not None:
                source["downwardAPI"] = {**source["downwardAPI"],
                                         "items": _default_items(source["downwardAPI"]["items"])}
            token = source.get("serviceAccountToken")
            if token is not None and token.get("expirationSeconds") is None:
                source["serviceAccountToken"] = {**token, "expirationSeconds": 3600}
            sources.append(source)
        if "sources" in out["projected"]:
            out["projected"] = {**out["projected"], "sources": sources}
    return out


def default_podpreset(obj: Mapping) -> dict:
    """SetObjectDefaults_PodPreset: defaults for the preset's env and volumes (what the
    apiserver stores, and what the plugin compares and injects)."""
    spec = obj.get("spec")
    if not isinstance(spec, Mapping):
        return dict(obj)
    new_spec = dict(spec)
    if spec.get("env") is not None:
        new_spec["env"] = [_default_env(v) for v in spec["env"]]
    if spec.get("volumes") is not None:
        new_spec["volumes"] = [default_volume(v) for v in spec["volumes"]]
    return {**obj, "spec": new_spec}


# -- comparison: Go reflect.DeepEqual on the (defaulted, internal) structs ----------------------
# Fields that are pointers in Go: an explicit false / 0 / "" is not the same as unset.
_POINTER_FIELDS = frozenset({"optional", "defaultMode", "mode", "expirationSeconds",
                             "mountPropagation", "sizeLimit", "valueFrom"})


def _canonical(value, key: str | None = None):
    if isinstance(value, Mapping):
        out = {}
        for k in sorted(value):
            v = value[k]
            if v is None:
                continue
            if k == "divisor":
                try:
                    if parse_quantity(v) == 0:
                        continue  # the zero Quantity: "0" and unset are equal
                except QuantityError:
                    pass
            if k not in _POINTER_FIELDS and (v is False or v == "" or v == 0 or v == []):
                continue  # Go zero values of plain fields equal the field being absent
            out[k] = _canonical(v, k)
        return out
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def _same(a: Mapping, b: Mapping) -> bool:
    return _canonical(a) == _canonical(b)


# -- Go %#v rendering for the conflict messages -------------------------------------------------
_FAKE_POINTER = "0xc000010000"  # Go prints a heap address here; it is not reproducible


def _ptr(pkg: str, type_name: str, value) -> str:
    return f"(*{pkg}.{type_name})({_FAKE_POINTER if value is not None else 'nil'})"


def _go_bool(value) -> str:
    return "true" if value else "false"


def go_env_var(var: Mapping, pkg: str) -> str:
    return (f"{pkg}.EnvVar{{Name:{go_quote(str(var.get('name') or ''))}, "
            f"Value:{go_quote(str(var.get('value') or ''))}, "
            f"ValueFrom:{_ptr(pkg, 'EnvVarSource', var.get('valueFrom'))}}}")


def go_volume_mount(mount: Mapping, pkg: str, version: Version) -> str:
    text = (f"{pkg}.VolumeMount{{Name:{go_quote(str(mount.get('name') or ''))}, "
            f"ReadOnly:{_go_bool(mount.get('readOnly'))}, "
            f"MountPath:{go_quote(str(mount.get('mountPath') or ''))}, "
            f"SubPath:{go_quote(str(mount.get('subPath') or ''))}, "
            f"MountPropagation:{_ptr(pkg, 'MountPropagationMode', mount.get('mountPropagation'))}")
    if version >= SUBPATH_EXPR_FROM:
        text += f", SubPathExpr:{go_quote(str(mount.get('subPathExpr') or ''))}"
    return text + "}"


def go_env_from(source: Mapping, pkg: str) -> str:
    return (f"{pkg}.EnvFromSource{{Prefix:{go_quote(str(source.get('prefix') or ''))}, "
            f"ConfigMapRef:{_ptr(pkg, 'ConfigMapEnvSource', source.get('configMapRef'))}, "
            f"SecretRef:{_ptr(pkg, 'SecretEnvSource', source.get('secretRef'))}}}")


_GO_SOURCE_TYPES = (
    ("HostPath", "hostPath", "HostPathVolumeSource"), ("EmptyDir", "emptyDir",
                                                       "EmptyDirVolumeSource"),
    ("GCEPersistentDisk", "gcePersistentDisk", "GCEPersistentDiskVolumeSource"),
    ("AWSElasticBlockStore", "awsElasticBlockStore", "AWSElasticBlockStoreVolumeSource"),
    ("GitRepo", "gitRepo", "GitRepoVolumeSource"), ("Secret", "secret", "SecretVolumeSource"),
    ("NFS", "nfs", "NFSVolumeSource"), ("ISCSI", "iscsi", "ISCSIVolumeSource"),
    ("Glusterfs", "glusterfs", "GlusterfsVolumeSource"),
    ("PersistentVolumeClaim", "persistentVolumeClaim", "PersistentVolumeClaimVolumeSource"),
    ("RBD", "rbd", "RBDVolumeSource"), ("FlexVolume", "flexVolume", "FlexVolumeSource"),
    ("Cinder", "cinder", "CinderVolumeSource"), ("CephFS", "cephfs", "CephFSVolumeSource"),
    ("Flocker", "flocker", "FlockerVolumeSource"),
    ("DownwardAPI", "downwardAPI", "DownwardAPIVolumeSource"), ("FC", "fc", "FCVolumeSource"),
    ("AzureFile", "azureFile", "AzureFileVolumeSource"),
    ("ConfigMap", "configMap", "ConfigMapVolumeSource"),
    ("VsphereVolume", "vsphereVolume", "VsphereVirtualDiskVolumeSource"),
    ("Quobyte", "quobyte", "QuobyteVolumeSource"),
    ("AzureDisk", "azureDisk", "AzureDiskVolumeSource"),
    ("PhotonPersistentDisk", "photonPersistentDisk", "PhotonPersistentDiskVolumeSource"),
    ("Projected", "projected", "ProjectedVolumeSource"),
    ("PortworxVolume", "portworxVolume", "PortworxVolumeSource"),
    ("ScaleIO", "scaleIO", "ScaleIOVolumeSource"),
    ("StorageOS", "storageos", "StorageOSVolumeSource"), ("CSI", "csi", "CSIVolumeSource"),
    ("Ephemeral", "ephemeral", "EphemeralVolumeSource"),
)


def go_volume(volume: Mapping, pkg: str) -> str:
    """``%#v`` of a Volume (the 1.19 v1 field order, used for both packages)."""
    fields = ", ".join(f"{go}:{_ptr(pkg, type_name, volume.get(key))}"
                       for go, key, type_name in _GO_SOURCE_TYPES)
    return (f"{pkg}.Volume{{Name:{go_quote(str(volume.get('name') or ''))}, "
            f"VolumeSource:{pkg}.VolumeSource{{{fields}}}}}")


def aggregate_message(messages: Iterable[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): nested aggregates flattened, duplicates dropped,
    one message bare, several in ``[a, b]``."""
    unique: list[str] = []
    for message in messages:
        if message not in unique:
            unique.append(message)
    if len(unique) == 1:
        return unique[0]
    return "[" + ", ".join(unique) + "]"


# -- the merge functions -----------------------------------------------------------------------
Preset = Mapping  # a (defaulted) PodPreset object


def _name(preset: Preset) -> str:
    return (preset.get("metadata") or {}).get("name", "")


def _spec(preset: Preset) -> Mapping:
    return preset.get("spec") or {}


def _merge_by_name(items: list[Mapping] | None, presets: Iterable[Preset], field: str,
                   defaulted: Callable[[Mapping], Mapping], render: Callable[[Mapping, str], str],
                   ) -> tuple[list[dict], list[str]]:
    """mergeEnv / mergeVolumes: entries keyed by name; identical ones kept once, a different
    one is a conflict. Entries added by an earlier preset take part in the check of later
    ones. Both sides are compared defaulted, as upstream compares the defaulted pod with the
    defaulted, converted preset."""
    original: dict[str, Mapping] = {}
    for item in items or []:
        original[item.get("name", "")] = item
    merged = [dict(i) for i in items or []]
    errors: list[str] = []
    for preset in presets:
        for item in _spec(preset).get(field) or []:
            name = item.get("name", "")
            found = original.get(name)
            if found is None:
                original[name] = item
                merged.append(dict(item))
                continue
            if not _same(defaulted(found), defaulted(item)):
                errors.append(f"merging {field} for {_name(preset)} has a conflict on {name}: \n"
                              f"{render(item, 'v1')}\ndoes not match\n"
                              f"{render(found, 'core')}\n in container")
    return merged, errors


def merge_env(env: list[Mapping] | None, presets: Iterable[Preset]
              ) -> tuple[list[dict] | None, list[str]]:
    """mergeEnv: by name (see :func:`_merge_by_name`)."""
    merged, errors = _merge_by_name(env, presets, "env", _default_env, go_env_var)
    return (None, errors) if errors else (merged, [])


def env_from_merge_key(source: Mapping) -> tuple[str, str, str]:
    """newEnvFromMergeKey: (prefix, configMapRef.name, secretRef.name)."""
    return (source.get("prefix") or "",
            (source.get("configMapRef") or {}).get("name", "") if source.get("configMapRef")
            is not None else "",
            (source.get("secretRef") or {}).get("name", "") if source.get("secretRef")
            is not None else "")


def merge_env_from(env_from: list[Mapping] | None, presets: Iterable[Preset], *,
                   version: Version = (1, 19)) -> tuple[list[dict] | None, list[str]]:
    """mergeEnvFrom. Before 1.15 every preset entry is appended. From 1.15 entries are keyed
    by :func:`env_from_merge_key` against the container's *own* entries only (so two presets
    with the same entry both append it), and a same-key entry that differs otherwise (only
    ``optional`` can) is an error, which makes the result None."""
    merged = [dict(s) for s in env_from or []]
    if version < ENVFROM_MERGE_KEY_FROM:
        for preset in presets:
            merged.extend(dict(s) for s in _spec(preset).get("envFrom") or [])
        return (merged or None), []
    original = {env_from_merge_key(s): s for s in env_from or []}
    errors: list[str] = []
    for preset in presets:
        for source in _spec(preset).get("envFrom") or []:
            found = original.get(env_from_merge_key(source))
            if found is None:
                merged.append(dict(source))
                continue
            if not _same(found, source):
                errors.append(f"merging envFrom for {_name(preset)} has a conflict: \n"
                              f"{go_env_from(source, 'core')}\ndoes not match\n"
                              f"{go_env_from(found, 'core')}\n in container")
    if errors:
        return None, errors
    return (merged or None), []


def merge_volume_mounts(mounts: list[Mapping] | None, presets: Iterable[Preset], *,
                        version: Version = (1, 19)) -> tuple[list[dict] | None, list[str]]:
    """mergeVolumeMounts: checked by name *and* by mountPath; a preset that mounts one volume
    at two paths conflicts with itself (both entries share the name)."""
    by_name: dict[str, Mapping] = {}
    by_path: dict[str, Mapping] = {}
    for mount in mounts or []:
        by_name[mount.get("name", "")] = mount
        by_path[mount.get("mountPath", "")] = mount
    merged = [dict(m) for m in mounts or []]
    errors: list[str] = []
    for preset in presets:
        for mount in _spec(preset).get("volumeMounts") or []:
            name = mount.get("name", "")
            path = mount.get("mountPath", "")
            found = by_name.get(name)
            if found is None:
                by_name[name] = mount
                merged.append(dict(mount))
            elif not _same(found, mount):
                errors.append(f"merging volume mounts for {_name(preset)} has a conflict on "
                              f"{name}: \n{go_volume_mount(mount, 'v1', version)}\ndoes not "
                              f"match\n{go_volume_mount(found, 'core', version)}\n in container")
            found = by_path.get(path)
            if found is None:
                by_path[path] = mount
            elif not _same(found, mount):
                errors.append(f"merging volume mounts for {_name(preset)} has a conflict on "
                              f"mount path {path}: \n{go_volume_mount(mount, 'v1', version)}\n"
                              f"does not match\n{go_volume_mount(found, 'core', version)}\n"
                              " in container")
    return (None, errors) if errors else (merged, [])


def merge_volumes(volumes: list[Mapping] | None, presets: Iterable[Preset]
                  ) -> tuple[list[dict] | None, list[str]]:
    """mergeVolumes: by name, pod volumes first, then each preset's in order; an empty result
    is None (no ``volumes`` field)."""
    merged, errors = _merge_by_name(volumes, presets, "volumes", default_volume, go_volume)
    if errors:
        return None, errors
    return (merged or None), []


# -- the plugin --------------------------------------------------------------------------------
@dataclass(frozen=True)
class PresetConflict:
    """A conflict that stopped every matching preset. Upstream 1.8-1.19 only logs it."""

    namespace: str
    pod_name: str
    pod_generate_name: str
    presets: tuple[str, ...]
    error: str

    @property
    def log_message(self) -> str:
        """The kube-apiserver warning, word for word (the pod is named by its generateName,
        which is empty for a pod created with a name)."""
        return (f"conflict occurred while applying podpresets: {','.join(self.presets)} on pod:"
                f" {self.pod_generate_name} err: {self.error}")

    def klog_line(self, now_ms: int, *, pid: int = 1, source: str = "admission.go:147") -> str:
        """The log line as klog prints it (``W1214 13:00:12.987884       1 admission.go:147]
        ...``); the source line is the one seen in 1.18/1.19 logs."""
        moment = to_datetime(now_ms)
        stamp = moment.strftime("%m%d %H:%M:%S.%f")
        return f"W{stamp} {pid:>7} {source}] {self.log_message}"

    def event(self) -> dict:
        """A synthetic Event in the shape the 1.6/1.7 plugin used (type Warning, no reason,
        source ``pip <preset>``, message = the merge error). 1.8-1.19 emit no Event."""
        return {"type": "Warning", "reason": "", "message": self.error,
                "source": {"component": "pip " + ",".join(self.presets)},
                "involvedObject": {"kind": "Pod", "namespace": self.namespace,
                                   "name": self.pod_name}}


@dataclass
class PodPresetResult:
    """What the plugin did to one pod."""

    pod: dict
    applied: tuple[str, ...] = ()
    conflict: PresetConflict | None = None
    skipped: str | None = None  # why nothing was looked at (mirror, excluded, ...)
    matched: tuple[str, ...] = ()


def _containers_to_check(spec: Mapping, version: Version, ephemeral: bool) -> list[Mapping]:
    """pods.VisitContainersWithPath order: init containers, containers, then ephemeral
    containers when the EphemeralContainers gate is on (off by default up to 1.22)."""
    out: list[Mapping] = []
    if version >= INIT_CONTAINERS_FROM:
        out.extend(spec.get("initContainers") or [])
    out.extend(spec.get("containers") or [])
    if ephemeral:
        out.extend(spec.get("ephemeralContainers") or [])
    return out


def safe_to_apply(pod: Mapping, presets: list[Preset], *, version: Version = (1, 19),
                  ephemeral_containers: bool = False) -> list[str]:
    """safeToApplyPodPresetsOnPod: every conflict message (empty list = safe). envFrom is not
    checked."""
    spec = pod.get("spec") or {}
    errors = list(merge_volumes(spec.get("volumes"), presets)[1])
    for container in _containers_to_check(spec, version, ephemeral_containers):
        errors.extend(merge_env(container.get("env"), presets)[1])
        errors.extend(merge_volume_mounts(container.get("volumeMounts"), presets,
                                          version=version)[1])
    return errors


def _set_list(container: dict, key: str, value: list | None) -> None:
    # Go writes a nil or empty slice, which the API omits.
    if value:
        container[key] = value
    else:
        container.pop(key, None)


def apply_presets(pod: Mapping, presets: list[Preset], *, version: Version = (1, 19)) -> dict:
    """applyPodPresetsOnPod: merge into the pod (errors ignored, as upstream: the conflict check
    ran first) and annotate it per preset."""
    spec = dict(pod.get("spec") or {})
    volumes, _ = merge_volumes(spec.get("volumes"), presets)
    _set_list(spec, "volumes", volumes)
    groups = ["containers"] + (["initContainers"] if version >= INIT_CONTAINERS_FROM else [])
    for group in groups:
        if group not in spec:
            continue
        containers = []
        for container in spec[group] or []:
            new = dict(container)
            env, _ = merge_env(container.get("env"), presets)
            _set_list(new, "env", env)
            mounts, _ = merge_volume_mounts(container.get("volumeMounts"), presets,
                                            version=version)
            _set_list(new, "volumeMounts", mounts)
            # The envFrom error is dropped and its nil result written: the 1.15-1.19 quirk
            # that empties envFrom when a same-key entry differs in ``optional``.
            env_from, _ = merge_env_from(container.get("envFrom"), presets, version=version)
            _set_list(new, "envFrom", env_from)
            containers.append(new)
        spec[group] = containers
    meta = dict(pod.get("metadata") or {})
    annotations = dict(meta.get("annotations") or {})
    for preset in presets:
        annotations[preset_annotation_key(_name(preset))] = \
            str((preset.get("metadata") or {}).get("resourceVersion", ""))
    meta["annotations"] = annotations
    return {**pod, "metadata": meta, "spec": spec}


def matching_presets(pod: Mapping, presets: Iterable[Preset]) -> list[Preset]:
    """filterPodPresets: presets whose selector matches the pod's labels (``{}`` matches all).
    A selector that does not convert fails the whole create, as upstream."""
    labels = (pod.get("metadata") or {}).get("labels") or {}
    out = []
    for preset in presets:
        selector = _spec(preset).get("selector")
        try:
            # The selector is a struct, not a pointer, in PodPresetSpec: absent means {}.
            matcher = from_label_selector(selector if selector is not None else {})
        except SelectorError as exc:
            raise apierrors.ApiError(
                "InternalError",
                "Internal error occurred: filtering pod presets failed: label selector "
                f"conversion failed: {exc}", 500) from exc
        if matcher.matches(labels):
            out.append(preset)
    return out


def admit_pod(pod: Mapping, presets: Iterable[Preset], *, namespace: str,
              version: Version = (1, 19), operation: str = "CREATE",
              ephemeral_containers: bool = False) -> PodPresetResult:
    """The plugin's Admit on one pod, given the presets of the cluster (any namespace; only
    those in ``namespace``, the request namespace, are used). Pure: returns the new pod."""
    pod = dict(pod)
    if operation != "CREATE":
        return PodPresetResult(pod, skipped="not a create")
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    if MIRROR_POD_ANNOTATION in annotations:
        return PodPresetResult(pod, skipped="mirror pod")
    if annotations.get(EXCLUDE_ANNOTATION) == "true":
        return PodPresetResult(pod, skipped="excluded")
    in_namespace = sorted(
        (default_podpreset(p) for p in presets
         if ((p.get("metadata") or {}).get("namespace") or "default") == namespace),
        key=_name)
    matched = matching_presets(pod, in_namespace)
    if not matched:
        return PodPresetResult(pod, skipped="no matching presets")
    names = tuple(_name(p) for p in matched)
    errors = safe_to_apply(pod, matched, version=version,
                           ephemeral_containers=ephemeral_containers)
    if errors:
        meta = pod.get("metadata") or {}
        conflict = PresetConflict(namespace, meta.get("name", ""), _generate_name(meta), names,
                                  aggregate_message(errors))
        return PodPresetResult(pod, conflict=conflict, matched=names)
    return PodPresetResult(apply_presets(pod, matched, version=version), applied=names,
                           matched=names)


def _generate_name(meta: Mapping) -> str:
    return str(meta.get("generateName") or "")


@dataclass
class PodPresetAdmission:
    """The PodPreset admission plugin as a callable for the simulated apiserver.

    ``log`` collects the apiserver log lines (``("W", text)`` for conflicts, ``("I", text)``
    for applied presets); ``conflicts`` the conflicts themselves; ``on_conflict`` is called for
    each (the engine may turn :meth:`PresetConflict.event` into an Event if it wants to).
    """

    version: Version = (1, 19)
    ephemeral_containers: bool = False
    on_conflict: Callable[[PresetConflict], None] | None = None
    log: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[PresetConflict] = field(default_factory=list)

    def __call__(self, api: ApiServer, obj: dict, operation: str, old: dict | None) -> dict:
        if self.version < PODPRESET_API_FROM or obj.get("kind") != "Pod" or \
                operation != "CREATE":
            return obj
        # Served at every later version too (the scenario contract): clusters newer than the
        # API's last release get the plugin as 1.19 shipped it.
        version = min(self.version, LAST_PODPRESET_VERSION)
        namespace = (obj.get("metadata") or {}).get("namespace") or "default"
        result = admit_pod(obj, api.store.list("PodPreset", namespace), namespace=namespace,
                           version=version, operation=operation,
                           ephemeral_containers=self.ephemeral_containers)
        if result.conflict is not None:
            self.conflicts.append(result.conflict)
            self.log.append(("W", result.conflict.log_message))
            if self.on_conflict is not None:
                self.on_conflict(result.conflict)
        elif result.applied:
            meta = obj.get("metadata") or {}
            self.log.append(("I", f"applied podpresets: {','.join(result.applied)} "
                                  f"successfully on Pod: {_generate_name(meta)} "))
        return result.pod


def make_podpreset_plugin(version: Version, *, ephemeral_containers: bool = False,
                          on_conflict: Callable[[PresetConflict], None] | None = None
                          ) -> PodPresetAdmission:
    """The PodPreset admission plugin for a cluster of this version. Kubernetes removed the
    API in 1.20; this tool keeps serving it (as 1.19 did) at every later version. Upstream
    order puts it before ServiceAccount admission."""
    return PodPresetAdmission(version=version, ephemeral_containers=ephemeral_containers,
                              on_conflict=on_conflict)


# -- validation (k/k pkg/apis/settings/validation/validation.go) -------------------------------
_DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN = rf"{_DNS1123_LABEL}(\.{_DNS1123_LABEL})*"
_QUALIFIED_NAME = r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE = r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?"

_SUBDOMAIN_MESSAGE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
_LABEL_MESSAGE = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
_QUALIFIED_MESSAGE = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
_LABEL_VALUE_MESSAGE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


def _fullmatch(pattern: str, text: str) -> bool:
    return re.fullmatch(pattern, text) is not None


def _invalid(path: str, value, detail: str) -> str:
    shown = go_quote(value) if isinstance(value, str) else str(value)
    return f"{path}: Invalid value: {shown}: {detail}"


def _qualified_name_errors(path: str, key: str) -> list[str]:
    """apimachinery IsQualifiedName (prefix/name), with the usual messages."""
    name = key
    errors = []
    if "/" in key:
        prefix, name = key.split("/", 1)
        if not _fullmatch(_DNS1123_SUBDOMAIN, prefix) or len(prefix) > 253:
            errors.append(_invalid(path, key, "prefix part " + _SUBDOMAIN_MESSAGE))
    if not name:
        errors.append(_invalid(path, key, "name part must be non-empty"))
    elif len(name) > 63:
        errors.append(_invalid(path, key, "name part must be no more than 63 characters"))
    elif not _fullmatch(_QUALIFIED_NAME, name):
        errors.append(_invalid(path, key, _QUALIFIED_MESSAGE))
    return errors


def _validate_selector(selector, path: str) -> list[str]:
    """metav1 validation ValidateLabelSelector."""
    if not isinstance(selector, Mapping):
        return []
    errors: list[str] = []
    for index, expr in enumerate(selector.get("matchExpressions") or []):
        expr_path = f"{path}.matchExpressions[{index}]"
        op = expr.get("operator")
        values = expr.get("values") or []
        if op in ("In", "NotIn"):
            if not values:
                errors.append(f"{expr_path}.values: Required value: must be specified when "
                              "`operator` is 'In' or 'NotIn'")
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errors.append(f"{expr_path}.values: Forbidden: may not be specified when "
                              "`operator` is 'Exists' or 'DoesNotExist'")
        else:
            errors.append(_invalid(f"{expr_path}.operator", str(op or ""),
                                   "not a valid selector operator"))
        errors.extend(_qualified_name_errors(f"{expr_path}.key", str(expr.get("key") or "")))
    for key, value in (selector.get("matchLabels") or {}).items():
        errors.extend(_qualified_name_errors(f"{path}.matchLabels", str(key)))
        if len(str(value)) > 63:
            errors.append(_invalid(f"{path}.matchLabels", str(value),
                                   "must be no more than 63 characters"))
        elif not _fullmatch(_LABEL_VALUE, str(value)):
            errors.append(_invalid(f"{path}.matchLabels", str(value), _LABEL_VALUE_MESSAGE))
    return errors


def _validate_env(env: list, path: str) -> list[str]:
    """core validation ValidateEnv (name rules and value/valueFrom exclusivity)."""
    errors = []
    for index, var in enumerate(env or []):
        var_path = f"{path}[{index}]"
        name = str(var.get("name") or "")
        if not name:
            errors.append(f"{var_path}.name: Required value")
        elif not is_env_var_name(name, (1, 19)):
            errors.append(_invalid(f"{var_path}.name", name, ENV_VAR_NAME_MESSAGE))
        source = var.get("valueFrom")
        if source is not None:
            kinds = [k for k in ("fieldRef", "resourceFieldRef", "configMapKeyRef",
                                 "secretKeyRef") if source.get(k) is not None]
            if var.get("value"):
                errors.append(_invalid(f"{var_path}.valueFrom", "",
                                       "may not be specified when `value` is not empty"))
            if not kinds:
                errors.append(_invalid(f"{var_path}.valueFrom", "",
                                       "must specify one of: `fieldRef`, `resourceFieldRef`, "
                                       "`configMapKeyRef` or `secretKeyRef`"))
            elif len(kinds) > 1:
                errors.append(_invalid(f"{var_path}.valueFrom", "",
                                       "may not have more than one field specified at a time"))
    return errors


def _validate_env_from(env_from: list, path: str) -> list[str]:
    """core validation ValidateEnvFrom."""
    errors = []
    for index, source in enumerate(env_from or []):
        source_path = f"{path}[{index}]"
        prefix = source.get("prefix") or ""
        if prefix and not is_env_var_name(prefix, (1, 19)):
            errors.append(_invalid(f"{source_path}.prefix", prefix, ENV_VAR_NAME_MESSAGE))
        refs = [k for k in ("configMapRef", "secretRef") if source.get(k) is not None]
        for ref_key in refs:
            ref_name = str(source[ref_key].get("name") or "")
            ref_path = f"{source_path}.{ref_key}.name"
            if not ref_name:
                errors.append(f"{ref_path}: Required value")
            elif not _fullmatch(_DNS1123_SUBDOMAIN, ref_name):
                errors.append(_invalid(ref_path, ref_name, _SUBDOMAIN_MESSAGE))
        if not refs:
            errors.append(_invalid(path, "", "must specify one of: `configMapRef` or "
                                             "`secretRef`"))
        elif len(refs) > 1:
            errors.append(f"{path}: Forbidden: may not have more than one field specified at a "
                          "time")
    return errors


def _validate_volumes(volumes: list, path: str) -> tuple[set[str], list[str]]:
    """core validation ValidateVolumes (names; sources are not validated in depth here)."""
    names: set[str] = set()
    errors = []
    for index, volume in enumerate(volumes or []):
        volume_path = f"{path}[{index}]"
        name = str(volume.get("name") or "")
        if not name:
            errors.append(f"{volume_path}.name: Required value")
        elif not _fullmatch(_DNS1123_LABEL, name) or len(name) > 63:
            errors.append(_invalid(f"{volume_path}.name", name, _LABEL_MESSAGE))
        elif name in names:
            errors.append(f"{volume_path}.name: Duplicate value: {go_quote(name)}")
        sources = [k for k in _VOLUME_SOURCES if volume.get(k) is not None]
        if len(sources) > 1:
            errors.append(f"{volume_path}.{sources[1]}: Forbidden: may not specify more than 1 "
                          "volume type")
        if name:
            names.add(name)
    return names, errors


def _validate_volume_mounts(mounts: list, volume_names: set[str], path: str) -> list[str]:
    """core validation ValidateVolumeMounts against the preset's own volumes."""
    errors = []
    seen_paths: set[str] = set()
    for index, mount in enumerate(mounts or []):
        mount_path = f"{path}[{index}]"
        name = str(mount.get("name") or "")
        target = str(mount.get("mountPath") or "")
        if not name:
            errors.append(f"{mount_path}.name: Required value")
        if name not in volume_names:
            errors.append(f"{mount_path}.name: Not found: {go_quote(name)}")
        if not target:
            errors.append(f"{mount_path}.mountPath: Required value")
        if target in seen_paths:
            errors.append(_invalid(f"{mount_path}.mountPath", target, "must be unique"))
        seen_paths.add(target)
        sub = str(mount.get("subPath") or "")
        if sub and (sub.startswith("/") or ".." in sub.split("/")):
            detail = "must be a relative path" if sub.startswith("/") else \
                "must not contain '..'"
            errors.append(_invalid(f"{path}.subPath", sub, detail))
    return errors


def validate_podpreset(obj: Mapping) -> list[str]:
    """ValidatePodPreset: field errors as ``<path>: <type>: <detail>`` strings (empty = valid).

    Checks the name (DNS subdomain), the selector, that at least one of env / envFrom /
    volumes / volumeMounts is given (``nil`` counts, as in Go: ``env: []`` is "given"), the env
    and envFrom entries, volume names, and that every volumeMount names one of the preset's own
    volumes.
    """
    errors: list[str] = []
    meta = obj.get("metadata") or {}
    name = str(meta.get("name") or "")
    if name and (not _fullmatch(_DNS1123_SUBDOMAIN, name) or len(name) > 253):
        errors.append(_invalid("metadata.name", name, _SUBDOMAIN_MESSAGE))
    spec = obj.get("spec") or {}
    errors.extend(_validate_selector(spec.get("selector"), "spec.selector"))
    if all(spec.get(k) is None for k in ("env", "envFrom", "volumeMounts", "volumes")):
        errors.append("spec.volumes.env.envFrom.volumeMounts: Required value: must specify at "
                      "least one")
    volume_names, volume_errors = _validate_volumes(spec.get("volumes"), "spec.volumes")
    errors.extend(volume_errors)
    errors.extend(_validate_env(spec.get("env"), "spec.env"))
    errors.extend(_validate_env_from(spec.get("envFrom"), "spec.envFrom"))
    errors.extend(_validate_volume_mounts(spec.get("volumeMounts"), volume_names,
                                          "spec.volumeMounts"))
    return errors
