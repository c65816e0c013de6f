"""Layout in a real browser: sidebar titles and menus, narrow windows, the page for a bad link."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.frontend.app_process import BrowserTab, RunningApp, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Commas, descenders (g, j, p, q, y) and a percent sign: what a clipped line hides first.
CLIPPABLE_TITLE = "What is 23% of 4,180? Typing jumpy queries"


def _start_conversation(app: RunningApp, prompt: str) -> str:
    """A conversation titled after ``prompt``, answered by the fake model in chat mode."""
    response = httpx.post(
        app.url.rstrip("/") + "/api/agent/query",
        json={"prompt": prompt, "mode": "chat", "use_knowledge": "off"},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["conversation_id"])


@pytest.fixture
def conversations(app_server: RunningApp) -> Iterator[list[str]]:
    """Ids of the conversations a test starts; deleted again afterwards."""
    started: list[str] = []
    yield started
    for conversation_id in started:
        httpx.delete(app_server.url.rstrip("/") + f"/api/conversations/{conversation_id}")


def _open_chat(page: Page, app: RunningApp, width: int = 1280) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(app.url)
    expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "ok", timeout=20_000)


def _clipped_titles(page: Page) -> list[dict[str, Any]]:
    """Sidebar titles whose text is taller than the box that shows it (the rest is cut off)."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('[data-testid=conversation-item] p')]
                .map(p => ({text: p.textContent, text_height: p.scrollHeight,
                            shown_height: p.clientHeight}))
                .filter(t => t.text_height > t.shown_height)"""
        )
    )


def test_sidebar_titles_show_commas_and_descenders(
    app_server: RunningApp, tab: BrowserTab, conversations: list[str]
) -> None:
    conversations.append(_start_conversation(app_server, CLIPPABLE_TITLE))
    page = tab.page
    _open_chat(page, app_server)
    title = page.get_by_test_id("conversation-item").filter(has_text="4,180").first
    expect(title).to_be_visible()
    assert _clipped_titles(page) == []


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_scrollbar_leaves_the_last_conversations_menu_clickable(
    app_server: RunningApp, tab: BrowserTab, conversations: list[str]
) -> None:
    tag = uuid.uuid4().hex[:6]
    for number in range(40):
        conversations.append(_start_conversation(app_server, f"Long list {tag} #{number}"))
    page = tab.page
    _open_chat(page, app_server)
    expect(page.get_by_test_id("conversation-item").nth(39)).to_be_visible()

    last_button = page.get_by_test_id("conversation-actions").last
    last_button.scroll_into_view_if_needed()
    box = last_button.bounding_box()
    assert box is not None
    # The list's scrollbar shows while the pointer is over the list.
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    scrollbar = page.locator(
        ".rt-ScrollAreaRoot:has([data-testid=conversation-list]) > .rt-ScrollAreaScrollbar"
    )
    expect(scrollbar).to_be_visible()
    bar = scrollbar.bounding_box()
    assert bar is not None
    assert not _overlap(box, bar), f"the scrollbar {bar} covers the menu button {box}"
    # The scrollbar's thumb takes pointer events a few pixels beyond what it draws.
    covered = last_button.evaluate(
        """button => {
            const r = button.getBoundingClientRect();
            const covered = [];
            for (let x = r.left + 1; x < r.right; x += 2) {
                const hit = document.elementFromPoint(x, r.top + r.height / 2);
                if (!button.contains(hit)) covered.push([x, hit && hit.className]);
            }
            return covered;
        }"""
    )
    assert covered == [], f"points of the menu button that take no click: {covered}"

    last_button.click(timeout=5_000)
    expect(page.get_by_test_id("rename-conversation")).to_be_visible()
    screenshot(page, "layout-long-conversation-list")


# What sticks out of the window sideways, leaving out the sidebar while it is closed off screen.
_OUTSIDE_THE_WINDOW = """() => {
    const width = document.documentElement.clientWidth;
    const outside = [];
    for (const element of document.querySelectorAll('body *')) {
        const sidebar = element.closest('[data-testid=sidebar]');
        if (sidebar && sidebar.dataset.open === 'false') continue;
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        if (getComputedStyle(element).visibility === 'hidden') continue;
        if (box.left < -0.5 || box.right > width + 0.5) {
            outside.push([element.tagName, element.dataset.testid || element.className.toString(),
                          Math.round(box.left), Math.round(box.right)]);
        }
    }
    return {width, page_width: document.documentElement.scrollWidth, outside};
}"""


@pytest.mark.parametrize("width", [360, 390])
def test_narrow_chat_page_fits_and_the_sidebar_opens_from_a_menu(
    app_server: RunningApp, tab: BrowserTab, conversations: list[str], width: int
) -> None:
    conversations.append(_start_conversation(app_server, CLIPPABLE_TITLE))
    page = tab.page
    _open_chat(page, app_server, width)
    expect(page.get_by_test_id("prompt-input")).to_be_visible()
    layout = page.evaluate(_OUTSIDE_THE_WINDOW)
    assert layout["outside"] == [], layout
    assert layout["page_width"] <= width
    expect(page.get_by_test_id("main-nav")).to_be_hidden()
    screenshot(page, f"layout-chat-{width}")

    menu = page.get_by_test_id("menu-button")
    menu.click()
    expect(page.get_by_test_id("main-nav")).to_be_visible()
    expect(page.get_by_test_id("conversation-item").first).to_be_in_viewport()
    layout = page.evaluate(_OUTSIDE_THE_WINDOW)
    assert layout["outside"] == [], layout
    screenshot(page, f"layout-chat-{width}-menu")
    # Opening a conversation closes the menu again, as a click on the dimmed page does.
    page.get_by_test_id("conversation-item").filter(has_text="4,180").first.click()
    expect(page.get_by_test_id("main-nav")).to_be_hidden()
    menu.click()
    expect(page.get_by_test_id("main-nav")).to_be_visible()
    page.mouse.click(width - 10, 400)
    expect(page.get_by_test_id("main-nav")).to_be_hidden()


@pytest.mark.parametrize("width", [820, 390])
def test_message_box_placeholder_is_not_cut(
    app_server: RunningApp, tab: BrowserTab, width: int
) -> None:
    page = tab.page
    _open_chat(page, app_server, width)
    box = page.get_by_label("Message", exact=True)
    expect(box).to_have_value("")
    sizes = box.evaluate(
        """box => ({placeholder: box.placeholder, scroll: [box.scrollWidth, box.scrollHeight],
                   shown: [box.clientWidth, box.clientHeight]})"""
    )
    assert sizes["placeholder"]
    assert sizes["scroll"][0] <= sizes["shown"][0], sizes
    assert sizes["scroll"][1] <= sizes["shown"][1], sizes


@pytest.mark.parametrize("width", [1400, 390])
def test_unknown_address_gets_a_page_with_a_way_back(
    app_server: RunningApp, tab: BrowserTab, width: int
) -> None:
    page = tab.page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(app_server.url.rstrip("/") + "/preferences")
    expect(page).to_have_title("Page not found · AgentDesk")
    expect(page.get_by_test_id("not-found-page")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("missing-path")).to_have_text("/preferences")
    # Styled like every other page: the header, and the page links (behind the menu if narrow).
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    screenshot(page, f"layout-not-found-{width}")
    if width < 768:
        page.get_by_test_id("menu-button").click()
    expect(page.get_by_test_id("main-nav")).to_be_visible()
    layout = page.evaluate(_OUTSIDE_THE_WINDOW)
    assert layout["outside"] == [], layout

    page.reload()
    expect(page.get_by_test_id("not-found-page")).to_be_visible()
    page.get_by_test_id("back-to-chat").click()
    expect(page.get_by_label("Message", exact=True)).to_be_visible()
    assert page.url.rstrip("/") == app_server.url.rstrip("/")


def test_a_rename_keeps_the_conversation_where_it_was(
    app_server: RunningApp, tab: BrowserTab, conversations: list[str]
) -> None:
    tag = uuid.uuid4().hex[:6]
    for number in range(30):
        conversations.append(_start_conversation(app_server, f"Rename list {tag} #{number}"))
    page = tab.page
    _open_chat(page, app_server)
    # An older conversation, halfway down the scrolled list.
    entry = page.get_by_test_id("conversation-item").filter(has_text=f"Rename list {tag} #10")
    entry.scroll_into_view_if_needed()
    titles_before = page.get_by_test_id("conversation-item").all_inner_texts()
    place_before = entry.bounding_box()
    assert place_before is not None

    expect(page.get_by_role("menu")).to_have_count(0)
    page.get_by_label(f"Actions for conversation Rename list {tag} #10", exact=True).click()
    page.get_by_test_id("rename-conversation").click()
    field = page.get_by_test_id("rename-input")
    expect(field).to_be_focused()
    field.fill(f"Renamed {tag}")
    field.press("Enter")

    renamed = page.get_by_test_id("conversation-item").filter(has_text=f"Renamed {tag}")
    expect(renamed).to_be_visible()
    titles_after = page.get_by_test_id("conversation-item").all_inner_texts()
    at = titles_before.index(f"Rename list {tag} #10")
    assert titles_after[at] == f"Renamed {tag}"
    assert (
        titles_after[:at] + titles_after[at + 1 :] == titles_before[:at] + titles_before[at + 1 :]
    )
    place_after = renamed.bounding_box()
    assert place_after is not None
    assert abs(place_after["y"] - place_before["y"]) < 1, (place_before, place_after)
