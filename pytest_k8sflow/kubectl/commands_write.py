"""kubectl commands that write: scale, set image, label, annotate, cordon, uncordon, delete,
create deployment|job, create -f, apply -f.

Each builds the new object the way the kubectl command does (the patch it would send,
applied here directly) and writes it through the simulated apiserver; what it prints is the
name printer's line (cli-runtime printers/name.go) or, for delete, delete.go's own line.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.resources import BY_KIND
from pytest_k8sflow.errors import UnsupportedError
from pytest_k8sflow.kubectl.commands_common import (
    ACTOR,
    CommandFailed,
    KubectlCommand,
    Output,
    api_error_text,
    base_dir,
    find,
    with_change_cause,
)
from pytest_k8sflow.kubectl.parser import cordon_message, update_pairs
from pytest_k8sflow.kubectl.printers import name_line, qualified_kind
from pytest_k8sflow.kubectl.yamlout import print_each_json, print_each_yaml

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster

SCALABLE_KINDS = ("Deployment", "ReplicaSet", "StatefulSet")


def print_written(cmd: KubectlCommand, out: Output, objects: list[Mapping],
                  operation: str) -> None:
    """PrintFlags.ToPrinter(operation): the name printer unless ``-o`` asks otherwise."""
    fmt = cmd.output_format
    if fmt == "yaml":
        out.write(print_each_yaml(objects))
    elif fmt == "json":
        out.write(print_each_json(objects))
    else:
        out.write("".join(name_line(o, operation, short=fmt == "name") for o in objects))


def _report_missing(out: Output, errors: list[str]) -> None:
    for err in errors:
        out.error(err)


def _require_found(cmd: KubectlCommand, found_objects: list, errors: list[str]) -> None:
    """Builder: nothing matched a selector -> ``error: no objects passed to <verb>``."""
    if not found_objects and not errors:
        verb = cmd.command.split(" ")[-1]
        raise CommandFailed(f"error: no objects passed to {verb}")


# -- scale (kubectl pkg/cmd/scale/scale.go) -------------------------------------------------------


def run_scale(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    found = find(cluster, cmd)
    if not found.objects and not found.errors:
        raise CommandFailed("error: no objects passed to scale")
    replicas = int(cmd.flag("replicas"))
    for obj in found.objects:
        kind = obj["kind"]
        if kind not in SCALABLE_KINDS:
            # no scale subresource for this kind
            out.error("Error from server (NotFound): the server could not find the requested "
                      "resource")
            continue
        new = {**obj, "spec": {**obj["spec"], "replicas": replicas}}
        new = with_change_cause(new, cmd)
        try:
            written = cluster.api.update(new, ACTOR)
        except apierrors.ApiError as exc:
            out.error(api_error_text(exc))
            continue
        print_written(cmd, out, [written], "scaled")
    _report_missing(out, found.errors)


# -- set image (kubectl pkg/cmd/set/set_image.go) -------------------------------------------------


def _pod_spec_path(kind: str) -> tuple[str, ...] | None:
    """polymorphichelpers/updatepodspec.go: where each kind keeps its pod spec."""
    if kind == "Pod":
        return ("spec",)
    if kind == "CronJob":
        return ("spec", "jobTemplate", "spec", "template", "spec")
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job",
                "ReplicationController"):
        return ("spec", "template", "spec")
    return None


def _get_path(obj: Mapping, path: tuple[str, ...]) -> Mapping:
    cur: Mapping = obj
    for key in path:
        cur = cur.get(key) or {}
    return cur


def _set_path(obj: Mapping, path: tuple[str, ...], value: object) -> dict:
    if not path:
        return value  # type: ignore[return-value]
    head, rest = path[0], path[1:]
    return {**obj, head: _set_path(obj.get(head) or {}, rest, value)}


def run_set_image(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    found = find(cluster, cmd)
    _require_found(cmd, found.objects, found.errors)
    errors: list[str] = []
    for obj in found.objects:
        path = _pod_spec_path(obj["kind"])
        if path is None:
            rtype = BY_KIND.get(obj["kind"])
            kind_text = rtype.qualified_kind if rtype else obj["kind"].lower()
            errors.append(f"error: {kind_text}/{obj['metadata']['name']} the object is not "
                          "a pod or does not have a pod template: "
                          f"*v1.{obj['kind']}")
            continue
        spec = _get_path(obj, path)
        new_spec = dict(spec)
        for name, image in cmd.images.items():
            hit = False
            for field in ("initContainers", "containers"):
                items = list(spec.get(field) or [])
                changed = False
                for i, c in enumerate(items):
                    if c.get("name") == name or name == "*":
                        items[i] = {**c, "image": image}
                        hit = changed = True
                if changed:
                    new_spec[field] = items
                    spec = {**spec, field: items}
            if not hit:
                errors.append(f'error: unable to find container named "{name}"')
        new = _set_path(obj, path, new_spec)
        new = with_change_cause(new, cmd)
        if new == obj:
            continue  # set_image.go: an empty patch prints nothing
        try:
            written = cluster.api.update(new, ACTOR)
        except apierrors.ApiError as exc:
            errors.append(f"failed to patch image update to pod template: {api_error_text(exc)}")
            continue
        print_written(cmd, out, [written], "image updated")
    errors.extend(found.errors)
    _print_aggregate(out, errors)


def _resource_list(text: str) -> dict[str, str]:
    """set_resources.go: ``cpu=200m,memory=512Mi`` (ParseResourceList)."""
    values: dict[str, str] = {}
    for part in (p for p in text.split(",") if p):
        name, sep, value = part.partition("=")
        if not sep or not name or not value:
            raise CommandFailed(f"error: invalid resource specification: {part}")
        values[name] = value
    return values


def run_set_resources(cluster: Cluster, cmd: KubectlCommand, out: Output,
                      read_only: bool) -> None:
    """kubectl pkg/cmd/set/set_resources.go: limits and requests of the selected containers
    (``-c``, default all) of each object's pod template."""
    limits = _resource_list(str(cmd.flag("limits") or ""))
    requests = _resource_list(str(cmd.flag("requests") or ""))
    selector = str(cmd.flag("containers") or "*")
    found = find(cluster, cmd)
    _require_found(cmd, found.objects, found.errors)
    errors: list[str] = []
    for obj in found.objects:
        path = _pod_spec_path(obj["kind"])
        if path is None:
            errors.append(f"error: {obj['kind'].lower()}/{obj['metadata']['name']} the object "
                          f"is not a pod or does not have a pod template: *v1.{obj['kind']}")
            continue
        spec = _get_path(obj, path)
        containers = list(spec.get("containers") or [])
        chosen = [i for i, c in enumerate(containers)
                  if selector == "*" or fnmatch.fnmatchcase(c.get("name", ""), selector)]
        if not chosen:
            errors.append(f"error: unable to find container named {selector}")
            continue
        for i in chosen:
            resources = dict(containers[i].get("resources") or {})
            for key, values in (("limits", limits), ("requests", requests)):
                if values:
                    resources[key] = {**(resources.get(key) or {}), **values}
            containers[i] = {**containers[i], "resources": resources}
        new = with_change_cause(_set_path(obj, path, {**spec, "containers": containers}), cmd)
        if new == obj:
            continue
        try:
            written = cluster.api.update(new, ACTOR)
        except apierrors.ApiError as exc:
            errors.append(f"failed to patch resources update to pod template "
                          f"{api_error_text(exc)}")
            continue
        print_written(cmd, out, [written], "resource requirements updated")
    errors.extend(found.errors)
    _print_aggregate(out, errors)


def _print_aggregate(out: Output, errors: list[str]) -> None:
    """cmdutil.CheckErr on utilerrors.NewAggregate: one error as it is, several as
    ``[a, b]`` (with ``error: `` in front unless it is there already)."""
    if not errors:
        return
    text = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
    if not text.startswith("error: ") and not text.startswith("Error from server"):
        text = "error: " + text
    out.error(text)


# -- label / annotate (kubectl pkg/cmd/label/label.go, annotate/annotate.go) ----------------------


def run_label(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    what = "label" if cmd.command == "label" else "annotation"
    key = "labels" if what == "label" else "annotations"
    found = find(cluster, cmd)
    _require_found(cmd, found.objects, found.errors)
    for obj in found.objects:
        meta = obj["metadata"]
        from pytest_k8sflow.kubectl.parser import KubectlError

        try:
            new_map, operation = update_pairs(meta.get(key), cmd.label_changes,
                                              cmd.label_removals,
                                              overwrite=bool(cmd.flag("overwrite")), what=what)
        except KubectlError as exc:
            out.error(exc.message)
            continue
        new_meta = {k: v for k, v in meta.items() if k != key}
        if new_map:
            new_meta[key] = new_map
        new = with_change_cause({**obj, "metadata": new_meta}, cmd)
        written = obj
        if new != obj:
            try:
                written = cluster.api.update(new, ACTOR)
            except apierrors.ApiError as exc:
                out.error(api_error_text(exc))
                continue
        print_written(cmd, out, [written], operation)
    _report_missing(out, found.errors)


# -- cordon / uncordon (kubectl pkg/cmd/drain/cordon.go) ------------------------------------------


def run_cordon(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    from pytest_k8sflow.engine.cluster import set_unschedulable

    cordon = cmd.command == "cordon"
    found = find(cluster, cmd)
    for node in found.objects:
        name = node["metadata"]["name"]
        already = bool((node.get("spec") or {}).get("unschedulable")) == cordon
        if not already:
            set_unschedulable(cluster, name, cordon, ACTOR)
        out.write(cordon_message(name, cordon=cordon, already=already))
    _report_missing(out, found.errors)


# -- delete (kubectl pkg/cmd/delete/delete.go) ----------------------------------------------------

_PROPAGATION = {"background": "Background", "foreground": "Foreground", "orphan": "Orphan"}
_WAIT_FOREVER_MS = 168 * 3600 * 1000  # delete.go: --timeout=0 waits "a week"


def run_delete(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    force = bool(cmd.flag("force"))
    grace = int(cmd.flag("grace-period"))
    if grace == 0 and not force:
        grace = 1  # delete.go Complete: --grace-period=0 without --force means 1
    if force and grace > 0:
        raise CommandFailed("error: --force and --grace-period greater than 0 cannot be "
                            "specified together")
    if cmd.output_format not in (None, "name"):
        raise CommandFailed(f"error: unexpected -o output mode: {cmd.output}. We only support "
                            "'-o name'")
    if force and grace == 0:
        out.warn("Warning: Immediate deletion does not wait for confirmation that the running "
                 "resource has been terminated. The resource may continue to run on the "
                 "cluster indefinitely.")
    ignore_not_found = cmd.flag("ignore-not-found") if "ignore-not-found" in cmd.flags else \
        bool(cmd.flag("all") or cmd.selector is not None)
    found = find(cluster, cmd)
    propagation = _PROPAGATION[cmd.flag("cascade")]
    deleted: list[tuple[str, str, str, str]] = []  # (kind, namespace, name, uid)
    warned_scope = False
    for obj in found.objects:
        kind = obj["kind"]
        rtype = BY_KIND[kind]
        meta = obj["metadata"]
        ns = meta.get("namespace") or ""
        if cmd.namespace_given and not rtype.namespaced and not warned_scope \
                and not cmd.all_namespaces:
            out.warn("Warning: deleting cluster-scoped resources, not scoped to the provided "
                     "namespace")
            warned_scope = True
        try:
            cluster.api.delete(kind, ns, meta["name"], ACTOR, propagation=propagation,
                               grace_period_seconds=grace if grace >= 0 else None)
        except apierrors.ApiError as exc:
            if exc.reason == "NotFound" and ignore_not_found:
                continue
            out.error(api_error_text(exc))
            return
        deleted.append((kind, ns, meta["name"], meta.get("uid", "")))
        kind_text = qualified_kind(obj)
        if cmd.output_format == "name":
            out.write(f"{kind_text}/{meta['name']}\n")
        else:
            operation = "force deleted" if grace == 0 else "deleted"
            out.write(f'{kind_text} "{meta["name"]}" {operation}\n')
    if found.errors and not ignore_not_found:
        for err in found.errors:
            out.error(err)
        return
    if not deleted:
        out.write("No resources found\n")
        return
    if cmd.flag("wait"):
        _wait_deleted(cluster, cmd, out, deleted)


def _wait_deleted(cluster: Cluster, cmd: KubectlCommand, out: Output,
                  deleted: list[tuple[str, str, str, str]]) -> None:
    """--wait (the default): kubectl blocks until every deleted object is gone (cmd/wait
    IsDeleted, by uid); here the simulated clock runs until then."""
    def gone() -> bool:
        for kind, ns, name, uid in deleted:
            obj = cluster.store.get(kind, ns, name)
            if obj is not None and obj["metadata"].get("uid") == uid:
                return False
        return True

    cluster.settle()
    if gone():
        return
    timeout = int(cmd.flag("timeout") or 0) or _WAIT_FOREVER_MS
    if not cluster.run_until(gone, timeout):
        for kind, ns, name, uid in deleted:
            obj = cluster.store.get(kind, ns, name)
            if obj is not None and obj["metadata"].get("uid") == uid:
                out.error(f"error: timed out waiting for the condition on "
                          f"{BY_KIND[kind].plural}/{name}")


# -- create deployment (kubectl pkg/cmd/create/create_deployment.go) ------------------------------


def deployment_for(cmd: KubectlCommand) -> dict:
    """The Deployment ``kubectl create deployment NAME --image=...`` sends (checked against
    ``kubectl create deployment --dry-run=client -o yaml``)."""
    name = cmd.name or ""
    labels = {"app": name}
    containers = [{"name": cname, "image": image, "resources": {}}
                  for cname, image in cmd.images.items()]
    if cmd.command_args and containers:
        containers[0]["command"] = list(cmd.command_args)
    port = int(cmd.flag("port"))
    if port >= 0 and containers:
        containers[0]["ports"] = [{"containerPort": port}]
    meta: dict = {"name": name, "labels": labels}
    if cmd.namespace_given:
        meta["namespace"] = cmd.namespace
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
            "spec": {"replicas": int(cmd.flag("replicas")),
                     "selector": {"matchLabels": dict(labels)},
                     "template": {"metadata": {"labels": dict(labels)},
                                  "spec": {"containers": containers}},
                     "strategy": {}},
            "status": {}}


def _create(cluster: Cluster, cmd: KubectlCommand, out: Output, obj: dict) -> None:
    dry = cmd.flag("dry-run")
    if dry not in (None, "none"):
        raise UnsupportedError("--dry-run is not supported by pytest-k8sflow")
    obj = with_change_cause(obj, cmd)
    if not (obj.get("metadata") or {}).get("namespace") and BY_KIND[obj["kind"]].namespaced:
        obj = {**obj, "metadata": {**obj["metadata"], "namespace": cmd.namespace}}
    written = cluster.api.create(obj, ACTOR)
    print_written(cmd, out, [written], "created")


def run_create_deployment(cluster: Cluster, cmd: KubectlCommand, out: Output,
                          read_only: bool) -> None:
    _create(cluster, cmd, out, deployment_for(cmd))


# -- create job (kubectl pkg/cmd/create/create_job.go) --------------------------------------------


def job_from_cronjob(cronjob: Mapping, name: str, namespace: str | None = None) -> dict:
    """create_job.go createJobFromCronJob: the job template's spec, labels and annotations,
    plus ``cronjob.kubernetes.io/instantiate: manual`` and a controller reference to the
    CronJob (without blockOwnerDeletion, which would need cronjobs/finalizers rights)."""
    template = (cronjob.get("spec") or {}).get("jobTemplate") or {}
    tmeta = template.get("metadata") or {}
    annotations = {"cronjob.kubernetes.io/instantiate": "manual",
                   **(tmeta.get("annotations") or {})}
    meta: dict = {"name": name, "annotations": annotations,
                  "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob",
                                       "name": cronjob["metadata"]["name"],
                                       "uid": cronjob["metadata"].get("uid", ""),
                                       "controller": True}]}
    if tmeta.get("labels"):
        meta["labels"] = dict(tmeta["labels"])
    if namespace:
        meta["namespace"] = namespace
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
            "spec": dict(template.get("spec") or {})}


def job_for_image(cmd: KubectlCommand) -> dict:
    """create_job.go createJob: one container named after the job, restartPolicy Never."""
    name = cmd.name or ""
    container: dict = {"name": name, "image": cmd.images[name], "resources": {}}
    if cmd.command_args:
        container["command"] = list(cmd.command_args)
    meta: dict = {"name": name}
    if cmd.namespace_given:
        meta["namespace"] = cmd.namespace
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
            "spec": {"template": {"metadata": {},
                                  "spec": {"containers": [container],
                                           "restartPolicy": "Never"}}}}


def run_create_job(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    if cmd.from_ref is None:
        _create(cluster, cmd, out, job_for_image(cmd))
        return
    cronjob = cluster.store.get("CronJob", cmd.namespace, cmd.from_ref.name or "")
    if cronjob is None:
        raise CommandFailed(f'Error from server (NotFound): cronjobs.batch '
                            f'"{cmd.from_ref.name}" not found')
    job = job_from_cronjob(cronjob, cmd.name or "",
                           cmd.namespace if cmd.namespace_given else None)
    _create(cluster, cmd, out, job)


# -- apply -f / create -f (kubectl pkg/cmd/apply/apply.go, create/create.go) ----------------------


def read_manifests(cluster: Cluster, filename: str) -> list[dict]:
    from pytest_k8sflow.scenario.loader import load_text

    path = filename if os.path.isabs(filename) else os.path.join(base_dir(cluster), filename)
    if not os.path.exists(path):
        raise CommandFailed(f'error: the path "{filename}" does not exist')
    if os.path.isdir(path):
        raise UnsupportedError("kubectl apply/create -f DIRECTORY is not supported by "
                               "pytest-k8sflow; name the files")
    with open(path, encoding="utf-8-sig") as fh:
        loaded = load_text(fh.read(), path)
    manifests: list[dict] = []
    for doc in loaded.documents:
        if doc.error is not None:
            raise CommandFailed(f'error: error parsing {filename}: {doc.error.detail}')
        if doc.empty or doc.data is None:
            continue
        data = doc.data
        if isinstance(data, dict) and data.get("kind") == "List":
            manifests.extend(data.get("items") or [])
        elif isinstance(data, dict):
            manifests.append(data)
        else:
            raise CommandFailed(f"error: error validating \"{filename}\": the document is not "
                                "an object")
    return manifests


def _namespace_for_manifest(cmd: KubectlCommand, manifest: Mapping, filename: str) -> str:
    meta = manifest.get("metadata") or {}
    rtype = BY_KIND.get(manifest.get("kind", ""))
    if rtype is not None and not rtype.namespaced:
        return ""
    ns = meta.get("namespace")
    if ns and cmd.namespace_given and ns != cmd.namespace:
        # builder.go FilenameParam with enforceNamespace
        raise CommandFailed(f'error: the namespace from the provided object "{ns}" does not '
                            f'match the namespace "{cmd.namespace}". You must pass '
                            f"'--namespace={ns}' to perform this operation.")
    return ns or cmd.namespace


def run_apply(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    from pytest_k8sflow.engine.patch import (
        apply_patch,
        kubectl_apply_patch,
        with_last_applied,
    )

    dry = cmd.flag("dry-run")
    if dry not in (None, "none"):
        raise UnsupportedError("--dry-run is not supported by pytest-k8sflow")
    applying = cmd.command == "apply"
    for filename in cmd.filenames:
        for manifest in read_manifests(cluster, filename):
            try:
                rtype = cluster.api.resource_type(dict(manifest))
            except apierrors.ApiError as exc:
                out.error(f'error: resource mapping not found for name: '
                          f'"{(manifest.get("metadata") or {}).get("name", "")}" namespace: "" '
                          f'from "{filename}": {exc.message}\nensure CRDs are installed first')
                continue
            ns = _namespace_for_manifest(cmd, manifest, filename)
            meta = dict(manifest.get("metadata") or {})
            if rtype.namespaced:
                meta["namespace"] = ns
            manifest = with_change_cause({**manifest, "metadata": meta}, cmd)
            name = meta.get("name", "")
            live = cluster.store.get(rtype.kind, ns, name) if name else None
            try:
                if live is None:
                    body = with_last_applied(manifest, ns or None) if applying else \
                        dict(manifest)
                    written = cluster.api.create(body, ACTOR)
                    print_written(cmd, out, [written], "created")
                elif not applying:
                    out.error(f"Error from server (AlreadyExists): error when creating "
                              f'"{filename}": {rtype.qualified_plural} "{name}" already exists')
                else:
                    _, patch = kubectl_apply_patch(live, manifest, rtype.api_version,
                                                   rtype.kind)
                    if not patch:
                        print_written(cmd, out, [live], "unchanged")
                        continue
                    merged = apply_patch(live, manifest, rtype.api_version, rtype.kind)
                    written = cluster.api.update(merged, ACTOR)
                    print_written(cmd, out, [written], "configured")
            except apierrors.ApiError as exc:
                if exc.reason in ("Invalid",):
                    out.error(api_error_text(exc))
                else:
                    verb = "creating" if live is None else "patching"
                    out.error(f'Error from server ({exc.reason}): error when {verb} '
                              f'"{filename}": {exc.message}')
