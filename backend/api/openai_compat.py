"""``/v1``: the OpenAI-compatible API, so any OpenAI client can talk to AgentDesk's agents.

Each available agent mode is a model (``agentdesk-chat``, ``agentdesk-auto``, …) and a chat
completion is one agent run, recorded as a conversation like any other. Errors use OpenAI's shape
``{"error": {"message", "type", "code"}}`` so OpenAI clients raise their usual exceptions; the
route class (``backend/api/openai_errors.py``) converts them here, leaving the app's
``{"detail"}`` handlers untouched.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from agents.events import RunEvent
from agents.manager import AVAILABLE_MODES, MODES, ModeUnavailable, UnknownConversation
from agents.runs import ActiveRun
from backend.api.deps import Authorized, ServicesDep
from backend.api.openai_errors import OpenAIError, OpenAIRoute
from backend.api.prompt_check import PromptRefused, checked_prompt
from backend.api.schemas import openai as schema
from backend.api.schemas.media import event_stream

MODEL_PREFIX = "agentdesk-"
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
# OpenAI model objects carry a creation time; the time this process started is honest enough.
STARTED = int(time.time())


router = APIRouter(
    prefix="/v1", tags=["openai"], dependencies=[Authorized], route_class=OpenAIRoute
)


class ChatMessage(BaseModel):
    role: str
    content: str | list[dict[str, Any]] | None = None


class AgentDeskOptions(BaseModel):
    """AgentDesk's extension to the request body (``extra_body={"agentdesk": {...}}``)."""

    use_knowledge: bool | Literal["auto", "on", "off"] = Field(
        default="auto",
        description=(
            "Use my documents: auto (passages only when relevant), on (always), off (never); "
            "true means auto and false off"
        ),
    )
    conversation_id: str | None = None


class StreamOptions(BaseModel):
    include_usage: bool = False


class ChatRequest(BaseModel):
    """An OpenAI chat-completions request; fields AgentDesk does not use are ignored."""

    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    user: str | None = None
    agentdesk: AgentDeskOptions = Field(default_factory=AgentDeskOptions)


def model_card(mode: str) -> dict[str, Any]:
    return {
        "id": MODEL_PREFIX + mode,
        "object": "model",
        "created": STARTED,
        "owned_by": "agentdesk",
    }


def mode_for(model: str) -> str:
    """The agent mode a model id names: ``agentdesk-chat`` or plainly ``chat``."""
    mode = model.strip().lower().removeprefix(MODEL_PREFIX)
    if mode in AVAILABLE_MODES:
        return mode
    available = ", ".join(MODEL_PREFIX + m for m in AVAILABLE_MODES)
    if mode in MODES:
        message = f"The model '{model}' is not available yet; use one of: {available}"
    else:
        message = f"The model '{model}' does not exist; use one of: {available}"
    raise OpenAIError(404, message, "model_not_found")


def _text(content: str | list[dict[str, Any]] | None) -> str:
    if isinstance(content, list):
        return " ".join(str(p["text"]) for p in content if isinstance(p.get("text"), str))
    return content or ""


def prompt_from(messages: list[ChatMessage], limit: int) -> str:
    """The last user message, checked like a prompt to ``/api/agent/query``."""
    users = [m for m in messages if m.role == "user"]
    text = _text(users[-1].content) if users else ""
    try:
        return checked_prompt(text, limit, "the last user message has no text.")
    except PromptRefused as refused:
        # OpenAI answers an invalid request with 400, and its clients expect that.
        status = 400 if refused.status == 422 else refused.status
        raise OpenAIError(status, refused.message, refused.code) from None


def history_from(messages: list[ChatMessage]) -> list[dict[str, str]]:
    """The user and assistant turns before the last user message, as the engines take them."""
    last = max((i for i, m in enumerate(messages) if m.role == "user"), default=0)
    return [
        {"role": m.role, "content": _text(m.content)}
        for m in messages[:last]
        if m.role in ("user", "assistant") and _text(m.content).strip()
    ]


def usage_from(data: dict[str, Any]) -> dict[str, int]:
    """Token counts from a completed run, zeros when the model did not report them."""
    raw = data.get("usage") or {}
    prompt = int(raw.get("prompt_tokens") or 0)
    completion = int(raw.get("completion_tokens") or 0)
    total = int(raw.get("total_tokens") or prompt + completion)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": total}


def run_info(run: ActiveRun, end: RunEvent) -> dict[str, Any]:
    """The ``agentdesk`` extension of a response: where the run is recorded and what it used."""
    return {
        "run_id": run.run_id,
        "conversation_id": run.conversation_id,
        "mode": run.mode,
        "engine": run.engine,
        "status": end.type,
        "sources": end.data.get("sources", []),
    }


def run_error(event: RunEvent) -> OpenAIError:
    if event.type == "no_answer":
        # The model's text failed the answer check twice: a client must not take it for one.
        return OpenAIError(502, str(event.data.get("message", "no answer")), "no_answer")
    status = int(event.data.get("status", 500))
    return OpenAIError(status, str(event.data.get("message", "the run failed")), "run_failed")


@router.get("/models", response_model=schema.ModelList)
def list_models() -> dict[str, Any]:
    """The agent modes this build offers, as OpenAI models."""
    return {"object": "list", "data": [model_card(mode) for mode in AVAILABLE_MODES]}


@router.get("/models/{model}", response_model=schema.ModelCard)
def get_model(model: str) -> dict[str, Any]:
    """One model, or 404 when the mode does not exist or is not available."""
    return model_card(mode_for(model))


@router.post(
    "/chat/completions",
    response_model=None,
    responses=event_stream("chat.completion.chunk SSE with stream", schema.ChatCompletion),
)
async def chat_completions(body: ChatRequest, services: ServicesDep) -> Any:
    """Answer the last user message with an agent run; with ``stream``, as SSE chunks.

    Earlier user and assistant messages are the conversation so far (or, with
    ``agentdesk.conversation_id``, the stored conversation is continued instead).
    ``temperature`` and ``max_tokens`` follow AgentDesk's settings.
    """
    mode = mode_for(body.model)
    model = MODEL_PREFIX + mode
    prompt = prompt_from(body.messages, services.settings.max_prompt_chars)
    options = body.agentdesk
    try:
        history = None if options.conversation_id else history_from(body.messages)
        run = await services.agents.submit(
            prompt, options.conversation_id, mode, options.use_knowledge, history
        )
    except UnknownConversation as error:
        raise OpenAIError(404, str(error), "conversation_not_found") from None
    except ModeUnavailable as error:
        raise OpenAIError(404, str(error), "model_not_found") from None
    seen, first = await run.first_answer_event()
    if first is not None and first.type == "error":
        raise run_error(first)
    if body.stream:
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        chunks = _chunks(run, model, seen, include_usage)
        return StreamingResponse(chunks, media_type="text/event-stream", headers=SSE_HEADERS)
    end = (await run.all_events(seen))[-1]
    if end.type in ("error", "no_answer"):
        raise run_error(end)
    return {
        "id": f"chatcmpl-{run.run_id}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": end.data.get("answer", "")},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": usage_from(end.data),
        "agentdesk": run_info(run, end),
    }


def _sse(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


async def _chunks(
    run: ActiveRun, model: str, seen: list[RunEvent], include_usage: bool
) -> AsyncIterator[str]:
    """The run as ``chat.completion.chunk`` SSE messages, ending with ``[DONE]``."""
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-{run.run_id}",
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    yield _sse(chunk({"role": "assistant", "content": ""}))
    async for event in run.replay(seen):
        if event.type == "token":
            yield _sse(chunk({"content": str(event.data.get("text", ""))}))
        elif event.type in ("error", "no_answer"):
            yield _sse(run_error(event).body())
        elif event.terminal:
            final = chunk({}, "stop")
            final["agentdesk"] = run_info(run, event)
            yield _sse(final)
            if include_usage:
                yield _sse({**chunk({}), "choices": [], "usage": usage_from(event.data)})
    yield "data: [DONE]\n\n"
