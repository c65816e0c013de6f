"""The sources an answer cites, as a conversation keeps and exports them.

An answer stores its ``sources`` (``agents.knowledge.sources_json``) beside its text. Answers
stored before that kept them only in their run's last event, so those are read from there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.storage.models import Message, RunEventRecord

# The run events whose data carries the sources the answer was given.
_ENDINGS = ("completed", "no_answer")


def sources_by_message(session: Session, messages: list[Message]) -> dict[str, list[Any]]:
    """Each message's sources: stored ones, else (older answers) those of its run's end."""
    found = {m.id: list(m.sources) for m in messages if m.sources is not None}
    missing = {m.run_id: m.id for m in messages if m.id not in found and m.role == "assistant"}
    missing.pop(None, None)
    if missing:
        rows = session.execute(
            select(RunEventRecord.run_id, RunEventRecord.data).where(
                RunEventRecord.run_id.in_(list(missing)), RunEventRecord.type.in_(_ENDINGS)
            )
        ).all()
        for run_id, data in rows:
            sources = data.get("sources") if isinstance(data, dict) else None
            if isinstance(sources, list):
                found[missing[run_id]] = sources
    return {m.id: found.get(m.id, []) for m in messages}


def _one_line(text: Any, limit: int = 300) -> str:
    line = " ".join(str(text or "").split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _page(page: Any) -> str:
    return f", page {page}" if page not in (None, "") else ""


def passages(sources: list[Any]) -> list[tuple[int, str, str]]:
    """``(number, where, snippet)`` for every cited passage, in number order.

    Sources stored before passages kept their own snippets give one line per document,
    numbered by its first passage, with the document's pages and its first passage's text.
    """
    lines: list[tuple[int, str, str]] = []
    for source in sources:
        if not isinstance(source, dict):
            continue
        name = str(source.get("name") or source.get("path") or "document")
        snippets = [s for s in source.get("snippets") or [] if isinstance(s, dict)]
        for snippet in snippets:
            where = name + _page(snippet.get("page"))
            lines.append((int(snippet.get("passage") or 0), where, _one_line(snippet.get("text"))))
        if not snippets:
            numbers = [n for n in source.get("passages") or [] if isinstance(n, int)] or [0]
            pages = ", ".join(str(p) for p in source.get("pages") or [])
            where = name + (f", pages {pages}" if "," in pages else _page(pages))
            lines.append((numbers[0], where, _one_line(source.get("snippet"))))
    return sorted(lines, key=lambda line: line[0])


def markdown(sources: list[Any]) -> list[str]:
    """The lines under an exported answer that resolve its ``[n]`` markers."""
    if not sources:
        return []
    lines = ["", "**Sources**", ""]
    for number, where, snippet in passages(sources):
        marker = f"[{number}] " if number else ""
        quote = f" — “{snippet}”" if snippet else ""
        lines.append(f"- {marker}{where}{quote}")
    return lines
