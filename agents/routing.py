"""Which engine answers: the user's choice, or (mode ``auto``) the intent a person would see
in the prompt, with the rule that decided (agents/intents.py)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache

from agents.intents import Knowledge, general_question, intent_of, knowledge_for, lacks_operands

MODES = ("auto", "chat", "single", "code", "team")
# module:class of each engine; an engine whose module is missing is simply not offered.
ENGINES = {
    "chat": "agents.engines.chat:ChatEngine",
    "single": "agents.engines.single:SingleEngine",
    "code": "agents.engines.code:CodeEngine",
    "team": "agents.engines.team:TeamEngine",
}
# When an engine fails (not stopped, not out of budget) the next simpler one answers.
FALLBACK = {"team": "single", "single": "chat", "code": "chat"}


class ModeUnavailable(ValueError):
    """The requested mode is not available in this build."""


@dataclass(frozen=True)
class Route:
    """Which engine answers, and why."""

    mode: str
    engine: str
    reason: str
    # Whether the user's documents can help (see agents.intents.Knowledge).
    knowledge: Knowledge = "maybe"
    # False when no rule was sure: a short model call may decide (agents/route_model.py).
    sure: bool = True
    # The tools the engine is offered, by name; empty means all of them.
    tools: tuple[str, ...] = ()


@cache
def installed(engine: str) -> bool:
    """Whether the engine's module is present."""
    module = ENGINES[engine].split(":")[0]
    return importlib.util.find_spec(module) is not None


def available_modes() -> tuple[str, ...]:
    return ("auto", *[mode for mode in MODES[1:] if installed(mode)])


def auto_route(prompt: str) -> Route:
    """The engine for ``prompt`` by its intent, with the rule that decided.

    No intent and no cue of one: a general question, for chat. No intent but a cue (a number,
    a file, a search...): chat, marked unsure, so a model call may choose instead.
    """
    intent = intent_of(prompt)
    if intent is not None:
        engine = intent.engine
        while not installed(engine):
            engine = FALLBACK.get(engine, "chat")
        why = f"auto: {intent.reason} ({intent.name}) → {engine}"
        tools = intent.tools if engine == intent.engine else ()
        if tools and lacks_operands(prompt):
            tools = (*tools, "search_knowledge")  # the missing number may be in the documents
        return Route(engine, engine, why, knowledge_for(prompt), tools=tools)
    if not general_question(prompt):
        return Route("chat", "chat", "auto: no rule is sure → chat", sure=False)
    return Route("chat", "chat", "auto: no tool is needed → chat")


def follow_up_route(chosen: Route, prompt: str, history: list[dict[str, str]]) -> Route:
    """Auto's pick for a follow-up that points back ("And the west region?"): where the
    question it follows went, when a rule was sure of that one and none is of this. Only for
    mode ``auto``: a mode chosen by hand is kept."""
    from agents.followup import refers_back

    if intent_of(prompt) is not None or not refers_back(prompt, history):
        return chosen
    previous = next((t["content"] for t in reversed(history) if t.get("role") == "user"), "")
    intent = intent_of(previous) if previous else None
    if intent is None:
        return chosen
    before = auto_route(previous)
    why = f"auto: a follow-up to the last question, which {intent.reason} → {before.engine}"
    return Route(before.mode, before.engine, why, before.knowledge, tools=before.tools)


def route(mode: str, prompt: str) -> Route:
    """Pick the engine for ``mode``; ``auto`` explains its choice."""
    if mode not in available_modes():
        raise ModeUnavailable(
            f"mode '{mode}' is not available; use one of: {', '.join(available_modes())}"
        )
    if mode == "auto":
        return auto_route(prompt)
    # The agent chosen by hand still gets the tools its job needs when the job is plain (a
    # sum, a date, a named file): with every tool, a small model searched the documents for
    # sales.csv instead of reading it. With no sure intent it has every tool.
    sure = auto_route(prompt)
    tools = sure.tools if mode == "single" and sure.engine == "single" else ()
    return Route(mode, mode, "chosen by the user", knowledge_for(prompt), tools=tools)
