"""When a task runs: cron expression, fixed interval or one date, checked and previewed.

A trigger is stored as plain JSON (``{"type": "cron", "cron": "0 9 * * 1-5", "timezone":
"Europe/Paris"}``) and turned into an APScheduler trigger here, so a bad one is refused with
a reason a person can read before anything is scheduled.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from backend.automation.cron_words import cron_words, same_zone

MIN_INTERVAL_SECONDS = 10
# A year: rarer runs are a cron or a date, and 50 previewed runs stay within datetime's range.
MAX_INTERVAL_SECONDS = 366 * 24 * 3600
MAX_PREVIEW = 50


class TriggerError(ValueError):
    """A trigger that cannot be scheduled; the message says why."""


class CronSpec(BaseModel):
    """Five-field crontab: minute hour day-of-month month day-of-week."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["cron"]
    cron: str
    timezone: str | None = None


class IntervalSpec(BaseModel):
    """Every so often; the parts add up (``{"hours": 1, "minutes": 30}``)."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["interval"]
    days: int = Field(default=0, ge=0)
    hours: int = Field(default=0, ge=0)
    minutes: int = Field(default=0, ge=0)
    seconds: int = Field(default=0, ge=0)

    @property
    def total_seconds(self) -> int:
        return ((self.days * 24 + self.hours) * 60 + self.minutes) * 60 + self.seconds


class DateSpec(BaseModel):
    """Once, at ``run_at`` (ISO 8601; without an offset it is read in ``timezone``)."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["date"]
    run_at: datetime
    timezone: str | None = None


TriggerSpec = Annotated[CronSpec | IntervalSpec | DateSpec, Field(discriminator="type")]
_ADAPTER: TypeAdapter[CronSpec | IntervalSpec | DateSpec] = TypeAdapter(TriggerSpec)


def parse_spec(raw: dict[str, Any]) -> CronSpec | IntervalSpec | DateSpec:
    """A stored trigger's JSON back as its spec."""
    return _ADAPTER.validate_python(raw)


def local_timezone() -> str:
    """This machine's time zone name (cron and dates are read in it unless told otherwise)."""
    try:
        from tzlocal import get_localzone_name

        return get_localzone_name() or "UTC"
    except Exception:
        return "UTC"


def _zone(name: str | None) -> ZoneInfo:
    name = name or local_timezone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TriggerError(
            f"Unknown time zone {name!r}: use a name like 'UTC' or 'Europe/Paris'"
        ) from None


def normalized(spec: CronSpec | IntervalSpec | DateSpec) -> dict[str, Any]:
    """The spec as stored: time zone filled in, so moving the machine does not move the task."""
    data = spec.model_dump(mode="json", exclude_defaults=False)
    if isinstance(spec, CronSpec | DateSpec):
        data["timezone"] = str(_zone(spec.timezone))
    if isinstance(spec, IntervalSpec):
        data = {"type": "interval", **{k: v for k, v in data.items() if k != "type" and v}}
    return data


DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def standard_day_of_week(field: str) -> str:
    """Crontab's day of week (0 or 7 = Sunday) in APScheduler's terms (0 = Monday).

    Numbers, ranges and steps become explicit day names, so ``1-5`` stays Monday to Friday.
    """
    days: list[str] = []
    for part in field.lower().split(","):
        base, _, step_text = part.partition("/")
        if not base or base.isalpha() or ("-" in base and base.replace("-", "").isalpha()):
            if step_text:
                raise ValueError(f"a step needs numbers ({part!r})")
            days.append(base)
            continue
        step = int(step_text) if step_text.isdigit() else 1
        if step_text and not step_text.isdigit():
            raise ValueError(f"bad step ({part!r})")
        if base == "*":
            first, last = 0, 6
        elif "-" in base:
            low, _, high = base.partition("-")
            if not (low.isdigit() and high.isdigit()):
                raise ValueError(f"bad range {base!r}")
            first, last = int(low), int(high)
        elif base.isdigit():
            first = int(base)
            last = 6 if step_text else first
        else:
            raise ValueError(f"{base!r} is not a day")
        if not (0 <= first <= 7 and 0 <= last <= 7) or first > last:
            raise ValueError(f"{base!r} is outside 0-7 (0 and 7 are Sunday)")
        days.extend(DAY_NAMES[day] for day in range(first, last + 1, step))
    return ",".join(dict.fromkeys(days))


CRON_FIELDS = ("minute", "hour", "day of month", "month", "day of week")
_APSCHEDULER_PREFIX = re.compile(r"^Error validating expression '[^']*': ")


def _field_error(label: str, value: str) -> str | None:
    """Why one cron field is wrong, or None when it is fine on its own."""
    try:
        if label == "day of week":
            value = standard_day_of_week(value) if value != "*" else value
        CronTrigger(**{label.replace("day of month", "day").replace(" ", "_"): value})
    except ValueError as error:
        reason = _APSCHEDULER_PREFIX.sub("", str(error))
        if reason.startswith("Unrecognized expression"):
            reason = "not a number, range, step or list"
        return reason
    return None


def cron_trigger(expression: str, zone: ZoneInfo) -> CronTrigger:
    """A CronTrigger from a standard five-field crontab line.

    Every field is checked on its own first, so a line with two mistakes names both (APScheduler
    stops at the first).
    """
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"Wrong number of fields; got {len(fields)}, expected 5")
    errors = [
        f"{label} {value!r}: {reason}"
        for label, value in zip(CRON_FIELDS, fields, strict=True)
        if (reason := _field_error(label, value)) is not None
    ]
    if errors:
        raise ValueError("; ".join(errors))
    minute, hour, day, month, day_of_week = fields
    if day_of_week != "*":
        day_of_week = standard_day_of_week(day_of_week)
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week, timezone=zone
    )


def build_trigger(
    spec: CronSpec | IntervalSpec | DateSpec,
    now: datetime | None = None,
    *,
    check_past: bool = True,
) -> BaseTrigger:
    """The APScheduler trigger for ``spec``; raises :class:`TriggerError` with the reason."""
    now = now or datetime.now(UTC)
    if isinstance(spec, CronSpec):
        expression = " ".join(spec.cron.split())
        if not expression:
            raise TriggerError("The cron expression is empty: write five fields, e.g. '0 9 * * *'")
        zone = _zone(spec.timezone)
        try:
            trigger: BaseTrigger = cron_trigger(expression, zone)
        except ValueError as error:
            raise TriggerError(
                f"Invalid cron expression {spec.cron!r}: {error}. Use five fields: "
                "minute hour day-of-month month day-of-week, e.g. '*/15 * * * *'"
            ) from None
        if trigger.get_next_fire_time(None, now) is None:
            raise TriggerError(f"The cron expression {spec.cron!r} never fires")
        return trigger
    if isinstance(spec, IntervalSpec):
        seconds = spec.total_seconds
        if seconds < MIN_INTERVAL_SECONDS:
            raise TriggerError(
                f"The interval is {seconds} s; the shortest allowed is {MIN_INTERVAL_SECONDS} s"
            )
        if seconds > MAX_INTERVAL_SECONDS:
            raise TriggerError(
                f"The interval is {seconds:,} s; the longest allowed is 366 days: "
                "use a cron expression or a date for rarer runs"
            )
        return IntervalTrigger(
            seconds=seconds, start_date=now + timedelta(seconds=seconds), timezone=UTC
        )
    zone = _zone(spec.timezone)
    run_at = spec.run_at if spec.run_at.tzinfo else spec.run_at.replace(tzinfo=zone)
    if check_past and run_at <= now:
        raise TriggerError(
            f"The date {run_at.isoformat()} is in the past (it is now "
            f"{now.astimezone(zone).isoformat(timespec='seconds')}): pick a later time"
        )
    return DateTrigger(run_date=run_at, timezone=zone)


def next_fire_times(
    trigger: BaseTrigger, count: int, now: datetime | None = None
) -> list[datetime]:
    """The next ``count`` times ``trigger`` fires after ``now`` (fewer if it stops)."""
    now = now or datetime.now(UTC)
    times: list[datetime] = []
    previous: datetime | None = None
    moment = now
    for _ in range(min(count, MAX_PREVIEW)):
        fire = trigger.get_next_fire_time(previous, moment)
        if fire is None or (previous is not None and fire <= previous):
            break
        times.append(fire)
        previous = fire
        try:
            moment = fire + timedelta(microseconds=1)
        except OverflowError:  # the last moment a datetime can hold: nothing comes after it
            break
    return times


def describe(spec: CronSpec | IntervalSpec | DateSpec) -> str:
    """The trigger in words, for lists and logs."""
    if isinstance(spec, CronSpec):
        said = cron_words(spec.cron)
        zone = spec.timezone or local_timezone()
        # Times are read in the task's zone: named when it is not this machine's.
        return said if same_zone(zone, local_timezone()) else f"{said} ({zone})"
    if isinstance(spec, IntervalSpec):
        parts = [(spec.days, "day"), (spec.hours, "hour"), (spec.minutes, "minute")]
        parts.append((spec.seconds, "second"))
        words = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
        return "every " + " ".join(words)
    return f"once at {spec.run_at.isoformat()}"
