"""The timeline of a scenario run: every write and every Event, in order, on the simulated clock.

Like ``kubectl get events -w`` for the whole run, plus the object writes the store recorded::

    TIME      STEP  COMPONENT              ACTION   OBJECT                     DETAIL
    -- step 1 (bump the image) at 00:00:00 (t=0s) --
    00:00:00  1     kubectl                updated  Deployment/web             spec.templa…
    00:00:00  1     deployment-controller  created  ReplicaSet/web-7c5fd54994  replicas=1
    00:00:00  1     deployment-controller  event    Deployment/web             Normal Scal…

Nothing is computed while the scenario runs except one integer per emitted Event (the
``EventTape`` notes the store's resourceVersion at that moment, so Events fall between the
right writes); the store already keeps every version of every object (engine/store.py). The
lines are built only when a trace is asked for: ``k8sflow trace``, ``pytest
--k8sflow-trace``, and the tail of the trace at the end of a failure report.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_k8sflow.engine.timeutil import format_go_duration, format_time

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster
    from pytest_k8sflow.scenario.runner import Runner

__all__ = ["EventTape", "TraceEntry", "build_trace", "render_trace", "trace_main",
           "clock_text", "flat_changes"]

HEADER = ("TIME", "STEP", "COMPONENT", "ACTION", "OBJECT", "DETAIL")
MAX_DETAIL_CHANGES = 4
MAX_VALUE = 40
# Writes nobody wants to read in a timeline: the bookkeeping of every write.
_IGNORED_PATHS = (("metadata", "resourceVersion"), ("metadata", "managedFields"))


class EventTape(list):
    """``recorder.emitted`` with, for each Event, the store's resourceVersion and step at the
    moment it was emitted: a list, so the recorder and every reader see no difference."""

    def __init__(self, cluster: Cluster, items: Iterable = ()) -> None:
        super().__init__(items)
        self._store = cluster.store
        self.positions: list[tuple[int, int]] = [(0, 0)] * len(self)

    def append(self, item: Any) -> None:  # type: ignore[override]
        super().append(item)
        self.positions.append((self._store.resource_version, self._store.step))

    @classmethod
    def install(cls, cluster: Cluster) -> EventTape:
        recorder = cluster.recorder
        if isinstance(recorder.emitted, cls):
            return recorder.emitted
        tape = cls(cluster, recorder.emitted)
        recorder.emitted = tape
        return tape


@dataclass(frozen=True)
class TraceEntry:
    """One line of the timeline (or a step heading when ``action`` is ``"step"``)."""

    # (resourceVersion, step, -1 write / 0 step heading / 1 event, sequence): a step's
    # heading comes after the last write before it, Events after the write they followed
    order: tuple[int, int, int, int]
    time_ms: int
    step: int
    component: str
    action: str  # created, updated, deleted, event, step
    object: str
    detail: str


# -- time ------------------------------------------------------------------------------------
def clock_text(time_ms: int, start_ms: int) -> str:
    """``00:00:42 (t=42s)``: the simulated wall clock and the time since the scenario began."""
    return f"{_wall(time_ms)} (t={format_go_duration(time_ms - start_ms)})"


def _wall(time_ms: int) -> str:
    text = format_time(time_ms)[11:19]
    if time_ms % 1000:
        text += f".{time_ms % 1000:03d}"
    return text


# -- differences between two versions -----------------------------------------------------
def _short(value: Any) -> str:
    if value is _MISSING:
        return "<absent>"
    if isinstance(value, str):
        text = value if value and value.strip() == value and "\n" not in value else repr(value)
    elif value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, Mapping):
        text = "{…}" if value else "{}"
    elif isinstance(value, list):
        text = f"[{len(value)} items]" if value else "[]"
    else:
        text = str(value)
    if len(text) > MAX_VALUE:
        text = text[:MAX_VALUE - 1] + "…"
    return text


class _Missing:
    def __repr__(self) -> str:
        return "<absent>"


_MISSING = _Missing()
_ADDED = _Missing()  # a whole mapping that appeared
_REMOVED = _Missing()  # a whole mapping that went away
_ITEM_KEYS = ("name", "type", "containerPort", "key", "mountPath", "ip")


def _item_key(item: Any) -> str | None:
    if isinstance(item, Mapping):
        for key in _ITEM_KEYS:
            value = item.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool):
                return str(value)
    return None


def _keyed(items: list) -> dict[str, Any] | None:
    """A list of items that name themselves (containers by name, conditions by type)."""
    out: dict[str, Any] = {}
    for item in items:
        key = _item_key(item)
        if key is None or key in out:
            return None
        out[key] = item
    return out


def flat_changes(old: Any, new: Any, path: tuple = ()) -> list[tuple[str, Any, Any]]:
    """``[("status.replicas", 1, 2), ("status.conditions[Ready].status", "False", "True")]``:
    the leaves that differ between two versions, in the new version's key order."""
    out: list[tuple[str, Any, Any]] = []
    _diff(old, new, path, out)
    return out


def _path_text(path: tuple) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.startswith("["):
            text += part
        else:
            text += ("." if text else "") + part
    return text


def _diff(old: Any, new: Any, path: tuple, out: list) -> None:
    if path in _IGNORED_PATHS:
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key, value in new.items():
            _diff(old.get(key, _MISSING), value, (*path, key), out)
        for key, value in old.items():
            if key not in new:
                _diff(value, _MISSING, (*path, key), out)
        return
    if isinstance(old, list) and isinstance(new, list) and old != new:
        old_keyed, new_keyed = _keyed(old), _keyed(new)
        if old_keyed is not None and new_keyed is not None and (old or new):
            for key, value in new_keyed.items():
                _diff(old_keyed.get(key, _MISSING), value, (*path, f"[{key}]"), out)
            for key, value in old_keyed.items():
                if key not in new_keyed:
                    _diff(value, _MISSING, (*path, f"[{key}]"), out)
            return
        if len(old) == len(new):
            for index, (a, b) in enumerate(zip(old, new, strict=True)):
                _diff(a, b, (*path, index), out)
            return
    if old is _MISSING and isinstance(new, Mapping) and new:
        out.append((_path_text(path), _ADDED, new))
        return
    if new is _MISSING and isinstance(old, Mapping) and old:
        out.append((_path_text(path), old, _REMOVED))
        return
    if old is _MISSING and new is _MISSING:
        return
    if old != new or type(old) is not type(new):
        out.append((_path_text(path), old, new))


def _change_text(changes: list[tuple[str, Any, Any]]) -> str:
    parts = []
    for path, old, new in changes[:MAX_DETAIL_CHANGES]:
        if old is _ADDED:
            parts.append(f"{path} added")
        elif new is _REMOVED:
            parts.append(f"{path} removed")
        else:
            parts.append(f"{path}: {_short(old)} -> {_short(new)}")
    if len(changes) > MAX_DETAIL_CHANGES:
        parts.append(f"(+{len(changes) - MAX_DETAIL_CHANGES} more)")
    return ", ".join(parts)


def _created_text(kind: str, obj: Mapping) -> str:
    spec = obj.get("spec") or {}
    parts = []
    if isinstance(spec.get("replicas"), int):
        parts.append(f"replicas={spec['replicas']}")
    if kind == "Pod":
        if spec.get("nodeName"):
            parts.append(f"node={spec['nodeName']}")
        images = [c.get("image") for c in spec.get("containers") or () if c.get("image")]
        if images:
            parts.append("image=" + ",".join(images))
    return " ".join(parts)


def _object_text(kind: str, namespace: str, name: str) -> str:
    text = f"{kind}/{name}"
    if namespace and namespace != "default":
        text += f" -n {namespace}"
    return text


# -- building the timeline ---------------------------------------------------------------------
def build_trace(runner: Runner, *, bootstrap: bool = False, events: bool = True
                ) -> list[TraceEntry]:
    """Every write (but the Events' own) and every emitted Event of the run, in order, with
    a heading entry where each step starts. ``bootstrap`` keeps the writes that built the
    empty cluster (namespaces, nodes) before ``given``."""
    cluster = runner.cluster
    if cluster is None:
        return []
    store = cluster.store
    first_rv = runner.marks[0].resource_version if runner.marks else 0
    entries: list[TraceEntry] = []
    for (kind, namespace, name), writes in store.history.items():
        if kind == "Event":
            continue
        previous = None
        for write in writes:
            obj = write.obj
            if write.resource_version <= first_rv and not bootstrap:
                previous = obj
                continue
            if obj is None:
                action, detail = "deleted", ""
            elif previous is None:
                action, detail = "created", _created_text(kind, obj)
            else:
                changes = flat_changes(previous, obj)
                action, detail = "updated", _change_text(changes) or "(no change)"
                deleting = (obj.get("metadata") or {}).get("deletionTimestamp")
                if deleting and not (previous.get("metadata") or {}).get("deletionTimestamp"):
                    action = "deleting"
            entries.append(TraceEntry((write.resource_version, write.step, -1, 0), write.time_ms,
                                      write.step, write.actor, action,
                                      _object_text(kind, namespace, name), detail))
            previous = obj
    if events:
        tape = runner.tape
        emitted = list(tape) if tape is not None else list(cluster.recorder.emitted)
        positions = tape.positions if tape is not None else [(0, 0)] * len(emitted)
        for sequence, (event, (rv, step)) in enumerate(zip(emitted, positions, strict=True)):
            if rv < first_rv and not bootstrap:
                continue
            involved = event.get("involvedObject") or {}
            source = event.get("source") or {}
            component = source.get("component") or event.get("reportingComponent") or ""
            entries.append(TraceEntry(
                (rv, step, 1, sequence), int(event.get("timeMs", 0)), step, component, "event",
                _object_text(involved.get("kind", ""), involved.get("namespace", ""),
                             involved.get("name", "")),
                f"{event.get('type', '')} {event.get('reason', '')}: "
                f"{event.get('message', '')}"))
    for mark in runner.marks:
        entries.append(TraceEntry((mark.resource_version, mark.index, 0, 0), mark.time_ms,
                                  mark.index, "", "step", "", mark.label))
    entries.sort(key=lambda e: e.order)
    return entries


def _step_text(step: int) -> str:
    return "given" if step == 0 else str(step)


def render_trace(runner: Runner, *, bootstrap: bool = False, events: bool = True,
                 tail: int | None = None, header: bool = True) -> str:
    """The timeline as aligned columns; ``tail`` keeps only the last lines (step headings
    excepted, the one in force is repeated first)."""
    entries = build_trace(runner, bootstrap=bootstrap, events=events)
    start = runner.cluster.clock.start_ms if runner.cluster is not None else 0
    rows: list[tuple[str, ...] | str] = []
    heading = None
    for entry in entries:
        if entry.action == "step":
            heading = (f"-- {entry.detail} at {clock_text(entry.time_ms, start)} --"
                       if entry.step else f"-- given at {clock_text(entry.time_ms, start)} --")
            rows.append(heading)
            continue
        rows.append((_wall(entry.time_ms), _step_text(entry.step), entry.component,
                     entry.action, entry.object, entry.detail))
    if tail is not None and len(rows) > tail:
        kept = rows[-tail:]
        if not isinstance(kept[0], str):
            last_heading = next((r for r in reversed(rows[:-tail]) if isinstance(r, str)), None)
            if last_heading is not None:
                kept = [last_heading, *kept]
        rows = [f"... {len(rows) - len(kept)} earlier lines", *kept]
    table = [r for r in rows if not isinstance(r, str)]
    if header:
        table = [HEADER, *table]
    widths = [max((len(r[i]) for r in table), default=0) for i in range(len(HEADER) - 1)]
    lines = []
    if header:
        lines.append(_row(HEADER, widths))
    for row in rows:
        lines.append(row if isinstance(row, str) else _row(row, widths))
    return "\n".join(lines)


def _row(row: tuple[str, ...], widths: list[int]) -> str:
    cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
    return ("  ".join([*cells, row[-1]])).rstrip()


# -- the command ------------------------------------------------------------------------------
def select_scenarios(reference: str) -> list:
    """``FILE`` (every scenario of it) or ``FILE::NAME``; invalid documents raise."""
    from pytest_k8sflow.errors import ScenarioError
    from pytest_k8sflow.scenario.model import InvalidScenario, parse_scenarios

    path, _, name = reference.partition("::")
    entries = parse_scenarios(path)
    if name:
        entries = [e for e in entries if e.name == name]
        if not entries:
            names = [e.name for e in parse_scenarios(path) if e.name]
            raise ScenarioError(f"no scenario named {name!r}; the file has: "
                                + ", ".join(repr(n) for n in names), file=path)
    for entry in entries:
        if isinstance(entry, InvalidScenario):
            raise entry.error
    return entries


def run_for_trace(scenario, seed: int | None = None):
    """Run one scenario; returns (runner, ScenarioFailed or None)."""
    from pytest_k8sflow.scenario.runner import Runner, ScenarioFailed

    runner = Runner(scenario, seed=seed)
    try:
        runner.run()
    except ScenarioFailed as exc:
        return runner, exc
    return runner, None


def trace_main(argv: list[str]) -> int:
    """``k8sflow trace SCENARIO_FILE[::NAME]``: print the timeline of each scenario run."""
    from pytest_k8sflow.errors import K8sflowError
    from pytest_k8sflow.report import render_failure

    parser = argparse.ArgumentParser(
        prog="k8sflow trace",
        description="Run scenarios and print their timeline: simulated time, step, each "
                    "object created/updated/deleted and by which component, and the Events.")
    parser.add_argument("scenario", help="a scenario file, or FILE::NAME for one scenario")
    parser.add_argument("--seed", type=int, default=None, help="override cluster.seed")
    parser.add_argument("--bootstrap", action="store_true",
                        help="also show the writes that built the empty cluster")
    parser.add_argument("--no-events", action="store_true", help="leave out the Events")
    parser.add_argument("--tail", type=int, default=None, metavar="N",
                        help="only the last N lines")
    args = parser.parse_args(argv)
    try:
        scenarios = select_scenarios(args.scenario)
    except K8sflowError as exc:
        print(f"k8sflow trace: {exc}", file=sys.stderr)
        return 2
    status = 0
    for number, scenario in enumerate(scenarios):
        if number:
            print()
        print(f"== {scenario.file}::{scenario.name}")
        runner, failed = run_for_trace(scenario, args.seed)
        print(render_trace(runner, bootstrap=args.bootstrap, events=not args.no_events,
                           tail=args.tail))
        if failed is not None:
            status = 1
            print()
            print(render_failure(failed, trace_lines=0))
    return status
