"""The UI's HTTP client: SSE parsing, error details, and streamed queries."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from backend.config import load_settings
from frontend import api_client, api_conversations
from frontend.api_client import ApiError, StreamEvent
from tests.frontend.mock_api import serve_mock_api


async def _lines(*lines: str) -> AsyncIterator[str]:
    for line in lines:
        yield line


async def _collect(lines: AsyncIterator[str]) -> list[StreamEvent]:
    return [event async for event in api_client.parse_sse(lines)]


async def test_parse_sse_reads_typed_run_events() -> None:
    events = await _collect(
        _lines(
            ": keep-alive",
            "event: started",
            "id: 1",
            'data: {"type": "started", "data": {"conversation_id": "c1"}}',
            "",
            "event: token",
            'data: {"type": "token", "data": {"text": "Hi"}}',
            "",
            "event: completed",
            'data: {"type": "completed",',
            'data:  "data": {"answer": "Hi"}}',
        )
    )
    assert events == [
        StreamEvent("started", {"conversation_id": "c1"}),
        StreamEvent("token", {"text": "Hi"}),
        StreamEvent("completed", {"answer": "Hi"}),
    ]


async def test_parse_sse_keeps_non_json_data_as_text() -> None:
    events = await _collect(_lines("event: note", "data: plain words", ""))
    assert events == [StreamEvent("note", {"text": "plain words"})]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"detail": "The prompt is empty."}', "The prompt is empty."),
        (
            b'{"detail": [{"msg": "field required"}, {"msg": "too long"}]}',
            "field required; too long",
        ),
        (b"<html>oops</html>", "The server answered with HTTP 502."),
    ],
)
def test_error_detail(body: bytes, expected: str) -> None:
    assert api_client.error_detail(body, 502) == expected


def test_api_error_reads_as_a_sentence() -> None:
    assert ApiError("the model server is down", 503).message == "The model server is down"


@pytest.mark.parametrize(
    "message",
    [
        "note.txt is not a .gguf file; AgentDesk runs GGUF models only.",
        "my_model.bin is not a .gguf file.",
        "qwen2-7b.gguf is named .gguf but is not a GGUF model file.",
        "/home/ana/model.gguf cannot be read: permission denied",
        "report-2024 is not a folder",
    ],
)
def test_api_error_keeps_a_name_it_starts_with_as_typed(message: str) -> None:
    assert ApiError(message, 422).message == message


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:9123"),
        ("localhost", "http://127.0.0.1:9123"),
        ("0.0.0.0", "http://127.0.0.1:9123"),
        ("192.168.1.5", "http://192.168.1.5:9123"),
    ],
)
def test_api_base_url(monkeypatch: pytest.MonkeyPatch, host: str, expected: str) -> None:
    settings = load_settings(host=host, port=9123, llm_provider="fake", api_token="secret")
    monkeypatch.setattr(api_client, "get_settings", lambda: settings)
    assert api_client.api_base_url() == expected


async def test_stream_query_yields_events_and_sends_token(monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        'event: started\ndata: {"type": "started", "data": {"conversation_id": "c9"}}\n\n'
        'event: token\ndata: {"type": "token", "data": {"text": "Hel"}}\n\n'
        'event: token\ndata: {"type": "token", "data": {"text": "lo"}}\n\n'
        'event: completed\ndata: {"type": "completed", "data": {"answer": "Hello"}}\n\n'
    )
    seen = serve_mock_api(
        monkeypatch,
        lambda _: httpx.Response(200, text=body, headers={"content-type": "text/event-stream"}),
    )
    events = [event async for event in api_client.stream_query("hi", None)]
    assert [event.type for event in events] == ["started", "token", "token", "completed"]
    assert "".join(e.data["text"] for e in events if e.type == "token") == "Hello"
    assert seen[0].headers["authorization"] == "Bearer t0ken"
    assert seen[0].url.path == "/api/agent/query"


async def test_stream_query_raises_the_servers_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    body = {"detail": "the model server is not reachable", "conversation_id": "c7"}
    serve_mock_api(monkeypatch, lambda _: httpx.Response(503, json=body))
    with pytest.raises(ApiError) as raised:
        [event async for event in api_client.stream_query("hi", None)]
    assert raised.value.status == 503
    assert raised.value.message == "The model server is not reachable"
    assert raised.value.conversation_id == "c7"


async def test_unreachable_server_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    serve_mock_api(monkeypatch, refuse)
    with pytest.raises(ApiError, match="Cannot reach the AgentDesk server"):
        await api_conversations.list_conversations()


async def test_delete_of_a_missing_conversation_is_not_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = serve_mock_api(monkeypatch, lambda _: httpx.Response(404, json={"detail": "not found"}))
    await api_conversations.delete_conversation("gone")
    assert seen[0].method == "DELETE"


async def test_a_non_ascii_token_is_sent_as_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    token = "clé-секрет"
    seen = serve_mock_api(monkeypatch, lambda _: httpx.Response(200, json={}), api_token=token)
    async with api_client._client() as http:
        await http.get("/api/health")
    sent = [value for name, value in seen[0].headers.raw if name.lower() == b"authorization"]
    assert sent == [b"Bearer " + token.encode()]
