"""Rules about whole files and about the set of objects: YAML syntax, scenario documents,
documents that are no manifests, ignore annotations, duplicate objects."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_k8sflow.lint.model import Finding, LintSet, Manifest, emitted_rule, rule

YAML_SYNTAX = emitted_rule(
    "yaml-syntax", "error",
    "a document that is not valid YAML cannot be applied at all (kubectl stops at it)",
    source="YAML 1.1 as kubectl reads it (sigs.k8s.io/yaml)", family="files")
SCENARIO_SCHEMA = emitted_rule(
    "scenario-schema", "error",
    "a scenario document that breaks the scenario schema cannot run",
    source="schemas/scenario.schema.json (pytest_k8sflow.scenario.validate)", family="files")
NOT_A_MANIFEST = emitted_rule(
    "not-a-manifest", "info",
    "a YAML document without apiVersion and kind, found while walking a folder, is not a "
    "Kubernetes object: skipped", source="k8s.io/cli-runtime pkg/resource visitor "
    "(kubectl apply -f DIR)", family="files")
LINT_IGNORE = emitted_rule(
    "lint-ignore", "warning",
    "a k8sflow.io/lint-ignore annotation naming a rule that does not exist silences "
    "nothing", source="pytest-k8sflow", family="files")
FILE_ERROR = emitted_rule(
    "unreadable-file", "error",
    "a file that cannot be read (missing, not UTF-8, a folder) was not linted",
    source="pytest-k8sflow", family="files")


@rule("duplicate-object", "error",
      "two manifests for the same object: `kubectl apply` silently keeps only the last one, "
      "`kubectl create` fails with AlreadyExists",
      source="k/k apiserver: objects are keyed by resource, namespace and name",
      scope="set", family="files")
def duplicate_object(lint_set: LintSet) -> Iterator[Finding]:
    seen: dict[tuple[str, str, str], Manifest] = {}
    for manifest in lint_set.manifests:
        meta_name = manifest.metadata.get("name")
        if not manifest.kind or not isinstance(meta_name, str) or not meta_name:
            continue
        key = (manifest.kind, manifest.namespace, meta_name)
        first = seen.get(key)
        if first is None:
            seen[key] = manifest
            continue
        line = first.position(("metadata", "name"))[0]
        where = f"line {line}" if first.file == manifest.file else f"{first.file}:{line}"
        if lint_set.in_scenario:
            yield manifest.finding(
                duplicate_object, ("metadata", "name"),
                f"{manifest.ref} is already in `given` at {where}: this entry is applied "
                "over it (an update, not a second object)", severity="warning")
        else:
            yield manifest.finding(duplicate_object, ("metadata", "name"),
                                   f"{manifest.ref} is already defined at {where}")


def syntax_finding(error, set_name: str = "") -> Finding:
    """A ``yaml-syntax`` finding from the loader's ScenarioError."""
    return Finding(rule=YAML_SYNTAX.id, severity=YAML_SYNTAX.severity,
                   file=error.file or "<unknown>", line=error.line or 1,
                   column=error.column or 1, path=error.path or "", object="",
                   message=error.detail, why=YAML_SYNTAX.why, set_name=set_name)


def file_finding(file: str, message: str, *, line: int = 1, column: int = 1,
                 path: str = "") -> Finding:
    return Finding(rule=FILE_ERROR.id, severity=FILE_ERROR.severity, file=file, line=line,
                   column=column, path=path, object="", message=message, why=FILE_ERROR.why)
