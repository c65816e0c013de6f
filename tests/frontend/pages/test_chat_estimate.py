"""The chat page says how long an answer should take while it waits and while it is written."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.frontend.app_process import BrowserTab, RunningApp, screenshot
from tests.frontend.pages.chat_actions import answer_with, ask, choose_mode

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# More than half of the last 8 chat answers, so their median is this test's, not another's.
WARM_UPS = 5


def _ask_api(app: RunningApp, prompt: str) -> None:
    response = httpx.post(
        app.url.rstrip("/") + "/api/agent/query",
        json={"prompt": prompt, "mode": "chat", "use_knowledge": "off"},
        timeout=120,
    )
    response.raise_for_status()


def test_a_waiting_answer_shows_its_place_and_about_how_long(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any
) -> None:
    fake_model.set_rules(
        [
            {"match": "warm-up answer", "reply": "Warm.", "delay": 2.0},
            {"match": "hold the slot", "reply": "Held.", "delay": 6.0},
            {"match": "my own question", "reply": "Mine, word by word.", "token_delay": 0.5},
        ]
    )
    for number in range(WARM_UPS):
        _ask_api(app_server, f"warm-up answer {number}")
    page = tab.page
    page.goto(app_server.url)
    expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "ok", timeout=20_000)
    choose_mode(page, "Chat")

    holder = threading.Thread(target=_ask_api, args=(app_server, "hold the slot"))
    holder.start()
    try:
        expect(page.get_by_test_id("run-estimate")).to_have_count(0)
        # Sent once the other answer holds the only slot.
        while holder.is_alive() and not _busy(app_server):
            time.sleep(0.05)
        ask(page, "my own question")
        banner = page.get_by_test_id("run-estimate")
        expect(banner).to_contain_text("number 1 in line", timeout=10_000)
        expect(banner).to_contain_text(re.compile(r"about \d+ s — based on your last \d+ answers"))
        screenshot(page, "chat-estimate-waiting")
        # It counts down while the answer waits.
        shown = banner.inner_text()
        expect(banner).not_to_have_text(shown, timeout=5_000)
        # Its turn: the banner says it is being worked on, with its own expected time.
        expect(banner).to_contain_text("Working on your answer", timeout=20_000)
        expect(banner).to_have_attribute("data-place", "0")
        answer_with(page, "Mine, word by word.")
        expect(banner).to_have_count(0)
    finally:
        holder.join()


def _busy(app: RunningApp) -> bool:
    engines = app.api("/api/agent/engines")["engines"]
    return any(engine.get("state") == "working" for engine in engines)
