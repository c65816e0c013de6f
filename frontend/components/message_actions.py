"""Under each bubble: Copy; Regenerate on the last answer; Edit on a question, whose editor
re-asks from there (after a confirmation when later messages would be dropped)."""

from __future__ import annotations

import reflex as rx

from frontend.state.chat import ChatState
from frontend.state.chat_models import ChatMessage
from frontend.state.chat_turns import EDIT_INPUT_ID, ChatTurnState


def _action(icon: str, label: str, testid: str, **props: object) -> rx.Component:
    return rx.button(
        rx.icon(icon, size=13),
        label,
        size="1",
        variant="ghost",
        color_scheme="gray",
        type="button",
        data_testid=testid,
        **props,
    )


def message_actions(message: ChatMessage, is_last: rx.Var[bool]) -> rx.Component:
    """The bubble's buttons; hidden while an answer is being written."""
    copied = ChatTurnState.copied_id == message.id
    return rx.cond(
        ~ChatState.streaming & (message.content != ""),
        rx.hstack(
            _action(
                rx.cond(copied, "check", "copy"),
                rx.cond(copied, "Copied", "Copy"),
                "copy-message",
                on_click=ChatTurnState.copy(message.id, message.content),
                aria_label="Copy this message",
            ),
            rx.cond(
                message.role == "user",
                _action(
                    "pencil",
                    "Edit",
                    "edit-message",
                    on_click=ChatTurnState.start_edit(message.id),
                    aria_label="Edit and resend this question",
                ),
            ),
            rx.cond(
                (message.role == "assistant") & is_last,
                _action(
                    "refresh-cw",
                    "Regenerate",
                    "regenerate-answer",
                    on_click=ChatTurnState.regenerate,
                    aria_label="Ask again for a new answer",
                ),
            ),
            spacing="3",
            padding_x="0.5rem",
            padding_top="0.3rem",
            data_testid="message-actions",
        ),
    )


def edit_form(message: ChatMessage) -> rx.Component:
    """The question in an editor: Send re-asks from here, Cancel (or Escape) leaves it."""
    return rx.form(
        rx.vstack(
            rx.text_area(
                name="text",
                id=EDIT_INPUT_ID,
                default_value=message.content,
                auto_height=True,
                enter_key_submit=True,
                required=True,
                min_height="3rem",
                max_height="16rem",
                width="100%",
                aria_label="Edit your question",
                data_testid="edit-input",
            ),
            rx.hstack(
                rx.button(
                    "Cancel",
                    type="button",
                    variant="soft",
                    color_scheme="gray",
                    on_click=ChatTurnState.cancel_edit,
                    data_testid="edit-cancel",
                ),
                rx.button(rx.icon("send", size=14), "Send", type="submit", data_testid="edit-send"),
                spacing="2",
                justify="end",
                width="100%",
            ),
            spacing="2",
            width="min(46rem, 100%)",
        ),
        on_submit=ChatTurnState.resend,
        width="100%",
        display="flex",
        justify_content="flex-end",
        data_testid="edit-form",
    )


def edit_confirm_dialog() -> rx.Component:
    """Asks before an edit drops the messages that came after the question."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Resend from here?"),
            rx.alert_dialog.description(
                rx.text(
                    "The ",
                    ChatTurnState.confirm_drop,
                    " later messages of this conversation will be dropped; their runs stay "
                    "on record.",
                ),
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Resend",
                        on_click=ChatTurnState.confirm_resend,
                        data_testid="confirm-resend",
                    )
                ),
                justify="end",
                spacing="3",
                margin_top="1rem",
            ),
            max_width="26rem",
            data_testid="resend-dialog",
        ),
        open=ChatTurnState.confirm_drop > 0,
        on_open_change=ChatTurnState.set_confirm_open,
    )
