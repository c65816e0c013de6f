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

The call itself, sent on to the model server with its tool calls made proper, is in
``model_calls.py``; its error replies and the stream replayed from a whole completion are in
``gateway_replies.py``. This module keeps the runs' addresses, keys and budgets, and decides
whether a call may go ahead.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from backend.llm.budget import RunBudget
from backend.llm.client import ModelEndpoint
from backend.llm.errors import ModelUnavailable
from backend.llm.gateway_replies import error, run_stopped
from backend.llm.loopback import LoopbackServer
from backend.llm.model_calls import ModelCalls
from backend.llm.throughput import ThroughputMeter


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
        self._calls = ModelCalls(upstream, self._charge, tool_format, retries, backoff)
        self._budgets: dict[str, RunBudget] = {}
        self._lock = threading.Lock()
        self._server = LoopbackServer(self._app(), "model-gateway")
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
            return error(404, "this run is not active on the model gateway")
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not secrets.compare_digest(given, budget.key):
            return error(401, "wrong key for this run", "invalid_api_key")
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
            return error(400, "request body is not valid JSON")
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return error(400, "request body must be a JSON object with a 'messages' list")
        refusal = budget.admit()
        if refusal is not None:
            return run_stopped(refusal)
        try:
            upstream = self._upstream()
        except ModelUnavailable as unavailable:
            return error(503, str(unavailable), "model_unavailable")
        if upstream.model:
            body["model"] = upstream.model
        if "max_completion_tokens" in body and "max_tokens" not in body:
            # Newer OpenAI clients send the new name; not every local server knows it.
            body["max_tokens"] = body.pop("max_completion_tokens")
        tools = body.get("tools") or None
        if tools or not body.get("stream"):
            return await self._calls.whole(body, tools, upstream, budget)
        return await self._calls.passthrough(body, upstream, budget)
