"""Searches and ingest batches take the embedding model in turns; waiting searches go together."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import pytest

from backend.knowledge.turns import MAX_QUERIES, EncodeTurns
from tests.backend.knowledge.waiting import wait_for


class Model:
    """A stand-in model call that logs each call and can be held open by the test."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.gates: dict[str, threading.Event] = {}
        self.entered: dict[str, threading.Event] = {}

    def hold(self, text: str) -> None:
        """Make the call that contains ``text`` wait until ``release(text)``."""
        self.gates[text] = threading.Event()
        self.entered[text] = threading.Event()

    def release(self, text: str) -> None:
        self.gates[text].set()

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        for text in texts:
            if text in self.gates:
                self.entered[text].set()
                assert self.gates[text].wait(10)
        return np.array([[float(len(text)), 1.0] for text in texts], dtype=np.float32)


def in_thread(target: Callable[[], object]) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def bulk_batch(turns: EncodeTurns, model: Model, name: str) -> None:
    with turns.bulk():
        model.encode([name])


def test_searches_waiting_for_a_batch_are_embedded_together_in_one_call() -> None:
    turns, model = EncodeTurns(), Model()
    model.hold("batch")
    ingest = in_thread(lambda: bulk_batch(turns, model, "batch"))
    assert model.entered["batch"].wait(10)

    results: dict[str, np.ndarray] = {}
    texts = ["a", "bb", "ccc", "dddd", "eeeee"]
    searches = [
        in_thread(lambda t=t: results.__setitem__(t, turns.query(t, model.encode))) for t in texts
    ]
    wait_for(lambda: turns.waiting == (5, 0))
    model.release("batch")
    for thread in [ingest, *searches]:
        thread.join(10)

    assert len(model.calls) == 2
    assert sorted(model.calls[1]) == texts
    for text in texts:
        assert results[text].tolist() == [float(len(text)), 1.0]


def test_a_search_goes_before_the_next_batch_and_a_batch_before_the_next_search() -> None:
    turns, model = EncodeTurns(), Model()
    model.hold("batch 1")
    model.hold("search 1")
    first = in_thread(lambda: bulk_batch(turns, model, "batch 1"))
    assert model.entered["batch 1"].wait(10)
    search_1 = in_thread(lambda: turns.query("search 1", model.encode))
    wait_for(lambda: turns.waiting == (1, 0))
    second = in_thread(lambda: bulk_batch(turns, model, "batch 2"))
    wait_for(lambda: turns.waiting == (1, 1))

    model.release("batch 1")  # the search was waiting: it goes before batch 2
    assert model.entered["search 1"].wait(10)
    search_2 = in_thread(lambda: turns.query("search 2", model.encode))
    wait_for(lambda: turns.waiting == (1, 1))
    model.release("search 1")  # batch 2 was waiting: it goes before search 2
    for thread in (first, search_1, second, search_2):
        thread.join(10)

    assert model.calls == [["batch 1"], ["search 1"], ["batch 2"], ["search 2"]]


def test_the_worker_cannot_take_the_model_straight_back_while_a_search_waits() -> None:
    turns, model = EncodeTurns(), Model()
    model.hold("batch 1")

    def ingest_loop() -> None:
        for name in ("batch 1", "batch 2", "batch 3"):
            bulk_batch(turns, model, name)

    worker = in_thread(ingest_loop)
    assert model.entered["batch 1"].wait(10)
    search = in_thread(lambda: turns.query("search", model.encode))
    wait_for(lambda: turns.waiting == (1, 0))
    model.release("batch 1")
    worker.join(10)
    search.join(10)
    assert model.calls == [["batch 1"], ["search"], ["batch 2"], ["batch 3"]]


def test_batches_go_in_the_order_they_asked() -> None:
    turns, model = EncodeTurns(), Model()
    model.hold("batch 0")
    threads = [in_thread(lambda: bulk_batch(turns, model, "batch 0"))]
    assert model.entered["batch 0"].wait(10)
    for i in range(1, 6):
        threads.append(in_thread(lambda i=i: bulk_batch(turns, model, f"batch {i}")))
        wait_for(lambda i=i: turns.waiting == (0, i))
    model.release("batch 0")
    for thread in threads:
        thread.join(10)
    assert model.calls == [[f"batch {i}"] for i in range(6)]


def test_at_most_max_queries_go_in_one_call_and_the_rest_in_the_next() -> None:
    turns, model = EncodeTurns(), Model()
    model.hold("batch")
    ingest = in_thread(lambda: bulk_batch(turns, model, "batch"))
    assert model.entered["batch"].wait(10)
    count = MAX_QUERIES + 3
    searches = [in_thread(lambda i=i: turns.query(f"q{i}", model.encode)) for i in range(count)]
    wait_for(lambda: turns.waiting == (count, 0))
    model.release("batch")
    for thread in [ingest, *searches]:
        thread.join(10)
    assert [len(call) for call in model.calls] == [1, MAX_QUERIES, 3]


def test_a_failed_call_fails_its_searches_and_the_model_stays_usable() -> None:
    turns, model = EncodeTurns(), Model()

    def broken(texts: list[str]) -> np.ndarray:
        raise RuntimeError("model crashed")

    with pytest.raises(RuntimeError, match="model crashed"):
        turns.query("first", broken)
    with pytest.raises(RuntimeError, match="in a batch"), turns.bulk():
        raise RuntimeError("in a batch")
    assert turns.waiting == (0, 0)
    assert turns.query("again", model.encode).tolist() == [5.0, 1.0]
    bulk_batch(turns, model, "batch")
    assert model.calls == [["again"], ["batch"]]
