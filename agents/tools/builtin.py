"""The built-in tools every engine can use, described for a small model: short, concrete
descriptions and simple JSON schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agents.knowledge import Searcher
from agents.tools import dates, documents, files
from agents.tools.calculator import calculate
from agents.tools.memory import EmbedFn, MemoryNotes
from agents.tools.quota import MB, WorkspaceLimits
from agents.tools.registry import Tool, ToolContext, ToolRegistry
from agents.tools.workspace import FileRoots
from backend.config import Settings
from backend.knowledge.library import Library
from backend.storage.db import Database


def _schema(required: list[str] | None = None, **properties: tuple[str, str]) -> dict[str, Any]:
    """A JSON schema object from ``name=(type, description)`` pairs."""
    return {
        "type": "object",
        "properties": {
            name: {"type": kind, "description": text} for name, (kind, text) in properties.items()
        },
        "required": required or [],
    }


def current_time() -> str:
    """Local date and time with weekday and timezone, e.g. for 'what day is it', written as a
    sentence an answer can copy ("It is Monday, 7 December 2026, 17:05:04 UTC, local time
    (UTC+00:00); ISO 8601: …"); the ISO part is what the answer check reads."""
    now = datetime.now().astimezone()
    offset = now.strftime("%z")
    zone = f" {now.tzname()}" if now.tzname() else ""
    return (
        f"It is {now:%A}, {now.day} {now:%B %Y, %H:%M:%S}{zone}, local time "
        f"(UTC{offset[:3]}:{offset[3:]}); ISO 8601: {now.isoformat(timespec='seconds')}"
    )


def default_registry(
    settings: Settings,
    db: Database,
    knowledge: Searcher | None = None,
    embed: EmbedFn | None = None,
) -> ToolRegistry:
    """The built-in tools, bound to this app's data dir, database and knowledge base.

    ``embed`` (texts -> one vector per text, e.g. ``Embedder.encode``) lets memory notes be
    found by meaning; without it they are found by shared words.
    """
    limits = WorkspaceLimits(
        max_bytes=settings.workspace_max_mb * MB,
        max_entries=settings.workspace_max_files,
        run_max_bytes=settings.run_write_max_mb * MB,
    )
    library = Library(db)
    # The knowledge folders are read each time: they change while the app runs.
    roots = FileRoots(settings.workspace_dir, library.folder_paths, limits)
    notes = MemoryNotes(db, embed)

    def search_knowledge(query: str, k: int = 4) -> str:
        return documents.search_knowledge(knowledge, query, k)

    def read_document(document_id: int | None = None, name: str | None = None) -> str:
        return documents.read_document(library, document_id, name)

    def list_files(path: str = ".") -> str:
        return files.list_files(roots, path)

    def read_file(path: str, context: ToolContext) -> str:
        return files.read_file(roots, path, figures=not context.for_code)

    def write_file(path: str, content: str, context: ToolContext) -> str:
        return files.write_file(roots, path, content, context.writes)

    def remember(text: str) -> str:
        return notes.remember(text)

    def recall(query: str) -> str:
        return notes.recall(query)

    return ToolRegistry(
        [
            Tool(
                "search_knowledge",
                "Search the user's documents. Returns numbered passages with file name, "
                "page, document id and chunk id.",
                _schema(
                    ["query"],
                    query=("string", "What to look for, in a few words."),
                    k=("integer", "How many passages to return (default 4, at most 10)."),
                ),
                search_knowledge,
            ),
            Tool(
                "read_document",
                "Read the full text of one document in the knowledge base. "
                "Give document_id (from search_knowledge) or the file name.",
                _schema(
                    document_id=("integer", "The document id, e.g. 12."),
                    name=("string", "The file name, e.g. 'report.pdf'."),
                ),
                read_document,
            ),
            Tool(
                "list_files",
                "List files and folders with sizes. Default: the workspace, plus the "
                "knowledge folders you may read.",
                _schema(path=("string", "Folder to list, e.g. '.' or 'notes'. Default '.'.")),
                list_files,
            ),
            Tool(
                "read_file",
                "Read a text file from the workspace or a knowledge folder.",
                _schema(["path"], path=("string", "File path, e.g. 'notes/todo.txt'.")),
                read_file,
                takes_context=True,
            ),
            Tool(
                "write_file",
                "Write text to a file in the workspace. Replaces the file if it exists.",
                _schema(
                    ["path", "content"],
                    path=("string", "File path inside the workspace, e.g. 'notes/todo.txt'."),
                    content=("string", "The full text to write."),
                ),
                write_file,
                takes_context=True,
            ),
            Tool(
                "calculator",
                "Calculate arithmetic exactly, written as a formula or in words: "
                "'2*(3+4)^2', '23% of 4,180', 'sqrt of 2', 'increase 200 by 10%'.",
                _schema(
                    ["expression"],
                    expression=("string", "The arithmetic to calculate, e.g. '17.5% of 3,260'."),
                ),
                calculate,
            ),
            Tool(
                "current_time",
                "Get the current local date, time, weekday and timezone.",
                _schema(),
                current_time,
            ),
            Tool(
                "calendar",
                dates.DESCRIPTION,
                _schema(
                    date=("string", dates.DATE_HELP),
                    add=("string", dates.ADD_HELP),
                    until=("string", dates.UNTIL_HELP),
                ),
                dates.calendar,
            ),
            Tool(
                "remember",
                "Save one short fact to long-term memory, to use in later conversations.",
                _schema(["text"], text=("string", "The fact to remember, in one sentence.")),
                remember,
            ),
            Tool(
                "recall",
                "Look up facts saved earlier with remember.",
                _schema(["query"], query=("string", "What to look for, in a few words.")),
                recall,
            ),
        ]
    )
