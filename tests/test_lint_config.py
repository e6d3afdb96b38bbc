"""Silencing and tuning rules: .k8sflow-lint.yaml and the k8sflow.io/lint-ignore annotation."""

from __future__ import annotations

import pytest

from pytest_k8sflow.lint.api import lint_text
from pytest_k8sflow.lint.config import (
    ConfigError,
    IgnoreEntry,
    LintConfig,
    find_config,
    load_config,
)

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: tools
spec:
  containers:
  - name: c
    image: busybox
"""


def rules(text: str, config: LintConfig) -> list[str]:
    return [f.rule for f in lint_text(text, "m.yaml", config).findings]


def test_defaults_report_the_untagged_image():
    assert "latest-tag" in rules(POD, LintConfig())


def test_disable_enable_and_globs():
    config = LintConfig()
    config.disable(["latest-tag", "no-*-probe"])
    found = rules(POD, config)
    assert "latest-tag" not in found and "no-liveness-probe" not in found
    assert "missing-requests" in found
    config.enable(["latest-tag"])
    assert "latest-tag" in rules(POD, config)
    with pytest.raises(ConfigError, match='did you mean "latest-tag"'):
        config.disable(["lastest-tag"])


def test_severity_override():
    config = LintConfig(severity={"latest-tag": "error"})
    [finding] = [f for f in lint_text(POD, "m.yaml", config).findings
                 if f.rule == "latest-tag"]
    assert finding.severity == "error"


@pytest.mark.parametrize("entry,silenced", [
    (IgnoreEntry(rules=("latest-tag",)), True),
    (IgnoreEntry(rules=("latest-tag",), kind="Pod", name="deb*", namespace="tools"), True),
    (IgnoreEntry(rules=("latest-tag",), namespace="default"), False),
    (IgnoreEntry(rules=("latest-tag",), kind="Deployment"), False),
    (IgnoreEntry(kind="Pod"), True),
    (IgnoreEntry(rules=("latest-tag",), file="m.yaml"), True),
    (IgnoreEntry(rules=("latest-tag",), file="other/*.yaml"), False),
])
def test_ignore_entries(entry, silenced):
    config = LintConfig(ignores=[entry])
    assert ("latest-tag" not in rules(POD, config)) is silenced


def test_annotation_silences_named_rules_and_reports_unknown_names():
    text = POD.replace("  namespace: tools\n", "  namespace: tools\n  annotations:\n"
                       "    k8sflow.io/lint-ignore: \"latest-tag, no-liveness-probe, "
                       "lastest-tag\"\n")
    result = lint_text(text, "m.yaml", LintConfig())
    found = [f.rule for f in result.findings]
    assert "latest-tag" not in found and "no-liveness-probe" not in found
    [warning] = [f for f in result.findings if f.rule == "lint-ignore"]
    assert 'names "lastest-tag", which is no lint rule (did you mean "latest-tag"?)' in \
        warning.message
    assert warning.line == 7


def test_annotation_all_silences_every_rule_of_the_object_including_cross_object_ones():
    service = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations:\n"
               "    k8sflow.io/lint-ignore: all\nspec: {selector: {app: nothing}}\n")
    assert rules(service, LintConfig()) == []


CONFIG = """\
kubernetesVersion: "1.30"
failOn: error
rules:
  disable: [run-as-root]
  enable: []
  severity:
    latest-tag: error
ignore:
  - rules: [missing-requests]
    namespace: tools
"""


def test_load_config(tmp_path):
    path = tmp_path / ".k8sflow-lint.yaml"
    path.write_text(CONFIG)
    config = load_config(path)
    assert config.kubernetes_version == "1.30"
    assert config.fail_on == "error"
    assert "run-as-root" in config.disabled
    assert config.severity == {"latest-tag": "error"}
    assert config.ignores == [IgnoreEntry(rules=("missing-requests",), namespace="tools")]
    found = rules(POD, config)
    assert "run-as-root" not in found and "missing-requests" not in found


@pytest.mark.parametrize("text,message", [
    ("rules:\n  disable: [no-such-rule]\n", ":2:"),
    ("rulez: {}\n", 'unknown key "rulez"'),
    ("failOn: critical\n", "expected error, warning or info"),
    ("kubernetesVersion: latest\n", "not a Kubernetes version"),
    ("rules:\n  severity: {latest-tag: fatal}\n", "expected error, warning or info"),
    ("ignore:\n  - {kind: Pod, names: x}\n", 'unknown key "names"'),
    ("ignore: [{rules: [nope]}]\n", 'unknown lint rule "nope"'),
    ("a: [\n", "invalid YAML"),
])
def test_config_errors_name_file_and_line(tmp_path, text, message):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_find_config_walks_up(tmp_path):
    (tmp_path / ".k8sflow-lint.yaml").write_text("failOn: info\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_config(nested) == tmp_path / ".k8sflow-lint.yaml"
