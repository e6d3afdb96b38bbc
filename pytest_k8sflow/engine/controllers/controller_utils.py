"""Pure helpers shared by the ReplicaSet and Deployment controllers.

Ported from k/k ``pkg/controller/controller_utils.go`` (ComputeHash, ActivePodsWithRanks,
FilterActivePods, ReplicaSetsBy*), ``pkg/api/v1/pod/util.go`` (IsPodReady, IsPodAvailable),
apimachinery ``util/rand`` (SafeEncodeString) and ``apis/meta/v1`` controller references.
Nothing here reads the store or writes anything: objects are plain API dicts, time is integer
milliseconds passed in by the caller.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

from pytest_k8sflow.engine.timeutil import parse_time

POD_TEMPLATE_HASH_LABEL = "pod-template-hash"  # apps.DefaultDeploymentUniqueLabelKey
POD_DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost"
SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # apimachinery util/rand alphanums (no vowels)
SLOW_START_INITIAL_BATCH_SIZE = 1  # controller.SlowStartInitialBatchSize
BURST_REPLICAS = 500  # replicaset.BurstReplicas

_FNV32_OFFSET = 0x811C9DC5
_FNV32_PRIME = 0x01000193

# controller_utils.go podPhaseToOrdinal; phases not listed (Succeeded, Failed, "") map to 0.
_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}


# --------------------------------------------------------------------------- time helpers

def time_ms(value: str | None) -> int | None:
    """An RFC 3339 field as milliseconds; ``None`` stands for Go's zero metav1.Time."""
    if not value:
        return None
    return parse_time(value)


# --------------------------------------------------------------------------- hashing

def fnv32a(data: bytes, start: int = _FNV32_OFFSET) -> int:
    """FNV-1a, 32 bit (Go hash/fnv New32a); ``start`` continues a running hash."""
    h = start
    for byte in data:
        h ^= byte
        h = (h * _FNV32_PRIME) & 0xFFFFFFFF
    return h


def safe_encode_string(text: str) -> str:
    """apimachinery util/rand SafeEncodeString: each rune mapped to ``alphabet[rune % 27]``."""
    return "".join(SAFE_ALPHABET[ord(ch) % len(SAFE_ALPHABET)] for ch in text)


def canonical_json(obj: object) -> bytes:
    """Key-sorted, compact JSON: the stable byte form we hash (stands in for Go's object dump)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode("utf-8")


def compute_hash(template: Mapping, collision_count: int | None) -> str:
    """The ``pod-template-hash`` of a pod template (controller_utils.go ComputeHash).

    As upstream: FNV-32a over the template, then, when ``collision_count`` is set, an 8-byte
    buffer holding the count as little-endian uint32 (the last 4 bytes zero); the uint32 sum is
    printed in decimal and passed through SafeEncodeString. Upstream hashes a Go object dump we
    cannot reproduce, so the bytes hashed here are ``canonical_json(template)``: the *shape* of
    the value (1-10 characters from ``4-9bcdf``) matches Kubernetes, the value itself does not.
    """
    h = fnv32a(canonical_json(template))
    if collision_count is not None:
        buf = (collision_count & 0xFFFFFFFF).to_bytes(4, "little") + b"\x00\x00\x00\x00"
        h = fnv32a(buf, h)
    return safe_encode_string(str(h))


# --------------------------------------------------------------------------- pod predicates

def get_pod_condition(pod: Mapping, cond_type: str) -> dict | None:
    for cond in (pod.get("status") or {}).get("conditions") or ():
        if cond.get("type") == cond_type:
            return cond
    return None


def is_pod_ready(pod: Mapping) -> bool:
    """podutil.IsPodReady: the Ready condition has status True."""
    cond = get_pod_condition(pod, "Ready")
    return cond is not None and cond.get("status") == "True"


def pod_ready_time(pod: Mapping) -> int | None:
    """controller_utils.go podReadyTime: Ready's lastTransitionTime when ready, else zero."""
    if is_pod_ready(pod):
        return time_ms(get_pod_condition(pod, "Ready").get("lastTransitionTime"))
    return None


def is_pod_available(pod: Mapping, min_ready_seconds: int, now_ms: int) -> bool:
    """podutil.IsPodAvailable: ready, and ready for longer than minReadySeconds.

    The comparison is strict (``readySince + minReadySeconds`` must be *before* now), and a
    ready pod without lastTransitionTime only counts when minReadySeconds is 0.
    """
    if not is_pod_ready(pod):
        return False
    if not min_ready_seconds:
        return True
    since = time_ms(get_pod_condition(pod, "Ready").get("lastTransitionTime"))
    return since is not None and since + min_ready_seconds * 1000 < now_ms


def is_pod_active(pod: Mapping) -> bool:
    """controller_utils.go IsPodActive: not Succeeded/Failed and not being deleted."""
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not pod["metadata"].get("deletionTimestamp")


def is_pod_terminating(pod: Mapping) -> bool:
    """controller_utils.go IsPodTerminating: not terminal but has a deletionTimestamp."""
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and bool(pod["metadata"].get("deletionTimestamp"))


def filter_active_pods(pods: Iterable[Mapping]) -> list:
    """controller_utils.go FilterActivePods (order preserved)."""
    return [p for p in pods if is_pod_active(p)]


def max_container_restarts(pod: Mapping) -> int:
    """controller_utils.go maxContainerRestarts (regular containers only)."""
    counts = [c.get("restartCount", 0) for c in
              (pod.get("status") or {}).get("containerStatuses") or ()]
    return max(counts, default=0)


# validFirstDigit then strconv.ParseInt: a leading "-" may be followed by any digits.
_COST = re.compile(r"^(-[0-9]+|0|[1-9][0-9]*)$")


def pod_deletion_cost(pod: Mapping) -> int:
    """helper.GetDeletionCostFromPodAnnotations; an invalid value counts as 0.

    Valid: an int32 without a plus sign or leading zeros (``"-5"``, ``"0"``, ``"10"``; after
    a minus sign upstream's check lets zeros through, so ``"-05"`` is -5).
    """
    value = (pod["metadata"].get("annotations") or {}).get(POD_DELETION_COST_ANNOTATION)
    if value is None or not _COST.match(value):
        return 0
    number = int(value)
    return number if -(2**31) <= number < 2**31 else 0


# --------------------------------------------------------------------------- deletion ranking

def pod_ranks_on_same_node(pods_to_rank: Sequence[Mapping],
                           related_pods: Iterable[Mapping]) -> list[int]:
    """replica_set.go getPodsRankedByRelatedPodsOnSameNode.

    Each pod's rank is the number of *active* related pods (all pods of every ReplicaSet with
    the same controller, the pod itself included) on the pod's node; unassigned pods count
    together under the empty node name.
    """
    on_node: dict[str, int] = {}
    for pod in related_pods:
        if is_pod_active(pod):
            node = (pod.get("spec") or {}).get("nodeName") or ""
            on_node[node] = on_node.get(node, 0) + 1
    return [on_node.get((p.get("spec") or {}).get("nodeName") or "", 0) for p in pods_to_rank]


def _log2_rank(delta_ms: int) -> int:
    """int64(math.Log2(float64(d))) for a Go Duration d in nanoseconds (d <= 0 gives -1).

    Computed the way Go's math.Log2 does (Frexp, exact for powers of two), so the bucket
    edges match upstream.
    """
    if delta_ms <= 0:
        return -1
    frac, exp = math.frexp(float(delta_ms * 1_000_000))
    if frac == 0.5:
        return exp - 1
    return int(math.log(frac) * (1 / math.log(2)) + exp)


def _logarithmic_rank_diff(t1: int, t2: int, now_ms: int) -> int:
    """controller_utils.go logarithmicRankDiff."""
    return _log2_rank(now_ms - t1) - _log2_rank(now_ms - t2)


def _after_or_zero(t1: int | None, t2: int | None) -> bool:
    """controller_utils.go afterOrZero: a zero time counts as later than any other."""
    if t1 is None or t2 is None:
        return t1 is None
    return t1 > t2


def _uid(pod: Mapping) -> str:
    return pod["metadata"].get("uid") or ""


def _node(pod: Mapping) -> str:
    return (pod.get("spec") or {}).get("nodeName") or ""


class _RankFacts(NamedTuple):
    """What ActivePodsWithRanks.Less reads of a pod, read once per sort."""

    node: str
    phase: int
    ready: bool
    cost: int
    ready_time: int | None
    restarts: int
    created: int | None
    uid: str


def _rank_facts(pod: Mapping) -> _RankFacts:
    ready = is_pod_ready(pod)
    return _RankFacts(_node(pod), _PHASE_ORDINAL.get((pod.get("status") or {}).get("phase"), 0),
                      ready, pod_deletion_cost(pod), pod_ready_time(pod) if ready else None,
                      max_container_restarts(pod),
                      time_ms(pod["metadata"].get("creationTimestamp")), _uid(pod))


def active_pods_with_ranks_less(pod_i: Mapping, rank_i: int, pod_j: Mapping, rank_j: int,
                                now_ms: int | None) -> bool:
    """controller_utils.go ActivePodsWithRanks.Less: should ``pod_i`` be deleted before pod_j?

    Gates as on a current cluster: PodDeletionCost (beta, on) and LogarithmicScaleDown (GA).
    ``now_ms=None`` plays Go's zero ``Now`` (plain time comparison, no log buckets).
    """
    return _facts_less(_rank_facts(pod_i), rank_i, _rank_facts(pod_j), rank_j, now_ms)


def _facts_less(i: _RankFacts, rank_i: int, j: _RankFacts, rank_j: int,
                now_ms: int | None) -> bool:
    # 1. unassigned < assigned
    if i.node != j.node and (not i.node or not j.node):
        return not i.node
    # 2. Pending < Unknown < Running
    if i.phase != j.phase:
        return i.phase < j.phase
    # 3. not ready < ready
    if i.ready != j.ready:
        return not i.ready
    # 4. lower pod-deletion-cost < higher
    if i.cost != j.cost:
        return i.cost < j.cost
    # 5. more co-located pods (higher rank) first
    if rank_i != rank_j:
        return rank_i > rank_j
    # 6. both ready: more recently ready first (log2 buckets of age, then UID)
    if i.ready and j.ready:
        t1, t2 = i.ready_time, j.ready_time
        if t1 != t2:
            if now_ms is None or t1 is None or t2 is None:
                return _after_or_zero(t1, t2)
            diff = _logarithmic_rank_diff(t1, t2, now_ms)
            if diff == 0:
                return i.uid < j.uid
            return diff < 0
    # 7. more container restarts first
    if i.restarts != j.restarts:
        return i.restarts > j.restarts
    # 8. empty creation time < newer < older (log2 buckets, then UID)
    c1, c2 = i.created, j.created
    if c1 != c2:
        if now_ms is None or c1 is None or c2 is None:
            return _after_or_zero(c1, c2)
        diff = _logarithmic_rank_diff(c1, c2, now_ms)
        if diff == 0:
            return i.uid < j.uid
        return diff < 0
    return False


def sort_active_pods_with_ranks(pods: Sequence[Mapping], ranks: Sequence[int],
                                now_ms: int | None) -> list:
    """Pods ordered as ``sort.Sort(ActivePodsWithRanks)`` orders them: delete from the front.

    Go's sort is not stable; this one is, so pods that compare equal keep the caller's order
    (callers pass a deterministic order, e.g. by name).
    """
    triples = [(pod, rank, _rank_facts(pod)) for pod, rank in zip(pods, ranks, strict=True)]

    def compare(a: tuple, b: tuple) -> int:
        if _facts_less(a[2], a[1], b[2], b[1], now_ms):
            return -1
        if _facts_less(b[2], b[1], a[2], a[1], now_ms):
            return 1
        return 0

    return [p for p, _, _ in sorted(triples, key=functools.cmp_to_key(compare))]


def active_pods_with_ranks_sort_key(ranks: Mapping[str, int],
                                    now_ms: int | None) -> Callable[[Mapping], object]:
    """A ``key=`` for ``sorted(pods, ...)`` with ranks looked up by pod name (same order as
    :func:`sort_active_pods_with_ranks`)."""

    def compare(a: Mapping, b: Mapping) -> int:
        ra, rb = ranks.get(a["metadata"]["name"], 0), ranks.get(b["metadata"]["name"], 0)
        if active_pods_with_ranks_less(a, ra, b, rb, now_ms):
            return -1
        if active_pods_with_ranks_less(b, rb, a, ra, now_ms):
            return 1
        return 0

    return functools.cmp_to_key(compare)


def pods_to_delete(filtered_pods: Sequence[Mapping], related_pods: Iterable[Mapping],
                   count: int, now_ms: int | None) -> list:
    """replica_set.go getPodsToDelete: the ``count`` pods a ReplicaSet deletes first.

    When every pod goes, no ranking is done (upstream skips the sort).
    """
    if count < len(filtered_pods):
        ranks = pod_ranks_on_same_node(filtered_pods, related_pods)
        filtered_pods = sort_active_pods_with_ranks(filtered_pods, ranks, now_ms)
    return list(filtered_pods[:count])


def slow_start_batches(count: int, initial: int = SLOW_START_INITIAL_BATCH_SIZE) -> list[int]:
    """replica_set.go slowStartBatch batch sizes: 1, 2, 4, ... capped by what remains.

    The caller stops after the first batch in which any create fails.
    """
    batches: list[int] = []
    remaining = count
    size = min(remaining, initial)
    while size > 0:
        batches.append(size)
        remaining -= size
        size = min(2 * size, remaining)
    return batches


# --------------------------------------------------------------------------- controller refs

def get_controller_of(obj: Mapping) -> dict | None:
    """metav1.GetControllerOf: the owner reference with ``controller: true``, if any."""
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return ref
    return None


def is_controlled_by(obj: Mapping, owner: Mapping) -> bool:
    """metav1.IsControlledBy: the controller reference names the owner's UID."""
    ref = get_controller_of(obj)
    return ref is not None and ref.get("uid") == owner["metadata"].get("uid")


def new_controller_ref(owner: Mapping, api_version: str | None = None,
                       kind: str | None = None) -> dict:
    """metav1.NewControllerRef: controller and blockOwnerDeletion both true."""
    return {
        "apiVersion": api_version or owner.get("apiVersion", ""),
        "kind": kind or owner.get("kind", ""),
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"].get("uid", ""),
        "controller": True,
        "blockOwnerDeletion": True,
    }


# --------------------------------------------------------------------------- ReplicaSet lists

def spec_replicas(obj: Mapping) -> int:
    """``spec.replicas`` (the API defaults it to 1)."""
    value = (obj.get("spec") or {}).get("replicas")
    return 1 if value is None else value


def filter_active_replicasets(rss: Iterable[Mapping | None]) -> list:
    """controller_utils.go FilterActiveReplicaSets: non-nil with spec.replicas > 0."""
    return [rs for rs in rss if rs is not None and spec_replicas(rs) > 0]


def creation_timestamp_key(obj: Mapping) -> tuple[int, str]:
    """Sort key of ReplicaSetsByCreationTimestamp: (creation ms, name), zero time first."""
    created = time_ms(obj["metadata"].get("creationTimestamp"))
    # Go's zero time sorts before every real timestamp.
    return (-(2**63) if created is None else created, obj["metadata"]["name"])


def replicasets_by_creation_timestamp(rss: Iterable[Mapping]) -> list:
    """controller_utils.go ReplicaSetsByCreationTimestamp: oldest first, ties by name."""
    return sorted(rss, key=creation_timestamp_key)


def replicasets_by_size_newer(rss: Iterable[Mapping]) -> list:
    """ReplicaSetsBySizeNewer: largest first; equal sizes newest first (ties: name desc)."""
    ordered = sorted(rss, key=creation_timestamp_key, reverse=True)
    return sorted(ordered, key=lambda rs: -spec_replicas(rs))


def replicasets_by_size_older(rss: Iterable[Mapping]) -> list:
    """ReplicaSetsBySizeOlder: largest first; equal sizes oldest first (ties: name asc)."""
    ordered = sorted(rss, key=creation_timestamp_key)
    return sorted(ordered, key=lambda rs: -spec_replicas(rs))
