"""The in-memory object store: current objects by kind, indexes, watches and write history.

Objects handed out are the stored dicts themselves and must never be mutated (see
docs/dev/conventions.md); every write puts a new dict. That keeps reads free of copies and
lets the history keep each version cheaply, for provenance in failure reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

Key = tuple[str, str]  # (namespace, name); namespace "" for cluster-scoped objects
Watcher = Callable[[dict | None, dict | None], None]  # (old, new); new None = deleted
IndexFunc = Callable[[dict], Iterable[str]]


@dataclass(frozen=True, slots=True)
class Write:
    """One recorded write: who changed the object, when, during which step."""

    resource_version: int
    time_ms: int
    actor: str
    step: int  # 0 = given, N = step N
    obj: dict | None  # the version written; None for a removal


def key_of(obj: dict) -> Key:
    meta = obj["metadata"]
    return (meta.get("namespace") or "", meta["name"])


class Store:
    def __init__(self, *, keep_history: bool = True) -> None:
        self._objects: dict[str, dict[Key, dict]] = {}
        self._watchers: dict[str, list[Watcher]] = {}
        self._indexers: dict[str, dict[str, IndexFunc]] = {}
        self._indexes: dict[tuple[str, str], dict[str, dict[Key, None]]] = {}
        self._resource_version = 0
        self.keep_history = keep_history
        self.history: dict[tuple[str, str, str], list[Write]] = {}
        self.writes = 0
        # Set by the cluster: what the writes are attributed to.
        self.now_ms = 0
        self.step = 0

    # -- reads ---------------------------------------------------------------------------
    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        bucket = self._objects.get(kind)
        return bucket.get((namespace, name)) if bucket else None

    def list(self, kind: str, namespace: str | None = None) -> list[dict]:
        """Objects of a kind (in one namespace, or all), sorted by namespace and name."""
        bucket = self._objects.get(kind)
        if not bucket:
            return []
        keys = sorted(bucket) if namespace is None else sorted(
            k for k in bucket if k[0] == namespace)
        return [bucket[k] for k in keys]

    def count(self, kind: str) -> int:
        return len(self._objects.get(kind) or ())

    def kinds(self) -> list[str]:
        return sorted(k for k, v in self._objects.items() if v)

    def by_index(self, kind: str, index: str, value: str) -> list[dict]:
        """Objects whose index function yields ``value``, in the order they were indexed."""
        keys = self._indexes[(kind, index)].get(value)
        if not keys:
            return []
        bucket = self._objects[kind]
        return [bucket[k] for k in keys]

    def index_keys(self, kind: str, index: str, value: str) -> list[Key]:
        keys = self._indexes[(kind, index)].get(value)
        return list(keys) if keys else []

    # -- configuration -------------------------------------------------------------------
    def add_index(self, kind: str, name: str, func: IndexFunc) -> None:
        self._indexers.setdefault(kind, {})[name] = func
        index: dict[str, dict[Key, None]] = {}
        self._indexes[(kind, name)] = index
        for key, obj in (self._objects.get(kind) or {}).items():
            for value in func(obj):
                index.setdefault(value, {})[key] = None

    def watch(self, kind: str, watcher: Watcher) -> None:
        self._watchers.setdefault(kind, []).append(watcher)

    # -- writes --------------------------------------------------------------------------
    def next_resource_version(self) -> int:
        self._resource_version += 1
        return self._resource_version

    @property
    def resource_version(self) -> int:
        return self._resource_version

    def put(self, kind: str, obj: dict, actor: str, resource_version: int) -> None:
        """Store ``obj`` (already carrying its new resourceVersion) and tell the watchers."""
        key = key_of(obj)
        bucket = self._objects.setdefault(kind, {})
        old = bucket.get(key)
        bucket[key] = obj
        self._reindex(kind, key, old, obj)
        self._record(kind, key, actor, resource_version, obj)
        for watcher in self._watchers.get(kind, ()):
            watcher(old, obj)

    def remove(self, kind: str, namespace: str, name: str, actor: str) -> dict | None:
        bucket = self._objects.get(kind)
        key = (namespace, name)
        if not bucket or key not in bucket:
            return None
        old = bucket.pop(key)
        self._reindex(kind, key, old, None)
        self._record(kind, key, actor, self.next_resource_version(), None)
        for watcher in self._watchers.get(kind, ()):
            watcher(old, None)
        return old

    def _reindex(self, kind: str, key: Key, old: dict | None, new: dict | None) -> None:
        indexers = self._indexers.get(kind)
        if not indexers:
            return
        for name, func in indexers.items():
            index = self._indexes[(kind, name)]
            old_values = tuple(func(old)) if old is not None else ()
            new_values = tuple(func(new)) if new is not None else ()
            if old_values == new_values:
                continue
            for value in old_values:
                if value not in new_values:
                    members = index.get(value)
                    if members is not None:
                        members.pop(key, None)
                        if not members:
                            del index[value]
            for value in new_values:
                index.setdefault(value, {})[key] = None

    def _record(self, kind: str, key: Key, actor: str, rv: int, obj: dict | None) -> None:
        self.writes += 1
        if self.keep_history:
            self.history.setdefault((kind, key[0], key[1]), []).append(
                Write(rv, self.now_ms, actor, self.step, obj))

    def versions(self, kind: str, namespace: str, name: str) -> list[Write]:
        return self.history.get((kind, namespace, name), [])
