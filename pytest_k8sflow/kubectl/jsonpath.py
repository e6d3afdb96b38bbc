"""``-o jsonpath=...`` and ``-o custom-columns=...`` as kubectl evaluates them.

A port of client-go util/jsonpath (parser.go, jsonpath.go) over plain dicts, plus
cli-runtime printers/jsonpath.go (the printer) and kubectl pkg/cmd/get
customcolumn.go (custom columns). Differences from Go, all about map iteration:
``*`` and ``..`` over a map visit keys in sorted order (Go's order is random).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_k8sflow.kubectl.tabwriter import format_columns
from pytest_k8sflow.kubectl.yamlout import go_format_float_g, to_compact_json


class JSONPathError(ValueError):
    """A template that does not parse, or that fails on the data."""


# -- nodes ----------------------------------------------------------------------------------------


@dataclass
class _List:
    nodes: list = field(default_factory=list)


@dataclass
class _Text:
    text: str


@dataclass
class _Field:
    name: str


@dataclass
class _Param:
    value: int = 0
    known: bool = False
    derived: bool = False


@dataclass
class _Array:
    params: tuple[_Param, _Param, _Param]


@dataclass
class _Filter:
    left: _List
    right: _List
    operator: str


@dataclass
class _Int:
    value: int


@dataclass
class _Float:
    value: float


@dataclass
class _Bool:
    value: bool


@dataclass
class _Wildcard:
    pass


@dataclass
class _Recursive:
    pass


@dataclass
class _Union:
    nodes: list[_List]


@dataclass
class _Identifier:
    name: str


# -- parser (client-go util/jsonpath/parser.go) ---------------------------------------------------

_DICT_KEY = re.compile(r"^'([^']*)'$")
_SLICE = re.compile(r"^(-?\d*)(:-?\d*)?(:-?\d*)?$", re.ASCII)
_FILTER = re.compile(r"^([^!<>=]+)([!<>=~]+)(.+?)$", re.DOTALL)


def _is_terminator(ch: str) -> bool:
    return ch in " \t\r\n" or ch in ("", ".", ",", "[", "]", "$", "@", "{", "}")


def _is_alnum(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or ch.isdecimal()


class _Parser:
    def __init__(self, text: str) -> None:
        self.input = text
        self.pos = 0
        self.start = 0
        self.root = _List()

    def next(self) -> str:
        if self.pos >= len(self.input):
            return ""
        ch = self.input[self.pos]
        self.pos += 1
        return ch

    def backup(self, ch: str) -> None:
        if ch:
            self.pos -= 1

    def peek(self) -> str:
        return self.input[self.pos] if self.pos < len(self.input) else ""

    def consume(self) -> str:
        value = self.input[self.start:self.pos]
        self.start = self.pos
        return value

    def parse(self) -> _List:
        self.parse_text(self.root)
        return self.root

    def parse_text(self, cur: _List) -> None:
        while True:
            if self.input.startswith("{", self.pos):
                if self.pos > self.start:
                    cur.nodes.append(_Text(self.consume()))
                self.pos += 1
                self.consume()
                node = _List()
                cur.nodes.append(node)
                self.parse_inside(node)
                return
            if self.next() == "":
                break
        if self.pos > self.start:
            cur.nodes.append(_Text(self.consume()))

    def parse_inside(self, cur: _List) -> None:
        while True:
            rest = self.input[self.pos:]
            if rest.startswith("}"):
                self.pos += 1
                self.consume()
                self.parse_text(self.root)
                return
            if rest.startswith("[?("):
                self.parse_filter(cur)
                continue
            if rest.startswith(".."):
                if cur.nodes and isinstance(cur.nodes[-1], _Recursive):
                    raise JSONPathError("invalid multiple recursive descent")
                self.pos += 2
                self.consume()
                cur.nodes.append(_Recursive())
                if _is_alnum(self.peek()):
                    self.parse_field(cur)
                continue
            ch = self.next()
            if ch == "" or ch in "\r\n":
                raise JSONPathError("unclosed action")
            if ch == " " or ch in "@$":
                self.consume()
            elif ch == "[":
                self.parse_array(cur)
            elif ch in "\"'":
                self.parse_quote(cur, ch)
            elif ch == ".":
                self.parse_field(cur)
            elif ch in "+-" or ch.isdecimal():
                self.backup(ch)
                self.parse_number(cur)
            elif _is_alnum(ch):
                self.backup(ch)
                self.parse_identifier(cur)
            else:
                raise JSONPathError(f"unrecognized character in action: U+{ord(ch):04X} {ch!r}"
                                    .replace(f"{ch!r}", f"'{ch}'"))

    def parse_identifier(self, cur: _List) -> None:
        while True:
            ch = self.next()
            if _is_terminator(ch):
                self.backup(ch)
                break
        value = self.consume()
        if value in ("true", "false"):
            cur.nodes.append(_Bool(value == "true"))
        else:
            cur.nodes.append(_Identifier(value))

    def parse_number(self, cur: _List) -> None:
        if self.peek() in ("+", "-"):
            self.next()
        while True:
            ch = self.next()
            if ch != "." and not ch.isdecimal():
                self.backup(ch)
                break
        value = self.consume()
        try:
            cur.nodes.append(_Int(int(value)))
            return
        except ValueError:
            pass
        try:
            cur.nodes.append(_Float(float(value)))
        except ValueError:
            raise JSONPathError(f"cannot parse number {value}") from None

    def parse_array(self, cur: _List) -> None:
        while True:
            ch = self.next()
            if ch in ("", "\n"):
                raise JSONPathError("unterminated array")
            if ch == "]":
                break
        text = self.consume()[1:-1]
        if text == "*":
            text = ":"
        parts = text.split(",")
        if len(parts) > 1:
            union = [_parse_action("[" + part.strip(" ") + "]") for part in parts]
            cur.nodes.append(_Union(union))
            return
        key = _DICT_KEY.match(text)
        if key:
            cur.nodes.extend(_parse_action("." + key.group(1)).nodes)
            return
        m = _SLICE.match(text)
        if not m:
            raise JSONPathError(f"invalid array index {text}")
        params = [_Param(), _Param(), _Param()]
        for i, raw in enumerate(m.groups()):
            raw = raw or ""
            if raw != "":
                if i > 0:
                    raw = raw[1:]
                if i > 0 and raw == "":
                    params[i].known = False
                else:
                    try:
                        params[i].value = int(raw)
                    except ValueError:
                        raise JSONPathError(f"array index {raw} is not a number") from None
                    params[i].known = True
            elif i == 1:
                params[i] = _Param(params[0].value + 1, True, True)
        cur.nodes.append(_Array((params[0], params[1], params[2])))

    def parse_filter(self, cur: _List) -> None:
        self.pos += 3
        self.consume()
        begin = end = False
        pair = ""
        while True:
            ch = self.next()
            if ch in ("", "\n"):
                raise JSONPathError("unterminated filter")
            if ch in "\"'":
                if not begin:
                    begin, pair = True, ch
                    continue
                if self.input[self.pos - 2] != "\\" and ch == pair:
                    end = True
            elif ch == ")" and begin == end:
                break
        if self.next() != "]":
            raise JSONPathError("unclosed array expect ]")
        text = self.consume()[:-2]
        m = _FILTER.match(text)
        if m is None:
            cur.nodes.append(_Filter(_parse_action(text), _List(), "exists"))
        else:
            cur.nodes.append(_Filter(_parse_action(m.group(1)), _parse_action(m.group(3)),
                                     m.group(2)))

    def parse_quote(self, cur: _List, end: str) -> None:
        while True:
            ch = self.next()
            if ch in ("", "\n"):
                raise JSONPathError("unterminated quoted string")
            if ch == end and self.input[self.pos - 2] != "\\":
                break
        value = self.consume()
        cur.nodes.append(_Text(_unquote(value)))

    def parse_field(self, cur: _List) -> None:
        self.consume()
        while True:
            ch = self.next()
            if ch == "\\":
                self.next()
            elif _is_terminator(ch):
                self.backup(ch)
                break
        value = self.consume()
        cur.nodes.append(_Wildcard() if value == "*" else _Field(value.replace("\\", "")))


def _unquote(text: str) -> str:
    """UnquoteExtend: Go string unquoting for double or single quoted text."""
    body = text[1:-1]
    if "\\" not in body:
        return body
    out = []
    i = 0
    simple = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
              "\\": "\\", "'": "'", '"': '"'}
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1] if i + 1 < len(body) else ""
        if nxt in simple:
            out.append(simple[nxt])
            i += 2
        elif nxt in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[nxt]
            out.append(chr(int(body[i + 2:i + 2 + width], 16)))
            i += 2 + width
        elif nxt in "01234567":
            out.append(chr(int(body[i + 1:i + 4], 8)))
            i += 4
        else:
            raise JSONPathError(f"unquote string {text} error invalid syntax")
    return "".join(out)


def _parse_action(text: str) -> _List:
    parser = _Parser("{" + text + "}")
    root = parser.parse()
    return root.nodes[0]


def parse(template: str) -> _List:
    """Parse a jsonpath template (``{.metadata.name}``, ``{range .items[*]}...{end}``)."""
    return _Parser(template).parse()


# -- evaluation (client-go util/jsonpath/jsonpath.go) -------------------------------------------

_NONE = object()  # a missing value (Go: an invalid reflect.Value)


class _Engine:
    def __init__(self, allow_missing_keys: bool) -> None:
        self.allow_missing = allow_missing_keys
        self.begin_range = 0
        self.in_range = 0
        self.end_range = 0
        self.last_end: object = None

    def find_results(self, data: Any, nodes: list) -> list[list[Any]]:
        cur = [data]
        full: list[list[Any]] = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            results = self.walk(cur, node)
            if self.end_range > 0 and self.end_range <= self.in_range:
                self.end_range -= 1
                self.last_end = node
                break
            if self.begin_range > 0:
                self.begin_range -= 1
                self.in_range += 1
                rest = nodes[i + 1:]
                if results:
                    for value in results:
                        full.extend(self.find_results(value, rest))
                else:
                    self.find_results(None, rest)
                self.in_range -= 1
                for k in range(i + 1, len(nodes)):
                    if nodes[k] is self.last_end:
                        i = k
                        break
                i += 1
                continue
            full.append(results)
            i += 1
        return full

    def walk(self, values: list[Any], node: Any) -> list[Any]:
        if isinstance(node, _List):
            for child in node.nodes:
                values = self.walk(values, child)
            return values
        if isinstance(node, _Text):
            return [node.text]
        if isinstance(node, _Field):
            return self.eval_field(values, node)
        if isinstance(node, _Array):
            return self.eval_array(values, node)
        if isinstance(node, _Filter):
            return self.eval_filter(values, node)
        if isinstance(node, _Int | _Float | _Bool):
            return [node.value for _ in values]
        if isinstance(node, _Wildcard):
            return self.eval_wildcard(values)
        if isinstance(node, _Recursive):
            return self.eval_recursive(values)
        if isinstance(node, _Union):
            out: list[Any] = []
            for child in node.nodes:
                out.extend(self.walk(values, child))
            return out
        if isinstance(node, _Identifier):
            if node.name == "range":
                self.begin_range += 1
                return values
            if node.name == "end":
                if self.in_range > 0:
                    self.end_range += 1
                    return []
                raise JSONPathError("not in range, nothing to end")
            raise JSONPathError(f"unrecognized identifier {node.name}")
        raise JSONPathError(f"unexpected Node {node}")

    def eval_field(self, values: list[Any], node: _Field) -> list[Any]:
        results: list[Any] = []
        if not values:
            return results
        for value in values:
            if value is None:
                continue
            if isinstance(value, Mapping) and node.name in value:
                results.append(value[node.name])
        if not results and not self.allow_missing:
            raise JSONPathError(f"{node.name} is not found")
        return results

    def eval_array(self, values: list[Any], node: _Array) -> list[Any]:
        result: list[Any] = []
        for value in values:
            if value is None:
                continue
            if not isinstance(value, list | tuple):
                raise JSONPathError(f"{_go_type(value)} is not array or slice")
            p0, p1, p2 = (_Param(p.value, p.known, p.derived) for p in node.params)
            length = len(value)
            if not p0.known:
                p0.value = 0
            if p0.value < 0:
                p0.value += length
            if not p1.known:
                p1.value = length
            if p1.value < 0 or (p1.value == 0 and p1.derived):
                p1.value += length
            if p1.value != p0.value:
                if p0.value >= length or p0.value < 0:
                    raise JSONPathError(f"array index out of bounds: index {p0.value}, "
                                        f"length {length}")
                if p1.value > length or p1.value < 0:
                    raise JSONPathError(f"array index out of bounds: index {p1.value - 1}, "
                                        f"length {length}")
                if p0.value > p1.value:
                    raise JSONPathError(f"starting index {p0.value} is greater than ending "
                                        f"index {p1.value}")
            else:
                return result
            sliced = value[p0.value:p1.value]
            step = 1
            if p2.known:
                if p2.value <= 0:
                    raise JSONPathError("step must be > 0")
                step = p2.value
            result.extend(sliced[::step])
        return result

    def eval_wildcard(self, values: list[Any]) -> list[Any]:
        results: list[Any] = []
        for value in values:
            if isinstance(value, Mapping):
                results.extend(value[k] for k in sorted(value))
            elif isinstance(value, list | tuple):
                results.extend(value)
            elif isinstance(value, str):
                results.extend(value.encode("utf-8"))  # Go indexes a string by byte
        return results

    def eval_recursive(self, values: list[Any]) -> list[Any]:
        result: list[Any] = []
        for value in values:
            if isinstance(value, Mapping):
                children = [value[k] for k in sorted(value)]
            elif isinstance(value, list | tuple):
                children = list(value)
            elif isinstance(value, str):
                children = list(value.encode("utf-8"))
            else:
                children = []
            if children:
                result.append(value)
                result.extend(self.eval_recursive(children))
        return result

    def eval_filter(self, values: list[Any], node: _Filter) -> list[Any]:
        results: list[Any] = []
        for value in values:
            if not isinstance(value, list | tuple):
                raise JSONPathError(f"{_go_sprint(value)} is not array or slice and cannot be "
                                    "filtered")
            for item in value:
                try:
                    lefts = self.walk([item], node.left)
                    left_error = None
                except JSONPathError as exc:
                    lefts, left_error = [], exc
                if node.operator == "exists":
                    if lefts:
                        results.append(item)
                    continue
                if left_error is not None:
                    raise left_error
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise JSONPathError("can only compare one element at a time")
                rights = self.walk([item], node.right)
                if not rights:
                    continue
                if len(rights) > 1:
                    raise JSONPathError("can only compare one element at a time")
                if _compare(lefts[0], rights[0], node.operator):
                    results.append(item)
        return results


def _basic_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    return "invalid"


def _compare(left: Any, right: Any, op: str) -> bool:
    """text/template eq/ne/lt/le/gt/ge on two basic values (client-go's forked copy)."""
    lk, rk = _basic_kind(left), _basic_kind(right)
    if op in ("==", "!="):
        if lk == "invalid" or rk == "invalid":
            raise JSONPathError("invalid type for comparison")
        if lk != rk and {lk, rk} <= {"int", "float"}:
            equal = float(left) == float(right)
        elif lk != rk:
            raise JSONPathError("incompatible types for comparison")
        else:
            equal = left == right
        return equal if op == "==" else not equal
    if lk in ("bool", "invalid") or rk in ("bool", "invalid"):
        raise JSONPathError("invalid type for comparison")
    if lk != rk and not {lk, rk} <= {"int", "float"}:
        raise JSONPathError("incompatible types for comparison")
    if op == "<":
        return left < right
    if op == ">":
        return left > right
    if op == "<=":
        return left <= right
    if op == ">=":
        return left >= right
    raise JSONPathError(f"unrecognized filter operator {op}")


def _go_type(value: Any) -> str:
    if isinstance(value, Mapping):
        return "map[string]interface {}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return "interface {}"


def _go_sprint(value: Any) -> str:
    """fmt.Sprint of an unstructured value: maps as ``map[k:v]`` (keys sorted), slices as
    ``[a b]``, nil as ``<nil>``, floats as %v."""
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return go_format_float_g(value)
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{_go_sprint(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list | tuple):
        return "[" + " ".join(_go_sprint(v) for v in value) + "]"
    return str(value)


def _print_results(results: list[Any]) -> str:
    """JSONPath.PrintResults: maps and lists as compact JSON, other values with fmt.Fprint,
    separated by single spaces."""
    parts = []
    for value in results:
        if value is None:
            parts.append("null")  # kubectl 1.32 prints a JSON null as "null"
        elif isinstance(value, Mapping | list | tuple):
            parts.append(to_compact_json(value))
        else:
            parts.append(_go_sprint(value))
    return " ".join(parts)


def execute(template: str | _List, data: Any, *, allow_missing_keys: bool = True) -> str:
    """Evaluate a jsonpath template against ``data`` (an object or a List) and return the
    printed text. Raises :class:`JSONPathError` with client-go's message on failure."""
    root = parse(template) if isinstance(template, str) else template
    engine = _Engine(allow_missing_keys)
    return "".join(_print_results(r) for r in engine.find_results(data, root.nodes))


def print_jsonpath(template: str, data: Any, *, allow_missing_keys: bool = True) -> str:
    """``-o jsonpath=TEMPLATE`` (cli-runtime JSONPathPrinter). Errors carry kubectl's text:
    ``error parsing jsonpath T, <why>`` or ``error executing jsonpath "T": Error executing
    template: <why>. Printing more information for debugging the template:...``."""
    try:
        root = parse(template)
    except JSONPathError as exc:
        raise JSONPathError(f"error parsing jsonpath {template}, {exc}\n") from None
    try:
        return execute(root, data, allow_missing_keys=allow_missing_keys)
    except JSONPathError as exc:
        detail = (f"Error executing template: {exc}. Printing more information for debugging "
                  f"the template:\n\ttemplate was:\n\t\t{template}\n\tobject given to jsonpath "
                  f"engine was:\n\t\t{_go_sprint(data)}\n\n")
        raise JSONPathError(f'error executing jsonpath "{template}": {detail}') from None


# -- custom columns (kubectl pkg/cmd/get/customcolumn.go) ---------------------------------------

_RELAXED = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$")


def relaxed_jsonpath(expression: str) -> str:
    """RelaxedJSONPathExpression: ``metadata.name``, ``.metadata.name``, ``{metadata.name}``
    all become ``{.metadata.name}``."""
    if not expression:
        return expression
    m = _RELAXED.match(expression)
    if m is None:
        raise JSONPathError("unexpected path string, expected a 'name1.name2' or '.name1.name2' "
                            "or '{name1.name2}' or '{.name1.name2}'")
    return "{." + (m.group(1) or m.group(2)) + "}"


def parse_custom_columns(spec: str) -> list[tuple[str, str]]:
    """``NAME:.metadata.name,IMAGE:.spec.containers[*].image`` -> (header, template) pairs."""
    if not spec:
        raise JSONPathError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        header, sep, path = part.partition(":")
        if not sep:
            raise JSONPathError(f"unexpected custom-columns spec: {part}, expected "
                                "<header>:<json-path-expr>")
        columns.append((header, relaxed_jsonpath(path)))
    return columns


def print_custom_columns(spec: str, objects: Sequence[Mapping], *,
                         no_headers: bool = False) -> str:
    """``-o custom-columns=SPEC`` for the given objects (one row each): headers as written,
    several values joined by ``,``, ``<none>`` when nothing matched."""
    columns = parse_custom_columns(spec)
    parsed = []
    for _, template in columns:
        try:
            parsed.append(parse(template))
        except JSONPathError as exc:
            raise JSONPathError(str(exc)) from None
    lines = [] if no_headers else ["\t".join(h for h, _ in columns)]
    for obj in objects:
        cells = []
        for root in parsed:
            engine = _Engine(True)
            results = engine.find_results(obj, root.nodes)
            values = [v for group in results for v in group]
            if not results or not results[0]:
                texts = ["<none>"] + [_go_sprint(v) for v in values]
            else:
                texts = [_go_sprint(v) for v in values]
            cells.append(",".join(texts))
        lines.append("\t".join(cells))
    return format_columns("\n".join(lines) + "\n")
