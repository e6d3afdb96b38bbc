"""Rewrite values inside a YAML document without touching anything else.

ruamel.yaml's composer gives every node of a document its exact span in the text (start and
end mark). A change replaces only the text of the value it names, written in the style the
old value had (plain, single- or double-quoted, literal block, flow), so comments, key order,
quoting, blank lines and line breaks inside flow collections stay exactly as they were; a
document without changes is never re-emitted at all. (Dumping the round-trip tree again, as
``scenario.loader.dump_document`` does, re-flows multi-line flow mappings: fine as a
fallback, not as the normal way.)
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pytest_k8sflow.scenario.loader import _guess_indent, new_yaml

__all__ = ["EditError", "Span", "apply_changes", "find_span", "insert_block",
           "render_flow", "render_scalar"]


class EditError(Exception):
    """A change that cannot be placed in the text (the path is not written in it)."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    node: Node
    flow: bool  # inside a flow collection ({...} or [...])
    key_column: int | None  # column of the mapping key the value belongs to
    line: int  # 1-based, within the document text


def _compose(text: str) -> Node | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return new_yaml().compose(text)


def _key_text(node: Node) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


def find_span(root: Node, pointer: Sequence[str | int]) -> Span:
    """Where the value at ``pointer`` is written."""
    node = root
    flow = False
    key_column = None
    for part in pointer:
        flow = flow or bool(getattr(node, "flow_style", False))
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if _key_text(key) == str(part):
                    node, key_column = value, key.start_mark.column
                    break
            else:
                raise EditError(f"no key {part!r}")
        elif isinstance(node, SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                raise EditError(f"no item {part}")
            node, key_column = node.value[part], None
        else:
            raise EditError(f"cannot descend into {part!r}")
    return Span(node.start_mark.index, node.end_mark.index, node, flow, key_column,
                node.start_mark.line + 1)


# -- writing values -------------------------------------------------------------------------
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9_./(][A-Za-z0-9_./:@+=()~ -]*")


def _resolves_to_text(value: str) -> bool:
    try:
        loaded = _compose_value(value)
    except Exception:  # noqa: BLE001 - anything YAML would not read back as this text
        return False
    return isinstance(loaded, str) and loaded == value


def _compose_value(value: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return new_yaml().load(value)


def _plain_ok(value: str) -> bool:
    return (bool(value) and _PLAIN_SAFE.fullmatch(value) is not None
            and not value.endswith((" ", ":")) and ": " not in value and " #" not in value
            and _resolves_to_text(value))


def _double(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def render_scalar(value: Any, style: str | None = None) -> str:
    """One-line YAML text for a scalar; strings keep ``style`` (``'``, ``"`` or plain) where
    that style can carry them, else they are double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return json.dumps(value)
    text = str(value)
    if style == '"' or "\n" in text:
        return _double(text)
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    return text if _plain_ok(text) else _double(text)


def render_flow(value: Any) -> str:
    """A value on one line in flow style (``{name: web, ports: [80]}``)."""
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{" + ", ".join(f"{render_scalar(str(k))}: {render_flow(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render_flow(v) for v in value) + "]"
    return render_scalar(value)


def _literal(old: str, value: str, span: Span) -> str | None:
    """``value`` as a literal block written like the old one (its header, indentation and
    the blank lines after it); None if a literal block cannot carry it."""
    if value.startswith((" ", "\t")) or "\r" in value:
        return None
    header, _, rest = old.partition("\n")
    if re.search(r"\d", header):
        header = re.sub(r"\d", "", header)
    content = [line for line in rest.split("\n") if line.strip()]
    indent = len(content[0]) - len(content[0].lstrip(" ")) if content else \
        (span.key_column or 0) + 2
    core = old.rstrip(" \t\n")
    tail = old[len(core):]
    tail = tail[tail.index("\n"):] if "\n" in tail else "\n"
    body = "\n".join((" " * indent + line) if line else "" for line in value.split("\n"))
    return header + "\n" + body + tail


def _new_literal(value: str, span: Span, text: str) -> str | None:
    if span.flow or span.key_column is None or value.startswith((" ", "\t")):
        return None
    indent = span.key_column + 2
    body = "\n".join((" " * indent + line) if line else "" for line in value.split("\n"))
    # the old value ended the line (or a comment did): the block takes the lines after it
    return "|\n" + body + ("" if text[span.end:span.end + 1] in ("\n", "") else "\n")


def render_value(value: Any, span: Span, text: str) -> str:
    """The text that replaces ``text[span.start:span.end]``."""
    node = span.node
    old = text[span.start:span.end]
    if isinstance(value, Mapping | list | tuple):
        return render_flow(value)
    style = node.style if isinstance(node, ScalarNode) else None
    if isinstance(value, str) and style in ("|", ">"):
        block = _literal(old, value, span)
        if block is not None:
            return block
        return _double(value)
    if isinstance(value, str) and "\n" in value:
        block = _new_literal(value, span, text)
        if block is not None:
            return block
    return render_scalar(value, style if style in ("'", '"') else None)


def apply_changes(text: str, changes: Sequence[tuple[Sequence[str | int], Any]]
                  ) -> tuple[str, list[int]]:
    """``text`` with each ``(pointer, new value)`` written in place; returns the new text
    and the 1-based line (in ``text``) of each change. Raises EditError if a pointer is not
    written in the text."""
    root = _compose(text)
    if root is None:
        raise EditError("the document is empty")
    placed = []
    for pointer, value in changes:
        span = find_span(root, pointer)
        placed.append((span, value))
    lines = [span.line for span, _ in placed]
    for span, value in sorted(placed, key=lambda p: p[0].start, reverse=True):
        new = render_value(value, span, text)
        if span.start == span.end and not text[span.start - 1:span.start].isspace():
            new = " " + new
        text = text[:span.start] + new + text[span.end:]
    return text, lines


def insert_block(text: str, key: str, items: list[dict]) -> str:
    """Add ``key:`` with a block sequence of ``items`` (each a mapping written one key per
    line, nested values in flow style) at the end of the document's root mapping."""
    root = _compose(text)
    if not isinstance(root, MappingNode) or root.flow_style:
        raise EditError("the document is not a block mapping")
    mapping_indent, offset = _guess_indent(text)
    dash = " " * offset + "- "
    inner = " " * (offset + 2)
    lines = [f"{key}:"]
    for item in items:
        first = True
        for field, value in item.items():
            prefix = dash if first else inner
            lines.extend(_field_lines(prefix, len(inner), field, value, mapping_indent))
            first = False
    block = "\n".join(lines) + "\n"
    last = root.value[-1][1] if root.value else root
    position = last.end_mark.index
    if position > 0 and text[position - 1] == "\n":
        # a block value ends at the start of the line after it
        pass
    else:
        newline = text.find("\n", position)
        position = len(text) if newline < 0 else newline + 1
    head = text[:position]
    if head and not head.endswith("\n"):
        head += "\n"
    return head + block + text[position:]


def _field_lines(prefix: str, column: int, field: Any, value: Any, step: int,
                 width: int = 100) -> list[str]:
    """``field: value`` in flow style if it fits in ``width``, else as a block mapping (or
    a block sequence of flow items) one level deeper."""
    line = f"{prefix}{render_scalar(str(field))}: {render_flow(value)}"
    if len(line) <= width or not isinstance(value, Mapping | list) or not value:
        return [line]
    lines = [f"{prefix}{render_scalar(str(field))}:"]
    inner = " " * (column + step)
    if isinstance(value, Mapping):
        for key, child in value.items():
            lines.extend(_field_lines(inner, column + step, key, child, step, width))
    else:
        lines.extend(f"{inner}- {render_flow(child)}" for child in value)
    return lines
