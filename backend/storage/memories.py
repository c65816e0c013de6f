"""Long-term memory notes: stored with an embedding when there is one, found by meaning
(cosine similarity) or, without embeddings, by the words they share with the question."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.storage.models import Memory

# Notes below this cosine similarity are not about the question; better none than noise.
MIN_COSINE = 0.15
# A personal memory holds hundreds of notes, not millions: the newest are searched in full.
SEARCH_LIMIT = 5000

_WORD = re.compile(r"[^\W_]+")
_COMMON_WORDS = (
    "a an and are as at be by did do does for from had has have how i in is it its me my "
    "of on or our that the their them they this to was we were what when where which who "
    "why will with you your"
)
_STOP_WORDS = frozenset(_COMMON_WORDS.split())


def words(text: str) -> set[str]:
    """The words of ``text`` that say something (lower case, common words left out)."""
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP_WORDS}


def add(session: Session, text: str, embedding: bytes = b"", run_id: str | None = None) -> Memory:
    """Store a note; ``embedding`` is a normalized float32 vector as bytes, or empty."""
    note = Memory(text=text, embedding=embedding, run_id=run_id)
    session.add(note)
    session.flush()
    return note


def recent(session: Session, limit: int = 20) -> list[Memory]:
    """The newest notes first."""
    return list(
        session.scalars(
            select(Memory).order_by(Memory.created_at.desc(), Memory.id.desc()).limit(limit)
        )
    )


def _overlap(query_words: set[str], text: str) -> float:
    # The share of the question's words found in the note.
    if not query_words:
        return 0.0
    return len(query_words & words(text)) / len(query_words)


def search(
    session: Session, query: str, query_vector: np.ndarray | None = None, k: int = 3
) -> list[tuple[Memory, float]]:
    """The ``k`` notes most like ``query``, best first, with their scores (0 to 1).

    With ``query_vector`` (normalized), notes with a vector of the same size score by cosine
    similarity and need at least MIN_COSINE; the others (saved without an embedder) score by
    word overlap. Without it every note scores by word overlap. Notes scoring 0 are left out.
    """
    query_words = words(query)
    vector = None if query_vector is None else np.asarray(query_vector, dtype=np.float32).ravel()
    scored: list[tuple[Memory, float]] = []
    for note in recent(session, SEARCH_LIMIT):
        stored = np.frombuffer(note.embedding, dtype=np.float32) if note.embedding else None
        if vector is not None and stored is not None and stored.shape == vector.shape:
            score = float(np.dot(stored, vector))
            if score < MIN_COSINE:
                continue
        else:
            score = _overlap(query_words, note.text)
        if score > 0:
            scored.append((note, score))
    # Ties go to the newer note (``recent`` lists newest first and the sort is stable).
    scored.sort(key=lambda pair: -pair[1])
    return scored[: max(k, 0)]


def as_dict(note: Memory, score: float | None = None) -> dict[str, Any]:
    """A note as the API shows it."""
    found: dict[str, Any] = {
        "id": note.id,
        "text": note.text,
        "created_at": note.created_at.isoformat(),
        "run_id": note.run_id,
    }
    if score is not None:
        found["score"] = round(score, 4)
    return found
