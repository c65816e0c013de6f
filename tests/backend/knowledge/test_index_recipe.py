"""A changed embedding model or chunk size between two starts redoes the index, never mixes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from backend.config import Settings
from backend.knowledge import bulk, recipe
from backend.knowledge.chunking import CHUNKER_VERSION
from backend.knowledge.service import KnowledgeService
from backend.storage.db import Database
from backend.storage.models import Chunk, Document, Setting
from tests.backend.knowledge.conftest import HashEmbedder
from tests.conftest import SettingsFactory

NOTES = {
    "herons.txt": "Grey herons nest in tall trees beside the lake. " * 30,
    "kettles.txt": "The copper kettle whistles when the water boils. " * 30,
    "lanterns.txt": "Paper lanterns hang over the market at night. " * 30,
    # One chunk at either size: its text, and so its vector, survive a change of chunk size.
    "owls.txt": "Barn owls hunt over the meadow at dusk.",
}


class OtherModel(HashEmbedder):
    """Another embedding model: its own name, and optionally another vector length."""

    def __init__(self, name: str, dimension: int = 384) -> None:
        super().__init__(dimension=dimension)
        self.model_name = name  # type: ignore[misc]
        self.texts = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += len(texts)
        return super().encode(texts)


@pytest.fixture
def kb_settings(make_settings: SettingsFactory) -> Settings:
    return make_settings(chunk_size=200, chunk_overlap=0)


def start(settings: Settings, db: Database, embedder: HashEmbedder) -> KnowledgeService:
    """Start the knowledge base as the app does, and wait for its scan of the inbox."""
    service = KnowledgeService(settings, db, embedder=embedder)  # type: ignore[arg-type]
    service.start(scan=False)
    service.reconcile()
    assert service.queue.wait_idle(30), service.status()
    return service


def documents(db: Database) -> dict[str, tuple[str, int]]:
    with db.session() as session:
        return {
            Path(d.path).name: (d.state, d.chunk_count) for d in session.scalars(select(Document))
        }


def vector_lengths(db: Database) -> set[int]:
    with db.session() as session:
        return {int(n) // 4 for n in session.scalars(select(func.length(Chunk.embedding)))}


@pytest.fixture
def first_index(kb_settings: Settings, db: Database) -> dict[str, tuple[str, int]]:
    """The three notes indexed with the 384-dimension hash model, then the app closed."""
    for name, text in NOTES.items():
        (kb_settings.inbox_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (kb_settings.inbox_dir / name).write_text(text, encoding="utf-8")
    service = start(kb_settings, db, OtherModel("model-a"))
    service.stop()
    listed = documents(db)
    assert {state for state, _ in listed.values()} == {"indexed"}
    return listed


def test_a_model_with_another_vector_length_re_embeds_everything(
    kb_settings: Settings, db: Database, first_index: dict[str, tuple[str, int]]
) -> None:
    model = OtherModel("model-b", dimension=128)
    service = start(kb_settings, db, model)
    try:
        assert documents(db) == first_index
        assert vector_lengths(db) == {128}
        assert len(service.vectors) == sum(chunks for _, chunks in first_index.values())
        assert model.texts > 0
        hit = service.search("copper kettle whistles", 1, mode="dense")[0]
        assert hit.source.endswith("kettles.txt")
    finally:
        service.stop()
    with db.session() as session:
        kept = recipe.Recipe.from_json(session.get(Setting, recipe.RECIPE_KEY).value)  # type: ignore[union-attr]
    assert kept == recipe.Recipe("model-b", 128, 200, 0, kb_settings.max_file_mb, CHUNKER_VERSION)


def test_a_model_with_the_same_vector_length_is_not_mixed_with_the_old_one(
    kb_settings: Settings, db: Database, first_index: dict[str, tuple[str, int]]
) -> None:
    model = OtherModel("model-c")
    service = start(kb_settings, db, model)
    service.stop()
    assert documents(db) == first_index
    # Every chunk was embedded by the new model, none reused from the old one.
    assert model.texts == len({c for c in _chunk_texts(db)})


def test_an_index_from_before_recipes_with_other_vectors_is_re_embedded(
    kb_settings: Settings, db: Database, first_index: dict[str, tuple[str, int]]
) -> None:
    with db.session() as session:
        session.delete(session.get(Setting, recipe.RECIPE_KEY))
    service = start(kb_settings, db, OtherModel("model-a", dimension=64))
    service.stop()
    assert documents(db) == first_index
    assert vector_lengths(db) == {64}


def test_an_index_from_before_recipes_with_matching_vectors_is_kept(
    kb_settings: Settings, db: Database, first_index: dict[str, tuple[str, int]]
) -> None:
    with db.session() as session:
        session.delete(session.get(Setting, recipe.RECIPE_KEY))
        chunk_ids = set(session.scalars(select(Chunk.id)))
    model = OtherModel("model-a")
    service = start(kb_settings, db, model)
    service.stop()
    assert model.texts == 0
    with db.session() as session:
        assert set(session.scalars(select(Chunk.id))) == chunk_ids
        assert session.get(Setting, recipe.RECIPE_KEY) is not None


def test_unchanged_settings_redo_nothing(
    kb_settings: Settings, db: Database, first_index: dict[str, tuple[str, int]]
) -> None:
    with db.session() as session:
        before = {d.path: d.mtime for d in session.scalars(select(Document))}
    model = OtherModel("model-a")
    service = start(kb_settings, db, model)
    service.stop()
    assert model.texts == 0
    with db.session() as session:
        assert {d.path: d.mtime for d in session.scalars(select(Document))} == before


def test_another_chunk_size_splits_again_and_reuses_unchanged_vectors(
    make_settings: SettingsFactory,
    kb_settings: Settings,
    db: Database,
    first_index: dict[str, tuple[str, int]],
) -> None:
    bigger = make_settings(chunk_size=700, chunk_overlap=0, data_dir=kb_settings.data_dir)
    old_texts = set(_chunk_texts(db))
    model = OtherModel("model-a")
    service = KnowledgeService(bigger, db, embedder=model)  # type: ignore[arg-type]
    service.start(scan=False)
    try:
        # Until a document is redone, its old chunks are still found.
        assert service.search("paper lanterns market", 1, mode="bm25")
        assert {state for state, _ in documents(db).values()} == {"indexed"}
        service.reconcile()
        assert service.queue.wait_idle(30)
        after = documents(db)
        assert {state for state, _ in after.values()} == {"indexed"}
        for name, (_, chunks) in after.items():
            if name == "owls.txt":
                assert chunks == first_index[name][1] == 1
            else:
                assert chunks < first_index[name][1]
        new_texts = set(_chunk_texts(db))
        assert "Barn owls hunt over the meadow at dusk." in old_texts & new_texts
        # Only texts never seen before were embedded; the owls' chunk kept its vector.
        assert model.texts == len(new_texts - old_texts)
        assert len(service.vectors) == sum(chunks for _, chunks in after.values())
        assert service.search("paper lanterns market", 1, mode="dense")[0].source.endswith(
            "lanterns.txt"
        )
    finally:
        service.stop()


def test_a_raised_size_limit_indexes_the_files_skipped_as_too_large(
    make_settings: SettingsFactory, kb_settings: Settings, db: Database
) -> None:
    small = make_settings(chunk_size=200, chunk_overlap=0, max_file_mb=0.001)
    kb_settings.inbox_dir.mkdir(parents=True, exist_ok=True)
    (kb_settings.inbox_dir / "long.txt").write_text("Herons wade in the shallows. " * 100)
    (kb_settings.inbox_dir / "short.txt").write_text("Owls hunt at dusk.")
    start(small, db, OtherModel("model-a")).stop()
    with db.session() as session:
        long = session.scalar(select(Document).where(Document.path.endswith("long.txt")))
        assert long is not None and long.state == "skipped"
        assert (long.error or "").startswith("too large")

    model = OtherModel("model-a")
    start(kb_settings, db, model).stop()
    assert documents(db)["long.txt"][0] == "indexed"
    assert documents(db)["short.txt"] == ("indexed", 1)
    # Only the file that was too large was read; the other one was left alone.
    assert model.texts == len(set(_chunk_texts(db))) - 1


def test_a_crash_while_forgetting_vectors_is_finished_on_the_next_start(
    kb_settings: Settings,
    db: Database,
    first_index: dict[str, tuple[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = bulk.delete_chunks
    calls = 0

    def crash_on_the_second(database: Database, document_id: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("power cut")
        real(database, document_id)

    monkeypatch.setattr(bulk, "delete_chunks", crash_on_the_second)
    new = recipe.Recipe("model-b", 128, 200, 0, kb_settings.max_file_mb, CHUNKER_VERSION)
    with pytest.raises(RuntimeError, match="power cut"):
        recipe.apply(db, new)
    assert recipe.stored(db) != new
    monkeypatch.setattr(bulk, "delete_chunks", real)

    service = start(kb_settings, db, OtherModel("model-b", dimension=128))
    service.stop()
    assert documents(db) == first_index
    assert vector_lengths(db) == {128}


def _chunk_texts(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(Chunk.text)))
