"""Guards: request body size caps and time limits, and rate limits on the expensive routes,
with clear 4xx.

Rate limits use ``limits`` (the engine under slowapi) in a middleware, so the routers need no
per-endpoint decorators: which routes are expensive is listed here, in one place.
"""

from __future__ import annotations

import asyncio
import math
import re
import time

from fastapi import HTTPException
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.api.openai_errors import OpenAIError
from backend.guesses import GuessThrottle, TooManyGuesses, client_key
from backend.security import TOKEN_HINT, is_api_path, send_json, token_matches

# (method, path pattern): asking a model, uploading, running a task.
EXPENSIVE = (
    ("POST", re.compile(r"/api/agent/query")),
    ("POST", re.compile(r"/v1/chat/completions")),
    ("POST", re.compile(r"/api/knowledge/upload")),
    ("POST", re.compile(r"/api/tasks/[^/]+/run")),
)
# Uploads stream to disk under their own cap (AGENTDESK_UPLOAD_MAX_MB).
# File uploads have their own per-file limit (AGENTDESK_UPLOAD_MAX_MB): the API's, and the
# UI's (Reflex receives the files on /_upload, then hands each to the API).
BODY_CAP_EXEMPT = ("/api/knowledge/upload", "/_upload")


# Readable without the token: whether AgentDesk is up.
TOKEN_FREE_PATHS = frozenset({"/api/health"})


async def _reply(
    send: Send,
    status: int,
    detail: str,
    headers: list[tuple[bytes, bytes]],
    body: dict[str, object] | None = None,
) -> None:
    await send_json(send, status, body or {"detail": detail}, headers)


class TokenGate:
    """With a token set, refuse (401) an API request without it before anything reads its body.

    The routes check the token too, but FastAPI parses a body (and spools an upload to disk)
    before it runs their checks: without this, anyone could fill the disk with an upload.
    Wrong tokens are slowed per client by ``throttle`` (see ``backend/guesses.py``); a request
    with no token at all is refused at once. The UI's pages, mounted inside this app by
    Reflex, do not ask for the token.
    """

    def __init__(self, app: ASGIApp, token: str, throttle: GuessThrottle | None = None) -> None:
        self.app = app
        self.token = token
        self.throttle = throttle or GuessThrottle()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or not self.token
            or path in TOKEN_FREE_PATHS
            or not is_api_path(path)
        ):
            await self.app(scope, receive, send)
            return
        # OpenAI clients read OpenAI's error shape; everyone else reads ``detail``.
        shaped = path.startswith("/v1/")
        authorization = dict(scope.get("headers") or []).get(b"authorization")
        if authorization is not None:
            client = client_key(scope)
            try:
                right = await self.throttle.check(
                    client, lambda: token_matches(self.token, authorization)
                )
            except TooManyGuesses as too_many:
                detail = str(too_many)
                body = OpenAIError(429, detail, "rate_limit_exceeded").body() if shaped else None
                wait = [(b"retry-after", str(too_many.retry_after).encode())]
                await _reply(send, 429, detail, wait, body)
                return
            if right:
                await self.app(scope, receive, send)
                return
        body = OpenAIError(401, TOKEN_HINT, "invalid_api_key").body() if shaped else None
        await _reply(send, 401, TOKEN_HINT, [(b"www-authenticate", b"Bearer")], body)


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


# How long a client may take to send a request's headers (the server's job, see
# backend/server.py) and its body, plus a second for each BODY_BYTES_PER_SECOND of a large one.
CLIENT_TIMEOUT_SECONDS = 30.0
BODY_BYTES_PER_SECOND = 64 * 1024


class BodyTimeout:
    """Cut off (408) a client whose request body arrives too slowly, so a stalled or trickling
    client cannot hold a request open forever; the server's own timeout covers the headers."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    def _message(self) -> str:
        return (
            f"The request body did not arrive in time ({self.seconds:g} s, plus a second per "
            f"{BODY_BYTES_PER_SECOND // 1024} KB of it): the connection is closed; send it again."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        began = loop.time()
        seen = 0
        done = False

        async def timed() -> Message:
            nonlocal seen, done
            if done:  # after the body: waiting for a disconnect is not the client's delay
                return await receive()
            left = began + self.seconds + seen / BODY_BYTES_PER_SECOND - loop.time()
            try:
                message = await asyncio.wait_for(receive(), max(left, 0.0))
            except TimeoutError:
                # Raised while the body is read, so the route answers it like BodyLimit's 413;
                # the connection is closed, since the rest of the body may still be on its way.
                raise HTTPException(408, self._message(), {"Connection": "close"}) from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                done = not message.get("more_body", False)
            else:
                done = True
            return message

        await self.app(scope, timed, send)


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
