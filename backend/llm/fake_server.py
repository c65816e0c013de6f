"""A scripted, deterministic fake OpenAI-compatible server for tests and benchmarks.

It speaks the chat-completions wire format over real HTTP (plain and streamed), so every
engine exercises its stock OpenAI client. What it answers is set by rules (see `fake_rules`),
either in-process with `set_rules` or from another process with `POST /_rules`.

Run standalone: `python -m backend.llm.fake_server --port 0 --rules rules.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import itertools
import json
import logging
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from backend.llm.fake_rules import (
    FakeRule,
    PlannedReply,
    RuleBook,
    last_user_text,
    load_rules,
    plan_reply,
)
from backend.llm.loopback import LoopbackServer

__all__ = ["FakeOpenAIServer", "FakeRule", "load_rules", "main"]

_TOKEN = re.compile(r"\S+\s*|\s+")


class _DroppedConnection(Exception):
    """Raised after the response has started so the server closes the connection mid-way."""


class _HideDroppedConnections(logging.Filter):
    """Keeps deliberate drops out of the logs; any other server error still shows."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], _DroppedConnection))


logging.getLogger("uvicorn.error").addFilter(_HideDroppedConnections())


KEEP_REQUESTS = 1000


@dataclass
class _State:
    """What the HTTP handlers share with the `FakeOpenAIServer` object."""

    rules: RuleBook
    model: str
    # The most recent request bodies: a fake serving a benchmark for hours must not grow.
    requests: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=KEEP_REQUESTS))
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_call_id(self) -> str:
        return f"call_{next(self.ids)}"


def _error(status: int, message: str, kind: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"message": message, "type": kind, "code": status}}, status_code=status
    )


def _finish(turn: PlannedReply) -> str:
    return "tool_calls" if turn.tool_calls else "length" if turn.cut else "stop"


def _completion(turn: PlannedReply, completion_id: str, model: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": turn.content}
    if turn.tool_calls:
        message["tool_calls"] = turn.tool_calls
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": _finish(turn),
                "logprobs": None,
            }
        ],
        "usage": turn.usage,
    }


async def _stream(
    turn: PlannedReply, completion_id: str, model: str, include_usage: bool
) -> AsyncIterator[str]:
    created = int(time.time())

    def event(choices: list[dict[str, Any]], **extra: Any) -> str:
        chunk = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": choices,
            **extra,
        }
        return f"data: {json.dumps(chunk)}\n\n"

    def delta(body: dict[str, Any], finish: str | None = None) -> str:
        return event([{"index": 0, "delta": body, "finish_reason": finish}])

    yield delta({"role": "assistant"})
    tokens = _TOKEN.findall(turn.content or "")
    for token in tokens[:2] if turn.drop else tokens:
        await asyncio.sleep(turn.token_delay)
        yield delta({"content": token})
    if turn.drop:
        raise _DroppedConnection
    if turn.tool_calls:
        await asyncio.sleep(turn.token_delay)
        yield delta({"tool_calls": [{"index": i, **c} for i, c in enumerate(turn.tool_calls)]})
    yield delta({}, _finish(turn))
    if include_usage:
        yield event([], usage=turn.usage)
    yield "data: [DONE]\n\n"


async def _never_completes() -> AsyncIterator[str]:
    raise _DroppedConnection
    yield ""  # the unreachable yield makes this an async generator


def _build_app(state: _State) -> Starlette:
    """The ASGI app serving the OpenAI endpoints plus the scripting endpoints."""

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def models(_: Request) -> Response:
        entry = {"id": state.model, "object": "model", "created": 0, "owned_by": "fake"}
        return JSONResponse({"object": "list", "data": [entry]})

    async def chat_completions(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "request body is not valid JSON", "invalid_request_error")
        if not isinstance(body, dict):
            return _error(400, "request body must be a JSON object", "invalid_request_error")
        with state.lock:
            state.requests.append(body)
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return _error(400, "'messages' must be a non-empty list", "invalid_request_error")
        rule = state.rules.pick(last_user_text(messages))
        if rule is not None and rule.delay:
            await asyncio.sleep(rule.delay)
        if rule is not None and rule.error is not None:
            return _error(rule.error.status, rule.error.message, "fake_error")
        turn = plan_reply(rule, messages, state.next_call_id)
        completion_id = f"chatcmpl-fake-{next(state.ids)}"
        model = body["model"] if isinstance(body.get("model"), str) else state.model
        if body.get("stream"):
            options = body.get("stream_options")
            include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
            return StreamingResponse(
                _stream(turn, completion_id, model, include_usage),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache"},
            )
        if turn.drop:
            # Headers go out, the body never does: the client sees the connection die.
            return StreamingResponse(_never_completes(), media_type="application/json")
        return JSONResponse(_completion(turn, completion_id, model))

    async def put_rules(request: Request) -> Response:
        try:
            state.rules.replace(await request.json())
        except ValueError as exc:  # pydantic's ValidationError included
            return _error(400, str(exc), "invalid_request_error")
        return JSONResponse({"status": "ok"})

    async def get_requests(_: Request) -> Response:
        with state.lock:
            return JSONResponse(list(state.requests))

    return Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/v1/models", models, methods=["GET"]),
            Route("/v1/chat/completions", chat_completions, methods=["POST"]),
            Route("/_rules", put_rules, methods=["POST"]),
            Route("/_requests", get_requests, methods=["GET"]),
        ]
    )


class FakeOpenAIServer:
    """A fake OpenAI server on a loopback port, served by uvicorn in a daemon thread."""

    def __init__(
        self,
        rules: list[dict[str, Any]] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        model: str = "fake-model",
    ) -> None:
        self._state = _State(rules=RuleBook(rules), model=model)
        self._server = LoopbackServer(_build_app(self._state), "fake-openai", host, port)

    @property
    def port(self) -> int:
        """The port actually bound (known once started)."""
        return self._server.port

    @property
    def base_url(self) -> str:
        """The OpenAI base URL, e.g. http://127.0.0.1:8123/v1."""
        return f"{self._server.origin}/v1"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """A copy of the chat-completion request bodies received, oldest first."""
        with self._state.lock:
            return copy.deepcopy(list(self._state.requests))

    def clear_requests(self) -> None:
        """Forget the requests received so far."""
        with self._state.lock:
            self._state.requests.clear()

    def set_rules(self, rules: list[dict[str, Any]]) -> None:
        """Replace the script; raises pydantic.ValidationError on a bad rule."""
        self._state.rules.replace(rules)

    def start(self) -> FakeOpenAIServer:
        """Bind the port and serve in a daemon thread; returns once connections are accepted."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Shut down and wait for the serving thread; safe to call more than once."""
        self._server.stop()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGINT/SIGTERM, printing FAKE_OPENAI_URL=<base url> once listening."""
    parser = argparse.ArgumentParser(
        prog="python -m backend.llm.fake_server",
        description="Scripted fake OpenAI-compatible server for tests and benchmarks.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--rules", type=Path, help="JSON file with a list of rules")
    parser.add_argument("--model", default="fake-model")
    args = parser.parse_args(argv)
    rules = load_rules(args.rules) if args.rules else None
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    with FakeOpenAIServer(rules, host=args.host, port=args.port, model=args.model) as server:
        print(f"FAKE_OPENAI_URL={server.base_url}", flush=True)
        # A timed wait keeps the main thread responsive to signals.
        while not stopping.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
