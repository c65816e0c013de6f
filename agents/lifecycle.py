"""A run's life, from its slot to its recorded end.

It waits for a free slot, is set up (budget, gateway address, context), lets the model pick the
engine when no rule was sure, is grounded in the knowledge base when asked, then answered by its
engine within its time budget. An engine that fails hands over to a simpler one (team → single
→ chat) and says so; an answer is checked before the run may end *completed*, and one that fails
twice ends it *no answer*. A run stopped, over budget or looping ends *stopped* with the reason;
the end is stored before the last event goes out.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import TYPE_CHECKING, Any

from agents.answer_gate import NoAnswer, checked_answer, shown_reason
from agents.digits_note import with_digits_note
from agents.engines.base import EngineStopped, RunContext
from agents.events import EventType
from agents.followup import standalone_query
from agents.intents import tool_job
from agents.knowledge import retrieve, sources_json
from agents.relevance import Grounding, KnowledgeUse, relevant
from agents.route_model import ask_model
from agents.routing import FALLBACK, Route
from agents.run_setup import set_up
from agents.runs import ActiveRun
from backend.llm.errors import ModelError, ModelUnavailable, RunStopped
from backend.storage.problems import storage_problem, with_retries

if TYPE_CHECKING:
    from agents.manager import AgentManager

log = logging.getLogger(__name__)

# Engines that get knowledge passages up front (when they help); each may still search more.
GROUNDED_UP_FRONT = ("chat", "single", "team", "code")
# Engines that set their task apart from the conversation: a follow-up is given to them
# rewritten to stand alone ("And in 12 kilometres?" had been answered as the code prompt's own
# example applied to 12). Chat and the tool agent read the conversation as messages.
TASKED = ("code", "team")

Ending = tuple[EventType, dict[str, Any]]


async def execute(
    manager: AgentManager,
    run: ActiveRun,
    prompt: str,
    history: list[dict[str, str]],
    use: KnowledgeUse,
    chosen: Route,
) -> None:
    """Run ``run`` to its end and record it; the last event says how it ended."""

    async def emit(type_: EventType, data: dict[str, Any], agent: str | None = None) -> None:
        await manager.emit(run, type_, data, agent)

    ending: Ending
    status, answer, error = "error", "", ""
    slot = False
    try:
        await manager.take_slot(run)
        slot = True
        manager.models.client()  # ModelUnavailable at once when the model cannot serve
        context = set_up(
            run,
            with_digits_note(prompt),
            history,
            emit,
            manager.offered(chosen),
            manager.settings,
            manager.gateway,
            manager.models.model_name,
            manager.audit,
        )
        if run.budget is not None and run.engine == "single" and tool_job(prompt):
            # A sum, a date, a file: the agent's first call must call a tool.
            run.budget.tool_first = True
        if not chosen.sure:
            chosen = await _ask_route(manager, run, context, chosen)
        grounding = Grounding(use, chosen.knowledge)
        if grounding.searches and run.engine in GROUNDED_UP_FRONT:
            context.sources = await _ground(manager, run, context, grounding)
        if run.engine in TASKED and not context.standalone:
            await _standalone(context)
        answer = await _within_time_budget(manager, run, context, grounding)
        status = "completed"
        sources = run.sources = sources_json(context.sources)
        ending = ("completed", {"answer": answer, "usage": context.usage, "sources": sources})
    except NoAnswer as exc:
        status, error = "no_answer", shown_reason(exc, run.mode, run.engine)
        ending = ("no_answer", _no_answer(error, exc, run.context))
    except (asyncio.CancelledError, RunStopped) as exc:
        default = str(exc) if isinstance(exc, RunStopped) else "stopped by the user"
        status, error = "stopped", run.stop_reason(default)
        answer = run.partial_answer()
        ending = ("stopped", {"message": error, "answer": answer})
    except ModelUnavailable as exc:
        error = str(exc)
        ending = ("error", {"message": error, "status": 503})
    except ModelError as exc:
        error = str(exc)
        ending = ("error", {"message": error, "status": 502})
    except Exception as exc:
        log.exception("run %s failed", run.run_id)
        error = f"the run failed: {exc}"
        ending = ("error", {"message": error, "status": 500})
    finally:
        if slot:
            manager.release_slot(run)
        manager.gateway.close(run.run_id)
        if run.context is not None:
            await run.context.client.aclose()
    # The answer is stored before the final event goes out, so whoever sees "completed"
    # finds it in the conversation.
    run.status, run.answer = status, answer
    ending = await _record_end(manager, run, ending, error)
    ending[1]["conversation_id"] = run.conversation_id
    try:
        await emit(*ending)
    finally:
        manager.active.pop(run.run_id, None)


async def _ask_route(
    manager: AgentManager, run: ActiveRun, context: RunContext, chosen: Route
) -> Route:
    """No rule was sure: one short model call, charged to the run, picks the engine; the
    pick and its reason show as a step."""
    picked = await ask_model(chosen, context.prompt, context.client)
    run.mode = run.engine = picked.engine
    step = {"kind": "route", "engine": picked.engine, "reason": picked.reason}
    await manager.emit(run, "step", step)
    return picked


async def _within_time_budget(
    manager: AgentManager, run: ActiveRun, context: RunContext, grounding: Grounding
) -> str:
    """The answer, or EngineStopped once the run's seconds are spent.

    The gateway refuses model calls past the budget, but one call begun just before it may
    run on for minutes on a slow machine: the deadline ends the run wherever it is.
    """
    seconds = context.limits.max_seconds
    try:
        async with asyncio.timeout(seconds):
            answer = await _answer(manager, run, context, grounding)
            return await checked_answer(context, answer, run.events, run.engine)
    except TimeoutError:
        run.halt(f"the run used its time budget of {seconds:g} s")
        raise EngineStopped(run.stop_reason("stopped")) from None


async def _answer(
    manager: AgentManager, run: ActiveRun, context: RunContext, grounding: Grounding
) -> str:
    """The engine's answer; on failure the next simpler engine's, said as a step."""
    name = run.engine
    while True:
        try:
            engine = await manager.engine(name)
            return await engine.run(context)
        except (asyncio.CancelledError, RunStopped, ModelUnavailable):
            raise
        except Exception as exc:
            if run.budget is not None and run.budget.stopped:
                raise EngineStopped(run.stop_reason("stopped")) from exc
            following = FALLBACK.get(name)
            if following is None:
                raise
            log.warning("engine %s failed for run %s: %s", name, run.run_id, exc)
            reason = f"{type(exc).__name__}: {exc}"[:500]
            step = {"kind": "fallback", "from": name, "to": following, "reason": reason}
            await manager.emit(run, "step", step)
            name = following
            if name in GROUNDED_UP_FRONT and not context.sources and grounding.searches:
                context.sources = await _ground(manager, run, context, grounding)


async def _ground(
    manager: AgentManager, run: ActiveRun, context: RunContext, grounding: Grounding
) -> list[Any]:
    """The passages that help with this prompt (a follow-up searched as a standalone
    question), announced as a step with the query and how many were left out."""
    try:
        if manager.knowledge is None:
            return []
        query = await _standalone(context)
        hits = await retrieve(manager.knowledge, query, manager.settings.rag_top_k)
    except RunStopped:
        raise
    except Exception as error:
        log.exception("knowledge search failed for run %s", run.run_id)
        await manager.emit(run, "step", {"kind": "retrieval", "error": str(error), "sources": []})
        return []
    kept = relevant(hits, grounding)
    if hits:
        step = {
            "kind": "retrieval",
            "query": query,
            "sources": sources_json(kept),
            "below_threshold": len(hits) - len(kept),
        }
        await manager.emit(run, "step", step)
    return kept


async def _standalone(context: RunContext) -> str:
    """The prompt as a standalone question (one short model call for a follow-up), kept on the
    context so it is worked out once."""
    context.standalone = await standalone_query(context.client, context.history, context.prompt)
    return context.standalone


def _no_answer(reason: str, exc: NoAnswer, context: RunContext | None) -> dict[str, Any]:
    """The ``no_answer`` event: the reason, and the rejected text kept apart from ``answer``
    so no client takes it for one."""
    return {
        "message": f"no answer: {reason}",
        "reason": reason,
        "answer": "",
        "rejected": exc.answer,
        "usage": context.usage if context else {},
        "sources": sources_json(context.sources) if context else [],
    }


async def _record_end(manager: AgentManager, run: ActiveRun, ending: Ending, error: str) -> Ending:
    """Store how the run ended (waiting out a short database lock); when that cannot be done
    the ending says so, so no listener is left waiting for an end that never comes."""
    finish = functools.partial(manager._finish, run, error)
    try:
        await asyncio.to_thread(with_retries, finish, f"saving run {run.run_id}")
        return ending
    except Exception as exc:
        log.exception("run %s: its end could not be saved", run.run_id)
        problem = storage_problem(exc)
        reason = problem.message if problem else f"{type(exc).__name__}: {exc}"
        run.status = "error"
        data = {
            "message": f"the answer could not be saved: {reason}",
            "status": problem.http_status if problem else 500,
            "answer": run.answer,
        }
        return "error", data
