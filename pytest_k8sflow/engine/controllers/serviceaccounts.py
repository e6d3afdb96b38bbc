"""Service account, tokens and root-CA publisher controllers: every namespace gets its
``default`` ServiceAccount and ``kube-root-ca.crt`` ConfigMap, and before 1.24 every
ServiceAccount gets a legacy token Secret.

Simplification (docs/semantics/admission-and-volumes.md): upstream these controllers react
asynchronously; here they act inside the write that created the namespace (or deleted the
account), so a namespace and a pod in it can be applied back to back, as users do with a
``kubectl apply -f`` of both.
"""

from __future__ import annotations

from pytest_k8sflow.engine.admission.serviceaccount import (
    DEFAULT_SERVICE_ACCOUNT,
    ensure_namespace_defaults,
    ensure_token_secret,
)
from pytest_k8sflow.engine.component import Component


class ServiceAccountsController(Component):
    name = "service-account-controller"

    def setup(self, cluster) -> None:
        super().setup(cluster)
        cluster.store.watch("Namespace", self._on_namespace)
        cluster.store.watch("ServiceAccount", self._on_account)

    def _on_namespace(self, old: dict | None, new: dict | None) -> None:
        if old is None and new is not None:
            self._ensure(new["metadata"]["name"])

    def _on_account(self, old: dict | None, new: dict | None) -> None:
        if old is None and new is not None and new["metadata"]["name"] != DEFAULT_SERVICE_ACCOUNT:
            ensure_token_secret(self.cluster.api, new, self.cluster.version)
            return
        # The controller recreates a deleted ``default`` account in a live namespace.
        if new is None and old is not None and old["metadata"]["name"] == DEFAULT_SERVICE_ACCOUNT:
            namespace = old["metadata"].get("namespace") or ""
            ns = self.cluster.store.get("Namespace", "", namespace)
            if ns is not None and not ns["metadata"].get("deletionTimestamp"):
                self._ensure(namespace)

    def _ensure(self, namespace: str) -> None:
        ensure_namespace_defaults(self.cluster.api, namespace, self.cluster.version)

    def sync(self, key) -> None:  # all work happens in the watchers
        return
