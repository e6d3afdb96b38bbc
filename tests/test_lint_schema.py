"""Schema validation with kubernetes-validate's bundled schemas: versions, removed and
deprecated APIs, wrong apiVersions, unknown kinds, values the API server restricts."""

from __future__ import annotations

import pytest

from pytest_k8sflow.lint.api import lint_text
from pytest_k8sflow.lint.config import LintConfig
from pytest_k8sflow.lint.schema import (
    REMOVED_APIS,
    UnsupportedVersion,
    available_versions,
    get_schema_set,
    parse_version,
    resolve_version,
)


def findings(text: str, version: str | None = None, rule: str | None = None):
    result = lint_text(text, "m.yaml", LintConfig(), kubernetes_version=version)
    return [f for f in result.findings if rule is None or f.rule == rule]


def test_versions_are_parsed_and_resolved():
    assert parse_version("1.32") == (1, 32)
    assert parse_version("v1.30.2") == (1, 30)
    with pytest.raises(UnsupportedVersion):
        parse_version("latest")
    versions = available_versions()
    assert "1.32" in versions and versions == tuple(sorted(versions, key=parse_version))
    assert resolve_version("1.32") == ("1.32", None)
    used, note = resolve_version("1.19")
    assert used == versions[0] and "1.19" in note
    used, note = resolve_version("9.99")
    assert used == versions[-1] and note


def test_schema_set_is_built_once_per_version():
    assert get_schema_set("1.32") is get_schema_set("1.32")
    schemas = get_schema_set("1.32")
    assert schemas.definition("apps/v1", "Deployment") == "io.k8s.api.apps.v1.Deployment"
    assert schemas.validator("io.k8s.api.apps.v1.Deployment") is \
        schemas.validator("io.k8s.api.apps.v1.Deployment")
    assert "apps/v1" in schemas.api_versions_of("Deployment")


# The deprecation guide's removals, one per release (kubernetes.io deprecation-guide).
@pytest.mark.parametrize("api_version,kind,removed", [
    ("extensions/v1beta1", "Deployment", "1.16"),
    ("apps/v1beta2", "StatefulSet", "1.16"),
    ("settings.k8s.io/v1alpha1", "PodPreset", "1.20"),
    ("networking.k8s.io/v1beta1", "Ingress", "1.22"),
    ("batch/v1beta1", "CronJob", "1.25"),
    ("policy/v1beta1", "PodDisruptionBudget", "1.25"),
    ("policy/v1beta1", "PodSecurityPolicy", "1.25"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26"),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.27"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", "1.29"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.32"),
])
def test_removed_apis_name_the_release(api_version, kind, removed):
    text = f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x}}\n"
    [finding] = findings(text, "1.32", "removed-api")
    assert f"was removed in Kubernetes {removed}" in finding.message
    assert (finding.line, finding.column) == (1, 13)
    entry = REMOVED_APIS[(api_version, kind)]
    if entry.replacement:
        assert f"use {entry.replacement}" in finding.message


def test_removed_api_depends_on_the_version():
    text = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: x}\nspec: {}\n"
    assert findings(text, "1.25", "removed-api")
    assert findings(text, "1.24", "removed-api") == []
    [deprecated] = findings(text, "1.24", "deprecated-api")
    assert deprecated.severity == "warning"
    assert "deprecated since Kubernetes 1.21 and removed in 1.25; use batch/v1" in \
        deprecated.message
    # no bundled schema for it any more: said, not crashed
    [note] = findings(text, "1.24", "unknown-kind")
    assert "not validated" in note.message
    assert findings(text, "1.20", "deprecated-api") == []


def test_wrong_api_version_for_a_kind():
    text = "apiVersion: apps/v1beta3\nkind: Deployment\nmetadata: {name: d}\n"
    [finding] = findings(text, rule="api-version")
    assert finding.message == 'Deployment is not served as "apps/v1beta3"; Kubernetes ' \
                              '1.32 serves it as "apps/v1"'


def test_custom_resources_are_info_and_still_get_their_metadata_checked():
    text = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n" \
           "  labels: {replicas: 3}\nspec: {anything: [1, 2]}\n"
    result = findings(text)
    assert [(f.rule, f.severity) for f in result] == [("unknown-kind", "info"),
                                                       ("schema-type", "error")]
    assert result[1].path == "$.metadata.labels.replicas"


def test_a_misspelled_builtin_kind_is_an_error_with_a_suggestion():
    text = "apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: d}\n"
    [finding] = findings(text, rule="unknown-kind")
    assert finding.severity == "error"
    assert 'did you mean "Deployment"' in finding.message
    text = "apiVersion: v1\nkind: service\nmetadata: {name: s}\n"
    [finding] = findings(text, rule="unknown-kind")
    assert 'did you mean "Service"' in finding.message


def test_identity():
    [finding] = findings("kind: ConfigMap\nmetadata: {name: c}\n", rule="manifest-identity")
    assert finding.message == 'missing "apiVersion"'
    [finding] = findings("apiVersion: v1\nkind: ConfigMap\n", rule="manifest-identity")
    assert finding.message == "missing metadata.name"
    assert findings("apiVersion: v1\nkind: Pod\nmetadata: {generateName: p-}\n"
                    "spec: {containers: [{name: c, image: 'x:1'}]}\n",
                    rule="manifest-identity") == []
    [finding] = findings("- a\n- b\n", rule="manifest-identity")
    assert "must be a mapping" in finding.message


def test_kind_list_items_are_linted_each_at_its_place():
    text = ("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n"
            "  metadata: {name: a}\n- apiVersion: v1\n  kind: ConfigMap\n"
            "  metadata: {name: b}\n  datta: {}\n")
    [finding] = findings(text, rule="schema-unknown-field")
    assert finding.path == "$.items[1].datta" and finding.line == 10


@pytest.mark.parametrize("snippet,path,message", [
    ("        imagePullPolicy: always\n", "containers[0].imagePullPolicy",
     'unsupported value "always": supported values: "Always", "IfNotPresent", "Never" '
     '(did you mean "Always"?)'),
    ("        ports: [{containerPort: 80, protocol: HTTP}]\n", "containers[0].ports[0].protocol",
     'unsupported value "HTTP": supported values: "TCP", "UDP", "SCTP"'),
])
def test_values_the_api_server_restricts(snippet, path, message):
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
            "      - name: c\n        image: x:1\n" + snippet)
    [finding] = findings(text, rule="schema-invalid")
    assert finding.path == "$.spec." + path
    assert finding.message == message


def test_service_type_and_selector_operator():
    service = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: Nodeport}\n"
    [finding] = findings(service, rule="schema-invalid")
    assert 'did you mean "NodePort"' in finding.message
    deployment = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n"
                  "  selector: {matchExpressions: [{key: a, operator: Equals, values: [b]}]}\n"
                  "  template:\n    metadata: {labels: {a: b}}\n"
                  "    spec: {containers: [{name: c, image: 'x:1'}]}\n")
    assert findings(deployment, rule="schema-invalid")


def test_podpreset_is_validated_with_a_schema_built_from_bundled_types():
    text = ("apiVersion: settings.k8s.io/v1alpha1\nkind: PodPreset\nmetadata: {name: p}\n"
            "spec:\n  selector: {}\n  env: [{name: A, value: 1}]\n  volumes: [{name: v, "
            "emptyDir: {}, bogus: 1}]\n")
    result = lint_text(text, "x.k8sflow.yaml".replace(".k8sflow", ""), LintConfig(),
                       kubernetes_version="1.19")
    rules = {(f.rule, f.path) for f in result.findings}
    assert ("schema-type", "$.spec.env[0].value") in rules
    assert ("schema-unknown-field", "$.spec.volumes[0].bogus") in rules
    assert not any(r == "removed-api" for r, _ in rules)
    # at 1.32 a plain manifest's PodPreset is removed
    assert findings(text, "1.32", "removed-api")
