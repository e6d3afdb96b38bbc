"""``pytest --k8sflow-lint PATH``: each manifest file an item that fails with its findings.

The pieces the plugin needs, kept out of plugin.py:

* ``add_options(parser)`` — the command-line options (called from the plugin's
  ``pytest_addoption``); idempotent;
* ``register(config)`` — registers ``LintPlugin`` when ``--k8sflow-lint`` was given (called
  from the plugin's ``pytest_configure``); idempotent.

The whole lint runs once, over every PATH together (so cross-object rules see the same set
as ``k8sflow lint PATH...``), when the first lint item runs; each file's item then reports
the findings of its file at or over ``--k8sflow-lint-fail-on``. Lower findings are attached
to the report as a section. When PATHs are given and the run's own arguments came from
``testpaths`` or the current folder (none were typed), only the lint items are collected.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pytest_k8sflow.errors import K8sflowError
from pytest_k8sflow.lint.api import LintResult, lint_paths
from pytest_k8sflow.lint.config import LintConfig, find_config, load_config
from pytest_k8sflow.lint.load import MANIFEST_SUFFIXES
from pytest_k8sflow.lint.model import SEVERITIES, Finding, severity_rank
from pytest_k8sflow.lint.schema import DEFAULT_KUBERNETES_VERSION

__all__ = ["LintFailed", "LintFile", "LintItem", "LintPlugin", "add_options", "register"]

PLUGIN_NAME = "k8sflow-lint"
_RESULT = pytest.StashKey["LintResult | K8sflowError"]()


def add_options(parser: pytest.Parser) -> None:
    """Add ``--k8sflow-lint PATH`` and its companions (safe to call twice)."""
    group = parser.getgroup("k8sflow", "Kubernetes scenarios (pytest-k8sflow)")
    try:
        group.addoption("--k8sflow-lint", action="append", default=[], metavar="PATH",
                        help="lint the Kubernetes manifests and scenario files under PATH, "
                             "one test item per file (repeatable)")
    except ValueError:
        return  # already added
    group.addoption("--k8sflow-lint-fail-on", choices=SEVERITIES[::-1], default=None,
                    help="an item fails on findings of this severity or higher "
                         "(default warning, or failOn of .k8sflow-lint.yaml)")
    group.addoption("--k8sflow-lint-config", default=None, metavar="FILE",
                    help="lint config file (default: the nearest .k8sflow-lint.yaml)")
    group.addoption("--k8sflow-kubernetes-version", default=None, metavar="VERSION",
                    help=f"Kubernetes version to lint for (default "
                         f"{DEFAULT_KUBERNETES_VERSION})")


def register(config: pytest.Config) -> None:
    """Register the lint collector when ``--k8sflow-lint`` was given (safe to call twice)."""
    paths = config.getoption("k8sflow_lint", default=None) or []
    if not paths or config.pluginmanager.has_plugin(PLUGIN_NAME):
        return
    config.pluginmanager.register(LintPlugin(config, paths), PLUGIN_NAME)


class LintFailed(Exception):
    """A manifest file has findings at or over the fail-on severity."""

    def __init__(self, findings: list[Finding], below: list[Finding]) -> None:
        super().__init__(f"{len(findings)} lint finding(s)")
        self.findings = findings
        self.below = below


class LintPlugin:
    def __init__(self, config: pytest.Config, paths: list[str]) -> None:
        self.config = config
        self.paths = paths
        root = Path(str(config.invocation_params.dir))
        self.roots = [(root / p).resolve() for p in paths]
        self.lint_only = False

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection(self, session: pytest.Session) -> None:
        # typed arguments are kept; defaulted ones (testpaths, cwd) are replaced by PATHs,
        # and then only lint items are collected (no scenario runs, no Python tests)
        config = session.config
        lint_args = [str(p) for p in self.roots]
        if config.args_source == pytest.Config.ArgsSource.ARGS and config.args:
            config.args = [*config.args, *[a for a in lint_args if a not in config.args]]
        else:
            config.args = lint_args
            self.lint_only = True

    def covers(self, path: Path) -> bool:
        resolved = path.resolve()
        return any(resolved == root or root in resolved.parents for root in self.roots)

    @pytest.hookimpl(wrapper=True)
    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector):
        others = yield
        if self.lint_only:
            others = []
        mine = self._lint_file(file_path, parent)
        return [*others, mine] if mine is not None else others

    def _lint_file(self, file_path: Path, parent: pytest.Collector) -> LintFile | None:
        if not file_path.name.endswith(MANIFEST_SUFFIXES) or not self.covers(file_path):
            return None
        if file_path.name.startswith(".") or any(
                part.startswith(".") for part in file_path.resolve().relative_to(
                    _root_of(file_path, self.roots)).parts[:-1]):
            return None  # as `k8sflow lint` skips hidden files and folders
        return LintFile.from_parent(parent, path=file_path)

    def result(self) -> LintResult | K8sflowError:
        stash = self.config.stash
        if _RESULT not in stash:
            try:
                lint_config = _lint_config(self.config)
                version = self.config.getoption("k8sflow_kubernetes_version") or \
                    lint_config.kubernetes_version
                # paths as the user wrote them: findings name files relative to the run
                stash[_RESULT] = lint_paths(self.paths, lint_config,
                                            kubernetes_version=version)
            except K8sflowError as exc:
                stash[_RESULT] = exc
        return stash[_RESULT]

    def fail_on(self) -> str:
        option = self.config.getoption("k8sflow_lint_fail_on")
        if option:
            return option
        result = self.config.stash.get(_CONFIG, None)
        return (result.fail_on if result else None) or "warning"


_CONFIG = pytest.StashKey[LintConfig]()


def _root_of(path: Path, roots: list[Path]) -> Path:
    resolved = path.resolve()
    for root in roots:
        if resolved == root or root in resolved.parents:
            return root if root.is_dir() else root.parent
    return resolved.parent


def _lint_config(config: pytest.Config) -> LintConfig:
    if _CONFIG in config.stash:
        return config.stash[_CONFIG]
    explicit = config.getoption("k8sflow_lint_config")
    if explicit:
        lint_config = load_config(explicit)
    else:
        found = find_config(str(config.invocation_params.dir))
        lint_config = load_config(found) if found else LintConfig()
    config.stash[_CONFIG] = lint_config
    return lint_config


class LintFile(pytest.File):
    """A manifest (or scenario) file under a ``--k8sflow-lint`` PATH: one item."""

    def collect(self):
        yield LintItem.from_parent(self, name="k8sflow-lint")


class LintItem(pytest.Item):
    def _plugin(self) -> LintPlugin:
        plugin = self.config.pluginmanager.get_plugin(PLUGIN_NAME)
        assert isinstance(plugin, LintPlugin)
        return plugin

    def runtest(self) -> None:
        plugin = self._plugin()
        result = plugin.result()
        if isinstance(result, K8sflowError):
            raise result
        level = severity_rank(plugin.fail_on())
        mine = _findings_of(result, self.path)
        failing = [f for f in mine if severity_rank(f.severity) >= level]
        below = [f for f in mine if severity_rank(f.severity) < level]
        if below:
            self.add_report_section("call", "k8sflow lint (below --fail-on)",
                                    "\n".join(f.render() for f in below))
        if failing:
            raise LintFailed(failing, below)

    def repr_failure(self, excinfo, style=None):  # type: ignore[override]
        if isinstance(excinfo.value, LintFailed):
            return "\n".join(f.render() for f in excinfo.value.findings)
        if isinstance(excinfo.value, K8sflowError):
            return f"k8sflow lint: {excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, 0, f"k8sflow lint: {self.path.name}"


def _findings_of(result: LintResult, path: Path) -> list[Finding]:
    target = os.path.normcase(str(path.resolve()))
    out = []
    for finding in result.findings:
        try:
            here = os.path.normcase(str(Path(finding.file).resolve()))
        except OSError:  # pragma: no cover
            continue
        if here == target:
            out.append(finding)
    return out
