"""The simulated kube-apiserver: create/update/delete with defaulting, admission, validation,
system metadata (uid, resourceVersion, generation, timestamps), finalizers and graceful
deletion. Components write through it; they read from the store directly (the informer cache).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.names import NameGenerator, UidGenerator
from pytest_k8sflow.engine.resources import ResourceType, group_of, resource_for_kind
from pytest_k8sflow.engine.store import Store
from pytest_k8sflow.engine.timeutil import format_time

Defaulter = Callable[[dict], dict]
CreateValidator = Callable[[dict], list[str]]
UpdateValidator = Callable[[dict, dict], list[str]]

# Admission plugin: (api, obj, operation, old) -> obj (possibly changed); raise ApiError to deny.
AdmissionPlugin = Callable[["ApiServer", dict, str, "dict | None"], dict]

FOREGROUND_FINALIZER = "foregroundDeletion"
ORPHAN_FINALIZER = "orphan"

# Kinds whose registry strategy sets metadata.generation (spec-bearing workload objects).
# Services, claims and volumes have none (their registry strategies never set it).
_GENERATION_KINDS = frozenset({
    "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob",
    "PodDisruptionBudget",
})
# Kinds with a status subresource: writes to the main resource keep the stored status.
_STATUS_KINDS = frozenset({
    "Pod", "Node", "Namespace", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
    "Job", "CronJob", "Service", "PersistentVolumeClaim", "PersistentVolume",
    "PodDisruptionBudget", "ResourceQuota",
})


@dataclass
class ApiServer:
    store: Store
    now: Callable[[], int]
    names: NameGenerator
    uids: UidGenerator
    defaulter: Defaulter = lambda obj: obj
    # registry strategy steps beyond defaulting (engine/strategies.py): prepare(obj, old)
    prepare: Callable[[dict, dict | None], dict] = lambda obj, old: obj
    validate_create: CreateValidator = lambda obj: []
    validate_update: UpdateValidator = lambda old, new: []
    admission: list[AdmissionPlugin] = field(default_factory=list)
    # 1.33+ sets pod generation (KEP-5067); set by the cluster from kubernetesVersion.
    pod_generation: bool = False

    # -- helpers -------------------------------------------------------------------------
    def resource_type(self, obj: dict) -> ResourceType:
        kind = obj.get("kind")
        api_version = obj.get("apiVersion")
        if not kind or not api_version:
            missing = "kind" if not kind else "apiVersion"
            raise apierrors.bad_request(f"Object '{missing}' is missing in the manifest")
        rtype = resource_for_kind(kind)
        if rtype is None or rtype.api_version != api_version:
            raise apierrors.ApiError(
                "NotFound", f'no matches for kind "{kind}" in version "{api_version}"', 404)
        return rtype

    def _namespace_for(self, rtype: ResourceType, meta: dict) -> str:
        if not rtype.namespaced:
            return ""
        return meta.get("namespace") or "default"

    # -- create --------------------------------------------------------------------------
    def create(self, obj: dict, actor: str, *, dry_run: bool = False) -> dict:
        rtype = self.resource_type(obj)
        meta = dict(obj.get("metadata") or {})
        namespace = self._namespace_for(rtype, meta)
        if rtype.namespaced:
            meta["namespace"] = namespace
            self._check_namespace(namespace, rtype, meta)
        else:
            meta.pop("namespace", None)
        for system_field in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp",
                             "deletionGracePeriodSeconds", "generation", "selfLink"):
            meta.pop(system_field, None)
        if not meta.get("name"):
            base = meta.get("generateName")
            if not base:
                raise apierrors.invalid(rtype.kind, rtype.group, "",
                                        ["metadata.name: Required value: name or generateName "
                                         "is required"])
            meta["name"] = self._unique_generated_name(rtype, namespace, base)
        # BeforeCreate fills uid before the strategy runs (the Job strategy builds its
        # selector from it): staging/src/k8s.io/apiserver/pkg/registry/rest/create.go.
        uid = self.uids.new_uid()
        obj = {**obj, "metadata": {**meta, "uid": uid}}
        obj = self.prepare(self.defaulter(obj), None)
        for plugin in self.admission:
            obj = plugin(self, obj, "CREATE", None)
        causes = self.validate_create(obj)
        if causes:
            raise apierrors.invalid(rtype.kind, rtype.group, obj["metadata"]["name"], causes)
        meta = obj["metadata"]
        if self.store.get(rtype.kind, namespace, meta["name"]) is not None:
            raise apierrors.already_exists(rtype.plural, rtype.group, meta["name"])
        if dry_run:
            return obj
        now = self.now()
        rv = self.store.next_resource_version()
        meta = {**meta, "uid": uid, "resourceVersion": str(rv),
                "creationTimestamp": format_time(now)}
        if rtype.kind in _GENERATION_KINDS or (rtype.kind == "Pod" and self.pod_generation):
            meta["generation"] = 1
        obj = {**obj, "metadata": meta}
        obj = self._initial_status(rtype.kind, obj)
        self.store.put(rtype.kind, obj, actor, rv)
        return obj

    def _unique_generated_name(self, rtype: ResourceType, namespace: str, base: str) -> str:
        # apiserver retries generateName on a collision (RetryGenerateName, GA in 1.32).
        for _ in range(8):
            name = self.names.generate_name(base)
            if self.store.get(rtype.kind, namespace, name) is None:
                return name
        raise apierrors.already_exists(rtype.plural, rtype.group, name)

    def _check_namespace(self, namespace: str, rtype: ResourceType, meta: dict) -> None:
        ns = self.store.get("Namespace", "", namespace)
        if ns is None:
            raise apierrors.not_found("namespaces", "", namespace)
        if ns["metadata"].get("deletionTimestamp"):
            raise apierrors.forbidden(
                rtype.plural, rtype.group, meta.get("name") or meta.get("generateName", ""),
                f"unable to create new content in namespace {namespace} because it is being "
                "terminated")

    @staticmethod
    def _initial_status(kind: str, obj: dict) -> dict:
        if kind == "Pod":
            return {**obj, "status": {"phase": "Pending", "qosClass": qos_class(obj)}}
        if kind == "Namespace":
            return {**obj, "status": {"phase": "Active"}}
        if kind in ("PersistentVolumeClaim", "PersistentVolume"):
            return {**obj, "status": {"phase": "Pending"}}
        if kind == "Service":
            return {**obj, "status": {"loadBalancer": {}}}
        if kind == "Node":
            return obj
        if kind in _STATUS_KINDS:
            return {**obj, "status": {}}
        return obj

    # -- update --------------------------------------------------------------------------
    def update(self, obj: dict, actor: str, *, subresource: str | None = None,
               check_version: bool = False) -> dict:
        """Replace an object (``subresource="status"`` writes only its status).

        A write that changes nothing is a no-op, as on a real apiserver (no new
        resourceVersion, no watch event).
        """
        rtype = self.resource_type(obj)
        meta_in = obj.get("metadata") or {}
        namespace = self._namespace_for(rtype, meta_in)
        name = meta_in.get("name")
        old = self.store.get(rtype.kind, namespace, name) if name else None
        if old is None:
            raise apierrors.not_found(rtype.plural, rtype.group, name or "")
        if check_version and meta_in.get("resourceVersion") not in (
                None, old["metadata"]["resourceVersion"]):
            raise apierrors.conflict(rtype.plural, rtype.group, name,
                                     "the object has been modified; please apply your changes "
                                     "to the latest version and try again")
        old_meta = old["metadata"]
        meta = {**meta_in}
        for system_field in ("uid", "creationTimestamp", "deletionTimestamp",
                             "deletionGracePeriodSeconds", "generation", "namespace", "name"):
            if system_field in old_meta:
                meta[system_field] = old_meta[system_field]
            else:
                meta.pop(system_field, None)
        if subresource == "status":
            if rtype.kind == "Deployment":
                # deploymentStatusStrategy keeps spec and labels; annotations may change.
                meta["labels"] = old_meta.get("labels")
                if meta["labels"] is None:
                    del meta["labels"]
            new = {**obj, "metadata": meta}
            if "spec" in old:
                new["spec"] = old["spec"]
        else:
            new = {**obj, "metadata": meta}
            if rtype.kind in _STATUS_KINDS and rtype.kind != "Node":
                if "status" in old:
                    new["status"] = old["status"]
                else:
                    new.pop("status", None)
            new = self.prepare(self.defaulter(new), old)
            for plugin in self.admission:
                new = plugin(self, new, "UPDATE", old)
            causes = self.validate_update(old, new)
            if causes:
                raise apierrors.invalid(rtype.kind, rtype.group, name, causes)
            if "generation" in old_meta and self._bumps_generation(rtype.kind, old, new):
                meta = {**new["metadata"], "generation": old_meta["generation"] + 1}
                new = {**new, "metadata": meta}
        meta = {**new["metadata"], "resourceVersion": old_meta["resourceVersion"]}
        new = {**new, "metadata": meta}
        if new == old:
            return old
        if meta.get("deletionTimestamp") and not meta.get("finalizers") and \
                old_meta.get("finalizers") and not meta.get("deletionGracePeriodSeconds"):
            # The last finalizer is gone: the object goes away now.
            self.store.remove(rtype.kind, namespace, name, actor)
            return new
        rv = self.store.next_resource_version()
        new = {**new, "metadata": {**meta, "resourceVersion": str(rv)}}
        self.store.put(rtype.kind, new, actor, rv)
        return new

    def update_status(self, obj: dict, actor: str) -> dict:
        return self.update(obj, actor, subresource="status")

    @staticmethod
    def _bumps_generation(kind: str, old: dict, new: dict) -> bool:
        if old.get("spec") != new.get("spec"):
            return True
        if kind == "Deployment":
            # k/k pkg/registry/apps/deployment/strategy.go PrepareForUpdate: annotations too.
            return old["metadata"].get("annotations") != new["metadata"].get("annotations")
        return False

    # -- delete --------------------------------------------------------------------------
    def delete(self, kind: str, namespace: str, name: str, actor: str, *,
               propagation: str | None = None, grace_period_seconds: int | None = None,
               uid: str | None = None) -> dict | None:
        """Delete like the apiserver: graceful pods, finalizers, propagation policies.

        Returns the object as it is after the call (with deletionTimestamp) or None when it
        is gone at once.
        """
        rtype = resource_for_kind(kind)
        assert rtype is not None, kind
        old = self.store.get(kind, namespace, name)
        if old is None or (uid is not None and old["metadata"].get("uid") != uid):
            raise apierrors.not_found(rtype.plural, rtype.group, name)
        meta = old["metadata"]
        finalizers = list(meta.get("finalizers") or [])
        if propagation == "Orphan" and ORPHAN_FINALIZER not in finalizers:
            finalizers.append(ORPHAN_FINALIZER)
        elif propagation == "Foreground" and FOREGROUND_FINALIZER not in finalizers:
            finalizers.append(FOREGROUND_FINALIZER)
        if propagation in ("Background", "Foreground"):
            finalizers = [f for f in finalizers if f != ORPHAN_FINALIZER or
                          propagation != "Background"]
        grace = 0
        if kind == "Pod":
            grace = self._pod_grace_period(old, grace_period_seconds)
        now = self.now()
        if meta.get("deletionTimestamp"):
            # Already deleting: only a shorter grace period or new finalizers change anything.
            if kind == "Pod" and grace < (meta.get("deletionGracePeriodSeconds") or 0):
                new_meta = {**meta, "deletionGracePeriodSeconds": grace,
                            "deletionTimestamp": format_time(now + grace * 1000)}
                if grace == 0 and not finalizers:
                    self.store.remove(kind, namespace, name, actor)
                    return None
                return self._write_meta(kind, old, new_meta, actor)
            if finalizers != list(meta.get("finalizers") or []):
                return self._write_meta(kind, old, {**meta, "finalizers": finalizers}, actor)
            return old
        if grace == 0 and not finalizers:
            self.store.remove(kind, namespace, name, actor)
            return None
        new_meta = {**meta, "deletionTimestamp": format_time(now + grace * 1000),
                    "deletionGracePeriodSeconds": grace}
        if finalizers:
            new_meta["finalizers"] = finalizers
        return self._write_meta(kind, old, new_meta, actor)

    def _pod_grace_period(self, pod: dict, requested: int | None) -> int:
        # k/k pkg/registry/core/pod/strategy.go CheckGracefulDelete: unscheduled or terminal
        # pods go at once; otherwise the request's value, else terminationGracePeriodSeconds.
        if not (pod.get("spec") or {}).get("nodeName"):
            return 0
        if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            return 0
        if requested is not None:
            return max(int(requested), 0)
        value = (pod.get("spec") or {}).get("terminationGracePeriodSeconds")
        return 30 if value is None else int(value)

    def remove_finalizer(self, obj: dict, finalizer: str, actor: str) -> dict | None:
        meta = obj["metadata"]
        finalizers = [f for f in meta.get("finalizers") or [] if f != finalizer]
        new_meta = {**meta}
        if finalizers:
            new_meta["finalizers"] = finalizers
        else:
            new_meta.pop("finalizers", None)
        kind = obj["kind"]
        if new_meta.get("deletionTimestamp") and not finalizers:
            grace = new_meta.get("deletionGracePeriodSeconds") or 0
            if kind != "Pod" or grace == 0:
                self.store.remove(kind, meta.get("namespace") or "", meta["name"], actor)
                return None
        return self._write_meta(kind, obj, new_meta, actor)

    def force_remove(self, kind: str, namespace: str, name: str, actor: str) -> None:
        """Delete with grace 0 (kubelet after the containers stopped, PodGC)."""
        obj = self.store.get(kind, namespace, name)
        if obj is None:
            return
        if obj["metadata"].get("finalizers"):
            meta = {**obj["metadata"], "deletionGracePeriodSeconds": 0}
            meta.setdefault("deletionTimestamp", format_time(self.now()))
            self._write_meta(kind, obj, meta, actor)
            return
        self.store.remove(kind, namespace, name, actor)

    def bind(self, pod: dict, node_name: str, actor: str) -> dict:
        """The pods/binding subresource: set spec.nodeName and PodScheduled=True.

        k/k pkg/registry/core/pod/storage/storage.go setPodNodeAndMetadata: only a pod
        that is not yet bound and not being deleted can be bound.
        """
        meta = pod["metadata"]
        current = self.store.get("Pod", meta.get("namespace") or "", meta["name"])
        if current is None:
            raise apierrors.not_found("pods", "", meta["name"])
        if current["metadata"].get("deletionTimestamp"):
            raise apierrors.conflict("pods", "", meta["name"],
                                     "pod is being deleted, cannot be assigned to a host")
        if current["spec"].get("nodeName"):
            raise apierrors.conflict("pods", "", meta["name"],
                                     f"pod {meta['name']} is already assigned to node "
                                     f'"{current["spec"]["nodeName"]}"')
        now = format_time(self.now())
        condition = {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                     "lastTransitionTime": now}
        conditions = [c for c in current["status"].get("conditions") or []
                      if c.get("type") != "PodScheduled"]
        status = {**current["status"], "conditions": [condition, *conditions]}
        rv = self.store.next_resource_version()
        new = {**current, "metadata": {**current["metadata"], "resourceVersion": str(rv)},
               "spec": {**current["spec"], "nodeName": node_name}, "status": status}
        self.store.put("Pod", new, actor, rv)
        return new

    def _write_meta(self, kind: str, old: dict, meta: dict, actor: str) -> dict:
        rv = self.store.next_resource_version()
        new = {**old, "metadata": {**meta, "resourceVersion": str(rv)}}
        self.store.put(kind, new, actor, rv)
        return new


def qos_class(pod: dict) -> str:
    """k/k pkg/apis/core/helper/qos GetPodQOS (cpu and memory only)."""
    spec = pod.get("spec") or {}
    containers = list(spec.get("containers") or []) + list(spec.get("initContainers") or [])
    requests_seen = limits_seen = False
    guaranteed = True
    for container in containers:
        res = container.get("resources") or {}
        requests = {k: v for k, v in (res.get("requests") or {}).items()
                    if k in ("cpu", "memory")}
        limits = {k: v for k, v in (res.get("limits") or {}).items() if k in ("cpu", "memory")}
        if requests:
            requests_seen = True
        if limits:
            limits_seen = True
        if set(limits) != {"cpu", "memory"}:
            guaranteed = False
        for name, value in requests.items():
            if name not in limits or str(limits[name]) != str(value):
                guaranteed = False
    if not requests_seen and not limits_seen:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def group_for(obj: dict) -> str:
    return group_of(obj.get("apiVersion", ""))
