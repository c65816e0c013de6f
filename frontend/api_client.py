"""The UI's only way into AgentDesk: HTTP calls to the API served on the same port.

State classes call these helpers instead of importing backend services, so the UI keeps working
unchanged when the API runs somewhere else. This module holds the connection (address, token,
timeouts), the errors meant for people, the event stream of a run and the question that starts
one; the calls of each area are in ``api_<area>.py`` beside it (``api_conversations``,
``api_knowledge``, ``api_agents``, ``api_tasks``, ...), built on ``_get_json`` and ``_send``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from backend.config import get_settings, is_loopback

# Reading a streamed answer may pause while the model thinks; connecting must not.
_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
_STREAM_TIMEOUT = httpx.Timeout(300.0, connect=5.0)
_WILDCARD_HOSTS = {"0.0.0.0", "::", ""}


class ApiError(Exception):
    """The API refused a request or could not be reached; ``message`` is meant for people."""

    def __init__(self, message: str, status: int = 0, conversation_id: str = "") -> None:
        message = _as_sentence(message)
        super().__init__(message)
        self.message = message
        self.status = status
        # Set when the server stored the question before failing, so the UI can stay in it.
        self.conversation_id = conversation_id


def _as_sentence(message: str) -> str:
    """Server messages may start mid-sentence ("the model server at …"); the banner should
    not. A message that starts with a name (a file, a path, a model) keeps it as written:
    only a plain lowercase word is capitalised."""
    first = message.split(" ", 1)[0].rstrip(",:;")
    if first.isalpha() and first.islower():
        return message[:1].upper() + message[1:]
    return message


@dataclass(frozen=True)
class StreamEvent:
    """One server-sent run event: its ``type``, ``data`` payload and where it comes from."""

    type: str
    data: dict[str, Any] = field(default_factory=dict)
    # The agent that produced it ("Planner", "Executor", or the engine's name).
    agent: str = ""
    run_id: str = ""
    seq: int = 0
    ts: str = ""


def api_base_url() -> str:
    """Where the API listens, as seen from the UI's own process."""
    settings = get_settings()
    host = settings.host
    if host in _WILDCARD_HOSTS or is_loopback(host):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def _headers() -> dict[bytes, bytes]:
    # Bytes, so a token with non-ASCII characters goes out as UTF-8 (the API compares that).
    token = get_settings().api_token
    return {b"Authorization": b"Bearer " + token.encode()} if token else {}


def _client(timeout: httpx.Timeout = _TIMEOUT) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=api_base_url(), headers=_headers(), timeout=timeout)


def error_detail(body: bytes, status: int) -> str:
    """The ``detail`` text of an error response, or a plain description of the status."""
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, list):
        detail = "; ".join(str(item.get("msg", item)) for item in detail if item)
    if detail:
        return str(detail)
    return f"The server answered with HTTP {status}."


def _conversation_of(body: bytes) -> str:
    try:
        value = json.loads(body).get("conversation_id")
    except (ValueError, AttributeError):
        return ""
    return str(value) if value else ""


def _unreachable(error: httpx.HTTPError) -> ApiError:
    if isinstance(error, httpx.TimeoutException):
        return ApiError("The AgentDesk server did not answer in time.")
    return ApiError(f"Cannot reach the AgentDesk server ({type(error).__name__}).")


async def _send(
    method: str,
    path: str,
    *,
    missing_ok: bool = False,
    timeout: httpx.Timeout = _TIMEOUT,
    **kwargs: Any,
) -> httpx.Response:
    """Send one request; an error status becomes :class:`ApiError` with the server's reason."""
    try:
        async with _client(timeout) as client:
            response = await client.request(method, path, **kwargs)
    except httpx.HTTPError as error:
        raise _unreachable(error) from error
    if response.status_code >= 400 and not (missing_ok and response.status_code == 404):
        raise ApiError(error_detail(response.content, response.status_code), response.status_code)
    return response


async def _get_json(path: str, params: dict[str, Any] | None = None) -> Any:
    response = await _send("GET", path, params=params)
    return response.json()


async def fetch_health() -> dict[str, Any]:
    """``GET /api/health``."""
    result: dict[str, Any] = await _get_json("/api/health")
    return result


async def parse_sse(lines: AsyncIterable[str]) -> AsyncIterator[StreamEvent]:
    """Turn ``text/event-stream`` lines into events (``event:`` name, JSON ``data:``)."""
    name = "message"
    data_lines: list[str] = []
    async for raw in lines:
        line = raw.rstrip("\r")
        if not line:
            if data_lines:
                yield _decode_event(name, "\n".join(data_lines))
            name, data_lines = "message", []
        elif line.startswith(":"):
            continue
        else:
            key, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if key == "event":
                name = value
            elif key == "data":
                data_lines.append(value)
    if data_lines:
        yield _decode_event(name, "\n".join(data_lines))


def _decode_event(name: str, payload: str) -> StreamEvent:
    try:
        body = json.loads(payload)
    except ValueError:
        return StreamEvent(type=name, data={"text": payload})
    if not isinstance(body, dict):
        return StreamEvent(type=name, data={"value": body})
    data = body.get("data")
    seq = body.get("seq")
    return StreamEvent(
        type=str(body.get("type") or name),
        data=data if isinstance(data, dict) else {},
        agent=str(body.get("agent") or ""),
        run_id=str(body.get("run_id") or ""),
        seq=seq if isinstance(seq, int) else 0,
        ts=str(body.get("ts") or ""),
    )


async def stream_events(
    method: str, path: str, json_body: dict[str, Any] | None = None
) -> AsyncIterator[StreamEvent]:
    """Yield the run events of an SSE response as they arrive.

    Raises :class:`ApiError` with the server's explanation when the request is refused or the
    server cannot be reached.
    """
    try:
        async with (
            _client(_STREAM_TIMEOUT) as client,
            client.stream(method, path, json=json_body) as response,
        ):
            if response.status_code >= 400:
                body = await response.aread()
                raise ApiError(
                    error_detail(body, response.status_code),
                    response.status_code,
                    _conversation_of(body),
                )
            async for event in parse_sse(response.aiter_lines()):
                yield event
    except httpx.HTTPError as error:
        raise _unreachable(error) from error


async def stream_query(
    prompt: str,
    conversation_id: str | None,
    use_knowledge: bool | str = "auto",
    mode: str = "auto",
    replace_from: str = "",
) -> AsyncIterator[StreamEvent]:
    """Ask an agent and yield its run events as they arrive.

    ``mode`` picks the engine (auto, chat, single, code, team). ``use_knowledge`` is the "use
    my documents" switch: "auto" (passages only when relevant), "on" or "off" (true and false
    mean auto and off). Its sources arrive in a ``step`` event of kind
    ``retrieval`` and in the ``completed`` event. Raises :class:`ApiError` with the server's
    explanation when the request is refused (empty or too long prompt, mode not available,
    model unreachable) or the server cannot be reached. ``replace_from`` asks again from that
    message of the conversation (it and the later ones are dropped first).
    """
    payload = {
        "prompt": prompt,
        "conversation_id": conversation_id or None,
        "mode": mode,
        "use_knowledge": use_knowledge,
        "stream": True,
        "replace_from": replace_from or None,
    }
    async for event in stream_events("POST", "/api/agent/query", payload):
        yield event
