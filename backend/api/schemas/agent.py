"""``/api/agent``: answers, runs, their events and tool calls, engines."""

from __future__ import annotations

from typing import Any

from backend.api.schemas.base import ApiModel


class RunEvent(ApiModel):
    """One step of a run (also each SSE message's ``data``); ``data`` depends on ``type``."""

    run_id: str
    seq: int
    ts: str
    type: str
    agent: str
    data: dict[str, Any]


class QueryAnswer(ApiModel):
    """The final result of ``POST /api/agent/query`` without ``stream``."""

    run_id: str
    conversation_id: str | None
    answer: str
    status: str
    reason: str
    mode: str
    engine: str
    sources: list[dict[str, Any]]
    steps: list[RunEvent]


class Run(ApiModel):
    """A run's record; times are ISO 8601, ``finished_at`` is None while it runs."""

    run_id: str
    conversation_id: str | None
    mode: str
    engine: str
    prompt: str
    status: str
    answer: str | None
    error: str | None
    started_at: str
    finished_at: str | None


class RunList(ApiModel):
    runs: list[Run]


class ToolCall(ApiModel):
    """One audited tool call: its arguments, how much it returned, how long it took."""

    id: int
    run_id: str | None
    agent: str
    tool: str
    arguments: dict[str, Any]
    result_chars: int
    duration_ms: float
    error: str | None
    created_at: str


class ToolCallList(ApiModel):
    tool_calls: list[ToolCall]


class RunTranscript(Run):
    """``GET /api/agent/runs/{id}/export?format=json``."""

    events: list[RunEvent]
    tool_calls: list[ToolCall]


class Engine(ApiModel):
    """An engine's state and its record over its recent finished runs (None: no runs yet)."""

    engine: str
    state: str
    runs: int
    completed: int
    no_answer: int
    success_rate: float | None
    p50_seconds: float | None
    p95_seconds: float | None


class EngineList(ApiModel):
    engines: list[Engine]
    queued: int


class StopResult(ApiModel):
    run_id: str
    stopped: bool
