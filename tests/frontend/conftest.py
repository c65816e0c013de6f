"""Fixtures for the browser tests: AgentDesk started by ``run.py``, a fake model, Chromium."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Iterator
from typing import Any

import pytest

from tests.frontend.app_process import FAKE_RULES, RunningApp, start_app, stop_app, tail


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The system Chromium; Playwright's own browser download is not used."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return path


@pytest.fixture(scope="session")
def ui_fake_llm() -> Iterator[Any]:
    """The scripted OpenAI-compatible model the app talks to."""
    from backend.llm.fake_server import FakeOpenAIServer

    server = FakeOpenAIServer(FAKE_RULES).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_server(
    chromium_path: str, ui_fake_llm: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningApp]:
    """AgentDesk with a working model; stopped with Ctrl+C at the end of the session."""
    app = start_app(tmp_path_factory.mktemp("agentdesk-data"), ui_fake_llm.base_url)
    yield app
    leftovers = stop_app(app, signal.SIGINT)
    assert app.process.returncode == 0, tail(app.output)
    assert not leftovers, f"run.py left processes running: {leftovers}"
