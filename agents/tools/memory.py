"""Long-term memory for the agents: ``remember`` a note now, ``recall`` it in a later run."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np

from agents.tools.registry import ToolError
from backend.storage import memories
from backend.storage.db import Database

log = logging.getLogger(__name__)

MAX_NOTE_CHARS = 2000
MAX_RECALL = 10

# Texts in, one vector per text out (``Embedder.encode`` has this shape).
EmbedFn = Callable[[list[str]], Any]


def _unit(vector: Any) -> np.ndarray:
    array = np.asarray(vector, dtype=np.float32).ravel()
    norm = float(np.linalg.norm(array))
    return array / norm if norm > 0 else array


class MemoryNotes:
    """Notes kept in the database, found by meaning when ``embed`` is given, else by words.

    When the embedder fails, a note is still kept (without a vector) and recall falls back
    to words, so memory keeps working while the embedding model is unavailable.
    """

    def __init__(self, db: Database, embed: EmbedFn | None = None) -> None:
        self.db = db
        self.embed = embed

    def _vector(self, text: str) -> np.ndarray | None:
        if self.embed is None:
            return None
        try:
            return _unit(np.asarray(self.embed([text]))[0])
        except Exception:
            log.warning("memory: embedding failed; using words instead", exc_info=True)
            return None

    def remember(self, text: str, run_id: str | None = None) -> str:
        """Store ``text`` as a note; the answer says what was kept."""
        note = " ".join(text.split())
        if not note:
            raise ToolError("remember: the note is empty; give the fact to keep")
        if len(note) > MAX_NOTE_CHARS:
            raise ToolError(
                f"remember: the note is too long ({len(note)} characters, at most "
                f"{MAX_NOTE_CHARS}); keep one short fact per note"
            )
        vector = self._vector(note)
        blob = b"" if vector is None else vector.astype(np.float32).tobytes()
        with self.db.session() as session:
            row = memories.add(session, note, blob, run_id)
            note_id = row.id
        return f"Remembered (note {note_id}): {note}"

    def recall(self, query: str, k: int = 3) -> str:
        """The notes that best match ``query``, numbered, or a plain 'nothing found'."""
        question = query.strip()
        if not question:
            raise ToolError("recall: the query is empty; say what to look for")
        if k < 1:
            raise ToolError("recall: k must be at least 1")
        vector = self._vector(question)
        with self.db.session() as session:
            found = memories.search(session, question, vector, min(k, MAX_RECALL))
            lines = [
                f"[{n}] {note.text} (saved {note.created_at:%Y-%m-%d})"
                for n, (note, _score) in enumerate(found, start=1)
            ]
        if not lines:
            return f"No saved notes match '{question}'."
        return "\n".join(lines)
