"""A file is listed as pending the moment it lands (dropped in the inbox, or uploaded), while
the ingest worker is still busy or held back, and is then indexed exactly once."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

import httpx
import numpy as np
import pytest
from asgi_lifespan import LifespanManager

from backend.config import Settings
from backend.main import create_app
from tests.backend.knowledge.conftest import HashEmbedder
from tests.conftest import SettingsFactory


class HeldEmbedder(HashEmbedder):
    """Ingest stops at embedding until ``free`` is set, as it does behind a long batch."""

    def __init__(self) -> None:
        super().__init__()
        self.free = threading.Event()
        self.holding = threading.Event()
        self.texts: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.holding.set()
        assert self.free.wait(60), "never released"
        self.texts += texts
        return super().encode(texts)


@pytest.fixture
async def held(
    make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[httpx.AsyncClient, Settings, HeldEmbedder, Any]]:
    embedder = HeldEmbedder()
    monkeypatch.setattr("backend.knowledge.service.Embedder", lambda *a, **k: embedder)
    settings = make_settings(watch_debounce_seconds=0.1)
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=60) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            try:
                yield http, settings, embedder, app.state.services.knowledge
            finally:
                embedder.free.set()  # a failed test must not leave the worker stuck


async def until(check: Any, what: str) -> Any:
    """Poll ``check`` until it gives something truthy (a hang guard, not a time limit)."""
    for _ in range(600):
        if found := await check():
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"never: {what}")


async def listed(http: httpx.AsyncClient) -> dict[str, str]:
    documents = (await http.get("/api/knowledge/documents")).json()["documents"]
    return {d["name"]: d["state"] for d in documents}


async def pending_count(http: httpx.AsyncClient) -> int:
    return int((await http.get("/api/knowledge/status")).json()["totals"]["pending"])


async def test_a_dropped_file_is_pending_at_once_and_indexed_once(
    held: tuple[httpx.AsyncClient, Settings, HeldEmbedder, Any],
) -> None:
    http, settings, embedder, kb = held
    (settings.inbox_dir / "first.txt").write_text("Herons nest on basalt cliffs.\n")
    # The worker has the file and is stuck embedding it: nothing about it is written yet.
    await until(lambda: asyncio.to_thread(embedder.holding.wait, 0.05), "the worker is held")
    assert await listed(http) == {"first.txt": "pending"}
    assert await pending_count(http) == 1

    # A second file lands behind it, and a scan runs meanwhile: listed once, still pending.
    (settings.inbox_dir / "second.txt").write_text("Puffins dig burrows in the turf.\n")
    await until(lambda: _has(http, "second.txt"), "the second file is listed")
    await asyncio.to_thread(kb.reconcile)
    assert await listed(http) == {"first.txt": "pending", "second.txt": "pending"}
    assert await pending_count(http) == 2

    embedder.free.set()
    await until(lambda: _all_indexed(http), "both files are indexed")
    documents = (await http.get("/api/knowledge/documents")).json()
    assert documents["total"] == 2 and await pending_count(http) == 0
    status = (await http.get("/api/knowledge/status")).json()
    indexed = [r["path"] for r in status["recent"] if r["outcome"] == "indexed"]
    assert sorted(p.rsplit("/", 1)[-1] for p in indexed) == ["first.txt", "second.txt"]
    # Each text was embedded once, however many times the files were queued.
    assert len(embedder.texts) == len(set(embedder.texts)) == 2


async def test_an_upload_is_pending_while_the_worker_is_held(
    held: tuple[httpx.AsyncClient, Settings, HeldEmbedder, Any],
) -> None:
    http, settings, embedder, _ = held
    (settings.inbox_dir / "busy.txt").write_text("The worker is busy with this one.\n")
    await until(lambda: asyncio.to_thread(embedder.holding.wait, 0.05), "the worker is held")
    files = [("files", ("upload.txt", b"Gannets dive from thirty metres.\n"))]
    assert (await http.post("/api/knowledge/upload", files=files)).status_code == 201
    assert (await listed(http))["upload.txt"] == "pending"
    assert await pending_count(http) == 2
    embedder.free.set()
    await until(lambda: _all_indexed(http), "both files are indexed")
    assert (await http.get("/api/knowledge/documents")).json()["total"] == 2


async def _has(http: httpx.AsyncClient, name: str) -> bool:
    return name in await listed(http)


async def _all_indexed(http: httpx.AsyncClient) -> bool:
    states = await listed(http)
    return bool(states) and set(states.values()) == {"indexed"}
