"""Evaluate the contract's expectation kinds against a Cluster.

Each evaluation returns None when the expectation holds, or an ``ExpectationFailure`` whose
text is the readable difference (object compared, paths, expected and actual values).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_k8sflow.engine.resources import ResourceType, resolve_resource, resource_for_kind
from pytest_k8sflow.engine.selectors import from_match_labels
from pytest_k8sflow.errors import K8sflowError, UnsupportedError
from pytest_k8sflow.expect.diff import render_mismatches
from pytest_k8sflow.expect.matchers import describe, is_matcher
from pytest_k8sflow.expect.matching import match, matches

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster

# Keys of an expectation entry that steer selection rather than describe the object.
_CONTROL_KEYS = ("count", "all")
MAX_LISTED = 10


@dataclass
class ExpectationFailure:
    text: str
    subject: str | None = None  # what was compared, e.g. "Deployment/web"


def evaluate(cluster: Cluster, expectation: Mapping) -> ExpectationFailure | None:
    """Check one entry of an ``expect`` list."""
    if "absent" in expectation:
        return _absent(cluster, expectation["absent"])
    if "events" in expectation:
        return _events(cluster, expectation["events"])
    if "kubectl" in expectation:
        return _kubectl(cluster, expectation)
    if "files" in expectation:
        return _files(cluster, expectation["files"])
    if "dns" in expectation:
        return _dns(cluster, expectation["dns"])
    if "apiserverLog" in expectation:
        return _apiserver_log(cluster, expectation["apiserverLog"])
    if "env" in expectation and "kind" not in expectation:
        return _env(cluster, expectation["env"])
    return _object(cluster, expectation)


# -- partial objects -----------------------------------------------------------------------
def _rtype(kind: str | None) -> ResourceType:
    if not kind:
        raise K8sflowError("an expected object needs a kind")
    rtype = resource_for_kind(kind) or resolve_resource(kind)
    if rtype is None:
        raise K8sflowError(f'unknown kind "{kind}" in expectation')
    return rtype


def _namespace(rtype: ResourceType, expected: Mapping) -> str | None:
    if not rtype.namespaced:
        return None
    return (expected.get("metadata") or {}).get("namespace") or "default"


def _object(cluster: Cluster, expectation: Mapping) -> ExpectationFailure | None:
    expected = {k: v for k, v in expectation.items() if k not in _CONTROL_KEYS}
    rtype = _rtype(expected.get("kind"))
    namespace = _namespace(rtype, expected)
    name = (expected.get("metadata") or {}).get("name")
    if name is not None and "count" not in expectation and not expectation.get("all"):
        return _named_object(cluster, rtype, namespace, name, expected)
    return _selection(cluster, rtype, namespace, expected, expectation)


def _subject(rtype: ResourceType, obj: Mapping) -> str:
    return f"{rtype.kind}/{obj['metadata']['name']}"


def _match(expected: Mapping, actual: Mapping, rtype: ResourceType) -> list:
    return match(expected, actual, api_version=rtype.api_version, kind=rtype.kind)


def _named_object(cluster: Cluster, rtype: ResourceType, namespace: str | None, name: str,
                  expected: Mapping) -> ExpectationFailure | None:
    objects = cluster.store.list(rtype.kind, namespace if rtype.namespaced else None)
    if is_matcher(name):
        candidates = [o for o in objects if matches(name, o["metadata"]["name"])]
        name = describe(name)
    elif isinstance(name, str) and "*" in name:
        candidates = [o for o in objects if fnmatch.fnmatchcase(o["metadata"]["name"], name)]
    else:
        candidates = [o for o in objects if o["metadata"]["name"] == name]
    if not candidates:
        where = f" in namespace {namespace}" if namespace else ""
        existing = [o["metadata"]["name"] for o in objects]
        return ExpectationFailure(
            f"{rtype.kind}/{name} not found{where}; "
            + _existing_text(rtype, existing), f"{rtype.kind}/{name}")
    best = None
    for obj in candidates:
        mismatches = _match(expected, obj, rtype)
        if not mismatches:
            return None
        if best is None or len(mismatches) < len(best[1]):
            best = (obj, mismatches)
    obj, mismatches = best
    subject = _subject(rtype, obj)
    text = render_mismatches(subject, mismatches)
    if len(candidates) > 1:
        text = (f"none of the {len(candidates)} {rtype.plural} named {name} matches; "
                f"closest is {subject}:\n{text}")
    return ExpectationFailure(text, subject)


def _existing_text(rtype: ResourceType, names: list[str]) -> str:
    if not names:
        return f"there are no {rtype.plural}"
    shown = ", ".join(names[:MAX_LISTED])
    more = f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
    return f"existing {rtype.plural}: {shown}{more}"


def _select(cluster: Cluster, rtype: ResourceType, namespace: str | None,
            expected: Mapping) -> tuple[list[dict], dict]:
    """Objects whose labels match the expectation's ``metadata.labels`` (a label selector),
    and the rest of the expectation to subset-match them against."""
    meta = dict(expected.get("metadata") or {})
    labels = meta.pop("labels", None)
    meta.pop("namespace", None)
    objects = cluster.store.list(rtype.kind, namespace if rtype.namespaced else None)
    if labels:
        if not all(isinstance(v, str) for v in labels.values()):
            # labels with matchers: leave them to the subset match
            meta["labels"] = labels
        else:
            selector = from_match_labels(labels)
            objects = [o for o in objects if selector.matches(o["metadata"].get("labels"))]
    rest = {k: v for k, v in expected.items() if k != "metadata"}
    if meta:
        rest["metadata"] = meta
    return objects, rest


def _selection(cluster: Cluster, rtype: ResourceType, namespace: str | None, expected: Mapping,
               expectation: Mapping) -> ExpectationFailure | None:
    objects, rest = _select(cluster, rtype, namespace, expected)
    selector_text = _selector_text(expected)
    if expectation.get("all"):
        if not objects:
            return ExpectationFailure(f"no {rtype.plural}{selector_text} exist, "
                                      f"so `all` cannot hold")
        failures = []
        for obj in objects:
            mismatches = _match(rest, obj, rtype)
            if mismatches:
                failures.append(render_mismatches(_subject(rtype, obj), mismatches))
        if not failures:
            return None
        head = (f"{len(failures)} of {len(objects)} {rtype.plural}{selector_text} "
                f"do not match:")
        return ExpectationFailure("\n".join([head, *failures[:MAX_LISTED]]))
    matching, closest = [], None
    for obj in objects:
        mismatches = _match(rest, obj, rtype)
        if not mismatches:
            matching.append(obj)
        elif closest is None or len(mismatches) < len(closest[1]):
            closest = (obj, mismatches)
    if "count" in expectation:
        want = expectation["count"]
        if len(matching) == want:
            return None
        names = [o["metadata"]["name"] for o in matching]
        text = (f"expected {want} {rtype.plural}{selector_text} to match, found "
                f"{len(matching)}")
        if names:
            text += ": " + ", ".join(names[:MAX_LISTED]) + (
                f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else "")
        if len(matching) < want and closest is not None:
            text += "\nclosest non-matching:\n" + render_mismatches(
                _subject(rtype, closest[0]), closest[1])
        return ExpectationFailure(text)
    if matching:
        return None
    text = f"no {rtype.plural}{selector_text} match"
    if closest is not None:
        text += "; closest:\n" + render_mismatches(_subject(rtype, closest[0]), closest[1])
    else:
        text += "; " + _existing_text(rtype, [o["metadata"]["name"] for o in objects])
    return ExpectationFailure(text)


def _selector_text(expected: Mapping) -> str:
    labels = (expected.get("metadata") or {}).get("labels")
    if not labels:
        return ""
    return " with labels " + ",".join(f"{k}={v}" for k, v in labels.items())


# -- absent ------------------------------------------------------------------------------
def _absent(cluster: Cluster, value) -> ExpectationFailure | None:
    if isinstance(value, str):
        from pytest_k8sflow.engine.cluster import parse_target

        rtype, name = parse_target(value)
        expected: dict = {"kind": rtype.kind, "metadata": {"name": name}}
    else:
        expected = dict(value)
        rtype = _rtype(expected.get("kind"))
    namespace = _namespace(rtype, expected)
    name = (expected.get("metadata") or {}).get("name")
    if name is not None:
        objects = cluster.store.list(rtype.kind, namespace)
        found = [o for o in objects if fnmatch.fnmatchcase(o["metadata"]["name"], name)
                 and not _match(expected, o, rtype)]
    else:
        objects, rest = _select(cluster, rtype, namespace, expected)
        found = [o for o in objects if not _match(rest, o, rtype)]
    if not found:
        return None
    names = ", ".join(_subject(rtype, o) for o in found[:MAX_LISTED])
    return ExpectationFailure(f"expected nothing to match, but found {names}")


# -- events --------------------------------------------------------------------------------
def _events(cluster: Cluster, wanted: list) -> ExpectationFailure | None:
    """Each wanted event must have been emitted, in this order (not necessarily adjacent)."""
    emitted = cluster.events
    position = 0
    for index, want in enumerate(wanted):
        found = None
        for i in range(position, len(emitted)):
            if not match(want, emitted[i], api_version="v1", kind="Event"):
                found = i
                break
        if found is None:
            return ExpectationFailure(_missing_event_text(index, want, emitted, position))
        position = found + 1
    return None


def _describe_event(event: Mapping) -> str:
    obj = event.get("involvedObject") or {}
    return (f"{event.get('time', '')} {event.get('type', '')} {event.get('reason', '')} "
            f"{obj.get('kind', '')}/{obj.get('name', '')}: {event.get('message', '')}")


def _missing_event_text(index: int, want: Mapping, emitted: list, position: int) -> str:
    shown = ", ".join(f"{k}={v!r}" for k, v in want.items())
    lines = [f"event #{index + 1} ({shown}) was not emitted"
             + (" after the previous expected event" if position else "")]
    same_reason = [e for e in emitted if e.get("reason") == want.get("reason")]
    if same_reason:
        lines.append("events with that reason:")
        lines += ["  " + _describe_event(e) for e in same_reason[:MAX_LISTED]]
    elif emitted:
        lines.append("last events emitted:")
        lines += ["  " + _describe_event(e) for e in emitted[-MAX_LISTED:]]
    else:
        lines.append("no events were emitted")
    return "\n".join(lines)


# -- kubectl -----------------------------------------------------------------------------
def normalise_output(text: str) -> str:
    """Trailing white space is ignored: per line and at the end."""
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines())


def check_kubectl_result(result, expectation: Mapping, command: str) -> str | None:
    if "error" in expectation:
        if result.ok:
            return (f"`kubectl {command}` succeeded but was expected to fail with "
                    f"{expectation['error']!r}; output:\n{result.stdout}")
        if str(expectation["error"]) not in result.stderr:
            return (f"`kubectl {command}` failed with:\n{result.stderr.rstrip()}\n"
                    f"which does not contain {expectation['error']!r}")
        return None
    if not result.ok:
        return f"`kubectl {command}` failed:\n{result.stderr.rstrip()}"
    if "output" in expectation:
        want = normalise_output(str(expectation["output"]))
        got = normalise_output(result.stdout)
        if want != got:
            return _output_diff(command, want, got)
    if "output_contains" in expectation and str(expectation["output_contains"]) not in \
            result.stdout:
        return (f"`kubectl {command}` output does not contain "
                f"{expectation['output_contains']!r}; it was:\n{result.stdout.rstrip()}")
    return None


def _output_diff(command: str, want: str, got: str) -> str:
    import difflib

    diff = difflib.unified_diff(want.splitlines(), got.splitlines(), "expected", "actual",
                                lineterm="")
    return f"`kubectl {command}` output differs:\n" + "\n".join(diff)


def _kubectl(cluster: Cluster, expectation: Mapping) -> ExpectationFailure | None:
    from pytest_k8sflow.kubectl.run import run_kubectl

    command = expectation["kubectl"]
    result = run_kubectl(cluster, command, read_only=True)
    text = check_kubectl_result(result, expectation, command)
    return ExpectationFailure(text) if text else None


# -- files, env and dns ---------------------------------------------------------------------
def _check_with(module: str, function: str, what: str, cluster: Cluster,
                value) -> ExpectationFailure | None:
    import importlib

    try:
        checker = getattr(importlib.import_module(f"pytest_k8sflow.expect.{module}"), function)
    except ModuleNotFoundError as exc:
        raise UnsupportedError(f"`{what}` expectations are not supported yet") from exc
    text = checker(cluster, value)
    return ExpectationFailure(text) if text else None


def _files(cluster: Cluster, value) -> ExpectationFailure | None:
    return _check_with("files", "check_files", "files", cluster, value)


def _env(cluster: Cluster, value) -> ExpectationFailure | None:
    return _check_with("envcheck", "check_env", "env", cluster, value)


def _dns(cluster: Cluster, value) -> ExpectationFailure | None:
    return _check_with("dnscheck", "check_dns", "dns", cluster, value)


# -- apiserver log (extension) ---------------------------------------------------------------
def apiserver_log(cluster: Cluster) -> list[str]:
    """What the simulated kube-apiserver logged, in order, as ``W``/``I`` + text."""
    plugin = getattr(cluster, "podpreset_admission", None)
    return [f"{level} {text}" for level, text in (plugin.log if plugin is not None else [])]


def _apiserver_log(cluster: Cluster, wanted: list[str]) -> ExpectationFailure | None:
    lines = apiserver_log(cluster)
    position = 0
    for index, text in enumerate(wanted):
        found = next((i for i in range(position, len(lines)) if text in lines[i]), None)
        if found is None:
            shown = "\n".join(f"  {line}" for line in lines[-MAX_LISTED:]) or "  (nothing)"
            return ExpectationFailure(
                f"apiserver log line #{index + 1} containing {text!r} was not logged"
                + (" after the lines matched before it" if position else "")
                + f"; the apiserver logged:\n{shown}")
        position = found + 1
    return None
