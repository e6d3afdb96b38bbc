"""The container environment: k/k pkg/kubelet/kubelet_pods_test.go TestMakeEnvironmentVariables
(the cases that apply), k/k third_party/forked/golang/expansion/expand_test.go TestMapping,
k/k pkg/fieldpath/fieldpath_test.go TestExtractFieldPathAsString and the resource helpers."""

from __future__ import annotations

import base64

import pytest

from pytest_k8sflow.engine.envvars import (
    ContainerNotFound,
    container_env,
    convert_quantity,
    expand,
    extract_field_path_as_string,
    format_map,
    go_quote,
    is_env_var_name,
    mapping_func_for,
)
from pytest_k8sflow.engine.store import Store


def svc(name, namespace, cluster_ip, port, protocol="TCP"):
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"clusterIP": cluster_ip, "ports": [{"protocol": protocol, "port": port}]}}


SERVICES = [
    svc("kubernetes", "default", "1.2.3.1", 8081),
    svc("test", "test1", "1.2.3.3", 8083),
    svc("kubernetes", "test2", "1.2.3.4", 8084),
    svc("test", "test2", "1.2.3.5", 8085),
    svc("test-none", "test2", "None", 8085),
    svc("test-empty", "test2", "", 8085),
    svc("kubernetes", "kubernetes", "1.2.3.6", 8086),
    svc("not-special", "kubernetes", "1.2.3.8", 8088),
    svc("not-special-none", "kubernetes", "None", 8088),
    svc("not-special-empty", "kubernetes", "", 8088),
]


def make_store(*objects):
    store = Store()
    for rv, obj in enumerate([*SERVICES, *objects], start=1):
        store.put(obj["kind"], obj, "test", rv)
    return store


def make_pod(ns, container, *, links=False, **status):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "dapi-test-pod-name", "namespace": ns, "annotations": {}},
            "spec": {"serviceAccountName": "special", "nodeName": "node-name",
                     "enableServiceLinks": links, "containers": [{"name": "c", **container}]},
            "status": status}


def cm(name, ns, data):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns},
            "data": data}


def secret(name, ns, data):
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": ns},
            "data": {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}}


def kube(ip, port):
    return {"KUBERNETES_SERVICE_HOST": ip, "KUBERNETES_SERVICE_PORT": str(port),
            "KUBERNETES_PORT": f"tcp://{ip}:{port}", f"KUBERNETES_PORT_{port}_TCP":
            f"tcp://{ip}:{port}", f"KUBERNETES_PORT_{port}_TCP_PROTO": "tcp",
            f"KUBERNETES_PORT_{port}_TCP_PORT": str(port),
            f"KUBERNETES_PORT_{port}_TCP_ADDR": ip}


def svc_vars(prefix, ip, port):
    return {f"{prefix}_SERVICE_HOST": ip, f"{prefix}_SERVICE_PORT": str(port),
            f"{prefix}_PORT": f"tcp://{ip}:{port}", f"{prefix}_PORT_{port}_TCP":
            f"tcp://{ip}:{port}", f"{prefix}_PORT_{port}_TCP_PROTO": "tcp",
            f"{prefix}_PORT_{port}_TCP_PORT": str(port), f"{prefix}_PORT_{port}_TCP_ADDR": ip}


def env(*pairs):
    return [{"name": n, "value": v} for n, v in pairs]


TEST_SVC_ENV = env(("FOO", "BAR"), ("TEST_SERVICE_HOST", "1.2.3.3"),
                   ("TEST_SERVICE_PORT", "8083"), ("TEST_PORT", "tcp://1.2.3.3:8083"),
                   ("TEST_PORT_8083_TCP", "tcp://1.2.3.3:8083"),
                   ("TEST_PORT_8083_TCP_PROTO", "tcp"), ("TEST_PORT_8083_TCP_PORT", "8083"),
                   ("TEST_PORT_8083_TCP_ADDR", "1.2.3.3"))


def field(name, path):
    return {"name": name, "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": path}}}


EXPANSION_ENV = [
    {"name": "TEST_LITERAL", "value": "test-test-test"},
    field("POD_NAME", "metadata.name"),
    {"name": "OUT_OF_ORDER_TEST", "value": "$(OUT_OF_ORDER_TARGET)"},
    {"name": "OUT_OF_ORDER_TARGET", "value": "FOO"},
    {"name": "EMPTY_VAR"},
    {"name": "EMPTY_TEST", "value": "foo-$(EMPTY_VAR)"},
    {"name": "POD_NAME_TEST2", "value": "test2-$(POD_NAME)"},
    {"name": "POD_NAME_TEST3", "value": "$(POD_NAME_TEST2)-3"},
    {"name": "LITERAL_TEST", "value": "literal-$(TEST_LITERAL)"},
    {"name": "TEST_UNDEFINED", "value": "$(UNDEFINED_VAR)"},
]
EXPANSION_RESULT = {
    "TEST_LITERAL": "test-test-test", "POD_NAME": "dapi-test-pod-name",
    "POD_NAME_TEST2": "test2-dapi-test-pod-name", "POD_NAME_TEST3": "test2-dapi-test-pod-name-3",
    "LITERAL_TEST": "literal-test-test-test", "OUT_OF_ORDER_TEST": "$(OUT_OF_ORDER_TARGET)",
    "OUT_OF_ORDER_TARGET": "FOO", "TEST_UNDEFINED": "$(UNDEFINED_VAR)", "EMPTY_VAR": "",
    "EMPTY_TEST": "foo-"}
ENV_FROM_TWICE = [{"configMapRef": {"name": "test-config-map"}},
                  {"prefix": "p_", "configMapRef": {"name": "test-config-map"}}]
SECRET_FROM_TWICE = [{"secretRef": {"name": "test-secret"}},
                     {"prefix": "p_", "secretRef": {"name": "test-secret"}}]
DUPE_ENV = env(("TEST_LITERAL", "test-test-test"), ("EXPANSION_TEST", "$(REPLACE_ME)"),
               ("DUPE_TEST", "ENV_VAR"))


def from_result(source):
    return {"TEST_LITERAL": "test-test-test", "REPLACE_ME": f"FROM_{source}",
            "EXPANSION_TEST": f"FROM_{source}", "DUPE_TEST": "ENV_VAR",
            "p_REPLACE_ME": f"FROM_{source}", "p_DUPE_TEST": source}


CASES = [
    pytest.param("test1", {"env": TEST_SVC_ENV}, False, "default", [],
                 {**{v["name"]: v["value"] for v in TEST_SVC_ENV}, **kube("1.2.3.1", 8081)},
                 id="api server = Y, kubelet = Y"),
    pytest.param("test1", {"env": env(("FOO", "BAZ"))}, False, "default", [],
                 {"FOO": "BAZ", **kube("1.2.3.1", 8081)}, id="api server = N; kubelet = Y"),
    pytest.param("test1", {"env": env(("FOO", "BAZ"))}, True, "default", [],
                 {"FOO": "BAZ", **svc_vars("TEST", "1.2.3.3", 8083), **kube("1.2.3.1", 8081)},
                 id="api server = N; kubelet = Y; service env vars"),
    pytest.param("test2", {"env": env(("FOO", "ZAP"))}, False, "kubernetes", [],
                 {"FOO": "ZAP", **kube("1.2.3.6", 8086)}, id="master service in pod ns"),
    pytest.param("test2", {"env": env(("FOO", "ZAP"))}, True, "kubernetes", [],
                 {"FOO": "ZAP", **svc_vars("TEST", "1.2.3.5", 8085), **kube("1.2.3.4", 8084)},
                 id="master service in pod ns, service env vars"),
    pytest.param("kubernetes", {}, False, "kubernetes", [], kube("1.2.3.6", 8086),
                 id="pod in master service ns"),
    pytest.param("kubernetes", {}, True, "kubernetes", [],
                 {**svc_vars("NOT_SPECIAL", "1.2.3.8", 8088), **kube("1.2.3.6", 8086)},
                 id="pod in master service ns, service env vars"),
    pytest.param("test1", {"env": EXPANSION_ENV}, False, "nothing", [], EXPANSION_RESULT,
                 id="env expansion"),
    pytest.param("test1", {"env": [*EXPANSION_ENV[:-1], {
        "name": "SERVICE_VAR_TEST", "value": "$(TEST_SERVICE_HOST):$(TEST_SERVICE_PORT)"},
        EXPANSION_ENV[-1]]}, True, "nothing", [],
        {**EXPANSION_RESULT, **svc_vars("TEST", "1.2.3.3", 8083),
         "SERVICE_VAR_TEST": "1.2.3.3:8083"}, id="env expansion, service env vars"),
    pytest.param("test", {"env": [{"name": "POD_NAME", "valueFrom": {"configMapKeyRef": {
        "name": "missing-config-map", "key": "key", "optional": True}}}]}, False, "nothing",
        [], {}, id="configmapkeyref_missing_optional"),
    pytest.param("test", {"env": [{"name": "POD_NAME", "valueFrom": {"configMapKeyRef": {
        "name": "test-config-map", "key": "key", "optional": True}}}]}, False, "nothing",
        [cm("test-config-map", "test", {"a": "b"})], {},
        id="configmapkeyref_missing_key_optional"),
    pytest.param("test", {"env": [{"name": "POD_NAME", "valueFrom": {"secretKeyRef": {
        "name": "missing-secret", "key": "key", "optional": True}}}]}, False, "nothing", [],
        {}, id="secretkeyref_missing_optional"),
    pytest.param("test", {"env": [{"name": "POD_NAME", "valueFrom": {"secretKeyRef": {
        "name": "test-secret", "key": "key", "optional": True}}}]}, False, "nothing",
        [secret("test-secret", "test", {"a": "b"})], {},
        id="secretkeyref_missing_key_optional"),
    pytest.param("test1", {"envFrom": ENV_FROM_TWICE, "env": DUPE_ENV}, False, "nothing",
                 [cm("test-config-map", "test1", {"REPLACE_ME": "FROM_CONFIG_MAP",
                                                  "DUPE_TEST": "CONFIG_MAP"})],
                 from_result("CONFIG_MAP"), id="configmap"),
    pytest.param("test1", {"envFrom": ENV_FROM_TWICE, "env": DUPE_ENV}, True, "nothing",
                 [cm("test-config-map", "test1", {"REPLACE_ME": "FROM_CONFIG_MAP",
                                                  "DUPE_TEST": "CONFIG_MAP"})],
                 {**from_result("CONFIG_MAP"), **svc_vars("TEST", "1.2.3.3", 8083)},
                 id="configmap, service env vars"),
    pytest.param("test", {"envFrom": [{"configMapRef": {"name": "missing-config-map",
                                                        "optional": True}}]},
                 False, "nothing", [], {}, id="configmap_missing_optional"),
    pytest.param("test", {"envFrom": [{"prefix": "p_", "configMapRef": {
        "name": "test-config-map"}}]}, False, "", [cm("test-config-map", "test",
                                                        {"1234": "abc"})],
        {"p_1234": "abc"}, id="configmap_invalid_keys_valid"),
    pytest.param("test1", {"envFrom": SECRET_FROM_TWICE, "env": DUPE_ENV}, False, "nothing",
                 [secret("test-secret", "test1", {"REPLACE_ME": "FROM_SECRET",
                                                  "DUPE_TEST": "SECRET"})],
                 from_result("SECRET"), id="secret"),
    pytest.param("test1", {"envFrom": SECRET_FROM_TWICE, "env": DUPE_ENV}, True, "nothing",
                 [secret("test-secret", "test1", {"REPLACE_ME": "FROM_SECRET",
                                                  "DUPE_TEST": "SECRET"})],
                 {**from_result("SECRET"), **svc_vars("TEST", "1.2.3.3", 8083)},
                 id="secret, service env vars"),
    pytest.param("test", {"envFrom": [{"secretRef": {"name": "missing-secret",
                                                     "optional": True}}]},
                 False, "nothing", [], {}, id="secret_missing_optional"),
    pytest.param("test", {"envFrom": [{"prefix": "p_", "secretRef": {"name": "test-secret"}}]},
                 False, "", [secret("test-secret", "test", {"1234.name": "abc"})],
                 {"p_1234.name": "abc"}, id="secret_invalid_keys_valid"),
]


@pytest.mark.parametrize("ns, container, links, master_ns, objects, expected", CASES)
def test_make_environment_variables(ns, container, links, master_ns, objects, expected):
    pod = make_pod(ns, container, links=links)
    result = container_env(pod, "c", make_store(*objects), version=(1, 19),
                           master_service_namespace=master_ns)
    assert result.error is None and result.events == []
    assert result.env == expected


@pytest.mark.parametrize("pod_ips, expected", [
    pytest.param(["1.2.3.4", "fd00::6"], ("1.2.3.4", "1.2.3.4,fd00::6"), id="downward api pod"),
    pytest.param(["fd00::6", "1.2.3.4"], ("1.2.3.4", "1.2.3.4,fd00::6"),
                 id="downward api pod ips reverse order"),
    pytest.param(["1.2.3.4", "192.168.1.1.", "fd00::6"], ("1.2.3.4", "1.2.3.4,fd00::6"),
                 id="downward api pod ips multiple ips"),
])
def test_downward_api_env(pod_ips, expected):
    container = {"env": [field("POD_NAME", "metadata.name"),
                         field("POD_NAMESPACE", "metadata.namespace"),
                         field("POD_NODE_NAME", "spec.nodeName"),
                         field("POD_SERVICE_ACCOUNT_NAME", "spec.serviceAccountName"),
                         field("POD_IP", "status.podIP"), field("POD_IPS", "status.podIPs"),
                         field("HOST_IP", "status.hostIP")]}
    pod = make_pod("downward-api", container)
    result = container_env(pod, "c", make_store(), pod_ips=pod_ips, host_ip="127.0.0.1",
                           master_service_namespace="nothing")
    assert result.env == {"POD_NAME": "dapi-test-pod-name", "POD_NAMESPACE": "downward-api",
                          "POD_NODE_NAME": "node-name", "POD_SERVICE_ACCOUNT_NAME": "special",
                          "POD_IP": expected[0], "POD_IPS": expected[1],
                          "HOST_IP": "127.0.0.1"}


def test_pod_ip_from_status():
    pod = make_pod("ns", {"env": [field("IP", "status.podIP"), field("HOST", "status.hostIP")]},
                   podIP="10.244.0.5", podIPs=[{"ip": "10.244.0.5"}], hostIP="172.18.0.2")
    assert container_env(pod, "c", make_store(), include_service_env=False).env == \
        {"IP": "10.244.0.5", "HOST": "172.18.0.2"}


@pytest.mark.parametrize("envfrom, obj, word", [
    pytest.param({"configMapRef": {"name": "test-config-map"}},
                 cm("test-config-map", "test", {"1234": "abc", "1z": "abc", "key": "value"}),
                 "configMap", id="configmap_invalid_keys"),
    pytest.param({"secretRef": {"name": "test-secret"}},
                 secret("test-secret", "test", {"1234": "abc", "1z": "abc", "key.1": "value"}),
                 "secret", id="secret_invalid_keys"),
])
def test_invalid_keys(envfrom, obj, word):
    pod = make_pod("test", {"envFrom": [envfrom]})
    result = container_env(pod, "c", make_store(obj), version=(1, 19),
                           master_service_namespace="nothing")
    assert list(result.env.values()) == ["value"]
    name = envfrom[next(iter(envfrom))]["name"]
    assert [(e.type, e.reason, e.message) for e in result.events] == [(
        "Warning", "InvalidEnvironmentVariableNames",
        f"Keys [1234, 1z] from the EnvFrom {word} test/{name} were skipped since they are "
        "considered invalid environment variable names.")]


def test_invalid_keys_not_skipped_by_newer_kubelets():
    obj = cm("test-config-map", "test", {"1234": "abc"})
    pod = make_pod("test", {"envFrom": [{"configMapRef": {"name": "test-config-map"}}]})
    result = container_env(pod, "c", make_store(obj), version=(1, 30),
                           master_service_namespace="nothing")
    assert result.env == {"1234": "abc"} and result.events == []


@pytest.mark.parametrize("container, message", [
    pytest.param({"envFrom": [{"configMapRef": {"name": "test-config-map"}}]},
                 'configmap "test-config-map" not found', id="configmap_missing"),
    pytest.param({"envFrom": [{"secretRef": {"name": "test-secret"}}]},
                 'secret "test-secret" not found', id="secret_missing"),
    pytest.param({"env": [{"name": "A", "valueFrom": {"configMapKeyRef": {
        "name": "present", "key": "nope"}}}]},
        "couldn't find key nope in ConfigMap test1/present", id="configmap key missing"),
    pytest.param({"env": [{"name": "A", "valueFrom": {"secretKeyRef": {
        "name": "present", "key": "nope"}}}]},
        "couldn't find key nope in Secret test1/present", id="secret key missing"),
])
def test_errors_give_create_container_config_error(container, message):
    store = make_store(cm("present", "test1", {"a": "b"}), secret("present", "test1",
                                                                    {"a": "b"}))
    result = container_env(make_pod("test1", container), "c", store)
    assert result.error == message
    assert result.waiting_reason == "CreateContainerConfigError"
    assert result.failed_event().message == f"Error: {message}"
    assert result.failed_event().reason == "Failed"


def test_resource_field_ref_env():
    container = {"resources": {"requests": {"cpu": "125m", "memory": "32Mi"},
                               "limits": {"memory": "64Mi"}},
                 "env": [
                     {"name": "CPU_REQ", "valueFrom": {"resourceFieldRef": {
                         "resource": "requests.cpu"}}},
                     {"name": "CPU_REQ_M", "valueFrom": {"resourceFieldRef": {
                         "resource": "requests.cpu", "divisor": "1m"}}},
                     {"name": "MEM_LIM_MI", "valueFrom": {"resourceFieldRef": {
                         "resource": "limits.memory", "divisor": "1Mi"}}},
                     {"name": "MEM_REQ", "valueFrom": {"resourceFieldRef": {
                         "resource": "requests.memory", "divisor": "0"}}},
                     {"name": "CPU_LIM", "valueFrom": {"resourceFieldRef": {
                         "resource": "limits.cpu"}}},
                 ]}
    result = container_env(make_pod("ns", container), "c", make_store(),
                           node_allocatable={"cpu": "4", "memory": "8Gi"},
                           include_service_env=False)
    assert result.env == {"CPU_REQ": "1", "CPU_REQ_M": "125", "MEM_LIM_MI": "64",
                          "MEM_REQ": "33554432", "CPU_LIM": "4"}


def test_dollar_escape_and_unknown_container():
    pod = make_pod("ns", {"env": env(("A", "$$(B)"), ("B", "x"))})
    assert container_env(pod, "c", make_store(), include_service_env=False).env == \
        {"A": "$(B)", "B": "x"}
    with pytest.raises(ContainerNotFound):
        container_env(pod, "nope", make_store())


# -- TestMapping (expansion) -------------------------------------------------------------------
CONTEXT = {"VAR_A": "A", "VAR_B": "B", "VAR_C": "C", "VAR_REF": "$(VAR_A)", "VAR_EMPTY": ""}


@pytest.mark.parametrize("text, expected", [
    pytest.param("$(VAR_A)", "A", id="whole string"),
    pytest.param("$(VAR_A)-$(VAR_A)", "A-A", id="repeat"),
    pytest.param("$(VAR_A)-1", "A-1", id="beginning"),
    pytest.param("___$(VAR_B)___", "___B___", id="middle"),
    pytest.param("___$(VAR_C)", "___C", id="end"),
    pytest.param("$(VAR_A)_$(VAR_B)_$(VAR_C)", "A_B_C", id="compound"),
    pytest.param("$$(VAR_B)_$(VAR_A)", "$(VAR_B)_A", id="escape & expand"),
    pytest.param("$$(VAR_A)_$$(VAR_B)", "$(VAR_A)_$(VAR_B)", id="compound escape"),
    pytest.param("f000-$$VAR_A", "f000-$VAR_A", id="mixed in escapes"),
    pytest.param("foo\\$(VAR_C)bar", "foo\\Cbar", id="backslash escape ignored"),
    pytest.param("foo\\\\$(VAR_C)bar", "foo\\\\Cbar", id="backslash escape ignored 2"),
    pytest.param("foo\\\\\\\\$(VAR_A)bar", "foo\\\\\\\\Abar", id="lots of backslashes"),
    pytest.param("$(VAR_A$(VAR_B))", "$(VAR_A$(VAR_B))", id="nested var references"),
    pytest.param("$(VAR_A$(VAR_B)", "$(VAR_A$(VAR_B)",
                 id="nested var references second type"),
    pytest.param("$(VAR_REF)", "$(VAR_A)", id="value is a reference"),
    pytest.param("%%$(VAR_REF)--$(VAR_REF)%%", "%%$(VAR_A)--$(VAR_A)%%",
                 id="value is a reference x 2"),
    pytest.param("foo$(VAR_EMPTY)bar", "foobar", id="empty var"),
    pytest.param("foo$(VAR_Awhoops!", "foo$(VAR_Awhoops!", id="unterminated expression"),
    pytest.param("f00__(VAR_A)__", "f00__(VAR_A)__", id="expression without operator"),
    pytest.param("$?_boo_$!", "$?_boo_$!", id="shell special vars pass through"),
    pytest.param("$VAR_A", "$VAR_A", id="bare operators are ignored"),
    pytest.param("$(VAR_DNE)", "$(VAR_DNE)", id="undefined vars are passed through"),
    pytest.param("$$$$$$(BIG_MONEY)", "$$$(BIG_MONEY)",
                 id="multiple (even) operators, var undefined"),
    pytest.param("$$$$$$(VAR_A)", "$$$(VAR_A)", id="multiple (even) operators, var defined"),
    pytest.param("$$$$$$$(GOOD_ODDS)", "$$$$(GOOD_ODDS)",
                 id="multiple (odd) operators, var undefined"),
    pytest.param("$$$$$$$(VAR_A)", "$$$A", id="multiple (odd) operators, var defined"),
    pytest.param("$VAR_A)", "$VAR_A)", id="missing open expression"),
    pytest.param("${VAR_A}", "${VAR_A}", id="shell syntax ignored"),
    pytest.param("$(VAR_B)_______$(A", "B_______$(A",
                 id="trailing incomplete expression not consumed"),
    pytest.param("$(VAR_C)_______$(", "C_______$(",
                 id="trailing incomplete expression, no content, is not consumed"),
    pytest.param("$(VAR_A)foobarzab$", "Afoobarzab$",
                 id="operator at end of input string is preserved"),
    pytest.param("foo-\\$(VAR_A", "foo-\\$(VAR_A", id="shell escaped incomplete expr"),
    pytest.param("--$($($($($--", "--$($($($($--", id="lots of $( in middle"),
    pytest.param("$($($($($--foo$(", "$($($($($--foo$(", id="lots of $( in beginning"),
    pytest.param("foo0--$($($($(", "foo0--$($($($(", id="lots of $( at end"),
    pytest.param("$(foo$$var)", "$(foo$$var)",
                 id="escaped operators in variable names are not escaped"),
    pytest.param("\n", "\n", id="newline not expanded"),
])
def test_mapping(text, expected):
    assert expand(text, mapping_func_for(CONTEXT)) == expected


# -- fieldpath ---------------------------------------------------------------------------------
def meta_pod(**meta):
    return {"metadata": meta}


@pytest.mark.parametrize("path, obj, expected", [
    pytest.param("metadata.namespace", meta_pod(namespace="object-namespace"),
                 "object-namespace", id="ok - namespace"),
    pytest.param("metadata.name", meta_pod(name="object-name"), "object-name", id="ok - name"),
    pytest.param("metadata.labels", meta_pod(labels={"key": "value"}), 'key="value"',
                 id="ok - labels"),
    pytest.param("metadata.labels", meta_pod(labels={"key": "value\n"}), 'key="value\\n"',
                 id="ok - labels bslash n"),
    pytest.param("metadata.annotations", meta_pod(annotations={"builder": "john-doe"}),
                 'builder="john-doe"', id="ok - annotations"),
    pytest.param("metadata.uid", meta_pod(uid="b70b3269-858e-12a8-9cf2-1232a194038a"),
                 "b70b3269-858e-12a8-9cf2-1232a194038a", id="ok - uid"),
    pytest.param("metadata.labels['key']", meta_pod(labels={"key": "value"}), "value",
                 id="ok - label"),
    pytest.param("metadata.labels['missing']", meta_pod(labels={"key": "value"}), "",
                 id="ok - missing label"),
    pytest.param("metadata.annotations['a/b']", meta_pod(annotations={"a/b": "x\"y"}), 'x"y',
                 id="ok - annotation raw"),
])
def test_extract_field_path_as_string(path, obj, expected):
    assert extract_field_path_as_string(obj, path) == expected


@pytest.mark.parametrize("path, fragment", [
    ("metadata.whoops", "unsupported fieldPath"),
    ("metadata.name['x']", "does not support subscript"),
])
def test_extract_field_path_errors(path, fragment):
    with pytest.raises(Exception, match=fragment):
        extract_field_path_as_string(meta_pod(name="x"), path)


def test_format_map_sorted_quoted_no_trailing_newline():
    assert format_map({"zone": "us-est-coast", "cluster": "test-cluster1",
                       "rack": "rack-22"}) == \
        'cluster="test-cluster1"\nrack="rack-22"\nzone="us-est-coast"'
    assert format_map({}) == ""
    assert go_quote('a"b\\c\td\x01é\u00a0') == '"a\\"b\\\\c\\td\\x01é\\u00a0"'


@pytest.mark.parametrize("value, divisor, expected", [
    ("250m", "1m", "250"), ("125m", None, "1"), ("64Mi", "1Mi", "64"),
    ("32Mi", None, "33554432"), ("1", "0", "1"), (None, None, "0"), ("1.5", "1", "2"),
    ("2", "500m", "4"),
])
def test_convert_quantity(value, divisor, expected):
    assert convert_quantity(value, divisor) == expected


@pytest.mark.parametrize("name, strict, relaxed", [
    ("key", True, True), ("key.1", True, True), ("1234", False, True), ("p_1234", True, True),
    ("a:b", False, True), ("a=b", False, False), ("", False, False),
])
def test_is_env_var_name(name, strict, relaxed):
    assert is_env_var_name(name, (1, 19)) is strict
    assert is_env_var_name(name, (1, 32)) is relaxed


def test_api_server_y_kubelet_n():
    # (upstream "api server = Y, kubelet = N": no service lister, so no service variables)
    result = container_env(make_pod("test1", {"env": TEST_SVC_ENV}), "c", make_store(),
                           include_service_env=False)
    assert result.env == {v["name"]: v["value"] for v in TEST_SVC_ENV}
