"""``k8sflow lint PATH... [-]``: lint Kubernetes manifests and scenario files.

Exit codes: 0 nothing at or over ``--fail-on``; 1 findings at or over it; 2 a usage error or
unreadable input (a missing file, text that is not YAML: reported with file and line).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pytest_k8sflow.errors import K8sflowError
from pytest_k8sflow.lint.api import lint_paths, rule_table
from pytest_k8sflow.lint.config import ConfigError, LintConfig, find_config, load_config
from pytest_k8sflow.lint.model import SEVERITIES
from pytest_k8sflow.lint.output import FORMATS, render
from pytest_k8sflow.lint.schema import (
    DEFAULT_KUBERNETES_VERSION,
    UnsupportedVersion,
    available_versions,
    parse_version,
)

__all__ = ["build_parser", "lint_main"]

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so lint_main can return 2."""

    def error(self, message: str):  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="k8sflow lint",
        description="Lint Kubernetes manifests and k8sflow scenario files: the Kubernetes "
                    "schemas of a chosen version, plus rules that predict what the manifests "
                    "will do.",
        epilog="exit codes: 0 clean, 1 findings at or over --fail-on, 2 usage error or "
               "unreadable input. Config: .k8sflow-lint.yaml (see docs/linting.md).")
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or folders to lint; - reads stdin")
    parser.add_argument("-k", "--kubernetes-version", metavar="VERSION",
                        help=f"Kubernetes version to lint for (default "
                             f"{DEFAULT_KUBERNETES_VERSION}; schemas for "
                             f"{available_versions()[0]}-{available_versions()[-1]})")
    parser.add_argument("--fail-on", choices=SEVERITIES[::-1], default=None,
                        help="exit 1 when a finding has this severity or a higher one "
                             "(default warning)")
    parser.add_argument("-f", "--format", choices=FORMATS, default="text",
                        help="report format (default text)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the report to FILE instead of stdout")
    parser.add_argument("--config", metavar="FILE",
                        help="config file (default: the nearest .k8sflow-lint.yaml)")
    parser.add_argument("--no-config", action="store_true",
                        help="ignore any .k8sflow-lint.yaml")
    parser.add_argument("--disable", action="append", default=[], metavar="RULE",
                        help="turn a rule off (id or glob; repeatable)")
    parser.add_argument("--enable", action="append", default=[], metavar="RULE",
                        help="turn a rule on (id or glob; repeatable)")
    parser.add_argument("--explain", action="store_true",
                        help="with each finding that predicts behaviour, print the minimal "
                             "scenario that shows it happening")
    parser.add_argument("--no-why", action="store_true",
                        help="text format: leave out the one-line why of each finding")
    parser.add_argument("--list-rules", action="store_true",
                        help="list the rules (id, severity, why) and exit")
    return parser


def _config(args: argparse.Namespace) -> LintConfig:
    if args.no_config:
        config = LintConfig()
    elif args.config:
        if not Path(args.config).is_file():
            raise ConfigError(f"{args.config}: config file not found")
        config = load_config(args.config)
    else:
        found = find_config()
        config = load_config(found) if found else LintConfig()
    config.enable(args.enable)
    config.disable(args.disable)
    return config


def _list_rules(out) -> None:
    table = rule_table()
    width = max(len(r["id"]) for r in table)
    for row in table:
        flags = "" if row["enabled"] else " (off by default)"
        predicts = " [--explain]" if row["predicts"] else ""
        out.write(f"{row['id']:<{width}}  {row['severity']:<7}  {row['why']}{flags}"
                  f"{predicts}\n")


def lint_main(argv: Sequence[str] | None = None) -> int:
    """Run ``k8sflow lint`` with these arguments; returns the exit code (never raises for a
    user's mistake)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        print(f"{exc}\n{parser.format_usage()}", end="", file=sys.stderr)
        return EXIT_USAGE
    if args.list_rules:
        _list_rules(sys.stdout)
        return EXIT_CLEAN
    if not args.paths:
        print(f"k8sflow lint: name at least one file or folder (- for stdin)\n"
              f"{parser.format_usage()}", end="", file=sys.stderr)
        return EXIT_USAGE
    try:
        config = _config(args)
        version = args.kubernetes_version or config.kubernetes_version or \
            DEFAULT_KUBERNETES_VERSION
        parse_version(version)
        fail_on = args.fail_on or config.fail_on or "warning"
        result = lint_paths(args.paths, config, kubernetes_version=version)
    except (ConfigError, UnsupportedVersion, K8sflowError) as exc:
        print(f"k8sflow lint: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for note in result.notes:
        print(f"k8sflow lint: note: {note}", file=sys.stderr)
    explain = result.explain if args.explain else None
    report = render(result, args.format, fail_on=fail_on, explain=explain,
                    why=not args.no_why)
    if args.output:
        try:
            Path(args.output).write_text(report, encoding="utf-8")
        except OSError as exc:
            print(f"k8sflow lint: cannot write {args.output}: {exc.strerror or exc}",
                  file=sys.stderr)
            return EXIT_USAGE
        if args.format != "text":
            # keep the console useful when the report goes to a file
            print(render(result, "text", why=False).splitlines()[-1], file=sys.stderr)
    else:
        sys.stdout.write(report)
    return result.exit_code(fail_on)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(lint_main())
