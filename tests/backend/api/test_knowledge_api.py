"""/api/knowledge and grounded chat, in-process against the fake model."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from backend.config import Settings
from backend.llm.fake_server import FakeOpenAIServer
from backend.main import create_app
from tests.backend.knowledge.conftest import HashEmbedder
from tests.conftest import SettingsFactory

FACT = "The Vantablack heron nests only on basalt cliffs near Reykjanes."


@pytest.fixture
async def kb_client(
    make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[httpx.AsyncClient, Settings]]:
    monkeypatch.setattr("backend.knowledge.service.Embedder", lambda *a, **k: HashEmbedder())
    settings = make_settings(watch_debounce_seconds=0.1, upload_max_mb=0.01)
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=60) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            yield http, settings


async def idle(http: httpx.AsyncClient, timeout: float = 20) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        status = (await http.get("/api/knowledge/status")).json()
        if status["queue_length"] == 0 and status["active"] is None and status["recent"]:
            return status
        assert asyncio.get_running_loop().time() < deadline, status
        await asyncio.sleep(0.1)


async def upload(http: httpx.AsyncClient, name: str, data: bytes) -> httpx.Response:
    return await http.post("/api/knowledge/upload", files=[("files", (name, data))])


async def test_upload_index_search_detail_delete(
    kb_client: tuple[httpx.AsyncClient, Settings],
) -> None:
    http, settings = kb_client
    response = await upload(http, "herons.txt", FACT.encode())
    assert response.status_code == 201
    saved = response.json()["files"][0]
    assert saved["name"] == "herons.txt" and Path(saved["path"]).parent == settings.inbox_dir
    listed = (await http.get("/api/knowledge/documents")).json()["documents"]
    assert [(d["name"], d["state"]) for d in listed] in (
        [("herons.txt", "pending")],
        [("herons.txt", "indexed")],
    )
    status = await idle(http)
    assert status["totals"]["indexed"] == 1
    assert status["index"]["vectors"] == status["index"]["chunks"] == 1

    found = (await http.get("/api/knowledge/search", params={"q": "heron basalt"})).json()
    top = found["results"][0]
    assert top["name"] == "herons.txt" and FACT in top["text"]
    for mode in ("dense", "bm25"):
        ranked = await http.get("/api/knowledge/search", params={"q": "heron", "mode": mode})
        assert ranked.json()["results"][0]["document_id"] == top["document_id"]

    listing = (await http.get("/api/knowledge/documents")).json()
    assert listing["total"] == 1
    document = listing["documents"][0]
    assert (document["state"], document["chunk_count"]) == ("indexed", 1)
    detail = (await http.get(f"/api/knowledge/documents/{document['id']}")).json()
    assert detail["chunks"][0]["text"] == FACT

    assert (await http.delete(f"/api/knowledge/documents/{document['id']}")).status_code == 204
    assert (await http.get(f"/api/knowledge/documents/{document['id']}")).status_code == 404
    assert not (settings.inbox_dir / "herons.txt").exists()
    assert (settings.trash_dir / "herons.txt").read_text() == FACT
    again = (await http.get("/api/knowledge/search", params={"q": "heron"})).json()
    assert again["results"] == []


async def test_upload_refuses_big_files_and_cleans_names(
    kb_client: tuple[httpx.AsyncClient, Settings],
) -> None:
    http, settings = kb_client
    big = await upload(http, "big.txt", b"x" * 20_000)
    assert big.status_code == 413
    assert "upload limit" in big.json()["detail"]
    sneaky = await upload(http, "../../outside.txt", b"hello there")
    assert sneaky.status_code == 201
    assert Path(sneaky.json()["files"][0]["path"]) == settings.inbox_dir / "outside.txt"
    assert not (settings.data_dir.parent / "outside.txt").exists()


async def test_a_file_that_cannot_be_read_is_listed_with_its_reason(
    kb_client: tuple[httpx.AsyncClient, Settings],
) -> None:
    http, _ = kb_client
    await upload(http, "scan.pdf", b"%PDF-1.4 definitely not a real pdf")
    await upload(http, "photo.jpg", b"\xff\xd8\xff\xe0 not text")
    status = await idle(http)
    reasons = {Path(e["path"]).name: e["reason"] for e in status["errors"]}
    assert "PDF" in reasons["scan.pdf"]
    failed = (await http.get("/api/knowledge/documents", params={"state": "failed"})).json()
    skipped = (await http.get("/api/knowledge/documents", params={"state": "skipped"})).json()
    assert [d["name"] for d in failed["documents"]] == ["scan.pdf"]
    assert [(d["name"], d["error"]) for d in skipped["documents"]] == [
        ("photo.jpg", "unsupported type")
    ]


async def test_folders_add_list_remove(
    kb_client: tuple[httpx.AsyncClient, Settings], tmp_path: Path
) -> None:
    http, settings = kb_client
    missing = await http.post("/api/knowledge/folders", json={"path": str(tmp_path / "nope")})
    assert missing.status_code == 400 and "does not exist" in missing.json()["detail"]
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.md").write_text("Buy a telescope for the comet.")
    added = await http.post("/api/knowledge/folders", json={"path": str(notes)})
    assert added.status_code == 201
    await idle(http)
    folders = (await http.get("/api/knowledge/folders")).json()["folders"]
    assert {f["path"]: f["documents"] for f in folders}[str(notes.resolve())] == 1
    assert any(f["path"] == str(settings.inbox_dir.resolve()) for f in folders)
    removed = await http.delete(f"/api/knowledge/folders/{added.json()['id']}")
    assert removed.status_code == 204
    await asyncio.sleep(0.5)
    await idle(http)
    assert (await http.get("/api/knowledge/documents")).json()["total"] == 0
    assert (notes / "todo.md").exists()
    assert (await http.delete("/api/knowledge/folders/9999")).status_code == 404
    inbox = next(f for f in folders if f["path"] == str(settings.inbox_dir.resolve()))
    refused = await http.delete(f"/api/knowledge/folders/{inbox['id']}")
    assert refused.status_code == 400 and "inbox" in refused.json()["detail"]


async def test_folders_that_must_not_be_watched_are_400_with_why(
    kb_client: tuple[httpx.AsyncClient, Settings],
) -> None:
    http, settings = kb_client
    for path, why in [
        (str(settings.data_dir), "AgentDesk's own data folder"),
        (str(settings.data_dir.parent), "contains AgentDesk's own data folder"),
        ("/proc/self", "belongs to the operating system"),
        (str(Path.home()), "home folder"),
        ("/", "whole drive"),
        ("/tmp/a\x00b", "NUL character"),
    ]:
        # As JSON escapes: a lone surrogate cannot be encoded as UTF-8 any other way.
        body = json.dumps({"path": path}).encode()
        headers = {"Content-Type": "application/json"}
        response = await http.post("/api/knowledge/folders", content=body, headers=headers)
        assert response.status_code == 400, (path, response.text)
        assert why in response.json()["detail"], (path, response.text)
    # A lone surrogate never reaches the route: every JSON body with one is a 422.
    body = json.dumps({"path": "/tmp/\ud800"}).encode()
    headers = {"Content-Type": "application/json"}
    response = await http.post("/api/knowledge/folders", content=body, headers=headers)
    assert response.status_code == 422 and "lone surrogate" in response.json()["detail"]
    folders = (await http.get("/api/knowledge/folders")).json()["folders"]
    assert [f["path"] for f in folders] == [str(settings.inbox_dir.resolve())]


async def test_ids_and_offsets_too_big_for_the_database_are_422(
    kb_client: tuple[httpx.AsyncClient, Settings],
) -> None:
    # Found by the API fuzz: SQLite integers are 64-bit, and a larger one was a 500.
    http, _ = kb_client
    for method, path in (
        ("GET", f"/api/knowledge/documents/{2**63}"),
        ("DELETE", f"/api/knowledge/documents/{2**63}"),
        ("DELETE", f"/api/knowledge/folders/{2**63}"),
        ("GET", f"/api/knowledge/documents?offset={2**63}"),
    ):
        response = await http.request(method, path)
        assert response.status_code == 422, (path, response.text)
        assert "less than or equal to 9223372036854775807" in response.json()["detail"]


async def test_search_needs_text(kb_client: tuple[httpx.AsyncClient, Settings]) -> None:
    http, _ = kb_client
    response = await http.get("/api/knowledge/search", params={"q": "  "})
    assert response.status_code == 422
    assert "empty" in response.json()["detail"]


async def test_answers_are_grounded_and_cite_their_sources(
    kb_client: tuple[httpx.AsyncClient, Settings], fake: FakeOpenAIServer
) -> None:
    http, _ = kb_client
    await upload(http, "herons.txt", FACT.encode())
    await upload(http, "other.txt", b"Tomatoes need six hours of sun.")
    await idle(http)
    fake.set_rules([{"match": "heron", "reply": "On basalt cliffs [1]."}])
    question = "Where does the Vantablack heron nest?"
    body = (await http.post("/api/agent/query", json={"prompt": question})).json()
    assert body["answer"] == "On basalt cliffs [1]."
    # Only the relevant document: the tomato passage scores below the cut-off.
    assert [s["name"] for s in body["sources"]] == ["herons.txt"]
    assert FACT in body["sources"][0]["snippet"]
    assert body["sources"][0]["passages"] == [1]
    sent = fake.requests[-1]["messages"][-1]["content"]
    assert "[1] (herons.txt)" in sent and FACT in sent
    assert question in sent and "Tomatoes" not in sent

    plain = (
        await http.post(
            "/api/agent/query",
            json={"prompt": "Where does the heron nest?", "use_knowledge": False},
        )
    ).json()
    assert plain["sources"] == []
    assert fake.requests[-1]["messages"][-1]["content"] == "Where does the heron nest?"


async def test_streamed_answer_announces_its_sources_first(
    kb_client: tuple[httpx.AsyncClient, Settings], fake: FakeOpenAIServer
) -> None:
    http, _ = kb_client
    await upload(http, "herons.txt", FACT.encode())
    await idle(http)
    response = await http.post(
        "/api/agent/query",
        # "on": the hashing embedder of these tests says nothing about relevance.
        json={"prompt": "Vantablack heron nesting", "stream": True, "use_knowledge": "on"},
    )
    events = [
        json.loads(line[5:]) for line in response.text.splitlines() if line.startswith("data:")
    ]
    types = [e["type"] for e in events]
    assert types[:2] == ["started", "step"]
    assert events[1]["data"]["kind"] == "retrieval"
    assert events[1]["data"]["sources"][0]["name"] == "herons.txt"
    assert events[-1]["type"] == "completed"
    assert events[-1]["data"]["sources"] == events[1]["data"]["sources"]


class StuckEmbedder(HashEmbedder):
    """Searches block until ``free`` is set, as they do behind a long ingest batch."""

    def __init__(self) -> None:
        super().__init__()
        import threading

        self.free = threading.Event()
        self.waiting = 0

    def encode_query(self, text: str) -> Any:
        self.waiting += 1
        assert self.free.wait(60), "never released"
        return super().encode_query(text)


async def test_searches_waiting_for_the_model_do_not_hold_up_the_rest_of_the_app(
    make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = StuckEmbedder()
    monkeypatch.setattr("backend.knowledge.service.Embedder", lambda *a, **k: embedder)
    app = create_app(make_settings())
    async with LifespanManager(app, startup_timeout=60) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            # More searches than any default thread pool has threads (32 at most).
            searches = [
                asyncio.create_task(
                    http.get("/api/knowledge/search", params={"q": f"q{i}", "mode": "dense"})
                )
                for i in range(40)
            ]
            for _ in range(600):
                if embedder.waiting >= 2:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)  # the other searches pile up behind them
            try:
                # A hang guard only: without their own threads the searches took them all.
                health = await asyncio.wait_for(http.get("/api/health"), 30)
                status = await asyncio.wait_for(http.get("/api/knowledge/status"), 30)
            finally:
                embedder.free.set()
            assert health.status_code == 200 and status.status_code == 200
            answers = await asyncio.gather(*searches)
    assert [answer.status_code for answer in answers] == [200] * 40
