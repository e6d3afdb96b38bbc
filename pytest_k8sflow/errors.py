"""Errors a user can cause, each naming what was wrong and where."""

from __future__ import annotations


class K8sflowError(Exception):
    """Base class for every error the plugin reports to a user (never shown as a traceback)."""


class ScenarioError(K8sflowError):
    """A scenario document is malformed: names file, line, column and JSON path."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: int | None = None, path: str | None = None) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.detail = message
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        at = f"at {self.path}: " if self.path else ""
        return f"{where}{at}{self.detail}"


class ConvergenceError(K8sflowError):
    """The control loop did not settle: components kept rewriting each other's objects."""


class UnsupportedError(K8sflowError):
    """A feature that the engine does not model (yet); never silently ignored."""
