"""PersistentVolume binding (k/k pkg/controller/volume/persistentvolume index_test.go
TestMatchVolume/TestFindingVolumeWithDifferentAccessModes, binder_test.go cases)."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.cluster import Cluster
from pytest_k8sflow.engine.controllers import pvbinder as b


def pv(name, size, modes=("ReadWriteOnce",), cls="", labels=None, claim_ref=None):
    spec = {"capacity": {"storage": size}, "accessModes": list(modes),
            "storageClassName": cls, "hostPath": {"path": f"/d/{name}"}}
    if claim_ref:
        spec["claimRef"] = claim_ref
    return {"apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": name, "labels": labels or {}}, "spec": spec}


def pvc(name="claim", size="1Gi", modes=("ReadWriteOnce",), cls="", selector=None):
    spec = {"accessModes": list(modes), "resources": {"requests": {"storage": size}},
            "storageClassName": cls}
    if selector is not None:
        spec["selector"] = selector
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": name, "namespace": "default", "uid": "claim-uid"},
            "spec": spec}


VOLUMES = [pv("gce-pd-1", "1G"), pv("gce-pd-5", "5G"), pv("gce-pd-10", "10G"),
           pv("nfs-1", "1G", ("ReadWriteMany", "ReadOnlyMany", "ReadWriteOnce")),
           pv("nfs-10", "10G", ("ReadWriteMany",)), pv("labelled", "5G", labels={"a": "b"}),
           pv("gold", "5G", cls="gold")]


@pytest.mark.parametrize("claim,expected", [
    (pvc(size="1G"), "gce-pd-1"),                         # successful-match-gce-10 (smallest)
    (pvc(size="3G"), "gce-pd-5"),
    (pvc(size="8G"), "gce-pd-10"),
    (pvc(size="100G"), None),                             # unsuccessful-match-gce-10
    (pvc(size="1G", modes=("ReadWriteMany",)), "nfs-1"),  # successful-match-nfs
    (pvc(size="5G", modes=("ReadWriteMany",)), "nfs-10"),
    (pvc(size="1G", selector={"matchLabels": {"a": "b"}}), "labelled"),
    (pvc(size="1G", cls="gold"), "gold"),
    (pvc(size="1G", cls="silver"), None),
])
def test_find_best_match(claim, expected):  # TestMatchVolume
    got = b.find_best_match(VOLUMES, claim)
    assert (got["metadata"]["name"] if got else None) == expected


def test_prebound_volume_wins_and_others_are_skipped():  # TestFindingPreboundVolumes
    ref = {"name": "claim", "namespace": "default"}
    vols = [pv("a", "1G"), pv("z", "5G", claim_ref=ref),
            pv("taken", "1G", claim_ref={"name": "other", "namespace": "default"})]
    assert b.find_best_match(vols, pvc(size="1G"))["metadata"]["name"] == "z"
    assert b.find_best_match(vols[2:], pvc(size="1G")) is None


def test_tie_broken_by_name():
    vols = [pv("b", "1G"), pv("a", "1G")]
    assert b.find_best_match(vols, pvc(size="1G"))["metadata"]["name"] == "a"


def test_default_class_newest_wins():  # GetDefaultClass
    def sc(name, ts, default=True):
        ann = {b.DEFAULT_CLASS_ANNOTATION: "true"} if default else {}
        return {"metadata": {"name": name, "creationTimestamp": ts, "annotations": ann}}
    classes = [sc("a", "2026-01-01T00:00:00Z"), sc("b", "2026-01-02T00:00:00Z"),
               sc("c", "2026-01-03T00:00:00Z", default=False)]
    assert b.default_storage_class(classes)["metadata"]["name"] == "b"
    assert b.default_storage_class(classes[2:]) is None


def claim_manifest(name="data", cls=None, size="1Gi"):
    spec = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}}
    if cls is not None:
        spec["storageClassName"] = cls
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
            "spec": spec}


def test_static_binding_end_to_end():
    c = Cluster(nodes=1)
    c.create(pv("small", "1Gi"))
    c.create(pv("big", "10Gi"))
    c.create(claim_manifest(cls=""))
    claim = c.get("PersistentVolumeClaim", "data")
    assert claim["spec"]["volumeName"] == "small"
    assert claim["status"] == {"phase": "Bound", "accessModes": ["ReadWriteOnce"],
                               "capacity": {"storage": "1Gi"}}
    assert claim["metadata"]["annotations"] == {b.BIND_COMPLETED: "yes",
                                                b.BOUND_BY_CONTROLLER: "yes"}
    volume = c.get("PersistentVolume", "small", "")
    assert volume["status"]["phase"] == "Bound"
    assert volume["spec"]["claimRef"]["name"] == "data"
    c.delete("persistentvolumeclaim/data")
    assert c.get("PersistentVolume", "small", "")["status"]["phase"] == "Released"


def test_no_class_and_no_volume_stays_pending():
    c = Cluster(nodes=1)
    c.create(claim_manifest(cls=""))
    assert c.get("PersistentVolumeClaim", "data")["status"]["phase"] == "Pending"
    reasons = [(e["reason"], e["message"]) for e in c.events
               if e["involvedObject"]["kind"] == "PersistentVolumeClaim"]
    assert ("FailedBinding", "no persistent volumes available for this claim and no storage "
            "class is set") in reasons


def test_no_default_class_keeps_claim_pending():
    c = Cluster(nodes=1)
    c.delete("storageclass/standard")
    c.create(claim_manifest())
    claim = c.get("PersistentVolumeClaim", "data")
    assert claim["status"]["phase"] == "Pending"
    assert "storageClassName" not in claim["spec"]


def test_wait_for_first_consumer_then_provision():
    c = Cluster(nodes=1)
    c.create(claim_manifest())
    claim = c.get("PersistentVolumeClaim", "data")
    assert claim["spec"]["storageClassName"] == "standard"
    assert claim["status"]["phase"] == "Pending"
    assert any(e["reason"] == "WaitForFirstConsumer" for e in c.events)
    c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "user"},
              "spec": {"containers": [{"name": "c", "image": "busybox"}],
                       "volumes": [{"name": "d", "persistentVolumeClaim": {
                           "claimName": "data"}}]}})
    claim = c.get("PersistentVolumeClaim", "data")
    uid = claim["metadata"]["uid"]
    assert claim["spec"]["volumeName"] == f"pvc-{uid}"
    assert claim["metadata"]["annotations"][b.SELECTED_NODE] == "node-1"
    volume = c.get("PersistentVolume", f"pvc-{uid}", "")
    assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert volume["metadata"]["annotations"][b.PROVISIONED_BY] == "rancher.io/local-path"
    c.delete("pod/user")
    c.delete("persistentvolumeclaim/data")
    assert c.get("PersistentVolume", f"pvc-{uid}", "") is None


def test_unknown_class_fails_provisioning():
    c = Cluster(nodes=1)
    c.create(claim_manifest(cls="fast"))
    assert any(e["reason"] == "ProvisioningFailed"
               and e["message"] == 'storageclass.storage.k8s.io "fast" not found'
               for e in c.events)
