"""Failure reports: scenario, step, where the expectation is written, the difference with who
last wrote each differing field, and the end of the run's trace."""

from __future__ import annotations

from pytest_k8sflow.scenario.runner import ScenarioFailed

DEFAULT_TRACE_LINES = 20


def render_failure(error: ScenarioFailed, *, trace_lines: int = DEFAULT_TRACE_LINES) -> str:
    failure = error.failure
    scenario = error.scenario
    lines = [f"scenario {scenario.name!r} ({scenario.file}:{scenario.line}) failed"]
    if failure.step is not None:
        step = failure.step
        lines.append(f"  at {step.label}, {step.file}:{step.line}")
    else:
        lines.append("  in the final expectations" if failure.expectation is not None
                     else "  while setting up")
    if failure.time:
        lines.append(f"  simulated time: {failure.time}")
    lines.append(f"  {failure.headline}")
    if failure.expectation is not None and failure.expectation.location not in failure.headline:
        lines.append(f"  expectation: {failure.expectation.path} "
                     f"({failure.expectation.location})")
    if failure.subject:
        lines.append(f"  compared with: {failure.subject}")
    if failure.detail:
        lines.append("")
        lines.extend("  " + line for line in _with_provenance(error).splitlines())
    runner = error.runner
    if trace_lines and runner is not None and runner.cluster is not None:
        from pytest_k8sflow.trace import render_trace

        lines.append("")
        lines.append(f"  last {trace_lines} lines of the trace "
                     f"(all of it: k8sflow trace '{scenario.file}::{scenario.name}'):")
        lines.extend("    " + line for line in
                     render_trace(runner, tail=trace_lines).splitlines())
    return "\n".join(lines)


def _with_provenance(error: ScenarioFailed) -> str:
    """The difference text, each field line followed by the write that last set it."""
    failure = error.failure
    cluster = error.cluster
    if cluster is None or not cluster.store.keep_history:
        return failure.detail
    from pytest_k8sflow.provenance import annotate_detail

    labels = {0: "given"}
    labels.update({step.index: step.label for step in error.scenario.steps})
    expectation = failure.expectation.data if failure.expectation is not None else None
    try:
        return annotate_detail(failure.detail, cluster.store, expectation,
                               cluster.clock.start_ms, labels)
    except Exception:  # noqa: BLE001 - a report must never fail because of its decoration
        return failure.detail
