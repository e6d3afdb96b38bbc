"""Validation of the other core kinds: Namespace, ConfigMap, Secret, PersistentVolumeClaim,
Node, and the metadata-only kinds (PersistentVolume, ServiceAccount, ...).

Sources: k/k pkg/apis/core/validation/validation.go (ValidateNamespace, ValidateConfigMap,
ValidateSecret, ValidatePersistentVolumeClaim, ValidateNode).
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_k8sflow.engine.validation.common import (
    Version,
    _dicts,
    _list,
    _map,
    _str,
    child,
    forbidden,
    go_quote,
    index,
    invalid,
    key,
    not_supported,
    required,
    too_long,
)
from pytest_k8sflow.engine.validation.meta import (
    _STANDARD_FINALIZERS,
    validate_label_name,
    validate_object_meta,
    validate_object_meta_update,
)
from pytest_k8sflow.engine.validation.names import (
    NameFn,
    is_config_map_key,
    is_qualified_name,
    is_valid_label_value,
    name_is_dns_label,
    name_is_dns_subdomain,
)
from pytest_k8sflow.engine.validation.pod import _TAINT_EFFECTS
from pytest_k8sflow.engine.validation.volumes import _validate_pvc_spec

# -- other core kinds --------------------------------------------------------------------------

def _validate_namespace(ns: dict, version: Version) -> list[str]:
    errs = validate_object_meta(ns.get("metadata"), False, name_is_dns_label)
    for i, name in enumerate(_list(_map(ns.get("spec")).get("finalizers"))):
        path = index("spec.finalizers", i)
        msgs = is_qualified_name(_str(name))
        errs += [invalid(path, _str(name), msg) for msg in msgs]
        if not msgs and "/" not in _str(name) and name not in _STANDARD_FINALIZERS:
            errs.append(invalid(path, _str(name), "name is neither a standard finalizer name nor "
                                "is it fully qualified"))
    return errs


def _validate_data_keys(obj: dict, data_key: str, path: str) -> list[str]:
    errs: list[str] = []
    for name in sorted(_map(obj.get(data_key))):
        errs += [invalid(key(path, name), name, msg) for msg in is_config_map_key(str(name))]
    return errs


def _validate_config_map(cm: dict, version: Version) -> list[str]:
    errs = validate_object_meta(cm.get("metadata"), True, name_is_dns_subdomain)
    errs += _validate_data_keys(cm, "data", "data")
    for name in sorted(_map(cm.get("data"))):
        if name in _map(cm.get("binaryData")):
            errs.append(invalid(key("data", name), name, "duplicate of key present in binaryData"))
    errs += _validate_data_keys(cm, "binaryData", "binaryData")
    size = sum(len(_str(v)) for v in _map(cm.get("data")).values())
    size += sum(len(_str(v)) * 3 // 4 for v in _map(cm.get("binaryData")).values())
    if size > 1024 * 1024:
        errs.append(too_long("", 1024 * 1024))
    return errs


def _validate_config_map_update(new: dict, old: dict, version: Version) -> list[str]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    if old.get("immutable") is True:
        if new.get("immutable") is not True:
            errs.append(forbidden("immutable", "field is immutable when `immutable` is set"))
        for field_name in ("data", "binaryData"):
            if _map(new.get(field_name)) != _map(old.get(field_name)):
                errs.append(forbidden(field_name, "field is immutable when `immutable` is set"))
    return errs + _validate_config_map(new, version)


def _validate_secret(secret: dict, version: Version) -> list[str]:
    errs = validate_object_meta(secret.get("metadata"), True, name_is_dns_subdomain)
    errs += _validate_data_keys(secret, "data", "data")
    data = _map(secret.get("data"))
    secret_type = _str(secret.get("type"))
    annotations = _map(_map(secret.get("metadata")).get("annotations"))
    if secret_type == "kubernetes.io/service-account-token":
        if not annotations.get("kubernetes.io/service-account.name"):
            errs.append(required("metadata.annotations[kubernetes.io/service-account.name]"))
    elif secret_type == "kubernetes.io/dockercfg" and ".dockercfg" not in data:
        errs.append(required("data[.dockercfg]"))
    elif secret_type == "kubernetes.io/dockerconfigjson" and ".dockerconfigjson" not in data:
        errs.append(required("data[.dockerconfigjson]"))
    elif secret_type == "kubernetes.io/basic-auth" and "username" not in data \
            and "password" not in data:
        errs += [required("data[username]"), required("data[password]")]
    elif secret_type == "kubernetes.io/ssh-auth" and not data.get("ssh-privatekey"):
        errs.append(required("data[ssh-privatekey]"))
    elif secret_type == "kubernetes.io/tls":
        if "tls.crt" not in data:
            errs.append(required("data[tls.crt]"))
        if "tls.key" not in data:
            errs.append(required("data[tls.key]"))
    return errs


def _validate_secret_update(new: dict, old: dict, version: Version) -> list[str]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    if _str(new.get("type")) != _str(old.get("type")):
        errs.append(invalid("type", _str(new.get("type")), "field is immutable"))
    if old.get("immutable") is True:
        if new.get("immutable") is not True:
            errs.append(forbidden("immutable", "field is immutable when `immutable` is set"))
        if _map(new.get("data")) != _map(old.get("data")):
            errs.append(forbidden("data", "field is immutable when `immutable` is set"))
    return errs + _validate_secret(new, version)


def _validate_pvc(pvc: dict, version: Version) -> list[str]:
    errs = validate_object_meta(pvc.get("metadata"), True, name_is_dns_subdomain)
    return errs + _validate_pvc_spec(_map(pvc.get("spec")), "spec")


def _validate_node(node: dict, version: Version) -> list[str]:
    errs = validate_object_meta(node.get("metadata"), False, name_is_dns_subdomain)
    taints = _dicts(_map(node.get("spec")).get("taints"))
    seen: set[tuple[str, str]] = set()
    for i, taint in enumerate(taints):
        # validateNodeTaints is called with the path "metadata.taints" upstream.
        item = index("metadata.taints", i)
        taint_key = _str(taint.get("key"))
        errs += validate_label_name(taint_key, child(item, "key"))
        value = _str(taint.get("value"))
        msgs = is_valid_label_value(value)
        if msgs:
            errs.append(invalid(child(item, "value"), value, ";".join(msgs)))
        effect = _str(taint.get("effect"))
        if not effect:
            errs.append(required(child(item, "effect")))
        elif effect not in _TAINT_EFFECTS:
            errs.append(not_supported(child(item, "effect"), effect, _TAINT_EFFECTS))
        if (taint_key, effect) in seen:
            errs.append(f"{item}: Duplicate value: core.Taint{{Key:{go_quote(taint_key)}, "
                        f"Value:{go_quote(value)}, Effect:{go_quote(effect)}, "
                        "TimeAdded:<nil>}: taints must be unique by key and effect pair")
        seen.add((taint_key, effect))
    return errs


def _metadata_only(name_fn: NameFn, namespaced: bool) -> Callable[[dict, Version], list[str]]:
    def validate(obj: dict, version: Version) -> list[str]:
        return validate_object_meta(obj.get("metadata"), namespaced, name_fn)
    return validate


def _metadata_update_only(obj: dict, old: dict, version: Version) -> list[str]:
    return validate_object_meta_update(obj.get("metadata"), old.get("metadata"))
