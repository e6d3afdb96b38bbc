"""Read what is to be linted: files, folders and stdin, each a multi-document YAML stream.

Documents are read by ``pytest_k8sflow.scenario.loader`` (kubectl's YAML rules, positions of
every key and value), so a finding can name the line and column of any field. What comes out:

* the plain manifests of the run, which form one ``LintSet`` (the objects of one cluster);
* for every scenario file (``*.k8sflow.yaml``), one ``LintSet`` per scenario: its ``given``
  manifests (inline or ``{file: ...}``) and its ``cluster.nodes``, linted for its own
  ``cluster.kubernetesVersion``, plus the scenario schema's own findings;
* file-level findings: unreadable files, YAML syntax errors (file and line, no traceback),
  documents that are not manifests.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_k8sflow.engine.nodes import node_manifest
from pytest_k8sflow.errors import ScenarioError
from pytest_k8sflow.lint.fastyaml import load_text_fast
from pytest_k8sflow.lint.model import Finding, LintSet, Manifest
from pytest_k8sflow.lint.rules.files import (
    NOT_A_MANIFEST,
    SCENARIO_SCHEMA,
    file_finding,
    syntax_finding,
)
from pytest_k8sflow.lint.schema import IDENTITY, UnsupportedVersion, parse_version
from pytest_k8sflow.scenario.loader import (
    LoadedDocument,
    LoadedFile,
    describe_type,
    json_path,
    load_text,
)
from pytest_k8sflow.scenario.validate import duplicate_name_errors, validate_document

__all__ = [
    "MANIFEST_SUFFIXES",
    "SCENARIO_PATTERNS",
    "LoadResult",
    "discover",
    "is_scenario_file",
    "load_inputs",
    "read_text",
]

MANIFEST_SUFFIXES = (".yaml", ".yml")
SCENARIO_PATTERNS = ("*.k8sflow.yaml", "*.k8sflow.yml")
CONFIG_NAMES = (".k8sflow-lint.yaml", ".k8sflow-lint.yml")
STDIN = "-"
DEFAULT_SCENARIO_NODES = 3  # as scenario.model.DEFAULT_NODE_COUNT / Cluster(nodes=3)


def is_scenario_file(path: str) -> bool:
    name = os.path.basename(path)
    return any(fnmatch.fnmatch(name, pattern) for pattern in SCENARIO_PATTERNS)


@dataclass
class LoadResult:
    """Everything read for one lint run."""

    sets: list[LintSet] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # file-level findings
    files: list[str] = field(default_factory=list)  # every file read, in order
    unreadable: bool = False  # a file could not be read or a document is not YAML

    @property
    def manifests(self) -> list[Manifest]:
        return [m for s in self.sets for m in s.manifests]


def discover(paths: Sequence[str]) -> tuple[list[tuple[str, bool]], list[Finding]]:
    """The files to lint, as (path, named explicitly), in a stable order: each argument in
    turn, folders walked in sorted order (hidden entries and our config file skipped). A
    missing path is a finding."""
    out: list[tuple[str, bool]] = []
    findings: list[Finding] = []
    seen: set[str] = set()

    def add(path: str, explicit: bool) -> None:
        key = path if path == STDIN else os.path.normpath(path)
        if key not in seen:
            seen.add(key)
            out.append((path, explicit))

    for raw in paths:
        if raw == STDIN:
            add(STDIN, True)
            continue
        path = Path(raw)
        if path.is_dir():
            found = []
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if name.startswith(".") or name in CONFIG_NAMES:
                        continue
                    if name.endswith(MANIFEST_SUFFIXES):
                        found.append(os.path.join(root, name))
            if not found:
                findings.append(file_finding(raw, "no YAML files (*.yaml, *.yml) in this "
                                                  "folder"))
            for file in found:
                add(file, False)
        elif path.is_file():
            add(raw, True)
        else:
            findings.append(file_finding(raw, "no such file or folder"))
    return out, findings


def read_text(path: str, stdin_text: str | None = None) -> str:
    """The text of a file (``-``: stdin), UTF-8 with an optional BOM. Raises OSError or
    UnicodeDecodeError."""
    if path == STDIN:
        if stdin_text is not None:
            return stdin_text
        import sys

        data = sys.stdin.buffer.read()
        return data.decode("utf-8-sig")
    return Path(path).read_bytes().decode("utf-8-sig")


def _read_error(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})"
    if isinstance(exc, IsADirectoryError):
        return "is a folder; name a file"
    if isinstance(exc, OSError):
        return f"cannot read the file: {exc.strerror or exc}"
    return str(exc)  # pragma: no cover


def _expand(data: dict) -> list[tuple[tuple, Any]]:
    """A ``kind: List`` (or any ``*List`` with ``items``) stands for its items.
    k8s.io/cli-runtime pkg/resource/visitor.go FlattenListVisitor."""
    kind = data.get("kind")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(data.get("items"), list):
        return [(("items", i), item) for i, item in enumerate(data["items"])]
    return [((), data)]


class _Loader:
    def __init__(self, version: str, stdin_text: str | None) -> None:
        self.version = version
        self.stdin_text = stdin_text
        self.result = LoadResult()
        self.plain: list[Manifest] = []
        self._cache: dict[str, LoadedFile | Exception] = {}

    # -- reading ---------------------------------------------------------------------------
    def load(self, path: str, *, scenario: bool = False) -> LoadedFile | Exception:
        key = path if path == STDIN else os.path.normpath(os.path.abspath(path))
        if key not in self._cache:
            try:
                text = read_text(path, self.stdin_text)
            except (OSError, UnicodeDecodeError) as exc:
                self._cache[key] = exc
            else:
                name = "<stdin>" if path == STDIN else path
                # scenario documents keep their round-trip trees (the scenario validator's
                # business); manifests only need data and positions
                self._cache[key] = load_text(text, name) if scenario else \
                    load_text_fast(text, name)
        return self._cache[key]

    def documents(self, loaded: LoadedFile, set_name: str = "") -> Iterable[LoadedDocument]:
        for doc in loaded.documents:
            if doc.error is not None:
                self.result.findings.append(syntax_finding(doc.error, set_name))
                self.result.unreadable = True
                continue
            if doc.empty:
                continue
            yield doc

    # -- plain manifest files ------------------------------------------------------------------
    def manifest_file(self, path: str, explicit: bool) -> None:
        loaded = self.load(path)
        if isinstance(loaded, Exception):
            self.result.findings.append(file_finding(path, _read_error(loaded)))
            self.result.unreadable = True
            return
        self.result.files.append(loaded.path)
        for doc in self.documents(loaded):
            self.plain.extend(self.manifests_of(doc, (), doc.data, explicit=explicit))

    def manifests_of(self, doc: LoadedDocument, at: tuple, data: Any, *, explicit: bool,
                     set_name: str = "", in_scenario: bool = False,
                     version: str | None = None) -> list[Manifest]:
        version = version or self.version
        if not isinstance(data, dict):
            if not explicit and not in_scenario:
                self._not_a_manifest(doc, at, f"the document is {describe_type(data)}, not a "
                                              "mapping: not a Kubernetes manifest, skipped")
                return []
            # an explicitly named file: a manifest is expected here
            self._identity(doc, at, f"a manifest must be a mapping (apiVersion, kind, "
                                    f"metadata), got {describe_type(data)}", set_name)
            return []
        out = []
        for sub, item in _expand(data):
            where = (*at, *sub)
            if not isinstance(item, dict):
                self._identity(doc, where, "a manifest must be a mapping (apiVersion, kind, "
                                           f"metadata), got {describe_type(item)}", set_name)
                continue
            if "apiVersion" not in item and "kind" not in item and not explicit and \
                    not in_scenario:
                self._not_a_manifest(doc, where, "no apiVersion and no kind: not a "
                                                 "Kubernetes manifest, skipped")
                continue
            out.append(Manifest(data=item, doc=doc, at=where, set_name=set_name,
                                explicit=explicit, in_scenario=in_scenario, version=version))
        return out

    def _identity(self, doc: LoadedDocument, at: tuple, message: str, set_name: str) -> None:
        line, column = doc.position(at)
        self.result.findings.append(Finding(
            rule=IDENTITY.id, severity=IDENTITY.severity, file=doc.file, line=line,
            column=column, path=json_path(at), object="", message=message, why=IDENTITY.why,
            set_name=set_name))

    def _not_a_manifest(self, doc: LoadedDocument, at: tuple, message: str) -> None:
        line, column = doc.position(at)
        self.result.findings.append(Finding(
            rule=NOT_A_MANIFEST.id, severity=NOT_A_MANIFEST.severity, file=doc.file,
            line=line, column=column, path=json_path(at), object="", message=message,
            why=NOT_A_MANIFEST.why))

    # -- scenario files ------------------------------------------------------------------------
    def scenario_file(self, path: str) -> None:
        loaded = self.load(path, scenario=True)
        if isinstance(loaded, Exception):
            self.result.findings.append(file_finding(path, _read_error(loaded)))
            self.result.unreadable = True
            return
        self.result.files.append(loaded.path)
        duplicates = duplicate_name_errors(loaded.documents)
        for doc in self.documents(loaded):
            problems = list(validate_document(doc))
            if doc.index in duplicates:
                problems.append(duplicates[doc.index])
            for problem in problems:
                self.result.findings.append(_scenario_finding(problem))
            if isinstance(doc.data, dict):
                self.scenario(doc)

    def scenario(self, doc: LoadedDocument) -> None:
        data = doc.data
        name = data.get("name") if isinstance(data.get("name"), str) else \
            f"document {doc.index + 1}"
        cluster = data.get("cluster") if isinstance(data.get("cluster"), dict) else {}
        version = self._scenario_version(doc, cluster)
        nodes = _scenario_nodes(cluster.get("nodes", DEFAULT_SCENARIO_NODES), version)
        manifests: list[Manifest] = []
        given = data.get("given")
        for index, entry in enumerate(given if isinstance(given, list) else ()):
            at = ("given", index)
            if isinstance(entry, dict) and set(entry) == {"file"} and \
                    isinstance(entry["file"], str):
                manifests.extend(self._given_file(doc, at, entry["file"], name, version))
            elif isinstance(entry, dict):
                manifests.extend(self.manifests_of(doc, at, entry, explicit=True,
                                                   set_name=name, in_scenario=True,
                                                   version=version))
        self.result.sets.append(LintSet(name=name, manifests=manifests, version=version,
                                        nodes=nodes, in_scenario=True, scenario_file=doc.file))

    def _scenario_version(self, doc: LoadedDocument, cluster: dict) -> str:
        value = cluster.get("kubernetesVersion")
        if value is None:
            return self.version
        if not isinstance(value, str):
            # YAML read 1.20 as the number 1.2: take the text as written
            value = doc.raw_scalar(("cluster", "kubernetesVersion")) or str(value)
        try:
            major, minor = parse_version(value)
        except UnsupportedVersion:
            return self.version  # the scenario schema reports it
        return f"{major}.{minor}"

    def _given_file(self, doc: LoadedDocument, at: tuple, reference: str, name: str,
                    version: str) -> list[Manifest]:
        target = Path(reference)
        if not target.is_absolute():
            target = Path(doc.file).parent / target
        loaded = self.load(str(target))
        if isinstance(loaded, Exception):
            line, column = doc.position((*at, "file"))
            self.result.findings.append(file_finding(
                doc.file, f'manifest file "{reference}" ({target}): {_read_error(loaded)}',
                line=line, column=column, path=json_path((*at, "file"))))
            self.result.unreadable = True
            return []
        out = []
        for manifest_doc in self.documents(loaded, name):
            out.extend(self.manifests_of(manifest_doc, (), manifest_doc.data, explicit=True,
                                         set_name=name, in_scenario=True, version=version))
        return out

    def finish(self) -> LoadResult:
        if self.plain:
            self.result.sets.insert(0, LintSet(name="", manifests=self.plain,
                                               version=self.version))
        return self.result


def _scenario_finding(error: ScenarioError) -> Finding:
    return Finding(rule=SCENARIO_SCHEMA.id, severity=SCENARIO_SCHEMA.severity,
                   file=error.file or "<unknown>", line=error.line or 1,
                   column=error.column or 1, path=error.path or "", object="",
                   message=error.detail, why=SCENARIO_SCHEMA.why)


def _scenario_nodes(value: Any, version: str) -> list[dict]:
    """The scenario's nodes as the engine registers them (engine.nodes.node_manifest)."""
    if isinstance(value, bool) or not isinstance(value, int | list):
        value = DEFAULT_SCENARIO_NODES
    specs = [{"name": f"node-{i}"} for i in range(1, value + 1)] if isinstance(value, int) \
        else value
    out = []
    for index, spec in enumerate(specs):
        if not isinstance(spec, dict):
            continue
        try:
            out.append(node_manifest(spec, index, version, 0))
        except (KeyError, TypeError, AttributeError, ValueError):
            continue  # a malformed node: the scenario schema reports it
    return out


def load_inputs(paths: Sequence[str], *, version: str,
                stdin_text: str | None = None) -> LoadResult:
    """Read every path (``-`` is stdin) into lint sets and file-level findings."""
    files, findings = discover(paths)
    loader = _Loader(version, stdin_text)
    loader.result.findings.extend(findings)
    if findings:
        loader.result.unreadable = True
    for path, explicit in files:
        if path != STDIN and is_scenario_file(path):
            loader.scenario_file(path)
        else:
            loader.manifest_file(path, explicit)
    return loader.finish()


def load_texts(texts: Sequence[tuple[str, str]], *, version: str) -> LoadResult:
    """Lint sets from in-memory ``(file name, text)`` pairs (tests, editors, stdin)."""
    loader = _Loader(version, None)
    for name, text in texts:
        loaded = load_text(text, name) if is_scenario_file(name) else \
            load_text_fast(text, name)
        loader._cache[os.path.normpath(os.path.abspath(name))] = loaded
        if is_scenario_file(name):
            loader.scenario_file(name)
        else:
            loader.manifest_file(name, True)
    return loader.finish()
