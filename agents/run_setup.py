"""Setting a run up: its budget and address on the model gateway, the client and context its
engine gets, events from worker threads, its tool context, and conversation history that fits.

Every model call of a run goes through its address on the gateway: the agent frameworks' own
OpenAI clients and the run's ``ChatClient`` (chat, the routing call, the follow-up rewrite, the
answer's second try) alike, so the budget counts all of them and a stop refuses all of them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from agents.engines.base import Emit, RunContext
from agents.events import EventType
from agents.history import estimate_tokens, fit_history
from agents.runs import ActiveRun
from agents.tools.registry import AuditFn, ToolContext, ToolRegistry
from backend.config import Settings
from backend.llm.budget import Limits, RunBudget
from backend.llm.client import ChatClient, ClientOptions
from backend.llm.gateway import ModelGateway

log = logging.getLogger(__name__)

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


def set_up(
    run: ActiveRun,
    prompt: str,
    history: list[dict[str, str]],
    emit: Emit,
    tools: ToolRegistry,
    settings: Settings,
    gateway: ModelGateway,
    model: str,
    audit: AuditFn | None,
) -> RunContext:
    """Give ``run`` its budget, its address on the gateway and the context its engine gets."""
    loop = asyncio.get_running_loop()
    publish = thread_emitter(loop, emit)
    limits = Limits.from_settings(settings)
    usage: dict[str, Any] = {}

    def on_call(totals: dict[str, Any]) -> None:
        usage.update(totals)
        publish("progress", {"state": "model_call", **totals})

    budget = RunBudget.within(limits, on_call)
    endpoint = ClientOptions(
        gateway.open(run.run_id, budget),
        budget.key,
        model or "local",
        timeout=settings.llm_timeout,
        connect_timeout=settings.llm_connect_timeout,
        retries=0,  # the gateway is on loopback; it answers a model that is down with a 503
    )
    run.budget = budget
    run.context = RunContext(
        run_id=run.run_id,
        prompt=prompt,
        history=history_with_summary(history, prompt, settings),
        client=ChatClient(endpoint),
        emit=emit,
        max_tokens=settings.max_tokens,
        temperature=settings.temperature,
        usage=usage,
        endpoint=endpoint,
        tools=tools,
        tool_context=tool_context(run.run_id, publish, audit, budget, prompt),
        limits=limits,
        loop=loop,
    )
    return run.context


def tool_context(
    run_id: str, publish: Any, audit: AuditFn | None, budget: RunBudget | None, question: str = ""
) -> ToolContext:
    def stopped() -> bool:
        return budget is not None and budget.stopped

    def emit(type_: str, data: dict[str, Any]) -> None:
        publish(type_, data, None)

    return ToolContext(run_id=run_id, emit=emit, audit=audit, stopped=stopped, question=question)


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
