"""What every simulated kubectl command shares: the result, the output collector, finding
the objects a command names (cli-runtime's resource builder), and kubectl's error texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.selectors import EVERYTHING, Selector, SelectorError, parse_selector
from pytest_k8sflow.errors import K8sflowError
from pytest_k8sflow.kubectl.parser import KubectlCommand
from pytest_k8sflow.kubectl.printers import not_found

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster

ACTOR = "kubectl"  # writes made by kubectl commands are attributed to this name


@dataclass
class KubectlResult:
    """What a kubectl command printed and how it exited."""

    stdout: str
    stderr: str
    exit_code: int

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


class KubectlReadOnlyError(K8sflowError):
    """A command that changes the cluster was given where only reading is allowed
    (``expect: - kubectl: ...``)."""


class CommandFailed(Exception):
    """Ends a command early: ``message`` goes to stderr (a newline is added)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        self.message = message
        self.exit_code = exit_code
        super().__init__(message)


@dataclass
class Output:
    """stdout and stderr as the command writes them, and the exit code it will return."""

    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)
    exit_code: int = 0

    def write(self, text: str) -> None:
        self.out.append(text)

    def warn(self, text: str) -> None:
        """stderr without failing (warnings, ``No resources found``)."""
        self.err.append(text if text.endswith("\n") else text + "\n")

    def error(self, text: str, exit_code: int = 1) -> None:
        """An error line on stderr; the command will exit non-zero."""
        self.warn(text)
        self.exit_code = exit_code

    def result(self) -> KubectlResult:
        return KubectlResult("".join(self.out), "".join(self.err), self.exit_code)


# -- error texts (kubectl pkg/cmd/util/helpers.go checkErr / StandardErrorMessage) ------------

_CAUSE_SPLIT = re.compile(r", (?=[A-Za-z_.\[\]0-9\-/]+: )")


def api_error_text(exc: apierrors.ApiError) -> str:
    """An apiserver refusal as kubectl prints it. Invalid errors are ``The Kind "name" is
    invalid: <cause>`` (several causes: one ``* cause`` line each, MultilineError);
    everything else ``Error from server (Reason): message``."""
    if exc.reason == "Invalid":
        m = re.match(r'^([^ ]+) "([^"]*)" is invalid: (.*)$', exc.message, re.S)
        if m:
            kind = m.group(1).split(".")[0]
            head = f'The {kind} "{m.group(2)}" is invalid: '
            causes = m.group(3)
            if causes.startswith("[") and causes.endswith("]"):
                parts = _CAUSE_SPLIT.split(causes[1:-1])
                if len(parts) > 1:
                    return head + "\n" + "".join(f"* {p}\n" for p in parts).rstrip("\n")
                return head + parts[0]
            return head + causes
    return exc.kubectl_text()


def fail_from(out: Output, exc: Exception) -> None:
    """Report an exception raised while running a command on stderr."""
    if isinstance(exc, apierrors.ApiError):
        out.error(api_error_text(exc))
    elif isinstance(exc, CommandFailed):
        out.error(exc.message, exc.exit_code)
    else:
        out.error(f"error: {exc}")


# -- finding objects (cli-runtime pkg/resource/builder.go) -----------------------------------


def selector_of(cmd: KubectlCommand) -> Selector:
    if cmd.selector is None:
        return EVERYTHING
    try:
        return parse_selector(cmd.selector)
    except SelectorError as exc:
        raise CommandFailed(f"error: {exc}") from None


@dataclass
class Found:
    """The objects a command's resource arguments name, in the order kubectl visits them,
    and the NotFound errors for names that do not exist."""

    objects: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    groups: list[tuple[str, list[dict]]] = field(default_factory=list)  # (kind, objects)


def find(cluster: Cluster, cmd: KubectlCommand, *,
         keep: Callable[[Mapping], bool] | None = None) -> Found:
    """Objects named by ``cmd.resources``: by name (missing ones give NotFound errors) or
    every object of the type in the namespace (all namespaces with ``-A``) that the ``-l``
    selector matches. Objects come sorted by namespace and name, as the apiserver lists."""
    selector = selector_of(cmd)
    found = Found()
    for rarg in cmd.resources:
        rtype = rarg.type
        ns = cmd.namespace if rtype.namespaced else ""
        if rarg.name is not None:
            obj = cluster.store.get(rtype.kind, ns, rarg.name)
            if obj is None:
                found.errors.append(not_found(rtype, rarg.name))
                continue
            objs = [obj]
        else:
            scope = None if (cmd.all_namespaces or not rtype.namespaced) else ns
            objs = [o for o in cluster.store.list(rtype.kind, scope)
                    if selector.matches(o["metadata"].get("labels"))]
        if keep is not None:
            objs = [o for o in objs if keep(o)]
        found.objects.extend(objs)
        if found.groups and found.groups[-1][0] == rtype.kind:
            found.groups[-1][1].extend(objs)
        else:
            found.groups.append((rtype.kind, list(objs)))
    return found


def base_dir(cluster: Cluster) -> str:
    """Where ``-f FILE`` paths are relative to: ``cluster.base_dir`` when the scenario
    runner set it, else the current directory."""
    import os

    value = getattr(cluster, "base_dir", None)
    return str(value) if value else os.getcwd()


def with_change_cause(obj: dict, cmd: KubectlCommand) -> dict:
    """--record (record_flags.go ChangeCauseRecorder): the command line in the
    ``kubernetes.io/change-cause`` annotation of the object written."""
    if not cmd.flag("record"):
        return obj
    meta = obj.get("metadata") or {}
    annotations = {**(meta.get("annotations") or {}),
                   "kubernetes.io/change-cause": cmd.change_cause}
    return {**obj, "metadata": {**meta, "annotations": annotations}}
