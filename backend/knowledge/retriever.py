"""Hybrid retrieval: dense vectors and BM25 keywords, fused by reciprocal rank."""

from __future__ import annotations

import fnmatch
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import sqlalchemy

from backend.knowledge.embedder import Embedder
from backend.knowledge.keyword import bm25_search
from backend.knowledge.vectors import VectorIndex
from backend.storage.db import Database

SearchMode = Literal["dense", "bm25", "hybrid"]
# Each method proposes this many candidates per requested hit, so fusion, filtering of
# unindexed documents and duplicate collapsing still leave k hits.
CANDIDATES_PER_HIT = 4
RRF_K = 60
INDEXED = "indexed"

# CROSS JOIN fixes SQLite's join order: the wanted ids first, then each chunk and its
# document by primary key. Left to itself the planner starts from every indexed document
# (by the state index), which costs milliseconds per search at 100k chunks.
_HYDRATE = sqlalchemy.text(
    "SELECT c.id, c.document_id, c.text, c.text_sha256, c.page, c.start, c.end, d.path "
    "FROM json_each(:ids) AS wanted "
    "CROSS JOIN chunks c ON c.id = wanted.value "
    "CROSS JOIN documents d ON d.id = c.document_id "
    "WHERE d.state = :state"
)


@dataclass(frozen=True)
class SearchFilters:
    """Which documents a search may return: under a folder, matching a glob, of some types."""

    folder: str | None = None
    path_glob: str | None = None
    file_types: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        """True when at least one filter is set."""
        return bool(self.folder or self.path_glob or self.file_types)


@dataclass(frozen=True)
class SearchHit:
    """One retrieved chunk and where it comes from."""

    chunk_id: int
    document_id: int
    text: str
    source: str
    score: float
    page: int | None
    start: int
    end: int
    # Cosine similarity of the query and this chunk (MiniLM vectors), whatever the mode:
    # RRF and BM25 scores are ranks and counts, so only this says how relevant a hit is.
    similarity: float | None = None


def reciprocal_rank_fusion(rankings: list[list[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Fuse ranked id lists: each id scores the sum of 1 / (k + rank), rank counted from 1.

    Ties keep the order in which ids first appear, so the result is deterministic.
    """
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def path_matches(path: str, pattern: str) -> bool:
    """True when the glob ``pattern`` matches the whole path or its trailing components.

    So ``*.md``, ``notes/*.md`` and ``/home/me/notes/*`` all do what they look like.
    """
    path = path.replace("\\", "/")
    pattern = pattern.replace("\\", "/")
    return fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, "*/" + pattern.lstrip("/"))


class HybridRetriever:
    """Searches the knowledge base by meaning, by keywords, or both fused."""

    def __init__(self, db: Database, vectors: VectorIndex, embedder: Embedder) -> None:
        self.db = db
        self.vectors = vectors
        self.embedder = embedder

    def search(
        self,
        query: str,
        k: int = 5,
        mode: SearchMode = "hybrid",
        filters: SearchFilters | None = None,
    ) -> list[SearchHit]:
        """The ``k`` best chunks for ``query``, best first, identical texts collapsed.

        Scores: cosine similarity (dense), negated BM25 (bm25) or the fused RRF score. Every
        hit also carries its cosine ``similarity`` (except in bm25 mode, which embeds nothing).
        """
        if mode not in ("dense", "bm25", "hybrid"):
            raise ValueError(f"unknown search mode: {mode!r}")
        if k <= 0 or not query.strip():
            return []
        allowed = self.allowed_chunk_ids(filters) if filters and filters.active else None
        if allowed is not None and not allowed:
            return []
        depth = k * CANDIDATES_PER_HIT
        dense: list[tuple[int, float]] = []
        keyword: list[tuple[int, float]] = []
        vector = None
        if mode != "bm25":
            vector = self.embedder.encode_query(query)
            dense = self.vectors.search(vector, depth, allowed)
        if mode != "dense":
            with self.db.engine.connect() as connection:
                keyword = bm25_search(connection, query, depth, allowed)
        if mode == "dense":
            ranked = dense
        elif mode == "bm25":
            ranked = keyword
        else:
            ranked = reciprocal_rank_fusion([[i for i, _ in dense], [i for i, _ in keyword]])
        hits = self._hydrate(ranked, k)
        if vector is None:
            return hits
        return self._with_similarity(hits, vector, dict(dense))

    def _with_similarity(
        self, hits: list[SearchHit], vector: Any, known: dict[int, float]
    ) -> list[SearchHit]:
        """``hits`` with their cosine similarity; keyword-only hits get theirs from FAISS."""
        missing = [hit.chunk_id for hit in hits if hit.chunk_id not in known]
        if missing:
            known.update(self.vectors.search(vector, len(missing), missing))
        return [replace(hit, similarity=known.get(hit.chunk_id)) for hit in hits]

    def allowed_chunk_ids(self, filters: SearchFilters) -> set[int]:
        """Ids of the chunks of indexed documents that pass ``filters``."""
        clauses = ["state = :state"]
        params: dict[str, object] = {"state": INDEXED}
        if filters.folder:
            # A prefix compare, not LIKE: paths may hold % or _ and LIKE ignores case.
            folder = str(Path(filters.folder))
            clauses.append("substr(path, 1, length(:prefix)) = :prefix")
            params["prefix"] = folder if folder.endswith(os.sep) else folder + os.sep
        if filters.file_types:
            clauses.append("file_type IN (SELECT value FROM json_each(:types))")
            params["types"] = json.dumps(list(filters.file_types))
        sql = sqlalchemy.text(f"SELECT id, path FROM documents WHERE {' AND '.join(clauses)}")
        with self.db.engine.connect() as connection:
            documents = connection.execute(sql, params).all()
            if filters.path_glob:
                glob = filters.path_glob
                documents = [row for row in documents if path_matches(row.path, glob)]
            if not documents:
                return set()
            rows = connection.execute(
                sqlalchemy.text(
                    "SELECT id FROM chunks WHERE document_id IN (SELECT value FROM json_each(:ids))"
                ),
                {"ids": json.dumps([row.id for row in documents])},
            )
            return {int(row.id) for row in rows}

    def _hydrate(self, ranked: list[tuple[int, float]], k: int) -> list[SearchHit]:
        if not ranked:
            return []
        with self.db.engine.connect() as connection:
            rows = connection.execute(
                _HYDRATE, {"ids": json.dumps([i for i, _ in ranked]), "state": INDEXED}
            )
            by_id = {int(row.id): row for row in rows}
        hits: list[SearchHit] = []
        seen_texts: set[str] = set()
        for chunk_id, score in ranked:
            row = by_id.get(chunk_id)
            # Gone since it was indexed, or its document is being re-ingested.
            if row is None or row.text_sha256 in seen_texts:
                continue
            seen_texts.add(row.text_sha256)
            hits.append(
                SearchHit(
                    chunk_id=chunk_id,
                    document_id=int(row.document_id),
                    text=row.text,
                    source=row.path,
                    score=score,
                    page=row.page,
                    start=int(row.start),
                    end=int(row.end),
                )
            )
            if len(hits) == k:
                break
        return hits
