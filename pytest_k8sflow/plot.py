"""``k8sflow plot SCENARIO -o rollout.svg``: the picture of a rollout.

Top: replicas of each ReplicaSet (one line per revision; solid: ``status.replicas``, dotted:
``status.readyReplicas``) over simulated time. Bottom: each pod as a bar per node, coloured
by its state (Pending, Running, Ready, Terminating, Succeeded, Failed) over the same axis.
Step starts are marked on both. Everything comes from the store's write history.

When simulated time does not move (a rolling update without readiness probes or
minReadySeconds happens at one instant) the x axis counts writes instead, so the rollout's
order is still visible; ``--axis time`` forces the clock.

matplotlib is an optional extra (``pip install 'pytest-k8sflow[plot]'``); the data is built
without it (``plot_data``), so only drawing needs it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_k8sflow.scenario.runner import Runner

__all__ = ["PlotData", "draw", "plot_data", "plot_main", "pod_state", "MISSING_MATPLOTLIB"]

MISSING_MATPLOTLIB = ("k8sflow plot needs matplotlib, an optional extra: "
                      "pip install 'pytest-k8sflow[plot]' (or: pip install matplotlib)")
STATE_COLORS = {
    "Pending": "#bdbdbd",
    "Running": "#9ecae1",
    "Ready": "#31a354",
    "Terminating": "#fd8d3c",
    "Succeeded": "#756bb1",
    "Failed": "#de2d26",
}


def pod_state(pod: Mapping | None) -> str | None:
    """One word for a pod's state as ``kubectl get pods`` would suggest it."""
    if pod is None:
        return None
    meta = pod.get("metadata") or {}
    status = pod.get("status") or {}
    if meta.get("deletionTimestamp"):
        return "Terminating"
    phase = status.get("phase")
    if phase in ("Succeeded", "Failed"):
        return phase
    if not (pod.get("spec") or {}).get("nodeName") or phase != "Running":
        return "Pending"
    ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                for c in status.get("conditions") or ())
    return "Ready" if ready else "Running"


@dataclass
class PlotData:
    axis: str  # "time" (seconds since the start) or "writes" (write count)
    end: float
    # ReplicaSet name -> (revision, [(x, replicas, ready)])
    replica_sets: dict[str, tuple[str, list[tuple[float, int, int]]]] = field(
        default_factory=dict)
    # pod name -> (node, [(start, end, state)])
    pods: dict[str, tuple[str, list[tuple[float, float, str]]]] = field(default_factory=dict)
    steps: list[tuple[float, str]] = field(default_factory=list)
    duration_ms: int = 0


def plot_data(runner: Runner, axis: str = "auto", namespace: str | None = None) -> PlotData:
    """What to draw, from the write history of ReplicaSets and Pods since ``given``."""
    cluster = runner.cluster
    store = cluster.store
    start = cluster.clock.start_ms
    first_rv = runner.marks[0].resource_version if runner.marks else 0
    writes: list[tuple[int, int, str, str, str, Any]] = []
    for (kind, ns, name), versions in store.history.items():
        if kind not in ("ReplicaSet", "Pod") or (namespace is not None and ns != namespace):
            continue
        for write in versions:
            if write.resource_version > first_rv:
                writes.append((write.resource_version, write.time_ms, kind, ns, name,
                               write.obj))
    writes.sort(key=lambda w: w[0])
    last_ms = max([cluster.now_ms, *(w[1] for w in writes)])
    duration = last_ms - start
    if axis == "auto":
        axis = "time" if duration > 0 else "writes"
    rank = {w[0]: float(i + 1) for i, w in enumerate(writes)}

    def x_of(rv: int, time_ms: int) -> float:
        return (time_ms - start) / 1000 if axis == "time" else rank.get(rv, 0.0)

    end = (duration / 1000 if axis == "time" else float(len(writes) + 1)) or 1.0
    data = PlotData(axis=axis, end=end, duration_ms=duration)
    for mark in runner.marks[1:]:
        later = [w for w in writes if w[0] > mark.resource_version]
        x = x_of(later[0][0], mark.time_ms) - (0.5 if axis == "writes" else 0) if later \
            else ((mark.time_ms - start) / 1000 if axis == "time" else end)
        data.steps.append((max(x, 0.0), mark.label))
    pods: dict[str, tuple[str, list]] = {}
    for rv, time_ms, kind, _ns, name, obj in writes:
        x = x_of(rv, time_ms)
        if kind == "ReplicaSet":
            revision = ""
            if obj is not None:
                revision = ((obj["metadata"].get("annotations") or {})
                            .get("deployment.kubernetes.io/revision", ""))
            previous = data.replica_sets.get(name, (revision, []))
            status = (obj or {}).get("status") or {}
            point = (x, int(status.get("replicas") or 0), int(status.get("readyReplicas") or 0))
            data.replica_sets[name] = (revision or previous[0], [*previous[1], point])
            continue
        node, segments = pods.get(name, ("", []))
        if segments and segments[-1][1] is None:
            segments[-1] = (segments[-1][0], x, segments[-1][2])
        state = pod_state(obj)
        if obj is not None:
            node = (obj.get("spec") or {}).get("nodeName") or node
        if state is not None:
            segments.append((x, None, state))
        pods[name] = (node, segments)
    for name, (node, segments) in pods.items():
        closed = [(a, end if b is None else b, s) for a, b, s in segments]
        merged: list[tuple[float, float, str]] = []
        for segment in closed:
            if merged and merged[-1][2] == segment[2] and merged[-1][1] == segment[0]:
                merged[-1] = (merged[-1][0], segment[1], segment[2])
            else:
                merged.append(segment)
        data.pods[name] = (node or "(unscheduled)", merged)
    return data


def _revision_key(item: tuple[str, tuple[str, list]]) -> tuple:
    name, (revision, _) = item
    return (int(revision) if str(revision).isdigit() else 1 << 30, name)


def draw(data: PlotData, output: str, title: str) -> None:
    """Write the picture to ``output`` (format from its extension: svg, png, pdf)."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    matplotlib.rcParams["svg.hashsalt"] = "k8sflow"  # stable ids: same run, same file
    pod_rows = sorted(data.pods.items(), key=lambda item: (item[1][0], item[0]))
    pod_height = max(1.2, 0.28 * len(pod_rows))
    figure = Figure(figsize=(11, 3.4 + pod_height))
    top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={
        "height_ratios": [2.6, pod_height]})
    colors = matplotlib.colormaps["tab10"]
    for index, (name, (revision, points)) in enumerate(
            sorted(data.replica_sets.items(), key=_revision_key)):
        xs = [p[0] for p in points] + [data.end]
        replicas = [p[1] for p in points] + [points[-1][1]]
        ready = [p[2] for p in points] + [points[-1][2]]
        label = f"{name} (revision {revision})" if revision else name
        color = colors(index % 10)
        top.step(xs, replicas, where="post", color=color, linewidth=2, label=label)
        top.step(xs, ready, where="post", color=color, linewidth=1, linestyle=":")
    top.set_ylabel("replicas (dotted: ready)")
    top.set_title(title, fontsize=10, pad=18)
    if data.replica_sets:
        top.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    top.yaxis.get_major_locator().set_params(integer=True)
    labels = []
    for row, (name, (node, segments)) in enumerate(pod_rows):
        for start, end, state in segments:
            bottom.broken_barh([(start, max(end - start, 1e-9))], (row - 0.4, 0.8),
                               facecolors=STATE_COLORS.get(state, "#000000"))
        labels.append(f"{node}  {name}")
    bottom.set_yticks(range(len(pod_rows)), labels, fontsize=7)
    bottom.set_ylim(-0.6, max(len(pod_rows), 1) - 0.4)
    bottom.invert_yaxis()
    bottom.legend(handles=[Patch(color=c, label=s) for s, c in STATE_COLORS.items()],
                  fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    # steps: a dashed line each, numbered above the top axes (several at one x share it);
    # their names go in a note under the picture
    at: dict[float, list[str]] = {}
    for x, label in data.steps:
        at.setdefault(round(x, 6), []).append(label.split(" ", 2)[1])
    for index, (x, numbers) in enumerate(at.items()):
        for axes in (top, bottom):
            axes.axvline(x, color="#555555", linewidth=0.8, linestyle="--")
        top.annotate(",".join(numbers), (x, 1.0), xycoords=("data", "axes fraction"),
                     xytext=(0, 2 + 7 * (index % 2)), textcoords="offset points", fontsize=7,
                     ha="center",
                     va="bottom", color="#555555")
    if data.steps:
        names = "   ".join(label for _, label in data.steps)
        figure.text(0.01, 0.005, names if len(names) < 220 else names[:219] + "…",
                    fontsize=7, color="#555555", va="bottom")
    bottom.set_xlim(0, data.end)
    bottom.set_xlabel("simulated time (s)" if data.axis == "time" else
                      "writes to ReplicaSets and Pods, in order "
                      f"(simulated time moved {data.duration_ms // 1000}s)")
    figure.tight_layout(rect=(0, 0.03 if data.steps else 0, 1, 1))
    figure.savefig(output, metadata={"Date": None} if output.endswith(".svg") else None)


def plot_main(argv: list[str]) -> int:
    """``k8sflow plot SCENARIO_FILE[::NAME] -o FILE.svg``."""
    from pytest_k8sflow.errors import K8sflowError
    from pytest_k8sflow.trace import run_for_trace, select_scenarios

    parser = argparse.ArgumentParser(
        prog="k8sflow plot",
        description="Draw replicas per ReplicaSet and pod states per node over simulated "
                    "time for one scenario run.")
    parser.add_argument("scenario", help="a scenario file (its first scenario) or FILE::NAME")
    parser.add_argument("-o", "--output", required=True, help="the picture: .svg, .png, .pdf")
    parser.add_argument("--axis", choices=("auto", "time", "writes"), default="auto",
                        help="x axis: simulated time, or the order of writes (auto: writes "
                             "when time does not move)")
    parser.add_argument("--namespace", default=None, help="only this namespace")
    parser.add_argument("--seed", type=int, default=None, help="override cluster.seed")
    args = parser.parse_args(argv)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print(f"k8sflow plot: {MISSING_MATPLOTLIB}", file=sys.stderr)
        return 2
    try:
        scenarios = select_scenarios(args.scenario)
    except K8sflowError as exc:
        print(f"k8sflow plot: {exc}", file=sys.stderr)
        return 2
    if not scenarios:
        print(f"k8sflow plot: no scenario in {args.scenario}", file=sys.stderr)
        return 2
    scenario = scenarios[0]
    runner, failed = run_for_trace(scenario, args.seed)
    if runner.cluster is None:
        print(f"k8sflow plot: the scenario did not start: {failed}", file=sys.stderr)
        return 1
    data = plot_data(runner, args.axis, args.namespace)
    draw(data, args.output, f"{scenario.name}  ({scenario.file})")
    note = " (the scenario failed; drawn up to the failure)" if failed is not None else ""
    print(f"wrote {args.output}{note}")
    return 1 if failed is not None else 0
