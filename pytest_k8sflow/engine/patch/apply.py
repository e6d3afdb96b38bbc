"""Client-side ``kubectl apply`` (kubectl pkg/cmd/apply, patcher.go ``patchSimple``): the
last-applied-configuration annotation (kubectl pkg/util ``GetModifiedConfiguration``,
``CreateApplyAnnotation``) and the patch apply sends — strategicpatch
``CreateThreeWayMergePatch`` (last-applied annotation, new config, live object) as a strategic
merge patch, or for kinds without a schema (CRDs) jsonmergepatch
``CreateThreeWayJSONMergePatch`` as a merge patch.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from pytest_k8sflow.engine import apierrors, typeinfo
from pytest_k8sflow.engine.patch.gojson import ERR_BAD_JSON_DOC, PatchError, _plain, go_json
from pytest_k8sflow.engine.patch.merge import json_merge_patch, three_way_json_merge_patch
from pytest_k8sflow.engine.patch.strategic import _api_error_for_smp, apply_strategic_patch
from pytest_k8sflow.engine.patch.strategic_diff import three_way_merge_patch

LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"


# -- kubectl apply (client side) -------------------------------------------------------------
def _config_without_annotation(config: Mapping, namespace: str | None) -> dict:
    config = _plain(config)
    metadata = config.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
        config["metadata"] = metadata
    if namespace and not metadata.get("namespace"):
        # kubectl's resource builder sets the namespace it sends to (resource.SetNamespace)
        metadata["namespace"] = namespace
    annotations = dict(metadata.get("annotations") or {})
    annotations.pop(LAST_APPLIED_ANNOTATION, None)
    # kubectl util GetModifiedConfiguration: nil annotations become an empty map, which stays
    metadata["annotations"] = annotations
    return config


def last_applied_configuration(config: Mapping, namespace: str | None = None) -> str:
    """The ``kubectl.kubernetes.io/last-applied-configuration`` text kubectl writes for a config:
    the config (without that annotation, ``annotations: {}`` at least) as Go's json encoder
    writes it — sorted keys, no spaces — followed by a newline (kubectl util
    GetModifiedConfiguration; unstructured JSON encoding uses json.Encoder.Encode)."""
    return go_json(_config_without_annotation(config, namespace)) + "\n"


def with_last_applied(config: Mapping, namespace: str | None = None) -> dict:
    """The object ``kubectl apply`` creates when nothing exists yet: the config with its own
    last-applied annotation (kubectl util CreateApplyAnnotation)."""
    modified = _config_without_annotation(config, namespace)
    text = go_json(modified) + "\n"
    modified["metadata"]["annotations"][LAST_APPLIED_ANNOTATION] = text
    return modified


def _live_original(live: Mapping) -> dict:
    annotations = (live.get("metadata") or {}).get("annotations") or {}
    text = annotations.get(LAST_APPLIED_ANNOTATION)
    if not text:
        return {}
    try:
        original = json.loads(text)
    except ValueError as exc:
        # strategicpatch CreateThreeWayMergePatch: mergepatch.ErrBadJSONDoc
        raise apierrors.bad_request(ERR_BAD_JSON_DOC) from exc
    return original if isinstance(original, dict) else {}


def kubectl_apply_patch(live: Mapping, new_config: Mapping, api_version: str,
                        kind: str) -> tuple[str, dict]:
    """The patch ``kubectl apply`` sends for ``new_config`` against ``live``: ("strategic" or
    "merge", patch). An empty patch means kubectl reports the object "unchanged"."""
    namespace = (live.get("metadata") or {}).get("namespace")
    modified = with_last_applied(new_config, namespace)
    original = _live_original(live)
    node = typeinfo.type_node(api_version, kind)
    if node is None:
        return "merge", three_way_json_merge_patch(original, modified, live)
    return "strategic", three_way_merge_patch(original, modified, live, node)


def apply_patch(live: Mapping, new_config: Mapping, api_version: str, kind: str) -> dict:
    """What client-side ``kubectl apply`` makes of ``live``: the three-way merge of the last
    applied configuration (annotation), the new config and the live object — fields dropped
    from the config since the last apply are deleted, fields others set are kept — with the
    annotation updated to the new config."""
    patch_type, patch = kubectl_apply_patch(live, new_config, api_version, kind)
    if patch_type == "merge":
        return json_merge_patch(live, patch)
    try:
        return apply_strategic_patch(live, patch, typeinfo.type_node(api_version, kind))
    except PatchError as exc:
        raise _api_error_for_smp(exc) from exc
