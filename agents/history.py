"""Fit a conversation's history into the model's context window."""

from __future__ import annotations

from backend.config import Settings

# A rough, tokenizer-free estimate: about four characters per token for English text.
CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    return len(text) // CHARS_PER_TOKEN + 1


def fit_history(
    history: list[dict[str, str]], prompt: str, settings: Settings
) -> list[dict[str, str]]:
    """The newest messages that fit beside the prompt and the answer budget, oldest first."""
    budget = settings.context_size - settings.max_tokens - estimate_tokens(prompt) - 200
    kept: list[dict[str, str]] = []
    for message in reversed(history):
        cost = estimate_tokens(message["content"]) + 4
        if cost > budget:
            break
        budget -= cost
        kept.append(message)
    return list(reversed(kept))
