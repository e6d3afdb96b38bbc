"""Validation as the kube-apiserver does it, with its error texts.

``validate_create(obj)`` and ``validate_update(old, new)`` return the field errors the
apiserver would report for an object that has already been defaulted (``apply_defaults``) and
admitted, each rendered like apimachinery ``field.Error.Error()``::

    spec.replicas: Invalid value: -1: must be greater than or equal to 0

Values inside messages are printed the way Go's ``field.Error`` prints them (1.32): strings
``%q``-quoted, numbers and booleans bare, nil as ``"null"``, maps, label selectors and
IntOrStrings as ``%#v`` (``map[string]string{"app":"web"}``,
``v1.LabelSelector{MatchLabels:..., MatchExpressions:[]v1.LabelSelectorRequirement(nil)}``,
``intstr.IntOrString{Type:0, IntVal:0, StrVal:""}``). Larger internal structs (a whole pod
template) are elided as ``core.PodTemplateSpec{...}``.

Sources: k/k pkg/apis/core/validation/validation.go, pkg/apis/apps/validation/validation.go,
pkg/apis/batch/validation/validation.go, staging apimachinery pkg/api/validation and
pkg/util/validation, and the registry strategies that add checks (selector immutability).
What is not modelled is listed in docs/semantics/defaults-and-validation.md.

Layout (each module imports only from those above it):

- ``common``: Go value rendering, field-error constructors and paths, small accessors;
- ``names``: apimachinery name and value validators (DNS labels, qualified names, ports);
- ``meta``: labels, label selectors and ObjectMeta;
- ``downward``: downward API fieldRef/resourceFieldRef selectors;
- ``volumes``: pod volumes (and the PVC spec that ephemeral volumes embed);
- ``containers``: containers, init containers, env, ports, resources, probes;
- ``pod``: PodSpec, pod templates, Pod create and update;
- ``service``: Service;
- ``workloads``: apps/v1 (Deployment, ReplicaSet, DaemonSet, StatefulSet);
- ``cron``: CronJob schedule parsing; ``batch``: Job and CronJob;
- ``core``: Namespace, ConfigMap, Secret, PVC, Node and the metadata-only kinds;
- ``dispatch``: the per-kind tables, ``validate_create`` and ``validate_update``.

This package re-exports the public names of all of them.
"""

from __future__ import annotations

from pytest_k8sflow.engine.validation.common import (
    MAX_INT32,
    OMIT,
    GoValue,
    Version,
    child,
    duplicate,
    forbidden,
    go_int_or_string,
    go_label_selector,
    go_quote,
    go_string_map,
    go_string_slice,
    index,
    invalid,
    key,
    not_found,
    not_supported,
    render,
    required,
    too_long,
    too_many,
)
from pytest_k8sflow.engine.validation.cron import cron_schedule_error
from pytest_k8sflow.engine.validation.dispatch import validate_create, validate_update
from pytest_k8sflow.engine.validation.meta import (
    validate_label_name,
    validate_label_selector,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
)
from pytest_k8sflow.engine.validation.names import (
    NameFn,
    is_config_map_key,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_env_var_name,
    is_qualified_name,
    is_valid_label_value,
    is_valid_port_name,
    is_valid_port_num,
    name_is_dns1035_label,
    name_is_dns_label,
    name_is_dns_subdomain,
)
from pytest_k8sflow.engine.validation.pod import (
    UPDATABLE_POD_SPEC_FIELDS,
    validate_pod_spec,
    validate_tolerations,
)
from pytest_k8sflow.engine.validation.volumes import validate_volumes

__all__ = [
    "MAX_INT32",
    "OMIT",
    "UPDATABLE_POD_SPEC_FIELDS",
    "GoValue",
    "NameFn",
    "Version",
    "child",
    "cron_schedule_error",
    "duplicate",
    "forbidden",
    "go_int_or_string",
    "go_label_selector",
    "go_quote",
    "go_string_map",
    "go_string_slice",
    "index",
    "invalid",
    "is_config_map_key",
    "is_dns1035_label",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_env_var_name",
    "is_qualified_name",
    "is_valid_label_value",
    "is_valid_port_name",
    "is_valid_port_num",
    "key",
    "name_is_dns1035_label",
    "name_is_dns_label",
    "name_is_dns_subdomain",
    "not_found",
    "not_supported",
    "render",
    "required",
    "too_long",
    "too_many",
    "validate_create",
    "validate_label_name",
    "validate_label_selector",
    "validate_labels",
    "validate_object_meta",
    "validate_object_meta_update",
    "validate_pod_spec",
    "validate_tolerations",
    "validate_update",
    "validate_volumes",
]
