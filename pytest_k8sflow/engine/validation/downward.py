"""Downward API references: the fieldRef and resourceFieldRef selectors that env vars and
downwardAPI volume files may name, and the field paths each allows.

Sources: k/k pkg/apis/core/validation/validation.go (validateObjectFieldSelector,
validateContainerResourceFieldSelector) and pkg/apis/core/pods/helpers.go
(ConvertDownwardAPIFieldLabel).
"""

from __future__ import annotations

import re

from pytest_k8sflow.engine.validation.common import _str, child, invalid, not_supported, required
from pytest_k8sflow.engine.validation.names import is_qualified_name

_ENV_FIELD_PATHS = ["metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
                    "spec.serviceAccountName", "status.hostIP", "status.hostIPs",
                    "status.podIP", "status.podIPs"]
_VOLUME_FIELD_PATHS = ["metadata.annotations", "metadata.labels", "metadata.name",
                       "metadata.namespace", "metadata.uid"]
# pkg/apis/core/pods ConvertDownwardAPIFieldLabel: what may be named at all.
_CONVERTIBLE_FIELD_PATHS = {"metadata.annotations", "metadata.labels", "metadata.name",
                            "metadata.namespace", "metadata.uid", "spec.nodeName",
                            "spec.restartPolicy", "spec.serviceAccountName",
                            "spec.schedulerName", "status.phase", "status.hostIP",
                            "status.hostIPs", "status.podIP", "status.podIPs"}
_RESOURCE_FIELD_PATHS = ["limits.cpu", "limits.ephemeral-storage", "limits.memory",
                         "requests.cpu", "requests.ephemeral-storage", "requests.memory"]
_SUBSCRIPT = re.compile(r"^(metadata\.(?:labels|annotations))\['(.*)'\]$")


def _validate_object_field_selector(ref: dict, expressions: list[str], path: str) -> list[str]:
    if not ref.get("apiVersion"):
        return [required(child(path, "apiVersion"))]
    field_path = _str(ref.get("fieldPath"))
    if not field_path:
        return [required(child(path, "fieldPath"))]
    match = _SUBSCRIPT.match(field_path)
    if match:
        base, subscript = match.groups()
        if base == "metadata.annotations":
            return [invalid(path, subscript.lower(), msg)
                    for msg in is_qualified_name(subscript.lower())]
        return [invalid(path, subscript, msg) for msg in is_qualified_name(subscript)]
    if field_path not in _CONVERTIBLE_FIELD_PATHS:
        return [invalid(child(path, "fieldPath"), field_path,
                        f"error converting fieldPath: field label not supported: {field_path}")]
    if field_path not in expressions:
        return [not_supported(child(path, "fieldPath"), field_path, expressions)]
    return []


def _validate_resource_field_selector(ref: dict, path: str, volume: bool) -> list[str]:
    resource = _str(ref.get("resource"))
    if volume and not ref.get("containerName"):
        return [required(child(path, "containerName"))]
    if not resource:
        return [required(child(path, "resource"))]
    if resource not in _RESOURCE_FIELD_PATHS and not resource.startswith(
            ("requests.hugepages-", "limits.hugepages-")):
        return [not_supported(child(path, "resource"), resource, _RESOURCE_FIELD_PATHS)]
    return []
