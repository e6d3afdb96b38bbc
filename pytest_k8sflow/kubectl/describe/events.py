"""The Events section of ``kubectl describe``
(kubernetes/kubectl pkg/describe/describe.go DescribeEvents, SortableEvents):
the events about an object and their Type/Reason/Age/From/Message table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pytest_k8sflow.kubectl.describe.common import tabbed
from pytest_k8sflow.kubectl.humanize import time_ms, translate_timestamp_since

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster


def events_for(cluster: Cluster, obj: Mapping) -> list[dict]:
    """Events about ``obj``: involvedObject name, namespace and uid (and kind, except for
    pods: describe clears the reference's kind), sorted by last timestamp."""
    meta = obj["metadata"]
    ns = meta.get("namespace") or "default"
    found = []
    for event in cluster.store.list("Event", None):
        ref = event.get("involvedObject") or {}
        if ref.get("name") != meta["name"]:
            continue
        # NodeDescriber also searches with uid = the node's name (kubelet events use it)
        uids = (meta.get("uid"), meta["name"]) if obj.get("kind") == "Node" else \
            (meta.get("uid"),)
        if (ref.get("uid") or meta.get("uid")) not in uids:
            continue
        if (ref.get("namespace") or "") != (meta.get("namespace") or "") and \
                (event["metadata"].get("namespace") or "default") != ns:
            continue
        if obj.get("kind") != "Pod" and ref.get("kind") not in (None, obj.get("kind")):
            continue
        found.append(event)
    # SortableEvents: by lastTimestamp (eventTime for new-API events); stable here
    found.sort(key=lambda e: time_ms(e.get("lastTimestamp") or e.get("eventTime")) or 0)
    return found


def describe_events(events: list[Mapping], now_ms: int) -> str:
    """DescribeEvents: ``Events:  <none>`` or the Type/Reason/Age/From/Message table."""
    if not events:
        return "Events:  <none>\n"
    lines = ["Events:", "  Type\tReason\tAge\tFrom\tMessage", "  ----\t------\t----\t----\t-------"]
    for e in events:
        first = e.get("eventTime") or e.get("firstTimestamp")
        first_since = translate_timestamp_since(first, now_ms)
        count = int(e.get("count") or 0)
        series = e.get("series")
        if series:
            interval = (f"{translate_timestamp_since(series.get('lastObservedTime'), now_ms)} "
                        f"(x{series.get('count')} over {first_since})")
        elif count > 1:
            interval = (f"{translate_timestamp_since(e.get('lastTimestamp'), now_ms)} "
                        f"(x{count} over {first_since})")
        else:
            interval = first_since
        source = (e.get("source") or {}).get("component") or e.get("reportingComponent") or ""
        lines.append(f"  {e.get('type', '')}\t{e.get('reason', '')}\t{interval}\t{source}\t"
                     f"{(e.get('message') or '').strip()}")
    return tabbed("\n".join(lines) + "\n")
