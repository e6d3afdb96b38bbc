"""The simulated clock and its timer heap, keyed by (time, sequence) for a stable order."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable

from pytest_k8sflow.engine.timeutil import format_time


class Clock:
    """Simulated wall clock in integer milliseconds; it only moves when told to."""

    def __init__(self, start_ms: int) -> None:
        self.now_ms = start_ms
        self.start_ms = start_ms
        self._heap: list[tuple[int, int, Hashable]] = []
        self._seq = 0
        # For each wake-up key, the earliest time it is due; later duplicates are dropped
        # (client-go's delaying queue keeps the earliest AddAfter of an item).
        self._due: dict[Hashable, int] = {}
        self._callbacks: dict[Hashable, Callable[[], None]] = {}

    def now_text(self) -> str:
        return format_time(self.now_ms)

    def call_at(self, due_ms: int, key: Hashable, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the clock reaches ``due_ms`` (at once if it already has)."""
        due_ms = max(due_ms, self.now_ms)
        current = self._due.get(key)
        if current is not None and current <= due_ms:
            return
        self._due[key] = due_ms
        self._callbacks[key] = callback
        self._seq += 1
        heapq.heappush(self._heap, (due_ms, self._seq, key))

    def next_due(self) -> int | None:
        """The time of the earliest pending timer, or None."""
        heap = self._heap
        while heap:
            due, _, key = heap[0]
            if self._due.get(key) == due:
                return due
            heapq.heappop(heap)  # superseded by an earlier call_at for the same key
        return None

    def fire_due(self) -> int:
        """Run every timer due at or before now, in (time, sequence) order; returns how many."""
        fired = 0
        heap = self._heap
        while heap and heap[0][0] <= self.now_ms:
            due, _, key = heapq.heappop(heap)
            if self._due.get(key) != due:
                continue
            del self._due[key]
            callback = self._callbacks.pop(key)
            callback()
            fired += 1
        return fired

    def set(self, when_ms: int) -> None:
        if when_ms < self.now_ms:
            raise ValueError("the simulated clock never goes backwards")
        self.now_ms = when_ms

    def pending(self) -> int:
        return len(self._due)
