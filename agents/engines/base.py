"""What every engine receives and must provide."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from agents.events import EventType
from agents.tools.registry import ToolContext, ToolRegistry
from backend.llm.client import ChatClient


class Emit(Protocol):
    """Publish a run event; ``agent`` defaults to the engine's name."""

    async def __call__(
        self, type_: EventType, data: dict[str, Any], agent: str | None = None
    ) -> None: ...


@dataclass(frozen=True)
class ModelEndpoint:
    """Where an engine's stock OpenAI client sends this run's model calls.

    It is the run's own address on the model gateway, which forwards to the configured model,
    turns tool calls written as text into ``tool_calls``, counts tokens against the run's
    budget and refuses further calls once the run is stopped.
    """

    base_url: str  # ends with /v1
    api_key: str
    model: str


class EngineStopped(Exception):
    """The engine ended early: stopped, out of budget, or looping. The message says which."""


@dataclass
class Limits:
    """A run's budget, from settings."""

    max_steps: int = 8
    max_seconds: float = 300.0
    max_tokens: int = 20_000


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
    # For the agent engines (single, code, team):
    endpoint: ModelEndpoint | None = None
    tools: ToolRegistry = field(default_factory=ToolRegistry)
    tool_context: ToolContext = field(default_factory=ToolContext)
    limits: Limits = field(default_factory=Limits)
    # Set when the run is stopped or over budget; engines running in a thread poll it.
    cancelled: threading.Event = field(default_factory=threading.Event)
    loop: asyncio.AbstractEventLoop | None = None

    def emit_from_thread(
        self, type_: EventType, data: dict[str, Any], agent: str | None = None
    ) -> None:
        """``emit`` for engine code running in a worker thread; waits until it is recorded."""
        if self.loop is None:
            raise RuntimeError("RunContext.loop is not set")
        future = asyncio.run_coroutine_threadsafe(self.emit(type_, data, agent), self.loop)
        future.result(timeout=30)


class Engine(Protocol):
    """An engine turns a prompt (and history) into an answer, emitting events as it goes."""

    name: str

    async def run(self, context: RunContext) -> str: ...
