"""The sidebar's search box and the conversations it found."""

from __future__ import annotations

import reflex as rx

from frontend.state.chat import ChatState
from frontend.state.conversation_search import ConversationMatch, ConversationSearchState
from frontend.state.knowledge_format import TextPart
from frontend.state.layout import LayoutState


def search_box() -> rx.Component:
    """Finds words in titles and messages as they are typed."""
    return rx.input(
        rx.input.slot(rx.icon("search", size=14)),
        value=ConversationSearchState.query,
        on_change=ConversationSearchState.search,
        type="search",
        placeholder="Search conversations…",
        aria_label="Search conversations",
        width="100%",
        data_testid="conversation-search",
    )


def _part(part: TextPart) -> rx.Component:
    return rx.cond(
        part.match,
        rx.el.mark(part.text, background_color=rx.color("amber", 4), color=rx.color("gray", 12)),
        rx.text.span(part.text),
    )


def _match(match: ConversationMatch) -> rx.Component:
    return rx.button(
        rx.text(
            match.title,
            size="2",
            weight="medium",
            white_space="nowrap",
            overflow="hidden",
            text_overflow="ellipsis",
            width="100%",
        ),
        rx.text(
            rx.foreach(match.parts, _part),
            size="1",
            color=rx.color("gray", 11),
            white_space="normal",
            data_testid="search-result-snippet",
        ),
        on_click=[ChatState.open_conversation(match.id), LayoutState.close_menu],
        # Like the list's entries: no other conversation opens while an answer is written.
        disabled=ChatState.streaming,
        variant="ghost",
        color_scheme="gray",
        color=rx.color("gray", 12),
        height="auto",
        padding="0.4rem 0.5rem",
        margin="0",
        flex_direction="column",
        align_items="flex-start",
        text_align="left",
        gap="0.1rem",
        width="100%",
        min_width="0",
        data_testid="search-result",
    )


def search_results() -> rx.Component:
    """What the search found, or that it found nothing."""
    return rx.vstack(
        rx.cond(
            ConversationSearchState.error != "",
            rx.text(ConversationSearchState.error, size="2", color_scheme="red"),
        ),
        rx.cond(
            ConversationSearchState.matches,
            rx.foreach(ConversationSearchState.matches, _match),
            rx.text(
                "No conversation has these words.",
                size="2",
                color_scheme="gray",
                padding_x="0.5rem",
            ),
        ),
        spacing="1",
        width="100%",
        data_testid="search-results",
    )
