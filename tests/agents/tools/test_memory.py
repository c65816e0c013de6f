"""Long-term memory: notes found by meaning with an embedder, by shared words without one."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from agents.tools.builtin import default_registry
from agents.tools.memory import MAX_NOTE_CHARS, MemoryNotes
from agents.tools.registry import ToolContext, ToolError
from backend.config import Settings
from backend.storage import memories
from backend.storage.db import Database
from backend.storage.models import Memory
from tests.backend.knowledge.conftest import HashEmbedder

NOTES = [
    "The user's cat is called Miso and eats salmon.",
    "Quarterly report deadline is the last Friday of March.",
    "The user prefers answers in short bullet points.",
]


def stored(db: Database) -> list[Memory]:
    with db.session() as session:
        return list(session.query(Memory).order_by(Memory.id))


def test_remember_and_recall_by_meaning(db: Database) -> None:
    notes = MemoryNotes(db, embed=HashEmbedder().encode)
    for text in NOTES:
        assert notes.remember(text).endswith(text)
    rows = stored(db)
    vector = np.frombuffer(rows[0].embedding, dtype=np.float32)
    assert vector.shape == (384,) and float(np.linalg.norm(vector)) == pytest.approx(1.0)

    first = notes.recall("what is the cat called", k=1)
    assert first.startswith(f"[1] {NOTES[0]} (saved ")
    assert "\n" not in first
    assert NOTES[1] in notes.recall("report deadline March")
    assert notes.recall("zebra xylophone") == "No saved notes match 'zebra xylophone'."


def test_without_an_embedder_notes_are_found_by_shared_words(db: Database) -> None:
    notes = MemoryNotes(db)
    for text in NOTES:
        notes.remember(text)
    assert all(row.embedding == b"" for row in stored(db))
    answer = notes.recall("bullet points please", k=3)
    assert answer.splitlines()[0].startswith(f"[1] {NOTES[2]}")
    assert len(answer.splitlines()) == 1, "notes sharing no words are left out"
    assert notes.recall("what is the", k=3).startswith("No saved notes match")


def test_notes_saved_without_vectors_are_still_found_later(db: Database) -> None:
    MemoryNotes(db).remember(NOTES[0])
    with_vectors = MemoryNotes(db, embed=HashEmbedder().encode)
    with_vectors.remember(NOTES[1])
    assert NOTES[0] in with_vectors.recall("cat salmon")
    assert NOTES[1] in with_vectors.recall("quarterly report")


def test_a_failing_embedder_does_not_lose_the_note(db: Database) -> None:
    def broken(texts: list[str]) -> Any:
        raise RuntimeError("model missing")

    notes = MemoryNotes(db, embed=broken)
    notes.remember(NOTES[0])
    assert stored(db)[0].embedding == b""
    assert NOTES[0] in notes.recall("cat Miso")


def test_refusals_and_whitespace(db: Database) -> None:
    notes = MemoryNotes(db)
    with pytest.raises(ToolError, match="note is empty"):
        notes.remember("   \n")
    with pytest.raises(ToolError, match="too long"):
        notes.remember("x" * (MAX_NOTE_CHARS + 1))
    with pytest.raises(ToolError, match="query is empty"):
        notes.recall(" ")
    notes.remember("  spaced \n  out   note ")
    assert stored(db)[0].text == "spaced out note"


def test_storage_lists_newest_first_and_as_dict(db: Database) -> None:
    with db.session() as session:
        for text in NOTES:
            memories.add(session, text, run_id="run-9")
    with db.session() as session:
        newest = memories.recent(session, limit=2)
        assert [n.text for n in newest] == [NOTES[2], NOTES[1]]
        found = memories.search(session, "cat salmon Miso", None, k=3)
        shown = memories.as_dict(*found[0])
    assert shown["text"] == NOTES[0] and shown["run_id"] == "run-9"
    assert shown["score"] == 1.0


def test_remember_and_recall_through_the_registry(
    tool_settings: Settings, db: Database, context: ToolContext
) -> None:
    registry = default_registry(tool_settings, db, embed=HashEmbedder().encode)
    saved = registry.call("remember", {"text": NOTES[1]}, context)
    assert saved == f"Remembered (note 1): {NOTES[1]}"
    assert NOTES[1] in registry.call("recall", {"query": "report deadline"}, context)
    with pytest.raises(ToolError, match="missing argument"):
        registry.call("recall", {}, context)
