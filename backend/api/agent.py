"""``/api/agent``: ask a question (streamed or not), follow, replay and stop runs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Response
from fastapi import Query as Param
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from agents.events import RunEvent
from agents.manager import ModeUnavailable, UnknownConversation
from agents.runs import ActiveRun
from backend.api.deps import Authorized, ServicesDep
from backend.api.prompt_check import PromptRefused, checked_prompt
from backend.api.schemas import agent as schema
from backend.api.schemas.media import download, event_stream
from backend.storage import conversations, runs, tool_calls

router = APIRouter(prefix="/api/agent", tags=["agent"], dependencies=[Authorized])

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


class Query(BaseModel):
    prompt: str = Field(description="What to ask")
    conversation_id: str | None = Field(default=None, description="Continue this conversation")
    mode: Literal["auto", "chat", "single", "code", "team"] | None = Field(
        default=None, description="The agent mode; none: the default mode in Settings"
    )
    use_knowledge: bool | Literal["auto", "on", "off"] | None = Field(
        default=None,
        description=(
            "Use my documents: auto (passages only when relevant), on (always), off (never); "
            "true means auto and false off; none: the choice in Settings"
        ),
    )
    stream: bool = False
    replace_from: str | None = Field(
        default=None,
        description=(
            "Ask again from this message of the conversation (regenerate, edit and resend): it "
            "and every later message are dropped first; the runs behind them stay on record"
        ),
    )


def _rewind(
    services: ServicesDep, conversation_id: str | None, message_id: str, prompt: str
) -> None:
    """Drop the turn being asked again, after the prompt passed its check, so a refused
    prompt leaves the transcript as it was; ``prompt`` is the question asked instead."""
    with services.db.session() as session:
        conversation = conversations.get(session, conversation_id or "")
        if (
            conversation is None
            or conversations.rewind(session, conversation, message_id, prompt) is None
        ):
            raise HTTPException(
                404, f"Message {message_id} is not in conversation {conversation_id}"
            )


def _error_response(event: RunEvent, run: ActiveRun) -> JSONResponse:
    # The prompt is already stored: the ids let a client keep the conversation going.
    body = {
        "detail": event.data.get("message", "the run failed"),
        "run_id": run.run_id,
        "conversation_id": run.conversation_id,
    }
    return JSONResponse(body, status_code=int(event.data.get("status", 500)))


@router.post(
    "/query",
    response_model=None,
    responses=event_stream("Run events as SSE with stream, else the answer", schema.QueryAnswer),
)
async def query(body: Query, services: ServicesDep) -> dict[str, Any] | Any:
    """Answer ``prompt``; with ``stream`` an SSE stream of run events, else the final result."""
    try:
        prompt = checked_prompt(
            body.prompt, services.settings.max_prompt_chars, "type a question first."
        )
    except PromptRefused as refused:
        raise refused.http() from None
    if body.replace_from:
        _rewind(services, body.conversation_id, body.replace_from, prompt)
    try:
        run = await services.agents.submit(
            prompt,
            body.conversation_id,
            body.mode or services.settings.default_mode,
            services.settings.use_documents if body.use_knowledge is None else body.use_knowledge,
        )
    except UnknownConversation as error:
        raise HTTPException(404, str(error)) from None
    except ModeUnavailable as error:
        raise HTTPException(422, str(error)) from None
    seen, first = await run.first_answer_event()
    if first is not None and first.type == "error":
        return _error_response(first, run)
    if body.stream:
        return StreamingResponse(
            (event.sse() async for event in run.replay(seen)),
            media_type="text/event-stream",
            headers=SSE_HEADERS,
        )
    events = await run.all_events(seen)
    last = events[-1]
    if last.type == "error":
        return _error_response(last, run)
    return {
        "run_id": run.run_id,
        "conversation_id": run.conversation_id,
        "answer": last.data.get("answer", ""),
        "status": last.type,
        # Why a "no_answer" run has none; empty otherwise.
        "reason": str(last.data.get("reason") or ""),
        "mode": run.mode,
        "engine": run.engine,
        "sources": last.data.get("sources", []),
        "steps": [e.to_dict() for e in events if e.type not in ("token",)],
    }


@router.get("/runs", response_model=schema.RunList)
def list_runs(
    services: ServicesDep,
    limit: int = Param(default=50, ge=1, le=500),
    engine: str | None = None,
) -> dict[str, Any]:
    """The latest runs, newest first."""
    with services.db.session() as session:
        return {"runs": [runs.as_dict(r) for r in runs.recent(session, limit, engine)]}


@router.get("/engines", response_model=schema.EngineList)
def engines(services: ServicesDep) -> dict[str, Any]:
    """Each engine's state (idle or working) and its record: runs, success rate, p50/p95."""
    with services.db.session() as session:
        stats = runs.engine_stats(session)
    empty = {"runs": 0, "completed": 0, "no_answer": 0, "success_rate": None, "p50_seconds": None}
    return {
        "engines": [
            {"engine": name, "state": state, **(stats.get(name) or {**empty, "p95_seconds": None})}
            for name, state in services.agents.engine_states().items()
        ],
        "queued": len(services.agents.waiting),
    }


def _tool_calls(session: Session, run_id: str) -> list[dict[str, Any]]:
    return [tool_calls.as_dict(call) for call in tool_calls.list_for_run(session, run_id)]


@router.get("/runs/{run_id}/tools", response_model=schema.ToolCallList)
def run_tool_calls(run_id: str, services: ServicesDep) -> dict[str, Any]:
    """The audited tool calls of a run, in order."""
    with services.db.session() as session:
        if runs.get(session, run_id) is None:
            raise HTTPException(404, f"Run {run_id} does not exist")
        return {"tool_calls": _tool_calls(session, run_id)}


@router.get(
    "/runs/{run_id}/export",
    response_model=None,
    responses=download("The transcript as a file", schema.RunTranscript),
)
def export_run(
    run_id: str, services: ServicesDep, format: Literal["json", "md"] = "json"
) -> Response:
    """The run's whole transcript as a JSON or Markdown download."""
    with services.db.session() as session:
        run = runs.get(session, run_id)
        if run is None:
            raise HTTPException(404, f"Run {run_id} does not exist")
        events = runs.events(session, run_id)
        if format == "md":
            content = runs.as_markdown(run, events)
            media = "text/markdown; charset=utf-8"
        else:
            transcript = {
                **runs.as_dict(run),
                "events": [RunEvent.stored(e).to_dict() for e in events],
                "tool_calls": _tool_calls(session, run_id),
            }
            content = json.dumps(transcript, ensure_ascii=False, indent=2)
            media = "application/json"
    disposition = f'attachment; filename="run-{run_id}.{format}"'
    return Response(content, media_type=media, headers={"Content-Disposition": disposition})


@router.get("/runs/{run_id}", response_model=schema.Run)
def get_run(run_id: str, services: ServicesDep) -> dict[str, Any]:
    """A run's record: prompt, mode, status, answer, error, times."""
    with services.db.session() as session:
        run = runs.get(session, run_id)
        if run is None:
            raise HTTPException(404, f"Run {run_id} does not exist")
        return runs.as_dict(run)


@router.get(
    "/runs/{run_id}/events", response_model=None, responses=event_stream("The run's events")
)
async def run_events(run_id: str, services: ServicesDep) -> StreamingResponse:
    """The run's events as SSE: live if it is running, replayed from storage if it is done."""
    live = services.agents.active.get(run_id)
    if live is not None:
        return StreamingResponse(
            (event.sse() async for event in live.follow()),
            media_type="text/event-stream",
            headers=SSE_HEADERS,
        )
    with services.db.session() as session:
        if runs.get(session, run_id) is None:
            raise HTTPException(404, f"Run {run_id} does not exist")
        stored = [RunEvent.stored(row) for row in runs.events(session, run_id)]

    async def replay() -> AsyncIterator[str]:
        for event in stored:
            yield event.sse()

    return StreamingResponse(replay(), media_type="text/event-stream", headers=SSE_HEADERS)


@router.post("/runs/{run_id}/stop", response_model=schema.StopResult)
async def stop_run(run_id: str, services: ServicesDep) -> dict[str, Any]:
    """Stop a running answer; the partial transcript is kept."""
    stopped = await services.agents.stop(run_id)
    if not stopped:
        with services.db.session() as session:
            if runs.get(session, run_id) is None:
                raise HTTPException(404, f"Run {run_id} does not exist")
    return {"run_id": run_id, "stopped": stopped}
