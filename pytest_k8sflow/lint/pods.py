"""Pod templates inside workload manifests, and what the scheduler would make of them.

Pure helpers on plain dicts, shared by the rules: where a kind keeps its pod template, the
containers of a pod spec, a pod's effective resource requests, label selector matching, and
whether a pod fits a node (resources, nodeSelector, required node affinity, taints).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from pytest_k8sflow.engine.quantity import QuantityError, parse_quantity
from pytest_k8sflow.engine.selectors import SelectorError, from_label_selector
from pytest_k8sflow.lint.model import LintSet, Manifest

__all__ = [
    "POD_TEMPLATE_PATHS",
    "WORKLOAD_KINDS",
    "ContainerRef",
    "PodRef",
    "containers",
    "fit_problems",
    "pod_of",
    "pod_requests",
    "pods_in",
    "selector_matches",
    "tolerates",
]

# Where each kind keeps the spec of the pods it makes (the path of the PodSpec; the pod's
# metadata sits beside it).
POD_TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "PodTemplate": ("template", "spec"),
    "Deployment": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
# Kinds whose pods run for a long time (served, rolled out), unlike Job/CronJob pods.
SERVING_KINDS = ("Deployment", "ReplicaSet", "ReplicationController", "StatefulSet",
                 "DaemonSet")
WORKLOAD_KINDS = tuple(k for k in POD_TEMPLATE_PATHS if k != "PodTemplate")


@dataclass(frozen=True)
class PodRef:
    """The pods one manifest stands for: where their spec is and what labels they carry."""

    manifest: Manifest
    spec_path: tuple[str, ...]
    spec: dict
    meta_path: tuple[str, ...]
    metadata: dict

    @property
    def labels(self) -> dict:
        labels = self.metadata.get("labels")
        return labels if isinstance(labels, dict) else {}

    @property
    def annotations(self) -> dict:
        annotations = self.metadata.get("annotations")
        return annotations if isinstance(annotations, dict) else {}

    @property
    def namespace(self) -> str:
        return self.manifest.namespace

    def as_pod(self) -> dict:
        """A Pod dict as the controller would create it (before admission)."""
        meta = dict(self.metadata)
        meta.setdefault("namespace", self.namespace)
        return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": self.spec}


def pod_of(manifest: Manifest) -> PodRef | None:
    """The pod template of a workload (or the Pod itself); None for other kinds or when the
    template is not a mapping."""
    spec_path = POD_TEMPLATE_PATHS.get(manifest.kind)
    if spec_path is None:
        return None
    spec = manifest.get(spec_path)
    if not isinstance(spec, dict):
        return None
    meta_path = (*spec_path[:-1], "metadata")
    meta = manifest.get(meta_path)
    return PodRef(manifest, spec_path, spec, meta_path, meta if isinstance(meta, dict) else {})


def pods_in(lint_set: LintSet, namespace: str | None = None) -> list[PodRef]:
    """Every pod (template) of the set, optionally of one namespace, in reading order
    (computed once per set)."""
    def every() -> dict[str | None, list[PodRef]]:
        by_namespace: dict[str | None, list[PodRef]] = {None: []}
        for manifest in lint_set.manifests:
            if manifest.kind not in POD_TEMPLATE_PATHS or manifest.kind == "PodTemplate":
                continue
            pod = pod_of(manifest)
            if pod is not None:
                by_namespace[None].append(pod)
                by_namespace.setdefault(manifest.namespace, []).append(pod)
        return by_namespace

    return list(lint_set.memo("pods", every).get(namespace, ()))


def pods_matching(lint_set: LintSet, namespace: str, selector: Mapping) -> list[PodRef]:
    """Pods of a namespace whose labels hold every pair of a map selector (a Service's),
    through a per-set index on label pairs."""
    def index() -> dict[tuple[str, str, str], list[PodRef]]:
        out: dict[tuple[str, str, str], list[PodRef]] = {}
        for pod in pods_in(lint_set):
            for key, value in pod.labels.items():
                out.setdefault((pod.namespace, str(key), str(value)), []).append(pod)
        return out

    by_pair = lint_set.memo("pods-by-label", index)
    if not selector:
        return pods_in(lint_set, namespace)
    candidates = min((by_pair.get((namespace, str(k), str(v)), []) for k, v in
                      selector.items()), key=len)
    return [pod for pod in candidates if map_selector_matches(selector, pod.labels)]


@dataclass(frozen=True)
class ContainerRef:
    path: tuple[str | int, ...]  # relative to the manifest
    container: dict
    group: str  # "containers", "initContainers" or "ephemeralContainers"

    @property
    def name(self) -> str:
        name = self.container.get("name")
        return name if isinstance(name, str) else f"#{self.path[-1]}"

    @property
    def sidecar(self) -> bool:
        """A restartable init container (restartPolicy: Always), which runs beside the app."""
        return self.group == "initContainers" and self.container.get("restartPolicy") == "Always"


def containers(pod: PodRef, *, init: bool = False) -> Iterator[ContainerRef]:
    """The app containers of a pod; with ``init``, init containers first."""
    groups = ("initContainers", "containers") if init else ("containers",)
    for group in groups:
        items = pod.spec.get(group)
        if not isinstance(items, list):
            continue
        for index, container in enumerate(items):
            if isinstance(container, dict):
                yield ContainerRef((*pod.spec_path, group, index), container, group)


def long_running(pod: PodRef, *, init: bool = True) -> Iterator[ContainerRef]:
    """Containers that run for the pod's life: app containers and sidecars."""
    for ref in containers(pod, init=init):
        if ref.group == "containers" or ref.sidecar:
            yield ref


# -- resources -------------------------------------------------------------------------------
def _quantity(value: Any) -> Fraction | None:
    try:
        return parse_quantity(value)
    except (QuantityError, ValueError, TypeError):
        return None


def container_requests(container: Mapping) -> dict[str, Fraction]:
    """Requests after API defaulting: a resource with a limit but no request is requested at
    its limit (k/k pkg/apis/core/v1/defaults.go SetDefaults_Pod)."""
    resources = container.get("resources")
    if not isinstance(resources, dict):
        return {}
    requests = resources.get("requests") if isinstance(resources.get("requests"), dict) else {}
    limits = resources.get("limits") if isinstance(resources.get("limits"), dict) else {}
    out: dict[str, Fraction] = {}
    for name, value in {**limits, **requests}.items():
        amount = _quantity(value)
        if amount is not None:
            out[str(name)] = amount
    return out


def _add(total: dict[str, Fraction], extra: Mapping[str, Fraction]) -> None:
    for name, amount in extra.items():
        total[name] = total.get(name, Fraction(0)) + amount


def _max(total: dict[str, Fraction], other: Mapping[str, Fraction]) -> None:
    for name, amount in other.items():
        if amount > total.get(name, Fraction(0)):
            total[name] = amount


def pod_requests(spec: Mapping) -> dict[str, Fraction]:
    """What the scheduler charges a pod: the app containers' sum, then the init containers
    (each one alone, plus the sidecars started before it; sidecars also add to the sum),
    whichever is larger, plus the pod overhead.
    k8s.io/component-helpers resource/helpers.go PodRequests."""
    total: dict[str, Fraction] = {}
    for container in spec.get("containers") or ():
        if isinstance(container, dict):
            _add(total, container_requests(container))
    sidecars: dict[str, Fraction] = {}
    init_peak: dict[str, Fraction] = {}
    for container in spec.get("initContainers") or ():
        if not isinstance(container, dict):
            continue
        requests = container_requests(container)
        if container.get("restartPolicy") == "Always":
            _add(total, requests)
            _add(sidecars, requests)
            _max(init_peak, sidecars)
        else:
            alone = dict(requests)
            _add(alone, sidecars)
            _max(init_peak, alone)
    _max(total, init_peak)
    overhead = spec.get("overhead")
    if isinstance(overhead, dict):
        _add(total, {k: v for k, v in ((str(k), _quantity(v)) for k, v in overhead.items())
                     if v is not None})
    return total


def format_amount(resource: str, amount: Fraction) -> str:
    """``cpu 1500m`` / ``memory 2Gi`` style text for messages."""
    if resource == "cpu":
        milli = math.ceil(amount * 1000)
        return f"{milli // 1000}" if milli % 1000 == 0 else f"{milli}m"
    if resource in ("memory", "ephemeral-storage") or resource.startswith("hugepages-"):
        value = math.ceil(amount)
        for suffix, size in (("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
            if value >= size and value % size == 0:
                return f"{value // size}{suffix}"
        return str(value)
    return str(math.ceil(amount)) if amount.denominator != 1 else str(amount.numerator)


# -- selectors ---------------------------------------------------------------------------------
def selector_matches(selector: Any, labels: Mapping) -> bool | None:
    """Whether a metav1.LabelSelector matches the labels; None when it is not a valid one."""
    if not isinstance(selector, dict):
        return None
    try:
        return from_label_selector(selector).matches(labels)
    except (SelectorError, KeyError, TypeError, AttributeError):
        return None


def map_selector_matches(selector: Mapping, labels: Mapping) -> bool:
    """A Service-style selector (a plain map): every pair must be in the labels."""
    return all(labels.get(k) == str(v) if not isinstance(v, str) else labels.get(k) == v
               for k, v in selector.items())


_STANDARD = ("cpu", "memory", "ephemeral-storage", "pods")


# -- scheduling ---------------------------------------------------------------------------------
def tolerates(tolerations: Any, taint: Mapping) -> bool:
    """Whether some toleration tolerates the taint. k8s.io/api core/v1 toleration.go
    ToleratesTaint: an empty effect matches every effect; an empty key with Exists matches
    every key; Exists ignores the value; Equal (the default) compares it."""
    for toleration in tolerations or ():
        if not isinstance(toleration, dict):
            continue
        effect = toleration.get("effect") or ""
        if effect and effect != taint.get("effect"):
            continue
        key = toleration.get("key") or ""
        operator = toleration.get("operator") or "Equal"
        if key and key != taint.get("key"):
            continue
        if not key and operator != "Exists":
            continue
        if operator == "Exists":
            return True
        if (toleration.get("value") or "") == (taint.get("value") or ""):
            return True
    return False


def _node_term_matches(term: Mapping, node: Mapping) -> bool:
    meta = node.get("metadata") or {}
    labels = meta.get("labels") or {}
    for expr in term.get("matchExpressions") or ():
        if not _expression_matches(expr, labels.get(expr.get("key")),
                                   expr.get("key") in labels):
            return False
    for expr in term.get("matchFields") or ():
        if expr.get("key") == "metadata.name" and \
                not _expression_matches(expr, meta.get("name"), True):
            return False
    return bool(term.get("matchExpressions") or term.get("matchFields"))


def _expression_matches(expr: Mapping, value: Any, present: bool) -> bool:
    # k8s.io/component-helpers scheduling/corev1/nodeaffinity: NodeSelectorRequirement
    operator = expr.get("operator")
    values = [str(v) for v in expr.get("values") or ()]
    if operator == "In":
        return present and value in values
    if operator == "NotIn":
        return not present or value not in values
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    if operator in ("Gt", "Lt") and present and values:
        try:
            have, want = int(value), int(values[0])
        except (TypeError, ValueError):
            return False
        return have > want if operator == "Gt" else have < want
    return False


def fit_problems(spec: Mapping, node: Mapping, requests: Mapping[str, Fraction],
                 *, check_resources: bool = True) -> list[str]:
    """Why the pod cannot run on this node (empty when it can), in the order of the
    scheduler's filter plugins: NodeUnschedulable, NodeAffinity (nodeSelector and required
    affinity), TaintToleration, NodeResourcesFit. k/k pkg/scheduler/framework/plugins."""
    problems: list[str] = []
    node_spec = node.get("spec") or {}
    labels = (node.get("metadata") or {}).get("labels") or {}
    tolerations = spec.get("tolerations")
    if node_spec.get("unschedulable") and not tolerates(
            tolerations, {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}):
        problems.append("node is unschedulable (cordoned)")
    selector = spec.get("nodeSelector")
    if isinstance(selector, dict):
        missing = [f"{k}={v}" for k, v in sorted(selector.items())
                   if labels.get(k) != (v if isinstance(v, str) else str(v))]
        if missing:
            problems.append(f"nodeSelector {', '.join(missing)} does not match its labels")
    affinity = ((spec.get("affinity") or {}).get("nodeAffinity") or {}) \
        .get("requiredDuringSchedulingIgnoredDuringExecution")
    if isinstance(affinity, dict):
        terms = [t for t in affinity.get("nodeSelectorTerms") or () if isinstance(t, dict)]
        if terms and not any(_node_term_matches(t, node) for t in terms):
            problems.append("required node affinity does not match")
    for taint in node_spec.get("taints") or ():
        if isinstance(taint, dict) and taint.get("effect") in ("NoSchedule", "NoExecute") \
                and not tolerates(tolerations, taint):
            value = f"={taint['value']}" if taint.get("value") else ""
            problems.append(f"untolerated taint {taint.get('key')}{value}:{taint.get('effect')}")
    if check_resources:
        allocatable = (node.get("status") or {}).get("allocatable") or \
            (node.get("status") or {}).get("capacity")
        if isinstance(allocatable, dict):
            for resource in sorted(requests):
                need = requests[resource]
                if need <= 0:
                    continue
                if resource not in allocatable and resource in _STANDARD:
                    continue  # not declared: unknown, not zero (a hand-written Node)
                have = _quantity(allocatable.get(resource, 0))
                if have is None:
                    continue
                if need > have:
                    problems.append(f"insufficient {resource}: requests "
                                    f"{format_amount(resource, need)}, allocatable "
                                    f"{format_amount(resource, have)}")
            pods = _quantity(allocatable.get("pods"))
            if pods is not None and pods < 1:
                problems.append("allocatable pods is 0")
    return problems
