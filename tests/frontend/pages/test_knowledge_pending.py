"""The Knowledge page in a real browser: a file dropped in the inbox while an answer is being
written is listed as pending (and counted) at once, and is indexed once the answer is done."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.frontend.app_process import BrowserTab, RunningApp, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INDEXED_TIMEOUT_MS = 180_000
# An answer far longer than the test: it is stopped once the pending file has been seen.
LONG_ANSWER = {"match": "tell me everything", "reply": "word " * 2000, "token_delay": 0.5}


def _running_run(app: RunningApp) -> dict[str, Any] | None:
    for run in app.api("/api/agent/runs?limit=20")["runs"]:
        if run["status"] == "running" and run["prompt"] == "Tell me everything":
            return dict(run)
    return None


def test_a_dropped_file_is_pending_while_an_answer_is_written(
    app_server: RunningApp, tab: BrowserTab, fake_model: Any
) -> None:
    fake_model.set_rules([LONG_ANSWER])
    base = app_server.url.rstrip("/")
    pending_before = app_server.api("/api/knowledge/status")["totals"]["pending"]
    asked = threading.Thread(
        target=httpx.post,
        args=(f"{base}/api/agent/query",),
        kwargs={"json": {"prompt": "Tell me everything", "mode": "chat"}, "timeout": 600},
        daemon=True,
    )
    asked.start()
    name = f"pending-{uuid.uuid4().hex[:8]}.txt"
    run: dict[str, Any] | None = None
    try:
        while (run := _running_run(app_server)) is None:
            assert asked.is_alive(), "the answer ended before it was looked for"
            time.sleep(0.1)
        run_id = run["run_id"]
        # Ingest steps aside while the answer is written; the file must show all the same.
        (app_server.data_dir / "inbox" / name).write_text("Kittiwakes nest on ledges.\n")
        page = tab.page
        page.goto(base + "/knowledge")
        row = page.get_by_test_id("document-row").filter(has_text=name)
        expect(row.get_by_test_id("document-state")).to_have_attribute(
            "data-state", "pending", timeout=30_000
        )
        expect(page.get_by_test_id("count-pending")).to_contain_text(str(pending_before + 1))
        still = _running_run(app_server)
        assert still is not None and still["run_id"] == run_id, "nothing was held back"
        screenshot(page, "knowledge-09-pending")

        httpx.post(f"{base}/api/agent/runs/{run_id}/stop", timeout=30)
        expect(row.get_by_test_id("document-state")).to_have_attribute(
            "data-state", "indexed", timeout=INDEXED_TIMEOUT_MS
        )
        expect(page.get_by_test_id("count-pending")).to_contain_text(str(pending_before))
        listed = app_server.api("/api/knowledge/documents?limit=1000")["documents"]
        assert [d["name"] for d in listed].count(name) == 1
    finally:
        if run is not None:
            httpx.post(f"{base}/api/agent/runs/{run['run_id']}/stop", timeout=30)
        asked.join(60)
        for document in app_server.api("/api/knowledge/documents?limit=1000")["documents"]:
            if document["name"] == name:
                httpx.delete(f"{base}/api/knowledge/documents/{document['id']}")
        if run is not None and run["conversation_id"]:
            httpx.delete(f"{base}/api/conversations/{run['conversation_id']}")
