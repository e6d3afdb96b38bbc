"""The Deployment controller (k/k pkg/controller/deployment: deployment_controller.go
syncDeployment, sync.go, rolling.go, recreate.go, progress.go). The arithmetic and every
decision live in deployment_util.py and rollout.py; this module reads, decides, writes."""

from __future__ import annotations

import contextlib
from collections.abc import Hashable

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.component import Component, object_key
from pytest_k8sflow.engine.controllers import deployment_util as du
from pytest_k8sflow.engine.controllers import rollout as ro
from pytest_k8sflow.engine.controllers.controller_utils import (
    filter_active_replicasets,
    get_controller_of,
)
from pytest_k8sflow.engine.controllers.ownership import claim, owners_for_orphan
from pytest_k8sflow.engine.controllers.replicaset import selector_of

DEPLOYMENT_CONTROLLER = "deployment-controller"


class DeploymentController(Component):
    name = DEPLOYMENT_CONTROLLER

    def setup(self, cluster) -> None:
        super().setup(cluster)
        cluster.store.watch("Deployment", self._on_deployment)
        cluster.store.watch("ReplicaSet", self._on_replicaset)
        cluster.store.watch("Pod", self._on_pod)

    # -- event handlers (deployment_controller.go add/update/delete handlers) ---------------
    def _on_deployment(self, old: dict | None, new: dict | None) -> None:
        self.enqueue(object_key(new if new is not None else old))

    def _on_replicaset(self, old: dict | None, new: dict | None) -> None:
        for rs in (old, new):
            if rs is None:
                continue
            ref = get_controller_of(rs)
            if ref is not None:
                if ref.get("kind") == "Deployment":
                    self.enqueue((rs["metadata"].get("namespace") or "", ref["name"]))
            elif rs is new and not rs["metadata"].get("deletionTimestamp"):
                for d in owners_for_orphan(self.cluster, "Deployment", rs, selector_of):
                    self.enqueue(object_key(d))

    def _on_pod(self, old: dict | None, new: dict | None) -> None:
        # deletePod: a Recreate deployment waits for its old pods to be gone.
        if new is not None or old is None:
            return
        ref = get_controller_of(old)
        if ref is None or ref.get("kind") != "ReplicaSet":
            return
        namespace = old["metadata"].get("namespace") or ""
        rs = self.cluster.store.get("ReplicaSet", namespace, ref["name"])
        owner = get_controller_of(rs) if rs is not None else None
        if owner is not None and owner.get("kind") == "Deployment":
            d = self.cluster.store.get("Deployment", namespace, owner["name"])
            if d is not None and (d["spec"].get("strategy") or {}).get("type") == "Recreate":
                self.enqueue((namespace, owner["name"]))

    # -- writes --------------------------------------------------------------------------
    def _write_status(self, d: dict) -> dict:
        return self.cluster.api.update_status(d, self.name)

    def _refresh(self, objs: list[dict | None]) -> list[dict | None]:
        store = self.cluster.store
        out = []
        for obj in objs:
            if obj is None:
                out.append(None)
                continue
            meta = obj["metadata"]
            out.append(store.get(obj["kind"], meta.get("namespace") or "", meta["name"]))
        return out

    def _scale(self, d: dict, rs: dict, size: int, operation: str | None = None) -> dict:
        current = self._refresh([rs])[0] or rs
        updated, message = ro.scale_replicaset(d, current, size, operation)
        if updated is None:
            return current
        written = self.cluster.api.update(updated, self.name)
        if message:
            self.event(d, "Normal", du.SCALING_REPLICASET_REASON, message)
        return written

    def _apply_steps(self, d: dict, steps: list) -> bool:
        """Write the ScaleSteps; True if any ReplicaSet's size changed."""
        scaled = False
        for step in steps:
            rs = self.cluster.store.get("ReplicaSet", d["metadata"].get("namespace") or "",
                                        step.name)
            if rs is None:
                continue
            before = (rs.get("spec") or {}).get("replicas", 1)
            self._scale(d, rs, step.new_size, step.operation)
            scaled = scaled or before != step.new_size
        return scaled

    # -- the sync --------------------------------------------------------------------------
    def sync(self, key: Hashable) -> None:
        namespace, name = key  # type: ignore[misc]
        d = self.cluster.store.get("Deployment", namespace, name)
        if d is None:
            return
        selector = d["spec"].get("selector")
        if selector == {} or selector is not None and not selector.get("matchLabels") and \
                not selector.get("matchExpressions"):
            self.event(d, "Warning", du.SELECTING_ALL_REASON, du.SELECTING_ALL_MESSAGE)
            if (d.get("status") or {}).get("observedGeneration", 0) < \
                    d["metadata"].get("generation", 0):
                status = {**(d.get("status") or {}),
                          "observedGeneration": d["metadata"]["generation"]}
                self._write_status({**d, "status": status})
            return
        rs_list = claim(self.cluster, d, "ReplicaSet", selector_of(d), self.name)
        if d["metadata"].get("deletionTimestamp"):
            self._sync_status_only(d, rs_list)
            return
        paused_status = ro.paused_condition_status(d, self.cluster.now_ms)
        if paused_status is not None:
            d = self._write_status({**d, "status": paused_status})
        if d["spec"].get("paused"):
            self._sync(d, rs_list)
            return
        # rollback is not re-entrant: nothing else happens until the annotation is cleared
        rollback_to = ro.get_rollback_to(d)
        if rollback_to is not None:
            self._rollback(d, rs_list, rollback_to)
            return
        new_rs = du.find_new_replicaset(d, rs_list)
        _, all_old = du.find_old_replicasets(d, rs_list)
        if du.is_scaling_event(d, new_rs, all_old):
            self._sync(d, rs_list)
            return
        if (d["spec"].get("strategy") or {}).get("type") == "Recreate":
            self._rollout_recreate(d, rs_list)
        else:
            self._rollout_rolling(d, rs_list)

    def _get_all(self, d: dict, rs_list: list[dict], create: bool
                 ) -> tuple[dict, dict | None, list[dict]]:
        """getAllReplicaSetsAndSyncRevision -> (deployment as written, new RS, old RSs)."""
        _, all_old = du.find_old_replicasets(d, rs_list)
        d, new_rs = self._get_new_replicaset(d, rs_list, all_old, create)
        return d, new_rs, all_old

    def _get_new_replicaset(self, d: dict, rs_list: list[dict], old_rss: list[dict],
                            create: bool) -> tuple[dict, dict | None]:
        api = self.cluster.api
        now = self.cluster.now_ms
        existing = du.find_new_replicaset(d, rs_list)
        if existing is not None:
            updated = ro.sync_existing_new_replicaset(d, existing, old_rss)
            if updated is not None:
                return d, api.update(updated, self.name)
            written = ro.deployment_after_new_replicaset(d, existing, ro.NEW_RS_FOUND, now,
                                                         old_rss)
            if written is not None:
                d = self._write_status(written)
            return d, existing
        if not create:
            return d, None
        rs = ro.new_replicaset(d, old_rss)
        how = ro.NEW_RS_CREATED
        try:
            created = api.create(rs, self.name)
        except apierrors.ApiError as exc:
            if exc.reason != "AlreadyExists":
                written, message = ro.deployment_after_failed_create(d, rs["metadata"]["name"],
                                                                     exc.message, now)
                self.event(d, "Warning", du.FAILED_RS_CREATE_REASON, message)
                if written is not None:
                    self._write_status(written)
                return d, None
            clash = self.cluster.store.get("ReplicaSet", rs["metadata"].get("namespace", ""),
                                           rs["metadata"]["name"])
            if clash is None or not ro.existing_replicaset_is_new(d, clash):
                # A hash collision: bump collisionCount and try again with another hash.
                self._write_status(ro.deployment_with_collision_bump(d))
                self.enqueue(object_key(d))
                return d, None
            created, how = clash, ro.NEW_RS_ALREADY_EXISTED
        replicas = (created.get("spec") or {}).get("replicas", 0)
        if how == ro.NEW_RS_CREATED and replicas > 0:
            self.event(d, "Normal", du.SCALING_REPLICASET_REASON,
                       du.created_event_message(created["metadata"]["name"], replicas))
        written = ro.deployment_after_new_replicaset(d, created, how, now, old_rss)
        if written is not None:
            d = self._write_status(written)
        return d, created

    def _rollout_rolling(self, d: dict, rs_list: list[dict]) -> None:
        d, new_rs, old_rss = self._get_all(d, rs_list, create=True)
        all_rss = [*old_rss, new_rs]
        size = ro.reconcile_new_replicaset(d, all_rss, new_rs) if new_rs is not None else None
        if size is not None:
            self._scale(d, new_rs, size)
            self._sync_rollout_status(d, *self._reread(new_rs, old_rss))
            return
        steps = ro.reconcile_old_replicasets(d, all_rss, filter_active_replicasets(old_rss),
                                             new_rs)
        if steps and self._apply_steps(d, steps):
            self._sync_rollout_status(d, *self._reread(new_rs, old_rss))
            return
        if du.deployment_complete(d, d.get("status") or {}):
            self._cleanup(d, old_rss)
        self._sync_rollout_status(d, *self._reread(new_rs, old_rss))

    def _rollout_recreate(self, d: dict, rs_list: list[dict]) -> None:
        d, new_rs, old_rss = self._get_all(d, rs_list, create=False)
        steps = ro.scale_down_old_replicasets_for_recreate(filter_active_replicasets(old_rss))
        if steps and self._apply_steps(d, steps):
            self._sync_rollout_status(d, *self._reread(new_rs, old_rss))
            return
        store = self.cluster.store
        pods_by_rs = {rs["metadata"]["uid"]: store.by_index("Pod", "controller-uid",
                                                             rs["metadata"]["uid"])
                      for rs in [*old_rss, *([new_rs] if new_rs else [])]}
        if ro.old_pods_running(new_rs, old_rss, pods_by_rs):
            self._sync_rollout_status(d, *self._reread(new_rs, old_rss))
            return
        if new_rs is None:
            d, new_rs, old_rss = self._get_all(d, rs_list, create=True)
        if new_rs is not None:
            size = ro.scale_up_new_replicaset_for_recreate(d, new_rs)
            if size is not None:
                self._scale(d, new_rs, size, "up")
        if du.deployment_complete(d, d.get("status") or {}):
            self._cleanup(d, old_rss)
        self._sync_rollout_status(d, *self._reread(new_rs, old_rss))

    def _sync(self, d: dict, rs_list: list[dict]) -> None:
        """sync.go sync: proportional scaling of a paused deployment or a scaling event."""
        d, new_rs, old_rss = self._get_all(d, rs_list, create=False)
        self._apply_steps(d, ro.proportional_scale(d, new_rs, old_rss))
        new_rs, old_rss = self._reread(new_rs, old_rss)
        if d["spec"].get("paused"):
            self._cleanup(d, old_rss)
        self._sync_deployment_status(d, *self._reread(new_rs, old_rss))

    def _rollback(self, d: dict, rs_list: list[dict], to_revision: int) -> None:
        """rollback.go rollback: the template (and annotations) of the revision's ReplicaSet
        go back into the Deployment with a plain update; the annotation is cleared."""
        d, new_rs, old_rss = self._get_all(d, rs_list, create=True)
        updated, events = ro.rollback(d, [*old_rss, new_rs], to_revision)
        try:
            self.cluster.api.update(updated, self.name)
        except apierrors.ApiError:
            # a conflict: the update event of the newer version enqueues another sync
            events = [e for e in events if e.type != "Normal"]
        for event in events:
            self.event(d, event.type, event.reason, event.message)

    def _sync_status_only(self, d: dict, rs_list: list[dict]) -> None:
        d, new_rs, old_rss = self._get_all(d, rs_list, create=False)
        self._sync_deployment_status(d, new_rs, old_rss)

    def _reread(self, new_rs: dict | None, old_rss: list[dict]) -> tuple[dict | None, list]:
        fresh = self._refresh([new_rs, *old_rss])
        return fresh[0], [rs for rs in fresh[1:] if rs is not None]

    def _cleanup(self, d: dict, old_rss: list[dict]) -> None:
        for rs in du.replicasets_to_clean_up(d, old_rss):
            meta = rs["metadata"]
            with contextlib.suppress(apierrors.ApiError):
                self.cluster.api.delete("ReplicaSet", meta.get("namespace") or "",
                                        meta["name"], self.name)

    def _sync_deployment_status(self, d: dict, new_rs: dict | None, old_rss: list) -> None:
        status = du.calculate_status([*old_rss, new_rs], new_rs, d, self.cluster.now_ms)
        if status != (d.get("status") or {}):
            self._write_status({**d, "status": status})

    def _sync_rollout_status(self, d: dict, new_rs: dict | None, old_rss: list) -> None:
        d = self.cluster.store.get("Deployment", d["metadata"].get("namespace") or "",
                                   d["metadata"]["name"]) or d
        now = self.cluster.now_ms
        status = ro.sync_rollout_status(d, [*old_rss, new_rs], new_rs, now)
        if status == (d.get("status") or {}):
            after = ro.requeue_stuck_deployment(d, status, now)
            if after is not None:
                # upstream: AddAfter(after + 1s), or a rate-limited re-add when < 1s is left
                self.enqueue_after(object_key(d), (after or 0) + 1000)
            return
        self._write_status({**d, "status": status})
