"""The read model of the knowledge base: listings, lookups by id and name, counts, folders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from backend.knowledge import store
from backend.knowledge.library import MAX_ID, Library
from backend.storage.db import Database
from backend.storage.models import Document, WatchedFolder
from tests.backend.knowledge.conftest import AddDocument


def changed(db: Database, path: str, minutes_ago: int) -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(minutes=minutes_ago)
    with db.session() as session:
        session.execute(update(Document).where(Document.path == path).values(updated_at=when))


def test_listing_is_newest_first_filtered_paged_and_names_the_folder(
    knowledge_db: Database, add_document: AddDocument
) -> None:
    with knowledge_db.session() as session:
        session.add(WatchedFolder(path="/notes"))
    with knowledge_db.session() as session:
        store.add_document(session, "/notes/plan.md", state="pending")
    add_document("/elsewhere/report.txt", ["Quarterly figures."])
    add_document("/notes/old.txt", ["Old notes."], state="failed")
    for path, minutes in (
        ("/notes/plan.md", 1),
        ("/elsewhere/report.txt", 2),
        ("/notes/old.txt", 3),
    ):
        changed(knowledge_db, path, minutes)
    library = Library(knowledge_db)

    everything = library.list_documents()
    assert [d.name for d in everything.documents] == ["plan.md", "report.txt", "old.txt"]
    assert [d.folder for d in everything.documents] == ["/notes", None, None]
    page = library.list_documents(limit=1, offset=1)
    assert ([d.name for d in page.documents], page.total) == (["report.txt"], 3)
    notes = library.list_documents(contains="/notes/")
    assert ([d.name for d in notes.documents], notes.total) == (["plan.md", "old.txt"], 2)
    failed = library.list_documents(state="failed")
    assert [(d.name, d.state) for d in failed.documents] == [("old.txt", "failed")]
    assert library.counts_by_state() == {"pending": 1, "indexed": 1, "failed": 1}
    assert library.folder_paths() == [Path("/notes")]


def test_lookups_by_id_and_by_name_see_only_what_they_should(
    knowledge_db: Database, add_document: AddDocument
) -> None:
    add_document("/a/Budget.xlsx", ["Rent 900."])
    add_document("/b/budget.xlsx.bak", ["Rent 850."])
    add_document("/c/budget-2025.xlsx", ["Rent 800."])
    add_document("/d/budget.pdf", ["Not yet."], state="pending")
    library = Library(knowledge_db)
    listed = {d.path: d.id for d in library.list_documents().documents}

    assert [d.path for d in library.indexed_named("BUDGET.xlsx")] == ["/a/Budget.xlsx"]
    assert [d.name for d in library.indexed_named(" budget ")] == [
        "budget-2025.xlsx",
        "Budget.xlsx",
        "budget.xlsx.bak",
    ]
    assert library.indexed_named("budget.pdf") == []
    pending = listed["/d/budget.pdf"]
    assert library.document(pending) is not None and library.indexed_document(pending) is None
    for missing in (0, -1, MAX_ID, MAX_ID + 1):
        assert library.document(missing) is None
        assert library.chunks_of(missing) == []
        assert library.document_text(missing) is None
    read = library.document_text(listed["/a/Budget.xlsx"])
    assert read is not None and (read.text, read.pages) == ("Rent 900.", [])
