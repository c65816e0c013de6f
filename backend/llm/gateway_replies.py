"""What the model gateway answers in OpenAI's shapes besides the model's own replies.

Its errors (so each framework's OpenAI client reads the reason), usage guessed for a server
that reports none, and a whole completion replayed as the stream a client asked for.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import JSONResponse, StreamingResponse

from backend.llm.client import ModelEndpoint

CHARS_PER_TOKEN = 4


def error(status: int, message: str, kind: str = "agentdesk_gateway") -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "code": status}}, status)


def unreachable(upstream: ModelEndpoint, reason: Exception) -> JSONResponse:
    message = f"the model server at {upstream.base_url} is not reachable: {reason}"
    return error(503, message, "model_unavailable")


def run_stopped(reason: str | None) -> JSONResponse:
    # 400, not 429/5xx: OpenAI clients retry those, and the run must end now.
    return error(400, f"run stopped: {reason}", "agentdesk_run_stopped")


def estimate_usage(messages: list[Any], text: str) -> dict[str, int]:
    """Token counts guessed from characters, for servers that do not report usage."""
    prompt = sum(len(json.dumps(m, ensure_ascii=False)) for m in messages) // CHARS_PER_TOKEN
    completion = len(text) // CHARS_PER_TOKEN
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def completion_as_chunks(data: dict[str, Any], include_usage: bool) -> list[dict[str, Any]]:
    """A whole ``chat.completion`` as the ``chat.completion.chunk`` sequence of a stream."""
    base = {
        "id": data.get("id", "chatcmpl-gateway"),
        "object": "chat.completion.chunk",
        "created": data.get("created", int(time.time())),
        "model": data.get("model", ""),
    }
    choice = (data.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    delta: dict[str, Any] = {"role": "assistant", "content": message.get("content")}
    if message.get("tool_calls"):
        delta["tool_calls"] = [
            {**call, "index": index} for index, call in enumerate(message["tool_calls"])
        ]
    finish = choice.get("finish_reason") or "stop"
    chunks = [
        {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]},
        {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]},
    ]
    if include_usage:
        chunks.append({**base, "choices": [], "usage": data.get("usage") or {}})
    return chunks


def replayed_stream(data: dict[str, Any], include_usage: bool) -> StreamingResponse:
    """A whole completion sent as server-sent events, for a client that asked for a stream."""
    chunks = completion_as_chunks(data, include_usage)

    async def replay() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield f"data: {json.dumps(chunk)}\n\n".encode()
        yield b"data: [DONE]\n\n"

    return StreamingResponse(replay(), media_type="text/event-stream")
