"""Which engine answers: the user's choice, or simple rules that say why (mode ``auto``)."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import cache

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

_CALCULATION = re.compile(r"\d\s*[-+*/^%]\s*\(?\s*\d|\b(sqrt|square root|percent of)\b", re.I)
_CODE = re.compile(
    r"\b(python|code|script|program|algorithm|regex|prime|primes|fibonacci|factorial|"
    r"simulate|sort (these|the|this)|json|csv|parse|reverse (the|this) (string|word|text))\b",
    re.I,
)
_PLAN = re.compile(
    r"\b(step by step|plan|first\b.*\bthen|and then|compare|research|investigate|"
    r"pros and cons|summari[sz]e .* and)\b",
    re.I | re.S,
)
_TOOLS = re.compile(
    r"\b(files?|folders?|workspace|write|save|read|list|remember|recall|note|notes|"
    r"time|date|today|document|documents|search)\b",
    re.I,
)
LONG_TASK_CHARS = 400


class ModeUnavailable(ValueError):
    """The requested mode is not available in this build."""


@dataclass(frozen=True)
class Route:
    """Which engine answers, and why."""

    mode: str
    engine: str
    reason: str


@cache
def installed(engine: str) -> bool:
    """Whether the engine's module is present."""
    module = ENGINES[engine].split(":")[0]
    return importlib.util.find_spec(module) is not None


def available_modes() -> tuple[str, ...]:
    return ("auto", *[mode for mode in MODES[1:] if installed(mode)])


def auto_route(prompt: str) -> Route:
    """The engine for ``prompt`` by simple rules, with the rule that decided."""
    text = prompt.strip()
    rules: list[tuple[str, bool, str]] = [
        ("code", bool(_CODE.search(text)), "it asks for code or a computation over data"),
        (
            "team",
            bool(_PLAN.search(text)) or len(text) > LONG_TASK_CHARS or text.count("?") > 1,
            "it is a task with several steps",
        ),
        ("single", bool(_CALCULATION.search(text)), "it needs a calculation"),
        ("single", bool(_TOOLS.search(text)), "it needs files, notes, the time or a search"),
    ]
    for mode, matched, why in rules:
        if matched and installed(mode):
            return Route(mode, mode, f"auto: {why} → {mode}")
    return Route("chat", "chat", "auto: a plain question → chat")


def route(mode: str, prompt: str) -> Route:
    """Pick the engine for ``mode``; ``auto`` explains its choice."""
    if mode not in available_modes():
        raise ModeUnavailable(
            f"mode '{mode}' is not available; use one of: {', '.join(available_modes())}"
        )
    if mode == "auto":
        return auto_route(prompt)
    return Route(mode, mode, "chosen by the user")
