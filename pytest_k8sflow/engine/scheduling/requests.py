"""What pods request and nodes offer, in scheduler units (milli-CPU for cpu, whole units for
the rest): component-helpers resource.PodRequests with the API defaulting of requests from
limits, and ``status.allocatable``.
"""

from __future__ import annotations

from collections.abc import Mapping

from pytest_k8sflow.engine.quantity import QuantityError, int_value, milli_value
from pytest_k8sflow.engine.scheduling.helpers import _spec

# k/k pkg/scheduler/util/pod_resources.go DefaultMilliCPURequest / DefaultMemoryRequest.
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024


def _units(resource: str, quantity: object) -> int:
    """Scheduler integer units: milli-CPU for cpu, whole units (rounded up) for the rest."""
    try:
        return milli_value(quantity) if resource == "cpu" else int_value(quantity)  # type: ignore[arg-type]
    except QuantityError:
        return 0


def container_requests(container: Mapping) -> dict[str, object]:
    """A container's requests after API defaulting (k/k pkg/apis/core/v1/defaults.go
    SetDefaults_Pod): a resource with a limit but no request is requested at the limit."""
    resources = container.get("resources") or {}
    requests = dict(resources.get("requests") or {})
    for name, value in (resources.get("limits") or {}).items():
        requests.setdefault(name, value)
    return requests


def _add(total: dict[str, int], reqs: Mapping[str, int]) -> None:
    for name, value in reqs.items():
        total[name] = total.get(name, 0) + value


def _max_into(total: dict[str, int], reqs: Mapping[str, int]) -> None:
    for name, value in reqs.items():
        total[name] = max(total.get(name, 0), value)


def pod_requests(pod: Mapping, *, non_missing: bool = False) -> dict[str, int]:
    """Effective pod requests in scheduler units (component-helpers resource.PodRequests):
    sum of containers, sidecars added and accumulated for later init containers, max with each
    init container, plus ``spec.overhead``. With ``non_missing`` a container lacking a cpu or
    memory request counts 100m / 200Mi (the scores' "non-zero" requests)."""
    spec = _spec(pod)

    def reqs_of(container: Mapping) -> dict[str, int]:
        reqs = {name: _units(name, value) for name, value in container_requests(container).items()}
        if non_missing:
            reqs.setdefault("cpu", DEFAULT_MILLI_CPU_REQUEST)
            reqs.setdefault("memory", DEFAULT_MEMORY_REQUEST)
        return reqs

    total: dict[str, int] = {}
    for container in spec.get("containers") or ():
        _add(total, reqs_of(container))
    sidecars: dict[str, int] = {}
    init_max: dict[str, int] = {}
    for container in spec.get("initContainers") or ():
        reqs = reqs_of(container)
        if container.get("restartPolicy") == "Always":
            _add(total, reqs)
            _add(sidecars, reqs)
            usage = dict(sidecars)
        else:
            usage = dict(reqs)
            _add(usage, sidecars)
        _max_into(init_max, usage)
    _max_into(total, init_max)
    for name, value in (spec.get("overhead") or {}).items():
        total[name] = total.get(name, 0) + _units(name, value)
    return total


def node_allocatable(node: Mapping) -> dict[str, int]:
    """``status.allocatable`` in scheduler units."""
    alloc = (node.get("status") or {}).get("allocatable") or {}
    return {name: _units(name, value) for name, value in alloc.items()}
