"""The Tasks page in a real browser: schedule a task, run it now, read its history."""

from __future__ import annotations

import shutil
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from frontend.state.chat_models import DOCUMENT_CHOICES, DOCUMENT_LABELS
from frontend.state.task_form import DEFAULT_CRON, SCHEDULE_FIRST
from tests.frontend.app_process import PROJECT_ROOT, BrowserTab, RunningApp, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS_IMAGES = PROJECT_ROOT / "docs" / "images"


def _open_tasks(page: Page, app: RunningApp) -> None:
    page.goto(app.url.rstrip("/") + "/tasks")
    expect(page.get_by_test_id("preview-run")).to_have_count(5, timeout=30_000)


def _choose_mode(page: Page, label: str) -> None:
    trigger = page.get_by_test_id("task-mode")
    # Opened from the keyboard, as on the chat page: Radix may drop a click that lands too soon.
    trigger.focus()
    trigger.press("Enter")
    page.get_by_role("option", name=label, exact=True).click()
    expect(trigger).to_contain_text(label)


def test_create_a_task_run_it_now_and_see_its_history(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any
) -> None:
    page = tab.page
    name = f"Digest {uuid.uuid4().hex[:6]}"
    prompt = f"Summarise today's notes for {name}"
    _open_tasks(page, app_server)
    expect(page.get_by_test_id("nav-tasks")).to_have_attribute("aria-current", "page")

    # The cron helper: a mistake is explained at once, a preset fills the line and previews it.
    cron = page.get_by_test_id("task-cron")
    cron.fill("0 25 * * *")
    preview = page.get_by_test_id("next-run-preview")
    expect(preview.get_by_test_id("preview-error")).to_contain_text(
        "Invalid cron expression '0 25 * * *'"
    )
    page.locator("[data-cron='*/15 * * * *']").click()
    expect(cron).to_have_value("*/15 * * * *")
    expect(preview.get_by_test_id("preview-run")).to_have_count(5)
    expect(page.get_by_test_id("cron-parts")).to_contain_text("minute */15")

    page.get_by_test_id("task-prompt").fill(prompt)
    page.get_by_test_id("task-name").fill(name)
    _choose_mode(page, "Chat")
    page.get_by_test_id("task-submit").click()
    expect(page.get_by_test_id("form-notice")).to_contain_text(f"Scheduled “{name}”")
    expect(page.get_by_test_id("task-prompt")).to_have_value("")

    row = page.get_by_test_id("task-row").filter(has_text=name)
    expect(row.get_by_test_id("task-state")).to_have_text("scheduled")
    expect(row.get_by_test_id("task-schedule")).to_have_text("every 15 minutes")
    expect(row.get_by_test_id("task-next-run")).not_to_have_text("—")
    expect(row.get_by_test_id("task-last-status")).to_have_text("never run")

    # Run now: the history gets an entry that ends with the agent's answer.
    row.get_by_test_id("task-run-now").click()
    history = page.get_by_test_id("task-history")
    expect(history.get_by_test_id("history-title")).to_have_text(f"History of {name}")
    entry = history.get_by_test_id("history-entry").first
    expect(entry).to_have_attribute("data-status", "completed", timeout=60_000)
    expect(entry).to_contain_text("run now")
    expect(entry.get_by_test_id("history-output")).to_contain_text(f"Echo: {prompt}")
    expect(row.get_by_test_id("task-last-status")).to_have_text("completed")
    shutil.copyfile(screenshot(page, "tasks"), DOCS_IMAGES / "tasks.png")

    # The entry links to the agent run's transcript.
    entry.get_by_test_id("history-transcript").click()
    transcript = page.get_by_test_id("task-transcript")
    expect(transcript.get_by_test_id("task-transcript-prompt")).to_have_text(prompt)
    expect(transcript.get_by_test_id("task-transcript-timeline")).to_have_attribute(
        "data-status", "completed"
    )
    expect(transcript.get_by_test_id("task-transcript-answer")).to_contain_text(f"Echo: {prompt}")
    page.keyboard.press("Escape")
    expect(transcript).to_have_count(0)

    # Pause and resume, then delete (after saying yes).
    row.get_by_test_id("task-pause").click()
    expect(row.get_by_test_id("task-state")).to_have_text("paused")
    expect(row.get_by_test_id("task-next-run")).to_have_text("—")
    row.get_by_test_id("task-resume").click()
    expect(row.get_by_test_id("task-state")).to_have_text("scheduled")
    expect(row.get_by_test_id("task-next-run")).not_to_have_text("—")
    row.get_by_test_id("task-delete").click()
    page.get_by_test_id("confirm-delete").click()
    expect(row).to_have_count(0)
    ids = [t["id"] for t in app_server.api("/api/tasks")["tasks"] if t["name"] == name]
    assert ids == []


def test_a_past_date_and_an_empty_prompt_are_refused_with_the_reason(
    app_server: RunningApp, tab: BrowserTab
) -> None:
    page = tab.page
    _open_tasks(page, app_server)
    before = len(app_server.api("/api/tasks")["tasks"])

    page.get_by_test_id("trigger-kind").get_by_role("radio", name="Once").click()
    run_at = page.get_by_test_id("task-run-at")
    expect(run_at).to_be_visible()
    run_at.fill("2020-05-01T10:00")
    expect(page.get_by_test_id("preview-error")).to_contain_text("is in the past")

    page.get_by_test_id("task-submit").click()
    expect(page.get_by_test_id("form-error")).to_have_text("Write what the agent should do.")
    page.get_by_test_id("task-prompt").fill("Remind me of the meeting")
    page.get_by_test_id("task-submit").click()
    # The reason shows once, under the schedule; the button's message points there.
    expect(page.get_by_test_id("form-error")).to_have_text(SCHEDULE_FIRST)
    expect(page.get_by_text("is in the past")).to_have_count(1)
    assert len(app_server.api("/api/tasks")["tasks"]) == before


def test_a_bad_cron_line_is_explained_once_and_the_form_starts_afresh_after_saving(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any
) -> None:
    page = tab.page
    _open_tasks(page, app_server)
    cron = page.get_by_test_id("task-cron")
    cron.fill("99 25 * * *")
    reason = page.get_by_test_id("preview-error")
    expect(reason).to_contain_text("minute '99'")
    expect(reason).to_contain_text("hour '25'")
    page.get_by_test_id("task-prompt").fill("Check the backups")
    page.get_by_test_id("task-submit").click()
    expect(page.get_by_test_id("form-error")).to_have_text(SCHEDULE_FIRST)
    expect(page.get_by_text("hour '25'")).to_have_count(1)

    cron.fill("*/15 * * * *")
    expect(page.get_by_test_id("cron-parts")).to_contain_text("minute */15")
    expect(page.get_by_test_id("preview-run")).to_have_count(5)
    name = f"Backups {uuid.uuid4().hex[:6]}"
    page.get_by_test_id("task-name").fill(name)
    page.get_by_test_id("task-submit").click()
    expect(page.get_by_test_id("form-notice")).to_contain_text(f"Scheduled “{name}”")
    # The preview is of the empty form's schedule again, not of the task just saved.
    expect(cron).to_have_value(DEFAULT_CRON)
    expect(page.get_by_test_id("cron-parts")).to_contain_text("hour 9")
    expect(page.get_by_test_id("preview-run")).to_have_count(5)
    expect(page.get_by_test_id("form-error")).to_have_count(0)
    for task in app_server.api("/api/tasks")["tasks"]:
        if task["name"] == name:
            httpx.delete(app_server.url.rstrip("/") + f"/api/tasks/{task['id']}", timeout=10)


def test_the_preview_moves_on_when_its_first_run_has_passed(
    app_server: RunningApp, tab: BrowserTab
) -> None:
    page = tab.page
    _open_tasks(page, app_server)
    page.locator("[data-cron='* * * * *']").click()
    first = page.get_by_test_id("preview-run").first
    expect(page.get_by_test_id("cron-parts")).to_contain_text("minute *")
    expect(first).not_to_have_text("today 09:00")
    shown = first.inner_text()
    # Nothing is typed: the minute the preview named comes and goes, and the preview follows.
    expect(first).not_to_have_text(shown, timeout=90_000)
    expect(page.get_by_test_id("preview-run")).to_have_count(5)


def test_a_task_set_to_always_use_documents_is_still_on_after_a_reload(
    app_server: RunningApp, tab: BrowserTab
) -> None:
    page = tab.page
    _open_tasks(page, app_server)
    switch = page.get_by_test_id("task-documents-switch")
    hint = page.get_by_test_id("task-documents-hint")
    # The chat's switch, in the chat's words: Auto unless told.
    expect(page.get_by_test_id("task-documents-auto")).to_have_attribute("data-state", "on")
    expect(hint).to_have_text(DOCUMENT_CHOICES["auto"])
    # The hint is also the tooltip of the switch and its label, as in chat.
    expect(switch.locator("..")).to_have_attribute("title", DOCUMENT_CHOICES["auto"])
    page.get_by_test_id("task-documents-on").click()
    expect(page.get_by_test_id("task-documents-on")).to_have_attribute("data-state", "on")
    expect(hint).to_have_text(DOCUMENT_CHOICES["on"])

    name = f"Grounded {uuid.uuid4().hex[:6]}"
    page.get_by_test_id("task-prompt").fill("What do my notes say about the garden?")
    page.get_by_test_id("task-name").fill(name)
    page.get_by_test_id("task-submit").click()
    expect(page.get_by_test_id("form-notice")).to_contain_text(f"Scheduled “{name}”")
    # The form starts afresh for the next task: Documents too, like the schedule.
    expect(page.get_by_test_id("task-documents-auto")).to_have_attribute("data-state", "on")

    page.reload()
    expect(page.get_by_test_id("preview-run")).to_have_count(5, timeout=30_000)
    row = page.get_by_test_id("task-row").filter(has_text=name)
    documents = row.get_by_test_id("task-documents")
    expect(documents).to_have_attribute("data-documents", "on")
    expect(documents).to_have_text(f"Documents: {DOCUMENT_LABELS['on']}")
    row.click()
    history = page.get_by_test_id("task-history")
    expect(history.get_by_test_id("history-title")).to_have_text(f"History of {name}")
    expect(history.get_by_test_id("history-documents")).to_have_attribute("data-documents", "on")
    (task,) = [t for t in app_server.api("/api/tasks")["tasks"] if t["name"] == name]
    assert task["use_knowledge"] == "on"
    httpx.delete(app_server.url.rstrip("/") + f"/api/tasks/{task['id']}", timeout=10)
