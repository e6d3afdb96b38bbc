"""Cluster DNS answers and the ``dns`` expectation (CoreDNS kubernetes plugin behaviour)."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.cluster import Cluster
from pytest_k8sflow.engine.dns import candidates, lookup, resolve
from pytest_k8sflow.expect.dnscheck import check_dns


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    c = Cluster(nodes=2)
    c.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "nginx"},
              "spec": {"clusterIP": "None", "selector": {"app": "nginx"},
                       "ports": [{"port": 80, "name": "web"}]}})
    c.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "front"},
              "spec": {"selector": {"app": "nginx"}, "ports": [{"port": 8080, "name": "http",
                                                                "targetPort": 80}]}})
    c.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ext"},
              "spec": {"type": "ExternalName", "externalName": "example.com"}})
    c.create({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
              "spec": {"serviceName": "nginx", "replicas": 2,
                       "selector": {"matchLabels": {"app": "nginx"}},
                       "template": {"metadata": {"labels": {"app": "nginx"}},
                                    "spec": {"containers": [{"name": "nginx",
                                                             "image": "nginx"}]}}}})
    return c


def ip_of(c, name):
    return c.get("Pod", name)["status"]["podIP"]


def test_headless_service_a_records(cluster):
    answer = resolve(cluster, "nginx.default.svc.cluster.local")
    assert sorted(answer.addresses) == sorted([ip_of(cluster, "web-0"), ip_of(cluster, "web-1")])


def test_pod_hostname_record(cluster):
    assert resolve(cluster, "web-0.nginx.default.svc.cluster.local.").addresses == [
        ip_of(cluster, "web-0")]


def test_cluster_ip_service(cluster):
    assert resolve(cluster, "front.default.svc.cluster.local").addresses == [
        cluster.get("Service", "front")["spec"]["clusterIP"]]


def test_external_name_is_cname(cluster):
    answer = resolve(cluster, "ext.default.svc.cluster.local")
    assert [(r.type, r.value) for r in answer.records] == [("CNAME", "example.com")]


def test_srv_records(cluster):
    answer = resolve(cluster, "_web._tcp.nginx.default.svc.cluster.local", "SRV")
    assert sorted(r.value for r in answer.records) == [
        "web-0.nginx.default.svc.cluster.local", "web-1.nginx.default.svc.cluster.local"]
    answer = resolve(cluster, "_http._tcp.front.default.svc.cluster.local", "SRV")
    assert [(r.value, r.port) for r in answer.records] == [
        ("front.default.svc.cluster.local", 8080)]


@pytest.mark.parametrize("name", [
    "web-9.nginx.default.svc.cluster.local", "nope.default.svc.cluster.local",
    "nginx.other.svc.cluster.local", "example.com", "_web._udp.nginx.default.svc.cluster.local",
])
def test_nxdomain(cluster, name):
    assert resolve(cluster, name, "SRV" if name.startswith("_") else "A").rcode == "NXDOMAIN"


def test_pod_dashed_name(cluster):
    assert resolve(cluster, "10-244-0-5.default.pod.cluster.local").addresses == ["10.244.0.5"]


def test_check_dns_forms(cluster):
    base = "nginx.default.svc.cluster.local"
    assert check_dns(cluster, {"name": f"web-0.{base}", "pod": "web-0"}) is None
    assert check_dns(cluster, {"name": base, "pods": ["web-1", "web-0"]}) is None
    assert "expected pods web-0" in check_dns(cluster, {"name": base, "pods": ["web-0"]})
    assert check_dns(cluster, {"name": f"web-7.{base}", "resolves": False}) is None
    assert "expected NXDOMAIN" in check_dns(cluster, {"name": base, "resolves": False})
    assert check_dns(cluster, {"name": f"_web._tcp.{base}", "type": "SRV", "port": 80,
                               "targets": [f"web-0.{base}", f"web-1.{base}"]}) is None
    assert "port" in check_dns(cluster, {"name": f"_web._tcp.{base}", "type": "SRV",
                                         "port": 81})
    ip = cluster.get("Service", "front")["spec"]["clusterIP"]
    assert check_dns(cluster, {"name": "front.default.svc.cluster.local",
                               "addresses": [ip]}) is None
    assert "does not exist" in check_dns(cluster, {"name": base, "pod": "web-5"})


def test_unready_pod_leaves_headless_answer():
    c = Cluster(nodes=1)
    c.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "nginx"},
              "spec": {"clusterIP": "None", "selector": {"app": "nginx"}}})
    c.create({"apiVersion": "v1", "kind": "Pod",
              "metadata": {"name": "p", "labels": {"app": "nginx"}},
              "spec": {"containers": [{"name": "c", "image": "nginx", "readinessProbe": {
                  "exec": {"command": ["true"]}, "initialDelaySeconds": 30}}]}})
    assert resolve(c, "nginx.default.svc.cluster.local").rcode == "NXDOMAIN"
    c.advance("31s")
    assert resolve(c, "nginx.default.svc.cluster.local").addresses == [ip_of(c, "p")]


# Search path of a ClusterFirst pod (kubelet pkg/kubelet/network/dns/dns.go
# generateSearchesForDNSClusterFirst, defaultDNSOptions ndots:5; glibc res_search order).
@pytest.mark.parametrize(("name", "namespace", "want"), [
    ("web-0.nginx", "default", ["web-0.nginx.default.svc.cluster.local",
                                "web-0.nginx.svc.cluster.local", "web-0.nginx.cluster.local",
                                "web-0.nginx"]),
    ("nginx.default.svc.cluster.local.", "foo", ["nginx.default.svc.cluster.local"]),
    ("a.b.c.d.e.f", "foo", ["a.b.c.d.e.f", "a.b.c.d.e.f.foo.svc.cluster.local",
                            "a.b.c.d.e.f.svc.cluster.local", "a.b.c.d.e.f.cluster.local"]),
])
def test_search_candidates(name, namespace, want):
    assert candidates(name, namespace) == want


def test_relative_names_resolve_through_the_search_list(cluster):
    assert lookup(cluster, "web-0.nginx").addresses == [ip_of(cluster, "web-0")]
    assert lookup(cluster, "web-0.nginx").name == "web-0.nginx.default.svc.cluster.local"
    assert lookup(cluster, "nginx.default").rcode == "NOERROR"
    assert lookup(cluster, "web-0.nginx", namespace="kube-system").rcode == "NXDOMAIN"
    assert lookup(cluster, "nginx.default.svc.cluster.local").rcode == "NOERROR"


def test_check_dns_relative_name_and_matchers(cluster):
    assert check_dns(cluster, {"name": "web-0.nginx", "pod": "web-0"}) is None
    assert check_dns(cluster, {"name": "nginx", "pods": [{"$glob": "web-*"}]}) is None
    assert check_dns(cluster, {"name": "nginx", "addresses": [{"$glob": "10.244.*"},
                                                              {"$glob": "10.244.*"}]}) is None
    # one matcher for two addresses: the counts differ
    assert check_dns(cluster, {"name": "nginx", "addresses": [{"$glob": "10.244.*"}]})
    assert check_dns(cluster, {"name": "_web._tcp.nginx.default.svc.cluster.local",
                               "type": "SRV", "targets": [{"$glob": "web-*"},
                                                          {"$glob": "web-*"}]}) is None


def test_check_dns_pod_namespace_follows_the_name():
    c = Cluster(nodes=1)
    c.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "foo"}})
    c.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "nginx",
                                                                  "namespace": "foo"},
              "spec": {"clusterIP": "None", "selector": {"app": "nginx"}}})
    c.create({"apiVersion": "v1", "kind": "Pod",
              "metadata": {"name": "p", "namespace": "foo", "labels": {"app": "nginx"}},
              "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    c.settle()
    assert check_dns(c, {"name": "nginx.foo.svc.cluster.local", "pod": "p"}) is None
    assert check_dns(c, {"name": "nginx.foo", "pod": "p"}) is None
    assert check_dns(c, {"name": "nginx", "pod": "p", "namespace": "foo"}) is None
