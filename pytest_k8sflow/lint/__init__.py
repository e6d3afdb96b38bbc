"""Manifest linting: Kubernetes schemas of a chosen version, the API server's own checks, and
rules that predict what manifests will do (docs/linting.md).

The public surface: lint files or text, the result and its findings, the config, and the
rule registry (``rule`` registers a rule of your own: ``@rule(id, severity, why, source=...)``
on a ``check(manifest, lint_set)`` generator of findings).
"""

from pytest_k8sflow.lint.api import LintResult, lint_paths, lint_text, lint_texts
from pytest_k8sflow.lint.config import ConfigError, LintConfig, load_config
from pytest_k8sflow.lint.model import Finding, LintSet, Manifest, Rule, all_rules, rule

__all__ = [
    "ConfigError",
    "Finding",
    "LintConfig",
    "LintResult",
    "LintSet",
    "Manifest",
    "Rule",
    "all_rules",
    "lint_paths",
    "lint_text",
    "lint_texts",
    "load_config",
    "rule",
]
