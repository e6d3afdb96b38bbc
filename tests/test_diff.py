"""Failure text: rendering mismatches, and the deepdiff-computed differences."""

from __future__ import annotations

import copy

import pytest
from test_matching import CASES, deployment, pod

from pytest_k8sflow.expect.diff import diff_objects, render_mismatches
from pytest_k8sflow.expect.matchers import ABSENT
from pytest_k8sflow.expect.matching import Mismatch, match


def test_render_contract_examples():
    mismatches = match({"status": {"availableReplicas": 3}}, deployment(),
                       api_version="apps/v1", kind="Deployment")
    assert render_mismatches("Deployment/web", mismatches) == (
        "Deployment/web .status.availableReplicas: expected 3, got 2")

    expected = {"metadata": {"labels": {"tier": "db"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}],
                         "tolerations": [{"key": "node.kubernetes.io/not-ready"},
                                         {"key": "node.kubernetes.io/unreachable"},
                                         {"key": "x"}]}}
    text = render_mismatches("Pod/web-0", match(expected, pod(), api_version="v1", kind="Pod"))
    assert text.splitlines() == [
        'Pod/web-0 .metadata.labels.tier: expected "db", got <absent>',
        'Pod/web-0 .spec.containers[name=web].image: expected "nginx:1.25", got "nginx:1.24"',
        'Pod/web-0 .spec.tolerations: expected 3 items, got 2 (missing: {"key": "x"})',
    ]


def test_length_difference_names_the_items():
    actual = {"spec": {"tolerations": [{"key": "a"}, {"key": "b"}, {"key": "c"}]}}
    [m] = match({"spec": {"tolerations": [{"key": "a"}, {"key": "b"}]}}, actual,
                api_version="v1", kind="Pod")
    assert render_mismatches("Pod/p", [m]) == (
        'Pod/p .spec.tolerations: expected 2 items, got 3 (not expected: {"key": "c"})')


def test_render_without_mismatches():
    assert render_mismatches("Pod/web-0", []) == "Pod/web-0: matches"


def test_long_values_are_elided_in_the_middle():
    mismatch = Mismatch(["data", "config"], "a" * 300, "b" * 300)
    line = render_mismatches("ConfigMap/cfg", [mismatch])
    assert "…" in line
    assert len(line) < 450


@pytest.mark.parametrize(("expected", "actual", "target", "paths"),
                         [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_diff_objects_agrees_with_match(expected, actual, target, paths):
    api_version, kind = target
    frozen = copy.deepcopy(actual)
    found = diff_objects(expected, actual, api_version=api_version, kind=kind)
    assert [m.path_text for m in found] == paths
    from_match = match(expected, actual, api_version=api_version, kind=kind)
    assert [m.message for m in found] == [m.message for m in from_match]
    assert actual == frozen


def test_diff_objects_values():
    found = diff_objects({"status": {"availableReplicas": 3, "phase": {"$in": ["A", "B"]},
                                     "missing": {"x": 1}}},
                         {"status": {"availableReplicas": 2, "phase": "C"}})
    assert [(m.path_text, m.expected, m.actual) for m in found] == [
        (".status.availableReplicas", 3, 2),
        (".status.phase", {"$in": ["A", "B"]}, "C"),
        (".status.missing", {"x": 1}, ABSENT),
    ]
    assert found[1].message == 'expected one of ["A", "B"], got "C"'


def test_diff_objects_matches_nothing_when_equal():
    assert diff_objects({"spec": {"replicas": 3.0}}, deployment(),
                        api_version="apps/v1", kind="Deployment") == []
