"""``kubectl describe`` for Service, Endpoints and EndpointSlice
(kubernetes/kubectl pkg/describe/describe.go ServiceDescriber, EndpointsDescriber,
EndpointSliceDescriber).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pytest_k8sflow.kubectl.describe.common import _header, _labels_annotations
from pytest_k8sflow.kubectl.printers import _PrefixWriter
from pytest_k8sflow.kubectl.tables.common import format_labels, get

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster


def _format_endpoint_slices(slices: list[Mapping], port_name: str) -> str:
    """describe.go formatEndpointSlices for one service port name: ready endpoints'
    ``ip:port`` (first address), at most 3 then ``+ N more...``; ``<none>`` without slices,
    an empty string when no endpoint is ready."""
    if not slices:
        return "<none>"
    shown: list[str] = []
    count = 0
    more = False
    for eps in slices:
        endpoints = eps.get("endpoints") or []
        ports = eps.get("ports") or []
        if not ports:
            for ep in endpoints:
                if len(shown) == 3:
                    more = True
                if get(ep, "conditions", "ready") is False:
                    continue
                if not more:
                    shown.append((ep.get("addresses") or [""])[0])
                count += 1
            continue
        for port in ports:
            if (port.get("name") or "") != port_name:
                continue
            for ep in endpoints:
                if len(shown) == 3:
                    more = True
                if get(ep, "conditions", "ready") is False:
                    continue
                if not more:
                    ip = (ep.get("addresses") or [""])[0]
                    host = f"[{ip}]" if ":" in ip else ip
                    shown.append(f"{host}:{port.get('port')}")
                count += 1
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if more else text


def _describe_service(cluster: Cluster, svc: Mapping, w: _PrefixWriter) -> None:
    """ServiceDescriber (describeService); endpoints from the EndpointSlices labelled
    ``kubernetes.io/service-name``, in list order."""
    spec = svc.get("spec") or {}
    meta = svc["metadata"]
    _header(w, svc)
    _labels_annotations(w, svc)
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type', '')}\n")
    if spec.get("ipFamilyPolicy"):
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.write(0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    ingress = get(svc, "status", "loadBalancer", "ingress", default=[])
    if ingress:
        parts = []
        for ing in ingress:
            if ing.get("ip"):
                parts.append(ing["ip"] + (f" ({ing['ipMode']})" if ing.get("ipMode") else ""))
            else:
                parts.append(ing.get("hostname", ""))
        w.write(0, f"LoadBalancer Ingress:\t{', '.join(parts)}\n")
    slices = [e for e in cluster.store.list("EndpointSlice", meta.get("namespace") or "")
              if (e["metadata"].get("labels") or {}).get("kubernetes.io/service-name")
              == meta["name"]]
    for port in spec.get("ports") or []:
        name = port.get("name") or "<unset>"
        proto = port.get("protocol", "TCP")
        w.write(0, f"Port:\t{name}\t{port.get('port')}/{proto}\n")
        target = port.get("targetPort", port.get("port"))
        w.write(0, f"TargetPort:\t{target}/{proto}\n")
        if port.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{port['nodePort']}/{proto}\n")
        w.write(0, f"Endpoints:\t{_format_endpoint_slices(slices, port.get('name') or '')}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w.write(0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}"
                   "\n")
    if spec.get("trafficDistribution"):
        w.write(0, f"Traffic Distribution:\t{spec['trafficDistribution']}\n")


def _describe_endpoints(cluster: Cluster, ep: Mapping, w: _PrefixWriter) -> None:
    """describeEndpoints: one block per subset, each followed by a blank line."""
    _header(w, ep)
    _labels_annotations(w, ep)
    w.write(0, "Subsets:\n")
    for subset in ep.get("subsets") or []:
        ready = ",".join(a.get("ip", "") for a in subset.get("addresses") or [])
        w.write(1, f"Addresses:\t{ready or '<none>'}\n")
        not_ready = ",".join(a.get("ip", "") for a in subset.get("notReadyAddresses") or [])
        w.write(1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
        if subset.get("ports"):
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for port in subset["ports"]:
                w.write(2, f"{port.get('name') or '<unset>'}\t{port.get('port')}\t"
                           f"{port.get('protocol', 'TCP')}\n")
        w.write(0, "\n")


def _describe_endpointslice(cluster: Cluster, eps: Mapping, w: _PrefixWriter) -> None:
    """describeEndpointSliceV1."""
    _header(w, eps)
    _labels_annotations(w, eps)
    w.write(0, f"AddressType:\t{eps.get('addressType', '')}\n")
    ports = eps.get("ports") or []
    if not ports:
        w.write(0, "Ports: <unset>\n")
    else:
        w.write(0, "Ports:\n")
        w.write(1, "Name\tPort\tProtocol\n")
        w.write(1, "----\t----\t--------\n")
        for port in ports:
            num = port.get("port")
            w.write(1, f"{port.get('name') or '<unset>'}\t"
                       f"{'<unset>' if num is None else num}\t{port.get('protocol', 'TCP')}\n")
    endpoints = eps.get("endpoints") or []
    if not endpoints:
        w.write(0, "Endpoints: <none>\n")
        return
    w.write(0, "Endpoints:\n")
    for ep in endpoints:
        w.write(1, f"- Addresses:\t{', '.join(ep.get('addresses') or []) or '<none>'}\n")
        w.write(2, "Conditions:\n")
        ready = get(ep, "conditions", "ready")
        w.write(3, f"Ready:\t{'<unset>' if ready is None else str(ready).lower()}\n")
        w.write(2, f"Hostname:\t{ep.get('hostname', '<unset>')}\n")
        if ep.get("targetRef") is not None:
            w.write(2, f"TargetRef:\t{ep['targetRef'].get('kind', '')}/"
                       f"{ep['targetRef'].get('name', '')}\n")
        w.write(2, f"NodeName:\t{ep.get('nodeName', '<unset>')}\n")
        w.write(2, f"Zone:\t{ep.get('zone', '<unset>')}\n")
