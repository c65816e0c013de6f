"""What every engine receives and must provide."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from agents.events import EventType
from backend.llm.client import ChatClient

Emit = Callable[[EventType, dict[str, Any]], Awaitable[None]]


@dataclass
class RunContext:
    """Everything an engine needs for one run."""

    run_id: str
    prompt: str
    history: list[dict[str, str]]
    client: ChatClient
    emit: Emit
    max_tokens: int
    temperature: float
    usage: dict[str, Any] = field(default_factory=dict)
    sources: list[Any] = field(default_factory=list)


class Engine(Protocol):
    """An engine turns a prompt (and history) into an answer, emitting events as it goes."""

    name: str

    async def run(self, context: RunContext) -> str: ...
