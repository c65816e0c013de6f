"""Browser fixtures for the page tests."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from typing import Any

import pytest

from backend.config import DEFAULT_MODEL_FILE
from scripts.chromium import CHROMIUM_ARGS
from tests.frontend.app_process import FAKE_RULES, BrowserTab, RunningApp, start_app, stop_app


@pytest.fixture(scope="package")
def browser(chromium_path: str) -> Iterator[Any]:
    """One headless Chromium for the page tests.

    Package scope: sync Playwright keeps an event loop running while it is open, which
    would stop the async tests elsewhere in this folder from running their own.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[BrowserTab]:
    """A fresh browser page in its own context."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    opened = BrowserTab(context.new_page())
    opened.page.on("request", lambda request: opened.requested_urls.append(request.url))
    yield opened
    context.close()


@pytest.fixture
def fake_model(ui_fake_llm: Any) -> Iterator[Any]:
    """The app's fake model, given back its default script after the test."""
    yield ui_fake_llm
    ui_fake_llm.set_rules(FAKE_RULES)


@pytest.fixture(scope="package")
def app_with_builtin_file(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningApp]:
    """AgentDesk set to run the built-in model from the built-in file in its models folder
    (AGENTDESK_MODEL_PATH, as a person starts it); the file is not a loadable model, so the
    model server stops with a reason."""
    data_dir = tmp_path_factory.mktemp("agentdesk-builtin")
    model = data_dir / "models" / DEFAULT_MODEL_FILE
    model.parent.mkdir(parents=True)
    model.write_bytes(b"GGUF" + bytes(64))
    env = {"AGENTDESK_LLM_PROVIDER": "embedded", "AGENTDESK_MODEL_PATH": str(model)}
    app = start_app(data_dir, "http://127.0.0.1:9/v1", extra_env=env)
    yield app
    leftovers = stop_app(app, signal.SIGTERM)
    assert not leftovers, f"run.py left processes running: {leftovers}"
