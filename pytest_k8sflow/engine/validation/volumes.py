"""Pod volume validation: the volume sources, file modes, key-to-path items and downward API
files.

Sources: k/k pkg/apis/core/validation/validation.go (ValidateVolumes, validateVolumeSource and
the per-source validators).
"""

from __future__ import annotations

from pytest_k8sflow.engine.quantity import QuantityError, parse_quantity
from pytest_k8sflow.engine.validation.common import (
    MAX_INT32,
    Version,
    _dicts,
    _int,
    _list,
    _map,
    _str,
    child,
    duplicate,
    forbidden,
    index,
    invalid,
    key,
    not_supported,
    required,
)
from pytest_k8sflow.engine.validation.downward import (
    _VOLUME_FIELD_PATHS,
    _validate_object_field_selector,
    _validate_resource_field_selector,
)
from pytest_k8sflow.engine.validation.meta import validate_label_selector
from pytest_k8sflow.engine.validation.names import is_dns1123_label

# -- core: volumes -----------------------------------------------------------------------------

_VOLUME_SOURCES = [
    # (field, path name used in "may not specify more than 1 volume type")
    ("emptyDir", "emptyDir"), ("hostPath", "hostPath"), ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk"), ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"), ("nfs", "nfs"), ("iscsi", "iscsi"), ("glusterfs", "glusterfs"),
    ("flocker", "flocker"), ("persistentVolumeClaim", "persistentVolumeClaim"), ("rbd", "rbd"),
    ("cinder", "cinder"), ("cephfs", "cephFS"), ("quobyte", "quobyte"),
    # validateVolumeSource really spells this path "downwarAPI".
    ("downwardAPI", "downwarAPI"), ("fc", "fc"), ("flexVolume", "flexVolume"),
    ("configMap", "configMap"), ("azureFile", "azureFile"), ("vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk"), ("portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk"), ("storageos", "storageos"), ("projected", "projected"),
    ("scaleIO", "scaleIO"), ("csi", "csi"), ("ephemeral", "ephemeral"), ("image", "image"),
]
_FILE_MODE_MSG = "must be a number between 0 and 0777 (octal), both inclusive"


def _validate_mode(value: object, path: str) -> list[str]:
    mode = _int(value)
    if mode is not None and (mode > 0o777 or mode < 0):
        return [invalid(path, mode, _FILE_MODE_MSG)]
    return []


def _validate_local_descending_path(target: str, path: str) -> list[str]:
    errs = []
    if target.startswith("/"):
        errs.append(invalid(path, target, "must be a relative path"))
    if ".." in target.replace("\\", "/").split("/"):
        errs.append(invalid(path, target, "must not contain '..'"))
    return errs


def _validate_key_to_path(item: dict, path: str) -> list[str]:
    errs = []
    if not item.get("key"):
        errs.append(required(child(path, "key")))
    target = _str(item.get("path"))
    if not target:
        errs.append(required(child(path, "path")))
    errs += _validate_local_descending_path(target, child(path, "path"))
    if target.split("/")[0].startswith(".."):
        errs.append(invalid(child(path, "path"), target, "must not start with '..'"))
    errs += _validate_mode(item.get("mode"), child(path, "mode"))
    return errs


def _validate_volume_source(volume: dict, path: str, version: Version) -> list[str]:
    errs: list[str] = []
    count = 0
    for field_name, path_name in _VOLUME_SOURCES:
        source = volume.get(field_name)
        if source is None:
            continue
        if count > 0:
            errs.append(forbidden(child(path, path_name),
                                  "may not specify more than 1 volume type"))
            continue
        count += 1
        source = _map(source)
        src_path = child(path, field_name)
        if field_name == "hostPath":
            if not source.get("path"):
                errs.append(required(child(src_path, "path")))
            else:
                target = _str(source["path"])
                if ".." in target.split("/"):
                    errs.append(invalid(child(src_path, "path"), target, "must not contain '..'"))
                host_type = _str(source.get("type"))
                supported = ["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File",
                             "Socket", "CharDevice", "BlockDevice"]
                if host_type not in supported:
                    errs.append(not_supported(child(src_path, "type"), host_type, supported))
        elif field_name == "secret":
            if not source.get("secretName"):
                errs.append(required(child(src_path, "secretName")))
            errs += _validate_mode(source.get("defaultMode"), child(src_path, "defaultMode"))
            for i, item in enumerate(_dicts(source.get("items"))):
                errs += _validate_key_to_path(item, index(child(src_path, "items"), i))
        elif field_name == "configMap":
            if not source.get("name"):
                errs.append(required(child(src_path, "name")))
            errs += _validate_mode(source.get("defaultMode"), child(src_path, "defaultMode"))
            for i, item in enumerate(_dicts(source.get("items"))):
                errs += _validate_key_to_path(item, index(child(src_path, "items"), i))
        elif field_name == "persistentVolumeClaim":
            if not source.get("claimName"):
                errs.append(required(child(src_path, "claimName")))
        elif field_name == "nfs":
            if not source.get("server"):
                errs.append(required(child(src_path, "server")))
            nfs_path = _str(source.get("path"))
            if not nfs_path:
                errs.append(required(child(src_path, "path")))
            if not nfs_path.startswith("/"):
                errs.append(invalid(child(src_path, "path"), nfs_path, "must be an absolute path"))
        elif field_name == "downwardAPI":
            errs += _validate_mode(source.get("defaultMode"), child(src_path, "defaultMode"))
            for item in _dicts(source.get("items")):
                errs += _validate_downward_file(item, src_path)
        elif field_name == "projected":
            errs += _validate_mode(source.get("defaultMode"), child(src_path, "defaultMode"))
            for i, proj in enumerate(_dicts(source.get("sources"))):
                proj_path = index(child(src_path, "sources"), i)
                for kind in ("secret", "configMap"):
                    if isinstance(proj.get(kind), dict) and not proj[kind].get("name"):
                        errs.append(required(child(proj_path, kind, "name")))
                token = proj.get("serviceAccountToken")
                if isinstance(token, dict):
                    seconds = _int(token.get("expirationSeconds"))
                    token_path = child(proj_path, "serviceAccountToken")
                    if seconds is not None and seconds < 10 * 60:
                        errs.append(invalid(child(token_path, "expirationSeconds"), seconds,
                                            "may not specify a duration less than 10 minutes"))
                    elif seconds is not None and seconds > MAX_INT32:
                        errs.append(invalid(child(token_path, "expirationSeconds"), seconds,
                                            "may not specify a duration larger than 2^32 seconds"))
                    if not token.get("path"):
                        errs.append(required(child(token_path, "path")))
        elif field_name == "emptyDir":
            limit = source.get("sizeLimit")
            if limit is not None:
                try:
                    negative = parse_quantity(limit) < 0
                except QuantityError:
                    negative = False
                if negative:
                    errs.append(forbidden(child(src_path, "sizeLimit"),
                                          "SizeLimit field must be a valid resource quantity"))
        elif field_name == "ephemeral":
            claim = source.get("volumeClaimTemplate")
            if not isinstance(claim, dict):
                errs.append(required(child(src_path, "volumeClaimTemplate")))
            else:
                errs += _validate_pvc_spec(_map(claim.get("spec")),
                                           child(src_path, "volumeClaimTemplate", "spec"))
    if count == 0:
        errs.append(required(path, "must specify a volume type"))
    return errs


def _validate_downward_file(item: dict, path: str) -> list[str]:
    errs = []
    target = _str(item.get("path"))
    if not target:
        errs.append(required(child(path, "path")))
    errs += _validate_local_descending_path(target, child(path, "path"))
    if isinstance(item.get("fieldRef"), dict):
        errs += _validate_object_field_selector(item["fieldRef"], _VOLUME_FIELD_PATHS,
                                                child(path, "fieldRef"))
        if item.get("resourceFieldRef") is not None:
            errs.append(invalid(path, "resource", "fieldRef and resourceFieldRef can not be "
                                "specified simultaneously"))
    elif isinstance(item.get("resourceFieldRef"), dict):
        errs += _validate_resource_field_selector(item["resourceFieldRef"],
                                                  child(path, "resourceFieldRef"), volume=True)
    else:
        errs.append(required(path, "one of fieldRef and resourceFieldRef is required"))
    errs += _validate_mode(item.get("mode"), child(path, "mode"))
    return errs


def validate_volumes(volumes: object, path: str, version: Version) -> tuple[set[str], list[str]]:
    """ValidateVolumes: the names of the volumes that validated, and the errors."""
    names: set[str] = set()
    errs: list[str] = []
    for i, volume in enumerate(_dicts(volumes)):
        vol_path = index(path, i)
        name_path = child(vol_path, "name")
        vol_errs = _validate_volume_source(volume, vol_path, version)
        name = _str(volume.get("name"))
        if not name:
            vol_errs.append(required(name_path))
        else:
            vol_errs += [invalid(name_path, name, msg) for msg in is_dns1123_label(name)]
        if name in names:
            vol_errs.append(duplicate(name_path, name))
        if vol_errs:
            errs += vol_errs
        else:
            names.add(name)
    return names, errs


def _validate_pvc_spec(spec: dict, path: str) -> list[str]:
    errs: list[str] = []
    if not _list(spec.get("accessModes")):
        errs.append(required(child(path, "accessModes"), "at least 1 access mode is required"))
    modes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]
    for mode in _list(spec.get("accessModes")):
        if mode not in modes:
            errs.append(not_supported(child(path, "accessModes"), _str(mode), modes))
    if spec.get("selector") is not None:
        errs += validate_label_selector(spec.get("selector"), child(path, "selector"))
    storage = _map(_map(spec.get("resources")).get("requests")).get("storage")
    if storage is None:
        errs.append(required(key(child(path, "resources"), "storage")))
    else:
        try:
            amount = parse_quantity(storage)
        except QuantityError:
            amount = None
        if amount is not None and amount <= 0:
            errs.append(invalid(key(child(path, "resources", "requests"), "storage"),
                                _str(storage), "must be greater than zero"))
    mode = spec.get("volumeMode")
    if mode is not None and mode not in ("Block", "Filesystem"):
        errs.append(not_supported(child(path, "volumeMode"), _str(mode), ["Block", "Filesystem"]))
    return errs
