"""Field metadata of the built-in Kubernetes kinds: how lists merge, which keys identify items.

The metadata comes from the OpenAPI-derived JSON schemas that ``kubernetes-validate`` bundles
(one fixed version, 1.32): ``x-kubernetes-patch-merge-key``, ``x-kubernetes-patch-strategy``,
``x-kubernetes-list-type``, ``x-kubernetes-list-map-keys`` and ``x-kubernetes-map-type``. These
are the markers strategic merge patch (k/k staging/src/k8s.io/apimachinery/pkg/util/
strategicpatch/meta.go, ``PatchMetaFromOpenAPI``) and server-side apply read. The file is read
once per process, on first use.

Two ways in:

* ``field_info(api_version, kind, path)`` for one field, the path being field names from the
  object root with list positions left out (``("spec", "template", "spec", "containers")``);
* ``type_node(api_version, kind)`` for walking an object alongside its schema: a ``TypeNode``
  per position whose ``child(name)`` is a cached dict lookup. Patches and expectation matching
  walk this way, so nothing is looked up twice.

Kinds the schemas do not know (CRDs) give ``None``, never an exception. PodPreset
(settings.k8s.io/v1alpha1, removed upstream in 1.20) is described by a small table here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

SCHEMA_VERSION = "v1.32.0"
_DEFS_PREFIX = "#/$defs/"

# kubectl/apiserver treat these kinds of ours as having no patch metadata beyond the table.
_PODPRESET = "k8sflow.settings.v1alpha1.PodPreset"
_PODPRESET_SPEC = "k8sflow.settings.v1alpha1.PodPresetSpec"
_CORE = "io.k8s.api.core.v1."
_META = "io.k8s.apimachinery.pkg.apis.meta.v1."

# k8s.io/api settings/v1alpha1 types.go (1.19): PodPresetSpec's lists carry NO patch tags, so
# strategic merge patch replaces them. ``x-k8sflow-match-keys`` only tells expectation matching
# how to pair items (by name, like the same lists in a Pod); it is not Kubernetes metadata.
_EXTRA_DEFINITIONS: dict[str, dict] = {
    _PODPRESET: {
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"$ref": _DEFS_PREFIX + _META + "ObjectMeta"},
            "spec": {"$ref": _DEFS_PREFIX + _PODPRESET_SPEC},
        },
        "x-kubernetes-group-version-kind": [
            {"group": "settings.k8s.io", "version": "v1alpha1", "kind": "PodPreset"}],
    },
    _PODPRESET_SPEC: {
        "type": "object",
        "properties": {
            "selector": {"$ref": _DEFS_PREFIX + _META + "LabelSelector"},
            "env": {"type": "array", "items": {"$ref": _DEFS_PREFIX + _CORE + "EnvVar"},
                    "x-k8sflow-match-keys": ["name"]},
            "envFrom": {"type": "array",
                        "items": {"$ref": _DEFS_PREFIX + _CORE + "EnvFromSource"}},
            "volumes": {"type": "array", "items": {"$ref": _DEFS_PREFIX + _CORE + "Volume"},
                        "x-k8sflow-match-keys": ["name"]},
            "volumeMounts": {"type": "array",
                             "items": {"$ref": _DEFS_PREFIX + _CORE + "VolumeMount"},
                             "x-k8sflow-match-keys": ["mountPath"]},
        },
    },
}

# Extension for expectations (documented in docs/semantics/patch-and-matching.md): these lists
# are matched by a key even where the API marks them atomic (status lists have no patch key).
EXTENSION_MATCH_KEYS: dict[str, tuple[str, ...]] = {
    "conditions": ("type",),
    "containerStatuses": ("name",),
    "initContainerStatuses": ("name",),
    "ephemeralContainerStatuses": ("name",),
}

# Groups whose kinds moved (extensions/v1beta1 Deployment is apps/v1 Deployment, ...): where an
# old apiVersion is not in the 1.32 schemas, the same kind in these groups describes it.
_MOVED_GROUPS: dict[str, tuple[str, ...]] = {
    "extensions": ("apps", "networking.k8s.io", "policy"),
}


def _version_rank(version: str) -> tuple[int, int, int]:
    """Kubernetes' version priority (GA before beta before alpha, newer first): the order
    apimachinery's version.CompareKubeAwareVersionStrings gives."""
    match = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", version)
    if not match:
        return (3, 0, 0)
    major, stage, minor = match.groups()
    stage_rank = {None: 0, "beta": 1, "alpha": 2}[stage]
    return (stage_rank, -int(major), -int(minor or 0))


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """What the schema says about one field (or, for the root, about the object)."""

    name: str
    type_name: str | None = None  # definition of the value (for lists/maps: of one item/value)
    is_list: bool = False
    is_map: bool = False  # free-form keys (labels, resources.limits, data)
    is_object: bool = False  # a struct with named fields
    merge_key: str | None = None  # x-kubernetes-patch-merge-key
    patch_strategy: str | None = None  # x-kubernetes-patch-strategy, e.g. "merge,retainKeys"
    list_type: str | None = None  # x-kubernetes-list-type: atomic | set | map
    list_map_keys: tuple[str, ...] = ()  # x-kubernetes-list-map-keys
    map_type: str | None = None  # x-kubernetes-map-type: atomic | granular
    match_keys: tuple[str, ...] = ()  # keys that pair list items in expectations (see module)

    @property
    def patch_strategies(self) -> tuple[str, ...]:
        return tuple(self.patch_strategy.split(",")) if self.patch_strategy else ()

    @property
    def retain_keys(self) -> bool:
        return "retainKeys" in self.patch_strategies

    @property
    def strategy(self) -> str | None:
        """The strategy besides retainKeys: "merge", "replace" or None (strategicpatch
        extractRetainKeysPatchStrategy)."""
        others = [s for s in self.patch_strategies if s != "retainKeys"]
        return others[0] if others else None


class TypeNode:
    """One position in an object's schema; ``child(name)`` is the field (or map value, or list
    item's field) below it. Nodes are shared and cached: walking costs dict lookups."""

    __slots__ = ("info", "_registry", "_struct", "_value")

    def __init__(self, info: FieldInfo, registry: _Registry, struct: str | None,
                 value: TypeNode | None) -> None:
        self.info = info
        self._registry = registry
        self._struct = struct  # definition whose properties are the children
        self._value = value  # the node of a map's values (additionalProperties)

    def child(self, name: str) -> TypeNode | None:
        if self._struct is not None:
            return self._registry.fields(self._struct).get(name)
        return self._value

    def __repr__(self) -> str:
        return f"TypeNode({self.info.name!r}, {self.info.type_name!r})"


class _Registry:
    """The definitions of one schema version, turned into TypeNodes on demand."""

    def __init__(self, definitions: dict[str, dict]) -> None:
        self._defs = definitions
        self._fields: dict[str, dict[str, TypeNode]] = {}
        self._roots: dict[tuple[str, str], TypeNode | None] = {}
        self._gvk: dict[tuple[str, str, str], str] = {}
        # sorted: the same definition wins on every run
        for def_name in sorted(definitions):
            for gvk in definitions[def_name].get("x-kubernetes-group-version-kind") or ():
                key = (gvk.get("group", ""), gvk.get("version", ""), gvk.get("kind", ""))
                self._gvk.setdefault(key, def_name)

    # -- roots ---------------------------------------------------------------------------
    def root(self, api_version: str, kind: str) -> TypeNode | None:
        key = (api_version, kind)
        if key not in self._roots:
            def_name = self._definition_for(api_version, kind)
            self._roots[key] = None if def_name is None else TypeNode(
                FieldInfo(name="", type_name=def_name, is_object=True), self, def_name, None)
        return self._roots[key]

    def _definition_for(self, api_version: str, kind: str) -> str | None:
        group, _, version = api_version.rpartition("/")
        exact = self._gvk.get((group, version, kind))
        if exact is not None:
            return exact
        # an older version of the same kind (batch/v1beta1 CronJob, apps/v1beta2 ...)
        for groups in ((group,), _MOVED_GROUPS.get(group, ())):
            candidates = sorted(
                (gvk, name) for gvk, name in self._gvk.items()
                if gvk[0] in groups and gvk[2] == kind)
            if candidates:
                candidates.sort(key=lambda c: (_version_rank(c[0][1]), c[0]))
                return candidates[0][1]
        return None

    # -- fields --------------------------------------------------------------------------
    def fields(self, def_name: str) -> dict[str, TypeNode]:
        table = self._fields.get(def_name)
        if table is None:
            table = {}
            self._fields[def_name] = table  # before building: definitions are recursive
            props = (self._defs.get(def_name) or {}).get("properties") or {}
            for prop in sorted(props):
                table[prop] = self._node(prop, props[prop])
        return table

    def _resolve(self, schema: dict) -> tuple[str | None, dict]:
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(_DEFS_PREFIX):
            name = ref[len(_DEFS_PREFIX):]
            return name, self._defs.get(name) or {}
        return None, schema

    def _node(self, name: str, schema: dict) -> TypeNode:
        ref_name, resolved = self._resolve(schema)
        types = resolved.get("type") or schema.get("type") or ()
        types = (types,) if isinstance(types, str) else tuple(types)
        common = {
            "name": name,
            "merge_key": schema.get("x-kubernetes-patch-merge-key"),
            "patch_strategy": schema.get("x-kubernetes-patch-strategy"),
            "list_type": schema.get("x-kubernetes-list-type"),
            "list_map_keys": tuple(schema.get("x-kubernetes-list-map-keys") or ()),
            "map_type": schema.get("x-kubernetes-map-type") or resolved.get(
                "x-kubernetes-map-type"),
        }
        if "array" in types and isinstance(resolved.get("items"), dict):
            item_name, item = self._resolve(resolved["items"])
            keys = tuple(schema.get("x-k8sflow-match-keys") or ())
            if not keys and common["merge_key"]:
                keys = (common["merge_key"],)
            keys = keys or common["list_map_keys"] or EXTENSION_MATCH_KEYS.get(name, ())
            struct = item_name if item.get("properties") else None
            value = None
            if struct is None and isinstance(item.get("additionalProperties"), dict):
                value = self._node("", item["additionalProperties"])
            return TypeNode(FieldInfo(type_name=item_name, is_list=True, match_keys=keys,
                                      **common), self, struct, value)
        if resolved.get("properties"):
            return TypeNode(FieldInfo(type_name=ref_name, is_object=True, **common),
                            self, ref_name, None)
        additional = resolved.get("additionalProperties")
        if isinstance(additional, dict):
            value = self._node("", additional)
            return TypeNode(FieldInfo(type_name=value.info.type_name, is_map=True, **common),
                            self, None, value)
        return TypeNode(FieldInfo(type_name=ref_name, **common), self, None, None)


_REGISTRY: _Registry | None = None


def _registry() -> _Registry:
    global _REGISTRY
    if _REGISTRY is None:
        path = (resources.files("kubernetes_validate") / "kubernetes-json-schema"
                / f"{SCHEMA_VERSION}-local" / "_definitions.json")
        with path.open("r", encoding="utf-8") as handle:
            data: dict[str, Any] = json.load(handle)
        definitions = dict(data.get("$defs") or data.get("definitions") or {})
        definitions.update(_EXTRA_DEFINITIONS)
        _REGISTRY = _Registry(definitions)
    return _REGISTRY


def registry_from_definitions(definitions: dict[str, dict]) -> _Registry:
    """A registry over other definitions (used by tests to describe upstream test types)."""
    return _Registry(definitions)


def type_node(api_version: str, kind: str) -> TypeNode | None:
    """The schema root of a kind, or None for kinds the schemas do not describe (CRDs)."""
    if not api_version or not kind:
        return None
    return _registry().root(api_version, kind)


def node_at(api_version: str, kind: str, path: tuple[str, ...]) -> TypeNode | None:
    node = type_node(api_version, kind)
    for name in path:
        if node is None:
            return None
        node = node.child(name)
    return node


def field_info(api_version: str, kind: str, path: tuple[str, ...]) -> FieldInfo | None:
    """Metadata of the field at ``path`` (field names from the root, list positions left out);
    None when the kind or the field is unknown."""
    path = tuple(path)
    node = node_at(api_version, kind, path)
    if node is None:
        return None
    if path and node.info.name != path[-1]:
        # map values share one node whatever their key: name the one asked for
        return replace(node.info, name=path[-1])
    return node.info


def list_merge_key(api_version: str, kind: str, path: tuple[str, ...]) -> str | None:
    """The patch merge key of a list that strategic merge patch merges, else None."""
    info = field_info(api_version, kind, path)
    if info is None or not info.is_list or info.strategy != "merge":
        return None
    return info.merge_key
