"""Validate manifests against the Kubernetes OpenAPI schemas shipped by kubernetes-validate.

kubernetes-validate bundles, for each Kubernetes minor version, JSON schemas converted from
the API server's OpenAPI document, with a ``-strict`` variant that rejects unknown fields
(``additionalProperties: false``, what ``kubectl apply --validate=strict`` enforces). One
file, ``_definitions.json``, holds every type of a version; each top-level kind carries its
``x-kubernetes-group-version-kind``. So per version we read that one file once, index the
kinds from it, and compile one validator per kind on first use: no schema file is read per
object (kubernetes-validate's own ``validate()`` re-reads and re-compiles per call).

Findings, each at the line/column of the offending field:

* ``schema-unknown-field`` — a key the schema does not know (with a "did you mean");
* ``schema-type`` — a value of the wrong type (``"80"`` for an integer, ``true`` for a string
  label: "quote it");
* ``schema-required`` — a required field is missing;
* ``schema-invalid`` — any other schema constraint;
* ``api-version`` — the kind exists, but not in that apiVersion;
* ``removed-api`` / ``deprecated-api`` — from the Kubernetes deprecation guide
  (kubernetes.io/docs/reference/using-api/deprecation-guide/);
* ``unknown-kind`` — no schema (a custom resource): info, not a crash; an error when the kind
  is a near miss of a built-in kind of a built-in group (``kind: Deploymnet``);
* ``manifest-identity`` — no apiVersion, kind or metadata.name (kubectl refuses those).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from pytest_k8sflow.lint.model import Finding, Manifest, emitted_rule

__all__ = [
    "DEFAULT_KUBERNETES_VERSION",
    "REMOVED_APIS",
    "RemovedApi",
    "SchemaSet",
    "UnsupportedVersion",
    "available_versions",
    "check_manifest",
    "get_schema_set",
    "parse_version",
    "resolve_version",
]

DEFAULT_KUBERNETES_VERSION = "1.32"
_DEFS_ID = "https://kubernetes.io/api/_definitions.json"

# -- rules emitted here ----------------------------------------------------------------------
_SRC = "kubernetes-validate bundled OpenAPI schemas (strict); kubectl apply --validate=strict"
UNKNOWN_FIELD = emitted_rule(
    "schema-unknown-field", "error",
    "the API server rejects unknown fields under strict validation, and otherwise drops "
    "them silently: the setting you wrote never takes effect", source=_SRC, family="schema")
WRONG_TYPE = emitted_rule(
    "schema-type", "error",
    "the API server cannot decode a value of the wrong type and refuses the whole object",
    source=_SRC, family="schema")
REQUIRED = emitted_rule(
    "schema-required", "error",
    "the API server refuses an object that lacks a required field", source=_SRC,
    family="schema")
INVALID = emitted_rule(
    "schema-invalid", "error",
    "the API server accepts only certain values here (and refuses the object otherwise: "
    "`Unsupported value`)",
    source="k/k pkg/apis/core/validation (supportedPullPolicies, validateRestartPolicy, "
           "supportedPortProtocols, supportedServiceType, validateDNSPolicy, "
           "validateTolerations, ValidatePersistentVolumeClaimSpec), pkg/apis/apps/validation "
           "(ValidateDeploymentStrategy, ValidateStatefulSetSpec, "
           "ValidateDaemonSetUpdateStrategy), pkg/apis/batch/validation (ValidateCronJobSpec),"
           " apimachinery ValidateLabelSelectorRequirement; plus any other constraint of the "
           "bundled schemas", family="schema")
API_VERSION = emitted_rule(
    "api-version", "error",
    "the API server serves each kind only under certain apiVersions; any other is refused "
    "with `no matches for kind`", source="kubernetes-validate schemas "
    "(x-kubernetes-group-version-kind of each type)", family="schema")
REMOVED = emitted_rule(
    "removed-api", "error",
    "an API version that a Kubernetes release no longer serves: `kubectl apply` fails with "
    "`no matches for kind`", source="kubernetes.io/docs/reference/using-api/"
    "deprecation-guide/", family="schema")
DEPRECATED = emitted_rule(
    "deprecated-api", "warning",
    "a deprecated API version still works but will stop being served in a coming release",
    source="kubernetes.io/docs/reference/using-api/deprecation-guide/", family="schema")
UNKNOWN_KIND = emitted_rule(
    "unknown-kind", "info",
    "there is no schema for this kind (a custom resource?): only its metadata could be "
    "checked", source="kubernetes-validate SchemaNotFoundError, handled as a finding",
    family="schema")
IDENTITY = emitted_rule(
    "manifest-identity", "error",
    "kubectl needs apiVersion, kind and metadata.name (or generateName for create) to know "
    "which object this is", source="k8s.io/cli-runtime pkg/resource (resource name may not "
    "be empty); apimachinery ValidateObjectMeta", family="schema")


# -- versions --------------------------------------------------------------------------------
class UnsupportedVersion(ValueError):
    """A --kubernetes-version that is not a version (e.g. "latest")."""


_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?$")


def parse_version(text: str | float | int) -> tuple[int, int]:
    """``"1.32"``, ``"v1.32.3"`` -> (1, 32)."""
    match = _VERSION.match(str(text).strip())
    if not match:
        raise UnsupportedVersion(f'not a Kubernetes version: "{text}" (expected e.g. 1.32)')
    return int(match.group(1)), int(match.group(2))


def _fmt(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def _schema_root() -> Any:
    return resources.files("kubernetes_validate") / "kubernetes-json-schema"


@lru_cache(maxsize=1)
def available_versions() -> tuple[str, ...]:
    """The Kubernetes versions kubernetes-validate ships strict schemas for, ascending."""
    found = []
    for entry in _schema_root().iterdir():
        match = re.match(r"^v(\d+)\.(\d+)\.\d+-local-strict$", entry.name)
        if match:
            found.append((int(match.group(1)), int(match.group(2))))
    return tuple(_fmt(v) for v in sorted(found))


def resolve_version(requested: str) -> tuple[str, str | None]:
    """(the schema version used, a note when it differs from the one requested). As
    kubernetes-validate does: the newest bundled version not newer than the request; older
    requests use the oldest bundled schemas (with a note)."""
    want = parse_version(requested)
    versions = [parse_version(v) for v in available_versions()]
    if not versions:  # pragma: no cover - the package always ships schemas
        raise UnsupportedVersion("kubernetes-validate ships no schemas")
    older = [v for v in versions if v <= want]
    if older:
        used = older[-1]
        note = None if used == want else (
            f"no schemas for Kubernetes {_fmt(want)} in kubernetes-validate; "
            f"validating against {_fmt(used)}")
        return _fmt(used), note
    used = versions[0]
    return _fmt(used), (f"kubernetes-validate ships schemas from {_fmt(used)} on; Kubernetes "
                        f"{_fmt(want)} manifests are validated against {_fmt(used)} (removed "
                        "APIs are still judged for the version asked)")


# -- removed and deprecated APIs -------------------------------------------------------------
@dataclass(frozen=True)
class RemovedApi:
    api_version: str
    kind: str
    removed_in: str
    replacement: str | None  # apiVersion to use instead, None when there is no replacement
    deprecated_in: str | None = None


def _table() -> dict[tuple[str, str], RemovedApi]:
    # Kubernetes "Deprecated API Migration Guide" (kubernetes.io/docs/reference/using-api/
    # deprecation-guide/), "Removed APIs by release"; PodPreset: the 1.20 release notes
    # (settings.k8s.io/v1alpha1 removed with the PodPreset admission plugin).
    rows: list[tuple[str, Sequence[str], str, str | None, str | None]] = [
        # (apiVersion, kinds, removed in, replacement, deprecated in)
        ("extensions/v1beta1", ("Deployment", "DaemonSet", "ReplicaSet"), "1.16", "apps/v1",
         None),
        ("apps/v1beta1", ("Deployment", "StatefulSet", "ControllerRevision"), "1.16",
         "apps/v1", None),
        ("apps/v1beta2", ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                          "ControllerRevision"), "1.16", "apps/v1", None),
        ("extensions/v1beta1", ("NetworkPolicy",), "1.16", "networking.k8s.io/v1", None),
        ("extensions/v1beta1", ("PodSecurityPolicy",), "1.16", "policy/v1beta1", None),
        ("settings.k8s.io/v1alpha1", ("PodPreset",), "1.20", None, None),
        ("admissionregistration.k8s.io/v1beta1",
         ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"), "1.22",
         "admissionregistration.k8s.io/v1", "1.16"),
        ("apiextensions.k8s.io/v1beta1", ("CustomResourceDefinition",), "1.22",
         "apiextensions.k8s.io/v1", "1.16"),
        ("apiregistration.k8s.io/v1beta1", ("APIService",), "1.22",
         "apiregistration.k8s.io/v1", "1.19"),
        ("authentication.k8s.io/v1beta1", ("TokenReview",), "1.22",
         "authentication.k8s.io/v1", "1.19"),
        ("authorization.k8s.io/v1beta1",
         ("SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview"),
         "1.22", "authorization.k8s.io/v1", "1.19"),
        ("certificates.k8s.io/v1beta1", ("CertificateSigningRequest",), "1.22",
         "certificates.k8s.io/v1", "1.19"),
        ("coordination.k8s.io/v1beta1", ("Lease",), "1.22", "coordination.k8s.io/v1", "1.19"),
        ("extensions/v1beta1", ("Ingress",), "1.22", "networking.k8s.io/v1", "1.14"),
        ("networking.k8s.io/v1beta1", ("Ingress", "IngressClass"), "1.22",
         "networking.k8s.io/v1", "1.19"),
        ("rbac.authorization.k8s.io/v1beta1",
         ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"), "1.22",
         "rbac.authorization.k8s.io/v1", "1.17"),
        ("scheduling.k8s.io/v1beta1", ("PriorityClass",), "1.22", "scheduling.k8s.io/v1",
         "1.14"),
        ("storage.k8s.io/v1beta1", ("CSIDriver", "CSINode", "StorageClass",
                                    "VolumeAttachment"), "1.22", "storage.k8s.io/v1", "1.19"),
        ("batch/v1beta1", ("CronJob",), "1.25", "batch/v1", "1.21"),
        ("discovery.k8s.io/v1beta1", ("EndpointSlice",), "1.25", "discovery.k8s.io/v1",
         "1.21"),
        ("events.k8s.io/v1beta1", ("Event",), "1.25", "events.k8s.io/v1", "1.22"),
        ("autoscaling/v2beta1", ("HorizontalPodAutoscaler",), "1.25", "autoscaling/v2",
         "1.22"),
        ("policy/v1beta1", ("PodDisruptionBudget",), "1.25", "policy/v1", "1.21"),
        ("policy/v1beta1", ("PodSecurityPolicy",), "1.25", None, "1.21"),
        ("node.k8s.io/v1beta1", ("RuntimeClass",), "1.25", "node.k8s.io/v1", "1.22"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", ("FlowSchema", "PriorityLevelConfiguration"),
         "1.26", "flowcontrol.apiserver.k8s.io/v1", "1.23"),
        ("autoscaling/v2beta2", ("HorizontalPodAutoscaler",), "1.26", "autoscaling/v2",
         "1.23"),
        ("storage.k8s.io/v1beta1", ("CSIStorageCapacity",), "1.27", "storage.k8s.io/v1",
         "1.24"),
        ("flowcontrol.apiserver.k8s.io/v1beta2", ("FlowSchema", "PriorityLevelConfiguration"),
         "1.29", "flowcontrol.apiserver.k8s.io/v1", "1.26"),
        ("flowcontrol.apiserver.k8s.io/v1beta3", ("FlowSchema", "PriorityLevelConfiguration"),
         "1.32", "flowcontrol.apiserver.k8s.io/v1", "1.29"),
    ]
    table: dict[tuple[str, str], RemovedApi] = {}
    for api_version, kinds, removed, replacement, deprecated in rows:
        for kind in kinds:
            table[(api_version, kind)] = RemovedApi(api_version, kind, removed, replacement,
                                                     deprecated)
    return table


REMOVED_APIS: dict[tuple[str, str], RemovedApi] = _table()


# -- the schemas of one version ----------------------------------------------------------------
def _podpreset_defs() -> dict[str, Any]:
    # settings.k8s.io/v1alpha1 PodPreset is gone from every schema kubernetes-validate ships
    # (removed in 1.20), but scenarios use it (the engine serves it at every version). Its
    # five spec fields are ordinary core types (k/k pkg/apis/settings/types.go), so the
    # schema is assembled from the bundled definitions, not written by hand.
    core = "#/$defs/io.k8s.api.core.v1."
    meta = "#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1."

    def listof(ref: str) -> dict:
        return {"type": ["array", "null"], "items": {"$ref": ref}}

    spec = {
        "type": ["object", "null"], "additionalProperties": False,
        "properties": {
            "selector": {"$ref": meta + "LabelSelector"},
            "env": listof(core + "EnvVar"),
            "envFrom": listof(core + "EnvFromSource"),
            "volumes": listof(core + "Volume"),
            "volumeMounts": listof(core + "VolumeMount"),
        },
    }
    preset = {
        "type": "object", "additionalProperties": False,
        "properties": {
            "apiVersion": {"type": ["string", "null"], "enum": ["settings.k8s.io/v1alpha1"]},
            "kind": {"type": ["string", "null"], "enum": ["PodPreset"]},
            "metadata": {"$ref": meta + "ObjectMeta"},
            "spec": {"$ref": "#/$defs/io.k8s.api.settings.v1alpha1.PodPresetSpec"},
        },
        "x-kubernetes-group-version-kind": [
            {"group": "settings.k8s.io", "version": "v1alpha1", "kind": "PodPreset"}],
    }
    return {"io.k8s.api.settings.v1alpha1.PodPreset": preset,
            "io.k8s.api.settings.v1alpha1.PodPresetSpec": spec}


class SchemaSet:
    """The schemas of one Kubernetes version: built once per version and process."""

    def __init__(self, version: str) -> None:
        self.version = version  # the bundled schema version used ("1.32")
        folder = _schema_root() / f"v{version}.0-local-strict"
        document = json.loads((folder / "_definitions.json").read_text(encoding="utf-8"))
        defs: dict[str, Any] = document["$defs"]
        defs.update(_podpreset_defs())
        self.defs = defs
        self._gvk: dict[tuple[str, str], str] = {}  # (apiVersion, kind) -> definition
        self._kinds: dict[str, list[str]] = {}  # kind -> apiVersions, in definition order
        self.groups: set[str] = set()
        for name, schema in defs.items():
            if not name.startswith("io.k8s."):
                continue
            for gvk in schema.get("x-kubernetes-group-version-kind") or ():
                group, ver, kind = gvk.get("group", ""), gvk.get("version"), gvk.get("kind")
                if not ver or not kind or kind in ("WatchEvent", "DeleteOptions") or \
                        "properties" not in schema:
                    continue
                api_version = f"{group}/{ver}" if group else ver
                if (api_version, kind) in self._gvk:
                    continue
                self._gvk[(api_version, kind)] = name
                self._kinds.setdefault(kind, []).append(api_version)
                self.groups.add(group)
        self._registry = Resource.from_contents(document) @ Registry()
        self._validators: dict[str, Draft202012Validator] = {}

    def definition(self, api_version: str, kind: str) -> str | None:
        return self._gvk.get((api_version, kind))

    def api_versions_of(self, kind: str) -> list[str]:
        return list(self._kinds.get(kind, ()))

    def kinds(self) -> list[str]:
        return sorted(self._kinds)

    def kinds_in_group(self, group: str) -> list[str]:
        return sorted(kind for kind, versions in self._kinds.items()
                      if any(_group(v) == group for v in versions))

    def validator(self, definition: str) -> Draft202012Validator:
        """The compiled validator of one definition (built on first use, then reused)."""
        validator = self._validators.get(definition)
        if validator is None:
            validator = Draft202012Validator({"$ref": f"{_DEFS_ID}#/$defs/{definition}"},
                                             registry=self._registry)
            self._validators[definition] = validator
        return validator

    def errors(self, definition: str, value: Any) -> Iterable[ValidationError]:
        return self.validator(definition).iter_errors(value)


@lru_cache(maxsize=8)
def get_schema_set(version: str) -> SchemaSet:
    """The SchemaSet of a bundled version ("1.32"); see ``resolve_version``."""
    return SchemaSet(version)


def _group(api_version: str) -> str:
    return api_version.split("/", 1)[0] if "/" in api_version else ""


# -- turning jsonschema errors into findings -----------------------------------------------------
_TYPE_WORDS = {"string": "a string", "integer": "an integer", "number": "a number",
               "boolean": "true or false", "object": "a mapping", "array": "a list"}


def _types(schema_type: Any) -> list[str]:
    if isinstance(schema_type, str):
        schema_type = [schema_type]
    return [t for t in schema_type or () if t != "null"]


def _show(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _words(items: Sequence[str], conjunction: str = "or") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    options = list(options)
    lowered = {o.lower(): o for o in options}
    if word.lower() in lowered:
        return f' (did you mean "{lowered[word.lower()]}"?)'
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.75)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _closest(word: str, options: Iterable[str]) -> str | None:
    options = list(options)
    lowered = {o.lower(): o for o in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.75)
    return close[0] if close else None


def _resolve(schema: dict, defs: dict) -> dict:
    while isinstance(schema, dict) and "$ref" in schema and len(schema) <= 2:
        ref = schema["$ref"]
        name = ref.rsplit("/", 1)[-1]
        if name not in defs:
            break
        schema = defs[name]
    return schema


class _Translator:
    def __init__(self, manifest: Manifest, schemas: SchemaSet) -> None:
        self.m = manifest
        self.schemas = schemas

    def findings(self, error: ValidationError, base: tuple = ()) -> list[Finding]:
        path = (*base, *error.absolute_path)
        handler = getattr(self, f"_{error.validator}", None)
        if handler is not None:
            return handler(error, path)
        message = error.message
        return [self.m.finding(INVALID, path, f"{message}")]

    def _additionalProperties(self, error: ValidationError, path: tuple) -> list[Finding]:
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = list((schema.get("properties") or {}).keys())
        instance = error.instance if isinstance(error.instance, dict) else {}
        out = []
        for key in instance:
            if key in known:
                continue
            out.append(self.m.finding(UNKNOWN_FIELD, (*path, key),
                                      f'unknown field "{key}"{_did_you_mean(key, known)}',
                                      key=True))
        return out

    def _required(self, error: ValidationError, path: tuple) -> list[Finding]:
        instance = error.instance if isinstance(error.instance, dict) else {}
        missing = [k for k in error.validator_value if k not in instance]
        where = path[-1] if path else None
        owner = f" in {where}" if isinstance(where, str) else ""
        if isinstance(where, int) and len(path) > 1:
            owner = f" in {path[-2]}[{where}]"
        return [self.m.finding(REQUIRED, path, f'missing required field "{key}"{owner}',
                               key=True) for key in missing]

    def _type(self, error: ValidationError, path: tuple) -> list[Finding]:
        expected = _types(error.validator_value)
        return [self._wrong_type(path, expected, error.instance)]

    def _wrong_type(self, path: tuple, expected: list[str], value: Any) -> Finding:
        words = [_TYPE_WORDS.get(t, t) for t in expected]
        message = f"expected {_words(words)}, got {_show(value)}"
        if expected == ["string"] and isinstance(value, bool | int | float) and \
                value is not None:
            raw = self.m.doc.raw_scalar(self.m.doc_path(path))
            shown = raw if raw is not None else _show(value)
            message = f"expected a string, got {_show(value)}: quote it (\"{shown}\")"
        elif set(expected) <= {"integer", "number"} and isinstance(value, str) and \
                re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
            message += ": remove the quotes"
        return self.m.finding(WRONG_TYPE, path, message)

    def _oneOf(self, error: ValidationError, path: tuple) -> list[Finding]:
        branches = [_resolve(b, self.schemas.defs) for b in error.validator_value]
        expected: list[str] = []
        for branch in branches:
            for t in _types(branch.get("type") if isinstance(branch, dict) else None):
                if t not in expected:
                    expected.append(t)
        if set(expected) == {"string", "number"}:  # resource.Quantity
            return [self.m.finding(WRONG_TYPE, path, 'expected a quantity such as "500m", '
                                   f'"128Mi" or 2, got {_show(error.instance)}')]
        if expected:
            return [self._wrong_type(path, expected, error.instance)]
        return [self.m.finding(INVALID, path, error.message)]

    _anyOf = _oneOf

    def _enum(self, error: ValidationError, path: tuple) -> list[Finding]:
        options = [_show(v) for v in error.validator_value if v is not None]
        return [self.m.finding(INVALID, path, f"expected {_words(options)}, got "
                                              f"{_show(error.instance)}")]


# -- values the API server restricts (the OpenAPI schemas do not carry these enums) ----------
_PULL = ("Always", "IfNotPresent", "Never")
_PROTOCOLS = ("TCP", "UDP", "SCTP")
_SELECTOR_OPS = ("In", "NotIn", "Exists", "DoesNotExist")
_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_CONTAINER_VALUES = (
    (("imagePullPolicy",), _PULL),
    (("terminationMessagePolicy",), ("File", "FallbackToLogsOnError")),
)
_POD_VALUES = (
    (("restartPolicy",), ("Always", "OnFailure", "Never")),
    (("dnsPolicy",), ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")),
)
_OBJECT_VALUES: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "Service": ((("spec", "type"), ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")),
                (("spec", "sessionAffinity"), ("None", "ClientIP")),
                (("spec", "externalTrafficPolicy"), ("Cluster", "Local")),
                (("spec", "internalTrafficPolicy"), ("Cluster", "Local"))),
    "Deployment": ((("spec", "strategy", "type"), ("Recreate", "RollingUpdate")),),
    "StatefulSet": ((("spec", "podManagementPolicy"), ("OrderedReady", "Parallel")),
                    (("spec", "updateStrategy", "type"), ("RollingUpdate", "OnDelete"))),
    "DaemonSet": ((("spec", "updateStrategy", "type"), ("RollingUpdate", "OnDelete")),),
    "CronJob": ((("spec", "concurrencyPolicy"), ("Allow", "Forbid", "Replace")),),
}
_SELECTOR_PATHS = {
    "Deployment": ("spec", "selector"), "ReplicaSet": ("spec", "selector"),
    "StatefulSet": ("spec", "selector"), "DaemonSet": ("spec", "selector"),
    "Job": ("spec", "selector"), "PodPreset": ("spec", "selector"),
    "PodDisruptionBudget": ("spec", "selector"),
}
_ACCESS_MODES = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")


def _check_value(manifest: Manifest, path: tuple, allowed: Sequence[str],
                 out: list[Finding]) -> None:
    value = manifest.get(path)
    if value is None or not isinstance(value, str) or value in allowed:
        return  # absent (defaulted) or of a wrong type (the schema says so)
    hint = ""
    for option in allowed:
        if option.lower() == value.lower():
            hint = f' (did you mean "{option}"?)'
    out.append(manifest.finding(INVALID, path, f'unsupported value "{value}": supported '
                                f'values: {", ".join(_show(a) for a in allowed)}{hint}'))


def _items(manifest: Manifest, path: tuple) -> list[tuple[tuple, dict]]:
    value = manifest.get(path)
    if not isinstance(value, list):
        return []
    return [((*path, i), item) for i, item in enumerate(value) if isinstance(item, dict)]


def check_values(manifest: Manifest) -> list[Finding]:
    """Fields whose values the API server restricts to a fixed set."""
    from pytest_k8sflow.lint.pods import POD_TEMPLATE_PATHS

    out: list[Finding] = []
    kind = manifest.kind
    for path, allowed in _OBJECT_VALUES.get(kind, ()):
        _check_value(manifest, path, allowed, out)
    if kind == "Service":
        for item_path, _ in _items(manifest, ("spec", "ports")):
            _check_value(manifest, (*item_path, "protocol"), _PROTOCOLS, out)
    selector = _SELECTOR_PATHS.get(kind)
    if selector is not None:
        for item_path, _ in _items(manifest, (*selector, "matchExpressions")):
            _check_value(manifest, (*item_path, "operator"), _SELECTOR_OPS, out)
    claims: list[tuple] = []
    if kind == "PersistentVolumeClaim":
        claims.append(("spec",))
    elif kind == "StatefulSet":
        claims.extend((*p, "spec") for p, _ in _items(manifest, ("spec",
                                                                 "volumeClaimTemplates")))
    for claim in claims:
        modes = manifest.get((*claim, "accessModes"))
        for index in range(len(modes) if isinstance(modes, list) else 0):
            _check_value(manifest, (*claim, "accessModes", index), _ACCESS_MODES, out)
    if kind == "Node":
        for item_path, _ in _items(manifest, ("spec", "taints")):
            _check_value(manifest, (*item_path, "effect"), _EFFECTS, out)
    spec_path = POD_TEMPLATE_PATHS.get(kind)
    if spec_path is not None and isinstance(manifest.get(spec_path), dict):
        for path, allowed in _POD_VALUES:
            _check_value(manifest, (*spec_path, *path), allowed, out)
        for item_path, _ in _items(manifest, (*spec_path, "tolerations")):
            _check_value(manifest, (*item_path, "operator"), ("Exists", "Equal"), out)
            _check_value(manifest, (*item_path, "effect"), _EFFECTS, out)
        for group in ("initContainers", "containers", "ephemeralContainers"):
            for item_path, _ in _items(manifest, (*spec_path, group)):
                for path, allowed in _CONTAINER_VALUES:
                    _check_value(manifest, (*item_path, *path), allowed, out)
                for port_path, _ in _items(manifest, (*item_path, "ports")):
                    _check_value(manifest, (*port_path, "protocol"), _PROTOCOLS, out)
    return out


# -- per manifest ----------------------------------------------------------------------------------
def check_manifest(manifest: Manifest, schemas: SchemaSet, version: str) -> list[Finding]:
    """Schema findings of one manifest, linted for Kubernetes ``version`` with ``schemas``
    (the bundled schemas chosen for it)."""
    data = manifest.data
    api_version, kind = data.get("apiVersion"), data.get("kind")
    out: list[Finding] = []
    missing = [k for k, v in (("apiVersion", api_version), ("kind", kind))
               if not isinstance(v, str) or not v]
    if missing:
        for key in missing:
            value = data.get(key)
            text = f'missing "{key}"' if value in (None, "") else \
                f'"{key}" must be a string, got {_show(value)}'
            out.append(manifest.finding(IDENTITY, (key,) if key in data else (), text,
                                        key=key not in data))
        return out
    assert isinstance(api_version, str) and isinstance(kind, str)
    meta = data.get("metadata")
    if not isinstance(meta, dict) or not (meta.get("name") or meta.get("generateName")):
        where: tuple = ("metadata",) if isinstance(meta, dict) else ()
        out.append(manifest.finding(IDENTITY, where, "missing metadata.name", key=True))

    want = parse_version(version)
    removed = REMOVED_APIS.get((api_version, kind))
    definition = schemas.definition(api_version, kind)
    if removed is not None:
        gone = parse_version(removed.removed_in) <= want
        instead = f"; use {removed.replacement}" if removed.replacement else \
            " and has no replacement"
        if gone:
            if kind == "PodPreset" and manifest.in_scenario:
                # the engine serves PodPreset at every version (scenario-format.md)
                out.append(manifest.finding(
                    REMOVED, ("apiVersion",),
                    f"{api_version} {kind} was removed in Kubernetes {removed.removed_in}: "
                    "k8sflow's engine still serves it, a real cluster does not",
                    severity="info"))
            else:
                out.append(manifest.finding(
                    REMOVED, ("apiVersion",),
                    f"{api_version} {kind} was removed in Kubernetes {removed.removed_in} "
                    f"(linting for {version}){instead}"))
            if kind != "PodPreset":
                return out  # no schema left to check it against
            # PodPreset: the engine serves it, so its shape is still checked
        elif removed.deprecated_in and parse_version(removed.deprecated_in) <= want:
            out.append(manifest.finding(
                DEPRECATED, ("apiVersion",),
                f"{api_version} {kind} is deprecated since Kubernetes {removed.deprecated_in} "
                f"and removed in {removed.removed_in}{instead}"))
        if definition is None:
            out.append(manifest.finding(
                UNKNOWN_KIND, ("kind",),
                f"{api_version} {kind} is served by Kubernetes {version}, but the bundled "
                f"schemas ({schemas.version}) no longer have it: not validated"))
            return out

    if definition is None:
        served = schemas.api_versions_of(kind)
        if served:
            out.append(manifest.finding(
                API_VERSION, ("apiVersion",),
                f'{kind} is not served as "{api_version}"; Kubernetes {schemas.version} '
                f"serves it as {_words([_show(v) for v in served])}"))
            return out
        group = _group(api_version)
        builtin = group in schemas.groups
        if builtin:
            hint = _did_you_mean(kind, schemas.kinds_in_group(group))
            if not hint:
                near = _closest(kind, schemas.kinds())
                if near:
                    served = schemas.api_versions_of(near)
                    hint = f' (did you mean "{near}" of {served[0]}?)' if served else ""
            out.append(manifest.finding(
                UNKNOWN_KIND, ("kind",),
                f'"{kind}" is not a kind of {api_version}{hint}', severity="error"))
        else:
            out.append(manifest.finding(
                UNKNOWN_KIND, ("kind",),
                f"no schema for {api_version} {kind} (a custom resource?): only its "
                "metadata was checked"))
        if isinstance(meta, dict):
            object_meta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
            translator = _Translator(manifest, schemas)
            for error in schemas.errors(object_meta, meta):
                out.extend(translator.findings(error, ("metadata",)))
        return out

    translator = _Translator(manifest, schemas)
    seen: set[tuple[str, str, str]] = set()
    for error in schemas.errors(definition, data):
        for finding in translator.findings(error):
            key = (finding.rule, finding.path, finding.message)
            if key not in seen:
                seen.add(key)
                out.append(finding)
    out.extend(check_values(manifest))
    return out
