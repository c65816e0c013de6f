"""A run whose answer fails the answer check twice, in a real browser: the chat shows "no
answer" with the reason instead of the refused text, the Agents page counts it apart from the
successes, and a task's history shows it the same way."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.frontend.app_process import FAKE_RULES, BrowserTab, RunningApp, screenshot
from tests.frontend.pages.chat_actions import ask, choose_mode

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REASON = "the answer is only a citation marker ([1]) with no content"


@pytest.fixture
def bare_marker_model(ui_fake_llm: Any) -> Iterator[Any]:
    """A model that answers everything, the repair turn too, with a bare citation marker."""
    ui_fake_llm.set_rules([{"reply": "[1]"}])
    yield ui_fake_llm
    ui_fake_llm.set_rules(FAKE_RULES)


def test_chat_agents_page_and_task_history_show_no_answer(
    app_server: RunningApp, tab: BrowserTab, bare_marker_model: Any
) -> None:
    page = tab.page
    question = f"Who wrote the report {uuid.uuid4().hex[:6]}?"
    page.goto(app_server.url)
    expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "ok", timeout=30_000)
    choose_mode(page, "Chat")
    ask(page, question)

    marker = page.get_by_test_id("no-answer-marker")
    expect(marker).to_be_visible(timeout=60_000)
    expect(marker).to_contain_text("No answer")
    expect(marker).to_contain_text(REASON)
    bubble = page.get_by_test_id("message").filter(has=marker)
    expect(bubble.get_by_test_id("timeline")).to_have_attribute("data-status", "no_answer")
    expect(bubble.get_by_test_id("run-status")).to_have_text("no answer")
    screenshot(page, "chat-no-answer")

    page.get_by_test_id("nav-agents").click()
    row = page.get_by_test_id("run-row").filter(has_text=question)
    status = row.get_by_test_id("run-status-cell")
    expect(status).to_have_text("no answer", timeout=30_000)
    expect(status).to_have_attribute("data-status", "no_answer")
    chat = app_server.api("/api/agent/engines")["engines"]
    record = next(e for e in chat if e["engine"] == "chat")
    card = page.get_by_test_id("engine-card").and_(page.locator("[data-engine=chat]"))
    expect(card.get_by_test_id("engine-no-answer")).to_have_text(str(record["no_answer"]))
    assert record["no_answer"] >= 1 and record["completed"] < record["runs"]
    row.click()
    transcript = page.get_by_test_id("run-transcript")
    expect(transcript.get_by_test_id("no-answer-marker")).to_contain_text(REASON)
    expect(transcript.get_by_test_id("transcript-answer")).to_have_count(0)
    page.keyboard.press("Escape")

    name = f"Report author {uuid.uuid4().hex[:6]}"
    body = {"name": name, "prompt": question, "mode": "chat", "use_knowledge": False}
    body["trigger"] = {"type": "cron", "cron": "0 9 * * *"}
    created = httpx.post(f"{app_server.url.rstrip('/')}/api/tasks", json=body, timeout=10)
    assert created.status_code == 201, created.text
    page.get_by_test_id("nav-tasks").click()
    task_row = page.get_by_test_id("task-row").filter(has_text=name)
    task_row.get_by_test_id("task-run-now").click()
    entry = page.get_by_test_id("task-history").get_by_test_id("history-entry").first
    expect(entry).to_have_attribute("data-status", "no_answer", timeout=60_000)
    expect(entry.get_by_test_id("history-status")).to_have_text("no answer")
    expect(entry.get_by_test_id("history-error")).to_contain_text(REASON)
    expect(entry.get_by_test_id("history-output")).to_have_count(0)
    expect(task_row.get_by_test_id("task-last-status")).to_have_text("no answer")
