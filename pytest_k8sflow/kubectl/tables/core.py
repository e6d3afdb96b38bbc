"""Table rows for the core, discovery, storage and policy kinds (k/k
pkg/printers/internalversion/printers.go), and the two fallbacks."""

from __future__ import annotations

from collections.abc import Mapping

from pytest_k8sflow.engine.timeutil import format_time
from pytest_k8sflow.kubectl.humanize import canonical_quantity, time_ms, translate_timestamp_since
from pytest_k8sflow.kubectl.tables.common import (
    Cell,
    Column,
    access_modes,
    format_labels,
    get,
    int_or_string,
    list_with_more,
    name_of,
)

NAME = Column("Name", name_format=True)
AGE = Column("Age")


def _age(obj: Mapping, now_ms: int) -> str:
    return translate_timestamp_since(get(obj, "metadata", "creationTimestamp"), now_ms)


NODE_COLUMNS = (NAME, Column("Status"), Column("Roles"), AGE, Column("Version"),
                Column("Internal-IP", 1), Column("External-IP", 1), Column("OS-Image", 1),
                Column("Kernel-Version", 1), Column("Container-Runtime", 1))


def node_roles(node: Mapping) -> list[str]:
    """printers.go findNodeRoles: ``node-role.kubernetes.io/<role>`` keys and the
    ``kubernetes.io/role`` value, deduplicated and sorted."""
    roles: set[str] = set()
    for key, value in (get(node, "metadata", "labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/"):
            role = key[len("node-role.kubernetes.io/"):]
            if role:
                roles.add(role)
        elif key == "kubernetes.io/role" and value != "":
            roles.add(value)
    return sorted(roles)


def _node_address(node: Mapping, kind: str) -> str:
    for address in get(node, "status", "addresses", default=[]):
        if address.get("type") == kind:
            return address.get("address", "")
    return "<none>"


def node_row(node: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printNode: STATUS from the Ready condition (``Ready``/``NotReady``/
    ``Unknown``) plus ``SchedulingDisabled`` when spec.unschedulable."""
    status: list[str] = []
    ready = None
    for cond in get(node, "status", "conditions", default=[]):
        if cond.get("type") == "Ready":
            ready = cond  # the last Ready condition wins (conditionMap)
    if ready is not None:
        status.append("Ready" if ready.get("status") == "True" else "NotReady")
    if not status:
        status.append("Unknown")
    if get(node, "spec", "unschedulable"):
        status.append("SchedulingDisabled")
    info = get(node, "status", "nodeInfo", default={})
    return [name_of(node), ",".join(status), ",".join(node_roles(node)) or "<none>",
            _age(node, now_ms), info.get("kubeletVersion", ""),
            _node_address(node, "InternalIP"), _node_address(node, "ExternalIP"),
            info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
            info.get("containerRuntimeVersion") or "<unknown>"]


EVENT_COLUMNS = (Column("Last Seen"), Column("Type"), Column("Reason"), Column("Object"),
                 Column("Subobject", 1), Column("Source", 1), Column("Message"),
                 Column("First Seen", 1), Column("Count", 1), Column("Name", 1, True))


def _event_source(event: Mapping) -> str:
    # printers.go formatEventSource: component (or reportingController), ", host" if any
    # core/v1 serialises ReportingController as "reportingComponent"
    component = get(event, "source", "component") or event.get("reportingComponent") or ""
    host = get(event, "source", "host") or event.get("reportingInstance") or ""
    return f"{component}, {host}" if host else component


def event_row(event: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printEvent: LAST SEEN falls back to FIRST SEEN, then to eventTime;
    a series overrides both LAST SEEN and COUNT; OBJECT is ``<kind lowercased>/<name>``."""
    first = event.get("firstTimestamp")
    if time_ms(first) is None:
        first_seen = translate_timestamp_since(event.get("eventTime"), now_ms)
    else:
        first_seen = translate_timestamp_since(first, now_ms)
    last = event.get("lastTimestamp")
    last_seen = first_seen if time_ms(last) is None else translate_timestamp_since(last, now_ms)
    count = int(event.get("count") or 0)
    series = event.get("series")
    if series is not None:
        last_seen = translate_timestamp_since(series.get("lastObservedTime"), now_ms)
        count = int(series.get("count") or 0)
    elif count == 0:
        count = 1
    involved = event.get("involvedObject") or {}
    kind = (involved.get("kind") or "").lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    return [last_seen, event.get("type", ""), event.get("reason", ""), target,
            involved.get("fieldPath", ""), _event_source(event),
            (event.get("message") or "").strip(), first_seen, count, name_of(event)]


NAMESPACE_COLUMNS = (NAME, Column("Status"), AGE)


def namespace_row(obj: Mapping, now_ms: int) -> list[Cell]:
    return [name_of(obj), get(obj, "status", "phase", default=""), _age(obj, now_ms)]


SECRET_COLUMNS = (NAME, Column("Type"), Column("Data"), AGE)


def secret_row(obj: Mapping, now_ms: int) -> list[Cell]:
    # the apiserver folds stringData into data; count both for objects not stored yet
    keys = set(obj.get("data") or {}) | set(obj.get("stringData") or {})
    return [name_of(obj), obj.get("type", ""), len(keys), _age(obj, now_ms)]


SERVICEACCOUNT_COLUMNS = (NAME, Column("Secrets"), AGE)


def serviceaccount_row(obj: Mapping, now_ms: int) -> list[Cell]:
    return [name_of(obj), len(obj.get("secrets") or []), _age(obj, now_ms)]


CONFIGMAP_COLUMNS = (NAME, Column("Data"), AGE)


def configmap_row(obj: Mapping, now_ms: int) -> list[Cell]:
    return [name_of(obj), len(obj.get("data") or {}) + len(obj.get("binaryData") or {}),
            _age(obj, now_ms)]


SERVICE_COLUMNS = (NAME, Column("Type"), Column("Cluster-IP"), Column("External-IP"),
                   Column("Port(s)"), AGE, Column("Selector", 1))


def _load_balancer(status: Mapping | None, wide: bool) -> str:
    # printers.go loadBalancerStatusStringer: sorted unique IPs/hostnames, clipped to 16
    found: set[str] = set()
    for ingress in get(status, "ingress", default=[]):
        if ingress.get("ip"):
            found.add(ingress["ip"])
        elif ingress.get("hostname"):
            found.add(ingress["hostname"])
    text = ",".join(sorted(found))
    if not wide and len(text) > 16:
        text = text[:13] + "..."
    return text


def _external_ip(svc: Mapping, wide: bool) -> str:
    spec = svc.get("spec") or {}
    kind = spec.get("type", "ClusterIP")
    external = spec.get("externalIPs") or []
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else "<none>"
    if kind == "LoadBalancer":
        lb = _load_balancer(get(svc, "status", "loadBalancer"), wide)
        if external:
            return ",".join(([*lb.split(",")] if lb else []) + list(external))
        return lb or "<pending>"
    if kind == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def service_row(svc: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printService. EXTERNAL-IP is computed unclipped (the apiserver generates
    the wide table); PORT(S) is ``port[:nodePort]/protocol``."""
    spec = svc.get("spec") or {}
    cluster_ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP")
                                             else [])
    ports = []
    for port in spec.get("ports") or []:
        proto = port.get("protocol", "TCP")
        if port.get("nodePort"):
            ports.append(f"{port.get('port')}:{port['nodePort']}/{proto}")
        else:
            ports.append(f"{port.get('port')}/{proto}")
    return [name_of(svc), spec.get("type", "ClusterIP"),
            cluster_ips[0] if cluster_ips else "<none>", _external_ip(svc, True),
            ",".join(ports) or "<none>", _age(svc, now_ms), format_labels(spec.get("selector"))]


ENDPOINTS_COLUMNS = (NAME, Column("Endpoints"), AGE)


def format_endpoints(endpoints: Mapping) -> str:
    """printers.go formatEndpoints: ``ip:port`` for each port of each subset, at most 3,
    then ``+ N more...``; headless subsets without ports list bare IPs."""
    subsets = endpoints.get("subsets") or []
    if not subsets:
        return "<none>"
    shown: list[str] = []
    count = 0
    more = False
    for subset in subsets:
        addresses = subset.get("addresses") or []
        ports = subset.get("ports") or []
        if not ports:
            count += len(addresses)
            for address in addresses:
                if len(shown) == 3:
                    more = True
                    break
                shown.append(address.get("ip", ""))
            continue
        for port in ports:
            count += len(addresses)
            for address in addresses:
                if len(shown) == 3:
                    more = True
                    break
                ip = address.get("ip", "")
                host = f"[{ip}]" if ":" in ip else ip  # net.JoinHostPort
                shown.append(f"{host}:{port.get('port')}")
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if more else text


def endpoints_row(obj: Mapping, now_ms: int) -> list[Cell]:
    return [name_of(obj), format_endpoints(obj), _age(obj, now_ms)]


ENDPOINTSLICE_COLUMNS = (NAME, Column("AddressType"), Column("Ports"), Column("Endpoints"), AGE)


def endpointslice_row(obj: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printEndpointSlice (formatDiscoveryPorts, formatDiscoveryEndpoints)."""
    ports = []
    for port in obj.get("ports") or []:
        if port.get("port") is not None:
            ports.append(str(port["port"]))
        elif port.get("name") is not None:
            ports.append(port["name"])
        else:
            ports.append("*")
    addresses = [a for ep in obj.get("endpoints") or [] for a in ep.get("addresses") or []]
    return [name_of(obj), obj.get("addressType", ""), list_with_more(ports, len(ports)),
            list_with_more(addresses, len(addresses)), _age(obj, now_ms)]


PVC_COLUMNS = (NAME, Column("Status"), Column("Volume"), Column("Capacity"),
               Column("Access Modes"), Column("StorageClass"), Column("VolumeAttributesClass"),
               AGE, Column("VolumeMode", 1))


def _claim_class(obj: Mapping) -> str:
    # storageutil.GetPersistentVolumeClaimClass: the beta annotation wins
    beta = get(obj, "metadata", "annotations", default={}).get(
        "volume.beta.kubernetes.io/storage-class")
    if beta is not None:
        return beta
    return get(obj, "spec", "storageClassName", default="")


def pvc_row(obj: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printPersistentVolumeClaim: capacity and modes only once bound."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    phase = status.get("phase", "")
    if get(obj, "metadata", "deletionTimestamp") is not None:
        phase = "Terminating"
    capacity = ""
    modes = ""
    if spec.get("volumeName"):
        modes = access_modes(status.get("accessModes"))
        storage = get(status, "capacity", "storage")
        capacity = canonical_quantity(storage) if storage is not None else "0"
    return [name_of(obj), phase, spec.get("volumeName", ""), capacity, modes, _claim_class(obj),
            spec.get("volumeAttributesClassName") or "<unset>", _age(obj, now_ms),
            spec.get("volumeMode") or "<unset>"]


PV_COLUMNS = (NAME, Column("Capacity"), Column("Access Modes"), Column("Reclaim Policy"),
              Column("Status"), Column("Claim"), Column("StorageClass"),
              Column("VolumeAttributesClass"), Column("Reason"), AGE, Column("VolumeMode", 1))


def pv_row(obj: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printPersistentVolume."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    claim = ""
    if spec.get("claimRef") is not None:
        claim = f"{spec['claimRef'].get('namespace', '')}/{spec['claimRef'].get('name', '')}"
    phase = status.get("phase", "")
    if get(obj, "metadata", "deletionTimestamp") is not None:
        phase = "Terminating"
    beta = get(obj, "metadata", "annotations", default={}).get(
        "volume.beta.kubernetes.io/storage-class")
    storage_class = beta if beta is not None else spec.get("storageClassName", "")
    storage = get(spec, "capacity", "storage")
    return [name_of(obj), canonical_quantity(storage) if storage is not None else "0",
            access_modes(spec.get("accessModes")), spec.get("persistentVolumeReclaimPolicy", ""),
            phase, claim, storage_class, spec.get("volumeAttributesClassName") or "<unset>",
            status.get("reason", ""), _age(obj, now_ms), spec.get("volumeMode") or "<unset>"]


STORAGECLASS_COLUMNS = (NAME, Column("Provisioner"), Column("ReclaimPolicy"),
                        Column("VolumeBindingMode"), Column("AllowVolumeExpansion"), AGE)


def storageclass_row(obj: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printStorageClass: ``(default)`` after the name of the default class."""
    annotations = get(obj, "metadata", "annotations", default={})
    name = name_of(obj)
    # storageutil.IsDefaultAnnotation: the GA annotation, else the beta one, must be "true"
    if annotations.get("storageclass.kubernetes.io/is-default-class") == "true" or \
            annotations.get("storageclass.beta.kubernetes.io/is-default-class") == "true":
        name += " (default)"
    return [name, obj.get("provisioner", ""), obj.get("reclaimPolicy") or "Delete",
            obj.get("volumeBindingMode") or "Immediate",
            bool(obj.get("allowVolumeExpansion") or False), _age(obj, now_ms)]


PDB_COLUMNS = (NAME, Column("Min Available"), Column("Max Unavailable"),
               Column("Allowed Disruptions"), AGE)


def pdb_row(obj: Mapping, now_ms: int) -> list[Cell]:
    spec = obj.get("spec") or {}
    min_available = spec.get("minAvailable")
    max_unavailable = spec.get("maxUnavailable")
    return [name_of(obj), "N/A" if min_available is None else int_or_string(min_available),
            "N/A" if max_unavailable is None else int_or_string(max_unavailable),
            int(get(obj, "status", "disruptionsAllowed", default=0)), _age(obj, now_ms)]


RESOURCEQUOTA_COLUMNS = (NAME, Column("Request"), Column("Limit"), AGE)


def resourcequota_row(obj: Mapping, now_ms: int) -> list[Cell]:
    """printers.go printResourceQuota: ``name: used/hard`` sorted by resource name; names
    starting with ``limits.`` go to LIMIT."""
    hard = get(obj, "status", "hard", default={})
    used = get(obj, "status", "used", default={})
    requests: list[str] = []
    limits: list[str] = []
    for resource in sorted(hard):
        text = (f"{resource}: {canonical_quantity(used.get(resource, 0))}/"
                f"{canonical_quantity(hard[resource])}")
        pieces = resource.split(".")
        (limits if len(pieces) > 1 and pieces[0] == "limits" else requests).append(text)
    return [name_of(obj), ", ".join(requests), ", ".join(limits), _age(obj, now_ms)]


# kubectl's client-side default printer (cli-runtime tableprinter printObjectMeta) and the
# apiextensions CRD default columns: NAME and AGE.
GENERIC_COLUMNS = (NAME, AGE)


def generic_row(obj: Mapping, now_ms: int) -> list[Cell]:
    return [name_of(obj), _age(obj, now_ms)]


# apiserver pkg/registry/rest/table.go defaultTableConvertor: kinds the apiserver serves
# without a printer (LimitRange) show NAME and CREATED AT (RFC 3339, UTC).
CREATED_AT_COLUMNS = (NAME, Column("Created At"))


def created_at_row(obj: Mapping, now_ms: int) -> list[Cell]:
    at = time_ms(get(obj, "metadata", "creationTimestamp"))
    return [name_of(obj), format_time(at if at is not None else -62135596800000)]
