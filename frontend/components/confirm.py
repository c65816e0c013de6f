"""The one shape of "are you sure?": a title, what will happen, Cancel and a red button."""

from __future__ import annotations

from typing import Any

import reflex as rx


def confirm_dialog(
    title: Any,
    description: Any,
    confirm: str,
    on_confirm: Any,
    confirm_testid: str,
    *,
    cancel: str = "Cancel",
    error: rx.Component | None = None,
    closes: bool = True,
    trigger: rx.Component | None = None,
    data_testid: str | None = None,
    **root_props: Any,
) -> rx.Component:
    """An alert dialog asking before something that cannot be undone.

    ``closes=False`` keeps it open after the red button (for an action that may fail and
    show ``error`` in the dialog); ``trigger`` opens it on click, or ``root_props`` (``open``,
    ``on_open_change``) let a state drive it.
    """
    button = rx.button(confirm, color_scheme="red", on_click=on_confirm, data_testid=confirm_testid)
    parts = [
        rx.alert_dialog.title(title),
        rx.alert_dialog.description(description, size="2"),
    ]
    if error is not None:
        parts.append(error)
    parts.append(
        rx.hstack(
            rx.alert_dialog.cancel(rx.button(cancel, variant="soft", color_scheme="gray")),
            rx.alert_dialog.action(button) if closes else button,
            justify="end",
            spacing="3",
            margin_top="1rem",
        )
    )
    content = rx.alert_dialog.content(*parts, max_width="28rem", data_testid=data_testid)
    children = [rx.alert_dialog.trigger(trigger), content] if trigger is not None else [content]
    return rx.alert_dialog.root(*children, **root_props)
