"""Guards: request body size caps and rate limits on the expensive routes, with clear 4xx.

Rate limits use ``limits`` (the engine under slowapi) in a middleware, so the routers need no
per-endpoint decorators: which routes are expensive is listed here, in one place.
"""

from __future__ import annotations

import json
import math
import re
import time

from fastapi import HTTPException
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# (method, path pattern): asking a model, uploading, running a task.
EXPENSIVE = (
    ("POST", re.compile(r"/api/agent/query")),
    ("POST", re.compile(r"/v1/chat/completions")),
    ("POST", re.compile(r"/api/knowledge/upload")),
    ("POST", re.compile(r"/api/tasks/[^/]+/run")),
)
# Uploads stream to disk under their own cap (AGENTDESK_UPLOAD_MAX_MB).
BODY_CAP_EXEMPT = ("/api/knowledge/upload",)


async def _reply(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"detail": detail}).encode()
    start = [(b"content-type", b"application/json"), *headers]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, whether or not they say their size."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _message(self) -> str:
        return (
            f"The request body is larger than {self.max_bytes // 1024:,} KB "
            "(AGENTDESK_MAX_BODY_KB); send less, or upload files through /api/knowledge/upload."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(BODY_CAP_EXEMPT):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _reply(send, 413, self._message(), [])
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # FastAPI passes an HTTPException raised while reading the body through.
                    raise HTTPException(413, self._message())
            return message

        await self.app(scope, counted, send)


class RateLimit:
    """At most ``rule`` requests per client to each expensive route (429 with Retry-After)."""

    def __init__(self, app: ASGIApp, rule: str) -> None:
        self.app = app
        self.rule = rule
        self.items: list[RateLimitItem] = parse_many(rule) if rule else []
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    @staticmethod
    def _route(scope: Scope) -> str | None:
        for method, pattern in EXPENSIVE:
            if scope["method"] == method and pattern.fullmatch(scope["path"]):
                return f"{method} {pattern.pattern}"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._route(scope) if scope["type"] == "http" and self.items else None
        if route is None:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("local", 0))[0]
        for item in self.items:
            if not self.limiter.hit(item, route, client):
                reset = self.limiter.get_window_stats(item, route, client).reset_time
                wait = max(1, math.ceil(reset - time.time()))
                detail = (
                    f"Too many requests to {scope['method']} {scope['path']}: at most {item} "
                    f"(AGENTDESK_RATE_LIMIT). Try again in {wait} s."
                )
                await _reply(send, 429, detail, [(b"retry-after", str(wait).encode())])
                return
        await self.app(scope, receive, send)
