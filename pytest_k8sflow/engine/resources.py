"""The API resource types the simulated apiserver serves, and how kubectl names them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceType:
    kind: str
    group: str  # "" for the core group
    version: str
    plural: str
    short_names: tuple[str, ...] = ()
    namespaced: bool = True

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def qualified_kind(self) -> str:
        """``deployment.apps`` / ``pod``: the prefix kubectl's name printer writes."""
        return f"{self.singular}.{self.group}" if self.group else self.singular

    @property
    def qualified_plural(self) -> str:
        """``deployments.apps`` / ``pods``: how API errors name the resource."""
        return f"{self.plural}.{self.group}" if self.group else self.plural


_TYPES: tuple[ResourceType, ...] = (
    ResourceType("Namespace", "", "v1", "namespaces", ("ns",), namespaced=False),
    ResourceType("Node", "", "v1", "nodes", ("no",), namespaced=False),
    ResourceType("Pod", "", "v1", "pods", ("po",)),
    ResourceType("Service", "", "v1", "services", ("svc",)),
    ResourceType("Endpoints", "", "v1", "endpoints", ("ep",)),
    ResourceType("ConfigMap", "", "v1", "configmaps", ("cm",)),
    ResourceType("Secret", "", "v1", "secrets"),
    ResourceType("ServiceAccount", "", "v1", "serviceaccounts", ("sa",)),
    ResourceType("PersistentVolumeClaim", "", "v1", "persistentvolumeclaims", ("pvc",)),
    ResourceType("PersistentVolume", "", "v1", "persistentvolumes", ("pv",), namespaced=False),
    ResourceType("Event", "", "v1", "events", ("ev",)),
    ResourceType("LimitRange", "", "v1", "limitranges", ("limits",)),
    ResourceType("ResourceQuota", "", "v1", "resourcequotas", ("quota",)),
    ResourceType("Deployment", "apps", "v1", "deployments", ("deploy",)),
    ResourceType("ReplicaSet", "apps", "v1", "replicasets", ("rs",)),
    ResourceType("StatefulSet", "apps", "v1", "statefulsets", ("sts",)),
    ResourceType("DaemonSet", "apps", "v1", "daemonsets", ("ds",)),
    ResourceType("ControllerRevision", "apps", "v1", "controllerrevisions"),
    ResourceType("Job", "batch", "v1", "jobs"),
    ResourceType("CronJob", "batch", "v1", "cronjobs", ("cj",)),
    ResourceType("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices"),
    ResourceType("StorageClass", "storage.k8s.io", "v1", "storageclasses", ("sc",),
                 namespaced=False),
    ResourceType("PodPreset", "settings.k8s.io", "v1alpha1", "podpresets"),
    ResourceType("PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets", ("pdb",)),
)

BY_KIND: dict[str, ResourceType] = {t.kind: t for t in _TYPES}


def _build_aliases() -> dict[str, ResourceType]:
    aliases: dict[str, ResourceType] = {}
    for t in _TYPES:
        names = {t.plural, t.singular, t.kind, *t.short_names}
        for name in names:
            aliases[name.lower()] = t
            if t.group:
                aliases[f"{name.lower()}.{t.group}"] = t
                aliases[f"{name.lower()}.{t.version}.{t.group}"] = t
    return aliases


_ALIASES = _build_aliases()


def resource_for_kind(kind: str) -> ResourceType | None:
    return BY_KIND.get(kind)


def resolve_resource(name: str) -> ResourceType | None:
    """What kubectl accepts: ``deploy``, ``deployments``, ``deployment.apps``, ``Deployment``."""
    return _ALIASES.get(name.lower())


def all_types() -> tuple[ResourceType, ...]:
    return _TYPES


def group_of(api_version: str) -> str:
    return api_version.split("/", 1)[0] if "/" in api_version else ""
