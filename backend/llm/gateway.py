"""ModelGateway: the loopback OpenAI endpoint the agent frameworks talk to, one address per run.

Every model call of a run comes here: LangChain, smolagents and AutoGen each bring their own
OpenAI client, and the chat engine, the routing call, the follow-up rewrite and the answer's
second try use AgentDesk's ``ChatClient``. Pointing them all at
``http://127.0.0.1:<port>/runs/<run id>/v1`` instead of the model server gives one place to:
- turn tool calls that small models write as text into proper ``tool_calls`` (or, for models
  without native tool calls, ask for JSON-schema-constrained output and translate it back);
- count each run's model calls and tokens against its budget, and end it when spent;
- refuse further calls the moment a run is stopped, and abandon the call in flight.
Each run gets its own random key, so nothing else on the machine can spend the model through it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from backend.llm import json_tools
from backend.llm.budget import RunBudget
from backend.llm.client import ModelEndpoint
from backend.llm.errors import ModelUnavailable
from backend.llm.loopback import LoopbackServer
from backend.llm.throughput import ThroughputMeter
from backend.llm.toolcalls import normalize_completion

log = logging.getLogger(__name__)

CHARS_PER_TOKEN = 4
POLL_SECONDS = 0.1


def _error(status: int, message: str, kind: str = "agentdesk_gateway") -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "code": status}}, status)


def _unreachable(upstream: ModelEndpoint, error: Exception) -> JSONResponse:
    message = f"the model server at {upstream.base_url} is not reachable: {error}"
    return _error(503, message, "model_unavailable")


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


class ModelGateway:
    """Per-run OpenAI endpoints on a loopback port, forwarding to the configured model."""

    def __init__(
        self,
        upstream: Callable[[], ModelEndpoint],
        tool_format: str = "native",
        retries: int = 0,
        backoff: float = 0.5,
    ) -> None:
        self._upstream = upstream
        self.tool_format = tool_format
        # A model server that cannot be reached is tried again, with doubling pauses.
        self.retries, self.backoff = retries, backoff
        self._budgets: dict[str, RunBudget] = {}
        self._lock = threading.Lock()
        self._server = LoopbackServer(self._app(), "model-gateway")
        self._http: httpx.AsyncClient | None = None
        # Set by the app: every finished call is counted for the tokens/s figure.
        self.meter: ThroughputMeter | None = None

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def _charge(self, budget: RunBudget, usage: dict[str, Any], started: float) -> None:
        seconds = time.perf_counter() - started
        budget.charge(usage, seconds * 1000)
        if self.meter is not None:
            self.meter.record(usage, seconds)

    def open(self, run_id: str, budget: RunBudget) -> str:
        """Give ``run_id`` an endpoint; returns its OpenAI base URL (key: ``budget.key``)."""
        self.start()
        with self._lock:
            self._budgets[run_id] = budget
        return f"{self._server.origin}/runs/{run_id}/v1"

    def close(self, run_id: str) -> None:
        with self._lock:
            budget = self._budgets.pop(run_id, None)
        if budget is not None:
            budget.stop("the run has ended")

    def budget(self, run_id: str) -> RunBudget | None:
        with self._lock:
            return self._budgets.get(run_id)

    def _client(self) -> httpx.AsyncClient:
        # Created on first use, inside the gateway's own event loop.
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=httpx.Timeout(600.0, connect=5.0))
        return self._http

    def _app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/runs/{run_id}/v1/models", self._models, methods=["GET"]),
                Route("/runs/{run_id}/v1/chat/completions", self._completions, methods=["POST"]),
            ]
        )

    def _authorize(self, request: Request) -> RunBudget | JSONResponse:
        budget = self.budget(request.path_params["run_id"])
        if budget is None:
            return _error(404, "this run is not active on the model gateway")
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not secrets.compare_digest(given, budget.key):
            return _error(401, "wrong key for this run", "invalid_api_key")
        return budget

    async def _models(self, request: Request) -> Response:
        checked = self._authorize(request)
        if isinstance(checked, JSONResponse):
            return checked
        model = self._upstream().model or "local"
        entry = {"id": model, "object": "model", "created": 0, "owned_by": "agentdesk"}
        return JSONResponse({"object": "list", "data": [entry]})

    async def _completions(self, request: Request) -> Response:
        checked = self._authorize(request)
        if isinstance(checked, JSONResponse):
            return checked
        budget = checked
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "request body is not valid JSON")
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return _error(400, "request body must be a JSON object with a 'messages' list")
        refusal = budget.admit()
        if refusal is not None:
            # 400, not 429/5xx: OpenAI clients retry those, and the run must end now.
            return _error(400, f"run stopped: {refusal}", "agentdesk_run_stopped")
        try:
            upstream = self._upstream()
        except ModelUnavailable as error:
            return _error(503, str(error), "model_unavailable")
        if upstream.model:
            body["model"] = upstream.model
        if "max_completion_tokens" in body and "max_tokens" not in body:
            # Newer OpenAI clients send the new name; not every local server knows it.
            body["max_tokens"] = body.pop("max_completion_tokens")
        tools = body.get("tools") or None
        if tools or not body.get("stream"):
            return await self._whole(body, tools, upstream, budget)
        return await self._passthrough(body, upstream, budget)

    async def _post(
        self, upstream: ModelEndpoint, body: dict[str, Any], stream: bool
    ) -> httpx.Response:
        """Send ``body`` upstream; a refused connection is tried ``retries`` more times, each
        time asking again where the model server is (it may have been restarted)."""
        attempt = 0
        while True:
            headers = {"Authorization": f"Bearer {upstream.api_key}"} if upstream.api_key else {}
            request = self._client().build_request(
                "POST", f"{upstream.base_url}/chat/completions", json=body, headers=headers
            )
            try:
                return await self._client().send(request, stream=stream)
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                if attempt >= self.retries:
                    raise
                delay = self.backoff * (2**attempt)
                attempt += 1
                log.warning("model connection failed, retry %d in %.1fs: %s", attempt, delay, error)
                await asyncio.sleep(delay)
                try:
                    upstream = self._upstream()
                except ModelUnavailable:
                    raise error from None

    async def _until_stopped(self, work: asyncio.Task[Any], budget: RunBudget) -> Any:
        """Await ``work`` unless the run is stopped first (then the call is abandoned)."""
        while not work.done():
            await asyncio.wait({work}, timeout=POLL_SECONDS)
            if budget.stopped and not work.done():
                work.cancel()
                await asyncio.gather(work, return_exceptions=True)
                raise asyncio.CancelledError
        return work.result()

    async def _whole(
        self,
        body: dict[str, Any],
        tools: list[dict[str, Any]] | None,
        upstream: ModelEndpoint,
        budget: RunBudget,
    ) -> Response:
        """One non-streamed upstream call; tool calls normalized; streamed back if asked."""
        wants_stream = bool(body.get("stream"))
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
        started = time.perf_counter()
        forced = bool(tools) and budget.must_call_tool()
        constrained = bool(tools) and (self.tool_format == "json_schema" or forced)
        data = await self._call(body, tools, constrained, upstream, budget, forced)
        if (
            isinstance(data, dict)
            and tools
            and self.tool_format == "auto"
            and json_tools.looks_like_a_call(data, tools)
        ):
            # The model meant to call a tool but wrote it unreadably: ask again, constrained.
            log.info("tool call unreadable, asking again with a JSON schema")
            self._charge(budget, data["usage"], started)
            data = await self._call(body, tools, True, upstream, budget)
        if isinstance(data, Response):
            return data
        self._charge(budget, data["usage"], started)
        if not wants_stream:
            return JSONResponse(data)
        chunks = completion_as_chunks(data, include_usage)

        async def replay() -> AsyncIterator[bytes]:
            for chunk in chunks:
                yield f"data: {json.dumps(chunk)}\n\n".encode()
            yield b"data: [DONE]\n\n"

        return StreamingResponse(replay(), media_type="text/event-stream")

    async def _call(
        self,
        body: dict[str, Any],
        tools: list[dict[str, Any]] | None,
        constrained: bool,
        upstream: ModelEndpoint,
        budget: RunBudget,
        forced: bool = False,
    ) -> dict[str, Any] | Response:
        """One whole upstream completion, tool calls made proper; or the error to answer.
        ``forced``: the reply's schema admits tool calls only, no final answer."""
        sent = (
            json_tools.constrained_request(body, tools or [], final=not forced)
            if constrained
            else dict(body)
        )
        sent["stream"] = False
        sent.pop("stream_options", None)
        try:
            response = await self._until_stopped(
                asyncio.ensure_future(self._post(upstream, sent, stream=False)), budget
            )
        except asyncio.CancelledError:
            return _error(400, f"run stopped: {budget.reason}", "agentdesk_run_stopped")
        except httpx.HTTPError as error:
            return _unreachable(upstream, error)
        if response.status_code >= 400:
            return Response(response.content, response.status_code, media_type="application/json")
        try:
            data: dict[str, Any] = response.json()
        except ValueError:
            return _error(502, "the model server sent a reply that is not JSON")
        if constrained:
            data = json_tools.constrained_reply(data, tools or [])
        else:
            data = normalize_completion(data, tools)
        if not data.get("usage"):
            message = ((data.get("choices") or [{}])[0]).get("message") or {}
            data["usage"] = estimate_usage(body["messages"], json.dumps(message))
        return data

    async def _passthrough(
        self, body: dict[str, Any], upstream: ModelEndpoint, budget: RunBudget
    ) -> Response:
        """A streamed call without tools, relayed chunk by chunk while counting its usage."""
        started = time.perf_counter()
        sent = dict(body)
        sent["stream_options"] = {"include_usage": True}
        try:
            response = await self._until_stopped(
                asyncio.ensure_future(self._post(upstream, sent, stream=True)), budget
            )
        except asyncio.CancelledError:
            return _error(400, f"run stopped: {budget.reason}", "agentdesk_run_stopped")
        except httpx.HTTPError as error:
            return _unreachable(upstream, error)
        if response.status_code >= 400:
            content = await response.aread()
            await response.aclose()
            return Response(content, response.status_code, media_type="application/json")
        options = body.get("stream_options")
        wanted_usage = isinstance(options, dict) and bool(options.get("include_usage"))

        async def relay() -> AsyncIterator[bytes]:
            usage: dict[str, Any] = {}
            text: list[str] = []
            charged = False

            def charge() -> None:
                nonlocal charged
                if not charged:
                    charged = True
                    self._charge(
                        budget, usage or estimate_usage(body["messages"], "".join(text)), started
                    )

            try:
                async for line in response.aiter_lines():
                    if budget.stopped:
                        break
                    payload = line.removeprefix("data:").strip()
                    if payload == "[DONE]":
                        # Counted before the client hears the end: it may look at once.
                        charge()
                    elif payload:
                        try:
                            chunk = json.loads(payload)
                        except ValueError:
                            chunk = {}
                        usage = chunk.get("usage") or usage
                        for choice in chunk.get("choices") or []:
                            text.append((choice.get("delta") or {}).get("content") or "")
                        if not chunk.get("choices") and chunk.get("usage") and not wanted_usage:
                            continue
                    yield f"{line}\n".encode()
            finally:
                await response.aclose()
                charge()

        return StreamingResponse(relay(), media_type="text/event-stream")
