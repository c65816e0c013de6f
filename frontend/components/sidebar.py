"""The conversation list on the left."""

from __future__ import annotations

import reflex as rx

from frontend.state.chat import ChatState, ConversationItem


def conversation_entry(conversation: ConversationItem) -> rx.Component:
    """One conversation: click to open it, the bin button deletes it."""
    active = conversation.id == ChatState.conversation_id
    return rx.hstack(
        rx.button(
            rx.icon("message-square", size=14, flex_shrink="0"),
            rx.text(conversation.title, size="2", trim="both", truncate=True),
            variant="soft",
            color_scheme="gray",
            on_click=ChatState.open_conversation(conversation.id),
            disabled=ChatState.streaming,
            justify_content="flex-start",
            flex="1",
            min_width="0",
            background_color=rx.cond(active, rx.color("gray", 4), "transparent"),
            color=rx.color("gray", 12),
            _hover={"background_color": rx.color("gray", rx.cond(active, 5, 3))},
            aria_current=rx.cond(active, "page", "false"),
            data_testid="conversation-item",
        ),
        rx.icon_button(
            rx.icon("trash-2", size=14),
            variant="ghost",
            color_scheme="gray",
            size="1",
            on_click=ChatState.delete_conversation(conversation.id),
            disabled=ChatState.streaming,
            aria_label="Delete conversation " + conversation.title,
            title="Delete conversation",
            data_testid="delete-conversation",
        ),
        align="center",
        spacing="1",
        width="100%",
    )


def sidebar() -> rx.Component:
    """Brand, the New chat button and the conversation list."""
    return rx.vstack(
        rx.hstack(
            rx.icon("bot", size=22, color=rx.color("accent", 10)),
            rx.heading("AgentDesk", size="5", weight="bold", as_="h1"),
            align="center",
            spacing="2",
            padding_x="0.5rem",
        ),
        rx.button(
            rx.icon("plus", size=16),
            "New chat",
            on_click=ChatState.new_chat,
            disabled=ChatState.streaming,
            width="100%",
            variant="surface",
            data_testid="new-chat",
        ),
        rx.text(
            "Conversations", size="1", weight="medium", color_scheme="gray", padding_x="0.5rem"
        ),
        rx.scroll_area(
            rx.cond(
                ChatState.conversations,
                rx.vstack(
                    rx.foreach(ChatState.conversations, conversation_entry),
                    spacing="1",
                    width="100%",
                ),
                rx.text("No conversations yet.", size="2", color_scheme="gray", padding_x="0.5rem"),
            ),
            type="hover",
            scrollbars="vertical",
            flex="1",
            data_testid="conversation-list",
        ),
        as_="nav",
        aria_label="Conversations",
        spacing="3",
        padding="1rem",
        width="280px",
        min_width="280px",
        height="100vh",
        background_color=rx.color("gray", 2),
        border_right=f"1px solid {rx.color('gray', 5)}",
    )
