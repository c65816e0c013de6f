"""How AgentDesk's tests and scripts start the system Chromium (Playwright's own browser
download is not used)."""

from __future__ import annotations

import shutil

# The background-networking flags keep Chromium from reaching out to Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def find_chromium() -> str | None:
    """The path of the system Chromium, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")
