"""Model calls a run makes besides its engine's: choosing the engine when no rule is sure, and
rewriting a follow-up into a standalone question. They are the run's work too, so each is
admitted and charged by the run's budget like the engine's own calls."""

from __future__ import annotations

import time
from typing import Any, Protocol

from agents.engines.base import EngineStopped
from backend.llm.client import Completion
from backend.llm.gateway import RunBudget


class Completer(Protocol):
    """What the routing call and the follow-up rewrite need of a model client."""

    async def complete(self, messages: list[dict[str, Any]], **params: Any) -> Completion: ...


class ChargedClient:
    """A client whose calls count against ``budget``: refused once it is spent."""

    def __init__(self, client: Completer, budget: RunBudget | None) -> None:
        self.client = client
        self.budget = budget

    async def complete(self, messages: list[dict[str, Any]], **params: Any) -> Completion:
        if self.budget is not None:
            refused = self.budget.admit()
            if refused is not None:
                raise EngineStopped(refused)
        started = time.perf_counter()
        reply = await self.client.complete(messages, **params)
        if self.budget is not None:
            self.budget.charge(reply.usage, (time.perf_counter() - started) * 1000)
        return reply
