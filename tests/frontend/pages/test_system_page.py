"""The System page in a real browser: live tiles and Plotly charts that move without a reload."""

from __future__ import annotations

import re
import shutil
import uuid
from urllib.parse import urlsplit

import httpx
import psutil
import pytest
from playwright.sync_api import Page, expect

from frontend.state.system_models import MODEL_STATE_COLORS
from tests.frontend.app_process import PROJECT_ROOT, BrowserTab, RunningApp, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS_IMAGES = PROJECT_ROOT / "docs" / "images"
LOOPBACK = {"127.0.0.1", "localhost"}
# The monitor samples every 5 s; a chart must show a new sample well within this.
MOVE_TIMEOUT_MS = 45_000
# The first file may wait for the embedding model to load.
INDEXED_TIMEOUT_MS = 180_000


def test_the_charts_move_while_the_page_stays_open(app_server: RunningApp, tab: BrowserTab) -> None:
    page = tab.page
    page.goto(app_server.url.rstrip("/") + "/system")
    expect(page.get_by_test_id("nav-system")).to_have_attribute("aria-current", "page")

    # Tiles: the machine, AgentDesk itself, the model and the knowledge base.
    expect(page.get_by_test_id("tile-cpu-value")).to_have_text(
        re.compile(r"^\d+%$"), timeout=30_000
    )
    expect(page.get_by_test_id("tile-memory-value")).to_have_text(re.compile(r"^\d+%$"))
    expect(page.get_by_test_id("tile-process-value")).to_have_text(re.compile(r" (MB|GB)$"))
    # AgentDesk counts every process run.py started: the launcher and the server below it.
    tree = [psutil.Process(app_server.process.pid), *_descendants(app_server.process.pid)]
    counted = page.get_by_test_id("tile-process")
    expect(counted).to_contain_text(re.compile(r"\d+% CPU · \d+ processes"))
    shown = int(re.search(r"(\d+) processes", counted.inner_text()).group(1))  # type: ignore[union-attr]
    assert 2 <= shown <= len(tree)
    # The model here is served by the test, not by a model server AgentDesk started.
    expect(page.get_by_test_id("tile-model-server-value")).to_have_text("—")
    expect(page.get_by_test_id("tile-model-server")).to_contain_text("the model runs elsewhere")
    states = "|".join(MODEL_STATE_COLORS)
    expect(page.get_by_test_id("model-state")).to_have_attribute(
        "data-state", re.compile(f"^({states})$")
    )
    expect(page.get_by_test_id("tile-index-value")).to_have_text(re.compile(r"^\d+$"))
    expect(page.get_by_test_id("tile-queue-value")).to_have_text(re.compile(r"^\d+$"))
    # This machine has no GPU: the tile says so and no GPU chart is drawn.
    if not app_server.api("/api/system/stats")["gpu"]["available"]:
        expect(page.get_by_test_id("tile-gpu-value")).to_have_text("none")
        expect(page.get_by_test_id("chart-gpu")).to_have_count(0)

    # Plotly draws the CPU and memory charts: the machine, AgentDesk and the model server.
    cpu = page.get_by_test_id("chart-cpu-plot")
    memory = page.get_by_test_id("chart-memory-plot")
    for plot in (cpu, memory):
        expect(plot.locator(".js-plotly-plot .scatterlayer .trace")).to_have_count(3)
    expect(page.get_by_test_id("chart-knowledge-plot").locator(".js-plotly-plot")).to_have_count(1)
    line = cpu.locator(".scatterlayer .trace path.js-line").first
    expect(line).to_have_attribute("d", re.compile(r"^M"))
    before_last = cpu.get_attribute("data-last") or ""
    before_path = line.get_attribute("d") or ""

    # A new sample arrives and the line is redrawn, with no reload.
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    expect(cpu).not_to_have_attribute("data-last", before_last, timeout=MOVE_TIMEOUT_MS)
    expect(line).not_to_have_attribute("d", before_path, timeout=MOVE_TIMEOUT_MS)
    assert navigations == []

    # Files dropped in the inbox: the index tile counts them as they are indexed, no reload.
    index_value = page.get_by_test_id("tile-index-value")
    before = int(index_value.inner_text())
    names = [f"system-page-{uuid.uuid4().hex[:8]}-{n}.txt" for n in range(2)]
    try:
        for number, name in enumerate(names):
            text = f"Note {number} about the greenhouse sensors and their weekly readings.\n"
            (app_server.data_dir / "inbox" / name).write_text(text, encoding="utf-8")
        expect(index_value).to_have_text(str(before + 2), timeout=INDEXED_TIMEOUT_MS)
        expect(page.get_by_test_id("tile-index")).to_contain_text("chunks")
        assert navigations == []
        _take_screenshot(page)
    finally:
        _delete_documents(app_server, names)

    foreign = [url for url in tab.requested_urls if urlsplit(url).hostname not in LOOPBACK]
    assert not foreign, f"the page fetched from other hosts: {foreign}"


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _take_screenshot(page: Page) -> None:
    # Tall enough for every chart: the page scrolls inside, so a full-page shot would cut them.
    page.set_viewport_size({"width": 1280, "height": 920})
    expect(
        page.get_by_test_id("chart-knowledge-plot").locator(".js-plotly-plot")
    ).to_be_in_viewport()
    shutil.copyfile(screenshot(page, "system"), DOCS_IMAGES / "system.png")


def _delete_documents(app: RunningApp, names: list[str]) -> None:
    """Take this test's files out of the index again (the later tests expect it unchanged)."""
    for document in app.api("/api/knowledge/documents?limit=1000")["documents"]:
        if document["name"] in names:
            httpx.delete(f"{app.url.rstrip('/')}/api/knowledge/documents/{document['id']}")
