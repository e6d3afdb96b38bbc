"""ServiceAccount admission, in both of its eras, and the per-namespace service-account objects.

k/k plugin/pkg/admission/serviceaccount/admission.go (``Admit``, ``Validate``,
``shouldAutomount``, ``mountServiceAccountToken``, ``getReferencedServiceAccountToken``,
``TokenVolumeSource``). Two eras, picked from the cluster's Kubernetes version:

* **legacy** (before 1.21): the token comes from a ``kubernetes.io/service-account-token``
  Secret referenced by the ServiceAccount; no such Secret means the create fails.
* **bound** (1.21 on, where the BoundServiceAccountTokenVolume gate is on by default): a
  projected ``kube-api-access-<5>`` volume with a token request, the root CA ConfigMap and the
  namespace.

Also here: what the service-account, token and root-CA-publisher controllers create in every
namespace (:func:`default_objects_for_namespace`, :func:`ensure_namespace_defaults`) and the
deterministic fake tokens the simulated kubelet and tokens controller hand out.
Rules and sources: docs/semantics/admission-and-volumes.md.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.names import SAFE_ALPHABET

if TYPE_CHECKING:
    from pytest_k8sflow.engine.apiserver import ApiServer

Version = tuple[int, int]

DEFAULT_SERVICE_ACCOUNT = "default"
API_TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
TOKEN_VOLUME_PREFIX = "kube-api-access-"
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"
ENFORCE_MOUNTABLE_SECRETS_ANNOTATION = "kubernetes.io/enforce-mountable-secrets"
SERVICE_ACCOUNT_TOKEN_TYPE = "kubernetes.io/service-account-token"
SA_NAME_ANNOTATION = "kubernetes.io/service-account.name"
SA_UID_ANNOTATION = "kubernetes.io/service-account.uid"
ROOT_CA_CONFIGMAP = "kube-root-ca.crt"
ROOT_CA_DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
    "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
    "guaranteed across distributions of Kubernetes clusters.")
# k/k pkg/serviceaccount/claims.go WarnOnlyBoundTokenExpirationSeconds: one hour + 7 s.
WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 3607
# --service-account-max-token-expiration / ExpirationExtensionSeconds: tokens asked for with
# 3607 s are issued for a year and carry kubernetes.io.warnafter instead.
EXTENDED_TOKEN_EXPIRATION_SECONDS = 365 * 24 * 3600
DEFAULT_FILE_MODE = 420  # 0644
API_AUDIENCE = "https://kubernetes.default.svc.cluster.local"
LEGACY_ISSUER = "kubernetes/serviceaccount"

BOUND_TOKEN_VOLUME_FROM: Version = (1, 21)   # BoundServiceAccountTokenVolume beta, on
ROOT_CA_CONFIGMAP_FROM: Version = (1, 20)    # RootCAConfigMap beta, on
ROOT_CA_DESCRIPTION_FROM: Version = (1, 21)  # seen on 2022 clusters; boundary not verified
LEGACY_TOKEN_SECRETS_BEFORE: Version = (1, 24)  # LegacyServiceAccountTokenNoAutoGeneration

# Not a real certificate: a fixed, recognisable PEM-shaped text, so file contents are stable.
FAKE_CA_CERT = (
    "-----BEGIN CERTIFICATE-----\n"
    + "\n".join(
        base64.b64encode(hashlib.sha512(f"k8sflow-fake-ca-{i}".encode()).digest()[:48]).decode()
        for i in range(8))
    + "\n-----END CERTIFICATE-----\n"
)


def _b64(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.b64encode(raw).decode()


# -- fake tokens -------------------------------------------------------------------------------
def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fake_jwt(claims: Mapping, *, key_id: str = "k8sflow") -> str:
    """A JWT-shaped token: real header and claims (sorted keys, as go-jose writes them), and a
    deterministic 256-byte stand-in for the RS256 signature (it does not verify)."""
    header = _b64url(json.dumps({"alg": "RS256", "kid": key_id},
                                separators=(",", ":")).encode())
    payload = _b64url(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signing_input = f"{header}.{payload}".encode()
    signature = b""
    block = signing_input
    while len(signature) < 256:
        block = hashlib.sha256(block).digest()
        signature += block
    return f"{header}.{payload}.{_b64url(signature[:256])}"


def legacy_token(namespace: str, service_account: str, service_account_uid: str,
                 secret_name: str) -> str:
    """The token the legacy tokens controller writes into a token Secret
    (k/k pkg/serviceaccount/legacy.go claims)."""
    return fake_jwt({
        "iss": LEGACY_ISSUER,
        "kubernetes.io/serviceaccount/namespace": namespace,
        "kubernetes.io/serviceaccount/secret.name": secret_name,
        "kubernetes.io/serviceaccount/service-account.name": service_account,
        "kubernetes.io/serviceaccount/service-account.uid": service_account_uid,
        "sub": f"system:serviceaccount:{namespace}:{service_account}",
    })


def bound_token(namespace: str, service_account: str, service_account_uid: str, pod_name: str,
                pod_uid: str, now_ms: int, *, expiration_seconds: int = 3600,
                audience: str | None = None) -> str:
    """A pod-bound token as the kubelet gets it through TokenRequest for a projected
    ``serviceAccountToken`` source (k/k pkg/serviceaccount/claims.go). A request for exactly
    3607 s with the default audience is extended to a year, with ``warnafter`` at 3607 s."""
    iat = now_ms // 1000
    audiences = [audience] if audience else [API_AUDIENCE]
    private: dict = {"namespace": namespace, "pod": {"name": pod_name, "uid": pod_uid},
                     "serviceaccount": {"name": service_account, "uid": service_account_uid}}
    exp = iat + int(expiration_seconds)
    if int(expiration_seconds) == WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS and \
            audiences == [API_AUDIENCE]:
        private["warnafter"] = exp
        exp = iat + EXTENDED_TOKEN_EXPIRATION_SECONDS
    return fake_jwt({"aud": audiences, "exp": exp, "iat": iat, "iss": API_AUDIENCE,
                     "kubernetes.io": private, "nbf": iat,
                     "sub": f"system:serviceaccount:{namespace}:{service_account}"})


# -- objects the controllers create in every namespace -----------------------------------------
def default_service_account(namespace: str) -> dict:
    """What the service-account controller creates in each namespace."""
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": DEFAULT_SERVICE_ACCOUNT, "namespace": namespace}}


def root_ca_configmap(namespace: str, version: Version) -> dict:
    """k/k pkg/controller/certificates/rootcacertpublisher: ``kube-root-ca.crt`` with the
    cluster CA (here :data:`FAKE_CA_CERT`)."""
    meta: dict = {"name": ROOT_CA_CONFIGMAP, "namespace": namespace}
    if version >= ROOT_CA_DESCRIPTION_FROM:
        meta["annotations"] = {"kubernetes.io/description": ROOT_CA_DESCRIPTION}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta,
            "data": {"ca.crt": FAKE_CA_CERT}}


def legacy_token_secret(namespace: str, service_account: str, service_account_uid: str,
                        suffix: str) -> dict:
    """k/k pkg/controller/serviceaccount/tokens_controller.go: ``<sa>-token-<5>`` with the
    token, the CA and the namespace, annotated with the account's name and UID."""
    name = f"{service_account}-token-{suffix}"
    return {
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": name, "namespace": namespace,
                     "annotations": {SA_NAME_ANNOTATION: service_account,
                                     SA_UID_ANNOTATION: service_account_uid}},
        "type": SERVICE_ACCOUNT_TOKEN_TYPE,
        "data": {"ca.crt": _b64(FAKE_CA_CERT), "namespace": _b64(namespace),
                 "token": _b64(legacy_token(namespace, service_account, service_account_uid,
                                            name))},
    }


def _stable_suffix(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(SAFE_ALPHABET[b % len(SAFE_ALPHABET)] for b in digest[:5])


def default_objects_for_namespace(namespace: str, version: Version, *,
                                  token_suffix: str | None = None,
                                  service_account_uid: str = "") -> list[dict]:
    """The objects controllers create in a new namespace, in creation order.

    Always the ``default`` ServiceAccount; from 1.20 the ``kube-root-ca.crt`` ConfigMap; before
    1.24 the legacy token Secret ``default-token-<5>``, referenced from the account's
    ``secrets``. The real suffix is random and the UID is the account's; without arguments a
    suffix derived from the namespace name is used (see :func:`ensure_namespace_defaults` for
    the version that creates them through the apiserver with the real UID).
    """
    objects: list[dict] = []
    account = default_service_account(namespace)
    secret = None
    if version < LEGACY_TOKEN_SECRETS_BEFORE:
        suffix = token_suffix or _stable_suffix(f"{namespace}/default")
        secret = legacy_token_secret(namespace, DEFAULT_SERVICE_ACCOUNT, service_account_uid,
                                     suffix)
        account["secrets"] = [{"name": secret["metadata"]["name"]}]
    objects.append(account)
    if version >= ROOT_CA_CONFIGMAP_FROM:
        objects.append(root_ca_configmap(namespace, version))
    if secret is not None:
        objects.append(secret)
    return objects


def ensure_namespace_defaults(api: ApiServer, namespace: str, version: Version) -> list[dict]:
    """Create what the controllers would (if missing) through ``api``; returns what was
    written. The token Secret gets the stored account's UID, then the account references it
    (tokens controller order: Secret first, then the ServiceAccount update)."""
    written: list[dict] = []
    store = api.store
    account = store.get("ServiceAccount", namespace, DEFAULT_SERVICE_ACCOUNT)
    if account is None:
        account = api.create(default_service_account(namespace), "service-account-controller")
        written.append(account)
    if version >= ROOT_CA_CONFIGMAP_FROM and \
            store.get("ConfigMap", namespace, ROOT_CA_CONFIGMAP) is None:
        written.append(api.create(root_ca_configmap(namespace, version),
                                  "root-ca-cert-publisher"))
    written.extend(ensure_token_secret(api, account, version))
    return written


def ensure_token_secret(api: ApiServer, account: Mapping, version: Version) -> list[dict]:
    """Before 1.24 the tokens controller gives every ServiceAccount a token Secret and
    references it (pkg/controller/serviceaccount/tokens_controller.go ensureReferencedToken)."""
    if version >= LEGACY_TOKEN_SECRETS_BEFORE or referenced_token_secret(api.store, account):
        return []
    meta = account["metadata"]
    secret = legacy_token_secret(meta.get("namespace") or "default", meta["name"], meta["uid"],
                                 api.names.random_string(5))
    created = api.create(secret, "tokens-controller")
    refs = [*(account.get("secrets") or []), {"name": created["metadata"]["name"]}]
    return [created, api.update({**account, "secrets": refs}, "tokens-controller")]


def request_name(pod: Mapping) -> str:
    """The name admission errors use: the generateName prefix while the name is still to be
    generated (k8s apiserver admission.NewForbidden extractResourceName). The simulated
    apiserver generates the name before admission; a name that is the prefix plus five
    generated characters is taken as generated."""
    meta = pod.get("metadata") or {}
    name = meta.get("name") or ""
    prefix = meta.get("generateName") or ""
    if prefix and (not name or (name.startswith(prefix) and len(name) == len(prefix) + 5)):
        return prefix
    return name or "Unknown"


def should_automount(service_account: Mapping, pod: Mapping) -> bool:
    """shouldAutomount: the pod's setting wins, then the account's, else true."""
    spec = pod.get("spec") or {}
    if spec.get("automountServiceAccountToken") is not None:
        return bool(spec["automountServiceAccountToken"])
    if service_account.get("automountServiceAccountToken") is not None:
        return bool(service_account["automountServiceAccountToken"])
    return True


def is_service_account_token(secret: Mapping, service_account: Mapping) -> bool:
    """k8s apiserver serviceaccount.IsServiceAccountToken."""
    if secret.get("type") != SERVICE_ACCOUNT_TOKEN_TYPE:
        return False
    annotations = (secret.get("metadata") or {}).get("annotations") or {}
    sa_meta = service_account.get("metadata") or {}
    if annotations.get(SA_NAME_ANNOTATION, "") != sa_meta.get("name"):
        return False
    uid = annotations.get(SA_UID_ANNOTATION, "")
    return not uid or uid == sa_meta.get("uid", "")


def referenced_token_secret(store, service_account: Mapping) -> str:
    """getReferencedServiceAccountToken: the first name in ``secrets`` (in order) that is a
    token Secret of this account; "" when none."""
    refs = service_account.get("secrets") or []
    if not refs:
        return ""
    namespace = service_account["metadata"].get("namespace") or ""
    tokens = {s["metadata"]["name"] for s in store.list("Secret", namespace)
              if is_service_account_token(s, service_account)}
    for ref in refs:
        if ref.get("name") in tokens:
            return ref["name"]
    return ""


def token_volume_source() -> dict:
    """TokenVolumeSource: the projected source of ``kube-api-access-*`` (defaultMode 420 is
    written explicitly since k/k#104464 and read back as 420 before that)."""
    return {
        "defaultMode": DEFAULT_FILE_MODE,
        "sources": [
            {"serviceAccountToken": {"expirationSeconds":
                                     WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS,
                                     "path": "token"}},
            {"configMap": {"name": ROOT_CA_CONFIGMAP,
                           "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace",
                                        "fieldRef": {"apiVersion": "v1",
                                                     "fieldPath": "metadata.namespace"}}]}},
        ],
    }


def _pod_secret_names(pod: Mapping) -> list[str]:
    """k/k pkg/api/pod VisitPodSecretNames (all containers)."""
    spec = pod.get("spec") or {}
    names = [r.get("name", "") for r in spec.get("imagePullSecrets") or []]
    for group in ("initContainers", "containers", "ephemeralContainers"):
        for container in spec.get(group) or []:
            for source in container.get("envFrom") or []:
                if source.get("secretRef") is not None:
                    names.append(source["secretRef"].get("name", ""))
            for var in container.get("env") or []:
                ref = (var.get("valueFrom") or {}).get("secretKeyRef")
                if ref is not None:
                    names.append(ref.get("name", ""))
    for volume in spec.get("volumes") or []:
        if volume.get("secret") is not None:
            names.append(volume["secret"].get("secretName", ""))
        for source in (volume.get("projected") or {}).get("sources") or []:
            if source.get("secret") is not None:
                names.append(source["secret"].get("name", ""))
        for kind in ("cephfs", "cinder", "flexVolume", "rbd", "scaleIO", "iscsi", "storageos"):
            ref = (volume.get(kind) or {}).get("secretRef")
            if ref is not None:
                names.append(ref.get("name", ""))
        if volume.get("azureFile") is not None:
            names.append(volume["azureFile"].get("secretName", ""))
        ref = (volume.get("csi") or {}).get("nodePublishSecretRef")
        if ref is not None:
            names.append(ref.get("name", ""))
    return names


class ServiceAccountAdmission:
    """The ServiceAccount admission plugin, as a callable the apiserver runs on every write."""

    def __init__(self, version: Version, *, bound_token_volume: bool | None = None,
                 mount_service_account_token: bool = True, require_api_token: bool = True,
                 limit_secret_references: bool = False) -> None:
        self.version = version
        self.bound = version >= BOUND_TOKEN_VOLUME_FROM if bound_token_volume is None \
            else bound_token_volume
        self.mount_service_account_token = mount_service_account_token
        self.require_api_token = require_api_token
        self.limit_secret_references = limit_secret_references

    def __call__(self, api: ApiServer, obj: dict, operation: str, old: dict | None) -> dict:
        # Registered for CREATE only; pods only (the apiserver never passes subresources here).
        if operation != "CREATE" or obj.get("kind") != "Pod":
            return obj
        meta = obj.get("metadata") or {}
        namespace = meta.get("namespace") or "default"
        if MIRROR_POD_ANNOTATION in (meta.get("annotations") or {}):
            self._validate_mirror(obj)
            return obj
        spec = dict(obj.get("spec") or {})
        # v1 conversion: the deprecated serviceAccount stands in for an empty name, and both
        # read back equal.
        name = spec.get("serviceAccountName") or spec.get("serviceAccount") or \
            DEFAULT_SERVICE_ACCOUNT
        spec["serviceAccountName"] = name
        spec["serviceAccount"] = name
        pod = {**obj, "spec": spec}
        account = api.store.get("ServiceAccount", namespace, name)
        if account is None:
            raise apierrors.forbidden(
                "pods", "", request_name(pod),
                f'error looking up service account {namespace}/{name}: '
                f'serviceaccount "{name}" not found')
        if self.mount_service_account_token and should_automount(account, pod):
            pod = self._mount_token(api, account, pod)
        if not spec.get("imagePullSecrets") and account.get("imagePullSecrets"):
            pod = {**pod, "spec": {**pod["spec"], "imagePullSecrets": [
                {"name": ref.get("name", "")} for ref in account["imagePullSecrets"]]}}
        if self._enforce_mountable_secrets(account):
            self._limit_secret_references(account, pod)
        return pod

    # -- Validate ------------------------------------------------------------------------------
    def _validate_mirror(self, pod: Mapping) -> None:
        spec = pod.get("spec") or {}

        def deny(detail: str) -> apierrors.ApiError:
            return apierrors.forbidden("pods", "", request_name(pod), detail)

        if spec.get("serviceAccountName"):
            raise deny("a mirror pod may not reference service accounts")
        if _pod_secret_names(pod):
            raise deny("a mirror pod may not reference secrets")
        for volume in spec.get("volumes") or []:
            for source in (volume.get("projected") or {}).get("sources") or []:
                if source.get("serviceAccountToken") is not None:
                    raise deny("a mirror pod may not use ServiceAccountToken volume projections")

    def _enforce_mountable_secrets(self, account: Mapping) -> bool:
        if self.limit_secret_references:
            return True
        value = ((account.get("metadata") or {}).get("annotations") or {}).get(
            ENFORCE_MOUNTABLE_SECRETS_ANNOTATION)
        # strconv.ParseBool
        return value in ("1", "t", "T", "true", "TRUE", "True")

    def _limit_secret_references(self, account: Mapping, pod: Mapping) -> None:
        spec = pod.get("spec") or {}
        sa_name = account["metadata"]["name"]
        mountable = {ref.get("name") for ref in account.get("secrets") or []}

        def deny(detail: str) -> apierrors.ApiError:
            return apierrors.forbidden("pods", "", request_name(pod), detail)

        for volume in spec.get("volumes") or []:
            if volume.get("secret") is None:
                continue
            secret_name = volume["secret"].get("secretName", "")
            if secret_name not in mountable:
                raise deny(f'volume with secret.secretName="{secret_name}" is not allowed '
                           f"because service account {sa_name} does not reference that secret")
        for group, word in (("initContainers", "init container"), ("containers", "container")):
            for container in spec.get(group) or []:
                for var in container.get("env") or []:
                    ref = (var.get("valueFrom") or {}).get("secretKeyRef")
                    if ref and ref.get("name") not in mountable:
                        raise deny(
                            f"{word} {container.get('name')} with envVar {var.get('name')} "
                            f'referencing secret.secretName="{ref.get("name")}" is not allowed '
                            f"because service account {sa_name} does not reference that secret")
        pull = {ref.get("name") for ref in account.get("imagePullSecrets") or []}
        for index, ref in enumerate(spec.get("imagePullSecrets") or []):
            if ref.get("name") not in pull:
                raise deny(f'imagePullSecrets[{index}].name="{ref.get("name")}" is not allowed '
                           f"because service account {sa_name} does not reference that "
                           "imagePullSecret")

    # -- mountServiceAccountToken --------------------------------------------------------------
    def _mount_token(self, api: ApiServer, account: Mapping, pod: dict) -> dict:
        token_secret = ""
        if not self.bound:
            token_secret = referenced_token_secret(api.store, account)
            if not token_secret:
                if self.require_api_token:
                    raise apierrors.ApiError(
                        "ServerTimeout",
                        f'No API token found for service account "{account["metadata"]["name"]}'
                        '", retry after the token is automatically created and added to the '
                        "service account", 500)
                return pod
        spec = pod["spec"]
        volumes = list(spec.get("volumes") or [])
        volume_name = ""
        has_volume = False
        seen_names: set[str] = set()
        for volume in volumes:
            seen_names.add(volume.get("name", ""))
            if self.bound:
                found = str(volume.get("name", "")).startswith(TOKEN_VOLUME_PREFIX)
            else:
                found = (volume.get("secret") or {}).get("secretName") == token_secret \
                    and volume.get("secret") is not None
            if found:
                volume_name = volume["name"]
                has_volume = True
                break
        if not volume_name:
            if self.bound:
                volume_name = api.names.generate_name(TOKEN_VOLUME_PREFIX)
            else:
                # Volume names cannot contain dots; a clash gets a generated suffix.
                volume_name = token_secret.replace(".", "-")
                if volume_name in seen_names:
                    volume_name = api.names.generate_name(f"{volume_name}-")
        mount = {"name": volume_name, "readOnly": True, "mountPath": API_TOKEN_MOUNT_PATH}
        needs_volume = False
        new_spec = dict(spec)
        for group in ("initContainers", "containers"):
            if group not in spec:
                continue
            containers = []
            for container in spec.get(group) or []:
                mounts = container.get("volumeMounts") or []
                if any(m.get("mountPath") == API_TOKEN_MOUNT_PATH for m in mounts):
                    containers.append(container)
                    continue
                containers.append({**container, "volumeMounts": [*mounts, dict(mount)]})
                needs_volume = True
            new_spec[group] = containers
        if not has_volume and needs_volume:
            if self.bound:
                volume = {"name": volume_name, "projected": token_volume_source()}
            else:
                volume = {"name": volume_name,
                          "secret": {"secretName": token_secret,
                                     "defaultMode": DEFAULT_FILE_MODE}}
            new_spec["volumes"] = [*volumes, volume]
        return {**pod, "spec": new_spec}


def make_serviceaccount_plugin(version: Version, *, bound_token_volume: bool | None = None,
                               mount_service_account_token: bool = True,
                               require_api_token: bool = True,
                               limit_secret_references: bool = False) -> ServiceAccountAdmission:
    """The ServiceAccount admission plugin for a cluster of this Kubernetes version.

    ``bound_token_volume`` overrides the era (default: bound from 1.21). The other flags are
    the plugin's fields of the same names (upstream defaults).
    """
    return ServiceAccountAdmission(
        version, bound_token_volume=bound_token_volume,
        mount_service_account_token=mount_service_account_token,
        require_api_token=require_api_token, limit_secret_references=limit_secret_references)
