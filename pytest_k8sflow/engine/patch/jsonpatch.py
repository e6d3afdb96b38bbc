"""JSON patch (RFC 6902, ``application/json-patch+json``) as the apiserver applies it
(apiserver pkg/endpoints/handlers/patch.go ``jsonPatcher``), on the ``jsonpatch`` library in
place of evanphx/json-patch; refusals follow the apiserver's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonpatch
import jsonpointer

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.apierrors import ApiError
from pytest_k8sflow.engine.patch.gojson import INVALID_REQUEST_MESSAGE, _json_type_name, _plain


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
