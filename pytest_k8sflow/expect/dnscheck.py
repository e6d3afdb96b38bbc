"""The ``dns`` expectation of the scenario contract.

    {name, pod: web-0}                  the name resolves to exactly that pod's address
    {name, pods: [web-0, web-1]}        exactly these pods' addresses, any order
    {name, addresses: [10.96.0.10]}     exactly these addresses, any order
    {name, resolves: false}             NXDOMAIN (``resolves: true``: any answer)
    {name, type: SRV, port: 80, targets: [web-0.nginx.default.svc.cluster.local]}

``name`` may be relative (``web-0.nginx``): it is looked up as a ClusterFirst pod in
``namespace`` (default ``default``) would, through its search list (engine/dns.py ``lookup``).
``pod``/``pods`` live in ``namespace`` when given, else in the namespace of the name that
answered (``web-0.nginx.foo.svc.cluster.local`` -> ``foo``). ``pods``, ``addresses`` and
``targets`` items may be matchers (``{$glob: "web-*"}``): each item must match a distinct
answer (for ``pods``, a matcher stands for every pod whose name it matches).
"""

from __future__ import annotations

from collections.abc import Mapping

from pytest_k8sflow.engine.dns import ZONE, lookup
from pytest_k8sflow.expect import matchers


def _pod_address(cluster, name: str, namespace: str) -> tuple[str | None, str | None]:
    pod = cluster.store.get("Pod", namespace, name)
    if pod is None:
        return None, f"pod {name} does not exist in namespace {namespace}"
    status = pod.get("status") or {}
    ip = status.get("podIP") or next(
        (p.get("ip") for p in status.get("podIPs") or [] if p.get("ip")), None)
    if not ip:
        return None, f"pod {name} has no IP address yet (phase {status.get('phase')})"
    return ip, None


def _norm(name: str) -> str:
    return str(name).rstrip(".").lower()


def check_dns(cluster, value: Mapping) -> str | None:
    """None when the expectation holds, else a readable failure text."""
    name = str(value.get("name") or "")
    if not name:
        return "dns expectation needs a name"
    qtype = str(value.get("type") or "A").upper()
    searching = str(value.get("namespace") or "default")
    answer = lookup(cluster, name, qtype, searching)
    namespace = str(value.get("namespace") or _namespace_of(answer.name) or "default")

    if "resolves" in value:
        if value["resolves"] is False:
            if answer.rcode == "NXDOMAIN":
                return None
            return (f"DNS {name}: expected NXDOMAIN, got "
                    f"{_describe(answer)}")
        if answer.rcode == "NXDOMAIN":
            return f"DNS {name}: expected an answer, got NXDOMAIN"
        if not any(k in value for k in ("pod", "pods", "addresses", "targets")):
            return None

    if qtype == "SRV":
        if answer.rcode == "NXDOMAIN":
            return f"DNS SRV {name}: got NXDOMAIN"
        problems = []
        if "port" in value:
            ports = sorted({r.port for r in answer.records if r.port is not None})
            if any(r.port != value["port"] for r in answer.records):
                problems.append(f"expected port {value['port']}, got {ports}")
        if "targets" in value:
            want = [t if matchers.is_matcher(t) else _norm(t)
                    for t in value.get("targets") or []]
            got = sorted({_norm(r.value) for r in answer.records})
            if not _match_all(want, got):
                problems.append(f"expected targets {_show(want)}, got {got}")
        return f"DNS SRV {name}: " + "; ".join(problems) if problems else None

    if "pod" in value or "pods" in value:
        pods = [value["pod"]] if "pod" in value else list(value.get("pods") or [])
        want = []
        for pod in _expand_pods(cluster, pods, namespace):
            ip, problem = _pod_address(cluster, str(pod), namespace)
            if problem:
                return f"DNS {name}: {problem}"
            want.append(ip)
        label = (f"pod {pods[0]}" if "pod" in value
                 else f"pods {', '.join(_show([p]) for p in pods)}")
        return _compare(name, answer, sorted(set(want)), label)
    if "addresses" in value:
        want = [a if matchers.is_matcher(a) else str(a) for a in value.get("addresses") or []]
        return _compare(name, answer, want, "addresses")
    if answer.rcode == "NXDOMAIN":
        return f"DNS {name}: got NXDOMAIN"
    return None


def _namespace_of(fqdn: str) -> str | None:
    """The namespace a cluster name is in: ``<..>.<ns>.svc.<zone>`` or ``<ip>.<ns>.pod.<zone>``."""
    labels = _norm(fqdn).split(".")
    zone = ZONE.split(".")
    if labels[-len(zone):] != zone:
        return None
    labels = labels[:-len(zone)]
    if len(labels) >= 2 and labels[-1] in ("svc", "pod"):
        return labels[-2]
    return None


def _expand_pods(cluster, pods: list, namespace: str) -> list[str]:
    """Pod names; a matcher stands for every pod of the namespace whose name it matches."""
    out: list[str] = []
    for pod in pods:
        if matchers.is_matcher(pod):
            out += [p["metadata"]["name"] for p in cluster.store.list("Pod", namespace)
                    if matchers.evaluate(pod, p["metadata"]["name"], matchers.deep_equal)]
        else:
            out.append(str(pod))
    return out


def _match_all(want: list, got: list[str]) -> bool:
    """Each wanted item (a value or a matcher) pairs with a distinct answer, none left over."""
    if len(want) != len(got):
        return False

    def fits(item, actual: str) -> bool:
        if matchers.is_matcher(item):
            return matchers.evaluate(item, actual, matchers.deep_equal)
        return item == actual

    def assign(i: int, used: frozenset) -> bool:
        if i == len(want):
            return True
        return any(j not in used and fits(want[i], got[j]) and assign(i + 1, used | {j})
                   for j in range(len(got)))

    return assign(0, frozenset())


def _show(items: list) -> str:
    return ", ".join(matchers.label(i) if matchers.is_matcher(i) else str(i) for i in items)


def _describe(answer) -> str:
    if answer.rcode == "NXDOMAIN":
        return "NXDOMAIN"
    return ", ".join(f"{r.type} {r.value}" + (f":{r.port}" if r.port else "")
                     for r in answer.records) or "an empty answer"


def _compare(name: str, answer, want: list, label: str) -> str | None:
    if answer.rcode == "NXDOMAIN":
        return f"DNS {name}: expected {label} ({_show(want)}), got NXDOMAIN"
    got = sorted(set(answer.addresses))
    if _match_all(want, got):
        return None
    return f"DNS {name}: expected {label} ({_show(want)}), got {', '.join(got) or 'none'}"
