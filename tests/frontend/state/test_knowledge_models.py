"""Turning knowledge API payloads into what the Knowledge page and the source chips show."""

from __future__ import annotations

from frontend.state import knowledge_models as km
from frontend.state.chat_models import to_chat_message
from tests.frontend.state import payloads


def test_chunks_are_numbered_from_one() -> None:
    chunk = km.to_chunk_row(payloads.chunk(**{"id": 4, "seq": 0, "text": "a", "page": 3}))
    assert (chunk.number, chunk.page) == (1, "p. 3")
    assert km.to_document_row(payloads.document(**{"chunk_count": 1})).chunks_label == "1 chunk"
    assert km.to_document_row(payloads.document(**{"chunk_count": 12})).chunks_label == "12 chunks"


def test_document_row_colours_its_state_and_keeps_the_reason() -> None:
    row = km.to_document_row(
        payloads.document(
            **{
                "id": 7,
                "path": "/data/inbox/scan.pdf",
                "name": "scan.pdf",
                "file_type": "pdf",
                "size": 2048,
                "state": "failed",
                "error": "encrypted PDF",
                "chunk_count": 0,
                "indexed_at": None,
            }
        )
    )
    assert (row.id, row.name, row.size, row.color, row.error) == (
        7,
        "scan.pdf",
        "2.0 KB",
        "red",
        "encrypted PDF",
    )
    assert row.indexed_at == ""
    # The row shows the name the server gives, whatever the path's separators.
    windows = payloads.document(path="C:\\docs\\b.txt", name="b.txt", state="skipped")
    assert km.to_document_row(windows).name == "b.txt"
    assert km.to_document_row(payloads.document(**{"state": "skipped"})).color == "gray"


def test_search_hit_row() -> None:
    hit = km.to_search_hit(
        payloads.search_hit(
            **{
                "text": "alpha beta",
                "source": "/d/notes.md",
                "name": "notes.md",
                "score": 0.5,
                "chunk_id": 3,
                "document_id": 9,
                "page": 2,
            }
        ),
        "beta",
    )
    assert (hit.name, hit.page, hit.score, hit.document_id) == ("notes.md", "p. 2", "0.500", 9)
    assert [part.text for part in hit.parts if part.match] == ["beta"]


def test_chat_source_links_to_its_document() -> None:
    source = km.to_chat_source(
        {
            "path": "/d/report.pdf",
            "name": "report.pdf",
            "page": 4,
            "snippet": "Revenue\n grew",
            "score": 0.8,
            "document_id": 12,
            "chunk_id": 40,
        }
    )
    assert source.href == "/knowledge?document=12"
    assert (source.name, source.page, source.snippet) == ("report.pdf", "p. 4", "Revenue grew")
    assert km.to_chat_source({"path": "/d/plain.txt", "page": None}).page == ""


def test_a_chip_shows_the_numbers_of_its_passages() -> None:
    grouped = km.to_chat_source({"path": "/d/report.pdf", "passages": [1, 3]})
    assert grouped.passages == "[1, 3]"
    assert km.to_chat_source({"path": "/d/old.txt"}).passages == ""
    assert km.to_chat_source({"path": "/d/x.txt", "passages": ["1", True]}).passages == ""


def test_sources_of_an_event() -> None:
    assert km.sources_of({"kind": "retrieval"}) is None
    assert km.sources_of({"sources": []}) == []
    found = km.sources_of({"sources": [{"path": "/a/b.txt", "document_id": 1}, "junk"]})
    assert found is not None and [s.name for s in found] == ["b.txt"]


def test_folder_row() -> None:
    row = km.to_folder_row(
        payloads.folder(**{"id": 2, "path": "/data/gone", "documents": 3, "exists": False})
    )
    assert (row.id, row.name, row.documents, row.exists, row.inbox) == (
        2,
        "gone",
        3,
        False,
        False,
    )


def test_a_stored_answer_keeps_its_sources() -> None:
    raw = {"id": "m", "role": "assistant", "content": "x", "sources": [{"document_id": 3}]}
    assert [s.href for s in to_chat_message(raw).sources] == ["/knowledge?document=3"]
    assert to_chat_message({"role": "user", "content": "hi"}).sources == []
