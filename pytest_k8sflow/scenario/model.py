"""The scenario model the runner uses: frozen dataclasses built from validated documents.

``parse_scenarios(path)`` returns one entry per scenario document of a file, in order: a
``Scenario``, or an ``InvalidScenario`` carrying every problem of that document, so that one
bad document does not stop the others of the same file.

Values are plain JSON-shaped data (dicts, lists, str, int, float, bool, None), shared with
the model: treat them as read-only. Each scenario keeps its loaded document (``source``), and
each expectation its round-trip node (``node``), for rewrites that keep comments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_k8sflow.engine.timeutil import DEFAULT_START, parse_duration, parse_time
from pytest_k8sflow.errors import ScenarioError
from pytest_k8sflow.scenario.loader import (
    JsonPath,
    LoadedDocument,
    json_path,
    load_file,
    load_manifest_file,
    load_text,
)
from pytest_k8sflow.scenario.validate import (
    ACTION_KEYS,
    duplicate_name_errors,
    step_actions,
    validate_document,
    validate_manifest,
)

__all__ = [
    "ACTIONS",
    "DEFAULT_NODE_COUNT",
    "DEFAULT_UNTIL_WITHIN",
    "EXPECTATION_KINDS",
    "ClusterSpec",
    "Expectation",
    "GivenItem",
    "InvalidScenario",
    "Mark",
    "Scenario",
    "ScenarioOrError",
    "Step",
    "build_scenario",
    "expectation_kind",
    "parse_scenarios",
    "parse_scenarios_text",
]

ACTIONS = (*ACTION_KEYS, "expect")
EXPECTATION_KINDS = ("object", "count", "all", "absent", "events", "kubectl", "files", "dns")
# Same default as Cluster(nodes=3): the contract leaves the count open when `nodes` is absent.
DEFAULT_NODE_COUNT = 3
# `until` without `within` (an addition: the contract always writes it) gives up after this.
DEFAULT_UNTIL_WITHIN = "10m"


@dataclass(frozen=True)
class Mark:
    """A pytest mark: ``slow`` -> Mark("slow"); ``{xfail: {reason: r}}`` -> kwargs;
    ``{skip: r}`` -> args (r,); ``{name: [a, b]}`` -> args (a, b)."""

    name: str
    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ClusterSpec:
    """``cluster:`` normalised. ``nodes`` is a tuple of node specs (the shorthand
    ``{name, labels, taints, capacity, unschedulable}`` or Node manifests): a number N
    became ``{"name": "node-1"}``..``{"name": "node-N"}``."""

    nodes: tuple[dict, ...]
    start: str = DEFAULT_START
    start_ms: int = 0
    seed: int = 0
    kubernetes_version: str | None = None  # "1.19"; None: the engine's newest

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Cluster(**spec.kwargs())``."""
        out: dict[str, Any] = {"nodes": [dict(n) for n in self.nodes], "start": self.start,
                               "seed": self.seed}
        if self.kubernetes_version is not None:
            out["kubernetes_version"] = self.kubernetes_version
        return out


@dataclass(frozen=True)
class Expectation:
    """One entry of an ``expect`` or ``until`` list.

    ``kind``: object (a partial object: named, or at least one match), count, all, absent,
    events, kubectl, files or dns. ``data`` is the whole entry as written (what
    ``expect.evaluate.evaluate(cluster, data)`` takes)."""

    kind: str
    data: dict
    file: str
    line: int
    column: int
    path: str  # "$.steps[2].expect[0]"
    pointer: JsonPath = ()  # ("steps", 2, "expect", 0): the same path as keys and indexes
    node: Any = field(default=None, compare=False, repr=False)  # the round-trip CommentedMap

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class GivenItem:
    """One entry of ``given`` (or of an ``apply``/``create`` value): its manifests in order.
    An inline manifest gives one; ``{file: ...}`` gives every document of the file."""

    manifests: tuple[dict, ...]
    file: str | None  # the reference as written, None for an inline manifest
    resolved: str | None  # the path of the manifest file that was read
    line: int  # where the entry is written in the scenario file
    column: int
    path: str
    origins: tuple[tuple[str, int], ...] = ()  # (file, line) of each manifest

    @property
    def is_file(self) -> bool:
        return self.file is not None


@dataclass(frozen=True)
class Step:
    """One step. ``action`` is its action key; ``value`` what was written under it (for
    ``until`` and ``expect`` steps: a tuple of Expectation). ``expect`` is the step's own
    check list (empty for an ``expect`` step, whose expectations are its value)."""

    index: int  # 1-based
    name: str | None
    action: str
    value: Any
    settle: bool = True
    error: str | None = None
    output: str | None = None
    within_ms: int | None = None  # until only
    expect: tuple[Expectation, ...] = ()
    file: str = ""
    line: int = 0
    column: int = 0
    path: str = ""
    manifests: tuple[dict, ...] = ()  # apply/create: the manifests, files read
    sources: tuple[GivenItem, ...] = ()  # apply/create: where each manifest came from
    duration_ms: int | None = None  # advance only

    @property
    def label(self) -> str:
        """``step 3 (bump the image)`` / ``step 3 (scale)`` for reports."""
        return f"step {self.index} ({self.name or self.action})"


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str | None
    marks: tuple[Mark, ...]
    cluster: ClusterSpec
    given: tuple[GivenItem, ...]
    steps: tuple[Step, ...]
    expect: tuple[Expectation, ...]
    file: str
    line: int  # the line of `name:` (where pytest reports the scenario)
    doc_index: int = 0  # which document of the file
    source: LoadedDocument | None = field(default=None, compare=False, repr=False)

    @property
    def given_manifests(self) -> list[dict]:
        """Every manifest of ``given``, in order."""
        return [m for item in self.given for m in item.manifests]


@dataclass(frozen=True)
class InvalidScenario:
    """A document that cannot run: every problem found in it (at least one)."""

    file: str
    line: int
    doc_index: int
    name: str | None
    errors: tuple[ScenarioError, ...]

    @property
    def error(self) -> ScenarioError:
        """One ScenarioError at the first problem whose message lists all of them."""
        first = self.errors[0]
        if len(self.errors) == 1:
            return first
        lines = [first.detail, f"({len(self.errors) - 1} more problem"
                               f"{'s' if len(self.errors) > 2 else ''} in this scenario:)"]
        lines += [f"  {e.render()}" for e in self.errors[1:]]
        return ScenarioError("\n".join(lines), file=first.file, line=first.line,
                             column=first.column, path=first.path)

    def __str__(self) -> str:
        return "\n".join(e.render() for e in self.errors)


ScenarioOrError = Scenario | InvalidScenario


# -- building -------------------------------------------------------------------------------
def expectation_kind(data: Mapping) -> str:
    for kind in ("absent", "events", "kubectl", "files", "dns", "env", "apiserverLog"):
        if kind in data:
            return kind
    if "count" in data:
        return "count"
    if data.get("all"):
        return "all"
    return "object"


class _Builder:
    def __init__(self, doc: LoadedDocument) -> None:
        self.doc = doc
        self.file = doc.file

    def where(self, path: JsonPath) -> tuple[int, int, str]:
        line, column = self.doc.position(path)
        return line, column, json_path(path)

    # expectations
    def expectation(self, data: dict, path: JsonPath) -> Expectation:
        line, column, text = self.where(path)
        try:
            node = self.doc.node_at(path)
        except (KeyError, IndexError, TypeError):
            node = None
        return Expectation(kind=expectation_kind(data), data=data, file=self.file, line=line,
                           column=column, path=text, pointer=tuple(path), node=node)

    def expectations(self, items: list | None, path: JsonPath) -> tuple[Expectation, ...]:
        return tuple(self.expectation(item, (*path, i)) for i, item in enumerate(items or []))

    # manifests
    def manifest_source(self, entry: Any, path: JsonPath) -> GivenItem:
        line, column, text = self.where(path)
        if isinstance(entry, dict) and "file" in entry and len(entry) == 1:
            reference = entry["file"]
            documents = load_manifest_file(reference, scenario_file=self.file, line=line,
                                           column=column, path=json_path((*path, "file")))
            manifests: list[dict] = []
            origins: list[tuple[str, int]] = []
            for doc in documents:
                for at, manifest in _expand_list(doc.data):
                    problems = validate_manifest(doc, at)
                    if problems:
                        raise ScenarioError(f"in manifest file {problems[0].render()}",
                                            file=self.file, line=line, column=column,
                                            path=json_path((*path, "file")))
                    manifests.append(manifest)
                    origins.append((doc.file, doc.position(at)[0]))
            resolved = documents[0].file if documents else str(
                Path(self.file).parent / reference)
            return GivenItem(manifests=tuple(manifests), file=reference, resolved=resolved,
                             line=line, column=column, path=text, origins=tuple(origins))
        return GivenItem(manifests=(entry,), file=None, resolved=None, line=line,
                         column=column, path=text, origins=((self.file, line),))

    def manifest_sources(self, value: Any, path: JsonPath) -> tuple[GivenItem, ...]:
        if isinstance(value, list):
            return tuple(self.manifest_source(v, (*path, i)) for i, v in enumerate(value))
        return (self.manifest_source(value, path),)

    # steps
    def step(self, data: dict, index: int) -> Step:
        path: JsonPath = ("steps", index)
        line, column, text = self.where(path)
        action = step_actions(data)[0]
        value = data[action]
        kwargs: dict[str, Any] = {}
        own_expect: tuple[Expectation, ...] = ()
        if action == "expect":
            value = self.expectations(value, (*path, "expect"))
        else:
            own_expect = self.expectations(data.get("expect"), (*path, "expect"))
        if action == "until":
            value = self.expectations(value, (*path, "until"))
            kwargs["within_ms"] = parse_duration(data.get("within", DEFAULT_UNTIL_WITHIN))
        if action == "advance":
            kwargs["duration_ms"] = parse_duration(value)
        if action in ("apply", "create"):
            sources = self.manifest_sources(value, (*path, action))
            kwargs["sources"] = sources
            kwargs["manifests"] = tuple(m for s in sources for m in s.manifests)
        error = data.get("error")
        output = data.get("output")
        return Step(index=index + 1, name=data.get("name"), action=action, value=value,
                    settle=data.get("settle", True),
                    error=None if error is None else str(error),
                    output=None if output is None else _text(output),
                    expect=own_expect, file=self.file, line=line, column=column, path=text,
                    **kwargs)

    def cluster(self, data: dict | None) -> ClusterSpec:
        data = data or {}
        nodes = data.get("nodes", DEFAULT_NODE_COUNT)
        if isinstance(nodes, int):
            specs = tuple({"name": f"node-{i}"} for i in range(1, nodes + 1))
        else:
            specs = tuple(nodes)
        start = data.get("start", DEFAULT_START)
        version = data.get("kubernetesVersion")
        if version is not None:
            if not isinstance(version, str):
                # YAML read 1.20 as the number 1.2: take the text as written
                version = self.doc.raw_scalar(("cluster", "kubernetesVersion")) or str(version)
            version = _major_minor(version)
        return ClusterSpec(nodes=specs, start=start, start_ms=parse_time(start),
                           seed=int(data.get("seed", 0)), kubernetes_version=version)

    def scenario(self) -> Scenario:
        data = self.doc.data
        return Scenario(
            name=data["name"],
            description=data.get("description"),
            marks=tuple(_mark(m) for m in data.get("marks") or ()),
            cluster=self.cluster(data.get("cluster")),
            given=tuple(self.manifest_source(entry, ("given", i))
                        for i, entry in enumerate(data.get("given") or ())),
            steps=tuple(self.step(step, i) for i, step in enumerate(data.get("steps") or ())),
            expect=self.expectations(data.get("expect"), ("expect",)),
            file=self.file,
            line=self.doc.key_position(("name",))[0],
            doc_index=self.doc.index,
            source=self.doc,
        )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _major_minor(version: str) -> str:
    parts = version.strip().lstrip("v").split(".")
    return ".".join(parts[:2])


def _mark(value: Any) -> Mark:
    if isinstance(value, str):
        return Mark(value)
    ((name, argument),) = value.items()
    if isinstance(argument, dict):
        return Mark(name, (), dict(argument))
    if isinstance(argument, list):
        return Mark(name, tuple(argument))
    if argument is None:
        return Mark(name)
    return Mark(name, (argument,))


def _expand_list(manifest: dict) -> list[tuple[JsonPath, Any]]:
    """A list document (``kind: List`` as ``kubectl get -o yaml`` writes, or any ``*List``
    with ``items``) stands for its items, with the path of each in its document.
    k8s.io/cli-runtime pkg/resource/visitor.go FlattenListVisitor (meta.IsListType)."""
    kind = manifest.get("kind")
    if isinstance(kind, str) and kind.endswith("List") and \
            isinstance(manifest.get("items"), list):
        return [(("items", i), item) for i, item in enumerate(manifest["items"])]
    return [((), manifest)]


def build_scenario(doc: LoadedDocument) -> Scenario:
    """A Scenario from a document that validated; reads referenced manifest files (raises
    ScenarioError when one is missing or invalid)."""
    return _Builder(doc).scenario()


def _invalid(doc: LoadedDocument, errors: list[ScenarioError]) -> InvalidScenario:
    name = doc.data.get("name") if isinstance(doc.data, dict) else None
    return InvalidScenario(file=doc.file, line=doc.line, doc_index=doc.index,
                           name=name if isinstance(name, str) else None, errors=tuple(errors))


def _parse_documents(documents: list[LoadedDocument]) -> list[ScenarioOrError]:
    duplicates = duplicate_name_errors(documents)
    out: list[ScenarioOrError] = []
    for doc in documents:
        if doc.empty:
            continue
        errors = validate_document(doc)
        if doc.index in duplicates:
            errors = sorted([*errors, duplicates[doc.index]],
                            key=lambda e: (e.line or 0, e.column or 0))
        if errors:
            out.append(_invalid(doc, errors))
            continue
        try:
            out.append(build_scenario(doc))
        except ScenarioError as exc:
            out.append(_invalid(doc, [exc]))
    return out


def parse_scenarios(path: str | Path) -> list[ScenarioOrError]:
    """Every scenario of a file, in order: a Scenario, or an InvalidScenario with its
    problems. An unreadable file gives one InvalidScenario."""
    try:
        loaded = load_file(path)
    except ScenarioError as exc:
        return [InvalidScenario(file=str(path), line=exc.line or 1, doc_index=0, name=None,
                                errors=(exc,))]
    return _parse_documents(loaded.documents)


def parse_scenarios_text(text: str, file: str = "<string>") -> list[ScenarioOrError]:
    """Like parse_scenarios for text in memory; ``file`` names it in errors and is the base
    for ``{file: ...}`` references."""
    return _parse_documents(load_text(text, file).documents)
