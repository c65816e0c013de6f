from collections.abc import Callable

import pytest

from backend.knowledge.keyword import MAX_QUERY_TOKENS, bm25_search, fts_query
from backend.storage.db import Database

AddDocument = Callable[..., list[int]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello world", '"hello" OR "world"'),
        ('say "hello', '"say" OR "hello"'),
        (
            "prefix* -excluded +plus ^start col:umn",
            '"prefix" OR "excluded" OR "plus" OR "start" OR "col" OR "umn"',
        ),
        ("NEAR(alpha beta, 2)", '"near" OR "alpha" OR "beta" OR "2"'),
        ("a AND b OR NOT c", '"a" OR "and" OR "b" OR "or" OR "not" OR "c"'),
        ("Hello HELLO hello", '"hello"'),
        ("snake_case", '"snake" OR "case"'),
        ("Café naïve 東京 Ünïcödé", '"café" OR "naïve" OR "東京" OR "ünïcödé"'),
        ("\uff46\uff55\uff4c\uff4c \uff57\uff49\uff44\uff54\uff48", '"full" OR "width"'),
        ("", ""),
        ('*** -- "" () : ^ + {}', ""),
    ],
)
def test_fts_query_quotes_words_and_drops_syntax(text: str, expected: str) -> None:
    assert fts_query(text) == expected


def test_fts_query_is_bounded() -> None:
    words = " ".join(f"w{i}" for i in range(500))
    assert fts_query(words).count(" OR ") == MAX_QUERY_TOKENS - 1


NASTY = [
    '"unbalanced',
    "a*",
    "-minus",
    "NEAR(x y)",
    "col:value",
    "AND",
    "OR OR OR",
    "(((",
    "'; DROP TABLE chunks; --",
    "\x00null\x00byte",
    "emoji 🚀 rocket",
    "   ",
]


@pytest.mark.parametrize("text", NASTY)
def test_any_user_text_is_a_valid_query(
    knowledge_db: Database, add_document: AddDocument, text: str
) -> None:
    add_document("/kb/a.txt", ["a rocket and a minus sign with value x y byte null"])
    with knowledge_db.engine.connect() as connection:
        bm25_search(connection, text, 5)
        count = connection.exec_driver_sql("SELECT count(*) FROM chunks").scalar()
    assert count == 1


@pytest.fixture
def corpus(add_document: AddDocument) -> list[int]:
    return add_document(
        "/kb/notes.txt",
        [
            "The quarterly report covers revenue and costs.",
            "Zygomorphic flowers are bilaterally symmetric; zygomorphic means that.",
            "Flowers in the garden bloom in spring.",
            "The runner was running in the morning runs.",
            "Nothing relevant here at all.",
        ],
    )


def test_rare_words_rank_first_with_positive_scores(
    knowledge_db: Database, corpus: list[int]
) -> None:
    with knowledge_db.engine.connect() as connection:
        hits = bm25_search(connection, "zygomorphic flowers", 5)
    assert [chunk_id for chunk_id, _ in hits] == [corpus[1], corpus[2]]
    assert hits[0][1] > hits[1][1] > 0


def test_words_match_by_stem(knowledge_db: Database, corpus: list[int]) -> None:
    with knowledge_db.engine.connect() as connection:
        assert [i for i, _ in bm25_search(connection, "run", 5)] == [corpus[3]]


def test_k_limits_and_empty_queries_return_nothing(
    knowledge_db: Database, corpus: list[int]
) -> None:
    with knowledge_db.engine.connect() as connection:
        assert len(bm25_search(connection, "the flowers report", 1)) == 1
        assert bm25_search(connection, "the", 0) == []
        assert bm25_search(connection, "?!", 5) == []
        assert bm25_search(connection, "absent", 5) == []


def test_allowed_ids_filter_candidates(knowledge_db: Database, corpus: list[int]) -> None:
    with knowledge_db.engine.connect() as connection:
        hits = bm25_search(connection, "zygomorphic flowers", 5, allowed_ids={corpus[2]})
        assert [i for i, _ in hits] == [corpus[2]]
        assert bm25_search(connection, "flowers", 5, allowed_ids=[]) == []
        many = set(range(100_000, 160_000)) | {corpus[1]}
        assert [i for i, _ in bm25_search(connection, "flowers", 5, allowed_ids=many)] == [
            corpus[1]
        ]


def test_deleted_chunks_leave_the_keyword_index(knowledge_db: Database, corpus: list[int]) -> None:
    with knowledge_db.engine.begin() as connection:
        connection.exec_driver_sql(f"DELETE FROM chunks WHERE id = {corpus[1]}")
    with knowledge_db.engine.connect() as connection:
        assert [i for i, _ in bm25_search(connection, "zygomorphic", 5)] == []
