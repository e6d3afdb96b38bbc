"""The DaemonSet controller (k/k pkg/controller/daemon/daemon_controller.go syncDaemonSet,
manage, syncNodes, updateDaemonSetStatus; update.go constructHistory, snapshot,
dedupCurHistories, rollingUpdate, cleanupHistory). Decisions live in daemonset_util.py.

Simulation notes (see docs/semantics/daemonset-history.md):
- Writes are synchronous, so the controller's "expectations" are always satisfied at the start
  of a sync; as upstream, the rolling update is skipped in a sync whose ``manage`` step created
  or deleted pods (those writes would not have been observed yet).
- Nodes are walked in name order (upstream: lister order / Go map order, unspecified).
- Scheduled pods on a deleted node are PodGC's job. When no PodGarbageCollector runs in the
  cluster, this controller stands in for PodGC's orphan sweep for its own pods (40 s after the
  node is gone, grace period 0).
"""

from __future__ import annotations

import contextlib
from collections.abc import Hashable

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.component import Component, object_key
from pytest_k8sflow.engine.controllers import daemonset_util as u
from pytest_k8sflow.engine.controllers.controller_utils import (
    get_controller_of,
    slow_start_batches,
)
from pytest_k8sflow.engine.controllers.ownership import claim, owners_for_orphan
from pytest_k8sflow.engine.controllers.replicaset import pod_from_template, selector_of

DAEMONSET_CONTROLLER = "daemonset-controller"
# podgc/gc_controller.go: quarantineTime 40 s (used only by the PodGC stand-in)
PODGC_QUARANTINE_MS = 40_000


class SyncError(Exception):
    """A sync step failed; the key is retried (upstream: rate-limited requeue)."""


class DaemonSetController(Component):
    name = DAEMONSET_CONTROLLER

    def setup(self, cluster) -> None:
        super().setup(cluster)
        self._failed_backoff: dict[str, tuple[int, int]] = {}  # key -> (delay ms, last update)
        self._node_missing_since: dict[str, int] = {}
        cluster.store.watch("DaemonSet", self._on_ds)
        cluster.store.watch("Pod", self._on_pod)
        cluster.store.watch("Node", self._on_node)
        cluster.store.watch("ControllerRevision", self._on_history)

    # -- watches ---------------------------------------------------------------------------
    def _on_ds(self, old: dict | None, new: dict | None) -> None:
        self.enqueue(object_key(new if new is not None else old))

    def _on_pod(self, old: dict | None, new: dict | None) -> None:
        for pod in (old, new):
            if pod is None:
                continue
            ref = get_controller_of(pod)
            if ref is not None:
                if ref.get("kind") == "DaemonSet":
                    self.enqueue((pod["metadata"].get("namespace") or "", ref["name"]))
            elif new is pod and not pod["metadata"].get("deletionTimestamp"):
                for owner in owners_for_orphan(self.cluster, "DaemonSet", pod, selector_of):
                    self.enqueue(object_key(owner))

    def _on_node(self, old: dict | None, new: dict | None) -> None:
        # addNode / updateNode / deleteNode: every DaemonSet may care.
        for ds in self.cluster.store.list("DaemonSet", None):
            self.enqueue(object_key(ds))

    def _on_history(self, old: dict | None, new: dict | None) -> None:
        for rev in (old, new):
            if rev is None:
                continue
            ref = get_controller_of(rev)
            if ref is not None and ref.get("kind") == "DaemonSet":
                self.enqueue((rev["metadata"].get("namespace") or "", ref["name"]))

    # -- sync ------------------------------------------------------------------------------
    def sync(self, key: Hashable) -> None:
        namespace, name = key  # type: ignore[misc]
        store = self.cluster.store
        ds = store.get("DaemonSet", namespace, name)
        if ds is None:
            return
        nodes = sorted(store.list("Node", None), key=lambda n: n["metadata"]["name"])
        selector = (ds.get("spec") or {}).get("selector")
        if selector == {} or (isinstance(selector, dict) and not selector.get("matchLabels")
                              and not selector.get("matchExpressions")):
            self.event(ds, "Warning", u.SELECTING_ALL_REASON, u.SELECTING_ALL_MESSAGE)
            return
        if ds["metadata"].get("deletionTimestamp"):
            return
        try:
            cur, old = self._construct_history(ds)
        except (SyncError, apierrors.ApiError):
            self.enqueue_after(key, 1000)
            return
        hash_ = cur["metadata"]["labels"].get(u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY, "")
        error = None
        try:
            self._update_daemon_set(ds, nodes, hash_, old)
        except (SyncError, apierrors.ApiError) as exc:
            error = exc
        self._update_status(key, nodes, hash_, update_observed_generation=True)
        if error is not None:
            self.enqueue_after(key, 1000)

    def _pods(self, ds: dict) -> list[dict]:
        """getDaemonPods: ClaimPods (adopt matching orphans, release non-matching)."""
        return claim(self.cluster, ds, "Pod", selector_of(ds), self.name)

    # -- history (update.go) ---------------------------------------------------------------
    def _construct_history(self, ds: dict) -> tuple[dict, list[dict]]:
        api = self.cluster.api
        histories = claim(self.cluster, ds, "ControllerRevision", selector_of(ds), self.name)
        fixed = []
        for h in histories:
            labels = h["metadata"].get("labels") or {}
            if u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY not in labels:
                # the unique label is the revision's name (avoids hash-collision worries)
                h = api.update({**h, "metadata": {**h["metadata"], "labels": {
                    **labels, u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY: h["metadata"]["name"]}}},
                    self.name)
            fixed.append(h)
        current, old = u.split_histories(ds, fixed)
        curr_revision = max((int(h.get("revision") or 0) for h in old), default=0) + 1
        if not current:
            cur = self._snapshot(ds, curr_revision)
        else:
            cur = self._dedup(ds, current)
            if int(cur.get("revision") or 0) < curr_revision:
                # A template seen before (a rollback) gets the newest number.
                cur = api.update({**cur, "revision": curr_revision}, self.name)
        return cur, old

    def _snapshot(self, ds: dict, revision: int) -> dict:
        api = self.cluster.api
        history = u.new_history(ds, revision)
        try:
            return api.create(history, self.name)
        except apierrors.ApiError as exc:
            if exc.reason != "AlreadyExists":
                raise
        name = history["metadata"]["name"]
        existing = self.cluster.store.get("ControllerRevision", history["metadata"]["namespace"],
                                          name)
        if existing is not None and u.match(ds, existing):
            return existing
        # A hash collision with another template: bump status.collisionCount and retry.
        fresh = self.cluster.store.get("DaemonSet", ds["metadata"].get("namespace") or "",
                                       ds["metadata"]["name"])
        if fresh is None:
            raise SyncError("daemonset gone")
        status = dict(fresh.get("status") or {})
        if status.get("collisionCount") != (ds.get("status") or {}).get("collisionCount"):
            raise SyncError("found a stale collision count; will retry")
        status["collisionCount"] = int(status.get("collisionCount") or 0) + 1
        api.update_status({**fresh, "status": status}, self.name)
        raise SyncError(f'controllerrevisions.apps "{name}" already exists')

    def _dedup(self, ds: dict, current: list[dict]) -> dict:
        """dedupCurHistories: keep the highest revision, relabel pods, delete the rest."""
        if len(current) == 1:
            return current[0]
        keep = u.dedup_keep(current)
        keep_hash = keep["metadata"]["labels"].get(u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY)
        api = self.cluster.api
        for pod in self._pods(ds):
            labels = pod["metadata"].get("labels") or {}
            if labels.get(u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY) != keep_hash:
                api.update({**pod, "metadata": {**pod["metadata"], "labels": {
                    **labels, u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY: keep_hash}}}, self.name)
        for h in current:
            if h["metadata"]["name"] == keep["metadata"]["name"]:
                continue
            api.delete("ControllerRevision", h["metadata"]["namespace"], h["metadata"]["name"],
                       self.name)
        return keep

    def _cleanup_history(self, ds: dict, old: list[dict]) -> None:
        limit = (ds.get("spec") or {}).get("revisionHistoryLimit")
        limit = 10 if limit is None else int(limit)
        by_node = u.nodes_to_daemon_pods(self._pods(ds), include_deleted_terminal=True)
        live = [p["metadata"].get("labels", {}).get(u.DEFAULT_DAEMONSET_UNIQUE_LABEL_KEY)
                for pods in by_node.values() for p in pods]
        for h in u.histories_to_clean(old, [x for x in live if x], limit):
            try:
                self.cluster.api.delete("ControllerRevision", h["metadata"]["namespace"],
                                        h["metadata"]["name"], self.name)
            except apierrors.ApiError as exc:
                if exc.reason != "NotFound":
                    raise

    # -- update ----------------------------------------------------------------------------
    def _update_daemon_set(self, ds: dict, nodes: list[dict], hash_: str,
                           old: list[dict]) -> None:
        changed = self._manage(ds, nodes, hash_)
        if not changed:
            # Upstream runs the rolling update only once the manage step's creations and
            # deletions were observed (expectations satisfied).
            strategy = ((ds.get("spec") or {}).get("updateStrategy") or {}).get("type")
            if strategy in (None, "RollingUpdate"):
                self._rolling_update(ds, nodes, hash_)
        self._cleanup_history(ds, old)

    def _manage(self, ds: dict, nodes: list[dict], hash_: str) -> bool:
        now = self.cluster.clock.now_ms
        pods = self._pods(ds)
        by_node = u.nodes_to_daemon_pods(pods)
        observed = int((ds.get("status") or {}).get("observedGeneration") or 0)
        uid = ds["metadata"]["uid"]
        creates: list[str] = []
        deletes: list[dict] = []
        for node in nodes:
            node_name = node["metadata"]["name"]
            backoff_key = f"{uid}/{observed}/{node_name}"

            def in_backoff(pod, _key=backoff_key) -> bool:
                return self._in_backoff(_key, now)

            plan = u.pods_should_be_on_node(node, by_node.get(node_name), ds, hash_, now,
                                            in_backoff)
            if plan.create:
                creates.append(node_name)
            for _pod in plan.backoff:
                delay, _ = self._failed_backoff[backoff_key]
                self.enqueue_after(object_key(ds), delay)
            for pod in plan.failed:
                self._next_backoff(backoff_key, now)
                ns = pod["metadata"].get("namespace") or ""
                self.event(ds, "Warning", u.FAILED_DAEMON_POD_REASON,
                           f"Found failed daemon pod {ns}/{pod['metadata']['name']} on node "
                           f"{node_name}, will try to kill it")
            for pod in plan.succeeded:
                ns = pod["metadata"].get("namespace") or ""
                self.event(ds, "Normal", u.SUCCEEDED_DAEMON_POD_REASON,
                           f"Found succeeded daemon pod {ns}/{pod['metadata']['name']} on node "
                           f"{node_name}, will try to delete it")
            deletes.extend(plan.delete)
        node_names = [n["metadata"]["name"] for n in nodes]
        deletes.extend(u.unscheduled_pods_without_node(node_names, by_node))
        self._podgc_stand_in(ds, node_names, by_node, now)
        return self._sync_nodes(ds, deletes, creates, hash_)

    def _in_backoff(self, key: str, now: int) -> bool:
        # flowcontrol.Backoff.IsInBackOffSinceUpdate
        entry = self._failed_backoff.get(key)
        return entry is not None and now - entry[1] < entry[0]

    def _next_backoff(self, key: str, now: int) -> None:
        # flowcontrol.Backoff.Next: start at 1 s, double up to 15 min; an entry untouched for
        # twice the maximum starts over.
        entry = self._failed_backoff.get(key)
        if entry is None or now - entry[1] > 2 * u.FAILED_POD_BACKOFF_MAX_MS:
            delay = u.FAILED_POD_BACKOFF_INITIAL_MS
        else:
            delay = min(entry[0] * 2, u.FAILED_POD_BACKOFF_MAX_MS)
        self._failed_backoff[key] = (delay, now)

    def _podgc_stand_in(self, ds: dict, node_names: list[str], by_node: dict, now: int) -> None:
        """PodGC's gcOrphaned for this DaemonSet's pods, only when no PodGC component runs."""
        if any(type(c).__name__ == "PodGarbageCollector" for c in self.cluster.components):
            return
        existing = set(node_names)
        for node, pods in by_node.items():
            if node in existing:
                self._node_missing_since.pop(node, None)
                continue
            scheduled = [p for p in pods if (p.get("spec") or {}).get("nodeName")]
            if not scheduled:
                continue
            since = self._node_missing_since.setdefault(node, now)
            if now - since < PODGC_QUARANTINE_MS:
                self.enqueue_at(object_key(ds), since + PODGC_QUARANTINE_MS)
                continue
            for pod in scheduled:
                meta = pod["metadata"]
                with contextlib.suppress(apierrors.ApiError):
                    self.cluster.api.delete("Pod", meta.get("namespace") or "", meta["name"],
                                            self.name, grace_period_seconds=0)

    def _sync_nodes(self, ds: dict, deletes: list[dict], creates: list[str], hash_: str) -> bool:
        """syncNodes: create pods for ``creates`` (slow-start batches, at most 250) and delete
        ``deletes``; Events as RealPodControl records them. Returns whether anything was
        attempted (the expectations the next step waits for)."""
        api = self.cluster.api
        creates = creates[:u.BURST_REPLICAS]
        deletes = deletes[:u.BURST_REPLICAS]
        generation = u.template_generation_or_none(ds)
        template = u.create_pod_template((ds.get("spec") or {}).get("template") or {},
                                         generation, hash_)
        errors: list[str] = []
        pos = 0
        for batch in slow_start_batches(len(creates)):
            failed = False
            for node_name in creates[pos:pos + batch]:
                spec = dict(template.get("spec") or {})
                spec["affinity"] = u.replace_daemonset_pod_node_name_node_affinity(
                    spec.get("affinity"), node_name)
                pod = pod_from_template(ds, {**template, "spec": spec})
                try:
                    created = api.create(pod, self.name)
                except apierrors.ApiError as exc:
                    self.event(ds, "Warning", "FailedCreate", f"Error creating: {exc.message}")
                    errors.append(exc.message)
                    failed = True
                    continue
                self.event(ds, "Normal", "SuccessfulCreate",
                           f"Created pod: {created['metadata']['name']}")
            pos += batch
            if failed:
                break  # slow-start failure: the rest waits for the next sync
        for pod in deletes:
            meta = pod["metadata"]
            try:
                api.delete("Pod", meta.get("namespace") or "", meta["name"], self.name)
            except apierrors.ApiError as exc:
                if exc.reason == "NotFound":
                    continue
                self.event(ds, "Warning", "FailedDelete", f"Error deleting: {exc.message}")
                errors.append(exc.message)
                continue
            self.event(ds, "Normal", "SuccessfulDelete", f"Deleted pod: {meta['name']}")
        if errors:
            raise SyncError("; ".join(errors))
        return bool(creates or deletes)

    def _rolling_update(self, ds: dict, nodes: list[dict], hash_: str) -> None:
        pods = self._pods(ds)
        by_node = u.nodes_to_daemon_pods(pods)
        to_delete, to_create = u.rolling_update_plan(ds, nodes, by_node, hash_,
                                                     self.cluster.clock.now_ms)
        self._sync_nodes(ds, to_delete, to_create, hash_)
        self._requeue_for_availability(ds, pods)

    def _requeue_for_availability(self, ds: dict, pods: list[dict]) -> None:
        """Availability changes with time alone (minReadySeconds): look again when a ready
        pod becomes available."""
        min_ready = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
        if not min_ready:
            return
        from pytest_k8sflow.engine.controllers.controller_utils import (
            get_pod_condition,
            is_pod_ready,
            time_ms,
        )

        now = self.cluster.clock.now_ms
        due = []
        for pod in pods:
            if is_pod_ready(pod):
                since = time_ms(get_pod_condition(pod, "Ready").get("lastTransitionTime"))
                if since is not None and since + min_ready * 1000 >= now:
                    due.append(since + min_ready * 1000 + 1)
        if due:
            self.enqueue_at(object_key(ds), min(due))

    # -- status ----------------------------------------------------------------------------
    def _update_status(self, key, nodes: list[dict], hash_: str,
                       update_observed_generation: bool) -> None:
        namespace, name = key
        ds = self.cluster.store.get("DaemonSet", namespace, name)
        if ds is None:
            return
        pods = self._pods(ds)
        by_node = u.nodes_to_daemon_pods(pods)
        now = self.cluster.clock.now_ms
        counts = u.daemonset_status_counts(ds, nodes, by_node, hash_, now)
        if u.status_needs_update(ds, counts):
            status = u.build_status(ds, counts, update_observed_generation)
            self.cluster.api.update_status({**ds, "status": status}, self.name)
        if counts["numberReady"] != counts["numberAvailable"]:
            self._requeue_for_availability(ds, pods)
