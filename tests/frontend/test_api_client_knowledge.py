"""The UI's knowledge-base calls: query parameters, multipart uploads and the server's reasons."""

from __future__ import annotations

import io
from collections.abc import Callable

import httpx
import pytest

from backend.config import load_settings
from frontend import api_client, api_knowledge
from frontend.api_client import ApiError


def _serve(
    monkeypatch: pytest.MonkeyPatch, handler: Callable[[httpx.Request], httpx.Response]
) -> list[httpx.Request]:
    settings = load_settings(llm_provider="fake", api_token="")
    monkeypatch.setattr(api_client, "get_settings", lambda: settings)
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return handler(request)

    def client(timeout: httpx.Timeout = api_client._TIMEOUT) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url="http://agentdesk.test", transport=httpx.MockTransport(record), timeout=timeout
        )

    monkeypatch.setattr(api_client, "_client", client)
    return seen


async def test_documents_are_listed_with_their_filters(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _serve(monkeypatch, lambda _: httpx.Response(200, json={"documents": [], "total": 0}))
    assert await api_knowledge.list_documents(state="failed", limit=50) == {
        "documents": [],
        "total": 0,
    }
    assert seen[0].url.path == "/api/knowledge/documents"
    assert dict(seen[0].url.params) == {"state": "failed", "limit": "50"}


async def test_search_sends_the_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    body = {"query": "x", "mode": "bm25", "results": [{"text": "x", "chunk_id": 1}]}
    seen = _serve(monkeypatch, lambda _: httpx.Response(200, json=body))
    assert await api_knowledge.search_knowledge("x", "bm25", 3) == body["results"]
    assert dict(seen[0].url.params) == {"q": "x", "k": "3", "mode": "bm25"}


async def test_upload_sends_every_file_as_multipart_field_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    saved = {"files": [{"name": "a.txt", "path": "/inbox/a.txt", "size": 3}]}
    seen = _serve(monkeypatch, lambda _: httpx.Response(201, json=saved))
    files = [
        ("a.txt", io.BytesIO(b"abc"), "text/plain"),
        ("b.pdf", io.BytesIO(b"%PDF"), "application/pdf"),
    ]
    assert await api_knowledge.upload_documents(files) == saved["files"]
    body = seen[0].content
    assert seen[0].headers["content-type"].startswith("multipart/form-data")
    assert body.count(b'name="files"') == 2
    assert b'filename="b.pdf"' in body and b"%PDF" in body


async def test_a_too_large_upload_carries_the_servers_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reason = "upload is 120.0 MB; the limit is 100 MB (AGENTDESK_UPLOAD_MAX_MB)"
    _serve(monkeypatch, lambda _: httpx.Response(413, json={"detail": reason}))
    with pytest.raises(ApiError) as raised:
        await api_knowledge.upload_documents([("big.bin", io.BytesIO(b"x"), "text/plain")])
    assert raised.value.status == 413
    assert (
        raised.value.message == "Upload is 120.0 MB; the limit is 100 MB (AGENTDESK_UPLOAD_MAX_MB)"
    )


async def test_a_refused_folder_explains_why(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _serve(
        monkeypatch, lambda _: httpx.Response(400, json={"detail": "/nope does not exist"})
    )
    with pytest.raises(ApiError, match="/nope does not exist"):
        await api_knowledge.add_folder("/nope")
    assert seen[0].method == "POST" and seen[0].content == b'{"path":"/nope"}'


async def test_removing_what_is_already_gone_is_not_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = _serve(monkeypatch, lambda _: httpx.Response(404, json={"detail": "gone"}))
    await api_knowledge.remove_folder(4)
    await api_knowledge.delete_document(5)
    assert [(r.method, r.url.path) for r in seen] == [
        ("DELETE", "/api/knowledge/folders/4"),
        ("DELETE", "/api/knowledge/documents/5"),
    ]


async def test_streamed_questions_use_documents_when_relevant(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    done = 'event: completed\ndata: {"type": "completed", "data": {"answer": "ok"}}\n\n'
    seen = _serve(
        monkeypatch,
        lambda _: httpx.Response(200, text=done, headers={"content-type": "text/event-stream"}),
    )
    [event async for event in api_client.stream_query("hi", None)]
    # The Documents switch's default: passages only when they are relevant.
    assert b'"use_knowledge":"auto"' in seen[0].content
