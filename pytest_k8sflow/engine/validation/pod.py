"""PodSpec and Pod validation: tolerations, affinity, topology spread, the pod spec and pod
template, and Pod create and update (the updatable spec fields and added tolerations).

Sources: k/k pkg/apis/core/validation/validation.go (ValidatePodSpec, ValidatePodTemplateSpec,
ValidatePodCreate, ValidatePodUpdate, ValidateTolerations, validateAffinity).
"""

from __future__ import annotations

from pytest_k8sflow.engine.defaults import DEFAULT_VERSION
from pytest_k8sflow.engine.validation.common import (
    MAX_INT32,
    GoValue,
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
    not_supported,
    required,
)
from pytest_k8sflow.engine.validation.containers import (
    _validate_containers,
    _validate_init_containers,
)
from pytest_k8sflow.engine.validation.meta import (
    _validate_annotations,
    validate_label_name,
    validate_label_selector,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
)
from pytest_k8sflow.engine.validation.names import (
    is_dns1123_label,
    is_valid_label_value,
    name_is_dns_label,
    name_is_dns_subdomain,
)
from pytest_k8sflow.engine.validation.volumes import validate_volumes

# -- core: pod spec ----------------------------------------------------------------------------

_RESTART_POLICIES = ["Always", "OnFailure", "Never"]
_DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
_TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]


def validate_tolerations(tolerations: object, path: str) -> list[str]:
    errs: list[str] = []
    for i, tol in enumerate(_dicts(tolerations)):
        item = index(path, i)
        tol_key = _str(tol.get("key"))
        operator = _str(tol.get("operator"))
        effect = _str(tol.get("effect"))
        if tol_key:
            errs += validate_label_name(tol_key, child(item, "key"))
        if not tol_key and operator != "Exists":
            errs.append(invalid(child(item, "operator"), operator, "operator must be Exists when "
                                '`key` is empty, which means "match all values and all keys"'))
        if tol.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(invalid(child(item, "effect"), effect,
                                "effect must be 'NoExecute' when `tolerationSeconds` is set"))
        value = _str(tol.get("value"))
        if operator in ("Equal", ""):
            msgs = is_valid_label_value(value)
            if msgs:
                errs.append(invalid(child(item, "operator"), value, ";".join(msgs)))
        elif operator == "Exists":
            if value:
                errs.append(invalid(child(item, "operator"), value,
                                    "value must be empty when `operator` is 'Exists'"))
        else:
            errs.append(not_supported(child(item, "operator"), operator, ["Equal", "Exists"]))
        if effect and effect not in _TAINT_EFFECTS:
            errs.append(not_supported(child(item, "effect"), effect, _TAINT_EFFECTS))
    return errs


def _validate_node_selector_requirement(req: dict, path: str, check_values: bool) -> list[str]:
    errs: list[str] = []
    op = _str(req.get("operator"))
    values = _list(req.get("values"))
    if op in ("In", "NotIn"):
        if not values:
            errs.append(required(child(path, "values"),
                                 "must be specified when `operator` is 'In' or 'NotIn'"))
    elif op in ("Exists", "DoesNotExist"):
        if values:
            errs.append(forbidden(child(path, "values"), "may not be specified when `operator` "
                                  "is 'Exists' or 'DoesNotExist'"))
    elif op in ("Gt", "Lt"):
        if len(values) != 1:
            errs.append(required(child(path, "values"),
                                 "must be specified single value when `operator` is 'Lt' or 'Gt'"))
    else:
        errs.append(invalid(child(path, "operator"), op, "not a valid selector operator"))
    errs += validate_label_name(_str(req.get("key")), child(path, "key"))
    if check_values:
        for j, value in enumerate(values):
            errs += [invalid(index(child(path, "values"), j), _str(value), msg)
                     for msg in is_valid_label_value(_str(value))]
    return errs


def _validate_affinity(affinity: object, path: str) -> list[str]:
    errs: list[str] = []
    node = _map(_map(affinity).get("nodeAffinity"))
    required_terms = node.get("requiredDuringSchedulingIgnoredDuringExecution")
    if isinstance(required_terms, dict):
        terms_path = child(path, "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                           "nodeSelectorTerms")
        terms = _dicts(required_terms.get("nodeSelectorTerms"))
        if not terms:
            errs.append(required(terms_path, "must have at least one node selector term"))
        for i, term in enumerate(terms):
            for j, req in enumerate(_dicts(term.get("matchExpressions"))):
                errs += _validate_node_selector_requirement(
                    req, index(child(index(terms_path, i), "matchExpressions"), j), True)
    for i, term in enumerate(_dicts(node.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        item = index(child(path, "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution"),
                     i)
        weight = _int(term.get("weight")) or 0
        if weight <= 0 or weight > 100:
            errs.append(invalid(child(item, "weight"), weight, "must be in the range 1-100"))
        for j, req in enumerate(_dicts(_map(term.get("preference")).get("matchExpressions"))):
            errs += _validate_node_selector_requirement(
                req, index(child(item, "preference", "matchExpressions"), j), False)
    for kind in ("podAffinity", "podAntiAffinity"):
        pod_affinity = _map(_map(affinity).get(kind))
        for i, term in enumerate(_dicts(
                pod_affinity.get("requiredDuringSchedulingIgnoredDuringExecution"))):
            item = index(child(path, kind, "requiredDuringSchedulingIgnoredDuringExecution"), i)
            errs += _validate_pod_affinity_term(term, item)
        for i, weighted in enumerate(_dicts(
                pod_affinity.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            item = index(child(path, kind, "preferredDuringSchedulingIgnoredDuringExecution"), i)
            weight = _int(weighted.get("weight")) or 0
            if weight <= 0 or weight > 100:
                errs.append(invalid(child(item, "weight"), weight, "must be in the range 1-100"))
            errs += _validate_pod_affinity_term(_map(weighted.get("podAffinityTerm")),
                                                child(item, "podAffinityTerm"))
    return errs


def _validate_pod_affinity_term(term: dict, path: str) -> list[str]:
    errs = validate_label_selector(term.get("labelSelector"), child(path, "labelSelector"))
    for name in _list(term.get("namespaces")):
        errs += [invalid(child(path, "namespace"), _str(name), msg)
                 for msg in name_is_dns_label(_str(name), False)]
    topology_key = _str(term.get("topologyKey"))
    if not topology_key:
        errs.append(required(child(path, "topologyKey"), "can not be empty"))
    errs += validate_label_name(topology_key, child(path, "topologyKey"))
    return errs


def _validate_topology_spread(constraints: object, path: str) -> list[str]:
    errs: list[str] = []
    items = _dicts(constraints)
    for i, constraint in enumerate(items):
        item = index(path, i)
        skew = _int(constraint.get("maxSkew")) or 0
        if skew <= 0:
            errs.append(invalid(child(item, "maxSkew"), skew, "must be greater than zero"))
        topology_key = _str(constraint.get("topologyKey"))
        if not topology_key:
            errs.append(required(child(item, "topologyKey"), "can not be empty"))
        action = _str(constraint.get("whenUnsatisfiable"))
        if action not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.append(not_supported(child(item, "whenUnsatisfiable"), action,
                                      ["DoNotSchedule", "ScheduleAnyway"]))
        for later in items[i + 1:]:
            if (_str(later.get("topologyKey")), _str(later.get("whenUnsatisfiable"))) == (
                    topology_key, action):
                errs.append(duplicate(child(item, "{topologyKey, whenUnsatisfiable}"),
                                      f"{{{topology_key}, {action}}}"))
                break
        errs += validate_label_selector(constraint.get("labelSelector"),
                                        child(item, "labelSelector"))
    return errs


def validate_pod_spec(spec: object, path: str, *, is_pod: bool,
                      version: Version = DEFAULT_VERSION) -> list[str]:
    """ValidatePodSpec (plus the hostNetwork rule that depends on is_pod)."""
    spec = _map(spec)
    errs: list[str] = []
    relaxed_env = version >= (1, 32)
    if spec.get("terminationGracePeriodSeconds") is None:
        errs.append(required(child(path, "terminationGracePeriodSeconds")))
    grace = _int(spec.get("terminationGracePeriodSeconds"))
    volumes, vol_errs = validate_volumes(spec.get("volumes"), child(path, "volumes"), version)
    errs += vol_errs
    errs += _validate_containers(spec.get("containers"), volumes, grace,
                                 child(path, "containers"), relaxed_env)
    errs += _validate_init_containers(spec.get("initContainers"), spec.get("containers"),
                                      volumes, grace, child(path, "initContainers"), relaxed_env)
    if spec.get("hostNetwork"):
        for i, container in enumerate(_dicts(spec.get("containers"))):
            for j, port in enumerate(_dicts(container.get("ports"))):
                host_port, container_port = _int(port.get("hostPort")) or 0, _int(
                    port.get("containerPort")) or 0
                if (is_pod or host_port != 0) and host_port != container_port:
                    errs.append(invalid(child(index(child(index(child(path, "containers"), i),
                                                              "ports"), j), "hostPort"),
                                        host_port,
                                        "must match `containerPort` when `hostNetwork` is true"))
    restart = _str(spec.get("restartPolicy"))
    if not restart:
        errs.append(required(child(path, "restartPolicy")))
    elif restart not in _RESTART_POLICIES:
        errs.append(not_supported(child(path, "restartPolicy"), restart, _RESTART_POLICIES))
    dns = _str(spec.get("dnsPolicy"))
    if not dns:
        errs.append(required(child(path, "dnsPolicy")))
    elif dns not in _DNS_POLICIES:
        errs.append(not_supported(child(path, "dnsPolicy"), dns, _DNS_POLICIES))
    errs += validate_labels(spec.get("nodeSelector"), child(path, "nodeSelector"))
    for i, secret in enumerate(_dicts(spec.get("imagePullSecrets"))):
        if set(secret) - {"name"}:
            errs.append(invalid(index(child(path, "imagePullSecrets"), i),
                                GoValue("core.LocalObjectReference{...}"), "only name may be set"))
    errs += _validate_affinity(spec.get("affinity"), child(path, "affinity"))
    if dns == "None":
        config = spec.get("dnsConfig")
        if not isinstance(config, dict):
            errs.append(required(child(path, "dnsConfig"),
                                 "must provide `dnsConfig` when `dnsPolicy` is None"))
        elif not _list(config.get("nameservers")):
            errs.append(required(child(path, "dnsConfig", "nameservers"),
                                 "must provide at least one DNS nameserver when `dnsPolicy` is "
                                 "None"))
    errs += _validate_topology_spread(spec.get("topologySpreadConstraints"),
                                      child(path, "topologySpreadConstraints"))
    for field_name in ("serviceAccountName", "nodeName"):
        value = _str(spec.get(field_name))
        if value:
            errs += [invalid(child(path, field_name), value, msg)
                     for msg in name_is_dns_subdomain(value, False)]
    deadline = _int(spec.get("activeDeadlineSeconds"))
    if deadline is not None and (deadline < 1 or deadline > MAX_INT32):
        errs.append(invalid(child(path, "activeDeadlineSeconds"), deadline,
                            f"must be between 1 and {MAX_INT32}, inclusive"))
    for field_name in ("hostname", "subdomain"):
        value = _str(spec.get(field_name))
        if value:
            errs += [invalid(child(path, field_name), value, msg)
                     for msg in is_dns1123_label(value)]
    errs += validate_tolerations(spec.get("tolerations"), child(path, "tolerations"))
    priority_class = _str(spec.get("priorityClassName"))
    if priority_class:
        errs += [invalid(child(path, "priorityClassName"), priority_class, msg)
                 for msg in name_is_dns_subdomain(priority_class, False)]
    preemption = spec.get("preemptionPolicy")
    if preemption is not None and preemption not in ("PreemptLowerPriority", "Never"):
        errs.append(not_supported(child(path, "preemptionPolicy"), _str(preemption),
                                  ["PreemptLowerPriority", "Never"]))
    return errs


def _validate_pod_template_spec(template: object, path: str, version: Version) -> list[str]:
    """ValidatePodTemplateSpec."""
    template = _map(template)
    meta = _map(template.get("metadata"))
    errs = validate_labels(meta.get("labels"), child(path, "labels"))
    errs += _validate_annotations(meta.get("annotations"), child(path, "annotations"))
    spec = _map(template.get("spec"))
    errs += validate_pod_spec(spec, child(path, "spec"), is_pod=False, version=version)
    if _list(spec.get("ephemeralContainers")):
        errs.append(forbidden(child(path, "spec", "ephemeralContainers"),
                              "ephemeral containers not allowed in pod template"))
    return errs


# -- Pod ---------------------------------------------------------------------------------------

def _validate_pod_metadata_and_spec(pod: dict, version: Version) -> list[str]:
    errs = validate_object_meta(pod.get("metadata"), True, name_is_dns_subdomain)
    spec = _map(pod.get("spec"))
    annotations = _map(_map(pod.get("metadata")).get("annotations"))
    if "kubernetes.io/config.mirror" in annotations and not spec.get("nodeName"):
        errs.append(invalid("metadata.annotations[kubernetes.io/config.mirror]",
                            _str(annotations["kubernetes.io/config.mirror"]),
                            "must set spec.nodeName if mirror pod annotation is set"))
    errs += validate_pod_spec(spec, "spec", is_pod=True, version=version)
    if not spec.get("serviceAccountName"):
        for vi, volume in enumerate(_dicts(spec.get("volumes"))):
            for si, source in enumerate(_dicts(_map(volume.get("projected")).get("sources"))):
                if source.get("serviceAccountToken") is not None:
                    errs.append(forbidden(f"spec.volumes[{vi}].projected.sources[{si}]"
                                          ".serviceAccountToken",
                                          "must not be specified when serviceAccountName is "
                                          "not set"))
    for kind in ("containers", "initContainers"):
        for i, container in enumerate(_dicts(spec.get(kind))):
            image = _str(container.get("image"))
            if image != image.strip():
                errs.append(invalid(f"spec.{kind}[{i}].image", image,
                                    "must not have leading or trailing whitespace"))
    return errs


def _validate_pod_create(pod: dict, version: Version) -> list[str]:
    errs = _validate_pod_metadata_and_spec(pod, version)
    spec = _map(pod.get("spec"))
    if _list(spec.get("ephemeralContainers")):
        errs.append(forbidden("spec.ephemeralContainers", "cannot be set on create"))
    if spec.get("nodeName") and _list(spec.get("schedulingGates")):
        errs.append(forbidden("spec.nodeName",
                              "cannot be set until all schedulingGates have been cleared"))
    return errs


UPDATABLE_POD_SPEC_FIELDS = ",".join([
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
])


def _spec_diff(old: dict, new: dict) -> str:
    """A stand-in for the cmp.Diff the apiserver appends: the top-level PodSpec fields that
    differ, one ``-``/``+`` pair each (Go field names, JSON values)."""
    import json

    lines = ["  core.PodSpec{"]
    for name in sorted(set(old) | set(new)):
        if old.get(name) == new.get(name):
            continue
        go_name = name[:1].upper() + name[1:]
        if name in old:
            lines.append(f"- \t{go_name}: {json.dumps(old[name], sort_keys=True)},")
        if name in new:
            lines.append(f"+ \t{go_name}: {json.dumps(new[name], sort_keys=True)},")
    lines.append("  }")
    return "\n".join(lines)


def _validate_only_added_tolerations(new: list, old: list, path: str) -> list[str]:
    for old_tol in _dicts(old):
        found = False
        for new_tol in _dicts(new):
            candidate = dict(old_tol)
            if "tolerationSeconds" in new_tol:
                candidate["tolerationSeconds"] = new_tol["tolerationSeconds"]
            else:
                candidate.pop("tolerationSeconds", None)
            if candidate == new_tol:
                found = True
                break
        if not found:
            return [forbidden(path, "existing toleration can not be modified except its "
                              "tolerationSeconds")]
    return validate_tolerations(new, path)


def _validate_pod_update(new: dict, old: dict, version: Version) -> list[str]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs += _validate_pod_metadata_and_spec(new, version)
    new_spec, old_spec = _map(new.get("spec")), _map(old.get("spec"))
    for kind in ("containers", "initContainers"):
        new_c, old_c = _dicts(new_spec.get(kind)), _dicts(old_spec.get(kind))
        if len(new_c) != len(old_c):
            errs.append(forbidden(f"spec.{kind}", "pod updates may not add or remove containers"))
            return errs
        for i, container in enumerate(new_c):
            image = _str(container.get("image"))
            if not image:
                errs.append(required(f"spec.{kind}[{i}].image"))
            if image != image.strip():
                errs.append(invalid(f"spec.{kind}[{i}].image", image,
                                    "must not have leading or trailing whitespace"))
    new_deadline = _int(new_spec.get("activeDeadlineSeconds"))
    old_deadline = _int(old_spec.get("activeDeadlineSeconds"))
    if new_spec.get("activeDeadlineSeconds") is not None:
        if new_deadline is None or new_deadline < 0 or new_deadline > MAX_INT32:
            errs.append(invalid("spec.activeDeadlineSeconds", new_deadline,
                                f"must be between 0 and {MAX_INT32}, inclusive"))
            return errs
        if old_deadline is not None and old_deadline < new_deadline:
            errs.append(invalid("spec.activeDeadlineSeconds", new_deadline,
                                "must be less than or equal to previous value"))
            return errs
    elif old_spec.get("activeDeadlineSeconds") is not None:
        errs.append(invalid("spec.activeDeadlineSeconds", None,
                            "must not update from a positive integer to nil value"))
    errs += _validate_only_added_tolerations(_list(new_spec.get("tolerations")),
                                             _list(old_spec.get("tolerations")),
                                             "spec.tolerations")
    new_gates = [_str(g.get("name")) for g in _dicts(new_spec.get("schedulingGates"))]
    old_gates = {_str(g.get("name")) for g in _dicts(old_spec.get("schedulingGates"))}
    for i, gate in enumerate(new_gates):
        if gate not in old_gates:
            errs.append(forbidden(f"spec.schedulingGates[{i}].name", "only deletion is allowed, "
                                  f"but found new scheduling gate '{gate}'"))
    if new_spec == old_spec:
        return errs
    # The mutable fields are copied from the old spec; anything still different is forbidden.
    munged = dict(new_spec)
    for kind in ("containers", "initContainers"):
        if kind in munged:
            munged[kind] = [{**c, "image": o.get("image")} if "image" in o else
                            {k: v for k, v in c.items() if k != "image"}
                            for c, o in zip(_dicts(new_spec.get(kind)),
                                            _dicts(old_spec.get(kind)), strict=False)]
    for field_name in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        if field_name in old_spec:
            munged[field_name] = old_spec[field_name]
        else:
            munged.pop(field_name, None)
    old_grace = _int(old_spec.get("terminationGracePeriodSeconds"))
    if old_grace is not None and old_grace < 0 and munged.get("terminationGracePeriodSeconds") == 1:
        munged["terminationGracePeriodSeconds"] = old_spec["terminationGracePeriodSeconds"]
    # Gated pods may gain nodeSelector entries (node affinity changes are not modelled).
    if old_gates and ("nodeSelector" in old_spec or "nodeSelector" in munged):
        munged_selector = _map(munged.get("nodeSelector"))
        old_selector = _map(old_spec.get("nodeSelector"))
        if all(munged_selector.get(k) == v for k, v in old_selector.items()):
            if "nodeSelector" in old_spec:
                munged["nodeSelector"] = old_spec["nodeSelector"]
            else:
                munged.pop("nodeSelector", None)
    if munged != old_spec:
        errs.append(forbidden("spec", "pod updates may not change fields other than "
                              f"{UPDATABLE_POD_SPEC_FIELDS}\n{_spec_diff(old_spec, munged)}"))
    return errs
