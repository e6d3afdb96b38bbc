"""Deployment arithmetic and bookkeeping, ported from k/k
``pkg/controller/deployment/util/deployment_util.go`` (plus ``calculateStatus``,
``isScalingEvent`` and the ``cleanupDeployment`` selection from ``sync.go``).

Everything is pure: Deployment and ReplicaSet objects are API-shaped dicts that are never
mutated; functions that "set" something return a new object. Time is integer milliseconds.
Integers are Python ints; the int32 overflow of the Go code is not modelled.
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from pytest_k8sflow.engine.controllers.controller_utils import (
    POD_TEMPLATE_HASH_LABEL,
    creation_timestamp_key,
    filter_active_replicasets,
    replicasets_by_creation_timestamp,
    spec_replicas,
    time_ms,
)
from pytest_k8sflow.engine.quantity import QuantityError, parse_quantity
from pytest_k8sflow.engine.timeutil import format_time

MAX_INT32 = 2**31 - 1

# ---------------------------------------------------------------- annotations (deployment_util.go)
REVISION_ANNOTATION = "deployment.kubernetes.io/revision"
REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED_CONFIG_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"
DEPRECATED_ROLLBACK_TO_ANNOTATION = "deprecated.deployment.rollback.to"
# sync.go maxRevHistoryLengthInChars: "limit revision history length to 100 element (~2000 chars)"
MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000

# deployment_util.go annotationsToSkip: never copied from the Deployment to its ReplicaSets.
ANNOTATIONS_TO_SKIP = (
    LAST_APPLIED_CONFIG_ANNOTATION,
    REVISION_ANNOTATION,
    REVISION_HISTORY_ANNOTATION,
    DESIRED_REPLICAS_ANNOTATION,
    MAX_REPLICAS_ANNOTATION,
    DEPRECATED_ROLLBACK_TO_ANNOTATION,
)

# ---------------------------------------------------------------- condition types and reasons
DEPLOYMENT_AVAILABLE = "Available"
DEPLOYMENT_PROGRESSING = "Progressing"
DEPLOYMENT_REPLICA_FAILURE = "ReplicaFailure"

REPLICASET_UPDATED_REASON = "ReplicaSetUpdated"
FAILED_RS_CREATE_REASON = "ReplicaSetCreateError"
NEW_REPLICASET_REASON = "NewReplicaSetCreated"
FOUND_NEW_RS_REASON = "FoundNewReplicaSet"
NEW_RS_AVAILABLE_REASON = "NewReplicaSetAvailable"
TIMED_OUT_REASON = "ProgressDeadlineExceeded"
PAUSED_DEPLOY_REASON = "DeploymentPaused"
RESUMED_DEPLOY_REASON = "DeploymentResumed"
MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable"
MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable"

MINIMUM_AVAILABILITY_MESSAGE = "Deployment has minimum availability."
NO_MINIMUM_AVAILABILITY_MESSAGE = "Deployment does not have minimum availability."
PAUSED_MESSAGE = "Deployment is paused"
RESUMED_MESSAGE = "Deployment is resumed"

# ---------------------------------------------------------------- event reasons
SCALING_REPLICASET_REASON = "ScalingReplicaSet"
SELECTING_ALL_REASON = "SelectingAll"
SELECTING_ALL_MESSAGE = "This deployment is selecting all pods. A non-empty selector is required."


def go_quote(text: str) -> str:
    """Go's ``%q`` for the plain names used in messages."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------- messages
def scaled_event_message(operation: str, rs_name: str, new_size: int, old_size: int) -> str:
    """sync.go scaleReplicaSet: ``Scaled up replica set web-abc to 3 from 2``."""
    return f"Scaled {operation} replica set {rs_name} to {new_size} from {old_size}"


def created_event_message(rs_name: str, replicas: int) -> str:
    """sync.go getNewReplicaSet, creation with replicas > 0: ``Scaled up replica set X to N``."""
    return f"Scaled up replica set {rs_name} to {replicas}"


def created_new_rs_message(rs_name: str) -> str:
    return f"Created new replica set {go_quote(rs_name)}"


def found_new_rs_message(rs_name: str) -> str:
    return f"Found new replica set {go_quote(rs_name)}"


def failed_rs_create_message(rs_name: str, error: str) -> str:
    return f"Failed to create new replica set {go_quote(rs_name)}: {error}"


def progressed_message(deployment: Mapping, new_rs: Mapping | None) -> str:
    if new_rs is not None:
        return f"ReplicaSet {go_quote(new_rs['metadata']['name'])} has successfully progressed."
    return f"Deployment {go_quote(deployment['metadata']['name'])} has successfully progressed."


def progressing_message(deployment: Mapping, new_rs: Mapping | None) -> str:
    if new_rs is not None:
        return f"ReplicaSet {go_quote(new_rs['metadata']['name'])} is progressing."
    return f"Deployment {go_quote(deployment['metadata']['name'])} is progressing."


def timed_out_message(deployment: Mapping, new_rs: Mapping | None) -> str:
    if new_rs is not None:
        return f"ReplicaSet {go_quote(new_rs['metadata']['name'])} has timed out progressing."
    return f"Deployment {go_quote(deployment['metadata']['name'])} has timed out progressing."


# ---------------------------------------------------------------- small accessors
def _spec(obj: Mapping) -> Mapping:
    return obj.get("spec") or {}


def _status(obj: Mapping) -> Mapping:
    return obj.get("status") or {}


def _annotations(obj: Mapping) -> Mapping:
    return obj["metadata"].get("annotations") or {}


def _with_annotations(obj: Mapping, annotations: dict) -> dict:
    return {**obj, "metadata": {**obj["metadata"], "annotations": annotations}}


def is_rolling_update(deployment: Mapping) -> bool:
    """deployment_util.go IsRollingUpdate."""
    return (_spec(deployment).get("strategy") or {}).get("type") == "RollingUpdate"


def _rolling_params(deployment: Mapping) -> Mapping:
    return (_spec(deployment).get("strategy") or {}).get("rollingUpdate") or {}


# ---------------------------------------------------------------- maxSurge / maxUnavailable
def get_value_from_int_or_percent(value: int | str | None, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent: ``"25%"`` of total (ceil or floor), or an int.

    Raises ValueError for ``None``, strings without ``%`` and unparsable percentages.
    """
    if value is None:
        raise ValueError("nil value for IntOrString")
    if isinstance(value, bool):
        raise ValueError("invalid value for IntOrString: invalid type: neither int nor percentage")
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        raise ValueError("invalid value for IntOrString: invalid type: neither int nor percentage")
    if not value.endswith("%"):
        raise ValueError("invalid value for IntOrString: invalid type: string is not a percentage")
    digits = value[:-1]
    if not re.fullmatch(r"[+-]?\d+", digits):
        raise ValueError(f"invalid value for IntOrString: invalid value {value!r}")
    percent = int(digits)
    # Exact integer arithmetic gives the same result as Go's float Ceil/Floor here.
    if round_up:
        return -((-percent * total) // 100)
    return (percent * total) // 100


def resolve_fenceposts(max_surge: int | str | None, max_unavailable: int | str | None,
                       desired: int) -> tuple[int, int]:
    """deployment_util.go ResolveFenceposts: (surge rounded up, unavailable rounded down).

    A missing value counts as 0; if both resolve to 0, unavailable becomes 1 (surge might be
    blocked by quota). Raises ValueError for invalid values.
    """
    surge = get_value_from_int_or_percent(0 if max_surge is None else max_surge, desired, True)
    unavailable = get_value_from_int_or_percent(
        0 if max_unavailable is None else max_unavailable, desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_unavailable(deployment: Mapping) -> int:
    """deployment_util.go MaxUnavailable: 0 unless RollingUpdate with replicas > 0; capped at
    spec.replicas. Invalid values give 0 (upstream ignores the error: validation catches it)."""
    replicas = spec_replicas(deployment)
    if not is_rolling_update(deployment) or replicas == 0:
        return 0
    params = _rolling_params(deployment)
    try:
        _, unavailable = resolve_fenceposts(params.get("maxSurge"), params.get("maxUnavailable"),
                                            replicas)
    except ValueError:
        return 0
    return min(unavailable, replicas)


def max_surge(deployment: Mapping) -> int:
    """deployment_util.go MaxSurge: 0 for non-rolling strategies."""
    if not is_rolling_update(deployment):
        return 0
    params = _rolling_params(deployment)
    try:
        surge, _ = resolve_fenceposts(params.get("maxSurge"), params.get("maxUnavailable"),
                                      spec_replicas(deployment))
    except ValueError:
        return 0
    return surge


def min_available(deployment: Mapping) -> int:
    """deployment_util.go MinAvailable: replicas - MaxUnavailable (0 when not rolling)."""
    if not is_rolling_update(deployment):
        return 0
    return spec_replicas(deployment) - max_unavailable(deployment)


# ---------------------------------------------------------------- replica counts
def get_replica_count_for_replicasets(rss: Iterable[Mapping | None]) -> int:
    """Σ spec.replicas (GetReplicaCountForReplicaSets); ``None`` entries are skipped."""
    return sum(spec_replicas(rs) for rs in rss if rs is not None)


def get_actual_replica_count_for_replicasets(rss: Iterable[Mapping | None]) -> int:
    """Σ status.replicas (GetActualReplicaCountForReplicaSets)."""
    return sum(_status(rs).get("replicas", 0) for rs in rss if rs is not None)


def get_ready_replica_count_for_replicasets(rss: Iterable[Mapping | None]) -> int:
    """Σ status.readyReplicas."""
    return sum(_status(rs).get("readyReplicas", 0) for rs in rss if rs is not None)


def get_available_replica_count_for_replicasets(rss: Iterable[Mapping | None]) -> int:
    """Σ status.availableReplicas."""
    return sum(_status(rs).get("availableReplicas", 0) for rs in rss if rs is not None)


def new_rs_new_replicas(deployment: Mapping, all_rss: Iterable[Mapping | None],
                        new_rs: Mapping) -> int:
    """deployment_util.go NewRSNewReplicas: the size the new ReplicaSet should have now.

    RollingUpdate: grow by ``min(replicas + maxSurge - Σ spec.replicas, replicas - new)`` when
    below the surge ceiling, else keep its size (maxSurge rounded up, without the fencepost
    rule). Recreate: spec.replicas. Raises ValueError for another strategy type.
    """
    strategy = (_spec(deployment).get("strategy") or {}).get("type")
    replicas = spec_replicas(deployment)
    if strategy == "RollingUpdate":
        surge = get_value_from_int_or_percent(_rolling_params(deployment).get("maxSurge"),
                                              replicas, True)
        current = get_replica_count_for_replicasets(all_rss)
        max_total = replicas + surge
        if current >= max_total:
            return spec_replicas(new_rs)
        scale_up = min(max_total - current, replicas - spec_replicas(new_rs))
        return spec_replicas(new_rs) + scale_up
    if strategy == "Recreate":
        return replicas
    raise ValueError(f"deployment type {strategy} isn't supported")


# ---------------------------------------------------------------- replica annotations
def get_non_negative_int32_from_annotation(rs: Mapping, key: str) -> tuple[int, bool]:
    """deployment_util.go getNonNegativeInt32FromAnnotation (errors just give ``(0, False)``):
    a decimal between 0 and MaxInt32; signs, blanks and overflow are invalid."""
    value = _annotations(rs).get(key)
    if value is None or not re.fullmatch(r"[0-9]+", value):
        return 0, False
    number = int(value)
    if number > MAX_INT32:
        return 0, False
    return number, True


def get_desired_replicas_annotation(rs: Mapping) -> int | None:
    """GetDesiredReplicasAnnotation; ``None`` when missing or invalid."""
    value, ok = get_non_negative_int32_from_annotation(rs, DESIRED_REPLICAS_ANNOTATION)
    return value if ok else None


def get_max_replicas_annotation(rs: Mapping) -> int | None:
    value, ok = get_non_negative_int32_from_annotation(rs, MAX_REPLICAS_ANNOTATION)
    return value if ok else None


def replicas_annotations_need_update(rs: Mapping, desired: int, max_replicas: int) -> bool:
    """deployment_util.go ReplicasAnnotationsNeedUpdate."""
    annotations = rs["metadata"].get("annotations")
    if annotations is None:
        return True
    return (annotations.get(DESIRED_REPLICAS_ANNOTATION) != str(desired)
            or annotations.get(MAX_REPLICAS_ANNOTATION) != str(max_replicas))


def set_replicas_annotations(rs: Mapping, desired: int, max_replicas: int) -> tuple[dict, bool]:
    """deployment_util.go SetReplicasAnnotations -> (new RS, changed)."""
    annotations = dict(_annotations(rs))
    changed = False
    if annotations.get(DESIRED_REPLICAS_ANNOTATION) != str(desired):
        annotations[DESIRED_REPLICAS_ANNOTATION] = str(desired)
        changed = True
    if annotations.get(MAX_REPLICAS_ANNOTATION) != str(max_replicas):
        annotations[MAX_REPLICAS_ANNOTATION] = str(max_replicas)
        changed = True
    return _with_annotations(rs, annotations), changed


def is_saturated(deployment: Mapping, rs: Mapping | None) -> bool:
    """deployment_util.go IsSaturated: the RS has all desired replicas, knows it (the
    desired-replicas annotation), and all of them are available."""
    if rs is None:
        return False
    desired_text = _annotations(rs).get(DESIRED_REPLICAS_ANNOTATION, "")
    if not re.fullmatch(r"[+-]?[0-9]+", desired_text):
        return False
    replicas = spec_replicas(deployment)
    return (spec_replicas(rs) == replicas and int(desired_text) == replicas
            and _status(rs).get("availableReplicas", 0) == replicas)


def _round_half_away(value: Fraction) -> int:
    """Go math.Round (integer.RoundToInt32): halves away from zero."""
    floor = math.floor(abs(value))
    result = floor + 1 if abs(value) - floor >= Fraction(1, 2) else floor
    return result if value >= 0 else -result


def get_replicaset_fraction(rs: Mapping, deployment: Mapping) -> int:
    """deployment_util.go getReplicaSetFraction: this RS's share of a proportional scale.

    ``round(rs.replicas * (replicas + maxSurge) / max-replicas annotation) - rs.replicas``;
    -rs.replicas when scaling to 0. A missing/invalid/zero annotation falls back to
    ``deployment.status.replicas``; if that is 0 too, the RS is not scaled (0).
    """
    rs_replicas = spec_replicas(rs)
    if spec_replicas(deployment) == 0:
        return -rs_replicas
    deployment_max = spec_replicas(deployment) + max_surge(deployment)
    before = get_max_replicas_annotation(rs)
    if not before:
        before = _status(deployment).get("replicas", 0)
        if before == 0:
            return 0
    return _round_half_away(Fraction(rs_replicas * deployment_max, before)) - rs_replicas


def get_proportion(rs: Mapping | None, deployment: Mapping, to_add: int, added: int) -> int:
    """deployment_util.go GetProportion (GetReplicaSetProportion): the fraction, clamped so the
    running total never passes ``to_add``; 0 for empty RSs (they never grow proportionally)."""
    if rs is None or spec_replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = get_replicaset_fraction(rs, deployment)
    allowed = to_add - added
    if to_add > 0:
        return min(fraction, allowed)
    return max(fraction, allowed)


# ---------------------------------------------------------------- templates and finding RSs
def _normalize(value: object, key: str | None = None) -> object:
    """apiequality.Semantic-like form: empty maps/lists and nulls equal missing fields;
    resource quantities compare by value."""
    if isinstance(value, Mapping):
        out = {}
        for k in sorted(value):
            v = value[k]
            if key in ("limits", "requests") and isinstance(v, str | int | float) \
                    and not isinstance(v, bool):
                with contextlib.suppress(QuantityError):
                    v = parse_quantity(v)
            else:
                v = _normalize(v, k)
            if v is None or v == {} or v == []:
                continue
            out[k] = v
        return out
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    return value


def _without_hash_label(template: Mapping | None) -> dict:
    template = dict(template or {})
    metadata = dict(template.get("metadata") or {})
    labels = dict(metadata.get("labels") or {})
    labels.pop(POD_TEMPLATE_HASH_LABEL, None)
    metadata["labels"] = labels
    template["metadata"] = metadata
    return template


def equal_ignore_hash(template1: Mapping | None, template2: Mapping | None) -> bool:
    """deployment_util.go EqualIgnoreHash: templates equal once ``pod-template-hash`` is dropped
    from both label sets (semantic equality, see :func:`_normalize`)."""
    return _normalize(_without_hash_label(template1)) == _normalize(_without_hash_label(template2))


def _same_object(a: Mapping, b: Mapping) -> bool:
    uid_a, uid_b = a["metadata"].get("uid"), b["metadata"].get("uid")
    if uid_a and uid_b:
        return uid_a == uid_b
    return (a["metadata"].get("namespace"), a["metadata"]["name"]) == \
        (b["metadata"].get("namespace"), b["metadata"]["name"])


def find_new_replicaset(deployment: Mapping, rs_list: Iterable[Mapping]) -> dict | None:
    """deployment_util.go FindNewReplicaSet: the oldest RS whose template equals the
    deployment's (ignoring the hash label); ``None`` if there is none."""
    template = _spec(deployment).get("template")
    for rs in replicasets_by_creation_timestamp(rs_list):
        if equal_ignore_hash(_spec(rs).get("template"), template):
            return rs
    return None


def find_old_replicasets(deployment: Mapping,
                         rs_list: Sequence[Mapping]) -> tuple[list, list]:
    """deployment_util.go FindOldReplicaSets -> (old RSs with spec.replicas != 0, all old RSs),
    both in the order of ``rs_list``."""
    new_rs = find_new_replicaset(deployment, rs_list)
    required: list = []
    all_old: list = []
    for rs in rs_list:
        if new_rs is not None and _same_object(rs, new_rs):
            continue
        all_old.append(rs)
        if spec_replicas(rs) != 0:
            required.append(rs)
    return required, all_old


def find_active_or_latest(new_rs: Mapping | None, old_rss: Sequence[Mapping]) -> dict | None:
    """deployment_util.go FindActiveOrLatest: the only active RS, or (none active) the new RS,
    else the newest old one; ``None`` when more than one RS is active."""
    if new_rs is None and not old_rss:
        return None
    newest_first = sorted(old_rss, key=creation_timestamp_key, reverse=True)
    candidates = [*newest_first, new_rs] if new_rs is not None else newest_first
    active = filter_active_replicasets(candidates)
    if not active:
        return new_rs if new_rs is not None else newest_first[0]
    if len(active) == 1:
        return active[0]
    return None


# ---------------------------------------------------------------- revisions
def revision(obj: Mapping) -> int:
    """deployment_util.go Revision: the revision annotation (0 if absent).

    Raises ValueError when it is not a (64-bit) integer.
    """
    value = _annotations(obj).get(REVISION_ANNOTATION)
    if value is None:
        return 0
    if not re.fullmatch(r"[+-]?[0-9]+", value):
        raise ValueError(f'strconv.ParseInt: parsing "{value}": invalid syntax')
    number = int(value)
    if not -(2**63) <= number < 2**63:
        raise ValueError(f'strconv.ParseInt: parsing "{value}": value out of range')
    return number


def max_revision(rss: Iterable[Mapping]) -> int:
    """deployment_util.go MaxRevision (RSs with unparsable revisions are skipped)."""
    highest = 0
    for rs in rss:
        try:
            value = revision(rs)
        except ValueError:
            continue
        highest = max(highest, value)
    return highest


def last_revision(rss: Iterable[Mapping]) -> int:
    """deployment_util.go LastRevision: the second-highest revision."""
    highest, second = 0, 0
    for rs in rss:
        try:
            value = revision(rs)
        except ValueError:
            continue
        if value >= highest:
            second, highest = highest, value
        elif value > second:
            second = value
    return second


def replicasets_by_revision(rss: Iterable[Mapping]) -> list:
    """deployment_util.go ReplicaSetsByRevision: lowest revision first; equal or unparsable
    revisions fall back to creation time, then name."""

    def key_pair(a: Mapping, b: Mapping) -> int:
        try:
            ra, rb = revision(a), revision(b)
        except ValueError:
            ra = rb = None
        if ra is None or ra == rb:
            ka, kb = creation_timestamp_key(a), creation_timestamp_key(b)
            return (ka > kb) - (ka < kb)
        return (ra > rb) - (ra < rb)

    return sorted(rss, key=functools.cmp_to_key(key_pair))


def skip_copy_annotation(key: str) -> bool:
    """deployment_util.go skipCopyAnnotation."""
    return key in ANNOTATIONS_TO_SKIP


def copy_deployment_annotations_to_rs(deployment: Mapping, rs: Mapping) -> tuple[dict, bool]:
    """deployment_util.go copyDeploymentAnnotationsToReplicaSet -> (new RS, changed).

    Every deployment annotation except :data:`ANNOTATIONS_TO_SKIP` is copied; annotations the
    RS has and the deployment lacks are kept.
    """
    annotations = dict(_annotations(rs))
    changed = False
    for key, value in _annotations(deployment).items():
        if skip_copy_annotation(key) or annotations.get(key) == value:
            continue
        annotations[key] = value
        changed = True
    return _with_annotations(rs, annotations), changed


def set_deployment_annotations_to(deployment: Mapping, rollback_to_rs: Mapping) -> dict:
    """deployment_util.go SetDeploymentAnnotationsTo (rollback): the deployment keeps its own
    skip-list annotations and takes every other annotation from the RS."""
    annotations = {k: v for k, v in _annotations(deployment).items() if skip_copy_annotation(k)}
    for key, value in _annotations(rollback_to_rs).items():
        if not skip_copy_annotation(key):
            annotations[key] = value
    return _with_annotations(deployment, annotations)


def set_new_replicaset_annotations(
        deployment: Mapping, new_rs: Mapping, new_revision: str, exists: bool,
        rev_history_limit_in_chars: int = MAX_REV_HISTORY_LENGTH_IN_CHARS) -> tuple[dict, bool]:
    """deployment_util.go SetNewReplicaSetAnnotations -> (new RS, annotations changed).

    Copies the deployment's annotations, raises the RS revision to ``new_revision`` if it is
    lower (an RS that already had a revision records the old number in revision-history,
    dropping the oldest entries to stay within ``rev_history_limit_in_chars``), and, for an RS
    about to be created (``exists=False``), sets desired-/max-replicas.
    """
    rs, changed = copy_deployment_annotations_to_rs(deployment, new_rs)
    annotations = dict(_annotations(rs))
    had_revision = REVISION_ANNOTATION in annotations
    old_revision = annotations.get(REVISION_ANNOTATION, "")
    if re.fullmatch(r"[+-]?[0-9]+", old_revision):
        old_revision_int = int(old_revision)
    elif old_revision == "":
        old_revision_int = 0
    else:
        return rs, False  # upstream logs and gives up, reporting no change
    if not re.fullmatch(r"[+-]?[0-9]+", new_revision):
        return rs, False
    new_revision_int = int(new_revision)
    if old_revision_int < new_revision_int:
        annotations[REVISION_ANNOTATION] = new_revision
        changed = True
    if had_revision and old_revision_int < new_revision_int:
        history = annotations.get(REVISION_HISTORY_ANNOTATION, "")
        old_revisions = history.split(",")
        if len(old_revisions[0]) == 0:
            annotations[REVISION_HISTORY_ANNOTATION] = old_revision
        else:
            total = len(history) + len(old_revision) + 1
            start = 0
            while total > rev_history_limit_in_chars and start < len(old_revisions):
                total -= len(old_revisions[start]) + 1
                start += 1
            if total <= rev_history_limit_in_chars:
                annotations[REVISION_HISTORY_ANNOTATION] = ",".join(
                    [*old_revisions[start:], old_revision])
    rs = _with_annotations(rs, annotations)
    if not exists:
        replicas = spec_replicas(deployment)
        rs, replicas_changed = set_replicas_annotations(rs, replicas,
                                                        replicas + max_surge(deployment))
        changed = changed or replicas_changed
    return rs, changed


def set_deployment_revision(deployment: Mapping, rev: str) -> tuple[dict, bool]:
    """deployment_util.go SetDeploymentRevision -> (new deployment, changed)."""
    annotations = dict(_annotations(deployment))
    if annotations.get(REVISION_ANNOTATION) == rev:
        return dict(deployment), False
    annotations[REVISION_ANNOTATION] = rev
    return _with_annotations(deployment, annotations), True


# ---------------------------------------------------------------- conditions
def new_deployment_condition(cond_type: str, status: str, reason: str, message: str,
                             now_ms: int) -> dict:
    """deployment_util.go NewDeploymentCondition: both times set to now."""
    now = format_time(now_ms)
    return {"type": cond_type, "status": status, "lastUpdateTime": now,
            "lastTransitionTime": now, "reason": reason, "message": message}


def get_deployment_condition(status: Mapping | None, cond_type: str) -> dict | None:
    """deployment_util.go GetDeploymentCondition."""
    for cond in (status or {}).get("conditions") or ():
        if cond.get("type") == cond_type:
            return cond
    return None


def _with_conditions(status: Mapping | None, conditions: list) -> dict:
    status = dict(status or {})
    if conditions:
        status["conditions"] = conditions
    else:
        status.pop("conditions", None)
    return status


def set_deployment_condition(status: Mapping | None, condition: Mapping) -> dict:
    """deployment_util.go SetDeploymentCondition -> new status.

    Same status and reason: nothing changes (not even lastUpdateTime). Otherwise the old entry
    is removed and the new one appended; lastTransitionTime is kept when only the reason changed.
    """
    current = get_deployment_condition(status, condition["type"])
    if current is not None and current.get("status") == condition.get("status") \
            and current.get("reason") == condition.get("reason"):
        return dict(status or {})
    condition = dict(condition)
    if current is not None and current.get("status") == condition.get("status"):
        if "lastTransitionTime" in current:
            condition["lastTransitionTime"] = current["lastTransitionTime"]
        else:
            condition.pop("lastTransitionTime", None)
    kept = [c for c in (status or {}).get("conditions") or () if c.get("type") != condition["type"]]
    return _with_conditions(status, [*kept, condition])


def remove_deployment_condition(status: Mapping | None, cond_type: str) -> dict:
    """deployment_util.go RemoveDeploymentCondition -> new status."""
    kept = [c for c in (status or {}).get("conditions") or () if c.get("type") != cond_type]
    return _with_conditions(status, kept)


def replicaset_to_deployment_condition(cond: Mapping) -> dict:
    """deployment_util.go ReplicaSetToDeploymentCondition: lastUpdateTime = lastTransitionTime."""
    out: dict = {"type": cond["type"], "status": cond["status"]}
    if cond.get("lastTransitionTime"):
        out["lastUpdateTime"] = cond["lastTransitionTime"]
        out["lastTransitionTime"] = cond["lastTransitionTime"]
    if cond.get("reason"):
        out["reason"] = cond["reason"]
    if cond.get("message"):
        out["message"] = cond["message"]
    return out


# ---------------------------------------------------------------- progress
def has_progress_deadline(deployment: Mapping) -> bool:
    """deployment_util.go HasProgressDeadline: set and not MaxInt32."""
    pds = _spec(deployment).get("progressDeadlineSeconds")
    return pds is not None and pds != MAX_INT32


def has_revision_history_limit(deployment: Mapping) -> bool:
    """deployment_util.go HasRevisionHistoryLimit: set and not MaxInt32."""
    limit = _spec(deployment).get("revisionHistoryLimit")
    return limit is not None and limit != MAX_INT32


def deployment_complete(deployment: Mapping, new_status: Mapping) -> bool:
    """deployment_util.go DeploymentComplete: updated == replicas == available == desired and
    the status has observed the current generation."""
    replicas = spec_replicas(deployment)
    return (new_status.get("updatedReplicas", 0) == replicas
            and new_status.get("replicas", 0) == replicas
            and new_status.get("availableReplicas", 0) == replicas
            and new_status.get("observedGeneration", 0)
            >= deployment["metadata"].get("generation", 0))


def deployment_progressing(deployment: Mapping, new_status: Mapping) -> bool:
    """deployment_util.go DeploymentProgressing: more updated, fewer old, more ready or more
    available replicas than the deployment's current status."""
    old = _status(deployment)
    old_old = old.get("replicas", 0) - old.get("updatedReplicas", 0)
    new_old = new_status.get("replicas", 0) - new_status.get("updatedReplicas", 0)
    return (new_status.get("updatedReplicas", 0) > old.get("updatedReplicas", 0)
            or new_old < old_old
            or new_status.get("readyReplicas", 0) > old.get("readyReplicas", 0)
            or new_status.get("availableReplicas", 0) > old.get("availableReplicas", 0))


def deployment_timed_out(deployment: Mapping, new_status: Mapping, now_ms: int) -> bool:
    """deployment_util.go DeploymentTimedOut: the Progressing condition of ``new_status`` was
    last updated more than progressDeadlineSeconds ago (strictly), or already says
    ProgressDeadlineExceeded. Never for a completed rollout (reason NewReplicaSetAvailable)."""
    if not has_progress_deadline(deployment):
        return False
    cond = get_deployment_condition(new_status, DEPLOYMENT_PROGRESSING)
    if cond is None:
        return False
    if cond.get("reason") == NEW_RS_AVAILABLE_REASON:
        return False
    if cond.get("reason") == TIMED_OUT_REASON:
        return True
    last = time_ms(cond.get("lastUpdateTime"))
    if last is None:
        last = -62135596800000  # Go zero time, 0001-01-01T00:00:00Z
    return last + _spec(deployment)["progressDeadlineSeconds"] * 1000 < now_ms


# ---------------------------------------------------------------- status
def calculate_status(all_rss: Sequence[Mapping | None], new_rs: Mapping | None,
                     deployment: Mapping, now_ms: int) -> dict:
    """sync.go calculateStatus: the Deployment status implied by its ReplicaSets.

    replicas / updatedReplicas count RS ``status.replicas`` (updated = the new RS's), ready and
    available add up RS status, unavailableReplicas = max(0, Σ spec.replicas - available);
    observedGeneration = metadata.generation; collisionCount kept; the existing conditions
    are kept and Available is (re)set. Zero counts are omitted, as in the API's JSON.
    """
    available = get_available_replica_count_for_replicasets(all_rss)
    unavailable = max(0, get_replica_count_for_replicasets(all_rss) - available)
    values = {
        "observedGeneration": deployment["metadata"].get("generation", 0),
        "replicas": get_actual_replica_count_for_replicasets(all_rss),
        "updatedReplicas": get_actual_replica_count_for_replicasets([new_rs]),
        "readyReplicas": get_ready_replica_count_for_replicasets(all_rss),
        "availableReplicas": available,
        "unavailableReplicas": unavailable,
    }
    status: dict = {k: v for k, v in values.items() if v}
    conditions = [dict(c) for c in _status(deployment).get("conditions") or ()]
    if conditions:
        status["conditions"] = conditions
    if _status(deployment).get("collisionCount") is not None:
        status["collisionCount"] = _status(deployment)["collisionCount"]
    if available >= spec_replicas(deployment) - max_unavailable(deployment):
        cond = new_deployment_condition(DEPLOYMENT_AVAILABLE, "True", MINIMUM_REPLICAS_AVAILABLE,
                                        MINIMUM_AVAILABILITY_MESSAGE, now_ms)
    else:
        cond = new_deployment_condition(DEPLOYMENT_AVAILABLE, "False",
                                        MINIMUM_REPLICAS_UNAVAILABLE,
                                        NO_MINIMUM_AVAILABILITY_MESSAGE, now_ms)
    status = set_deployment_condition(status, cond)
    # Keep the API's field order (conditions before collisionCount).
    if "collisionCount" in status:
        status["collisionCount"] = status.pop("collisionCount")
    return status


def is_scaling_event(deployment: Mapping, new_rs: Mapping | None,
                     old_rss: Iterable[Mapping]) -> bool:
    """sync.go isScalingEvent: some active RS carries a desired-replicas annotation that differs
    from spec.replicas (RSs without a valid annotation are ignored)."""
    replicas = spec_replicas(deployment)
    for rs in filter_active_replicasets([*old_rss, new_rs]):
        desired = get_desired_replicas_annotation(rs)
        if desired is not None and desired != replicas:
            return True
    return False


def replicasets_to_clean_up(deployment: Mapping, old_rss: Iterable[Mapping | None]) -> list:
    """sync.go cleanupDeployment: the old RSs to delete for revisionHistoryLimit.

    Only with a limit that is set and not MaxInt32. Among old RSs not already being deleted,
    the ``count - limit`` lowest revisions are examined and those fully scaled down
    (spec and status replicas 0) and observed (generation <= observedGeneration) are
    returned; the others are skipped, not replaced by later ones.
    """
    if not has_revision_history_limit(deployment):
        return []
    cleanable = [rs for rs in old_rss
                 if rs is not None and not rs["metadata"].get("deletionTimestamp")]
    diff = len(cleanable) - _spec(deployment)["revisionHistoryLimit"]
    if diff <= 0:
        return []
    doomed = []
    for rs in replicasets_by_revision(cleanable)[:diff]:
        if (_status(rs).get("replicas", 0) != 0 or spec_replicas(rs) != 0
                or rs["metadata"].get("generation", 0) > _status(rs).get("observedGeneration", 0)
                or rs["metadata"].get("deletionTimestamp")):
            continue
        doomed.append(rs)
    return doomed

