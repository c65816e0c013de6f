"""The one check every route that takes a prompt applies: not empty, not over the limit.

``/api/agent/query``, ``/v1/chat/completions`` and the tasks routes each answer a refusal in
their own shape; the rule and its words live here once.
"""

from __future__ import annotations

from fastapi import HTTPException


class PromptRefused(ValueError):
    """A prompt that cannot be asked: ``status`` 422 (empty) or 413 (too long), and a ``code``
    for APIs that name their errors."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code

    def http(self) -> HTTPException:
        return HTTPException(self.status, self.message)


def checked_prompt(prompt: str, limit: int, when_empty: str) -> str:
    """``prompt`` without surrounding space; PromptRefused when it is empty (``when_empty``
    says what to do) or longer than ``limit`` characters (AGENTDESK_MAX_PROMPT_CHARS)."""
    text = prompt.strip()
    if not text:
        raise PromptRefused(422, f"The prompt is empty: {when_empty}", "empty_prompt")
    if len(text) > limit:
        raise PromptRefused(
            413,
            f"The prompt is {len(text):,} characters long; the limit is {limit:,} "
            "(AGENTDESK_MAX_PROMPT_CHARS). Shorten it or attach the text as a document.",
            "prompt_too_long",
        )
    return text
