"""How long the answer in progress should take, as the chat's banner says it.

The server sends an ``estimate`` with a run's started, queued and running events (see
``agents/estimate.py``); the banner counts it down each second until the answer is done.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import reflex as rx

from frontend.state.knowledge_format import format_eta


@dataclasses.dataclass
class WaitEstimate:
    """An estimate as it arrived: ``place`` 0 is being worked on, n is n-th in line;
    ``seconds`` < 0 when there is no history to go by."""

    run_id: str = ""
    place: int = 0
    seconds: float = -1.0
    based_on: int = 0
    tokens_per_second: float = 0.0


def estimate_from(run_id: str, data: Any) -> WaitEstimate | None:
    """The estimate an event's ``estimate`` field carries; None when it is unreadable."""
    if not isinstance(data, dict):
        return None
    try:
        seconds = data.get("seconds")
        rate = data.get("tokens_per_second")
        return WaitEstimate(
            run_id=run_id,
            place=max(0, int(data.get("place") or 0)),
            seconds=-1.0 if seconds is None else float(seconds),
            based_on=int(data.get("based_on") or 0),
            tokens_per_second=float(rate) if rate else 0.0,
        )
    except (TypeError, ValueError):
        return None


def banner_text(estimate: WaitEstimate, elapsed: float) -> str:
    """``"Waiting for a free agent slot: number 2 in line · about 1 min 20 s — based on your
    last 8 answers · the model writes 12.5 tokens/s"``, ``elapsed`` seconds after it came."""
    if estimate.place:
        parts = [f"Waiting for a free agent slot: number {estimate.place} in line"]
    else:
        parts = ["Working on your answer"]
    if estimate.seconds < 0 or estimate.based_on <= 0:
        parts.append("no estimate yet")
    else:
        answers = "answer" if estimate.based_on == 1 else f"{estimate.based_on} answers"
        left = estimate.seconds - elapsed
        if left >= 1:
            parts.append(f"about {format_eta(left)} — based on your last {answers}")
        else:
            expected = format_eta(estimate.seconds)
            parts.append(f"taking longer than the {expected} your last {answers} took")
    if estimate.tokens_per_second > 0:
        parts.append(f"the model writes {estimate.tokens_per_second:.1f} tokens/s")
    return " · ".join(parts)


class EstimateState(rx.State):
    """The banner over the message box while an answer waits or is being written."""

    estimate: WaitEstimate = WaitEstimate()
    text: str = ""
    _received: float = 0.0

    @rx.event
    def tick(self, _tick: str = "") -> None:
        """Called each second by the banner's timer: count the estimate down."""
        if self.estimate.run_id:
            self.text = banner_text(self.estimate, time.monotonic() - self._received)

    def show(self, estimate: WaitEstimate) -> None:
        """A new estimate from the server replaces the one counting down."""
        self.estimate, self._received = estimate, time.monotonic()
        self.text = banner_text(estimate, 0.0)


async def show_estimate(chat: Any, generation: int, run_id: str, data: Any) -> None:
    """Show an event's estimate, unless the chat has moved to another conversation since."""
    estimate = estimate_from(run_id, data)
    if estimate is None:
        return
    async with chat:
        if chat._generation == generation:
            (await chat.get_state(EstimateState)).show(estimate)
