"""The per-kind validator tables and the entry points ``validate_create`` and
``validate_update``.

Sources: the registry strategies' Validate/ValidateUpdate of k/k pkg/registry (which
validation function each kind runs).
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_k8sflow.engine.defaults import parse_version
from pytest_k8sflow.engine.validation.batch import (
    _validate_cron_job,
    _validate_cron_job_update,
    _validate_job,
    _validate_job_update,
)
from pytest_k8sflow.engine.validation.common import Version, _dedupe, _map
from pytest_k8sflow.engine.validation.core import (
    _metadata_only,
    _validate_config_map,
    _validate_config_map_update,
    _validate_namespace,
    _validate_node,
    _validate_pvc,
    _validate_secret,
    _validate_secret_update,
)
from pytest_k8sflow.engine.validation.meta import validate_object_meta_update
from pytest_k8sflow.engine.validation.names import name_is_dns_subdomain
from pytest_k8sflow.engine.validation.pod import _validate_pod_create, _validate_pod_update
from pytest_k8sflow.engine.validation.service import _validate_service, _validate_service_update
from pytest_k8sflow.engine.validation.workloads import (
    _selector_immutable,
    _validate_daemon_set,
    _validate_daemon_set_spec,
    _validate_deployment,
    _validate_deployment_spec,
    _validate_replica_set,
    _validate_replica_set_spec,
    _validate_stateful_set,
    _validate_stateful_set_update,
)

# -- dispatch ----------------------------------------------------------------------------------

_CREATE: dict[str, Callable[[dict, Version], list[str]]] = {
    "Pod": _validate_pod_create,
    "Service": _validate_service,
    "Namespace": _validate_namespace,
    "Node": _validate_node,
    "ConfigMap": _validate_config_map,
    "Secret": _validate_secret,
    "PersistentVolumeClaim": _validate_pvc,
    "PersistentVolume": _metadata_only(name_is_dns_subdomain, False),
    "ServiceAccount": _metadata_only(name_is_dns_subdomain, True),
    "Endpoints": _metadata_only(name_is_dns_subdomain, True),
    "EndpointSlice": _metadata_only(name_is_dns_subdomain, True),
    "LimitRange": _metadata_only(name_is_dns_subdomain, True),
    "ResourceQuota": _metadata_only(name_is_dns_subdomain, True),
    "StorageClass": _metadata_only(name_is_dns_subdomain, False),
    "PodDisruptionBudget": _metadata_only(name_is_dns_subdomain, True),
    "PodPreset": _metadata_only(name_is_dns_subdomain, True),
    "ControllerRevision": _metadata_only(name_is_dns_subdomain, True),
    "Deployment": _validate_deployment,
    "ReplicaSet": _validate_replica_set,
    "StatefulSet": _validate_stateful_set,
    "DaemonSet": _validate_daemon_set,
    "Job": _validate_job,
    "CronJob": _validate_cron_job,
}


def _spec_update(spec_fn: Callable[[dict, Version], list[str]]
                 ) -> Callable[[dict, dict, Version], list[str]]:
    """ObjectMeta update checks, the spec checks, then the apps/v1 selector immutability the
    registry strategies add (deployment, replicaset, daemonset ValidateUpdate)."""
    def validate(new: dict, old: dict, version: Version) -> list[str]:
        errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
        errs += spec_fn(_map(new.get("spec")), version)
        return errs + _selector_immutable(new, old)
    return validate


def _generic_update(kind: str) -> Callable[[dict, dict, Version], list[str]]:
    def validate(new: dict, old: dict, version: Version) -> list[str]:
        errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
        create = _CREATE.get(kind)
        if create is not None:
            errs += [e for e in create(new, version) if not e.startswith("metadata.")]
        return errs
    return validate


_UPDATE: dict[str, Callable[[dict, dict, Version], list[str]]] = {
    "Pod": _validate_pod_update,
    "Service": _validate_service_update,
    "ConfigMap": _validate_config_map_update,
    "Secret": _validate_secret_update,
    "Deployment": _spec_update(_validate_deployment_spec),
    "ReplicaSet": _spec_update(_validate_replica_set_spec),
    "DaemonSet": _spec_update(_validate_daemon_set_spec),
    "StatefulSet": _validate_stateful_set_update,
    "Job": _validate_job_update,
    "CronJob": _validate_cron_job_update,
}


def validate_create(obj: dict, *,
                    kubernetes_version: str | tuple[int, int] | None = None) -> list[str]:
    """The field errors the apiserver reports when ``obj`` is created (after defaulting and
    admission), in its order and wording; ``[]`` when it is valid."""
    version = parse_version(kubernetes_version)
    validator = _CREATE.get(obj.get("kind") or "")
    if validator is None:
        return []
    return _dedupe(validator(obj, version))


def validate_update(old: dict, new: dict, *,
                    kubernetes_version: str | tuple[int, int] | None = None) -> list[str]:
    """The field errors the apiserver reports when ``old`` is replaced by ``new``."""
    version = parse_version(kubernetes_version)
    kind = new.get("kind") or ""
    validator = _UPDATE.get(kind)
    if validator is None:
        if kind not in _CREATE:
            return []
        validator = _generic_update(kind)
    return _dedupe(validator(new, old, version))
