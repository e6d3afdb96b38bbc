"""Shared pieces of validation: rendering Go values the way apimachinery's ``field.Error``
prints them (1.32), the field-error constructors and path helpers (``child``, ``index``,
``key``, ``invalid``, ``required``, ...), and small accessors for plain-dict objects.

Sources: staging apimachinery pkg/util/validation/field (errors.go, path.go) and
field.ErrorList.ToAggregate.
"""

from __future__ import annotations

from collections.abc import Mapping

Version = tuple[int, int]
MAX_INT32 = 2**31 - 1

# -- rendering Go values (apimachinery field.Error.ErrorBody, 1.32) ------------------------------


class GoValue:
    """A value already written the way Go's ``%#v`` prints it."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


OMIT = GoValue("")   # field.OmitValueType: the error prints no value

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r",
            "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}


def go_quote(text: str) -> str:
    """strconv.Quote / ``%q``."""
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def go_string_map(value: Mapping | None) -> str:
    """``%#v`` of a map[string]string (Go's fmt sorts the keys)."""
    if value is None:
        return "map[string]string(nil)"
    items = ", ".join(f"{go_quote(str(k))}:{go_quote(_str(value[k]))}" for k in sorted(value))
    return "map[string]string{" + items + "}"


def go_string_slice(value: list | None) -> str:
    if value is None:
        return "[]string(nil)"
    return "[]string{" + ", ".join(go_quote(_str(v)) for v in value) + "}"


def go_label_selector(selector: Mapping | None) -> GoValue:
    """``%#v`` of a metav1.LabelSelector (how spec.selector errors print it)."""
    selector = selector or {}
    labels = selector.get("matchLabels")
    exprs = selector.get("matchExpressions")
    if exprs is None:
        exprs_text = "[]v1.LabelSelectorRequirement(nil)"
    else:
        parts = []
        for expr in exprs:
            expr = expr if isinstance(expr, Mapping) else {}
            parts.append(f"v1.LabelSelectorRequirement{{Key:{go_quote(_str(expr.get('key')))}, "
                         f"Operator:{go_quote(_str(expr.get('operator')))}, "
                         f"Values:{go_string_slice(expr.get('values'))}}}")
        exprs_text = "[]v1.LabelSelectorRequirement{" + ", ".join(parts) + "}"
    labels_text = go_string_map(labels if isinstance(labels, Mapping) else None)
    return GoValue(f"v1.LabelSelector{{MatchLabels:{labels_text}, MatchExpressions:{exprs_text}}}")


def go_int_or_string(value: object) -> GoValue:
    """``%#v`` of an intstr.IntOrString (1.32 prints the struct, not the number)."""
    if isinstance(value, str):
        return GoValue(f'intstr.IntOrString{{Type:1, IntVal:0, StrVal:{go_quote(value)}}}')
    number = value if isinstance(value, int) and not isinstance(value, bool) else 0
    return GoValue(f'intstr.IntOrString{{Type:0, IntVal:{number}, StrVal:""}}')


def _str(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render(value: object) -> str:
    """The ``<value>`` part of ``Invalid value: <value>``."""
    if isinstance(value, GoValue):
        return value.text
    if value is None:
        return '"null"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, Mapping):
        return go_string_map(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return go_string_slice(value)
    return "{...}"


# -- field errors ------------------------------------------------------------------------------

def child(path: str, *names: str) -> str:
    for name in names:
        path = f"{path}.{name}" if path else name
    return path


def index(path: str, i: int) -> str:
    return f"{path}[{i}]"


def key(path: str, k: str) -> str:
    return f"{path}[{k}]"


def _body(kind: str, value: object, detail: str) -> str:
    text = kind if value is OMIT else f"{kind}: {render(value)}"
    return f"{text}: {detail}" if detail else text


def invalid(path: str, value: object, detail: str) -> str:
    return f"{path}: {_body('Invalid value', value, detail)}"


def required(path: str, detail: str = "") -> str:
    return f"{path}: Required value: {detail}" if detail else f"{path}: Required value"


def forbidden(path: str, detail: str) -> str:
    return f"{path}: Forbidden: {detail}" if detail else f"{path}: Forbidden"


def duplicate(path: str, value: object) -> str:
    return f"{path}: {_body('Duplicate value', value, '')}"


def not_found(path: str, value: object) -> str:
    return f"{path}: {_body('Not found', value, '')}"


def not_supported(path: str, value: object, valid: list[str]) -> str:
    detail = ("supported values: " + ", ".join(go_quote(v) for v in valid)) if valid else ""
    return f"{path}: {_body('Unsupported value', value, detail)}"


def too_long(path: str, max_length: int) -> str:
    return f"{path}: Too long: must have at most {max_length} bytes"


def too_many(path: str, actual: int, maximum: int) -> str:
    return f"{path}: Too many: {actual}: must have at most {maximum} items"


# -- small accessors ---------------------------------------------------------------------------

def _map(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _dicts(value: object) -> list[dict]:
    return [v if isinstance(v, dict) else {} for v in _list(value)]


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _nonnegative(value: object, path: str) -> list[str]:
    number = _int(value)
    if number is not None and number < 0:
        return [invalid(path, number, "must be greater than or equal to 0")]
    return []


def _dedupe(errors: list[str]) -> list[str]:
    # field.ErrorList.ToAggregate drops repeated messages.
    seen: set[str] = set()
    out = []
    for err in errors:
        if err not in seen:
            seen.add(err)
            out.append(err)
    return out
