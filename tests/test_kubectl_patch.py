"""kubectl patch and taint (kubectl pkg/cmd/patch, pkg/cmd/taint and its taint_test.go)."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.cluster import Cluster
from pytest_k8sflow.kubectl.commands_common import CommandFailed
from pytest_k8sflow.kubectl.commands_patch import parse_taint_specs, reorganize_taints
from pytest_k8sflow.kubectl.run import run_kubectl

A = {"key": "a", "value": "1", "effect": "NoSchedule"}
B = {"key": "b", "value": "2", "effect": "NoExecute"}


@pytest.mark.parametrize("specs,add,remove", [
    (["a=1:NoSchedule"], [A], []),
    (["b:NoExecute"], [{"key": "b", "effect": "NoExecute"}], []),
    (["a:NoSchedule-"], [], [{"key": "a", "effect": "NoSchedule"}]),
    (["a=1:NoSchedule-"], [], [{"key": "a", "effect": "NoSchedule"}]),
    (["a-"], [], [{"key": "a"}]),
    (["a=1:NoSchedule", "b-"], [A], [{"key": "b"}]),
])
def test_parse_taint_specs(specs, add, remove):
    assert parse_taint_specs(specs) == (add, remove)


@pytest.mark.parametrize("specs,message", [
    (["a=1:Sometimes"], "invalid taint effect: Sometimes, unsupported taint effect"),
    (["a=1"], "invalid taint spec: a=1"),
    (["a=1:NoSchedule", "a=2:NoSchedule"], "duplicated taints with the same key and effect"),
    (["a=1:NoSchedule", "a:NoSchedule-"], "can not both modify and remove"),
])
def test_parse_taint_specs_errors(specs, message):
    with pytest.raises(CommandFailed, match=message.replace("[", r"\[")):
        parse_taint_specs(specs)


@pytest.mark.parametrize("old,overwrite,add,remove,verdict,taints", [
    # taint_test.go "node with no taints" + new taint: tainted
    ([], False, [A], [], "tainted", [A]),
    # a second, different taint goes first, old ones follow
    ([A], False, [B], [], "tainted", [B, A]),
    # --overwrite replaces in place and always reports modified
    ([A], True, [{**A, "value": "9"}], [], "modified", [{**A, "value": "9"}]),
    # removal by key and effect, and by key for every effect
    ([A, B], False, [], [{"key": "a", "effect": "NoSchedule"}], "untainted", [B]),
    ([A, B], False, [], [{"key": "b"}], "untainted", [A]),
    # add one and remove another: modified
    ([A], False, [B], [{"key": "a"}], "modified", [B]),
])
def test_reorganize_taints(old, overwrite, add, remove, verdict, taints):
    got_verdict, got_taints, errors = reorganize_taints(old, overwrite, add, remove)
    assert (got_verdict, got_taints, errors) == (verdict, taints, [])


def test_reorganize_taints_reports_missing_removals():
    _, _, errors = reorganize_taints([A], False, [], [{"key": "x", "effect": "NoExecute"}])
    assert errors == ['taint "x:NoExecute" not found']


def test_patch_types_and_no_change():
    cluster = Cluster(nodes=1)
    cluster.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"},
                    "data": {"a": "1"}})
    result = run_kubectl(cluster, "patch configmap cfg -p '{\"data\":{\"b\":\"2\"}}'")
    assert (result.stdout, result.exit_code) == ("configmap/cfg patched\n", 0)
    again = run_kubectl(cluster, "patch configmap cfg --type=merge -p '{\"data\":{\"b\":\"2\"}}'")
    assert again.stdout == "configmap/cfg patched (no change)\n"
    removed = run_kubectl(cluster, "patch cm cfg --type=json -p "
                                   "'[{\"op\":\"remove\",\"path\":\"/data/a\"}]'")
    assert removed.ok and cluster.get("ConfigMap", "cfg")["data"] == {"b": "2"}
    bad = run_kubectl(cluster, "patch cm cfg --type=xml -p '{}'")
    assert not bad.ok and 'error: --type must be one of [json merge strategic], not "xml"' \
        in bad.stderr
    missing = run_kubectl(cluster, "patch cm nope -p '{\"data\":{}}'")
    assert 'configmaps "nope" not found' in missing.stderr


def test_patch_is_refused_in_expectations():
    from pytest_k8sflow.kubectl.commands_common import KubectlReadOnlyError

    cluster = Cluster(nodes=1)
    with pytest.raises(KubectlReadOnlyError):
        run_kubectl(cluster, "patch node node-1 -p '{\"spec\":{}}'", read_only=True)
