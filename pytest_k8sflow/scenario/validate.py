"""Validate scenario documents: the JSON Schema first, then what a schema cannot say.

Every problem becomes a ScenarioError naming file, line, column, JSON path and what was
expected, in plain words: ``expected an integer, got "three"``, ``unknown key "stpes" (did you
mean "steps"?)``, ``missing required key "name"``. For ``anyOf``/``oneOf`` the branch the user
meant is picked (the one whose distinguishing key is present, e.g. a step's action key) and
its own errors are reported, rather than "is not valid under any of the given schemas".

The schema steers the wording through annotations that JSON Schema ignores:
``x-when`` (keys that select a branch), ``x-default`` (the branch when none is selected),
``x-expected`` (what to say was expected), ``x-message`` (the whole message for ``not``,
``minProperties``... of that schema), ``x-misplaced`` (a message per key that belongs
elsewhere), ``x-unknown`` (the word for an unknown key, e.g. "matcher"), ``x-what``.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from pytest_k8sflow.engine.timeutil import parse_duration, parse_time
from pytest_k8sflow.errors import ScenarioError
from pytest_k8sflow.scenario.loader import JsonPath, LoadedDocument, describe_type

__all__ = [
    "ACTION_KEYS",
    "STEP_KEYS",
    "duplicate_name_errors",
    "get_validator",
    "load_schema",
    "schema_path",
    "step_actions",
    "validate_document",
    "validate_manifest",
]

SCHEMA_NAME = "scenario.schema.json"
# The step keys that are actions; `expect` alone is an action too (an expect-only step).
ACTION_KEYS = ("apply", "create", "patch", "delete", "scale", "kubectl", "advance", "until",
               "node", "container", "probe", "pods")
STEP_KEYS = (*ACTION_KEYS, "expect", "name", "settle", "error", "within", "output")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
VERSION = re.compile(r"^v?\d+\.\d+(\.\d+)?$")


# -- the schema -----------------------------------------------------------------------------
def schema_path() -> Path:
    """The scenario schema: ``schemas/`` of the source tree, else the installed package's."""
    in_tree = Path(__file__).resolve().parents[2] / "schemas" / SCHEMA_NAME
    if in_tree.is_file():
        return in_tree
    packaged = resources.files("pytest_k8sflow") / "schemas" / SCHEMA_NAME
    return Path(str(packaged))


@lru_cache(maxsize=1)
def load_schema() -> dict:
    """The scenario JSON Schema (parsed once per process)."""
    return json.loads(schema_path().read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def get_validator() -> Draft202012Validator:
    """The compiled Draft 2020-12 validator for one scenario document (built once)."""
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@lru_cache(maxsize=1)
def _manifest_validator() -> Draft202012Validator:
    schema = load_schema()
    return Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/manifest"})


# -- problems -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Problem:
    path: JsonPath
    message: str
    at_key: bool = False  # point at the key (unknown/missing keys) rather than the value


_TYPE_WORDS = {"string": "a string", "integer": "an integer", "number": "a number",
               "boolean": "true or false", "object": "a mapping", "array": "a list",
               "null": "null"}


def _show(value: Any) -> str:
    """A value as the user wrote it, for ``got ...``."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "an empty list" if not value else "a list"
    return repr(value)


def _words(items: Sequence[str], conjunction: str = "or") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def _quoted(keys: Sequence[str]) -> list[str]:
    return [f'"{k}"' for k in keys]


def _did_you_mean(word: str, choices: Sequence[str]) -> str | None:
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return lowered[word.lower()]
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def _type_ok(type_spec: Any, value: Any) -> bool:
    if type_spec is None:
        return True
    types = [type_spec] if isinstance(type_spec, str) else list(type_spec)
    for t in types:
        if t == "object" and isinstance(value, dict):
            return True
        if t == "array" and isinstance(value, list):
            return True
        if t == "string" and isinstance(value, str):
            return True
        if t == "boolean" and isinstance(value, bool):
            return True
        if t == "null" and value is None:
            return True
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if is_number and (t == "number" or (t == "integer" and float(value).is_integer())):
            return True
    return False


def _is_annotation(key: str) -> bool:
    return key.startswith("x-") or key in ("title", "description", "examples", "$comment")


class _Translator:
    """Turns jsonschema errors into problems in plain words."""

    def __init__(self, root: dict, doc: LoadedDocument | None) -> None:
        self.root = root
        self.doc = doc

    def deref(self, schema: Any) -> Any:
        if not isinstance(schema, dict) or "$ref" not in schema:
            return schema
        ref = schema["$ref"]
        target: Any = self.root
        if ref.startswith("#/"):
            for part in ref[2:].split("/"):
                target = target[part]
        merged = {**self.deref(target), **{k: v for k, v in schema.items() if k != "$ref"}}
        return merged

    def _raw_hint(self, path: JsonPath, value: Any, schema: dict) -> str:
        """YAML read a number or boolean where text was expected: suggest quoting it, when
        the quoted text would be valid (``status: True`` -> ``"True"``)."""
        if not isinstance(value, bool | int | float) or value is None:
            return ""
        raw = self.doc.raw_scalar(path) if self.doc is not None else None
        text = raw if raw is not None else _show(value)
        probe = {k: v for k, v in schema.items() if not _is_annotation(k)}
        if not Draft202012Validator({**probe, "$defs": self.root.get("$defs", {})}
                                    ).is_valid(text):
            return ""
        return f' (write it in quotes: "{text}")'

    # -- entry point ---------------------------------------------------------------------------
    def problems(self, error: ValidationError) -> list[_Problem]:
        keyword = error.validator
        path: JsonPath = tuple(error.absolute_path)
        schema = error.schema if isinstance(error.schema, dict) else {}
        value = error.instance
        in_names = "propertyNames" in error.relative_schema_path or \
            "propertyNames" in error.absolute_schema_path
        if in_names:
            return [self._property_name(error, path, schema, value)]
        handler = getattr(self, f"_kw_{keyword}", None)
        if handler is not None:
            return handler(error, path, schema, value)
        if "x-message" in schema:
            return [_Problem(path, schema["x-message"].format(value=value))]
        return [_Problem(path, error.message)]

    def _property_name(self, error, path, schema, value) -> _Problem:
        message = schema.get("x-message")
        if message is None:
            expected = schema.get("x-expected") or f"a key matching {schema.get('pattern')}"
            message = f"expected {expected}, got {_show(value)}"
        return _Problem((*path, value), message.format(value=value), at_key=True)

    # -- keywords ----------------------------------------------------------------------------
    def _kw_additionalProperties(self, error, path, schema, value) -> list[_Problem]:
        props = list(schema.get("properties", {}))
        patterns = list(schema.get("patternProperties", {}))
        word = schema.get("x-unknown", "key")
        misplaced = schema.get("x-misplaced", {})
        out = []
        for key in value:
            if key in props or any(re.search(p, key) for p in patterns):
                continue
            if key in misplaced:
                out.append(_Problem((*path, key), misplaced[key], at_key=True))
                continue
            guess = _did_you_mean(key, props)
            if guess:
                message = f'unknown {word} "{key}" (did you mean "{guess}"?)'
            elif props:
                message = f'unknown {word} "{key}"; expected one of: {", ".join(props)}'
            else:
                message = f'unknown {word} "{key}"'
            out.append(_Problem((*path, key), message, at_key=True))
        return out

    def _kw_required(self, error, path, schema, value) -> list[_Problem]:
        out = []
        for key in error.validator_value:
            if isinstance(value, dict) and key not in value:
                message = schema.get("x-message-required") or f'missing required key "{key}"'
                out.append(_Problem(path, message, at_key=True))
        return out

    def _expected(self, schema: dict) -> str:
        if "x-expected" in schema:
            return schema["x-expected"]
        spec = schema.get("type")
        types = [spec] if isinstance(spec, str) else list(spec or [])
        if "integer" in types and "number" in types:
            types.remove("integer")
        words = [_TYPE_WORDS.get(t, t) for t in types]
        if len(words) > 1:  # "a string, a number or a boolean", not "... or true or false"
            words = ["a boolean" if t == "boolean" else w for t, w in zip(types, words,
                                                                          strict=True)]
        return _words(words) or "something else"

    def _kw_type(self, error, path, schema, value) -> list[_Problem]:
        message = f"expected {self._expected(schema)}, got {_show(value)}"
        spec = schema.get("type")
        types = [spec] if isinstance(spec, str) else list(spec or [])
        if "string" in types:
            message += self._raw_hint(path, value, schema)
        return [_Problem(path, message)]

    def _kw_enum(self, error, path, schema, value) -> list[_Problem]:
        options = [str(o) if isinstance(o, str) else _show(o) for o in error.validator_value]
        message = f"expected {_words(options)}, got {_show(value)}"
        if isinstance(value, str):
            guess = _did_you_mean(value, [o for o in error.validator_value if isinstance(o, str)])
            if guess and guess != value:
                message += f' (did you mean "{guess}"?)'
        elif any(isinstance(o, str) for o in error.validator_value):
            message += self._raw_hint(path, value, schema)
        return [_Problem(path, message)]

    def _kw_const(self, error, path, schema, value) -> list[_Problem]:
        return [_Problem(path, f"expected {_show(error.validator_value)}, got {_show(value)}")]

    def _kw_pattern(self, error, path, schema, value) -> list[_Problem]:
        expected = schema.get("x-expected") or f"text matching {error.validator_value}"
        return [_Problem(path, f"expected {expected}, got {_show(value)}")]

    def _bound(self, error, path, schema, value, relation: str) -> list[_Problem]:
        what = schema.get("x-expected") or self._expected(schema)
        return [_Problem(path, f"expected {what} {relation} {error.validator_value}, "
                               f"got {_show(value)}")]

    def _kw_minimum(self, error, path, schema, value):
        return self._bound(error, path, schema, value, "of at least")

    def _kw_maximum(self, error, path, schema, value):
        return self._bound(error, path, schema, value, "of at most")

    def _kw_exclusiveMinimum(self, error, path, schema, value):
        return self._bound(error, path, schema, value, "greater than")

    def _kw_exclusiveMaximum(self, error, path, schema, value):
        return self._bound(error, path, schema, value, "less than")

    def _kw_minItems(self, error, path, schema, value):
        n = error.validator_value
        return [_Problem(path, f"expected at least {n} item{'s' if n != 1 else ''}, got "
                               f"{len(value) if value else 'an empty list'}")]

    def _kw_minLength(self, error, path, schema, value):
        if error.validator_value == 1:
            return [_Problem(path, "expected non-empty text, got an empty string")]
        return [_Problem(path, f"expected at least {error.validator_value} characters, got "
                               f"{_show(value)}")]

    def _kw_maxLength(self, error, path, schema, value):
        return [_Problem(path, f"expected at most {error.validator_value} characters, got "
                               f"{len(value)}")]

    def _kw_minProperties(self, error, path, schema, value):
        if "x-message" in schema:
            return [_Problem(path, schema["x-message"], at_key=True)]
        return [_Problem(path, f"expected at least {error.validator_value} key(s)", at_key=True)]

    def _kw_maxProperties(self, error, path, schema, value):
        if "x-message" in schema:
            return [_Problem(path, schema["x-message"], at_key=True)]
        return [_Problem(path, f"expected at most {error.validator_value} key(s), got "
                               f"{', '.join(_quoted(list(value)))}", at_key=True)]

    def _kw_not(self, error, path, schema, value):
        message = schema.get("x-message", "this is not allowed here")
        return [_Problem(path, message.format(value=value), at_key=True)]

    def _kw_dependentRequired(self, error, path, schema, value):
        out = []
        for key, needs in error.validator_value.items():
            if key in value:
                for need in needs:
                    if need not in value:
                        out.append(_Problem((*path, key), f'"{key}" needs "{need}" beside it',
                                            at_key=True))
        return out

    def _kw_uniqueItems(self, error, path, schema, value):
        return [_Problem(path, "expected every item to be different")]

    def _kw_anyOf(self, error, path, schema, value):
        return self._alternatives(error, path, schema, value)

    def _kw_oneOf(self, error, path, schema, value):
        return self._alternatives(error, path, schema, value)

    # -- anyOf / oneOf ---------------------------------------------------------------------
    def _alternatives(self, error, path, schema, value) -> list[_Problem]:
        keyword = error.validator
        branches = [self.deref(b) for b in error.validator_value]
        if schema.get("x-what") == "step" and isinstance(value, dict) and \
                len(step_actions(value)) != 1:
            return []  # the step-shape check says it better
        if all(isinstance(b, dict) and set(k for k in b if not _is_annotation(k)) ==
               {"required"} for b in branches):
            return [self._key_choice(keyword, path, schema, branches, value)]
        chosen = self._choose(branches, value)
        by_branch: dict[int, list[ValidationError]] = {}
        for sub in error.context or ():
            by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
        if chosen:
            # several plausible branches: the one with the fewest (then deepest) errors
            def cost(i: int) -> tuple[int, int]:
                subs = by_branch.get(i, [])
                depth = max((len(s.absolute_path) for s in subs), default=0)
                return (len(subs), -depth)

            best = min(chosen, key=cost)
            subs = by_branch.get(best, [])
            if subs:
                out: list[_Problem] = []
                for sub in subs:
                    out.extend(self.problems(sub))
                return out
        if keyword == "oneOf" and not error.context:
            titles = [b.get("title", f"form {i + 1}") for i, b in enumerate(branches)]
            return [_Problem(path, f"matches more than one form ({_words(titles, 'and')}); "
                                   "make it unambiguous")]
        if "x-expected" in schema:
            return [_Problem(path, f"expected {schema['x-expected']}, got {_show(value)}")]
        titles = []
        for branch in branches:
            title = branch.get("title") or self._expected(branch)
            if title not in titles:
                titles.append(title)
        return [_Problem(path, f"expected {_words(titles)}, got {_show(value)}")]

    def _choose(self, branches: list, value: Any) -> list[int]:
        fitting = [i for i, b in enumerate(branches)
                   if isinstance(b, dict) and _type_ok(b.get("type"), value)]
        if not isinstance(value, dict):
            return fitting
        keyed = [i for i in fitting if any(k in value for k in branches[i].get("x-when", ()))]
        if keyed:
            specific = [i for i in keyed if not branches[i].get("x-default")]
            return specific or keyed
        return [i for i in fitting if branches[i].get("x-default") or
                (not branches[i].get("x-when") and branches[i].get("type") == "object")]

    def _key_choice(self, keyword, path, schema, branches, value) -> _Problem:
        keys = [b["required"][0] for b in branches]
        present = [k for k in keys if isinstance(value, dict) and k in value]
        if len(present) > 1:
            return _Problem(path, f"use only one of {_words(_quoted(present), 'and')}, not "
                                  "both" if len(present) == 2 else
                            f"use only one of {_words(_quoted(present), 'and')}", at_key=True)
        message = schema.get("x-message") or f"needs one of the keys {_words(_quoted(keys))}"
        return _Problem(path, message, at_key=True)


# -- what the schema cannot say -------------------------------------------------------------
def step_actions(step: Mapping) -> list[str]:
    """The action keys of a step, in the contract's order; ``["expect"]`` for an expect-only
    step (``expect`` beside another action is that step's own check list)."""
    actions = [k for k in ACTION_KEYS if k in step]
    if not actions and "expect" in step:
        return ["expect"]
    return actions


def _expectation_lists(data: dict) -> Iterator[tuple[JsonPath, list]]:
    if isinstance(data.get("expect"), list):
        yield ("expect",), data["expect"]
    for i, step in enumerate(data.get("steps") or [] if isinstance(data.get("steps"), list)
                             else []):
        if not isinstance(step, dict):
            continue
        for key in ("expect", "until"):
            if isinstance(step.get(key), list):
                yield ("steps", i, key), step[key]


def _walk_values(value: Any, path: JsonPath) -> Iterator[tuple[JsonPath, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk_values(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk_values(child, (*path, index))


def _check_kubectl_command(command: Any, path: JsonPath) -> list[_Problem]:
    if isinstance(command, str) and re.match(r"^\s*kubectl(\s|$)", command):
        return [_Problem(path, 'write the command without the word "kubectl" '
                               f'("{command.strip()[len("kubectl"):].strip()}")')]
    return []


def _semantic(doc: LoadedDocument | None, data: dict) -> list[_Problem]:
    out: list[_Problem] = []
    cluster = data.get("cluster")
    if isinstance(cluster, dict):
        start = cluster.get("start")
        if isinstance(start, str):
            problem = None
            if not RFC3339.match(start):
                problem = "expected an RFC 3339 time such as 2026-01-01T00:00:00Z"
            else:
                try:
                    parse_time(start)
                except ValueError as exc:
                    problem = f"not a valid time ({exc})"
            if problem:
                out.append(_Problem(("cluster", "start"), f"{problem}, got {_show(start)}"))
        version = cluster.get("kubernetesVersion")
        if isinstance(version, int | float) and not isinstance(version, bool):
            raw = doc.raw_scalar(("cluster", "kubernetesVersion")) if doc else None
            if raw is None or not VERSION.match(raw):
                out.append(_Problem(("cluster", "kubernetesVersion"),
                                    f'expected a version such as "1.19", got {_show(version)}'))
        nodes = cluster.get("nodes")
        if isinstance(nodes, list):
            seen: dict[str, int] = {}
            for i, node in enumerate(nodes):
                name = _node_name(node)
                if name is None:
                    continue
                if name in seen:
                    out.append(_Problem(("cluster", "nodes", i),
                                        f'node "{name}" is already listed at '
                                        f"$.cluster.nodes[{seen[name]}]"))
                else:
                    seen[name] = i
    steps = data.get("steps")
    if isinstance(steps, list):
        for i, step in enumerate(steps):
            if isinstance(step, dict):
                out.extend(_check_step(step, ("steps", i)))
    for path, items in _expectation_lists(data):
        for j, item in enumerate(items):
            if isinstance(item, dict):
                out.extend(_check_expectation(item, (*path, j)))
    return out


def _node_name(node: Any) -> str | None:
    if not isinstance(node, dict):
        return None
    if node.get("kind") == "Node":
        meta = node.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
    else:
        name = node.get("name")
    return name if isinstance(name, str) else None


def _check_step(step: dict, path: JsonPath) -> list[_Problem]:
    out: list[_Problem] = []
    actions = [k for k in ACTION_KEYS if k in step]
    if len(actions) > 1:
        out.append(_Problem(path, "a step takes exactly one action; this one has "
                                  f"{_words(_quoted(actions), 'and')} (split it into "
                                  f"{len(actions)} steps)", at_key=True))
    if len(actions) != 1:
        # the schema's step branches cannot be told apart: report the keys here
        unknown = [k for k in step if k not in STEP_KEYS]
        for key in unknown:
            guess = _did_you_mean(key, STEP_KEYS)
            hint = f' (did you mean "{guess}"?)' if guess else ""
            out.append(_Problem((*path, key), f'unknown step key "{key}"{hint}', at_key=True))
        if not actions and "expect" not in step and not unknown:
            out.append(_Problem(path, "a step needs an action: one of "
                                      f"{', '.join(ACTION_KEYS)} (or expect alone)",
                                at_key=True))
        if "within" in step and "until" not in step:
            out.append(_Problem((*path, "within"), "`within` goes only beside `until`",
                                at_key=True))
        if "output" in step and "kubectl" not in step:
            out.append(_Problem((*path, "output"), "`output` is only for `kubectl` steps",
                                at_key=True))
    for key, where in (("advance", (*path, "advance")), ("within", (*path, "within"))):
        out.extend(_check_duration(step.get(key), where))
    pods = step.get("pods")
    if isinstance(pods, dict):
        out.extend(_check_duration(pods.get("stopDelay"), (*path, "pods", "stopDelay")))
    out.extend(_check_kubectl_command(step.get("kubectl"), (*path, "kubectl")))
    return out


def _check_duration(value: Any, path: JsonPath) -> list[_Problem]:
    if not isinstance(value, str):
        return []  # absent, or a type the schema reports
    try:
        parse_duration(value)
    except ValueError:
        return [_Problem(path, f"expected a duration such as 30s, 5m or 1h30m, got "
                               f"{_show(value)}")]
    if re.fullmatch(r"\d+(\.\d+)?", value.strip()):
        return [_Problem(path, f"expected a duration with a unit such as 30s, 5m or 1h30m, "
                               f"got {_show(value)}")]
    return []


def _check_expectation(item: dict, path: JsonPath) -> list[_Problem]:
    out: list[_Problem] = []
    if "kubectl" in item:
        out.extend(_check_kubectl_command(item["kubectl"], (*path, "kubectl")))
        if "error" in item and ("output" in item or "output_contains" in item):
            out.append(_Problem((*path, "error"), '"error" expects the command to fail: it '
                                                  'cannot be combined with "output" or '
                                                  '"output_contains"', at_key=True))
    for where, value in _walk_values(item, path):
        if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("$regex"), str):
            try:
                re.compile(value["$regex"])
            except re.error as exc:
                out.append(_Problem((*where, "$regex"),
                                    f"not a valid regular expression ({exc})"))
    return out


# -- entry points ---------------------------------------------------------------------------
def _to_errors(doc: LoadedDocument, problems: list[_Problem]) -> list[ScenarioError]:
    seen = set()
    placed = []
    for problem in problems:
        key = (problem.path, problem.message)
        if key in seen:
            continue
        seen.add(key)
        error = doc.error_at(problem.path, problem.message, key=problem.at_key)
        placed.append(((error.line or 0, error.column or 0, len(placed)), error))
    return [error for _, error in sorted(placed, key=lambda item: item[0])]


def validate_document(doc: LoadedDocument) -> list[ScenarioError]:
    """Every problem of one scenario document, in file order (empty when it is valid).
    A document with a YAML syntax error returns that error."""
    if doc.error is not None:
        return [doc.error]
    data = doc.data
    if not isinstance(data, dict):
        return [doc.error_at((), "a scenario is a mapping with at least a name, got "
                                 f"{describe_type(data)}")]
    translator = _Translator(load_schema(), doc)
    problems: list[_Problem] = []
    for error in get_validator().iter_errors(data):
        problems.extend(translator.problems(error))
    reported = {p.path for p in problems}
    for problem in _semantic(doc, data):
        if problem.path not in reported:
            problems.append(problem)
    return _to_errors(doc, problems)


def validate_manifest(doc: LoadedDocument, at: JsonPath = ()) -> list[ScenarioError]:
    """Problems of a manifest read from a file (apiVersion, kind, metadata.name): the
    document itself, or the value at path ``at`` in it (an item of a ``kind: List``)."""
    translator = _Translator(load_schema(), doc)
    value: Any = doc.data
    for part in at:
        value = value[part]
    problems: list[_Problem] = []
    for error in _manifest_validator().iter_errors(value):
        problems.extend(_Problem((*at, *p.path), p.message, p.at_key)
                        for p in translator.problems(error))
    return _to_errors(doc, problems)


def duplicate_name_errors(documents: Sequence[LoadedDocument]) -> dict[int, ScenarioError]:
    """Scenario names must be unique in a file: the second and later documents using a name
    get an error (by document index); the first keeps it."""
    first: dict[str, LoadedDocument] = {}
    errors: dict[int, ScenarioError] = {}
    for doc in documents:
        if doc.error is not None or not isinstance(doc.data, dict):
            continue
        name = doc.data.get("name")
        if not isinstance(name, str):
            continue
        if name in first:
            line = first[name].position(("name",))[0]
            errors[doc.index] = doc.error_at(
                ("name",), f'scenario name "{name}" is already used at line {line} of this '
                           "file; names must be unique in a file")
        else:
            first[name] = doc
    return errors
