"""JSON merge patches (RFC 7386): applying one as evanphx/json-patch ``MergePatch`` does (the
library the apiserver uses for ``application/merge-patch+json``), and creating the three-way
patch client-side ``kubectl apply`` sends for kinds without a schema (apimachinery
pkg/util/jsonmergepatch ``CreateThreeWayJSONMergePatch``, on evanphx/json-patch create.go).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.patch.gojson import _json_type_name, _plain


# -- JSON merge patch (RFC 7386) -----------------------------------------------------------
def _prune_nulls(value: Any) -> Any:
    # evanphx/json-patch merge.go pruneNulls / pruneDocNulls / pruneAryNulls
    if isinstance(value, Mapping):
        return {str(k): _prune_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [None if v is None else _prune_nulls(v) for v in value]
    return _plain(value)


def _merge_docs(doc: dict, patch: Mapping) -> dict:
    # evanphx/json-patch merge.go mergeDocs (mergeMerge=false)
    out = dict(doc)
    for key, value in patch.items():
        key = str(key)
        if value is None:
            out.pop(key, None)
            continue
        current = out.get(key)
        if not isinstance(current, dict):
            # absent, null or not a map: the patch value is taken, its nulls pruned
            out[key] = _prune_nulls(value)
        elif not isinstance(value, Mapping):
            out[key] = _plain(value)
        else:
            out[key] = _merge_docs(current, value)
    return out


def json_merge_patch(target: Mapping, patch: Any) -> dict:
    """RFC 7386 merge patch (``kubectl patch --type merge``): maps merge, ``null`` deletes a key,
    everything else (lists included) replaces."""
    if patch is None:
        # evanphx MergePatch: a null patch is ErrBadJSONPatch; the apiserver answers 400
        raise apierrors.bad_request("Invalid JSON Patch")
    if not isinstance(patch, Mapping):
        # kubectl sends fieldValidation=Strict: apiserver jsonPatcher decodes into a map first
        raise apierrors.bad_request(
            "error decoding patch: json: cannot unmarshal "
            f"{_json_type_name(patch)} into Go value of type map[string]interface {{}}")
    return _merge_docs(dict(target), patch)


# -- JSON merge patches for kinds without a schema -------------------------------------------
def _json_equal(a: Any, b: Any) -> bool:
    # evanphx matchesValue: numbers by value (JSON has one number type), bools apart
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _create_merge_patch(original: Mapping, modified: Mapping) -> dict:
    # evanphx/json-patch create.go getDiff
    into: dict = {}
    for key, mod in modified.items():
        if key not in original:
            into[key] = mod
            continue
        orig = original[key]
        if isinstance(orig, dict) and isinstance(mod, dict):
            sub = _create_merge_patch(orig, mod)
            if sub:
                into[key] = sub
        elif not _json_equal(orig, mod):
            into[key] = mod
    for key in original:
        if key not in modified:
            into[key] = None
    return into


def _keep_or_delete_null(patch: Mapping, keep_null: bool) -> dict:
    # jsonmergepatch keepOrDeleteNullInObj
    out: dict = {}
    for key, value in patch.items():
        if value is None:
            if keep_null:
                out[key] = None
        elif isinstance(value, dict):
            if not value:
                # an explicitly empty map is a value, not an empty patch
                if not keep_null:
                    out[key] = value
                continue
            sub = _keep_or_delete_null(value, keep_null)
            if sub:
                out[key] = sub
        elif not keep_null:
            out[key] = value
    return out


def three_way_json_merge_patch(original: Mapping | None, modified: Mapping,
                               current: Mapping) -> dict:
    """jsonmergepatch CreateThreeWayJSONMergePatch: what kubectl apply sends for kinds it has
    no schema for (custom resources)."""
    original, modified, current = _plain(original or {}), _plain(modified), _plain(current)
    add_and_change = _keep_or_delete_null(_create_merge_patch(current, modified), False)
    deletions = _keep_or_delete_null(_create_merge_patch(original, modified), True)
    return _merge_docs(deletions, add_and_change)
