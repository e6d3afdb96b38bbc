"""The engine's foundations: clock, names, work queue, selectors, store."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.clock import Clock
from pytest_k8sflow.engine.names import SAFE_ALPHABET, NameGenerator, UidGenerator
from pytest_k8sflow.engine.selectors import (
    SelectorError,
    from_label_selector,
    parse_selector,
)
from pytest_k8sflow.engine.store import Store
from pytest_k8sflow.engine.timeutil import (
    format_go_duration,
    format_time,
    parse_duration,
    parse_time,
)
from pytest_k8sflow.engine.workqueue import WorkQueue


class TestTime:
    def test_round_trip(self):
        ms = parse_time("2026-01-01T00:00:00Z")
        assert format_time(ms) == "2026-01-01T00:00:00Z"
        assert format_time(ms + 61_500) == "2026-01-01T00:01:01Z"

    def test_offsets_are_converted_to_utc(self):
        assert format_time(parse_time("2026-01-01T01:00:00+01:00")) == "2026-01-01T00:00:00Z"

    def test_time_without_zone_is_refused(self):
        with pytest.raises(ValueError, match="no time zone"):
            parse_time("2026-01-01T00:00:00")

    @pytest.mark.parametrize("text,ms", [("30s", 30_000), ("5m", 300_000),
                                          ("1h30m", 5_400_000), ("500ms", 500), ("90", 90_000),
                                          ("1m30s", 90_000)])
    def test_durations(self, text, ms):
        assert parse_duration(text) == ms

    @pytest.mark.parametrize("text", ["", "5 minutes", "m5", "1x", "30s5"])
    def test_bad_durations(self, text):
        with pytest.raises(ValueError, match="not a duration"):
            parse_duration(text)

    @pytest.mark.parametrize("ms,text", [(10_000, "10s"), (80_000, "1m20s"), (300_000, "5m0s"),
                                          (160_000, "2m40s"), (3_600_000, "1h0m0s"),
                                          (0, "0s"), (1_500, "1.5s")])
    def test_go_duration_strings(self, ms, text):
        # Go's time.Duration.String(), as used in kubelet back-off messages.
        assert format_go_duration(ms) == text


class TestClock:
    def test_timers_fire_in_time_then_sequence_order(self):
        clock = Clock(0)
        fired = []
        clock.call_at(20, "b", lambda: fired.append("b"))
        clock.call_at(10, "a", lambda: fired.append("a"))
        clock.call_at(20, "c", lambda: fired.append("c"))
        assert clock.next_due() == 10
        clock.set(20)
        clock.fire_due()
        assert fired == ["a", "b", "c"]

    def test_same_key_keeps_the_earliest_time(self):
        clock = Clock(0)
        fired = []
        clock.call_at(50, "k", lambda: fired.append(50))
        clock.call_at(30, "k", lambda: fired.append(30))
        clock.call_at(70, "k", lambda: fired.append(70))
        assert clock.next_due() == 30
        clock.set(100)
        clock.fire_due()
        assert fired == [30]
        assert clock.next_due() is None

    def test_clock_never_goes_back(self):
        clock = Clock(100)
        with pytest.raises(ValueError):
            clock.set(50)


class TestNames:
    def test_generated_names_follow_the_apiserver_rules(self):
        gen = NameGenerator(0)
        name = gen.generate_name("web-7b8cbd4f76-")
        assert name.startswith("web-7b8cbd4f76-")
        suffix = name[len("web-7b8cbd4f76-"):]
        assert len(suffix) == 5 and set(suffix) <= set(SAFE_ALPHABET)

    def test_long_bases_are_cut_to_58_characters(self):
        name = NameGenerator(0).generate_name("x" * 80)
        assert len(name) == 63 and name.startswith("x" * 58)

    def test_same_seed_same_names_other_seed_other_names(self):
        a = [NameGenerator(7).generate_name("p-") for _ in range(3)]
        b = [NameGenerator(7).generate_name("p-") for _ in range(3)]
        c = [NameGenerator(8).generate_name("p-") for _ in range(3)]
        assert a == b and a != c

    def test_uids_are_uuid4_shaped_and_seeded(self):
        uid = UidGenerator(1).new_uid()
        assert len(uid) == 36 and uid[14] == "4"
        assert uid == UidGenerator(1).new_uid() != UidGenerator(2).new_uid()


class TestWorkQueue:
    def test_dedup_while_queued_and_stable_order(self):
        q = WorkQueue()
        q.register("c")
        for key in ["a", "b", "a", "c"]:
            q.add("c", key)
        assert q.take("c") == ["a", "b", "c"]
        assert q.empty()


class TestSelectors:
    # apimachinery labels selector_test.go TestSelectorMatches / TestLabelSelectorAsSelector
    @pytest.mark.parametrize("text,labels,want", [
        ("", {"x": "y"}, True),
        ("x=y", {"x": "y"}, True),
        ("x=y,z=w", {"x": "y", "z": "w"}, True),
        ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
        ("notin=in", {"notin": "in"}, True),
        ("x", {"x": "z"}, True),
        ("!x", {"y": "z"}, True),
        ("x in (y,z)", {"x": "y"}, True),
        ("x notin (y)", {"x": "z"}, True),
        ("x=z", {"x": "y"}, False),
        ("x=y,z=w", {"x": "w", "z": "w"}, False),
        ("x!=y", {"x": "y"}, False),
        ("x", {"y": "z"}, False),
        ("!x", {"x": "z"}, False),
        ("x in (y,z)", {"x": "a"}, False),
        ("x notin (y,z)", {"x": "y"}, False),
    ])
    def test_text_selectors(self, text, labels, want):
        assert parse_selector(text).matches(labels) is want

    def test_nil_selects_nothing_and_empty_selects_everything(self):
        assert not from_label_selector(None).matches({})
        assert from_label_selector({}).matches({})
        assert from_label_selector({}).matches({"a": "b"})

    def test_match_expressions(self):
        sel = from_label_selector({"matchLabels": {"app": "web"},
                                   "matchExpressions": [
                                       {"key": "tier", "operator": "In", "values": ["fe", "be"]},
                                       {"key": "canary", "operator": "DoesNotExist"}]})
        assert sel.matches({"app": "web", "tier": "fe"})
        assert not sel.matches({"app": "web", "tier": "db"})
        assert not sel.matches({"app": "web", "tier": "fe", "canary": "1"})

    def test_invalid_operator(self):
        with pytest.raises(SelectorError):
            from_label_selector({"matchExpressions": [{"key": "a", "operator": "Is"}]})


class TestStore:
    def _obj(self, name, ns="default", **meta):
        return {"kind": "ConfigMap", "metadata": {"name": name, "namespace": ns, **meta}}

    def test_list_is_sorted_by_namespace_and_name(self):
        store = Store()
        for name, ns in [("b", "x"), ("a", "y"), ("c", "x")]:
            store.put("ConfigMap", self._obj(name, ns), "t", store.next_resource_version())
        assert [(o["metadata"]["namespace"], o["metadata"]["name"])
                for o in store.list("ConfigMap")] == [("x", "b"), ("x", "c"), ("y", "a")]
        assert [o["metadata"]["name"] for o in store.list("ConfigMap", "x")] == ["b", "c"]

    def test_indexes_follow_writes(self):
        store = Store()
        store.add_index("ConfigMap", "label", lambda o: [o["metadata"].get("labels", {})
                                                          .get("app", "")])
        store.put("ConfigMap", self._obj("a", labels={"app": "web"}), "t", 1)
        assert [o["metadata"]["name"] for o in store.by_index("ConfigMap", "label", "web")] \
            == ["a"]
        store.put("ConfigMap", self._obj("a", labels={"app": "db"}), "t", 2)
        assert store.by_index("ConfigMap", "label", "web") == []
        store.remove("ConfigMap", "default", "a", "t")
        assert store.by_index("ConfigMap", "label", "db") == []

    def test_watchers_see_old_and_new(self):
        store = Store()
        seen = []
        store.watch("ConfigMap", lambda old, new: seen.append((old is None, new is None)))
        store.put("ConfigMap", self._obj("a"), "t", 1)
        store.put("ConfigMap", self._obj("a"), "t", 2)
        store.remove("ConfigMap", "default", "a", "t")
        assert seen == [(True, False), (False, False), (False, True)]

    def test_history_records_each_write_with_its_actor(self):
        store = Store()
        store.put("ConfigMap", self._obj("a"), "kubectl", 1)
        store.step = 2
        store.put("ConfigMap", self._obj("a"), "some-controller", 2)
        writes = store.versions("ConfigMap", "default", "a")
        assert [(w.actor, w.step) for w in writes] == [("kubectl", 0), ("some-controller", 2)]
