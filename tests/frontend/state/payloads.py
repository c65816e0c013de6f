"""Complete API bodies for the converter tests: each test states only the fields it is about,
and the rest is what the server sends for a plain record (see backend/api/schemas/)."""

from __future__ import annotations

from typing import Any

STAMP = "2026-01-01T00:00:00+00:00"


def conversation(**fields: Any) -> dict[str, Any]:
    base = {"id": "c", "title": "Chat", "created_at": STAMP, "updated_at": STAMP}
    return {**base, "message_count": 0, **fields}


def run(**fields: Any) -> dict[str, Any]:
    base = {"run_id": "r", "conversation_id": None, "mode": "chat", "engine": "chat"}
    base |= {"prompt": "", "status": "running", "answer": None, "error": None}
    return {**base, "started_at": STAMP, "finished_at": None, **fields}


def engine(**fields: Any) -> dict[str, Any]:
    base = {"engine": "chat", "state": "idle", "runs": 0, "completed": 0, "no_answer": 0}
    base |= {"success_rate": None, "p50_seconds": None, "p95_seconds": None}
    return {**base, **fields}


def task_run(**fields: Any) -> dict[str, Any]:
    base = {"id": 1, "task_id": "t", "reason": "schedule", "status": "running"}
    base |= {"scheduled_for": None, "started_at": None, "finished_at": None}
    base |= {"duration_seconds": None, "output": None, "error": None, "run_id": None}
    return {**base, "conversation_id": None, "links": None, **fields}


def task(**fields: Any) -> dict[str, Any]:
    base = {"id": "t", "name": "Task", "prompt": "", "mode": "auto", "use_knowledge": True}
    base |= {"trigger": {"type": "cron", "cron": "0 9 * * *"}, "schedule": "", "enabled": True}
    base |= {"state": "scheduled", "next_run_at": None, "conversation_id": None}
    base |= {"created_at": STAMP, "updated_at": STAMP, "last_run": None}
    last = fields.pop("last_run", None)
    return {**base, "last_run": task_run(**last) if last else None, **fields}
