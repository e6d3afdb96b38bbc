"""The settle loop: rounds, time, and what happens when components fight."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.cluster import Cluster
from pytest_k8sflow.engine.component import Component
from pytest_k8sflow.errors import ConvergenceError


class Setter(Component):
    """Keeps ConfigMap ``shared`` at data.value == its own value."""

    def __init__(self, name, value):
        self.name = name
        self.value = value

    def setup(self, cluster):
        super().setup(cluster)
        cluster.store.watch("ConfigMap", lambda old, new: self.enqueue("shared"))

    def sync(self, key):
        obj = self.cluster.store.get("ConfigMap", "default", "shared")
        if obj is not None and obj.get("data", {}).get("value") != self.value:
            self.cluster.api.update({**obj, "data": {"value": self.value}}, self.name)


class Timer(Component):
    name = "timer"

    def setup(self, cluster):
        super().setup(cluster)
        self.fired = []

    def sync(self, key):
        self.fired.append((key, self.cluster.now_ms))


def test_fighting_components_are_reported_by_name():
    cluster = Cluster(nodes=0, components=[Setter("left-controller", "a"),
                                           Setter("right-controller", "b")])
    with pytest.raises(ConvergenceError) as err:
        cluster.create({"apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": {"name": "shared"}, "data": {"value": "x"}})
    text = str(err.value)
    assert "ConfigMap/shared" in text
    assert "left-controller" in text and "right-controller" in text


def test_one_component_converges():
    cluster = Cluster(nodes=0, components=[Setter("only-controller", "a")])
    cluster.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shared"}})
    assert cluster.get("ConfigMap", "shared")["data"] == {"value": "a"}
    writes = cluster.store.versions("ConfigMap", "default", "shared")
    assert [w.actor for w in writes] == ["kubectl", "only-controller"]


def test_advance_fires_timers_in_order_at_their_time():
    timer = Timer()
    cluster = Cluster(nodes=0, components=[timer])
    start = cluster.now_ms
    timer.enqueue_after("late", 30_000)
    timer.enqueue_after("early", 10_000)
    cluster.advance("20s")
    assert timer.fired == [("early", start + 10_000)]
    assert cluster.now_ms == start + 20_000
    cluster.advance("1m")
    assert timer.fired[-1] == ("late", start + 30_000)


def test_run_until_stops_at_the_first_time_the_condition_holds():
    timer = Timer()
    cluster = Cluster(nodes=0, components=[timer])
    start = cluster.now_ms
    for seconds in (5, 10, 15):
        timer.enqueue_after(seconds, seconds * 1000)
    assert cluster.run_until(lambda: len(timer.fired) >= 2, "1m")
    assert cluster.now_ms == start + 10_000
    assert not cluster.run_until(lambda: len(timer.fired) >= 4, "30s")
    assert cluster.now_ms == start + 40_000
