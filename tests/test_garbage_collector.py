"""Garbage collection by ownerReferences, with Background, Foreground and Orphan deletion
(k/k pkg/controller/garbagecollector; docs "Garbage Collection")."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.cluster import Cluster
from pytest_k8sflow.engine.controllers.garbagecollector import GarbageCollector
from pytest_k8sflow.engine.wiring import register_indexes


class Bare(Cluster):
    """A cluster with the garbage collector only, so ConfigMaps can stand in for any kind."""

    def __init__(self):
        super().__init__(nodes=0, components=[], settle=False)
        register_indexes(self)
        gc = GarbageCollector()
        self.components.append(gc)
        self._components_by_name[gc.name] = gc
        self.queue.register(gc.name)
        gc.setup(self)


def cm(name, *owners, block=True):
    meta = {"name": name}
    if owners:
        meta["ownerReferences"] = [
            {"apiVersion": "v1", "kind": "ConfigMap", "name": o["metadata"]["name"],
             "uid": o["metadata"]["uid"], "blockOwnerDeletion": block, "controller": i == 0}
            for i, o in enumerate(owners)]
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta}


def names(cluster):
    return [o["metadata"]["name"] for o in cluster.list("ConfigMap")]


@pytest.fixture
def tree():
    c = Bare()
    root = c.create(cm("root"))
    child = c.create(cm("child", root))
    c.create(cm("grandchild", child))
    return c


def test_background_deletes_the_whole_tree(tree):
    tree.delete("configmap/root")
    assert names(tree) == []


def test_foreground_deletes_dependents_first(tree):
    tree.delete("configmap/root", propagation="Foreground", settle=False)
    # the owner stays readable, with the finalizer, while its dependents go
    root = tree.get("ConfigMap", "root")
    assert root["metadata"]["finalizers"] == ["foregroundDeletion"]
    tree.settle()
    assert names(tree) == []


def test_orphan_keeps_dependents_and_drops_their_owner_reference(tree):
    tree.delete("configmap/root", propagation="Orphan")
    assert names(tree) == ["child", "grandchild"]
    assert "ownerReferences" not in tree.get("ConfigMap", "child")["metadata"]
    assert tree.get("ConfigMap", "grandchild")["metadata"]["ownerReferences"][0]["name"] == \
        "child"


def test_dependent_with_another_live_owner_survives():
    c = Bare()
    a, b = c.create(cm("a")), c.create(cm("b"))
    c.create(cm("shared", a, b))
    c.delete("configmap/a")
    shared = c.get("ConfigMap", "shared")
    assert [r["name"] for r in shared["metadata"]["ownerReferences"]] == ["b"]
    c.delete("configmap/b")
    assert names(c) == []


def test_dependent_created_for_a_missing_owner_is_collected():
    c = Bare()
    ghost = {"metadata": {"name": "ghost", "uid": "00000000-0000-4000-8000-000000000000"}}
    c.create(cm("orphaned", ghost))
    assert names(c) == []
