"""Service rules: Services that select no pods, named target ports no pod declares, and
StatefulSets whose serviceName names no headless Service."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_k8sflow.lint.explain import scenario
from pytest_k8sflow.lint.model import Finding, LintSet, Manifest, label_text, rule
from pytest_k8sflow.lint.pods import PodRef, containers, pods_matching


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _selected(service: Manifest, lint_set: LintSet) -> list[PodRef] | None:
    """The pods (templates) of the set a Service selects; None when it has no selector
    (its endpoints are managed by hand) or is an ExternalName Service."""
    selector = service.get(("spec", "selector"))
    if service.get(("spec", "type")) == "ExternalName" or not isinstance(selector, dict) or \
            not selector:
        return None
    return pods_matching(lint_set, service.namespace, selector)


@rule("dangling-service", "warning",
      "a Service whose selector matches no pod has no endpoints: connections to it fail",
      kinds=("Service",),
      source="kube-linter dangling-service; kube-score service-targets-pod; k/k "
             "pkg/controller/endpointslice (endpoints from the pods the selector matches)",
      family="services")
def dangling_service(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    pods = _selected(m, lint_set)
    if pods is None or pods:
        return
    selector = m.get(("spec", "selector"))
    yield m.finding(dangling_service, ("spec", "selector"),
                    f"selector {label_text(selector)} matches no pod of the workloads "
                    f"linted with it (namespace {m.namespace})")


@dangling_service.explainer
def _explain_dangling(finding: Finding, lint_set: LintSet) -> dict | None:
    m = finding.manifest
    if m is None:
        return None
    expect = [{"kind": "EndpointSlice", "metadata": {
        "namespace": m.namespace, "labels": {"kubernetes.io/service-name": m.name}},
        "endpoints": []}]
    return scenario(finding, lint_set, given=[m, *(p for p in lint_set.manifests
                                                  if p.namespace == m.namespace and
                                                  p.kind in ("Deployment", "StatefulSet",
                                                             "DaemonSet", "ReplicaSet",
                                                             "Pod"))],
                    expect=expect)


@rule("service-target-port", "warning",
      "a named targetPort must be the name of a port of the selected pods' containers; pods "
      "without it are left out of the Service's endpoints",
      kinds=("Service",),
      source="k/k pkg/api/v1/pod/util.go FindPort (used by the EndpointSlice controller)",
      family="services")
def service_target_port(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    pods = _selected(m, lint_set)
    if not pods:
        return
    ports = m.get(("spec", "ports"))
    for index, port in enumerate(ports if isinstance(ports, list) else ()):
        if not isinstance(port, dict):
            continue
        target = port.get("targetPort")
        if not isinstance(target, str) or target.isdigit():
            continue
        missing = []
        for pod in pods:
            names = {p.get("name") for ref in containers(pod)
                     for p in _list(ref.container.get("ports"))
                     if isinstance(p, dict) and isinstance(p.get("name"), str)}
            if target not in names:
                missing.append(pod.manifest.ref)
        if missing:
            yield m.finding(service_target_port, ("spec", "ports", index, "targetPort"),
                            f'targetPort "{target}" is not a container port name of the pods '
                            f"of {', '.join(missing)}")


def _services_named(lint_set: LintSet) -> dict[tuple[str, str], list[Manifest]]:
    def index() -> dict[tuple[str, str], list[Manifest]]:
        out: dict[tuple[str, str], list[Manifest]] = {}
        for service in lint_set.of_kind("Service"):
            out.setdefault((service.namespace, service.name), []).append(service)
        return out
    return lint_set.memo("services-by-name", index)


@rule("statefulset-service", "warning",
      "a StatefulSet's pods get their stable DNS names (pod-0.service) only through the "
      "headless Service its serviceName names",
      kinds=("StatefulSet",),
      source="Kubernetes docs StatefulSet (Limitations; Stable Network ID); k/k "
             "pkg/controller/statefulset (pod subdomain = serviceName)", family="services")
def statefulset_service(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    name = m.get(("spec", "serviceName"))
    if not isinstance(name, str) or not name:
        return
    services = _services_named(lint_set).get((m.namespace, name), [])
    if not services:
        yield m.finding(statefulset_service, ("spec", "serviceName"),
                        f'serviceName "{name}" names no Service among the linted objects '
                        f"(namespace {m.namespace})")
        return
    service = services[0]
    if service.get(("spec", "clusterIP")) != "None":
        yield m.finding(statefulset_service, ("spec", "serviceName"),
                        f'Service "{name}" is not headless (it needs clusterIP: None, '
                        f"{service.file}:{service.position(('spec',))[0]}): the pods get no "
                        "per-pod DNS names")


@statefulset_service.explainer
def _explain_statefulset(finding: Finding, lint_set: LintSet) -> dict | None:
    m = finding.manifest
    if m is None:
        return None
    service = m.get(("spec", "serviceName"))
    services = _services_named(lint_set).get((m.namespace, service), [])
    expect = [{"dns": {"name": f"{m.name}-0.{service}.{m.namespace}.svc.cluster.local",
                       "resolves": False}}]
    return scenario(finding, lint_set, given=[*services, m], expect=expect)
