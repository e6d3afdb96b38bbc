"""apps/v1 validation: Deployment, ReplicaSet, DaemonSet and StatefulSet specs, selector and
template agreement, and the selector immutability the registry strategies add.

Sources: k/k pkg/apis/apps/validation/validation.go and pkg/registry/apps/*/strategy.go
(ValidateUpdate).
"""

from __future__ import annotations

from pytest_k8sflow.engine.validation.common import (
    GoValue,
    Version,
    _int,
    _map,
    _nonnegative,
    _str,
    child,
    forbidden,
    go_int_or_string,
    go_label_selector,
    go_string_map,
    invalid,
    not_supported,
    required,
)
from pytest_k8sflow.engine.validation.meta import (
    _selector_is_empty,
    _selector_matches,
    _validate_annotations,
    validate_label_selector,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
)
from pytest_k8sflow.engine.validation.names import (
    _PERCENT_FMT,
    _PERCENT_MSG,
    _RE_PERCENT,
    _regex_error,
    name_is_dns_label,
    name_is_dns_subdomain,
)
from pytest_k8sflow.engine.validation.pod import _validate_pod_template_spec

# -- apps/v1 -----------------------------------------------------------------------------------

def _validate_int_or_percent(value: object, path: str) -> list[str]:
    # ValidatePositiveIntOrPercent
    if isinstance(value, str):
        if not _RE_PERCENT.match(value):
            return [invalid(path, go_int_or_string(value),
                            _regex_error(_PERCENT_MSG, _PERCENT_FMT, "1%", "93%"))]
        return []
    return _nonnegative(value, path)


def _int_or_percent_value(value: object) -> int:
    if isinstance(value, str):
        return int(value[:-1]) if _RE_PERCENT.match(value) else 0
    return _int(value) or 0


def _not_more_than_100_percent(value: object, path: str) -> list[str]:
    if isinstance(value, str) and _RE_PERCENT.match(value) and int(value[:-1]) > 100:
        return [invalid(path, go_int_or_string(value), "must not be greater than 100%")]
    return []


def _validate_selector_and_template(spec: dict, kind: str, version: Version) -> list[str]:
    """The selector part of ValidateDeploymentSpec / ValidateReplicaSetSpec and
    ValidatePodTemplateSpecForReplicaSet."""
    errs: list[str] = []
    selector = spec.get("selector")
    template = _map(spec.get("template"))
    template_labels = _map(template.get("metadata")).get("labels")
    if selector is None:
        errs.append(required("spec.selector"))
    else:
        errs += validate_label_selector(selector, "spec.selector")
        if isinstance(selector, dict) and _selector_is_empty(selector):
            # ValidateReplicaSetSpec reuses the Deployment wording.
            errs.append(invalid("spec.selector", go_label_selector(selector),
                                "empty selector is invalid for deployment"))
    matches = _selector_matches(selector, template_labels)
    if matches is None:
        errs.append(invalid("spec.selector", go_label_selector(_map(selector)),
                            "invalid label selector"))
        return errs
    if not _selector_is_empty(_map(selector)) and not matches:
        errs.append(invalid("spec.template.metadata.labels", _map(template_labels) if
                            template_labels is not None else GoValue(go_string_map(None)),
                            "`selector` does not match template `labels`"))
    errs += _validate_pod_template_spec(template, "spec.template", version)
    restart = _str(_map(template.get("spec")).get("restartPolicy"))
    if restart != "Always":
        errs.append(not_supported("spec.template.spec.restartPolicy", restart, ["Always"]))
    if _map(template.get("spec")).get("activeDeadlineSeconds") is not None:
        errs.append(forbidden("spec.template.spec.activeDeadlineSeconds",
                              f"activeDeadlineSeconds in {kind} is not Supported"))
    return errs


def _validate_deployment_spec(spec: dict, version: Version) -> list[str]:
    """ValidateDeploymentSpec."""
    errs = _nonnegative(spec.get("replicas"), "spec.replicas")
    # ValidatePodTemplateSpecForReplicaSet: its texts say ReplicaSet for Deployments too.
    errs += _validate_selector_and_template(spec, "ReplicaSet", version)
    strategy = _map(spec.get("strategy"))
    strategy_type = _str(strategy.get("type"))
    if strategy_type == "Recreate":
        if strategy.get("rollingUpdate") is not None:
            errs.append(forbidden("spec.strategy.rollingUpdate",
                                  "may not be specified when strategy `type` is 'Recreate'"))
    elif strategy_type == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        if not isinstance(rolling, dict):
            errs.append(required("spec.strategy.rollingUpdate",
                                 "this should be defaulted and never be nil"))
        else:
            unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
            path = "spec.strategy.rollingUpdate"
            errs += _validate_int_or_percent(unavailable, child(path, "maxUnavailable"))
            errs += _validate_int_or_percent(surge, child(path, "maxSurge"))
            if _int_or_percent_value(unavailable) == 0 and _int_or_percent_value(surge) == 0:
                errs.append(invalid(child(path, "maxUnavailable"), go_int_or_string(unavailable),
                                    "may not be 0 when `maxSurge` is 0"))
            errs += _not_more_than_100_percent(unavailable, child(path, "maxUnavailable"))
    else:
        errs.append(not_supported("spec.strategy", GoValue("apps.DeploymentStrategy{...}"),
                                  ["Recreate", "RollingUpdate"]))
    errs += _nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    if spec.get("revisionHistoryLimit") is not None:
        errs += _nonnegative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
    deadline = spec.get("progressDeadlineSeconds")
    if deadline is not None:
        errs += _nonnegative(deadline, "spec.progressDeadlineSeconds")
        if (_int(deadline) or 0) <= (_int(spec.get("minReadySeconds")) or 0):
            errs.append(invalid("spec.progressDeadlineSeconds", _int(deadline),
                                "must be greater than minReadySeconds"))
    return errs


def _validate_deployment(deploy: dict, version: Version) -> list[str]:
    errs = validate_object_meta(deploy.get("metadata"), True, name_is_dns_subdomain)
    return errs + _validate_deployment_spec(_map(deploy.get("spec")), version)


def _selector_immutable(new: dict, old: dict) -> list[str]:
    # apps/v1 registry strategies (deployment, replicaset, daemonset) ValidateUpdate.
    new_sel, old_sel = _map(new.get("spec")).get("selector"), _map(old.get("spec")).get("selector")
    if new_sel != old_sel:
        value = go_label_selector(new_sel) if isinstance(new_sel, dict) else None
        return [invalid("spec.selector", value, "field is immutable")]
    return []


def _validate_replica_set_spec(spec: dict, version: Version) -> list[str]:
    """ValidateReplicaSetSpec."""
    errs = _nonnegative(spec.get("replicas"), "spec.replicas")
    errs += _nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    return errs + _validate_selector_and_template(spec, "ReplicaSet", version)


def _validate_replica_set(rs: dict, version: Version) -> list[str]:
    errs = validate_object_meta(rs.get("metadata"), True, name_is_dns_subdomain)
    return errs + _validate_replica_set_spec(_map(rs.get("spec")), version)


def _validate_daemon_set(ds: dict, version: Version) -> list[str]:
    errs = validate_object_meta(ds.get("metadata"), True, name_is_dns_subdomain)
    return errs + _validate_daemon_set_spec(_map(ds.get("spec")), version)


def _validate_daemon_set_spec(spec: dict, version: Version) -> list[str]:
    """ValidateDaemonSetSpec."""
    selector = spec.get("selector")
    errs = validate_label_selector(selector, "spec.selector")
    template = _map(spec.get("template"))
    template_labels = _map(template.get("metadata")).get("labels")
    if _selector_matches(selector, template_labels) is False:
        errs.append(invalid("spec.template.metadata.labels", _map(template_labels),
                            "`selector` does not match template `labels`"))
    if isinstance(selector, dict) and _selector_is_empty(selector):
        errs.append(invalid("spec.selector", go_label_selector(selector),
                            "empty selector is invalid for daemonset"))
    errs += _validate_pod_template_spec(template, "spec.template", version)
    restart = _str(_map(template.get("spec")).get("restartPolicy"))
    if restart != "Always":
        errs.append(not_supported("spec.template.spec.restartPolicy", restart, ["Always"]))
    if _map(template.get("spec")).get("activeDeadlineSeconds") is not None:
        errs.append(forbidden("spec.template.spec.activeDeadlineSeconds",
                              "activeDeadlineSeconds in DaemonSet is not Supported"))
    errs += _nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    strategy = _map(spec.get("updateStrategy"))
    strategy_type = _str(strategy.get("type"))
    if strategy_type == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        path = "spec.updateStrategy.rollingUpdate"
        if not isinstance(rolling, dict):
            errs.append(required(path))
        else:
            unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
            errs += _validate_int_or_percent(unavailable, child(path, "maxUnavailable"))
            errs += _validate_int_or_percent(surge, child(path, "maxSurge"))
            errs += _not_more_than_100_percent(unavailable, child(path, "maxUnavailable"))
            errs += _not_more_than_100_percent(surge, child(path, "maxSurge"))
            has_unavailable = _int_or_percent_value(unavailable) != 0
            has_surge = _int_or_percent_value(surge) != 0
            if has_unavailable and has_surge:
                errs.append(invalid(child(path, "maxSurge"), go_int_or_string(surge),
                                    "may not be set when maxUnavailable is non-zero"))
            elif not has_unavailable and not has_surge:
                errs.append(required(child(path, "maxUnavailable"),
                                     "cannot be 0 when maxSurge is 0"))
    elif strategy_type != "OnDelete":
        errs.append(not_supported("spec.updateStrategy",
                                  GoValue("apps.DaemonSetUpdateStrategy{...}"),
                                  ["RollingUpdate", "OnDelete"]))
    if spec.get("revisionHistoryLimit") is not None:
        errs += _nonnegative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
    return errs


def _validate_stateful_set_spec(spec: dict, version: Version) -> list[str]:
    errs: list[str] = []
    policy = _str(spec.get("podManagementPolicy"))
    if not policy:
        errs.append(required("spec.podManagementPolicy"))
    elif policy not in ("OrderedReady", "Parallel"):
        errs.append(invalid("spec.podManagementPolicy", policy,
                            "must be 'OrderedReady' or 'Parallel'"))
    strategy = _map(spec.get("updateStrategy"))
    strategy_type = _str(strategy.get("type"))
    rolling = strategy.get("rollingUpdate")
    if not strategy_type:
        errs.append(required("spec.updateStrategy"))
    elif strategy_type == "OnDelete":
        if rolling is not None:
            errs.append(invalid("spec.updateStrategy.rollingUpdate",
                                GoValue("apps.RollingUpdateStatefulSetStrategy{...}"),
                                "only allowed for updateStrategy 'RollingUpdate'"))
    elif strategy_type == "RollingUpdate":
        if isinstance(rolling, dict):
            path = "spec.updateStrategy.rollingUpdate"
            errs += _nonnegative(rolling.get("partition"), child(path, "partition"))
            unavailable = rolling.get("maxUnavailable")
            if unavailable is not None:
                errs += _validate_int_or_percent(unavailable, child(path, "maxUnavailable"))
                if _int_or_percent_value(unavailable) == 0:
                    errs.append(invalid(child(path, "maxUnavailable"),
                                        go_int_or_string(unavailable), "cannot be 0"))
                errs += _not_more_than_100_percent(unavailable, child(path, "maxUnavailable"))
    else:
        errs.append(invalid("spec.updateStrategy",
                            GoValue("apps.StatefulSetUpdateStrategy{...}"),
                            "must be 'RollingUpdate' or 'OnDelete'"))
    retention = spec.get("persistentVolumeClaimRetentionPolicy")
    if isinstance(retention, dict):
        for field_name in ("whenDeleted", "whenScaled"):
            value = _str(retention.get(field_name))
            if value not in ("Retain", "Delete"):
                errs.append(not_supported(f"spec.persistentVolumeClaimRetentionPolicy.{field_name}",
                                          value, ["Retain", "Delete"]))
    errs += _nonnegative(spec.get("replicas"), "spec.replicas")
    errs += _nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    ordinals = spec.get("ordinals")
    if isinstance(ordinals, dict):
        errs += _nonnegative(ordinals.get("start"), "spec.ordinals.start")
    selector = spec.get("selector")
    template = _map(spec.get("template"))
    template_meta = _map(template.get("metadata"))
    if selector is None:
        errs.append(required("spec.selector"))
    else:
        errs += validate_label_selector(selector, "spec.selector")
        if isinstance(selector, dict) and _selector_is_empty(selector):
            errs.append(invalid("spec.selector", go_label_selector(selector),
                                "empty selector is invalid for statefulset"))
    matches = _selector_matches(selector, template_meta.get("labels"))
    if matches is None:
        errs.append(invalid("spec.selector", go_label_selector(_map(selector)), ""))
    else:
        if not _selector_is_empty(_map(selector)) and not matches:
            errs.append(invalid("spec.template.metadata.labels", _map(template_meta.get("labels")),
                                "`selector` does not match template `labels`"))
        # ValidatePodTemplateSpecForStatefulSet checks only labels and annotations: an invalid
        # pod spec surfaces when the controller creates the pods.
        errs += validate_labels(template_meta.get("labels"), "spec.template.labels")
        errs += _validate_annotations(template_meta.get("annotations"),
                                      "spec.template.annotations")
    restart = _str(_map(template.get("spec")).get("restartPolicy"))
    if restart != "Always":
        errs.append(not_supported("spec.template.spec.restartPolicy", restart, ["Always"]))
    if _map(template.get("spec")).get("activeDeadlineSeconds") is not None:
        errs.append(forbidden("spec.template.spec.activeDeadlineSeconds",
                              "activeDeadlineSeconds in StatefulSet is not Supported"))
    return errs


def _validate_stateful_set(sts: dict, version: Version) -> list[str]:
    errs = validate_object_meta(sts.get("metadata"), True, name_is_dns_label)
    return errs + _validate_stateful_set_spec(_map(sts.get("spec")), version)


def _validate_stateful_set_update(new: dict, old: dict, version: Version) -> list[str]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs += _validate_stateful_set_spec(_map(new.get("spec")), version)
    mutable = ("replicas", "template", "updateStrategy", "minReadySeconds", "ordinals",
               "persistentVolumeClaimRetentionPolicy")
    new_spec = {k: v for k, v in _map(new.get("spec")).items() if k not in mutable}
    old_spec = {k: v for k, v in _map(old.get("spec")).items() if k not in mutable}
    if new_spec != old_spec:
        errs.append(forbidden("spec", "updates to statefulset spec for fields other than "
                              "'replicas', 'ordinals', 'template', 'updateStrategy', "
                              "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
                              "forbidden"))
    return errs
