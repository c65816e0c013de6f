"""Network safety: loopback Host names only (against DNS rebinding), no changes from other
web sites' pages, and the API token."""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Sequence
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from backend.config import is_loopback


def host_name(header: str) -> str:
    """The name part of a Host header: ``[::1]:8000`` → ``::1``, ``a.b:80`` → ``a.b``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostGuard:
    """Refuse requests whose Host is not this machine (or an explicitly allowed name)."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed = {name.lower() for name in allowed}

    def allows(self, header: str) -> bool:
        name = host_name(header)
        return is_loopback(name) or name in self.allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        hosts = [
            value.decode("latin-1") for name, value in scope.get("headers") or [] if name == b"host"
        ]
        # Exactly one: with two, the guard and the app could each read a different one.
        host = ", ".join(hosts)
        if len(hosts) == 1 and self.allows(host):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await _refuse(
            send, 421, f"Host '{host}' is not allowed: AgentDesk only answers to this machine"
        )


async def send_json(
    send: Send,
    status: int,
    body: dict[str, Any],
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    """A JSON answer sent by a middleware itself, before the app sees the request."""
    start = [(b"content-type", b"application/json"), *headers]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})


async def _refuse(send: Send, status: int, detail: str) -> None:
    await send_json(send, status, {"detail": detail})


# Methods that only read: a page of another site may send them (CORS keeps the answer from it).
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The API's own paths (its description included); the UI's pages, mounted inside this app by
# Reflex, are everything else.
API_ROOTS = ("/api", "/v1", "/metrics", "/mcp", "/openapi.json")


def is_api_path(path: str) -> bool:
    """True for the API's routes (``/api/...``, ``/v1/...``, ``/metrics``, ``/mcp``) and
    ``/openapi.json``."""
    return any(path == root or path.startswith(root + "/") for root in API_ROOTS)


class OriginGuard:
    """Refuse (403) an API request that would change something when a page of another web site
    sent it: CORS keeps the answer from that page, not the request from running, and a form
    post or a file upload needs no preflight. Programs (curl, OpenAI and MCP clients) send no
    ``Origin`` and are not affected; the UI's own routes keep Reflex's checks."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = set(allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] not in READ_ONLY_METHODS
            and is_api_path(scope["path"])
        ):
            origin = dict(scope.get("headers") or []).get(b"origin")
            if origin is not None and origin.decode("latin-1") not in self.allowed:
                detail = (
                    f"Origin '{origin.decode('latin-1')}' may not change anything in AgentDesk: "
                    "only its own pages can (this request came from another web site)"
                )
                await _refuse(send, 403, detail)
                return
        await self.app(scope, receive, send)


TOKEN_HINT = "Missing or wrong API token: send 'Authorization: Bearer <AGENTDESK_API_TOKEN>'"


def token_matches(expected: str, authorization: bytes | str | None) -> bool:
    """True when ``authorization`` is ``Bearer <expected>``, compared in constant time.

    A header is bytes (a ``str`` one is taken as the server decoded it, Latin-1), and the token
    is compared as its UTF-8 bytes: a non-ASCII token matches when sent as UTF-8, and any other
    byte is a wrong token, never an error.
    """
    if not authorization:
        return False
    raw = authorization if isinstance(authorization, bytes) else _header_bytes(authorization)
    scheme, _, value = raw.partition(b" ")
    return scheme.lower() == b"bearer" and hmac.compare_digest(value.strip(), _utf8(expected))


def token_equals(expected: str, typed: str) -> bool:
    """True when ``typed`` (say, into the sign-in form) is the token, compared in constant time."""
    return hmac.compare_digest(_utf8(typed), _utf8(expected))


def _utf8(text: str) -> bytes:
    # A lone surrogate cannot be typed or sent, but must not raise either.
    return text.encode("utf-8", "surrogatepass")


def _header_bytes(header: str) -> bytes:
    try:
        return header.encode("latin-1")
    except UnicodeEncodeError:
        return _utf8(header)
