"""A file has one key whatever way its path is spelled: relative or absolute, with ``.`` or
``..`` in it. Every spelling of one file must find the one document, never start a second."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from backend.config import Settings
from backend.knowledge.files import path_key
from backend.knowledge.ingest import Ingestor
from backend.storage.db import Database
from backend.storage.models import Document
from tests.conftest import SettingsFactory

TEXT = "\n\n".join(f"Paragraph {i}: " + " ".join(f"w{i}x{j}" for j in range(40)) for i in range(4))


@pytest.fixture
def kb_settings(make_settings: SettingsFactory) -> Settings:
    return make_settings(chunk_size=300, chunk_overlap=0)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "docs"
    (path / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return path


def stored_paths(db: Database) -> list[str]:
    with db.session() as session:
        return sorted(d.path for d in session.scalars(select(Document)))


def spellings(path: Path) -> list[Path]:
    """The same file, spelled four ways (the working directory is the folder's parent)."""
    relative = Path(os.path.relpath(path))
    return [path, relative, Path(".") / relative, path.parent / "sub" / ".." / path.name]


def test_every_spelling_of_a_path_has_the_absolute_key(folder: Path) -> None:
    path = folder / "notes.md"
    assert {path_key(spelling) for spelling in spellings(path)} == {str(path)}


@pytest.mark.parametrize(
    ("name", "content", "first"),
    [("notes.md", TEXT.encode(), "indexed"), ("photo.xyz", b"not a document", "skipped")],
)
def test_a_file_ingested_under_another_spelling_is_the_same_document(
    ingestor: Ingestor, folder: Path, db: Database, name: str, content: bytes, first: str
) -> None:
    path = folder / name
    path.write_bytes(content)
    absolute, *others = spellings(path)
    assert ingestor.ingest(absolute).outcome == first
    for spelling in others:
        outcome = ingestor.ingest(spelling)
        assert (outcome.outcome, outcome.path) == ("unchanged", str(path))
    assert stored_paths(db) == [str(path)]


@pytest.fixture
def notes(folder: Path) -> Path:
    path = folder / "notes.md"
    path.write_text(TEXT)
    return path


@pytest.fixture
def renamed(ingestor: Ingestor, notes: Path) -> tuple[Path, Path]:
    """``notes`` indexed, then renamed into ``sub``: (old path, new path)."""
    ingestor.ingest(notes)
    destination = notes.parent / "sub" / "renamed.md"
    notes.rename(destination)
    return notes, destination


def test_a_file_first_ingested_relative_is_stored_under_its_absolute_path(
    ingestor: Ingestor, notes: Path, db: Database
) -> None:
    outcome = ingestor.ingest(spellings(notes)[1])
    assert (outcome.outcome, outcome.path) == ("indexed", str(notes))
    assert stored_paths(db) == [str(notes)]


def test_removing_by_another_spelling_forgets_the_file(
    ingestor: Ingestor, notes: Path, db: Database
) -> None:
    ingestor.ingest(notes)
    outcome = ingestor.remove(spellings(notes)[1])
    assert (outcome.outcome, outcome.path) == ("removed", str(notes))
    assert stored_paths(db) == []


def test_a_move_spelled_relative_keeps_the_record_under_the_absolute_path(
    ingestor: Ingestor, renamed: tuple[Path, Path], db: Database
) -> None:
    source, destination = renamed
    outcome = ingestor.move(spellings(source)[1], spellings(destination)[1])
    assert (outcome.outcome, outcome.path) == ("moved", str(destination))
    assert outcome.reason == f"moved from {source}"
    assert stored_paths(db) == [str(destination)]


def test_a_renamed_file_found_by_content_is_stored_under_its_absolute_path(
    ingestor: Ingestor, renamed: tuple[Path, Path], db: Database
) -> None:
    source, destination = renamed
    outcome = ingestor.ingest(spellings(destination)[1])
    assert (outcome.outcome, outcome.path) == ("moved", str(destination))
    assert outcome.reason == f"moved from {source}"
    assert stored_paths(db) == [str(destination)]
