"""Endpoints and EndpointSlices of Services with selectors, and cluster IP allocation.

One component plays three parts (their writes are attributed to each):
- the endpoints controller (k/k pkg/controller/endpoint/endpoints_controller.go syncService):
  Endpoints named like the Service, ready addresses vs notReadyAddresses, repacked subsets;
- the EndpointSlice controller (pkg/controller/endpointslice, staging endpointslice
  reconciler), simplified to one IPv4 slice per Service;
- the apiserver's ClusterIP allocator (pkg/registry/core/service/ipallocator), which we run
  right after the Service is stored: a deterministic address from 10.96.0.0/12.
Rules and sources: docs/semantics/statefulset-services-storage.md.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Hashable, Mapping

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.component import Component, object_key
from pytest_k8sflow.engine.controllers.controller_utils import (
    canonical_json,
    fnv32a,
    is_pod_ready,
    new_controller_ref,
)
from pytest_k8sflow.engine.names import SAFE_ALPHABET
from pytest_k8sflow.engine.selectors import from_match_labels

ENDPOINT_CONTROLLER = "endpoint-controller"
ENDPOINTSLICE_CONTROLLER = "endpointslice-controller"
HEADLESS_LABEL = "service.kubernetes.io/headless"
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"
MANAGED_BY = "endpointslice-controller.k8s.io"
SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")  # kubeadm/kind default --service-cidr


# --------------------------------------------------------------------------- pure helpers

def is_service_ip_set(svc: Mapping) -> bool:
    """helper.IsServiceIPSet: a cluster IP that is neither empty nor "None"."""
    ip = (svc.get("spec") or {}).get("clusterIP")
    return bool(ip) and ip != "None"


def is_headless(svc: Mapping) -> bool:
    return (svc.get("spec") or {}).get("clusterIP") == "None"


def needs_cluster_ip(svc: Mapping) -> bool:
    spec = svc.get("spec") or {}
    return spec.get("type", "ClusterIP") != "ExternalName" and not spec.get("clusterIP")


def should_pod_be_in_endpoints(pod: Mapping, include_terminating: bool) -> bool:
    """endpointsliceutil.ShouldPodBeInEndpoints: not terminal, has an IP, and (unless
    terminating pods are wanted) not being deleted."""
    status = pod.get("status") or {}
    if status.get("phase") in ("Failed", "Succeeded"):
        return False
    if not status.get("podIP") and not status.get("podIPs"):
        return False
    return include_terminating or not pod["metadata"].get("deletionTimestamp")


def should_set_hostname(pod: Mapping, svc: Mapping) -> bool:
    """endpointsliceutil.ShouldSetHostname: spec.hostname set and spec.subdomain names the
    Service, in the Service's namespace."""
    spec = pod.get("spec") or {}
    return (bool(spec.get("hostname")) and spec.get("subdomain") == svc["metadata"]["name"]
            and (pod["metadata"].get("namespace") or "default")
            == (svc["metadata"].get("namespace") or "default"))


def find_port(pod: Mapping, service_port: Mapping) -> int | None:
    """podutil.FindPort: a numeric targetPort as is; a named one looked up among the
    containers' ports with the same protocol; None when not found."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    protocol = service_port.get("protocol") or "TCP"
    for container in (pod.get("spec") or {}).get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("name") == target and (port.get("protocol") or "TCP") == protocol:
                return port.get("containerPort")
    return None


def pod_ip(pod: Mapping) -> str | None:
    """The IPv4 address podToEndpointAddressForService picks (first IPv4 of podIPs)."""
    status = pod.get("status") or {}
    ips = [p.get("ip") for p in status.get("podIPs") or [] if p.get("ip")]
    if not ips and status.get("podIP"):
        ips = [status["podIP"]]
    return next((ip for ip in ips if ":" not in ip), None)


def endpoint_address(svc: Mapping, pod: Mapping) -> dict | None:
    ip = pod_ip(pod)
    if ip is None:
        return None
    meta = pod["metadata"]
    addr: dict = {"ip": ip}
    if should_set_hostname(pod, svc):
        addr["hostname"] = pod["spec"]["hostname"]
    addr["nodeName"] = (pod.get("spec") or {}).get("nodeName") or ""
    addr["targetRef"] = {"kind": "Pod", "namespace": meta.get("namespace") or "default",
                         "name": meta["name"], "uid": meta.get("uid", "")}
    return addr


def _endpoint_port(service_port: Mapping, number: int) -> dict:
    """endpointPortFromServicePort."""
    port: dict = {}
    if service_port.get("name"):
        port["name"] = service_port["name"]
    port["port"] = number
    port["protocol"] = service_port.get("protocol") or "TCP"
    if service_port.get("appProtocol"):
        port["appProtocol"] = service_port["appProtocol"]
    return port


def _address_key(addr: Mapping) -> tuple[str, str]:
    return (addr["ip"], (addr.get("targetRef") or {}).get("uid", ""))


def _less_address_key(addr: Mapping) -> tuple[bytes, int, str]:
    """LessEndpointAddress: by IP bytes, then addresses without targetRef, then by uid."""
    ref = addr.get("targetRef")
    return (addr["ip"].encode(), 1 if ref else 0, (ref or {}).get("uid", ""))


def repack_subsets(entries: list[tuple[dict, dict | None, bool]]) -> list[dict]:
    """endpoints.RepackSubsets over (address, port or None, ready) entries.

    Addresses are grouped by the set of ports they offer; an address not ready for a port is
    a notReadyAddress for it. Addresses sort by IP then uid, as upstream; upstream orders
    ports and subsets by an md5 of Go's object dump, which we replace by (name, port,
    protocol) and by the first address.
    """
    addrs: dict[tuple[str, str], dict] = {}
    port_map: dict[tuple, dict[tuple[str, str], bool]] = {}
    port_objs: dict[tuple, dict | None] = {}
    for addr, port, ready in entries:
        key = _address_key(addr)
        addrs.setdefault(key, addr)
        pkey = tuple(sorted(port.items())) if port is not None else ("<none>",)
        port_objs.setdefault(pkey, port)
        readiness = port_map.setdefault(pkey, {})
        if readiness.get(key, True):
            readiness[key] = ready
    groups: dict[tuple, list[dict]] = {}
    group_sets: dict[tuple, dict[tuple[str, str], bool]] = {}
    for pkey, readiness in port_map.items():
        gkey = tuple(sorted(readiness.items()))
        group_sets[gkey] = readiness
        port = port_objs[pkey]
        groups.setdefault(gkey, [])
        if port is not None:
            groups[gkey].append(port)
    subsets = []
    for gkey, ports in groups.items():
        readiness = group_sets[gkey]
        ready = sorted((addrs[k] for k, r in readiness.items() if r), key=_less_address_key)
        not_ready = sorted((addrs[k] for k, r in readiness.items() if not r),
                           key=_less_address_key)
        subset: dict = {}
        if ready:
            subset["addresses"] = ready
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        if ports:
            subset["ports"] = sorted(ports, key=lambda p: (p.get("name", ""), p["port"],
                                                           p["protocol"]))
        subsets.append(subset)

    def first_ip(subset: Mapping) -> tuple:
        first = (subset.get("addresses") or subset.get("notReadyAddresses") or [{}])[0]
        return (_less_address_key(first) if first else (b"",),
                [p["port"] for p in subset.get("ports") or []])

    return sorted(subsets, key=first_ip)


def endpoint_subsets(svc: Mapping, pods: list[Mapping]) -> list[dict]:
    """syncService's loop: the Endpoints subsets for the selected pods."""
    spec = svc.get("spec") or {}
    tolerate_unready = bool(spec.get("publishNotReadyAddresses"))
    entries: list[tuple[dict, dict | None, bool]] = []
    for pod in pods:
        if not should_pod_be_in_endpoints(pod, tolerate_unready):
            continue
        addr = endpoint_address(svc, pod)
        if addr is None:
            continue
        ready = tolerate_unready or is_pod_ready(pod)
        ports = spec.get("ports") or []
        if not ports:
            if spec.get("clusterIP") == "None":  # headless services may have no ports
                entries.append((addr, None, ready))
            continue
        for service_port in ports:
            number = find_port(pod, service_port)
            if number is None:
                continue
            entries.append((addr, _endpoint_port(service_port, number), ready))
    return repack_subsets(entries)


def endpoints_labels(svc: Mapping) -> dict:
    labels = dict(svc["metadata"].get("labels") or {})
    if not is_service_ip_set(svc):
        labels[HEADLESS_LABEL] = ""
    else:
        labels.pop(HEADLESS_LABEL, None)
    return labels


def slice_endpoints(svc: Mapping, pods: list[Mapping]) -> list[dict]:
    """podToEndpoint for every pod the EndpointSlice controller includes (terminating ones
    too, with ready=false, terminating=true)."""
    spec = svc.get("spec") or {}
    publish = bool(spec.get("publishNotReadyAddresses"))
    out = []
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        if not should_pod_be_in_endpoints(pod, True):
            continue
        ip = pod_ip(pod)
        if ip is None:
            continue
        terminating = bool(pod["metadata"].get("deletionTimestamp"))
        serving = publish or is_pod_ready(pod)
        endpoint: dict = {"addresses": [ip],
                          "conditions": {"ready": serving and not terminating,
                                         "serving": serving, "terminating": terminating}}
        if should_set_hostname(pod, svc):
            endpoint["hostname"] = pod["spec"]["hostname"]
        meta = pod["metadata"]
        endpoint["nodeName"] = (pod.get("spec") or {}).get("nodeName") or ""
        endpoint["targetRef"] = {"kind": "Pod", "namespace": meta.get("namespace") or "default",
                                 "name": meta["name"], "uid": meta.get("uid", "")}
        out.append(endpoint)
    return out


def slice_ports(svc: Mapping, pods: list[Mapping]) -> list[dict]:
    """getEndpointPorts: the service ports resolved against the first pod (named target
    ports are looked up in it); ``name`` is a pointer upstream, so "" is written."""
    ports = []
    sample = next((p for p in sorted(pods, key=lambda p: p["metadata"]["name"])
                   if should_pod_be_in_endpoints(p, True)), None)
    for service_port in (svc.get("spec") or {}).get("ports") or []:
        number = find_port(sample, service_port) if sample is not None else None
        if number is None:
            continue
        port = {"name": service_port.get("name") or "", "port": number,
                "protocol": service_port.get("protocol") or "TCP"}
        if service_port.get("appProtocol"):
            port["appProtocol"] = service_port["appProtocol"]
        ports.append(port)
    return ports


def allocate_cluster_ip(seed: object, namespace: str, name: str, used: set[str]) -> str:
    """A deterministic stand-in for the random allocator: dynamic allocations come from the
    upper band of the range (the first min(max(16, size/16), 256) addresses are kept for
    static IPs, KEP-3070); we start at a hash of seed/namespace/name and probe upwards."""
    size = SERVICE_CIDR.num_addresses
    static_band = min(max(16, size // 16), 256)
    span = size - static_band - 1  # no broadcast address
    offset = fnv32a(f"{seed}/{namespace}/{name}".encode()) % span
    for step in range(span):
        ip = str(SERVICE_CIDR.network_address + static_band + (offset + step) % span)
        if ip not in used:
            return ip
    raise apierrors.ApiError("InternalError", "range is full", 500)


def slice_name(svc: Mapping) -> str:
    """``<service>-<5 chars>`` (generateName): the suffix from the Service's uid, so slices
    do not consume the seeded name stream other objects draw from."""
    digest = fnv32a(canonical_json(svc["metadata"].get("uid", "")))
    chars = []
    for _ in range(5):
        chars.append(SAFE_ALPHABET[digest % len(SAFE_ALPHABET)])
        digest //= len(SAFE_ALPHABET)
    return f"{svc['metadata']['name'][:58]}-{''.join(chars)}"


# --------------------------------------------------------------------------- the component

class EndpointsController(Component):
    name = ENDPOINT_CONTROLLER

    def setup(self, cluster) -> None:
        super().setup(cluster)
        cluster.store.watch("Service", self._on_service)
        cluster.store.watch("Pod", self._on_pod)
        cluster.store.watch("Endpoints", self._on_endpoints)

    def _on_service(self, old: dict | None, new: dict | None) -> None:
        self.enqueue(object_key(new if new is not None else old))

    def _on_endpoints(self, old: dict | None, new: dict | None) -> None:
        if new is None and old is not None:
            self.enqueue(object_key(old))

    def _on_pod(self, old: dict | None, new: dict | None) -> None:
        pod = new if new is not None else old
        namespace = pod["metadata"].get("namespace") or ""
        labels = [p["metadata"].get("labels") or {} for p in (old, new) if p is not None]
        for svc in self.cluster.store.list("Service", namespace):
            selector = (svc.get("spec") or {}).get("selector")
            if selector is None:
                continue
            matcher = from_match_labels(selector)
            if any(matcher.matches(lab) for lab in labels):
                self.enqueue(object_key(svc))

    def sync(self, key: Hashable) -> None:
        namespace, name = key  # type: ignore[misc]
        store = self.cluster.store
        svc = store.get("Service", namespace, name)
        if svc is None:
            if store.get("Endpoints", namespace, name) is not None:
                with contextlib.suppress(apierrors.ApiError):
                    self.cluster.api.delete("Endpoints", namespace, name, self.name)
            return
        spec = svc.get("spec") or {}
        if spec.get("type") == "ExternalName" or spec.get("selector") is None:
            return
        selector = from_match_labels(spec["selector"])
        pods = [p for p in store.list("Pod", namespace)
                if selector.matches(p["metadata"].get("labels"))]
        self._sync_endpoints(svc, pods)
        self._sync_slice(svc, pods)

    def _sync_endpoints(self, svc: dict, pods: list[dict]) -> None:
        namespace, name = svc["metadata"].get("namespace") or "", svc["metadata"]["name"]
        subsets = endpoint_subsets(svc, pods)
        labels = endpoints_labels(svc)
        current = self.cluster.store.get("Endpoints", namespace, name)
        if current is not None and (current.get("subsets") or []) == subsets and \
                (current["metadata"].get("labels") or {}) == labels:
            return
        meta = dict(current["metadata"]) if current is not None else \
            {"name": name, "namespace": namespace}
        if labels:
            meta["labels"] = labels
        else:
            meta.pop("labels", None)
        body: dict = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta}
        if subsets:
            body["subsets"] = subsets
        try:
            if current is None:
                self.cluster.api.create(body, self.name)
            else:
                self.cluster.api.update(body, self.name)
        except apierrors.ApiError as exc:
            if current is None:
                self.event(body, "Warning", "FailedToCreateEndpoint",
                           f"Failed to create endpoint for service {namespace}/{name}: "
                           f"{exc.message}")
            else:
                self.event(body, "Warning", "FailedToUpdateEndpoint",
                           f"Failed to update endpoint {namespace}/{name}: {exc.message}")

    def _sync_slice(self, svc: dict, pods: list[dict]) -> None:
        store = self.cluster.store
        uid = svc["metadata"]["uid"]
        namespace = svc["metadata"].get("namespace") or ""
        owned = [s for s in store.by_index("EndpointSlice", "controller-uid", uid)
                 if (s["metadata"].get("labels") or {}).get(MANAGED_BY_LABEL) == MANAGED_BY]
        labels = {**endpoints_labels(svc), SERVICE_NAME_LABEL: svc["metadata"]["name"],
                  MANAGED_BY_LABEL: MANAGED_BY}
        endpoints = slice_endpoints(svc, pods)
        ports = slice_ports(svc, pods)
        current = owned[0] if owned else None
        if current is not None and current.get("endpoints") == endpoints and \
                current.get("ports") == ports and current["metadata"].get("labels") == labels:
            return
        if current is None:
            meta = {"name": slice_name(svc), "generateName": f"{svc['metadata']['name']}-",
                    "namespace": namespace,
                    "ownerReferences": [new_controller_ref(svc, "v1", "Service")]}
        else:
            meta = dict(current["metadata"])
        meta["labels"] = labels
        body = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": meta,
                "addressType": "IPv4", "endpoints": endpoints, "ports": ports}
        try:
            if current is None:
                self.cluster.api.create(body, ENDPOINTSLICE_CONTROLLER)
            else:
                self.cluster.api.update(body, ENDPOINTSLICE_CONTROLLER)
        except apierrors.ApiError:
            return
