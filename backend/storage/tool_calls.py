"""The audit trail of tool calls: every call an agent made, refused ones included."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.storage.models import Run, ToolCall

# Long argument values (a whole file given to write_file) are kept only this long.
MAX_ARGUMENT_CHARS = 1000


class CallRecord(Protocol):
    """What is recorded about a call (``agents.tools.ToolCallRecord`` has this shape)."""

    @property
    def run_id(self) -> str | None: ...
    @property
    def agent(self) -> str: ...
    @property
    def tool(self) -> str: ...
    @property
    def arguments(self) -> dict[str, Any]: ...
    @property
    def result_chars(self) -> int: ...
    @property
    def duration_ms(self) -> float: ...
    @property
    def error(self) -> str | None: ...


def shortened(value: Any) -> Any:
    """``value`` with long strings cut to MAX_ARGUMENT_CHARS, saying how much was cut."""
    if isinstance(value, str) and len(value) > MAX_ARGUMENT_CHARS:
        return f"{value[:MAX_ARGUMENT_CHARS]}[... {len(value) - MAX_ARGUMENT_CHARS} more chars]"
    if isinstance(value, dict):
        return {str(key): shortened(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shortened(item) for item in value]
    if value is None or isinstance(value, str | bool | int | float):
        return value
    return str(value)  # anything JSON cannot hold


def add(session: Session, record: CallRecord) -> ToolCall:
    """Store one call."""
    row = ToolCall(
        run_id=record.run_id,
        agent=record.agent[:64],
        tool=record.tool[:64],
        arguments=shortened(record.arguments),
        result_chars=record.result_chars,
        duration_ms=record.duration_ms,
        error=record.error,
    )
    session.add(row)
    session.flush()
    return row


def list_for_run(session: Session, run_id: str) -> list[ToolCall]:
    """A run's tool calls, in the order they were made."""
    return list(
        session.scalars(select(ToolCall).where(ToolCall.run_id == run_id).order_by(ToolCall.id))
    )


def as_dict(row: ToolCall) -> dict[str, Any]:
    """A call as the API shows it."""
    return {
        "id": row.id,
        "run_id": row.run_id,
        "agent": row.agent,
        "tool": row.tool,
        "arguments": row.arguments,
        "result_chars": row.result_chars,
        "duration_ms": round(row.duration_ms, 1),
        "error": row.error,
        "created_at": row.created_at.isoformat(),
    }


def recent_writes(session: Session, limit: int = 5000) -> list[tuple[object, str, str]]:
    """The newest successful ``write_file`` calls made in a run, newest first: (the ``path``
    argument as given, run id, the run's prompt)."""
    rows = session.execute(
        select(ToolCall.arguments, ToolCall.run_id, Run.prompt)
        .join(Run, Run.id == ToolCall.run_id)
        .where(ToolCall.tool == "write_file", ToolCall.error.is_(None))
        .order_by(ToolCall.id.desc())
        .limit(limit)
    )
    return [
        (dict(arguments or {}).get("path"), str(run_id), prompt)
        for arguments, run_id, prompt in rows
    ]
