"""WatchedFolders: which folders the knowledge base follows, added and removed safely.

A folder is refused when watching it would loop or read what it must not (``folder_rules``);
folders may overlap (a subfolder of a watched folder may be watched too), so removing one takes
out of the index only the documents no other watched folder covers.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from backend.config import Settings
from backend.knowledge import folder_rules, store
from backend.knowledge.files import has_valid_name, path_key
from backend.knowledge.ingest import Ingestor
from backend.knowledge.links import watched_files
from backend.knowledge.queue import IngestQueue
from backend.knowledge.watcher import Watcher
from backend.storage.db import Database
from backend.storage.models import Document, WatchedFolder

log = logging.getLogger(__name__)


class FolderError(ValueError):
    """A folder cannot be watched; the message says why."""


class WatchedFolders:
    """The watched folders' table, kept in step with the watcher and the index."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        watcher: Watcher,
        queue: IngestQueue,
        ingestor: Ingestor,
        save_vectors: Callable[[], None],
    ) -> None:
        self.settings = settings
        self.db = db
        self.watcher = watcher
        self.queue = queue
        self.ingestor = ingestor
        self.save_vectors = save_vectors

    @property
    def inbox(self) -> str:
        return str(self.settings.inbox_dir.resolve())

    def list(self) -> list[dict[str, Any]]:
        """Watched folders with their document counts."""
        with self.db.session() as session:
            counts = dict(
                session.execute(
                    select(Document.folder_id, func.count()).group_by(Document.folder_id)
                ).all()
            )
            return [
                {
                    "id": f.id,
                    "path": f.path,
                    "documents": int(counts.get(f.id, 0)),
                    "exists": Path(f.path).is_dir(),
                    "inbox": f.path == self.inbox,
                }
                for f in store.folders(session)
            ]

    def refusal(self, path: str) -> str | None:
        """Why the folder at ``path`` (links resolved) must not be watched, or None."""
        data_dir = str(self.settings.data_dir.resolve())
        return folder_rules.refusal(path, data_dir, folder_rules.this_machine())

    def add(self, raw: str) -> dict[str, Any]:
        """Watch a folder; FolderError when it is missing, not a folder, not readable, or one
        that must not be watched."""
        if problem := folder_rules.invalid_text(raw):
            raise FolderError(problem)
        path = Path(raw).expanduser()
        if not raw.strip() or not path.is_absolute():
            raise FolderError(f"'{raw}' is not an absolute folder path")
        if not path.exists():
            raise FolderError(f"{path} does not exist")
        if not path.is_dir():
            raise FolderError(f"{path} is a file, not a folder")
        if not os.access(path, os.R_OK | os.X_OK):
            raise FolderError(f"{path} cannot be read (permission denied)")
        real = path.resolve()
        resolved = path_key(real)
        if not has_valid_name(real):
            raise FolderError(f"{resolved}: the folder's name is not valid UTF-8; rename it")
        if problem := self.refusal(resolved):
            raise FolderError(problem)
        with self.db.session() as session:
            if session.scalar(select(WatchedFolder).where(WatchedFolder.path == resolved)):
                raise FolderError(f"{resolved} is already watched")
            folder = WatchedFolder(path=resolved)
            session.add(folder)
            session.flush()
            folder_id = folder.id
        self.watcher.add(real)
        self.queue.submit_many(watched_files(real))
        return {"id": folder_id, "path": resolved, "documents": 0, "exists": True}

    def remove(self, folder_id: int) -> bool:
        """Stop watching a folder and take out of the index the documents no other watched
        folder covers (files untouched); False when it is not watched."""
        with self.db.session() as session:
            folder = session.get(WatchedFolder, folder_id)
            if folder is None:
                return False
            if folder.path == self.inbox:
                raise FolderError("the inbox is where uploads go; it cannot be removed")
            path = folder.path
            session.delete(folder)
            session.flush()
            documents = store.documents_under(session, path)
            uncovered: list[str] = []
            for document in documents:
                owner = store.folder_for(session, document.path)
                if owner is None:
                    uncovered.append(document.path)
                else:
                    document.folder_id = owner.id
        self.watcher.remove(Path(path))
        if len(uncovered) == len(documents):
            self.queue.submit(Path(path), "delete")
            return True
        # Another watched folder lies inside this one: only what it does not cover goes.
        for key in uncovered:
            self.ingestor.remove(Path(key))
        self.save_vectors()
        return True

    def drop_refused(self) -> None:
        """Stop watching folders added before they were refused (the data folder, a system
        folder): watching them loops, or reads what must not be read."""
        with self.db.session() as session:
            refused = [
                (f.id, f.path, reason)
                for f in store.folders(session)
                if f.path != self.inbox and (reason := self.refusal(f.path))
            ]
        for folder_id, path, reason in refused:
            log.warning("no longer watching %s: %s", path, reason)
            self.remove(folder_id)
