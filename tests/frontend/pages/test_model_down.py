"""The chat page when the model server cannot be reached: a visible, readable error."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from backend.startup.ports import free_port
from tests.frontend.app_process import (
    BrowserTab,
    RunningApp,
    screenshot,
    start_app,
    stop_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def app_without_model(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningApp]:
    """AgentDesk pointed at a port nobody listens on; stopped with SIGTERM afterwards."""
    closed = f"http://127.0.0.1:{free_port()}/v1"
    app = start_app(tmp_path_factory.mktemp("agentdesk-down"), closed)
    yield app
    leftovers = stop_app(app, signal.SIGTERM)
    assert app.process.returncode == 0
    assert not leftovers, f"run.py left processes running: {leftovers}"


def test_unreachable_model_shows_error(app_without_model: RunningApp, tab: BrowserTab) -> None:
    page = tab.page
    page.goto(app_without_model.url)
    expect(page.get_by_test_id("health-dot")).to_have_attribute(
        "data-level", "down", timeout=30_000
    )

    page.get_by_label("Message", exact=True).fill("Is anybody there?")
    page.get_by_test_id("send-button").click()

    banner = page.get_by_test_id("error-banner")
    expect(banner).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("error-text")).not_to_be_empty()
    expect(page.get_by_test_id("prompt-input")).to_be_enabled()
    screenshot(page, "05-model-down")

    page.get_by_label("Dismiss error").click()
    expect(banner).to_have_count(0)
