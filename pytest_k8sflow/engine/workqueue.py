"""Per-component work queues with a stable (first-added, first-served) order and no duplicates."""

from __future__ import annotations

from collections.abc import Hashable


class WorkQueue:
    """One ordered set of keys per component, like client-go's workqueue (dedup while queued)."""

    def __init__(self) -> None:
        self._queues: dict[str, dict[Hashable, None]] = {}

    def register(self, component: str) -> None:
        self._queues.setdefault(component, {})

    def add(self, component: str, key: Hashable) -> None:
        self._queues[component][key] = None

    def take(self, component: str) -> list[Hashable]:
        """Everything queued for ``component`` now, in order; the queue is emptied."""
        queue = self._queues[component]
        if not queue:
            return []
        keys = list(queue)
        queue.clear()
        return keys

    def empty(self) -> bool:
        return not any(self._queues.values())

    def pending(self) -> dict[str, list[Hashable]]:
        return {name: list(q) for name, q in self._queues.items() if q}
