"""JSON-lines logs under the data dir, plus readable lines on the console."""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import logging.handlers
import sys
from datetime import UTC, datetime
from pathlib import Path

_MARK = "_agentdesk_handler"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, and exception text if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(logs_dir: Path, level: str = "INFO", filename: str = "agentdesk.jsonl") -> Path:
    """Log to ``logs_dir/filename`` (rotated at 5 MB, 5 kept); safe to call more than once."""
    logs_dir.mkdir(parents=True, exist_ok=True)
    path = logs_dir / filename
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            root.removeHandler(handler)
            handler.close()
    file_handler = LogFile(path, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
    file_handler.setFormatter(JsonFormatter())
    setattr(file_handler, _MARK, True)
    root.addHandler(file_handler)
    for noisy in (
        "httpx",
        "httpcore",
        "alembic.runtime.migration",
        "autogen_core",
        "autogen_agentchat",
        "smolagents",
        "mcp",
        "httpx2",
    ):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    stops = logging.getLogger("autogen_core")
    if not any(isinstance(f, _HideStoppedRuns) for f in stops.filters):
        stops.addFilter(_HideStoppedRuns())
    return path


class _HideStoppedRuns(logging.Filter):
    """AutoGen logs a traceback when a team run is stopped on purpose; that is not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, asyncio.CancelledError)


class LogFile(logging.handlers.RotatingFileHandler):
    """The rotated log file. When the disk is full, the console gets one line saying so
    instead of logging's traceback for every record that could not be written."""

    disk_full = False
    _failed = False

    def emit(self, record: logging.LogRecord) -> None:
        self._failed = False
        super().emit(record)
        if not self._failed:
            self.disk_full = False

    def handleError(self, record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            self._failed = True
            if not self.disk_full:
                self.disk_full = True
                sys.stderr.write(f"AgentDesk: disk full, {self.baseFilename} is not written\n")
            return
        super().handleError(record)
