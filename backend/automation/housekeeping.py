"""Housekeeping: a daily backup of the database and the vector index, and old data let go.

A backup is a folder ``<data dir>/backups/<UTC time>/`` with ``agentdesk.db`` (a compacted,
consistent copy made by ``VACUUM INTO`` while the app keeps running) and ``index/`` (the FAISS
cache; it can always be rebuilt from the database). It is written under a temporary name and
renamed when complete, so a crash never leaves a half backup that looks whole.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from backend.config import Settings
from backend.storage import metrics
from backend.storage.db import Database

log = logging.getLogger(__name__)

STAMP = "%Y%m%d-%H%M%S"
PARTIAL = ".partial-"
ACTIVE_LOG = "agentdesk.jsonl"


class Housekeeping:
    """Backups (keeping the last N) with VACUUM, and retention of metrics and logs."""

    def __init__(self, settings: Settings, db: Database, clock: Any = time.time) -> None:
        self.settings = settings
        self.db = db
        self.clock = clock
        self.directory = settings.backups_dir

    def backups(self) -> list[Path]:
        """Complete backups, oldest first."""
        if not self.directory.is_dir():
            return []
        found = [p for p in self.directory.iterdir() if p.is_dir() and _stamp(p.name)]
        return sorted(found, key=lambda p: p.name)

    def last_backup_at(self) -> datetime | None:
        found = self.backups()
        return _stamp(found[-1].name) if found else None

    def backup_if_due(self) -> Path | None:
        """Back up when the newest backup is older than AGENTDESK_BACKUP_HOURS."""
        hours = self.settings.backup_hours
        if hours <= 0:
            return None
        last = self.last_backup_at()
        now = datetime.fromtimestamp(self.clock(), UTC)
        if last is not None and now - last < timedelta(hours=hours):
            return None
        return self.backup_now()

    def backup_now(self) -> Path:
        """Write a backup, drop the oldest beyond AGENTDESK_BACKUP_KEEP, then VACUUM."""
        now = datetime.fromtimestamp(self.clock(), UTC)
        name = now.strftime(STAMP)
        partial = self.directory / f"{PARTIAL}{name}"
        final = self.directory / name
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        self._copy_database(partial / "agentdesk.db")
        self._copy_index(partial / "index")
        if final.exists():
            shutil.rmtree(final)
        os.replace(partial, final)
        for old in self.backups()[: -self.settings.backup_keep]:
            shutil.rmtree(old, ignore_errors=True)
        self.vacuum()
        log.info("backup written to %s", final)
        return final

    def _copy_database(self, target: Path) -> None:
        connection = sqlite3.connect(self.db.path, timeout=30, isolation_level=None)
        try:
            connection.execute("VACUUM INTO ?", (str(target),))
        finally:
            connection.close()

    def _copy_index(self, target: Path) -> None:
        source = self.settings.index_dir
        target.mkdir()
        if not source.is_dir():
            return
        for item in source.iterdir():
            if item.is_file() and not item.name.startswith(".") and ".tmp" not in item.name:
                try:
                    shutil.copy2(item, target / item.name)
                except FileNotFoundError:
                    # Replaced by a newer save mid-copy; the index is rebuilt from the database.
                    log.info("index file %s changed during the backup; skipped", item.name)

    def vacuum(self) -> bool:
        """Compact the live database; False when it was too busy (tried again next time)."""
        connection = sqlite3.connect(self.db.path, timeout=30, isolation_level=None)
        try:
            connection.execute("VACUUM")
            return True
        except sqlite3.OperationalError as error:
            log.warning("VACUUM skipped: %s", error)
            return False
        finally:
            connection.close()

    def prune(self) -> dict[str, int]:
        """Forget metrics older than AGENTDESK_METRICS_RETENTION_DAYS and delete log files
        older than AGENTDESK_LOG_RETENTION_DAYS (never the current log)."""
        now = self.clock()
        before = datetime.fromtimestamp(now, UTC) - timedelta(
            days=self.settings.metrics_retention_days
        )
        with self.db.session() as session:
            samples = metrics.prune(session, before)
        cutoff = now - self.settings.log_retention_days * 86400
        logs = 0
        logs_dir = self.settings.logs_dir
        if logs_dir.is_dir():
            for item in logs_dir.iterdir():
                if item.is_file() and item.name != ACTIVE_LOG and item.stat().st_mtime < cutoff:
                    item.unlink(missing_ok=True)
                    logs += 1
        if samples or logs:
            log.info("retention: %d metric rows and %d log files removed", samples, logs)
        return {"metric_samples": samples, "log_files": logs}

    def status(self) -> dict[str, Any]:
        last = self.last_backup_at()
        return {
            "backups": len(self.backups()),
            "last_backup_at": last.isoformat() if last else None,
            "directory": str(self.directory),
        }


def _stamp(name: str) -> datetime | None:
    try:
        return datetime.strptime(name, STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
