"""The transcript: user and assistant bubbles."""

from __future__ import annotations

import reflex as rx

from frontend.components.citations import markdown_link
from frontend.components.knowledge_sources import source_chips
from frontend.components.message_actions import edit_confirm_dialog, edit_form, message_actions
from frontend.components.timeline import no_answer_marker, run_timeline, stopped_marker
from frontend.state.chat import ChatState
from frontend.state.chat_models import ChatMessage
from frontend.state.chat_turns import ChatTurnState


def _bubble(content: rx.Component, role: str, testid: str, *footer: rx.Component) -> rx.Component:
    is_user = role == "user"
    return rx.box(
        rx.box(
            content,
            max_width="min(46rem, 85%)",
            padding_x="1rem",
            padding_y="0.6rem",
            border_radius="14px",
            background_color=rx.cond(is_user, rx.color("accent", 9), rx.color("gray", 3)),
            color=rx.cond(is_user, "white", rx.color("gray", 12)),
            overflow_wrap="anywhere",
            # Markdown paragraphs keep their spacing between blocks but not at the bubble's edges.
            style={
                "& > div > :first-child": {"margin_top": "0"},
                "& > div > :last-child": {"margin_bottom": "0"},
                "& pre": {"max_width": "100%", "overflow_x": "auto"},
            },
            data_testid="bubble-text",
        ),
        *footer,
        display="flex",
        flex_direction="column",
        align_items=rx.cond(is_user, "flex-end", "flex-start"),
        width="100%",
        data_testid=testid,
        custom_attrs={"data-role": role},
    )


@rx.memo
def assistant_markdown(text: rx.Var[str]) -> rx.Component:
    """Assistant text as markdown; raw HTML in model output is never rendered, and links
    made from [n] markers show as citation markers.

    Memoized so the bubble redraws only when its text changes: Markdown builds its links
    afresh on every redraw, which would close a citation's card whenever any chat state moved
    (a token of the next answer, the conversation list).
    """
    return rx.markdown(
        text,
        use_raw=False,
        # remark-math and KaTeX (its CSS and fonts come with the front-end build, no CDN).
        use_math=True,
        use_katex=True,
        component_map={"a": markdown_link},
    )


def _steps_column(*children: rx.Component) -> rx.Component:
    """Sources, stop marker and timeline under an answer, as wide as the bubbles may be."""
    return rx.vstack(
        *children, spacing="2", width="min(46rem, 100%)", align="start", padding_top="0.35rem"
    )


def message_bubble(message: ChatMessage, index: rx.Var[int]) -> rx.Component:
    """A stored message: plain text for the user (or its editor), markdown for the
    assistant; its actions under it."""
    content = rx.cond(
        message.role == "user",
        rx.text(message.content, white_space="pre-wrap", size="3"),
        rx.cond(
            message.content != "",
            assistant_markdown(text=message.linked),
            rx.text("No answer was written.", size="2", color_scheme="gray", font_style="italic"),
        ),
    )
    steps = rx.cond(
        message.role == "assistant",
        _steps_column(
            rx.cond(message.sources.length() > 0, source_chips(message.sources)),
            stopped_marker(message.timeline),
            no_answer_marker(message.timeline),
            rx.cond(message.timeline.status != "", run_timeline(message.timeline)),
        ),
    )
    is_last = index == ChatState.messages.length() - 1
    return rx.cond(
        ChatTurnState.editing_id == message.id,
        edit_form(message),
        _bubble(content, message.role, "message", message_actions(message, is_last), steps),
    )


def streaming_bubble() -> rx.Component:
    """The answer being written, or a typing hint until its first token arrives."""
    return _bubble(
        rx.cond(
            ChatState.partial_answer != "",
            assistant_markdown(text=ChatState.partial_answer),
            rx.hstack(
                rx.spinner(size="1"),
                rx.text("Thinking…", size="2", color_scheme="gray"),
                align="center",
            ),
        ),
        "assistant",
        "streaming-message",
        _steps_column(
            rx.cond(ChatState.partial_sources, source_chips(ChatState.partial_sources)),
            rx.cond(
                ChatState.partial_timeline.status != "",
                # Open while the answer is written, so each step shows as it happens.
                run_timeline(ChatState.partial_timeline, True, "live-timeline"),
            ),
        ),
    )


def empty_transcript() -> rx.Component:
    """What a new conversation looks like."""
    return rx.center(
        rx.vstack(
            rx.icon("sparkles", size=32, color=rx.color("accent", 9)),
            rx.heading("How can I help?", size="6", as_="h2"),
            rx.text(
                "Ask a question to start a conversation. Everything stays on this computer.",
                color_scheme="gray",
                size="2",
                text_align="center",
            ),
            align="center",
            spacing="2",
        ),
        height="100%",
        padding_x="1rem",
        min_height="50vh",
        data_testid="empty-transcript",
    )


def transcript() -> rx.Component:
    """All bubbles of the open conversation, kept scrolled to the newest one."""
    return rx.auto_scroll(
        rx.cond(
            ChatState.has_messages,
            rx.vstack(
                rx.foreach(ChatState.messages, message_bubble),
                edit_confirm_dialog(),
                rx.cond(ChatState.streaming, streaming_bubble()),
                spacing="3",
                width="100%",
                max_width="52rem",
                margin_x="auto",
                padding_y="1.5rem",
                padding_x="1.5rem",
            ),
            empty_transcript(),
        ),
        flex="1",
        width="100%",
        role="log",
        aria_live="polite",
        aria_label="Messages",
        data_testid="transcript",
    )
