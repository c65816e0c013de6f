"""JSON-lines logs: what goes into the file, and library noise that stays out."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

from backend.logging_setup import setup_logging


def _records(path: Path) -> list[dict[str, object]]:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_stopped_team_run_is_not_logged_as_an_error(tmp_path: Path) -> None:
    path = setup_logging(tmp_path, "INFO")
    autogen = logging.getLogger("autogen_core")
    for error in (asyncio.CancelledError(), ValueError("a real failure")):
        try:
            raise error
        except BaseException:
            autogen.error("Error processing publish message", exc_info=True)
    logging.getLogger("autogen_core.events").info("payload chatter")
    logged = [r for r in _records(path) if str(r.get("logger", "")).startswith("autogen")]
    assert len(logged) == 1
    assert "a real failure" in json.dumps(logged[0])
