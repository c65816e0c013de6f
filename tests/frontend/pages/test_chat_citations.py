"""Citations in a real browser: each [n] of a grounded answer is a marker that shows its
passage and points at its source chip, after a reload too, and the export lists the sources."""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.frontend.app_process import (
    FAKE_RULES,
    PROJECT_ROOT,
    STREAMED_REPLY,
    BrowserTab,
    RunningApp,
    screenshot,
)
from tests.frontend.pages.chat_actions import ask, conversation_action

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS_IMAGES = PROJECT_ROOT / "docs" / "images"
# The first file waits for the embedding model to load.
INDEXED_SECONDS = 180.0
# A passage number no retrieval of two short files reaches.
UNKNOWN = 9


def _upload_and_index(app: RunningApp, files: dict[str, str]) -> list[int]:
    """Upload files through the API and wait until each is indexed; their document ids."""
    base = app.url.rstrip("/")
    parts = [("files", (name, text.encode())) for name, text in files.items()]
    httpx.post(f"{base}/api/knowledge/upload", files=parts, timeout=30).raise_for_status()
    deadline = time.monotonic() + INDEXED_SECONDS
    while True:
        documents = app.api("/api/knowledge/documents?limit=1000")["documents"]
        mine = {d["name"]: d for d in documents if d["name"] in files}
        if len(mine) == len(files) and all(d["state"] == "indexed" for d in mine.values()):
            return [d["id"] for d in mine.values()]
        assert time.monotonic() < deadline, f"not indexed in time: {mine}"
        time.sleep(0.5)


def _open_chat(page: Page, app: RunningApp) -> None:
    page.goto(app.url)
    expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "ok", timeout=30_000)


def _open_card(page: Page, marker: Locator, preview: Locator, name: str) -> None:
    """Click a marker until its card shows: just after a page load the answer is drawn once
    more (its colour mode settles), which closes a card opened in that instant; a second
    click is what a person would do."""
    for attempt in range(2):
        marker.click()
        try:
            expect(preview).to_contain_text(name)
            return
        except AssertionError:
            if attempt:
                raise
            page.mouse.move(0, 0)


def _check_markers(page: Page, cited: dict[int, tuple[str, str]], answer_start: str) -> None:
    """Each known [n] is a marker whose card shows its document and passage and whose click
    lights its chip; the unknown number stays text."""
    bubble = page.get_by_test_id("message").filter(has_text=answer_start)
    expect(bubble.get_by_test_id("citation")).to_have_count(len(cited), timeout=60_000)
    expect(bubble.get_by_test_id("bubble-text")).to_contain_text(f"[{UNKNOWN}]")
    chips = bubble.get_by_test_id("source-chip")
    for index, (number, (name, snippet)) in enumerate(sorted(cited.items())):
        marker = bubble.get_by_test_id("citation").nth(index)
        expect(marker).to_have_text(str(number))
        preview = page.get_by_test_id("citation-preview")
        _open_card(page, marker, preview, name)
        expect(preview).to_contain_text(snippet[:30])
        target = marker.get_attribute("data-target") or ""
        chip = chips.and_(page.locator(f"[id='{target.removeprefix('#cite-')}']"))
        expect(chip).to_have_count(1)
        expect(chip).to_contain_text(name)
        expect(chip).to_have_attribute("data-highlight", "on")
        expect(chip.get_by_test_id("source-passages")).to_contain_text(str(number))
        page.keyboard.press("Escape")
        page.mouse.move(0, 0)
        expect(preview).to_have_count(0)


def test_citations_link_to_their_sources_after_a_reload_and_in_the_export(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any, tmp_path: Path
) -> None:
    page = tab.page
    word = f"zorblat{uuid.uuid4().hex[:6]}"
    files = {
        f"heron-{word}.txt": f"The {word} heron nests only on basalt cliffs near the sea.",
        f"kettle-{word}.txt": f"The {word} kettle whistles twice when the water is ready.",
    }
    ids = _upload_and_index(app_server, files)
    answer_start = f"The {word} heron nests on cliffs"
    reply = f"{answer_start} [1], the kettle whistles twice [2], and nothing else [{UNKNOWN}]."
    fake_model.set_rules([*FAKE_RULES, {"match": word, "reply": reply}])
    conversations_before = {c["id"] for c in app_server.api("/api/conversations")["conversations"]}
    try:
        _open_chat(page, app_server)
        ask(page, f"Where does the {word} heron nest and what does the {word} kettle do?")
        expect(page.get_by_test_id("message").filter(has_text=answer_start)).to_be_visible(
            timeout=60_000
        )
        (conversation,) = [
            c
            for c in app_server.api("/api/conversations")["conversations"]
            if c["id"] not in conversations_before
        ]
        stored = app_server.api(f"/api/conversations/{conversation['id']}")["messages"][-1]
        cited = {
            s["passage"]: (source["name"], s["text"])
            for source in stored["sources"]
            for s in source["snippets"]
            if s["passage"] in (1, 2)
        }
        assert cited, stored

        answer = page.get_by_test_id("message").filter(has_text=answer_start)
        answer.get_by_test_id("citation").first.hover()
        expect(page.get_by_test_id("citation-preview")).to_have_css("opacity", "1")
        shutil.copyfile(screenshot(page, "chat-citations"), DOCS_IMAGES / "chat-citations.png")
        # The card stays open while the next answer streams in below.
        ask(page, "hello, one more thing")
        streaming = page.get_by_test_id("streaming-message").get_by_test_id("bubble-text")
        expect(streaming).to_contain_text("Hi there", timeout=30_000)
        expect(page.get_by_test_id("citation-preview")).to_be_visible()
        expect(page.get_by_test_id("message").filter(has_text=STREAMED_REPLY)).to_be_visible(
            timeout=30_000
        )
        expect(page.get_by_test_id("citation-preview")).to_be_visible()
        page.mouse.move(0, 0)
        _check_markers(page, cited, answer_start)

        # After a reload the conversation, opened from the sidebar, links the same way.
        page.reload()
        expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "ok")
        page.get_by_test_id("conversation-item").filter(has_text=word).click()
        # The steps behind the answer load next and redraw its bubble: wait for them first.
        reopened = page.get_by_test_id("message").filter(has_text=answer_start)
        expect(reopened.get_by_test_id("run-status")).to_be_visible(timeout=30_000)
        _check_markers(page, cited, answer_start)

        with page.expect_download() as download_info:
            conversation_action(page, conversation["title"], "export-markdown")
        saved = tmp_path / "export.md"
        download_info.value.save_as(saved)
        text = saved.read_text(encoding="utf-8")
        sources = text[text.index("**Sources**") :]
        for number, (name, snippet) in cited.items():
            line = next(li for li in sources.splitlines() if li.startswith(f"- [{number}] "))
            assert name in line and " ".join(snippet.split())[:30] in line
    finally:
        for item in app_server.api("/api/conversations")["conversations"]:
            if item["id"] not in conversations_before:
                httpx.delete(f"{app_server.url}api/conversations/{item['id']}")
        for document_id in ids:
            httpx.delete(f"{app_server.url}api/knowledge/documents/{document_id}")
