"""What the code model writes, made fit to run and to show: its code block without stray
markdown fences, its thought without the code, its final value without float noise."""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

# Where the model's thought ends: a code block (tags or a markdown fence) opens or closes.
_CODE_MARK = re.compile(r"<code>|</code>|```")
# A markdown fence line ("```", "```python") left inside a <code> block: small models mix the
# two formats, and the fence is a syntax error that cost the step.
_FENCE_LINE = re.compile(r"^[ \t]*```[\w+-]*[ \t]*(?:\n|$)", re.MULTILINE)


def tidy_code_reply(text: str) -> str:
    """``text`` with markdown fence lines taken out of its <code> block."""
    head, opened, rest = text.partition("<code>")
    if not opened:
        return text
    body, closed, tail = rest.partition("</code>")
    return head + opened + _FENCE_LINE.sub("", body) + closed + tail


# Floats are shown to this many decimals: 2749 * 0.8 prints 2199.2000000000003.
FLOAT_PLACES = 10


def shown_value(value: Any) -> str:
    """The final answer's value as text, without float noise (2199.2, not 2199.2000000000003)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value) and abs(value) < 1e15:
        return repr(round(value, FLOAT_PLACES))
    return str(value)


@cache
def tidy_model_class() -> type:
    """smolagents' OpenAI model, with each reply's code block tidied (``tidy_code_reply``)."""
    from smolagents import OpenAIServerModel

    class TidyModel(OpenAIServerModel):  # type: ignore[misc]
        def generate(self, *args: Any, **kwargs: Any) -> Any:
            message = super().generate(*args, **kwargs)
            if isinstance(message.content, str):
                message.content = tidy_code_reply(message.content)
            return message

    return TidyModel


def thought_text(model_output: str | None) -> str:
    """The model's reasoning before its code, without the ``Thought:`` label."""
    text = _CODE_MARK.split(model_output or "", maxsplit=1)[0].strip()
    return text.removeprefix("Thought:").strip()
