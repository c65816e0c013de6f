"""What the chat page shows, built from API payloads: bubbles, sidebar entries, agent modes.

Pure functions, so the tests check them without a server; and the one read of the
conversation list the chat states share.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from backend.api.schemas.conversations import ConversationSummary
from frontend import api_client, api_conversations
from frontend.state.citations import anchored, link_citations
from frontend.state.knowledge_models import ChatSource, sources_of
from frontend.state.math_markup import math_markup
from frontend.state.run_timeline import RunTimeline


@dataclasses.dataclass
class ChatMessage:
    """One bubble in the transcript; an answer carries the timeline of the run behind it."""

    id: str
    role: str
    content: str
    sources: list[ChatSource] = dataclasses.field(default_factory=list)
    run_id: str = ""
    timeline: RunTimeline = dataclasses.field(default_factory=RunTimeline)
    # An answer's content as shown: each [n] that matches a source made a link to it.
    linked: str = ""


def with_citations(message: ChatMessage) -> ChatMessage:
    """The message with its chips given ids and its [n] markers linked to them."""
    sources = anchored(message.sources, message.id)
    content = message.content
    linked = link_citations(math_markup(content), sources) if message.role == "assistant" else ""
    return dataclasses.replace(message, sources=sources, linked=linked)


@dataclasses.dataclass
class ConversationItem:
    """One entry in the sidebar."""

    id: str
    title: str
    updated_at: str
    message_count: int


@dataclasses.dataclass
class ModeChoice:
    """An entry of the mode selector: the mode sent to the API, its name and what it does."""

    value: str
    label: str
    hint: str


# In the order the selector lists them; a mode this build lacks is left out.
MODE_CHOICES = [
    ModeChoice("auto", "Auto", "Picks the engine from your question and says why."),
    ModeChoice("chat", "Chat", "Answers straight from the model, with your documents."),
    ModeChoice(
        "single", "Agent with tools", "One agent that uses tools: files, notes, maths, search."
    ),
    ModeChoice("code", "Code", "Writes and runs Python in a sandbox to work it out."),
    ModeChoice("team", "Team", "A Planner and an Executor work through the task in steps."),
]
DEFAULT_MODE = "auto"

# The "use my documents" switch: its values as the API takes them, and what each does.
DOCUMENT_CHOICES = {
    "auto": "Documents are used when they are relevant to the question.",
    "on": "Documents are always used.",
    "off": "Documents are not used.",
}
DEFAULT_DOCUMENTS = "auto"
# What the switch's buttons say, here and on a task.
DOCUMENT_LABELS = {"auto": "Auto", "on": "On", "off": "Off"}


def mode_choices(available: list[str]) -> list[ModeChoice]:
    """The selector's entries for the modes the server offers (auto is always there)."""
    offered = set(available) | {DEFAULT_MODE}
    return [choice for choice in MODE_CHOICES if choice.value in offered]


def mode_hint(mode: str) -> str:
    """The one-line description of ``mode``."""
    return next((choice.hint for choice in MODE_CHOICES if choice.value == mode), "")


def to_conversation_item(raw: dict[str, Any] | ConversationSummary) -> ConversationItem:
    """Build a sidebar entry from an API conversation summary."""
    summary = ConversationSummary.model_validate(raw)
    return ConversationItem(
        id=summary.id,
        title=summary.title or "Untitled conversation",
        updated_at=summary.updated_at,
        message_count=summary.message_count,
    )


def to_chat_message(raw: dict[str, Any]) -> ChatMessage:
    """Build a transcript bubble from an API message."""
    return with_citations(
        ChatMessage(
            id=str(raw.get("id", "")),
            role=str(raw.get("role", "assistant")),
            content=str(raw["content"]),
            sources=sources_of(raw) or [],
            run_id=str(raw.get("run_id") or ""),
        )
    )


def answers_with_runs(messages: list[ChatMessage], limit: int) -> list[str]:
    """Run ids of the newest ``limit`` answers, whose timelines are worth loading."""
    runs = [m.run_id for m in messages if m.role == "assistant" and m.run_id]
    return list(dict.fromkeys(runs[-limit:])) if limit > 0 else []


def answer_message(answer: str, sources: list[ChatSource], timeline: RunTimeline) -> ChatMessage:
    """The bubble of a finished run's answer."""
    return with_citations(
        ChatMessage(
            id=f"answer-{time.time_ns()}",
            role="assistant",
            content=answer,
            sources=sources,
            run_id=timeline.run_id,
            timeline=timeline,
        )
    )


def with_timelines(
    messages: list[ChatMessage], replayed: dict[str, tuple[RunTimeline, list[ChatSource]]]
) -> list[ChatMessage]:
    """The transcript with each answer given the replayed steps (and sources) of its run."""
    shown = []
    for message in messages:
        if message.role == "assistant" and message.run_id in replayed:
            timeline, cited = replayed[message.run_id]
            message = with_citations(
                dataclasses.replace(message, timeline=timeline, sources=message.sources or cited)
            )
        shown.append(message)
    return shown


async def fetch_conversation_items() -> tuple[list[ConversationItem] | None, str]:
    """The sidebar entries, or ``None`` and the reason they could not be read."""
    try:
        raw = await api_conversations.list_conversations()
    except api_client.ApiError as error:
        return None, error.message
    return [to_conversation_item(item) for item in raw], ""
