"""Which files are ignored, and how uploads get safe, unique names."""

import errno
import io
import os
from pathlib import Path

import pytest

from backend.knowledge import uploads as module
from backend.knowledge.files import fingerprint, is_ignored, sha256_of, walk_files
from backend.knowledge.uploads import UploadTooLarge, safe_name, save_upload


@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        ("report.docx", False),
        ("~$report.docx", True),
        ("notes.txt.tmp", True),
        ("movie.mp4.part", True),
        ("setup.exe.crdownload", True),
        (".hidden.md", True),
        ("backup.txt~", True),
        (".git/config", True),
        ("folder/inner.md", False),
    ],
)
def test_ignored_names(name: str, ignored: bool) -> None:
    assert is_ignored(Path("/inbox") / name, Path("/inbox")) is ignored


@pytest.mark.parametrize(
    ("root", "name", "ignored"),
    [
        ("/home/me/.local/share/AgentDesk/inbox", "report.docx", False),
        ("/home/me/.local/share/AgentDesk/inbox", "sub/report.docx", False),
        ("/home/me/.local/share/AgentDesk/inbox", ".git/config", True),
        ("/home/me/.notes", "ideas.md", False),
        ("/home/me/.notes", ".hidden.md", True),
        ("/home/me/.notes", ".obsidian/workspace.json", True),
    ],
)
def test_hidden_means_hidden_below_the_watched_folder(root: str, name: str, ignored: bool) -> None:
    assert is_ignored(Path(root) / name, Path(root)) is ignored


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("/abs/path/notes.md", "notes.md"),
        (".bashrc", "bashrc"),
        ("CON.txt", "upload_CON.txt"),
        ("a\x00b\x1fc.txt", "a_b_c.txt"),
        ("", "upload"),
        ("..", "upload"),
        ("café résumé.docx", "café résumé.docx"),
        ("CON.tar.gz", "upload_CON.tar.gz"),
        ("nul .txt", "upload_nul.txt"),
        ("CONOUT$", "CONOUT_"),
        ("bad\ud800name.txt", "bad_name.txt"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_safe_names(raw: str, safe: str) -> None:
    assert safe_name(raw) == safe


def test_upload_lands_whole_with_a_unique_name(tmp_path: Path) -> None:
    first = save_upload(io.BytesIO(b"one"), tmp_path, "notes.txt", 100)
    second = save_upload(io.BytesIO(b"two"), tmp_path, "notes.txt", 100)
    assert (first.name, second.name) == ("notes.txt", "notes (1).txt")
    assert second.read_bytes() == b"two"
    assert not list((tmp_path / ".uploads").iterdir())


def test_a_name_the_file_system_finds_too_long_is_shortened_further(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Encrypted home folders allow 143 bytes, not 255.
    real_link = os.link

    def short_names(source: str, target: Path) -> None:
        if len(Path(target).name.encode()) > 143:
            raise OSError(errno.ENAMETOOLONG, "File name too long", str(target))
        real_link(source, target)

    monkeypatch.setattr(module.os, "link", short_names)
    saved = module.save_upload(io.BytesIO(b"x"), tmp_path, "\u00e9" * 120 + ".md", 10)
    assert saved.suffix == ".md" and len(saved.name.encode()) <= 143
    assert saved.read_bytes() == b"x"


def test_upload_over_the_limit_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(UploadTooLarge, match="AGENTDESK_UPLOAD_MAX_MB"):
        save_upload(io.BytesIO(b"x" * 5000), tmp_path, "big.txt", 1000)
    assert [p.name for p in tmp_path.iterdir()] == [".uploads"]
    assert not list((tmp_path / ".uploads").iterdir())


def test_walk_skips_hidden_and_temporary_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("a.txt", "sub/b.md", ".git/c.txt", "~$d.docx", "e.tmp"):
        (tmp_path / name).write_text("x")
    found = sorted(p.relative_to(tmp_path).as_posix() for p in walk_files(tmp_path))
    assert found == ["a.txt", "sub/b.md"]


def test_walk_below_a_dot_folder_finds_its_files(tmp_path: Path) -> None:
    root = tmp_path / ".cache" / "AgentDesk" / "inbox"
    (root / ".git").mkdir(parents=True)
    for name in ("a.txt", ".git/c.txt", ".d.txt"):
        (root / name).write_text("x")
    assert [p.name for p in walk_files(root)] == ["a.txt"]


def test_fingerprint_and_hash(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"abc")
    assert fingerprint(path) is not None and fingerprint(path).size == 3  # type: ignore[union-attr]
    assert fingerprint(tmp_path / "missing") is None
    assert fingerprint(tmp_path) is None
    assert sha256_of(path).startswith("ba7816bf")
