from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy

from backend.knowledge.embedder import Embedder
from backend.knowledge.retriever import (
    _HYDRATE,
    HybridRetriever,
    SearchFilters,
    path_matches,
    reciprocal_rank_fusion,
)
from backend.knowledge.vectors import VectorIndex
from backend.storage.db import Database

AddDocument = Callable[..., list[int]]


def test_rrf_rewards_ids_ranked_by_both_methods() -> None:
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 4, 1]], k=60)
    assert [i for i, _ in fused] == [1, 3, 2, 4]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 63)
    assert fused[2][1] == pytest.approx(1 / 62)


def test_rrf_breaks_ties_by_first_appearance_and_handles_empty_lists() -> None:
    assert [i for i, _ in reciprocal_rank_fusion([[7, 8], [9]])] == [7, 9, 8]
    assert reciprocal_rank_fusion([[], []]) == []


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("/kb/notes/a.md", "*.md", True),
        ("/kb/notes/a.md", "notes/*.md", True),
        ("/kb/notes/a.md", "/kb/notes/*", True),
        ("/kb/notes/a.md", "a.md", True),
        ("/kb/notes/a.md", "ta.md", False),
        ("/kb/notes/a.md", "*.txt", False),
        ("/kb/notes/a.md", "other/*.md", False),
        ("C:\\kb\\notes\\a.md", "notes/*.md", True),
        ("/kb/report-2024.pdf", "report-20[0-9][0-9].pdf", True),
    ],
)
def test_path_globs_match_whole_paths_or_trailing_parts(
    path: str, pattern: str, expected: bool
) -> None:
    assert path_matches(path, pattern) is expected


@pytest.fixture
def vectors(tmp_path: Path, fake_embedder: Any) -> VectorIndex:
    return VectorIndex(tmp_path / "index", fake_embedder.dimension)


@pytest.fixture
def retriever(knowledge_db: Database, vectors: VectorIndex, fake_embedder: Any) -> HybridRetriever:
    return HybridRetriever(knowledge_db, vectors, fake_embedder)


@pytest.fixture
def library(add_document: AddDocument, vectors: VectorIndex) -> dict[str, list[int]]:
    """Documents in two folders (one a name-prefix of the other) and several types."""
    return {
        "notes_md": add_document(
            "/kb/notes/garden.md",
            ["Tomatoes need sun and water in the garden.", "Prune roses in early spring."],
            pages=[None, None],
            vectors=vectors,
        ),
        "notes_pdf": add_document(
            "/kb/notes/manual.pdf",
            ["The garden pump manual: clean the filter monthly."],
            pages=[3],
            vectors=vectors,
        ),
        "old_txt": add_document(
            "/kb/notes-old/garden.txt",
            ["Old garden notes about tomatoes and water."],
            vectors=vectors,
        ),
        "work_md": add_document(
            "/kb/work/plan.md",
            ["Quarterly plan: hire two engineers."],
            vectors=vectors,
        ),
    }


def ids(hits: list[Any]) -> list[int]:
    return [hit.chunk_id for hit in hits]


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_each_mode_finds_the_matching_chunk_with_its_source(
    retriever: HybridRetriever, library: dict[str, list[int]], mode: Any
) -> None:
    hits = retriever.search("garden pump filter manual", k=2, mode=mode)
    assert hits[0].chunk_id == library["notes_pdf"][0]
    assert hits[0].source == "/kb/notes/manual.pdf"
    assert hits[0].page == 3
    assert hits[0].text.startswith("The garden pump manual")
    assert (hits[0].start, hits[0].end) == (0, len(hits[0].text))
    assert hits[0].score > hits[1].score
    assert len(hits) == 2


def test_scores_follow_the_mode(retriever: HybridRetriever, library: dict[str, list[int]]) -> None:
    dense = retriever.search("garden pump filter manual", k=1, mode="dense")[0]
    keyword = retriever.search("garden pump filter manual", k=1, mode="bm25")[0]
    hybrid = retriever.search("garden pump filter manual", k=1, mode="hybrid")[0]
    assert 0 < dense.score <= 1.0001
    assert keyword.score > 0
    assert hybrid.score == pytest.approx(2 / 61)


def test_folder_filter_keeps_only_documents_under_that_folder(
    retriever: HybridRetriever, library: dict[str, list[int]]
) -> None:
    for folder in ("/kb/notes", "/kb/notes/"):
        hits = retriever.search("garden tomatoes water", k=10, filters=SearchFilters(folder))
        assert {h.source for h in hits} <= {"/kb/notes/garden.md", "/kb/notes/manual.pdf"}
        assert library["notes_md"][0] in ids(hits)
    assert retriever.search("garden", filters=SearchFilters(folder="/elsewhere")) == []


def test_glob_and_type_filters(retriever: HybridRetriever, library: dict[str, list[int]]) -> None:
    by_glob = retriever.search("garden plan", k=10, filters=SearchFilters(path_glob="*.md"))
    assert {h.source for h in by_glob} == {"/kb/notes/garden.md", "/kb/work/plan.md"}
    named = retriever.search("garden", k=10, filters=SearchFilters(path_glob="notes-old/*"))
    assert ids(named) == library["old_txt"]
    by_type = retriever.search("garden", k=10, filters=SearchFilters(file_types=("pdf", "txt")))
    assert set(ids(by_type)) == {library["notes_pdf"][0], library["old_txt"][0]}
    both = SearchFilters(folder="/kb/notes", file_types=("md",), path_glob="garden.*")
    assert set(ids(retriever.search("garden roses", k=10, filters=both))) == set(
        library["notes_md"]
    )


def test_documents_not_indexed_are_never_returned(
    retriever: HybridRetriever, add_document: AddDocument, vectors: VectorIndex
) -> None:
    add_document("/kb/pending.txt", ["walrus facts"], state="pending", vectors=vectors)
    add_document("/kb/failed.txt", ["walrus tusks"], state="failed", vectors=vectors)
    ok = add_document("/kb/ok.txt", ["walrus habitat"], vectors=vectors)
    for mode in ("dense", "bm25", "hybrid"):
        assert ids(retriever.search("walrus", k=5, mode=mode)) == ok
    filtered = retriever.search("walrus", k=5, filters=SearchFilters(folder="/kb"))
    assert ids(filtered) == ok


def test_identical_texts_collapse_to_one_hit(
    retriever: HybridRetriever, add_document: AddDocument, vectors: VectorIndex
) -> None:
    first = add_document("/kb/a.txt", ["Shared boilerplate disclaimer text."], vectors=vectors)
    second = add_document("/kb/b.txt", ["Shared boilerplate disclaimer text."], vectors=vectors)
    add_document("/kb/c.txt", ["A disclaimer of another kind."], vectors=vectors)
    hits = retriever.search("boilerplate disclaimer", k=3)
    assert [h.text for h in hits].count("Shared boilerplate disclaimer text.") == 1
    assert hits[0].chunk_id in first + second
    assert len(hits) == 2


def test_hits_are_looked_up_by_chunk_id_not_by_scanning_indexed_documents(
    knowledge_db: Database, library: dict[str, list[int]]
) -> None:
    # The plan, not a timing: a search must cost the same with 10 or 10,000 documents.
    with knowledge_db.engine.connect() as connection:
        plan = connection.execute(
            sqlalchemy.text(f"EXPLAIN QUERY PLAN {_HYDRATE.text}"),
            {"ids": "[1, 2]", "state": "indexed"},
        ).all()
    steps = [row[-1] for row in plan]
    assert steps[0].startswith("SCAN wanted"), steps
    assert all("PRIMARY KEY" in step for step in steps[1:]), steps


def test_vectors_without_a_chunk_row_are_skipped(
    retriever: HybridRetriever,
    library: dict[str, list[int]],
    vectors: VectorIndex,
    fake_embedder: Any,
) -> None:
    vectors.add([999_999], fake_embedder.encode(["garden pump filter manual"]))
    hits = retriever.search("garden pump filter manual", k=1, mode="dense")
    assert ids(hits) == library["notes_pdf"]


def test_blank_queries_and_k_zero_return_nothing(
    retriever: HybridRetriever, library: dict[str, list[int]]
) -> None:
    assert retriever.search("   ") == []
    assert retriever.search("garden", k=0) == []
    assert retriever.search("?!?", mode="bm25") == []
    with pytest.raises(ValueError):
        retriever.search("garden", mode="fuzzy")  # type: ignore[arg-type]


FAULTS = [
    "Fault zq7791: replace the fuse in the power unit.",
    "Fault zq7792: recalibrate the temperature sensor.",
    "Fault zq7719: update the controller firmware.",
    "Fault qz7791: clean the air intake filter.",
    "Fault zq7781: tighten the loose cable at the back.",
    "Fault zq9791: reset the device to factory settings.",
    "My car's engine failed to turn over on a very cold morning.",
    "The weather forecast promises sunshine all week.",
    "Baking bread needs flour, water, yeast and patience.",
]


def test_hybrid_finds_what_either_method_alone_misses(
    knowledge_db: Database, tmp_path: Path, add_document: AddDocument, embedder: Embedder
) -> None:
    vectors = VectorIndex(tmp_path / "minilm", embedder.dimension)
    chunk_ids = add_document("/kb/faults.txt", FAULTS, embedder=embedder, vectors=vectors)
    retriever = HybridRetriever(knowledge_db, vectors, embedder)
    # An exact rare code (dense confuses it with look-alike codes) and a paraphrase that
    # shares no word with its answer (BM25 cannot see it).
    cases = {"zq7791": chunk_ids[0], "automobile would not start, freezing weather": chunk_ids[6]}

    def found(mode: Any) -> int:
        return sum(want in ids(retriever.search(q, k=2, mode=mode)) for q, want in cases.items())

    assert found("dense") == 1
    assert found("bm25") == 1
    assert found("hybrid") == 2


def test_every_hit_carries_its_cosine_similarity_even_when_found_by_keywords_alone(
    retriever: HybridRetriever,
    library: dict[str, list[int]],
    vectors: VectorIndex,
    fake_embedder: Any,
) -> None:
    """RRF scores are ranks; the relevance cut-off needs the hit's own similarity."""
    query = "garden pump filter manual"
    vector = fake_embedder.encode_query(query)
    exact = dict(vectors.search(vector, 10))
    for mode in ("dense", "hybrid"):
        hits = retriever.search(query, k=5, mode=mode)
        assert hits and all(h.similarity == pytest.approx(exact[h.chunk_id]) for h in hits)
    assert retriever.search(query, k=1, mode="dense")[0].similarity == pytest.approx(
        retriever.search(query, k=1, mode="dense")[0].score
    )
    assert all(h.similarity is None for h in retriever.search(query, k=3, mode="bm25"))


def test_a_keyword_only_hybrid_hit_gets_its_similarity_from_the_index(
    knowledge_db: Database, tmp_path: Path, add_document: AddDocument, embedder: Embedder
) -> None:
    vectors = VectorIndex(tmp_path / "minilm", embedder.dimension)
    chunk_ids = add_document("/kb/faults.txt", FAULTS, embedder=embedder, vectors=vectors)
    retriever = HybridRetriever(knowledge_db, vectors, embedder)
    # k=1 proposes only 4 dense candidates out of 7: the BM25 match on the exact code may not
    # be among them, and must still come back with a similarity.
    hits = retriever.search("zq7791", k=2, mode="hybrid")
    assert chunk_ids[0] in ids(hits)
    vector = embedder.encode_query("zq7791")
    exact = dict(vectors.search(vector, len(FAULTS)))
    assert all(h.similarity == pytest.approx(exact[h.chunk_id], abs=1e-5) for h in hits)
