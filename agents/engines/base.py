"""What every engine receives and must provide, and what they share: the grounded question,
waiting on the stop flag, and turning an OpenAI client's error into a model error."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from agents.events import EventType
from agents.knowledge import grounded_prompt
from agents.tools.registry import ToolContext, ToolRegistry
from backend.llm.budget import Limits
from backend.llm.client import ChatClient, Completion, ModelEndpoint
from backend.llm.errors import ModelError, ModelUnavailable, RunStopped

__all__ = [
    "Completer",
    "Emit",
    "Engine",
    "EngineStopped",
    "Limits",
    "ModelEndpoint",
    "RunContext",
    "model_failure",
    "until_set",
]

# OpenAI client errors by class name (AutoGen reports them only by name, inside a text).
_UNREACHABLE = {"APIConnectionError", "APITimeoutError"}
_MODEL_REFUSED = {
    "APIError",
    "APIStatusError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
}


class Emit(Protocol):
    """Publish a run event; ``agent`` defaults to the engine's name."""

    async def __call__(
        self, type_: EventType, data: dict[str, Any], agent: str | None = None
    ) -> None: ...


class Completer(Protocol):
    """What the routing call and the follow-up rewrite need of a model client."""

    async def complete(self, messages: list[dict[str, Any]], **params: Any) -> Completion: ...


class EngineStopped(RunStopped):
    """The engine ended early: stopped, out of budget, or looping. The message says which."""


@dataclass
class RunContext:
    """Everything an engine needs for one run.

    ``endpoint`` is the run's own address on the model gateway and ``client`` a client for it:
    every model call of the run, whoever makes it, is admitted and charged by the run's budget.
    """

    run_id: str
    prompt: str
    history: list[dict[str, str]]
    client: ChatClient
    emit: Emit
    max_tokens: int
    temperature: float
    usage: dict[str, Any] = field(default_factory=dict)
    sources: list[Any] = field(default_factory=list)
    # The prompt as a standalone question, once worked out: a follow-up that points back ("And
    # in 12 kilometres?") rewritten ("How many metres are in 12 kilometres?"), else the prompt.
    standalone: str = ""
    # For the agent engines (single, code, team), whose frameworks bring their own clients:
    endpoint: ModelEndpoint | None = None
    tools: ToolRegistry = field(default_factory=ToolRegistry)
    tool_context: ToolContext = field(default_factory=ToolContext)
    limits: Limits = field(default_factory=Limits)
    # Set when the run is stopped or over budget; engines running in a thread poll it.
    cancelled: threading.Event = field(default_factory=threading.Event)
    loop: asyncio.AbstractEventLoop | None = None

    @property
    def question(self) -> str:
        """The prompt, with the passages found for it when there are any. They go in the user
        turn, so the system prompt stays the same for the model server's prompt cache."""
        return grounded_prompt(self.prompt, self.sources) if self.sources else self.prompt

    @property
    def task(self) -> str:
        """What an agent is set to do: the prompt as it stands alone (rewritten when it points
        back), with the passages found for it when there are any."""
        asked = self.standalone or self.prompt
        return grounded_prompt(asked, self.sources) if self.sources else asked

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


async def until_set(flag: threading.Event, poll_seconds: float = 0.05) -> None:
    """Return once ``flag`` is set. It is a threading.Event (set from any thread), which has no
    awaitable wait; a short poll keeps no worker thread parked on it."""
    while not flag.is_set():  # noqa: ASYNC110
        await asyncio.sleep(poll_seconds)


def model_failure(error: BaseException | str, where: str = "") -> Exception | None:
    """The model error an OpenAI client's ``error`` means, or None when it is none.

    ``error`` is the exception, or its ``"Kind: message"`` text as AutoGen reports it. The
    model unreachable (or not ready, 503) is ModelUnavailable; any other refusal ModelError.
    """
    if isinstance(error, str):
        first_line = error.split("\n", 1)[0].strip()
        kinds, status, detail = {first_line.split(":", 1)[0]}, 0, first_line
    else:
        kinds = {kind.__name__ for kind in type(error).__mro__}
        status = int(getattr(error, "status_code", 0) or 0)
        detail = str(getattr(error, "message", "") or error)
        if getattr(error, "type", None) == "agentdesk_run_stopped":
            # The gateway refused the call: the run is stopped or its budget spent.
            return EngineStopped(detail.removeprefix("run stopped: "))
    server = f"the model server at {where}" if where else "the model server"
    if kinds & _UNREACHABLE:
        return ModelUnavailable(f"{server} is not reachable: {detail}")
    if kinds & _MODEL_REFUSED:
        if status == 503:
            return ModelUnavailable(f"{server} is not ready: {detail}")
        return ModelError(f"the model server answered with an error: {detail}")
    return None
