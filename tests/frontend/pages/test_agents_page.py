"""The Agents page in a real browser: engine cards, the runs just made, a run's transcript."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.frontend.app_process import PROJECT_ROOT, BrowserTab, RunningApp, screenshot
from tests.frontend.pages.chat_actions import (
    EXECUTOR_REPORT,
    TEAM_ANSWER,
    answer_with,
    ask,
    choose_mode,
    team_question,
    team_rules,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS_IMAGES = PROJECT_ROOT / "docs" / "images"


def _open_agents(page: Page, app: RunningApp) -> None:
    page.goto(app.url.rstrip("/") + "/agents")
    expect(page.get_by_test_id("engine-card").first).to_be_visible(timeout=30_000)


def test_engines_runs_and_a_transcript(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any, tmp_path: Path
) -> None:
    page = tab.page
    topic = f"Budget {uuid.uuid4().hex[:6]}"
    chat_question = f"Just say hello back {uuid.uuid4().hex[:6]}"
    fake_model.set_rules(team_rules(topic))

    page.goto(app_server.url)
    expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "ok", timeout=30_000)
    choose_mode(page, "Chat")
    ask(page, chat_question)
    answer_with(page, f"Echo: {chat_question}")
    choose_mode(page, "Team")
    ask(page, team_question(topic))
    answer_with(page, TEAM_ANSWER)

    page.get_by_test_id("nav-agents").click()
    expect(page).to_have_url(f"{app_server.url.rstrip('/')}/agents")
    expect(page.get_by_test_id("nav-agents")).to_have_attribute("aria-current", "page")

    # One card per engine this build offers, with its record.
    engines = {e["engine"]: e for e in app_server.api("/api/agent/engines")["engines"]}
    cards = page.get_by_test_id("engine-card")
    expect(cards).to_have_count(len(engines))
    for name in ("chat", "team"):
        card = cards.and_(page.locator(f"[data-engine={name}]"))
        expect(card.get_by_test_id("engine-state")).to_have_attribute("data-state", "idle")
        expect(card.get_by_test_id("engine-runs")).to_have_text(str(engines[name]["runs"]))
        assert engines[name]["runs"] >= 1
        expect(card.get_by_test_id("engine-success")).to_have_text("100%")

    # The runs just made, newest first.
    rows = page.get_by_test_id("run-row")
    expect(rows.first).to_contain_text(topic)
    expect(rows.first.get_by_test_id("run-engine-cell")).to_have_text("team")
    expect(rows.first.get_by_test_id("run-status-cell")).to_have_text("completed")
    chat_row = rows.filter(has_text=chat_question)
    expect(chat_row.get_by_test_id("run-engine-cell")).to_have_text("chat")
    shutil.copyfile(screenshot(page, "agents"), DOCS_IMAGES / "agents.png")

    rows.first.click()
    transcript = page.get_by_test_id("run-transcript")
    expect(transcript.get_by_test_id("transcript-prompt")).to_have_text(team_question(topic))
    timeline = transcript.get_by_test_id("transcript-timeline")
    expect(timeline).to_have_attribute("data-status", "completed")
    expect(timeline.locator("[data-agent=Planner]").first).to_be_visible()
    expect(timeline.get_by_test_id("timeline-item").filter(has_text=EXECUTOR_REPORT)).to_have_count(
        1
    )
    expect(timeline.get_by_test_id("tool-call")).to_have_attribute("data-tool", "calculator")
    expect(transcript.get_by_test_id("transcript-answer")).to_contain_text(TEAM_ANSWER)
    expect(transcript).to_have_css("opacity", "1")
    screenshot(page, "agents-transcript")

    with page.expect_download() as download_info:
        transcript.get_by_test_id("export-run-json").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    exported = json.loads(saved.read_text(encoding="utf-8"))
    assert exported["prompt"] == team_question(topic)
    assert [e["agent"] for e in exported["events"] if e["type"] == "step"][:1] == ["Planner"]

    page.keyboard.press("Escape")
    expect(transcript).to_have_count(0)
    rows.filter(has_text=chat_question).click()
    expect(transcript.get_by_test_id("transcript-timeline")).to_contain_text(
        "chat: chosen by the user"
    )
    expect(transcript.get_by_test_id("transcript-answer")).to_contain_text(f"Echo: {chat_question}")


def test_the_page_refreshes_while_open(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any
) -> None:
    page = tab.page
    question = f"A run made elsewhere {uuid.uuid4().hex[:6]}"
    _open_agents(page, app_server)
    rows = page.get_by_test_id("run-row")
    expect(rows.filter(has_text=question)).to_have_count(0)

    # A run started outside this page (here through the API) shows up without a reload.
    body = {"prompt": question, "mode": "chat", "stream": False}
    response = httpx.post(f"{app_server.url}api/agent/query", json=body, timeout=60)
    assert response.status_code == 200, response.text
    expect(rows.filter(has_text=question)).to_have_count(1, timeout=15_000)
