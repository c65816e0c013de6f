"""Incremental, idempotent ingest: a file goes in once, and only what changed is redone.

Unchanged files cost a ``stat`` (or a hash when the time changed but the bytes did not);
chunks whose text was seen before reuse their stored vector; a renamed file keeps its
record; SQLite commits each file (a big one in steps, out of search until the last) before
the vector index is touched, so the database stays the source of truth whatever happens.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from backend.config import Settings
from backend.knowledge import links, reasons, recipe, records, store
from backend.knowledge.chunking import CHUNKER_VERSION, split_document
from backend.knowledge.commit import Prepared, commit
from backend.knowledge.context import DEFAULT_CONTEXT, ContextKind, labelled, matching_text
from backend.knowledge.embedder import Embedder
from backend.knowledge.files import (
    Fingerprint,
    fingerprint,
    has_valid_name,
    is_broken_link,
    path_key,
    sha256_of,
)
from backend.knowledge.parsers import ParseFailure, Unsupported, file_type_of, parse_file
from backend.knowledge.recipe import Recipe
from backend.knowledge.vectors import VectorIndex
from backend.storage.db import Database
from backend.storage.problems import storage_problem

log = logging.getLogger(__name__)

OutcomeKind = Literal["indexed", "unchanged", "moved", "skipped", "failed", "removed"]


@dataclass
class Outcome:
    """How one file's ingest ended."""

    path: str
    outcome: OutcomeKind
    reason: str = ""
    chunks: int = 0
    embedded: int = 0
    # Failed for a reason that passes (a locked database, a full disk): worth another try.
    retry: bool = False


class Ingestor:
    """Turns files into indexed chunks; safe to call again on the same file at any time."""

    # What each chunk is matched by besides its text; bench/retrieval.py compares the kinds.
    chunk_context: ContextKind = DEFAULT_CONTEXT

    def __init__(
        self, settings: Settings, db: Database, embedder: Embedder, vectors: VectorIndex
    ) -> None:
        self.settings = settings
        self.db = db
        self.embedder = embedder
        self.vectors = vectors

    def ingest(self, path: Path) -> Outcome:
        return self.ingest_many([path])[0]

    def ingest_many(self, paths: list[Path]) -> list[Outcome]:
        """Ingest several files, embedding their new chunks together for throughput.

        Each file ends with its own outcome: one that fails in an unexpected way is recorded
        as failed and never takes the others in the batch down with it.
        """
        outcomes: dict[Path, Outcome] = {}
        prepared: list[Prepared] = []
        for path in paths:
            try:
                ready = self._prepare(path)
            except Exception as error:
                ready = self._unexpected(path, error)
            if isinstance(ready, Outcome):
                outcomes[path] = ready
            else:
                prepared.append(ready)
        try:
            self._embed(prepared)
        except Exception as error:
            for item in prepared:
                outcomes[item.path] = self._unexpected(item.path, error, "embedding failed")
            prepared = []
        for item in prepared:
            try:
                outcomes[item.path] = self._commit(item)
            except Exception as error:
                outcomes[item.path] = self._unexpected(item.path, error)
        return [outcomes[path] for path in paths]

    def _unexpected(self, path: Path, error: Exception, what: str = "unexpected error") -> Outcome:
        """Record a failure nobody planned for, with a one-line reason (never a traceback).

        A locked database or a full disk is not recorded (it could not be): the outcome says
        why and asks for another try (see ``retry``).
        """
        key = path_key(path)
        problem = storage_problem(error)
        if problem is not None:
            # Nothing can be written now: the record stays as it was, to be tried again.
            log.warning("ingest of %s put off: %s", key, problem.message)
            return Outcome(key, "failed", problem.message, retry=True)
        log.error("ingest of %s failed", key, exc_info=error)
        reason = f"{what}: {reasons.one_line(error)}"
        try:
            return self._record_problem(path, "failed", reason)
        except Exception:
            log.exception("could not record the failure of %s", key)
            return Outcome(key, "failed", reason)

    def _prepare(self, path: Path) -> Prepared | Outcome:
        key = path_key(path)
        with self.db.session() as session:
            roots = [Path(folder.path) for folder in store.folders(session)]
        if links.leads_outside(path, roots):
            # Whatever was indexed under this path before, its content must not be served.
            self.remove(path)
            return Outcome(key, "skipped", links.OUTSIDE)
        current = fingerprint(path)
        if current is None:
            if is_broken_link(path):
                return self._record_problem(path, "skipped", reasons.broken_link(path))
            return self.remove(path)
        with self.db.session() as session:
            existing = store.document_by_path(session, key)
            same = existing and (existing.size, existing.mtime) == (current.size, current.mtime)
            if existing and same and existing.state != "pending":
                return Outcome(key, "unchanged", chunks=existing.chunk_count)
        if not has_valid_name(path):
            return self._record_problem(path, "skipped", reasons.BAD_NAME, current)
        file_type = file_type_of(path)
        if file_type is None:
            return self._record_problem(path, "skipped", "unsupported type", current)
        limit = self.settings.max_file_mb * 1_000_000
        if current.size > limit:
            sizes = f"{current.size / 1e6:.1f} MB > {self.settings.max_file_mb:g} MB"
            reason = f"{recipe.TOO_LARGE} ({sizes})"
            return self._record_problem(path, "skipped", reason, current)
        try:
            return self._read(path, key, current)
        except FileNotFoundError:
            # Deleted while it was being read: its delete event is on its way.
            return self.remove(path)
        except OSError as error:
            return self._record_problem(path, "failed", reasons.unreadable(error), current)

    def _read(self, path: Path, key: str, current: Fingerprint) -> Prepared | Outcome:
        """Hash, parse and chunk a file that passed the cheap checks."""
        sha256 = sha256_of(path)
        with self.db.session() as session:
            existing = store.document_by_path(session, key)
            if existing and existing.sha256 == sha256 and existing.state == "indexed":
                store.touch(session, existing, current.size, current.mtime)
                return Outcome(key, "unchanged", chunks=existing.chunk_count)
            # A file only listed as pending so far has no record to keep yet.
            waiting = existing is not None and records.is_placeholder(session, existing)
            if (existing is None or waiting) and (
                renamed := records.adopt_orphan(
                    session, sha256, key, current, existing if waiting else None
                )
            ):
                old, chunks = renamed
                return Outcome(key, "moved", f"moved from {old}", chunks=chunks)
        try:
            parsed = parse_file(path, int(self.settings.max_unpacked_mb * 1_000_000))
        except Unsupported:
            return self._record_problem(path, "skipped", "unsupported type", current)
        except ParseFailure as failure:
            return self._record_problem(path, "failed", str(failure), current, sha256)
        pieces = split_document(parsed, self.settings.chunk_size, self.settings.chunk_overlap)
        if not pieces:
            return self._record_problem(path, "failed", "no extractable text", current, sha256)
        contexts, hashes = labelled(parsed, path, pieces, self.chunk_context)
        return Prepared(path, current, sha256, parsed.file_type, pieces, contexts, hashes)

    def _embed(self, prepared: list[Prepared]) -> None:
        """Fill in vectors: stored ones for known texts; the rest embedded together."""
        if not prepared:
            return
        with self.db.session() as session:
            known = store.vectors_for_hashes(session, (h for p in prepared for h in p.hashes))
        missing: dict[str, str] = {}
        for item in prepared:
            for piece, context, digest in zip(item.pieces, item.contexts, item.hashes, strict=True):
                if digest not in known:
                    missing.setdefault(digest, matching_text(context, piece.text))
        if missing:
            matrix = self.embedder.encode(list(missing.values()))
            for digest, row in zip(missing, matrix, strict=True):
                known[digest] = np.asarray(row, dtype=np.float32).tobytes()
        fresh = set(missing)
        for item in prepared:
            item.vectors = {h: known[h] for h in item.hashes}
            # A text new to several files counts as embedded for the first one only.
            item_fresh = {h for h in item.hashes if h in fresh}
            fresh -= item_fresh
            item.embedded = len(item_fresh)

    def _commit(self, item: Prepared) -> Outcome:
        key = path_key(item.path)
        new_ids = commit(self.db, self.vectors, item)
        if new_ids is None:
            return Outcome(key, "removed", "deleted while it was being indexed")
        return Outcome(key, "indexed", chunks=len(new_ids), embedded=item.embedded)

    def _record_problem(
        self,
        path: Path,
        state: Literal["skipped", "failed"],
        reason: str,
        current: Fingerprint | None = None,
        sha256: str = "",
    ) -> Outcome:
        """Keep a file that could not be indexed in the list, with why; drop its old chunks."""
        records.record_problem(self.db, self.vectors, path, state, reason, current, sha256)
        return Outcome(path_key(path), state, reason)

    def remove(self, path: Path) -> Outcome:
        """Forget a file (and every file below it, for a folder)."""
        key = path_key(path)
        documents, chunks = records.forget(self.db, self.vectors, key)
        if not documents:
            return Outcome(key, "unchanged", "not in the index")
        return Outcome(key, "removed", chunks=chunks)

    def move(self, source: Path, destination: Path) -> Outcome:
        """Follow a rename: same content keeps its record and vectors, just a new path."""
        if not has_valid_name(destination):
            # The new name cannot be indexed: the old record goes, the new one is skipped.
            self.remove(source)
            return self.ingest(destination)
        source_key, destination_key = path_key(source), path_key(destination)
        moved = records.follow_rename(self.db, source_key, destination_key)
        if not moved:
            return self.ingest(destination)
        # The content may also have changed in the move; ingest checks cheaply.
        outcome = self.ingest(destination)
        if outcome.outcome == "unchanged":
            reason = f"moved from {source_key}"
            return Outcome(destination_key, "moved", reason, outcome.chunks)
        return outcome

    @property
    def index_recipe(self) -> Recipe:
        """The settings this ingestor builds the index with."""
        return Recipe(
            embedding_model=self.embedder.model_name,
            dimension=self.embedder.dimension,
            chunk_size=self.settings.chunk_size,
            chunk_overlap=self.settings.chunk_overlap,
            max_file_mb=self.settings.max_file_mb,
            chunker=CHUNKER_VERSION,
        )

    def sync_vectors(self) -> str:
        """Make the vector index match the database: load it, or rebuild from stored vectors.

        If the embedding model or the chunk sizes changed since the index was built, the
        documents are first marked to be redone (see ``recipe``).
        """
        recipe.apply(self.db, self.index_recipe)
        with self.db.session() as session:
            current = store.generation(session)
        if self.vectors.load(current):
            return "loaded"
        with self.db.session() as session:
            ids, matrix = store.all_vectors(session)
        if not ids:
            matrix = np.zeros((0, self.vectors_dimension), dtype=np.float32)
        self.vectors.rebuild(ids, matrix, current)
        log.info("vector index rebuilt from %d stored vectors (generation %d)", len(ids), current)
        return "rebuilt"

    @property
    def vectors_dimension(self) -> int:
        return self.embedder.dimension

    def save_vectors(self) -> None:
        """Write the vector index for the current generation."""
        with self.db.session() as session:
            current = store.generation(session)
        self.vectors.save(current)
