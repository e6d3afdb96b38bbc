"""Collect the rewrites of a run and write them, one file at a time, on the controller.

Each scenario's run produces a payload (plain JSON: the file, the document, a digest of
the document's text as it was read, the changes). The pytest plugin attaches it to the
scenario's call report; under pytest-xdist reports travel from the workers to the
controller, so every file is written by one process only, after the whole run, whatever
the distribution mode (``--dist load`` may spread the scenarios of one file over several
workers). A document that changed on disk since it was read is left alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_k8sflow.golden.edit import EditError, apply_changes, insert_block
from pytest_k8sflow.golden.propose import Change
from pytest_k8sflow.scenario.loader import load_text

if TYPE_CHECKING:
    from pytest_k8sflow.scenario.runner import Runner

__all__ = ["FileResult", "UpdateLog", "digest", "payload_for", "write_updates"]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def payload_for(runner: Runner) -> dict | None:
    """What to write for one scenario run (None when there is nothing to write)."""
    scenario = runner.scenario
    if scenario.source is None:
        return None
    payload: dict[str, Any] = {
        "file": str(Path(scenario.file).resolve()),
        "doc": scenario.doc_index,
        "digest": digest(scenario.source.text),
        "scenario": scenario.name,
        "completed": runner.completed,
        "changes": [c.to_json() for c in runner.changes] if runner.completed else [],
        "new_expect": runner.new_expect if runner.completed else None,
        "unresolved": [f"{f.expectation.location if f.expectation else scenario.file}: "
                       f"{f.detail.rsplit('not updated: ', 1)[-1]}"
                       for f in runner.unresolved],
    }
    return payload


@dataclass
class FileResult:
    shown: str
    written: bool = False
    lines: list[str] = field(default_factory=list)  # one per change
    notes: list[str] = field(default_factory=list)  # skipped, errored, unresolved


@dataclass
class UpdateLog:
    """Payloads of the run, by file, in the order they arrived."""

    payloads: dict[str, list[dict]] = field(default_factory=dict)

    def add(self, payload: Mapping) -> None:
        self.payloads.setdefault(payload["file"], []).append(dict(payload))


def _value(value: Any) -> str:
    from pytest_k8sflow.golden.edit import render_flow

    text = render_flow(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _change_lines(where: str, old: Any, new: Any) -> list[str]:
    if isinstance(old, str) and isinstance(new, str) and ("\n" in old or "\n" in new):
        import difflib

        diff = difflib.unified_diff(old.rstrip("\n").splitlines(),
                                    new.rstrip("\n").splitlines(), lineterm="", n=0)
        body = [line for line in diff if not line.startswith(("---", "+++", "@@"))]
        return [f"{where}:", *("    " + line for line in body)]
    return [f"{where}: {_value(old)} -> {_value(new)}"]


def _where(pointer: Iterable) -> str:
    out = "$"
    for part in pointer:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _shown(file: str, root: Path | None) -> str:
    if root is not None:
        try:
            return str(Path(file).relative_to(root))
        except ValueError:
            pass
    return file


def write_updates(log: UpdateLog, root: Path | None = None) -> list[FileResult]:
    """Apply every payload to its file; one FileResult per file, sorted by path (shown
    relative to ``root``)."""
    results = []
    for file in sorted(log.payloads):
        payloads = sorted(log.payloads[file], key=lambda p: p["doc"])
        result = FileResult(_shown(file, root))
        results.append(result)
        path = Path(file)
        try:
            raw = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            result.notes.append(f"not written: cannot read the file ({exc})")
            continue
        bom = "\ufeff" if raw.startswith("\ufeff") else ""
        loaded = load_text(raw, file)
        texts = {doc.index: doc.text for doc in loaded.documents}
        changed = False
        for payload in payloads:
            name = payload["scenario"]
            for note in payload["unresolved"]:
                result.notes.append(f"{name!r}: not updated: {note}")
            if not payload["completed"]:
                result.notes.append(f"{name!r} errored: nothing written for it")
                continue
            changes = [Change.from_json(c) for c in payload["changes"]]
            if not changes and not payload["new_expect"]:
                continue
            text = texts.get(payload["doc"])
            if text is None or digest(text) != payload["digest"]:
                result.notes.append(f"{name!r}: the file changed during the run; "
                                    "nothing written for it")
                continue
            doc_start = next(d.start_line for d in loaded.documents
                             if d.index == payload["doc"])
            try:
                new_text, lines = apply_changes(text, [(c.pointer, c.new) for c in changes])
                if payload["new_expect"]:
                    new_text = insert_block(new_text, "expect", payload["new_expect"])
            except EditError as exc:
                result.notes.append(f"{name!r}: not written ({exc})")
                continue
            for change, line in zip(changes, lines, strict=True):
                result.lines.extend(_change_lines(
                    f"line {doc_start + line - 1}: {_where(change.pointer)}", change.old,
                    change.new))
            if payload["new_expect"]:
                result.lines.append(f"{name!r}: recorded an expect block with "
                                    f"{len(payload['new_expect'])} entries")
            if new_text != text:
                texts[payload["doc"]] = new_text
                changed = True
        if changed:
            out = bom + "".join(texts[doc.index] for doc in loaded.documents)
            path.write_bytes(out.encode("utf-8"))
            result.written = True
    return results


def summary_lines(results: list[FileResult]) -> list[str]:
    """The end-of-run report: per file, what changed (or why nothing was written)."""
    lines = []
    untouched = 0
    for result in results:
        if not result.lines and not result.notes:
            untouched += 1
            continue
        count = sum(1 for line in result.lines if not line.startswith(" "))
        head = f"{result.shown}: " + (f"{count} change{'s' if count != 1 else ''} written"
                                      if result.written else "not changed")
        lines.append(head)
        lines.extend("  " + line for line in result.lines)
        lines.extend("  " + note for note in result.notes)
    if untouched:
        lines.append(f"{untouched} file{'s' if untouched != 1 else ''} already up to date")
    return lines
