"""Run events: one schema for what a run streams, persists and replays."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, cast

EventType = Literal[
    "started",
    "step",
    "tool_call",
    "tool_result",
    "token",
    "progress",
    "completed",
    "error",
    "stopped",
    "no_answer",
]
# "no_answer": the answer failed the answer check twice (agents/answer_gate.py).
TERMINAL: frozenset[str] = frozenset({"completed", "error", "stopped", "no_answer"})


@dataclass(frozen=True)
class RunEvent:
    """``{"run_id","seq","ts","type","agent","data"}``, as in the design contract."""

    run_id: str
    seq: int
    type: EventType
    agent: str
    data: dict[str, Any] = field(default_factory=dict)
    ts: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def stored(cls, row: Any) -> RunEvent:
        """The event a stored row (``backend.storage.models.RunEventRecord``) records."""
        return cls(
            row.run_id, row.seq, cast("EventType", row.type), row.agent, dict(row.data), row.ts
        )

    @property
    def terminal(self) -> bool:
        return self.type in TERMINAL

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "seq": self.seq,
            "ts": self.ts.isoformat(),
            "type": self.type,
            "agent": self.agent,
            "data": self.data,
        }

    def sse(self) -> str:
        """The event as one Server-Sent Events message."""
        payload = json.dumps(self.to_dict(), ensure_ascii=False)
        return f"event: {self.type}\nid: {self.seq}\ndata: {payload}\n\n"
