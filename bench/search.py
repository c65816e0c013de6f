"""Latency of ``GET /api/knowledge/search`` over HTTP vs the bare index work it wraps, at 10k
and 100k chunks, for mode=dense, bm25 and hybrid, measured in the same run.

The chunks are synthesized straight into the database (random unit vectors; texts of made-up
words drawn with natural-language word frequencies), inserted through SQLAlchemy so the FTS5
triggers fill the BM25 index; the served app then rebuilds its FAISS index from the stored
vectors at start-up, as it does after a crash. The app is ``create_app`` under uvicorn with
the fake chat model.

Raw baseline per query, in this process on the same data, 20 candidates as the retriever
asks for k=5: dense = query embedding + bare FAISS search; bm25 = bare FTS5 bm25() query
through sqlite3; hybrid = all three. Each query runs raw then through the API, in turn.

    python bench/search.py            # 10k and 100k chunks
    python bench/search.py --quick    # 2k chunks

Targets: API p95 within raw p95 + 5 ms (hybrid: + 15 ms).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The baseline is the libraries at their best. PyTorch and FAISS each bring their own OpenMP
# runtime; with the default wait policy their idle threads spin and slow each other down, so
# the app sets PASSIVE too (backend/knowledge/__init__.py; --omp-wait-policy ACTIVE shows the
# difference). This must be set before either library loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import faiss  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from backend.knowledge import store  # noqa: E402
from backend.knowledge.embedder import Embedder  # noqa: E402
from backend.knowledge.keyword import fts_query  # noqa: E402
from backend.knowledge.retriever import CANDIDATES_PER_HIT  # noqa: E402
from backend.storage.models import Chunk, Document  # noqa: E402
from bench.common import (  # noqa: E402
    bench_settings,
    fresh_database,
    percentile,
    print_table,
    pseudo_words,
    quiet,
    served_app,
    zipf_weights,
)

K = 5
DEPTH = K * CANDIDATES_PER_HIT
DIMENSION = 384
WORDS_PER_CHUNK = 160
CHUNKS_PER_DOCUMENT = 50
TARGETS_MS = {"dense": 5.0, "bm25": 5.0, "hybrid": 15.0}
_FTS = "SELECT rowid, bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH ? "
_FTS += "ORDER BY bm25(chunks_fts) LIMIT ?"


def synthesize(settings_dir: Path, count: int, vocabulary: list[str], seed: int) -> np.ndarray:
    """Fill a fresh database with ``count`` chunks; returns their vectors (id i+1 = row i)."""
    settings = bench_settings(settings_dir)
    db = fresh_database(settings)
    rng = np.random.default_rng(seed)
    weights = zipf_weights(len(vocabulary))
    words = np.asarray(vocabulary)
    vectors = rng.standard_normal((count, DIMENSION)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    documents = (count + CHUNKS_PER_DOCUMENT - 1) // CHUNKS_PER_DOCUMENT
    with db.session() as session:
        session.execute(
            insert(Document),
            [
                {
                    "id": d + 1,
                    # Outside every watched folder, so no scan takes them for deleted files.
                    "path": f"/synthetic/doc-{d:06d}.txt",
                    "file_type": "txt",
                    "sha256": hashlib.sha256(str(d).encode()).hexdigest(),
                    "state": "indexed",
                    "chunk_count": min(CHUNKS_PER_DOCUMENT, count - d * CHUNKS_PER_DOCUMENT),
                }
                for d in range(documents)
            ],
        )
        for begin in range(0, count, 5000):
            end = min(begin + 5000, count)
            picks = rng.choice(len(words), size=(end - begin, WORDS_PER_CHUNK), p=weights)
            rows = []
            for offset, row in enumerate(picks):
                index = begin + offset
                text = " ".join(words[row])
                rows.append(
                    {
                        "id": index + 1,
                        "document_id": index // CHUNKS_PER_DOCUMENT + 1,
                        "seq": index % CHUNKS_PER_DOCUMENT,
                        "text": text,
                        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                        "page": None,
                        "start": 0,
                        "end": len(text),
                        "embedding": vectors[index].tobytes(),
                    }
                )
            session.execute(insert(Chunk), rows)
        # A new generation, so the app finds no matching saved index and rebuilds it.
        store.bump_generation(session)
    db.dispose()
    return vectors


def make_queries(vocabulary: list[str], count: int, seed: int) -> list[str]:
    """Three-word queries of mid-frequency words (rank 50 to 5000), like content words."""
    rng = np.random.default_rng(seed)
    top = min(5000, len(vocabulary))
    return [" ".join(vocabulary[i] for i in rng.integers(50, top, size=3)) for _ in range(count)]


def since(started: float) -> float:
    """Milliseconds from ``started`` (a ``perf_counter`` reading) to now."""
    return (time.perf_counter() - started) * 1000


Timings = dict[str, tuple[list[float], list[float]]]


def run_queries(
    http: httpx.Client,
    sqlite: sqlite3.Connection,
    index: faiss.Index,
    embedder: Embedder,
    texts: list[str],
) -> tuple[Timings, dict[str, list[float]]]:
    """(raw, API) milliseconds per mode, and the raw parts (embedding, FAISS, FTS5)."""

    def api(mode: str, text: str) -> float:
        started = time.perf_counter()
        response = http.get("/api/knowledge/search", params={"q": text, "mode": mode, "k": K})
        response.raise_for_status()
        return since(started)

    for mode in TARGETS_MS:
        for text in texts[:10]:
            api(mode, text)
    parts: dict[str, list[float]] = {"embed": [], "faiss": [], "fts": []}
    results: Timings = {}
    for mode in TARGETS_MS:
        raw: list[float] = []
        ours: list[float] = []
        for text in texts:
            spent = 0.0
            if mode != "bm25":
                started = time.perf_counter()
                vector = embedder.encode_query(text).reshape(1, -1)
                parts["embed"].append(since(started))
                started = time.perf_counter()
                index.search(vector, DEPTH)
                parts["faiss"].append(since(started))
                spent += parts["embed"][-1] + parts["faiss"][-1]
            if mode != "dense":
                started = time.perf_counter()
                sqlite.execute(_FTS, (fts_query(text), DEPTH)).fetchall()
                parts["fts"].append(since(started))
                spent += parts["fts"][-1]
            raw.append(spent)
            ours.append(api(mode, text))
        results[mode] = (raw, ours)
    return results, parts


def measure(
    size: int, queries: int, vocabulary: list[str], embedder: Embedder, app_env: dict[str, str]
) -> None:
    """Synthesize ``size`` chunks, serve them, and time every query both ways."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        started = time.perf_counter()
        vectors = synthesize(data_dir, size, vocabulary, seed=size)
        made = time.perf_counter() - started
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(DIMENSION))
        index.add_with_ids(vectors, np.arange(1, size + 1, dtype=np.int64))
        texts = make_queries(vocabulary, queries, seed=size + 1)
        started = time.perf_counter()
        with (
            served_app(data_dir, **app_env) as url,
            httpx.Client(base_url=url, timeout=120, trust_env=False) as http,
        ):
            up = time.perf_counter() - started
            print(f"\n{size} chunks: synthesized in {made:.1f} s; app up in {up:.1f} s")
            sqlite = sqlite3.connect(f"file:{data_dir / 'agentdesk.db'}?mode=ro", uri=True)
            try:
                results, parts = run_queries(http, sqlite, index, embedder, texts)
            finally:
                sqlite.close()
    report(size, results, parts)


def report(size: int, results: Timings, parts: dict[str, list[float]]) -> None:
    for name, label in (
        ("embed", "query embedding"),
        ("faiss", "bare FAISS"),
        ("fts", "bare FTS5"),
    ):
        values = parts[name]
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(f"  {label:<16} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")
    rows = []
    for mode, (raw, ours) in results.items():
        raw95, our95 = percentile(raw, 95), percentile(ours, 95)
        within = "yes" if our95 <= raw95 + TARGETS_MS[mode] else "no"
        rows.append(
            [
                mode,
                f"{percentile(raw, 50):.2f}",
                f"{raw95:.2f}",
                f"{percentile(ours, 50):.2f}",
                f"{our95:.2f}",
                f"{our95 - raw95:+.2f}",
                f"+{TARGETS_MS[mode]:.0f}",
                within,
            ]
        )
    print_table(
        ["mode", "raw p50", "raw p95", "API p50", "API p95", "p95 over", "target", "within"], rows
    )
    for mode, (raw, ours) in results.items():
        ratio = percentile(ours, 95) / percentile(raw, 95)
        print(f"ratio API/raw p95 {mode} at {size} chunks: {ratio:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="chunk counts, comma separated")
    parser.add_argument("--queries", type=int, default=200, help="queries per mode and size")
    parser.add_argument(
        "--omp-wait-policy",
        choices=("ACTIVE", "PASSIVE"),
        help="OMP_WAIT_POLICY for the app (default: its own, PASSIVE; the baseline: PASSIVE)",
    )
    parser.add_argument("--quick", action="store_true", help="2000 chunks, 40 queries")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.queries = "2000", 40
    quiet()
    vocabulary = pseudo_words(30_000)
    embedder = Embedder()
    embedder.encode_query("warm up")
    print(
        f"{args.queries} queries per mode, k={K} ({DEPTH} candidates per method), times in ms; "
        f"{WORDS_PER_CHUNK}-word chunks over a {len(vocabulary)}-word Zipf vocabulary"
    )
    policy = args.omp_wait_policy
    app_env = {"OMP_WAIT_POLICY": policy} if policy else {}
    print(
        f"OpenMP wait policy: baseline PASSIVE, app "
        f"{policy + ' (--omp-wait-policy)' if policy else 'PASSIVE (its default)'}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        measure(size, args.queries, vocabulary, embedder, app_env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
