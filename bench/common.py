"""Shared pieces of the knowledge-base benchmarks: settings, a served app, text, tables."""

from __future__ import annotations

import logging
import os
import random
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy as np

from backend.config import Settings, load_settings
from backend.storage import migrate
from backend.storage.db import Database
from bench.app_process import ROOT as ROOT  # the repository, for every benchmark
from bench.app_process import AppFailed, AppProcess

# Common English words, so synthetic documents tokenize like prose does (a word of
# random letters costs the embedder several word pieces, a common word one).
_COMMON_WORDS = """
the of and to in is was for on that with as by at from his her he she it they we you this
are were be been has have had not but or an which their one all there when who will more
would about if out up into time year people way day man new first last long great little
own other old right big high different small large next early young important few public
bad same able city world house water river school state country family group problem
church team music history war game book story name report system program question work
government number night point home room area money mother father company case week month
power market light place hand part child eye woman life side kind head service friend
court law idea body information face center art land field road line voice paper energy
record model list table letter office door health plan price rate cost level order
"""
ENGLISH = _COMMON_WORDS.split()

# Syllables for pseudo-words: pronounceable, distinct, and absent from any dictionary.
_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"


def bench_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for a benchmark run in ``data_dir``: fake chat model, no periodic scans."""
    values: dict[str, object] = {
        "data_dir": data_dir,
        "llm_provider": "fake",
        "reconcile_minutes": 0,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return load_settings(**values)


def fresh_database(settings: Settings) -> Database:
    """A migrated, empty database at the settings' path."""
    migrate.upgrade(settings.database_path)
    return Database(settings.database_path)


def stop_on_terminate() -> None:
    """End on SIGTERM as on Ctrl-C: the ``with`` blocks unwind, so the app a benchmark serves
    (and the model server it started) stops with it instead of living on."""

    def ended(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, ended)


def quiet() -> None:
    """Keep library chatter out of the benchmark's table (and end cleanly on SIGTERM)."""
    stop_on_terminate()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    for name in ("sentence_transformers", "transformers", "alembic", "faiss", "httpx"):
        logging.getLogger(name).setLevel(logging.ERROR)


def english_text(rng: random.Random, size: int) -> str:
    """About ``size`` characters of sentences made of common English words."""
    sentences: list[str] = []
    length = 0
    while length < size:
        words = rng.choices(ENGLISH, k=rng.randint(8, 20))
        sentence = " ".join(words).capitalize() + "."
        sentences.append(sentence)
        length += len(sentence) + 1
        if rng.random() < 0.15:
            # Paragraph breaks give the splitter the boundaries real text has.
            sentences.append("\n")
    return " ".join(sentences)[:size]


def pseudo_words(count: int, seed: int = 7) -> list[str]:
    """``count`` distinct pronounceable made-up words (2 to 4 syllables)."""
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < count:
        syllables = rng.randint(2, 4)
        word = "".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(syllables))
        words.setdefault(word, None)
    return list(words)


def zipf_weights(count: int, exponent: float = 1.1) -> np.ndarray:
    """Word probabilities by rank, like natural text: a few very common words, a long tail."""
    weights = 1.0 / np.arange(1, count + 1, dtype=np.float64) ** exponent
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``, by linear interpolation."""
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Rows under headers, columns padded to their widest cell."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))


@contextmanager
def served_app(data_dir: Path, **env: str) -> Iterator[str]:
    """Serve ``create_app`` with uvicorn (fake chat model) on a free port; yields its URL.

    ``env`` adds environment variables (``AGENTDESK_*`` settings, ``OMP_WAIT_POLICY``). The
    server is stopped when the block ends.
    """
    # The app gets only the OpenMP settings passed in ``env``, never this process's own.
    inherited = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    environment = {
        **inherited,
        "AGENTDESK_DATA_DIR": str(data_dir),
        "AGENTDESK_LLM_PROVIDER": "fake",
        "AGENTDESK_RECONCILE_MINUTES": "0",
        "AGENTDESK_LOG_LEVEL": "WARNING",
        "TOKENIZERS_PARALLELISM": "false",
        # Benchmarks send requests as fast as they are answered: no per-client rate limit.
        "AGENTDESK_RATE_LIMIT": "off",
        **env,
    }
    app = AppProcess(data_dir, environment)
    try:
        app.start(timeout=300)
    except AppFailed as error:
        raise SystemExit(str(error)) from None
    try:
        yield app.url
    finally:
        with suppress(AppFailed):
            app.stop(timeout=30)
