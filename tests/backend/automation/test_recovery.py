"""Model health and recovery: a real model-server process (the fake OpenAI server run the way
the embedded llama.cpp server is run) is killed, restarted, and marked degraded past the cap."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from backend.automation.recovery import ModelWatch
from backend.llm.embedded import EmbeddedServer
from backend.llm.errors import ModelUnavailable
from backend.llm.service import ModelService, ModelState
from backend.startup.ports import free_port
from tests.conftest import SettingsFactory

FAILS_AT_ONCE = [sys.executable, "-c", "raise SystemExit(3)"]


def fake_server_command(port: int) -> list[str]:
    return [sys.executable, "-m", "backend.llm.fake_server", "--port", str(port)]


@pytest.fixture
async def served(
    make_settings: SettingsFactory, tmp_path: Path
) -> AsyncIterator[tuple[ModelService, EmbeddedServer]]:
    port = free_port()
    server = EmbeddedServer(
        tmp_path / "model.gguf", 512, 1, "fake-model", port, command=fake_server_command(port)
    )
    await server.start(timeout=120)
    models = ModelService(make_settings(llm_provider="embedded"))
    models.adopt(server)
    yield models, server
    await server.stop()


async def kill(server: EmbeddedServer) -> int:
    pid = server.pid
    assert pid is not None and server.process is not None
    os.kill(pid, signal.SIGKILL)
    await asyncio.to_thread(server.process.wait)
    return pid


def watch_for(models: ModelService, pauses: list[float]) -> ModelWatch:
    async def sleep(seconds: float) -> None:
        pauses.append(seconds)  # backoff is recorded, not waited for

    return ModelWatch(models, retries=3, backoff_seconds=2, backoff_max_seconds=5,
                      degraded_retry_seconds=0, sleep=sleep)  # fmt: skip


async def test_a_killed_model_server_is_restarted(
    served: tuple[ModelService, EmbeddedServer],
) -> None:
    models, server = served
    pauses: list[float] = []
    watch = watch_for(models, pauses)
    assert await watch.check_once() == "healthy"
    old = await kill(server)
    assert not await models.probe()

    assert await watch.check_once() == "healthy"
    assert server.pid != old and server.alive()
    assert watch.restarts == 1 and pauses == [2]
    assert models.state is ModelState.ready
    assert await models.client().list_models() == ["fake-model"]


async def test_past_the_retry_cap_it_is_degraded_then_recovers(
    served: tuple[ModelService, EmbeddedServer],
) -> None:
    models, server = served
    pauses: list[float] = []
    watch = watch_for(models, pauses)
    good_command = server.command
    server.command = FAILS_AT_ONCE  # every restart now dies while loading
    await kill(server)

    assert await watch.check_once() == "degraded"
    assert pauses == [2, 4, 5]  # doubling, capped at the maximum
    assert models.state is ModelState.degraded
    assert "after 3 restart(s)" in models.health()["detail"]
    assert "exited while loading" in (watch.status()["last_error"] or "")
    with pytest.raises(ModelUnavailable, match="not running"):
        models.client()

    server.command = good_command
    assert await watch.check_once() == "healthy"
    assert models.state is ModelState.ready and watch.status()["last_error"] is None
    assert await models.client().list_models() == ["fake-model"]


async def test_a_degraded_model_waits_before_it_is_tried_again(
    served: tuple[ModelService, EmbeddedServer],
) -> None:
    models, server = served
    now = [0.0]
    watch = ModelWatch(models, retries=1, backoff_seconds=0, degraded_retry_seconds=600,
                       sleep=lambda _: asyncio.sleep(0), clock=lambda: now[0])  # fmt: skip
    good_command = server.command
    server.command = FAILS_AT_ONCE
    await kill(server)
    assert await watch.check_once() == "degraded"
    server.command = good_command
    assert await watch.check_once() == "degraded"  # not yet: no restart attempted
    assert not server.alive()
    now[0] = 601.0
    assert await watch.check_once() == "healthy"


async def test_health_endpoint_reports_the_watch(make_settings: SettingsFactory) -> None:
    from tests.conftest import client_for

    async with client_for(make_settings(model_health_seconds=0.2)) as client:
        while True:
            stats = (await client.get("/api/system/stats")).json()
            if stats["model"]["last_check_at"]:
                break
            await asyncio.sleep(0.05)
        assert stats["model"]["health"] == "healthy"
        assert stats["model"]["restarts"] == 0 and stats["model"]["last_error"] is None
        assert (await client.get("/api/health")).json()["status"] == "ok"
