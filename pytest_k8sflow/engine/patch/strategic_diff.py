"""Creating strategic merge patches (kubectl's side): apimachinery pkg/util/strategicpatch
``CreateTwoWayMergeMapPatch`` and ``CreateThreeWayMergePatch`` (patch.go ``diffMaps`` and
what it calls), following the Go functions one by one (named in comments).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.patch.gojson import (
    ERR_NO_LIST_OF_LISTS,
    PatchError,
    _deep_equal,
    _err_bad_arg_type,
    _err_no_merge_key,
    _kind,
    _plain,
    go_format,
)
from pytest_k8sflow.engine.patch.strategic import (
    _PATCH_COMBINE,
    DELETE_FROM_PRIMITIVE_LIST,
    DIRECTIVE,
    RETAIN_KEYS,
    SET_ELEMENT_ORDER,
    _child,
    _deduplicate_scalars,
    _merge_key,
    _merge_key_value_equal,
    _merge_map,
    _normalize_slice_order,
    _slice_element_kind,
    _strategy,
)
from pytest_k8sflow.engine.typeinfo import TypeNode


# -- strategic merge patch: creating (kubectl's side) --------------------------------------
@dataclass(frozen=True)
class _DiffOptions:
    # strategicpatch.DiffOptions
    set_element_order: bool = False
    ignore_changes_and_additions: bool = False
    ignore_deletions: bool = False
    build_retain_keys: bool = False


def _go_sort_key(value: Any) -> str:
    return go_format(value)


def _sort_scalars(items: list) -> list:
    # strategicpatch sortScalars: by the %v text
    return sorted(items, key=_go_sort_key)


def _diff_maps(original: Mapping, modified: Mapping, node: TypeNode | None,
               opts: _DiffOptions) -> dict:
    """strategicpatch diffMaps: the patch that turns ``original`` into ``modified``."""
    patch: dict = {}
    retain: list = []
    for key, mod in modified.items():
        if opts.build_retain_keys and mod is not None:
            retain.append(key)
        if key not in original:
            if not opts.ignore_changes_and_additions:
                patch[key] = mod
            continue
        orig = original[key]
        if key == DIRECTIVE:
            # handleDirectiveMarker
            if not isinstance(orig, str) or not isinstance(mod, str):
                raise PatchError(f"invalid value for special key: {DIRECTIVE}")
            if orig != mod:
                patch[key] = mod
            continue
        if _kind(orig) != _kind(mod):
            if not opts.ignore_changes_and_additions:
                patch[key] = mod
            continue
        if isinstance(orig, dict):
            _handle_map_diff(key, orig, mod, patch, node, opts)
        elif isinstance(orig, list):
            _handle_slice_diff(key, orig, mod, patch, node, opts)
        elif not opts.ignore_changes_and_additions and not _deep_equal(orig, mod):
            patch[key] = mod
    if not opts.ignore_deletions:
        # updatePatchIfMissing
        for key in original:
            if key not in modified:
                patch[key] = None
    if retain and (patch or _has_additional_new_field(original, modified)):
        patch[RETAIN_KEYS] = _sort_scalars(retain)
    return patch


def _has_additional_new_field(original: Mapping, modified: Mapping) -> bool:
    return any(v is not None and k not in modified for k, v in original.items())


def _handle_map_diff(key: str, orig: dict, mod: dict, patch: dict, node: TypeNode | None,
                     opts: _DiffOptions) -> None:
    # strategicpatch handleMapDiff
    child = _child(node, key)
    info = child.info if child is not None else None
    opts = _replace_opts(opts, build_retain_keys=bool(info and info.retain_keys))
    if _strategy(child) == "replace":
        if not opts.ignore_changes_and_additions:
            patch[key] = mod
        return
    value = _diff_maps(orig, mod, child, opts)
    if value:
        patch[key] = value


def _replace_opts(opts: _DiffOptions, **changes: bool) -> _DiffOptions:
    values = {**opts.__dict__, **changes}
    return _DiffOptions(**values)


def _handle_slice_diff(key: str, orig: list, mod: list, patch: dict, node: TypeNode | None,
                       opts: _DiffOptions) -> None:
    # strategicpatch handleSliceDiff
    child = _child(node, key)
    if _strategy(child) == "merge":
        opts = _replace_opts(opts, build_retain_keys=child.info.retain_keys)
        add, delete, order = _diff_lists(orig, mod, child, _merge_key(child), opts)
        if add:
            patch[key] = add
        if delete:
            patch[f"{DELETE_FROM_PRIMITIVE_LIST}/{key}"] = delete
        if order:
            patch[f"{SET_ELEMENT_ORDER}/{key}"] = order
    elif not opts.ignore_changes_and_additions and not _deep_equal(orig, mod):
        patch[key] = mod


def _diff_lists(original: list, modified: list, node: TypeNode | None, merge_key: str,
                opts: _DiffOptions) -> tuple[list, list, list]:
    # strategicpatch diffLists
    if not original:
        if not modified or opts.ignore_changes_and_additions:
            return [], [], []
        return list(modified), [], []
    kind = _slice_element_kind(original, modified)
    order: list = []
    if kind == "map":
        patch_list, delete_list = _diff_lists_of_maps(original, modified, node, merge_key, opts)
        patch_list = _normalize_slice_order(patch_list, modified, merge_key, kind)
        order_same = _is_order_same(original, modified, merge_key)
        patch_list = patch_list + delete_list
        delete_list = []
        if opts.set_element_order and (
                (not opts.ignore_changes_and_additions and (patch_list or not order_same))
                or (not opts.ignore_deletions and patch_list)):
            order = [{merge_key: item[merge_key]} for item in modified]
    elif kind == "slice":
        raise PatchError(ERR_NO_LIST_OF_LISTS)
    else:
        patch_list, delete_list = _diff_lists_of_scalars(original, modified, opts)
        patch_list = _normalize_slice_order(patch_list, modified, merge_key, kind)
        # Go sorts ``original`` in place before this comparison (sortScalars), so an unchanged
        # list that is not in sorted order still gets a $setElementOrder
        if opts.set_element_order and (
                (not opts.ignore_deletions and delete_list)
                or (not opts.ignore_changes_and_additions
                    and not _deep_equal(_sort_scalars(original), modified))):
            order = list(modified)
    return patch_list, delete_list, order


def _is_order_same(original: list, modified: list, merge_key: str) -> bool:
    if len(original) != len(modified):
        return False
    return all(_merge_key_value_equal(o, m, merge_key)
               for o, m in zip(original, modified, strict=True))


def _diff_lists_of_scalars(original: list, modified: list,
                           opts: _DiffOptions) -> tuple[list, list]:
    # strategicpatch diffListsOfScalars: a merge over the two lists sorted by text
    orig = _sort_scalars(original)
    mod = _sort_scalars(modified)
    add: list = []
    delete: list = []
    i = j = 0
    while i < len(orig) or j < len(mod):
        o_text = go_format(orig[i]) if i < len(orig) else None
        m_text = go_format(mod[j]) if j < len(mod) else None
        if o_text is not None and m_text is not None and o_text == m_text:
            i += 1
            j += 1
        elif o_text is None or (m_text is not None and o_text > m_text):
            if not opts.ignore_changes_and_additions:
                add.append(mod[j])
            j += 1
        else:
            if not opts.ignore_deletions:
                delete.append(orig[i])
            i += 1
    return add, _deduplicate_scalars(delete)


def _diff_lists_of_maps(original: list, modified: list, node: TypeNode | None, merge_key: str,
                        opts: _DiffOptions) -> tuple[list, list]:
    # strategicpatch diffListsOfMaps: both lists sorted by the merge key's text, walked together
    def keyed(items: list) -> list:
        for item in items:
            if not isinstance(item, dict):
                raise _err_bad_arg_type("map[string]interface {}", item)
            if merge_key not in item:
                raise _err_no_merge_key(item, merge_key)
        return sorted(items, key=lambda item: go_format(item[merge_key]))

    orig, mod = keyed(original), keyed(modified)
    patch: list = []
    deletions: list = []
    i = j = 0
    while i < len(orig) or j < len(mod):
        o_text = go_format(orig[i][merge_key]) if i < len(orig) else None
        m_text = go_format(mod[j][merge_key]) if j < len(mod) else None
        if o_text is not None and m_text is not None and o_text == m_text:
            value = _diff_maps(orig[i], mod[j], node, opts)
            if value:
                value[merge_key] = mod[j][merge_key]
                patch.append(value)
            i += 1
            j += 1
        elif o_text is None or (m_text is not None and o_text > m_text):
            if not opts.ignore_changes_and_additions:
                patch.append(mod[j])
            j += 1
        else:
            if not opts.ignore_deletions:
                deletions.append({merge_key: orig[i][merge_key], DIRECTIVE: "delete"})
            i += 1
    return patch, deletions


def two_way_merge_patch(original: Mapping, modified: Mapping, node: TypeNode | None) -> dict:
    """strategicpatch CreateTwoWayMergeMapPatch."""
    return _diff_maps(_plain(original), _plain(modified), node,
                      _DiffOptions(set_element_order=True))


def three_way_merge_patch(original: Mapping | None, modified: Mapping, current: Mapping,
                          node: TypeNode | None) -> dict:
    """strategicpatch CreateThreeWayMergePatch with overwrite (kubectl apply's default): the
    changes from current to modified, without deletions, plus the deletions from original
    (the last applied configuration) to modified."""
    original = _plain(original or {})
    modified = _plain(modified)
    try:
        delta = _diff_maps(current, modified, node,
                           _DiffOptions(ignore_deletions=True, set_element_order=True))
        deletions = _diff_maps(original, modified, node,
                               _DiffOptions(set_element_order=True,
                                            ignore_changes_and_additions=True))
        return _merge_map(deletions, delta, node, _PATCH_COMBINE)
    except PatchError as exc:
        # kubectl fails before sending anything: "error: <text>"
        raise apierrors.bad_request(str(exc)) from exc
