"""Resource plugins: NodeResourcesFit (Filter: fitsRequest; Score: LeastAllocated) and
NodeResourcesBalancedAllocation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pytest_k8sflow.engine.scheduling.cache import NodeInfo, PodInfo, pod_info
from pytest_k8sflow.engine.scheduling.helpers import DEFAULT_VERSION, MAX_NODE_SCORE, Version
from pytest_k8sflow.engine.scheduling.messages import (
    REASON_TOO_MANY_PODS,
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    Status,
)

_NATIVE = ("cpu", "memory", "ephemeral-storage", "pods")


# ============================================================================================
# NodeResourcesFit filter


@dataclass(frozen=True)
class InsufficientResource:
    resource: str
    reason: str
    requested: int
    used: int
    capacity: int
    unresolvable: bool = False


def insufficient_resources(requests: Mapping[str, int], node_info: NodeInfo,
                           ignored: Iterable[str] = ()) -> list[InsufficientResource]:
    """plugins/noderesources/fit.go fitsRequest: pod count, then cpu, memory, ephemeral-storage
    and extended resources (in name order); a request larger than allocatable alone is
    unresolvable."""
    out = []
    pods_now = len(node_info.pods)
    if pods_now + 1 > node_info.allowed_pods:
        out.append(InsufficientResource("pods", REASON_TOO_MANY_PODS, 1, pods_now,
                                        node_info.allowed_pods))
    if not any(v for k, v in requests.items() if k != "pods"):
        return out
    ignored = set(ignored)
    names = ["cpu", "memory", "ephemeral-storage"]
    names += sorted(k for k in requests if k not in _NATIVE and k not in ignored)
    for name in names:
        want = requests.get(name, 0)
        if want <= 0:
            continue
        alloc = node_info.allocatable.get(name, 0)
        used = node_info.requested.get(name, 0)
        if want > alloc - used:
            out.append(InsufficientResource(name, f"Insufficient {name}", want, used, alloc,
                                            unresolvable=want > alloc))
    return out


def node_resources_fit_filter(pod: Mapping | PodInfo, node_info: NodeInfo) -> Status | None:
    """plugins/noderesources Fit.Filter: every insufficient resource is a reason; the status is
    UnschedulableAndUnresolvable when one request exceeds the node's allocatable by itself."""
    info = pod if isinstance(pod, PodInfo) else pod_info(pod)
    missing = insufficient_resources(info.requests, node_info)
    if not missing:
        return None
    code = UNSCHEDULABLE_AND_UNRESOLVABLE if any(m.unresolvable for m in missing) else UNSCHEDULABLE
    return Status(code, tuple(m.reason for m in missing), "NodeResourcesFit")


# ============================================================================================
# scores (NodeResourcesFit LeastAllocated, NodeResourcesBalancedAllocation)


def least_allocated_score(requested: Sequence[int], allocatable: Sequence[int],
                          weights: Sequence[int] = (1, 1)) -> int:
    """noderesources least_allocated.go: weighted mean of (free / allocatable) × 100."""
    total = weight_sum = 0
    for req, alloc, weight in zip(requested, allocatable, weights, strict=False):
        if alloc == 0:
            continue
        score = 0 if req > alloc else (alloc - req) * MAX_NODE_SCORE // alloc
        total += score * weight
        weight_sum += weight
    return total // weight_sum if weight_sum else 0


def balanced_allocation_score(requested: Sequence[int], allocatable: Sequence[int]) -> int:
    """noderesources balanced_allocation.go balancedResourceScorer: (1 − std of the usage
    fractions) × 100, truncated."""
    fractions = [min(req / alloc, 1.0) for req, alloc in zip(requested, allocatable, strict=False)
                 if alloc != 0]
    std = 0.0
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = sum(fractions) / len(fractions)
        std = math.sqrt(sum((f - mean) ** 2 for f in fractions) / len(fractions))
    return int((1 - std) * MAX_NODE_SCORE)


def resources_fit_scores(pod: PodInfo, nodes: Sequence[NodeInfo]) -> dict[str, int]:
    """noderesources Fit score, LeastAllocated on cpu and memory (weight 1 each), counting
    requests with the 100m/200Mi defaults for containers that set none."""
    return {ni.name: least_allocated_score(
        (ni.non0_cpu + pod.non0_cpu, ni.non0_mem + pod.non0_mem),
        (ni.allocatable.get("cpu", 0), ni.allocatable.get("memory", 0))) for ni in nodes}


def balanced_allocation_scores(pod: PodInfo, nodes: Sequence[NodeInfo], *,
                               version: Version = DEFAULT_VERSION) -> dict[str, int] | None:
    """NodeResourcesBalancedAllocation on actual requests; from v1.33 skipped (None) for pods
    that request neither cpu nor memory (PR #130260)."""
    cpu, mem = pod.requests.get("cpu", 0), pod.requests.get("memory", 0)
    if version >= (1, 33) and cpu == 0 and mem == 0:
        return None
    return {ni.name: balanced_allocation_score(
        (ni.requested.get("cpu", 0) + cpu, ni.requested.get("memory", 0) + mem),
        (ni.allocatable.get("cpu", 0), ni.allocatable.get("memory", 0))) for ni in nodes}
