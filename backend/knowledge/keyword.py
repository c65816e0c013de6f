"""BM25 keyword search over chunk text with SQLite FTS5."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection

import sqlalchemy

# Letters and digits only, like FTS5's unicode61 tokenizer: quotes, *, -, ^, :, parentheses
# and the rest of the FTS5 syntax can never reach the MATCH expression.
_TOKEN = re.compile(r"[^\W_]+")
# Bounds the work one search can ask of SQLite however long the pasted text is.
MAX_QUERY_TOKENS = 64

_SEARCH = sqlalchemy.text(
    "SELECT rowid, bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH :q "
    "ORDER BY bm25(chunks_fts) LIMIT :k"
)
# The allowed ids travel as one JSON array parameter, so any number of them fits in one
# query without hitting SQLite's limit on bound variables.
_SEARCH_ALLOWED = sqlalchemy.text(
    "SELECT rowid, bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH :q "
    "AND rowid IN (SELECT value FROM json_each(:ids)) "
    "ORDER BY bm25(chunks_fts) LIMIT :k"
)


def query_tokens(text: str) -> list[str]:
    """The distinct searchable words of ``text``, in order, at most ``MAX_QUERY_TOKENS``."""
    seen: dict[str, None] = {}
    for token in _TOKEN.findall(unicodedata.normalize("NFKC", text)):
        seen.setdefault(token.lower(), None)
        if len(seen) == MAX_QUERY_TOKENS:
            break
    return list(seen)


def fts_query(text: str) -> str:
    """User text as a safe FTS5 MATCH expression: quoted words joined by OR; "" if none.

    Operators typed by the user (AND, NOT, NEAR, *, -, quotes) become plain words or vanish,
    so any input is a valid query that matches chunks sharing at least one word.
    """
    return " OR ".join(f'"{token}"' for token in query_tokens(text))


def bm25_search(
    connection: sqlalchemy.Connection,
    query: str,
    k: int,
    allowed_ids: Collection[int] | None = None,
) -> list[tuple[int, float]]:
    """The ``k`` best chunks for the user text ``query`` by BM25, as (chunk id, score).

    Higher scores are better (FTS5's bm25() is negated). With ``allowed_ids`` only those
    chunks are candidates.
    """
    match = fts_query(query)
    if not match or k <= 0:
        return []
    if allowed_ids is None:
        rows = connection.execute(_SEARCH, {"q": match, "k": k})
    else:
        if not allowed_ids:
            return []
        ids = json.dumps([int(i) for i in allowed_ids])
        rows = connection.execute(_SEARCH_ALLOWED, {"q": match, "k": k, "ids": ids})
    return [(int(rowid), -float(score)) for rowid, score in rows]
