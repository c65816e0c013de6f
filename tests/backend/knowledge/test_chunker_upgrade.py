"""An index written before chunks carried their title and heading survives the upgrade, and
each of its documents is split again exactly once."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from backend.config import Settings
from backend.knowledge import recipe
from backend.knowledge.chunking import CHUNKER_VERSION
from backend.knowledge.context import matching_text
from backend.knowledge.files import sha256_of, text_hash
from backend.knowledge.service import KnowledgeService
from backend.storage import migrate
from backend.storage.db import Database
from backend.storage.models import Chunk, Document
from tests.backend.knowledge.conftest import HashEmbedder
from tests.conftest import SettingsFactory

NOTES = {
    "herons.md": "# Herons\n\n## Nesting\n\n" + "Grey herons nest in tall trees. " * 12,
    "kettles.txt": "The copper kettle whistles when the water boils. " * 8,
}
# The chunk size of the old index: each note was one chunk of its whole text.
OLD_SIZE = 1000


class CountingEmbedder(HashEmbedder):
    """The hashing embedder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return super().encode(texts)


@pytest.fixture
def kb_settings(make_settings: SettingsFactory) -> Settings:
    return make_settings(chunk_size=200, chunk_overlap=0)


def old_index(settings: Settings) -> Database:
    """A database as the previous version left it: schema 0005, one chunk per note without
    context, and a recipe that does not name a chunker."""
    path = settings.database_path
    migrate.upgrade(path, "0005")
    settings.inbox_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).isoformat()
    embedder = HashEmbedder()
    with sqlite3.connect(path) as raw:
        for name, text in NOTES.items():
            file = settings.inbox_dir / name
            file.write_text(text, encoding="utf-8")
            stat = file.stat()
            cursor = raw.execute(
                "INSERT INTO documents (path, file_type, size, mtime, sha256, state, chunk_count,"
                " indexed_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, 'indexed', 1, ?, ?, ?)",
                (str(file), file.suffix[1:], stat.st_size, stat.st_mtime, sha256_of(file))
                + (now,) * 3,
            )
            body = text.strip()
            vector = embedder.encode([body])[0].astype(np.float32).tobytes()
            raw.execute(
                'INSERT INTO chunks (document_id, seq, text, text_sha256, page, start, "end",'
                " embedding) VALUES (?, 0, ?, ?, NULL, 0, ?, ?)",
                (cursor.lastrowid, body, text_hash(body), len(body), vector),
            )
        old = {
            "embedding_model": HashEmbedder.model_name,
            "dimension": 384,
            "chunk_size": 200,
            "chunk_overlap": 0,
            "max_file_mb": settings.max_file_mb,
        }
        raw.execute(
            "INSERT INTO app_state (key, value) VALUES (?, ?)",
            (recipe.RECIPE_KEY, json.dumps(old)),
        )
    migrate.upgrade(path)
    return Database(path)


def chunks(db: Database) -> list[tuple[str, str, str]]:
    with db.session() as session:
        rows = session.execute(
            select(Document.path, Chunk.context, Chunk.text).join(Document).order_by(Chunk.id)
        )
        return [(Path(path).name, context, text) for path, context, text in rows]


def test_an_old_index_stays_searchable_and_is_split_again_once(kb_settings: Settings) -> None:
    db = old_index(kb_settings)
    embedder = CountingEmbedder()
    service = KnowledgeService(kb_settings, db, embedder=embedder)  # type: ignore[arg-type]
    service.start(scan=False)
    try:
        # The upgrade kept the user's index: the old chunks are found by words and meaning.
        assert [c[0] for c in chunks(db)] == ["herons.md", "kettles.txt"]
        for mode in ("bm25", "dense"):
            hit = service.search("copper kettle boils", 1, mode=mode)[0]  # type: ignore[arg-type]
            assert hit.source.endswith("kettles.txt")
        embedder.texts = []
        service.reconcile()
        assert service.queue.wait_idle(30), service.status()
        after = chunks(db)
        assert {name for name, _, _ in after} == set(NOTES)
        assert len(after) > len(NOTES)
        for name, context, text in after:
            assert context.startswith("Herons" if name == "herons.md" else "kettles")
            assert text in NOTES[name]
        assert all(c == "Herons — Nesting" for n, c, t in after if n == "herons.md" and "Grey" in t)
        # Each new chunk was embedded once, with its context, and nothing else was (the
        # repeated sentences make some chunks alike: a text is embedded once however often).
        assert sorted(embedder.texts) == sorted({matching_text(c, t) for _, c, t in after})
        # A chunk is found by its heading even where its text does not say it.
        hits = service.search("Nesting", 5, mode="bm25")
        assert any("Nesting" not in hit.text for hit in hits)
        assert all(hit.source.endswith("herons.md") for hit in hits)
    finally:
        service.stop()
    assert recipe.stored(db) is not None
    assert recipe.stored(db).chunker == CHUNKER_VERSION  # type: ignore[union-attr]

    again = CountingEmbedder()
    service = KnowledgeService(kb_settings, db, embedder=again)  # type: ignore[arg-type]
    service.start(scan=False)
    try:
        service.reconcile()
        assert service.queue.wait_idle(30)
    finally:
        service.stop()
    assert again.texts == []
    assert chunks(db) == after
    db.dispose()
