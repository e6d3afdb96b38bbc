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
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import jsonpatch
import jsonpointer

from pytest_k8sflow.engine import apierrors, typeinfo
from pytest_k8sflow.engine.apierrors import ApiError
from pytest_k8sflow.engine.typeinfo import TypeNode

LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"

DIRECTIVE = "$patch"
RETAIN_KEYS = "$retainKeys"
DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"
SET_ELEMENT_ORDER = "$setElementOrder"

# apimachinery pkg/util/mergepatch/errors.go
ERR_BAD_JSON_DOC = "invalid JSON document"
ERR_NO_LIST_OF_LISTS = "lists of lists are not supported"
ERR_BAD_FORMAT_PRIMITIVE_LIST = "invalid patch format of primitive list"
ERR_BAD_FORMAT_RETAIN_KEYS = "invalid patch format of retainKeys"
ERR_BAD_FORMAT_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list"
ERR_UNSUPPORTED_FORMAT = "strategic merge patch format is not supported"

# apiserver pkg/endpoints/handlers/patch.go interpretStrategicMergePatchError: these are 400s
_BAD_REQUEST_ERRORS = (ERR_BAD_JSON_DOC, ERR_BAD_FORMAT_PRIMITIVE_LIST,
                       ERR_BAD_FORMAT_RETAIN_KEYS, ERR_BAD_FORMAT_SET_ELEMENT_ORDER,
                       ERR_UNSUPPORTED_FORMAT)
# apimachinery pkg/api/errors NewGenericServerResponse, code 422
INVALID_REQUEST_MESSAGE = "the server rejected our request due to an error in our request"
# apiserver pkg/endpoints/handlers/negotiation NewUnsupportedMediaTypeError, with the patch
# types the apiextensions handler accepts for custom resources
CRD_PATCH_TYPES = ("application/json-patch+json", "application/merge-patch+json",
                   "application/apply-patch+yaml")


class PatchError(Exception):
    """A strategic-merge failure, with the Go error text."""


# -- helpers -------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """A JSON-shaped copy (dict/list/str/int/float/bool/None) that the caller does not share."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def _kind(value: Any) -> str:
    """Go's reflect.TypeOf for decoded JSON (k8s json decodes integral numbers as int64)."""
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list):
        return "slice"
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    return type(value).__name__


def _go_eq(a: Any, b: Any) -> bool:
    """Go interface equality: same dynamic type and value (1 and 1.0 differ, as do 1 and true)."""
    return _kind(a) == _kind(b) and a == b


def _deep_equal(a: Any, b: Any) -> bool:
    """reflect.DeepEqual over decoded JSON."""
    kind = _kind(a)
    if kind != _kind(b):
        return False
    if kind == "map":
        return a.keys() == b.keys() and all(_deep_equal(a[k], b[k]) for k in a)
    if kind == "slice":
        return len(a) == len(b) and all(_deep_equal(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _shortest(value: float) -> tuple[str, str, int]:
    """(sign, digits, exponent of the first digit) of the shortest round-tripping decimal."""
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    text = "".join(map(str, digits))
    return ("-" if sign else ""), text, len(text) + int(exponent) - 1


def _go_float(value: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 64), fmt's %v: exponent form below 1e-4 or from 1e6."""
    if value != value:
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    sign, digits, exp = _shortest(value)
    if exp < -4 or exp >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    return sign + format(Decimal(digits + "e" + str(exp - len(digits) + 1)), "f")


def go_format(value: Any) -> str:
    """fmt's %v of decoded JSON: how Go error messages print values."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_format(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_format(v) for v in value) + "]"
    return str(value)


def _go_type(value: Any) -> str:
    return {"map": "map[string]interface {}", "slice": "[]interface {}", "nil": "<nil>",
            "int64": "int64", "float64": "float64", "string": "string",
            "bool": "bool"}.get(_kind(value), type(value).__name__)


def _err_bad_arg_type(expected: str, actual: Any) -> PatchError:
    # mergepatch.ErrBadArgType
    return PatchError(f"expected a {expected}, but received a {_go_type(actual)}")


def _err_no_merge_key(item: Any, merge_key: str) -> PatchError:
    # mergepatch.ErrNoMergeKey
    return PatchError(f"map: {go_format(item)} does not contain declared merge key: {merge_key}")


def _err_bad_patch_type(directive: Any, item: Any) -> PatchError:
    # mergepatch.ErrBadPatchType
    return PatchError(f"unknown patch type: {go_format(directive)} in map: {go_format(item)}")


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


def go_json(value: Any) -> str:
    """encoding/json Marshal of decoded JSON: sorted keys, no spaces, <>& and U+2028/9 escaped."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # encoding/json floatEncoder: 'f' format, 'e' below 1e-6 and from 1e21 (e-07 -> e-7)
        if value != value or math.isinf(value):
            raise ValueError(f"json: unsupported value: {value}")
        if value == 0:
            return "-0" if math.copysign(1, value) < 0 else "0"
        sign, digits, exp = _shortest(value)
        if 1e-6 <= abs(value) < 1e21:
            return sign + format(Decimal(digits + "e" + str(exp - len(digits) + 1)), "f")
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp)}"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{go_json(str(k))}:{go_json(value[k])}"
                              for k in sorted(value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


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


def _json_type_name(value: Any) -> str:
    # encoding/json UnmarshalTypeError.Value
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "string"


# -- JSON patch (RFC 6902) -----------------------------------------------------------------
def json_patch(target: Mapping, operations: Any) -> dict:
    """RFC 6902 JSON patch (``kubectl patch --type json``).

    Like the apiserver (handlers/patch.go ``jsonPatcher.applyJSPatch``): a patch that is not a
    list of operations is a BadRequest; an operation that does not apply (a missing path, a
    failed ``test``, an unknown op) is refused with 422 Invalid and the generic message
    "the server rejected our request due to an error in our request" — the apiserver does not
    pass json-patch's own text on; it is kept in ``ApiError.detail`` for our reports.
    """
    if not isinstance(operations, list | tuple):
        raise apierrors.bad_request(
            "error decoding patch: json: cannot unmarshal "
            f"{_json_type_name(operations)} into Go value of type []handlers.jsonPatchOp")
    for op in operations:
        if not isinstance(op, Mapping):
            raise apierrors.bad_request(
                "error decoding patch: json: cannot unmarshal "
                f"{_json_type_name(op)} into Go value of type handlers.jsonPatchOp")
    try:
        result = jsonpatch.apply_patch(_plain(target), _plain(list(operations)), in_place=True)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, TypeError,
            KeyError, IndexError, ValueError) as exc:
        error = ApiError("Invalid", INVALID_REQUEST_MESSAGE, 422)
        error.detail = f"json patch: {exc}"
        raise error from exc
    if not isinstance(result, dict):
        raise apierrors.bad_request("the patched object is not a JSON object")
    return result


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
