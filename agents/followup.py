"""Follow-ups searched as standalone questions: "Who founded that company?" names the company.

The knowledge base sees one query, not the conversation; a question that points back ("that",
"it", "they", or a few words like "And in 2020?") is rewritten from the last turns by one short
model call before searching. Anything going wrong keeps the question as the user typed it.
"""

from __future__ import annotations

import logging
import re

from agents import prompts
from agents.engines.base import Completer
from backend.llm.errors import RunStopped

log = logging.getLogger(__name__)

# Words that refer back to something said earlier.
REFERS_BACK = re.compile(
    r"\b(?:it|its|it's|that|this|those|these|they|them|their|theirs|he|him|his|she|her|hers|"
    r"there|then|the same|the former|the latter|the other|above|previous|earlier)\b",
    re.I,
)
# A question this short rarely stands alone ("And France?", "Why?").
SHORT_WORDS = 4
TURNS = 4
TURN_CHARS = 600
QUERY_CHARS = 300


def refers_back(prompt: str, history: list[dict[str, str]]) -> bool:
    """Whether ``prompt`` needs the conversation to be understood."""
    if not any(turn.get("role") in ("user", "assistant") for turn in history):
        return False
    return bool(REFERS_BACK.search(prompt)) or len(prompt.split()) <= SHORT_WORDS


def conversation_text(history: list[dict[str, str]], prompt: str) -> str:
    """The last few turns and the new question, as the rewrite call reads them."""
    turns = [t for t in history if t.get("role") in ("user", "assistant")][-TURNS:]
    said = "\n".join(f"{t['role']}: {' '.join(t['content'].split())[:TURN_CHARS]}" for t in turns)
    return f"Conversation:\n{said}\n\nQuestion: {prompt}"


async def standalone_query(client: Completer, history: list[dict[str, str]], prompt: str) -> str:
    """``prompt`` rewritten to stand alone when it refers back; otherwise ``prompt``."""
    if not refers_back(prompt, history):
        return prompt
    messages = [
        {"role": "system", "content": prompts.load("followup_system")},
        {"role": "user", "content": conversation_text(history, prompt)},
    ]
    try:
        reply = await client.complete(messages, max_tokens=80, temperature=0.0)
    except RunStopped:
        raise
    except Exception as error:
        log.warning("follow-up rewrite failed, searching as typed: %s", error)
        return prompt
    lines = [line.strip() for line in reply.content.strip().splitlines() if line.strip()]
    query = lines[0].removeprefix("Question:").strip() if lines else ""
    return query[:QUERY_CHARS] or prompt
