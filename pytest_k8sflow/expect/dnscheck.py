"""The ``dns`` expectation of the scenario contract.

    {name, pod: web-0}                  the name resolves to exactly that pod's address
    {name, pods: [web-0, web-1]}        exactly these pods' addresses, any order
    {name, addresses: [10.96.0.10]}     exactly these addresses, any order
    {name, resolves: false}             NXDOMAIN (``resolves: true``: any answer)
    {name, type: SRV, port: 80, targets: [web-0.nginx.default.svc.cluster.local]}

``namespace`` (default ``default``) says where ``pod``/``pods`` live.
"""

from __future__ import annotations

from collections.abc import Mapping

from pytest_k8sflow.engine.dns import resolve


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
    namespace = str(value.get("namespace") or "default")
    answer = resolve(cluster, name, qtype)

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
            want = sorted(_norm(t) for t in value.get("targets") or [])
            got = sorted({_norm(r.value) for r in answer.records})
            if want != got:
                problems.append(f"expected targets {want}, got {got}")
        return f"DNS SRV {name}: " + "; ".join(problems) if problems else None

    if "pod" in value or "pods" in value:
        pods = [value["pod"]] if "pod" in value else list(value.get("pods") or [])
        want = []
        for pod in pods:
            ip, problem = _pod_address(cluster, str(pod), namespace)
            if problem:
                return f"DNS {name}: {problem}"
            want.append(ip)
        label = f"pod {pods[0]}" if "pod" in value else f"pods {', '.join(map(str, pods))}"
        return _compare(name, answer, sorted(set(want)), label)
    if "addresses" in value:
        want = sorted({str(a) for a in value.get("addresses") or []})
        return _compare(name, answer, want, "addresses")
    if answer.rcode == "NXDOMAIN":
        return f"DNS {name}: got NXDOMAIN"
    return None


def _describe(answer) -> str:
    if answer.rcode == "NXDOMAIN":
        return "NXDOMAIN"
    return ", ".join(f"{r.type} {r.value}" + (f":{r.port}" if r.port else "")
                     for r in answer.records) or "an empty answer"


def _compare(name: str, answer, want: list[str], label: str) -> str | None:
    if answer.rcode == "NXDOMAIN":
        return f"DNS {name}: expected {label} ({', '.join(want)}), got NXDOMAIN"
    got = sorted(set(answer.addresses))
    if got == want:
        return None
    return f"DNS {name}: expected {label} ({', '.join(want)}), got {', '.join(got) or 'none'}"
