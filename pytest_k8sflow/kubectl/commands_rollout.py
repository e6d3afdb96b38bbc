"""``kubectl rollout status|history|undo|pause|resume|restart`` for Deployments, DaemonSets
and StatefulSets (kubectl pkg/cmd/rollout/*.go, pkg/polymorphichelpers/*.go).

Texts come from :mod:`pytest_k8sflow.kubectl.printers`; this module finds the history
(ReplicaSets or ControllerRevisions the object controls), writes the changes, and runs the
simulated clock while ``rollout status`` watches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pytest_k8sflow.engine.resources import BY_KIND, group_of
from pytest_k8sflow.engine.selectors import from_label_selector
from pytest_k8sflow.engine.timeutil import format_time
from pytest_k8sflow.errors import UnsupportedError
from pytest_k8sflow.kubectl.commands_common import (
    ACTOR,
    CommandFailed,
    KubectlCommand,
    Output,
    api_error_text,
    find,
)
from pytest_k8sflow.kubectl.printers import (
    RESTARTED_AT,
    RolloutError,
    controller_rollback_target,
    deployment_rollback_target,
    kubectl_error,
    pause_message,
    paused_rollback_error,
    restart_message,
    resume_message,
    rollout_history,
    rollout_status,
    undo_message,
)

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster

ROLLOUT_KINDS = ("Deployment", "DaemonSet", "StatefulSet")
# `rollout status` without --timeout waits forever on a real cluster; the simulation stops
# after this much simulated time instead of running the clock without end.
UNBOUNDED_WATCH_MS = 24 * 3600 * 1000

# rollback.go annotationsToSkip: kept from the live Deployment, never copied from the RS
_SKIP_ANNOTATIONS = (
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
)


def _group_kind(obj: Mapping) -> str:
    group = group_of(obj.get("apiVersion", ""))
    return f"{obj.get('kind', '')}.{group}" if group else obj.get("kind", "")


def _objects(cluster: Cluster, cmd: KubectlCommand, out: Output) -> list[dict]:
    found = find(cluster, cmd)
    for err in found.errors:
        out.error(err)
    if not found.objects and not found.errors:
        raise CommandFailed("error: no objects passed to " + cmd.command.split(" ")[1])
    return found.objects


# -- history: what each kind keeps -----------------------------------------------------------


def controlled(cluster: Cluster, obj: Mapping, kind: str) -> list[dict]:
    """Objects of ``kind`` in ``obj``'s namespace matching its selector and controlled by it
    (deploymentutil.GetAllReplicaSets, rollback.go controlledHistory)."""
    meta = obj["metadata"]
    uid = meta.get("uid")
    selector = from_label_selector((obj.get("spec") or {}).get("selector"))
    out = []
    for item in cluster.store.list(kind, meta.get("namespace") or ""):
        refs = item["metadata"].get("ownerReferences") or []
        if not any(r.get("controller") and r.get("uid") == uid for r in refs):
            continue
        if selector.matches(item["metadata"].get("labels")):
            out.append(item)
    return out


def history_of(cluster: Cluster, obj: Mapping) -> list[dict]:
    """ReplicaSets for a Deployment, ControllerRevisions for DaemonSets and StatefulSets."""
    kind = "ReplicaSet" if obj["kind"] == "Deployment" else "ControllerRevision"
    return controlled(cluster, obj, kind)


# -- status ---------------------------------------------------------------------------------


def run_status(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    found = find(cluster, cmd)
    if found.errors:
        raise CommandFailed(found.errors[0])
    if len(found.objects) != 1:
        raise CommandFailed("error: rollout status is only supported on individual resources "
                            f"and resource collections - {len(found.objects)} resources were "
                            "found")
    obj = found.objects[0]
    if obj["kind"] not in ROLLOUT_KINDS:
        raise CommandFailed(f"error: no status viewer has been implemented for "
                            f"{_group_kind(obj)}")
    kind, meta = obj["kind"], obj["metadata"]
    ns, name, uid = meta.get("namespace") or "", meta["name"], meta.get("uid")
    revision = int(cmd.flag("revision") or 0)
    watch = bool(cmd.flag("watch")) and not read_only
    last: list[str] = []

    def check() -> bool:
        current = cluster.store.get(kind, ns, name)
        if current is None or current["metadata"].get("uid") != uid:
            raise CommandFailed("error: object has been deleted")
        try:
            status = rollout_status(current, revision)
        except RolloutError as exc:
            raise CommandFailed(kubectl_error(str(exc))) from None
        # UntilWithSync prints on every watch event; the simulation shows each new message
        if not last or last[-1] != status.message:
            out.write(status.message)
            last.append(status.message)
        return status.done

    if check() or not watch:
        return
    timeout = int(cmd.flag("timeout") or 0)
    deadline = cluster.clock.now_ms + (timeout or UNBOUNDED_WATCH_MS)
    cluster.settle()
    if check():
        return
    while True:
        due = cluster.clock.next_due()
        if due is None or due > deadline:
            if due is None and not timeout:
                raise CommandFailed(
                    "error: timed out waiting for the condition (nothing more happens on the "
                    "simulated clock, so the rollout cannot finish; kubectl would wait forever)")
            cluster.clock.set(deadline)
            cluster.settle()
            if check():
                return
            raise CommandFailed("error: timed out waiting for the condition")
        cluster.clock.set(due)
        cluster.settle()
        if check():
            return


# -- history --------------------------------------------------------------------------------


def run_history(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    revision = int(cmd.flag("revision") or 0)
    for obj in _objects(cluster, cmd, out):
        if obj["kind"] not in ROLLOUT_KINDS:
            out.error(f'error: no history viewer has been implemented for "{_group_kind(obj)}"')
            continue
        try:
            out.write(rollout_history(obj, history_of(cluster, obj), revision))
        except RolloutError as exc:
            out.error(kubectl_error(str(exc)))


# -- undo -----------------------------------------------------------------------------------


def run_undo(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    if cmd.flag("dry-run") not in (None, "none"):
        raise UnsupportedError("kubectl rollout undo --dry-run is not supported by "
                               "pytest-k8sflow")
    to_revision = int(cmd.flag("to-revision") or 0)
    for obj in _objects(cluster, cmd, out):
        try:
            if obj["kind"] == "Deployment":
                text = _undo_deployment(cluster, obj, to_revision)
            elif obj["kind"] in ("DaemonSet", "StatefulSet"):
                text = _undo_controller(cluster, obj, to_revision)
            else:
                out.error(f'error: no rollbacker has been implemented for '
                          f'"{_group_kind(obj)}"')
                continue
        except RolloutError as exc:
            out.error(kubectl_error(str(exc)))
            continue
        except CommandFailed as exc:
            out.error(exc.message)
            continue
        out.write(text)


def _undo_deployment(cluster: Cluster, deployment: Mapping, to_revision: int) -> str:
    """rollback.go DeploymentRollbacker.Rollback: the chosen ReplicaSet's template (without
    the pod-template-hash label) and annotations go back into the Deployment."""
    from pytest_k8sflow.engine.controllers.deployment_util import equal_ignore_hash

    name = deployment["metadata"]["name"]
    if (deployment.get("spec") or {}).get("paused"):
        raise paused_rollback_error(name)
    rs = deployment_rollback_target(deployment, history_of(cluster, deployment), to_revision)
    template = (rs.get("spec") or {}).get("template") or {}
    if equal_ignore_hash(template, (deployment.get("spec") or {}).get("template")):
        return undo_message(deployment, skipped_revision=to_revision)
    tmeta = dict(template.get("metadata") or {})
    labels = {k: v for k, v in (tmeta.get("labels") or {}).items() if k != "pod-template-hash"}
    tmeta["labels"] = labels
    template = {**template, "metadata": tmeta}
    live_annotations = deployment["metadata"].get("annotations") or {}
    annotations = {k: live_annotations[k] for k in _SKIP_ANNOTATIONS if k in live_annotations}
    for key, value in (rs["metadata"].get("annotations") or {}).items():
        if key not in _SKIP_ANNOTATIONS:
            annotations[key] = value
    # getDeploymentPatch: a JSON patch replacing /spec/template and /metadata/annotations
    meta = {**deployment["metadata"], "annotations": annotations}
    new = {**deployment, "metadata": meta, "spec": {**deployment["spec"], "template": template}}
    written = _update(cluster, new)
    return undo_message(written)


def _undo_controller(cluster: Cluster, obj: Mapping, to_revision: int) -> str:
    """rollback.go DaemonSetRollbacker / StatefulSetRollbacker: the revision's ``data`` (a
    strategic merge patch ``{"spec": {"template": {..., "$patch": "replace"}}}``) is
    patched into the object, unless the template already matches."""
    from pytest_k8sflow.engine.patch import strategic_merge_patch

    history = history_of(cluster, obj)
    target = controller_rollback_target(history, to_revision)
    rtype = BY_KIND[obj["kind"]]
    patched = strategic_merge_patch(obj, target.get("data") or {}, rtype.api_version,
                                    rtype.kind)
    # daemonSetMatch / statefulSetMatch compare the object's own patch with the revision's
    # data; both carry defaulted templates, so compare after defaulting
    defaulted = cluster.api.defaulter(dict(patched))
    if (defaulted.get("spec") or {}).get("template") == \
            (obj.get("spec") or {}).get("template"):
        return undo_message(obj, skipped_revision=to_revision)
    written = _update(cluster, patched)
    return undo_message(written)


def _update(cluster: Cluster, obj: Mapping) -> dict:
    from pytest_k8sflow.engine import apierrors

    try:
        return cluster.api.update(dict(obj), ACTOR)
    except apierrors.ApiError as exc:
        raise CommandFailed(api_error_text(exc)) from None


# -- pause / resume / restart ---------------------------------------------------------------


def run_pause_resume(cluster: Cluster, cmd: KubectlCommand, out: Output,
                     read_only: bool) -> None:
    pause = cmd.command == "rollout pause"
    for obj in _objects(cluster, cmd, out):
        try:
            text = pause_message(obj) if pause else resume_message(obj)
        except RolloutError as exc:
            out.error(kubectl_error(str(exc)))
            continue
        spec = {k: v for k, v in obj["spec"].items() if k != "paused"}
        if pause:
            spec["paused"] = True
        try:
            _update(cluster, {**obj, "spec": spec})
        except CommandFailed as exc:
            out.error(exc.message)
            continue
        out.write(text)


def run_restart(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    now = format_time(cluster.clock.now_ms)
    for obj in _objects(cluster, cmd, out):
        try:
            text = restart_message(obj)
        except RolloutError as exc:
            out.error(kubectl_error(str(exc)))
            continue
        template = (obj.get("spec") or {}).get("template") or {}
        tmeta = template.get("metadata") or {}
        annotations = tmeta.get("annotations") or {}
        if annotations.get(RESTARTED_AT) == now:
            # objectrestarter.go: the same second twice makes an empty patch
            out.error(f"error: failed to create patch for {obj['metadata']['name']}: if "
                      "restart has already been triggered within the past second, please "
                      "wait before attempting to trigger another")
            continue
        tmeta = {**tmeta, "annotations": {**annotations, RESTARTED_AT: now}}
        new = {**obj, "spec": {**obj["spec"], "template": {**template, "metadata": tmeta}}}
        try:
            _update(cluster, new)
        except CommandFailed as exc:
            out.error(exc.message)
            continue
        out.write(text)
