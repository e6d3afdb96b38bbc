"""Read scenario and manifest files: YAML as kubectl reads it, with positions, round-trip kept.

* Every ``---`` document is parsed on its own, so a syntax error in one scenario leaves the
  others of the same file usable; each document keeps its ruamel.yaml round-trip tree
  (``CommentedMap``), its source text and where it starts, so that a later rewrite can put it
  back with its comments.
* Scalars are resolved as kubectl resolves them (sigs.k8s.io/yaml on go-yaml v2, YAML 1.1
  rules): ``yes``/``no``/``on``/``off``/``y``/``n`` are booleans, ``0644`` is octal, unquoted
  timestamps stay text, base-60 numbers (``1:30``) are text; non-string keys become text.
* ``positions``: every JSON path (tuple of keys and indexes) of a document maps to the
  1-based (line, column) of its value, and of its key for mapping members.
"""

from __future__ import annotations

import base64
import datetime as _dt
import io
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.resolver import VersionedResolver, implicit_resolvers
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.util import RegExp

from pytest_k8sflow.errors import ScenarioError

JsonPath = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based (line, column)

__all__ = [
    "JsonPath",
    "KubectlResolver",
    "LoadedDocument",
    "LoadedFile",
    "describe_type",
    "dump_document",
    "json_path",
    "load_file",
    "load_manifest_file",
    "load_text",
    "new_yaml",
    "split_documents",
    "to_plain",
]


# -- YAML as kubectl reads it ----------------------------------------------------------------
# go-yaml v2 (sigs.k8s.io/yaml/goyaml.v2 resolve.go `resolve`): YAML 1.1 booleans including
# y/n, ints through strconv.ParseInt(s, 0, 64) (0x, 0o, 0b, leading-0 octal), no base-60
# ("purposefully unsupported"), and timestamps decoded into interface{} stay strings
# (decode.go). ruamel's own 1.1 rules add base 60, timestamps and the `=` value tag: dropped.
_INT_11 = RegExp(r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0o?[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+)$""", re.X)
_FLOAT_11 = RegExp(r"""^(?:
     [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""", re.X)
_REPLACED = {"tag:yaml.org,2002:int": _INT_11, "tag:yaml.org,2002:float": _FLOAT_11}
_DROPPED = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value", "tag:yaml.org,2002:yaml")
_KUBECTL_VERSION = (1, 1)


class KubectlResolver(VersionedResolver):
    """YAML 1.1 resolution as go-yaml v2 does it, unless a document says ``%YAML 1.2``."""

    @property
    def processing_version(self) -> Any:
        try:
            version = self.loadumper._scanner.yaml_version
        except AttributeError:
            version = None
        return tuple(version) if version else _KUBECTL_VERSION

    @property
    def versioned_resolver(self) -> Any:
        version = self.processing_version
        if version != _KUBECTL_VERSION:
            return super().versioned_resolver
        if version not in self._version_implicit_resolver:
            for versions, tag, regexp, first in implicit_resolvers:
                if version not in versions or tag in _DROPPED:
                    continue
                self.add_version_implicit_resolver(version, tag, _REPLACED.get(tag, regexp),
                                                   first)
        return self._version_implicit_resolver[version]


def new_yaml() -> YAML:
    """A round-trip YAML instance with the kubectl resolution rules (for loading and dumping)."""
    yaml = YAML(typ="rt")
    yaml.Resolver = KubectlResolver
    yaml.preserve_quotes = True
    yaml.brace_single_entry_mapping_in_flow_sequence = True  # [{a: b}] stays as written
    return yaml


# -- JSON paths -------------------------------------------------------------------------------
_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*$")


def json_path(path: Sequence[str | int]) -> str:
    """``("steps", 2, "scale", "replicas")`` -> ``$.steps[2].scale.replicas``."""
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT.match(part):
            out += f".{part}"
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            out += f'["{escaped}"]'
    return out


# -- plain data -----------------------------------------------------------------------------
def _plain_key(key: Any) -> str:
    # sigs.k8s.io/yaml yaml.go convertToJSONableObject: int/float/bool keys become text.
    if isinstance(key, str):
        return str(key)
    if key is None:
        return "null"
    if isinstance(key, bool | ScalarBoolean):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(int(key))
    if isinstance(key, float):
        value = float(key)
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        return format(value, "g")
    return str(key)


def _plain_scalar(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, ScalarBoolean):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, TaggedScalar):
        return None if value.value is None else str(value.value)
    if isinstance(value, _dt.datetime | _dt.date):
        # only with an explicit !!timestamp tag; into interface{} go-yaml keeps the text
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def to_plain(node: Any) -> Any:
    """A ruamel round-trip tree -> plain dict/list/str/int/float/bool/None (JSON-shaped)."""
    return _Walker(None).convert(node, ())


class _Walker:
    """Converts a tree to plain data and records positions on the way."""

    def __init__(self, doc: LoadedDocument | None, line_offset: int = 0) -> None:
        self.doc = doc
        self.offset = line_offset
        self.active: list[int] = []

    def _pos(self, pair: Any) -> Position | None:
        if pair is None:
            return None
        line, col = pair[0], pair[1]
        if line is None or col is None:
            return None
        return (line + 1 + self.offset, col + 1)

    def _record(self, table: str, path: JsonPath, pos: Position | None) -> None:
        if self.doc is not None and pos is not None:
            getattr(self.doc, table).setdefault(path, pos)

    def convert(self, node: Any, path: JsonPath, here: Position | None = None) -> Any:
        if isinstance(node, dict | list) and id(node) in self.active:
            raise ScenarioError("an alias refers to the node that contains it",
                                file=self.doc.file if self.doc else None,
                                line=here[0] if here else None, column=here[1] if here else None,
                                path=json_path(path))
        if isinstance(node, dict):
            self.active.append(id(node))
            try:
                return self._mapping(node, path, here)
            finally:
                self.active.pop()
        if isinstance(node, list):
            self.active.append(id(node))
            try:
                return self._sequence(node, path, here)
            finally:
                self.active.pop()
        if isinstance(node, set):
            return {_plain_key(k): None for k in sorted(node, key=str)}
        return _plain_scalar(node)

    def _mapping(self, node: dict, path: JsonPath, here: Position | None) -> dict:
        out: dict[str, Any] = {}
        lc = getattr(node, "lc", None)
        for key, value in node.items():
            name = _plain_key(key)
            child = (*path, name)
            key_pos = value_pos = None
            if lc is not None:
                try:
                    key_pos = self._pos(lc.key(key))
                    value_pos = self._pos(lc.value(key))
                except (KeyError, TypeError, AttributeError):
                    pass  # merged (<<) keys have no position of their own
            key_pos = key_pos or here
            if value is None or value_pos is None:
                # ruamel places an empty value on the next line: point at its key instead
                value_pos = key_pos
            self._record("keys", child, key_pos)
            self._record("values", child, value_pos)
            out[name] = self.convert(value, child, value_pos)
        return out

    def _sequence(self, node: list, path: JsonPath, here: Position | None) -> list:
        out = []
        lc = getattr(node, "lc", None)
        for index, value in enumerate(node):
            child = (*path, index)
            pos = None
            if lc is not None:
                try:
                    pos = self._pos(lc.item(index))
                except (KeyError, TypeError, AttributeError):
                    pos = None
            pos = pos or here
            self._record("values", child, pos)
            out.append(self.convert(value, child, pos))
        return out


# -- documents ------------------------------------------------------------------------------
@dataclass(eq=False)
class LoadedDocument:
    """One ``---`` document of a file: its round-trip tree, plain data and positions."""

    file: str
    index: int  # 0-based, among all documents of the file (empty ones included)
    start_line: int  # 1-based line where the document's text starts
    text: str  # the document's own source text (the file is the concatenation of these)
    node: Any = None  # ruamel CommentedMap/CommentedSeq/scalar; None for an empty document
    data: Any = None  # plain JSON-shaped data
    error: ScenarioError | None = None  # a YAML syntax error in this document
    values: dict[JsonPath, Position] = field(default_factory=dict, repr=False)
    keys: dict[JsonPath, Position] = field(default_factory=dict, repr=False)

    @property
    def empty(self) -> bool:
        """Only comments or white space (e.g. after a trailing ``---``)."""
        return self.error is None and self.node is None

    @property
    def line(self) -> int:
        """The line of the document's first value (or of its text if it has none)."""
        return self.values.get((), (self.start_line, 1))[0]

    def _nearest(self, table: dict[JsonPath, Position], path: Sequence[str | int]) -> Position:
        path = tuple(path)
        while path:
            if path in table:
                return table[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (self.start_line, 1))

    def position(self, path: Sequence[str | int]) -> Position:
        """1-based (line, column) of the value at ``path`` (or of its nearest ancestor)."""
        return self._nearest(self.values, path)

    def key_position(self, path: Sequence[str | int]) -> Position:
        """Where the key of ``path`` is written; the value's position for list items."""
        return self._nearest(self.keys, path)

    def node_at(self, path: Sequence[str | int]) -> Any:
        """The round-trip node at ``path`` (to rewrite it in place, keeping comments)."""
        node = self.node
        for part in path:
            if isinstance(node, dict):
                for key in node:
                    if _plain_key(key) == part:
                        node = node[key]
                        break
                else:
                    raise KeyError(json_path(path))
            else:
                node = node[part]
        return node

    def raw_scalar(self, path: Sequence[str | int]) -> str | None:
        """The source text of a plain (unquoted) scalar, e.g. ``1.20`` where YAML read 1.2."""
        pos = self.values.get(tuple(path))
        if pos is None:
            return None
        lines = self.text.splitlines()
        index = pos[0] - self.start_line
        if not 0 <= index < len(lines):
            return None
        rest = lines[index][pos[1] - 1:]
        if rest[:1] in ("'", '"'):
            end = rest.find(rest[0], 1)
            return rest[1:end] if end > 0 else None
        match = re.match(r"[^\s,\]}#]+(?:[ \t]+[^\s,\]}#]+)*", rest)
        return match.group(0) if match else None

    def error_at(self, path: Sequence[str | int], message: str, *, key: bool = False
                 ) -> ScenarioError:
        """A ScenarioError pointing at ``path`` in this document."""
        line, column = self.key_position(path) if key else self.position(path)
        return ScenarioError(message, file=self.file, line=line, column=column,
                             path=json_path(path))


@dataclass(eq=False)
class LoadedFile:
    """A whole file: its text and its documents, in order."""

    path: str
    text: str
    documents: list[LoadedDocument]

    def render(self, changed: Iterable[int] = ()) -> str:
        """The file's text with the documents whose index is in ``changed`` dumped again from
        their (edited) round-trip trees; every other document is kept byte for byte."""
        redo = set(changed)
        return "".join(dump_document(doc) if doc.index in redo else doc.text
                       for doc in self.documents)


# -- splitting a stream into documents ------------------------------------------------------
_MARKER = re.compile(r"^(---|\.\.\.)(?=[ \t\r\n]|$)")
_NOT_CONTENT = re.compile(r"^\s*(#.*)?$|^%")


def split_documents(text: str) -> list[tuple[int, str]]:
    """``(0-based first line, text)`` per document. A line starting with ``---`` or ``...``
    at column 0 always ends a document (YAML 1.2 §9.1, also inside block scalars), so the
    split needs no parsing; leading comments and directives stay with the next document."""
    chunks: list[tuple[int, str]] = []
    lines = text.splitlines(keepends=True)
    start, current = 0, []
    has_content = has_marker = False
    for number, line in enumerate(lines):
        marker = _MARKER.match(line)
        if marker and marker.group(1) == "---":
            if has_content or has_marker:
                chunks.append((start, "".join(current)))
                start, current, has_content = number, [], False
            current.append(line)
            has_marker = True
            if line[3:].strip() and not line[3:].strip().startswith("#"):
                has_content = True
            continue
        current.append(line)
        if marker:  # "..." ends the document; the next one starts on the next line
            chunks.append((start, "".join(current)))
            start, current, has_content, has_marker = number + 1, [], False, False
            continue
        if not _NOT_CONTENT.match(line):
            has_content = True
    if current or not chunks:
        chunks.append((start, "".join(current)))
    return chunks


def _syntax_error(exc: YAMLError, file: str, offset: int, prefix: str = "") -> ScenarioError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).strip().splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"invalid YAML: {problem}"
    context_mark = getattr(exc, "context_mark", None)
    if context and context_mark is not None and context_mark is not mark:
        message += f" ({context} started at line {context_mark.line + 1 + offset})"
    if mark is None:
        return ScenarioError(prefix + message, file=file, line=offset + 1)
    return ScenarioError(prefix + message, file=file, line=mark.line + 1 + offset,
                         column=mark.column + 1)


def load_text(text: str, file: str = "<string>") -> LoadedFile:
    """Parse ``text`` (a whole file) into its documents; never raises for bad YAML: a
    document with a syntax error carries it in ``error``."""
    if text.startswith("\ufeff"):
        text = text[1:]
    documents = []
    for index, (first_line, chunk) in enumerate(split_documents(text)):
        doc = LoadedDocument(file=file, index=index, start_line=first_line + 1, text=chunk)
        try:
            with warnings.catch_warnings():
                # ruamel's style advice (1.1 float mantissas, reused anchors) is not ours to
                # give: kubectl accepts those documents silently
                warnings.simplefilter("ignore")
                node = new_yaml().load(chunk)
        except MarkedYAMLError as exc:
            doc.error = _syntax_error(exc, file, first_line)
        except YAMLError as exc:
            doc.error = _syntax_error(exc, file, first_line)
        else:
            doc.node = node
            walker = _Walker(doc, first_line)
            if isinstance(node, CommentedMap | CommentedSeq) and node.lc.line is not None:
                root = (node.lc.line + 1 + first_line, node.lc.col + 1)
            else:
                root = (first_line + 1, 1)
            doc.values[()] = root
            try:
                doc.data = walker.convert(node, (), root)
            except ScenarioError as exc:
                doc.error = exc
                doc.data = None
        documents.append(doc)
    return LoadedFile(path=file, text=text, documents=documents)


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig")


def load_file(path: str | Path) -> LoadedFile:
    """Load a scenario file. An unreadable file raises ScenarioError; bad YAML does not (see
    ``LoadedDocument.error``)."""
    file = str(path)
    try:
        text = _read(Path(path))
    except OSError as exc:
        raise ScenarioError(f"cannot read the file: {exc.strerror or exc}", file=file) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})",
                            file=file) from None
    return load_text(text, file)


def load_manifest_file(reference: str, *, scenario_file: str, line: int | None = None,
                       column: int | None = None, path: str | None = None
                       ) -> list[LoadedDocument]:
    """The non-empty documents of a manifest file named by ``{file: ...}`` in a scenario,
    relative to the scenario file's folder. A missing file, bad YAML, or a document that is
    not a mapping raises ScenarioError at the reference (scenario file, line, column, path),
    naming the manifest file (and the line in it)."""
    target = Path(reference)
    if not target.is_absolute():
        target = Path(scenario_file).parent / target

    def fail(detail: str) -> ScenarioError:
        return ScenarioError(detail, file=scenario_file, line=line, column=column, path=path)

    try:
        text = _read(target)
    except FileNotFoundError:
        raise fail(f'manifest file "{reference}" not found (looked for {target})') from None
    except IsADirectoryError:
        raise fail(f'manifest file "{reference}" is a folder ({target}); name a file') from None
    except OSError as exc:
        raise fail(f'cannot read manifest file "{reference}" ({target}): '
                   f"{exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise fail(f'manifest file "{reference}" ({target}) is not UTF-8 text') from None
    loaded = load_text(text, str(target))
    documents = []
    for doc in loaded.documents:
        if doc.error is not None:
            raise fail(f"in manifest file {doc.error.render()}")
        if doc.empty:
            continue
        if not isinstance(doc.data, dict):
            where = f"{target}:{doc.line}"
            raise fail(f"in manifest file {where}: a manifest must be a mapping "
                       f"(apiVersion, kind, metadata), got {describe_type(doc.data)}")
        documents.append(doc)
    return documents


def describe_type(value: Any) -> str:
    """``a mapping``, ``a list``, ``the text "x"``... for messages."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f'the text "{value}"'


# -- dumping (for rewrites that keep comments) ----------------------------------------------
def _guess_indent(text: str) -> tuple[int, int]:
    """(mapping indent, sequence dash offset) as the document writes them."""
    mapping = offset = None
    lines = [ln.rstrip("\n") for ln in text.splitlines() if ln.strip() and
             not ln.lstrip().startswith("#")]
    for previous, line in zip(lines, lines[1:], strict=False):
        if not previous.rstrip().endswith(":"):
            continue
        parent = len(previous) - len(previous.lstrip(" "))
        if previous.lstrip().startswith("- "):
            parent += 2
        child = len(line) - len(line.lstrip(" "))
        if child <= parent and not line.lstrip().startswith("- "):
            continue
        if line.lstrip().startswith("- "):
            if offset is None:
                offset = max(child - parent, 0)
        elif mapping is None:
            mapping = child - parent
        if mapping is not None and offset is not None:
            break
    return mapping or 2, offset if offset is not None else 0


def dump_document(doc: LoadedDocument) -> str:
    """The document's round-trip tree written back as YAML with the same resolution rules and
    indentation; the lines before its first content (comments, ``---``) are kept verbatim."""
    lines = doc.text.splitlines(keepends=True)
    head = []
    for line in lines:
        rest = line[3:].strip()
        if _NOT_CONTENT.match(line) or (_MARKER.match(line) and (not rest or rest[0] == "#")):
            head.append(line)
            continue
        break
    mapping, offset = _guess_indent(doc.text)
    yaml = new_yaml()
    yaml.version = _KUBECTL_VERSION  # octal ints keep their leading 0
    yaml.indent(mapping=mapping, sequence=mapping + offset, offset=offset)
    yaml.width = 4096
    node = doc.node
    saved = getattr(node, "ca", None) and node.ca.comment
    if saved:
        node.ca.comment = None  # the head lines carry them
    try:
        buffer = io.StringIO()
        yaml.dump(node, buffer)
    finally:
        if saved:
            node.ca.comment = saved
    body = buffer.getvalue().splitlines(keepends=True)
    while body and (body[0].startswith("%YAML") or body[0].rstrip() == "---"):
        body.pop(0)
    out = "".join(head) + "".join(body)
    if doc.text and not doc.text.endswith("\n"):
        out = out.rstrip("\n")
    return out
