"""JSON text must be Unicode: a request whose JSON holds a lone surrogate is refused with 422.

JSON may spell half of a UTF-16 pair on its own (``"\\ud800"``), and Python's ``json`` reads
it (and the same half sent as raw bytes) into a ``str`` that cannot be encoded: the database,
the tokenizer and the log then fail deep inside a route with a 500. One check here covers every
route's body, whatever the field and however deeply it is nested, so no route has to.
"""

from __future__ import annotations

import json
import re

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.api.guards import BODY_CAP_EXEMPT

# What a lone surrogate can look like in a body: an escape for one (paired ones look the same,
# so this only says when to look closer), or one encoded as bytes (never valid UTF-8).
_MAYBE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
# Bodies that are not JSON text: forms and uploads are parsed by their own rules.
_NOT_JSON = (b"multipart/form-data", b"application/x-www-form-urlencoded")


def lone_surrogate(body: bytes) -> str | None:
    """The first lone surrogate in ``body``'s JSON, as ``\\udXXX``, or None (also when
    ``body`` is not JSON at all: the route says so itself)."""
    if not _MAYBE_SURROGATE.search(body):
        return None
    try:
        value = json.loads(body)
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as bad:
        return f"\\u{ord(bad.object[bad.start]):04x}"
    except (ValueError, RecursionError):
        return None
    return None


def message(surrogate: str) -> str:
    return (
        f"Invalid request: the JSON holds a lone surrogate ({surrogate}), half of a UTF-16 "
        "pair that is not a character on its own; send the text as valid Unicode (UTF-8)"
    )


class UnicodeJson:
    """Refuse (422) a request body whose JSON text holds a lone surrogate.

    The body passes through as it arrives; once its last part is in, a body with a lone
    surrogate is refused instead of handed over, by raising from ``receive`` as the other body
    guards do, so each route answers in its own error shape.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        content_type = dict(scope.get("headers") or []).get(b"content-type", b"").lower()
        if (
            scope["type"] != "http"
            or content_type.startswith(_NOT_JSON)
            # Uploads are not held in memory (nor capped by size like other bodies).
            or scope["path"].startswith(BODY_CAP_EXEMPT)
        ):
            await self.app(scope, receive, send)
            return
        body = bytearray()

        async def checked() -> Message:
            received = await receive()
            if received["type"] == "http.request":
                body.extend(received.get("body", b""))
                if not received.get("more_body"):
                    surrogate = lone_surrogate(bytes(body))
                    body.clear()
                    if surrogate is not None:
                        raise HTTPException(422, message(surrogate))
            return received

        await self.app(scope, checked, send)
