"""The Settings page in a real browser: a change saved and kept, locked and bad values, a
model-server test, and the layout at desktop and phone widths."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.frontend.app_process import PROJECT_ROOT, BrowserTab, RunningApp, screenshot
from tests.frontend.pages.chat_actions import choose_mode
from tests.frontend.pages.test_layout import _OUTSIDE_THE_WINDOW

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS_IMAGES = PROJECT_ROOT / "docs" / "images"
CHANGED = ("temperature", "rag_top_k", "default_mode", "use_documents")


@pytest.fixture
def restored(app_server: RunningApp) -> Iterator[RunningApp]:
    """The app, with the settings this test changes put back to their defaults afterwards."""
    yield app_server
    defaults = {
        f["key"]: f["default"]
        for f in app_server.api("/api/settings")["settings"]
        if f["key"] in CHANGED and not f["locked"]
    }
    httpx.put(app_server.url.rstrip("/") + "/api/settings", json=defaults, timeout=10)


def _open(page: Page, app: RunningApp, width: int = 1400) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(app.url.rstrip("/") + "/settings")
    expect(page).to_have_title("Settings · AgentDesk")
    expect(page.get_by_test_id("setting-temperature")).not_to_have_value("", timeout=30_000)


def _value(app: RunningApp, key: str) -> object:
    (found,) = [f for f in app.api("/api/settings")["settings"] if f["key"] == key]
    return found["value"]


def test_a_change_is_saved_and_kept_after_a_reload(restored: RunningApp, tab: BrowserTab) -> None:
    page = tab.page
    _open(page, restored)
    expect(page.get_by_test_id("nav-settings")).to_have_attribute("aria-current", "page")
    temperature = page.get_by_test_id("setting-temperature")
    temperature.fill("0.7")
    page.get_by_test_id("setting-rag_top_k").fill("6")
    page.get_by_test_id("settings-save").click()
    saved = page.get_by_test_id("settings-saved")
    expect(saved).to_contain_text("Applies now: Temperature, Passages per answer.")
    assert (_value(restored, "temperature"), _value(restored, "rag_top_k")) == (0.7, 6)

    page.reload()
    expect(page.get_by_test_id("setting-temperature")).to_have_value("0.7", timeout=30_000)
    expect(page.get_by_test_id("setting-rag_top_k")).to_have_value("6")
    # What the page links to instead of editing here.
    expect(page.get_by_test_id("models-link")).to_have_attribute("href", "/models")
    expect(page.get_by_test_id("knowledge-link")).to_have_attribute("href", "/knowledge")
    expect(page.get_by_test_id("data-dir")).to_have_text(str(restored.data_dir.resolve()))
    expect(page.get_by_test_id("api-token")).to_contain_text("Not set")
    # Tall enough for every card: the page scrolls inside the window, not the document.
    page.set_viewport_size({"width": 1400, "height": 1500})
    shutil.copyfile(screenshot(page, "settings"), DOCS_IMAGES / "settings.png")


def test_the_chat_starts_on_the_default_mode_and_documents_choice(
    restored: RunningApp, tab: BrowserTab
) -> None:
    page = tab.page
    _open(page, restored)
    for key, label in (("default_mode", "Chat"), ("use_documents", "Never")):
        trigger = page.get_by_test_id(f"setting-{key}")
        trigger.focus()
        trigger.press("Enter")
        page.get_by_role("option", name=label, exact=True).click()
        expect(trigger).to_contain_text(label)
    page.get_by_test_id("settings-save").click()
    expect(page.get_by_test_id("settings-saved")).to_contain_text(
        "Applies now: Use my documents, Default mode."
    )
    page.get_by_test_id("nav-chat").click()
    expect(page.get_by_test_id("mode-select")).to_contain_text("Chat", timeout=30_000)
    expect(page.get_by_test_id("documents-off")).to_have_attribute("data-state", "on")
    # A choice made in the chat stays for the session, whatever Settings says.
    choose_mode(page, "Auto")
    page.get_by_test_id("nav-settings").click()
    expect(page.get_by_test_id("setting-temperature")).not_to_have_value("", timeout=30_000)
    page.get_by_test_id("nav-chat").click()
    expect(page.get_by_test_id("mode-select")).to_contain_text("Auto", timeout=30_000)


def test_a_value_set_in_the_environment_is_locked(app_server: RunningApp, tab: BrowserTab) -> None:
    page = tab.page
    _open(page, app_server)
    # The test starts AgentDesk with AGENTDESK_LLM_BASE_URL set: the page may not change it.
    base_url = page.get_by_test_id("setting-llm_base_url")
    expect(base_url).to_be_disabled()
    expect(base_url).to_have_value(_value(app_server, "llm_base_url"))  # type: ignore[arg-type]
    expect(page.get_by_test_id("setting-locked-llm_base_url")).to_contain_text(
        "set by AGENTDESK_LLM_BASE_URL in the environment"
    )
    row = page.get_by_test_id("setting-row").filter(has=base_url)
    expect(row.get_by_label("Locked")).to_be_visible()
    expect(page.get_by_test_id("setting-temperature")).to_be_enabled()


def test_a_bad_value_shows_its_message_and_is_not_saved(
    restored: RunningApp, tab: BrowserTab
) -> None:
    page = tab.page
    _open(page, restored)
    before = _value(restored, "temperature")
    page.get_by_test_id("setting-temperature").fill("5")
    expect(page.get_by_test_id("setting-error-temperature")).to_have_text("Must be at most 2.")
    expect(page.get_by_test_id("settings-save")).to_be_disabled()
    page.get_by_test_id("setting-agent_max_steps").fill("many")
    expect(page.get_by_test_id("setting-error-agent_max_steps")).to_have_text(
        "Enter a whole number."
    )
    assert _value(restored, "temperature") == before
    # Putting it right clears the message.
    page.get_by_test_id("setting-temperature").fill("0.4")
    expect(page.get_by_test_id("setting-error-temperature")).to_have_count(0)


def test_the_connection_test_reaches_the_fake_server(
    app_server: RunningApp, tab: BrowserTab, fake_model: object
) -> None:
    page = tab.page
    _open(page, app_server)
    page.get_by_test_id("test-connection").click()
    result = page.get_by_test_id("connection")
    expect(result).to_have_attribute("data-ok", "true", timeout=20_000)
    connected = re.compile(r"Connected to http://127\.0\.0\.1:\d+/v1: \d+ model")
    expect(result).to_contain_text(connected)


@pytest.mark.parametrize("width", [1400, 390])
def test_the_page_fits_the_window(app_server: RunningApp, tab: BrowserTab, width: int) -> None:
    page = tab.page
    _open(page, app_server, width)
    for section in ("model", "generation", "documents", "agents", "folders", "access"):
        expect(page.get_by_test_id(f"settings-{section}")).to_be_attached()
    layout = page.evaluate(_OUTSIDE_THE_WINDOW)
    assert layout["outside"] == [], layout
    assert layout["page_width"] <= width
    path = screenshot(page, f"settings-layout-{width}")
    if width < 768:
        shutil.copyfile(path, DOCS_IMAGES / f"settings-{width}.png")


def test_the_connection_test_asks_the_built_in_model(
    app_with_builtin_file: RunningApp, tab: BrowserTab
) -> None:
    page = tab.page
    _open(page, app_with_builtin_file)
    expect(page.get_by_test_id("setting-llm_provider")).to_be_attached()
    page.get_by_test_id("test-connection").click()
    result = page.get_by_test_id("connection")
    expect(result).to_have_attribute("data-ok", "false", timeout=20_000)
    expect(result).not_to_contain_text("Enter the server address first")
    expect(result).to_contain_text("The built-in model is not running")
