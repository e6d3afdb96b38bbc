"""pytest hooks of pytest-k8sflow: options, collection of scenario files, items, reports.

Kept thin: scenario reading lives in ``scenario/``, running in ``scenario/runner.py``, the
engine in ``engine/``. Registered through the ``pytest11`` entry point ``k8sflow``.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest

from pytest_k8sflow.errors import K8sflowError, ScenarioError
from pytest_k8sflow.golden.session import UpdateLog, payload_for, summary_lines, write_updates
from pytest_k8sflow.lint import pytest_mode as lint_mode
from pytest_k8sflow.report import DEFAULT_TRACE_LINES, render_failure
from pytest_k8sflow.scenario.model import InvalidScenario, Scenario, parse_scenarios
from pytest_k8sflow.scenario.runner import Runner, ScenarioFailed

DEFAULT_PATTERNS = ["*.k8sflow.yaml", "*.k8sflow.yml"]
UPDATE_MODES = ("changed", "new")
_INVALID_DOCUMENTS = pytest.StashKey[int]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("k8sflow", "Kubernetes scenarios (pytest-k8sflow)")
    group.addoption("--k8sflow-seed", type=int, default=None, metavar="N",
                    help="seed for generated names in every scenario (overrides cluster.seed)")
    # no argparse `choices`: a bare `--k8sflow-update PATH` is rewritten before the final
    # parse (pytest_load_initial_conftests), and the early parse must not reject PATH
    group.addoption("--k8sflow-update", nargs="?", const="changed", default=None,
                    metavar="new",
                    help="rewrite the expectations of the scenarios that ran with what the "
                         "engine produced (only the values they name; comments and layout "
                         "kept); =new also records an expect block for scenarios without one")
    group.addoption("--k8sflow-trace", action="store_true", default=False,
                    help="print the timeline of every scenario that ran (writes, components, "
                         "Events, simulated time)")
    group.addoption("--k8sflow-trace-lines", type=int, default=DEFAULT_TRACE_LINES,
                    metavar="N", help="lines of the trace at the end of a failure report "
                                      f"(default {DEFAULT_TRACE_LINES}; 0: none)")
    group.addoption("--k8sflow-plot-failures", default=None, metavar="DIR",
                    help="draw each failing scenario (replicas per ReplicaSet and pod states "
                         "over simulated time) into DIR/<file>-<scenario>.svg and name the "
                         "picture in the failure report (needs the 'plot' extra)")
    parser.addini("k8sflow_patterns", type="linelist", default=DEFAULT_PATTERNS,
                  help="glob patterns of scenario files (default: *.k8sflow.yaml "
                       "*.k8sflow.yml)")
    lint_mode.add_options(parser)


def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser,
                                  args: list[str]) -> None:
    # `--k8sflow-update` takes an optional value; written bare before a path
    # (`pytest --k8sflow-update scenarios/`) argparse would read the path as the value.
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--k8sflow-update":
            args[index] = "--k8sflow-update=changed"


def pytest_configure(config: pytest.Config) -> None:
    mode = config.getoption("k8sflow_update")
    if mode is not None and mode not in UPDATE_MODES:
        raise pytest.UsageError(f"--k8sflow-update={mode}: write --k8sflow-update or "
                                "--k8sflow-update=new")
    config.stash[_INVALID_DOCUMENTS] = 0
    config.pluginmanager.register(_RunState(config), "k8sflow-run-state")
    lint_mode.register(config)


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    patterns = parent.config.getini("k8sflow_patterns") or DEFAULT_PATTERNS
    if any(fnmatch.fnmatch(file_path.name, pattern) for pattern in patterns):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    # Extra report attributes travel to the xdist controller with the report (TestReport
    # keeps unknown keyword arguments), so the controller alone writes files and prints.
    if isinstance(item, ScenarioItem) and call.when == "call":
        runner = getattr(item, "runner", None)
        if runner is not None and item.config.getoption("k8sflow_update"):
            payload = payload_for(runner)
            if payload is not None:
                report.k8sflow_update = payload
        if runner is not None and item.config.getoption("k8sflow_trace") and \
                runner.cluster is not None:
            from pytest_k8sflow.trace import render_trace

            report.k8sflow_trace = {"id": item.nodeid, "text": render_trace(runner)}
        item.runner = None  # the report is built: let the cluster go
    return report


class _RunState:
    """Per-run plugin object: gathers update payloads and traces from the reports (on the
    xdist controller they arrive from the workers), writes files once at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.updates = UpdateLog()
        self.traces: list[dict] = []
        self.results: list = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        payload = getattr(report, "k8sflow_update", None)
        if payload is not None:
            self.updates.add(payload)
        trace = getattr(report, "k8sflow_trace", None)
        if trace is not None:
            self.traces.append(trace)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if _is_xdist_worker(self.config) or not self.config.getoption("k8sflow_update"):
            return
        self.results = write_updates(self.updates, self.config.invocation_params.dir)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if _is_xdist_worker(self.config):
            return
        for trace in sorted(self.traces, key=lambda t: t["id"]):
            terminalreporter.write_sep("-", f"k8sflow trace: {trace['id']}")
            terminalreporter.write_line(trace["text"])
        if self.config.getoption("k8sflow_update"):
            terminalreporter.write_sep("=", "k8sflow update")
            for line in summary_lines(self.results) or ["no scenario ran"]:
                terminalreporter.write_line(line)


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
        # reports name the file as typed relative to where pytest was started (as pytest's
        # own node ids do), not as an absolute path
        for entry in parse_scenarios(_display_path(self.path,
                                                   self.config.invocation_params.dir)):
            if isinstance(entry, InvalidScenario):
                name = entry.name or f"document {entry.doc_index + 1}"
                yield InvalidScenarioDocument.from_parent(self, name=name, entry=entry)
            else:
                yield ScenarioItem.from_parent(self, name=entry.name, scenario=entry)


def _display_path(path: Path, start: Path) -> Path:
    try:
        return path.relative_to(start)
    except ValueError:
        return path


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
        runner = Runner(self.scenario, seed=seed,
                        update=self.config.getoption("k8sflow_update"))
        self.runner = runner
        runner.run()

    def repr_failure(self, excinfo, style=None):  # type: ignore[override]
        if isinstance(excinfo.value, ScenarioFailed):
            text = render_failure(excinfo.value,
                                  trace_lines=self.config.getoption("k8sflow_trace_lines"))
            plot_dir = self.config.getoption("k8sflow_plot_failures")
            if plot_dir:
                text += "\n" + self._plot_failure(excinfo.value, plot_dir)
            return text
        if isinstance(excinfo.value, K8sflowError):
            return f"scenario {self.scenario.name!r}: {excinfo.value}"
        # A bug of ours, not of the scenario: say so, with a short traceback to report.
        return (f"internal error in pytest-k8sflow while running scenario "
                f"{self.scenario.name!r} ({self.path.name}:{self.scenario.line}); please "
                f"report it with the scenario:\n"
                + str(super().repr_failure(excinfo, style="short")))

    def _plot_failure(self, failed: ScenarioFailed, plot_dir: str) -> str:
        import re

        from pytest_k8sflow.plot import draw, plot_data

        runner = failed.runner or getattr(self, "runner", None)
        if runner is None or getattr(runner, "cluster", None) is None:
            return "  plot: nothing to draw (the scenario failed before its cluster existed)"
        stem = self.path.name.split(".")[0]
        slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{stem}-{self.scenario.name}").strip("-")
        target = Path(plot_dir) / f"{slug}.svg"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            draw(plot_data(runner), str(target), self.scenario.name)
        except ImportError:
            return "  plot: not drawn: install the plot extra (pip install 'pytest-k8sflow[plot]')"
        return f"  plot: {target}"

    def reportinfo(self):
        return self.path, self.scenario.line - 1, f"scenario: {self.scenario.name}"


@pytest.fixture
def k8s_cluster():
    """A fresh simulated cluster (3 nodes) for Python tests that drive the engine directly."""
    from pytest_k8sflow.engine.cluster import Cluster

    return Cluster()
