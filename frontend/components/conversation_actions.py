"""A conversation's actions in the sidebar: the menu, the inline rename field, the confirm."""

from __future__ import annotations

import reflex as rx

from frontend.state.chat import ChatState
from frontend.state.chat_models import ConversationItem
from frontend.state.conversations import RENAME_INPUT_ID, ConversationMenuState


def _item(label: str, icon: str, on_select: rx.EventSpec, testid: str) -> rx.Component:
    return rx.dropdown_menu.item(
        rx.hstack(rx.icon(icon, size=14), rx.text(label), align="center", spacing="2"),
        on_select=on_select,
        data_testid=testid,
    )


def conversation_menu(conversation: ConversationItem) -> rx.Component:
    """Rename, clear, export and delete, behind one small button."""
    return rx.dropdown_menu.root(
        rx.dropdown_menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis", size=14),
                variant="ghost",
                color_scheme="gray",
                size="1",
                disabled=ChatState.streaming,
                aria_label="Actions for conversation " + conversation.title,
                title="Rename, clear, export or delete",
                data_testid="conversation-actions",
            ),
        ),
        rx.dropdown_menu.content(
            _item(
                "Rename",
                "pencil",
                ConversationMenuState.start_rename(conversation.id),
                "rename-conversation",
            ),
            _item(
                "Export as Markdown",
                "file-down",
                ConversationMenuState.export(conversation.id, "md"),
                "export-markdown",
            ),
            _item(
                "Export as JSON",
                "braces",
                ConversationMenuState.export(conversation.id, "json"),
                "export-json",
            ),
            rx.dropdown_menu.separator(),
            _item(
                "Clear messages",
                "eraser",
                ConversationMenuState.ask_confirm("clear", conversation.id, conversation.title),
                "clear-conversation",
            ),
            rx.dropdown_menu.item(
                rx.hstack(rx.icon("trash-2", size=14), rx.text("Delete"), spacing="2"),
                color="red",
                on_select=ConversationMenuState.ask_confirm(
                    "delete", conversation.id, conversation.title
                ),
                data_testid="delete-conversation",
            ),
            size="1",
            align="end",
            # Focus goes to the rename field, not back to this menu's button.
            on_close_auto_focus=rx.prevent_default,
        ),
    )


def rename_form(conversation: ConversationItem) -> rx.Component:
    """The title as a text field: Enter saves, Escape or the cross cancels."""
    return rx.form(
        rx.hstack(
            rx.input(
                name="title",
                id=RENAME_INPUT_ID,
                default_value=conversation.title,
                aria_label="New title",
                auto_focus=True,
                max_length=200,
                size="2",
                flex="1",
                min_width="0",
                on_key_down=ConversationMenuState.rename_keys,
                data_testid="rename-input",
            ),
            rx.icon_button(
                rx.icon("check", size=14),
                type="submit",
                size="1",
                variant="soft",
                aria_label="Save title",
                data_testid="rename-save",
            ),
            rx.icon_button(
                rx.icon("x", size=14),
                type="button",
                size="1",
                variant="ghost",
                color_scheme="gray",
                on_click=ConversationMenuState.cancel_rename,
                aria_label="Cancel rename",
            ),
            align="center",
            spacing="1",
            width="100%",
        ),
        on_submit=ConversationMenuState.save_title,
        width="100%",
    )


def confirm_dialog() -> rx.Component:
    """Asks before a conversation is deleted or emptied: neither can be undone."""
    is_delete = ConversationMenuState.confirm_action == "delete"
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(
                rx.cond(is_delete, "Delete this conversation?", "Clear this conversation?")
            ),
            rx.alert_dialog.description(
                rx.text(
                    "“",
                    ConversationMenuState.confirm_title,
                    rx.cond(
                        is_delete,
                        "” and all its messages will be deleted. This cannot be undone.",
                        "” keeps its title but all its messages will be deleted.",
                    ),
                ),
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray"),
                ),
                rx.alert_dialog.action(
                    rx.button(
                        rx.cond(is_delete, "Delete", "Clear"),
                        color_scheme="red",
                        on_click=ConversationMenuState.confirm,
                        data_testid="confirm-action",
                    ),
                ),
                justify="end",
                spacing="3",
                margin_top="1rem",
            ),
            max_width="26rem",
            data_testid="confirm-dialog",
        ),
        open=ConversationMenuState.confirm_action != "",
        on_open_change=ConversationMenuState.set_confirm_open,
    )
