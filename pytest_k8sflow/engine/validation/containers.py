"""Container validation: env and envFrom, volume mounts, ports and host-port conflicts,
resources, lifecycle handlers and probes, regular and init containers (sidecars).

Sources: k/k pkg/apis/core/validation/validation.go (validateContainers, validateInitContainers,
validateContainerCommon, ValidateEnv, validateProbe, ValidateResourceRequirements).
"""

from __future__ import annotations

from fractions import Fraction

from pytest_k8sflow.engine.quantity import QuantityError, parse_quantity
from pytest_k8sflow.engine.validation.common import (
    GoValue,
    _dicts,
    _int,
    _list,
    _map,
    _nonnegative,
    _str,
    child,
    duplicate,
    forbidden,
    index,
    invalid,
    key,
    not_found,
    not_supported,
    required,
)
from pytest_k8sflow.engine.validation.downward import (
    _ENV_FIELD_PATHS,
    _validate_object_field_selector,
    _validate_resource_field_selector,
)
from pytest_k8sflow.engine.validation.names import (
    _HTTP_HEADER_FMT,
    _RE_HTTP_HEADER,
    _regex_error,
    is_config_map_key,
    is_dns1123_label,
    is_env_var_name,
    is_qualified_name,
    is_valid_port_name,
    is_valid_port_num,
    name_is_dns_subdomain,
)
from pytest_k8sflow.engine.validation.volumes import _validate_local_descending_path

# -- core: containers --------------------------------------------------------------------------

_PORT_PROTOCOLS = ["SCTP", "TCP", "UDP"]   # sets.List(supportedPortProtocols): sorted


def _validate_key_selector(ref: dict, path: str) -> list[str]:
    name = _str(ref.get("name"))
    errs = [invalid(child(path, "name"), name, msg) for msg in name_is_dns_subdomain(name, False)]
    ref_key = _str(ref.get("key"))
    if not ref_key:
        errs.append(required(child(path, "key")))
    else:
        errs += [invalid(child(path, "key"), ref_key, msg) for msg in is_config_map_key(ref_key)]
    return errs


def _validate_env(env: object, path: str, relaxed: bool) -> list[str]:
    errs: list[str] = []
    for i, var in enumerate(_dicts(env)):
        var_path = index(path, i)
        name = _str(var.get("name"))
        if not name:
            errs.append(required(child(var_path, "name")))
        else:
            errs += [invalid(child(var_path, "name"), name, msg)
                     for msg in is_env_var_name(name, relaxed)]
        value_from = var.get("valueFrom")
        if value_from is None:
            continue
        value_from = _map(value_from)
        from_path = child(var_path, "valueFrom")
        sources = 0
        if isinstance(value_from.get("fieldRef"), dict):
            sources += 1
            errs += _validate_object_field_selector(value_from["fieldRef"], _ENV_FIELD_PATHS,
                                                    child(from_path, "fieldRef"))
        if isinstance(value_from.get("resourceFieldRef"), dict):
            sources += 1
            errs += _validate_resource_field_selector(value_from["resourceFieldRef"],
                                                      child(from_path, "resourceFieldRef"), False)
        for kind in ("configMapKeyRef", "secretKeyRef"):
            if isinstance(value_from.get(kind), dict):
                sources += 1
                errs += _validate_key_selector(value_from[kind], child(from_path, kind))
        if sources == 0:
            errs.append(invalid(from_path, "", "must specify one of: `fieldRef`, "
                                "`resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
        elif var.get("value"):
            errs.append(invalid(from_path, "", "may not be specified when `value` is not empty"))
        elif sources > 1:
            errs.append(invalid(from_path, "",
                                "may not have more than one field specified at a time"))
    return errs


def _validate_env_from(env_from: object, path: str, relaxed: bool) -> list[str]:
    errs: list[str] = []
    for i, source in enumerate(_dicts(env_from)):
        item = index(path, i)
        prefix = _str(source.get("prefix"))
        if prefix:
            errs += [invalid(child(item, "prefix"), prefix, msg)
                     for msg in is_env_var_name(prefix, relaxed)]
        sources = 0
        for kind in ("configMapRef", "secretRef"):
            ref = source.get(kind)
            if isinstance(ref, dict):
                sources += 1
                name = _str(ref.get("name"))
                if not name:
                    errs.append(required(child(item, kind, "name")))
                else:
                    errs += [invalid(child(item, kind, "name"), name, msg)
                             for msg in name_is_dns_subdomain(name, True)]
        if sources == 0:
            errs.append(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif sources > 1:
            errs.append(invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def _validate_volume_mounts(mounts: object, volumes: set[str], devices: object,
                            path: str) -> list[str]:
    errs: list[str] = []
    seen_paths: set[str] = set()
    device_names = {_str(d.get("name")): _str(d.get("devicePath")) for d in _dicts(devices)}
    for i, mount in enumerate(_dicts(mounts)):
        item = index(path, i)
        name = _str(mount.get("name"))
        mount_path = _str(mount.get("mountPath"))
        if not name:
            errs.append(required(child(item, "name")))
        if name not in volumes:
            errs.append(not_found(child(item, "name"), name))
        if not mount_path:
            errs.append(required(child(item, "mountPath")))
        if mount_path in seen_paths:
            errs.append(invalid(child(item, "mountPath"), mount_path, "must be unique"))
        seen_paths.add(mount_path)
        if name in device_names:
            errs.append(invalid(child(item, "name"), name,
                                "must not already exist in volumeDevices"))
        if mount_path in device_names.values():
            errs.append(invalid(child(item, "mountPath"), mount_path,
                                "must not already exist as a path in volumeDevices"))
        sub_path = _str(mount.get("subPath"))
        if sub_path:
            errs += _validate_local_descending_path(sub_path, child(path, "subPath"))
        sub_expr = _str(mount.get("subPathExpr"))
        if sub_expr:
            if sub_path:
                errs.append(invalid(child(item, "subPathExpr"), sub_expr,
                                    "subPathExpr and subPath are mutually exclusive"))
            errs += _validate_local_descending_path(sub_expr, child(path, "subPathExpr"))
    return errs


def _validate_container_ports(ports: object, path: str) -> list[str]:
    errs: list[str] = []
    names: set[str] = set()
    for i, port in enumerate(_dicts(ports)):
        item = index(path, i)
        name = _str(port.get("name"))
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs += [invalid(child(item, "name"), name, msg) for msg in msgs]
            elif name in names:
                errs.append(duplicate(child(item, "name"), name))
            else:
                names.add(name)
        container_port = _int(port.get("containerPort"))
        if not container_port:
            errs.append(required(child(item, "containerPort")))
        else:
            errs += [invalid(child(item, "containerPort"), container_port, msg)
                     for msg in is_valid_port_num(container_port)]
        host_port = _int(port.get("hostPort"))
        if host_port:
            errs += [invalid(child(item, "hostPort"), host_port, msg)
                     for msg in is_valid_port_num(host_port)]
        protocol = _str(port.get("protocol"))
        if not protocol:
            errs.append(required(child(item, "protocol")))
        elif protocol not in _PORT_PROTOCOLS:
            errs.append(not_supported(child(item, "protocol"), protocol, _PORT_PROTOCOLS))
    return errs


def _host_port_conflicts(containers: list[dict], path: str, seen: set[str]) -> list[str]:
    # AccumulateUniqueHostPorts
    errs: list[str] = []
    for ci, container in enumerate(containers):
        for pi, port in enumerate(_dicts(container.get("ports"))):
            host_port = _int(port.get("hostPort"))
            if not host_port:
                continue
            text = f"{_str(port.get('protocol'))}/{_str(port.get('hostIP'))}/{host_port}"
            if text in seen:
                errs.append(duplicate(child(index(child(index(path, ci), "ports"), pi),
                                            "hostPort"), text))
            else:
                seen.add(text)
    return errs


_STANDARD_CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")


def _is_native_resource(name: str) -> bool:
    domain = name.split("/", 1)[0] if "/" in name else ""
    return not domain or domain == "kubernetes.io" or domain.endswith(".kubernetes.io")


def _is_extended_resource(name: str) -> bool:
    # helper.IsExtendedResourceName: qualified, not native (no kubernetes.io domain), not
    # "requests." prefixed.
    if "/" not in name or name.startswith("requests."):
        return False
    domain = name.split("/", 1)[0]
    return not (domain == "kubernetes.io" or domain.endswith(".kubernetes.io"))


def _validate_resources(resources: object, path: str) -> list[str]:
    resources = _map(resources)
    errs: list[str] = []
    limits = _map(resources.get("limits"))
    requests = _map(resources.get("requests"))
    lim_path, req_path = child(path, "limits"), child(path, "requests")

    def check(name: str, value: object, item: str) -> Fraction | None:
        out: list[str] = []
        msgs = is_qualified_name(name)
        out += [invalid(item, name, msg) for msg in msgs]
        if "/" not in name:
            if name not in _STANDARD_CONTAINER_RESOURCES and not name.startswith("hugepages-"):
                out.append(invalid(item, name, "must be a standard resource for containers"))
        elif not msgs and not _is_native_resource(name) and not _is_extended_resource(name):
            out.append(invalid(item, name, "doesn't follow extended resource name standard"))
        errs.extend(out)
        try:
            amount = parse_quantity(value)
        except QuantityError:
            return None
        if amount < 0:
            errs.append(invalid(item, _str(value), "must be greater than or equal to 0"))
        elif _is_extended_resource(name) and amount.denominator != 1:
            errs.append(invalid(item, GoValue("resource.Quantity{...}"), "must be an integer"))
        return amount

    limit_values = {}
    for name in sorted(limits):
        limit_values[name] = check(str(name), limits[name], key(lim_path, str(name)))
    for name in sorted(requests):
        amount = check(str(name), requests[name], key(req_path, str(name)))
        if name in limits:
            limit = limit_values.get(name)
            if amount is None or limit is None:
                continue
            if _is_extended_resource(str(name)) and amount != limit:
                errs.append(invalid(req_path, _str(requests[name]),
                                    f"must be equal to {name} limit of {_str(limits[name])}"))
            elif amount > limit:
                errs.append(invalid(req_path, _str(requests[name]),
                                    f"must be less than or equal to {name} limit of "
                                    f"{_str(limits[name])}"))
        elif _is_extended_resource(str(name)):
            errs.append(required(lim_path, "Limit must be set for non overcommitable resources"))
    return errs


def _validate_port_num_or_name(port: object, path: str) -> list[str]:
    if isinstance(port, str):
        return [invalid(path, port, msg) for msg in is_valid_port_name(port)]
    number = _int(port)
    if number is None:
        number = 0
    return [invalid(path, number, msg) for msg in is_valid_port_num(number)]


def _validate_handler(handler: dict, path: str, grace: int | None, lifecycle: bool) -> list[str]:
    errs: list[str] = []
    kinds = ("exec", "httpGet", "tcpSocket", "sleep") if lifecycle else (
        "exec", "httpGet", "tcpSocket", "grpc")
    count = 0
    for kind in kinds:
        action = handler.get(kind)
        if action is None:
            continue
        if count > 0:
            errs.append(forbidden(child(path, kind), "may not specify more than 1 handler type"))
            continue
        count += 1
        action = _map(action)
        kpath = child(path, kind)
        if kind == "exec" and not _list(action.get("command")):
            errs.append(required(child(kpath, "command")))
        elif kind == "httpGet":
            if not action.get("path"):
                errs.append(required(child(kpath, "path")))
            errs += _validate_port_num_or_name(action.get("port"), child(kpath, "port"))
            scheme = _str(action.get("scheme"))
            if scheme not in ("HTTP", "HTTPS"):
                errs.append(not_supported(child(kpath, "scheme"), scheme, ["HTTP", "HTTPS"]))
            for header in _dicts(action.get("httpHeaders")):
                name = _str(header.get("name"))
                if not _RE_HTTP_HEADER.match(name):
                    errs.append(invalid(child(kpath, "httpHeaders"), name, _regex_error(
                        "a valid HTTP header must consist of alphanumeric characters or '-'",
                        _HTTP_HEADER_FMT, "X-Header-Name")))
        elif kind == "tcpSocket":
            errs += _validate_port_num_or_name(action.get("port"), child(kpath, "port"))
        elif kind == "grpc":
            errs += _validate_port_num_or_name(_int(action.get("port")) or 0, child(kpath, "port"))
        elif kind == "sleep":
            seconds = _int(action.get("seconds")) or 0
            if grace is not None and (seconds <= 0 or seconds > grace):
                errs.append(invalid(kpath, seconds, "must be greater than 0 and less than "
                                    f"terminationGracePeriodSeconds ({grace}). Enable "
                                    "AllowPodLifecycleSleepActionZeroValue feature gate for "
                                    "zero sleep."))
    if count == 0:
        errs.append(required(path, "must specify a handler type"))
    return errs


def _validate_probe(probe: object, path: str, grace: int | None, which: str) -> list[str]:
    if probe is None:
        return []
    probe = _map(probe)
    errs = _validate_handler(probe, path, grace, lifecycle=False)
    for field_name in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds",
                       "successThreshold", "failureThreshold"):
        errs += _nonnegative(probe.get(field_name), child(path, field_name))
    tgps = _int(probe.get("terminationGracePeriodSeconds"))
    if tgps is not None and tgps <= 0:
        errs.append(invalid(child(path, "terminationGracePeriodSeconds"), tgps,
                            "must be greater than 0"))
    if which in ("liveness", "startup"):
        success = _int(probe.get("successThreshold"))
        if success is not None and success != 1:
            errs.append(invalid(child(path, "successThreshold"), success, "must be 1"))
    if which == "readiness" and probe.get("terminationGracePeriodSeconds") is not None:
        errs.append(invalid(child(path, "terminationGracePeriodSeconds"), tgps,
                            "must not be set for readinessProbes"))
    return errs


def _validate_container_common(container: dict, volumes: set[str], path: str,
                               relaxed_env: bool) -> list[str]:
    errs: list[str] = []
    name = _str(container.get("name"))
    if not name:
        errs.append(required(child(path, "name")))
    else:
        errs += [invalid(child(path, "name"), name, msg) for msg in is_dns1123_label(name)]
    if not container.get("image"):
        errs.append(required(child(path, "image")))
    policy = _str(container.get("terminationMessagePolicy"))
    if not policy:
        errs.append(required(child(path, "terminationMessagePolicy")))
    elif policy not in ("File", "FallbackToLogsOnError"):
        errs.append(not_supported(child(path, "terminationMessagePolicy"), policy,
                                  ["File", "FallbackToLogsOnError"]))
    errs += _validate_container_ports(container.get("ports"), child(path, "ports"))
    errs += _validate_env(container.get("env"), child(path, "env"), relaxed_env)
    errs += _validate_env_from(container.get("envFrom"), child(path, "envFrom"), relaxed_env)
    errs += _validate_volume_mounts(container.get("volumeMounts"), volumes,
                                    container.get("volumeDevices"), child(path, "volumeMounts"))
    pull = _str(container.get("imagePullPolicy"))
    if not pull:
        errs.append(required(child(path, "imagePullPolicy")))
    elif pull not in ("Always", "IfNotPresent", "Never"):
        errs.append(not_supported(child(path, "imagePullPolicy"), pull,
                                  ["Always", "IfNotPresent", "Never"]))
    errs += _validate_resources(container.get("resources"), child(path, "resources"))
    return errs


def _validate_containers(containers: object, volumes: set[str], grace: int | None, path: str,
                         relaxed_env: bool) -> list[str]:
    items = _dicts(containers)
    if not items:
        return [required(path)]
    errs: list[str] = []
    names: set[str] = set()
    for i, container in enumerate(items):
        item = index(path, i)
        errs += _validate_container_common(container, volumes, item, relaxed_env)
        name = _str(container.get("name"))
        if name in names:
            errs.append(duplicate(child(item, "name"), name))
        else:
            names.add(name)
        lifecycle = container.get("lifecycle")
        if isinstance(lifecycle, dict):
            for hook in ("postStart", "preStop"):
                if isinstance(lifecycle.get(hook), dict):
                    errs += _validate_handler(lifecycle[hook], child(item, "lifecycle", hook),
                                              grace, lifecycle=True)
        errs += _validate_probe(container.get("livenessProbe"), child(item, "livenessProbe"),
                                grace, "liveness")
        errs += _validate_probe(container.get("readinessProbe"), child(item, "readinessProbe"),
                                grace, "readiness")
        errs += _validate_probe(container.get("startupProbe"), child(item, "startupProbe"),
                                grace, "startup")
        if container.get("restartPolicy") is not None:
            errs.append(forbidden(child(item, "restartPolicy"),
                                  "may not be set for non-init containers"))
    errs += _host_port_conflicts(items, path, set())
    return errs


def _validate_init_containers(init: object, regular: object, volumes: set[str],
                              grace: int | None, path: str, relaxed_env: bool) -> list[str]:
    errs: list[str] = []
    names = {_str(c.get("name")) for c in _dicts(regular)}
    for i, container in enumerate(_dicts(init)):
        item = index(path, i)
        errs += _validate_container_common(container, volumes, item, relaxed_env)
        restart = container.get("restartPolicy")
        always = False
        if restart is not None:
            if restart != "Always":
                errs.append(not_supported(child(item, "restartPolicy"), _str(restart), ["Always"]))
            always = restart == "Always"
        name = _str(container.get("name"))
        if name in names:
            errs.append(duplicate(child(item, "name"), name))
        elif name:
            names.add(name)
        errs += _host_port_conflicts([container], path, set())
        if always:
            lifecycle = container.get("lifecycle")
            if isinstance(lifecycle, dict):
                for hook in ("postStart", "preStop"):
                    if isinstance(lifecycle.get(hook), dict):
                        errs += _validate_handler(lifecycle[hook],
                                                  child(item, "lifecycle", hook), grace, True)
            for field_name, which in (("livenessProbe", "liveness"),
                                      ("readinessProbe", "readiness"),
                                      ("startupProbe", "startup")):
                errs += _validate_probe(container.get(field_name), child(item, field_name),
                                        grace, which)
        else:
            for field_name in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if container.get(field_name) is not None:
                    errs.append(forbidden(child(item, field_name), "may not be set for init "
                                          "containers without restartPolicy=Always"))
    return errs
