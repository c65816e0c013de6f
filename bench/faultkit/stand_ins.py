"""The real app with stand-ins for its two heavy parts, chosen by ``FAULTS_STAND_INS``:

- ``model``: the scripted fake OpenAI server replaces llama.cpp as the embedded model server.
  It is started, watched and restarted exactly as llama.cpp would be (a child process on a
  loopback port, ``EmbeddedServer``), so killing it exercises the real recovery path without
  loading 1 GB of weights. ``FAULTS_FAKE_RULES`` names its rules file.
- ``embedder``: hashed bag-of-words vectors replace MiniLM (``FAULTS_EMBED_DELAY`` seconds per
  text keeps an ingest long enough to be interrupted). Everything the faults test (SQLite,
  the FAISS cache, the queue) is unchanged; only loading torch is saved.

Serve it with ``uvicorn bench.faultkit.stand_ins:create_app --factory``.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

import numpy as np
from fastapi import FastAPI

from backend.knowledge import service
from backend.knowledge.embedder import BUNDLED_DIMENSION
from backend.llm import embedded
from backend.main import create_app as create_real_app

MODULE = "bench.faultkit.stand_ins:create_app"


def fake_server_command(model: Path, port: int, n_ctx: int, threads: int, alias: str) -> list[str]:
    """What runs instead of llama.cpp: the scripted fake server on the same port."""
    command = [sys.executable, "-m", "backend.llm.fake_server", "--port", str(port)]
    command += ["--model", alias]
    rules = os.environ.get("FAULTS_FAKE_RULES")
    return [*command, "--rules", rules] if rules else command


class HashEmbedder:
    """The Embedder interface with hashed word vectors: deterministic and cheap."""

    model = "hash"
    model_name = "hash-bag-of-words"
    loaded = True
    dimension = BUNDLED_DIMENSION

    def __init__(self, *_: object) -> None:
        self.delay = float(os.environ.get("FAULTS_EMBED_DELAY", "0"))

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in text.lower().split():
            number = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest())
            vector[number % self.dimension] += 1.0
        vector[0] += 1e-3  # never all zeros, so it can be normalized
        return vector / np.linalg.norm(vector)

    def encode(self, texts: list[str]) -> np.ndarray:
        time.sleep(self.delay * len(texts))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vector(text) for text in texts])

    def encode_query(self, text: str) -> np.ndarray:
        return self._vector(text)


def create_app() -> FastAPI:
    """The real app, with the chosen parts swapped (the only difference)."""
    chosen = set(os.environ.get("FAULTS_STAND_INS", "").split(","))
    if "model" in chosen:
        embedded.server_command = fake_server_command
    if "embedder" in chosen:
        setattr(service, "Embedder", HashEmbedder)  # noqa: B010 (the name KnowledgeService uses)
    return create_real_app()
