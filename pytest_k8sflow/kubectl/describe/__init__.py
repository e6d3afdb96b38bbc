"""``kubectl describe`` (kubectl pkg/describe/describe.go), on the simulated store.

Describers for Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ConfigMap,
Secret, ServiceAccount and Node; every other kind gets the generic describer (name,
namespace, labels, annotations, the remaining fields, events). The text goes through Go's
tabwriter as ``tabbedString`` sets it up (minwidth 0, padding 2), flushed before the Events
table, which is aligned on its own (DescribeEvents calls ``w.Flush()``).

The package: ``command`` (run_describe, describe_object, the describer table), ``events``
(events_for, describe_events), ``common`` (shared pieces), one module per group of kinds
(``pods``, ``workloads``, ``network``, ``storage``, ``nodes``, ``config``) and ``generic``.
"""

from pytest_k8sflow.kubectl.describe.command import describe_object, run_describe
from pytest_k8sflow.kubectl.describe.common import rfc1123z, tabbed
from pytest_k8sflow.kubectl.describe.events import describe_events, events_for
from pytest_k8sflow.kubectl.describe.generic import smart_label

__all__ = [
    "describe_events",
    "describe_object",
    "events_for",
    "rfc1123z",
    "run_describe",
    "smart_label",
    "tabbed",
]
