"""Turn tool calls that small models write as text into proper OpenAI ``tool_calls``.

Small local models often pick the right tool but answer with a fenced JSON block or a
``<tool_call>`` tag in ``content`` instead of native ``tool_calls``. Normalizing here, at the
provider boundary, fixes every agent framework at once.
"""

from __future__ import annotations

import json
import re
from typing import Any

_FENCED = re.compile(r"```(?:json|tool_call)?\s*(\{.*?\})\s*```", re.DOTALL)
_TAGGED = re.compile(r"<tool_call>\s*(\{.*?\})\s*</tool_call>", re.DOTALL)


def _tool_names(tools: list[dict[str, Any]]) -> set[str]:
    names = set()
    for tool in tools:
        function = tool.get("function") or {}
        if isinstance(function, dict) and function.get("name"):
            names.add(str(function["name"]))
    return names


def _as_call(payload: dict[str, Any], names: set[str]) -> tuple[str, dict[str, Any]] | None:
    name = payload.get("name") or payload.get("tool") or payload.get("function")
    arguments = payload.get("arguments", payload.get("parameters", payload.get("args", {})))
    if not isinstance(name, str) or name not in names:
        return None
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except json.JSONDecodeError:
            return None
    if not isinstance(arguments, dict):
        return None
    return name, arguments


def extract_tool_calls(content: str, tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tool calls written as text in ``content``, in OpenAI shape; empty when there are none."""
    names = _tool_names(tools)
    if not names or not content:
        return []
    candidates = _TAGGED.findall(content) + _FENCED.findall(content)
    stripped = content.strip()
    if not candidates and stripped.startswith("{") and stripped.endswith("}"):
        candidates = [stripped]
    calls = []
    for index, raw in enumerate(candidates):
        try:
            payload = json.loads(raw)
        except json.JSONDecodeError:
            continue
        if not isinstance(payload, dict):
            continue
        call = _as_call(payload, names)
        if call is not None:
            name, arguments = call
            calls.append(
                {
                    "id": f"call_{index}",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(arguments)},
                }
            )
    return calls


def normalize_completion(
    body: dict[str, Any], tools: list[dict[str, Any]] | None
) -> dict[str, Any]:
    """Rewrite a ``chat.completion`` body in place so text tool calls become ``tool_calls``."""
    if not tools:
        return body
    for choice in body.get("choices", []):
        message = choice.get("message") or {}
        if message.get("tool_calls"):
            continue
        calls = extract_tool_calls(message.get("content") or "", tools)
        if calls:
            message["tool_calls"] = calls
            message["content"] = None
            choice["finish_reason"] = "tool_calls"
    return body
