"""``/api/tasks``: scheduled tasks, their previews and their run history."""

from __future__ import annotations

from typing import Any, Literal

from backend.api.schemas.base import ApiModel


class TaskRunLinks(ApiModel):
    """Where the agent run behind a task run is: record, events, Markdown transcript."""

    run: str
    events: str
    export: str


class TaskRun(ApiModel):
    """One run of a task (a history entry); times are ISO 8601 or None."""

    id: int
    task_id: str
    reason: str
    status: str
    scheduled_for: str | None
    started_at: str | None
    finished_at: str | None
    duration_seconds: float | None
    output: str | None
    error: str | None
    run_id: str | None
    conversation_id: str | None
    links: TaskRunLinks | None


class Task(ApiModel):
    """A task as listed: what it asks, when it runs (``schedule`` in words), its last run."""

    id: str
    name: str
    prompt: str
    mode: str
    # The "use my documents" switch: auto (only when relevant), on (always), off (never).
    use_knowledge: Literal["auto", "on", "off"]
    trigger: dict[str, Any]
    schedule: str
    enabled: bool
    state: str
    next_run_at: str | None
    conversation_id: str | None
    created_at: str | None
    updated_at: str | None
    last_run: TaskRun | None


class TaskDetail(Task):
    """One task, with its next fire times."""

    next_runs: list[str]


class TaskList(ApiModel):
    tasks: list[Task]


class TriggerPreview(ApiModel):
    """A trigger as it would be stored, in words, and its next fire times."""

    trigger: dict[str, Any]
    schedule: str
    next_runs: list[str]


class TaskRunStarted(ApiModel):
    task_run: TaskRun


class TaskHistory(ApiModel):
    runs: list[TaskRun]
    total: int
