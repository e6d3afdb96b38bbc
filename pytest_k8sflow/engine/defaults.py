"""What the kube-apiserver fills in before it stores an object.

``apply_defaults`` returns a new object with the fields a real cluster adds on create, so that
``kubectl get -o yaml`` of a simulated object reads like the real one:

* the scheme defaulters run when a request is decoded (k/k pkg/apis/core/v1/defaults.go,
  pkg/apis/apps/v1/defaults.go, pkg/apis/batch/v1/defaults.go and the ``+default`` markers of
  k8s.io/api);
* the v1 conversion quirks (``serviceAccount`` mirrors ``serviceAccountName``, Secret
  ``stringData`` folded into ``data``);
* quantities in resource lists rounded up to milli and written in canonical form
  (SetDefaults_ResourceList, resource.Quantity.String);
* the registry strategies' deterministic create-time fields (Namespace ``spec.finalizers``,
  Service ``ipFamilies``/``ipFamilyPolicy``/``clusterIPs``, the DaemonSet template-generation
  annotation, a Job's generated selector once it has a uid);
* for Pods only, the admission plugins every cluster runs: Priority (``priority``,
  ``preemptionPolicy``) and DefaultTolerationSeconds (not-ready/unreachable tolerations).

Defaulting recurses into pod templates exactly as the scheme does: templates get the PodSpec,
container, probe and volume defaults but not the Pod-only ones (``enableServiceLinks``,
requests from limits, host ports for hostNetwork) nor the admission-time ones
(k/k pkg/apis/core/v1/defaults_test.go TestWorkloadDefaults / TestPodDefaults).

Behaviour follows Kubernetes 1.32 unless ``kubernetes_version`` names an older release; the
version gates are listed in docs/semantics/defaults-and-validation.md.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import re
from collections.abc import Callable

from pytest_k8sflow.engine.jsoncopy import json_copy
from pytest_k8sflow.engine.quantity import QuantityError, canonicalize, canonicalize_resource

DEFAULT_VERSION = (1, 32)

Version = tuple[int, int]

# k/k pkg/apis/scheduling/types.go: the two built-in PriorityClasses.
SYSTEM_PRIORITY_CLASSES = {
    "system-cluster-critical": 2000000000,
    "system-node-critical": 2000001000,
}

# DefaultTolerationSeconds admission (plugin/pkg/admission/defaulttolerationseconds).
NOT_READY_TAINT = "node.kubernetes.io/not-ready"
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"
DEFAULT_TOLERATION_SECONDS = 300

DAEMONSET_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"

# batch/v1 types.go: labels the Job strategy generates (legacy + prefixed since 1.27).
JOB_CONTROLLER_UID = "batch.kubernetes.io/controller-uid"
JOB_NAME = "batch.kubernetes.io/job-name"
LEGACY_JOB_CONTROLLER_UID = "controller-uid"
LEGACY_JOB_NAME = "job-name"


def parse_version(version: str | tuple[int, int] | None) -> Version:
    """``"1.32"`` / ``"v1.19.3"`` / ``(1, 32)`` -> ``(1, 32)``; None -> the newest modelled."""
    if version is None:
        return DEFAULT_VERSION
    if isinstance(version, tuple):
        return (int(version[0]), int(version[1]))
    match = re.match(r"^v?(\d+)\.(\d+)", str(version).strip())
    if not match:
        raise ValueError(f"not a Kubernetes version: {version!r}")
    return int(match.group(1)), int(match.group(2))


def apply_defaults(obj: dict, *, kubernetes_version: str | tuple[int, int] | None = None) -> dict:
    """A new object with the apiserver's defaults filled in; ``obj`` is not changed."""
    out = json_copy(obj)
    defaulter = _DEFAULTERS.get(out.get("kind") or "")
    if defaulter is not None:
        defaulter(out, parse_version(kubernetes_version))
    return out


# -- helpers -----------------------------------------------------------------------------------

def _dict(parent: dict, key: str) -> dict:
    """parent[key] as a dict, creating it (JSON null counts as absent)."""
    value = parent.get(key)
    if not isinstance(value, dict):
        value = {}
        parent[key] = value
    return value


def _items(parent: dict | None, key: str) -> list:
    value = (parent or {}).get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _setdefault(parent: dict, key: str, value: object) -> None:
    if parent.get(key) is None:
        parent[key] = value


def _resource_list(parent: dict, key: str) -> None:
    """SetDefaults_ResourceList: every quantity rounded up to milli, canonical text."""
    values = parent.get(key)
    if not isinstance(values, dict):
        return
    for name in list(values):
        # An unparseable quantity is left as it is for the decoder's error.
        with contextlib.suppress(QuantityError):
            values[name] = canonicalize_resource(values[name])


def _quantity(parent: dict, key: str) -> None:
    """A lone resource.Quantity (not a ResourceList): canonical text, no rounding."""
    if parent.get(key) is None:
        return
    with contextlib.suppress(QuantityError):
        parent[key] = canonicalize(parent[key])


# Image references (github.com/distribution/reference, used by k/k pkg/util/parsers).
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*(?::[0-9]+)?"
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*"
_IMAGE_REFERENCE = re.compile(
    rf"^(?P<name>(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$")


def image_tag(image: str) -> str:
    """The tag parsers.ParseImageName finds: ``latest`` when neither tag nor digest is given,
    ``""`` for a digest-only reference or a reference it cannot parse."""
    match = _IMAGE_REFERENCE.match(image or "")
    if not match or len(match.group("name")) > 255:
        return ""
    if match.group("tag"):
        return match.group("tag")
    return "" if match.group("digest") else "latest"


def default_pull_policy(image: str) -> str:
    """k/k pkg/apis/core/v1/defaults.go SetDefaults_Container: Always for ``:latest`` (or no
    tag), IfNotPresent otherwise."""
    return "Always" if image_tag(image) == "latest" else "IfNotPresent"


# -- core/v1 -----------------------------------------------------------------------------------

def _default_http_get(handler: dict | None) -> None:
    # SetDefaults_HTTPGetAction
    if not isinstance(handler, dict):
        return
    http_get = handler.get("httpGet")
    if isinstance(http_get, dict):
        if not http_get.get("path"):
            http_get["path"] = "/"
        if not http_get.get("scheme"):
            http_get["scheme"] = "HTTP"
    grpc = handler.get("grpc")
    if isinstance(grpc, dict):
        _setdefault(grpc, "service", "")   # +default="" on GRPCAction.Service


def _default_probe(probe: dict | None) -> None:
    # SetDefaults_Probe: zero means unset for these int32 fields.
    if not isinstance(probe, dict):
        return
    for key, value in (("timeoutSeconds", 1), ("periodSeconds", 10),
                       ("successThreshold", 1), ("failureThreshold", 3)):
        if not probe.get(key):
            probe[key] = value
    _default_http_get(probe)


def _default_field_ref(ref: dict | None) -> None:
    # SetDefaults_ObjectFieldSelector
    if isinstance(ref, dict) and not ref.get("apiVersion"):
        ref["apiVersion"] = "v1"


def _default_resource_field_ref(ref: dict | None) -> None:
    # ResourceFieldSelector.Divisor is a Quantity value: it always serialises, "0" when unset.
    if isinstance(ref, dict):
        if ref.get("divisor") is None:
            ref["divisor"] = "0"
        else:
            _quantity(ref, "divisor")


def _default_container(container: dict) -> None:
    # SetDefaults_Container and the per-field defaults of the generated SetObjectDefaults.
    if not container.get("imagePullPolicy"):
        container["imagePullPolicy"] = default_pull_policy(container.get("image") or "")
    if not container.get("terminationMessagePath"):
        container["terminationMessagePath"] = "/dev/termination-log"
    if not container.get("terminationMessagePolicy"):
        container["terminationMessagePolicy"] = "File"
    for port in _items(container, "ports"):
        if not port.get("protocol"):
            port["protocol"] = "TCP"
    for env in _items(container, "env"):
        value_from = env.get("valueFrom")
        if isinstance(value_from, dict):
            _default_field_ref(value_from.get("fieldRef"))
            _default_resource_field_ref(value_from.get("resourceFieldRef"))
    # ResourceRequirements is a struct: it serialises as {} even when empty.
    resources = _dict(container, "resources")
    _resource_list(resources, "limits")
    _resource_list(resources, "requests")
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        _default_probe(container.get(key))
    lifecycle = container.get("lifecycle")
    if isinstance(lifecycle, dict):
        _default_http_get(lifecycle.get("postStart"))
        _default_http_get(lifecycle.get("preStop"))


def _default_pvc_spec(spec: dict, version: Version) -> None:
    # SetDefaults_PersistentVolumeClaimSpec
    _setdefault(spec, "volumeMode", "Filesystem")
    resources = spec.get("resources")
    if isinstance(resources, dict):
        _resource_list(resources, "limits")
        _resource_list(resources, "requests")


def _default_volume(volume: dict, version: Version) -> None:
    sources = ("hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo",
               "secret", "nfs", "iscsi", "glusterfs", "persistentVolumeClaim", "rbd",
               "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile",
               "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk",
               "projected", "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral",
               "image")
    # SetDefaults_Volume: a volume with no source is an emptyDir.
    if not any(volume.get(key) is not None for key in sources):
        volume["emptyDir"] = {}
    empty_dir = volume.get("emptyDir")
    if isinstance(empty_dir, dict):
        _quantity(empty_dir, "sizeLimit")
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        source = volume.get(key)
        if isinstance(source, dict):
            # Secret/ConfigMap/DownwardAPI/Projected VolumeSourceDefaultMode = 0644.
            _setdefault(source, "defaultMode", 420)
    for item in _items(volume.get("downwardAPI"), "items"):
        _default_field_ref(item.get("fieldRef"))
        _default_resource_field_ref(item.get("resourceFieldRef"))
    for source in _items(volume.get("projected"), "sources"):
        for item in _items(source.get("downwardAPI"), "items"):
            _default_field_ref(item.get("fieldRef"))
            _default_resource_field_ref(item.get("resourceFieldRef"))
        token = source.get("serviceAccountToken")
        if isinstance(token, dict):
            # SetDefaults_ServiceAccountTokenProjection: one hour.
            _setdefault(token, "expirationSeconds", 3600)
    host_path = volume.get("hostPath")
    if isinstance(host_path, dict):
        _setdefault(host_path, "type", "")   # SetDefaults_HostPathVolumeSource: HostPathUnset
    ephemeral = volume.get("ephemeral")
    if isinstance(ephemeral, dict) and isinstance(ephemeral.get("volumeClaimTemplate"), dict):
        _default_pvc_spec(_dict(ephemeral["volumeClaimTemplate"], "spec"), version)
    # +default markers on the remaining in-tree sources (TestPodDefaults).
    iscsi = volume.get("iscsi")
    if isinstance(iscsi, dict):
        _setdefault(iscsi, "iscsiInterface", "default")
    rbd = volume.get("rbd")
    if isinstance(rbd, dict):
        _setdefault(rbd, "pool", "rbd")
        _setdefault(rbd, "user", "admin")
        _setdefault(rbd, "keyring", "/etc/ceph/keyring")
    azure = volume.get("azureDisk")
    if isinstance(azure, dict):
        _setdefault(azure, "cachingMode", "ReadWrite")
        _setdefault(azure, "fsType", "ext4")
        _setdefault(azure, "readOnly", False)
        _setdefault(azure, "kind", "Shared")
    scale_io = volume.get("scaleIO")
    if isinstance(scale_io, dict):
        _setdefault(scale_io, "storageMode", "ThinProvisioned")
        _setdefault(scale_io, "fsType", "xfs")


def _default_pod_spec(spec: dict, version: Version) -> None:
    """SetDefaults_PodSpec and everything below a PodSpec (Pods and pod templates)."""
    # Conversion (Convert_v1_PodSpec_To_core_PodSpec and back): the deprecated
    # serviceAccount field is an alias of serviceAccountName and is always written back.
    if not spec.get("serviceAccountName") and spec.get("serviceAccount"):
        spec["serviceAccountName"] = spec["serviceAccount"]
    if spec.get("serviceAccountName"):
        spec["serviceAccount"] = spec["serviceAccountName"]
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    _setdefault(spec, "securityContext", {})
    _setdefault(spec, "terminationGracePeriodSeconds", 30)
    if not spec.get("schedulerName"):
        spec["schedulerName"] = "default-scheduler"
    for volume in _items(spec, "volumes"):
        _default_volume(volume, version)
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for container in _items(spec, key):
            _default_container(container)
    _resource_list(spec, "overhead")


def _requests_from_limits(containers: list) -> None:
    # SetDefaults_Pod: requests default to limits, key by key, on Pods only.
    for container in containers:
        resources = _dict(container, "resources")
        limits = resources.get("limits")
        if not isinstance(limits, dict):
            continue
        requests = resources.get("requests")
        if not isinstance(requests, dict):
            requests = {}
            resources["requests"] = requests
        for name, value in limits.items():
            if name not in requests:
                requests[name] = value


def _default_pod_template(template: dict | None, version: Version) -> None:
    # PodTemplateSpec is a struct field: its PodSpec is defaulted even when left out.
    if not isinstance(template, dict):
        return
    _default_pod_spec(_dict(template, "spec"), version)


def _tolerates(tolerations: list, key: str) -> bool:
    # DefaultTolerationSeconds: an empty key or effect tolerates everything of that kind.
    for toleration in tolerations:
        if (toleration.get("key") in (key, "", None)
                and toleration.get("effect") in ("NoExecute", "", None)):
            return True
    return False


def _admit_pod(pod: dict, spec: dict, version: Version) -> None:
    """The mutating admission plugins enabled by default that touch every Pod."""
    # plugin/pkg/admission/priority: priority from the class (0 without one), and the
    # preemption policy (PreemptLowerPriority) since NonPreemptingPriority (beta, 1.19).
    class_name = spec.get("priorityClassName") or ""
    if spec.get("priority") is None:
        if not class_name:
            spec["priority"] = 0
        elif class_name in SYSTEM_PRIORITY_CLASSES:
            spec["priority"] = SYSTEM_PRIORITY_CLASSES[class_name]
        # A user PriorityClass needs a store lookup: left to an admission plugin with one.
    if version >= (1, 19) and spec.get("priority") is not None and not spec.get("preemptionPolicy"):
        spec["preemptionPolicy"] = "PreemptLowerPriority"
    # plugin/pkg/admission/defaulttolerationseconds: appended only when not tolerated yet.
    tolerations = spec.get("tolerations") if isinstance(spec.get("tolerations"), list) else []
    tolerations = list(tolerations)
    added = False
    for key in (NOT_READY_TAINT, UNREACHABLE_TAINT):
        if not _tolerates([t for t in tolerations if isinstance(t, dict)], key):
            tolerations.append({"key": key, "operator": "Exists", "effect": "NoExecute",
                                "tolerationSeconds": DEFAULT_TOLERATION_SECONDS})
            added = True
    if added:
        spec["tolerations"] = tolerations


def _default_pod(pod: dict, version: Version) -> None:
    spec = _dict(pod, "spec")
    containers = _items(spec, "containers")
    init_containers = _items(spec, "initContainers")
    # SetDefaults_Pod runs first in SetObjectDefaults_Pod.
    _requests_from_limits(containers)
    _requests_from_limits(init_containers)
    if version >= (1, 13):
        _setdefault(spec, "enableServiceLinks", True)
    if spec.get("hostNetwork"):
        for container in containers + init_containers:
            for port in _items(container, "ports"):
                if not port.get("hostPort"):
                    port["hostPort"] = port.get("containerPort")
    _default_pod_spec(spec, version)
    _admit_pod(pod, spec, version)


def _default_pod_template_object(obj: dict, version: Version) -> None:
    _default_pod_template(obj.get("template"), version)


def _default_service(svc: dict, version: Version) -> None:
    spec = _dict(svc, "spec")
    # SetDefaults_Service
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        config = spec.get("sessionAffinityConfig")
        client_ip = config.get("clientIP") if isinstance(config, dict) else None
        if not isinstance(client_ip, dict) or client_ip.get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}}
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    svc_type = spec["type"]
    for port in _items(spec, "ports"):
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port")
    externally = svc_type in ("NodePort", "LoadBalancer") or (
        svc_type == "ClusterIP" and bool(spec.get("externalIPs")))
    if externally and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if version >= (1, 22) and spec.get("internalTrafficPolicy") is None and svc_type in (
            "ClusterIP", "NodePort", "LoadBalancer"):
        spec["internalTrafficPolicy"] = "Cluster"
    if version >= (1, 20) and svc_type == "LoadBalancer":
        _setdefault(spec, "allocateLoadBalancerNodePorts", True)
    _service_ip_fields(spec, version)


def _service_ip_fields(spec: dict, version: Version) -> None:
    """pkg/registry/core/service/storage: clusterIPs mirrors clusterIP, and (1.20+) the IP
    family fields initIPFamilyFields infers, here for a single-stack IPv4 cluster. The
    clusterIP itself is allocated by the service registry, not here."""
    if spec.get("type") == "ExternalName":
        return
    cluster_ip = spec.get("clusterIP")
    if cluster_ip and not spec.get("clusterIPs"):
        spec["clusterIPs"] = [cluster_ip]
    elif spec.get("clusterIPs") and not cluster_ip:
        spec["clusterIP"] = spec["clusterIPs"][0]
    if version < (1, 20):
        return
    headless = spec.get("clusterIP") == "None"
    if spec.get("ipFamilyPolicy") is None:
        selectorless_headless = headless and not spec.get("selector")
        spec["ipFamilyPolicy"] = "RequireDualStack" if selectorless_headless else "SingleStack"
    if not spec.get("ipFamilies"):
        families = []
        for ip in spec.get("clusterIPs") or []:
            if ip == "None":
                break
            families.append("IPv6" if ":" in str(ip) else "IPv4")
        spec["ipFamilies"] = families or ["IPv4"]
    if headless and not spec.get("selector") and spec["ipFamilyPolicy"] != "SingleStack" \
            and len(spec["ipFamilies"]) < 2:
        # Headless + selectorless services may name both families even on a single-stack
        # cluster (initIPFamilyFields special case).
        other = "IPv6" if spec["ipFamilies"][0] == "IPv4" else "IPv4"
        spec["ipFamilies"] = [*spec["ipFamilies"], other]


def _default_namespace(ns: dict, version: Version) -> None:
    meta = _dict(ns, "metadata")
    # SetDefaults_Namespace (NamespaceDefaultLabelName, beta 1.21, GA 1.22).
    if version >= (1, 21) and meta.get("name"):
        _dict(meta, "labels")["kubernetes.io/metadata.name"] = meta["name"]
    # pkg/registry/core/namespace/strategy.go PrepareForCreate: the "kubernetes" finalizer.
    spec = _dict(ns, "spec")
    finalizers = spec.get("finalizers")
    if not isinstance(finalizers, list):
        finalizers = []
    if "kubernetes" not in finalizers:
        spec["finalizers"] = [*finalizers, "kubernetes"]
    status = ns.get("status")
    if isinstance(status, dict) and not status.get("phase"):
        status["phase"] = "Active"   # SetDefaults_NamespaceStatus


def _default_node(node: dict, version: Version) -> None:
    status = node.get("status")
    if not isinstance(status, dict):
        return
    _resource_list(status, "capacity")
    _resource_list(status, "allocatable")
    # SetDefaults_NodeStatus: allocatable defaults to capacity.
    if status.get("allocatable") is None and isinstance(status.get("capacity"), dict):
        status["allocatable"] = dict(status["capacity"])


def _default_secret(secret: dict, version: Version) -> None:
    if not secret.get("type"):
        secret["type"] = "Opaque"   # SetDefaults_Secret
    # Convert_v1_Secret_To_core_Secret: stringData is write-only and overrides data.
    string_data = secret.pop("stringData", None)
    if isinstance(string_data, dict) and string_data:
        data = dict(secret.get("data") or {})
        for key, value in string_data.items():
            data[key] = base64.b64encode(str(value).encode()).decode()
        secret["data"] = data


def _default_pvc(pvc: dict, version: Version) -> None:
    _default_pvc_spec(_dict(pvc, "spec"), version)


def _default_pv(pv: dict, version: Version) -> None:
    spec = _dict(pv, "spec")
    # SetDefaults_PersistentVolume
    if not spec.get("persistentVolumeReclaimPolicy"):
        spec["persistentVolumeReclaimPolicy"] = "Retain"
    _setdefault(spec, "volumeMode", "Filesystem")
    _resource_list(spec, "capacity")


def _default_endpoints(ep: dict, version: Version) -> None:
    for subset in _items(ep, "subsets"):
        for port in _items(subset, "ports"):
            if not port.get("protocol"):
                port["protocol"] = "TCP"   # SetDefaults_Endpoints


def _default_limit_range(lr: dict, version: Version) -> None:
    for item in _items(lr.get("spec"), "limits"):
        for key in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
            _resource_list(item, key)
        if item.get("type") != "Container":
            continue
        # SetDefaults_LimitRangeItem: default <- max, defaultRequest <- default, then min.
        default = item.get("default") if isinstance(item.get("default"), dict) else {}
        default_request = (item.get("defaultRequest")
                           if isinstance(item.get("defaultRequest"), dict) else {})
        for name, value in (item.get("max") or {}).items():
            default.setdefault(name, value)
        for name, value in default.items():
            default_request.setdefault(name, value)
        for name, value in (item.get("min") or {}).items():
            default_request.setdefault(name, value)
        if default:
            item["default"] = default
        if default_request:
            item["defaultRequest"] = default_request


def _default_resource_quota(quota: dict, version: Version) -> None:
    spec = quota.get("spec")
    if isinstance(spec, dict):
        _resource_list(spec, "hard")


# -- apps/v1 -----------------------------------------------------------------------------------

def _default_deployment(deploy: dict, version: Version) -> None:
    spec = _dict(deploy, "spec")
    # k/k pkg/apis/apps/v1/defaults.go SetDefaults_Deployment
    _setdefault(spec, "replicas", 1)
    strategy = _dict(spec, "strategy")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = _dict(strategy, "rollingUpdate")
        _setdefault(rolling, "maxUnavailable", "25%")
        _setdefault(rolling, "maxSurge", "25%")
    _setdefault(spec, "revisionHistoryLimit", 10)
    _setdefault(spec, "progressDeadlineSeconds", 600)
    _default_pod_template(_dict(spec, "template"), version)


def _default_replica_set(rs: dict, version: Version) -> None:
    spec = _dict(rs, "spec")
    _setdefault(spec, "replicas", 1)   # SetDefaults_ReplicaSet
    _default_pod_template(_dict(spec, "template"), version)


def _default_stateful_set(sts: dict, version: Version) -> None:
    spec = _dict(sts, "spec")
    # SetDefaults_StatefulSet
    if not spec.get("podManagementPolicy"):
        spec["podManagementPolicy"] = "OrderedReady"
    strategy = _dict(spec, "updateStrategy")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
        if strategy.get("rollingUpdate") is None:
            strategy["rollingUpdate"] = {}
    rolling = strategy.get("rollingUpdate")
    if strategy["type"] == "RollingUpdate" and isinstance(rolling, dict):
        _setdefault(rolling, "partition", 0)
    if version >= (1, 27):   # StatefulSetAutoDeletePVC, beta and on by default in 1.27
        policy = _dict(spec, "persistentVolumeClaimRetentionPolicy")
        if not policy.get("whenDeleted"):
            policy["whenDeleted"] = "Retain"
        if not policy.get("whenScaled"):
            policy["whenScaled"] = "Retain"
    _setdefault(spec, "replicas", 1)
    _setdefault(spec, "revisionHistoryLimit", 10)
    _default_pod_template(_dict(spec, "template"), version)
    for claim in _items(spec, "volumeClaimTemplates"):
        # The embedded claims are defaulted as PersistentVolumeClaims (phase Pending).
        _setdefault(claim, "apiVersion", "v1")
        _setdefault(claim, "kind", "PersistentVolumeClaim")
        _default_pvc_spec(_dict(claim, "spec"), version)
        status = _dict(claim, "status")
        if not status.get("phase"):
            status["phase"] = "Pending"


def _default_daemon_set(ds: dict, version: Version) -> None:
    spec = _dict(ds, "spec")
    # SetDefaults_DaemonSet
    strategy = _dict(spec, "updateStrategy")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = _dict(strategy, "rollingUpdate")
        _setdefault(rolling, "maxUnavailable", 1)
        if version >= (1, 22):   # DaemonSetUpdateSurge, beta in 1.22
            _setdefault(rolling, "maxSurge", 0)
    _setdefault(spec, "revisionHistoryLimit", 10)
    _default_pod_template(_dict(spec, "template"), version)
    # pkg/registry/apps/daemonset/strategy.go PrepareForCreate sets TemplateGeneration = 1,
    # which apps/v1 carries as an annotation. (PrepareForUpdate bumps it when the template
    # changes; that needs the old object and is the apiserver's update path.)
    meta = _dict(ds, "metadata")
    annotations = _dict(meta, "annotations")
    annotations.setdefault(DAEMONSET_TEMPLATE_GENERATION, "1")


# -- batch/v1 ----------------------------------------------------------------------------------

def _default_job_spec_template(spec: dict, version: Version) -> None:
    _default_pod_template(_dict(spec, "template"), version)


def _default_job(job: dict, version: Version) -> None:
    spec = _dict(job, "spec")
    # k/k pkg/apis/batch/v1/defaults.go SetDefaults_Job
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    _setdefault(spec, "parallelism", 1)
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = 2**31 - 1 if spec.get("backoffLimitPerIndex") is not None else 6
    template = spec.get("template") if isinstance(spec.get("template"), dict) else {}
    template_labels = (template.get("metadata") or {}).get("labels")
    meta = _dict(job, "metadata")
    if template_labels and not meta.get("labels"):
        meta["labels"] = dict(template_labels)
    if version >= (1, 22):   # IndexedJob and SuspendJob, beta in 1.22
        _setdefault(spec, "completionMode", "NonIndexed")
        _setdefault(spec, "suspend", False)
    failure_policy = spec.get("podFailurePolicy")
    for rule in _items(failure_policy, "rules"):
        for pattern in _items(rule, "onPodConditions"):
            if not pattern.get("status"):
                pattern["status"] = "True"
    if version >= (1, 29):   # JobPodReplacementPolicy, beta in 1.29
        if spec.get("podReplacementPolicy") is None:
            spec["podReplacementPolicy"] = (
                "Failed" if failure_policy is not None else "TerminatingOrFailed")
        _setdefault(spec, "manualSelector", False)
    _default_job_spec_template(spec, version)
    uid = meta.get("uid")
    if uid and not spec.get("manualSelector"):
        generated = generate_job_selector(job, uid, kubernetes_version=version)
        job.clear()
        job.update(generated)


def generate_job_selector(job: dict, uid: str, *,
                          kubernetes_version: str | tuple[int, int] | None = None) -> dict:
    """The Job strategy's generated selector and template labels (k/k
    pkg/registry/batch/job/strategy.go generateSelector), which need the Job's uid: call it
    once the uid is known, unless ``spec.manualSelector`` is true. Returns a new object.

    Labels a user already set are kept (validation then reports a mismatch). When the Job's
    own labels were defaulted from the template they follow the template's (the apiserver
    shares one map between them, so a read shows the generated labels on the Job too).
    """
    version = parse_version(kubernetes_version)
    out = copy.deepcopy(job)
    spec = _dict(out, "spec")
    template = _dict(spec, "template")
    template_meta = _dict(template, "metadata")
    original = dict(template_meta.get("labels") or {})
    labels = dict(original)
    name = (out.get("metadata") or {}).get("name") or ""
    prefixed = version >= (1, 27)
    name_keys = [LEGACY_JOB_NAME, JOB_NAME] if prefixed else [LEGACY_JOB_NAME]
    uid_keys = [LEGACY_JOB_CONTROLLER_UID, JOB_CONTROLLER_UID] if prefixed \
        else [LEGACY_JOB_CONTROLLER_UID]
    for key in name_keys:
        labels.setdefault(key, name)
    for key in uid_keys:
        labels.setdefault(key, uid)
    template_meta["labels"] = labels
    selector = _dict(spec, "selector")
    match_labels = _dict(selector, "matchLabels")
    match_labels.setdefault(uid_keys[-1], uid)
    meta = _dict(out, "metadata")
    if not meta.get("labels") or meta.get("labels") == original:
        meta["labels"] = dict(labels)
    return out


def _default_cron_job(cj: dict, version: Version) -> None:
    spec = _dict(cj, "spec")
    # SetDefaults_CronJob; the job template only gets the pod template defaults.
    if not spec.get("concurrencyPolicy"):
        spec["concurrencyPolicy"] = "Allow"
    _setdefault(spec, "suspend", False)
    _setdefault(spec, "successfulJobsHistoryLimit", 3)
    _setdefault(spec, "failedJobsHistoryLimit", 1)
    _default_job_spec_template(_dict(_dict(spec, "jobTemplate"), "spec"), version)


_DEFAULTERS: dict[str, Callable[[dict, Version], None]] = {
    "Pod": _default_pod,
    "PodTemplate": _default_pod_template_object,
    "Service": _default_service,
    "Namespace": _default_namespace,
    "Node": _default_node,
    "Secret": _default_secret,
    "PersistentVolumeClaim": _default_pvc,
    "PersistentVolume": _default_pv,
    "Endpoints": _default_endpoints,
    "LimitRange": _default_limit_range,
    "ResourceQuota": _default_resource_quota,
    "Deployment": _default_deployment,
    "ReplicaSet": _default_replica_set,
    "StatefulSet": _default_stateful_set,
    "DaemonSet": _default_daemon_set,
    "Job": _default_job,
    "CronJob": _default_cron_job,
}


def prepare_daemonset_update(old: dict, new: dict) -> dict:
    """pkg/registry/apps/daemonset/strategy.go PrepareForUpdate: the template generation is
    carried over from the stored DaemonSet and goes up by one when the template changed."""
    old_annotations = (old.get("metadata") or {}).get("annotations") or {}
    try:
        generation = int(old_annotations.get(DAEMONSET_TEMPLATE_GENERATION, "1"))
    except ValueError:
        generation = 1
    if (old.get("spec") or {}).get("template") != (new.get("spec") or {}).get("template"):
        generation += 1
    meta = dict(new.get("metadata") or {})
    meta["annotations"] = {**(meta.get("annotations") or {}),
                           DAEMONSET_TEMPLATE_GENERATION: str(generation)}
    return {**new, "metadata": meta}
