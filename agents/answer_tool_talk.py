"""Answers that are about the tools instead of from them: a call written out as text, a tool
exchange pasted in, a tool or its argument named as something to use, a tool's "nothing found"
passed on, advice about a tool's error."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ToolOutput:
    """What one tool call returned in the run (failed calls are not listed)."""

    tool: str
    result: str


# A tool call written out as text ({"name": ..., "arguments": ...} or <tool_call>) is no answer.
_TOOL_CALL_TEXT = re.compile(
    r"^\s*(?:```\w*\s*)?(?:\{\s*\"(?:name|tool)\"\s*:|<tool_call>)", re.IGNORECASE
)
# A call written out as JSON anywhere in the answer ("Here's the result: {"name": "sort",
# "arguments": {...}}"): the model described a call instead of giving a result.
_CALL_JSON = re.compile(
    r'\{\s*"(?:name|tool)"\s*:\s*"[^"]+"\s*,\s*"(?:arguments|args|parameters)"\s*:'
)
# A question about calls themselves may be answered with one written out.
_ABOUT_CALLS = re.compile(r"\b(?:tool|json|format|call)s?\b", re.IGNORECASE)
# Markup of a tool exchange pasted into the answer: the model wrote the call or the result
# out instead of using it.
_TOOL_MARKUP = re.compile(r"</?tool_(?:call|response|result)>", re.IGNORECASE)
# A tool named as something to use ("you should use the `list_files` function", "call
# read_file(...)"): how to get the result, not the result. Tool names have an underscore.
# The built-in tools whose names have no underscore, named as tools ("the `calculator`
# function", "use the calendar tool").
_PLAIN_TOOLS = r"(?:calculator|calendar|remember|recall)"
_TOOL_TALK = re.compile(
    r"`[a-z]+_[a-z_]+`|\b[a-z]+_[a-z_]+\s*\(|"
    r"\b(?:use|call|using|calling|run|invoke)\s+(?:the\s+)?[a-z]+_[a-z_]+\b|"
    rf"`{_PLAIN_TOOLS}`|\b{_PLAIN_TOOLS}\s+(?:tool|function)\b|\b{_PLAIN_TOOLS}\s*\(|"
    # A tool's argument named as something to set ("use the "until" parameter").
    r"\b(?:use|set|pass|give)\s+(?:the\s+)?[\"'`]?\w+[\"'`]?\s+(?:parameter|argument)\b"
)
# A question that itself names a tool may be answered about it.
_TOOL_NAMED = re.compile(
    rf"\b[a-z]+_[a-z_]+\b|\b{_PLAIN_TOOLS}\b|\b(?:parameter|argument|function|code|python)s?\b",
    re.IGNORECASE,
)
# A tool saying it found nothing ("No saved notes match '…'."), or a tool's error, is no answer
# to the question: the answer must not be that message passed on, nor advice about an error.
_NOTHING_FOUND = re.compile(r"^\s*no (?:saved notes|passages|documents|files|results?)\b", re.I)
_ERROR_TALK = re.compile(r"\b(?:to fix|fix|resolve|avoid) (?:the|this) error\b", re.I)


def _passes_on_nothing(question: str, text: str, tools: Sequence[ToolOutput]) -> str | None:
    """The answer passes on a tool's "nothing found" message, or advises on an error."""
    if _ERROR_TALK.search(text) and not re.search(r"\berror", question, re.I):
        return "the answer is about a tool's error, not an answer to the question"
    start = " ".join(text.split())[:30].lower()
    for output in tools:
        said = " ".join(output.result.split())
        if _NOTHING_FOUND.match(said) and start and said.lower().startswith(start):
            return (
                f"the answer passes on what {output.tool} said ('{said[:60]}') instead of answering"
            )
    return None


def tool_talk(question: str, answer: str, text: str, tools: Sequence[ToolOutput]) -> str | None:
    """Why the answer (``text``: without citation markers) is about the tools, or None."""
    asks_format = _TOOL_NAMED.search(question) or _ABOUT_CALLS.search(question)
    if _TOOL_CALL_TEXT.match(answer) or (_CALL_JSON.search(answer) and not asks_format):
        return "the answer is a tool call written as text, not an answer"
    if _TOOL_MARKUP.search(answer):
        return "the answer pastes a tool exchange (<tool_response>…) instead of answering"
    if _TOOL_TALK.search(text) and not _TOOL_NAMED.search(question):
        return "the answer describes a tool instead of giving what it returned"
    return _passes_on_nothing(question, text, tools)
