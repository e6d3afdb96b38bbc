"""The lint data model: findings, rules and their registry, manifests and the sets they form.

* A ``Finding`` is one problem at one place: rule id, severity, file, 1-based line and column,
  JSON path, the object it concerns (``Deployment default/web``), a message saying what is
  wrong here and the rule's one-line ``why``.
* A ``Rule`` is an id, a default severity, a one-line why, the source it follows and a check.
  Object rules see one manifest at a time; set rules see a whole ``LintSet``: the manifests
  that would meet in one cluster (every plain manifest of a run, or one scenario's
  ``given``). Rules that predict behaviour carry ``scenario_for(finding, lint_set)``, which
  returns a minimal scenario (a dict in the scenario format) that shows the consequence when
  run by the engine (``k8sflow lint --explain``).
* A ``Manifest`` is one Kubernetes object as read: its plain data, the loaded document it
  sits in and the JSON path of the object inside that document (``()`` for a document,
  ``("items", 2)`` for an item of a ``List``, ``("given", 0)`` for a scenario's manifest), so
  that any field of it maps back to a line and column.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pytest_k8sflow.scenario.loader import JsonPath, LoadedDocument, json_path

__all__ = [
    "CLUSTER_SCOPED_KINDS",
    "SEVERITIES",
    "Finding",
    "LintSet",
    "Manifest",
    "Rule",
    "Severity",
    "all_rules",
    "get_rule",
    "register",
    "rule",
    "severity_rank",
]

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("info", "warning", "error")  # ascending


def severity_rank(severity: str) -> int:
    """0 for info, 1 for warning, 2 for error."""
    return SEVERITIES.index(severity)


# Kinds that live outside namespaces (k/k: each type's `NamespaceScoped()` in its registry
# strategy). Anything else is treated as namespaced, with "default" when none is written.
CLUSTER_SCOPED_KINDS = frozenset({
    "APIService", "CSIDriver", "CSINode", "CertificateSigningRequest", "ClusterRole",
    "ClusterRoleBinding", "ComponentStatus", "CustomResourceDefinition", "FlowSchema",
    "IngressClass", "MutatingWebhookConfiguration", "Namespace", "Node", "PersistentVolume",
    "PodSecurityPolicy", "PriorityClass", "PriorityLevelConfiguration", "RuntimeClass",
    "StorageClass", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration", "VolumeAttachment", "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding", "DeviceClass", "ResourceSlice", "ClusterTrustBundle",
    "StorageVersionMigration", "VolumeAttributesClass", "IPAddress", "ServiceCIDR",
    "SelfSubjectReview", "TokenReview", "SelfSubjectAccessReview", "SubjectAccessReview",
    "SelfSubjectRulesReview",
})


# -- findings --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One problem at one place. ``line``/``column`` are 1-based; ``path`` is a JSON path
    (``$.spec.template.metadata.labels``) inside the document; ``object`` names the object
    (``Deployment default/web``), empty for problems of a whole file."""

    rule: str
    severity: str
    file: str
    line: int
    column: int
    path: str
    object: str
    message: str
    why: str
    set_name: str = ""  # the scenario whose `given` this object belongs to, if any
    # for --explain and per-object ignores: not part of the finding's identity
    manifest: Manifest | None = field(default=None, compare=False, repr=False, hash=False)

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.rule, self.message)

    def with_severity(self, severity: str) -> Finding:
        return Finding(self.rule, severity, self.file, self.line, self.column, self.path,
                       self.object, self.message, self.why, self.set_name, self.manifest)

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def render(self, *, why: bool = True) -> str:
        """``web.yaml:12:9: error [selector-mismatch] Deployment default/web: ... (at $...)``
        and, indented below, the why."""
        what = f"{self.object}: " if self.object else ""
        at = f" (at {self.path})" if self.path and self.path != "$" else ""
        text = f"{self.location}: {self.severity} [{self.rule}] {what}{self.message}{at}"
        if why and self.why:
            text += f"\n    why: {self.why}"
        return text

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule, "severity": self.severity, "file": self.file,
            "line": self.line, "column": self.column, "path": self.path,
            "object": self.object, "message": self.message, "why": self.why,
        }
        if self.set_name:
            out["scenario"] = self.set_name
        return out


# -- manifests -------------------------------------------------------------------------------
@dataclass(eq=False)
class Manifest:
    """One Kubernetes object as read from a file (see the module docstring)."""

    data: dict
    doc: LoadedDocument
    at: JsonPath = ()
    set_name: str = ""  # "" for plain manifest files; the scenario's name for its `given`
    explicit: bool = True  # named on the command line (not found by walking a folder)
    in_scenario: bool = False
    version: str = ""  # the Kubernetes version it is linted for ("1.32")
    # False when schema validation found a wrong type or a missing field: the API server
    # would refuse the object, so rules that simulate what happens next leave it alone
    schema_ok: bool = True

    @property
    def file(self) -> str:
        return self.doc.file

    @property
    def api_version(self) -> str:
        value = self.data.get("apiVersion")
        return value if isinstance(value, str) else ""

    @property
    def group(self) -> str:
        return self.api_version.split("/", 1)[0] if "/" in self.api_version else ""

    @property
    def kind(self) -> str:
        value = self.data.get("kind")
        return value if isinstance(value, str) else ""

    @property
    def metadata(self) -> dict:
        meta = self.data.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def name(self) -> str:
        meta = self.metadata
        name = meta.get("name")
        if isinstance(name, str) and name:
            return name
        generate = meta.get("generateName")
        return f"{generate}*" if isinstance(generate, str) and generate else ""

    @property
    def namespaced(self) -> bool:
        return self.kind not in CLUSTER_SCOPED_KINDS

    @property
    def namespace(self) -> str:
        if not self.namespaced:
            return ""
        namespace = self.metadata.get("namespace")
        return namespace if isinstance(namespace, str) and namespace else "default"

    @property
    def labels(self) -> dict:
        labels = self.metadata.get("labels")
        return labels if isinstance(labels, dict) else {}

    @property
    def annotations(self) -> dict:
        annotations = self.metadata.get("annotations")
        return annotations if isinstance(annotations, dict) else {}

    @property
    def ref(self) -> str:
        """``Deployment default/web``; ``Node node-1`` for cluster-scoped objects."""
        name = self.name or "<no name>"
        if not self.kind:
            return f"object {name}" if self.name else "object"
        return f"{self.kind} {self.namespace}/{name}" if self.namespaced else \
            f"{self.kind} {name}"

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """(group, kind, namespace, name): what the API server keys objects by."""
        return (self.group, self.kind, self.namespace, self.name)

    def get(self, path: Sequence[str | int], default: Any = None) -> Any:
        """The value at ``path`` inside the object, or ``default``."""
        value: Any = self.data
        for part in path:
            if isinstance(part, int):
                if not isinstance(value, list) or not -len(value) <= part < len(value):
                    return default
            elif not isinstance(value, dict) or part not in value:
                return default
            value = value[part]
        return value

    def doc_path(self, path: Sequence[str | int]) -> JsonPath:
        return (*self.at, *path)

    def position(self, path: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at ``path`` in the object (of its key when
        ``key``), or of its nearest written ancestor."""
        full = self.doc_path(path)
        return self.doc.key_position(full) if key else self.doc.position(full)

    def finding(self, rule: Rule, path: Sequence[str | int], message: str, *,
                severity: str | None = None, key: bool = False) -> Finding:
        """A finding of ``rule`` about this object at ``path`` (relative to the object)."""
        line, column = self.position(path, key=key)
        return Finding(rule=rule.id, severity=severity or rule.severity, file=self.file,
                       line=line, column=column, path=json_path(self.doc_path(path)),
                       object=self.ref, message=message, why=rule.why,
                       set_name=self.set_name, manifest=self)


@dataclass(eq=False)
class LintSet:
    """The manifests that would meet in one cluster: cross-object rules look only inside."""

    name: str  # "" for the plain manifests of a run; a scenario's name
    manifests: list[Manifest]
    version: str
    nodes: list[dict] | None = None  # the cluster's Node objects when known, else None
    in_scenario: bool = False
    scenario_file: str = ""
    _by_kind: dict[str, list[Manifest]] = field(default_factory=dict, repr=False)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for manifest in self.manifests:
            self._by_kind.setdefault(manifest.kind, []).append(manifest)

    def of_kind(self, *kinds: str) -> list[Manifest]:
        """Manifests of these kinds, in reading order."""
        if len(kinds) == 1:
            return list(self._by_kind.get(kinds[0], ()))
        return [m for m in self.manifests if m.kind in kinds]

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A value computed once per set (indexes shared by the rules)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def node_objects(self) -> list[dict]:
        """The declared nodes: the scenario's cluster nodes, else the Node manifests."""
        if self.nodes is not None:
            return self.nodes
        return [m.data for m in self.of_kind("Node") if m.schema_ok]


# -- rules -----------------------------------------------------------------------------------
Check = Callable[..., Iterable[Finding]]
ScenarioFor = Callable[[Finding, LintSet], "dict | None"]


@dataclass
class Rule:
    """A lint rule. ``scope``: "object" (``check(manifest, lint_set)``), "set"
    (``check(lint_set)``) or "emitted" (findings made elsewhere, e.g. by schema validation;
    the rule is here for its id, severity, why and docs)."""

    id: str
    severity: str
    why: str
    source: str
    scope: Literal["object", "set", "emitted"] = "object"
    check: Check | None = None
    kinds: tuple[str, ...] = ()  # object rules: only these kinds (empty: every kind)
    enabled: bool = True  # off by default: turned on with `enable:` in the config
    scenario_for: ScenarioFor | None = None  # rules that predict behaviour (--explain)
    family: str = ""

    def explainer(self, function: ScenarioFor) -> ScenarioFor:
        """Decorator: register ``function(finding, lint_set) -> scenario dict | None``."""
        self.scenario_for = function
        return function

    @property
    def predicts(self) -> bool:
        return self.scenario_for is not None

    def applies_to(self, manifest: Manifest) -> bool:
        return not self.kinds or manifest.kind in self.kinds

    def run(self, target: Any, lint_set: LintSet | None = None) -> Iterator[Finding]:
        if self.check is None:
            return iter(())
        if self.scope == "set":
            return iter(self.check(target))
        return iter(self.check(target, lint_set))


_REGISTRY: dict[str, Rule] = {}


def register(new: Rule) -> Rule:
    if new.id in _REGISTRY:
        raise ValueError(f"lint rule {new.id!r} is registered twice")
    _REGISTRY[new.id] = new
    return new


def rule(id: str, severity: str, why: str, *, source: str, scope: str = "object",
         kinds: Sequence[str] = (), enabled: bool = True, family: str = ""
         ) -> Callable[[Check], Rule]:
    """Decorator turning a check function into a registered Rule (returned in its place)."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")

    def wrap(check: Check) -> Rule:
        return register(Rule(id=id, severity=severity, why=why, source=source,
                             scope=scope, check=check, kinds=tuple(kinds),  # type: ignore
                             enabled=enabled, family=family))
    return wrap


def emitted_rule(id: str, severity: str, why: str, *, source: str, family: str = "") -> Rule:
    """Register a rule whose findings are made elsewhere (schema validation, loading)."""
    return register(Rule(id=id, severity=severity, why=why, source=source, scope="emitted",
                         family=family))


def _load_builtin() -> None:
    # importing the package registers every built-in rule, in a fixed order
    import pytest_k8sflow.lint.rules  # noqa: F401


def all_rules() -> list[Rule]:
    """Every registered rule, built-in ones first, in registration order."""
    _load_builtin()
    return list(_REGISTRY.values())


def get_rule(rule_id: str) -> Rule | None:
    _load_builtin()
    return _REGISTRY.get(rule_id)


def match_rule_ids(pattern: str) -> list[str]:
    """Rule ids matching a name or a glob (``host-*``)."""
    _load_builtin()
    if pattern in _REGISTRY:
        return [pattern]
    return [rid for rid in _REGISTRY if fnmatch.fnmatchcase(rid, pattern)]


def label_text(labels: Mapping | None) -> str:
    """``app=web,tier=front`` (sorted), ``<none>`` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels, key=str))
