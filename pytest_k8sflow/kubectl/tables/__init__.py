"""``kubectl get`` tables: the apiserver's column definitions and cells per kind
(k/k pkg/printers/internalversion/printers.go), laid out as kubectl does
(cli-runtime pkg/printers/tableprinter.go + Go tabwriter).

The apiserver always generates the wide row (pkg/printers/storage TableConvertor uses
GenerateOptions{Wide: true}); kubectl drops the priority>0 columns unless ``-o wide``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from pytest_k8sflow.engine.resources import BY_KIND, resolve_resource
from pytest_k8sflow.kubectl.tables import core, workloads
from pytest_k8sflow.kubectl.tables.common import Cell, Column, format_labels, get
from pytest_k8sflow.kubectl.tabwriter import format_columns

RowFn = Callable[[Mapping, int], list[Cell]]

TABLES: dict[str, tuple[tuple[Column, ...], RowFn]] = {
    "Pod": (workloads.POD_COLUMNS, workloads.pod_row),
    "Deployment": (workloads.DEPLOYMENT_COLUMNS, workloads.deployment_row),
    "ReplicaSet": (workloads.REPLICASET_COLUMNS, workloads.replicaset_row),
    "StatefulSet": (workloads.STATEFULSET_COLUMNS, workloads.statefulset_row),
    "DaemonSet": (workloads.DAEMONSET_COLUMNS, workloads.daemonset_row),
    "ControllerRevision": (workloads.CONTROLLERREVISION_COLUMNS,
                           workloads.controllerrevision_row),
    "Job": (workloads.JOB_COLUMNS, workloads.job_row),
    "CronJob": (workloads.CRONJOB_COLUMNS, workloads.cronjob_row),
    "Node": (core.NODE_COLUMNS, core.node_row),
    "Event": (core.EVENT_COLUMNS, core.event_row),
    "Namespace": (core.NAMESPACE_COLUMNS, core.namespace_row),
    "ConfigMap": (core.CONFIGMAP_COLUMNS, core.configmap_row),
    "Secret": (core.SECRET_COLUMNS, core.secret_row),
    "ServiceAccount": (core.SERVICEACCOUNT_COLUMNS, core.serviceaccount_row),
    "Service": (core.SERVICE_COLUMNS, core.service_row),
    "Endpoints": (core.ENDPOINTS_COLUMNS, core.endpoints_row),
    "EndpointSlice": (core.ENDPOINTSLICE_COLUMNS, core.endpointslice_row),
    "PersistentVolumeClaim": (core.PVC_COLUMNS, core.pvc_row),
    "PersistentVolume": (core.PV_COLUMNS, core.pv_row),
    "StorageClass": (core.STORAGECLASS_COLUMNS, core.storageclass_row),
    "PodDisruptionBudget": (core.PDB_COLUMNS, core.pdb_row),
    "ResourceQuota": (core.RESOURCEQUOTA_COLUMNS, core.resourcequota_row),
    "LimitRange": (core.CREATED_AT_COLUMNS, core.created_at_row),
    "PodPreset": (core.GENERIC_COLUMNS, core.generic_row),
}


def table_for(kind: str) -> tuple[tuple[Column, ...], RowFn]:
    """Column definitions and row function for ``kind``; NAME/AGE for anything else."""
    return TABLES.get(kind, (core.GENERIC_COLUMNS, core.generic_row))


def _cell_text(cell: Cell) -> str:
    # tableprinter.printTable: strings as they are, everything else through fmt.Sprint;
    # a nil cell prints nothing
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    text = str(cell)
    # cells are cut at the first line break, with "..." (cellBreakChars)
    for i, ch in enumerate(text):
        if ch in "\f\n\r":
            return text[:i] + "..."
    return text


def _label_header(key: str) -> str:
    # tableprinter formatLabelHeaders: the part after the last "/", uppercased
    return key.split("/")[-1].upper()


def _qualified_kind(kind: str) -> str:
    rtype = BY_KIND.get(kind) or resolve_resource(kind)
    if rtype is None:
        return kind.lower()
    return rtype.qualified_kind


def table_lines(kind: str, objects: Sequence[Mapping], now_ms: int, *, wide: bool = False,
                show_labels: bool = False, label_columns: Sequence[str] = (),
                no_headers: bool = False, with_namespace: bool = False,
                with_kind: bool = False) -> str:
    """The tab-separated text kubectl writes into its tabwriter for one resource type."""
    columns, row_fn = table_for(kind)
    rtype = BY_KIND.get(kind)
    if rtype is not None and not rtype.namespaced:
        with_namespace = False  # get.go: no NAMESPACE column for cluster-scoped kinds
    label_columns = [key for part in label_columns for key in part.split(",") if key] \
        if label_columns else []
    lines: list[str] = []
    if not objects:
        return ""
    if not no_headers:
        headers = [c.name.upper() for c in columns if wide or c.priority == 0]
        headers += [_label_header(k) for k in label_columns]
        if show_labels:
            headers.append("LABELS")
        if with_namespace:
            headers.insert(0, "NAMESPACE")
        lines.append("\t".join(headers))
    prefix = _qualified_kind(kind) + "/" if with_kind else ""
    for obj in objects:
        cells = row_fn(obj, now_ms)
        texts: list[str] = []
        if with_namespace:
            texts.append(get(obj, "metadata", "namespace", default=""))
        for column, cell in zip(columns, cells, strict=False):
            if not wide and column.priority != 0:
                continue
            text = _cell_text(cell)
            if prefix and column.name_format:
                text = prefix + text
            texts.append(text)
        labels = get(obj, "metadata", "labels", default={})
        texts += [labels.get(k, "") for k in label_columns]
        if show_labels:
            texts.append(format_labels(labels))
        lines.append("\t".join(texts))
    return "\n".join(lines) + "\n"


def print_table(kind: str, objects: Sequence[Mapping], now_ms: int, *, wide: bool = False,
                show_labels: bool = False, label_columns: Sequence[str] = (),
                no_headers: bool = False, with_namespace: bool = False,
                with_kind: bool = False) -> str:
    """What ``kubectl get <kind>`` writes to stdout for ``objects`` (in the order given:
    the apiserver lists by name and kubectl sorts nothing). Empty when there are no objects;
    kubectl then writes :func:`no_resources_message` to stderr instead.

    ``label_columns`` are ``-L`` values (each may be comma-separated); ``with_namespace`` is
    ``-A`` (ignored for cluster-scoped kinds); ``with_kind`` prefixes names with
    ``deployment.apps/`` as kubectl does when several types are listed.
    """
    text = table_lines(kind, objects, now_ms, wide=wide, show_labels=show_labels,
                       label_columns=label_columns, no_headers=no_headers,
                       with_namespace=with_namespace, with_kind=with_kind)
    return format_columns(text) if text else ""


def print_tables(groups: Sequence[tuple[str, Sequence[Mapping]]], now_ms: int, *,
                 wide: bool = False, show_labels: bool = False,
                 label_columns: Sequence[str] = (), no_headers: bool = False,
                 with_namespace: bool = False, with_kind: bool | None = None) -> str:
    """``kubectl get a,b`` / ``get all``: one table per type, each aligned on its own
    (get.go flushes the tabwriter and resets its widths when the type changes), separated by
    a blank line when headers are printed. ``with_kind`` defaults to "more than one type"."""
    non_empty = [(kind, objs) for kind, objs in groups if objs]
    if with_kind is None:
        with_kind = len({kind for kind, _ in non_empty}) > 1
    parts = [print_table(kind, objs, now_ms, wide=wide, show_labels=show_labels,
                         label_columns=label_columns, no_headers=no_headers,
                         with_namespace=with_namespace, with_kind=with_kind)
             for kind, objs in non_empty]
    return ("" if no_headers else "\n").join(parts)


def no_resources_message(namespace: str, *, all_namespaces: bool = False,
                         namespaced: bool = True) -> str:
    """get.go: the stderr line when nothing was printed (with its newline)."""
    if namespaced and not all_namespaces:
        return f"No resources found in {namespace} namespace.\n"
    return "No resources found\n"


__all__ = ["Column", "TABLES", "no_resources_message", "print_table", "print_tables",
           "table_for", "table_lines"]
