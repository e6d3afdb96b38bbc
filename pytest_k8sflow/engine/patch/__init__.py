"""The patch types of the Kubernetes API, and ``kubectl apply``'s three-way merge, on plain dicts.

* ``json_merge_patch`` — RFC 7386 as evanphx/json-patch ``MergePatch`` does it (the library the
  apiserver uses for ``application/merge-patch+json``);
* ``json_patch`` — RFC 6902 (``application/json-patch+json``), refused as the apiserver refuses;
* ``strategic_merge_patch`` — apimachinery pkg/util/strategicpatch ``StrategicMergeMapPatch``:
  lists merged by their patch merge key, directives ``$patch``, ``$retainKeys``,
  ``$deleteFromPrimitiveList/<f>``, ``$setElementOrder/<f>``;
* ``apply_patch`` — client-side ``kubectl apply``: strategicpatch ``CreateThreeWayMergePatch``
  (last-applied annotation, new config, live object) sent as a strategic merge patch, or for
  kinds without a schema (CRDs) jsonmergepatch ``CreateThreeWayJSONMergePatch`` sent as a merge
  patch (kubectl apply/patcher.go ``patchSimple``).

Every function returns a new object and never changes its inputs. Parts of the target that a
patch does not touch are shared with the result, not copied (stored objects are immutable).
The strategic-merge code follows the Go functions one by one (named in comments) because its
corner cases (ordering, duplicates, nulls) are part of what a cluster does.

Modules (each imports only those above it):

* ``gojson`` — Go-compatible value formatting (``%v``, encoding/json) and mergepatch errors;
* ``merge`` — JSON merge patch (RFC 7386), applying and three-way creation (jsonmergepatch);
* ``jsonpatch`` — JSON patch (RFC 6902);
* ``strategic`` — applying a strategic merge patch;
* ``strategic_diff`` — creating two-/three-way strategic merge patches;
* ``apply`` — client-side ``kubectl apply``: last-applied configuration, ``apply_patch``.
"""

from __future__ import annotations

from pytest_k8sflow.engine.patch.apply import (
    LAST_APPLIED_ANNOTATION,
    apply_patch,
    kubectl_apply_patch,
    last_applied_configuration,
    with_last_applied,
)
from pytest_k8sflow.engine.patch.gojson import (
    ERR_BAD_FORMAT_PRIMITIVE_LIST,
    ERR_BAD_FORMAT_RETAIN_KEYS,
    ERR_BAD_FORMAT_SET_ELEMENT_ORDER,
    ERR_BAD_JSON_DOC,
    ERR_NO_LIST_OF_LISTS,
    ERR_UNSUPPORTED_FORMAT,
    INVALID_REQUEST_MESSAGE,
    PatchError,
    go_format,
    go_json,
)
from pytest_k8sflow.engine.patch.jsonpatch import json_patch
from pytest_k8sflow.engine.patch.merge import json_merge_patch, three_way_json_merge_patch
from pytest_k8sflow.engine.patch.strategic import (
    CRD_PATCH_TYPES,
    DELETE_FROM_PRIMITIVE_LIST,
    DIRECTIVE,
    RETAIN_KEYS,
    SET_ELEMENT_ORDER,
    apply_strategic_patch,
    strategic_merge_patch,
)
from pytest_k8sflow.engine.patch.strategic_diff import three_way_merge_patch, two_way_merge_patch

__all__ = [
    "CRD_PATCH_TYPES",
    "DELETE_FROM_PRIMITIVE_LIST",
    "DIRECTIVE",
    "ERR_BAD_FORMAT_PRIMITIVE_LIST",
    "ERR_BAD_FORMAT_RETAIN_KEYS",
    "ERR_BAD_FORMAT_SET_ELEMENT_ORDER",
    "ERR_BAD_JSON_DOC",
    "ERR_NO_LIST_OF_LISTS",
    "ERR_UNSUPPORTED_FORMAT",
    "INVALID_REQUEST_MESSAGE",
    "LAST_APPLIED_ANNOTATION",
    "RETAIN_KEYS",
    "SET_ELEMENT_ORDER",
    "PatchError",
    "apply_patch",
    "apply_strategic_patch",
    "go_format",
    "go_json",
    "json_merge_patch",
    "json_patch",
    "kubectl_apply_patch",
    "last_applied_configuration",
    "strategic_merge_patch",
    "three_way_json_merge_patch",
    "three_way_merge_patch",
    "two_way_merge_patch",
    "with_last_applied",
]
