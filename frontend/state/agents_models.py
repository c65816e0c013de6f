"""What the Agents page shows, built from API payloads: engine cards and the runs table.

Pure functions only, so the tests check them without a server.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from backend.api.schemas.agent import Engine, Run
from frontend.state.chat_models import MODE_CHOICES
from frontend.state.run_format import format_seconds
from frontend.state.run_timeline import STATUS_COLORS, status_label

ENGINE_LABELS = {choice.value: choice.label for choice in MODE_CHOICES}
ENGINE_HINTS = {choice.value: choice.hint for choice in MODE_CHOICES}
PROMPT_EXCERPT_CHARS = 90


@dataclasses.dataclass
class EngineCard:
    """One engine: whether it is answering now and how it has done so far."""

    engine: str
    label: str
    hint: str
    state: str
    state_color: str
    runs: int
    # Success counts only answers that passed the answer check; these are the ones that did not.
    success: str
    no_answer: int
    p50: str
    p95: str


@dataclasses.dataclass
class RunRow:
    """One line of the recent runs table."""

    run_id: str = ""
    conversation_id: str = ""
    time: str = ""
    engine: str = ""
    mode: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = "gray"
    duration: str = ""
    prompt: str = ""
    excerpt: str = ""
    answer: str = ""
    error: str = ""


def percent(value: Any) -> str:
    """``0.923`` → ``"92%"``; ``"—"`` before the engine has finished a run."""
    try:
        return "—" if value is None else f"{round(float(value) * 100)}%"
    except (TypeError, ValueError):
        return "—"


def to_engine_card(raw: dict[str, Any] | Engine) -> EngineCard:
    """Build an engine card from ``GET /api/agent/engines``."""
    record = Engine.model_validate(raw)
    engine = record.engine
    return EngineCard(
        engine=engine,
        label=ENGINE_LABELS.get(engine, engine.capitalize()),
        hint=ENGINE_HINTS.get(engine, ""),
        state=record.state,
        state_color="green" if record.state == "working" else "gray",
        runs=record.runs,
        success=percent(record.success_rate),
        no_answer=record.no_answer,
        p50=format_seconds(record.p50_seconds),
        p95=format_seconds(record.p95_seconds),
    )


def moment_of(value: Any) -> datetime | None:
    """An ISO time from the API as a local aware datetime (naive ones are UTC)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    # The API stores UTC; SQLite hands it back without a zone.
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone()


def run_time(value: Any, now: datetime | None = None) -> str:
    """Local start time: ``"14:03:07"`` today, ``"2026-01-02 14:03"`` on other days."""
    moment = moment_of(value)
    if moment is None:
        return ""
    today = (now or datetime.now(moment.tzinfo)).date()
    return moment.strftime("%H:%M:%S" if moment.date() == today else "%Y-%m-%d %H:%M")


def run_duration(started: Any, finished: Any) -> str:
    """How long a run took; ``"running"`` while it has not finished."""
    begin, end = moment_of(started), moment_of(finished)
    if begin is None:
        return "—"
    if end is None:
        return "running"
    return format_seconds((end - begin).total_seconds())


def excerpt(text: str, limit: int = PROMPT_EXCERPT_CHARS) -> str:
    """The prompt on one line, cut at a word near ``limit`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] or flat[:limit]
    return cut + "…"


def to_run_row(raw: dict[str, Any] | Run, now: datetime | None = None) -> RunRow:
    """Build a table row from ``GET /api/agent/runs``."""
    run = Run.model_validate(raw)
    return RunRow(
        run_id=run.run_id,
        conversation_id=run.conversation_id or "",
        time=run_time(run.started_at, now),
        engine=run.engine,
        mode=run.mode,
        status=run.status,
        status_label=status_label(run.status),
        status_color=STATUS_COLORS.get(run.status, "gray"),
        duration=run_duration(run.started_at, run.finished_at),
        prompt=run.prompt,
        excerpt=excerpt(run.prompt),
        answer=run.answer or "",
        error=run.error or "",
    )
