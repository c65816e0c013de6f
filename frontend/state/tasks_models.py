"""What the Tasks page shows, built from API payloads, and the trigger the form sends.

Pure functions only, so the tests check them without a server.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

from backend.api.schemas.tasks import Task, TaskRun
from frontend.state.agents_models import excerpt, moment_of
from frontend.state.chat_models import DOCUMENT_CHOICES, DOCUMENT_LABELS
from frontend.state.run_format import format_seconds
from frontend.state.run_timeline import STATUS_COLORS, status_label

TASK_STATE_COLORS = {"scheduled": "green", "running": "blue", "paused": "amber", "finished": "gray"}
RUN_STATUS_COLORS = {**STATUS_COLORS, "skipped": "gray", "missed": "amber"}
TRIGGER_KINDS = ["cron", "interval", "date"]
INTERVAL_UNITS = ["minutes", "hours", "days"]
CRON_FIELDS = ["minute", "hour", "day", "month", "weekday"]


@dataclasses.dataclass
class CronPreset:
    """A schedule people often want, as a crontab line."""

    label: str
    cron: str


CRON_PRESETS = [
    CronPreset("Every minute", "* * * * *"),
    CronPreset("Every 15 minutes", "*/15 * * * *"),
    CronPreset("Every hour", "0 * * * *"),
    CronPreset("Every day at 9:00", "0 9 * * *"),
    CronPreset("Weekdays at 9:00", "0 9 * * 1-5"),
    CronPreset("Mondays at 8:00", "0 8 * * 1"),
]


@dataclasses.dataclass
class TaskRow:
    """One task in the list."""

    id: str = ""
    name: str = ""
    prompt: str = ""
    excerpt: str = ""
    mode: str = ""
    # The "use my documents" switch: its value, in the chat's words, and what it does.
    documents: str = ""
    documents_label: str = ""
    documents_hint: str = ""
    schedule: str = ""
    state: str = ""
    state_color: str = "gray"
    enabled: bool = True
    next_run: str = ""
    last_status: str = ""
    last_status_label: str = ""
    last_status_color: str = "gray"
    last_time: str = ""


@dataclasses.dataclass
class HistoryRow:
    """One run of a task: when, why, how it ended, what it answered."""

    id: int = 0
    reason: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = "gray"
    started: str = ""
    duration: str = ""
    output: str = ""
    error: str = ""
    run_id: str = ""


def when(value: Any, now: datetime | None = None) -> str:
    """``"today 14:03"``, ``"tomorrow 09:00"``, ``"Wed 3 Dec 09:00"``; ``""`` if unknown."""
    moment = moment_of(value)
    if moment is None:
        return ""
    today = (now.astimezone(moment.tzinfo) if now else datetime.now(moment.tzinfo)).date()
    clock = moment.strftime("%H:%M:%S" if moment.second else "%H:%M")
    if moment.date() == today:
        return f"today {clock}"
    if moment.date() == today + timedelta(days=1):
        return f"tomorrow {clock}"
    if moment.date() == today - timedelta(days=1):
        return f"yesterday {clock}"
    day = f"{moment.strftime('%a')} {moment.day} {moment.strftime('%b')}"
    if moment.year != today.year:
        day += f" {moment.year}"
    return f"{day} {clock}"


def to_task_row(raw: dict[str, Any] | Task, now: datetime | None = None) -> TaskRow:
    """Build a list row from a task of ``GET /api/tasks``."""
    task = Task.model_validate(raw)
    last = task.last_run
    last_status = last.status if last else ""
    return TaskRow(
        id=task.id,
        name=task.name,
        prompt=task.prompt,
        excerpt=excerpt(task.prompt, 70),
        mode=task.mode,
        documents=task.use_knowledge,
        documents_label=f"Documents: {DOCUMENT_LABELS[task.use_knowledge]}",
        documents_hint=DOCUMENT_CHOICES[task.use_knowledge],
        schedule=task.schedule,
        state=task.state,
        state_color=TASK_STATE_COLORS.get(task.state, "gray"),
        enabled=task.enabled,
        next_run=when(task.next_run_at, now) or "—",
        last_status=last_status or "never run",
        last_status_label=status_label(last_status) or "never run",
        last_status_color=RUN_STATUS_COLORS.get(last_status, "gray"),
        last_time=when(last.started_at if last else None, now),
    )


REASONS = {"manual": "run now", "schedule": "scheduled"}


def to_history_row(raw: dict[str, Any] | TaskRun, now: datetime | None = None) -> HistoryRow:
    """Build a history entry from ``GET /api/tasks/{id}/history``."""
    entry = TaskRun.model_validate(raw)
    return HistoryRow(
        id=entry.id,
        reason=REASONS.get(entry.reason, entry.reason),
        status=entry.status,
        status_label=status_label(entry.status),
        status_color=RUN_STATUS_COLORS.get(entry.status, "gray"),
        started=when(entry.started_at or entry.scheduled_for, now),
        duration="running" if entry.status == "running" else format_seconds(entry.duration_seconds),
        output=entry.output or "",
        error=entry.error or "",
        run_id=entry.run_id or "",
    )


def trigger_spec(kind: str, cron: str, every: str, unit: str, run_at: str) -> dict[str, Any]:
    """The ``trigger`` the API expects from the form's fields.

    Raises ``ValueError`` with a message for people when a field cannot be read; the server
    checks the rest (cron syntax, past dates) and explains in its 422.
    """
    if kind == "cron":
        return {"type": "cron", "cron": " ".join(cron.split())}
    if kind == "interval":
        try:
            amount = int(every.strip())
        except ValueError:
            raise ValueError(f"'{every}' is not a whole number of {unit}") from None
        if amount <= 0:
            raise ValueError("The interval must be at least 1")
        if unit not in INTERVAL_UNITS:
            raise ValueError(f"Unknown unit '{unit}'")
        return {"type": "interval", unit: amount}
    if kind == "date":
        if not run_at.strip():
            raise ValueError("Pick the date and time of the run")
        return {"type": "date", "run_at": run_at.strip()}
    raise ValueError(f"Unknown schedule type '{kind}'")


def cron_fields(cron: str) -> list[str]:
    """``"0 9 * * 1-5"`` → ``["minute 0", "hour 9", …]``: what each field of a line sets.

    ``day`` is the day of the month; ``weekday`` counts from Sunday (0 or 7) as crontab does.
    """
    parts = cron.split()
    if len(parts) != len(CRON_FIELDS):
        return []
    return [f"{name} {part}" for name, part in zip(CRON_FIELDS, parts, strict=True)]


def preview_lines(next_runs: list[Any], now: datetime | None = None) -> list[str]:
    """The preview's fire times, as the task list writes them."""
    return [text for value in next_runs if (text := when(value, now))]


def preview_is_stale(next_runs: list[Any], shown: list[str], now: datetime | None = None) -> bool:
    """Whether a preview no longer holds: its first run has passed, or its words have
    ("tomorrow 09:00" after midnight), so it must be asked for again."""
    if not next_runs:
        return False
    first = moment_of(next_runs[0])
    current = now or datetime.now().astimezone()
    if first is not None and first <= current:
        return True
    return preview_lines(next_runs, current) != shown
