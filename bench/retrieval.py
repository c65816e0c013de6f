"""Recall@1, recall@5 and MRR of dense, BM25 and hybrid search on SQuAD questions, through the real
ingest pipeline (parse, chunk, MiniLM embed, SQLite, FTS5, FAISS), for several chunk settings.

Data set: SQuAD v1.1, development split. Pranav Rajpurkar, Jian Zhang, Konstantin Lopyrev,
Percy Liang, "SQuAD: 100,000+ Questions for Machine Comprehension of Text", EMNLP 2016.
Licence CC BY-SA 4.0. It is read from the copy shipped inside the BIG-bench package
(``bigbench==1.0.0``, Apache-2.0), ``bigbench/benchmark_tasks/squad_shifts/squaddev_v1.1.json``:
the split's 48 articles and 2,067 paragraphs with 10,565 of its 10,570 questions (BIG-bench
dropped the answers listed beside it in ``squaddev_v1.1_removed.json``, for 5 questions all of
them). Nothing is downloaded at run time. That package pulls TensorFlow when installed
normally; take only its files with ``pip install --no-deps -r bench/requirements.txt``.
Without it, a 60-paragraph sample of the same split in ``bench/data/`` is used, and the output
says so.

Consecutive paragraphs of one Wikipedia article are joined into one text file (about 4 KB),
so chunking is part of what is measured. A question is a file hit when a top-5 chunk comes
from the file holding its gold paragraph, and an answer hit when that chunk also contains a
gold answer span: the text a chat answer would actually be grounded on.

    python bench/retrieval.py            # 1000 paragraphs, 300 questions, 4 chunk settings
    python bench/retrieval.py --quick    # a tiny run
    python bench/retrieval.py --context none,title,heading,both   # what chunks carry
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.knowledge.context import CONTEXT_KINDS, DEFAULT_CONTEXT, ContextKind  # noqa: E402
from backend.knowledge.embedder import Embedder  # noqa: E402
from backend.knowledge.ingest import Ingestor  # noqa: E402
from backend.knowledge.queue import BATCH_FILES  # noqa: E402
from backend.knowledge.retriever import HybridRetriever, SearchHit, SearchMode  # noqa: E402
from backend.knowledge.vectors import VectorIndex  # noqa: E402
from bench.common import bench_settings, fresh_database, print_table, quiet  # noqa: E402

CITATION = (
    "SQuAD v1.1 dev (Rajpurkar, Zhang, Lopyrev, Liang, EMNLP 2016; CC BY-SA 4.0), "
    "as shipped in bigbench 1.0.0 (Apache-2.0)"
)
SAMPLE = ROOT / "bench" / "data" / "squad_dev_sample.json"
PACKAGED = Path("benchmark_tasks") / "squad_shifts" / "squaddev_v1.1.json"
MODES: tuple[SearchMode, ...] = ("dense", "bm25", "hybrid")
K = 5
HEADERS = (
    "size/overlap context chunks ingest_s mode "
    "file_R@1 file_R@5 file_MRR answer_R@1 answer_R@5 answer_MRR"
)


@dataclass(frozen=True)
class Question:
    """A SQuAD question, the file holding its gold paragraph, and its answers' places."""

    text: str
    file: str
    answers: tuple[tuple[int, int], ...]  # (start, end) of each gold answer in the file


@dataclass(frozen=True)
class Corpus:
    """The files to ingest and the questions to ask; ``label`` names the data."""

    label: str
    files: dict[str, str]  # file name -> text
    questions: list[Question]


@dataclass
class Score:
    """Per question, the rank of the first file hit and of the first answer hit."""

    file_ranks: list[int]  # 0 = not in the top K
    answer_ranks: list[int]

    @staticmethod
    def _recall(ranks: list[int]) -> float:
        return sum(1 for r in ranks if r) / len(ranks)

    @staticmethod
    def _first(ranks: list[int]) -> float:
        return sum(1 for r in ranks if r == 1) / len(ranks)

    @staticmethod
    def _mrr(ranks: list[int]) -> float:
        return sum(1 / r for r in ranks if r) / len(ranks)

    def row(self) -> list[str]:
        return [
            f"{self._first(self.file_ranks):.3f}",
            f"{self._recall(self.file_ranks):.3f}",
            f"{self._mrr(self.file_ranks):.3f}",
            f"{self._first(self.answer_ranks):.3f}",
            f"{self._recall(self.answer_ranks):.3f}",
            f"{self._mrr(self.answer_ranks):.3f}",
        ]

    @property
    def answer_recall(self) -> float:
        return self._recall(self.answer_ranks)


def squad_source(choice: str) -> tuple[Path, str]:
    """The SQuAD file to read: the packaged full split, or the small sample in bench/data."""
    spec = importlib.util.find_spec("bigbench") if choice != "sample" else None
    if spec is not None and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations))) / PACKAGED
        if path.is_file():
            return path, CITATION
    if choice == "package":
        raise SystemExit(
            "bigbench is not installed: pip install --no-deps -r bench/requirements.txt"
        )
    return SAMPLE, f"SAMPLE (60 paragraphs, bench/data/squad_dev_sample.json) of {CITATION}"


def load_corpus(
    path: Path, label: str, paragraphs: int, questions: int, group: int, seed: int
) -> Corpus:
    """Files of ``group`` consecutive paragraphs, taken across articles in turn."""
    articles: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["data"]
    groups = [
        (article["title"], n, article["paragraphs"][i : i + group])
        for article in articles
        for n, i in enumerate(range(0, len(article["paragraphs"]), group))
    ]
    # Round robin over articles: a subset covers many topics, not the first few articles.
    groups.sort(key=lambda g: g[1])
    files: dict[str, str] = {}
    pool: list[Question] = []
    taken = 0
    for title, n, chunk in groups:
        if taken >= paragraphs:
            break
        name = f"{re.sub(r'[^A-Za-z0-9]+', '_', title)[:50]}-{n:02d}.txt"
        parts: list[str] = []
        offset = 0
        for paragraph in chunk:
            for qa in paragraph["qas"]:
                spans = {
                    (offset + a["answer_start"], offset + a["answer_start"] + len(a["text"]))
                    for a in qa["answers"]
                }
                pool.append(Question(qa["question"].strip(), name, tuple(sorted(spans))))
            parts.append(paragraph["context"])
            offset += len(paragraph["context"]) + 2
        files[name] = "\n\n".join(parts)
        taken += len(chunk)
    chosen = random.Random(seed).sample(pool, min(questions, len(pool)))
    return Corpus(label, files, chosen)


def first_rank(hits: list[SearchHit], question: Question, gold: str, need_answer: bool) -> int:
    """Rank (from 1) of the first hit from ``gold``, holding an answer if asked; 0 if none."""
    for rank, hit in enumerate(hits, start=1):
        if hit.source != gold:
            continue
        if not need_answer or any(hit.start <= s and e <= hit.end for s, e in question.answers):
            return rank
    return 0


def run_setting(
    corpus: Corpus,
    folder: Path,
    work: Path,
    embedder: Embedder,
    setting: tuple[int, int, ContextKind],
) -> tuple[int, float, dict[str, Score]]:
    """Ingest every file with one chunk setting, then ask every question in every mode."""
    size, overlap, context = setting
    settings = bench_settings(
        work / f"chunks-{size}-{overlap}-{context}", chunk_size=size, chunk_overlap=overlap
    )
    db = fresh_database(settings)
    vectors = VectorIndex(settings.index_dir, embedder.dimension)
    ingestor = Ingestor(settings, db, embedder, vectors)
    ingestor.chunk_context = context
    paths = sorted(folder.iterdir())
    started = time.perf_counter()
    chunks = 0
    for begin in range(0, len(paths), BATCH_FILES):
        chunks += sum(o.chunks for o in ingestor.ingest_many(paths[begin : begin + BATCH_FILES]))
    ingest_seconds = time.perf_counter() - started
    print(
        f"  {size}/{overlap} {context}: {chunks} chunks in {ingest_seconds:.0f} s", file=sys.stderr
    )
    retriever = HybridRetriever(db, vectors, embedder)
    scores: dict[str, Score] = {}
    for mode in MODES:
        score = Score([], [])
        for question in corpus.questions:
            hits = retriever.search(question.text, k=K, mode=mode)
            gold = str(folder / question.file)
            score.file_ranks.append(first_rank(hits, question, gold, need_answer=False))
            score.answer_ranks.append(first_rank(hits, question, gold, need_answer=True))
        scores[mode] = score
    db.dispose()
    return chunks, ingest_seconds, scores


def parse_settings(text: str) -> list[tuple[int, int]]:
    """``"500/50,1000/150"`` -> ``[(500, 50), (1000, 150)]``."""
    pairs = []
    for item in text.split(","):
        size, overlap = item.split("/")
        pairs.append((int(size), int(overlap)))
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=1000, help="SQuAD paragraphs to index")
    parser.add_argument("--questions", type=int, default=300, help="questions to ask")
    parser.add_argument("--group", type=int, default=5, help="paragraphs per file")
    parser.add_argument(
        "--chunks", default="500/50,800/100,1000/150,1500/200", help="size/overlap,..."
    )
    parser.add_argument(
        "--context",
        default=DEFAULT_CONTEXT,
        help=f"what chunks are matched by besides their text, comma-separated: "
        f"{', '.join(CONTEXT_KINDS)} (default {DEFAULT_CONTEXT})",
    )
    parser.add_argument("--source", choices=("auto", "package", "sample"), default="auto")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--quick", action="store_true", help="60 paragraphs, 30 questions, 2 settings"
    )
    args = parser.parse_args()
    if args.quick:
        args.paragraphs, args.questions, args.chunks = 60, 30, "500/50,1000/150"
    quiet()
    path, label = squad_source(args.source)
    corpus = load_corpus(path, label, args.paragraphs, args.questions, args.group, args.seed)
    contexts = [kind for kind in CONTEXT_KINDS if kind in args.context.split(",")]
    settings = [
        (size, overlap, kind) for size, overlap in parse_settings(args.chunks) for kind in contexts
    ]
    embedder = Embedder()
    embedder.encode(["warm up"])
    characters = sum(len(t) for t in corpus.files.values())
    print(f"data: {corpus.label}")
    print(
        f"{len(corpus.files)} files ({characters / len(corpus.files) / 1000:.1f} KB each, "
        f"{args.group} paragraphs), {len(corpus.questions)} questions, top {K}, "
        f"embedder {embedder.model_name} (max 256 tokens per chunk)"
    )
    rows: list[list[object]] = []
    results: dict[tuple[int, int, ContextKind], dict[str, Score]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "squad"
        folder.mkdir()
        for name, text in corpus.files.items():
            (folder / name).write_text(text, encoding="utf-8")
        for setting in settings:
            chunks, seconds, scores = run_setting(corpus, folder, Path(tmp), embedder, setting)
            results[setting] = scores
            size, overlap, context = setting
            for mode in MODES:
                rows.append(
                    [
                        f"{size}/{overlap}",
                        context,
                        chunks,
                        f"{seconds:.1f}",
                        mode,
                        *scores[mode].row(),
                    ]
                )
    print()
    print_table([h.replace("_", " ") for h in HEADERS.split()], rows)
    print()
    for (size, overlap, context), scores in results.items():
        hybrid = scores["hybrid"].answer_recall
        for other in ("dense", "bm25"):
            base = scores[other].answer_recall
            ratio = hybrid / base if base else float("inf")
            print(f"ratio hybrid/{other} answer R@5 at {size}/{overlap} {context}: {ratio:.3f}")
    winner = max(results, key=lambda setting: results[setting]["hybrid"].answer_recall)
    print(
        f"best hybrid answer R@5: {winner[0]}/{winner[1]} {winner[2]} "
        f"({results[winner]['hybrid'].answer_recall:.3f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
