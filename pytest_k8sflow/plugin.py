"""pytest hooks of pytest-k8sflow: options, collection of scenario files, items, reports.

Kept thin: scenario reading lives in ``scenario/``, running in ``scenario/runner.py``, the
engine in ``engine/``. Registered through the ``pytest11`` entry point ``k8sflow``.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest

from pytest_k8sflow.errors import K8sflowError, ScenarioError
from pytest_k8sflow.lint import pytest_mode as lint_mode
from pytest_k8sflow.report import render_failure
from pytest_k8sflow.scenario.model import InvalidScenario, Scenario, parse_scenarios
from pytest_k8sflow.scenario.runner import Runner, ScenarioFailed

DEFAULT_PATTERNS = ["*.k8sflow.yaml", "*.k8sflow.yml"]
_INVALID_DOCUMENTS = pytest.StashKey[int]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("k8sflow", "Kubernetes scenarios (pytest-k8sflow)")
    group.addoption("--k8sflow-seed", type=int, default=None, metavar="N",
                    help="seed for generated names in every scenario (overrides cluster.seed)")
    parser.addini("k8sflow_patterns", type="linelist", default=DEFAULT_PATTERNS,
                  help="glob patterns of scenario files (default: *.k8sflow.yaml "
                       "*.k8sflow.yml)")
    lint_mode.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_INVALID_DOCUMENTS] = 0
    lint_mode.register(config)


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    patterns = parent.config.getini("k8sflow_patterns") or DEFAULT_PATTERNS
    if any(fnmatch.fnmatch(file_path.name, pattern) for pattern in patterns):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtestloop(session: pytest.Session):
    # A malformed scenario document is a collection error, but the contract wants the
    # other scenarios of the run to still run: only when every collection error is such a
    # document do we go on (any other collection error still stops the run as usual).
    invalid = session.config.stash.get(_INVALID_DOCUMENTS, 0)
    if invalid and session.testsfailed == invalid:
        session.config.option.continue_on_collection_errors = True
    return (yield)


class ScenarioFile(pytest.File):
    """A ``*.k8sflow.yaml`` file: one item per scenario document."""

    def collect(self):
        for entry in parse_scenarios(self.path):
            if isinstance(entry, InvalidScenario):
                name = entry.name or f"document {entry.doc_index + 1}"
                yield InvalidScenarioDocument.from_parent(self, name=name, entry=entry)
            else:
                yield ScenarioItem.from_parent(self, name=entry.name, scenario=entry)


class InvalidScenarioDocument(pytest.Collector):
    """A scenario document that failed validation: collecting it reports the problem."""

    def __init__(self, *, entry: InvalidScenario, **kwargs) -> None:
        super().__init__(**kwargs)
        self.entry = entry

    def collect(self):
        self.config.stash[_INVALID_DOCUMENTS] += 1
        raise self.entry.error

    def repr_failure(self, excinfo):  # type: ignore[override]
        if isinstance(excinfo.value, ScenarioError):
            return "invalid scenario: " + "\n".join(e.render() for e in self.entry.errors)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.entry.line - 1, f"invalid scenario document {self.name}"


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, **kwargs) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        for mark in scenario.marks:
            self.add_marker(getattr(pytest.mark, mark.name)(*mark.args, **dict(mark.kwargs)))

    def runtest(self) -> None:
        seed = self.config.getoption("k8sflow_seed")
        runner = Runner(self.scenario, seed=seed)
        self.runner = runner
        runner.run()

    def repr_failure(self, excinfo, style=None):  # type: ignore[override]
        if isinstance(excinfo.value, ScenarioFailed):
            return render_failure(excinfo.value)
        if isinstance(excinfo.value, K8sflowError):
            return f"scenario {self.scenario.name!r}: {excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, self.scenario.line - 1, f"scenario: {self.scenario.name}"


@pytest.fixture
def k8s_cluster():
    """A fresh simulated cluster (3 nodes) for Python tests that drive the engine directly."""
    from pytest_k8sflow.engine.cluster import Cluster

    return Cluster()
