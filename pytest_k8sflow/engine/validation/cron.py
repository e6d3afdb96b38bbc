"""CronJob schedule parsing: the errors robfig/cron v3's standard parser gives, and time zone
lookup, as validateScheduleFormat and validateTimeZone use them.

Sources: k/k pkg/apis/batch/validation/validation.go (validateScheduleFormat), robfig/cron v3
parser.go.
"""

from __future__ import annotations

import re

from pytest_k8sflow.engine.validation.common import go_quote

# robfig/cron v3 standard parser, as used by validateScheduleFormat.
_CRON_FIELDS = [(0, 59, None), (0, 23, None), (1, 31, None),
                (1, 12, {m: i + 1 for i, m in enumerate(
                    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                     "dec"])}),
                (0, 6, {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri",
                                                    "sat"])})]
_CRON_DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight",
                     "@hourly")


def _cron_int(expr: str) -> int:
    if not re.match(r"^[+-]?\d+$", expr):
        raise ValueError(f'failed to parse int from {expr}: strconv.Atoi: parsing '
                         f'{go_quote(expr)}: invalid syntax')
    number = int(expr)
    if number < 0:
        raise ValueError(f"negative number ({number}) not allowed: {expr}")
    return number


def _cron_range(expr: str, low: int, high: int, names: dict | None) -> None:
    range_and_step = expr.split("/")
    low_high = range_and_step[0].split("-")

    def int_or_name(text: str) -> int:
        if names and text.lower() in names:
            return names[text.lower()]
        return _cron_int(text)

    if low_high[0] in ("*", "?"):
        start, end = low, high
    else:
        start = int_or_name(low_high[0])
        if len(low_high) == 1:
            end = start
        elif len(low_high) == 2:
            end = int_or_name(low_high[1])
        else:
            raise ValueError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _cron_int(range_and_step[1])
        if len(low_high) == 1 and low_high[0] not in ("*", "?"):
            end = high   # "N/step" means "N-max/step"
    else:
        raise ValueError(f"too many slashes: {expr}")
    if start < low:
        raise ValueError(f"beginning of range ({start}) below minimum ({low}): {expr}")
    if end > high:
        raise ValueError(f"end of range ({end}) above maximum ({high}): {expr}")
    if start > end:
        raise ValueError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise ValueError(f"step of range should be a positive number: {expr}")


def cron_schedule_error(schedule: str) -> str | None:
    """The error cron.ParseStandard gives for a schedule, or None when it parses."""
    spec = schedule
    if not spec:
        return "empty spec string"
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space = spec.find(" ")
        zone = spec[spec.find("=") + 1:space if space >= 0 else len(spec)]
        if _time_zone_error(zone):
            return f"provided bad location {zone}: unknown time zone {zone}"
        spec = spec[space:].strip() if space >= 0 else ""
    if spec.startswith("@"):
        if spec in _CRON_DESCRIPTORS:
            return None
        if spec.startswith("@every "):
            duration = spec[len("@every "):]
            if not re.match(r"^([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$", duration):
                return f'failed to parse duration {spec}: time: invalid duration "{duration}"'
            return None
        return f"unrecognized descriptor: {spec}"
    fields = spec.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]"
    for text, (low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        for expr in text.split(","):
            try:
                _cron_range(expr, low, high, names)
            except ValueError as exc:
                return str(exc)
    return None


def _time_zone_error(zone: str) -> bool:
    import zoneinfo

    if zone in ("UTC", "Local", ""):
        return False
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return True
    return False
