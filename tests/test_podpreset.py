"""PodPreset admission: k/k plugin/pkg/admission/podpreset/admission_test.go (1.18/1.19 copy)
and k/k pkg/apis/settings/validation/validation_test.go, ported; plus the rules they imply."""

from __future__ import annotations

import copy

import pytest

from pytest_k8sflow.engine.admission.podpreset import (
    EXCLUDE_ANNOTATION,
    PresetConflict,
    admit_pod,
    aggregate_message,
    default_podpreset,
    env_from_merge_key,
    go_env_var,
    go_volume_mount,
    make_podpreset_plugin,
    merge_env,
    merge_env_from,
    merge_volume_mounts,
    merge_volumes,
    podpreset_available,
    validate_podpreset,
)
from pytest_k8sflow.engine.apierrors import ApiError
from pytest_k8sflow.engine.apiserver import ApiServer
from pytest_k8sflow.engine.names import NameGenerator, UidGenerator
from pytest_k8sflow.engine.store import Store


def preset(name="hello", namespace="namespace", *, selector=None, rv="1", **spec):
    if selector is None:
        selector = {"matchExpressions": [{"key": "security", "operator": "In",
                                          "values": ["S2"]}]}
    return {"apiVersion": "settings.k8s.io/v1alpha1", "kind": "PodPreset",
            "metadata": {"name": name, "namespace": namespace, "resourceVersion": rv},
            "spec": {"selector": selector, **spec}}


def only(**spec):
    """A preset with just these spec fields (the merge tests use unnamed presets)."""
    return {"metadata": {"name": ""}, "spec": spec}


def pod(name="mypod", namespace="namespace", *, labels=None, annotations=None, env=None,
        **spec):
    meta = {"name": name, "labels": {"security": "S2"} if labels is None else labels}
    if namespace is not None:
        meta["namespace"] = namespace
    if annotations:
        meta["annotations"] = annotations
    container = {"name": "container"}
    if env is not None:
        container["env"] = env
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [container], **spec}}


def e(name, value):
    return {"name": name, "value": value}


EMPTY_DIR = {"emptyDir": {}}


def vol(name, source=None):
    return {"name": name, **(source or EMPTY_DIR)}


def cm_ref(name, prefix=None, optional=None):
    ref = {"name": name}
    if optional is not None:
        ref["optional"] = optional
    out = {"configMapRef": ref}
    if prefix:
        out["prefix"] = prefix
    return out


FULL_SPEC = {
    "volumes": [vol("vol")],
    "env": [e("abcd", "value"), e("ABC", "value")],
    "envFrom": [cm_ref("abc"), cm_ref("abc", prefix="pre_")],
}


# -- TestMergeEnv ------------------------------------------------------------------------------
@pytest.mark.parametrize("orig, mod, result, should_fail", [
    pytest.param(None, [e("abc", "value2"), e("ABC", "value3")],
                 [e("abc", "value2"), e("ABC", "value3")], False, id="empty original"),
    pytest.param([e("abcd", "value2"), e("hello", "value3")],
                 [e("abc", "value2"), e("ABC", "value3")],
                 [e("abcd", "value2"), e("hello", "value3"), e("abc", "value2"),
                  e("ABC", "value3")], False, id="good merge"),
    pytest.param([e("abc", "value3")], [e("abc", "value2"), e("ABC", "value3")], None, True,
                 id="conflict"),
    pytest.param([e("abc", "value2"), e("hello", "value3")],
                 [e("abc", "value2"), e("ABC", "value3")],
                 [e("abc", "value2"), e("hello", "value3"), e("ABC", "value3")], False,
                 id="one is exact same"),
])
def test_merge_env(orig, mod, result, should_fail):
    merged, errors = merge_env(orig, [only(env=mod)])
    assert bool(errors) == should_fail
    assert merged == result


# -- TestMergeEnvFrom (+ the 1.15 merge key) -----------------------------------------------------
@pytest.mark.parametrize("orig, mod, result", [
    pytest.param(None, [cm_ref("abc"), cm_ref("abc", prefix="pre_")],
                 [cm_ref("abc"), cm_ref("abc", prefix="pre_")], id="empty original"),
    pytest.param([cm_ref("thing")], [cm_ref("abc"), cm_ref("abc", prefix="pre_")],
                 [cm_ref("thing"), cm_ref("abc"), cm_ref("abc", prefix="pre_")],
                 id="good merge"),
])
def test_merge_env_from(orig, mod, result):
    merged, errors = merge_env_from(orig, [only(envFrom=mod)])
    assert errors == []
    assert merged == result


def test_merge_env_from_same_key_is_kept_once():
    merged, errors = merge_env_from([cm_ref("abc")], [only(envFrom=[cm_ref("abc")])])
    assert (merged, errors) == ([cm_ref("abc")], [])


def test_merge_env_from_before_1_15_appends_duplicates():
    merged, _ = merge_env_from([cm_ref("abc")], [only(envFrom=[cm_ref("abc")])],
                               version=(1, 14))
    assert merged == [cm_ref("abc"), cm_ref("abc")]


def test_merge_env_from_two_presets_both_append():
    # The key map holds only the container's own entries (mergeEnvFrom).
    merged, _ = merge_env_from(None, [only(envFrom=[cm_ref("x")]), only(envFrom=[cm_ref("x")])])
    assert merged == [cm_ref("x"), cm_ref("x")]


def test_merge_env_from_optional_difference_is_an_error_with_no_result():
    merged, errors = merge_env_from([cm_ref("abc")],
                                    [only(envFrom=[cm_ref("abc", optional=True)])])
    assert merged is None
    assert errors and errors[0].startswith("merging envFrom for  has a conflict: \n")


@pytest.mark.parametrize("source, key", [
    pytest.param({"prefix": "p_", "configMapRef": {"name": "a", "optional": True}},
                 ("p_", "a", ""), id="configmap"),
    pytest.param({"secretRef": {"name": "s"}}, ("", "", "s"), id="secret"),
    pytest.param({}, ("", "", ""), id="empty"),
])
def test_env_from_merge_key(source, key):
    # TestEnvFromMergeKey: every field but the Optional flags is part of the key.
    assert env_from_merge_key(source) == key


# -- TestMergeVolumeMounts ---------------------------------------------------------------------
def m(name, path, **extra):
    return {"name": name, "mountPath": path, **extra}


@pytest.mark.parametrize("orig, mod, result, should_fail", [
    pytest.param(None, [m("simply-mounted-volume", "/opt/")],
                 [m("simply-mounted-volume", "/opt/")], False, id="empty original"),
    pytest.param([m("etc-volume", "/etc/")], [m("simply-mounted-volume", "/opt/")],
                 [m("etc-volume", "/etc/"), m("simply-mounted-volume", "/opt/")], False,
                 id="good merge"),
    pytest.param([m("etc-volume", "/etc/")],
                 [m("simply-mounted-volume", "/opt/"), m("etc-volume", "/things/")], None,
                 True, id="conflict"),
    pytest.param([m("etc-volume", "/etc/")],
                 [m("simply-mounted-volume", "/opt/"), m("things-volume", "/etc/")], None,
                 True, id="conflict on mount path"),
    pytest.param([m("etc-volume", "/etc/")],
                 [m("simply-mounted-volume", "/opt/"), m("etc-volume", "/etc/")],
                 [m("etc-volume", "/etc/"), m("simply-mounted-volume", "/opt/")], False,
                 id="one is exact same"),
])
def test_merge_volume_mounts(orig, mod, result, should_fail):
    merged, errors = merge_volume_mounts(orig, [only(volumeMounts=mod)])
    assert bool(errors) == should_fail
    assert merged == result


def test_merge_volume_mounts_read_only_difference_conflicts():
    _, errors = merge_volume_mounts([m("a", "/a")], [only(volumeMounts=[m("a", "/a",
                                                                          readOnly=True)])])
    assert len(errors) == 2  # by name and by mount path


def test_merge_volume_mounts_same_volume_twice_in_one_preset_conflicts():
    # One volume mounted at two paths: the second mount meets the first by name.
    _, errors = merge_volume_mounts(None, [only(volumeMounts=[
        m("root-cas", "/etc/ssl/a", subPath="a"), m("root-cas", "/etc/ssl/b", subPath="b")])])
    assert len(errors) == 1
    assert "has a conflict on root-cas: \n" in errors[0]


def test_merge_volume_mounts_false_read_only_equals_unset():
    merged, errors = merge_volume_mounts([m("a", "/a", readOnly=False)],
                                         [only(volumeMounts=[m("a", "/a")])])
    assert errors == [] and merged == [m("a", "/a", readOnly=False)]


# -- TestMergeVolumes --------------------------------------------------------------------------
@pytest.mark.parametrize("orig, mod, result, should_fail", [
    pytest.param(None, [vol("vol"), vol("vol2")], [vol("vol"), vol("vol2")], False,
                 id="empty original"),
    pytest.param([vol("vol3"), vol("vol4")], [vol("vol"), vol("vol2")],
                 [vol("vol3"), vol("vol4"), vol("vol"), vol("vol2")], False, id="good merge"),
    pytest.param([vol("vol3"), vol("vol4")],
                 [vol("vol3", {"hostPath": {"path": "/etc/apparmor.d"}}), vol("vol2")], None,
                 True, id="conflict"),
    pytest.param([vol("vol3"), vol("vol4")], [vol("vol3"), vol("vol2")],
                 [vol("vol3"), vol("vol4"), vol("vol2")], False, id="one is exact same"),
])
def test_merge_volumes(orig, mod, result, should_fail):
    merged, errors = merge_volumes(orig, [only(volumes=mod)])
    assert bool(errors) == should_fail
    assert merged == result


def test_merge_volumes_empty_is_none():
    assert merge_volumes(None, [only(env=[e("a", "b")])]) == (None, [])


def test_merge_volumes_compares_after_defaulting():
    # A preset secret volume is stored with defaultMode 420, like the defaulted pod volume.
    pod_volume = vol("s", {"secret": {"secretName": "x", "defaultMode": 420}})
    stored = default_podpreset(preset(volumes=[vol("s", {"secret": {"secretName": "x"}})]))
    merged, errors = merge_volumes([pod_volume], [stored])
    assert errors == [] and merged == [pod_volume]


# -- the Admit tests ---------------------------------------------------------------------------
def admit(p, *presets, namespace="namespace", **kw):
    return admit_pod(p, list(presets), namespace=namespace, **kw)


def test_admit_conflict_with_different_namespace_should_do_nothing():
    p = pod(env=[e("abc", "value2"), e("ABC", "value3")])
    result = admit(p, preset(namespace="othernamespace",
                             env=[e("abc", "value"), e("ABC", "value")]))
    assert result.pod == p and result.conflict is None and result.applied == ()


def test_admit_conflict_with_non_matching_labels_should_not_error():
    p = pod(env=[e("abc", "value2"), e("ABC", "value3")])
    result = admit(p, preset(selector={"matchExpressions": [
        {"key": "security", "operator": "In", "values": ["S3"]}]},
        env=[e("abc", "value"), e("ABC", "value")]))
    assert result.pod == p and result.conflict is None and result.matched == ()


def test_admit_conflict_should_not_modify_pod():
    p = pod(env=[e("abc", "value2"), e("ABC", "value3")])
    original = copy.deepcopy(p)
    result = admit(p, preset(env=[e("abc", "value"), e("ABC", "value")]))
    assert result.pod == original
    assert result.conflict is not None and result.applied == ()
    assert p == original


def test_admit():
    p = pod(env=[e("abc", "value2"), e("ABCD", "value3")])
    result = admit(p, preset(rv="42", **FULL_SPEC))
    out = result.pod
    container = out["spec"]["containers"][0]
    assert result.applied == ("hello",)
    assert container["env"] == [e("abc", "value2"), e("ABCD", "value3"), e("abcd", "value"),
                                e("ABC", "value")]
    assert container["envFrom"] == [cm_ref("abc"), cm_ref("abc", prefix="pre_")]
    assert out["spec"]["volumes"] == [vol("vol")]
    assert out["metadata"]["annotations"] == {
        "podpreset.admission.kubernetes.io/podpreset-hello": "42"}


def test_admit_mirror_pod():
    p = pod(annotations={"kubernetes.io/config.mirror": "mirror"})
    result = admit(p, preset(**FULL_SPEC))
    assert result.pod == p and result.skipped == "mirror pod"


def test_exclusion_no_admit():
    p = pod(annotations={EXCLUDE_ANNOTATION: "true"}, env=[e("abc", "value2")])
    result = admit(p, preset(**FULL_SPEC))
    assert result.pod == p and result.skipped == "excluded"


@pytest.mark.parametrize("value", ["True", "yes", "1", "TRUE"])
def test_exclusion_needs_exactly_true(value):
    result = admit(pod(annotations={EXCLUDE_ANNOTATION: value}), preset(**FULL_SPEC))
    assert result.applied == ("hello",)


def test_admit_empty_pod_namespace():
    # The pod carries no namespace; the request's ("namespace") is used, and the preset lives
    # in another one.
    p = pod(namespace=None, env=[e("abc", "value2")])
    result = admit(p, preset(namespace="different", **FULL_SPEC))
    assert result.pod == p and result.applied == ()


def test_admit_uses_request_namespace_for_pod_without_namespace():
    result = admit(pod(namespace=None), preset(**FULL_SPEC))
    assert result.applied == ("hello",)


def test_admit_is_idempotent():
    # WithReinvocationTesting: a second run on the output changes nothing.
    first = admit(pod(), preset(**FULL_SPEC)).pod
    second = admit(first, preset(**FULL_SPEC)).pod
    assert second == first


def test_admit_update_does_nothing():
    p = pod()
    assert admit(p, preset(**FULL_SPEC), operation="UPDATE").pod == p


def test_empty_selector_matches_every_pod():
    result = admit(pod(labels={}), preset(selector={}, env=[e("a", "b")]))
    assert result.applied == ("hello",)


def test_missing_selector_matches_every_pod():
    p = preset(env=[e("a", "b")])
    del p["spec"]["selector"]
    assert admit(pod(labels={}), p).applied == ("hello",)


def test_match_labels_and_expressions_are_anded():
    selector = {"matchLabels": {"role": "db"},
                "matchExpressions": [{"key": "security", "operator": "In", "values": ["S2"]}]}
    assert admit(pod(), preset(selector=selector, env=[e("a", "b")])).applied == ()
    both = pod(labels={"security": "S2", "role": "db"})
    assert admit(both, preset(selector=selector, env=[e("a", "b")])).applied == ("hello",)


# -- several presets ---------------------------------------------------------------------------
def test_multiple_presets_apply_in_name_order_with_one_annotation_each():
    result = admit(pod(), preset("b", rv="7", env=[e("B", "2")]),
                   preset("a", rv="5", env=[e("A", "1")], volumes=[vol("va")]))
    out = result.pod
    assert result.applied == ("a", "b")
    assert out["spec"]["containers"][0]["env"] == [e("A", "1"), e("B", "2")]
    assert out["metadata"]["annotations"] == {
        "podpreset.admission.kubernetes.io/podpreset-a": "5",
        "podpreset.admission.kubernetes.io/podpreset-b": "7"}


def test_conflict_between_two_presets_blocks_both():
    p = pod()
    result = admit(p, preset("a", env=[e("X", "1")]), preset("b", env=[e("X", "2")]),
                   preset("c", volumes=[vol("ok")]))
    assert result.pod == p
    assert result.conflict.presets == ("a", "b", "c")
    assert result.conflict.error.startswith("merging env for b has a conflict on X: \n")


def test_identical_entry_in_two_presets_added_once():
    result = admit(pod(), preset("a", env=[e("X", "1")], volumes=[vol("v")]),
                   preset("b", env=[e("X", "1")], volumes=[vol("v")]))
    out = result.pod
    assert out["spec"]["containers"][0]["env"] == [e("X", "1")]
    assert out["spec"]["volumes"] == [vol("v")]


def test_conflict_in_init_container_blocks_everything():
    p = pod(initContainers=[{"name": "init", "env": [e("X", "mine")]}])
    result = admit(p, preset(env=[e("X", "theirs")]))
    assert result.pod == p and result.conflict is not None


def test_init_containers_are_merged_from_1_14():
    p = pod(initContainers=[{"name": "init"}])
    out = admit(p, preset(env=[e("X", "1")])).pod
    assert out["spec"]["initContainers"][0]["env"] == [e("X", "1")]
    old = admit(p, preset(env=[e("X", "1")]), version=(1, 13)).pod
    assert "env" not in old["spec"]["initContainers"][0]


def test_ephemeral_containers_checked_only_with_the_gate():
    p = pod(ephemeralContainers=[{"name": "debug", "env": [e("X", "mine")]}])
    assert admit(p, preset(env=[e("X", "theirs")])).applied == ("hello",)
    gated = admit(p, preset(env=[e("X", "theirs")]), ephemeral_containers=True)
    assert gated.conflict is not None
    # never written to
    applied = admit(p, preset(env=[e("Y", "1")]), ephemeral_containers=True).pod
    assert applied["spec"]["ephemeralContainers"] == p["spec"]["ephemeralContainers"]


def test_envfrom_optional_quirk_wipes_container_envfrom():
    p = pod()
    p["spec"]["containers"][0]["envFrom"] = [cm_ref("abc"), cm_ref("other")]
    result = admit(p, preset(envFrom=[cm_ref("abc", optional=True)], env=[e("A", "1")]))
    container = result.pod["spec"]["containers"][0]
    assert result.applied == ("hello",)
    assert "envFrom" not in container
    assert container["env"] == [e("A", "1")]


def test_selector_conversion_failure_fails_the_create():
    bad = preset(selector={"matchExpressions": [{"key": "a", "operator": "In", "values": []}]},
                 env=[e("a", "b")])
    with pytest.raises(ApiError) as err:
        admit(pod(), bad)
    assert err.value.code == 500
    assert "filtering pod presets failed" in err.value.message


# -- conflict reporting ------------------------------------------------------------------------
def test_conflict_log_line_matches_the_documented_one():
    p = pod(name="website")
    p["spec"]["containers"][0]["volumeMounts"] = [m("cache-volume", "/cache")]
    result = admit(p, preset("allow-database", volumeMounts=[m("other-volume", "/cache")],
                             volumes=[vol("other-volume")]))
    conflict = result.conflict
    assert conflict.log_message == (
        "conflict occurred while applying podpresets: allow-database on pod:  err: merging "
        "volume mounts for allow-database has a conflict on mount path /cache: \n"
        'v1.VolumeMount{Name:"other-volume", ReadOnly:false, MountPath:"/cache", SubPath:"", '
        'MountPropagation:(*v1.MountPropagationMode)(nil), SubPathExpr:""}\ndoes not match\n'
        'core.VolumeMount{Name:"cache-volume", ReadOnly:false, MountPath:"/cache", SubPath:"",'
        ' MountPropagation:(*core.MountPropagationMode)(nil), SubPathExpr:""}\n in container')
    assert conflict.klog_line(1_607_950_812_987).startswith(
        "W1214 13:00:12.987000       1 admission.go:147] conflict occurred")


def test_conflict_names_the_pod_by_generate_name():
    p = pod(name="web-7b8cbd4f76-abcde", env=[e("X", "a")])
    p["metadata"]["generateName"] = "web-7b8cbd4f76-"
    result = admit(p, preset(env=[e("X", "b")]))
    assert " on pod: web-7b8cbd4f76- err: " in result.conflict.log_message


def test_conflict_event_shape():
    conflict = PresetConflict("ns", "p", "", ("a",), "boom")
    assert conflict.event()["type"] == "Warning"
    assert conflict.event()["reason"] == ""
    assert conflict.event()["source"] == {"component": "pip a"}


def test_aggregate_message():
    assert aggregate_message(["a"]) == "a"
    assert aggregate_message(["a", "b", "a"]) == "[a, b]"
    assert aggregate_message(["a", "a"]) == "a"


def test_go_renderings():
    assert go_env_var(e("abc", "v"), "v1") == \
        'v1.EnvVar{Name:"abc", Value:"v", ValueFrom:(*v1.EnvVarSource)(nil)}'
    assert go_volume_mount(m("a", "/a"), "core", (1, 13)) == (
        'core.VolumeMount{Name:"a", ReadOnly:false, MountPath:"/a", SubPath:"", '
        'MountPropagation:(*core.MountPropagationMode)(nil)}')


# -- the plugin in the simulated apiserver -------------------------------------------------------
@pytest.fixture
def api():
    server = ApiServer(Store(), lambda: 1_767_225_600_000, NameGenerator(0), UidGenerator(0))
    for ns in ("default", "namespace"):
        server.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}, "t")
    return server


def test_plugin_annotates_with_the_stored_resource_version(api):
    plugin = make_podpreset_plugin((1, 19))
    stored = api.create(preset(**FULL_SPEC), "kubectl")
    api.admission = [plugin]
    created = api.create(pod(), "kubectl")
    key = "podpreset.admission.kubernetes.io/podpreset-hello"
    assert created["metadata"]["annotations"][key] == stored["metadata"]["resourceVersion"]
    assert plugin.log == [("I", "applied podpresets: hello successfully on Pod:  ")]


def test_plugin_records_conflicts(api):
    seen = []
    plugin = make_podpreset_plugin((1, 19), on_conflict=seen.append)
    api.create(preset(env=[e("abc", "value")]), "kubectl")
    api.admission = [plugin]
    created = api.create(pod(env=[e("abc", "value2")]), "kubectl")
    assert "annotations" not in created["metadata"]
    assert len(seen) == 1 and plugin.conflicts == seen
    assert plugin.log[0][0] == "W"


def test_plugin_ignores_updates_and_later_presets(api):
    api.admission = [make_podpreset_plugin((1, 19))]
    created = api.create(pod(labels={"other": "x"}), "kubectl")
    api.create(preset(selector={}, **FULL_SPEC), "kubectl")
    assert api.store.get("Pod", "namespace", "mypod") == created
    relabelled = {**created, "metadata": {**created["metadata"], "labels": {"security": "S2"}}}
    updated = api.update(relabelled, "kubectl")
    assert "annotations" not in updated["metadata"]
    assert "env" not in updated["spec"]["containers"][0]


def test_plugin_keeps_serving_after_kubernetes_removed_the_api(api):
    # Kubernetes dropped settings.k8s.io in 1.20; the scenario contract serves it everywhere.
    assert not podpreset_available((1, 20)) and podpreset_available((1, 19))
    api.create(preset(**FULL_SPEC), "kubectl")
    api.admission = [make_podpreset_plugin((1, 32))]
    created = api.create(pod(), "kubectl")
    assert list(created["metadata"]["annotations"]) == [
        "podpreset.admission.kubernetes.io/podpreset-hello"]


def test_plugin_is_a_no_op_before_the_api_existed(api):
    api.create(preset(**FULL_SPEC), "kubectl")
    api.admission = [make_podpreset_plugin((1, 5))]
    created = api.create(pod(), "kubectl")
    assert "annotations" not in created["metadata"]


# -- validation --------------------------------------------------------------------------------
def test_validate_empty_pod_preset():
    assert validate_podpreset({"spec": {}}) != []


def test_validate_empty_pod_preset_items():
    errors = validate_podpreset(preset())
    assert errors == ["spec.volumes.env.envFrom.volumeMounts: Required value: must specify at "
                      "least one"]


def test_validate_pod_presets():
    assert validate_podpreset(preset(**FULL_SPEC)) == []
    assert validate_podpreset(preset(volumeMounts=[m("vol", "/foo")], **FULL_SPEC)) == []


def test_validate_pod_presets_volume_mount_error():
    errors = validate_podpreset(preset(volumeMounts=[m("dne", "/foo")], **FULL_SPEC))
    assert 'spec.volumeMounts[0].name: Not found: "dne"' in errors


def test_validate_empty_list_counts_as_given():
    # Go checks for nil slices: `env: []` passes the "at least one" rule.
    assert validate_podpreset(preset(env=[])) == []


@pytest.mark.parametrize("spec, expected", [
    pytest.param({"env": [e("1abc", "x")]}, 'spec.env[0].name: Invalid value: "1abc": a valid '
                 "environment variable name", id="env name"),
    pytest.param({"envFrom": [{"prefix": "p_"}]}, 'spec.envFrom: Invalid value: "": must '
                 "specify one of: `configMapRef` or `secretRef`", id="envFrom without source"),
    pytest.param({"volumes": [vol("a"), vol("a")]}, 'spec.volumes[1].name: Duplicate value: '
                 '"a"', id="duplicate volume"),
    pytest.param({"volumes": [vol("Bad")]}, 'spec.volumes[0].name: Invalid value: "Bad": a '
                 "lowercase RFC 1123 label", id="volume name"),
    pytest.param({"volumes": [vol("a")], "volumeMounts": [m("a", "/x"), m("a", "/x")]},
                 'spec.volumeMounts[1].mountPath: Invalid value: "/x": must be unique',
                 id="mount path unique"),
    pytest.param({"selector": {"matchExpressions": [{"key": "a", "operator": "Foo"}]},
                  "env": [e("a", "b")]},
                 'spec.selector.matchExpressions[0].operator: Invalid value: "Foo": not a '
                 "valid selector operator", id="selector operator"),
])
def test_validate_field_errors(spec, expected):
    obj = preset(**{k: v for k, v in spec.items() if k != "selector"})
    if "selector" in spec:
        obj["spec"]["selector"] = spec["selector"]
    assert any(err.startswith(expected) for err in validate_podpreset(obj)), \
        validate_podpreset(obj)


def test_validate_name():
    obj = preset(name="Hello", env=[e("a", "b")])
    assert validate_podpreset(obj)[0].startswith('metadata.name: Invalid value: "Hello": a '
                                                 "lowercase RFC 1123 subdomain")


def test_default_podpreset():
    obj = default_podpreset(preset(
        env=[{"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
        volumes=[{"name": "a"}, vol("s", {"secret": {"secretName": "x"}}),
                 vol("h", {"hostPath": {"path": "/p"}})]))
    spec = obj["spec"]
    assert spec["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1"
    assert spec["volumes"][0] == {"name": "a", "emptyDir": {}}
    assert spec["volumes"][1]["secret"]["defaultMode"] == 420
    assert spec["volumes"][2]["hostPath"]["type"] == ""


def test_undefaulted_pod_volume_still_equals_the_defaulted_preset_volume():
    # The engine's pod defaulting may not set defaultMode; the comparison defaults both sides.
    merged, errors = merge_volumes([vol("s", {"secret": {"secretName": "x"}})],
                                   [default_podpreset(preset(volumes=[
                                       vol("s", {"secret": {"secretName": "x"}})]))])
    assert errors == [] and merged == [vol("s", {"secret": {"secretName": "x"}})]


def test_env_from_merge_key_fuzzed():
    # TestEnvFromMergeKey's fuzz loop, seeded: two sources that agree on the key fields differ
    # at most in the Optional flags, i.e. every identifying field is in the merge key.
    import random

    rnd = random.Random(0)

    def fuzz() -> dict:
        source: dict = {}
        if rnd.random() < 0.5:
            source["prefix"] = rnd.choice(["", "p_", "X_"])
        for kind in ("configMapRef", "secretRef"):
            if rnd.random() < 0.5:
                ref = {"name": rnd.choice(["", "a", "b"])}
                if rnd.random() < 0.5:
                    ref["optional"] = rnd.random() < 0.5
                source[kind] = ref
        return source

    for _ in range(100):
        orig, clone = fuzz(), fuzz()
        prefix, cm_name, secret_name = env_from_merge_key(orig)
        clone["prefix"] = prefix
        for kind, name in (("configMapRef", cm_name), ("secretRef", secret_name)):
            if kind not in orig:
                clone.pop(kind, None)
            else:
                clone[kind] = {**clone.get(kind, {}), "name": name}

        def strip(s: dict) -> dict:
            out = {k: ({kk: vv for kk, vv in v.items() if kk != "optional"}
                       if isinstance(v, dict) else v) for k, v in s.items()}
            out.setdefault("prefix", "")
            return out

        assert strip(orig) == strip(clone)
