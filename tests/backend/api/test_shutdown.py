"""``POST /api/system/shutdown``: the UI's Quit button stops the app through its launcher."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterator

import httpx
import pytest

from backend import lifecycle
from backend.api import system


@pytest.fixture(autouse=True)
def no_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(lifecycle.LAUNCHER_PID_ENV, raising=False)
    monkeypatch.setattr(system, "SHUTDOWN_DELAY_SECONDS", 0.0)
    yield
    lifecycle.set_shutdown_handler(None)


async def test_without_a_launcher_stopping_is_refused_with_what_to_do(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/api/system/shutdown", json={})
    assert response.status_code == 409
    assert "Ctrl+C" in response.json()["detail"]


async def test_the_registered_handler_runs_after_the_answer(client: httpx.AsyncClient) -> None:
    calls: list[str] = []
    lifecycle.set_shutdown_handler(lambda: calls.append("stop"))
    response = await client.post("/api/system/shutdown", json={})
    assert response.status_code == 202
    assert response.json() == {"message": "AgentDesk is stopping."}
    for _ in range(50):
        if calls:
            break
        await asyncio.sleep(0.01)
    assert calls == ["stop"]


async def test_a_form_post_from_another_site_cannot_stop_the_app(
    client: httpx.AsyncClient,
) -> None:
    calls: list[str] = []
    lifecycle.set_shutdown_handler(lambda: calls.append("stop"))
    # What a hostile page can send without a CORS preflight: a plain form post.
    response = await client.post(
        "/api/system/shutdown",
        content=b"x=1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    await asyncio.sleep(0.05)
    assert calls == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_from_source_the_launcher_gets_sigterm(monkeypatch: pytest.MonkeyPatch) -> None:
    received: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    try:
        monkeypatch.setenv(lifecycle.LAUNCHER_PID_ENV, str(os.getpid()))
        assert lifecycle.request_shutdown() is True
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert received == [signal.SIGTERM]


def test_a_launcher_that_is_gone_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def gone() -> None:
        raise ProcessLookupError("no such process")

    lifecycle.set_shutdown_handler(gone)
    assert lifecycle.request_shutdown() is False
