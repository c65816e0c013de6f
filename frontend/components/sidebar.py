"""The conversation list on the left, with each conversation's actions."""

from __future__ import annotations

import reflex as rx

from frontend.components.conversation_actions import (
    confirm_dialog,
    conversation_menu,
    rename_form,
)
from frontend.components.conversation_search import search_box, search_results
from frontend.components.nav import sidebar_frame
from frontend.state.chat import ChatState
from frontend.state.chat_models import ConversationItem
from frontend.state.conversation_search import ConversationSearchState
from frontend.state.conversations import ConversationMenuState
from frontend.state.layout import LayoutState

SCROLLBAR_GUTTER = "20px"


def _open_button(conversation: ConversationItem) -> rx.Component:
    """The conversation's title: click to open it."""
    active = conversation.id == ChatState.conversation_id
    return rx.button(
        rx.icon("message-square", size=14, flex_shrink="0"),
        rx.text(
            conversation.title,
            size="2",
            # One line with an ellipsis: a long first question must not spill out. No leading
            # trim: with overflow hidden it cut off descenders and commas ("4,180" read "4.180").
            white_space="nowrap",
            overflow="hidden",
            text_overflow="ellipsis",
            text_align="left",
            min_width="0",
            flex="1",
        ),
        variant="soft",
        color_scheme="gray",
        on_click=[ChatState.open_conversation(conversation.id), LayoutState.close_menu],
        disabled=ChatState.streaming,
        justify_content="flex-start",
        flex="1 1 0",
        min_width="0",
        overflow="hidden",
        title=conversation.title,
        background_color=rx.cond(active, rx.color("gray", 4), "transparent"),
        color=rx.color("gray", 12),
        _hover={"background_color": rx.color("gray", rx.cond(active, 5, 3))},
        aria_current=rx.cond(active, "page", "false"),
        data_testid="conversation-item",
    )


def conversation_entry(conversation: ConversationItem) -> rx.Component:
    """One conversation: its title (or the rename field) and its actions menu."""
    return rx.cond(
        ConversationMenuState.renaming_id == conversation.id,
        rename_form(conversation),
        rx.hstack(
            _open_button(conversation),
            conversation_menu(conversation),
            align="center",
            spacing="1",
            width="100%",
            data_testid="conversation-entry",
        ),
    )


def _conversation_list() -> rx.Component:
    return rx.cond(
        ChatState.conversations,
        rx.vstack(
            rx.foreach(ChatState.conversations, conversation_entry),
            spacing="1",
            width="100%",
            # Room for the scrollbar, drawn over the list's right edge, and its thumb's
            # wider grab area: else they cover each conversation's "…" button and take
            # its clicks.
            padding_right=SCROLLBAR_GUTTER,
        ),
        rx.text("No conversations yet.", size="2", color_scheme="gray", padding_x="0.5rem"),
    )


def sidebar() -> rx.Component:
    """Brand and page links, the New chat button and the conversation list."""
    return sidebar_frame(
        rx.button(
            rx.icon("plus", size=16),
            "New chat",
            on_click=[ChatState.new_chat, LayoutState.close_menu],
            disabled=ChatState.streaming,
            width="100%",
            variant="surface",
            data_testid="new-chat",
        ),
        search_box(),
        rx.text(
            rx.cond(ConversationSearchState.searched, "Found", "Conversations"),
            size="1",
            weight="medium",
            color_scheme="gray",
            padding_x="0.5rem",
        ),
        rx.scroll_area(
            rx.cond(
                ConversationSearchState.searched,
                search_results(),
                _conversation_list(),
            ),
            type="hover",
            scrollbars="vertical",
            flex="1",
            width="100%",
            # Radix lays the viewport out as a table that grows to its widest row; a block
            # keeps rows to the sidebar's width so long titles get an ellipsis.
            style={
                "& [data-radix-scroll-area-viewport] > div": {
                    "display": "block !important",
                    "width": "100%",
                    "min-width": "0 !important",
                }
            },
            aria_label="Conversations",
            data_testid="conversation-list",
        ),
        confirm_dialog(),
    )
