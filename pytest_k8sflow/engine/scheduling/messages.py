"""Filter outcomes and the texts users see: framework.Status, each plugin's reason strings,
framework.FitError (``0/N nodes are available: ...``) with the PostFilter additions
(DynamicResources, DefaultPreemption), and the ``Scheduled`` event message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pytest_k8sflow.engine.scheduling.helpers import DEFAULT_VERSION, Version, _meta

# Status codes (k8s.io/kube-scheduler/framework Code).
UNSCHEDULABLE = "Unschedulable"
UNSCHEDULABLE_AND_UNRESOLVABLE = "UnschedulableAndUnresolvable"

# Filter reasons (each plugin's ErrReason constants).
REASON_UNSCHEDULABLE = "node(s) were unschedulable"
REASON_NODE_NAME = "node(s) didn't match the requested node name"
REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
REASON_NODE_AFFINITY_CONFLICT = "pod affinity terms conflict"
REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports"
REASON_TOO_MANY_PODS = "Too many pods"
REASON_POD_AFFINITY = "node(s) didn't match pod affinity rules"
REASON_POD_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
REASON_SPREAD = "node(s) didn't match pod topology spread constraints"
REASON_SPREAD_MISSING_LABEL = REASON_SPREAD + " (missing required label)"
REASON_NO_NODES = "no nodes available to schedule pods"
PREEMPTION_NOT_HELPFUL = "Preemption is not helpful for scheduling"
PREEMPTION_NO_VICTIMS = "No preemption victims found for incoming pod"
PREEMPTION_POLICY_NEVER = "not eligible due to preemptionPolicy=Never."
DRA_NO_CLAIMS = "no new claims to deallocate"


@dataclass(frozen=True)
class Status:
    """A plugin's rejection of a node (framework.Status): code, reasons, plugin name."""

    code: str
    reasons: tuple[str, ...]
    plugin: str = ""

    @property
    def unresolvable(self) -> bool:
        return self.code == UNSCHEDULABLE_AND_UNRESOLVABLE

    @property
    def message(self) -> str:
        return ", ".join(self.reasons)


def _reject(plugin: str, reason: str, unresolvable: bool = True) -> Status:
    return Status(UNSCHEDULABLE_AND_UNRESOLVABLE if unresolvable else UNSCHEDULABLE, (reason,),
                  plugin)


# ============================================================================================
# FitError and event texts


def format_fit_error(num_all_nodes: int, node_reasons: Iterable[Sequence[str]], *,
                     pre_filter_msg: str = "", post_filter_msg: str = "") -> str:
    """framework.FitError.Error: ``0/N nodes are available:`` then the PreFilter message, or a
    histogram ``"<count> <reason>"`` sorted as strings and joined by ", ", each part ending in
    "."; the PostFilter message is appended after a space."""
    msg = f"0/{num_all_nodes} nodes are available:"
    if pre_filter_msg:
        msg += f" {pre_filter_msg}."
    else:
        histogram: dict[str, int] = {}
        for reasons in node_reasons:
            for reason in reasons:
                histogram[reason] = histogram.get(reason, 0) + 1
        parts = sorted(f"{count} {reason}" for reason, count in histogram.items())
        if parts:
            msg += f" {', '.join(parts)}."
    if post_filter_msg:
        msg += f" {post_filter_msg}"
    return msg


def fit_error_message(num_nodes: int, reasons_per_node: Mapping[str, Sequence[str]],
                      resolvable_per_node: Mapping[str, bool], *,
                      version: Version = DEFAULT_VERSION, pre_filter_msg: str = "",
                      absent_reason: str | None = None, preemption_policy: str | None = None,
                      ) -> str:
    """The FailedScheduling message when no node fits: FitError text plus what the PostFilter
    plugins add — DynamicResources ``no new claims to deallocate`` (v1.34+, where DRA is on by
    default) and DefaultPreemption ``preemption: <its own FitError>`` (v1.24+). Preemption is not
    simulated: a node whose rejection was resolvable reports that no victims were found, an
    unresolvable (or absent) node that preemption is not helpful. Nodes missing from
    ``reasons_per_node`` get ``absent_reason`` (e.g. after NodeAffinity narrowed the candidates).
    """
    histogram_input = [list(r) for r in reasons_per_node.values()]
    missing = max(0, num_nodes - len(reasons_per_node))
    if absent_reason and missing:
        histogram_input += [[absent_reason]] * missing
    post: list[str] = []
    if version >= (1, 34):
        post.append(DRA_NO_CLAIMS)
    if version >= (1, 24):
        if preemption_policy == "Never":
            post.append("preemption: " + PREEMPTION_POLICY_NEVER)
        else:
            preemption = [[PREEMPTION_NO_VICTIMS if resolvable_per_node.get(name) else
                           PREEMPTION_NOT_HELPFUL] for name in reasons_per_node]
            preemption += [[PREEMPTION_NOT_HELPFUL]] * missing
            post.append("preemption: " + format_fit_error(num_nodes, preemption))
    return format_fit_error(num_nodes, histogram_input, pre_filter_msg=pre_filter_msg,
                            post_filter_msg=", ".join(post))


def scheduled_event_message(pod: Mapping, node_name: str) -> str:
    """Message of the Normal ``Scheduled`` event after binding (schedule_one.go
    handleBindingCycle)."""
    meta = _meta(pod)
    namespace = meta.get("namespace") or "default"
    return f"Successfully assigned {namespace}/{meta.get('name')} to {node_name}"
