"""Engine speed: prints figures, asserts nothing (speed is measured here, not in tests).

    .venv/bin/python benchmarks/engine_benchmark.py [--replicas 1000] [--nodes 20]

Figures: time to create and settle a Deployment of N replicas, time of a full rolling
update (default 25%/25%), store writes per second over both, and the wall time of
``pytest scenarios/`` (the example scenarios).

Engine figures are CPU time of this process (time.process_time): what one core spends,
unaffected by other work on the machine. The pytest figure is wall time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from pytest_k8sflow.engine.cluster import Cluster

ROOT = Path(__file__).resolve().parent.parent


def deployment(replicas: int, image: str) -> dict:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": image}]}}},
    }


def measure(replicas: int, nodes: int, keep_history: bool) -> dict[str, float]:
    t0 = time.process_time()
    cluster = Cluster(nodes=nodes, keep_history=keep_history)
    t_boot = time.process_time()
    writes0 = cluster.store.writes
    cluster.create(deployment(replicas, "nginx:1.25"))
    t_created = time.process_time()
    status = cluster.get("Deployment", "web")["status"]
    assert status.get("availableReplicas") == replicas, status
    cluster.patch("deployment/web", strategic={"spec": {"template": {"spec": {
        "containers": [{"name": "web", "image": "nginx:1.26"}]}}}})
    t_rolled = time.process_time()
    status = cluster.get("Deployment", "web")["status"]
    assert status.get("updatedReplicas") == replicas, status
    writes = cluster.store.writes - writes0
    return {
        "boot_s": t_boot - t0,
        "create_settle_s": t_created - t_boot,
        "rolling_update_s": t_rolled - t_created,
        "writes": writes,
        "writes_per_s": writes / (t_rolled - t_boot),
        "rounds": cluster.settle_rounds,
    }


def pytest_examples() -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    str(ROOT / "scenarios")], cwd=ROOT, check=False,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replicas", type=int, default=1000)
    parser.add_argument("--nodes", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best kept)")
    parser.add_argument("--no-pytest", action="store_true")
    args = parser.parse_args()
    measure(10, 3, True)  # warm-up: imports, schema tables, caches
    for keep_history in (True, False):
        runs = [measure(args.replicas, args.nodes, keep_history) for _ in range(args.repeat)]
        # best of N: the run least disturbed by other work on the machine
        figures = min(runs, key=lambda run: run["create_settle_s"] + run["rolling_update_s"])
        label = "with write history" if keep_history else "without write history"
        print(f"{args.replicas}-replica Deployment on {args.nodes} nodes "
              f"({label}; CPU time, best of {args.repeat}):")
        print(f"  cluster boot            {figures['boot_s'] * 1000:8.1f} ms")
        print(f"  create + settle         {figures['create_settle_s'] * 1000:8.1f} ms")
        print(f"  rolling update 25%/25%  {figures['rolling_update_s'] * 1000:8.1f} ms")
        print(f"  store writes            {figures['writes']:8d}  "
              f"({figures['writes_per_s']:,.0f} writes/s)")
        print(f"  settle rounds           {figures['rounds']:8d}")
    if not args.no_pytest:
        print(f"pytest scenarios/ (all examples, wall time): {pytest_examples():.2f} s")


if __name__ == "__main__":
    main()
