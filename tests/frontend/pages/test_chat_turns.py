"""The chat page's message controls in a real browser: copy, regenerate, edit and resend,
conversation search, attach, a refused prompt, and maths rendered by KaTeX."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.frontend.app_process import FAKE_RULES, PROJECT_ROOT, BrowserTab, RunningApp, screenshot
from tests.frontend.pages.chat_actions import answer_with, ask

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS_IMAGES = PROJECT_ROOT / "docs" / "images"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _open_chat(page: Page, app: RunningApp) -> None:
    page.goto(app.url)
    expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "ok", timeout=30_000)


def _word() -> str:
    return f"quillon{uuid.uuid4().hex[:6]}"


def test_copy_puts_the_message_on_the_clipboard(
    app_server: RunningApp, browser: Any, fake_model: Any
) -> None:
    word = _word()
    reply = f"The {word} answer, ready to paste."
    fake_model.set_rules([*FAKE_RULES, {"match": word, "reply": reply}])
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server.url)
    page = context.new_page()
    try:
        _open_chat(page, app_server)
        ask(page, f"Tell me about {word}")
        answer = answer_with(page, reply)
        answer.get_by_test_id("copy-message").click()
        expect(answer.get_by_test_id("copy-message")).to_contain_text("Copied")
        # The clipboard is written by the event that follows the "Copied" update.
        page.wait_for_function(
            "expected => navigator.clipboard.readText().then(text => text === expected)",
            arg=reply,
        )
        expect(answer.get_by_test_id("copy-message")).to_contain_text("Copy", timeout=10_000)
    finally:
        context.close()


def test_regenerate_replaces_the_last_answer(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any
) -> None:
    page = tab.page
    word = _word()
    first, second = f"First {word} reply.", f"Second {word} reply."
    fake_model.set_rules(
        [
            *FAKE_RULES,
            {"match": word, "reply": first, "times": 1},
            {"match": word, "reply": second},
        ]
    )
    _open_chat(page, app_server)
    ask(page, f"Describe {word}")
    answer_with(page, first).get_by_test_id("regenerate-answer").click()
    answer_with(page, second)
    expect(page.get_by_test_id("message").filter(has_text=first)).to_have_count(0)
    expect(page.get_by_test_id("message")).to_have_count(2)

    page.reload()
    _open_chat(page, app_server)
    page.get_by_test_id("conversation-item").first.click()
    answer_with(page, second)
    expect(page.get_by_test_id("message").filter(has_text=first)).to_have_count(0)


def test_edit_and_resend_drops_later_messages_after_a_yes(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any
) -> None:
    page = tab.page
    word = _word()
    fake_model.set_rules(
        [
            *FAKE_RULES,
            {"match": f"{word} one", "reply": f"Reply to {word} one."},
            {"match": f"{word} two", "reply": f"Reply to {word} two."},
            {"match": f"{word} edited", "reply": f"Reply to {word} edited."},
        ]
    )
    _open_chat(page, app_server)
    ask(page, f"{word} one")
    answer_with(page, f"Reply to {word} one.")
    ask(page, f"{word} two")
    answer_with(page, f"Reply to {word} two.")

    question = page.get_by_test_id("message").filter(has_text=f"{word} one").first
    question.get_by_test_id("edit-message").click()
    editor = page.get_by_test_id("edit-input")
    expect(editor).to_have_value(f"{word} one")
    editor.fill(f"{word} edited")
    page.get_by_test_id("edit-send").click()
    dialog = page.get_by_test_id("resend-dialog")
    expect(dialog).to_contain_text("2 later messages")
    expect(dialog).to_have_css("opacity", "1")
    if DOCS_IMAGES.is_dir():
        shutil.copyfile(screenshot(page, "chat-edit"), DOCS_IMAGES / "chat-edit.png")
    dialog.get_by_test_id("confirm-resend").click()
    answer_with(page, f"Reply to {word} edited.")
    texts = page.get_by_test_id("message").get_by_test_id("bubble-text").all_inner_texts()
    assert [t.strip() for t in texts] == [f"{word} edited", f"Reply to {word} edited."]

    # The last question drops nothing but its own answer: no question asked.
    page.get_by_test_id("message").filter(has_text=f"{word} edited").first.get_by_test_id(
        "edit-message"
    ).click()
    page.get_by_test_id("edit-input").fill(f"{word} two")
    page.get_by_test_id("edit-input").press("Enter")
    answer_with(page, f"Reply to {word} two.")
    expect(page.get_by_test_id("resend-dialog")).to_have_count(0)
    expect(page.get_by_test_id("message")).to_have_count(2)


def test_search_finds_a_word_in_an_older_conversation_and_opens_it(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any
) -> None:
    page = tab.page
    word = _word()
    fake_model.set_rules([*FAKE_RULES, {"match": "lantern", "reply": f"The {word} keeper."}])
    _open_chat(page, app_server)
    ask(page, "Who lights the lantern?")
    answer_with(page, f"The {word} keeper.")
    page.get_by_test_id("new-chat").click()
    expect(page.get_by_test_id("empty-transcript")).to_be_visible()

    page.get_by_test_id("conversation-search").fill(word)
    result = page.get_by_test_id("search-result")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("Who lights the lantern?")
    expect(result.locator("mark")).to_have_text(word)
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 820})
        if width == 390:
            page.get_by_test_id("menu-button").click()
        if DOCS_IMAGES.is_dir():
            name = f"chat-search-{width}"
            shutil.copyfile(screenshot(page, name), DOCS_IMAGES / f"{name}.png")
    result.click()
    answer_with(page, f"The {word} keeper.")


def test_attach_uploads_a_file_and_its_chip_shows_indexed(
    app_server: RunningApp, tab: BrowserTab, tmp_path: Path
) -> None:
    page = tab.page
    note = tmp_path / f"attached-{uuid.uuid4().hex[:6]}.txt"
    note.write_text("The ferry to the island leaves at seven every morning.\n", encoding="utf-8")
    _open_chat(page, app_server)
    page.get_by_test_id("attach-button").locator("..").locator("input[type=file]").set_input_files(
        str(note)
    )
    chip = page.get_by_test_id("attachment-chip").filter(has_text=note.name)
    expect(chip).to_be_visible(timeout=30_000)
    expect(chip).to_have_attribute("data-state", "indexed", timeout=120_000)
    # The next question uses the documents.
    expect(page.get_by_test_id("documents-on")).to_have_attribute("data-state", "on")
    if DOCS_IMAGES.is_dir():
        shutil.copyfile(screenshot(page, "chat-attach"), DOCS_IMAGES / "chat-attach.png")
    (document,) = [
        d
        for d in app_server.api("/api/knowledge/documents")["documents"]
        if d["path"].endswith(note.name)
    ]
    # The other page tests share this knowledge base: the note must not ground their answers.
    httpx.delete(f"{app_server.url}api/knowledge/documents/{document['id']}", timeout=10)


def test_new_chat_starts_without_the_attached_files(
    app_server: RunningApp, tab: BrowserTab, tmp_path: Path
) -> None:
    page = tab.page
    note = tmp_path / f"carried-{uuid.uuid4().hex[:6]}.txt"
    note.write_text("The lighthouse keeper rows out every Tuesday.\n", encoding="utf-8")
    _open_chat(page, app_server)
    default = next(
        f["value"]
        for f in app_server.api("/api/settings")["settings"]
        if f["key"] == "use_documents"
    )
    page.get_by_test_id("attach-button").locator("..").locator("input[type=file]").set_input_files(
        str(note)
    )
    chip = page.get_by_test_id("attachment-chip").filter(has_text=note.name)
    expect(chip).to_have_attribute("data-state", "indexed", timeout=120_000)
    expect(page.get_by_test_id("documents-on")).to_have_attribute("data-state", "on")

    page.get_by_test_id("new-chat").click()
    expect(page.get_by_test_id("attachment-chip")).to_have_count(0)
    expect(page.get_by_test_id(f"documents-{default}")).to_have_attribute("data-state", "on")
    (document,) = [
        d
        for d in app_server.api("/api/knowledge/documents")["documents"]
        if d["path"].endswith(note.name)
    ]
    httpx.delete(f"{app_server.url}api/knowledge/documents/{document['id']}", timeout=10)


def test_a_too_long_prompt_stays_in_the_box_with_its_reason(
    app_server: RunningApp, tab: BrowserTab
) -> None:
    page = tab.page
    _open_chat(page, app_server)
    before = len(app_server.api("/api/conversations")["conversations"])
    prompt = "word " * 10_000
    box = page.get_by_label("Message", exact=True)
    box.fill(prompt)
    page.get_by_test_id("send-button").click()
    refusal = page.get_by_test_id("prompt-refusal")
    expect(refusal).to_contain_text("characters long")
    expect(refusal.get_by_test_id("refusal-attach")).to_be_visible()
    expect(box).to_have_value(prompt.strip())
    assert box.evaluate("el => el.clientHeight") > 60, "the box did not grow to show the text"
    expect(page.get_by_test_id("message")).to_have_count(0)
    expect(page.get_by_test_id("empty-transcript")).to_be_visible()
    assert len(app_server.api("/api/conversations")["conversations"]) == before
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 820})
        if DOCS_IMAGES.is_dir():
            name = f"chat-refused-{width}"
            shutil.copyfile(screenshot(page, name), DOCS_IMAGES / f"{name}.png")

    # The text itself becomes a document: the box is free for a short question about it.
    refusal.get_by_test_id("attach-text").click()
    chip = page.get_by_test_id("attachment-chip").filter(has_text="pasted-text")
    expect(chip).to_be_visible(timeout=30_000)
    expect(box).to_have_value("")
    expect(refusal).to_have_count(0)
    expect(page.get_by_test_id("message")).to_have_count(0)
    expect(chip).to_have_attribute("data-state", "indexed", timeout=180_000)
    (document,) = [
        d
        for d in app_server.api("/api/knowledge/documents")["documents"]
        if Path(d["path"]).name == Path(chip.get_attribute("title") or "").name
    ]
    saved = Path(document["path"]).read_text(encoding="utf-8")
    assert saved == prompt.strip()
    httpx.delete(f"{app_server.url}api/knowledge/documents/{document['id']}", timeout=10)


def test_a_latex_answer_renders_with_katex(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any
) -> None:
    page = tab.page
    word = _word()
    reply = (
        f"For {word}: \\(a^2 + b^2 = c^2\\) and\n\n"
        "$$\\int_0^1 x\\,dx = \\frac{1}{2}$$\n\nIt costs $5 and $10."
    )
    fake_model.set_rules([*FAKE_RULES, {"match": word, "reply": reply}])
    _open_chat(page, app_server)
    ask(page, f"Show {word} maths")
    answer = answer_with(page, f"For {word}")
    expect(answer.locator(".katex")).to_have_count(2)
    expect(answer.locator(".katex-display")).to_have_count(1)
    expect(answer).to_contain_text("It costs $5 and $10.")
    # KaTeX's fonts and CSS come with the build: nothing from another host.
    page.wait_for_load_state("networkidle")
    foreign = [url for url in tab.requested_urls if urlsplit(url).hostname not in LOOPBACK]
    assert not foreign, f"the page fetched from other hosts: {foreign}"
    fonts = [url for url in tab.requested_urls if "KaTeX_" in url]
    assert fonts, "KaTeX's fonts were not loaded from the app"
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 820})
        if DOCS_IMAGES.is_dir():
            name = f"chat-{width}"
            shutil.copyfile(screenshot(page, name), DOCS_IMAGES / f"{name}.png")
