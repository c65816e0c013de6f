"""The chat page against a working (fake) model: streaming, sidebar, keyboard, no CDN."""

from __future__ import annotations

import re
import time
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from tests.frontend.app_process import STREAMED_REPLY, BrowserTab, RunningApp, screenshot
from tests.frontend.pages.chat_actions import delete_conversation

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _watch_stream(tab: BrowserTab, final_text: str, timeout: float = 30.0) -> list[str]:
    """Texts of the in-progress answer bubble seen until the finished answer shows."""
    page = tab.page
    finished = page.get_by_test_id("message").filter(has_text=final_text)
    # The answer's text only: the step timeline under it changes as the run goes on.
    streaming = page.get_by_test_id("streaming-message").get_by_test_id("bubble-text")
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if finished.count() > 0:
            return seen
        if streaming.count() > 0:
            try:
                text = streaming.inner_text(timeout=500).strip()
            except Exception:  # the bubble can vanish between count() and inner_text()
                continue
            if text and text not in seen:
                seen.append(text)
                if len(seen) == 2:
                    screenshot(page, "02-chat-streaming")
        time.sleep(0.02)
    raise AssertionError(f"the answer never finished; saw {seen!r}")


def test_streamed_answer_and_sidebar(app_server: RunningApp, tab: BrowserTab) -> None:
    page = tab.page
    page.goto(app_server.url)
    expect(page).to_have_title("AgentDesk")
    expect(page.get_by_test_id("empty-transcript")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "ok", timeout=20_000)
    screenshot(page, "01-chat-empty")

    # Other tests share the app: count what is listed before this one asks.
    before = len(app_server.api("/api/conversations")["conversations"])
    page.get_by_label("Message", exact=True).fill("hello, who are you?")
    page.get_by_test_id("send-button").click()
    expect(page.get_by_test_id("message").filter(has_text="hello, who are you?")).to_be_visible()

    seen = _watch_stream(tab, STREAMED_REPLY)
    partial = [text for text in seen if text != STREAMED_REPLY and STREAMED_REPLY.startswith(text)]
    assert partial, f"no partial answer was shown before the full one; saw {seen!r}"

    conversations = app_server.api("/api/conversations")["conversations"]
    assert len(conversations) == before + 1
    # Newest first: the conversation just started heads the list and is the open one.
    expect(page.get_by_test_id("conversation-item")).to_have_count(before + 1)
    entry = page.get_by_test_id("conversation-item").first
    expect(entry).to_contain_text(conversations[0]["title"])
    expect(entry).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("prompt-input")).to_be_enabled()
    screenshot(page, "03-chat-answered")


def test_enter_sends_and_conversations_reopen(app_server: RunningApp, tab: BrowserTab) -> None:
    page = tab.page
    page.goto(app_server.url)
    expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "ok", timeout=20_000)
    before = len(app_server.api("/api/conversations")["conversations"])

    box = page.get_by_label("Message", exact=True)
    for question in ("Second question", "And a third"):
        box.fill(question)
        box.press("Enter")
        expect(page.get_by_test_id("message").filter(has_text=f"Echo: {question}")).to_be_visible(
            timeout=30_000
        )
    expect(page.get_by_test_id("message")).to_have_count(4)
    entries = page.get_by_test_id("conversation-item")
    expect(entries).to_have_count(before + 1)
    mine = entries.filter(has_text="Second question")

    page.get_by_test_id("new-chat").click()
    expect(page.get_by_test_id("empty-transcript")).to_be_visible()
    mine.click()
    expect(page.get_by_test_id("message")).to_have_count(4)
    expect(mine).to_have_attribute("aria-current", "page")
    screenshot(page, "04-chat-reopened")

    delete_conversation(page, "Second question")
    expect(entries).to_have_count(before)
    expect(page.get_by_test_id("empty-transcript")).to_be_visible()
    assert len(app_server.api("/api/conversations")["conversations"]) == before


def test_page_loads_nothing_from_other_hosts(app_server: RunningApp, tab: BrowserTab) -> None:
    page = tab.page
    page.goto(app_server.url)
    expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "ok", timeout=20_000)
    page.wait_for_load_state("networkidle")
    foreign = [url for url in tab.requested_urls if urlsplit(url).hostname not in LOOPBACK]
    assert not foreign, f"the page fetched from other hosts: {foreign}"


# Ways a page pulls in a remote resource: tags, CSS, and JavaScript module loading.
_REMOTE_REFERENCES = [
    re.compile(r"""(?:src|href)\s*=\s*["']?(https?://[^"'\s>]+)""", re.I),
    re.compile(r"""url\(\s*["']?(https?://[^)"']+)""", re.I),
    re.compile(r"""@import\s+(?:url\()?\s*["']?(https?://[^"')\s;]+)""", re.I),
    re.compile(r"""(?:import\s*\(\s*|from\s*)["'`](https?://[^"'`]+)""", re.I),
    re.compile(
        r"""(https?://(?:fonts\.googleapis|fonts\.gstatic|cdn\.jsdelivr|unpkg|cdnjs\.cloudflare|esm\.sh)[^"'`\s)]*)""",
        re.I,
    ),
]
_ASSET_LINKS = re.compile(r"""["'(](/assets/[^"')\s?#]+\.(?:js|css))""")


def test_served_files_reference_no_remote_resources(app_server: RunningApp) -> None:
    pending, seen, remote = [app_server.url], set(), []
    with httpx.Client(timeout=10) as client:
        while pending:
            url = pending.pop()
            if url in seen:
                continue
            seen.add(url)
            body = client.get(url).text
            for pattern in _REMOTE_REFERENCES:
                remote += [
                    (url, found)
                    for found in pattern.findall(body)
                    if urlsplit(found).hostname not in LOOPBACK
                ]
            pending += [urljoin(app_server.url, link) for link in _ASSET_LINKS.findall(body)]
    assert len(seen) > 5, f"expected the page's scripts and styles, crawled only {sorted(seen)}"
    assert not remote, f"remote resources referenced: {remote}"


def test_ui_routes_refuse_a_foreign_host_header(app_server: RunningApp) -> None:
    # DNS rebinding: a web page whose name resolves to 127.0.0.1 must not reach the UI either.
    for path in ("/", "/_health", "/api/health"):
        response = httpx.get(
            app_server.url.rstrip("/") + path, headers={"Host": "rebind.example"}, timeout=10
        )
        assert response.status_code == 421, path
    assert httpx.get(app_server.url, timeout=10).status_code == 200


def test_a_long_title_stays_on_one_line_in_the_sidebar(
    app_server: RunningApp, tab: BrowserTab
) -> None:
    page = tab.page
    page.goto(app_server.url)
    expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "ok", timeout=20_000)
    question = "In two sentences: why is running an AI model on your own computer good for privacy?"
    box = page.get_by_label("Message", exact=True)
    box.fill(question)
    box.press("Enter")
    expect(page.get_by_test_id("message").filter(has_text=f"Echo: {question}")).to_be_visible(
        timeout=30_000
    )
    entry = page.get_by_test_id("conversation-item").filter(has_text="In two sentences")
    button = entry.bounding_box()
    title = entry.locator("span, p").first.bounding_box()
    assert button is not None and title is not None
    # One line of text, inside the button: not wrapped, not spilling above or below it.
    assert title["height"] < 30, title
    assert title["y"] >= button["y"]
    assert title["y"] + title["height"] <= button["y"] + button["height"]
    # ...and cut short inside the sidebar, leaving its actions button in view.
    sidebar = page.get_by_test_id("sidebar").bounding_box()
    stored = app_server.api("/api/conversations")["conversations"]
    title_text = next(c["title"] for c in stored if c["title"].startswith("In two sentences"))
    actions_button = page.get_by_label(f"Actions for conversation {title_text}")
    actions = actions_button.bounding_box()
    assert sidebar is not None and actions is not None
    assert button["x"] + button["width"] <= actions["x"]
    assert actions["x"] + actions["width"] <= sidebar["x"] + sidebar["width"]
    delete_conversation(page, title_text)
