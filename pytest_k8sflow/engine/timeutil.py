"""Simulated time: integer milliseconds since the Unix epoch, formatted as Kubernetes does."""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_START = "2026-01-01T00:00:00Z"


def parse_time(text: str) -> int:
    """RFC 3339 text -> milliseconds since the epoch (``Z`` or an offset required)."""
    value = text.strip()
    if value.endswith("Z") or value.endswith("z"):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"not an RFC 3339 time: {text!r}") from exc
    if moment.tzinfo is None:
        raise ValueError(f"time {text!r} has no time zone (write e.g. 2026-01-01T00:00:00Z)")
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def to_datetime(ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=ms)


def format_time(ms: int) -> str:
    """metav1.Time: RFC 3339 with second precision, always UTC (``2026-01-01T00:00:00Z``)."""
    return _format_second(ms // 1000)


@functools.lru_cache(maxsize=256)
def _format_second(seconds: int) -> str:
    # Hot: every status write stamps the same few simulated seconds.
    return to_datetime(seconds * 1000).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_micro_time(ms: int) -> str:
    """metav1.MicroTime: RFC 3339 with six fractional digits (``...00.000000Z``)."""
    return to_datetime(ms).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_MS = {"h": 3_600_000, "m": 60_000, "s": 1000, "ms": 1}


def parse_duration(text: str | int | float) -> int:
    """A Go-style duration (``30s``, ``5m``, ``1h30m``, ``500ms``) -> milliseconds.

    A bare number means seconds.
    """
    if isinstance(text, bool):
        raise ValueError(f"not a duration: {text!r}")
    if isinstance(text, int | float):
        return int(round(text * 1000))
    value = str(text).strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return int(round(float(value) * 1000))
    pos = 0
    total = 0.0
    for match in _DURATION_PART.finditer(value):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNIT_MS[match.group(2)]
        pos = match.end()
    if pos != len(value) or not value:
        raise ValueError(f"not a duration: {text!r} (write e.g. 30s, 5m, 1h30m)")
    return int(round(total))


def format_go_duration(ms: int) -> str:
    """Go's time.Duration.String() for whole-millisecond values: ``10s``, ``1m20s``, ``5m0s``."""
    if ms == 0:
        return "0s"
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    if ms < 1000:
        return f"{sign}{ms}ms"
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds = rest / 1000
    sec_text = f"{seconds:.3f}".rstrip("0").rstrip(".")
    if hours:
        return f"{sign}{hours}h{minutes}m{sec_text}s"
    if minutes:
        return f"{sign}{minutes}m{sec_text}s"
    return f"{sign}{sec_text}s"
