"""Failure reports: scenario, step, where the expectation is written, and the difference."""

from __future__ import annotations

from pytest_k8sflow.scenario.runner import ScenarioFailed


def render_failure(error: ScenarioFailed) -> str:
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
        lines.extend("  " + line for line in failure.detail.splitlines())
    return "\n".join(lines)
