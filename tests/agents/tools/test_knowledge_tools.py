"""search_knowledge against a real KnowledgeService (deterministic HashEmbedder) and
read_document from the stored chunks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from agents.tools.builtin import default_registry
from agents.tools.documents import EMPTY
from agents.tools.registry import ToolContext, ToolError, ToolRegistry
from backend.config import Settings
from backend.knowledge.library import joined_text
from backend.knowledge.service import KnowledgeService
from backend.storage.db import Database
from backend.storage.models import Chunk, Document
from tests.backend.knowledge.conftest import HashEmbedder

SOLAR = (
    "Solar panels turn sunlight into electricity. Panel efficiency depends on temperature: "
    "hot panels lose output. Clean panels facing south produce the most energy in winter. "
    "Inverters change the direct current from the panels into alternating current for the "
    "house. A battery stores surplus energy for the evening, when the sun is down.\n\n"
    "Maintenance is simple: rinse dust off the glass twice a year and check the wiring."
)
BREAD = "Sourdough bread needs flour, water, salt and a lively starter. Knead, rest, bake hot."


@pytest.fixture
def knowledge(tool_settings: Settings, db: Database, tmp_path: Path) -> KnowledgeService:
    """A knowledge base holding two small text files, ingested for real."""
    service = KnowledgeService(tool_settings, db, embedder=HashEmbedder())  # type: ignore[arg-type]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "solar.txt").write_text(SOLAR, encoding="utf-8")
    (docs / "bread.md").write_text(BREAD, encoding="utf-8")
    outcomes = service.ingestor.ingest_many([docs / "solar.txt", docs / "bread.md"])
    assert [o.outcome for o in outcomes] == ["indexed", "indexed"]
    return service


@pytest.fixture
def kb_registry(tool_settings: Settings, db: Database, knowledge: KnowledgeService) -> ToolRegistry:
    return default_registry(tool_settings, db, knowledge=knowledge)


def document_id(db: Database, name: str) -> int:
    with db.session() as session:
        return next(d.id for d in session.query(Document) if Path(d.path).name == name)


def test_search_returns_numbered_passages_with_their_origin(
    kb_registry: ToolRegistry, context: ToolContext, db: Database
) -> None:
    answer = kb_registry.call("search_knowledge", {"query": "sourdough starter", "k": 1}, context)
    bread_id = document_id(db, "bread.md")
    with db.session() as session:
        chunk_id = session.query(Chunk.id).filter(Chunk.document_id == bread_id).scalar()
    assert answer == f"[1] bread.md (document {bread_id}, chunk {chunk_id})\n{BREAD}"

    several = kb_registry.call("search_knowledge", {"query": "solar panel battery"}, context)
    headers = [line for line in several.splitlines() if line.startswith("[")]
    assert headers[0].startswith("[1] solar.txt (document ")
    assert [h.split("]")[0] for h in headers] == [f"[{n}" for n in range(1, len(headers) + 1)]


def test_search_says_plainly_when_there_is_nothing_to_search(
    tool_settings: Settings, db: Database, context: ToolContext
) -> None:
    without = default_registry(tool_settings, db)
    assert without.call("search_knowledge", {"query": "anything"}, context) == EMPTY
    empty = KnowledgeService(tool_settings, db, embedder=HashEmbedder())  # type: ignore[arg-type]
    with_empty = default_registry(tool_settings, db, knowledge=empty)
    # Another run (a fresh context): the first run's answer is not handed back as a repeat.
    another = ToolContext(run_id="another run")
    assert with_empty.call("search_knowledge", {"query": "anything"}, another) == EMPTY
    assert "knowledge base is empty" in EMPTY
    with pytest.raises(ToolError, match="query is empty"):
        without.call("search_knowledge", {"query": "  "}, context)
    with pytest.raises(ToolError, match="must be of type integer"):
        without.call("search_knowledge", {"query": "x", "k": "3"}, context)


def test_read_document_rebuilds_the_text_without_the_overlaps(
    kb_registry: ToolRegistry, context: ToolContext, db: Database
) -> None:
    solar_id = document_id(db, "solar.txt")
    with db.session() as session:
        chunks = session.query(Chunk).filter(Chunk.document_id == solar_id).all()
    # Several chunks, whatever overlap the chunker leaves between them (the joining of
    # overlapping chunks is checked in test_joined_text_cuts_overlaps_fills_gaps_and_marks_pages).
    assert len(chunks) > 1

    by_id = kb_registry.call("read_document", {"document_id": solar_id}, context)
    header, body = by_id.split("\n\n", 1)
    assert header == f"solar.txt (document {solar_id})"
    assert body.split() == SOLAR.split(), "every word once, in order"
    assert kb_registry.call("read_document", {"name": "SOLAR.TXT"}, context) == by_id
    assert kb_registry.call("read_document", {"name": "sol"}, context) == by_id


def test_read_document_trusts_a_whole_file_name_over_a_guessed_id(
    kb_registry: ToolRegistry, context: ToolContext, db: Database
) -> None:
    solar_id, bread_id = document_id(db, "solar.txt"), document_id(db, "bread.md")
    solar = kb_registry.call("read_document", {"document_id": solar_id}, context)
    bread = kb_registry.call("read_document", {"document_id": bread_id}, context)
    guessed = {"document_id": bread_id, "name": "solar.txt"}
    assert kb_registry.call("read_document", guessed, context) == solar
    # A made-up id beside a name that matches one document.
    assert kb_registry.call("read_document", {"document_id": 999, "name": "sol"}, context) == solar
    # A part of a name is no reason to doubt the id; nor is a name nothing matches.
    assert (
        kb_registry.call("read_document", {"document_id": bread_id, "name": "sol"}, context)
        == bread
    )
    assert (
        kb_registry.call("read_document", {"document_id": bread_id, "name": "x.pdf"}, context)
        == bread
    )


def test_read_document_refusals(kb_registry: ToolRegistry, context: ToolContext) -> None:
    with pytest.raises(ToolError, match="give document_id or name"):
        kb_registry.call("read_document", {}, context)
    with pytest.raises(ToolError, match="no document 999"):
        kb_registry.call("read_document", {"document_id": 999}, context)
    with pytest.raises(ToolError, match=r"no document named 'recipes\.pdf'"):
        kb_registry.call("read_document", {"name": "recipes.pdf"}, context)
    with pytest.raises(ToolError, match=r"matches several documents: bread\.md .*solar\.txt"):
        kb_registry.call("read_document", {"name": "."}, context)


def chunk(seq: int, text: str, start: int, page: int | None = None) -> Chunk:
    return Chunk(
        seq=seq,
        text=text,
        text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        page=page,
        start=start,
        end=start + len(text),
        embedding=b"",
    )


def test_joined_text_cuts_overlaps_fills_gaps_and_marks_pages() -> None:
    full = "Alpha beta gamma delta. Epsilon zeta."
    pieces = [chunk(0, full[0:16], 0, 1), chunk(1, full[11:23], 11, 1), chunk(2, full[24:], 24, 2)]
    assert joined_text(pieces) == "[page 1]\nAlpha beta gamma delta.\n[page 2]\nEpsilon zeta."
    plain = [chunk(0, full[0:16], 0), chunk(1, full[11:23], 11), chunk(2, full[24:], 24)]
    assert joined_text(plain) == "Alpha beta gamma delta.\nEpsilon zeta."


def test_read_document_names_its_pages(
    tool_settings: Settings, db: Database, context: ToolContext
) -> None:
    with db.session() as session:
        document = Document(path="/books/manual.pdf", file_type="pdf", state="indexed")
        document.chunks = [chunk(0, "Page one text.", 0, 1), chunk(1, "Page two.", 15, 2)]
        session.add(document)
        session.flush()
        found = document.id
    registry = default_registry(tool_settings, db)
    assert registry.call("read_document", {"name": "manual.pdf"}, context) == (
        f"manual.pdf (document {found}, pages 1-2)\n\n[page 1]\nPage one text.\n[page 2]\nPage two."
    )
