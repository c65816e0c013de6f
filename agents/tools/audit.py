"""The audit trail: every tool call becomes a database row and one JSON log line."""

from __future__ import annotations

import json
import logging

from agents.tools.registry import ToolCallRecord
from backend.storage import tool_calls
from backend.storage.db import Database

log = logging.getLogger("agentdesk.audit")


class AuditLog:
    """``ToolContext.audit`` for a run: safe from any thread (each call has its own session)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def __call__(self, record: ToolCallRecord) -> None:
        """Record one call: a ``tool_calls`` row, then a JSON line on ``agentdesk.audit``."""
        with self.db.session() as session:
            row = tool_calls.add(session, record)
            entry = tool_calls.as_dict(row)
        log.info(json.dumps({"event": "tool_call", **entry}, ensure_ascii=False, default=str))
