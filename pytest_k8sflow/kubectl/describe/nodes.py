"""``kubectl describe node`` (kubernetes/kubectl pkg/describe/describe.go NodeDescriber): taints,
lease, conditions, system info, non-terminated pods and allocated resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pytest_k8sflow.engine.resources import BY_KIND
from pytest_k8sflow.kubectl.describe.common import _labels_annotations, rfc1123z
from pytest_k8sflow.kubectl.humanize import canonical_quantity, time_ms, translate_timestamp_since
from pytest_k8sflow.kubectl.printers import _PrefixWriter
from pytest_k8sflow.kubectl.tables.common import get
from pytest_k8sflow.kubectl.tables.core import node_roles

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster


def _describe_node(cluster: Cluster, node: Mapping, w: _PrefixWriter) -> None:
    """NodeDescriber, without the pod resource totals' percentages' rounding subtleties."""
    meta, spec, status = node["metadata"], node.get("spec") or {}, node.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
    _labels_annotations(w, node)
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    # printTaintsMultilineWithIndent: sorted by "effect,key"; Taint.ToString
    taints = sorted(spec.get("taints") or [],
                    key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")
    if not taints:
        w.write(0, "Taints:\t<none>\n")
    else:
        for i, t in enumerate(taints):
            text = t.get("key", "") + (f"={t['value']}" if t.get("value") else "") + \
                f":{t.get('effect', '')}"
            w.write(0, ("Taints:\t" if i == 0 else "\t") + text + "\n")
    w.write(0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    _describe_node_lease(cluster, node, w)
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\t"
                   "Message\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type')} \t{c.get('status')} \t"
                       f"{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                       f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t"
                       f"{c.get('message', '')}\n")
    addresses = status.get("addresses") or []
    w.write(0, "Addresses:\n")
    for a in addresses:
        w.write(1, f"{a.get('type')}:\t{a.get('address')}\n")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        values = status.get(key) or {}
        if values:
            w.write(0, f"{title}:\n")
            for name in sorted(values):
                w.write(1, f"{name}:\t{canonical_quantity(values[name])}\n")
    info = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for title, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"),
                       ("Boot ID", "bootID"), ("Kernel Version", "kernelVersion"),
                       ("OS Image", "osImage"), ("Operating System", "operatingSystem"),
                       ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"),
                       ("Kubelet Version", "kubeletVersion"),
                       ("Kube-Proxy Version", "kubeProxyVersion")):
        w.write(1, f"{title}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    pods = [p for p in cluster.store.list("Pod", None)
            if get(p, "spec", "nodeName") == meta["name"]
            and get(p, "status", "phase") not in ("Succeeded", "Failed")]
    # describeNodeResource: allocatable, or the capacity when allocatable is empty
    allocatable = status.get("allocatable") or status.get("capacity") or {}
    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\t"
               "Age\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t"
               "---\n")
    totals: dict[str, list] = {}
    for p in pods:
        reqs, limits = _pod_requests_and_limits(p)
        for name, value in reqs.items():
            totals.setdefault(f"r:{name}", []).append(value)
        for name, value in limits.items():
            totals.setdefault(f"l:{name}", []).append(value)
        age = translate_timestamp_since(p["metadata"].get("creationTimestamp"),
                                        cluster.clock.now_ms)
        cells = [_amount_pct(reqs, allocatable, "cpu"), _amount_pct(limits, allocatable, "cpu"),
                 _amount_pct(reqs, allocatable, "memory"),
                 _amount_pct(limits, allocatable, "memory")]
        w.write(1, f"{p['metadata'].get('namespace', '')}\t{p['metadata']['name']}\t\t"
                   f"{chr(9).join(cells)}\t{age}\n")
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., "
               "overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    summed_r = {k[2:]: _sum(v) for k, v in totals.items() if k.startswith("r:")}
    summed_l = {k[2:]: _sum(v) for k, v in totals.items() if k.startswith("l:")}
    huge = sorted(k for k in allocatable if k.startswith("hugepages-"))
    for name in ("cpu", "memory", "ephemeral-storage", *huge):
        w.write(1, f"{name}\t{_amount_pct(summed_r, allocatable, name)}\t"
                   f"{_amount_pct(summed_l, allocatable, name)}\n")
    # extended resources (not standard container resources, not pods): no percentages
    standard = ("cpu", "memory", "ephemeral-storage", "storage", "pods")
    extended = sorted(k for k in allocatable if k not in standard
                      and not k.startswith("hugepages-") and not k.startswith("requests.")
                      and not k.startswith("limits."))
    for name in extended:
        w.write(1, f"{name}\t{_amount(summed_r, name)}\t{_amount(summed_l, name)}\n")


def _amount(amounts: Mapping, name: str) -> str:
    from fractions import Fraction

    from pytest_k8sflow.engine.quantity import canonical_string

    amount, fmt = amounts.get(name, (Fraction(0), "DecimalSI"))
    return canonical_string(Fraction(amount), fmt) if amount else "0"


def _describe_node_lease(cluster: Cluster, node: Mapping, w: _PrefixWriter) -> None:
    """describeNodeLease: the node's Lease in kube-node-lease. The simulator keeps no Lease
    objects unless a scenario creates one; a kubelet's lease is then synthesized: holder = the
    node, no acquire time, renewed every 10 s since the node registered (simplified: a real
    kubelet's renewals jitter)."""
    name = node["metadata"]["name"]
    lease = cluster.store.get("Lease", "kube-node-lease", name) \
        if BY_KIND.get("Lease") is not None else None
    w.write(0, "Lease:\n")
    if lease is not None:
        lspec = lease.get("spec") or {}
        holder = lspec.get("holderIdentity") or "<unset>"
        acquire = rfc1123z(lspec["acquireTime"]) if lspec.get("acquireTime") else "<unset>"
        renew = rfc1123z(lspec["renewTime"]) if lspec.get("renewTime") else "<unset>"
    else:
        created = time_ms(node["metadata"].get("creationTimestamp")) or 0
        now = cluster.clock.now_ms
        holder, acquire = name, "<unset>"
        renew = rfc1123z(created + max(0, now - created) // 10_000 * 10_000)
    w.write(1, f"HolderIdentity:\t{holder}\n")
    w.write(1, f"AcquireTime:\t{acquire}\n")
    w.write(1, f"RenewTime:\t{renew}\n")


def _pod_requests_and_limits(pod: Mapping) -> tuple[dict, dict]:
    """resourcehelper.PodRequestsAndLimits: the sum over containers, at least the largest
    init container, plus the pod overhead."""
    from pytest_k8sflow.engine.quantity import parse_with_format

    spec = pod.get("spec") or {}
    result: tuple[dict, dict] = ({}, {})
    for which, key in ((0, "requests"), (1, "limits")):
        total: dict[str, tuple] = {}
        for c in spec.get("containers") or []:
            for name, value in (get(c, "resources", key) or {}).items():
                amount, fmt = parse_with_format(value)
                prev = total.get(name, (0, fmt))
                total[name] = (prev[0] + amount, prev[1])
        for c in spec.get("initContainers") or []:
            for name, value in (get(c, "resources", key) or {}).items():
                amount, fmt = parse_with_format(value)
                if amount > total.get(name, (0, fmt))[0]:
                    total[name] = (amount, fmt)
        for name, value in (spec.get("overhead") or {}).items():
            amount, fmt = parse_with_format(value)
            prev = total.get(name, (0, fmt))
            total[name] = (prev[0] + amount, prev[1])
        result[which].update(total)
    return result


def _sum(values: list) -> tuple:
    return (sum(v[0] for v in values), values[0][1]) if values else (0, "DecimalSI")


def _amount_pct(amounts: Mapping, allocatable: Mapping, name: str) -> str:
    """``100m (5%)``: the amount's Quantity.String() and int64(milli/allocatable milli*100)."""
    from fractions import Fraction

    from pytest_k8sflow.engine.quantity import canonical_string, parse_quantity

    amount, fmt = amounts.get(name, (Fraction(0), "DecimalSI"))
    text = canonical_string(Fraction(amount), fmt) if amount else "0"
    total = parse_quantity(allocatable[name]) if name in allocatable else Fraction(0)
    pct = int(float(amount) / float(total) * 100) if total else 0
    return f"{text} ({pct}%)"
