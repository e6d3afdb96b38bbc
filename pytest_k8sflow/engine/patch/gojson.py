"""Go-compatible value handling shared by the patch modules: Go's ``%v`` (fmt) and
``encoding/json`` text of decoded JSON, Go's type and equality rules, and the error texts of
apimachinery pkg/util/mergepatch (errors.go) that the patch functions raise.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

# apimachinery pkg/util/mergepatch/errors.go
ERR_BAD_JSON_DOC = "invalid JSON document"
ERR_NO_LIST_OF_LISTS = "lists of lists are not supported"
ERR_BAD_FORMAT_PRIMITIVE_LIST = "invalid patch format of primitive list"
ERR_BAD_FORMAT_RETAIN_KEYS = "invalid patch format of retainKeys"
ERR_BAD_FORMAT_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list"
ERR_UNSUPPORTED_FORMAT = "strategic merge patch format is not supported"

# apimachinery pkg/api/errors NewGenericServerResponse, code 422
INVALID_REQUEST_MESSAGE = "the server rejected our request due to an error in our request"


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
