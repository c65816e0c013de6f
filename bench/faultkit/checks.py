"""What a fault may not break, read straight from the data dir: SQLite's own integrity check,
every file indexed once with all its chunks, and the FAISS cache matching the database."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backend.knowledge.store import GENERATION_KEY
from backend.knowledge.vectors import SIDECAR
from bench.faultkit.corpus import Corpus

INTEGRITY_PROBLEMS = ("integrity_check", "foreign_key_check")


@dataclass
class Findings:
    """Problems found (empty: all is well), and what was lost or doubled, by name."""

    problems: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.problems or self.lost or self.doubled)

    @property
    def integrity_ok(self) -> bool:
        """No problem found by SQLite's own checks (see ``integrity``)."""
        return not any(p.startswith(INTEGRITY_PROBLEMS) for p in self.problems)

    def merge(self, other: Findings) -> Findings:
        self.problems += other.problems
        self.lost += other.lost
        self.doubled += other.doubled
        return self


def connect(database: Path) -> sqlite3.Connection:
    """A read-only connection that does not create or change anything."""
    return sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)


def integrity(database: Path) -> Findings:
    """``PRAGMA integrity_check`` and ``foreign_key_check``."""
    found = Findings()
    with connect(database) as db:
        result = [row[0] for row in db.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            found.problems.append("integrity_check: " + "; ".join(result[:5]))
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            found.problems.append(f"foreign_key_check: {len(broken)} row(s) point nowhere")
    return found


def generation(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT value FROM app_state WHERE key = ?", (GENERATION_KEY,)).fetchone()
    return int(row[0]) if row else 0


def documents(database: Path, corpus: Corpus) -> Findings:
    """Every corpus file indexed exactly once with exactly its chunks; nothing else stored."""
    found = Findings()
    with connect(database) as db:
        rows = db.execute("SELECT id, path, state, error, chunk_count FROM documents").fetchall()
        per_doc = dict(db.execute("SELECT document_id, count(*) FROM chunks GROUP BY 1"))
        twice = db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM chunks GROUP BY document_id, seq "
            "HAVING count(*) > 1)"
        ).fetchone()[0]
        orphans = db.execute(
            "SELECT count(*) FROM chunks WHERE document_id NOT IN (SELECT id FROM documents)"
        ).fetchone()[0]
        chunks = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        fts = db.execute("SELECT count(*) FROM chunks_fts").fetchone()[0]
    by_path: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_path.setdefault(row[1], []).append(row)
    for path, expected in corpus.chunks.items():
        name = Path(path).name
        records = by_path.get(path, [])
        if len(records) > 1:
            found.doubled.append(f"{name}: {len(records)} records")
            continue
        if not records:
            found.lost.append(f"{name}: no record")
            continue
        doc_id, _, state, error, count = records[0]
        stored = per_doc.get(doc_id, 0)
        if state != "indexed":
            found.lost.append(f"{name}: {state} ({error or 'no reason'})")
        elif stored < expected or count < expected:
            found.lost.append(f"{name}: {stored} of {expected} chunks")
        elif stored > expected or count > expected:
            found.doubled.append(f"{name}: {stored} chunks, {expected} expected")
    strangers = sorted(set(by_path) - set(corpus.chunks))
    if strangers:
        found.problems.append(f"{len(strangers)} unexpected document(s): {strangers[:3]}")
    if twice:
        found.doubled.append(f"{twice} (document, seq) pair(s) stored twice")
    if orphans:
        found.problems.append(f"{orphans} chunk(s) of no document")
    if fts != chunks:
        found.problems.append(f"full-text index has {fts} rows for {chunks} chunks")
    return found


def live_index(status: dict[str, Any], database: Path) -> Findings:
    """The running app's vector count and generation against the database's."""
    found = Findings()
    index = status["index"]
    with connect(database) as db:
        chunks = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        current = generation(db)
    if index["vectors"] != chunks:
        found.problems.append(f"live index holds {index['vectors']} vectors for {chunks} chunks")
    if index["generation"] != current:
        found.problems.append(f"status says generation {index['generation']}, db {current}")
    return found


def saved_index(index_dir: Path, database: Path) -> Findings:
    """After a clean stop: the saved FAISS file is of the database's generation and holds
    exactly the stored chunks' ids (what the app checks before trusting it at start)."""
    import faiss

    found = Findings()
    with connect(database) as db:
        ids = {row[0] for row in db.execute("SELECT id FROM chunks")}
        current = generation(db)
    try:
        meta = json.loads((index_dir / SIDECAR).read_text())
        index = faiss.read_index(str(index_dir / meta["file"]))
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        found.problems.append(f"saved index unreadable: {error}")
        return found
    if meta["generation"] != current:
        found.problems.append(f"saved index is generation {meta['generation']}, db {current}")
    if index.ntotal != meta["count"] or index.ntotal != len(ids):
        found.problems.append(
            f"saved index holds {index.ntotal} vectors (sidecar {meta['count']}), db {len(ids)}"
        )
    stored = {int(i) for i in faiss.vector_to_array(index.id_map)}  # type: ignore[attr-defined]
    if stored != ids:
        found.problems.append(
            f"saved index ids differ: {len(stored - ids)} extra, {len(ids - stored)} missing"
        )
    return found


def trusted_index(index_dir: Path, database: Path) -> tuple[Findings, str]:
    """Right after a kill: the app loads a saved index without rebuilding it when its
    generation equals the database's, so such an index must hold exactly the stored chunks;
    an older one is rebuilt at start; a newer one would mean vectors outran the database."""
    try:
        meta = json.loads((index_dir / SIDECAR).read_text())
    except (OSError, ValueError):
        return Findings(), "no saved index: rebuilt at start"
    with connect(database) as db:
        current = generation(db)
    if meta["generation"] < current:
        return Findings(), f"saved index {current - meta['generation']} generation(s) old: rebuilt"
    if meta["generation"] > current:
        found = Findings(problems=[f"saved index generation {meta['generation']} > db {current}"])
        return found, "saved index ahead of the database"
    return saved_index(index_dir, database), "saved index current: loaded as is"
