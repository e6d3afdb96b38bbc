"""Probe rules: missing readiness/liveness probes, identical probes, probe ports that name no
declared container port."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_k8sflow.lint.model import Finding, LintSet, Manifest, rule
from pytest_k8sflow.lint.pods import (
    SERVING_KINDS,
    PodRef,
    containers,
    long_running,
    map_selector_matches,
    pod_of,
)

_SERVING = (*SERVING_KINDS, "Pod")


def _services_selecting(pod: PodRef, lint_set: LintSet) -> list[Manifest]:
    """The Services of the set whose selector matches the pod's labels (indexed by the
    first pair of each selector)."""
    def index() -> dict[tuple[str, str, str], list[tuple[dict, Manifest]]]:
        out: dict[tuple[str, str, str], list[tuple[dict, Manifest]]] = {}
        for service in lint_set.of_kind("Service"):
            selector = service.get(("spec", "selector"))
            if isinstance(selector, dict) and selector:
                key, value = sorted(selector.items(), key=lambda kv: str(kv[0]))[0]
                out.setdefault((service.namespace, str(key), str(value)), []).append(
                    (selector, service))
        return out

    by_pair = lint_set.memo("services-by-first-label", index)
    found: list[Manifest] = []
    for key, value in pod.labels.items():
        for selector, service in by_pair.get((pod.namespace, str(key), str(value)), ()):
            if map_selector_matches(selector, pod.labels) and service not in found:
                found.append(service)
    found.sort(key=lambda s: lint_set.manifests.index(s) if len(found) > 1 else 0)
    return found


@rule("no-readiness-probe", "warning",
      "without a readiness probe a container counts as ready the moment it starts: Services "
      "send it traffic and rollouts move on before the application can serve",
      kinds=_SERVING,
      source="kube-linter no-readiness-probe; kube-score pod-probes; k/k pkg/kubelet/prober "
             "(no probe: ready once started)", family="probes")
def no_readiness_probe(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    pod = pod_of(m)
    if pod is None:
        return
    services = _services_selecting(pod, lint_set)
    for ref in long_running(pod):
        if "readinessProbe" in ref.container:
            continue
        if services:
            yield m.finding(no_readiness_probe, ref.path,
                            f'container "{ref.name}" has no readiness probe, and '
                            f"{services[0].ref} sends traffic to its pods as soon as they "
                            "start", key=True)
        else:
            yield m.finding(no_readiness_probe, ref.path,
                            f'container "{ref.name}" has no readiness probe', key=True,
                            severity="info")


@rule("no-liveness-probe", "info",
      "without a liveness probe a container that hangs (alive but stuck) is never restarted",
      kinds=_SERVING,
      source="kube-linter no-liveness-probe; Polaris livenessProbeMissing; kube-score "
             "pod-probes", family="probes")
def no_liveness_probe(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    pod = pod_of(m)
    if pod is None:
        return
    for ref in long_running(pod):
        if "livenessProbe" not in ref.container:
            yield m.finding(no_liveness_probe, ref.path,
                            f'container "{ref.name}" has no liveness probe', key=True)


@rule("identical-probes", "warning",
      "when the readiness and liveness probes are the same check, a busy container is "
      "restarted at the moment it is taken out of traffic, instead of being given time",
      kinds=_SERVING, source="kube-score pod-probes (readiness and liveness must differ)",
      family="probes")
def identical_probes(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    pod = pod_of(m)
    if pod is None:
        return
    for ref in long_running(pod):
        readiness = ref.container.get("readinessProbe")
        if readiness and readiness == ref.container.get("livenessProbe"):
            yield m.finding(identical_probes, (*ref.path, "livenessProbe"),
                            f'container "{ref.name}": the liveness probe is identical to the '
                            "readiness probe", key=True)


_HANDLERS = ("httpGet", "tcpSocket", "grpc")


@rule("probe-port", "error",
      "a probe whose port names no port of its container fails every time: a liveness or "
      "startup probe then restarts the container forever, a readiness probe keeps it unready",
      kinds=(*_SERVING, "Job", "CronJob"),
      source="k/k pkg/kubelet/prober/prober.go (port by name: findPortByName, "
             "\"couldn't find port\"); kube-linter liveness-port / readiness-port",
      family="probes")
def probe_port(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    pod = pod_of(m)
    if pod is None:
        return
    for ref in containers(pod, init=True):
        ports = ref.container.get("ports")
        names = {p.get("name") for p in (ports if isinstance(ports, list) else ())
                 if isinstance(p, dict) and isinstance(p.get("name"), str)}
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            spec = ref.container.get(probe)
            if not isinstance(spec, dict):
                continue
            for handler in _HANDLERS:
                action = spec.get(handler)
                if not isinstance(action, dict):
                    continue
                port = action.get("port")
                if isinstance(port, str) and not port.isdigit() and port not in names:
                    declared = ", ".join(sorted(n for n in names if isinstance(n, str))) \
                        or "none"
                    yield m.finding(probe_port, (*ref.path, probe, handler, "port"),
                                    f'container "{ref.name}": {probe} port "{port}" is not '
                                    f"the name of one of its ports (named ports: {declared})")
