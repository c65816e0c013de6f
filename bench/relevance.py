"""Where to cut off passages that do not help: cosine similarity of retrieved chunks for
questions whose answer is in the knowledge base, against questions from elsewhere.

Data: the SQuAD sample of bench/retrieval.py (12 articles, 60 paragraphs; see its citation).
In three folds, 8 articles are ingested through the real pipeline (parse, chunk, MiniLM embed,
SQLite, FTS5, FAISS) and 4 are held out. Three kinds of question are asked by hybrid search:

- answerable: a question about an ingested article; counted at its first hit holding the
  gold answer (no such hit: the search missed, which no threshold can mend);
- held out: a question about a held-out article (same style, answer not in the corpus);
- general: everyday prompts (general knowledge, writing, arithmetic) that no document answers.

For each threshold it prints the share of answerable questions whose answer passage passes,
and the share of the others that would still get any passage. agents/relevance.py holds the
chosen cut-off.

    python bench/relevance.py            # 3 folds
    python bench/relevance.py --quick    # 1 fold
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agents.relevance import BEST_MARGIN, RELEVANCE_THRESHOLD, Grounding, relevant  # noqa: E402
from backend.knowledge.embedder import Embedder  # noqa: E402
from backend.knowledge.ingest import Ingestor  # noqa: E402
from backend.knowledge.retriever import HybridRetriever  # noqa: E402
from backend.knowledge.vectors import VectorIndex  # noqa: E402
from bench.common import bench_settings, fresh_database, print_table, quiet  # noqa: E402
from bench.retrieval import SAMPLE, load_corpus  # noqa: E402

K = 4
FOLDS = 3
THRESHOLDS = (0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55)
Pair = tuple[float, float]  # (similarity of the answer passage, of the best hit)
# Passages that go into the prompt on "auto", per question, by kind of question.
SENT: dict[str, list[int]] = {"answerable": [], "held out": []}
GENERAL = (
    "What is the capital of Australia?",
    "Who wrote Pride and Prejudice?",
    "How far is the Moon from the Earth?",
    "What is the boiling point of water in Fahrenheit?",
    "Who painted the Mona Lisa?",
    "How many legs does a spider have?",
    "What language is spoken in Brazil?",
    "Why is the sky blue?",
    "What is photosynthesis?",
    "When did the Berlin Wall fall?",
    "Who was the first person to walk on the Moon?",
    "What is the tallest mountain in Africa?",
    "How do vaccines work?",
    "What does DNA stand for?",
    "Which planet has the most moons?",
    "What is the currency of Japan?",
    "How many bones are in the human body?",
    "What causes earthquakes?",
    "Who invented the telephone?",
    "What is the largest ocean?",
    "Write a short poem about autumn leaves.",
    "Write a detailed essay on the history of the bicycle.",
    "Draft an email to my landlord about a broken heater.",
    "Give me three ideas for a birthday party.",
    "Tell me a joke about cats.",
    "Translate 'good morning' into Spanish.",
    "Explain recursion to a ten-year-old.",
    "Suggest a name for a bakery.",
    "What is 23% of 4,180?",
    "How much is 17 times 23?",
    "Convert 5 miles to kilometres.",
    "What is the square root of 144?",
    "What time is it in Tokyo?",
    "How do I make a cup of tea?",
    "What are the rules of chess castling?",
    "Recommend a good science fiction novel.",
    "What is the difference between weather and climate?",
    "How do I change a flat tyre?",
    "What is machine learning?",
    "Summarize the plot of Romeo and Juliet.",
)


def fold_scores(
    articles: list[str], held: set[str], embedder: Embedder, work: Path
) -> tuple[list[Pair], list[float], list[tuple[float, str]], int]:
    """Similarities in one fold: answer passages, best hit for held-out and for general."""
    corpus = load_corpus(SAMPLE, "sample", 60, 10_000, 5, 13)
    folder = work / "docs"
    folder.mkdir(parents=True)
    for name, text in corpus.files.items():
        if not any(name.startswith(title) for title in held):
            (folder / name).write_text(text, encoding="utf-8")
    settings = bench_settings(work / "data")
    db = fresh_database(settings)
    vectors = VectorIndex(settings.index_dir, embedder.dimension)
    Ingestor(settings, db, embedder, vectors).ingest_many(sorted(folder.iterdir()))
    retriever = HybridRetriever(db, vectors, embedder)
    answer, held_out, missed = [], [], 0
    for question in corpus.questions:
        hits = retriever.search(question.text, k=K)
        is_held = any(question.file.startswith(title) for title in held)
        SENT["held out" if is_held else "answerable"].append(len(relevant(hits, Grounding())))
        if is_held:
            held_out.append(max(h.similarity or 0.0 for h in hits))
            continue
        gold = str(folder / question.file)
        best = max(h.similarity or 0.0 for h in hits)
        found = [
            (h.similarity or 0.0, best)
            for h in hits
            if h.source == gold and any(h.start <= s and e <= h.end for s, e in question.answers)
        ]
        if found:
            answer.append(found[0])
        else:
            missed += 1
    general = [(max(h.similarity or 0.0 for h in retriever.search(q, k=K)), q) for q in GENERAL]
    db.dispose()
    return answer, held_out, general, missed


def share(values: list[float], threshold: float) -> str:
    return f"{sum(v >= threshold for v in values) / len(values):.3f}"


def kept(pairs: list[Pair], threshold: float, margin: float) -> str:
    """Share of answer passages that pass the cut-off and the margin below the best hit."""
    passed = sum(a >= max(threshold, best - margin) for a, best in pairs)
    return f"{passed / len(pairs):.3f}"


def quartiles(values: list[float]) -> str:
    q = statistics.quantiles(values, n=20)
    return f"p5 {q[0]:.3f}  p25 {q[4]:.3f}  median {q[9]:.3f}  p75 {q[14]:.3f}  p95 {q[18]:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one fold instead of three")
    folds = 1 if parser.parse_args().quick else FOLDS
    quiet()
    corpus = load_corpus(SAMPLE, "sample", 60, 0, 5, 13)
    titles = sorted({name.rsplit("-", 1)[0] for name in corpus.files})
    embedder = Embedder()
    answer: list[Pair] = []
    held_out: list[float] = []
    general: list[tuple[float, str]] = []
    missed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for fold in range(folds):
            held = set(titles[fold::FOLDS])
            a, h, g, m = fold_scores(titles, held, embedder, Path(tmp) / f"fold{fold}")
            answer += a
            held_out += h
            general += g
            missed += m
    print(f"data: {SAMPLE.name}, {folds} of {FOLDS} folds, each ingesting {len(titles) * 2 // 3}")
    print(f"embedder {embedder.model_name}, hybrid search, top {K}")
    print(f"answerable, answer passage found: {len(answer)} (missed by the search: {missed})")
    print(f"  similarity of the answer passage: {quartiles([a for a, _ in answer])}")
    print(f"held out (best hit): {len(held_out)}: {quartiles(held_out)}")
    scores = [g for g, _ in general]
    print(f"general (best hit, asked once per fold): {len(general)}: {quartiles(scores)}")
    rows = [
        [
            f"{t:.2f}",
            share([a for a, _ in answer], t),
            kept(answer, t, BEST_MARGIN),
            share(held_out, t),
            share(scores, t),
        ]
        for t in THRESHOLDS
    ]
    print()
    headers = ["threshold", "answer kept", f"+ margin {BEST_MARGIN}", "held-out leak"]
    print_table([*headers, "general leak"], rows)
    others = held_out + scores
    leaked = sum(v >= RELEVANCE_THRESHOLD for v in others) / len(others)
    passed = float(kept(answer, RELEVANCE_THRESHOLD, BEST_MARGIN))
    print(f"\nat the cut-off {RELEVANCE_THRESHOLD}: answer passages kept {passed:.3f}, ", end="")
    print(f"other questions given passages {leaked:.3f}")
    ratio = passed / leaked if leaked else float("inf")
    print(f"ratio answer kept/others given passages at {RELEVANCE_THRESHOLD}: {ratio:.1f}")
    for kind, counts in SENT.items():
        print(f"passages sent on auto, {kind}: {statistics.mean(counts):.2f} of {K} on average")
    leaks = sorted({q for g, q in general if g >= RELEVANCE_THRESHOLD})
    print(f"\ngeneral prompts given passages at {RELEVANCE_THRESHOLD}: {leaks}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
