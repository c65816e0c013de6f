"""Ask a running AgentDesk one question in headless Chromium and save a screenshot.

    python scripts/screenshot_chat.py http://127.0.0.1:8765/ docs/images/chat.png

Used for the user guide's picture of a real answer from the embedded model.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.chromium import CHROMIUM_ARGS, find_chromium

QUESTION = "In two sentences: why is running an AI model on your own computer good for privacy?"


def main(url: str, out: str) -> int:
    from playwright.sync_api import expect, sync_playwright

    chromium = find_chromium()
    if chromium is None:
        print("chromium is not installed", file=sys.stderr)
        return 1
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url)
        expect(page.get_by_test_id("health-text")).to_contain_text("ready", timeout=120_000)
        page.get_by_test_id("prompt-input").fill(QUESTION)
        page.get_by_test_id("send-button").click()
        page.wait_for_selector("[data-testid=streaming-message]", timeout=120_000)
        expect(page.get_by_test_id("send-button")).to_be_enabled(timeout=300_000)
        page.screenshot(path=out)
        print(page.get_by_test_id("message").last.inner_text())
        browser.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
