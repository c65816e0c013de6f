"""Documents only when they help: which retrieved passages go into the prompt.

The cut-off is on the cosine similarity of a passage to the query (MiniLM vectors), not on the
fused rank score, which says only how hits compare with each other. It was calibrated with
bench/relevance.py; the figures are in docs/developer-guide.md ("Documents only when they help").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from agents.intents import Knowledge

# The "use my documents" switch: "auto" uses passages that pass the cut-off, "on" always uses
# the best ones, "off" never searches.
KnowledgeUse = Literal["auto", "on", "off"]

# Calibrated with bench/relevance.py (SQuAD sample, 3 folds of 8 of 12 articles, hybrid top 4,
# MiniLM): answer passages score median 0.605 (p5 0.326), the best hit for questions about
# held-out articles median 0.187 (p95 0.350) and for 40 everyday prompts median 0.162 (p95
# 0.353). At 0.35, 93.7% of answer passages pass (with the margin) and 5.0% of the others
# get any passage; 0.30 keeps 96.2% but lets 12% through, 0.40 keeps 91.2% for 1.7-3.3%.
RELEVANCE_THRESHOLD = 0.35
# A passage this far below the best one adds noise rather than evidence.
BEST_MARGIN = 0.15
# With the switch "on" and nothing above the cut-off, this many of the best still go in.
FORCED_PASSAGES = 2


def knowledge_use(value: bool | str) -> KnowledgeUse:
    """The switch from an API value: ``true`` always meant "use them if relevant" (auto)."""
    if value is True or value == "auto":
        return "auto"
    if value is False or value == "off":
        return "off"
    if value == "on":
        return "on"
    raise ValueError(f"use_knowledge must be auto, on, off, true or false, not {value!r}")


@dataclass(frozen=True)
class Grounding:
    """How one run may use the user's documents: the user's switch and the prompt's intent."""

    use: KnowledgeUse = "auto"
    need: Knowledge = "maybe"

    @property
    def searches(self) -> bool:
        """Whether to search at all: never when off, nor for a sum, the clock or files on auto."""
        return self.use == "on" or (self.use == "auto" and self.need != "unwanted")

    @property
    def forced(self) -> bool:
        """The user asked for their documents, by the switch or in the prompt."""
        return self.use == "on" or self.need == "wanted"


def similarity(hit: Any) -> float:
    """A hit's cosine similarity; a hit without one (keyword-only search) counts as unrelated."""
    value = getattr(hit, "similarity", None)
    return float(value) if value is not None else 0.0


def relevant(hits: list[Any], grounding: Grounding) -> list[Any]:
    """The passages worth putting in the prompt, in search order; fewer when scores are low."""
    if not hits:
        return []
    best = max(similarity(hit) for hit in hits)
    floor = max(RELEVANCE_THRESHOLD, best - BEST_MARGIN)
    kept = [hit for hit in hits if similarity(hit) >= floor]
    if not kept and grounding.forced:
        ranked = sorted(hits, key=similarity, reverse=True)[:FORCED_PASSAGES]
        kept = [hit for hit in hits if hit in ranked]
    return kept
