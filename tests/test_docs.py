"""Documentation that is generated or promised stays true."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_semantics_document_is_assembled_from_the_area_notes():
    result = subprocess.run([sys.executable, "scripts/build_semantics.py", "--check"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_readme_starts_with_the_two_setup_commands():
    lines = [line.strip() for line in (ROOT / "README.md").read_text().splitlines()]
    commands = [line for line in lines if line.startswith("python3 -m venv .venv")]
    assert commands[:2] == [
        "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && "
        ".venv/bin/k8sflow run scenarios/",
        "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && "
        ".venv/bin/pytest -n auto -q",
    ]
    ci = (ROOT / ".ci" / "run").read_text()
    assert all(command in ci for command in commands[:2])
