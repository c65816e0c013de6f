"""The "use my documents" switch, Auto / On / Off, as the chat and the task form show it."""

from __future__ import annotations

import reflex as rx

from frontend.state.chat_models import DOCUMENT_LABELS


def documents_switch(
    value: rx.Var[str],
    on_change: rx.EventHandler,
    hint: rx.Var[str],
    testid: str = "documents",
    disabled: rx.Var[bool] | bool = False,
) -> rx.Component:
    """Whether answers use the user's documents: Auto (when relevant), On (always), Off.

    The hint of the chosen value is the tooltip; test ids are ``<testid>-switch`` and
    ``<testid>-auto``, ``-on``, ``-off``.
    """
    return rx.hstack(
        rx.text("Documents", size="1", color_scheme="gray", white_space="nowrap"),
        rx.segmented_control.root(
            *(
                rx.segmented_control.item(label, value=choice, data_testid=f"{testid}-{choice}")
                for choice, label in DOCUMENT_LABELS.items()
            ),
            value=value,
            on_change=on_change,
            disabled=disabled,
            size="1",
            aria_label="Use my documents",
            data_testid=f"{testid}-switch",
        ),
        title=hint,
        align="center",
        spacing="2",
        flex_shrink="0",
    )
