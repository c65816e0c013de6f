import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import faiss
import numpy as np
import pytest

from backend.knowledge.vectors import SIDECAR, VectorIndex

DIM = 8


def unit(rows: int, seed: int = 0) -> np.ndarray:
    matrix = np.random.default_rng(seed).normal(size=(rows, DIM)).astype(np.float32)
    return np.asarray(matrix / np.linalg.norm(matrix, axis=1, keepdims=True), dtype=np.float32)


@pytest.fixture
def index(tmp_path: Path) -> VectorIndex:
    return VectorIndex(tmp_path / "index", DIM)


def test_search_returns_nearest_ids_with_cosine_best_first(index: VectorIndex) -> None:
    matrix = unit(20)
    index.add(list(range(100, 120)), matrix)
    hits = index.search(matrix[7], 5)
    assert hits[0][0] == 107
    assert hits[0][1] == pytest.approx(1.0, abs=1e-5)
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)
    assert len(hits) == 5
    assert len(index) == 20
    assert index.ids() == set(range(100, 120))


def test_adding_an_existing_id_replaces_its_vector(index: VectorIndex) -> None:
    old, new = unit(2, seed=1)
    index.add([5], old[None, :])
    index.add([5], new[None, :])
    assert len(index) == 1
    [(hit_id, score)] = index.search(new, 1)
    assert hit_id == 5
    assert score == pytest.approx(1.0, abs=1e-5)


def test_a_repeated_id_in_one_call_keeps_the_last_vector(index: VectorIndex) -> None:
    matrix = unit(3, seed=2)
    index.add([1, 2, 1], matrix)
    assert len(index) == 2
    assert index.search(matrix[2], 1)[0][0] == 1
    assert index.search(matrix[0], 2)[0][1] < 0.9999


def test_remove_drops_ids_and_counts_only_present_ones(index: VectorIndex) -> None:
    matrix = unit(5)
    index.add([1, 2, 3, 4, 5], matrix)
    assert index.remove([2, 4, 99]) == 2
    assert index.remove([]) == 0
    assert index.ids() == {1, 3, 5}
    assert 2 not in [i for i, _ in index.search(matrix[1], 5)]


def test_allowed_ids_restrict_results_but_still_fill_k(index: VectorIndex) -> None:
    matrix = unit(50, seed=3)
    index.add(list(range(50)), matrix)
    allowed = {3, 17, 41, 1000}
    hits = index.search(matrix[0], 10, allowed_ids=allowed)
    assert {i for i, _ in hits} == {3, 17, 41}
    assert index.search(matrix[0], 10, allowed_ids=[]) == []
    assert index.search(matrix[0], 1, allowed_ids=[41])[0][0] == 41


def test_empty_index_and_odd_k_give_sane_results(index: VectorIndex) -> None:
    query = unit(1)[0]
    assert index.search(query, 5) == []
    assert index.search(query, 5, allowed_ids={1}) == []
    index.add([1, 2], unit(2))
    assert len(index.search(query, 50)) == 2
    assert index.search(query, 0) == []


def test_ids_and_vectors_must_agree(index: VectorIndex) -> None:
    with pytest.raises(ValueError):
        index.add([1, 2, 3], unit(2))
    with pytest.raises(ValueError):
        index.add([1], np.ones((1, DIM + 1), dtype=np.float32))


def test_save_then_load_gives_the_same_index(index: VectorIndex, tmp_path: Path) -> None:
    matrix = unit(30, seed=4)
    index.add(list(range(30)), matrix)
    index.remove([7])
    index.save(generation=3)
    assert index.generation == 3
    copy = VectorIndex(tmp_path / "index", DIM)
    assert copy.load(expected_generation=3) is True
    assert copy.generation == 3
    assert copy.ids() == index.ids()
    assert copy.search(matrix[9], 4) == index.search(matrix[9], 4)
    meta = json.loads((tmp_path / "index" / SIDECAR).read_text())
    assert meta["generation"] == 3 and meta["count"] == 29 and meta["dimension"] == DIM


def test_save_leaves_no_temp_files_and_one_index_file(index: VectorIndex) -> None:
    index.add([1], unit(1))
    for generation in (1, 2, 3):
        index.save(generation)
    names = sorted(path.name for path in index.directory.iterdir())
    assert names == ["vectors-3.faiss", SIDECAR]


def test_a_failed_save_keeps_the_previous_files(
    index: VectorIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    index.add([1, 2], unit(2))
    index.save(1)
    before = sorted(path.name for path in index.directory.iterdir())

    def broken_write(_index: object, path: str) -> None:
        Path(path).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(faiss, "write_index", broken_write)
    index.add([3], unit(1, seed=9))
    with pytest.raises(OSError):
        index.save(2)
    monkeypatch.undo()
    assert sorted(path.name for path in index.directory.iterdir()) == before
    reloaded = VectorIndex(index.directory, DIM)
    assert reloaded.load(1) and reloaded.ids() == {1, 2}


def test_load_without_files_is_false(index: VectorIndex) -> None:
    assert index.load(1) is False
    assert len(index) == 0


def test_load_of_a_stale_generation_is_false_and_empty(index: VectorIndex, tmp_path: Path) -> None:
    index.add([1, 2], unit(2))
    index.save(4)
    stale = VectorIndex(tmp_path / "index", DIM)
    assert stale.load(5) is False
    assert len(stale) == 0 and stale.generation == 0


def test_load_of_a_truncated_index_is_false(index: VectorIndex, tmp_path: Path) -> None:
    index.add(list(range(10)), unit(10))
    index.save(1)
    path = tmp_path / "index" / "vectors-1.faiss"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert VectorIndex(tmp_path / "index", DIM).load(1) is False
    path.write_bytes(b"")
    assert VectorIndex(tmp_path / "index", DIM).load(1) is False


@pytest.mark.parametrize("sidecar", ["", "{not json", "[]", '{"generation": 1}'])
def test_load_with_a_broken_sidecar_is_false(
    index: VectorIndex, tmp_path: Path, sidecar: str
) -> None:
    index.add([1], unit(1))
    index.save(1)
    (tmp_path / "index" / SIDECAR).write_text(sidecar)
    assert VectorIndex(tmp_path / "index", DIM).load(1) is False


def test_load_of_another_dimension_is_false(index: VectorIndex, tmp_path: Path) -> None:
    index.add([1], unit(1))
    index.save(1)
    assert VectorIndex(tmp_path / "index", DIM * 2).load(1) is False


def test_load_rejects_an_index_whose_count_disagrees(index: VectorIndex, tmp_path: Path) -> None:
    index.add([1, 2], unit(2))
    index.save(1)
    other = faiss.IndexIDMap2(faiss.IndexFlatIP(DIM))
    faiss.write_index(other, str(tmp_path / "index" / "vectors-1.faiss"))
    assert VectorIndex(tmp_path / "index", DIM).load(1) is False


def test_rebuild_replaces_everything_and_saves(index: VectorIndex, tmp_path: Path) -> None:
    index.add([1, 2, 3], unit(3))
    matrix = unit(2, seed=5)
    index.rebuild([10, 11], matrix, generation=7)
    assert index.ids() == {10, 11}
    copy = VectorIndex(tmp_path / "index", DIM)
    assert copy.load(7) and copy.ids() == {10, 11}


def test_searches_run_safely_while_another_thread_adds(index: VectorIndex) -> None:
    matrix = unit(2000, seed=6)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for start in range(0, 2000, 50):
                index.add(list(range(start, start + 50)), matrix[start : start + 50])
                index.remove([start])
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    while thread.is_alive():
        for hit_id, _ in index.search(matrix[0], 5, allowed_ids=range(0, 2000, 3)):
            assert hit_id % 3 == 0
    thread.join()
    assert not errors
    assert len(index) == 2000 - 40


@pytest.mark.parametrize(("given", "expected"), [(None, "PASSIVE"), ("ACTIVE", "ACTIVE")])
def test_openmp_threads_sleep_when_idle_unless_the_user_says_otherwise(
    given: str | None, expected: str
) -> None:
    # A fresh interpreter: the policy must be in place before faiss (and its OpenMP) loads.
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if given is not None:
        env["OMP_WAIT_POLICY"] = given
    code = "import os, backend.knowledge.vectors; print(os.environ['OMP_WAIT_POLICY'])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == expected
