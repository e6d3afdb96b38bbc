"""Applying a strategic merge patch: apimachinery pkg/util/strategicpatch
``StrategicMergeMapPatch`` (patch.go ``mergeMap`` and what it calls) — lists merged by their
patch merge key, directives ``$patch``, ``$retainKeys``, ``$deleteFromPrimitiveList/<f>``,
``$setElementOrder/<f>`` — and the apiserver's answers to its errors (apiserver
pkg/endpoints/handlers/patch.go).

The code follows the Go functions one by one (named in comments) because its corner cases
(ordering, duplicates, nulls) are part of what a cluster does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_k8sflow.engine import apierrors, typeinfo
from pytest_k8sflow.engine.apierrors import ApiError
from pytest_k8sflow.engine.patch.gojson import (
    ERR_BAD_FORMAT_PRIMITIVE_LIST,
    ERR_BAD_FORMAT_RETAIN_KEYS,
    ERR_BAD_FORMAT_SET_ELEMENT_ORDER,
    ERR_BAD_JSON_DOC,
    ERR_NO_LIST_OF_LISTS,
    ERR_UNSUPPORTED_FORMAT,
    INVALID_REQUEST_MESSAGE,
    PatchError,
    _deep_equal,
    _err_bad_arg_type,
    _err_bad_patch_type,
    _err_no_merge_key,
    _go_eq,
    _json_type_name,
    _kind,
    _plain,
    go_format,
)
from pytest_k8sflow.engine.typeinfo import TypeNode

DIRECTIVE = "$patch"
RETAIN_KEYS = "$retainKeys"
DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"
SET_ELEMENT_ORDER = "$setElementOrder"


# apiserver pkg/endpoints/handlers/patch.go interpretStrategicMergePatchError: these are 400s
_BAD_REQUEST_ERRORS = (ERR_BAD_JSON_DOC, ERR_BAD_FORMAT_PRIMITIVE_LIST,
                       ERR_BAD_FORMAT_RETAIN_KEYS, ERR_BAD_FORMAT_SET_ELEMENT_ORDER,
                       ERR_UNSUPPORTED_FORMAT)
# apiserver pkg/endpoints/handlers/negotiation NewUnsupportedMediaTypeError, with the patch
# types the apiextensions handler accepts for custom resources
CRD_PATCH_TYPES = ("application/json-patch+json", "application/merge-patch+json",
                   "application/apply-patch+yaml")


def _api_error_for_smp(err: PatchError) -> ApiError:
    """apiserver handlers/patch.go interpretStrategicMergePatchError."""
    text = str(err)
    if text in _BAD_REQUEST_ERRORS:
        return apierrors.bad_request(text)
    if text == ERR_NO_LIST_OF_LISTS:
        return ApiError("Invalid", INVALID_REQUEST_MESSAGE, 422)
    # any other error reaches the client as a plain 500 without a reason
    # (apiserver responsewriters ErrorToAPIStatus); kubectl prints "Error from server: <text>"
    return ApiError("", text, 500)


# -- strategic merge patch: applying -------------------------------------------------------
@dataclass(frozen=True)
class _MergeOptions:
    # strategicpatch.MergeOptions
    merge_parallel_list: bool
    ignore_unmatched_nulls: bool


_SERVER_MERGE = _MergeOptions(merge_parallel_list=True, ignore_unmatched_nulls=True)
_PATCH_COMBINE = _MergeOptions(merge_parallel_list=False, ignore_unmatched_nulls=False)


def _child(node: TypeNode | None, key: str) -> TypeNode | None:
    return None if node is None else node.child(key)


def _strategy(node: TypeNode | None) -> str | None:
    return None if node is None else node.info.strategy


def _merge_key(node: TypeNode | None) -> str:
    return (node.info.merge_key or "") if node is not None else ""


def _extract_key(key: str, prefix: str) -> str:
    # strategicpatch extractKey
    head, sep, rest = key.partition("/")
    if not sep or head != prefix:
        if prefix == DELETE_FROM_PRIMITIVE_LIST:
            raise PatchError(ERR_BAD_FORMAT_PRIMITIVE_LIST)
        raise PatchError(ERR_BAD_FORMAT_SET_ELEMENT_ORDER)
    return rest


def _remove_directives(value: Any) -> tuple[Any, bool]:
    """strategicpatch removeDirectives (k/k #117568): a value taken whole from a patch loses
    the maps that carry ``$patch``; returns (value, keep)."""
    if isinstance(value, dict):
        if DIRECTIVE in value:
            return None, False
        out = {}
        for k, v in value.items():
            new, keep = _remove_directives(v)
            if keep:
                out[k] = new
        return out, True
    if isinstance(value, list):
        out_list = []
        for v in value:
            new, keep = _remove_directives(v)
            if keep:
                out_list.append(new)
        return out_list, True
    return value, True


def _discard_nulls(value: Any) -> Any:
    """strategicpatch discardNullValuesFromPatch (k/k #107705)."""
    if isinstance(value, dict):
        return {k: _discard_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_discard_nulls(v) for v in value]
    return value


def _take(result: dict, key: str, value: Any, opts: _MergeOptions) -> None:
    if opts.ignore_unmatched_nulls:
        value = _discard_nulls(value)
    value, keep = _remove_directives(value)
    if keep:
        result[key] = value
    else:
        result.pop(key, None)


def _merge_map(original: Mapping | None, patch: dict, node: TypeNode | None,
               opts: _MergeOptions) -> dict:
    """strategicpatch mergeMap. ``original`` is never changed; ``patch`` is copied first."""
    patch = dict(patch)
    if DIRECTIVE in patch:
        return _handle_directive_in_merge_map(patch[DIRECTIVE], patch)
    result = {} if original is None else dict(original)
    _apply_retain_keys_directive(result, patch, opts)
    _merge_patch_into_original(result, patch, node, opts)
    for key in list(patch):
        value = patch[key]
        is_delete_list = False
        if key.startswith(DELETE_FROM_PRIMITIVE_LIST):
            # preprocessDeletionListForMerging
            if not opts.merge_parallel_list:
                result[key] = value
                continue
            key = _extract_key(key, DELETE_FROM_PRIMITIVE_LIST)
            is_delete_list = True
        if value is None:
            result.pop(key, None)
            if opts.ignore_unmatched_nulls:
                continue
        if key not in result:
            if not is_delete_list:
                _take(result, key, value, opts)
            continue
        current = result[key]
        if _kind(current) != _kind(value):
            if not is_delete_list:
                _take(result, key, value, opts)
            continue
        child = _child(node, key)
        if isinstance(current, dict):
            result[key] = _merge_map_handler(current, value, child, _strategy(child), opts)
        elif isinstance(current, list):
            result[key] = _merge_slice_handler(current, value, child, _strategy(child),
                                               _merge_key(child), is_delete_list, opts)
        else:
            new, keep = _remove_directives(value)
            if keep:
                result[key] = new
            else:
                result.pop(key, None)
    return result


def _handle_directive_in_merge_map(directive: Any, patch: dict) -> dict:
    # strategicpatch handleDirectiveInMergeMap
    if directive == "replace":
        out = dict(patch)
        del out[DIRECTIVE]
        return out
    if directive == "delete":
        return {}
    raise _err_bad_patch_type(directive, patch)


def _merge_map_handler(original: dict, patch: dict, node: TypeNode | None,
                       strategy: str | None, opts: _MergeOptions) -> dict:
    # strategicpatch mergeMapHandler
    if strategy == "replace":
        return patch
    return _merge_map(original, patch, node, opts)


def _merge_slice_handler(original: Any, patch: Any, node: TypeNode | None, strategy: str | None,
                         merge_key: str, is_delete_list: bool, opts: _MergeOptions) -> list:
    # strategicpatch mergeSliceHandler: delete lists apply whatever the strategy (k/k #110472)
    return _merge_slice_handler_aliased(original, patch, node, strategy, merge_key,
                                        is_delete_list, opts)[0]


def _merge_slice_handler_aliased(original: Any, patch: Any, node: TypeNode | None,
                                 strategy: str | None, merge_key: str, is_delete_list: bool,
                                 opts: _MergeOptions) -> tuple[list, list]:
    """mergeSliceHandler, also returning what the caller's ``original`` slice holds afterwards
    (see ``_GoSlice``)."""
    if not isinstance(original, list):
        raise _err_bad_arg_type("[]interface {}", original)
    if not isinstance(patch, list):
        raise _err_bad_arg_type("[]interface {}", patch)
    if strategy == "merge" or is_delete_list:
        return _merge_slice(original, patch, node, merge_key, opts, is_delete_list)
    return patch, original


def _slice_element_kind(*slices: list) -> str:
    # strategicpatch sliceElementType
    previous = None
    for items in slices:
        for item in items:
            kind = _kind(item)
            if previous is None:
                previous = kind
                if kind == "slice":
                    raise PatchError(ERR_NO_LIST_OF_LISTS)
            elif previous != kind:
                raise PatchError("list element types are not identical: "
                                 + go_format([list(s) for s in slices]))
    if previous is None:
        raise PatchError("no elements in any of the given slices")
    return previous


class _GoSlice:
    """A Go slice over a backing array, for the in-place edits mergeSlice makes.

    deleteMatchingEntries shifts items left inside the caller's backing array and
    mergeSliceWithoutSpecialElements appends into the room that frees; the caller
    (mergePatchIntoOriginal) then orders the merged list by its ``original`` slice, which now
    shows those edits. Which positions of that slice change does not depend on the capacity
    beyond its length, so the backing array is the list itself.
    """

    def __init__(self, items: list) -> None:
        self.backing = list(items)
        self.length = len(items)
        self.detached: list | None = None  # set once an append outgrows the backing array

    def items(self) -> list:
        return list(self.detached) if self.detached is not None \
            else self.backing[:self.length]

    def delete(self, index: int) -> None:
        # original = append(original[:i], original[i+1:]...)
        for j in range(index, self.length - 1):
            self.backing[j] = self.backing[j + 1]
        self.length -= 1

    def set(self, index: int, value: Any) -> None:
        if self.detached is not None:
            self.detached[index] = value
        else:
            self.backing[index] = value

    def append(self, value: Any) -> None:
        if self.detached is not None:
            self.detached.append(value)
        elif self.length < len(self.backing):
            self.backing[self.length] = value
            self.length += 1
        else:
            self.detached = self.backing[:self.length] + [value]


def _merge_slice(original: list, patch: list, node: TypeNode | None, merge_key: str,
                 opts: _MergeOptions, is_delete_list: bool) -> tuple[list, list]:
    """strategicpatch mergeSlice: (merged list, the caller's original slice afterwards)."""
    if not original and not patch:
        return list(original), original
    kind = _slice_element_kind(original, patch)
    if kind != "map":
        if opts.merge_parallel_list and is_delete_list:
            return _delete_from_slice(original, patch), original
        merged = _deduplicate_scalars(list(original) + list(patch))
        order_by, caller_view = original, original
    else:
        if not merge_key:
            name = node.info.type_name if node is not None else "unknown type"
            raise PatchError(f"cannot merge lists without merge key for {name}")
        work = _GoSlice(original)
        patch, replaced = _merge_slice_with_special_elements(work, patch, merge_key)
        if replaced is not None:
            # $patch: replace: the list is the patch's other items (a new slice)
            merged = order_by = replaced
        else:
            order_by = work.items()
            _merge_slice_without_special_elements(work, patch, merge_key, node, opts)
            merged = work.items()
        caller_view = work.backing
    if not merge_key:
        patch_items, server_only = _partition_primitives(merged, patch)
    else:
        patch_items, server_only = _partition_maps(merged, patch, merge_key)
    return (_normalize_element_order(patch_items, server_only, patch, order_by, merge_key,
                                     kind), caller_view)


def _merge_slice_with_special_elements(work: _GoSlice, patch: list,
                                       merge_key: str) -> tuple[list, list | None]:
    """strategicpatch mergeSliceWithSpecialElements: applies ``$patch: delete`` items to
    ``work``; returns (the patch's other items, or [] and the replacement list when an item
    says ``$patch: replace``)."""
    without: list = []
    replace = False
    for item in patch:
        if not isinstance(item, dict):
            raise _err_bad_arg_type("map[string]interface {}", item)
        if DIRECTIVE not in item:
            without.append(item)
            continue
        directive = item[DIRECTIVE]
        if directive == "delete":
            if merge_key not in item:
                raise _err_no_merge_key(item, merge_key)
            _delete_matching_entries(work, merge_key, item[merge_key])
        elif directive == "replace":
            replace = True  # keep going: other $patch items are pruned too
        elif directive == "merge":
            raise PatchError("merging lists cannot yet be specified in the patch")
        else:
            raise _err_bad_patch_type(directive, item)
    if replace:
        return [], without
    return without, None


def _find_map(items: list, key: str, value: Any) -> int | None:
    # strategicpatch findMapInSliceBasedOnKeyValue
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise PatchError(f"value for key {index} is not a map")
        if key in item and _go_eq(item[key], value):
            return index
    return None


def _delete_matching_entries(work: _GoSlice, merge_key: str, value: Any) -> None:
    # strategicpatch deleteMatchingEntries: every duplicate goes
    while True:
        index = _find_map(work.items(), merge_key, value)
        if index is None:
            return
        work.delete(index)


def _merge_slice_without_special_elements(work: _GoSlice, patch: list, merge_key: str,
                                          node: TypeNode | None, opts: _MergeOptions) -> None:
    # strategicpatch mergeSliceWithoutSpecialElements: merge by key, or append
    for item in patch:
        if merge_key not in item:
            raise _err_no_merge_key(item, merge_key)
        current = work.items()
        index = _find_map(current, merge_key, item[merge_key])
        if index is not None:
            work.set(index, _merge_map(current[index], item, node, opts))
        else:
            work.append(item)


def _scalar_key(value: Any) -> tuple[str, Any]:
    return (_kind(value), value)


def _delete_from_slice(current: list, to_delete: list) -> list:
    # strategicpatch deleteFromSlice
    gone = {_scalar_key(v) for v in to_delete}
    return [v for v in current if _scalar_key(v) not in gone]


def _deduplicate_scalars(items: list) -> list:
    # strategicpatch deduplicateScalars, order quirks included (the order is fixed up later)
    items = list(items)
    length = len(items) - 1
    i = 0
    while i < length:
        j = i + 1
        while j <= length:
            if _go_eq(items[i], items[j]):
                items[j] = items[length]
                items = items[:length]
                length -= 1
                j -= 1
            j += 1
        i += 1
    return items


def _partition_primitives(items: list, partition_by: list) -> tuple[list, list]:
    # strategicpatch partitionPrimitivesByPresentInList
    present = {_scalar_key(v) for v in partition_by}
    patch = [v for v in items if _scalar_key(v) in present]
    server_only = [v for v in items if _scalar_key(v) not in present]
    return patch, server_only


def _partition_maps(items: list, partition_by: list, merge_key: str) -> tuple[list, list]:
    # strategicpatch partitionMapsByPresentInList
    patch, server_only = [], []
    for item in items:
        if not isinstance(item, dict):
            raise _err_bad_arg_type("map[string]interface {}", item)
        if merge_key not in item:
            raise _err_no_merge_key(item, merge_key)
        if _find_map(partition_by, merge_key, item[merge_key]) is None:
            server_only.append(item)
        else:
            patch.append(item)
    return patch, server_only


def _index(items: list, value: Any, merge_key: str, kind: str) -> int:
    # strategicpatch index
    if kind == "map":
        def get(item: Any) -> Any:
            return item.get(merge_key) if isinstance(item, dict) else None
    else:
        def get(item: Any) -> Any:
            return item
    wanted = get(value)
    for position, item in enumerate(items):
        if _go_eq(get(item), wanted):
            return position
    return -1


def _stable_sort(items: list, less: Callable[[Any, Any], bool]) -> list:
    # Go sort.SliceStable on short lists is an insertion sort; doing the same keeps results
    # identical even for the odd comparator normalizeSliceOrder uses.
    out = list(items)
    for i in range(1, len(out)):
        j = i
        while j > 0 and less(out[j], out[j - 1]):
            out[j], out[j - 1] = out[j - 1], out[j]
            j -= 1
    return out


def _validate_merge_key_in_lists(merge_key: str, *lists: list) -> None:
    for items in lists:
        for item in items:
            if not isinstance(item, dict):
                raise _err_bad_arg_type("map[string]interface {}", item)
            if merge_key not in item:
                raise _err_no_merge_key(item, merge_key)


def _extract_to_delete_items(items: list) -> tuple[list, list]:
    # strategicpatch extractToDeleteItems
    keep, delete = [], []
    for item in items:
        if not isinstance(item, dict):
            raise _err_bad_arg_type("map[string]interface {}", item)
        if item.get(DIRECTIVE) == "delete":
            delete.append(item)
        else:
            keep.append(item)
    return keep, delete


def _normalize_slice_order(to_sort: list, order: list, merge_key: str, kind: str) -> list:
    # strategicpatch normalizeSliceOrder
    to_delete: list = []
    if kind == "map":
        _validate_merge_key_in_lists(merge_key, to_sort, order)
        to_sort, to_delete = _extract_to_delete_items(to_sort)

    def less(a: Any, b: Any) -> bool:
        ia = _index(order, a, merge_key, kind)
        if ia >= 0:
            ib = _index(order, b, merge_key, kind)
            if ib >= 0:
                return ia < ib
        return True

    return _stable_sort(to_sort, less) + to_delete


def _merge_sorted_slice(left: list, right: list, server_order: list, merge_key: str,
                        kind: str) -> list:
    # strategicpatch mergeSortedSlice: server-only items (left) go into the patch items (right)
    # where the live order puts them
    out = []
    i = j = 0
    while i < len(left) or j < len(right):
        if i >= len(left):
            out.append(right[j])
            j += 1
        elif j >= len(right):
            out.append(left[i])
            i += 1
        else:
            li = _index(server_order, left[i], merge_key, kind)
            ri = _index(server_order, right[j], merge_key, kind)
            if li >= 0 and ri >= 0 and li < ri:
                out.append(left[i])
                i += 1
            else:
                out.append(right[j])
                j += 1
    return out


def _normalize_element_order(patch: list, server_only: list, patch_order: list,
                             server_order: list, merge_key: str, kind: str) -> list:
    # strategicpatch normalizeElementOrder
    patch = _normalize_slice_order(patch, patch_order, merge_key, kind)
    server_only = _normalize_slice_order(server_only, server_order, merge_key, kind)
    return _merge_sorted_slice(server_only, patch, server_order, merge_key, kind)


def _apply_retain_keys_directive(result: dict, patch: dict, opts: _MergeOptions) -> None:
    # strategicpatch applyRetainKeysDirective
    if RETAIN_KEYS not in patch:
        return
    retain = patch.pop(RETAIN_KEYS)
    if not opts.merge_parallel_list:
        if RETAIN_KEYS in result:
            if not _deep_equal(result[RETAIN_KEYS], retain):
                raise PatchError(f"{go_format(result[RETAIN_KEYS])} and {go_format(retain)} "
                                 "are not deep equal: this may happen when calculating the "
                                 "3-way diff patch")
        else:
            result[RETAIN_KEYS] = retain
        return
    if not isinstance(retain, list):
        raise PatchError(ERR_BAD_FORMAT_RETAIN_KEYS)
    keep = {v for v in retain if isinstance(v, str)}
    for key, value in patch.items():
        if value is None or key.startswith((DELETE_FROM_PRIMITIVE_LIST, SET_ELEMENT_ORDER)):
            continue
        if key not in keep:
            raise PatchError(ERR_BAD_FORMAT_RETAIN_KEYS)
    for key in list(result):
        if key not in keep:
            del result[key]


def _validate_patch_with_set_order_list(patch_list: list, set_order: Any,
                                        merge_key: str) -> None:
    # strategicpatch validatePatchWithSetOrderList
    if not isinstance(set_order, list):
        raise PatchError(ERR_BAD_FORMAT_SET_ELEMENT_ORDER)
    if not set_order or not patch_list:
        return
    non_delete = _extract_to_delete_items(patch_list)[0] if merge_key else patch_list
    pi = si = 0
    while pi < len(non_delete) and si < len(set_order):
        item = non_delete[pi]
        if isinstance(item, dict) and DIRECTIVE in item:
            pi += 1
            continue
        if _merge_key_value_equal(item, set_order[si], merge_key):
            pi += 1
        si += 1
    if pi < len(non_delete) and si >= len(set_order):
        raise PatchError(f"the order in patch list:\n{go_format(patch_list)}\n doesn't match "
                         f"{SET_ELEMENT_ORDER} list:\n{go_format(set_order)}")


def _merge_key_value_equal(left: Any, right: Any, merge_key: str) -> bool:
    # strategicpatch mergeKeyValueEqual
    if not merge_key:
        return _go_eq(left, right)
    for side in (left, right):
        if not isinstance(side, dict):
            raise _err_bad_arg_type("map[string]interface {}", side)
        if merge_key not in side:
            raise _err_no_merge_key(side, merge_key)
    return _go_eq(left[merge_key], right[merge_key])


def _merge_patch_into_original(result: dict, patch: dict, node: TypeNode | None,
                               opts: _MergeOptions) -> None:
    # strategicpatch mergePatchIntoOriginal: $setElementOrder/<field> and its list, together
    for key in [k for k in patch if k.startswith(SET_ELEMENT_ORDER)]:
        set_order = patch.pop(key)
        if not opts.merge_parallel_list:
            if key in result:
                if not _deep_equal(result[key], set_order):
                    raise PatchError(ERR_BAD_FORMAT_SET_ELEMENT_ORDER)
            else:
                result[key] = set_order
        if not isinstance(set_order, list):
            raise _err_bad_arg_type("[]interface {}", set_order)
        field = _extract_key(key, SET_ELEMENT_ORDER)
        found_original, found_patch = field in result, field in patch
        original_list = result.get(field) if found_original else []
        patch_list = patch.get(field) if found_patch else []
        if found_original and not isinstance(original_list, list):
            raise _err_bad_arg_type("[]interface {}", original_list)
        if found_patch and not isinstance(patch_list, list):
            raise _err_bad_arg_type("[]interface {}", patch_list)
        child = _child(node, field)
        merge_key = _merge_key(child)
        _validate_patch_with_set_order_list(patch_list, set_order, merge_key)
        if found_original and not found_patch:
            merged = original_list
        elif found_patch and not found_original:
            merged = _remove_directives(patch_list)[0]
        elif found_original and found_patch:
            # Go's mergeSlice edits original_list in place: order by what it holds afterwards
            merged, original_list = _merge_slice_handler_aliased(
                original_list, patch_list, child, _strategy(child), merge_key, False, opts)
        else:
            continue
        if not merge_key:
            patch_items, server_only = _partition_primitives(merged, set_order)
        else:
            patch_items, server_only = _partition_maps(merged, set_order, merge_key)
        kind = _slice_element_kind(original_list, patch_list)
        result[field] = _normalize_element_order(patch_items, server_only, set_order,
                                                 original_list, merge_key, kind)
        patch.pop(field, None)


def apply_strategic_patch(target: Mapping, patch: Mapping, node: TypeNode | None) -> dict:
    """strategicpatch StrategicMergeMapPatch against a schema node (None: no metadata, lists
    replace). Raises PatchError with the Go text."""
    return _merge_map(target, _plain(patch), node, _SERVER_MERGE)


def strategic_merge_patch(target: Mapping, patch: Any, api_version: str, kind: str) -> dict:
    """Strategic merge patch (``kubectl patch``'s default type) as the apiserver applies it.

    Kinds without a schema (custom resources) are refused with 415 as the apiserver does."""
    node = typeinfo.type_node(api_version, kind)
    if node is None:
        raise ApiError(
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: "
            + ", ".join(CRD_PATCH_TYPES), 415)
    if not isinstance(patch, Mapping):
        raise apierrors.bad_request(
            "json: cannot unmarshal "
            f"{_json_type_name(patch)} into Go value of type map[string]interface {{}}")
    try:
        return apply_strategic_patch(target, patch, node)
    except PatchError as exc:
        raise _api_error_for_smp(exc) from exc
