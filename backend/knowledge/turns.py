"""Whose turn it is to use the embedding model: searches and ingest batches, taken in turns.

The model runs one call at a time (a fast tokenizer shared by threads can fail with "Already
borrowed"). A plain lock is not fair: the ingest worker, releasing it after a batch, takes it
straight back while searches wait, and fifty searching clients can likewise keep the worker
from ever getting it. Here the turns alternate whenever both are waiting:

- **searches** wait at most for the ingest batch under way; all the searches waiting when
  their turn comes are embedded together in one call (up to ``MAX_QUERIES``);
- **ingest batches** go in the order they asked, one batch per turn, and never wait for more
  than one round of searches.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal

import numpy as np

MAX_QUERIES = 64

Encode = Callable[[list[str]], np.ndarray]


class _Query:
    __slots__ = ("error", "text", "vector")

    def __init__(self, text: str) -> None:
        self.text = text
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None

    @property
    def done(self) -> bool:
        return self.vector is not None or self.error is not None


class EncodeTurns:
    """Schedules the model between single-text queries and bulk batches; thread-safe."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._busy = False
        self._last: Literal["query", "bulk"] = "query"
        self._queries: list[_Query] = []
        self._bulk: deque[object] = deque()

    @property
    def waiting(self) -> tuple[int, int]:
        """How many queries and bulk batches are waiting for a turn."""
        with self._cond:
            return len(self._queries), len(self._bulk)

    def query(self, text: str, encode: Encode) -> np.ndarray:
        """The vector of ``text``, encoded with the other queries waiting at its turn."""
        mine = _Query(text)
        with self._cond:
            self._queries.append(mine)
            while not mine.done and not self._query_turn():
                self._cond.wait()
            if mine.done:
                return self._result(mine)
            batch = self._queries[:MAX_QUERIES]
            del self._queries[:MAX_QUERIES]
            self._take("query")
        try:
            vectors = encode([query.text for query in batch])
            for query, vector in zip(batch, vectors, strict=True):
                query.vector = np.asarray(vector, dtype=np.float32)
        except BaseException as error:
            for query in batch:
                query.error = error
        finally:
            self._give_back()
        return self._result(mine)

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Hold the model for one bulk batch, in arrival order among bulk batches."""
        ticket = object()
        with self._cond:
            self._bulk.append(ticket)
            try:
                while not self._bulk_turn(ticket):
                    self._cond.wait()
            finally:
                # Leaving the line, by a turn or by an exception while waiting.
                self._bulk.remove(ticket)
                self._cond.notify_all()
            self._take("bulk")
        try:
            yield
        finally:
            self._give_back()

    def _query_turn(self) -> bool:
        # Under the condition's lock: free, and not the bulk line's turn.
        return not self._busy and (not self._bulk or self._last == "bulk")

    def _bulk_turn(self, ticket: object) -> bool:
        return (
            not self._busy
            and self._bulk[0] is ticket
            and (not self._queries or self._last == "query")
        )

    def _take(self, who: Literal["query", "bulk"]) -> None:
        self._busy, self._last = True, who

    def _give_back(self) -> None:
        with self._cond:
            self._busy = False
            self._cond.notify_all()

    @staticmethod
    def _result(query: _Query) -> np.ndarray:
        if query.error is not None:
            raise query.error
        assert query.vector is not None
        return query.vector
