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
    base = {"id": "t", "name": "Task", "prompt": "", "mode": "auto", "use_knowledge": "auto"}
    base |= {"trigger": {"type": "cron", "cron": "0 9 * * *"}, "schedule": "", "enabled": True}
    base |= {"state": "scheduled", "next_run_at": None, "conversation_id": None}
    base |= {"created_at": STAMP, "updated_at": STAMP, "last_run": None}
    last = fields.pop("last_run", None)
    return {**base, "last_run": task_run(**last) if last else None, **fields}


def document(**fields: Any) -> dict[str, Any]:
    base = {"id": 1, "path": "/d/a.txt", "name": "a.txt", "folder": None, "file_type": "txt"}
    base |= {"size": 0, "state": "pending", "error": None, "chunk_count": 0}
    return {**base, "indexed_at": None, "updated_at": STAMP, **fields}


def chunk(**fields: Any) -> dict[str, Any]:
    return {"id": 1, "seq": 0, "text": "", "page": None, "start": 0, "end": 0, **fields}


def search_hit(**fields: Any) -> dict[str, Any]:
    base = {"text": "", "source": "/d/a.txt", "name": "a.txt", "score": 0.0, "similarity": None}
    return {**base, "chunk_id": 1, "document_id": 1, "page": None, "start": 0, "end": 0, **fields}


def folder(**fields: Any) -> dict[str, Any]:
    return {"id": 1, "path": "/d", "documents": 0, "exists": True, "inbox": False, **fields}


def system_stats(**fields: Any) -> dict[str, Any]:
    """A stats body; a nested part given in ``fields`` is merged into the usual one."""
    totals = {"indexed": 0, "skipped": 0, "failed": 0, "pending": 0}
    base: dict[str, Any] = {
        "ts": STAMP,
        "cpu_percent": 0.0,
        "memory": {"percent": 0.0, "used_mb": 0.0, "total_mb": 0.0},
        "disk": {"percent": 0.0, "free_gb": 0.0, "path": "/data"},
        "process": {"rss_mb": 0.0, "cpu_percent": 0.0},
        "total": {"rss_mb": 0.0, "cpu_percent": 0.0, "processes": 1},
        "model_server": {"running": False, "rss_mb": None, "cpu_percent": None},
        "gpu": {"available": False, "detail": "", "percent": None, "memory_percent": None},
        "model": {"provider": "fake", "state": "ready", "model": "", "detail": ""},
        "index": {"documents": 0, "chunks": 0, "vectors": 0, "generation": 0},
        "ingest": {"queue_length": 0, "files_per_second": 0.0, "chunks_per_second": 0.0},
        "agents": {"active": 0, "queued": 0},
        "tasks": {"running": 0},
        "monitor": {"interval_seconds": 5.0, "cpu_ms_per_sample": 0.0, "cpu_percent": 0.0},
        "housekeeping": {"backups": 0, "last_backup_at": None, "directory": "/data/backups"},
    }
    base["gpu"]["devices"] = []
    base["model"] |= {"tokens_per_second": None, "progress": None, "health": "healthy"}
    base["model"] |= {"restarts": 0, "failed_checks": 0, "last_check_at": None, "last_error": None}
    base["ingest"] |= {"eta_seconds": None, "totals": totals}
    for key, value in fields.items():
        merge = isinstance(value, dict) and isinstance(base.get(key), dict)
        base[key] = {**base[key], **value} if merge else value
    return base
