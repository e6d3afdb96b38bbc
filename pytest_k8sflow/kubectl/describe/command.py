"""The ``kubectl describe`` command (kubernetes/kubectl pkg/cmd/describe/describe.go
DescribeOptions.Run, DescribeMatchingResources): resolving the arguments, picking the
describer for each kind (kubernetes/kubectl pkg/describe/describe.go DescriberFor, the
generic one otherwise) and appending the Events section.

The text goes through Go's tabwriter as ``tabbedString`` sets it up (minwidth 0, padding 2),
flushed before the Events table, which is aligned on its own (DescribeEvents calls
``w.Flush()``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pytest_k8sflow.kubectl.commands_common import KubectlCommand, Output, selector_of
from pytest_k8sflow.kubectl.describe.common import tabbed
from pytest_k8sflow.kubectl.describe.config import (
    _describe_configmap,
    _describe_namespace,
    _describe_secret,
    _describe_serviceaccount,
)
from pytest_k8sflow.kubectl.describe.events import describe_events, events_for
from pytest_k8sflow.kubectl.describe.generic import _describe_generic
from pytest_k8sflow.kubectl.describe.network import (
    _describe_endpoints,
    _describe_endpointslice,
    _describe_service,
)
from pytest_k8sflow.kubectl.describe.nodes import _describe_node
from pytest_k8sflow.kubectl.describe.pods import _describe_pod
from pytest_k8sflow.kubectl.describe.storage import (
    _describe_pv,
    _describe_pvc,
    _describe_storageclass,
)
from pytest_k8sflow.kubectl.describe.workloads import (
    _describe_cronjob,
    _describe_daemonset,
    _describe_deployment,
    _describe_job,
    _describe_replicaset,
    _describe_statefulset,
)
from pytest_k8sflow.kubectl.printers import _PrefixWriter, not_found

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster


def run_describe(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    selector = selector_of(cmd)
    texts: list[str] = []
    errors: list[str] = []
    show_events = bool(cmd.flag("show-events"))
    for rarg in cmd.resources:
        rtype = rarg.type
        ns = cmd.namespace if rtype.namespaced else ""
        if rarg.name is not None:
            obj = cluster.store.get(rtype.kind, ns, rarg.name)
            if obj is not None:
                objects = [obj]
            else:
                # describe.go DescribeMatchingResources: objects whose name starts with it
                objects = [o for o in cluster.store.list(rtype.kind, ns if rtype.namespaced
                                                         else None)
                           if o["metadata"]["name"].startswith(rarg.name)]
                if not objects:
                    errors.append(not_found(rtype, rarg.name))
                    continue
        else:
            scope = None if (cmd.all_namespaces or not rtype.namespaced) else ns
            objects = [o for o in cluster.store.list(rtype.kind, scope)
                       if selector.matches(o["metadata"].get("labels"))]
        for obj in objects:
            texts.append(describe_object(cluster, obj, show_events=show_events))
    out.write("\n\n".join(texts))
    if not texts and not errors:
        if cmd.all_namespaces:
            out.warn("No resources found")
        else:
            out.warn(f"No resources found in {cmd.namespace} namespace.")
    for err in errors:
        out.error(err)


def describe_object(cluster: Cluster, obj: Mapping, *, show_events: bool = True) -> str:
    """The describe text of one object (kubectl's describer for its kind, or the generic
    one)."""
    kind = obj.get("kind", "")
    describer = _DESCRIBERS.get(kind, _describe_generic)
    w = _PrefixWriter()
    describer(cluster, obj, w)
    events = events_for(cluster, obj) if show_events and kind not in _NO_EVENTS else None
    if events is not None and not events:
        # DescribeEvents writes "Events:\t<none>" through the describer's own tabwriter, so
        # it lines up with the fields above it.
        w.write(0, "Events:\t<none>\n")
        return tabbed(w.text())
    text = tabbed(w.text())
    if events:
        text += describe_events(events, cluster.clock.now_ms)
    return text


# describers that never print an Events section (describeSecret, describeNamespace,
# describeLimitRange, describeQuota, the RBAC and NetworkPolicy describers)
_NO_EVENTS = ("Secret", "Namespace", "LimitRange", "ResourceQuota", "NetworkPolicy", "Role",
              "ClusterRole", "RoleBinding", "ClusterRoleBinding")


_DESCRIBERS = {
    "Pod": _describe_pod,
    "Deployment": _describe_deployment,
    "ReplicaSet": _describe_replicaset,
    "StatefulSet": _describe_statefulset,
    "DaemonSet": _describe_daemonset,
    "Job": _describe_job,
    "CronJob": _describe_cronjob,
    "ConfigMap": _describe_configmap,
    "Secret": _describe_secret,
    "ServiceAccount": _describe_serviceaccount,
    "Node": _describe_node,
    "Service": _describe_service,
    "Endpoints": _describe_endpoints,
    "EndpointSlice": _describe_endpointslice,
    "PersistentVolumeClaim": _describe_pvc,
    "PersistentVolume": _describe_pv,
    "StorageClass": _describe_storageclass,
    "Namespace": _describe_namespace,
}
