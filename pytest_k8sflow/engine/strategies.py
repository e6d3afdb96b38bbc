"""Registry strategies' PrepareForCreate / PrepareForUpdate steps that are not defaulting:
what the apiserver changes on an object because of the object it replaces or of the
cluster's version (feature gates).

- DaemonSet (pkg/registry/apps/daemonset/strategy.go PrepareForUpdate): the
  ``deprecated.daemonset.template.generation`` annotation goes up by one when the template
  changed (engine/defaults.py ``prepare_daemonset_update``).
- StatefulSet (pkg/registry/apps/statefulset/strategy.go dropStatefulSetDisabledFields):
  without the MaxUnavailableStatefulSet gate (alpha 1.24-1.34, off by default; beta and on
  from 1.35) ``rollingUpdate.maxUnavailable`` is dropped unless the old object used it.
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_k8sflow.engine.defaults import prepare_daemonset_update

Version = tuple[int, int]
MAX_UNAVAILABLE_STATEFULSET_ON_FROM: Version = (1, 35)


def _max_unavailable_in_use(sts: dict | None) -> bool:
    """strategy.go maxUnavailableInUse."""
    rolling = (((sts or {}).get("spec") or {}).get("updateStrategy") or {}).get("rollingUpdate")
    return isinstance(rolling, dict) and rolling.get("maxUnavailable") is not None


def drop_statefulset_disabled_fields(obj: dict, old: dict | None, version: Version) -> dict:
    if version >= MAX_UNAVAILABLE_STATEFULSET_ON_FROM:
        return obj
    if not _max_unavailable_in_use(obj) or _max_unavailable_in_use(old):
        return obj
    spec = obj["spec"]
    strategy = spec["updateStrategy"]
    rolling = {k: v for k, v in strategy["rollingUpdate"].items() if k != "maxUnavailable"}
    return {**obj, "spec": {**spec, "updateStrategy": {**strategy, "rollingUpdate": rolling}}}


def prepare_for(version: Version) -> Callable[[dict, dict | None], dict]:
    """The strategy step for a cluster of this version: ``prepare(obj, old)``, ``old`` None
    on create."""

    def prepare(obj: dict, old: dict | None) -> dict:
        kind = obj.get("kind")
        if kind == "StatefulSet":
            return drop_statefulset_disabled_fields(obj, old, version)
        if kind == "DaemonSet" and old is not None:
            return prepare_daemonset_update(old, obj)
        return obj

    return prepare
