"""Lint reports: text for people, JSON for tools, JUnit XML for CI.

* text: one finding per line (``file:line:col: severity [rule] object: message (at path)``)
  with its why below, optionally the explaining scenario, then a summary line;
* JSON: ``{"kubernetesVersion", "findings": [...], "summary": {...}}``; each finding has
  rule, severity, file, line, column, path, object, message, why (and the scenario with
  ``--explain``);
* JUnit: a test suite per file, a test case per object (passing when it has no finding at or
  over ``--fail-on``; lower ones go to its system-out), and a case for the findings that
  concern a whole file (YAML errors, scenario schema).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pytest_k8sflow.lint.api import LintResult
from pytest_k8sflow.lint.model import Finding, severity_rank
from pytest_k8sflow.lint.simulate import simulate

__all__ = ["FORMATS", "render", "render_json", "render_junit", "render_text", "summary_line"]

FORMATS = ("text", "json", "junit")
Explainer = Callable[[Finding], "dict | None"]


def summary_line(result: LintResult) -> str:
    errors, warnings, infos = (result.count(s) for s in ("error", "warning", "info"))
    objects = len(result.manifests)
    files = len(result.files)

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    found = ", ".join((plural(errors, "error"), plural(warnings, "warning"),
                       f"{infos} info"))
    return (f"{found} in {plural(objects, 'object')} of {plural(files, 'file')} "
            f"(Kubernetes {result.kubernetes_version})")


def _yaml(data: Any) -> str:
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[attr-defined]
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def _simulation_lines(scenario: dict) -> list[str]:
    result = simulate(scenario)
    if result.reproduced:
        head = "    simulated: the engine ran it and the predicted consequence happens:"
    else:
        head = f"    simulated: not reproduced ({result.failure}); the cluster showed:"
    return [head] + [f"      - {line}" for line in result.observations]


def render_text(result: LintResult, *, why: bool = True,
                explain: Explainer | None = None) -> str:
    lines = []
    for finding in result.findings:
        lines.append(finding.render(why=why))
        if explain is not None:
            scenario = explain(finding)
            if scenario is not None:
                lines.append("    explain: this scenario shows what happens "
                             "(k8sflow run on it):")
                lines.extend("      " + line for line in _yaml(scenario).splitlines())
                lines.extend(_simulation_lines(scenario))
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


def render_json(result: LintResult, *, explain: Explainer | None = None) -> str:
    findings = []
    for finding in result.findings:
        item = finding.to_dict()
        if explain is not None:
            scenario = explain(finding)
            if scenario is not None:
                item["explain"] = scenario
                item["simulation"] = simulate(scenario).to_dict()
        findings.append(item)
    data = {
        "kubernetesVersion": result.kubernetes_version,
        "schemaVersions": dict(sorted(result.schema_versions.items())),
        "findings": findings,
        "summary": {
            "errors": result.count("error"), "warnings": result.count("warning"),
            "info": result.count("info"), "objects": len(result.manifests),
            "files": len(result.files), "unreadable": result.unreadable,
        },
    }
    if result.notes:
        data["notes"] = list(result.notes)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _case(name: str, classname: str, failing: list[Finding], other: list[Finding],
          file: str, line: int) -> str:
    attrs = (f"name={quoteattr(name)} classname={quoteattr(classname)} "
             f"file={quoteattr(file)} line=\"{line}\"")
    if not failing and not other:
        return f"    <testcase {attrs}/>"
    parts = [f"    <testcase {attrs}>"]
    for finding in failing:
        message = quoteattr(f"[{finding.rule}] {finding.message}")
        parts.append(f"      <failure message={message} type={quoteattr(finding.severity)}>"
                     f"{escape(finding.render())}</failure>")
    if other:
        text = "\n".join(f.render() for f in other)
        parts.append(f"      <system-out>{escape(text)}</system-out>")
    parts.append("    </testcase>")
    return "\n".join(parts)


def render_junit(result: LintResult, *, fail_on: str = "warning") -> str:
    level = severity_rank(fail_on)
    files: dict[str, dict[str, Any]] = {}
    for file in result.files:
        files.setdefault(file, {"objects": {}, "file": []})
    for manifest in result.manifests:
        entry = files.setdefault(manifest.file, {"objects": {}, "file": []})
        key = (manifest.ref, manifest.set_name)
        entry["objects"].setdefault(key, {"manifest": manifest, "findings": []})
    for finding in result.findings:
        entry = files.setdefault(finding.file, {"objects": {}, "file": []})
        manifest = finding.manifest
        if manifest is not None and manifest.file == finding.file:
            key = (manifest.ref, manifest.set_name)
            entry["objects"].setdefault(key, {"manifest": manifest, "findings": []})
            entry["objects"][key]["findings"].append(finding)
        else:
            entry["file"].append(finding)
    suites = []
    total_tests = total_failures = 0
    for file, entry in files.items():
        cases = []
        failures = 0
        if entry["file"]:
            failing = [f for f in entry["file"] if severity_rank(f.severity) >= level]
            other = [f for f in entry["file"] if severity_rank(f.severity) < level]
            failures += bool(failing)
            cases.append(_case("(file)", file, failing, other, file, entry["file"][0].line))
        for (ref, set_name), item in entry["objects"].items():
            findings = item["findings"]
            failing = [f for f in findings if severity_rank(f.severity) >= level]
            other = [f for f in findings if severity_rank(f.severity) < level]
            failures += bool(failing)
            name = f"{ref} (scenario {set_name})" if set_name else ref
            manifest = item["manifest"]
            cases.append(_case(name, file, failing, other, file, manifest.position(())[0]))
        total_tests += len(cases)
        total_failures += failures
        suites.append(f"  <testsuite name={quoteattr(file)} tests=\"{len(cases)}\" "
                      f"failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n"
                      + "\n".join(cases) + "\n  </testsuite>")
    head = (f"<testsuites name=\"k8sflow lint\" tests=\"{total_tests}\" "
            f"failures=\"{total_failures}\" errors=\"0\">")
    body = "\n".join(suites)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + head + "\n" +
            (body + "\n" if body else "") + "</testsuites>\n")


def render(result: LintResult, fmt: str = "text", *, fail_on: str = "warning",
           explain: Explainer | None = None, why: bool = True) -> str:
    if fmt == "json":
        return render_json(result, explain=explain)
    if fmt == "junit":
        return render_junit(result, fail_on=fail_on)
    return render_text(result, why=why, explain=explain)
