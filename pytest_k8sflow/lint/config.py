"""Which rules run and what they may say: the ``.k8sflow-lint.yaml`` file and the
``k8sflow.io/lint-ignore`` annotation.

.. code-block:: yaml

    # .k8sflow-lint.yaml (found in the current folder or a parent; or --config FILE)
    kubernetesVersion: "1.32"      # default for --kubernetes-version
    failOn: warning                # default for --fail-on
    rules:
      disable: [no-liveness-probe, "host-*"]   # ids or globs
      enable: []                   # rules that are off by default
      severity:                    # per-rule severity overrides
        latest-tag: error
    ignore:                        # per-object ignores; every key given must match (globs)
      - rules: [run-as-root]       # omitted or "*": every rule
        kind: DaemonSet
        namespace: monitoring
        name: "node-exporter*"
        file: "legacy/**"

On an object, ``metadata.annotations["k8sflow.io/lint-ignore"]: "rule-a,rule-b"`` silences
those rules for that object (``"*"`` or ``all``: every rule); it also covers findings of
cross-object rules that point at the object. A name in it that is no rule is reported.
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_k8sflow.errors import K8sflowError
from pytest_k8sflow.lint.model import (
    SEVERITIES,
    Finding,
    Manifest,
    Rule,
    all_rules,
    match_rule_ids,
)
from pytest_k8sflow.lint.rules.files import LINT_IGNORE
from pytest_k8sflow.lint.schema import UnsupportedVersion, parse_version
from pytest_k8sflow.scenario.loader import LoadedDocument, load_file

__all__ = [
    "CONFIG_NAMES",
    "IGNORE_ANNOTATION",
    "ConfigError",
    "IgnoreEntry",
    "LintConfig",
    "find_config",
    "load_config",
]

CONFIG_NAMES = (".k8sflow-lint.yaml", ".k8sflow-lint.yml")
IGNORE_ANNOTATION = "k8sflow.io/lint-ignore"
_ALL = ("*", "all")


class ConfigError(K8sflowError):
    """A config file that cannot be used: names the file, line and what is wrong."""


@dataclass(frozen=True)
class IgnoreEntry:
    rules: tuple[str, ...] = ()  # empty: every rule
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None
    file: str | None = None

    def matches(self, finding: Finding) -> bool:
        if self.rules and not any(fnmatch.fnmatchcase(finding.rule, r) for r in self.rules):
            return False
        if self.file is not None and not _path_matches(finding.file, self.file):
            return False
        manifest = finding.manifest
        for value, pattern in ((manifest.kind if manifest else None, self.kind),
                               (manifest.metadata.get("name") if manifest else None,
                                self.name),
                               (manifest.namespace if manifest else None, self.namespace)):
            if pattern is None:
                continue
            if not isinstance(value, str) or not fnmatch.fnmatchcase(value, pattern):
                return False
        return True


def _path_matches(path: str, pattern: str) -> bool:
    posix = Path(path).as_posix()
    pattern = pattern.rstrip("/")
    return fnmatch.fnmatch(posix, pattern) or fnmatch.fnmatch(posix, pattern + "/*") or \
        fnmatch.fnmatch(posix, "*/" + pattern) or fnmatch.fnmatch(posix, "*/" + pattern + "/*")


@dataclass
class LintConfig:
    """The rule selection of a run (config file merged with command-line options)."""

    disabled: set[str] = field(default_factory=set)
    enabled: set[str] = field(default_factory=set)
    severity: dict[str, str] = field(default_factory=dict)
    ignores: list[IgnoreEntry] = field(default_factory=list)
    kubernetes_version: str | None = None
    fail_on: str | None = None
    source: str | None = None  # the config file read, if any

    def is_active(self, rule: Rule) -> bool:
        if rule.id in self.disabled:
            return False
        return rule.enabled or rule.id in self.enabled

    def active_rules(self) -> list[Rule]:
        return [r for r in all_rules() if self.is_active(r)]

    def disable(self, patterns: Iterable[str]) -> None:
        for pattern in patterns:
            self.disabled.update(_rule_ids(pattern))

    def enable(self, patterns: Iterable[str]) -> None:
        for pattern in patterns:
            ids = _rule_ids(pattern)
            self.enabled.update(ids)
            self.disabled.difference_update(ids)

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        """Drop what is disabled or ignored (config entries, object annotations); apply the
        severity overrides; report unknown names in lint-ignore annotations."""
        out: list[Finding] = []
        annotated: dict[int, Manifest] = {}
        active = {r.id: r for r in all_rules() if self.is_active(r)}
        known = _known_ids()
        for finding in findings:
            if finding.rule not in active and finding.rule in known:
                continue
            manifest = finding.manifest
            if manifest is not None:
                if _annotation_ignores(manifest, finding.rule):
                    continue
                annotated[id(manifest)] = manifest
            if any(entry.matches(finding) for entry in self.ignores):
                continue
            if finding.rule in self.severity:
                finding = finding.with_severity(self.severity[finding.rule])
            out.append(finding)
        if LINT_IGNORE.id in active:
            for manifest in annotated.values():
                for finding in _unknown_in_annotation(manifest):
                    if finding.rule in self.severity:
                        finding = finding.with_severity(self.severity[finding.rule])
                    out.append(finding)
        return out


def _known_ids() -> set[str]:
    return {r.id for r in all_rules()}


def _rule_ids(pattern: str) -> list[str]:
    ids = match_rule_ids(pattern)
    if not ids:
        raise ConfigError(f'unknown lint rule "{pattern}"{_did_you_mean(pattern)}')
    return ids


def _did_you_mean(word: str) -> str:
    close = difflib.get_close_matches(word, sorted(_known_ids()), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _annotation_names(manifest: Manifest) -> list[str]:
    value = manifest.annotations.get(IGNORE_ANNOTATION)
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


def _annotation_ignores(manifest: Manifest, rule_id: str) -> bool:
    for name in _annotation_names(manifest):
        if name in _ALL or fnmatch.fnmatchcase(rule_id, name):
            return True
    return False


def _unknown_in_annotation(manifest: Manifest) -> list[Finding]:
    out = []
    known = _known_ids()
    for name in _annotation_names(manifest):
        if name in _ALL or name in known or match_rule_ids(name):
            continue
        out.append(manifest.finding(
            LINT_IGNORE, ("metadata", "annotations", IGNORE_ANNOTATION),
            f'{IGNORE_ANNOTATION} names "{name}", which is no lint rule{_did_you_mean(name)}'))
    return out


# -- the config file ---------------------------------------------------------------------------
_TOP_KEYS = ("kubernetesVersion", "failOn", "rules", "ignore")
_RULE_KEYS = ("disable", "enable", "severity")
_IGNORE_KEYS = ("rules", "kind", "name", "namespace", "file")


def find_config(start: str | Path | None = None) -> Path | None:
    """The nearest ``.k8sflow-lint.yaml`` (or ``.yml``) in ``start`` or a parent folder."""
    folder = Path(start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            path = candidate / name
            if path.is_file():
                return path
    return None


def _fail(doc: LoadedDocument, path: Sequence[str | int], message: str) -> ConfigError:
    error = doc.error_at(path, message, key=True)
    return ConfigError(error.render())


def _strings(doc: LoadedDocument, path: tuple, value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(doc, path, "expected a rule id or a list of rule ids")
    return list(value)


def load_config(path: str | Path) -> LintConfig:
    """Read and check a config file. Raises ConfigError (with file and line)."""
    try:
        loaded = load_file(path)
    except K8sflowError as exc:
        raise ConfigError(str(exc)) from None
    docs = [d for d in loaded.documents if not d.empty]
    config = LintConfig(source=str(path))
    if not docs:
        return config
    doc = docs[0]
    if doc.error is not None:
        raise ConfigError(doc.error.render())
    data = doc.data
    if data is None:
        return config
    if not isinstance(data, dict):
        raise _fail(doc, (), "the lint config is a mapping (kubernetesVersion, failOn, rules, "
                             "ignore)")
    for key in data:
        if key not in _TOP_KEYS:
            raise _fail(doc, (key,), f'unknown key "{key}" (expected one of '
                                     f"{', '.join(_TOP_KEYS)})")
    if "kubernetesVersion" in data:
        raw = data["kubernetesVersion"]
        if not isinstance(raw, str):
            raw = doc.raw_scalar(("kubernetesVersion",)) or str(raw)
        try:
            parse_version(raw)
        except UnsupportedVersion as exc:
            raise _fail(doc, ("kubernetesVersion",), str(exc)) from None
        config.kubernetes_version = raw
    if "failOn" in data:
        if data["failOn"] not in SEVERITIES:
            raise _fail(doc, ("failOn",), "expected error, warning or info")
        config.fail_on = data["failOn"]
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        raise _fail(doc, ("rules",), "expected a mapping with disable, enable, severity")
    for key in rules:
        if key not in _RULE_KEYS:
            raise _fail(doc, ("rules", key), f'unknown key "{key}" (expected one of '
                                             f"{', '.join(_RULE_KEYS)})")
    for key, method in (("disable", config.disable), ("enable", config.enable)):
        if key in rules:
            names = _strings(doc, ("rules", key), rules[key])
            for index, name in enumerate(names):
                try:
                    method([name])
                except ConfigError as exc:
                    where = ("rules", key, index) if isinstance(rules[key], list) else \
                        ("rules", key)
                    raise _fail(doc, where, str(exc)) from None
    severity = rules.get("severity") or {}
    if not isinstance(severity, dict):
        raise _fail(doc, ("rules", "severity"), "expected a mapping of rule id to severity")
    for name, level in severity.items():
        if level not in SEVERITIES:
            raise _fail(doc, ("rules", "severity", name), "expected error, warning or info")
        try:
            ids = _rule_ids(name)
        except ConfigError as exc:
            raise _fail(doc, ("rules", "severity", name), str(exc)) from None
        for rule_id in ids:
            config.severity[rule_id] = level
    ignores = data.get("ignore") or []
    if not isinstance(ignores, list):
        raise _fail(doc, ("ignore",), "expected a list of {rules, kind, name, namespace, "
                                      "file} entries")
    for index, entry in enumerate(ignores):
        if not isinstance(entry, dict) or not entry:
            raise _fail(doc, ("ignore", index), "expected a mapping with some of rules, kind, "
                                                "name, namespace, file")
        for key in entry:
            if key not in _IGNORE_KEYS:
                raise _fail(doc, ("ignore", index, key),
                            f'unknown key "{key}" (expected one of {", ".join(_IGNORE_KEYS)})')
        names = _strings(doc, ("ignore", index, "rules"), entry["rules"]) \
            if "rules" in entry else []
        if any(n in _ALL for n in names):
            names = []
        for name in names:
            if not match_rule_ids(name):
                raise _fail(doc, ("ignore", index, "rules"),
                            f'unknown lint rule "{name}"{_did_you_mean(name)}')
        values = {}
        for key in ("kind", "name", "namespace", "file"):
            if key in entry:
                if not isinstance(entry[key], str):
                    raise _fail(doc, ("ignore", index, key), "expected a text (a glob)")
                values[key] = entry[key]
        config.ignores.append(IgnoreEntry(rules=tuple(names), **values))
    return config
