"""Cluster DNS as CoreDNS' kubernetes plugin answers it (zone ``cluster.local``).

- ``<svc>.<ns>.svc.<zone>``: A of the cluster IP; for a headless Service, one A per ready
  endpoint address (NXDOMAIN when there is none); ExternalName gives a CNAME.
- ``<endpoint>.<svc>.<ns>.svc.<zone>``: A of the ready endpoint whose hostname (or, without
  one, its dashed IP) is ``<endpoint>`` (CoreDNS answers these for any Service with
  endpoints, not only headless ones: ``findServices``, "Endpoint query or headless service").
- ``_<port>._<proto>.<svc>.<ns>.svc.<zone>``: SRV per named port; targets the Service name
  (ClusterIP) or each ready endpoint's name under the Service (headless).
- ``<a-b-c-d>.<ns>.pod.<zone>``: A of the dashed address (``pods insecure``, the default).
- anything else in the zone: NXDOMAIN. Names outside the zone are not resolved here.

``lookup`` resolves a name as a pod with ``dnsPolicy: ClusterFirst`` does (``nslookup
web-0.nginx``): the kubelet's resolv.conf has ``search <ns>.svc.cluster.local
svc.cluster.local cluster.local`` and ``options ndots:5`` (pkg/kubelet/network/dns/dns.go
generateSearchesForDNSClusterFirst, defaultDNSOptions), so a name with fewer than 5 dots is
tried with each search domain first, then as it is.

Data comes from the Endpoints objects the endpoints controller writes (CoreDNS reads
EndpointSlices; the ready addresses are the same). Sources: coredns plugin/kubernetes
kubernetes.go (parseRequest, findServices, endpointHostname), kubernetes/dns
docs/specification.md. docs/semantics/statefulset-services-storage.md lists the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ZONE = "cluster.local"


@dataclass(frozen=True)
class Record:
    type: str  # "A", "SRV" or "CNAME"
    value: str  # the address, the SRV target, or the CNAME target
    port: int | None = None


@dataclass
class Answer:
    name: str
    rcode: str = "NOERROR"  # or "NXDOMAIN"
    records: list[Record] = field(default_factory=list)

    @property
    def addresses(self) -> list[str]:
        return [r.value for r in self.records if r.type == "A"]


def _nx(name: str) -> Answer:
    return Answer(name, "NXDOMAIN")


def endpoint_hostname(addr: dict) -> str:
    """endpointHostname: the hostname, else the IP with dots (or colons) as dashes."""
    if addr.get("hostname"):
        return addr["hostname"]
    return addr["ip"].replace(".", "-").replace(":", "-")


def _ready_addresses(cluster, namespace: str, service: str) -> list[tuple[dict, list[dict]]]:
    """(address, ports of its subset) for every ready address of the Service's Endpoints."""
    endpoints = cluster.store.get("Endpoints", namespace, service)
    out = []
    for subset in (endpoints or {}).get("subsets") or []:
        for addr in subset.get("addresses") or []:
            out.append((addr, subset.get("ports") or []))
    return out


def resolve(cluster, name: str, qtype: str = "A") -> Answer:
    """Answer a query for ``name`` (``qtype`` A or SRV) from the cluster's objects."""
    qname = name.rstrip(".").lower()
    qtype = qtype.upper()
    suffix = "." + ZONE
    if not qname.endswith(suffix):
        return _nx(name)
    labels = qname[: -len(suffix)].split(".")
    if len(labels) == 3 and labels[2] == "pod":
        return _pod_record(cluster, name, labels[0], labels[1])
    if len(labels) < 3 or labels[-1] != "svc":
        return _nx(name)
    labels = labels[:-1]  # drop "svc"
    namespace, service = labels[-1], labels[-2]
    rest = labels[:-2]
    svc = cluster.store.get("Service", namespace, service)
    if svc is None:
        return _nx(name)
    spec = svc.get("spec") or {}
    svc_name = f"{service}.{namespace}.svc.{ZONE}"
    if len(rest) == 2 and rest[0].startswith("_") and rest[1].startswith("_"):
        return _srv(cluster, name, svc, svc_name, rest[0][1:], rest[1][1:])
    if len(rest) == 1:
        return _endpoint_record(cluster, name, namespace, service, rest[0])
    if rest:
        return _nx(name)
    if qtype == "SRV":
        return _srv(cluster, name, svc, svc_name, None, None)
    if spec.get("type") == "ExternalName":
        return Answer(name, records=[Record("CNAME", str(spec.get("externalName") or ""))])
    if spec.get("clusterIP") == "None":
        addrs = sorted({a["ip"] for a, _ in _ready_addresses(cluster, namespace, service)},
                       key=_ip_key)
        if not addrs:
            return _nx(name)
        return Answer(name, records=[Record("A", ip) for ip in addrs])
    if not spec.get("clusterIP"):
        return _nx(name)
    return Answer(name, records=[Record("A", spec["clusterIP"])])


NDOTS = 5  # pkg/kubelet/network/dns/dns.go defaultDNSOptions: "ndots:5"


def search_domains(namespace: str) -> list[str]:
    """generateSearchesForDNSClusterFirst: ``<ns>.svc.<zone>``, ``svc.<zone>``, ``<zone>``
    (the node's own search domains follow on a real node; they are unknown here)."""
    return [f"{namespace}.svc.{ZONE}", f"svc.{ZONE}", ZONE]


def candidates(name: str, namespace: str = "default") -> list[str]:
    """The names a stub resolver with ``ndots:5`` and the pod's search list tries, in order
    (glibc res_search: a trailing dot makes the name absolute; fewer than ndots dots, the
    search list comes first)."""
    if name.endswith("."):
        return [name.rstrip(".")]
    expanded = [f"{name}.{domain}" for domain in search_domains(namespace)]
    if name.count(".") >= NDOTS:
        return [name, *expanded]
    return [*expanded, name]


def lookup(cluster, name: str, qtype: str = "A", namespace: str = "default") -> Answer:
    """What a ClusterFirst pod in ``namespace`` gets for ``name``: the first candidate
    (``candidates``) that exists; the answer carries the name that answered. NXDOMAIN for
    the name as asked when none does."""
    for candidate in candidates(name, namespace):
        answer = resolve(cluster, candidate, qtype)
        if answer.rcode != "NXDOMAIN":
            return answer
    return _nx(name)


def _ip_key(ip: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in ip.split("."))


def _endpoint_record(cluster, name: str, namespace: str, service: str, label: str) -> Answer:
    ips = sorted({addr["ip"] for addr, _ in _ready_addresses(cluster, namespace, service)
                  if endpoint_hostname(addr).lower() == label}, key=_ip_key)
    if not ips:
        return _nx(name)
    return Answer(name, records=[Record("A", ip) for ip in ips])


def _srv(cluster, name: str, svc: dict, svc_name: str, port_name: str | None,
         proto: str | None) -> Answer:
    spec = svc.get("spec") or {}
    namespace = svc["metadata"].get("namespace") or "default"
    service = svc["metadata"]["name"]
    records: list[Record] = []
    for port in spec.get("ports") or []:
        if not port.get("name"):
            continue  # unnamed ports have no SRV records
        if port_name is not None and (port["name"].lower() != port_name
                                      or (port.get("protocol") or "TCP").lower() != proto):
            continue
        if spec.get("clusterIP") == "None":
            for addr, ports in _ready_addresses(cluster, namespace, service):
                for ep_port in ports:
                    if ep_port.get("name") == port["name"]:
                        records.append(Record("SRV", f"{endpoint_hostname(addr)}.{svc_name}",
                                              ep_port.get("port")))
        elif spec.get("clusterIP"):
            records.append(Record("SRV", svc_name, port.get("port")))
    if not records:
        return _nx(name)
    return Answer(name, records=sorted(set(records), key=lambda r: (r.value, r.port or 0)))


def _pod_record(cluster, name: str, dashed: str, namespace: str) -> Answer:
    if cluster.store.get("Namespace", "", namespace) is None:
        return _nx(name)
    parts = dashed.split("-")
    if len(parts) != 4 or not all(p.isdigit() and int(p) < 256 for p in parts):
        return _nx(name)
    return Answer(name, records=[Record("A", ".".join(parts))])
