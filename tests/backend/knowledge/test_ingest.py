"""Incremental, idempotent ingest: nothing indexed twice, only changes redone."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from backend.config import Settings
from backend.knowledge import store
from backend.knowledge.ingest import Ingestor
from backend.knowledge.vectors import VectorIndex
from backend.storage.db import Database
from backend.storage.models import Chunk, Document
from tests.backend.knowledge.conftest import HashEmbedder
from tests.backend.knowledge.corpus import write_bytes, write_encrypted_pdf
from tests.conftest import SettingsFactory


class CountingEmbedder(HashEmbedder):
    """Counts every text it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.texts = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += len(texts)
        return super().encode(texts)


def paragraphs(n: int, tag: str = "") -> str:
    return "\n\n".join(
        f"Paragraph {i}{tag}: " + " ".join(f"word{i}x{j}" for j in range(40)) for i in range(n)
    )


@pytest.fixture
def kb_settings(make_settings: SettingsFactory) -> Settings:
    return make_settings(chunk_size=300, chunk_overlap=0, max_file_mb=0.05)


@pytest.fixture
def embedder() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture
def ingestor(kb_settings: Settings, db: Database, embedder: CountingEmbedder) -> Ingestor:
    return Ingestor(kb_settings, db, embedder, VectorIndex(kb_settings.index_dir, 384))  # type: ignore[arg-type]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "docs"
    path.mkdir()
    return path


def db_chunk_ids(db: Database) -> set[int]:
    with db.session() as session:
        return set(session.scalars(select(Chunk.id)))


def documents(db: Database) -> dict[str, tuple[str, str | None, int]]:
    with db.session() as session:
        return {
            Path(d.path).name: (d.state, d.error, d.chunk_count)
            for d in session.scalars(select(Document))
        }


def test_a_file_is_indexed_once_and_then_costs_nothing(
    ingestor: Ingestor, embedder: CountingEmbedder, folder: Path, db: Database
) -> None:
    path = folder / "notes.md"
    path.write_text(paragraphs(6))
    first = ingestor.ingest(path)
    assert first.outcome == "indexed" and first.chunks >= 6
    assert embedder.texts == first.chunks == first.embedded
    assert ingestor.ingest(path).outcome == "unchanged"
    os.utime(path, (1_000_000, 1_000_000))
    assert ingestor.ingest(path).outcome == "unchanged"
    assert embedder.texts == first.chunks
    assert ingestor.vectors.ids() == db_chunk_ids(db)


def test_an_edit_re_embeds_only_the_changed_chunks(
    ingestor: Ingestor, embedder: CountingEmbedder, folder: Path, db: Database
) -> None:
    path = folder / "notes.md"
    path.write_text(paragraphs(8))
    first = ingestor.ingest(path)
    text = path.read_text().replace("Paragraph 3:", "Paragraph 3 (edited):")
    path.write_text(text)
    second = ingestor.ingest(path)
    assert second.outcome == "indexed"
    assert 1 <= second.embedded < first.chunks
    assert embedder.texts == first.chunks + second.embedded
    assert ingestor.vectors.ids() == db_chunk_ids(db)


def test_identical_content_under_two_paths_is_embedded_once(
    ingestor: Ingestor, embedder: CountingEmbedder, folder: Path, db: Database
) -> None:
    for copy in ("one", "two"):
        (folder / copy).mkdir()
        (folder / copy / "notes.txt").write_text(paragraphs(4))
    a, b = ingestor.ingest_many([folder / "one" / "notes.txt", folder / "two" / "notes.txt"])
    assert (a.outcome, b.outcome) == ("indexed", "indexed")
    assert embedder.texts == a.chunks
    assert b.embedded == 0


def test_a_copy_under_another_name_is_embedded_with_its_own_title(
    ingestor: Ingestor, embedder: CountingEmbedder, folder: Path, db: Database
) -> None:
    # The file name is the title a chunk is matched by (see knowledge.context), so the same
    # text under another name is another text to embed.
    (folder / "a.txt").write_text(paragraphs(4))
    (folder / "b.txt").write_text(paragraphs(4))
    a, b = ingestor.ingest_many([folder / "a.txt", folder / "b.txt"])
    assert embedder.texts == a.chunks + b.chunks
    assert b.embedded == b.chunks > 0
    assert documents(db)["b.txt"][0] == "indexed"


def test_a_rename_keeps_the_record_and_its_vectors(
    ingestor: Ingestor, embedder: CountingEmbedder, folder: Path, db: Database
) -> None:
    source, target = folder / "old.md", folder / "new name.md"
    source.write_text(paragraphs(3))
    ingestor.ingest(source)
    with db.session() as session:
        before = session.scalar(select(Document.id))
    embedded = embedder.texts
    shutil.move(source, target)
    moved = ingestor.move(source, target)
    assert moved.outcome == "moved" and "old.md" in moved.reason
    with db.session() as session:
        assert session.scalars(select(Document.id)).all() == [before]
        assert session.scalar(select(Document.path)) == str(target)
    assert embedder.texts == embedded


def test_a_rename_while_closed_is_recognised_by_content(
    ingestor: Ingestor, embedder: CountingEmbedder, folder: Path, db: Database
) -> None:
    (folder / "first.txt").write_text(paragraphs(3))
    ingestor.ingest(folder / "first.txt")
    embedded = embedder.texts
    (folder / "first.txt").rename(folder / "second.txt")
    outcome = ingestor.ingest(folder / "second.txt")
    assert outcome.outcome == "moved"
    assert ingestor.remove(folder / "first.txt").outcome == "unchanged"
    assert list(documents(db)) == ["second.txt"]
    assert embedder.texts == embedded


def test_deleting_a_file_removes_its_vectors(
    ingestor: Ingestor, folder: Path, db: Database
) -> None:
    keep, drop = folder / "keep.txt", folder / "drop.txt"
    keep.write_text(paragraphs(2, "k"))
    drop.write_text(paragraphs(3, "d"))
    ingestor.ingest_many([keep, drop])
    drop.unlink()
    assert ingestor.ingest(drop).outcome == "removed"
    assert list(documents(db)) == ["keep.txt"]
    assert ingestor.vectors.ids() == db_chunk_ids(db)
    assert len(ingestor.vectors) == documents(db)["keep.txt"][2]


def test_files_that_cannot_be_indexed_say_why_and_are_not_retried(
    ingestor: Ingestor, embedder: CountingEmbedder, folder: Path, db: Database
) -> None:
    write_bytes(folder / "image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (folder / "huge.txt").write_text("x " * 40_000)
    (folder / "empty.txt").write_bytes(b"")
    write_bytes(folder / "fake.pdf", os.urandom(2048))
    write_encrypted_pdf(folder / "locked.pdf", "secret")
    paths = sorted(folder.iterdir())
    outcomes = {Path(o.path).name: (o.outcome, o.reason) for o in ingestor.ingest_many(paths)}
    assert outcomes["image.png"] == ("skipped", "unsupported type")
    assert outcomes["huge.txt"][0] == "skipped" and "too large" in outcomes["huge.txt"][1]
    assert outcomes["empty.txt"] == ("failed", "empty file")
    assert outcomes["fake.pdf"][0] == "failed" and "PDF" in outcomes["fake.pdf"][1]
    assert outcomes["locked.pdf"] == ("failed", "encrypted PDF")
    assert documents(db)["locked.pdf"] == ("failed", "encrypted PDF", 0)
    assert embedder.texts == 0
    again = {o.outcome for o in ingestor.ingest_many(paths)}
    assert again == {"unchanged"}


def test_a_fixed_file_is_indexed_after_it_failed(
    ingestor: Ingestor, folder: Path, db: Database
) -> None:
    path = folder / "later.txt"
    path.write_bytes(b"")
    assert ingestor.ingest(path).outcome == "failed"
    path.write_text(paragraphs(2))
    os.utime(path, (2_000_000, 2_000_000))
    assert ingestor.ingest(path).outcome == "indexed"
    assert documents(db)["later.txt"][:2] == ("indexed", None)


def test_a_missing_or_stale_vector_file_is_rebuilt_without_embedding(
    ingestor: Ingestor,
    embedder: CountingEmbedder,
    folder: Path,
    db: Database,
    kb_settings: Settings,
) -> None:
    for i in range(3):
        (folder / f"f{i}.txt").write_text(paragraphs(3, str(i)))
    ingestor.ingest_many(sorted(folder.iterdir()))
    ingestor.save_vectors()
    assert ingestor.sync_vectors() == "loaded"
    embedded = embedder.texts
    expected = db_chunk_ids(db)

    shutil.rmtree(kb_settings.index_dir)
    assert ingestor.sync_vectors() == "rebuilt"
    assert ingestor.vectors.ids() == expected

    ingestor.save_vectors()
    (folder / "f0.txt").unlink()
    ingestor.ingest(folder / "f0.txt")  # the database moves on; the saved file is now stale
    assert ingestor.sync_vectors() == "rebuilt"
    assert ingestor.vectors.ids() == db_chunk_ids(db)
    assert embedder.texts == embedded


def _listed_on_arrival(db: Database, path: Path) -> None:
    """What the watcher does when a file lands: a pending row, nothing read yet."""
    with db.session() as session:
        store.add_document(session, str(path), size=path.stat().st_size, state="pending")


def test_a_rename_while_closed_is_recognised_after_the_new_name_was_listed(
    ingestor: Ingestor, embedder: CountingEmbedder, folder: Path, db: Database
) -> None:
    (folder / "first.txt").write_text(paragraphs(3))
    ingestor.ingest(folder / "first.txt")
    embedded = embedder.texts
    (folder / "first.txt").rename(folder / "second.txt")
    _listed_on_arrival(db, folder / "second.txt")
    assert ingestor.ingest(folder / "second.txt").outcome == "moved"
    assert list(documents(db)) == ["second.txt"]
    assert documents(db)["second.txt"][0] == "indexed"
    assert embedder.texts == embedded


def test_a_rename_onto_a_name_listed_as_pending_keeps_the_record(
    ingestor: Ingestor, embedder: CountingEmbedder, folder: Path, db: Database
) -> None:
    source, target = folder / "old.md", folder / "new.md"
    source.write_text(paragraphs(3))
    ingestor.ingest(source)
    with db.session() as session:
        before = session.scalar(select(Document.id))
    embedded = embedder.texts
    shutil.move(source, target)
    _listed_on_arrival(db, target)
    assert ingestor.move(source, target).outcome == "moved"
    with db.session() as session:
        assert session.scalars(select(Document.id)).all() == [before]
    assert embedder.texts == embedded
