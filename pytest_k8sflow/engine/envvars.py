"""The environment a container sees, built the way the kubelet builds it.

k/k pkg/kubelet/kubelet_pods.go ``makeEnvironmentVariables``: envFrom sources first (in
order, later ones overwrite earlier ones), then ``env`` entries in order (overwriting envFrom),
``$(VAR)`` expansion against what is defined so far plus the service variables, ``valueFrom``
sources resolved, then the service variables not already set. Also here, because the volume
code needs them too: the downward-API field helpers of k/k pkg/fieldpath/fieldpath.go and the
resource helpers of k/k pkg/api/v1/resource/helpers.go. Rules and sources:
docs/semantics/admission-and-volumes.md.

A resolution failure is not raised: :class:`EnvResult` carries the message the kubelet puts in
the container's ``CreateContainerConfigError`` waiting state, and the events it recorded.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from pytest_k8sflow.engine.quantity import QuantityError, parse_quantity
from pytest_k8sflow.errors import K8sflowError

Version = tuple[int, int]

CREATE_CONTAINER_CONFIG_ERROR = "CreateContainerConfigError"
INVALID_ENV_NAMES_REASON = "InvalidEnvironmentVariableNames"

# k8s apimachinery util/validation IsEnvVarName (strict form, until the relaxed rule).
_ENV_VAR_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
ENV_VAR_NAME_MESSAGE = (
    "a valid environment variable name must consist of alphabetic characters, digits, '_', "
    "'-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or "
    "'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")
RELAXED_ENV_VAR_NAME_MESSAGE = (
    "a valid environment variable name must consist only of printable ASCII characters "
    "other than '='")
# KEP-4369 (k/k PR #123385, 1.30): the kubelet stops skipping envFrom keys; the apiserver's
# relaxed rule is on by default from 1.32 (gate RelaxedEnvironmentVariableValidation beta).
KUBELET_SKIPS_INVALID_KEYS_BEFORE: Version = (1, 30)
RELAXED_ENV_NAMES_FROM: Version = (1, 32)


class ContainerNotFound(K8sflowError):
    """The pod has no container of that name."""


# -- Go-compatible formatting ------------------------------------------------------------------
_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
               "\v": "\\v", "\\": "\\\\", '"': '\\"'}


def go_quote(text: str) -> str:
    """Go's ``%q`` / strconv.Quote: double quotes, backslash escapes, printable runes kept."""
    out = ['"']
    for ch in text:
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
            continue
        code = ord(ch)
        if ch.isprintable():  # Python's printable set matches Go's unicode.IsPrint
            out.append(ch)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


# -- k/k pkg/fieldpath/fieldpath.go ------------------------------------------------------------
def format_map(values: Mapping[str, str] | None) -> str:
    """fieldpath.FormatMap: ``key="value"`` lines (value Go-quoted), sorted by key, joined with
    newlines, no trailing newline; an empty map gives an empty string."""
    if not values:
        return ""
    return "\n".join(f"{key}={go_quote(str(values[key]))}" for key in sorted(values))


def split_maybe_subscripted_path(field_path: str) -> tuple[str, str, bool]:
    """fieldpath.SplitMaybeSubscriptedPath: ``metadata.labels['app']`` -> (path, key, True)."""
    if not field_path.endswith("']"):
        return field_path, "", False
    head = field_path[:-2]
    if "['" not in head:
        return field_path, "", False
    path, subscript = head.split("['", 1)
    if not path:
        return field_path, "", False
    return path, subscript, True


class FieldPathError(K8sflowError):
    """fieldpath.ExtractFieldPathAsString could not read that field."""


def extract_field_path_as_string(obj: Mapping, field_path: str) -> str:
    """fieldpath.ExtractFieldPathAsString: metadata name/namespace/uid, the whole label and
    annotation maps (FormatMap) and single subscripted keys (raw value, "" when missing)."""
    meta = obj.get("metadata") or {}
    path, subscript, subscripted = split_maybe_subscripted_path(field_path)
    if subscripted:
        if path == "metadata.annotations":
            return str((meta.get("annotations") or {}).get(subscript, ""))
        if path == "metadata.labels":
            return str((meta.get("labels") or {}).get(subscript, ""))
        raise FieldPathError(f'fieldPath "{field_path}" does not support subscript')
    if field_path == "metadata.annotations":
        return format_map(meta.get("annotations"))
    if field_path == "metadata.labels":
        return format_map(meta.get("labels"))
    if field_path in ("metadata.name", "metadata.namespace", "metadata.uid"):
        return str(meta.get(field_path.split(".", 1)[1]) or "")
    raise FieldPathError(f"unsupported fieldPath: {field_path}")


# -- k/k pkg/api/v1/resource/helpers.go --------------------------------------------------------
def find_container(pod: Mapping, name: str, *, ephemeral: bool = True) -> dict | None:
    spec = pod.get("spec") or {}
    groups = ["containers", "initContainers"] + (["ephemeralContainers"] if ephemeral else [])
    for group in groups:
        for container in spec.get(group) or []:
            if container.get("name") == name:
                return container
    return None


def merge_container_resource_limits(container: Mapping, allocatable: Mapping | None) -> dict:
    """MergeContainerResourceLimits: a missing or zero cpu / memory / ephemeral-storage limit
    becomes the node's allocatable amount (what the downward API reports for "no limit")."""
    resources = dict(container.get("resources") or {})
    limits = dict(resources.get("limits") or {})
    for name in ("cpu", "memory", "ephemeral-storage"):
        current = limits.get(name)
        if (current is None or _quantity(current) == 0) and allocatable and \
                allocatable.get(name) is not None:
            limits[name] = allocatable[name]
    resources["limits"] = limits
    return {**container, "resources": resources}


def _quantity(value) -> Fraction:
    try:
        return parse_quantity(value)
    except QuantityError:
        return Fraction(0)


def convert_quantity(value, divisor) -> str:
    """convertQuantityToString: ceiling of quantity / divisor; zero or negative gives "0"."""
    q = _quantity(value) if value is not None else Fraction(0)
    d = _quantity(divisor) if divisor not in (None, "") else Fraction(0)
    if d == 0:
        d = Fraction(1)  # an unset divisor is the zero Quantity, meaning 1
    if q <= 0 or d <= 0:
        return "0"
    return str(math.ceil(q / d))


_RESOURCE_FIELDS = ("limits.cpu", "limits.memory", "limits.ephemeral-storage",
                    "requests.cpu", "requests.memory", "requests.ephemeral-storage")


def extract_container_resource_value(selector: Mapping, container: Mapping) -> str:
    """ExtractContainerResourceValue for ``limits.*`` / ``requests.*`` (and hugepages-*)."""
    resource = selector.get("resource") or ""
    divisor = selector.get("divisor")
    res = container.get("resources") or {}
    section, _, name = resource.partition(".")
    if resource in _RESOURCE_FIELDS or (section in ("limits", "requests")
                                        and name.startswith("hugepages-")):
        return convert_quantity((res.get(section) or {}).get(name), divisor)
    raise FieldPathError(f"unsupported container resource : {resource}")


def resource_value_by_container_name(selector: Mapping, pod: Mapping, container_name: str,
                                     node_allocatable: Mapping | None) -> str:
    """ExtractResourceValueByContainerNameAndNodeAllocatable (downward API volumes)."""
    container = find_container(pod, container_name, ephemeral=False)
    if container is None:
        raise FieldPathError(f"container {container_name} not found")
    return extract_container_resource_value(
        selector, merge_container_resource_limits(container, node_allocatable))


# -- k/k third_party/forked/golang/expansion/expand.go -------------------------------------------
def mapping_func_for(*contexts: Mapping[str, str]) -> Callable[[str], str]:
    """MappingFuncFor: the first context that has the name wins; unknown names stay
    ``$(NAME)``."""
    def mapping(name: str) -> str:
        for context in contexts:
            if name in context:
                return context[name]
        return f"$({name})"
    return mapping


def expand(text: str, mapping: Callable[[str], str]) -> str:
    """expansion.Expand: ``$(VAR)`` is replaced, ``$$`` is an escaped ``$``, anything else
    (``$VAR``, ``${VAR}``, an unterminated ``$(``) is kept as written."""
    out: list[str] = []
    checkpoint = 0
    cursor = 0
    while cursor < len(text):
        if text[cursor] == "$" and cursor + 1 < len(text):
            out.append(text[checkpoint:cursor])
            rest = text[cursor + 1:]
            if rest[0] == "$":
                out.append("$")
                advance = 1
            elif rest[0] == "(":
                close = rest.find(")", 1)
                if close == -1:
                    out.append("$(")
                    advance = 1
                else:
                    out.append(mapping(rest[1:close]))
                    advance = close + 1
            else:
                out.append("$" + rest[0])
                advance = 1
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    return "".join(out) + text[checkpoint:]


# -- names -------------------------------------------------------------------------------------
def is_env_var_name(name: str, version: Version = (1, 19)) -> bool:
    """The rule envFrom keys are checked against by the kubelet (IsEnvVarName)."""
    if version >= RELAXED_ENV_NAMES_FROM:
        return bool(name) and "=" not in name and all(32 <= ord(c) <= 126 for c in name)
    return bool(_ENV_VAR_NAME.match(name))


# -- k/k pkg/kubelet/envvars/envvars.go --------------------------------------------------------
def _env_name(text: str) -> str:
    return text.replace("-", "_").upper()


def _service_ip_set(service: Mapping) -> bool:
    ip = (service.get("spec") or {}).get("clusterIP")
    return bool(ip) and ip != "None"


def _host_port(ip: str, port: int) -> str:
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def from_services(services: Iterable[Mapping]) -> dict[str, str]:
    """envvars.FromServices: ``<NAME>_SERVICE_HOST``/``_SERVICE_PORT[_<PORT>]`` and the
    Docker-link ``<NAME>_PORT*`` variables."""
    result: dict[str, str] = {}
    for service in services:
        spec = service.get("spec") or {}
        ports = spec.get("ports") or []
        if not _service_ip_set(service) or not ports:
            continue
        ip = spec["clusterIP"]
        prefix = _env_name(service["metadata"]["name"])
        result[f"{prefix}_SERVICE_HOST"] = ip
        result[f"{prefix}_SERVICE_PORT"] = str(ports[0].get("port"))
        for port in ports:
            if port.get("name"):
                result[f"{prefix}_SERVICE_PORT_{_env_name(port['name'])}"] = str(port["port"])
        for index, port in enumerate(ports):
            protocol = port.get("protocol") or "TCP"
            url = f"{protocol.lower()}://{_host_port(ip, port['port'])}"
            if index == 0:
                result[f"{prefix}_PORT"] = url
            port_prefix = f"{prefix}_PORT_{port['port']}_{protocol.upper()}"
            result[port_prefix] = url
            result[f"{port_prefix}_PROTO"] = protocol.lower()
            result[f"{port_prefix}_PORT"] = str(port["port"])
            result[f"{port_prefix}_ADDR"] = ip
    return result


def service_env(services: Iterable[Mapping], namespace: str, enable_service_links: bool, *,
                master_service_namespace: str = "default") -> dict[str, str]:
    """kubelet getServiceEnvVarMap: the ``kubernetes`` service of the master namespace always;
    the pod namespace's services only with ``enableServiceLinks`` (they win on a name clash)."""
    chosen: dict[str, Mapping] = {}
    for service in services:
        if not _service_ip_set(service):
            continue
        meta = service["metadata"]
        name = meta["name"]
        ns = meta.get("namespace") or "default"
        if ns == master_service_namespace and name == "kubernetes":
            chosen.setdefault(name, service)
        elif ns == namespace and enable_service_links:
            chosen[name] = service
    return from_services(chosen[name] for name in sorted(chosen))


# -- makeEnvironmentVariables ------------------------------------------------------------------
@dataclass(frozen=True)
class EnvEvent:
    """An event the kubelet records on the pod while building the environment."""

    type: str
    reason: str
    message: str


@dataclass
class EnvResult:
    """The resolved environment, or the error that keeps the container from being created."""

    env: dict[str, str] = field(default_factory=dict)
    events: list[EnvEvent] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def waiting_reason(self) -> str | None:
        """The container's ``state.waiting.reason`` (its message is :attr:`error`)."""
        return CREATE_CONTAINER_CONFIG_ERROR if self.error is not None else None

    def failed_event(self) -> EnvEvent | None:
        """k/k pkg/kubelet/kuberuntime startContainer: Warning ``Failed`` ``Error: <msg>``."""
        if self.error is None:
            return None
        return EnvEvent("Warning", "Failed", f"Error: {self.error}")


def _decode_secret_data(secret: Mapping) -> dict[str, bytes]:
    """Secret bytes: ``data`` is base64; ``stringData`` (write-only) wins, as the apiserver
    merges it into ``data`` on write."""
    out: dict[str, bytes] = {}
    for key, value in (secret.get("data") or {}).items():
        try:
            out[key] = base64.b64decode(str(value), validate=True)
        except (binascii.Error, ValueError):
            out[key] = str(value).encode()
    for key, value in (secret.get("stringData") or {}).items():
        out[key] = str(value).encode()
    return out


def secret_bytes(secret: Mapping) -> dict[str, bytes]:
    """The decoded contents of a Secret, key by key."""
    return _decode_secret_data(secret)


def _pod_ip_values(pod: Mapping, pod_ips: list[str] | None, node_ipv6: bool) -> list[str]:
    """kubelet sortPodIPs: the first IP of the node's family, then the first of the other."""
    status = pod.get("status") or {}
    if pod_ips is None:
        pod_ips = [p.get("ip") for p in status.get("podIPs") or [] if p.get("ip")]
        if not pod_ips and status.get("podIP"):
            pod_ips = [status["podIP"]]

    def family(ip: str) -> int | None:
        try:
            return ipaddress.ip_address(ip).version
        except ValueError:
            return None

    primary, secondary = (6, 4) if node_ipv6 else (4, 6)
    out = []
    for wanted in (primary, secondary):
        for ip in pod_ips:
            if family(ip) == wanted:
                out.append(ip)
                break
    return out


def _field_ref_value(ref: Mapping, pod: Mapping, pod_ips: list[str], host_ip: str) -> str:
    """kubelet podFieldSelectorRuntimeValue."""
    path = ref.get("fieldPath") or ""
    spec = pod.get("spec") or {}
    if path == "spec.nodeName":
        return str(spec.get("nodeName") or "")
    if path == "spec.serviceAccountName":
        return str(spec.get("serviceAccountName") or "")
    if path == "status.hostIP":
        return host_ip
    if path == "status.hostIPs":
        return host_ip
    if path == "status.podIP":
        return pod_ips[0] if pod_ips else ""
    if path == "status.podIPs":
        return ",".join(pod_ips)
    return extract_field_path_as_string(pod, path)


def _not_found(kind: str, name: str) -> str:
    # The kubelet's configmap/secret managers return apierrors.NewNotFound with the singular
    # resource name: ``configmap "x" not found`` / ``secret "x" not found``.
    return f'{kind} "{name}" not found'


def container_env(pod: Mapping, container_name: str, store, *,
                  node_allocatable: Mapping | None = None, version: Version = (1, 32),
                  pod_ips: list[str] | None = None, host_ip: str | None = None,
                  master_service_namespace: str = "default",
                  include_service_env: bool = True) -> EnvResult:
    """The environment of ``container_name`` as kubelet makeEnvironmentVariables builds it.

    ``store`` is anything with ``get(kind, namespace, name)`` and ``list(kind, namespace)``.
    ``node_allocatable`` stands in for missing limits in ``resourceFieldRef``. The order of
    the returned dict is envFrom, env, then service variables; the kubelet's own order is not
    defined (it ranges over a Go map).
    """
    container = find_container(pod, container_name)
    if container is None:
        raise ContainerNotFound(
            f'container "{container_name}" not found in pod "{pod["metadata"]["name"]}"')
    meta = pod.get("metadata") or {}
    namespace = meta.get("namespace") or "default"
    spec = pod.get("spec") or {}
    result = EnvResult()

    enable_links = spec.get("enableServiceLinks")
    enable_links = True if enable_links is None else bool(enable_links)  # defaulted to true
    services_env: dict[str, str] = {}
    if include_service_env:
        services_env = service_env(store.list("Service", None), namespace, enable_links,
                                   master_service_namespace=master_service_namespace)

    config_maps: dict[str, Mapping] = {}
    secrets: dict[str, dict[str, bytes]] = {}
    tmp: dict[str, str] = {}

    def get_config_map(name: str) -> Mapping | None:
        if name not in config_maps:
            obj = store.get("ConfigMap", namespace, name)
            if obj is None:
                return None
            config_maps[name] = obj
        return config_maps[name]

    def get_secret(name: str) -> dict[str, bytes] | None:
        if name not in secrets:
            obj = store.get("Secret", namespace, name)
            if obj is None:
                return None
            secrets[name] = _decode_secret_data(obj)
        return secrets[name]

    skip_invalid = version < KUBELET_SKIPS_INVALID_KEYS_BEFORE
    for source in container.get("envFrom") or []:
        prefix = source.get("prefix") or ""
        if source.get("configMapRef") is not None:
            ref, word = source["configMapRef"], "configMap"
            cm = get_config_map(ref.get("name") or "")
            if cm is None:
                if ref.get("optional"):
                    continue
                result.error = _not_found("configmap", ref.get("name") or "")
                return result
            items = {k: str(v) for k, v in (cm.get("data") or {}).items()}
        elif source.get("secretRef") is not None:
            ref, word = source["secretRef"], "secret"
            data = get_secret(ref.get("name") or "")
            if data is None:
                if ref.get("optional"):
                    continue
                result.error = _not_found("secret", ref.get("name") or "")
                return result
            items = {k: v.decode("utf-8", "replace") for k, v in data.items()}
        else:
            continue
        invalid = []
        # Go ranges over the data map in random order; sorted keys keep the result stable.
        for key in sorted(items):
            name = prefix + key
            if skip_invalid and not is_env_var_name(name, (1, 19)):
                invalid.append(name)
                continue
            tmp[name] = items[key]
        if invalid:
            result.events.append(EnvEvent(
                "Warning", INVALID_ENV_NAMES_REASON,
                f"Keys [{', '.join(sorted(invalid))}] from the EnvFrom {word} "
                f"{namespace}/{ref.get('name') or ''} were skipped since they are considered "
                "invalid environment variable names."))

    mapping = mapping_func_for(tmp, services_env)
    ips: list[str] | None = None
    for var in container.get("env") or []:
        value = var.get("value")
        if value not in (None, ""):
            value = expand(str(value), mapping)
        elif var.get("valueFrom"):
            source = var["valueFrom"]
            try:
                if source.get("fieldRef"):
                    if ips is None:
                        ips = _pod_ip_values(pod, pod_ips, ":" in (host_ip or ""))
                    value = _field_ref_value(source["fieldRef"], pod, ips,
                                             host_ip if host_ip is not None else
                                             str((pod.get("status") or {}).get("hostIP") or ""))
                elif source.get("resourceFieldRef"):
                    selector = source["resourceFieldRef"]
                    target = selector.get("containerName") or container_name
                    found = find_container(pod, target, ephemeral=target == container_name)
                    if found is None:
                        raise FieldPathError(f"container {target} not found")
                    value = extract_container_resource_value(
                        selector, merge_container_resource_limits(found, node_allocatable))
                elif source.get("configMapKeyRef"):
                    ref = source["configMapKeyRef"]
                    cm = get_config_map(ref.get("name") or "")
                    if cm is None:
                        if ref.get("optional"):
                            continue
                        result.error = _not_found("configmap", ref.get("name") or "")
                        return result
                    data = cm.get("data") or {}
                    if ref.get("key") not in data:
                        if ref.get("optional"):
                            continue
                        result.error = (f"couldn't find key {ref.get('key')} in ConfigMap "
                                        f"{namespace}/{ref.get('name')}")
                        return result
                    value = str(data[ref["key"]])
                elif source.get("secretKeyRef"):
                    ref = source["secretKeyRef"]
                    data = get_secret(ref.get("name") or "")
                    if data is None:
                        if ref.get("optional"):
                            continue
                        result.error = _not_found("secret", ref.get("name") or "")
                        return result
                    if ref.get("key") not in data:
                        if ref.get("optional"):
                            continue
                        result.error = (f"couldn't find key {ref.get('key')} in Secret "
                                        f"{namespace}/{ref.get('name')}")
                        return result
                    value = data[ref["key"]].decode("utf-8", "replace")
                else:
                    value = ""
            except FieldPathError as exc:
                result.error = str(exc)
                return result
        else:
            value = ""
        tmp[var["name"]] = value

    env = dict(tmp)
    for key, value in services_env.items():
        if key not in tmp:
            env[key] = value
    result.env = env
    return result
