"""Kubernetes Events: what components emit, and the Event objects the apiserver ends up storing.

Components emit through client-go's event recorder, whose EventCorrelator deduplicates
identical events (count + lastTimestamp), folds more than 10 similar events from one source
about one object within 10 minutes into a "(combined from similar events): ..." event, and
rate-limits each source/object pair (burst 25, one token per 5 minutes).
k8s client-go tools/record/events_cache.go (EventCorrelator, EventAggregator, EventLogger,
EventSourceObjectSpamFilter).

The ``emitted`` log keeps every event as the component emitted it, before correlation; the
``events`` expectation of scenarios matches against that log, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pytest_k8sflow.engine.timeutil import format_micro_time, format_time

AGGREGATE_MAX_EVENTS = 10
AGGREGATE_WINDOW_MS = 600_000
SPAM_BURST = 25
SPAM_REFILL_MS = 300_000


@dataclass
class _Bucket:
    tokens: float
    last_ms: int


def object_reference(obj: dict, field_path: str | None = None) -> dict:
    meta = obj["metadata"]
    ref = {"apiVersion": obj.get("apiVersion", ""), "kind": obj.get("kind", ""),
           "name": meta["name"]}
    if meta.get("namespace"):
        ref["namespace"] = meta["namespace"]
    if meta.get("uid"):
        ref["uid"] = meta["uid"]
    if meta.get("resourceVersion"):
        ref["resourceVersion"] = meta["resourceVersion"]
    if field_path:
        ref["fieldPath"] = field_path
    return ref


class EventRecorder:
    """Records events emitted by components; ``store_event`` writes the stored Event object."""

    def __init__(self, now: Callable[[], int], store_event: Callable[[dict, bool], None]) -> None:
        self._now = now
        self._store_event = store_event
        self.emitted: list[dict] = []
        self._dedupe: dict[tuple, dict] = {}
        self._similar: dict[tuple, dict[str, int]] = {}
        self._spam: dict[tuple, _Bucket] = {}
        self._name_times: dict[str, int] = {}

    def emit(self, obj: dict, event_type: str, reason: str, message: str, *,
             component: str, host: str | None = None, field_path: str | None = None,
             action: str | None = None, new_api: bool = False) -> None:
        """Record one event about ``obj`` from ``component`` (kubelet events pass ``host``).

        ``new_api`` marks components that use the events.k8s.io recorder (the scheduler):
        their Events carry eventTime/action/reportingInstance instead of timestamps/count.
        """
        now = self._now()
        involved = object_reference(obj, field_path)
        source = {"component": component}
        if host:
            source["host"] = host
        self.emitted.append({
            "type": event_type, "reason": reason, "message": message,
            "involvedObject": involved, "source": source, "time": format_time(now),
            "timeMs": now, "reportingComponent": component,
        })
        if new_api:
            self._store_new_api_event(involved, event_type, reason, message, component, action,
                                      now)
            return
        self._correlate(involved, source, event_type, reason, message, component, host, now)

    # -- the correlator -----------------------------------------------------------------
    def _correlate(self, involved: dict, source: dict, event_type: str, reason: str,
                   message: str, component: str, host: str | None, now: int) -> None:
        obj_key = (involved.get("kind"), involved.get("namespace", ""), involved["name"],
                   involved.get("uid", ""), involved.get("apiVersion", ""))
        # Spam filter: a token bucket per source + object.
        spam_key = (component, host or "", *obj_key, event_type)
        bucket = self._spam.get(spam_key)
        if bucket is None:
            bucket = self._spam[spam_key] = _Bucket(SPAM_BURST, now)
        else:
            bucket.tokens = min(SPAM_BURST,
                                bucket.tokens + (now - bucket.last_ms) / SPAM_REFILL_MS)
            bucket.last_ms = now
        if bucket.tokens < 1:
            return
        bucket.tokens -= 1
        # Aggregation of similar events (same source, object, type, reason; other message).
        agg_key = (component, host or "", *obj_key, event_type, reason)
        seen = self._similar.setdefault(agg_key, {})
        for old_message, at in list(seen.items()):
            if now - at > AGGREGATE_WINDOW_MS:
                del seen[old_message]
        seen[message] = now
        if len(seen) > AGGREGATE_MAX_EVENTS:
            message = "(combined from similar events): " + message
            dedupe_key = (*agg_key, "(combined)")
        else:
            dedupe_key = (*agg_key, message)
        existing = self._dedupe.get(dedupe_key)
        if existing is not None:
            updated = {**existing, "count": existing.get("count", 1) + 1,
                       "lastTimestamp": format_time(now), "message": message}
            self._dedupe[dedupe_key] = updated
            self._store_event(updated, True)
            return
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": self._event_name(involved["name"], now),
                         "namespace": involved.get("namespace") or "default"},
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": format_time(now),
            "lastTimestamp": format_time(now),
            "count": 1,
            "type": event_type,
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": host or "",
        }
        self._dedupe[dedupe_key] = event
        self._store_event(event, False)

    def _store_new_api_event(self, involved: dict, event_type: str, reason: str,
                             message: str, component: str, action: str | None,
                             now: int) -> None:
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": self._event_name(involved["name"], now),
                         "namespace": involved.get("namespace") or "default"},
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "source": {},
            "firstTimestamp": None,
            "lastTimestamp": None,
            "type": event_type,
            "eventTime": format_micro_time(now),
            "action": action or "",
            "reportingComponent": component,
            "reportingInstance": f"{component}-k8sflow",
        }
        self._store_event(event, False)

    def _event_name(self, object_name: str, now_ms: int) -> str:
        # client-go: fmt.Sprintf("%v.%x", ref.Name, t.UnixNano()); nanoseconds made unique.
        nanos = now_ms * 1_000_000
        last = self._name_times.get(object_name)
        if last is not None and nanos <= last:
            nanos = last + 1
        self._name_times[object_name] = nanos
        return f"{object_name}.{nanos:x}"
