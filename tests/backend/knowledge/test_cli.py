"""``python -m backend.cli ingest`` and ``status``: progress, summary table, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend import cli
from tests.backend.knowledge.conftest import HashEmbedder


def test_ingest_prints_a_summary_and_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AGENTDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("backend.knowledge.embedder.Embedder", lambda *a, **k: HashEmbedder())
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# Alpha\nThe first note.")
    (docs / "b.txt").write_text("The second note.")
    (docs / "c.bin").write_bytes(b"\x00\x01")
    (docs / "d.txt").write_bytes(b"")

    assert cli.main(["ingest", str(docs)]) == 1
    out, err = capsys.readouterr()
    assert "4/4 files" in err and "ETA" in err
    assert "indexed         2" in out
    assert "skipped         1" in out and "failed          1" in out
    assert "skipped: unsupported type" in out and "failed: empty file" in out

    (docs / "d.txt").write_text("Now it has words.")
    assert cli.main(["ingest", str(docs)]) == 0
    out, _ = capsys.readouterr()
    assert "unchanged       3" in out and "indexed         1" in out

    assert cli.main(["status"]) == 0
    assert "indexed 3  skipped 1  failed 0" in capsys.readouterr().out


def test_ingest_of_nothing_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AGENTDESK_DATA_DIR", str(tmp_path / "data"))
    assert cli.main(["ingest", str(tmp_path / "missing")]) == 1
    assert "not found" in capsys.readouterr().err


def test_ingest_of_files_under_a_dot_folder_indexes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AGENTDESK_DATA_DIR", str(tmp_path / ".local" / "share" / "AgentDesk"))
    monkeypatch.setattr("backend.knowledge.embedder.Embedder", lambda *a, **k: HashEmbedder())
    notes = tmp_path / ".notes"
    notes.mkdir()
    (notes / "a.md").write_text("# Alpha\nThe first note.")
    (notes / "b.txt").write_text("The second note.")

    assert cli.main(["ingest", str(notes)]) == 0
    assert "indexed         2" in capsys.readouterr().out
    (notes / "c.txt").write_text("A third note, named on its own.")
    assert cli.main(["ingest", str(notes / "c.txt")]) == 0
    assert "indexed         1" in capsys.readouterr().out
