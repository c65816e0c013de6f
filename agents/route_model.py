"""When no routing rule is sure: one short, constrained model call picks the engine.

The reply is held to a JSON schema (an enum of the installed engines and a one-line reason),
which both llama.cpp and OpenAI-compatible servers honour, so a small model cannot wander off.
Any failure keeps the rules' choice: routing never stops a run.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from agents import prompts
from agents.engines.base import Completer
from agents.intents import Knowledge
from agents.routing import Route, available_modes, route
from backend.llm.errors import RunStopped

log = logging.getLogger(__name__)
REASON_CHARS = 60
# Engines whose jobs (a sum, the clock, files, a small program) the user's documents do not help.
NO_DOCUMENTS = ("single", "code")


def schema(engines: tuple[str, ...]) -> dict[str, Any]:
    """The reply the model must give: one of ``engines`` and why."""
    return {
        "type": "json_schema",
        "json_schema": {
            "name": "route",
            "schema": {
                "type": "object",
                "properties": {
                    "engine": {"type": "string", "enum": list(engines)},
                    "reason": {"type": "string", "maxLength": REASON_CHARS},
                },
                "required": ["engine", "reason"],
                "additionalProperties": False,
            },
        },
    }


def parse(content: str, engines: tuple[str, ...]) -> tuple[str, str] | None:
    """``(engine, reason)`` from the model's reply, or None when it is not a valid choice."""
    try:
        data = json.loads(content)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("engine") not in engines:
        return None
    reason = " ".join(str(data.get("reason") or "").split())[:REASON_CHARS]
    return str(data["engine"]), reason or "no reason given"


async def choose(mode: str, prompt: str, client: Completer | None) -> Route:
    """The route for ``prompt``: the rules', or the model's when the rules are unsure."""
    chosen = route(mode, prompt)
    if chosen.sure or client is None:
        return chosen
    return await ask_model(chosen, prompt, client)


async def ask_model(chosen: Route, prompt: str, client: Completer) -> Route:
    """The model's pick for a prompt no rule was sure of; ``chosen`` (the rules' guess) when
    the call fails or its reply is unreadable. A run whose budget is spent stops here."""
    engines = available_modes()[1:]
    messages = [
        {"role": "system", "content": prompts.load("route_system")},
        {"role": "user", "content": prompt[:2000]},
    ]
    try:
        reply = await client.complete(
            messages, response_format=schema(engines), max_tokens=50, temperature=0.0
        )
    except RunStopped:
        raise
    except Exception as error:
        log.warning("routing call failed, keeping %s: %s", chosen.engine, error)
        return Route(chosen.mode, chosen.engine, f"{chosen.reason} (the model could not help)")
    picked = parse(reply.content, engines)
    if picked is None:
        why = f"{chosen.reason} (the model's choice was unreadable)"
        return Route(chosen.mode, chosen.engine, why)
    engine, reason = picked
    knowledge: Knowledge = "unwanted" if engine in NO_DOCUMENTS else "maybe"
    return Route(engine, engine, f"auto (model): {reason} → {engine}", knowledge)
