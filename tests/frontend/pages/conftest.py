"""Browser fixtures for the page tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from scripts.chromium import CHROMIUM_ARGS
from tests.frontend.app_process import FAKE_RULES, BrowserTab


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
