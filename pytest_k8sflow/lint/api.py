"""Run the lint: every active rule over every lint set, then the config's filters.

``lint_paths(paths)`` is what ``k8sflow lint`` and the pytest mode call; ``lint_text(text)``
lints YAML held in memory (tests, editors). Both return a ``LintResult`` whose findings are
sorted by file, line and column, with duplicates (the same manifest file reached twice, e.g.
as a plain file and from a scenario's ``given``) reported once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pytest_k8sflow.lint.config import LintConfig
from pytest_k8sflow.lint.load import LoadResult, load_inputs, load_texts
from pytest_k8sflow.lint.model import (
    Finding,
    LintSet,
    Manifest,
    Rule,
    all_rules,
    emitted_rule,
    severity_rank,
)
from pytest_k8sflow.lint.schema import (
    DEFAULT_KUBERNETES_VERSION,
    check_manifest,
    get_schema_set,
    parse_version,
    resolve_version,
)

__all__ = ["LintResult", "lint_loaded", "lint_paths", "lint_text", "lint_texts"]

INTERNAL = emitted_rule(
    "internal-error", "error",
    "a lint rule failed on this object; please report it with the manifest",
    source="pytest-k8sflow", family="files")


@dataclass
class LintResult:
    findings: list[Finding]
    manifests: list[Manifest]
    files: list[str]
    sets: list[LintSet]
    unreadable: bool  # some input could not be read or parsed (exit code 2)
    kubernetes_version: str
    schema_versions: dict[str, str] = field(default_factory=dict)  # asked -> bundled used
    notes: list[str] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def failing(self, fail_on: str) -> list[Finding]:
        """Findings at or over ``fail_on``."""
        level = severity_rank(fail_on)
        return [f for f in self.findings if severity_rank(f.severity) >= level]

    def exit_code(self, fail_on: str = "warning") -> int:
        """2: unreadable input; 1: findings at or over ``fail_on``; 0: clean."""
        if self.unreadable:
            return 2
        return 1 if self.failing(fail_on) else 0

    def for_file(self, file: str) -> list[Finding]:
        return [f for f in self.findings if f.file == file]

    def set_of(self, finding: Finding) -> LintSet | None:
        """The lint set (cluster) a finding was made in."""
        for lint_set in self.sets:
            if finding.manifest is not None and any(m is finding.manifest
                                                    for m in lint_set.manifests):
                return lint_set
        return None

    def explain(self, finding: Finding) -> dict | None:
        """The scenario that shows what the finding will do (rules that predict behaviour),
        else None. Running it needs the engine: ``k8sflow run`` or the pytest plugin."""
        from pytest_k8sflow.lint.explain import scenario_for

        lint_set = self.set_of(finding)
        if lint_set is None:
            return None
        return scenario_for(finding, lint_set)


_SHAPE_RULES = ("schema-type", "schema-required", "manifest-identity")


def _run(rule: Rule, target, lint_set: LintSet, sink: list[Finding]) -> None:
    try:
        sink.extend(rule.run(target, lint_set))
    except Exception as exc:  # noqa: BLE001 - a rule bug must not become a traceback
        manifest = target if isinstance(target, Manifest) else None
        message = f"rule {rule.id} failed: {type(exc).__name__}: {exc}"
        if manifest is not None:
            sink.append(manifest.finding(INTERNAL, (), message))
        else:
            sink.append(Finding(INTERNAL.id, INTERNAL.severity, lint_set.scenario_file or "",
                                1, 1, "", "", message, INTERNAL.why, lint_set.name))


def lint_loaded(loaded: LoadResult, config: LintConfig | None = None, *,
                kubernetes_version: str = DEFAULT_KUBERNETES_VERSION) -> LintResult:
    """Lint what ``load_inputs`` read."""
    config = config or LintConfig()
    active = config.active_rules()
    object_rules = [r for r in active if r.scope == "object"]
    set_rules = [r for r in active if r.scope == "set"]
    findings: list[Finding] = list(loaded.findings)
    used: dict[str, str] = {}
    notes: list[str] = []
    for lint_set in loaded.sets:
        if lint_set.version not in used:
            used[lint_set.version], note = resolve_version(lint_set.version)
            if note:
                notes.append(note)
        schemas = get_schema_set(used[lint_set.version])
        for manifest in lint_set.manifests:
            # always validated (even with the schema rules off): later rules need the shape
            schema_findings = check_manifest(manifest, schemas, lint_set.version)
            manifest.schema_ok = not any(f.rule in _SHAPE_RULES for f in schema_findings)
            findings.extend(schema_findings)
        for manifest in lint_set.manifests:
            for rule in object_rules:
                if rule.applies_to(manifest):
                    _run(rule, manifest, lint_set, findings)
        for rule in set_rules:
            _run(rule, lint_set, lint_set, findings)
    findings = config.apply(findings)
    unique: dict[tuple, Finding] = {}
    for finding in findings:
        key = (finding.rule, finding.file, finding.line, finding.column, finding.message)
        unique.setdefault(key, finding)
    ordered = sorted(unique.values(), key=lambda f: f.sort_key)
    return LintResult(findings=ordered, manifests=loaded.manifests, files=loaded.files,
                      sets=loaded.sets, unreadable=loaded.unreadable,
                      kubernetes_version=kubernetes_version, schema_versions=used,
                      notes=notes)


def lint_paths(paths: Sequence[str], config: LintConfig | None = None, *,
               kubernetes_version: str | None = None,
               stdin_text: str | None = None) -> LintResult:
    """Lint files and folders (``-`` reads stdin, or ``stdin_text`` when given)."""
    config = config or LintConfig()
    version = _version(kubernetes_version or config.kubernetes_version)
    loaded = load_inputs(paths, version=version, stdin_text=stdin_text)
    return lint_loaded(loaded, config, kubernetes_version=version)


def lint_texts(texts: Sequence[tuple[str, str]], config: LintConfig | None = None, *,
               kubernetes_version: str | None = None) -> LintResult:
    """Lint in-memory files given as ``(name, text)``; they form one run."""
    config = config or LintConfig()
    version = _version(kubernetes_version or config.kubernetes_version)
    return lint_loaded(load_texts(texts, version=version), config, kubernetes_version=version)


def lint_text(text: str, file: str = "manifest.yaml", config: LintConfig | None = None, *,
              kubernetes_version: str | None = None) -> LintResult:
    """Lint one YAML text (one or more ``---`` documents)."""
    return lint_texts([(file, text)], config, kubernetes_version=kubernetes_version)


def _version(text: str | None) -> str:
    major, minor = parse_version(text or DEFAULT_KUBERNETES_VERSION)
    return f"{major}.{minor}"


def rule_table() -> list[dict]:
    """Every rule as data (id, severity, enabled, why, source, predicts): --list-rules."""
    return [{"id": r.id, "severity": r.severity, "enabled": r.enabled, "why": r.why,
             "source": r.source, "family": r.family, "predicts": r.predicts}
            for r in all_rules()]

