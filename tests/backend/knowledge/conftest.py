"""Knowledge-base fixtures: the real MiniLM embedder (loaded once per session), a fast
deterministic stand-in for tests that do not care about meaning, and a migrated database."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from backend.config import Settings
from backend.knowledge.embedder import Embedder
from backend.knowledge.ingest import Ingestor
from backend.knowledge.vectors import VectorIndex
from backend.storage import migrate
from backend.storage.db import Database
from backend.storage.models import Chunk, Document

if TYPE_CHECKING:
    from backend.knowledge.service import KnowledgeService

_WORD = re.compile(r"[^\W_]+")


class HashEmbedder:
    """The Embedder interface with hashed bag-of-words vectors: instant and deterministic.

    Texts sharing words get similar vectors; paraphrases with other words do not.
    """

    model = "hash"
    model_name = "hash-bag-of-words"
    loaded = True

    def __init__(self, dimension: int = 384, batch_size: int = 32) -> None:
        self.dimension = dimension
        self.batch_size = batch_size
        self.calls = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            number = int.from_bytes(digest, "little")
            vector[number % self.dimension] += 1.0 if number >> 63 else -1.0
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            # Still a unit vector, as the contract promises, for text without words.
            vector[0] = 1.0
            return vector
        return vector / norm

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vector(text) for text in texts]).astype(np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return np.asarray(self.encode([text])[0], dtype=np.float32)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real bundled MiniLM, loaded once for the whole session."""
    model = Embedder()
    model.encode(["warm up"])
    return model


@pytest.fixture
def fake_embedder() -> HashEmbedder:
    """A fast deterministic embedder with the real one's interface and dimension."""
    return HashEmbedder()


@pytest.fixture
def db(kb_settings: Settings) -> Iterator[Database]:
    """A migrated database in ``kb_settings``' data dir (each module defines ``kb_settings``,
    the knowledge settings its tests run with)."""
    migrate.upgrade(kb_settings.database_path)
    database = Database(kb_settings.database_path)
    yield database
    database.dispose()


@pytest.fixture
def ingestor(kb_settings: Settings, db: Database) -> Ingestor:
    """An ingestor on ``db`` with the hashing embedder and a fresh vector index."""
    vectors = VectorIndex(kb_settings.index_dir, 384)
    return Ingestor(kb_settings, db, HashEmbedder(), vectors)  # type: ignore[arg-type]


ServiceFactory = Callable[[], "KnowledgeService"]


@pytest.fixture
def services(kb_settings: Settings, db: Database) -> Iterator[ServiceFactory]:
    """Starts knowledge services on ``kb_settings`` with the hashing embedder (no scan at
    start); each is stopped after the test, last started first."""
    from backend.knowledge.service import KnowledgeService

    started: list[KnowledgeService] = []

    def start() -> KnowledgeService:
        service = KnowledgeService(kb_settings, db, embedder=HashEmbedder())  # type: ignore[arg-type]
        service.start(scan=False)
        started.append(service)
        return service

    yield start
    for service in reversed(started):
        service.stop()


@pytest.fixture
def knowledge_db(tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty app database in a temp folder."""
    path = tmp_path / "agentdesk.db"
    migrate.upgrade(path)
    database = Database(path)
    yield database
    database.dispose()


AddDocument = Callable[..., list[int]]


@pytest.fixture
def add_document(knowledge_db: Database, fake_embedder: HashEmbedder) -> AddDocument:
    """Insert a document and its chunks straight into ``knowledge_db``; returns chunk ids.

    Keyword options: ``state`` ("indexed"), ``file_type`` (from the suffix), ``pages``,
    ``embedder`` (the fake one) and ``vectors`` (a VectorIndex to add the vectors to).
    """

    def add(
        path: str,
        texts: Sequence[str],
        *,
        state: str = "indexed",
        file_type: str | None = None,
        pages: Sequence[int | None] | None = None,
        embedder: Any = None,
        vectors: VectorIndex | None = None,
    ) -> list[int]:
        encoder = embedder or fake_embedder
        matrix = encoder.encode(list(texts))
        with knowledge_db.session() as session:
            document = Document(
                path=path,
                file_type=file_type or Path(path).suffix.lstrip("."),
                size=sum(len(t) for t in texts),
                sha256=hashlib.sha256(path.encode()).hexdigest(),
                state=state,
                chunk_count=len(texts),
            )
            session.add(document)
            session.flush()
            offset = 0
            chunks = []
            for seq, text in enumerate(texts):
                chunk = Chunk(
                    document_id=document.id,
                    seq=seq,
                    text=text,
                    text_sha256=hashlib.sha256(text.encode()).hexdigest(),
                    page=pages[seq] if pages else None,
                    start=offset,
                    end=offset + len(text),
                    embedding=matrix[seq].astype(np.float32).tobytes(),
                )
                offset += len(text)
                session.add(chunk)
                chunks.append(chunk)
            session.flush()
            ids = [chunk.id for chunk in chunks]
        if vectors is not None:
            vectors.add(ids, matrix)
        return ids

    return add
