"""The Knowledge page in a real browser: upload, live state, search, detail, sources, delete."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.frontend.app_process import BrowserTab, RunningApp, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The first file waits for the embedding model to load; later ones take well under a second.
INDEXED_TIMEOUT = 120_000


def _open(page: Page, app: RunningApp, query: str = "") -> None:
    page.goto(app.url.rstrip("/") + "/knowledge" + query)
    expect(page.get_by_test_id("progress-state")).to_be_visible(timeout=30_000)
    # Filled in over the websocket: once it shows, the page's state has arrived and will not
    # reset what is typed next.
    expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "ok", timeout=30_000)


def _upload(page: Page, *paths: Path) -> None:
    page.get_by_test_id("upload-zone").locator("input[type=file]").set_input_files(
        [str(path) for path in paths]
    )
    for path in paths:
        expect(page.get_by_test_id("upload-message")).to_contain_text(path.name, timeout=30_000)


def _row(page: Page, name: str) -> Locator:
    return page.get_by_test_id("document-row").filter(has_text=name)


def _screenshot_progress(page: Page) -> None:
    """Capture the live progress panel if indexing is still running (it may already be done)."""
    try:
        expect(page.get_by_test_id("progress-bar")).to_be_visible(timeout=3_000)
    except AssertionError:
        return
    expect(page.get_by_test_id("progress-files")).to_contain_text(" / ")
    screenshot(page, "knowledge-02-progress")


def _settled(overlay: Locator) -> None:
    """Wait for a dialog or popover to finish fading in, so screenshots show it whole."""
    expect(overlay).to_have_css("opacity", "1")


def _delete_through_api(app: RunningApp, name: str) -> None:
    for document in app.api("/api/knowledge/documents?limit=1000")["documents"]:
        if document["name"] == name:
            httpx.delete(f"{app.url.rstrip('/')}/api/knowledge/documents/{document['id']}")


def test_upload_search_open_cite_and_delete(
    app_server: RunningApp, tab: BrowserTab, tmp_path: Path
) -> None:
    page = tab.page
    word = f"quokkaflux{uuid.uuid4().hex[:8]}"
    note = tmp_path / f"field-notes-{word[-8:]}.txt"
    note.write_text(
        f"Field notes.\n\nThe {word} capacitor hums at night and must be kept dry.\n\n"
        "Unrelated paragraph about tea, kettles and the weather in spring.\n",
        encoding="utf-8",
    )
    _open(page, app_server)
    expect(page.get_by_test_id("nav-knowledge")).to_have_attribute("aria-current", "page")
    screenshot(page, "knowledge-01-page")

    _upload(page, note)
    _screenshot_progress(page)
    row = _row(page, note.name)
    expect(row.get_by_test_id("document-state")).to_have_attribute(
        "data-state", "indexed", timeout=INDEXED_TIMEOUT
    )
    expect(page.get_by_test_id("progress-state")).to_have_text("idle", timeout=30_000)
    expect(row).to_contain_text("txt")
    screenshot(page, "knowledge-03-indexed")

    page.get_by_test_id("search-input").fill(word)
    page.get_by_test_id("search-button").click()
    hit = page.get_by_test_id("search-hit").filter(has_text=note.name).first
    expect(hit).to_be_visible(timeout=60_000)
    expect(hit.locator("mark").first).to_have_text(re.compile(word, re.I))
    page.get_by_test_id("search-mode").get_by_role("radio", name="BM25").click()
    expect(page.get_by_test_id("search-results")).to_have_attribute("data-mode", "bm25")
    expect(page.get_by_test_id("search-button")).to_be_enabled(timeout=30_000)
    expect(page.get_by_test_id("search-hit").first).to_contain_text(note.name)
    screenshot(page, "knowledge-04-search")

    row.get_by_test_id("document-name").click()
    detail = page.get_by_test_id("document-detail")
    expect(detail).to_contain_text(note.name)
    expect(detail.get_by_test_id("chunk").first).to_contain_text(word)
    expect(detail.get_by_test_id("detail-state")).to_have_attribute("data-state", "indexed")
    _settled(detail)
    screenshot(page, "knowledge-05-detail")
    page.keyboard.press("Escape")
    expect(detail).to_have_count(0)

    conversations_before = {c["id"] for c in app_server.api("/api/conversations")["conversations"]}
    try:
        page.get_by_test_id("nav-chat").click()
        page.get_by_label("Message", exact=True).fill(f"What is the {word} capacitor?")
        page.get_by_test_id("send-button").click()
        chip = page.get_by_test_id("message").get_by_test_id("source-chip").first
        expect(chip).to_contain_text(note.name, timeout=60_000)
        chip.hover()
        expect(page.get_by_test_id("source-preview")).to_contain_text(word)
        _settled(page.get_by_test_id("source-preview"))
        screenshot(page, "knowledge-06-chat-sources")
        chip.click()
        expect(page).to_have_url(re.compile(r"/knowledge/?\?document=\d+$"))
        expect(page.get_by_test_id("document-detail")).to_contain_text(note.name)
        page.keyboard.press("Escape")
    finally:
        for conversation in app_server.api("/api/conversations")["conversations"]:
            if conversation["id"] not in conversations_before:
                httpx.delete(f"{app_server.url}api/conversations/{conversation['id']}")

    row.get_by_test_id("delete-document").click()
    page.get_by_test_id("confirm-delete").click()
    expect(row).to_have_count(0)
    expect(page.get_by_test_id("search-hit").filter(has_text=note.name)).to_have_count(0)
    names = [d["name"] for d in app_server.api("/api/knowledge/documents")["documents"]]
    assert note.name not in names
    screenshot(page, "knowledge-07-deleted")


def test_a_file_that_cannot_be_parsed_shows_failed_with_its_reason(
    app_server: RunningApp, tab: BrowserTab, tmp_path: Path
) -> None:
    page = tab.page
    broken = tmp_path / f"scrambled-{uuid.uuid4().hex[:8]}.pdf"
    broken.write_bytes(os.urandom(4096))
    _open(page, app_server)
    try:
        _upload(page, broken)
        row = _row(page, broken.name)
        expect(row.get_by_test_id("document-state")).to_have_attribute(
            "data-state", "failed", timeout=INDEXED_TIMEOUT
        )
        reason = row.get_by_test_id("document-error")
        expect(reason).to_be_visible()
        expect(reason).to_contain_text(re.compile("pdf", re.I))
        page.get_by_test_id("document-filter").get_by_role("radio", name="Failed").click()
        expect(page.get_by_test_id("document-row").first).to_be_visible()
        for state in page.get_by_test_id("document-state").all():
            expect(state).to_have_attribute("data-state", "failed")
        screenshot(page, "knowledge-08-failed")
    finally:
        _delete_through_api(app_server, broken.name)


def test_files_over_the_upload_limits_are_refused_with_why(
    app_server: RunningApp, tab: BrowserTab, tmp_path: Path
) -> None:
    page = tab.page
    _open(page, app_server)
    big = tmp_path / "too-big.bin"
    with big.open("wb") as out:
        out.truncate(101_000_000)  # over the 100 MB default; sparse, so cheap to make
    zone = page.get_by_test_id("upload-zone").locator("input[type=file]")
    zone.set_input_files([str(big)])
    error = page.get_by_test_id("upload-error")
    expect(error).to_contain_text("'too-big.bin' is larger than the upload limit of 100 MB")
    expect(page.get_by_test_id("upload-zone")).to_contain_text("Drop files here")
    screenshot(page, "knowledge-10-too-big")
    many = []
    for number in range(3):
        many.append(tmp_path / f"part-{number}.bin")
        with many[-1].open("wb") as out:
            out.truncate(80_000_000)
    zone.set_input_files([str(path) for path in many])
    # The refusal waits for the browser's first progress report, slow on a busy machine.
    expect(error).to_contain_text("more than 200 MB", timeout=90_000)
    expect(page.get_by_test_id("upload-zone")).to_contain_text("Drop files here")
    names = {d["name"] for d in app_server.api("/api/knowledge/documents?limit=1000")["documents"]}
    assert not names & {"too-big.bin", "part-0.bin", "part-1.bin", "part-2.bin"}


def test_watched_folders_refuse_bad_paths_and_warn_when_gone(
    app_server: RunningApp, tab: BrowserTab, tmp_path: Path
) -> None:
    page = tab.page
    _open(page, app_server)
    field = page.get_by_test_id("folder-input")
    field.fill(str(tmp_path / "does-not-exist"))
    page.get_by_test_id("add-folder").click()
    expect(page.get_by_test_id("folder-error")).to_contain_text("does not exist", timeout=30_000)
    expect(field).to_have_attribute("aria-invalid", "true")

    watched = tmp_path / "watched"
    watched.mkdir()
    field.fill(str(watched))
    page.get_by_test_id("add-folder").click()
    entry = page.get_by_test_id("folder-item").filter(has_text=str(watched))
    # Adding a folder writes to the database, which the indexer may be holding for a moment.
    expect(entry).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("folder-error")).to_have_count(0)
    expect(field).to_have_value("")
    screenshot(page, "knowledge-09-folder")

    watched.rmdir()
    page.reload()
    expect(entry.get_by_test_id("folder-missing")).to_be_visible(timeout=30_000)
    entry.get_by_test_id("remove-folder").click()
    expect(entry).to_have_count(0)
    folders = [f["path"] for f in app_server.api("/api/knowledge/folders")["folders"]]
    assert str(watched) not in folders
