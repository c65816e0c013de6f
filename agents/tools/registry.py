"""The tool registry: each tool defined once, called the same way by every engine.

A tool is a name, a description, a JSON schema for its arguments and a plain function. The
registry checks the arguments against the schema, runs the function, records the call (run,
tool, arguments, result size, duration, error) and announces it as ``tool_call`` and
``tool_result`` run events. The framework adapters (``agents.tools.for_langchain``,
``for_smolagents``, ``for_autogen``) wrap ``ToolRegistry.call``, so LangChain, smolagents and
AutoGen all go through this one door.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agents.tools.examples import copied_example
from backend.storage.tool_calls import shortened

log = logging.getLogger(__name__)

# Longest tool result handed back to a model; the rest is cut with a note saying so.
MAX_RESULT_CHARS = 8000


class ToolError(Exception):
    """A tool refused or failed; the message is shown to the model and the user as is."""


@dataclass(frozen=True)
class ToolCallRecord:
    """One audited tool call."""

    run_id: str | None
    tool: str
    arguments: dict[str, Any]
    result_chars: int
    duration_ms: float
    error: str | None
    agent: str = ""


@dataclass
class RunWrites:
    """Bytes the file tools have written for one run, shared by all of its agents; the cap
    (AGENTDESK_RUN_WRITE_MAX_MB) is checked in ``agents.tools.quota``."""

    written: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reserve(self, size: int, limit: int) -> bool:
        """Count ``size`` more bytes unless that passes ``limit``; whether it was counted."""
        with self._lock:
            if self.written + size > limit:
                return False
            self.written += size
            return True

    def refund(self, size: int) -> None:
        """Take back a reservation whose write did not happen."""
        with self._lock:
            self.written -= size


# Thread-safe callbacks given by whoever runs the tools (the AgentManager for a run).
EmitFn = Callable[[str, dict[str, Any]], None]
AuditFn = Callable[[ToolCallRecord], None]


@dataclass
class ToolContext:
    """What a tool call knows about the run it belongs to."""

    run_id: str | None = None
    agent: str = ""
    emit: EmitFn | None = None
    audit: AuditFn | None = None
    # Set when the run is stopped: tools refuse to start once it is.
    stopped: Callable[[], bool] = field(default=lambda: False)
    # What the run's tools have written so far, for the per-run cap (agents.tools.quota).
    writes: RunWrites = field(default_factory=RunWrites)
    # The run's successful calls so far (tool and arguments → result): a call made again gets
    # the same result back with a note to use it, instead of running again.
    answered: dict[str, str] = field(default_factory=dict)
    # Results go to code, not to a model reading them: the value alone, with nothing added
    # (no "called before" note, no figures after a table), so code can parse it.
    for_code: bool = False
    # The user's question: an argument copied from a tool's description examples is refused
    # unless the question holds it (``agents.tools.examples``).
    question: str = ""

    def for_agent(self, agent: str) -> ToolContext:
        """The same run, with calls attributed to ``agent`` (e.g. the team's Executor)."""
        return ToolContext(
            self.run_id,
            agent,
            self.emit,
            self.audit,
            self.stopped,
            self.writes,
            self.answered,
            self.for_code,
            self.question,
        )

    def as_data(self) -> ToolContext:
        """The same run, for tools called from code: results are plain values."""
        return dataclasses.replace(self, for_code=True)


ToolFunction = Callable[..., str]
# Added to the result of a call the run has made before, with the same arguments.
REPEATED = (
    "(You called {name} with these arguments before; this is its result. Use it to answer the "
    "user's question now.)"
)


@dataclass(frozen=True)
class Tool:
    """One tool: what the model sees (name, description, schema) and what runs.

    With ``takes_context`` the function is also given the call's ``ToolContext`` (as
    ``context=``), for tools that keep a tally per run.
    """

    name: str
    description: str
    parameters: dict[str, Any]
    function: ToolFunction
    takes_context: bool = False

    def openai(self) -> dict[str, Any]:
        """The tool in the OpenAI chat-completions ``tools`` format."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


def _type_ok(value: Any, expected: str) -> bool:
    checks: dict[str, Callable[[Any], bool]] = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
    }
    check = checks.get(expected)
    return True if check is None else check(value)


def check_arguments(tool: Tool, arguments: dict[str, Any]) -> dict[str, Any]:
    """Arguments checked against the tool's schema (required, known names, simple types)."""
    if not isinstance(arguments, dict):
        raise ToolError(f"{tool.name}: arguments must be a JSON object")
    properties: dict[str, Any] = tool.parameters.get("properties", {})
    missing = [name for name in tool.parameters.get("required", []) if name not in arguments]
    if missing:
        raise ToolError(f"{tool.name}: missing argument(s): {', '.join(missing)}")
    unknown = [name for name in arguments if name not in properties]
    if unknown:
        known = ", ".join(properties) or "none"
        raise ToolError(f"{tool.name}: unknown argument(s): {', '.join(unknown)} (takes {known})")
    for name, value in arguments.items():
        expected = properties[name].get("type")
        if isinstance(expected, str) and not _type_ok(value, expected):
            raise ToolError(f"{tool.name}: argument '{name}' must be of type {expected}")
    return arguments


def clip(text: str, limit: int = MAX_RESULT_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n[... {len(text) - limit} more characters not shown]"


class ToolRegistry:
    """The tools an engine may use, by name."""

    def __init__(self, tools: list[Tool] | None = None) -> None:
        self._tools: dict[str, Tool] = {}
        for tool in tools or []:
            self.add(tool)

    def add(self, tool: Tool) -> None:
        if tool.name in self._tools:
            raise ValueError(f"a tool named {tool.name!r} is already registered")
        self._tools[tool.name] = tool

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __len__(self) -> int:
        return len(self._tools)

    def get(self, name: str) -> Tool:
        tool = self._tools.get(name)
        if tool is None:
            known = ", ".join(sorted(self._tools)) or "none"
            raise ToolError(f"there is no tool named {name!r}; the tools are: {known}")
        return tool

    @property
    def tools(self) -> list[Tool]:
        return list(self._tools.values())

    def openai_tools(self) -> list[dict[str, Any]]:
        return [tool.openai() for tool in self._tools.values()]

    def subset(self, names: list[str]) -> ToolRegistry:
        """A registry holding only ``names`` (unknown names are ignored)."""
        return ToolRegistry([self._tools[n] for n in names if n in self._tools])

    def call(self, name: str, arguments: dict[str, Any], context: ToolContext) -> str:
        """Run a tool for a run; the result, or a ToolError whose message says why not.

        Every call is announced and audited, refused ones included. Safe to call from any
        thread: the callbacks in ``context`` are thread-safe.
        """
        started = time.perf_counter()
        if context.emit is not None:
            # The event is stored and streamed: a whole file given to write_file stays out.
            context.emit("tool_call", {"tool": name, "arguments": shortened(arguments)})
        result, error = "", None
        try:
            if context.stopped():
                raise ToolError("the run was stopped")
            tool = self.get(name)
            checked = check_arguments(tool, arguments)
            copied = copied_example(
                name, tool.description, tool.parameters, checked, context.question
            )
            if copied is not None:
                raise ToolError(copied)
            key = f"{name} {json.dumps(checked, sort_keys=True, default=str)}"
            key = f"code: {key}" if context.for_code else key
            if key in context.answered:
                # Small models ask again for what they were just told: tell them so (code,
                # which asks again in a loop on purpose, gets the value alone).
                note = "" if context.for_code else f"\n{REPEATED.format(name=name)}"
                result = f"{context.answered[key]}{note}"
            else:
                extra = {"context": context} if tool.takes_context else {}
                result = clip(str(tool.function(**checked, **extra)))
                context.answered[key] = result
        except ToolError as exc:
            error = str(exc)
        except Exception as exc:
            log.exception("tool %s failed", name)
            error = f"{name} failed: {type(exc).__name__}: {exc}"
        duration_ms = (time.perf_counter() - started) * 1000
        record = ToolCallRecord(
            context.run_id, name, arguments, len(result), duration_ms, error, context.agent
        )
        if context.audit is not None:
            try:
                context.audit(record)
            except Exception:
                log.exception("could not record the call to %s", name)
        if context.emit is not None:
            outcome: dict[str, Any] = {
                "tool": name,
                "duration_ms": round(duration_ms, 1),
                "chars": len(result),
            }
            outcome.update({"error": error} if error else {"result": clip(result, 2000)})
            context.emit("tool_result", outcome)
        if error is not None:
            raise ToolError(error)
        return result


def arguments_from_json(raw: str | dict[str, Any] | None) -> dict[str, Any]:
    """Tool arguments as a dict, from a JSON string (as models send them) or a dict."""
    if raw is None or raw == "":
        return {}
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ToolError(f"the tool arguments are not valid JSON: {exc.msg}") from None
    if not isinstance(value, dict):
        raise ToolError("the tool arguments must be a JSON object")
    return value
