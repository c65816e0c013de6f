"""Plumbing between a run and the code that serves it: events from worker threads, the
run's tool context, its model endpoint and budget, and conversation history that fits."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from agents.engines.base import Emit, Limits, ModelEndpoint
from agents.events import EventType
from agents.history import estimate_tokens, fit_history
from agents.tools.registry import AuditFn, ToolContext
from backend.config import Settings
from backend.llm.gateway import ModelGateway, RunBudget

log = logging.getLogger(__name__)

# Model calls allowed per step: a step may need a call to act and one to read the result.
CALLS_PER_STEP = 3
SUMMARY_CHARS = 400


def thread_emitter(loop: asyncio.AbstractEventLoop, emit: Emit) -> Any:
    """A plain function that publishes an event from any thread, in order.

    From a worker thread it waits until the event is recorded; on the loop's own thread
    (where waiting would deadlock) it schedules the event instead.
    """

    def publish(type_: EventType, data: dict[str, Any], agent: str | None = None) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            loop.create_task(emit(type_, data, agent))
            return
        future = asyncio.run_coroutine_threadsafe(emit(type_, data, agent), loop)
        try:
            future.result(timeout=30)
        except Exception:
            log.exception("could not publish a %s event", type_)

    return publish


def limits_from(settings: Settings) -> Limits:
    return Limits(
        max_steps=settings.agent_max_steps,
        max_seconds=settings.agent_max_seconds,
        max_tokens=settings.agent_max_tokens,
    )


def open_endpoint(
    gateway: ModelGateway, run_id: str, limits: Limits, model: str, on_call: Any
) -> tuple[ModelEndpoint, RunBudget]:
    """The run's address on the model gateway, with its budget."""
    budget = RunBudget(
        max_tokens=limits.max_tokens,
        max_calls=limits.max_steps * CALLS_PER_STEP + 2,
        max_seconds=limits.max_seconds,
        on_call=on_call,
    )
    base_url = gateway.open(run_id, budget)
    return ModelEndpoint(base_url, budget.key, model or "local"), budget


def tool_context(
    run_id: str, publish: Any, audit: AuditFn | None, budget: RunBudget | None
) -> ToolContext:
    def stopped() -> bool:
        return budget is not None and budget.stopped

    def emit(type_: str, data: dict[str, Any]) -> None:
        publish(type_, data, None)

    return ToolContext(run_id=run_id, emit=emit, audit=audit, stopped=stopped)


def history_with_summary(
    history: list[dict[str, str]], prompt: str, settings: Settings
) -> list[dict[str, str]]:
    """The newest turns that fit the context window; older ones shortened to one note.

    The note lists the earlier questions (the user's own words, cut short), so the model
    still knows what the conversation was about without spending the window on it.
    """
    kept = fit_history(history, prompt, settings)
    dropped = history[: len(history) - len(kept)]
    asked = [m["content"].strip().replace("\n", " ") for m in dropped if m["role"] == "user"]
    if not asked:
        return kept
    summary = "; ".join(text[:120] for text in asked)[:SUMMARY_CHARS]
    note = [
        {"role": "user", "content": f"(Earlier in this conversation I asked: {summary})"},
        {"role": "assistant", "content": "Understood."},
    ]
    room = settings.context_size - settings.max_tokens - estimate_tokens(prompt)
    if sum(estimate_tokens(m["content"]) for m in note + kept) > room:
        return kept
    return note + kept
