"""JSON-lines logs: what goes into the file, and library noise that stays out."""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import logging.handlers
from pathlib import Path
from unittest.mock import patch

import pytest

from backend.logging_setup import LogFile, setup_logging


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


def test_a_full_disk_gets_one_line_on_the_console_not_a_traceback_per_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = setup_logging(tmp_path, "INFO")
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h, LogFile)]
    real_emit = logging.handlers.RotatingFileHandler.emit
    full = {"on": True}

    def write(self: LogFile, record: logging.LogRecord) -> None:
        if full["on"]:
            try:
                raise OSError(errno.ENOSPC, "No space left on device")
            except OSError:
                self.handleError(record)
            return
        real_emit(self, record)

    log = logging.getLogger("agentdesk.test")
    with patch.object(logging.handlers.RotatingFileHandler, "emit", write):
        for number in range(3):
            log.warning("cannot be written %d", number)
        full["on"] = False
        log.warning("space is back")
    console = capsys.readouterr().err
    assert console.count("disk full") == 1 and "Traceback" not in console
    assert not handler.disk_full
    assert [r["message"] for r in _records(path)][-1] == "space is back"
