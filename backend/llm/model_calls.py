"""A run's completion sent on to the model server by the gateway, and its answer brought back.

The gateway (``gateway.py``) decides whether a run may call the model at all; this part does
the call: it tries a model server that cannot be reached again, abandons the call the moment
the run is stopped, turns tool calls written as text into proper ``tool_calls`` (or asks for
JSON-schema-constrained output), and reports each call's usage to be charged to the run.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
from starlette.responses import JSONResponse, Response, StreamingResponse

from backend.llm import json_tools
from backend.llm.budget import RunBudget
from backend.llm.client import ModelEndpoint
from backend.llm.errors import ModelUnavailable
from backend.llm.gateway_replies import (
    error,
    estimate_usage,
    replayed_stream,
    run_stopped,
    unreachable,
)
from backend.llm.toolcalls import normalize_completion

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1

# Charge ``usage`` to the run, the call having started at ``started`` (``perf_counter``).
Charge = Callable[[RunBudget, dict[str, Any], float], None]


class ModelCalls:
    """Completions relayed to the model server, one call (or stream) at a time per request."""

    def __init__(
        self,
        upstream: Callable[[], ModelEndpoint],
        charge: Charge,
        tool_format: str = "native",
        retries: int = 0,
        backoff: float = 0.5,
    ) -> None:
        self._upstream = upstream
        self._charge = charge
        self.tool_format = tool_format
        # A model server that cannot be reached is tried again, with doubling pauses.
        self.retries, self.backoff = retries, backoff
        self._http: httpx.AsyncClient | None = None

    def _client(self) -> httpx.AsyncClient:
        # Created on first use, inside the gateway's own event loop.
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=httpx.Timeout(600.0, connect=5.0))
        return self._http

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
            except (httpx.ConnectError, httpx.ConnectTimeout) as failure:
                if attempt >= self.retries:
                    raise
                delay = self.backoff * (2**attempt)
                attempt += 1
                log.warning(
                    "model connection failed, retry %d in %.1fs: %s", attempt, delay, failure
                )
                await asyncio.sleep(delay)
                try:
                    upstream = self._upstream()
                except ModelUnavailable:
                    raise failure from None

    async def _until_stopped(self, work: asyncio.Task[Any], budget: RunBudget) -> Any:
        """Await ``work`` unless the run is stopped first (then the call is abandoned)."""
        while not work.done():
            await asyncio.wait({work}, timeout=POLL_SECONDS)
            if budget.stopped and not work.done():
                work.cancel()
                await asyncio.gather(work, return_exceptions=True)
                raise asyncio.CancelledError
        return work.result()

    async def whole(
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
        return replayed_stream(data, include_usage)

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
            return run_stopped(budget.reason)
        except httpx.HTTPError as failure:
            return unreachable(upstream, failure)
        if response.status_code >= 400:
            return Response(response.content, response.status_code, media_type="application/json")
        try:
            data: dict[str, Any] = response.json()
        except ValueError:
            return error(502, "the model server sent a reply that is not JSON")
        if constrained:
            data = json_tools.constrained_reply(data, tools or [])
        else:
            data = normalize_completion(data, tools)
        if not data.get("usage"):
            message = ((data.get("choices") or [{}])[0]).get("message") or {}
            data["usage"] = estimate_usage(body["messages"], json.dumps(message))
        return data

    async def passthrough(
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
            return run_stopped(budget.reason)
        except httpx.HTTPError as failure:
            return unreachable(upstream, failure)
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
