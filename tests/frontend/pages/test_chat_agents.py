"""Agents in the chat, in a real browser against the scripted fake model: the team's step
timeline, stopping an answer, the mode selector, and managing conversations."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.frontend.app_process import (
    PROJECT_ROOT,
    BrowserTab,
    RunningApp,
    screenshot,
)
from tests.frontend.pages.chat_actions import (
    EXECUTOR_REPORT,
    PLAN,
    TEAM_ANSWER,
    answer_with,
    ask,
    choose_mode,
    conversation_action,
    delete_conversation,
    team_question,
    team_rules,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS_IMAGES = PROJECT_ROOT / "docs" / "images"
# Slow enough that the test sees the answer grow and stops it long before it is finished.
SLOW_STORY = " ".join(f"word{n}" for n in range(1, 81))


def _open_chat(page: Page, app: RunningApp) -> None:
    page.goto(app.url)
    expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "ok", timeout=30_000)


def _runs(app: RunningApp) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = app.api("/api/agent/runs?limit=50")["runs"]
    return runs


def _run_for(app: RunningApp, prompt: str) -> dict[str, Any]:
    return next(run for run in _runs(app) if run["prompt"] == prompt)


def test_team_run_shows_both_agents_and_the_tool_call(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any
) -> None:
    page = tab.page
    topic = f"Trip {uuid.uuid4().hex[:6]}"
    fake_model.set_rules(team_rules(topic, final_delay=3.0))
    _open_chat(page, app_server)
    choose_mode(page, "Team")
    expect(page.get_by_test_id("mode-hint")).to_contain_text("Planner and an Executor")

    ask(page, team_question(topic))
    # While the team works (the Planner's answer is held back), its steps show as they happen
    # in an open timeline under the answer.
    live = page.get_by_test_id("live-timeline")
    expect(live.locator("[data-agent=Executor]")).to_be_visible(timeout=30_000)
    expect(live).to_have_attribute("data-status", "running")
    expect(live.get_by_test_id("run-engine")).to_have_text("team")
    expect(page.get_by_test_id("stop-button")).to_be_visible()

    answer = answer_with(page, TEAM_ANSWER)
    timeline = answer.get_by_test_id("timeline")
    expect(timeline).to_have_attribute("data-status", "completed")
    timeline.locator("summary").first.click()
    items = timeline.get_by_test_id("timeline-item")
    expect(items.first).to_contain_text("team: chosen by the user")
    planner = items.filter(has=page.locator("[data-agent=Planner]"))
    executor = items.filter(has=page.locator("[data-agent=Executor]"))
    expect(planner).to_have_count(2)
    expect(planner.first).to_contain_text(PLAN)
    expect(planner.last).to_contain_text(f"FINAL ANSWER: {TEAM_ANSWER}")
    expect(executor).to_have_count(1)
    expect(executor).to_contain_text(EXECUTOR_REPORT)

    tool = timeline.get_by_test_id("tool-call")
    expect(tool).to_have_attribute("data-tool", "calculator")
    expect(tool).to_have_attribute("data-state", "done")
    tool.locator("summary").click()
    expect(tool.get_by_test_id("tool-arguments")).to_contain_text('"expression": "3 * 120"')
    expect(tool.get_by_test_id("tool-result")).to_have_text("360")
    # Steps keep the order they happened in: plan, tool, report, answer.
    kinds = items.evaluate_all("items => items.map(item => item.dataset.kind)")
    assert kinds == ["route", "message", "tool", "message", "message"], kinds

    tool.scroll_into_view_if_needed()
    path = screenshot(page, "chat-team")
    shutil.copyfile(path, DOCS_IMAGES / "chat-team.png")
    run = _run_for(app_server, team_question(topic))
    assert (run["mode"], run["engine"], run["status"]) == ("team", "team", "completed")


def test_stop_keeps_the_partial_answer(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any
) -> None:
    page = tab.page
    question = f"Tell me a slow story {uuid.uuid4().hex[:6]}"
    fake_model.set_rules([{"match": "slow story", "reply": SLOW_STORY, "token_delay": 0.3}])
    _open_chat(page, app_server)

    ask(page, question)
    streaming = page.get_by_test_id("streaming-message").get_by_test_id("bubble-text")
    expect(streaming).to_contain_text("word3", timeout=30_000)
    stop = page.get_by_test_id("stop-button")
    expect(stop).to_be_visible()
    stop.click()

    answer = page.get_by_test_id("message").filter(has=page.get_by_test_id("stopped-marker"))
    expect(answer).to_be_visible(timeout=30_000)
    expect(answer.get_by_test_id("stopped-marker")).to_contain_text("stopped by the user")
    expect(answer.get_by_test_id("timeline")).to_have_attribute("data-status", "stopped")
    expect(stop).to_have_count(0)
    expect(page.get_by_test_id("send-button")).to_be_visible()
    expect(page.get_by_test_id("prompt-input")).to_be_enabled()

    shown = answer.get_by_test_id("bubble-text").inner_text().strip()
    assert shown.startswith("word1 word2 word3"), shown
    assert "word80" not in shown, "the answer ran to its end: Stop did not interrupt it"
    run = _run_for(app_server, question)
    assert run["status"] == "stopped"
    # What the page shows is what the server kept.
    assert run["answer"].strip() == shown
    screenshot(page, "chat-stopped")


def test_mode_selector_sends_the_chosen_mode(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any
) -> None:
    page = tab.page
    # In auto mode this question would go to the agent with tools (it mentions a file).
    question = f"Please write the word banana in a file {uuid.uuid4().hex[:6]}"
    _open_chat(page, app_server)
    choose_mode(page, "Chat")
    expect(page.get_by_test_id("mode-hint")).to_contain_text("straight from the model")

    ask(page, question)
    answer = answer_with(page, f"Echo: {question}")
    expect(answer.get_by_test_id("run-engine")).to_have_text("chat")
    answer.get_by_test_id("timeline").locator("summary").first.click()
    expect(answer.get_by_test_id("timeline-item").first).to_contain_text("chat: chosen by the user")
    run = _run_for(app_server, question)
    assert (run["mode"], run["engine"]) == ("chat", "chat")
    # The mode stays chosen for the next question.
    expect(page.get_by_test_id("mode-select")).to_contain_text("Chat")

    # Reopened later, the answer gets its steps back from the stored run.
    page.get_by_test_id("new-chat").click()
    expect(page.get_by_test_id("empty-transcript")).to_be_visible()
    page.get_by_test_id("conversation-item").filter(has_text=question).click()
    reopened = answer_with(page, f"Echo: {question}")
    expect(reopened.get_by_test_id("timeline")).to_have_attribute("data-status", "completed")
    expect(reopened.get_by_test_id("run-engine")).to_have_text("chat")


def _documents_setting(app: RunningApp, prompt: str) -> str:
    transcript = app.api(f"/api/agent/runs/{_run_for(app, prompt)['run_id']}/export")
    started = next(e for e in transcript["events"] if e["type"] == "started")
    return str(started["data"]["documents"])


def test_documents_switch_sends_the_choice_with_each_question(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any
) -> None:
    page = tab.page
    _open_chat(page, app_server)
    switch = page.get_by_test_id("documents-switch")
    expect(switch).to_be_visible()
    first = f"How tall is the tower {uuid.uuid4().hex[:6]}?"
    ask(page, first)
    answer_with(page, f"Echo: {first}")
    assert _documents_setting(app_server, first) == "auto"

    page.get_by_test_id("documents-off").click()
    expect(page.get_by_test_id("documents-off")).to_have_attribute("data-state", "on")
    second = f"How wide is the tower {uuid.uuid4().hex[:6]}?"
    ask(page, second)
    answer_with(page, f"Echo: {second}")
    assert _documents_setting(app_server, second) == "off"
    # The choice stays for the next question.
    expect(page.get_by_test_id("documents-off")).to_have_attribute("data-state", "on")


def test_rename_export_clear_and_delete_a_conversation(
    app_server: RunningApp, tab: BrowserTab, tmp_path: Path
) -> None:
    page = tab.page
    question = f"Remember the tulips {uuid.uuid4().hex[:6]}"
    _open_chat(page, app_server)
    ask(page, question)
    answer_with(page, f"Echo: {question}")
    entry = page.get_by_test_id("conversation-item").filter(has_text=question)
    expect(entry).to_have_count(1)

    conversation_action(page, question, "rename-conversation")
    field = page.get_by_test_id("rename-input")
    expect(field).to_have_value(question)
    new_title = f"Tulip notes {uuid.uuid4().hex[:6]}"
    field.fill(new_title)
    field.press("Enter")
    renamed = page.get_by_test_id("conversation-item").filter(has_text=new_title)
    expect(renamed).to_have_count(1)
    expect(entry).to_have_count(0)
    stored = app_server.api("/api/conversations")["conversations"]
    conversation = next(c for c in stored if c["title"] == new_title)

    # Escape leaves the title as it is.
    conversation_action(page, new_title, "rename-conversation")
    page.get_by_test_id("rename-input").fill("not this")
    page.get_by_test_id("rename-input").press("Escape")
    expect(renamed).to_have_count(1)

    with page.expect_download() as download_info:
        conversation_action(page, new_title, "export-markdown")
    download = download_info.value
    assert download.suggested_filename.endswith(".md")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert new_title in text and question in text and f"Echo: {question}" in text

    conversation_action(page, new_title, "clear-conversation")
    page.get_by_test_id("confirm-dialog").get_by_test_id("confirm-action").click()
    expect(page.get_by_test_id("message")).to_have_count(0)
    expect(renamed).to_have_count(1)
    detail = httpx.get(f"{app_server.url}api/conversations/{conversation['id']}", timeout=10)
    assert detail.json()["messages"] == []

    # Cancelling the confirmation keeps the conversation.
    conversation_action(page, new_title, "delete-conversation")
    page.get_by_test_id("confirm-dialog").get_by_role("button", name="Cancel").click()
    expect(page.get_by_test_id("confirm-dialog")).to_have_count(0)
    expect(renamed).to_have_count(1)

    delete_conversation(page, new_title)
    expect(renamed).to_have_count(0)
    remaining = app_server.api("/api/conversations")["conversations"]
    assert conversation["id"] not in {c["id"] for c in remaining}
