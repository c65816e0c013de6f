"""What a person reads when a setting has a bad value: the variable's name and what to write.

Pydantic reports field paths and its own wording; AgentDesk stops at start-up with this text
instead, so it names ``AGENTDESK_<SETTING>`` and never repeats a secret's value (the message
may end up in a log).
"""

from __future__ import annotations

import pydantic_settings
from pydantic import ValidationError


class SettingsError(RuntimeError):
    """A setting has a bad value; the message names it."""


# Settings whose value an error message must not repeat (it may end up in a log).
SECRET_SETTINGS = frozenset({"api_token", "llm_api_key"})


def describe_errors(error: ValidationError) -> str:
    """Turn pydantic's report into lines a person can act on."""
    lines = []
    for item in error.errors():
        field = ".".join(str(p) for p in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        name = f"AGENTDESK_{field.upper()}" if field else "settings"
        value = item.get("input")
        secret = field in SECRET_SETTINGS
        shown = f" (got {value!r})" if field and not secret and not isinstance(value, dict) else ""
        lines.append(f"{name}: {message}{shown}")
    return "Invalid configuration:\n  " + "\n  ".join(lines)


def describe_bad_json(error: pydantic_settings.SettingsError) -> str:
    """The message for a list or JSON setting that is not valid JSON (e.g. a trailing comma)."""
    field = str(error).partition('field "')[2].partition('"')[0]
    name = f"AGENTDESK_{field.upper()}" if field else "a setting"
    return f"Invalid configuration:\n  {name}: is not valid JSON ({error.__cause__ or error})"
