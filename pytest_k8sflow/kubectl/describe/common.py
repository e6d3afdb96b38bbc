"""Pieces shared by the ``kubectl describe`` describers
(kubernetes/kubectl pkg/describe/describe.go).

``rfc1123z`` (Go's time.RFC1123Z), ``tabbed`` (tabbedString's tabwriter), the Name/Namespace
header, labels and annotations, the controlling owner, getPodStatusForController's pod
counts and the plain conditions table.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pytest_k8sflow.engine.resources import BY_KIND
from pytest_k8sflow.kubectl.humanize import time_ms
from pytest_k8sflow.kubectl.printers import _annotations_multiline, _labels_multiline, _PrefixWriter
from pytest_k8sflow.kubectl.tables.common import get
from pytest_k8sflow.kubectl.tabwriter import format_columns

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster


def rfc1123z(value: object) -> str:
    """Go's time.RFC1123Z layout (``Thu, 01 Jan 2026 00:00:00 +0000``), in UTC."""
    ms = time_ms(value)
    if ms is None:
        ms = -62135596800000
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def tabbed(text: str) -> str:
    """tabbedString: tabwriter.Init(buf, 0, 8, 2, ' ', 0)."""
    return format_columns(text, minwidth=0, padding=2)


def _header(w: _PrefixWriter, obj: Mapping, *, created: bool = False) -> None:
    meta = obj["metadata"]
    w.write(0, f"Name:\t{meta['name']}\n")
    if BY_KIND.get(obj.get("kind", "")) is None or BY_KIND[obj["kind"]].namespaced:
        w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if created:
        w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")


def _labels_annotations(w: _PrefixWriter, obj: Mapping) -> None:
    _labels_multiline(w, "Labels", obj["metadata"].get("labels"))
    _annotations_multiline(w, "Annotations", obj["metadata"].get("annotations"))


def _controller(obj: Mapping) -> str:
    for ref in obj["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            return f"{ref.get('kind')}/{ref.get('name')}"
    return ""


def _pod_counts(cluster: Cluster, owner: Mapping) -> str:
    """getPodStatusForController: pods matching the selector and controlled by the owner,
    counted by phase (Pending counts as Waiting)."""
    from pytest_k8sflow.engine.selectors import from_label_selector

    sel = from_label_selector(get(owner, "spec", "selector"))
    uid = owner["metadata"].get("uid")
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in cluster.store.list("Pod", owner["metadata"].get("namespace") or ""):
        refs = pod["metadata"].get("ownerReferences") or []
        if not any(r.get("controller") and r.get("uid") == uid for r in refs):
            continue
        if not sel.matches(pod["metadata"].get("labels")):
            continue
        phase = get(pod, "status", "phase", default="")
        if phase in counts:
            counts[phase] += 1
    return (f"{counts['Running']} Running / {counts['Pending']} Waiting / "
            f"{counts['Succeeded']} Succeeded / {counts['Failed']} Failed")


def _conditions_table(w: _PrefixWriter, conditions: list | None) -> None:
    if not conditions:
        return
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
    w.write(1, "----\t------\t------\n")
    for c in conditions:
        w.write(1, f"{c.get('type')} \t{c.get('status')}\t{c.get('reason', '')}\n")


def _int_or_string(value: object) -> str:
    return "<nil>" if value is None else str(value)
