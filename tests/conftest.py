"""Shared fixtures: settings in a temp data dir, the scripted fake model, the app in-process
(ASGI) and on a real loopback port (for streaming)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from asgi_lifespan import LifespanManager

from backend import guesses
from backend.config import Settings, load_settings
from backend.llm.fake_server import FakeOpenAIServer
from backend.main import create_app
from backend.startup.ports import free_port

# Tests must never read a developer's .env or AGENTDESK_* variables (the test suite's own
# knobs, which no setting reads, stay).
TEST_KNOBS = ("AGENTDESK_FUZZ_EXAMPLES",)
for _key in [k for k in os.environ if k.startswith("AGENTDESK_") and k not in TEST_KNOBS]:
    del os.environ[_key]

SettingsFactory = Callable[..., Settings]


@pytest.fixture(autouse=True)
def wrong_tokens_cost_no_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrong API tokens are slowed in the app; tests that send many would wait minutes. The
    slowdown's own tests (tests/backend/test_guesses.py) turn it back on and record the
    delays instead of spending them."""
    monkeypatch.setattr(guesses, "FIRST_DELAY", 0.0)


@pytest.fixture(scope="session")
def fake_llm() -> Iterator[FakeOpenAIServer]:
    """One scripted fake OpenAI server for the session; each test starts with no rules."""
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def fake(fake_llm: FakeOpenAIServer) -> Iterator[FakeOpenAIServer]:
    fake_llm.set_rules([])
    fake_llm.clear_requests()
    yield fake_llm
    fake_llm.set_rules([])


@pytest.fixture
def make_settings(tmp_path: Path, fake: FakeOpenAIServer) -> SettingsFactory:
    """Settings with a temp data dir, talking to the fake model unless overridden."""

    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "data_dir": tmp_path / "data",
            "llm_provider": "openai_compatible",
            "llm_base_url": fake.base_url,
            "llm_retries": 1,
            "llm_timeout": 10.0,
            "_env_file": None,
        }
        values.update(overrides)
        return load_settings(**values)

    return build


@pytest.fixture
def settings(make_settings: SettingsFactory) -> Settings:
    return make_settings()


@asynccontextmanager
async def client_for(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app for ``settings`` in-process, lifespan started, as an async HTTP client."""
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=60) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            http.app = app  # type: ignore[attr-defined]  # so tests can reach app.state
            yield http


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app in-process, lifespan started, as an async HTTP client."""
    async with client_for(settings) as http:
        yield http


class LiveServer:
    """The app served by uvicorn on a real loopback port, in a thread."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the app did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture
def live(settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(settings).start()
    yield server
    server.stop()
