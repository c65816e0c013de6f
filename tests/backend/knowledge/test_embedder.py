import threading
from pathlib import Path

import numpy as np
import pytest

from backend.knowledge.embedder import BUNDLED_MODEL_NAME, Embedder, EmbedderError


def test_bundled_model_dimension_is_known_without_loading() -> None:
    fresh = Embedder()
    assert fresh.dimension == 384
    assert fresh.model_name == BUNDLED_MODEL_NAME
    assert not fresh.loaded


def test_vectors_are_normalized_float32_of_dimension_384(embedder: Embedder) -> None:
    vectors = embedder.encode(["The cat sat on the mat.", "Quarterly revenue grew 4%.", ""])
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_no_texts_give_an_empty_matrix(embedder: Embedder) -> None:
    assert embedder.encode([]).shape == (0, 384)


def test_paraphrase_is_closer_than_an_unrelated_sentence(embedder: Embedder) -> None:
    query = embedder.encode_query("How do I reset my password?")
    paraphrase, unrelated = embedder.encode(
        ["Steps to change a forgotten login password", "Bananas are rich in potassium"]
    )
    assert query.shape == (384,)
    assert float(query @ paraphrase) > float(query @ unrelated) + 0.3


def test_batches_give_the_same_vectors_as_one_call(embedder: Embedder) -> None:
    texts = [f"sentence number {i} about topic {i % 3}" for i in range(7)]
    whole = embedder.encode(texts)
    saved = embedder.batch_size
    embedder.batch_size = 2
    try:
        batched = embedder.encode(texts)
    finally:
        embedder.batch_size = saved
    assert np.allclose(whole, batched, atol=1e-5)
    assert np.allclose(embedder.encode_query(texts[3]), whole[3], atol=1e-5)


def test_texts_of_mixed_length_keep_their_order(embedder: Embedder) -> None:
    # Batches are formed by length, so rows must be put back where their texts were.
    texts = ["short one", "a much longer sentence " * 12, "mid length text here", "x"]
    saved = embedder.batch_size
    embedder.batch_size = 2
    try:
        together = embedder.encode(texts)
    finally:
        embedder.batch_size = saved
    for row, text in zip(together, texts, strict=True):
        assert np.allclose(row, embedder.encode_query(text), atol=1e-5)


def test_threads_can_encode_at_the_same_time(embedder: Embedder) -> None:
    texts = [f"thread test {i}: the quick brown fox" for i in range(16)]
    expected = embedder.encode(texts)
    results: dict[int, np.ndarray] = {}
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            results[n] = embedder.encode(texts)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert all(np.allclose(result, expected, atol=1e-5) for result in results.values())


def test_a_missing_model_folder_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    broken = Embedder(str(missing))
    assert broken.model_name == str(missing.resolve())
    with pytest.raises(EmbedderError, match="embedding model folder not found"):
        broken.encode(["hello"])
    with pytest.raises(EmbedderError, match=str(missing)):
        _ = broken.dimension


def test_a_local_model_folder_loads(embedder: Embedder) -> None:
    local = Embedder(str(embedder.model_path), batch_size=8)
    assert local.dimension == 384
    assert local.model_name == str(embedder.model_path.resolve())
    assert np.allclose(local.encode_query("same model"), embedder.encode_query("same model"))


def test_searches_during_an_ingest_get_their_own_vectors(embedder: Embedder) -> None:
    # Searches waiting together are embedded in one call: each must still get its own vector.
    questions = [f"question {i} about {topic}" for i, topic in enumerate("abcdefgh")]
    alone = {q: embedder.encode_query(q) for q in questions}
    results: dict[str, np.ndarray] = {}
    bulk = threading.Thread(target=embedder.encode, args=([f"passage {i}" for i in range(96)],))
    bulk.start()
    searches = [
        threading.Thread(target=lambda q=q: results.__setitem__(q, embedder.encode_query(q)))
        for q in questions
    ]
    for thread in searches:
        thread.start()
    for thread in [bulk, *searches]:
        thread.join(60)
    assert set(results) == set(questions)
    for question in questions:
        assert np.allclose(results[question], alone[question], atol=1e-5)
