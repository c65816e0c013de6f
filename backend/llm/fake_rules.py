"""Rules that script the fake OpenAI server: what to answer to which prompt.

A rule is a JSON-serializable dict, validated by `FakeRule`. The first rule whose `match`
regex is found in the last user message wins; a rule with `times` retires after that many uses.
`plan_reply` turns the chosen rule (or the echo default) into the assistant turn to send.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator


class FakeToolCall(BaseModel):
    """One tool call the fake model asks for."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    arguments: dict[str, Any] = Field(default_factory=dict)


class FakeError(BaseModel):
    """An HTTP error the fake server answers with instead of a completion."""

    model_config = ConfigDict(extra="forbid")

    status: int = Field(ge=400, le=599)
    message: str


class FakeUsage(BaseModel):
    """Token counts that replace the computed ones; unset fields keep the computed value."""

    model_config = ConfigDict(extra="forbid")

    prompt_tokens: int | None = Field(default=None, ge=0)
    completion_tokens: int | None = Field(default=None, ge=0)
    total_tokens: int | None = Field(default=None, ge=0)


class FakeRule(BaseModel):
    """One scripted behaviour: when to apply it and exactly one outcome."""

    model_config = ConfigDict(extra="forbid")

    match: str | None = None
    reply: str | None = None
    tool_calls: list[FakeToolCall] | None = Field(default=None, min_length=1)
    error: FakeError | None = None
    drop: bool = False
    # The reply ends as a real server's does at its token limit (finish_reason "length").
    cut: bool = False
    delay: float = Field(default=0.0, ge=0)
    token_delay: float = Field(default=0.0, ge=0)
    times: int | None = Field(default=None, ge=1)
    usage: FakeUsage | None = None

    @field_validator("match")
    @classmethod
    def _match_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"'match' is not a valid regular expression: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _one_outcome(self) -> FakeRule:
        given = [
            name
            for name, present in (
                ("reply", self.reply is not None),
                ("tool_calls", self.tool_calls is not None),
                ("error", self.error is not None),
                ("drop", self.drop),
            )
            if present
        ]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ValueError(
                f"a rule needs exactly one of reply, tool_calls, error, drop (found: {found})"
            )
        return self

    def matches(self, prompt: str) -> bool:
        """Whether this rule applies to the given last user message."""
        return self.match is None or re.search(self.match, prompt, re.IGNORECASE) is not None


_RULE_LIST = TypeAdapter(list[FakeRule])


def validate_rules(rules: Any) -> list[FakeRule]:
    """Validate a list of rule dicts; raises pydantic.ValidationError naming the bad rule."""
    return _RULE_LIST.validate_python(rules)


def load_rules(path: Path) -> list[dict[str, Any]]:
    """Read and validate a JSON file holding a list of rules."""
    rules = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(rules, list):
        raise ValueError(f"{path}: expected a JSON list of rules")
    validate_rules(rules)
    return rules


def message_text(message: Any) -> str:
    """The text of one chat message, whether content is a string or a list of parts."""
    if not isinstance(message, dict):
        return ""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            part["text"]
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    return ""


def last_user_text(messages: list[Any]) -> str:
    """The text of the last user message, or "" when there is none."""
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return message_text(message)
    return ""


class RuleBook:
    """The current script, safe to replace from another thread while requests are served."""

    def __init__(self, rules: list[dict[str, Any]] | None = None) -> None:
        self._lock = threading.Lock()
        self._rules: list[FakeRule] = []
        self._uses_left: list[int | None] = []
        self.replace(rules or [])

    def replace(self, rules: list[dict[str, Any]]) -> None:
        """Swap in a new script; the old one stays if the new one is invalid."""
        parsed = validate_rules(rules)
        with self._lock:
            self._rules = parsed
            self._uses_left = [rule.times for rule in parsed]

    def pick(self, prompt: str) -> FakeRule | None:
        """The first live rule matching `prompt`, counting one use of it."""
        with self._lock:
            for index, rule in enumerate(self._rules):
                left = self._uses_left[index]
                if left == 0 or not rule.matches(prompt):
                    continue
                if left is not None:
                    self._uses_left[index] = left - 1
                return rule
        return None


@dataclass
class PlannedReply:
    """The assistant turn to send back, in OpenAI message terms."""

    content: str | None
    tool_calls: list[dict[str, Any]]
    usage: dict[str, int]
    drop: bool = False
    token_delay: float = 0.0
    cut: bool = False


def plan_reply(
    rule: FakeRule | None, messages: list[Any], next_call_id: Callable[[], str]
) -> PlannedReply:
    """The reply a rule asks for; with no rule, echo the last user message."""
    content: str | None = f"Echo: {last_user_text(messages)}"
    tool_calls: list[dict[str, Any]] = []
    if rule is not None and rule.tool_calls is not None:
        content = None
        tool_calls = [
            {
                "id": next_call_id(),
                "type": "function",
                "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
            }
            for call in rule.tool_calls
        ]
    elif rule is not None and rule.reply is not None:
        content = rule.reply
    # Word counts stand in for tokens: deterministic and good enough for budgets in tests.
    produced = content or " ".join(
        f"{c['function']['name']} {c['function']['arguments']}" for c in tool_calls
    )
    usage = {
        "prompt_tokens": sum(len(message_text(m).split()) for m in messages),
        "completion_tokens": len(produced.split()),
    }
    override = rule.usage.model_dump(exclude_none=True) if rule and rule.usage else {}
    usage.update({k: v for k, v in override.items() if k != "total_tokens"})
    usage["total_tokens"] = override.get(
        "total_tokens", usage["prompt_tokens"] + usage["completion_tokens"]
    )
    if rule is None:
        return PlannedReply(content, tool_calls, usage)
    return PlannedReply(
        content, tool_calls, usage, drop=rule.drop, token_delay=rule.token_delay, cut=rule.cut
    )
