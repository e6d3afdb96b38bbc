"""ServiceAccount admission: k/k plugin/pkg/admission/serviceaccount/admission_test.go, ported
(both the legacy-secret and the bound-token phases), plus the per-namespace objects."""

from __future__ import annotations

import base64
import json

import pytest

from pytest_k8sflow.engine.admission.serviceaccount import (
    API_TOKEN_MOUNT_PATH,
    FAKE_CA_CERT,
    bound_token,
    default_objects_for_namespace,
    ensure_namespace_defaults,
    legacy_token,
    make_serviceaccount_plugin,
    referenced_token_secret,
    request_name,
    should_automount,
    token_volume_source,
)
from pytest_k8sflow.engine.apierrors import ApiError
from pytest_k8sflow.engine.apiserver import ApiServer
from pytest_k8sflow.engine.names import SAFE_ALPHABET, NameGenerator, UidGenerator
from pytest_k8sflow.engine.store import Store

NS = "myns"
MIRROR = {"kubernetes.io/config.mirror": "true"}
PHASES = [pytest.param(False, id="BoundServiceAccountTokenVolume disabled"),
          pytest.param(True, id="BoundServiceAccountTokenVolume enabled")]


@pytest.fixture
def api():
    server = ApiServer(Store(), lambda: 1_767_225_600_000, NameGenerator(0), UidGenerator(0))
    server.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}, "t")
    return server


def add_sa(api, name="default", **fields):
    meta = {"name": name, "namespace": NS}
    if "annotations" in fields:
        meta["annotations"] = fields.pop("annotations")
    return api.create({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta,
                       **fields}, "t")


def add_token(api, name, sa_name="default", sa_uid="", type_="kubernetes.io/service-account-token"):
    annotations = {"kubernetes.io/service-account.name": sa_name}
    if sa_uid:
        annotations["kubernetes.io/service-account.uid"] = sa_uid
    return api.create({"apiVersion": "v1", "kind": "Secret", "type": type_,
                       "metadata": {"name": name, "namespace": NS, "annotations": annotations},
                       "data": {"token": base64.b64encode(b"token-data").decode()}}, "t")


def pod(*, annotations=None, **spec):
    meta = {"name": "myname", "namespace": NS}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def admit(api, p, bound=True, op="CREATE", **flags):
    plugin = make_serviceaccount_plugin((1, 32) if bound else (1, 19), **flags)
    return plugin(api, p, op, None)


def admit_twice(api, p, bound=True, **flags):
    """WithReinvocationTesting: the second run must not change the first run's output."""
    plugin = make_serviceaccount_plugin((1, 32) if bound else (1, 19), **flags)
    once = plugin(api, p, "CREATE", None)
    assert plugin(api, once, "CREATE", None) == once
    return once


def test_ignores_non_create(api):
    p = pod()
    assert admit(api, p, op="UPDATE") is p
    assert admit(api, p, op="DELETE") is p


def test_ignores_non_pod_object(api):
    obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}
    assert admit(api, obj) is obj


def test_ignores_mirror_pod(api):
    p = pod(annotations=MIRROR, volumes=[{"name": "v"}])
    assert admit(api, p) == p


def test_rejects_mirror_pod_with_service_account(api):
    with pytest.raises(ApiError) as err:
        admit(api, pod(annotations=MIRROR, serviceAccountName="default"))
    assert err.value.reason == "Forbidden"
    assert err.value.message == ('pods "myname" is forbidden: a mirror pod may not reference '
                                 "service accounts")


@pytest.mark.parametrize("spec", [
    pytest.param({"volumes": [{"name": "v", "secret": {}}]}, id="secret volume"),
    pytest.param({"imagePullSecrets": [{"name": "x"}]}, id="image pull secret"),
    pytest.param({"containers": [{"name": "c", "env": [{"name": "A", "valueFrom": {
        "secretKeyRef": {"name": "s", "key": "k"}}}]}]}, id="env secretKeyRef"),
    pytest.param({"containers": [{"name": "c", "envFrom": [{"secretRef": {"name": "s"}}]}]},
                 id="envFrom secretRef"),
    pytest.param({"volumes": [{"name": "v", "projected": {"sources": [
        {"secret": {"name": "s"}}]}}]}, id="projected secret"),
])
def test_rejects_mirror_pod_with_secret_volumes(api, spec):
    with pytest.raises(ApiError, match="a mirror pod may not reference secrets"):
        admit(api, pod(annotations=MIRROR, **spec))


def test_rejects_mirror_pod_with_service_account_token_volume_projections(api):
    p = pod(annotations=MIRROR, volumes=[{"name": "v", "projected": {"sources": [
        {"serviceAccountToken": {}}]}}])
    with pytest.raises(ApiError, match="a mirror pod may not use ServiceAccountToken volume "
                                       "projections"):
        admit(api, p)


def test_assigns_default_service_account_and_tolerates_missing_api_token(api):
    add_sa(api)
    out = admit_twice(api, pod(), bound=False, require_api_token=False)
    assert out["spec"]["serviceAccountName"] == "default"
    assert out["spec"]["serviceAccount"] == "default"


def test_assigns_default_service_account_and_rejects_missing_api_token(api):
    add_sa(api)
    with pytest.raises(ApiError) as err:
        admit(api, pod(containers=[{"name": "c"}]), bound=False)
    assert err.value.reason == "ServerTimeout"
    assert err.value.code == 500
    assert err.value.message == (
        'No API token found for service account "default", retry after the token is '
        "automatically created and added to the service account")


def test_assigns_default_service_account_and_bound_token_with_no_secret_tokens(api):
    add_sa(api)
    out = admit_twice(api, pod(containers=[{}]))
    volume = out["spec"]["volumes"][0]
    assert volume["projected"] == {
        "defaultMode": 420,
        "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt",
                           "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {
                "apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
        ]}
    assert volume["name"].startswith("kube-api-access-")
    suffix = volume["name"][len("kube-api-access-"):]
    assert len(suffix) == 5 and all(c in SAFE_ALPHABET for c in suffix)
    assert out["spec"]["containers"][0]["volumeMounts"] == [
        {"name": volume["name"], "readOnly": True,
         "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]


def test_fetches_uncached_service_account(api):
    # No informer cache here: the store is read directly.
    add_sa(api)
    assert admit(api, pod(), require_api_token=False)["spec"]["serviceAccountName"] == "default"


def test_denies_invalid_service_account(api):
    with pytest.raises(ApiError) as err:
        admit(api, pod())
    assert err.value.reason == "Forbidden" and err.value.code == 403
    assert err.value.message == (
        'pods "myname" is forbidden: error looking up service account myns/default: '
        'serviceaccount "default" not found')


def test_denied_controller_pod_is_named_by_generate_name(api):
    p = pod(serviceAccountName="missing")
    p["metadata"].update(name="web-7b8cbd4f76-x2x4k", generateName="web-7b8cbd4f76-")
    with pytest.raises(ApiError) as err:
        admit(api, p)
    assert err.value.message.startswith('pods "web-7b8cbd4f76-" is forbidden: error looking up '
                                        "service account myns/missing")
    assert request_name({"metadata": {"name": "fixed", "generateName": "web-"}}) == "fixed"


@pytest.mark.parametrize("bound", PHASES)
def test_automounts_api_token(api, bound):
    sa = add_sa(api, secrets=[{"name": "token-name"}])
    add_token(api, "token-name", sa_uid=sa["metadata"]["uid"])
    for group in ("containers", "initContainers"):
        out = admit_twice(api, pod(**{group: [{}]}), bound=bound)
        assert out["spec"]["serviceAccountName"] == "default"
        volumes = out["spec"]["volumes"]
        assert len(volumes) == 1
        name = volumes[0]["name"]
        if bound:
            assert name.startswith("kube-api-access-")
            assert volumes[0]["projected"] == token_volume_source()
        else:
            assert volumes[0] == {"name": "token-name",
                                  "secret": {"secretName": "token-name", "defaultMode": 420}}
        assert out["spec"][group][0]["volumeMounts"] == [
            {"name": name, "readOnly": True, "mountPath": API_TOKEN_MOUNT_PATH}]


@pytest.mark.parametrize("bound", PHASES)
def test_respects_existing_mount(api, bound):
    sa = add_sa(api, secrets=[{"name": "token-name"}])
    add_token(api, "token-name", sa_uid=sa["metadata"]["uid"])
    custom = {"name": "my-custom-mount", "readOnly": False, "mountPath": API_TOKEN_MOUNT_PATH}
    for group in ("containers", "initContainers"):
        out = admit_twice(api, pod(**{group: [{"volumeMounts": [custom]}]}), bound=bound)
        assert "volumes" not in out["spec"]
        assert out["spec"][group][0]["volumeMounts"] == [custom]


def test_one_container_with_a_mount_still_gets_the_volume_for_the_other(api):
    add_sa(api)
    custom = {"name": "mine", "mountPath": API_TOKEN_MOUNT_PATH}
    out = admit(api, pod(containers=[{"name": "a", "volumeMounts": [custom]}, {"name": "b"}]))
    assert len(out["spec"]["volumes"]) == 1
    assert out["spec"]["containers"][0]["volumeMounts"] == [custom]
    assert out["spec"]["containers"][1]["volumeMounts"][0]["mountPath"] == API_TOKEN_MOUNT_PATH


def test_existing_kube_api_access_volume_is_reused_whatever_its_source(api):
    add_sa(api)
    p = pod(containers=[{}], volumes=[{"name": "kube-api-access-mine", "emptyDir": {}}])
    out = admit(api, p)
    assert out["spec"]["volumes"] == [{"name": "kube-api-access-mine", "emptyDir": {}}]
    assert out["spec"]["containers"][0]["volumeMounts"][0]["name"] == "kube-api-access-mine"


def test_allows_referenced_secret(api):
    add_sa(api, secrets=[{"name": "foo"}])
    kw = {"bound": False, "limit_secret_references": True, "require_api_token": False}
    admit(api, pod(volumes=[{"name": "v", "secret": {"secretName": "foo"}}]), **kw)
    ref = {"name": "env-1", "valueFrom": {"secretKeyRef": {"name": "foo"}}}
    admit(api, pod(containers=[{"name": "container-1", "env": [ref]}]), **kw)
    admit(api, pod(initContainers=[{"name": "container-1", "env": [ref]}]), **kw)


def test_rejects_unreferenced_secret_volumes(api):
    add_sa(api)
    kw = {"bound": False, "limit_secret_references": True, "require_api_token": False}
    with pytest.raises(ApiError) as err:
        admit(api, pod(volumes=[{"name": "v", "secret": {"secretName": "foo"}}]), **kw)
    assert err.value.message == (
        'pods "myname" is forbidden: volume with secret.secretName="foo" is not allowed because '
        "service account default does not reference that secret")
    ref = {"name": "env-1", "valueFrom": {"secretKeyRef": {"name": "foo"}}}
    with pytest.raises(ApiError, match="container container-1 with envVar env-1"):
        admit(api, pod(containers=[{"name": "container-1", "env": [ref]}]), **kw)
    with pytest.raises(ApiError, match="init container container-1 with envVar env-1"):
        admit(api, pod(initContainers=[{"name": "container-1", "env": [ref]}]), **kw)


def test_allow_unreferenced_secret_volumes_for_permissive_sas(api):
    # (upstream name; the account opts in to enforcement with the annotation)
    add_sa(api, annotations={"kubernetes.io/enforce-mountable-secrets": "true"})
    with pytest.raises(ApiError, match="is not allowed because service account default"):
        admit(api, pod(volumes=[{"name": "v", "secret": {"secretName": "foo"}}]), bound=False,
              require_api_token=False)


def test_allows_referenced_image_pull_secrets(api):
    add_sa(api, imagePullSecrets=[{"name": "foo"}])
    admit(api, pod(imagePullSecrets=[{"name": "foo"}]), limit_secret_references=True)


def test_rejects_unreferenced_image_pull_secrets(api):
    add_sa(api)
    with pytest.raises(ApiError, match=r'imagePullSecrets\[0\].name="foo" is not allowed'):
        admit(api, pod(imagePullSecrets=[{"name": "foo"}]), limit_secret_references=True)


def test_do_not_add_image_pull_secrets(api):
    add_sa(api, imagePullSecrets=[{"name": "foo"}, {"name": "bar"}])
    out = admit(api, pod(imagePullSecrets=[{"name": "foo"}]), limit_secret_references=True)
    assert out["spec"]["imagePullSecrets"] == [{"name": "foo"}]


def test_add_image_pull_secrets(api):
    sa = add_sa(api, imagePullSecrets=[{"name": "foo"}, {"name": "bar"}])
    out = admit_twice(api, pod())
    assert out["spec"]["imagePullSecrets"] == [{"name": "foo"}, {"name": "bar"}]
    out["spec"]["imagePullSecrets"][1] = {"name": "baz"}
    assert sa["imagePullSecrets"] == [{"name": "foo"}, {"name": "bar"}]


def test_multiple_referenced_secrets(api):
    sa = add_sa(api, "mysa", secrets=[{"name": "token1"}, {"name": "token2"}])
    add_token(api, "token2", "mysa", sa["metadata"]["uid"])
    add_token(api, "token1", "mysa", sa["metadata"]["uid"])
    out = admit(api, pod(serviceAccountName="mysa", containers=[{"name": "container-1"}]),
                bound=False)
    assert [v["name"] for v in out["spec"]["volumes"]] == ["token1"]


@pytest.mark.parametrize("bound", PHASES)
def test_get_service_account_tokens(api, bound):
    sa = add_sa(api, secrets=[{"name": n} for n in
                              ("nonSATokenSecret", "differentSAToken", "matchingSAToken")])
    uid = sa["metadata"]["uid"]
    add_token(api, "nonsatokensecret", sa_uid=uid, type_="kubernetes.io/dockercfg")
    add_token(api, "differentsatoken", "someOtherSA", "someOtherUID")
    add_token(api, "matchingsatoken", sa_uid=uid)
    sa = {**sa, "secrets": [{"name": "nonsatokensecret"}, {"name": "differentsatoken"},
                            {"name": "matchingsatoken"}]}
    assert referenced_token_secret(api.store, sa) == "matchingsatoken"


def test_token_secret_with_other_uid_is_not_the_accounts(api):
    sa = add_sa(api, secrets=[{"name": "t"}])
    add_token(api, "t", sa_uid="not-" + sa["metadata"]["uid"])
    assert referenced_token_secret(api.store, sa) == ""


def test_automount_is_backwards_compatible(api):
    sa = add_sa(api, secrets=[{"name": "token-name"}])
    add_token(api, "token-name", sa_uid=sa["metadata"]["uid"])
    volume = {"name": "default-token-abc123", "secret": {"secretName": "default-token-abc123"}}
    mount = {"name": "default-token-abc123", "mountPath": API_TOKEN_MOUNT_PATH,
             "readOnly": True}
    out = admit_twice(api, pod(containers=[{"name": "c-1", "volumeMounts": [mount]}],
                               volumes=[volume]))
    assert out["spec"]["volumes"] == [volume]
    assert out["spec"]["containers"][0]["volumeMounts"] == [mount]


def test_legacy_volume_name_replaces_dots_and_avoids_clashes(api):
    sa = add_sa(api, secrets=[{"name": "my.token"}])
    add_token(api, "my.token", sa_uid=sa["metadata"]["uid"])
    out = admit(api, pod(containers=[{}]), bound=False)
    assert out["spec"]["volumes"][0]["name"] == "my-token"
    clash = admit(api, pod(containers=[{}], volumes=[{"name": "my-token", "emptyDir": {}}]),
                  bound=False)
    generated = clash["spec"]["volumes"][1]["name"]
    assert generated.startswith("my-token-") and len(generated) == len("my-token-") + 5


@pytest.mark.parametrize("pod_value, sa_value, expected", [
    (None, None, True), (None, False, False), (None, True, True),
    (False, True, False), (True, False, True), (False, None, False),
])
def test_should_automount(pod_value, sa_value, expected):
    p = {"spec": {} if pod_value is None else {"automountServiceAccountToken": pod_value}}
    sa = {} if sa_value is None else {"automountServiceAccountToken": sa_value}
    assert should_automount(sa, p) is expected


def test_no_automount_still_assigns_account_and_pull_secrets(api):
    add_sa(api, automountServiceAccountToken=False, imagePullSecrets=[{"name": "reg"}])
    out = admit(api, pod(containers=[{}]))
    assert "volumes" not in out["spec"]
    assert "volumeMounts" not in out["spec"]["containers"][0]
    assert out["spec"]["imagePullSecrets"] == [{"name": "reg"}]


def test_deprecated_service_account_field_is_honoured(api):
    add_sa(api, "builder")
    out = admit(api, pod(serviceAccount="builder"))
    assert out["spec"]["serviceAccountName"] == "builder"


def test_era_follows_version(api):
    assert make_serviceaccount_plugin((1, 20)).bound is False
    assert make_serviceaccount_plugin((1, 21)).bound is True


# -- per-namespace objects ---------------------------------------------------------------------
def test_default_objects_legacy():
    objs = default_objects_for_namespace("team", (1, 21), token_suffix="abcde",
                                         service_account_uid="u-1")
    kinds = [o["kind"] for o in objs]
    assert kinds == ["ServiceAccount", "ConfigMap", "Secret"]
    sa, cm, secret = objs
    assert sa["secrets"] == [{"name": "default-token-abcde"}]
    assert cm["metadata"]["name"] == "kube-root-ca.crt" and cm["data"]["ca.crt"] == FAKE_CA_CERT
    assert secret["type"] == "kubernetes.io/service-account-token"
    assert secret["metadata"]["annotations"] == {
        "kubernetes.io/service-account.name": "default",
        "kubernetes.io/service-account.uid": "u-1"}
    assert base64.b64decode(secret["data"]["namespace"]) == b"team"
    token = base64.b64decode(secret["data"]["token"]).decode()
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["sub"] == "system:serviceaccount:team:default"
    assert claims["kubernetes.io/serviceaccount/secret.name"] == "default-token-abcde"


def test_default_objects_by_version():
    assert [o["kind"] for o in default_objects_for_namespace("a", (1, 19))] == \
        ["ServiceAccount", "Secret"]
    current = default_objects_for_namespace("a", (1, 24))
    assert [o["kind"] for o in current] == ["ServiceAccount", "ConfigMap"]
    assert "secrets" not in current[0]
    assert "kubernetes.io/description" in current[1]["metadata"]["annotations"]
    # deterministic without arguments
    assert default_objects_for_namespace("a", (1, 19)) == default_objects_for_namespace("a",
                                                                                       (1, 19))


def test_ensure_namespace_defaults_legacy(api):
    written = ensure_namespace_defaults(api, NS, (1, 22))
    sa = api.store.get("ServiceAccount", NS, "default")
    secret_name = sa["secrets"][0]["name"]
    secret = api.store.get("Secret", NS, secret_name)
    assert secret_name.startswith("default-token-") and len(secret_name) == 19
    assert secret["metadata"]["annotations"]["kubernetes.io/service-account.uid"] == \
        sa["metadata"]["uid"]
    assert api.store.get("ConfigMap", NS, "kube-root-ca.crt") is not None
    assert len(written) == 4
    assert ensure_namespace_defaults(api, NS, (1, 22)) == []
    # and the legacy plugin finds the token
    out = admit(api, pod(containers=[{}]), bound=False)
    assert out["spec"]["volumes"][0]["secret"]["secretName"] == secret_name


def test_ensure_namespace_defaults_current(api):
    written = ensure_namespace_defaults(api, NS, (1, 32))
    assert [o["kind"] for o in written] == ["ServiceAccount", "ConfigMap"]


def test_tokens_are_deterministic():
    assert legacy_token("a", "b", "c", "d") == legacy_token("a", "b", "c", "d")
    token = bound_token("ns", "default", "sa-uid", "p", "p-uid", 1_767_225_600_000,
                        expiration_seconds=3607)
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["iat"] == 1_767_225_600
    assert claims["kubernetes.io"]["warnafter"] == 1_767_225_600 + 3607
    assert claims["exp"] == 1_767_225_600 + 365 * 24 * 3600
    short = bound_token("ns", "default", "u", "p", "pu", 0, expiration_seconds=600)
    claims = json.loads(base64.urlsafe_b64decode(short.split(".")[1] + "=="))
    assert claims["exp"] == 600 and "warnafter" not in claims["kubernetes.io"]
