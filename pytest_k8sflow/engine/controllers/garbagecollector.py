"""The garbage collector: deletes dependents whose owners are gone, and carries out
Foreground and Orphan deletion (k/k pkg/controller/garbagecollector: attemptToDeleteItem,
processDeletingDependentsItem, orphanDependents; docs "Garbage Collection")."""

from __future__ import annotations

import contextlib
from collections.abc import Hashable

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.apiserver import FOREGROUND_FINALIZER, ORPHAN_FINALIZER
from pytest_k8sflow.engine.component import Component
from pytest_k8sflow.engine.resources import all_types

GC = "garbage-collector"


def owner_uids(obj: dict) -> list[str]:
    return [ref["uid"] for ref in obj["metadata"].get("ownerReferences") or () if "uid" in ref]


def controller_uid(obj: dict) -> list[str]:
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller") and "uid" in ref:
            return [ref["uid"]]
    return []


class GarbageCollector(Component):
    name = GC

    def setup(self, cluster) -> None:
        super().setup(cluster)
        self._uid_to_key: dict[str, tuple[str, str, str]] = {}
        self._kinds = [t.kind for t in all_types() if t.kind != "Event"]
        for kind in self._kinds:
            cluster.store.watch(kind, self._watcher(kind))

    def _watcher(self, kind: str):
        def on_change(old: dict | None, new: dict | None) -> None:
            if new is not None:
                meta = new["metadata"]
                self._uid_to_key[meta["uid"]] = (kind, meta.get("namespace") or "", meta["name"])
                finalizers = meta.get("finalizers") or ()
                if meta.get("deletionTimestamp") and (
                        FOREGROUND_FINALIZER in finalizers or ORPHAN_FINALIZER in finalizers):
                    self.enqueue(("deleting", meta["uid"]))
                if old is not None and old["metadata"].get("ownerReferences") != \
                        meta.get("ownerReferences"):
                    self.enqueue(("check", meta["uid"]))
                elif old is None and meta.get("ownerReferences"):
                    # A dependent created after its owner went (or naming no live owner).
                    self.enqueue(("check", meta["uid"]))
            else:
                meta = old["metadata"]
                self._uid_to_key.pop(meta["uid"], None)
                # Its dependents may now be orphaned; owners waiting on it may finish.
                self.enqueue(("dependents", meta["uid"]))
                for uid in owner_uids(old):
                    self.enqueue(("deleting", uid))
        return on_change

    # -- lookups -------------------------------------------------------------------------
    def _lookup(self, uid: str) -> dict | None:
        key = self._uid_to_key.get(uid)
        if key is None:
            return None
        obj = self.cluster.store.get(*key)
        if obj is None or obj["metadata"].get("uid") != uid:
            return None
        return obj

    def _dependents(self, uid: str) -> list[dict]:
        store = self.cluster.store
        found: list[dict] = []
        for kind in self._kinds:
            found.extend(store.by_index(kind, "owner-uid", uid))
        return found

    # -- sync ----------------------------------------------------------------------------
    def sync(self, key: Hashable) -> None:
        action, uid = key  # type: ignore[misc]
        if action == "dependents":
            for dependent in self._dependents(uid):
                self._attempt_to_delete(dependent)
        elif action == "check":
            obj = self._lookup(uid)
            if obj is not None:
                self._attempt_to_delete(obj)
        elif action == "deleting":
            owner = self._lookup(uid)
            if owner is None or not owner["metadata"].get("deletionTimestamp"):
                return
            finalizers = owner["metadata"].get("finalizers") or ()
            if ORPHAN_FINALIZER in finalizers:
                self._orphan_dependents(owner)
            elif FOREGROUND_FINALIZER in finalizers:
                self._delete_dependents_in_foreground(owner)

    def _attempt_to_delete(self, obj: dict) -> None:
        """Delete ``obj`` if none of its owners is alive; drop references to owners that are
        gone while others remain (attemptToDeleteItem)."""
        meta = obj["metadata"]
        refs = meta.get("ownerReferences") or []
        if not refs or meta.get("deletionTimestamp"):
            return
        solid, dangling, waiting = [], [], []
        for ref in refs:
            owner = self._lookup(ref.get("uid", ""))
            if owner is None:
                dangling.append(ref)
            elif owner["metadata"].get("deletionTimestamp") and FOREGROUND_FINALIZER in (
                    owner["metadata"].get("finalizers") or ()):
                waiting.append(ref)
            else:
                solid.append(ref)
        if solid:
            if dangling or waiting:
                keep = [r for r in refs if r in solid]
                self._set_owner_refs(obj, keep)
            return
        if waiting:
            # Owners being deleted in the foreground: delete this dependent in the foreground
            # too when it has dependents of its own, so the chain goes in order.
            policy = "Foreground" if self._dependents(meta["uid"]) else "Background"
            self._delete(obj, policy)
            return
        # Every owner is gone: default (background) propagation.
        self._delete(obj, None)

    def _delete_dependents_in_foreground(self, owner: dict) -> None:
        uid = owner["metadata"]["uid"]
        blocking = False
        for dependent in self._dependents(uid):
            dmeta = dependent["metadata"]
            ref = next((r for r in dmeta.get("ownerReferences") or [] if r.get("uid") == uid),
                       None)
            if ref is None:
                continue
            if ref.get("blockOwnerDeletion"):
                blocking = True
            if not dmeta.get("deletionTimestamp"):
                self._attempt_to_delete(dependent)
        if not blocking:
            self.cluster.api.remove_finalizer(owner, FOREGROUND_FINALIZER, GC)

    def _orphan_dependents(self, owner: dict) -> None:
        uid = owner["metadata"]["uid"]
        for dependent in self._dependents(uid):
            refs = dependent["metadata"].get("ownerReferences") or []
            self._set_owner_refs(dependent, [r for r in refs if r.get("uid") != uid])
        self.cluster.api.remove_finalizer(owner, ORPHAN_FINALIZER, GC)

    def _set_owner_refs(self, obj: dict, refs: list[dict]) -> None:
        meta = obj["metadata"]
        live = self.cluster.store.get(obj["kind"], meta.get("namespace") or "", meta["name"])
        if live is None:
            return
        with contextlib.suppress(apierrors.ApiError):
            self.cluster.api.update({**live, "metadata": {**live["metadata"],
                                                          "ownerReferences": refs}
                                     if refs else _drop(live["metadata"], "ownerReferences")},
                                    GC)

    def _delete(self, obj: dict, policy: str | None) -> None:
        meta = obj["metadata"]
        with contextlib.suppress(apierrors.ApiError):
            self.cluster.api.delete(obj["kind"], meta.get("namespace") or "", meta["name"], GC,
                                    propagation=policy, uid=meta["uid"])


def _drop(meta: dict, key: str) -> dict:
    return {k: v for k, v in meta.items() if k != key}
