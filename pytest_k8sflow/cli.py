"""The ``k8sflow`` command: run scenarios, lint manifests, trace and plot scenarios."""

from __future__ import annotations

import argparse
import sys

USAGE = """usage: k8sflow <command> [options]

commands:
  run PATH... [-- PYTEST-ARGS]   run the scenario files under PATH with pytest
  lint PATH...                   lint Kubernetes manifests and scenario files
  trace SCENARIO                 print the timeline of a scenario run
  plot SCENARIO -o FILE.svg      draw replicas and pod states over simulated time
"""


def _run(argv: list[str]) -> int:
    import pytest

    parser = argparse.ArgumentParser(prog="k8sflow run",
                                     description="Run scenario files with pytest.")
    parser.add_argument("paths", nargs="*", default=["."], help="files or folders")
    parser.add_argument("--seed", type=int, default=None, help="override every cluster.seed")
    args, extra = parser.parse_known_args(argv)
    pytest_args = [*args.paths, *[a for a in extra if a != "--"]]
    if args.seed is not None:
        pytest_args += ["--k8sflow-seed", str(args.seed)]
    return int(pytest.main(pytest_args))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        return _run(rest)
    if command == "lint":
        from pytest_k8sflow.lint.cli import lint_main

        return lint_main(rest)
    if command == "trace":
        from pytest_k8sflow.trace import trace_main

        return trace_main(rest)
    if command == "plot":
        from pytest_k8sflow.plot import plot_main

        return plot_main(rest)
    print(f"k8sflow: unknown command {command!r}\n\n{USAGE}", end="", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
