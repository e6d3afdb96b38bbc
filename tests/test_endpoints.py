"""Endpoints/EndpointSlices and cluster IPs (k/k pkg/controller/endpoint
endpoints_controller_test.go, pkg/api/v1/endpoints/util_test.go TestPackSubsets)."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.cluster import Cluster
from pytest_k8sflow.engine.controllers import endpoints as ep


def svc(name="foo", **spec) -> dict:
    base = {"selector": {"foo": "bar"}, "ports": [{"port": 80, "protocol": "TCP",
                                                   "targetPort": 8080}]}
    base.update(spec)
    return {"metadata": {"name": name, "namespace": "default", "uid": "svc-uid"},
            "spec": base}


def pod(name, ip, ready=True, **extra) -> dict:
    meta = {"name": name, "namespace": "default", "uid": f"uid-{name}",
            "labels": {"foo": "bar"}}
    meta.update(extra.pop("meta", {}))
    spec = {"nodeName": "node-1", "containers": [{"name": "c", "ports": [
        {"name": "http", "containerPort": 8080, "protocol": "TCP"}]}]}
    spec.update(extra.pop("spec", {}))
    status = {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}],
              "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}
    status.update(extra.pop("status", {}))
    return {"metadata": meta, "spec": spec, "status": status}


def addr_ips(subset, key="addresses"):
    return [a["ip"] for a in subset.get(key) or []]


def test_sync_endpoints_items():  # TestSyncEndpointsItems
    subsets = ep.endpoint_subsets(svc(), [pod("p1", "1.2.3.5"), pod("p0", "1.2.3.4")])
    assert len(subsets) == 1
    assert addr_ips(subsets[0]) == ["1.2.3.4", "1.2.3.5"]
    assert subsets[0]["ports"] == [{"port": 8080, "protocol": "TCP"}]
    assert subsets[0]["addresses"][0]["targetRef"] == {
        "kind": "Pod", "namespace": "default", "name": "p0", "uid": "uid-p0"}


def test_not_ready_addresses():  # TestSyncEndpointsItemsPreexistingLabelsChange / not ready
    subsets = ep.endpoint_subsets(svc(), [pod("p0", "1.2.3.4"), pod("p1", "1.2.3.5", False)])
    assert addr_ips(subsets[0]) == ["1.2.3.4"]
    assert addr_ips(subsets[0], "notReadyAddresses") == ["1.2.3.5"]


def test_publish_not_ready_addresses():  # TestSyncEndpointsHeadlessServiceLabel...
    subsets = ep.endpoint_subsets(svc(publishNotReadyAddresses=True),
                                  [pod("p1", "1.2.3.5", False)])
    assert addr_ips(subsets[0]) == ["1.2.3.5"]


@pytest.mark.parametrize("status,meta", [
    ({"phase": "Failed"}, {}),
    ({"phase": "Succeeded"}, {}),
    ({"podIP": "", "podIPs": []}, {}),
    ({}, {"deletionTimestamp": "2026-01-01T00:00:00Z"}),
])
def test_pods_left_out(status, meta):  # TestShouldPodBeInEndpoints
    assert ep.endpoint_subsets(svc(), [pod("p0", "1.2.3.4", status=status, meta=meta)]) == []


def test_named_target_port():  # TestFindPort
    service = svc(ports=[{"name": "web", "port": 80, "protocol": "TCP", "targetPort": "http"}])
    subsets = ep.endpoint_subsets(service, [pod("p0", "1.2.3.4")])
    assert subsets[0]["ports"] == [{"name": "web", "port": 8080, "protocol": "TCP"}]
    missing = svc(ports=[{"port": 80, "protocol": "TCP", "targetPort": "nope"}])
    assert ep.endpoint_subsets(missing, [pod("p0", "1.2.3.4")]) == []


def test_hostname_only_for_matching_subdomain():  # ShouldSetHostname
    service = svc(clusterIP="None")
    same = pod("web-0", "1.2.3.4", spec={"hostname": "web-0", "subdomain": "foo"})
    other = pod("web-1", "1.2.3.5", spec={"hostname": "web-1", "subdomain": "bar"})
    addrs = ep.endpoint_subsets(service, [same, other])[0]["addresses"]
    assert [a.get("hostname") for a in addrs] == ["web-0", None]


def test_headless_without_ports():  # "Allow headless service not to have ports"
    subsets = ep.endpoint_subsets(svc(clusterIP="None", ports=[]), [pod("p0", "1.2.3.4")])
    assert subsets == [{"addresses": subsets[0]["addresses"]}]
    assert ep.endpoint_subsets(svc(ports=[]), [pod("p0", "1.2.3.4")]) == []


def test_pack_subsets_groups_by_ports():  # TestPackSubsets (two ports, one address each)
    a = {"ip": "1.1.1.1"}
    b = {"ip": "2.2.2.2"}
    p1 = {"port": 111, "protocol": "TCP"}
    p2 = {"port": 222, "protocol": "TCP"}
    out = ep.repack_subsets([(a, p1, True), (b, p2, True), (a, p2, True)])
    assert [(addr_ips(s), [p["port"] for p in s["ports"]]) for s in out] == [
        (["1.1.1.1"], [111]), (["1.1.1.1", "2.2.2.2"], [222])]


def test_pack_subsets_not_ready_wins():  # TestPackSubsets "one set, one ip, not ready"
    a = {"ip": "1.1.1.1"}
    p1 = {"port": 111, "protocol": "TCP"}
    out = ep.repack_subsets([(a, p1, True), (a, p1, False)])
    assert out == [{"notReadyAddresses": [a], "ports": [p1]}]


def test_labels_and_headless_label():
    service = svc(clusterIP="None")
    service["metadata"]["labels"] = {"app": "x"}
    assert ep.endpoints_labels(service) == {"app": "x", ep.HEADLESS_LABEL: ""}
    assert ep.endpoints_labels(svc(clusterIP="10.96.0.5")) == {}


def test_allocate_cluster_ip_is_deterministic_and_in_range():
    first = ep.allocate_cluster_ip(0, "default", "web", set())
    assert first == ep.allocate_cluster_ip(0, "default", "web", set())
    assert first != ep.allocate_cluster_ip(0, "default", "web", {first})
    import ipaddress
    assert ipaddress.ip_address(first) in ep.SERVICE_CIDR
    assert int(ipaddress.ip_address(first)) >= int(ep.SERVICE_CIDR.network_address) + 256


def test_end_to_end_endpoints_slices_and_ip():
    c = Cluster(nodes=1)
    c.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
              "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    c.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
              "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    service = c.get("Service", "web")
    assert service["spec"]["clusterIP"] == service["spec"]["clusterIPs"][0]
    endpoints = c.get("Endpoints", "web")
    assert len(endpoints["subsets"][0]["addresses"]) == 2
    [slice_] = c.list("EndpointSlice")
    assert slice_["metadata"]["labels"][ep.SERVICE_NAME_LABEL] == "web"
    assert slice_["metadata"]["ownerReferences"][0]["kind"] == "Service"
    assert all(e["conditions"]["ready"] for e in slice_["endpoints"])
    c.delete("service/web")
    assert c.get("Endpoints", "web") is None
    assert c.list("EndpointSlice") == []
