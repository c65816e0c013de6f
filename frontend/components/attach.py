"""The chat box's Attach button and the chips of the attached files."""

from __future__ import annotations

import reflex as rx

from frontend.state.chat import ChatState
from frontend.state.chat_attach import (
    ATTACH_ID,
    REFUSAL_ATTACH_ID,
    AttachedFile,
    ChatAttachState,
)
from frontend.state.chat_stream import PROMPT_INPUT_ID

STATE_COLORS = {"indexed": "green", "failed": "red", "skipped": "amber"}


def attach_button(upload_id: str = ATTACH_ID, label: str = "") -> rx.Component:
    """Opens the file picker; the picked files go to the inbox like a Knowledge upload."""
    return rx.upload.root(
        rx.button(
            rx.cond(ChatAttachState.uploading, rx.spinner(size="2"), rx.icon("paperclip", size=16)),
            *([label] if label else []),
            type="button",
            size="3" if not label else "1",
            variant="soft",
            color_scheme="gray",
            disabled=ChatAttachState.uploading | ChatState.streaming,
            aria_label="Attach a file",
            title="Attach a file: it is indexed and the next question uses your documents",
            data_testid="attach-button" if upload_id == ATTACH_ID else "refusal-attach",
        ),
        id=upload_id,
        multiple=True,
        no_drag=True,
        on_drop=ChatAttachState.attach(rx.upload_files(upload_id=upload_id)),
        border="none",
        padding="0",
        width="auto",
    )


def _chip(file: AttachedFile) -> rx.Component:
    return rx.badge(
        rx.cond(file.state == "pending", rx.spinner(size="1"), rx.icon("file-text", size=12)),
        file.name,
        rx.text.span(file.state, data_testid="attachment-state", opacity="0.8"),
        rx.icon_button(
            rx.icon("x", size=11),
            size="1",
            variant="ghost",
            color_scheme="gray",
            on_click=ChatAttachState.remove(file.path),
            aria_label="Remove " + file.name,
        ),
        color_scheme=rx.match(file.state, *STATE_COLORS.items(), "gray"),
        variant="soft",
        size="2",
        title=file.path,
        data_testid="attachment-chip",
        custom_attrs={"data-state": file.state},
    )


def attachments() -> rx.Component:
    """The attached files above the box, and why an upload failed."""
    return rx.fragment(
        rx.cond(
            ChatAttachState.files,
            rx.flex(rx.foreach(ChatAttachState.files, _chip), wrap="wrap", gap="2", width="100%"),
        ),
        rx.cond(
            ChatAttachState.error != "",
            rx.text(
                ChatAttachState.error, size="2", color_scheme="red", data_testid="attach-error"
            ),
        ),
    )


def refusal_note() -> rx.Component:
    """Why the prompt in the box was refused; a too-long one is offered the Attach button."""
    return rx.cond(
        ChatState.refusal != "",
        rx.vstack(
            rx.hstack(
                rx.icon("circle-alert", size=14, color=rx.color("red", 10), flex_shrink="0"),
                rx.text(ChatState.refusal, size="2", color_scheme="red"),
                align="start",
                spacing="2",
            ),
            rx.cond(
                ChatState.refusal_too_long,
                rx.hstack(
                    rx.button(
                        rx.icon("file-plus", size=13),
                        "Attach this text",
                        type="button",
                        size="1",
                        variant="soft",
                        disabled=ChatAttachState.uploading,
                        # The box's text as it is now: it may have been edited since.
                        on_click=rx.call_script(
                            f"document.getElementById({PROMPT_INPUT_ID!r}).value",
                            callback=ChatAttachState.attach_text,
                        ),
                        title="Save the text as a document and ask a short question about it",
                        data_testid="attach-text",
                    ),
                    attach_button(REFUSAL_ATTACH_ID, "Attach a file"),
                    spacing="2",
                    wrap="wrap",
                ),
            ),
            spacing="2",
            width="100%",
            role="alert",
            data_testid="prompt-refusal",
        ),
    )
