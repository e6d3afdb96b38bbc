"""Service validation on create and update (ports, types, cluster IPs, selectors, node ports).

Sources: k/k pkg/apis/core/validation/validation.go (ValidateService, ValidateServiceUpdate).
"""

from __future__ import annotations

from pytest_k8sflow.engine.validation.common import (
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
    go_quote,
    go_string_slice,
    invalid,
    not_supported,
    required,
)
from pytest_k8sflow.engine.validation.containers import _PORT_PROTOCOLS, _validate_port_num_or_name
from pytest_k8sflow.engine.validation.meta import (
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
)
from pytest_k8sflow.engine.validation.names import (
    _is_valid_ip,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_port_num,
    name_is_dns1035_label,
)

# -- Service -----------------------------------------------------------------------------------

def _go_service_port_key(protocol: str, port: int) -> GoValue:
    return GoValue(f'core.ServicePort{{Name:"", Protocol:{go_quote(protocol)}, '
                   f'AppProtocol:(*string)(nil), Port:{port}, '
                   f'TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:""}}, NodePort:0}}')


def _validate_service(svc: dict, version: Version) -> list[str]:
    errs = validate_object_meta(svc.get("metadata"), True, name_is_dns1035_label)
    spec = _map(svc.get("spec"))
    svc_type = _str(spec.get("type"))
    cluster_ips = [_str(ip) for ip in _list(spec.get("clusterIPs"))]
    headless = bool(cluster_ips) and cluster_ips[0] == "None" or spec.get("clusterIP") == "None"
    ports = _dicts(spec.get("ports"))
    if not ports and not headless and svc_type != "ExternalName":
        errs.append(required("spec.ports"))
    if svc_type in ("LoadBalancer", "NodePort") and headless:
        errs.append(invalid("spec.clusterIPs[0]", "None",
                            f"may not be set to 'None' for {svc_type} services"))
    if svc_type == "ExternalName":
        if cluster_ips:
            errs.append(forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
        if _list(spec.get("ipFamilies")):
            errs.append(forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
        if spec.get("ipFamilyPolicy") is not None:
            errs.append(forbidden("spec.ipFamilyPolicy",
                                  "may not be set for ExternalName services"))
        cname = _str(spec.get("externalName")).removesuffix(".")
        if cname:
            errs += [invalid("spec.externalName", cname, msg)
                     for msg in is_dns1123_subdomain(cname)]
        else:
            errs.append(required("spec.externalName"))
    names: set[str] = set()
    for i, port in enumerate(ports):
        item = f"spec.ports[{i}]"
        name = _str(port.get("name"))
        if len(ports) > 1 and not name:
            errs.append(required(child(item, "name")))
        elif name:
            errs += [invalid(child(item, "name"), name, msg) for msg in is_dns1123_label(name)]
            if name in names:
                errs.append(duplicate(child(item, "name"), name))
            else:
                names.add(name)
        number = _int(port.get("port")) or 0
        errs += [invalid(child(item, "port"), number, msg) for msg in is_valid_port_num(number)]
        protocol = _str(port.get("protocol"))
        if not protocol:
            errs.append(required(child(item, "protocol")))
        elif protocol not in _PORT_PROTOCOLS:
            errs.append(not_supported(child(item, "protocol"), protocol, _PORT_PROTOCOLS))
        errs += _validate_port_num_or_name(port.get("targetPort"), child(item, "targetPort"))
        if port.get("appProtocol") is not None:
            app = _str(port.get("appProtocol"))
            errs += [invalid(child(item, "appProtocol"), app, msg)
                     for msg in is_qualified_name(app)]
    if spec.get("selector") is not None:
        errs += validate_labels(spec.get("selector"), "spec.selector")
    affinity = _str(spec.get("sessionAffinity"))
    if not affinity:
        errs.append(required("spec.sessionAffinity"))
    elif affinity not in ("ClientIP", "None"):
        errs.append(not_supported("spec.sessionAffinity", affinity, ["ClientIP", "None"]))
    if affinity == "ClientIP":
        config = spec.get("sessionAffinityConfig")
        client_ip = _map(config).get("clientIP") if isinstance(config, dict) else None
        if not isinstance(config, dict):
            errs.append(required("spec.sessionAffinityConfig",
                                 "when session affinity type is ClientIP"))
        elif not isinstance(client_ip, dict):
            errs.append(required("spec.sessionAffinityConfig.clientIP",
                                 "when session affinity type is ClientIP"))
        else:
            timeout = _int(client_ip.get("timeoutSeconds"))
            if timeout is None:
                errs.append(required("spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                                     "when session affinity type is ClientIP"))
            elif timeout <= 0 or timeout > 86400:
                errs.append(invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout,
                                    "must be greater than 0 and less than 86400"))
    elif affinity == "None" and spec.get("sessionAffinityConfig") is not None:
        errs.append(forbidden("spec.sessionAffinityConfig",
                              "must not be set when session affinity is None"))
    cluster_ip = _str(spec.get("clusterIP"))
    if cluster_ip and cluster_ip != "None" and not _is_valid_ip(cluster_ip):
        errs.append(invalid("spec.clusterIPs[0]", cluster_ip,
                            "must be empty, 'None', or a valid IP address"))
    for i, ip in enumerate(_list(spec.get("externalIPs"))):
        if not _is_valid_ip(_str(ip)):
            errs.append(invalid(f"spec.externalIPs[{i}]", _str(ip),
                                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
    types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
    if not svc_type:
        errs.append(required("spec.type"))
    elif svc_type not in types:
        errs.append(not_supported("spec.type", svc_type, types))
    if svc_type == "ClusterIP":
        for i, port in enumerate(ports):
            if _int(port.get("nodePort")):
                errs.append(forbidden(f"spec.ports[{i}].nodePort",
                                      "may not be used when `type` is 'ClusterIP'"))
    node_ports: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        node_port = _int(port.get("nodePort")) or 0
        if not node_port:
            continue
        node_key = (_str(port.get("protocol")), node_port)
        if node_key in node_ports:
            errs.append(duplicate(f"spec.ports[{i}].nodePort", node_port))
        node_ports.add(node_key)
    seen_ports: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        port_key = (_str(port.get("protocol")), _int(port.get("port")) or 0)
        if port_key in seen_ports:
            errs.append(duplicate(f"spec.ports[{i}]", _go_service_port_key(*port_key)))
        seen_ports.add(port_key)
    if spec.get("allocateLoadBalancerNodePorts") is not None and svc_type != "LoadBalancer":
        errs.append(forbidden("spec.allocateLoadBalancerNodePorts",
                              "may only be used when `type` is 'LoadBalancer'"))
    if version >= (1, 20) and svc_type == "LoadBalancer" and \
            spec.get("allocateLoadBalancerNodePorts") is None:
        errs.append(required("allocateLoadBalancerNodePorts"))
    externally = svc_type in ("NodePort", "LoadBalancer") or (
        svc_type == "ClusterIP" and bool(_list(spec.get("externalIPs"))))
    etp = _str(spec.get("externalTrafficPolicy"))
    if not externally:
        if etp:
            errs.append(invalid("spec.externalTrafficPolicy", etp,
                                "may only be set for externally-accessible services"))
    elif not etp:
        errs.append(required("spec.externalTrafficPolicy"))
    elif etp not in ("Cluster", "Local"):
        errs.append(not_supported("spec.externalTrafficPolicy", etp, ["Cluster", "Local"]))
    itp = spec.get("internalTrafficPolicy")
    if version >= (1, 22) and itp is None and svc_type in ("ClusterIP", "NodePort", "LoadBalancer"):
        errs.append(required("spec.internalTrafficPolicy"))
    if itp is not None and itp not in ("Cluster", "Local"):
        errs.append(not_supported("spec.internalTrafficPolicy", _str(itp), ["Cluster", "Local"]))
    return errs


def _validate_service_update(new: dict, old: dict, version: Version) -> list[str]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    new_spec, old_spec = _map(new.get("spec")), _map(old.get("spec"))
    if "ExternalName" not in (new_spec.get("type"), old_spec.get("type")):
        old_ips = [_str(ip) for ip in _list(old_spec.get("clusterIPs"))]
        new_ips = [_str(ip) for ip in _list(new_spec.get("clusterIPs"))]
        both_headless = old_ips[:1] == ["None"] and new_ips[:1] == ["None"]
        value = GoValue(go_string_slice(new_ips if new_spec.get("clusterIPs") is not None
                                        else None))
        if not both_headless:
            if len(old_ips) == len(new_ips):
                for i, ip in enumerate(old_ips):
                    if ip != new_ips[i]:
                        errs.append(invalid(f"spec.clusterIPs[{i}]", value,
                                            "may not change once set"))
            elif len(old_ips) > len(new_ips):
                if not new_ips:
                    errs.append(invalid("spec.clusterIPs[0]", value,
                                        "primary clusterIP can not be unset"))
                elif old_ips and new_ips[0] != old_ips[0]:
                    errs.append(invalid("spec.clusterIPs[0]", value, "may not change once set"))
            elif old_ips and new_ips[0] != old_ips[0]:
                errs.append(invalid("spec.clusterIPs[0]", value, "may not change once set"))
    return errs + _validate_service(new, version)
