"""Files/s and chunks/s of the whole ingest pipeline vs the embedding model alone, on the same
chunk texts with the same batch size, measured in the same run.

The pipeline is ``Ingestor.ingest_many`` over text files of about 10 KB, in batches of
``BATCH_FILES`` as the ingest worker takes them: stat, hash, parse, chunk, embed, SQLite
(with its FTS5 triggers) and FAISS, then the index saved once at the end as the worker does
when it goes idle. The baseline is ``SentenceTransformer.encode`` on the chunk texts that
the pipeline produces. Each round times the baseline, the pipeline (on a fresh database), then
the baseline again, and compares the pipeline with the mean of the two baseline runs.

    python bench/ingest.py               # 32 files (~480 chunks), 3 rounds: ~5 min on 2 cores
    python bench/ingest.py --files 200   # a bigger folder, about 6 times as long
    python bench/ingest.py --quick       # 16 files, 1 round

Target: pipeline chunks/s >= 90 % of the baseline's.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from backend.knowledge.chunking import split_document  # noqa: E402
from backend.knowledge.embedder import Embedder, bundled_model_path  # noqa: E402
from backend.knowledge.ingest import Ingestor  # noqa: E402
from backend.knowledge.parsers import parse_file  # noqa: E402
from backend.knowledge.queue import BATCH_FILES  # noqa: E402
from backend.knowledge.vectors import VectorIndex  # noqa: E402
from backend.storage.models import Chunk  # noqa: E402
from bench.common import bench_settings, english_text, fresh_database, quiet  # noqa: E402


class TimedEmbedder(Embedder):
    """The real embedder, also adding up the time spent inside ``encode``."""

    def __init__(self, batch_size: int) -> None:
        super().__init__(batch_size=batch_size)
        self.seconds = 0.0

    def encode(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        try:
            return super().encode(texts)
        finally:
            self.seconds += time.perf_counter() - started


def write_files(folder: Path, count: int, size: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        path = folder / f"note-{index:04d}.txt"
        path.write_text(english_text(rng, size), encoding="utf-8")
        paths.append(path)
    return paths


def expected_chunks(paths: list[Path], size: int, overlap: int) -> list[str]:
    """The chunk texts the pipeline will make, for the baseline to encode."""
    return [
        piece.text for path in paths for piece in split_document(parse_file(path), size, overlap)
    ]


def run_pipeline(
    paths: list[Path], work: Path, embedder: TimedEmbedder, size: int, overlap: int
) -> tuple[float, float, list[str]]:
    """Seconds for the whole pipeline, seconds inside the embedder, and the chunk texts."""
    settings = bench_settings(work, chunk_size=size, chunk_overlap=overlap)
    db = fresh_database(settings)
    vectors = VectorIndex(settings.index_dir, embedder.dimension)
    ingestor = Ingestor(settings, db, embedder, vectors)
    embedder.seconds = 0.0
    started = time.perf_counter()
    for begin in range(0, len(paths), BATCH_FILES):
        outcomes = ingestor.ingest_many(paths[begin : begin + BATCH_FILES])
        failed = [o for o in outcomes if o.outcome != "indexed"]
        if failed:
            raise SystemExit(f"ingest did not index {failed[0].path}: {failed[0].reason}")
    ingestor.save_vectors()
    elapsed = time.perf_counter() - started
    with db.session() as session:
        texts = list(session.scalars(select(Chunk.text).order_by(Chunk.id)))
    db.dispose()
    return elapsed, embedder.seconds, texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Two worker batches: a batch boundary and the final index save are in it, and it stays
    # a few minutes on 2 cores, as each round encodes every chunk three times (raw twice).
    parser.add_argument("--files", type=int, default=2 * BATCH_FILES)
    parser.add_argument("--size", type=int, default=10_000, help="characters per file")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="16 files, 1 round")
    args = parser.parse_args()
    if args.quick:
        args.files, args.rounds = 16, 1
    quiet()
    defaults = bench_settings(Path(tempfile.gettempdir()))
    size, overlap, batch = defaults.chunk_size, defaults.chunk_overlap, defaults.embed_batch_size
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(bundled_model_path()), device="cpu")
    embedder = TimedEmbedder(batch_size=batch)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        paths = write_files(folder, args.files, args.size, seed=5)
        # Load both models and let their first batches pay for lazy set-up.
        embedder.encode(["warm up"] * batch)
        model.encode(["warm up"] * batch, batch_size=batch)
        texts = expected_chunks(paths, size, overlap)

        def encode_raw() -> float:
            started = time.perf_counter()
            model.encode(
                texts,
                batch_size=batch,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            return time.perf_counter() - started

        raw: list[float] = []
        ours: list[float] = []
        inside: list[float] = []
        for round_ in range(args.rounds):
            # Baseline before and after, averaged: other work on the machine that comes or
            # goes during the round weighs on both sides alike.
            before = encode_raw()
            elapsed, embedding, stored = run_pipeline(
                paths, Path(tmp) / f"round-{round_}", embedder, size, overlap
            )
            raw.append((before + encode_raw()) / 2)
            if sorted(stored) != sorted(texts):
                raise SystemExit("the pipeline stored other chunks than the baseline encoded")
            ours.append(elapsed)
            inside.append(embedding)
    chunks = len(texts)
    raw_s, our_s, embed_s = (statistics.median(x) for x in (raw, ours, inside))
    print(
        f"{args.files} files of {args.size / 1000:.1f} KB -> {chunks} chunks "
        f"(size {size}, overlap {overlap}), batch {batch}, {args.rounds} round(s), medians"
    )
    print(f"{'':<28}{'files/s':>9}{'chunks/s':>10}{'seconds':>9}")
    print(f"{'raw model.encode':<28}{'':>9}{chunks / raw_s:>10.1f}{raw_s:>9.2f}")
    files_rate = args.files / our_s
    print(f"{'pipeline (ingest_many)':<28}{files_rate:>9.2f}{chunks / our_s:>10.1f}{our_s:>9.2f}")
    print(f"{'  of which Embedder.encode':<28}{'':>9}{chunks / embed_s:>10.1f}{embed_s:>9.2f}")
    print(f"{'  of which everything else':<28}{'':>9}{'':>10}{our_s - embed_s:>9.2f}")
    print(f"pipeline / raw throughput ratio: {raw_s / our_s:.3f} (target >= 0.90)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
