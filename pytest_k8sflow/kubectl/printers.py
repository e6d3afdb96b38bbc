"""kubectl's non-table outputs: the name printer, ``rollout status|history|undo|pause|
resume|restart`` texts, the pod template description used by ``rollout history
--revision``, and the texts of common errors.

Re-exports the table printers so callers need one import:
``from pytest_k8sflow.kubectl.printers import print_table, name_line, ...``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from pytest_k8sflow.engine.resources import BY_KIND, ResourceType, group_of, resolve_resource
from pytest_k8sflow.kubectl.humanize import canonical_quantity
from pytest_k8sflow.kubectl.tables import (  # noqa: F401  (re-exported)
    no_resources_message,
    print_table,
    print_tables,
)
from pytest_k8sflow.kubectl.tables.common import format_label_selector, get
from pytest_k8sflow.kubectl.tabwriter import format_columns

# -- the name printer (cli-runtime pkg/printers/name.go) -----------------------------------------


def qualified_kind(obj: Mapping) -> str:
    """``deployment.apps`` / ``pod``: lowercased kind plus the API group of the object."""
    kind = obj.get("kind", "")
    group = group_of(obj.get("apiVersion", ""))
    if not group:
        rtype = BY_KIND.get(kind)
        group = rtype.group if rtype is not None and not obj.get("apiVersion") else group
    return f"{kind.lower()}.{group}" if group else kind.lower()


def name_line(obj: Mapping, operation: str = "", *, dry_run: str | None = None,
              short: bool = False) -> str:
    """NamePrinter.PrintObj: ``deployment.apps/web scaled\\n``. ``short`` is ``-o name``
    (the operation is dropped); ``dry_run`` ``"client"``/``"server"`` appends
    `` (dry run)`` / `` (server dry run)`` to the operation (PrintFlags.Complete)."""
    if dry_run == "client":
        operation = f"{operation} (dry run)"
    elif dry_run == "server":
        operation = f"{operation} (server dry run)"
    suffix = "" if short or not operation else " " + operation
    name = get(obj, "metadata", "name", default="")
    return f"{qualified_kind(obj)}/{name}{suffix}\n"


def name_lines(objects: Sequence[Mapping], operation: str = "", **kwargs: object) -> str:
    """The name printer over several objects (a List prints each item)."""
    return "".join(name_line(o, operation, **kwargs) for o in objects)  # type: ignore[arg-type]


# -- rollout status (kubectl pkg/polymorphichelpers/rollout_status.go) ---------------------------


class RolloutError(Exception):
    """An error kubectl reports for a rollout command (printed as ``error: <message>``)."""


class RolloutStatus(NamedTuple):
    message: str  # with its trailing newline, as kubectl prints it
    done: bool


def _condition(obj: Mapping, ctype: str) -> Mapping | None:
    for cond in get(obj, "status", "conditions", default=[]):
        if cond.get("type") == ctype:
            return cond
    return None


def deployment_status(deployment: Mapping, revision: int = 0) -> RolloutStatus:
    """DeploymentStatusViewer.Status. Raises :class:`RolloutError` for a progress deadline
    exceeded or a ``--revision`` that is not the running one."""
    name = get(deployment, "metadata", "name", default="")
    status = deployment.get("status") or {}
    if revision > 0:
        current = get(deployment, "metadata", "annotations", default={}).get(
            "deployment.kubernetes.io/revision")
        try:
            running = int(current) if current is not None else 0
        except ValueError as exc:
            raise RolloutError(f'cannot get the revision of deployment "{name}": {exc}') from None
        if revision != running:
            raise RolloutError(f"desired revision ({revision}) is different from the running "
                               f"revision ({running})")
    generation = int(get(deployment, "metadata", "generation", default=0))
    if generation <= int(status.get("observedGeneration") or 0):
        cond = _condition(deployment, "Progressing")
        if cond is not None and cond.get("reason") == "ProgressDeadlineExceeded":
            raise RolloutError(f'deployment "{name}" exceeded its progress deadline')
        replicas = get(deployment, "spec", "replicas")
        updated = int(status.get("updatedReplicas") or 0)
        if replicas is not None and updated < int(replicas):
            return RolloutStatus(f'Waiting for deployment "{name}" rollout to finish: {updated} '
                                 f"out of {int(replicas)} new replicas have been updated...\n",
                                 False)
        total = int(status.get("replicas") or 0)
        if total > updated:
            return RolloutStatus(f'Waiting for deployment "{name}" rollout to finish: '
                                 f"{total - updated} old replicas are pending termination...\n",
                                 False)
        available = int(status.get("availableReplicas") or 0)
        if available < updated:
            return RolloutStatus(f'Waiting for deployment "{name}" rollout to finish: '
                                 f"{available} of {updated} updated replicas are available...\n",
                                 False)
        return RolloutStatus(f'deployment "{name}" successfully rolled out\n', True)
    return RolloutStatus("Waiting for deployment spec update to be observed...\n", False)


def daemonset_status(daemonset: Mapping, revision: int = 0) -> RolloutStatus:
    """DaemonSetStatusViewer.Status (``--revision`` is ignored, as upstream)."""
    name = get(daemonset, "metadata", "name", default="")
    if get(daemonset, "spec", "updateStrategy", "type", default="RollingUpdate") \
            != "RollingUpdate":
        raise RolloutError("rollout status is only available for RollingUpdate strategy type")
    status = daemonset.get("status") or {}
    generation = int(get(daemonset, "metadata", "generation", default=0))
    if generation <= int(status.get("observedGeneration") or 0):
        desired = int(status.get("desiredNumberScheduled") or 0)
        updated = int(status.get("updatedNumberScheduled") or 0)
        if updated < desired:
            return RolloutStatus(f'Waiting for daemon set "{name}" rollout to finish: {updated} '
                                 f"out of {desired} new pods have been updated...\n", False)
        available = int(status.get("numberAvailable") or 0)
        if available < desired:
            return RolloutStatus(f'Waiting for daemon set "{name}" rollout to finish: '
                                 f"{available} of {desired} updated pods are available...\n",
                                 False)
        return RolloutStatus(f'daemon set "{name}" successfully rolled out\n', True)
    return RolloutStatus("Waiting for daemon set spec update to be observed...\n", False)


def statefulset_status(statefulset: Mapping, revision: int = 0) -> RolloutStatus:
    """StatefulSetStatusViewer.Status: partitioned roll outs report against
    ``replicas - partition``."""
    strategy = get(statefulset, "spec", "updateStrategy", default={})
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        raise RolloutError("rollout status is only available for RollingUpdate strategy type")
    status = statefulset.get("status") or {}
    observed = int(status.get("observedGeneration") or 0)
    generation = int(get(statefulset, "metadata", "generation", default=0))
    if observed == 0 or generation > observed:
        return RolloutStatus("Waiting for statefulset spec update to be observed...\n", False)
    replicas = get(statefulset, "spec", "replicas")
    ready = int(status.get("readyReplicas") or 0)
    if replicas is not None and ready < int(replicas):
        return RolloutStatus(f"Waiting for {int(replicas) - ready} pods to be ready...\n", False)
    updated = int(status.get("updatedReplicas") or 0)
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        partition = rolling.get("partition")
        if replicas is not None and partition is not None:
            target = int(replicas) - int(partition)
            if updated < target:
                return RolloutStatus(f"Waiting for partitioned roll out to finish: {updated} out "
                                     f"of {target} new pods have been updated...\n", False)
        return RolloutStatus(f"partitioned roll out complete: {updated} new pods have been "
                             "updated...\n", True)
    update_rev = status.get("updateRevision", "")
    if update_rev != status.get("currentRevision", ""):
        return RolloutStatus(f"waiting for statefulset rolling update to complete {updated} pods "
                             f"at revision {update_rev}...\n", False)
    return RolloutStatus(f"statefulset rolling update complete "
                         f"{int(status.get('currentReplicas') or 0)} pods at revision "
                         f"{status.get('currentRevision', '')}...\n", True)


def rollout_status(obj: Mapping, revision: int = 0) -> RolloutStatus:
    """StatusViewerFor(kind).Status; other kinds raise kubectl's "no status viewer" error."""
    kind = obj.get("kind", "")
    if kind == "Deployment":
        return deployment_status(obj, revision)
    if kind == "DaemonSet":
        return daemonset_status(obj, revision)
    if kind == "StatefulSet":
        return statefulset_status(obj, revision)
    group = group_of(obj.get("apiVersion", ""))
    group_kind = f"{kind}.{group}" if group else kind
    raise RolloutError(f"no status viewer has been implemented for {group_kind}")


# -- rollout history (polymorphichelpers/history.go, cmd/rollout/rollout_history.go) ---------------

CHANGE_CAUSE = "kubernetes.io/change-cause"


def history_table(revisions: Mapping[int, str | None]) -> str:
    """printHistory/ViewHistory overview: ``REVISION  CHANGE-CAUSE`` through a tabwriter with
    padding 2; ``<none>`` for an empty cause; ``No rollout history found.`` when empty."""
    if not revisions:
        return "No rollout history found."
    lines = ["REVISION\tCHANGE-CAUSE"]
    for rev in sorted(revisions):
        lines.append(f"{rev}\t{revisions[rev] or '<none>'}")
    return format_columns("\n".join(lines) + "\n", minwidth=0, padding=2)


def deployment_revisions(replicasets: Sequence[Mapping]) -> dict[int, Mapping]:
    """Revision -> ReplicaSet for a Deployment's ReplicaSets (unparsable revisions skipped;
    a later RS with the same number replaces an earlier one, as the map in ViewHistory)."""
    out: dict[int, Mapping] = {}
    for rs in replicasets:
        text = get(rs, "metadata", "annotations", default={}).get(
            "deployment.kubernetes.io/revision")
        try:
            out[int(text)] = rs
        except (TypeError, ValueError):
            continue
    return out


def rollout_history(obj: Mapping, history: Sequence[Mapping], revision: int = 0) -> str:
    """What ``kubectl rollout history TYPE/NAME [--revision=N]`` prints.

    ``history`` is the object's ReplicaSets (Deployment) or ControllerRevisions (DaemonSet,
    StatefulSet) controlled by it. With ``revision`` the pod template of that revision is
    described (for ControllerRevisions the stored patch's ``spec.template`` is used).
    Raises :class:`RolloutError` (``unable to find the specified revision``)."""
    if obj.get("kind") == "Deployment":
        by_rev = deployment_revisions(history)
        templates = {r: get(rs, "spec", "template", default={}) for r, rs in by_rev.items()}
        causes = {r: get(rs, "metadata", "annotations", default={}).get(CHANGE_CAUSE)
                  for r, rs in by_rev.items()}
    else:
        templates = {}
        causes = {}
        for cr in history:
            rev = int(cr.get("revision") or 0)
            templates[rev] = get(cr, "data", "spec", "template", default={})
            causes[rev] = get(cr, "metadata", "annotations", default={}).get(CHANGE_CAUSE)
    if revision < 0:
        raise RolloutError(f"revision must be a positive integer: {revision}")
    if not templates:
        info = "No rollout history found."
    elif revision > 0:
        if revision not in templates:
            raise RolloutError("unable to find the specified revision")
        template = templates[revision]
        if obj.get("kind") == "Deployment" and causes.get(revision):
            # history.go DeploymentHistoryViewer.ViewHistory copies the ReplicaSet's
            # change-cause into the template's annotations before describing it
            meta = template.get("metadata") or {}
            template = {**template, "metadata": {**meta, "annotations": {
                **(meta.get("annotations") or {}), CHANGE_CAUSE: causes[revision]}}}
        info = describe_pod_template(template)
    else:
        info = history_table(causes)
    with_revision = f"with revision #{revision}" if revision > 0 else ""
    # the name printer with operation "<with revision>\n<history>"
    return name_line(obj, f"{with_revision}\n{info}")


# -- rollout pause/resume/restart/undo ------------------------------------------------------------


def _resource_string(obj: Mapping) -> str:
    rtype = BY_KIND.get(obj.get("kind", ""))
    if rtype is None:
        return obj.get("kind", "").lower()
    return rtype.qualified_plural


def pause_message(obj: Mapping) -> str:
    """``rollout pause``: ``deployment.apps/web paused``; errors as kubectl words them
    (objectpauser.go: ``is already paused``, ``pausing is not supported``)."""
    name = get(obj, "metadata", "name", default="")
    if obj.get("kind") != "Deployment":
        raise RolloutError(f'error: {_resource_string(obj)} "{name}" pausing is not supported')
    if get(obj, "spec", "paused"):
        raise RolloutError(f'error: {_resource_string(obj)} "{name}" is already paused')
    return name_line(obj, "paused")


def resume_message(obj: Mapping) -> str:
    """``rollout resume``: ``resumed``; ``is not paused`` / ``resuming is not supported``."""
    name = get(obj, "metadata", "name", default="")
    if obj.get("kind") != "Deployment":
        raise RolloutError(f'error: {_resource_string(obj)} "{name}" resuming is not supported')
    if not get(obj, "spec", "paused"):
        raise RolloutError(f'error: {_resource_string(obj)} "{name}" is not paused')
    return name_line(obj, "resumed")


RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"


def restart_message(obj: Mapping) -> str:
    """``rollout restart``: ``restarted`` (objectrestarter.go sets the pod template
    annotation ``kubectl.kubernetes.io/restartedAt`` to the time in RFC 3339)."""
    name = get(obj, "metadata", "name", default="")
    kind = obj.get("kind")
    if kind not in ("Deployment", "DaemonSet", "StatefulSet"):
        raise RolloutError(f'error: {_resource_string(obj)} "{name}" restarting is not '
                           "supported")
    if kind == "Deployment" and get(obj, "spec", "paused"):
        raise RolloutError(f'error: {_resource_string(obj)} "{name}" can\'t restart paused '
                           "deployment (run rollout resume first)")
    return name_line(obj, "restarted")


def revision_not_found(revision: int) -> RolloutError:
    """rollback.go revisionNotFoundErr."""
    return RolloutError(f"unable to find specified revision {revision} in history")


def deployment_rollback_target(deployment: Mapping, replicasets: Sequence[Mapping],
                               to_revision: int = 0) -> Mapping:
    """rollback.go deploymentRevision: the RS of ``to_revision``, or with 0 the one with the
    second-highest revision. Errors: ``unable to find specified revision N in history``,
    ``no rollout history found for deployment "NAME"``."""
    if to_revision < 0:
        raise revision_not_found(to_revision)
    latest_rev = previous_rev = -1
    latest = previous = None
    for rs in replicasets:
        text = get(rs, "metadata", "annotations", default={}).get(
            "deployment.kubernetes.io/revision")
        try:
            v = int(text)
        except (TypeError, ValueError):
            continue
        if to_revision == 0:
            if latest_rev < v:
                previous_rev, previous = latest_rev, latest
                latest_rev, latest = v, rs
            elif previous_rev < v:
                previous_rev, previous = v, rs
        elif to_revision == v:
            return rs
    if to_revision > 0:
        raise revision_not_found(to_revision)
    if previous is None:
        name = get(deployment, "metadata", "name", default="")
        raise RolloutError(f'no rollout history found for deployment "{name}"')
    return previous


def controller_rollback_target(revisions: Sequence[Mapping], to_revision: int = 0) -> Mapping:
    """rollback.go for DaemonSets/StatefulSets (findHistory): with 0 the second-highest
    revision; ``no last revision to roll back to`` with one or none."""
    if to_revision < 0:
        raise revision_not_found(to_revision)
    if to_revision == 0 and len(revisions) <= 1:
        raise RolloutError("no last revision to roll back to")
    ordered = sorted(revisions, key=lambda cr: int(cr.get("revision") or 0))
    if to_revision == 0:
        return ordered[-2]
    for cr in ordered:
        if int(cr.get("revision") or 0) == to_revision:
            return cr
    raise revision_not_found(to_revision)


def paused_rollback_error(name: str) -> RolloutError:
    return RolloutError(f"you cannot rollback a paused deployment; resume it first with "
                        f"'kubectl rollout resume deployment/{name}' and try again")


def undo_message(obj: Mapping, *, skipped_revision: int | None = None) -> str:
    """``rollout undo``: ``rolled back``, or ``skipped rollback (current template already
    matches revision N)`` when the target equals the live template."""
    if skipped_revision is not None:
        return name_line(obj, f"skipped rollback (current template already matches revision "
                              f"{skipped_revision})")
    return name_line(obj, "rolled back")


# -- pod template description (kubectl pkg/describe/describe.go DescribePodTemplate) -------------


class _PrefixWriter:
    """describe.PrefixWriter: each level indents by two spaces; no tabwriter involved here
    (rollout history prints the raw text, tabs included)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, level: int, text: str) -> None:
        self.parts.append("  " * level + text)

    def line(self, text: str = "") -> None:
        self.parts.append(text + "\n")

    def text(self) -> str:
        return "".join(self.parts)


def _labels_multiline(w: _PrefixWriter, title: str, labels: Mapping | None) -> None:
    w.write(0, f"{title}:\t")
    if not labels:
        w.line("<none>")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(0, "\t")
        w.write(0, f"{key}={labels[key]}\n")


_SKIP_ANNOTATIONS = {"kubectl.kubernetes.io/last-applied-configuration"}
_MAX_ANNOTATION_LEN = 140


def _annotations_multiline(w: _PrefixWriter, title: str, annotations: Mapping | None) -> None:
    w.write(0, f"{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k not in _SKIP_ANNOTATIONS)
    if not keys:
        w.line("<none>")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = annotations[key].removesuffix("\n")
        if len(value) + len(key) + 2 > _MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for part in value.split("\n"):
                short = part if len(part) <= _MAX_ANNOTATION_LEN - 2 else \
                    part[:_MAX_ANNOTATION_LEN - 2] + "..."
                w.write(0, f"\t  {short}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def _describe_probe(probe: Mapping) -> str:
    attrs = (f"delay={int(probe.get('initialDelaySeconds') or 0)}s "
             f"timeout={int(probe.get('timeoutSeconds') or 0)}s "
             f"period={int(probe.get('periodSeconds') or 0)}s "
             f"#success={int(probe.get('successThreshold') or 0)} "
             f"#failure={int(probe.get('failureThreshold') or 0)}")
    if probe.get("exec") is not None:
        return f"exec [{' '.join(probe['exec'].get('command') or [])}] {attrs}"
    if probe.get("httpGet") is not None:
        http = probe["httpGet"]
        scheme = (http.get("scheme") or "").lower()
        port = str(http.get("port", ""))
        host = http.get("host", "")
        netloc = f"{host}:{port}" if port else host
        return f"http-get {scheme}://{netloc}{http.get('path', '')} {attrs}"
    if probe.get("tcpSocket") is not None:
        tcp = probe["tcpSocket"]
        return f"tcp-socket {tcp.get('host', '')}:{tcp.get('port', '')} {attrs}"
    if probe.get("grpc") is not None:
        return f"grpc <pod>:{probe['grpc'].get('port')} {probe['grpc'].get('service', '')} {attrs}"
    return f"unknown {attrs}"


def template_env_value(container: Mapping, var: Mapping) -> str:
    """describeContainerEnvVars without a pod (templates): field refs have no value yet."""
    source = var["valueFrom"]
    if source.get("fieldRef") is not None:
        ref = source["fieldRef"]
        return f" ({ref.get('apiVersion', '')}:{ref.get('fieldPath', '')})"
    if source.get("resourceFieldRef") is not None:
        # the value is computed from the container's own resources even in a template
        # ("node allocatable" for an unset cpu/memory limit)
        return resource_field_value(container, source["resourceFieldRef"])
    if source.get("secretKeyRef") is not None:
        ref = source["secretKeyRef"]
        return (f"<set to the key '{ref.get('key')}' in secret '{ref.get('name')}'>\t"
                f"Optional: {'true' if ref.get('optional') else 'false'}")
    ref = source.get("configMapKeyRef") or {}
    return (f"<set to the key '{ref.get('key')}' of config map '{ref.get('name')}'>\t"
            f"Optional: {'true' if ref.get('optional') else 'false'}")


EnvValue = Callable[[Mapping, Mapping], str]
StateWriter = Callable[[_PrefixWriter, str, Mapping], None]


def describe_containers(w: _PrefixWriter, label: str, containers: list, space: str = "", *,
                        statuses: list | None = None, env_value: EnvValue | None = None,
                        describe_state: StateWriter | None = None) -> None:
    """describe.go describeContainers, for pods (with their container statuses, an env
    resolver and a state writer) and for pod templates (``space`` indents the block)."""
    by_name = {s.get("name"): s for s in statuses or []}
    env_value = env_value or template_env_value
    w.write(0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    name_indent = " " if space else ""
    for c in containers:
        status = by_name.get(c.get("name"))
        w.write(1, f"{name_indent}{c.get('name', '')}:\n")
        if status is not None:
            w.write(2, f"Container ID:\t{status.get('containerID', '')}\n")
        w.write(2, f"Image:\t{c.get('image', '')}\n")
        if status is not None:
            w.write(2, f"Image ID:\t{status.get('imageID', '')}\n")
        ports = ", ".join(f"{p.get('containerPort')}/{p.get('protocol', 'TCP')}"
                          for p in c.get("ports") or [])
        host_ports = ", ".join(f"{p.get('hostPort', 0)}/{p.get('protocol', 'TCP')}"
                               for p in c.get("ports") or [])
        w.write(2, f"Ports:\t{ports}\n" if "," in ports else f"Port:\t{ports or '<none>'}\n")
        w.write(2, f"Host Ports:\t{host_ports}\n" if "," in host_ports
                else f"Host Port:\t{host_ports or '<none>'}\n")
        describe_seccomp(w, c)
        for title, key in (("Command", "command"), ("Args", "args")):
            if c.get(key):
                w.write(2, f"{title}:\n")
                for part in c[key]:
                    for line in str(part).split("\n"):
                        w.write(3, f"{line}\n")
        if status is not None and describe_state is not None:
            describe_state(w, "State", status.get("state") or {})
            last = status.get("lastState") or {}
            if last.get("terminated") is not None:
                describe_state(w, "Last State", last)
            w.write(2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{int(status.get('restartCount') or 0)}\n")
        resources = c.get("resources") or {}
        for title in ("limits", "requests"):
            values = resources.get(title) or {}
            if values:
                w.write(2, f"{title.capitalize()}:\n")
            for name in sorted(values):
                w.write(3, f"{name}:\t{canonical_quantity(values[name])}\n")
        for title, key in (("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"),
                           ("Startup", "startupProbe")):
            if c.get(key) is not None:
                w.write(2, f"{title}:\t{_describe_probe(c[key])}\n")
        if c.get("envFrom"):
            w.write(2, "Environment Variables from:\n")
            for src in c["envFrom"]:
                ref = src.get("configMapRef") or src.get("secretRef") or {}
                kind = "ConfigMap" if src.get("configMapRef") else "Secret"
                optional = "true" if ref.get("optional") else "false"
                prefix = src.get("prefix")
                if prefix:
                    w.write(3, f"{ref.get('name', '')}\t{kind} with prefix '{prefix}'\t"
                               f"Optional: {optional}\n")
                else:
                    w.write(3, f"{ref.get('name', '')}\t{kind}\tOptional: {optional}\n")
        env = c.get("env") or []
        w.write(2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
        for e in env:
            if e.get("valueFrom") is None:
                for i, line in enumerate(str(e.get("value", "")).split("\n")):
                    w.write(3, f"{e.get('name')}:\t{line}\n" if i == 0 else f"\t{line}\n")
            else:
                w.write(3, f"{e.get('name')}:\t{env_value(c, e)}\n")
        mounts = sorted(c.get("volumeMounts") or [], key=lambda m: m.get("mountPath", ""))
        w.write(2, f"Mounts:{'' if mounts else chr(9) + '<none>'}\n")
        for m in mounts:
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                flags.append(f'path="{m["subPath"]}"')
            w.write(3, f"{m.get('mountPath')} from {m.get('name')} ({','.join(flags)})\n")
        describe_devices(w, c)


def describe_seccomp(w: _PrefixWriter, container: Mapping) -> None:
    """describe.go describeContainerBasicInfo: the container's seccomp profile, if set."""
    profile = get(container, "securityContext", "seccompProfile")
    if profile is None:
        return
    w.write(2, f"SeccompProfile:\t{profile.get('type', '')}\n")
    if profile.get("type") == "Localhost":
        w.write(3, f"LocalhostProfile:\t{profile.get('localhostProfile', '')}\n")


def describe_devices(w: _PrefixWriter, container: Mapping) -> None:
    """describe.go describeContainerVolumes: volumeDevices sorted by device path."""
    devices = sorted(container.get("volumeDevices") or [], key=lambda d: d.get("devicePath", ""))
    if not devices:
        return
    w.write(2, "Devices:\n")
    for d in devices:
        w.write(3, f"{d.get('devicePath')} from {d.get('name')}\n")


def resource_field_value(container: Mapping, ref: Mapping) -> str:
    """``<value> (<resource>)`` as describeContainerEnvVars prints a resourceFieldRef."""
    from pytest_k8sflow.engine.envvars import extract_container_resource_value
    from pytest_k8sflow.errors import K8sflowError

    try:
        value = extract_container_resource_value(ref, container)
    except K8sflowError:
        value = ""
    resource = ref.get("resource", "")
    if value == "0" and resource in ("limits.cpu", "limits.memory"):
        value = "node allocatable"
    return f"{value} ({resource})"


def _describe_volumes(w: _PrefixWriter, volumes: list, space: str) -> None:
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    for v in volumes:
        w.write(1, f"{' ' if space else ''}{v.get('name')}:\n")
        if v.get("hostPath") is not None:
            hp = v["hostPath"]
            w.write(2, "Type:\tHostPath (bare host directory volume)\n"
                       f"    Path:\t{hp.get('path', '')}\n"
                       f"    HostPathType:\t{hp.get('type') or '<none>'}\n")
        elif v.get("emptyDir") is not None:
            ed = v["emptyDir"]
            # printEmptyDirVolumeSource: a positive sizeLimit as Quantity.String()
            size = ed.get("sizeLimit")
            size_text = "<unset>"
            if size is not None and canonical_quantity(size) not in ("0", "-0"):
                size_text = canonical_quantity(size)
            w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
                       f"    Medium:\t{ed.get('medium', '')}\n"
                       f"    SizeLimit:\t{size_text}\n")
        elif v.get("secret") is not None:
            s = v["secret"]
            w.write(2, "Type:\tSecret (a volume populated by a Secret)\n"
                       f"    SecretName:\t{s.get('secretName', '')}\n"
                       f"    Optional:\t{'true' if s.get('optional') else 'false'}\n")
        elif v.get("configMap") is not None:
            cm = v["configMap"]
            w.write(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
                       f"    Name:\t{cm.get('name', '')}\n"
                       f"    Optional:\t{'true' if cm.get('optional') else 'false'}\n")
        elif v.get("persistentVolumeClaim") is not None:
            pvc = v["persistentVolumeClaim"]
            w.write(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in "
                       "the same namespace)\n"
                       f"    ClaimName:\t{pvc.get('claimName', '')}\n"
                       f"    ReadOnly:\t{'true' if pvc.get('readOnly') else 'false'}\n")
        elif v.get("downwardAPI") is not None:
            w.write(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n"
                       "    Items:\n")
            for item in v["downwardAPI"].get("items") or []:
                if item.get("fieldRef") is not None:
                    w.write(3, f"{item['fieldRef'].get('fieldPath')} -> {item.get('path')}\n")
                if item.get("resourceFieldRef") is not None:
                    w.write(3, f"{item['resourceFieldRef'].get('resource')} -> "
                               f"{item.get('path')}\n")
        elif v.get("projected") is not None:
            w.write(2, "Type:\tProjected (a volume that contains injected data from multiple "
                       "sources)\n")
            for src in v["projected"].get("sources") or []:
                if src.get("secret") is not None:
                    w.write(2, f"SecretName:\t{src['secret'].get('name', '')}\n"
                               f"    Optional:\t"
                               f"{'true' if src['secret'].get('optional') else 'false'}\n")
                elif src.get("downwardAPI") is not None:
                    w.write(2, "DownwardAPI:\ttrue\n")
                elif src.get("configMap") is not None:
                    w.write(2, f"ConfigMapName:\t{src['configMap'].get('name', '')}\n"
                               f"    Optional:\t"
                               f"{'true' if src['configMap'].get('optional') else 'false'}\n")
                elif src.get("serviceAccountToken") is not None:
                    w.write(2, f"TokenExpirationSeconds:\t"
                               f"{src['serviceAccountToken'].get('expirationSeconds', 3600)}\n")
        else:
            w.write(1, "<unknown>\n")


def _tolerations_multiline(w: _PrefixWriter, title: str, tolerations: list | None) -> None:
    w.write(0, f"{title}:\t")
    if not tolerations:
        w.line("<none>")
        return
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w.write(0, "\t")
        text = t.get("key", "")
        if t.get("value"):
            text += "=" + t["value"]
        if t.get("effect"):
            text += ":" + t["effect"]
        if t.get("operator") == "Exists" and not t.get("value"):
            text += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        w.write(0, text + "\n")


def describe_pod_template(template: Mapping | None) -> str:
    """describe.DescribePodTemplate as ``rollout history --revision`` prints it (raw, with
    tabs): labels, annotations, service account, (init) containers, volumes, priority
    class, node selectors and tolerations."""
    w = _PrefixWriter()
    w.write(0, "Pod Template:\n")
    if template is None:
        w.write(1, "<unset>")
        return w.text()
    spec = template.get("spec") or {}
    _labels_multiline(w, "  Labels", get(template, "metadata", "labels"))
    annotations = get(template, "metadata", "annotations")
    if annotations:
        _annotations_multiline(w, "  Annotations", annotations)
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"], "  ")
    describe_containers(w, "Containers", spec.get("containers") or [], "  ")
    _describe_volumes(w, spec.get("volumes") or [], "  ")
    constraints = sorted(spec.get("topologySpreadConstraints") or [],
                         key=lambda c: c.get("topologyKey", ""))
    if constraints:
        w.write(0, "  Topology Spread Constraints:\t")
        for i, c in enumerate(constraints):
            if i:
                w.write(0, "  \t")
            text = (f"{c.get('topologyKey')}:{c.get('whenUnsatisfiable')} when max skew "
                    f"{c.get('maxSkew')} is exceeded")
            if c.get("labelSelector") is not None:
                text += f" for selector {format_label_selector(c['labelSelector'])}"
            w.write(0, text + "\n")
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    _labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    _tolerations_multiline(w, "  Tolerations", spec.get("tolerations"))
    return w.text()


# -- errors as kubectl prints them -----------------------------------------------------------------


def unknown_resource_type(resource: str) -> str:
    """builder.go mappingFor: ``the server doesn't have a resource type "foo"``."""
    return f'error: the server doesn\'t have a resource type "{resource}"'


def not_found(rtype: ResourceType | str, name: str) -> str:
    """A NotFound StatusError as kubectl prints it."""
    if isinstance(rtype, str):
        rtype = resolve_resource(rtype) or BY_KIND[rtype]
    return f'Error from server (NotFound): {rtype.qualified_plural} "{name}" not found'


def already_exists(rtype: ResourceType | str, name: str) -> str:
    if isinstance(rtype, str):
        rtype = resolve_resource(rtype) or BY_KIND[rtype]
    return (f'Error from server (AlreadyExists): {rtype.qualified_plural} "{name}" already '
            "exists")


def kubectl_error(message: str) -> str:
    """cmdutil.CheckErr: ``error: `` is prefixed unless the message already has it."""
    return message if message.startswith("error: ") else f"error: {message}"
