"""The Models page in a real browser: the catalog, a download from a local stand-in for the
hub that reaches 100 %, and a bad path refused with its reason."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from backend.llm.catalog import BUILTIN_ID, CATALOG, find
from tests.fake_hub import FakeHub
from tests.frontend.app_process import (
    PROJECT_ROOT,
    BrowserTab,
    RunningApp,
    screenshot,
    start_app,
    stop_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS_IMAGES = PROJECT_ROOT / "docs" / "images"
SMALL = find("qwen2.5-1.5b-instruct")
# Slow enough that the progress bar is seen (and photographed), quick enough to wait for.
FILE_BYTES = 6 * 1024 * 1024
CHUNK_DELAY = 0.1
DONE_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def hub() -> Iterator[FakeHub]:
    assert SMALL is not None
    server = FakeHub(chunk_delay=CHUNK_DELAY).start()
    server.add(SMALL.repo, SMALL.filename, b"GGUF" + os.urandom(FILE_BYTES))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def app_with_hub(
    chromium_path: str, ui_fake_llm: object, hub: FakeHub, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningApp]:
    """AgentDesk whose model hub is the local stand-in."""
    app = start_app(
        tmp_path_factory.mktemp("agentdesk-models"),
        ui_fake_llm.base_url,  # type: ignore[attr-defined]
        extra_env={"AGENTDESK_MODEL_HUB_URL": hub.url},
    )
    yield app
    leftovers = stop_app(app, signal.SIGINT)
    assert not leftovers, f"run.py left processes running: {leftovers}"


def card(page: Page, model_id: str) -> Locator:
    return page.locator(f'[data-testid="model-card"][data-model-id="{model_id}"]')


def test_catalog_download_and_add_by_path(
    app_with_hub: RunningApp, hub: FakeHub, tab: BrowserTab, tmp_path: Path
) -> None:
    assert SMALL is not None
    page = tab.page
    page.set_viewport_size({"width": 1400, "height": 1080})
    page.goto(app_with_hub.url.rstrip("/") + "/models")
    expect(page.get_by_test_id("nav-models")).to_have_attribute("aria-current", "page")

    cards = page.get_by_test_id("model-card")
    expect(cards).to_have_count(len(CATALOG), timeout=30_000)
    expect(cards.first).to_contain_text("Built-in")
    for model in CATALOG:
        expect(card(page, model.id)).to_contain_text(model.name)
    expect(page.get_by_test_id("models-memory")).to_contain_text("GB of memory")

    small = card(page, SMALL.id)
    expect(small.get_by_test_id("model-status")).to_have_attribute("data-status", "available")
    small.get_by_test_id("model-download").click()
    progress = small.get_by_test_id("model-progress")
    expect(progress).to_be_visible(timeout=15_000)
    # Part-way, for the picture: the bar and its figures (percent, MB, speed, time left).
    expect(progress).to_have_attribute("data-percent", re.compile(r"^[3-8]\d$"))
    expect(small.get_by_test_id("model-progress-text")).to_contain_text("left")
    expect(small.get_by_test_id("model-cancel")).to_be_visible()
    shutil.copyfile(screenshot(page, "models-downloading"), DOCS_IMAGES / "models.png")

    expect(small.get_by_test_id("model-status")).to_have_attribute(
        "data-status", "installed", timeout=DONE_TIMEOUT_MS
    )
    download = app_with_hub.api("/api/models/download")["download"]
    assert (download["state"], download["percent"]) == ("done", 100.0)
    stored = app_with_hub.data_dir / "models" / SMALL.filename
    served = hub.files[(SMALL.repo, SMALL.filename)]
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == hashlib.sha256(served).hexdigest()
    small.get_by_test_id("model-activate").click()
    # This app's model runs elsewhere (the fake server): the choice is saved for later.
    expect(page.get_by_test_id("models-message")).to_contain_text("is chosen")
    expect(small.get_by_test_id("model-status")).to_have_attribute("data-status", "active")
    assert app_with_hub.api("/api/models")["active"] == SMALL.id

    path_box = page.get_by_label("GGUF file path")
    path_box.fill(str(tmp_path / "no-such-model.gguf"))
    page.get_by_test_id("add-model-button").click()
    expect(page.get_by_test_id("add-model-error")).to_contain_text("There is no file")
    not_gguf = tmp_path / "notes.gguf"
    not_gguf.write_text("just some text")
    path_box.fill(str(not_gguf))
    page.get_by_test_id("add-model-button").click()
    expect(page.get_by_test_id("add-model-error")).to_contain_text("not a GGUF model file")

    page.set_viewport_size({"width": 390, "height": 2300})
    expect(page.get_by_test_id("menu-button")).to_be_visible()
    shutil.copyfile(screenshot(page, "models-narrow"), DOCS_IMAGES / "models-narrow.png")


def test_the_built_in_file_in_use_is_not_offered_for_download(
    app_with_builtin_file: RunningApp, tab: BrowserTab
) -> None:
    """Started with AGENTDESK_MODEL_PATH at the built-in file in the models folder."""
    page = tab.page
    page.goto(app_with_builtin_file.url.rstrip("/") + "/models")
    builtin = card(page, BUILTIN_ID)
    expect(builtin).to_be_visible(timeout=30_000)
    expect(builtin.get_by_test_id("model-status")).to_have_attribute("data-status", "active")
    expect(builtin).not_to_contain_text("Not downloaded")
    expect(builtin.get_by_test_id("model-download")).to_have_count(0)
