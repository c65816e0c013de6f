"""``/api/models`` over HTTP: the list, a download from the (local stand-in) hub with progress,
adding a file, choosing and removing models; every body matches its response model."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.api.schemas import models as schema
from backend.llm.catalog import find
from tests.backend.api.test_openapi_contract import undeclared
from tests.conftest import SettingsFactory, client_for
from tests.fake_hub import FakeHub

SMALL = find("qwen2.5-1.5b-instruct")
assert SMALL is not None


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    server = FakeHub().start()
    yield server
    server.stop()


async def finished(client: httpx.AsyncClient) -> dict[str, Any]:
    while True:
        body = (await client.get("/api/models/download")).json()
        if body["download"]["state"] not in ("downloading", "verifying"):
            return body
        await asyncio.sleep(0.05)


async def test_download_add_choose_and_remove(
    make_settings: SettingsFactory, hub: FakeHub, tmp_path: Path
) -> None:
    assert SMALL is not None
    data = b"GGUF" + os.urandom(200_000)
    sha = hub.add(SMALL.repo, SMALL.filename, data)
    settings = make_settings(model_hub_url=hub.url)
    async with client_for(settings) as client:
        listed = (await client.get("/api/models")).json()
        assert listed["models"][0]["id"] == "builtin" and listed["active"] == "builtin"
        assert listed["download"] is None and "another model server" in listed["note"]

        started = await client.post(f"/api/models/{SMALL.id}/download", json={"confirm": True})
        assert started.status_code == 200, started.text
        done = await finished(client)
        assert done["download"]["state"] == "done", done
        assert done["download"]["percent"] == 100.0
        stored = settings.models_dir / SMALL.filename
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
        again = await client.post(f"/api/models/{SMALL.id}/download", json={"confirm": True})
        assert again.status_code == 409 and "already downloaded" in again.json()["detail"]

        bad = await client.post("/api/models", json={"path": str(tmp_path / "nothing.gguf")})
        assert bad.status_code == 422 and "There is no file" in bad.json()["detail"]
        mine = tmp_path / "mine.gguf"
        mine.write_bytes(b"GGUF" + b"\0" * 100)
        added = await client.post("/api/models", json={"path": str(mine)})
        assert added.status_code == 200 and added.json()["kind"] == "added"

        chosen = await client.post(f"/api/models/{SMALL.id}/activate", json={"confirm": True})
        assert chosen.status_code == 200, chosen.text
        assert "is chosen" in chosen.json()["message"]
        removed_active = await client.delete(f"/api/models/{SMALL.id}")
        assert removed_active.status_code == 409
        removed = await client.delete(f"/api/models/{added.json()['id']}")
        cancelled = await client.post("/api/models/download/cancel")
        after = (await client.get("/api/models")).json()
        assert after["active"] == SMALL.id
        assert [m["id"] for m in after["models"] if m["kind"] == "added"] == []

    assert (
        undeclared(
            [
                (schema.ModelCatalog, listed),
                (schema.ModelCatalog, after),
                (schema.ModelDownloadStatus, started.json()),
                (schema.DownloadState, done),
                (schema.DownloadState, cancelled.json()),
                (schema.ModelEntry, added.json()),
                (schema.ModelActivated, chosen.json()),
                (schema.ModelRemoved, removed.json()),
            ]
        )
        == []
    )


async def test_the_choice_survives_a_restart(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings()
    mine = tmp_path / "mine.gguf"
    mine.write_bytes(b"GGUF" + b"\0" * 100)
    async with client_for(settings) as client:
        model_id = (await client.post("/api/models", json={"path": str(mine)})).json()["id"]
        await client.post(f"/api/models/{model_id}/activate", json={"confirm": True})
    async with client_for(settings) as client:
        assert (await client.get("/api/models")).json()["active"] == model_id
