"""Ingest the inbox of a data dir until killed (run by the crash-safety test).

python -m tests.backend.knowledge.crash_worker DATA_DIR
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from backend.config import load_settings
from backend.knowledge.service import KnowledgeService
from backend.storage import migrate
from backend.storage.db import Database
from tests.backend.knowledge.conftest import HashEmbedder


class SlowEmbedder(HashEmbedder):
    """Slow enough that a kill lands in the middle of the work."""

    def encode(self, texts: list[str]) -> np.ndarray:
        time.sleep(0.002 * len(texts))
        return super().encode(texts)


def main(data_dir: str) -> None:
    settings = load_settings(
        _env_file=None,
        data_dir=Path(data_dir),
        llm_provider="fake",
        chunk_size=200,
        chunk_overlap=0,
    )
    migrate.upgrade(settings.database_path)
    service = KnowledgeService(settings, Database(settings.database_path), embedder=SlowEmbedder())  # type: ignore[arg-type]
    service.start(scan=False)
    service.reconcile()
    print("STARTED", flush=True)
    service.queue.wait_idle(600)
    print("DONE", flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main(sys.argv[1])
