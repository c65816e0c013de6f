"""How long an answer should take, said while it waits for a slot or is being worked on.

The expected time is the median duration of the last few completed runs of the same mode
(the runs table), so one slow answer does not swing it. A waiting answer adds the time of
the runs ahead of it (each at its own mode's median), shared among the agent slots.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# "based on your last 8 answers": enough to be steady, recent enough to follow the machine.
RECENT_RUNS = 8


@dataclass(frozen=True)
class Estimate:
    """``place`` 0 is being worked on, n is n-th in line; ``seconds`` from now until the
    answer is done (None: no history of its mode yet); ``based_on`` runs gave the median."""

    place: int
    seconds: float | None
    based_on: int
    tokens_per_second: float | None = None

    def as_data(self) -> dict[str, Any]:
        """The estimate as run events carry it."""
        return {
            "place": self.place,
            "seconds": None if self.seconds is None else round(self.seconds, 1),
            "based_on": self.based_on,
            "tokens_per_second": self.tokens_per_second,
        }


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def estimate(
    durations: Mapping[str, Sequence[float]],
    mode: str,
    ahead: Sequence[str],
    slots: int,
    place: int,
    rate: float | None = None,
) -> Estimate:
    """The estimate for an answer of ``mode`` at ``place`` in line.

    ``durations`` are recent completed runs' seconds by mode; ``ahead`` the modes of the runs
    it waits for (those holding a slot and those before it in line); ``rate`` the model's
    recent tokens per second.
    """
    own = durations.get(mode) or []
    own_median = median(own)
    if own_median is None:
        return Estimate(place, None, 0, rate)
    waits = [median(durations.get(other) or []) or own_median for other in ahead]
    seconds = sum(waits) / max(1, slots) + own_median
    return Estimate(place, seconds, len(own), rate)
