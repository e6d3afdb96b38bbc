"""What every simulated control-plane component (controller, scheduler, kubelet) looks like."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster


class Component:
    """A reconciler: it watches kinds, queues keys, and syncs one key at a time.

    ``name`` is what its writes and Events are attributed to (``deployment-controller``,
    ``replicaset-controller``, ``default-scheduler``, ``kubelet``, ...).
    """

    name: str = "component"

    def setup(self, cluster: Cluster) -> None:
        """Register indexes and watches; called once when the cluster is built."""
        self.cluster = cluster

    def sync(self, key: Hashable) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- conveniences for subclasses -------------------------------------------------------
    def enqueue(self, key: Hashable) -> None:
        self.cluster.queue.add(self.name, key)

    def enqueue_after(self, key: Hashable, delay_ms: int) -> None:
        self.cluster.enqueue_at(self.name, key, self.cluster.clock.now_ms + delay_ms)

    def enqueue_at(self, key: Hashable, due_ms: int) -> None:
        self.cluster.enqueue_at(self.name, key, due_ms)

    def event(self, obj: dict, event_type: str, reason: str, message: str, **kw) -> None:
        self.cluster.recorder.emit(obj, event_type, reason, message, component=self.name, **kw)


def object_key(obj: dict) -> tuple[str, str]:
    meta = obj["metadata"]
    return (meta.get("namespace") or "", meta["name"])
