"""Assemble docs/semantics.md from the per-area notes in docs/semantics/*.md.

    .venv/bin/python scripts/build_semantics.py          # rewrite docs/semantics.md
    .venv/bin/python scripts/build_semantics.py --check  # exit 1 if it is out of date

Each area file starts with a ``# Title`` line; areas are ordered as in ORDER, then any
others by file name, so the document is stable.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AREAS = ROOT / "docs" / "semantics"
TARGET = ROOT / "docs" / "semantics.md"
ORDER = [
    "engine-core", "scenario-files", "patch-and-matching", "defaults-and-validation",
    "deployment-arithmetic", "kubelet-and-scheduler", "node-lifecycle",
    "admission-and-volumes", "statefulset-services-storage", "daemonset-history",
    "jobs-and-cronjobs", "kubectl-output", "kubectl-commands", "linting",
]
HEADER = """\
# How faithful the engine is: behaviours and their Kubernetes sources

Every behaviour the engine models, area by area, with the upstream source it follows
(path and function or test in kubernetes/kubernetes or kubernetes/kubectl) and, where we
simplify, what and why. Generated from `docs/semantics/*.md` by
`scripts/build_semantics.py`; edit those files, not this one.

"""


def _title(text: str, stem: str) -> str:
    first = text.lstrip().splitlines()[0] if text.strip() else stem
    return first.lstrip("# ").strip() if first.startswith("#") else stem


def _demote(text: str) -> str:
    """Headings one level down (the document has one top title); code blocks untouched."""
    out, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        out.append("#" + line if line.startswith("#") and not fenced else line)
    return "\n".join(out)


def build() -> str:
    files = {p.stem: p for p in AREAS.glob("*.md")}
    stems = [s for s in ORDER if s in files] + sorted(s for s in files if s not in ORDER)
    texts = {s: files[s].read_text(encoding="utf-8") for s in stems}
    toc = [f"- [{_title(texts[s], s)}](semantics/{s}.md)" for s in stems]
    body = []
    for stem in stems:
        text = texts[stem].strip()
        body.append(_demote(text))
    return HEADER + "\n".join(toc) + "\n\n" + "\n\n".join(body) + "\n"


def main(argv: list[str]) -> int:
    text = build()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print("docs/semantics.md is out of date: run scripts/build_semantics.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
