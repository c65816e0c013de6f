"""A few hundred small real files (text, code, docs from the installed packages), copied into a
folder, with the chunks the app should make of each."""

from __future__ import annotations

import hashlib
import random
import shutil
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from backend.knowledge.chunking import split_document
from backend.knowledge.parsers import parse_file

SUFFIXES = (".py", ".md", ".txt", ".rst", ".toml", ".cfg", ".json", ".html")
MIN_BYTES, MAX_BYTES = 300, 2_500
# The app's defaults (AGENTDESK_CHUNK_SIZE / _OVERLAP); the corpus must be split the same way.
CHUNK_SIZE, CHUNK_OVERLAP = 1000, 150


@dataclass(frozen=True)
class Corpus:
    """Files placed in a folder, and how many chunks each must end with."""

    folder: Path
    chunks: dict[str, int]  # resolved path -> expected chunk count

    @property
    def total_chunks(self) -> int:
        return sum(self.chunks.values())


def _candidates(root: Path) -> list[Path]:
    found = [
        path
        for path in root.rglob("*")
        if path.suffix in SUFFIXES
        and path.is_file()
        and not path.is_symlink()
        and MIN_BYTES <= path.stat().st_size <= MAX_BYTES
    ]
    return sorted(found)


def _mixed(paths: list[Path], rng: random.Random) -> list[Path]:
    """``paths`` shuffled and interleaved by suffix, so each kind of file is well represented."""
    groups: dict[str, list[Path]] = {}
    for path in paths:
        groups.setdefault(path.suffix, []).append(path)
    for group in groups.values():
        rng.shuffle(group)
    mixed: list[Path] = []
    while any(groups.values()):
        for suffix in sorted(groups):
            if groups[suffix]:
                mixed.append(groups[suffix].pop())
    return mixed


def _chunk_count(path: Path) -> int:
    try:
        return len(split_document(parse_file(path), CHUNK_SIZE, CHUNK_OVERLAP))
    except Exception:
        return 0


def build(folder: Path, count: int, seed: int, source: Path | None = None) -> Corpus:
    """Copy ``count`` distinct, indexable files picked with ``seed`` into ``folder``."""
    root = source or Path(sysconfig.get_paths()["purelib"])
    pool = _mixed(_candidates(root), random.Random(seed))
    folder.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    chunks: dict[str, int] = {}
    for path in pool:
        if len(chunks) == count:
            break
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in seen:
            continue  # identical files (licences, empty inits) would share one record's vectors
        target = folder / f"{len(chunks):03d}-{path.name}"
        shutil.copyfile(path, target)
        expected = _chunk_count(target)
        if expected == 0:
            target.unlink()
            continue
        seen.add(digest)
        chunks[str(target.resolve())] = expected
    if len(chunks) < count:
        raise RuntimeError(f"only {len(chunks)} usable files under {root}")
    return Corpus(folder, chunks)
