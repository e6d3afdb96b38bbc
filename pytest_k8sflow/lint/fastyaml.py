"""A faster road to the scenario loader's result, for plain manifest documents.

``pytest_k8sflow.scenario.loader.load_text`` reads YAML with ruamel.yaml's round-trip parser,
which is written in Python: about 3 ms for a 25-line Deployment, most of a lint run. Lint never
rewrites a file, so it does not need the round-trip tree, only the plain data and the
positions. This module gets exactly those from libyaml's C parser (the event stream of PyYAML's
``CSafeLoader``, shipped with kubernetes-validate's PyYAML dependency), and uses
``load_text`` itself for anything it is not sure to read the same way:

* scalars are resolved by the loader's own ``KubectlResolver`` (kubectl's YAML 1.1 rules);
  only ``null``, ``true``/``false``, decimal integers and plain decimal floats are converted
  here, and a document holding any other non-string scalar (``yes``, ``0644``, ``1e3``...) is
  left to ``load_text``;
* anchors, aliases, merge keys, explicit tags, directives, duplicate keys, non-text keys and
  documents that are not mappings are left to ``load_text`` too, as is any parse error (so
  error messages are the loader's).

When any document of a file needs ``load_text``, the whole file is read by it. The result is
a ``LoadedFile`` whose documents have the same ``data``, ``values``, ``keys``, ``start_line``,
``index`` and ``text`` as ``load_text`` gives (tests/test_lint_fastyaml.py checks this on a
corpus); ``node`` holds the plain data instead of a ruamel tree.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml.nodes import ScalarNode as _RuamelScalar

from pytest_k8sflow.scenario.loader import (
    KubectlResolver,
    LoadedDocument,
    LoadedFile,
    load_text,
    split_documents,
)

try:  # libyaml bindings; without them everything goes through load_text
    import yaml as _yaml
    from yaml import events as _ev

    _CLoader = _yaml.CSafeLoader
except (ImportError, AttributeError):  # pragma: no cover - PyYAML without libyaml
    _CLoader = None

__all__ = ["available", "load_text_fast"]

_STR = "tag:yaml.org,2002:str"
_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?[0-9]+\.[0-9]+$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
         "FALSE": False}


class _Bail(Exception):
    """Leave this file to load_text."""


def available() -> bool:
    return _CLoader is not None


class _Scalars:
    """Plain scalar -> Python value, memoised (manifests repeat the same words a lot)."""

    def __init__(self) -> None:
        self.resolver = KubectlResolver()
        self.memo: dict[str, Any] = {}

    def plain(self, text: str) -> Any:
        try:
            return self.memo[text]
        except KeyError:
            pass
        tag = str(self.resolver.resolve(_RuamelScalar, text, (True, False)))
        if tag == _STR:
            value: Any = text
        elif tag == "tag:yaml.org,2002:null":
            value = None
        elif tag == "tag:yaml.org,2002:bool" and text in _BOOL:
            value = _BOOL[text]
        elif tag == "tag:yaml.org,2002:int" and _INT.match(text):
            value = int(text)
        elif tag == "tag:yaml.org,2002:float" and _FLOAT.match(text):
            value = float(text)
        else:
            raise _Bail(text)
        self.memo[text] = value
        return value


_SCALARS: _Scalars | None = None


def _scalars() -> _Scalars:
    global _SCALARS
    if _SCALARS is None:
        _SCALARS = _Scalars()
    return _SCALARS


def _document(chunk: str, file: str, index: int, first_line: int) -> LoadedDocument:
    scalars = _scalars()
    doc = LoadedDocument(file=file, index=index, start_line=first_line + 1, text=chunk)
    values = doc.values
    keys = doc.keys
    off = first_line + 1
    stack: list[tuple[Any, tuple, Any]] = []  # (container, path, pending key or index)
    root: Any = None
    documents = 0
    for event in _yaml.parse(chunk, Loader=_CLoader):
        kind = type(event)
        if kind is _ev.ScalarEvent or kind is _ev.MappingStartEvent or \
                kind is _ev.SequenceStartEvent:
            if event.anchor is not None:
                raise _Bail("anchor")
            mark = event.start_mark
            pos = (mark.line + off, mark.column + 1)
            if kind is _ev.ScalarEvent:
                if event.tag is not None and event.tag != "!":
                    raise _Bail("tag")
                value: Any = scalars.plain(event.value) if not event.style else \
                    event.value
            else:
                if event.tag is not None:
                    raise _Bail("tag")
                value = {} if kind is _ev.MappingStartEvent else []
            if not stack:
                if kind is not _ev.MappingStartEvent:
                    raise _Bail("not a mapping")
                root = value
                values[()] = pos
                stack.append((value, (), None))
                continue
            container, path, pending = stack[-1]
            if isinstance(container, dict):
                if pending is None:  # this is a key
                    if kind is not _ev.ScalarEvent or not isinstance(value, str) or \
                            value == "<<" or value in container:
                        raise _Bail("key")
                    stack[-1] = (container, path, (value, pos))
                    continue
                key, key_pos = pending
                child = (*path, key)
                keys.setdefault(child, key_pos)
                if kind is _ev.ScalarEvent and value is None:
                    pos = key_pos  # the loader points an empty value at its key
                values.setdefault(child, pos)
                container[key] = value
                stack[-1] = (container, path, None)
            else:
                child = (*path, len(container))
                values.setdefault(child, pos)
                container.append(value)
            if kind is not _ev.ScalarEvent:
                stack.append((value, child, None))
        elif kind is _ev.MappingEndEvent or kind is _ev.SequenceEndEvent:
            stack.pop()
        elif kind is _ev.AliasEvent:
            raise _Bail("alias")
        elif kind is _ev.DocumentStartEvent:
            documents += 1
            if documents > 1 or event.version is not None or event.tags:
                raise _Bail("directive")
    if root is None:
        raise _Bail("empty")
    doc.node = root
    doc.data = root
    return doc


def _no_content(line: str) -> bool:
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return True
    if line.startswith(("---", "...")):
        rest = line[3:].strip()
        return not rest or rest.startswith("#")
    return False


def load_text_fast(text: str, file: str = "<string>") -> LoadedFile:
    """``load_text(text, file)``, faster for plain manifests (see the module docstring)."""
    if _CLoader is None:
        return load_text(text, file)
    if text.startswith("\ufeff"):
        text = text[1:]
    documents = []
    try:
        for index, (first_line, chunk) in enumerate(split_documents(text)):
            if "\t" in chunk:
                raise _Bail("tab")  # ruamel and libyaml disagree on tabs as separators
            if all(_no_content(line) for line in chunk.splitlines()):
                # empty or comment-only: what load_text makes of it (no node, no data)
                empty = LoadedDocument(file=file, index=index, start_line=first_line + 1,
                                       text=chunk)
                empty.values[()] = (first_line + 1, 1)
                documents.append(empty)
                continue
            documents.append(_document(chunk, file, index, first_line))
    except (_Bail, _yaml.YAMLError, RecursionError):
        return load_text(text, file)
    return LoadedFile(path=file, text=text, documents=documents)
