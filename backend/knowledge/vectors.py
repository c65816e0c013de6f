"""The FAISS vector index of chunk embeddings, saved as a cache beside its generation number.

SQLite holds every chunk's vector; this index is only a fast copy of them. On disk it is a
``vectors-<generation>.faiss`` file plus ``vectors.json`` naming it, so a crash between the two
writes can never pair an index with the wrong generation.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np

SIDECAR = "vectors.json"
INDEX_PREFIX = "vectors-"
INDEX_SUFFIX = ".faiss"


class VectorIndex:
    """Inner-product search over L2-normalized vectors keyed by chunk id; thread-safe."""

    def __init__(self, directory: Path, dimension: int) -> None:
        self.directory = directory
        self.dimension = dimension
        self.generation = 0
        # Searches run while the ingest worker adds; FAISS indexes are not safe for that.
        self._lock = threading.Lock()
        self._index = self._empty()

    def _empty(self) -> Any:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dimension))

    def _matrix(self, vectors: np.ndarray, rows: int) -> np.ndarray:
        matrix = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dimension)
        if matrix.shape[0] != rows:
            raise ValueError(f"{rows} ids but {matrix.shape[0]} vectors")
        return matrix

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Add vectors under ``ids``; an id already present gets the new vector."""
        keys = np.asarray(ids, dtype=np.int64).reshape(-1)
        matrix = self._matrix(vectors, len(keys))
        if len(keys) == 0:
            return
        # A repeated id keeps its last vector; IndexIDMap2 would otherwise hold both.
        _, last = np.unique(keys[::-1], return_index=True)
        keep = np.sort(len(keys) - 1 - last)
        keys, matrix = keys[keep], matrix[keep]
        with self._lock:
            self._index.remove_ids(faiss.IDSelectorBatch(keys))
            self._index.add_with_ids(matrix, keys)

    def remove(self, ids: Iterable[int]) -> int:
        """Drop the vectors of ``ids``; returns how many were present."""
        keys = np.fromiter((int(i) for i in ids), dtype=np.int64)
        if len(keys) == 0:
            return 0
        with self._lock:
            return int(self._index.remove_ids(faiss.IDSelectorBatch(keys)))

    def search(
        self, vector: np.ndarray, k: int, allowed_ids: Collection[int] | None = None
    ) -> list[tuple[int, float]]:
        """The ``k`` nearest chunk ids with their cosine similarity, best first.

        With ``allowed_ids`` only those ids are candidates (filtered inside FAISS, so the
        result still holds up to ``k`` hits however few ids are allowed).
        """
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, self.dimension)
        params = None
        if allowed_ids is not None:
            allowed = np.fromiter((int(i) for i in allowed_ids), dtype=np.int64)
            if len(allowed) == 0:
                return []
            k = min(k, len(allowed))
            # The selector must stay referenced until the search returns.
            selector = faiss.IDSelectorBatch(allowed)
            params = faiss.SearchParameters()
            params.sel = selector
        with self._lock:
            k = min(k, int(self._index.ntotal))
            if k <= 0:
                return []
            scores, keys = self._index.search(query, k, params=params)
        return [(int(i), float(s)) for i, s in zip(keys[0], scores[0], strict=True) if i != -1]

    def __len__(self) -> int:
        with self._lock:
            return int(self._index.ntotal)

    def ids(self) -> set[int]:
        """Every chunk id in the index."""
        with self._lock:
            return {int(i) for i in faiss.vector_to_array(self._index.id_map)}

    def save(self, generation: int) -> None:
        """Write the index atomically, then the sidecar naming it and its generation."""
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{INDEX_PREFIX}{generation}{INDEX_SUFFIX}"
        with self._lock:
            count = int(self._index.ntotal)
            _atomic_write(self.directory / name, lambda tmp: faiss.write_index(self._index, tmp))
            meta = {"generation": generation, "count": count, "dimension": self.dimension}
            data = json.dumps({**meta, "file": name}).encode()
            _atomic_write(self.directory / SIDECAR, lambda tmp: Path(tmp).write_bytes(data))
            self.generation = generation
            # Older generations, and temp files left by a save that crashed, are garbage now.
            for old in self.directory.glob(f"{INDEX_PREFIX}*{INDEX_SUFFIX}"):
                if old.name != name:
                    old.unlink(missing_ok=True)
            for tmp in self.directory.glob(".vectors*.tmp"):
                _remove_if_stale(tmp)

    def load(self, expected_generation: int) -> bool:
        """Read the saved index if it is there, whole, and of ``expected_generation``.

        Returns False (leaving an empty index) when it is missing, stale, of another
        dimension or unreadable; the caller then rebuilds it from the stored vectors.
        """
        index = self._read(expected_generation)
        with self._lock:
            self._index = index if index is not None else self._empty()
            self.generation = expected_generation if index is not None else 0
        return index is not None

    def _read(self, expected_generation: int) -> Any:
        try:
            meta = json.loads((self.directory / SIDECAR).read_text())
            if (
                meta["generation"] != expected_generation
                or meta["dimension"] != self.dimension
                or Path(meta["file"]).name != meta["file"]
            ):
                return None
            path = self.directory / meta["file"]
            if not path.is_file():
                return None
            index = faiss.read_index(str(path))
        except (OSError, ValueError, KeyError, TypeError, RuntimeError):
            return None
        if (
            not isinstance(index, faiss.IndexIDMap2)
            or index.d != self.dimension
            or index.ntotal != meta["count"]
        ):
            return None
        return index

    def rebuild(self, ids: Sequence[int], vectors: np.ndarray, generation: int) -> None:
        """Replace the whole index with ``ids``/``vectors`` and save it as ``generation``.

        Meant for start-up or recovery: vectors added by others while it runs are dropped.
        """
        fresh = VectorIndex(self.directory, self.dimension)
        fresh.add(ids, vectors)
        # Searches keep using the old index until the new one is complete.
        with self._lock:
            self._index = fresh._index
        self.save(generation)


def _atomic_write(target: Path, write: Callable[[str], object]) -> None:
    """Write ``target`` via a temp file in its folder, fsync, rename, fsync the folder."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename durable; Windows cannot open a directory, and NTFS renames are journaled.
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_if_stale(path: Path, age: float = 600.0) -> None:
    """Delete a temp file left by a crashed save; a younger one may belong to a save under way."""
    try:
        if time.time() - path.stat().st_mtime > age:
            path.unlink(missing_ok=True)
    except OSError:
        pass
