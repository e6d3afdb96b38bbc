"""``-o yaml`` and ``-o json`` byte for byte as kubectl prints them.

kubectl's YAML is ``sigs.k8s.io/yaml.Marshal``: the object goes to JSON, is read back by
go-yaml v2 into plain maps, and written by go-yaml v2's emitter. So keys come out in
go-yaml's "natural" key order (yaml.v2 sorter.go keyList.Less), sequences inside mappings
are not indented, strings are quoted only when they would read back as something else
(yaml.v2 encode.go stringv + resolve.go) or cannot be plain (emitterc.go
yaml_emitter_analyze_scalar / select_scalar_style), multi-line strings become literal
blocks, and long lines are folded at column 80 (best_width).

kubectl's JSON is ``json.MarshalIndent(obj, "", "    ")`` on an unstructured object: keys in
byte order, Go's HTML-safe escaping (``<`` -> ``\\u003c``), four-space indentation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

# -- numbers ----------------------------------------------------------------------------------


def _shortest_digits(value: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of a positive finite float and the decimal point
    position (strconv's digs.d / digs.dp)."""
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    text = "".join(str(d) for d in digits).rstrip("0") or "0"
    stripped = len("".join(str(d) for d in digits)) - len(text)
    exp = exponent + stripped  # value = int(text) * 10**exp
    return text, len(text) + exp


def go_format_float_g(value: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 64) (Go's %v for float64)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    neg = "-" if value < 0 else ""
    digits, dp = _shortest_digits(abs(value))
    exp = dp - 1
    # shortest 'g' switches to %e below 1e-4 and from 1e6 on (strconv ftoa: eprec = 6)
    if exp < -4 or exp >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        esign = "-" if exp < 0 else "+"
        return f"{neg}{mantissa}e{esign}{abs(exp):02d}"
    if dp <= 0:
        return f"{neg}0.{'0' * -dp}{digits}"
    if dp >= len(digits):
        return f"{neg}{digits}{'0' * (dp - len(digits))}"
    return f"{neg}{digits[:dp]}.{digits[dp:]}"


def go_json_float(value: float) -> str:
    """encoding/json floatEncoder for float64: fixed notation for 1e-6 <= |f| < 1e21."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"json: unsupported value: {value!r}")
    if value == 0:
        return "0" if math.copysign(1, value) > 0 else "-0"
    neg = "-" if value < 0 else ""
    digits, dp = _shortest_digits(abs(value))
    if 1e-6 <= abs(value) < 1e21:
        if dp <= 0:
            return f"{neg}0.{'0' * -dp}{digits}"
        if dp >= len(digits):
            return f"{neg}{digits}{'0' * (dp - len(digits))}"
        return f"{neg}{digits[:dp]}.{digits[dp:]}"
    exp = dp - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{neg}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp)}"


# -- JSON -----------------------------------------------------------------------------------------

_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
                 "\t": "\\t", "<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_string(text: str) -> str:
    """encoding/json string encoding with HTML escaping (Go 1.22+: ``\\b`` and ``\\f``)."""
    out = ['"']
    for ch in text:
        esc = _JSON_ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _json_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # JSON numbers read back as float64 whole values print without a fraction
        return go_json_float(value)
    if isinstance(value, str):
        return json_string(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def _json_lines(value: Any, indent: str, out: list[str], prefix: str) -> None:
    if isinstance(value, Mapping):
        if not value:
            out.append(prefix + "{}")
            return
        out.append(prefix + "{")
        keys = sorted(value, key=lambda k: str(k).encode("utf-8"))
        inner = indent + "    "
        for i, key in enumerate(keys):
            comma = "," if i < len(keys) - 1 else ""
            start = len(out)
            _json_lines(value[key], inner, out, inner + json_string(str(key)) + ": ")
            out[-1] += comma
            del start
        out.append(indent + "}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append(prefix + "[]")
            return
        out.append(prefix + "[")
        inner = indent + "    "
        for i, item in enumerate(value):
            _json_lines(item, inner, out, inner)
            if i < len(value) - 1:
                out[-1] += ","
        out.append(indent + "]")
    else:
        out.append(prefix + _json_scalar(value))


def to_json(obj: Any) -> str:
    """``kubectl ... -o json`` for one object or list (with the trailing newline)."""
    out: list[str] = []
    _json_lines(obj, "", out, "")
    return "\n".join(out) + "\n"


def to_compact_json(obj: Any) -> str:
    """json.Marshal (no spaces, sorted keys, HTML escaping): what jsonpath prints for maps
    and lists."""
    if isinstance(obj, Mapping):
        keys = sorted(obj, key=lambda k: str(k).encode("utf-8"))
        return "{" + ",".join(json_string(str(k)) + ":" + to_compact_json(obj[k])
                              for k in keys) + "}"
    if isinstance(obj, list | tuple):
        return "[" + ",".join(to_compact_json(v) for v in obj) + "]"
    return _json_scalar(obj)


# -- YAML: key order ------------------------------------------------------------------------------


def _yaml_key_less(a: str, b: str) -> bool:
    """go-yaml v2 sorter.go keyList.Less for two string keys: letters sort after
    non-letters, runs of digits compare by numeric value."""
    ar, br = a, b
    for i in range(min(len(ar), len(br))):
        if ar[i] == br[i]:
            continue
        al, bl = ar[i].isalpha(), br[i].isalpha()  # unicode.IsLetter
        if al and bl:
            return ar[i] < br[i]
        if al or bl:
            return bl
        an = bn = 0
        if ar[i] == "0" or br[i] == "0":
            j = i - 1
            while j >= 0 and ar[j].isdecimal():
                if ar[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(ar) and ar[ai].isdecimal():  # unicode.IsDigit (Nd)
            an = an * 10 + (ord(ar[ai]) - 48)
            ai += 1
        bi = i
        while bi < len(br) and br[bi].isdecimal():
            bn = bn * 10 + (ord(br[bi]) - 48)
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ar[i] < br[i]
    return len(ar) < len(br)


def yaml_sorted_keys(keys: Sequence[str]) -> list[str]:
    """Keys in go-yaml v2 map order (a stable merge sort with keyList.Less; Go's sort.Sort is
    not stable, but keys of one map are distinct, and Less is a strict order on them)."""
    import functools

    def cmp(x: str, y: str) -> int:
        if _yaml_key_less(x, y):
            return -1
        if _yaml_key_less(y, x):
            return 1
        return 0

    return sorted(keys, key=functools.cmp_to_key(cmp))


# -- YAML: how go-yaml v2 would read a plain scalar back (resolve.go) ------------------------------

_BOOL_NULL_MAP = {
    *("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"),
    *("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"),
    *("", "~", "null", "Null", "NULL"),
    *(".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"),
    *("-.inf", "-.Inf", "-.INF"),
}
_YAML_STYLE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_BASE60_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_GO_FLOAT = re.compile(r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$"
                       r"|^[-+]?(inf|infinity|nan)$", re.IGNORECASE)
_TIMESTAMP_FORMATS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?"
               r"(Z|[+-]\d{2}:\d{2})$", re.ASCII),
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?$", re.ASCII),
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})()()()()$", re.ASCII),
)
_INT64 = (-(2**63), 2**63 - 1)


def _go_parse_int(text: str, *, signed: bool) -> bool:
    """strconv.ParseInt/ParseUint(text, 0, 64) succeeds?"""
    body = text
    neg = False
    if body[:1] in "+-" and body:
        if not signed:
            return False
        neg = body[0] == "-"
        body = body[1:]
    if not body:
        return False
    base = 10
    lower = body.lower()
    if lower.startswith("0x"):
        base, body = 16, body[2:]
    elif lower.startswith("0b"):
        base, body = 2, body[2:]
    elif lower.startswith("0o"):
        base, body = 8, body[2:]
    elif body.startswith("0") and len(body) > 1:
        base, body = 8, body[1:]
    if not body:
        return False
    allowed = {16: "0123456789abcdefABCDEF", 10: "0123456789", 8: "01234567", 2: "01"}[base]
    if any(ch not in allowed for ch in body):  # Python's int() would also take spaces, "_"
        return False
    value = int(body, base)
    value = -value if neg else value
    if signed:
        return _INT64[0] <= value <= _INT64[1]
    return 0 <= value <= 2**64 - 1


def _valid_timestamp(text: str) -> bool:
    for pattern in _TIMESTAMP_FORMATS:
        m = pattern.match(text)
        if not m:
            continue
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not 1 <= month <= 12:
            return False
        days = [31, 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28,
                31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        if not 1 <= day <= days:
            return False
        return not m.group(4) or (int(m.group(4)) <= 23 and int(m.group(5)) <= 59
                                   and int(m.group(6)) <= 59)
    return False


def _resolves_to_string(text: str) -> bool:
    """yaml.v2 resolve("", text) gives !!str (and it is no base-60 float)."""
    if _BASE60_FLOAT.match(text):
        return False
    if text in _BOOL_NULL_MAP:
        return False
    if not text:
        return False
    first = text[0]
    if first == ".":
        return not _GO_FLOAT.match(text)
    if first in "+-0123456789":
        if len(text) >= 5 and all(c in "0123456789" for c in text[:4]) and text[4] == "-" and \
                _valid_timestamp(text):
            return False
        plain = text.replace("_", "")
        if _go_parse_int(plain, signed=True) or _go_parse_int(plain, signed=False):
            return False
        if _YAML_STYLE_FLOAT.match(plain):
            return False
        if plain.startswith("0b") or plain.startswith("-0b"):
            digits = plain[2:] if plain.startswith("0b") else plain[3:]
            if digits and all(c in "01" for c in digits):
                return False
    return True


# -- YAML: scalar analysis and writing (emitterc.go) -----------------------------------------

_BEST_WIDTH = 80
_BREAKS = "\r\n\x85\u2028\u2029"


def _printable(ch: str) -> bool:
    o = ord(ch)
    return (o == 0x0A or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF
            or (0xE000 <= o <= 0xFFFD and o != 0xFEFF))


class _Analysis:
    __slots__ = ("multiline", "block_plain", "single_quoted", "block")

    def __init__(self, value: str) -> None:
        if not value:
            self.multiline = False
            self.block_plain = True
            self.single_quoted = True
            self.block = False
            return
        block_ind = False
        leading_space = leading_break = trailing_space = trailing_break = False
        break_space = space_break = special = line_breaks = False
        prev_space = prev_break = False
        if value.startswith("---") or value.startswith("..."):
            block_ind = True
        preceded_ws = True
        n = len(value)
        for i, ch in enumerate(value):
            followed_ws = i + 1 >= n or value[i + 1] in " \t" + _BREAKS
            if i == 0:
                if ch in "#,[]{}&*!|>'\"%@`" or (ch in "?:-" and followed_ws):
                    block_ind = True
            else:
                if ch == ":" and followed_ws or ch == "#" and preceded_ws:
                    block_ind = True
            if not _printable(ch):
                special = True
            if ch == " ":
                if i == 0:
                    leading_space = True
                if i + 1 == n:
                    trailing_space = True
                if prev_break:
                    break_space = True
                prev_space, prev_break = True, False
            elif ch in _BREAKS:
                line_breaks = True
                if i == 0:
                    leading_break = True
                if i + 1 == n:
                    trailing_break = True
                if prev_space:
                    space_break = True
                prev_space, prev_break = False, True
            else:
                prev_space = prev_break = False
            preceded_ws = ch in " \t" + _BREAKS
        self.multiline = line_breaks
        self.block_plain = True
        self.single_quoted = True
        self.block = True
        if leading_space or leading_break or trailing_space or trailing_break:
            self.block_plain = False
        if trailing_space:
            self.block = False
        if break_space:
            self.block_plain = False
            self.single_quoted = False
        if space_break or special:
            self.block_plain = self.single_quoted = self.block = False
        if line_breaks:
            self.block_plain = False
        if block_ind:
            self.block_plain = False


class _Writer:
    """Just enough of yaml_emitter_t: the current line, its column, and finished lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cur: list[str] = []
        self.column = 0

    def put(self, text: str) -> None:
        self.cur.append(text)
        self.column += len(text)

    def newline(self) -> None:
        self.lines.append("".join(self.cur))
        self.cur = []
        self.column = 0

    def break_line(self) -> None:
        """End the current line unless nothing was written on it yet (after a literal block
        that ended with a line break the emitter already stands at a line start)."""
        if self.cur:
            self.newline()

    def write_indent(self, indent: int) -> None:
        # yaml_emitter_write_indent as used inside a scalar (always after content)
        self.newline()
        self.put(" " * indent)


def _write_plain(w: _Writer, value: str, indent: int, allow_breaks: bool) -> None:
    spaces = False
    for i, ch in enumerate(value):
        if ch == " ":
            nxt = value[i + 1] if i + 1 < len(value) else ""
            if allow_breaks and not spaces and w.column > _BEST_WIDTH and nxt != " ":
                w.write_indent(indent)
            else:
                w.put(ch)
            spaces = True
        else:
            w.put(ch)
            spaces = False


def _write_single(w: _Writer, value: str, indent: int, allow_breaks: bool) -> None:
    w.put("'")
    spaces = False
    breaks = False
    n = len(value)
    for i, ch in enumerate(value):
        if ch == " ":
            nxt = value[i + 1] if i + 1 < n else ""
            if allow_breaks and not spaces and w.column > _BEST_WIDTH and 0 < i < n - 1 \
                    and nxt != " ":
                w.write_indent(indent)
            else:
                w.put(ch)
            spaces = True
        elif ch in _BREAKS:
            # a line separator other than \n is written as it is and restarts the column
            w.put(ch)
            w.column = 0
            breaks = True
        else:
            if breaks:
                w.put(" " * (indent - w.column))
            if ch == "'":
                w.put("'")
            w.put(ch)
            spaces = False
            breaks = False
    w.put("'")


_DQ_ESCAPES = {0x00: "0", 0x07: "a", 0x08: "b", 0x09: "t", 0x0A: "n", 0x0B: "v", 0x0C: "f",
               0x0D: "r", 0x1B: "e", 0x22: '"', 0x5C: "\\", 0x85: "N", 0xA0: "_",
               0x2028: "L", 0x2029: "P"}


def _write_double(w: _Writer, value: str, indent: int, allow_breaks: bool) -> None:
    w.put('"')
    spaces = False
    n = len(value)
    for i, ch in enumerate(value):
        o = ord(ch)
        if not _printable(ch) or o == 0xFEFF or ch in _BREAKS or ch in '"\\':
            w.put("\\")
            if o in _DQ_ESCAPES:
                w.put(_DQ_ESCAPES[o])
            elif o <= 0xFF:
                w.put(f"x{o:02X}")
            elif o <= 0xFFFF:
                w.put(f"u{o:04X}")
            else:
                w.put(f"U{o:08X}")
            spaces = False
        elif ch == " ":
            if allow_breaks and not spaces and w.column > _BEST_WIDTH and 0 < i < n - 1:
                w.write_indent(indent)
                if i + 1 < n and value[i + 1] == " ":
                    w.put("\\")
            else:
                w.put(ch)
            spaces = True
        else:
            w.put(ch)
            spaces = False
    w.put('"')


def _write_literal(w: _Writer, value: str, indent: int) -> None:
    # yaml_emitter_write_block_scalar_hints: an indentation hint when the text starts with a
    # space or a break; chomping "-" without a final break, "+" with more than one
    hints = ""
    if value[:1] == " " or value[:1] in _BREAKS:
        hints += "2"
    if value[-1:] not in _BREAKS:
        hints += "-"
    elif len(value) == 1 or value[-2] in _BREAKS:
        hints += "+"
    w.put("|" + hints)
    w.newline()
    # every line break of the text ends a line; text after a break is indented; empty
    # lines stay empty (emitterc.go yaml_emitter_write_literal_scalar)
    breaks = True
    for ch in value:
        if ch == "\n":
            w.newline()
            breaks = True
        else:
            if breaks:
                w.put(" " * indent)
            w.put(ch)
            breaks = False


def _scalar_style(value: str, *, key: bool) -> tuple[str, _Analysis]:
    analysis = _Analysis(value)
    if "\n" in value:
        style = "literal"
    elif _resolves_to_string(value):
        style = "plain"
    else:
        style = "double"
    if key and analysis.multiline:
        style = "double"
    if style == "plain":
        if not analysis.block_plain:
            style = "single"
        if not value and key:
            style = "single"
    if style == "single" and not analysis.single_quoted:
        style = "double"
    if style == "literal" and (not analysis.block or key):
        style = "double"
    return style, analysis


def _write_string(w: _Writer, value: str, indent: int, *, key: bool) -> None:
    style, _ = _scalar_style(value, key=key)
    allow_breaks = not key
    if style == "plain":
        _write_plain(w, value, indent, allow_breaks)
    elif style == "single":
        _write_single(w, value, indent, allow_breaks)
    elif style == "double":
        _write_double(w, value, indent, allow_breaks)
    else:
        _write_literal(w, value, indent)


def _yaml_scalar_text(value: Any) -> str | None:
    """Non-string scalars, as they come back from JSON through go-yaml (ints stay ints, whole
    floats become ints, other floats use strconv 'g')."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        text = go_format_float_g(value)
        return {"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}.get(text, text)
    return None


def _emit_mapping(w: _Writer, value: Mapping, indent: int) -> None:
    """A non-empty block mapping whose first key goes where the writer stands; the other keys
    go at ``indent``."""
    for i, key in enumerate(yaml_sorted_keys([str(k) for k in value])):
        if i:
            w.break_line()
            w.put(" " * indent)
        _write_string(w, key, indent + 2, key=True)
        w.put(":")
        _emit_value(w, value[key], indent, in_mapping=True)


def _emit_sequence(w: _Writer, value: Sequence, indent: int) -> None:
    for i, item in enumerate(value):
        if i:
            w.break_line()
            w.put(" " * indent)
        w.put("-")
        _emit_value(w, item, indent, in_mapping=False)


def _emit_scalar(w: _Writer, value: Any, indent: int) -> None:
    """A scalar inside a block whose indentation is ``indent``: continuation lines and
    literal blocks go two columns deeper (emitterc.go emit_scalar increases the indent)."""
    text = _yaml_scalar_text(value)
    if text is not None:
        w.put(text)
    else:
        _write_string(w, str(value), indent + 2, key=False)


def _emit_value(w: _Writer, item: Any, indent: int, *, in_mapping: bool) -> None:
    """What follows ``key:`` (in_mapping) or ``-`` in a block at ``indent``."""
    if isinstance(item, Mapping) and item:
        if in_mapping:
            w.break_line()
            w.put(" " * (indent + 2))
        else:
            w.put(" ")
        _emit_mapping(w, item, indent + 2)
    elif isinstance(item, list | tuple) and item:
        if in_mapping:
            # go-yaml v2 writes a sequence inside a mapping without extra indentation
            w.break_line()
            w.put(" " * indent)
            _emit_sequence(w, item, indent)
        else:
            w.put(" ")
            _emit_sequence(w, item, indent + 2)
    elif isinstance(item, Mapping):
        w.put(" {}")
    elif isinstance(item, list | tuple):
        w.put(" []")
    else:
        w.put(" ")
        _emit_scalar(w, item, indent)


def to_yaml(obj: Any) -> str:
    """``sigs.k8s.io/yaml.Marshal(obj)``: what ``kubectl ... -o yaml`` prints for one object."""
    w = _Writer()
    if isinstance(obj, Mapping) and obj:
        _emit_mapping(w, obj, 0)
    elif isinstance(obj, list | tuple) and obj:
        _emit_sequence(w, obj, 0)
    elif isinstance(obj, Mapping):
        w.put("{}")
    elif isinstance(obj, list | tuple):
        w.put("[]")
    else:
        _emit_scalar(w, obj, 0)
    w.break_line()
    return "".join(line + "\n" for line in w.lines)


# -- what kubectl get prints -----------------------------------------------------------------------


def strip_managed_fields(obj: Mapping) -> Mapping:
    """kubectl hides metadata.managedFields unless --show-managed-fields
    (cli-runtime printers.OmitManagedFieldsPrinter)."""
    meta = obj.get("metadata")
    if isinstance(meta, Mapping) and "managedFields" in meta:
        return {**obj, "metadata": {k: v for k, v in meta.items() if k != "managedFields"}}
    return obj


def list_object(objects: Sequence[Mapping]) -> dict:
    """The ``kind: List`` wrapper ``kubectl get`` prints for anything but one named object
    (get.go printGeneric: apiVersion v1, items, kind List, metadata.resourceVersion "")."""
    return {"apiVersion": "v1", "items": list(objects), "kind": "List",
            "metadata": {"resourceVersion": ""}}


def print_objects(objects: Sequence[Mapping], fmt: str, *, single_item: bool,
                  show_managed_fields: bool = False) -> str:
    """``-o yaml`` / ``-o json`` output of ``kubectl get``: the object itself when exactly one
    object was named (``get deploy web``, ``get deploy/web``), otherwise a List — also for
    zero or one objects found by listing or by a selector."""
    if not show_managed_fields:
        objects = [strip_managed_fields(o) for o in objects]
    target: Any = objects[0] if single_item and len(objects) == 1 else list_object(objects)
    if fmt == "yaml":
        return to_yaml(target)
    if fmt == "json":
        return to_json(target)
    raise ValueError(f"unknown format {fmt!r}")


def print_each_yaml(objects: Sequence[Mapping]) -> str:
    """YAMLPrinter.PrintObj called once per object (``scale``, ``set image``, ``label``...
    with ``-o yaml``): documents separated by ``---``."""
    return "---\n".join(to_yaml(o) for o in objects)


def print_each_json(objects: Sequence[Mapping]) -> str:
    """JSONPrinter.PrintObj called once per object: documents simply follow each other."""
    return "".join(to_json(o) for o in objects)
