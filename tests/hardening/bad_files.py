"""A corpus of hostile files for the watched inbox, generated on the spot (nothing committed).

``write_static(folder, big_mb)`` writes the files that exist before the drop; ``LiveFiles``
plays the ones that change while the app watches (a writer still appending, files deleted
right after they appear). Each entry says which final state a person should see for it.

    python -m tests.hardening.bad_files --out /tmp/bad      # just write the corpus
    python -m tests.hardening.bad_files --big-mb 200 --run  # the release run against the app
"""

from __future__ import annotations

import argparse
import os
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from backend.config import Settings
from bench.common import english_text
from tests.backend.knowledge.corpus import (
    USER_PASSWORD,
    write_bytes,
    write_docx_bomb,
    write_encrypted_pdf,
    write_scanned_pdf,
)

Expected = Literal["indexed", "skipped", "failed", "gone"]
DEFAULT_BIG_MB = 20.0
RELEASE_BIG_MB = 200.0
# A path component may be 255 bytes; the whole path is what Windows' MAX_PATH (260) trips on.
LONG_PATH_CHARS = 260
_BIG_BLOCK = 64_000
# A made-up word only the file dropped after the corpus contains, to prove search still works.
AFTER_WORD = "quokkafjord"


@dataclass(frozen=True)
class BadFile:
    """One corpus entry: where it lands (relative to the drop folder) and what should show."""

    label: str
    relative: str
    expected: Expected
    reason: str = ""  # how the skipped/failed reason starts
    final_size: int | None = None  # for a file that must be indexed whole


def write_static(
    folder: Path, big_mb: float = DEFAULT_BIG_MB, max_file_mb: float | None = None
) -> list[BadFile]:
    """Write every file that exists before the drop into ``folder``; returns their entries.

    ``max_file_mb`` is the app's size limit (its default when None): a big file over it
    should be skipped as too large, one under it indexed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261201)
    prose = english_text(rng, 3000)
    files = [
        BadFile("0-byte file", _write(folder, "empty.txt", b"").name, "failed", "empty file"),
        BadFile("random bytes .pdf", _write(folder, "random.pdf", rng.randbytes(8192)).name,
                "failed", "corrupt PDF"),
        BadFile("random bytes .docx", _write(folder, "random.docx", rng.randbytes(8192)).name,
                "failed", "corrupt DOCX"),
        BadFile("DOCX zip bomb (60 MB of XML)",
                write_docx_bomb(folder / "zip-bomb.docx", xml_mb=60).name,
                "failed", "the DOCX unpacks to 60"),
        BadFile("encrypted PDF", write_encrypted_pdf(folder / "encrypted.pdf",
                                                     USER_PASSWORD).name,
                "failed", "encrypted PDF"),
        BadFile("scanned image-only PDF", write_scanned_pdf(folder / "scanned.pdf").name,
                "failed", "no extractable text"),
        BadFile("invalid UTF-8 text", _write(folder, "invalid-utf8.txt", _invalid_utf8(prose))
                .name, "indexed"),
        BadFile("UTF-16 with BOM", _write(folder, "utf16-bom.txt", prose.encode("utf-16")).name,
                "indexed"),
        _big_text(folder, big_mb, max_file_mb, rng),
        *_symlink_loop(folder),
        _long_path(folder, prose),
        BadFile("unicode and spaces in the name",
                _write(folder, "Résumé – naïve café 日本語 😀 notes.md", prose.encode()).name,
                "indexed"),
        BadFile("name decomposed (NFD)",
                _write(folder, "cafe\u0301 de\u0301compose\u0301.txt", prose.encode()).name,
                "indexed"),
    ]  # fmt: skip
    undecodable = _undecodable_name(folder, prose)
    if undecodable is not None:
        files.append(undecodable)
    return files


def _write(folder: Path, name: str, data: bytes) -> Path:
    return write_bytes(folder / name, data)


def _invalid_utf8(prose: str) -> bytes:
    """Mostly good UTF-8 text with stray bytes no UTF-8 decoder accepts."""
    good = prose.replace(" the ", " thé ").encode()
    pieces = [good[i : i + 200] for i in range(0, len(good), 200)]
    return b"\xff\xfe\xc3".join(pieces) + b"\x80"


def _big_text(
    folder: Path, big_mb: float, max_file_mb: float | None, rng: random.Random
) -> BadFile:
    """A large text file written in blocks (the generator never holds it whole).

    The same prose block repeats, like a log file, so its chunks share vectors and the run
    measures reading, chunking and storing it rather than hours of embedding.
    """
    path = folder / "big.txt"
    size = int(big_mb * 1_000_000)
    block = (english_text(rng, _BIG_BLOCK) + "\n\n").encode()
    with path.open("wb") as out:
        written = 0
        while written < size:
            piece = block[: size - written]
            out.write(piece)
            written += len(piece)
    label = f"{big_mb:g} MB text file"
    limit = Settings.model_fields["max_file_mb"].default if max_file_mb is None else max_file_mb
    if size > limit * 1_000_000:
        return BadFile(label, path.name, "skipped", "too large")
    return BadFile(label, path.name, "indexed", final_size=size)


def _symlink_loop(folder: Path) -> list[BadFile]:
    """Two links naming each other: opening either fails with 'too many levels of links'."""
    first, second = folder / "loop-a.txt", folder / "loop-b.txt"
    try:
        first.symlink_to(second.name)
        second.symlink_to(first.name)
    except OSError:
        # Windows allows links only in developer mode or with admin rights.
        return []
    return [
        BadFile("symlink loop (a -> b)", first.name, "skipped", "broken link"),
        BadFile("symlink loop (b -> a)", second.name, "skipped", "broken link"),
    ]


def _long_path(folder: Path, prose: str) -> BadFile:
    """A file more than ``LONG_PATH_CHARS`` characters below the drop folder, in nested dirs."""
    parts: list[str] = []
    while len("/".join(parts)) < LONG_PATH_CHARS:
        parts.append(f"level {len(parts)} " + "deep" * 12)
    path = folder.joinpath(*parts, "a file far down the tree.txt")
    write_bytes(path, prose.encode())
    return BadFile(f"path of {len(str(path.relative_to(folder)))} characters",
                   str(path.relative_to(folder)), "indexed")  # fmt: skip


def _undecodable_name(folder: Path, prose: str) -> BadFile | None:
    """A file name that is not valid UTF-8 (old zip archives make these); POSIX only."""
    if os.name != "posix":
        return None
    raw = os.fsencode(folder) + b"/latin1-caf\xe9.txt"
    try:
        with open(raw, "wb") as out:
            out.write(prose.encode())
    except OSError:
        # Some file systems (macOS HFS+) refuse such names outright.
        return None
    return BadFile("name not valid UTF-8", os.fsdecode(raw)[len(str(folder)) + 1 :], "skipped",
                   "the file name is not valid UTF-8")  # fmt: skip


@dataclass
class LiveFiles:
    """Files that change while the app watches: started after the drop, then ``join``ed."""

    folder: Path
    write_seconds: float = 3.0
    vanish_delays: tuple[float, ...] = (0.0, 0.05, 0.3, 1.2)
    entries: list[BadFile] = field(default_factory=list)
    _threads: list[threading.Thread] = field(default_factory=list)
    _growing_size: int = 0

    def start(self) -> None:
        """Start the writer and the vanishing files, each in its own thread."""
        self._threads = [threading.Thread(target=self._grow, name="growing-writer")]
        self._threads += [
            threading.Thread(target=self._vanish, args=(i, delay), name=f"vanish-{i}")
            for i, delay in enumerate(self.vanish_delays)
        ]
        for thread in self._threads:
            thread.start()

    def join(self) -> list[BadFile]:
        """Wait for the writer and the deletions to finish; returns their entries."""
        for thread in self._threads:
            thread.join()
        self.entries = [
            BadFile("file still being written", "growing.txt", "indexed",
                    final_size=self._growing_size),
            *(BadFile(f"deleted {delay:g} s after it appeared", f"vanishing-{i}.txt", "gone")
              for i, delay in enumerate(self.vanish_delays)),
        ]  # fmt: skip
        return self.entries

    def _grow(self) -> None:
        # One open handle appended to for a while, as a slow copy or a download does.
        path = self.folder / "growing.txt"
        deadline = time.monotonic() + self.write_seconds
        with path.open("w", encoding="utf-8") as out:
            line = 0
            while time.monotonic() < deadline:
                out.write(f"line {line} of a report still being written to disk\n")
                out.flush()
                line += 1
                time.sleep(0.05)
            out.write("the last line of the growing report\n")
        self._growing_size = path.stat().st_size

    def _vanish(self, index: int, delay: float) -> None:
        path = self.folder / f"vanishing-{index}.txt"
        path.write_text(f"this note number {index} is deleted soon after it appears\n" * 20)
        time.sleep(delay)
        path.unlink()


def after_file(folder: Path) -> Path:
    """The ordinary file dropped after the corpus: it must still be indexed and found."""
    return write_bytes(
        folder / "after the storm.txt",
        f"A normal note written after the corpus. The {AFTER_WORD} word is unique.\n".encode(),
    )


def main(argv: list[str] | None = None) -> int:
    """Write the corpus to a folder, or (``--run``) drop it into a running app and report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--big-mb",
        type=float,
        default=DEFAULT_BIG_MB,
        help=f"size of the big text file (release run: {RELEASE_BIG_MB:g})",
    )
    parser.add_argument("--out", type=Path, help="write the static corpus here and stop")
    parser.add_argument(
        "--run",
        action="store_true",
        help="start the app, drop the corpus in its inbox, print the states",
    )
    parser.add_argument(
        "--max-file-mb",
        type=float,
        default=None,
        help="AGENTDESK_MAX_FILE_MB for the app (default: the app's own)",
    )
    args = parser.parse_args(argv)  # fmt: skip
    if args.out is not None:
        for entry in write_static(args.out, args.big_mb, args.max_file_mb):
            print(f"{entry.expected:>8}  {entry.label}: {entry.relative}")
        return 0
    if not args.run:
        parser.error("give --out FOLDER or --run")
    from tests.hardening.drop_run import print_report, run_drop

    report = run_drop(args.big_mb, max_file_mb=args.max_file_mb)
    print_report(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
