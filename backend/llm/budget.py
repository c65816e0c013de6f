"""A run's limits (from settings) and its budget: what it may still spend on the model.

Every model call of a run goes through its address on the model gateway, which admits the call
against the budget and charges its tokens after; a stop ends the budget, and with it the run's
model use.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from backend.config import Settings

log = logging.getLogger(__name__)

# Model calls allowed per step: a step may need a call to act and one to read the result.
CALLS_PER_STEP = 3


@dataclass(frozen=True)
class Limits:
    """A run's limits, from settings: agent steps, seconds and tokens."""

    max_steps: int = 8
    max_seconds: float = 300.0
    max_tokens: int = 20_000

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(settings.agent_max_steps, settings.agent_max_seconds, settings.agent_max_tokens)

    @property
    def max_calls(self) -> int:
        """Model calls: a few per step, plus the routing call and the answer's second try."""
        return self.max_steps * CALLS_PER_STEP + 2


@dataclass
class RunBudget:
    """What one run may still spend, what it has spent, and whether it must end."""

    max_tokens: int
    max_calls: int
    max_seconds: float
    key: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    tokens: int = 0
    calls: int = 0
    started: float = field(default_factory=time.monotonic)
    reason: str | None = None
    # Called (from the gateway's thread) after each model call with the run's totals.
    on_call: Callable[[dict[str, Any]], None] | None = None
    # The job needs a tool (a sum, the date, a file): the run's first call that offers tools
    # must call one, so a small model cannot skip the tool and guess.
    tool_first: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def within(
        cls, limits: Limits, on_call: Callable[[dict[str, Any]], None] | None = None
    ) -> RunBudget:
        """The budget a run with ``limits`` starts with."""
        return cls(limits.max_tokens, limits.max_calls, limits.max_seconds, on_call=on_call)

    def stop(self, reason: str) -> None:
        """End the run's model use; the first reason given is the one kept."""
        with self._lock:
            if self.reason is None:
                self.reason = reason

    @property
    def stopped(self) -> bool:
        return self.reason is not None

    def admit(self) -> str | None:
        """Count one more model call; the reason it may not happen, if any."""
        with self._lock:
            if self.reason is None:
                elapsed = time.monotonic() - self.started
                if self.tokens >= self.max_tokens:
                    self.reason = f"the run used its budget of {self.max_tokens:,} tokens"
                elif self.calls >= self.max_calls:
                    self.reason = f"the run used its budget of {self.max_calls} model calls"
                elif elapsed >= self.max_seconds:
                    self.reason = f"the run used its time budget of {self.max_seconds:g} s"
                else:
                    self.calls += 1
            return self.reason

    def must_call_tool(self) -> bool:
        """True once, for the first call offering tools, when the run wants a tool first."""
        with self._lock:
            wanted, self.tool_first = self.tool_first, False
        return wanted

    def charge(self, usage: dict[str, Any], milliseconds: float) -> None:
        tokens = int(usage.get("total_tokens") or 0)
        with self._lock:
            self.tokens += tokens
            totals = {
                "model_calls": self.calls,
                "tokens": self.tokens,
                "max_tokens": self.max_tokens,
                "last_call_ms": round(milliseconds, 1),
                "last_call_tokens": tokens,
            }
        if self.on_call is not None:
            try:
                self.on_call(totals)
            except Exception:
                log.exception("on_call callback failed")
