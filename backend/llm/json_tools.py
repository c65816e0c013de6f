"""Tool use for models without native tool calls: JSON-schema-constrained output.

The request's ``tools`` become a short instruction and a ``response_format`` schema that only
admits ``{"tool": <one of the tools or "final_answer">, "arguments": {...}}``; the reply is
turned back into ``tool_calls`` (or a plain answer), so the agent framework never knows.
Earlier tool calls and results in the conversation are rewritten as plain turns, because
the request no longer declares any tools.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

FINAL = "final_answer"


def _functions(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t["function"] for t in tools if isinstance(t.get("function"), dict)]


def instruction(tools: list[dict[str, Any]], final: bool = True) -> str:
    """What the model reads about the tools and the reply format (``final``: whether it may
    answer now or must call a tool first)."""
    lines = ["You can use these tools:"]
    for function in _functions(tools):
        properties = (function.get("parameters") or {}).get("properties") or {}
        arguments = ", ".join(
            f"{name}: {spec.get('type', 'any')}" for name, spec in properties.items()
        )
        lines.append(f"- {function['name']}({arguments}): {function.get('description', '')}")
    call = 'Reply with JSON only: {"tool": "<tool name>", "arguments": {...}} to use a tool'
    if final:
        call += (
            f', or {{"tool": "{FINAL}", "arguments": {{"answer": "<your answer>"}}}} '
            "when you can answer."
        )
    else:
        call += ". Call the tool that gives the result first; you answer after its result."
    lines.append(call)
    return "\n".join(lines)


def schema(tools: list[dict[str, Any]], final: bool = True) -> dict[str, Any]:
    """A JSON schema admitting one call of one tool, or (``final``) the final answer."""
    options = [
        {
            "type": "object",
            "properties": {
                "tool": {"const": function["name"]},
                "arguments": function.get("parameters") or {"type": "object"},
            },
            "required": ["tool", "arguments"],
        }
        for function in _functions(tools)
    ]
    if not final:
        return {"anyOf": options}
    options.append(
        {
            "type": "object",
            "properties": {
                "tool": {"const": FINAL},
                "arguments": {
                    "type": "object",
                    "properties": {"answer": {"type": "string"}},
                    "required": ["answer"],
                },
            },
            "required": ["tool", "arguments"],
        }
    )
    return {"anyOf": options}


def _plain_messages(messages: list[Any]) -> list[Any]:
    """Tool-call turns rewritten as ordinary assistant and user turns."""
    names: dict[str, str] = {}
    plain: list[Any] = []
    for message in messages:
        if not isinstance(message, dict):
            plain.append(message)
        elif message.get("role") == "assistant" and message.get("tool_calls"):
            calls = []
            for call in message["tool_calls"]:
                function = call.get("function") or {}
                names[str(call.get("id"))] = str(function.get("name"))
                try:
                    arguments = json.loads(function.get("arguments") or "{}")
                except ValueError:
                    arguments = {}
                calls.append(json.dumps({"tool": function.get("name"), "arguments": arguments}))
            plain.append({"role": "assistant", "content": "\n".join(calls)})
        elif message.get("role") == "tool":
            name = names.get(str(message.get("tool_call_id")), "the tool")
            content = message.get("content")
            text = content if isinstance(content, str) else json.dumps(content)
            plain.append({"role": "user", "content": f"Result of {name}:\n{text}"})
        else:
            plain.append(message)
    return plain


def looks_like_a_call(data: dict[str, Any], tools: list[dict[str, Any]]) -> bool:
    """Whether a reply without ``tool_calls`` still reads like an attempt to call a tool."""
    message = ((data.get("choices") or [{}])[0]).get("message") or {}
    content = message.get("content") or ""
    if message.get("tool_calls") or "{" not in content:
        return False
    return any(f"{function['name']}" in content for function in _functions(tools))


def constrained_request(
    body: dict[str, Any], tools: list[dict[str, Any]], final: bool = True
) -> dict[str, Any]:
    """The request as the model will get it: no ``tools``, a schema for the reply instead
    (without the final answer when a tool must be called first)."""
    dropped = ("tools", "tool_choice", "parallel_tool_calls")
    sent = {k: v for k, v in body.items() if k not in dropped}
    messages = _plain_messages(list(body.get("messages") or []))
    note = instruction(tools, final)
    if messages and isinstance(messages[0], dict) and messages[0].get("role") == "system":
        first = dict(messages[0])
        first["content"] = f"{first.get('content') or ''}\n\n{note}"
        messages[0] = first
    else:
        messages.insert(0, {"role": "system", "content": note})
    sent["messages"] = messages
    sent["response_format"] = {
        "type": "json_schema",
        "json_schema": {"name": "next_step", "schema": schema(tools, final)},
    }
    return sent


def constrained_reply(data: dict[str, Any], tools: list[dict[str, Any]]) -> dict[str, Any]:
    """The model's JSON reply turned back into ``tool_calls`` or an answer, in place."""
    known = {function["name"] for function in _functions(tools)}
    for choice in data.get("choices") or []:
        message = choice.get("message") or {}
        try:
            step = json.loads(message.get("content") or "")
        except ValueError:
            continue  # not JSON after all: leave the text as the answer
        if not isinstance(step, dict):
            continue
        tool, arguments = step.get("tool"), step.get("arguments")
        arguments = arguments if isinstance(arguments, dict) else {}
        if tool == FINAL:
            message["content"] = str(arguments.get("answer", ""))
            choice["finish_reason"] = "stop"
        elif tool in known:
            message["content"] = None
            message["tool_calls"] = [
                {
                    "id": f"call_{secrets.token_hex(6)}",
                    "type": "function",
                    "function": {"name": tool, "arguments": json.dumps(arguments)},
                }
            ]
            choice["finish_reason"] = "tool_calls"
    return data
