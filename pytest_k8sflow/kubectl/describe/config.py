"""``kubectl describe`` for configuration and accounts
(kubernetes/kubectl pkg/describe/describe.go): ConfigMapDescriber, SecretDescriber,
ServiceAccountDescriber and NamespaceDescriber.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pytest_k8sflow.engine.resources import BY_KIND
from pytest_k8sflow.kubectl.describe.common import _header, _labels_annotations, rfc1123z
from pytest_k8sflow.kubectl.humanize import canonical_quantity
from pytest_k8sflow.kubectl.printers import _PrefixWriter
from pytest_k8sflow.kubectl.tables.common import get

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster


def _describe_configmap(cluster: Cluster, cm: Mapping, w: _PrefixWriter) -> None:
    _header(w, cm)
    _labels_annotations(w, cm)
    w.write(0, "\nData\n====\n")
    data = cm.get("data") or {}
    for key in sorted(data):
        w.write(0, f"{key}:\n----\n")
        w.write(0, f"{data[key]}\n")
        # a blank line after each value since kubectl 1.31 (k/k PR #123597)
        w.write(0, "\n")
    w.write(0, "\nBinaryData\n====\n")
    binary = cm.get("binaryData") or {}
    for key in sorted(binary):
        import base64

        w.write(0, f"{key}: {len(base64.b64decode(binary[key]))} bytes\n")
    w.write(0, "\n")


def _describe_secret(cluster: Cluster, secret: Mapping, w: _PrefixWriter) -> None:
    from pytest_k8sflow.engine.envvars import secret_bytes

    _header(w, secret)
    _labels_annotations(w, secret)
    stype = secret.get("type", "")
    w.write(0, f"\nType:\t{stype}\n")
    w.write(0, "\nData\n====\n")
    data = secret_bytes(secret)
    for key in sorted(data):
        if key == "token" and stype == "kubernetes.io/service-account-token":
            w.write(0, f"{key}:\t{data[key].decode('utf-8', 'replace')}\n")
        else:
            w.write(0, f"{key}:\t{len(data[key])} bytes\n")


def _describe_serviceaccount(cluster: Cluster, sa: Mapping, w: _PrefixWriter) -> None:
    """ServiceAccountDescriber: the three secret lists under headers padded to one width
    (sorted by header), tokens are service-account-token Secrets whose annotations name this
    account and its uid, and referenced Secrets that do not exist get ``(not found)``."""
    _header(w, sa)
    _labels_annotations(w, sa)
    meta = sa["metadata"]
    secrets = cluster.store.list("Secret", meta.get("namespace") or "")
    existing = {s["metadata"]["name"] for s in secrets}
    tokens = []
    for s in secrets:
        annotations = s["metadata"].get("annotations") or {}
        if s.get("type") == "kubernetes.io/service-account-token" and \
                annotations.get("kubernetes.io/service-account.name") == meta["name"] and \
                annotations.get("kubernetes.io/service-account.uid") == meta.get("uid"):
            tokens.append(s["metadata"]["name"])
    pull = [s.get("name", "") for s in sa.get("imagePullSecrets") or []]
    mount = [s.get("name", "") for s in sa.get("secrets") or []]
    missing = {n for n in pull + mount if n not in existing}
    empty = " " * 19
    for header, names in (("Image pull secrets:", pull), ("Mountable secrets: ", mount),
                          ("Tokens:            ", tokens)):
        if not names:
            w.write(0, f"{header}\t<none>\n")
            continue
        prefix = header
        for name in names:
            w.write(0, f"{prefix}\t{name}{' (not found)' if name in missing else ''}\n")
            prefix = empty


def _describe_namespace(cluster: Cluster, ns: Mapping, w: _PrefixWriter) -> None:
    """describeNamespace: status, conditions, then resource quotas and limit ranges."""
    name = ns["metadata"]["name"]
    w.write(0, f"Name:\t{name}\n")
    _labels_annotations(w, ns)
    w.write(0, f"Status:\t{get(ns, 'status', 'phase', default='')}\n")
    conditions = get(ns, "status", "conditions", default=[])
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type')}\t{c.get('status')}\t"
                       f"{rfc1123z(c.get('lastTransitionTime'))}\t{c.get('reason', '')}\t"
                       f"{c.get('message', '')}\n")
    w.write(0, "\n")
    quotas = cluster.store.list("ResourceQuota", name) if BY_KIND.get("ResourceQuota") else []
    if not quotas:
        w.write(0, "No resource quota.\n")
    else:
        w.write(0, "Resource Quotas\n")
        for q in sorted(quotas, key=lambda q: q["metadata"]["name"]):
            w.write(1, f"Name:\t{q['metadata']['name']}\n")
            w.write(1, "Resource\tUsed\tHard\n")
            w.write(1, "--------\t---\t---\n")
            hard = get(q, "status", "hard", default={})
            used = get(q, "status", "used", default={})
            for resource in sorted(hard):
                w.write(1, f"{resource}\t{canonical_quantity(used.get(resource, '0'))}\t"
                           f"{canonical_quantity(hard[resource])}\n")
    w.write(0, "\n")
    limits = cluster.store.list("LimitRange", name) if BY_KIND.get("LimitRange") else []
    if not limits:
        w.write(0, "No LimitRange resource.\n")
        return
    w.write(0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\t"
               "Max Limit/Request Ratio\n")
    w.write(0, " ----\t--------\t---\t---\t---------------\t-------------\t"
               "-----------------------\n")
    for lr in limits:
        for item in get(lr, "spec", "limits", default=[]):
            sections = ("min", "max", "defaultRequest", "default", "maxLimitRequestRatio")
            names = sorted({k for sec in sections for k in (item.get(sec) or {})})
            for resource in names:
                cells = [canonical_quantity((item.get(sec) or {})[resource])
                         if resource in (item.get(sec) or {}) else "-" for sec in sections]
                w.write(0, f" {item.get('type', '')}\t{resource}\t" + "\t".join(cells) + "\n")
