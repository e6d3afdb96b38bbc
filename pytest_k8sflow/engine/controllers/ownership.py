"""Adoption and release of dependents by selector (k/k pkg/controller/controller_ref_manager.go
ClaimPods / ClaimReplicaSets): orphans that match are adopted, owned objects that no longer
match are released."""

from __future__ import annotations

import contextlib

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.controllers.controller_utils import new_controller_ref
from pytest_k8sflow.engine.selectors import Selector


def claim(cluster, owner: dict, kind: str, selector: Selector, actor: str) -> list[dict]:
    """The objects of ``kind`` that ``owner`` controls after adopting matching orphans and
    releasing non-matching ones; sorted by name."""
    store = cluster.store
    meta = owner["metadata"]
    uid = meta["uid"]
    namespace = meta.get("namespace") or ""
    owned: dict[str, dict] = {}
    for obj in store.by_index(kind, "controller-uid", uid):
        if selector.matches(obj["metadata"].get("labels")):
            owned[obj["metadata"]["name"]] = obj
        elif not obj["metadata"].get("deletionTimestamp"):
            _release(cluster, obj, uid, actor)
    if not meta.get("deletionTimestamp"):
        for obj in store.by_index(kind, "orphan-namespace", namespace):
            if obj["metadata"].get("deletionTimestamp"):
                continue
            if selector.matches(obj["metadata"].get("labels")):
                adopted = _adopt(cluster, owner, obj, actor)
                if adopted is not None:
                    owned[adopted["metadata"]["name"]] = adopted
    return [owned[name] for name in sorted(owned)]


def _adopt(cluster, owner: dict, obj: dict, actor: str) -> dict | None:
    ref = new_controller_ref(owner)
    refs = [r for r in obj["metadata"].get("ownerReferences") or []
            if r.get("uid") != ref["uid"]] + [ref]
    try:
        return cluster.api.update({**obj, "metadata": {**obj["metadata"],
                                                        "ownerReferences": refs}}, actor)
    except apierrors.ApiError:
        return None


def _release(cluster, obj: dict, owner_uid: str, actor: str) -> None:
    refs = [r for r in obj["metadata"].get("ownerReferences") or [] if r.get("uid") != owner_uid]
    meta = {k: v for k, v in obj["metadata"].items() if k != "ownerReferences"}
    if refs:
        meta["ownerReferences"] = refs
    with contextlib.suppress(apierrors.ApiError):
        cluster.api.update({**obj, "metadata": meta}, actor)


def owners_for_orphan(cluster, kind: str, obj: dict, selector_of) -> list[dict]:
    """Controllers of ``kind`` in the object's namespace whose selector matches its labels."""
    namespace = obj["metadata"].get("namespace") or ""
    labels = obj["metadata"].get("labels")
    return [owner for owner in cluster.store.list(kind, namespace)
            if selector_of(owner).matches(labels)]
