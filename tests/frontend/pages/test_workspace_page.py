"""The Workspace page in a real browser: what an agent wrote, previewed, downloaded, deleted."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.frontend.app_process import PROJECT_ROOT, BrowserTab, RunningApp, screenshot
from tests.frontend.pages.test_layout import _OUTSIDE_THE_WINDOW

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS_IMAGES = PROJECT_ROOT / "docs" / "images"
REPORT = "city,visitors\nLyon,1200\nNantes,800\n"


def _empty_the_workspace(app: RunningApp) -> None:
    for entry in app.api("/api/workspace")["entries"]:
        if entry["depth"] == 0:
            url = app.url.rstrip("/") + "/api/workspace"
            httpx.delete(url, params={"path": entry["path"]}, timeout=10).raise_for_status()


def _open(page: Page, app: RunningApp, width: int = 1400) -> None:
    page.set_viewport_size({"width": width, "height": 860})
    page.goto(app.url.rstrip("/") + "/workspace")
    expect(page.get_by_test_id("workspace-files")).to_be_visible(timeout=30_000)


def _agent_writes(app: RunningApp, fake_model: Any, path: str, content: str) -> str:
    """Have an agent run write ``path``; the run's prompt."""
    prompt = f"Save the visitor figures to {path}"
    write = {"name": "write_file", "arguments": {"path": path, "content": content}}
    fake_model.set_rules(
        [
            {"match": prompt, "tool_calls": [write], "times": 1},
            {"match": prompt, "reply": f"I saved the figures to {path}."},
        ]
    )
    response = httpx.post(
        app.url.rstrip("/") + "/api/agent/query",
        json={"prompt": prompt, "mode": "single", "use_knowledge": "off"},
        timeout=60,
    )
    response.raise_for_status()
    return prompt


def test_an_empty_workspace_says_what_will_appear(app_server: RunningApp, tab: BrowserTab) -> None:
    _empty_the_workspace(app_server)
    page = tab.page
    _open(page, app_server)
    expect(page.get_by_test_id("nav-workspace")).to_have_attribute("aria-current", "page")
    empty = page.get_by_test_id("workspace-empty")
    expect(empty).to_contain_text("When an agent saves a file")
    expect(empty).to_contain_text(str(app_server.data_dir / "workspace"))
    expect(page.get_by_test_id("file-row")).to_have_count(0)


def test_see_preview_download_and_delete_what_an_agent_wrote(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any, tmp_path: Path
) -> None:
    _empty_the_workspace(app_server)
    prompt = _agent_writes(app_server, fake_model, "reports/visitors.csv", REPORT)
    workspace = app_server.data_dir / "workspace"
    (workspace / "notes").mkdir(exist_ok=True)
    (workspace / "notes" / "todo.md").write_text("# To do\n- call the printer\n")
    (workspace / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    page = tab.page
    _open(page, app_server)

    rows = page.get_by_test_id("file-row")
    expect(rows).to_have_count(5)
    # Folders first, each followed by what it holds, one level in.
    paths = [rows.nth(i).get_attribute("data-path") for i in range(5)]
    assert paths == ["notes", "notes/todo.md", "reports", "reports/visitors.csv", "chart.png"]
    report = page.locator("[data-testid=file-row][data-path='reports/visitors.csv']")
    expect(report.get_by_test_id("file-run")).to_have_text(prompt)
    expect(report.get_by_test_id("file-size")).to_have_text(f"{len(REPORT)} B")

    report.click()
    expect(page.get_by_test_id("preview-path")).to_have_text("reports/visitors.csv")
    expect(page.get_by_test_id("preview-text")).to_contain_text("Nantes,800")
    shutil.copyfile(screenshot(page, "workspace"), DOCS_IMAGES / "workspace.png")

    page.locator("[data-testid=file-row][data-path='chart.png']").click()
    expect(page.get_by_test_id("preview-path")).to_have_text("chart.png")
    expect(page.get_by_test_id("preview-notice")).to_contain_text("not a text file")
    expect(page.get_by_test_id("preview-text")).to_have_count(0)

    with page.expect_download() as download_info:
        report.get_by_test_id("file-download").click()
    assert download_info.value.suggested_filename == "visitors.csv"
    saved = tmp_path / "visitors.csv"
    download_info.value.save_as(saved)
    assert saved.read_text() == REPORT

    # Delete asks first; "Keep it" keeps the file, "Delete" moves it to the trash.
    page.locator("[data-testid=file-row][data-path='notes']").get_by_test_id("file-delete").click()
    page.get_by_role("button", name="Keep it").click()
    expect(rows).to_have_count(5)
    page.locator("[data-testid=file-row][data-path='notes']").get_by_test_id("file-delete").click()
    page.get_by_test_id("confirm-delete").click()
    expect(rows).to_have_count(3)
    assert not (workspace / "notes").exists()
    assert (app_server.data_dir / "trash" / "notes" / "todo.md").exists()


def test_a_new_file_appears_while_the_page_is_open_and_fits_a_phone(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any
) -> None:
    _empty_the_workspace(app_server)
    page = tab.page
    _open(page, app_server, width=390)
    expect(page.get_by_test_id("workspace-empty")).to_be_visible()
    _agent_writes(app_server, fake_model, "summary.md", "# Visitors\nLyon leads.\n")
    expect(page.get_by_test_id("file-row")).to_have_count(1, timeout=15_000)
    page.get_by_test_id("file-row").click()
    expect(page.get_by_test_id("preview-text")).to_contain_text("Lyon leads.")
    layout = page.evaluate(_OUTSIDE_THE_WINDOW)
    assert layout["outside"] == [], layout
    assert layout["page_width"] <= 390
    shutil.copyfile(screenshot(page, "workspace-390"), DOCS_IMAGES / "workspace-narrow.png")
