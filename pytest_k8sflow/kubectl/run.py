"""Run a kubectl command line against the simulated cluster, as kubectl 1.32 would.

    result = run_kubectl(cluster, "get pods -l app=web")
    result.stdout, result.stderr, result.exit_code

The command is parsed by :mod:`pytest_k8sflow.kubectl.parser` (flags, resources, errors with
kubectl's text), then executed here and in ``commands_*.py`` against the cluster's store and
apiserver. Mistakes kubectl would report (unknown objects, bad flags, refused writes) come
back as ``exit_code`` 1 with kubectl's stderr; commands and flags the simulator does not model
raise :class:`~pytest_k8sflow.errors.UnsupportedError`. The caller settles the cluster after
a command that wrote. Supported subset and semantics: docs/cli-kubectl.md,
docs/semantics/kubectl-commands.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.errors import UnsupportedError
from pytest_k8sflow.kubectl.commands_common import (
    CommandFailed,
    KubectlReadOnlyError,
    KubectlResult,
    Output,
    fail_from,
    find,
)
from pytest_k8sflow.kubectl.jsonpath import JSONPathError, print_custom_columns, print_jsonpath
from pytest_k8sflow.kubectl.parser import KubectlCommand, KubectlError, parse
from pytest_k8sflow.kubectl.printers import name_line, print_tables
from pytest_k8sflow.kubectl.yamlout import list_object, print_objects, strip_managed_fields

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster

__all__ = ["KubectlReadOnlyError", "KubectlResult", "READ_ONLY_COMMANDS", "run_kubectl"]

# Commands that never write; everything else is refused in read-only mode.
READ_ONLY_COMMANDS = ("get", "describe", "rollout status", "rollout history", "exec", "logs")

# Unmodelled commands users reach for; say so instead of "unknown command".
_UNSUPPORTED_COMMANDS = {
    "edit": "kubectl edit opens an editor; use a `patch` step or `kubectl apply -f` instead",
    "replace": "kubectl replace is not supported; use an `apply` step",
    "wait": "kubectl wait is not supported; use an `until` step",
}


def run_kubectl(cluster: Cluster, command: str, *, read_only: bool = False) -> KubectlResult:
    """Run ``command`` (a kubectl command line without the word ``kubectl``).

    ``read_only`` (expectations) refuses commands that would write, raising
    :class:`KubectlReadOnlyError`; ``rollout status`` then behaves as ``--watch=false``.
    """
    words = command.split()
    first = words[0] if words and words[0] != "kubectl" else (words[1] if len(words) > 1
                                                              else "")
    if first in _UNSUPPORTED_COMMANDS:
        raise UnsupportedError(f"kubectl {first} is not supported by pytest-k8sflow: "
                               f"{_UNSUPPORTED_COMMANDS[first]}")
    try:
        cmd = parse(command)
    except KubectlError as exc:
        return KubectlResult("", exc.message + "\n", exc.exit_code)
    if read_only and cmd.command not in READ_ONLY_COMMANDS:
        raise KubectlReadOnlyError(
            f"`kubectl {command}` changes the cluster; a `kubectl` expectation may only run "
            f"commands that read ({', '.join(READ_ONLY_COMMANDS)}). Make it a step instead.")
    out = Output()
    for warning in cmd.warnings:
        out.warn(warning)
    handler = _handler(cmd.command)
    try:
        if cmd.filenames and cmd.command in ("get", "describe", "delete"):
            _targets_from_files(cluster, cmd)
        handler(cluster, cmd, out, read_only)
    except (CommandFailed, apierrors.ApiError, JSONPathError) as exc:
        if isinstance(exc, JSONPathError):
            out.error(f"error: {str(exc).rstrip(chr(10))}")
        else:
            fail_from(out, exc)
    return out.result()


def _targets_from_files(cluster: Cluster, cmd: KubectlCommand) -> None:
    """``get|describe|delete -f FILE``: the objects the file's manifests name (builder.go
    FilenameParam), each in its own namespace or the command's."""
    from pytest_k8sflow.kubectl.commands_write import read_manifests
    from pytest_k8sflow.kubectl.parser import ResourceArg

    namespaces = set()
    for filename in cmd.filenames:
        for manifest in read_manifests(cluster, filename):
            try:
                rtype = cluster.api.resource_type(dict(manifest))
            except apierrors.ApiError as exc:
                raise CommandFailed(f"error: unable to recognize \"{filename}\": "
                                    f"{exc.message}") from None
            meta = manifest.get("metadata") or {}
            cmd.resources.append(ResourceArg(rtype, meta.get("name"), rtype.plural))
            if rtype.namespaced and meta.get("namespace"):
                namespaces.add(meta["namespace"])
    if len(namespaces) == 1 and not cmd.namespace_given:
        cmd.namespace = namespaces.pop()
    cmd.single_item = len(cmd.resources) == 1


Handler = Callable[["Cluster", KubectlCommand, Output, bool], None]


def _handler(command: str) -> Handler:
    from pytest_k8sflow.kubectl import (
        commands_exec,
        commands_patch,
        commands_rollout,
        commands_write,
        describe,
    )

    table: dict[str, Handler] = {
        "get": run_get,
        "describe": describe.run_describe,
        "scale": commands_write.run_scale,
        "patch": commands_patch.run_patch,
        "taint": commands_patch.run_taint,
        "set image": commands_write.run_set_image,
        "set resources": commands_write.run_set_resources,
        "label": commands_write.run_label,
        "annotate": commands_write.run_label,
        "cordon": commands_write.run_cordon,
        "uncordon": commands_write.run_cordon,
        "delete": commands_write.run_delete,
        "create deployment": commands_write.run_create_deployment,
        "create job": commands_write.run_create_job,
        "create": commands_write.run_apply,
        "apply": commands_write.run_apply,
        "exec": commands_exec.run_exec,
        "logs": commands_exec.run_logs,
        "rollout status": commands_rollout.run_status,
        "rollout history": commands_rollout.run_history,
        "rollout undo": commands_rollout.run_undo,
        "rollout pause": commands_rollout.run_pause_resume,
        "rollout resume": commands_rollout.run_pause_resume,
        "rollout restart": commands_rollout.run_restart,
    }
    handler = table.get(command)
    if handler is None:
        raise UnsupportedError(f"kubectl {command} is not supported by pytest-k8sflow")
    return handler


# -- get (kubectl pkg/cmd/get/get.go) -----------------------------------------------------------


def run_get(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    found = find(cluster, cmd)
    errors = [] if cmd.flag("ignore-not-found") else found.errors
    fmt = cmd.output_format
    if fmt in (None, "wide"):
        _print_human(cluster, cmd, out, found.groups, errors)
    else:
        if cmd.single_item and errors:
            # printGeneric: a single named object that is missing prints only the error
            out.error("\n".join(errors))
            return
        _print_generic(cmd, out, found.objects)
    if errors:
        out.error("\n".join(errors))


def _print_human(cluster: Cluster, cmd: KubectlCommand, out: Output,
                 groups: list[tuple[str, list[dict]]], errors: list[str]) -> None:
    text = print_tables(groups, cluster.clock.now_ms, wide=cmd.output_format == "wide",
                        show_labels=bool(cmd.flag("show-labels")),
                        label_columns=cmd.flag("label-columns") or (),
                        no_headers=bool(cmd.flag("no-headers")),
                        with_namespace=cmd.all_namespaces,
                        with_kind=True if cmd.flag("show-kind") else None)
    out.write(text)
    if not text and not errors and not cmd.flag("ignore-not-found"):
        # get.go: nothing written, no errors -> say so on stderr
        namespaced = not cmd.all_namespaces and all(r.type.namespaced for r in cmd.resources)
        if namespaced:
            out.warn(f"No resources found in {cmd.namespace} namespace.")
        else:
            out.warn("No resources found")


def _print_generic(cmd: KubectlCommand, out: Output, objects: list[dict]) -> None:
    """get.go printGeneric: one object when exactly one was named, else a List."""
    fmt = cmd.output_format
    show_managed = bool(cmd.flag("show-managed-fields"))
    if fmt in ("yaml", "json"):
        out.write(print_objects(objects, fmt, single_item=cmd.single_item,
                                show_managed_fields=show_managed))
        return
    shown = objects if show_managed else [strip_managed_fields(o) for o in objects]
    if fmt == "name":
        out.write("".join(name_line(o, short=True) for o in shown))
        return
    if fmt == "jsonpath":
        data = shown[0] if cmd.single_item and len(shown) == 1 else list_object(shown)
        out.write(print_jsonpath(cmd.output_template or "", data,
                                 allow_missing_keys=bool(cmd.flag("allow-missing-template-keys"))))
        return
    if fmt == "custom-columns":
        out.write(print_custom_columns(cmd.output_template or "", shown,
                                       no_headers=bool(cmd.flag("no-headers"))))
        return
    raise UnsupportedError(f"output format {fmt!r} is not supported by pytest-k8sflow")
