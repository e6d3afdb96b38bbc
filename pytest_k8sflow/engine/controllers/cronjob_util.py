"""CronJob schedule arithmetic (k/k pkg/controller/cronjob/utils.go mostRecentScheduleTime,
nextScheduleTime, nextScheduleTimeDuration, getJobFromTemplate2, getTimeHashInMinutes,
byJobStartTime) on top of croniter, which stands in for robfig/cron v3 ParseStandard.

Times are integer milliseconds since the epoch; schedules work at second precision.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from pytest_k8sflow.engine.controllers.controller_utils import new_controller_ref, time_ms
from pytest_k8sflow.engine.timeutil import parse_duration

SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp"
NEXT_SCHEDULE_DELTA_MS = 100  # cronjob_controllerv2.go nextScheduleDelta
TOO_MANY_MISSED = 100

# robfig/cron v3 descriptors (parser.go parseDescriptor)
_DESCRIPTORS = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_TZ_PREFIX = re.compile(r"^(CRON_TZ|TZ)=(\S+)\s+(.*)$")


class ScheduleError(ValueError):
    """An unparseable schedule (robfig/cron's error text where we know it)."""


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule: a cron expression in a zone, or ``@every`` a fixed delay."""

    expression: str | None
    zone: ZoneInfo | None
    every_ms: int | None = None

    def next(self, after_ms: int) -> int:
        """The first activation strictly after ``after_ms`` (cron.Schedule.Next)."""
        if self.every_ms is not None:
            # ConstantDelaySchedule.Next: t + delay, rounded down to the second.
            base = after_ms - after_ms % 1000
            return base + self.every_ms
        zone = self.zone or ZoneInfo("UTC")
        start = datetime.fromtimestamp(after_ms / 1000, tz=UTC).astimezone(zone)
        # robfig works at second precision: anything within the second counts as that second.
        start = start.replace(microsecond=0)
        nxt = croniter(self.expression, start).get_next(datetime)
        return int(nxt.timestamp()) * 1000


def parse_schedule(text: str, time_zone: str | None = None) -> Schedule:
    """cron.ParseStandard(formatSchedule(cj)): five fields, descriptors, ``@every``, and a
    ``TZ=``/``CRON_TZ=`` prefix (what spec.timeZone becomes)."""
    value = text.strip()
    zone_name = time_zone
    match = _TZ_PREFIX.match(value)
    if match:
        zone_name, value = match.group(2), match.group(3).strip()
    zone = None
    if zone_name is not None:
        zone = load_zone(zone_name)
    if value.startswith("@every "):
        try:
            delay = parse_duration(value[len("@every "):].strip())
        except ValueError as exc:
            raise ScheduleError(f"failed to parse duration {value}: {exc}") from exc
        # ConstantDelaySchedule: less than a second rounds up to a second, else truncates.
        delay = 1000 if delay < 1000 else delay - delay % 1000
        return Schedule(None, zone, every_ms=delay)
    if value.startswith("@"):
        if value not in _DESCRIPTORS:
            raise ScheduleError(f"unrecognized descriptor: {value}")
        value = _DESCRIPTORS[value]
    fields = value.split()
    if len(fields) != 5:
        raise ScheduleError(f"expected exactly 5 fields, found {len(fields)}: [{value}]")
    fields = ["*" if f == "?" else f for f in fields]
    expression = " ".join(fields)
    if not croniter.is_valid(expression):
        raise ScheduleError(f"failed to parse schedule: {value}")
    return Schedule(expression, zone)


def load_zone(name: str) -> ZoneInfo:
    """time.LoadLocation: "" and "UTC" are UTC; "Local" is UTC here (no host zone)."""
    if name in ("", "UTC", "Local"):
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(f"unknown time zone {name}") from exc


def most_recent_schedule_time(cj: Mapping, now_ms: int, schedule: Schedule,
                              include_starting_deadline: bool
                              ) -> tuple[int, int | None, str]:
    """utils.go mostRecentScheduleTime: (earliest time considered, the most recent activation
    in (earliest, now] or None, "none"|"few"|"many" missed)."""
    status = cj.get("status") or {}
    spec = cj.get("spec") or {}
    earliest = time_ms(status.get("lastScheduleTime"))
    if earliest is None:
        earliest = time_ms(cj["metadata"].get("creationTimestamp")) or 0
    deadline = spec.get("startingDeadlineSeconds")
    if include_starting_deadline and deadline is not None:
        scheduling_deadline = now_ms - int(deadline) * 1000
        if scheduling_deadline > earliest:
            earliest = scheduling_deadline
    t1 = schedule.next(earliest)
    t2 = schedule.next(t1)
    if now_ms < t1:
        return earliest, None, "none"
    if now_ms < t2:
        return earliest, t1, "none"
    between = round((t2 - t1) / 1000)
    if between < 1:
        raise ScheduleError("time difference between two schedules is less than 1 second")
    elapsed = (now_ms - t1) // 1000
    missed = elapsed // between + 1
    potential_earliest = t1 + (missed - 2) * between * 1000
    most_recent = None
    t = schedule.next(potential_earliest)
    while t <= now_ms:
        most_recent = t
        t = schedule.next(t)
    kind = "many" if missed > TOO_MANY_MISSED else ("few" if missed > 0 else "none")
    return earliest, most_recent, kind


def next_schedule_time_duration(cj: Mapping, now_ms: int, schedule: Schedule) -> int:
    """utils.go nextScheduleTimeDuration: ms from now to 100 ms after the next activation."""
    try:
        earliest, most_recent, missed = most_recent_schedule_time(cj, now_ms, schedule, False)
    except ScheduleError:
        most_recent = now_ms  # aim for the next slot from now
    else:
        if most_recent is None:
            # no activation in (earliest, now]: from earliest if none was missed, else now
            most_recent = earliest if missed == "none" else now_ms
    return schedule.next(most_recent) + NEXT_SCHEDULE_DELTA_MS - now_ms


def job_name(cj: Mapping, scheduled_ms: int) -> str:
    """getJobName: ``<cronjob>-<scheduled time in minutes since the epoch>``."""
    return f"{cj['metadata']['name']}-{scheduled_ms // 60_000}"


def format_in_zone(scheduled_ms: int, zone: ZoneInfo | None) -> str:
    """time.Format(time.RFC3339) of the scheduled time in the CronJob's zone."""
    moment = datetime.fromtimestamp(scheduled_ms // 1000, tz=UTC)
    if zone is not None and zone.key != "UTC":
        moment = moment.astimezone(zone)
        offset = moment.utcoffset() or timedelta(0)
        if offset != timedelta(0):
            return moment.strftime("%Y-%m-%dT%H:%M:%S") + _offset_text(offset)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def job_from_template(cj: Mapping, scheduled_ms: int, zone: ZoneInfo | None,
                      scheduled_annotation: bool = True) -> dict:
    """getJobFromTemplate2: labels/annotations of jobTemplate, the deterministic name, the
    scheduled-timestamp annotation (CronJobsScheduledAnnotation, beta in 1.28), a controller
    reference and jobTemplate.spec."""
    template = (cj.get("spec") or {}).get("jobTemplate") or {}
    tmeta = template.get("metadata") or {}
    labels = dict(tmeta.get("labels") or {})
    annotations = dict(tmeta.get("annotations") or {})
    if scheduled_annotation:
        annotations[SCHEDULED_TIMESTAMP_ANNOTATION] = format_in_zone(scheduled_ms, zone)
    meta: dict = {"name": job_name(cj, scheduled_ms),
                  "namespace": cj["metadata"].get("namespace") or "default"}
    if labels:
        meta["labels"] = labels
    if annotations:
        meta["annotations"] = annotations
    meta["ownerReferences"] = [new_controller_ref(cj, "batch/v1", "CronJob")]
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
            "spec": copy.deepcopy(template.get("spec") or {})}


def job_start_time_key(job: Mapping) -> tuple:
    """byJobStartTime: by status.startTime (jobs without one last), ties by name."""
    start = time_ms((job.get("status") or {}).get("startTime"))
    return (start is None, start or 0, job["metadata"]["name"])


def format_rfc1123z(ms: int) -> str:
    """Go's time.RFC1123Z in UTC: ``Mon, 02 Jan 2006 15:04:05 +0000``."""
    return datetime.fromtimestamp(ms // 1000, tz=UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
