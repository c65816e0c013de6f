"""The dashboard's sign-in: with an API token set, its pages ask for the token once per browser.

The API checks the token on every call (``TokenGate``), but the dashboard drives AgentDesk
through its own websocket and pages, so without this gate anyone who could open the
dashboard could use everything. With ``AGENTDESK_API_TOKEN`` set, every route that is not the
API's (pages, scripts, the UI's websocket and uploads) needs the sign-in cookie; without it,
a page is sent to ``/_signin``, the websocket is closed and anything else gets 401. The
cookie holds a signed session (``backend/sessions.py``), never the token: it ends on the server
after 30 days, and changing the token signs every browser out. Wrong tokens typed here cost
time like wrong API tokens, counted together (``backend/guesses.py``).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, quote, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.guesses import GuessThrottle, TooManyGuesses, client_key
from backend.security import is_api_path, token_equals
from backend.sessions import SESSION_DAYS, Sessions

SIGNIN_PATH = "/_signin"
COOKIE = "agentdesk_session"
# A sign-in form is a few hundred bytes; anything bigger is not one.
MAX_FORM_BYTES = 4096


# What a same-site target may hold: printable ASCII except the backslash. Browsers drop tabs
# and newlines from a URL and read a backslash as ``/``, so ``/<backslash>evil.example`` or
# ``/<tab>/evil.example`` would land on another site; control characters cannot go in a header.
_TARGET_CHARS = re.compile(r"[!-\[\]-~]{1,2048}")


def safe_next(target: str) -> str:
    """``target`` if a browser can only read it as a page of this site, else ``/``.

    Only a path of this site is kept: it starts with one ``/`` and holds no ``//`` (another
    site), no backslash, space, control or non-ASCII character, and no scheme or host.
    """
    if not _TARGET_CHARS.fullmatch(target) or not target.startswith("/") or "//" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


class DashboardSignIn:
    """ASGI middleware: the sign-in gate in front of the dashboard (a no-op without a token)."""

    def __init__(
        self,
        app: ASGIApp,
        token: str,
        throttle: GuessThrottle | None = None,
        sessions: Sessions | None = None,
    ) -> None:
        self.app = app
        self.token = token
        self.throttle = throttle or GuessThrottle()
        self.sessions = sessions or Sessions(token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            not self.token
            or scope["type"] not in ("http", "websocket")
            or is_api_path(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        if scope["path"] == SIGNIN_PATH and scope["type"] == "http":
            await self._signin(scope, receive, send)
            return
        if self._signed_in(scope):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["method"] in ("GET", "HEAD") and _wants_page(scope):
            # The path as the browser sent it (still percent-encoded), so it comes back intact.
            path = scope.get("raw_path") or scope["path"].encode()
            query = scope.get("query_string", b"")
            target = (path + (b"?" + query if query else b"")).decode("latin-1")
            location = f"{SIGNIN_PATH}?next={quote(target, safe='')}"
            await _respond(send, 303, b"", [(b"location", location.encode())])
            return
        body = json.dumps({"detail": f"Sign in to the dashboard first: open {SIGNIN_PATH}"})
        await _respond(send, 401, body.encode(), [(b"content-type", b"application/json")])

    def _signed_in(self, scope: Scope) -> bool:
        for name, value in scope.get("headers") or []:
            if name == b"cookie":
                cookies: SimpleCookie = SimpleCookie()
                try:
                    cookies.load(value.decode("latin-1"))
                except Exception:
                    continue
                morsel = cookies.get(COOKIE)
                if morsel is not None and self.sessions.valid(morsel.value):
                    return True
        return False

    async def _signin(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        target = safe_next(query.get("next", ["/"])[0])
        if scope["method"] in ("GET", "HEAD"):
            await _page(send, 200, target, "")
            return
        if scope["method"] != "POST":
            await _respond(send, 405, b"", [(b"allow", b"GET, POST")])
            return
        form = await _read_form(receive)
        if form is None:
            await _page(send, 413, target, "That was not a sign-in form.")
            return
        target = safe_next(form.get("next", [target])[0])
        typed = form.get("token", [""])[0]
        try:
            right = await self.throttle.check(
                client_key(scope), lambda: token_equals(self.token, typed)
            )
        except TooManyGuesses as too_many:
            wait = [(b"retry-after", str(too_many.retry_after).encode())]
            await _page(send, 429, target, str(too_many), wait)
            return
        if not right:
            await _page(send, 401, target, "That is not the token. Try again.")
            return
        cookie = (
            f"{COOKIE}={self.sessions.issue()}; Path=/; Max-Age={SESSION_DAYS * 86400}; "
            "HttpOnly; SameSite=Strict"
        )
        headers = [(b"location", target.encode()), (b"set-cookie", cookie.encode())]
        await _respond(send, 303, b"", headers)


def _wants_page(scope: Scope) -> bool:
    """A browser navigating (not a script or an upload): send it to the sign-in page."""
    accept = dict(scope.get("headers") or []).get(b"accept", b"")
    return b"text/html" in accept or not scope["path"].startswith("/_")


async def _read_form(receive: Receive) -> dict[str, list[str]] | None:
    body = b""
    while True:
        message: Message = await receive()
        if message["type"] != "http.request":
            return None
        body += message.get("body", b"")
        if len(body) > MAX_FORM_BYTES:
            return None
        if not message.get("more_body"):
            break
    return parse_qs(body.decode("utf-8", "replace"))


async def _respond(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    extra = [(b"cache-control", b"no-store"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + extra})
    await send({"type": "http.response.body", "body": body})


async def _page(
    send: Send, status: int, target: str, error: str, headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    shown = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    body = _PAGE.format(next=html.escape(target, quote=True), error=shown).encode()
    await _respond(send, status, body, [(b"content-type", b"text/html; charset=utf-8"), *headers])


# Plain HTML with its style inline: nothing is loaded from anywhere.
_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · AgentDesk</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #f6f7f9; color: #1c2024;
  display: grid; place-items: center; min-height: 100vh; margin: 0; }}
form {{ background: #fff; padding: 2rem; border-radius: 12px; width: min(22rem, 90vw);
  box-shadow: 0 2px 12px rgba(0, 0, 0, .08); }}
h1 {{ font-size: 1.3rem; margin: 0 0 .5rem; }}
p {{ color: #60646c; font-size: .9rem; line-height: 1.4; }}
label {{ display: block; font-weight: 600; margin: 1rem 0 .3rem; }}
input {{ width: 100%; box-sizing: border-box; padding: .55rem; font-size: 1rem;
  border: 1px solid #cdced6; border-radius: 6px; }}
button {{ margin-top: 1rem; width: 100%; padding: .6rem; font-size: 1rem; color: #fff;
  background: #3e63dd; border: 0; border-radius: 6px; cursor: pointer; }}
.error {{ color: #ce2c31; font-weight: 600; }}
</style>
</head>
<body>
<form method="post">
<h1>AgentDesk</h1>
<p>This AgentDesk is protected by an API token. Enter it once to use the dashboard in this
browser.</p>
{error}
<label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required
  autofocus>
<input type="hidden" name="next" value="{next}">
<button type="submit">Sign in</button>
</form>
</body>
</html>
"""
