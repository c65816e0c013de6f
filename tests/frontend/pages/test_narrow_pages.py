"""The Knowledge and System pages in a phone-sized window (390 px): every control reachable,
nothing pressed against an edge, chart labels readable."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete

from backend.storage import metrics
from backend.storage.db import Database
from backend.storage.models import MetricSample
from tests.frontend.app_process import BrowserTab, RunningApp, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NARROW = 390

# Boxes of the elements a test names, relative to the window.
_BOXES = """(selector) => [...document.querySelectorAll(selector)].map(e => {
    const box = e.getBoundingClientRect();
    return {text: e.textContent, left: box.left, right: box.right, width: box.width,
            top: box.top, bottom: box.bottom};
})"""


# The icon drawn before a card's heading, or None.
_HEADING_ICON = """(card) => {
    const heading = document.querySelector(`[data-testid=${card}] h3`);
    const icon = heading && heading.parentElement.querySelector('svg');
    if (!icon) return null;
    const box = icon.getBoundingClientRect();
    return {left: box.left, right: box.right, width: box.width};
}"""


def _boxes(page: Page, selector: str) -> list[dict[str, Any]]:
    return list(page.evaluate(_BOXES, selector))


def _open(page: Page, app: RunningApp, path: str) -> None:
    page.set_viewport_size({"width": NARROW, "height": 800})
    page.goto(app.url.rstrip("/") + path)
    expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "ok", timeout=30_000)


def test_narrow_knowledge_page_keeps_filters_headings_and_buttons_whole(
    app_server: RunningApp, tab: BrowserTab
) -> None:
    page = tab.page
    _open(page, app_server, "/knowledge")
    page.get_by_test_id("documents-card").scroll_into_view_if_needed()
    expect(page.get_by_test_id("documents-card")).to_be_in_viewport()
    screenshot(page, f"knowledge-narrow-{NARROW}")

    for card in ("documents-card", "search-card"):
        (box,) = _boxes(page, f"[data-testid={card}]")
        assert box["left"] >= 0 and box["right"] <= NARROW, (card, box)
        # The heading keeps its icon beside the title.
        icon = page.evaluate(_HEADING_ICON, card)
        assert icon is not None and icon["width"] >= 12, (card, icon)

    # Every state of the filter can be reached and chosen.
    (documents,) = _boxes(page, "[data-testid=documents-card]")
    filter_items = page.get_by_test_id("document-filter").get_by_role("radio")
    expect(filter_items).to_have_count(5)
    for name in ("Failed", "Skipped"):
        item = page.get_by_test_id("document-filter").get_by_role("radio", name=name)
        item.click()
        expect(item).to_be_in_viewport()
        expect(item).to_have_attribute("aria-checked", "true")
        (shown,) = _boxes(page, "[data-testid=document-filter] [aria-checked=true]")
        assert documents["left"] <= shown["left"] and shown["right"] <= documents["right"], shown

    # The Search button sits inside the card's padding, not against its edge.
    (search_card,) = _boxes(page, "[data-testid=search-card]")
    (button,) = _boxes(page, "[data-testid=search-button]")
    (field,) = _boxes(page, "[data-testid=search-input]")
    assert button["right"] <= search_card["right"] - 8, (button, search_card)
    assert field["left"] >= search_card["left"] + 8, (field, search_card)


@pytest.mark.parametrize("minutes", [2, 4.5, 6, 10])
def test_narrow_system_page_time_labels_do_not_overlap(
    app_server: RunningApp, tab: BrowserTab, minutes: float
) -> None:
    # Stored history as after the app ran a while: the time axis spans all of it.
    database = Database(app_server.data_dir / "agentdesk.db")
    now = datetime.now(UTC)
    with database.session() as session:
        session.execute(delete(MetricSample))
        for step in range(int(minutes * 2) + 1):
            ts = now - timedelta(minutes=minutes) + timedelta(seconds=30 * step)
            metrics.add(session, ts, {"cpu_percent": 10.0})
    page = tab.page
    _open(page, app_server, "/system")
    page.get_by_test_id("chart-cpu").scroll_into_view_if_needed()
    labels = page.locator("[data-testid=chart-cpu-plot] .xtick text")
    expect(labels.first).to_be_visible(timeout=30_000)
    screenshot(page, f"system-narrow-{NARROW}-{minutes}min")
    ticks = sorted(
        _boxes(page, "[data-testid=chart-cpu-plot] .xtick text"), key=lambda b: b["left"]
    )
    assert len(ticks) >= 2, ticks
    for before, after in itertools.pairwise(ticks):
        # A small gap between neighbours, so two times never run into one another.
        assert before["right"] + 4 <= after["left"], (before, after)
