"""``kubectl describe`` for storage (kubernetes/kubectl pkg/describe/describe.go):
PersistentVolumeClaimDescriber, PersistentVolumeDescriber and StorageClassDescriber.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from pytest_k8sflow.kubectl.describe.common import _header, _labels_annotations, rfc1123z
from pytest_k8sflow.kubectl.humanize import canonical_quantity, translate_timestamp_since
from pytest_k8sflow.kubectl.printers import _PrefixWriter
from pytest_k8sflow.kubectl.tables.common import access_modes, format_labels, get

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster


def _go_string_list(items: list | None) -> str:
    """fmt's %v of a []string: ``[a b]``."""
    return "[" + " ".join(items or []) + "]"


def _claim_class(obj: Mapping) -> str:
    beta = (obj["metadata"].get("annotations") or {}).get(
        "volume.beta.kubernetes.io/storage-class")
    return beta if beta is not None else get(obj, "spec", "storageClassName", default="")


def _describe_pvc(cluster: Cluster, pvc: Mapping, w: _PrefixWriter) -> None:
    """describePersistentVolumeClaim (printPersistentVolumeClaim with isFullPVC, Used By,
    Conditions)."""
    meta, spec, status = pvc["metadata"], pvc.get("spec") or {}, pvc.get("status") or {}
    _header(w, pvc)
    w.write(0, f"StorageClass:\t{_claim_class(pvc)}\n")
    if meta.get("deletionTimestamp"):
        since = translate_timestamp_since(meta["deletionTimestamp"], cluster.clock.now_ms)
        w.write(0, f"Status:\tTerminating (lasts {since})\n")
    else:
        w.write(0, f"Status:\t{status.get('phase', '')}\n")
    w.write(0, f"Volume:\t{spec.get('volumeName', '')}\n")
    _labels_annotations(w, pvc)
    w.write(0, f"Finalizers:\t{_go_string_list(meta.get('finalizers'))}\n")
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes(status.get("accessModes"))
        storage = get(status, "capacity", "storage")
        capacity = canonical_quantity(storage) if storage is not None else "0"
    w.write(0, f"Capacity:\t{capacity}\n")
    w.write(0, f"Access Modes:\t{modes}\n")
    if spec.get("volumeMode"):
        w.write(0, f"VolumeMode:\t{spec['volumeMode']}\n")
    source = spec.get("dataSource")
    if source is not None:
        w.write(0, "DataSource:\n")
        if source.get("apiGroup") is not None:
            w.write(1, f"APIGroup:\t{source['apiGroup']}\n")
        w.write(1, f"Kind:\t{source.get('kind', '')}\n")
        w.write(1, f"Name:\t{source.get('name', '')}\n")
    # getPodsForPVC: pods with a volume naming the claim, then owner pods not yet listed
    pods = cluster.store.list("Pod", meta.get("namespace") or "")
    users = [p["metadata"]["name"] for p in pods
             for v in get(p, "spec", "volumes", default=[])
             if get(v, "persistentVolumeClaim", "claimName") == meta["name"]]
    for ref in meta.get("ownerReferences") or []:
        if ref.get("kind") != "Pod":
            continue
        for p in pods:
            if p["metadata"].get("uid") == ref.get("uid") and \
                    p["metadata"]["name"] not in users:
                users.append(p["metadata"]["name"])
    w.write(0, "Used By:\t")
    if not users:
        w.line("<none>")
    for i, name in enumerate(sorted(users)):
        w.write(0, ("\t" if i else "") + name + "\n")
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type')} \t{c.get('status')} \t{rfc1123z(c.get('lastProbeTime'))} "
                       f"\t{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t"
                       f"{c.get('message', '')}\n")


def _pv_source(w: _PrefixWriter, spec: Mapping) -> None:
    if spec.get("hostPath") is not None:
        hp = spec["hostPath"]
        w.write(2, "Type:\tHostPath (bare host directory volume)\n"
                   f"    Path:\t{hp.get('path', '')}\n"
                   f"    HostPathType:\t{hp.get('type') or '<none>'}\n")
    elif spec.get("nfs") is not None:
        nfs = spec["nfs"]
        w.write(2, "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n"
                   f"    Server:\t{nfs.get('server', '')}\n"
                   f"    Path:\t{nfs.get('path', '')}\n"
                   f"    ReadOnly:\t{'true' if nfs.get('readOnly') else 'false'}\n")
    elif spec.get("local") is not None:
        w.write(2, "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n"
                   f"    Path:\t{spec['local'].get('path', '')}\n")
    elif spec.get("csi") is not None:
        csi = spec["csi"]
        w.write(2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n"
                   f"    Driver:\t{csi.get('driver', '')}\n"
                   f"    FSType:\t{csi.get('fsType', '')}\n"
                   f"    VolumeHandle:\t{csi.get('volumeHandle', '')}\n"
                   f"    ReadOnly:\t{'true' if csi.get('readOnly') else 'false'}\n")
        attrs = csi.get("volumeAttributes") or {}
        w.write(2, "VolumeAttributes:\t")
        if not attrs:
            w.line("<none>")
        for i, key in enumerate(sorted(attrs)):
            line = f"{key}={attrs[key]}"
            line = line[:140] + "..." if len(line) > 140 else line
            w.write(2 if i else 0, ("\t" if i else "") + line + "\n")
    else:
        w.write(1, "<unknown>\n")


def _describe_pv(cluster: Cluster, pv: Mapping, w: _PrefixWriter) -> None:
    """describePersistentVolume."""
    meta, spec, status = pv["metadata"], pv.get("spec") or {}, pv.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    _labels_annotations(w, pv)
    w.write(0, f"Finalizers:\t{_go_string_list(meta.get('finalizers'))}\n")
    w.write(0, f"StorageClass:\t{_claim_class(pv)}\n")
    if meta.get("deletionTimestamp"):
        since = translate_timestamp_since(meta["deletionTimestamp"], cluster.clock.now_ms)
        w.write(0, f"Status:\tTerminating (lasts {since})\n")
    else:
        w.write(0, f"Status:\t{status.get('phase', '')}\n")
    ref = spec.get("claimRef")
    claim = f"{ref.get('namespace', '')}/{ref.get('name', '')}" if ref is not None else ""
    w.write(0, f"Claim:\t{claim}\n")
    w.write(0, f"Reclaim Policy:\t{spec.get('persistentVolumeReclaimPolicy', '')}\n")
    w.write(0, f"Access Modes:\t{access_modes(spec.get('accessModes'))}\n")
    if spec.get("volumeMode"):
        w.write(0, f"VolumeMode:\t{spec['volumeMode']}\n")
    storage = get(spec, "capacity", "storage")
    w.write(0, f"Capacity:\t{canonical_quantity(storage) if storage is not None else '0'}\n")
    # printVolumeNodeAffinity
    required = get(spec, "nodeAffinity", "required")
    w.write(0, "Node Affinity:\t")
    if required is None:
        w.line("<none>")
    else:
        w.line("")
        w.write(1, "Required Terms:\t")
        terms = required.get("nodeSelectorTerms") or []
        if not terms:
            w.line("<none>")
        else:
            w.line("")
            _write_terms(w, 2, terms, "matchExpressions",
                         lambda req: str(req.get("operator", "")).lower())
    w.write(0, f"Message:\t{status.get('message', '')}\n")
    w.write(0, "Source:\n")
    _pv_source(w, spec)


def _write_terms(w: _PrefixWriter, level: int, terms: list, field: str,
                 operator: Callable[[Mapping], str]) -> None:
    """``Term i:`` lines, one requirement per line (printVolumeNodeAffinity and
    describeStorageClass's allowed topologies write them the same way)."""
    for i, term in enumerate(terms):
        w.write(level, f"Term {i}:\t")
        reqs = term.get(field) or []
        if not reqs:
            w.line("<none>")
        for j, req in enumerate(reqs):
            if j:
                w.write(level, "\t")
            text = f"{req.get('key')} {operator(req)}"
            if req.get("values"):
                text += f" [{', '.join(req['values'])}]"
            w.write(0, text + "\n")


def _describe_storageclass(cluster: Cluster, sc: Mapping, w: _PrefixWriter) -> None:
    """describeStorageClass: annotations and parameters on one line (labels.FormatLabels)."""
    annotations = sc["metadata"].get("annotations") or {}
    w.write(0, f"Name:\t{sc['metadata']['name']}\n")
    default = "Yes" if "true" in (
        annotations.get("storageclass.kubernetes.io/is-default-class"),
        annotations.get("storageclass.beta.kubernetes.io/is-default-class")) else "No"
    w.write(0, f"IsDefaultClass:\t{default}\n")
    w.write(0, f"Annotations:\t{format_labels(annotations)}\n")
    w.write(0, f"Provisioner:\t{sc.get('provisioner', '')}\n")
    w.write(0, f"Parameters:\t{format_labels(sc.get('parameters'))}\n")
    expand = sc.get("allowVolumeExpansion")
    w.write(0, f"AllowVolumeExpansion:\t"
               f"{'<unset>' if expand is None else ('True' if expand else 'False')}\n")
    options = sc.get("mountOptions") or []
    if not options:
        w.write(0, "MountOptions:\t<none>\n")
    else:
        w.write(0, "MountOptions:\n")
        for option in options:
            w.write(1, f"{option}\n")
    if sc.get("reclaimPolicy"):
        w.write(0, f"ReclaimPolicy:\t{sc['reclaimPolicy']}\n")
    if sc.get("volumeBindingMode"):
        w.write(0, f"VolumeBindingMode:\t{sc['volumeBindingMode']}\n")
    topologies = sc.get("allowedTopologies")
    if topologies is not None:
        w.write(0, "AllowedTopologies:\t")
        if not topologies:
            w.line("<none>")
        else:
            w.line("")
            _write_terms(w, 1, topologies, "matchLabelExpressions", lambda req: "in")
