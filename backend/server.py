"""How uvicorn should serve AgentDesk: a deadline for each request's headers.

uvicorn gives a connection no time limit until its first response, and any byte a client sends
restarts its keep-alive timer, so a client that trickles its headers (a "slowloris") holds the
connection forever. :class:`TimedH11Protocol` closes such a connection once
``CLIENT_TIMEOUT_SECONDS`` have passed without complete headers; the app's own ``BodyTimeout``
guard does the same for bodies, whatever server runs it. Use it with
``uvicorn backend.main:app --http backend.server:TimedH11Protocol``, or pass
``**uvicorn_options()`` to ``uvicorn.Config``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, ClassVar, cast

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from backend.api import guards


def _timeout_response(seconds: float) -> bytes:
    detail = (
        f"The request headers did not arrive within {seconds:g} s: the connection is closed; "
        "send the request again."
    )
    body = json.dumps({"detail": detail}).encode()
    head = (
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, with a deadline for the headers of every request.

    The clock starts when the connection opens and again after each response; it stops once
    a request's headers are complete. A client that sent part of a request gets a JSON 408
    before the connection closes; one that sent nothing is simply disconnected.
    """

    # None: guards.CLIENT_TIMEOUT_SECONDS; ``with_timeout`` makes a class with its own.
    header_timeout: ClassVar[float | None] = None

    _header_timer: asyncio.TimerHandle | None = None
    _partial = False

    @classmethod
    def with_timeout(cls, seconds: float) -> type[TimedH11Protocol]:
        """This protocol with a header deadline of ``seconds``."""
        namespace = {"header_timeout": seconds}
        return cast(type[TimedH11Protocol], type(cls.__name__, (cls,), namespace))

    def _seconds(self) -> float:
        if self.header_timeout is None:
            return guards.CLIENT_TIMEOUT_SECONDS
        return self.header_timeout

    def _watch_headers(self) -> None:
        """Keep the deadline running while a request's headers are awaited, else stop it."""
        waiting = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
        if waiting and self._header_timer is None:
            self._partial = False
            self._header_timer = self.loop.call_later(self._seconds(), self._headers_too_slow)
        elif not waiting and self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        if self._partial:
            self.transport.write(_timeout_response(self._seconds()))
        self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch_headers()

    def data_received(self, data: bytes) -> None:
        self._partial = self._partial or bool(data)
        super().data_received(data)
        self._watch_headers()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # The next request on this connection has the same time for its headers.
        self._watch_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        super().connection_lost(exc)


def uvicorn_options(seconds: float | None = None) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.Config`` that apply the slow-client timeouts."""
    protocol = TimedH11Protocol if seconds is None else TimedH11Protocol.with_timeout(seconds)
    return {"http": protocol}
