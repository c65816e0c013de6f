"""KnowledgeService: the knowledge base as the rest of the app sees it."""

from __future__ import annotations

import asyncio
import logging
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select

from backend.config import Settings
from backend.knowledge import store
from backend.knowledge.embedder import Embedder
from backend.knowledge.files import fingerprint, path_key
from backend.knowledge.ingest import Ingestor
from backend.knowledge.library import Library
from backend.knowledge.links import watched_files
from backend.knowledge.queue import IngestQueue
from backend.knowledge.retriever import HybridRetriever, SearchFilters, SearchHit
from backend.knowledge.vectors import VectorIndex
from backend.knowledge.watched_folders import WatchedFolders
from backend.knowledge.watcher import Watcher
from backend.storage.db import Database
from backend.storage.models import Document, WatchedFolder
from backend.storage.problems import storage_problem

log = logging.getLogger(__name__)

# Searches run on their own threads: one waiting for the embedding model (it may be busy with
# an ingest batch) must not hold a thread the rest of the app needs (health, status, chat).
SEARCH_THREADS = 8


class KnowledgeService:
    """Watched folders, the ingest queue and worker, search, and (``library``) what the
    knowledge base holds: the one way into its tables for tools, routers and tasks."""

    def __init__(self, settings: Settings, db: Database, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.db = db
        self.embedder = embedder or Embedder(settings.embedding_model, settings.embed_batch_size)
        self.vectors = VectorIndex(settings.index_dir, self.embedder.dimension)
        self.ingestor = Ingestor(settings, db, self.embedder, self.vectors)
        self.queue = IngestQueue(
            self.ingestor, settings.watch_debounce_seconds, on_idle=self._save_vectors
        )
        self.queue.on_arrival = self.mark_pending_all
        self.watcher = Watcher(self.queue)
        self.watched = WatchedFolders(
            settings, db, self.watcher, self.queue, self.ingestor, self._save_vectors
        )
        self.retriever = HybridRetriever(db, self.vectors, self.embedder)
        self.library = Library(db)
        self._save_lock = threading.Lock()
        self._search_pool = ThreadPoolExecutor(SEARCH_THREADS, thread_name_prefix="search")
        self._stopped = False

    def start(self, scan: bool = True) -> None:
        """Load (or rebuild) the vector index, watch the folders and scan them for changes."""
        self.settings.inbox_dir.mkdir(parents=True, exist_ok=True)
        with self.db.session() as session:
            inbox = str(self.settings.inbox_dir.resolve())
            if session.scalar(select(WatchedFolder).where(WatchedFolder.path == inbox)) is None:
                session.add(WatchedFolder(path=inbox))
        how = self.ingestor.sync_vectors()
        log.info("vector index %s: %d vectors", how, len(self.vectors))
        self.queue.start()
        self.watched.drop_refused()
        self.watcher.start([Path(f["path"]) for f in self.folders()])
        if scan:
            threading.Thread(target=self._first_scan, name="reconcile", daemon=True).start()

    def _first_scan(self) -> None:
        # Loading the embedding model takes seconds: do it now, not on the first question.
        if len(self.vectors) > 0:
            self.embedder.encode(["warm up"])
        self.reconcile()

    def stop(self) -> None:
        """Stop watching, let the file in progress finish, save the vector index; idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self.watcher.stop()
        self.queue.stop()
        self._search_pool.shutdown(wait=False, cancel_futures=True)
        self._save_vectors()

    def _save_vectors(self) -> None:
        with self._save_lock:
            self.ingestor.save_vectors()

    def reconcile(self) -> int:
        """Queue whatever changed in the watched folders since they were last seen."""
        queued = 0
        with self.db.session() as session:
            known = {d.path: (d.size, d.mtime) for d in session.scalars(select(Document))}
            roots = [Path(f.path) for f in store.folders(session)]
        present: set[str] = set()
        to_index: list[Path] = []
        for root in roots:
            for path in watched_files(root):
                key = path_key(path)
                present.add(key)
                current = fingerprint(path)
                if current is None:
                    # A broken link has no size or time: queued once, to be listed skipped.
                    changed = key not in known
                else:
                    changed = known.get(key) != (current.size, current.mtime)
                if changed:
                    to_index.append(path)
        queued += self.queue.submit_many(to_index)
        # New files first, then the missing ones: a file renamed while AgentDesk was closed
        # is then recognised by its content and keeps its record.
        for key in known.keys() - present:
            if any(key.startswith(str(root)) for root in roots):
                queued += self.queue.submit(Path(key), "delete")
        if self.queue.overflowed:
            self.queue.overflowed = False
        log.info("reconcile scan queued %d change(s)", queued)
        return queued

    def folders(self) -> list[dict[str, Any]]:
        """Watched folders with their document counts."""
        return self.watched.list()

    def add_folder(self, raw: str) -> dict[str, Any]:
        """Watch a folder (see ``WatchedFolders.add``)."""
        return self.watched.add(raw)

    def remove_folder(self, folder_id: int) -> bool:
        """Stop watching a folder (see ``WatchedFolders.remove``)."""
        return self.watched.remove(folder_id)

    def mark_pending(self, path: Path) -> None:
        """List a file as pending right away, so it shows before the worker reaches it."""
        self.mark_pending_all([path])

    def mark_pending_all(self, paths: list[Path]) -> None:
        """List new files as pending (an upload, a file dropped in a watched folder, a scan).

        Files already listed keep their row and state: a changed file stays searchable as it
        was until it is indexed again. Only the row is written: nothing is read or indexed.
        """
        try:
            with self.db.session() as session:
                for path in paths:
                    current = fingerprint(path)
                    key = path_key(path)
                    if current is None or store.document_by_path(session, key) is not None:
                        continue  # gone already (its delete is queued), or listed
                    # If the ingest worker records it meanwhile, its row stays (add_document).
                    store.add_document(
                        session,
                        key,
                        file_type=path.suffix.lower().lstrip(".")[:16],
                        size=current.size,
                        state="pending",
                    )
        except Exception as error:
            # The files are saved and queued all the same; they are listed once the worker
            # gets to them, so a locked database or a full disk must not fail an upload.
            if storage_problem(error) is None:
                raise
            log.warning("%d file(s) not listed as pending yet: %s", len(paths), error)

    def delete_document(self, document_id: int) -> bool:
        """Take a document out of the index; a watched file moves to the trash folder."""
        with self.db.session() as session:
            document = session.get(Document, document_id)
            if document is None:
                return False
            path, watched = Path(document.path), document.folder_id is not None
        if watched and path.exists():
            self.settings.trash_dir.mkdir(parents=True, exist_ok=True)
            target = self.settings.trash_dir / path.name
            counter = 1
            while target.exists():
                target = self.settings.trash_dir / f"{path.stem} ({counter}){path.suffix}"
                counter += 1
            shutil.move(str(path), target)
        self.ingestor.remove(path)
        self._save_vectors()
        return True

    def _waiting(self) -> list[dict[str, Any]]:
        """Files that failed for a passing reason and will be tried again, with why."""
        return [
            {"path": path_key(path), "reason": f"{reason} (tried {count}x; trying again)"}
            for path, reason, count in self.queue.retries.waiting()
        ]

    def has_documents(self) -> bool:
        """Whether anything is indexed (a question is only grounded when something is)."""
        return len(self.vectors) > 0

    def search(
        self,
        query: str,
        k: int = 5,
        mode: Literal["dense", "bm25", "hybrid"] = "hybrid",
        filters: SearchFilters | None = None,
    ) -> list[SearchHit]:
        return self.retriever.search(query, k=k, mode=mode, filters=filters)

    async def search_async(
        self,
        query: str,
        k: int = 5,
        mode: Literal["dense", "bm25", "hybrid"] = "hybrid",
        filters: SearchFilters | None = None,
    ) -> list[SearchHit]:
        """``search`` from async code, on the search threads."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._search_pool, lambda: self.search(query, k, mode, filters)
        )

    def status(self) -> dict[str, Any]:
        """Queue, progress, rates, ETA, recent outcomes and errors, index size."""
        files_rate, chunks_rate = self.queue.rates()
        queued = len(self.queue)
        with self.db.session() as session:
            totals = store.counts(session)
            generation = store.generation(session)
            failures = session.execute(
                select(Document.path, Document.error)
                .where(Document.state == "failed")
                .order_by(Document.updated_at.desc())
                .limit(50)
            ).all()
        active = self.queue.active
        return {
            "queue_length": queued,
            "active": {"path": active[0], "stage": active[1]} if active else None,
            "batch": {"done": self.queue.batch_done, "total": self.queue.batch_total},
            "files_per_second": round(files_rate, 2),
            "chunks_per_second": round(chunks_rate, 1),
            "eta_seconds": round(queued / files_rate, 1) if files_rate > 0 and queued else None,
            "totals": {k: totals.get(k, 0) for k in ("indexed", "skipped", "failed", "pending")},
            "recent": [
                {
                    "path": outcome.path,
                    "outcome": outcome.outcome,
                    "reason": outcome.reason,
                    "chunks": outcome.chunks,
                    "finished_at": when,
                }
                for outcome, when in list(self.queue.recent)[:50]
            ],
            "errors": [
                *self._waiting(),
                *({"path": path, "reason": error or ""} for path, error in failures),
            ],
            "index": {
                "documents": totals["indexed"],
                "chunks": totals["chunks"],
                "vectors": len(self.vectors),
                "generation": generation,
            },
        }
