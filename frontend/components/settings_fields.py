"""The Settings page's inputs: one row per setting, grouped in a card per section."""

from __future__ import annotations

import reflex as rx

from frontend.components.knowledge_layout import inline_message, section_card
from frontend.state.settings import SettingsState
from frontend.state.settings_models import ChoiceView, FieldView


def _applies(field: FieldView) -> rx.Component:
    return rx.cond(
        field.pending_restart,
        rx.badge("Saved: restart to apply", color_scheme="amber", variant="soft"),
        rx.cond(
            field.applies == "now",
            rx.badge("Applies now", color_scheme="green", variant="soft"),
            rx.badge("Applies after restart", color_scheme="gray", variant="soft"),
        ),
    )


def _choice(choice: ChoiceView) -> rx.Component:
    return rx.select.item(choice.label, value=choice.value)


def _input(field: FieldView) -> rx.Component:
    def on_change(value: str) -> rx.event.EventSpec:
        return SettingsState.set_value(field.key, value)  # type: ignore[return-value]

    common = {
        "id": f"setting-{field.key}",
        "disabled": field.locked,
        "width": "100%",
        "custom_attrs": {"data-setting": field.key},
    }
    return rx.cond(
        field.kind == "choice",
        rx.select.root(
            rx.select.trigger(
                width="100%", id=f"setting-{field.key}", data_testid=f"setting-{field.key}"
            ),
            rx.select.content(rx.foreach(field.choices, _choice)),
            value=field.value,
            on_change=on_change,
            disabled=field.locked,
        ),
        rx.input(
            value=field.value,
            on_change=on_change,
            placeholder=field.placeholder,
            type=rx.cond(field.kind == "secret", "password", "text"),
            auto_complete="off",
            aria_invalid=rx.cond(field.error != "", "true", "false"),
            color_scheme=rx.cond(field.error != "", "red", "gray"),
            data_testid=f"setting-{field.key}",
            **common,
        ),
    )


def field_row(field: FieldView) -> rx.Component:
    """Label, lock and when it applies; the input; its help, lock reason or error."""
    return rx.vstack(
        rx.hstack(
            rx.el.label(
                field.label, html_for=f"setting-{field.key}", font_size="14px", font_weight="500"
            ),
            rx.cond(
                field.locked,
                rx.icon("lock", size=14, color=rx.color("gray", 10), aria_label="Locked"),
            ),
            rx.spacer(),
            _applies(field),
            align="center",
            spacing="2",
            width="100%",
            wrap="wrap",
        ),
        _input(field),
        rx.cond(
            field.error != "",
            inline_message(field.error, "red", "circle-alert", f"setting-error-{field.key}"),
        ),
        rx.cond(
            field.locked,
            rx.text(
                "Locked: " + field.locked_reason + ". Change it there, then restart.",
                size="1",
                color_scheme="gray",
                data_testid=f"setting-locked-{field.key}",
            ),
        ),
        rx.text(field.help, size="1", color_scheme="gray"),
        spacing="1",
        width="100%",
        data_testid="setting-row",
        custom_attrs={"data-key": field.key},
    )


def fields_of(section: str) -> rx.Component:
    """The rows of one section, in the server's order."""
    return rx.foreach(
        SettingsState.fields,
        lambda field: rx.cond(field.section == section, field_row(field)),
    )


def settings_card(
    section: str, title: str, icon: str, *extra: rx.Component, actions: rx.Component | None = None
) -> rx.Component:
    """A section's card: its settings, then anything the section adds below them."""
    return section_card(
        title,
        icon,
        rx.vstack(fields_of(section), spacing="4", width="100%"),
        *extra,
        testid=f"settings-{section}",
        actions=actions,
    )


def save_bar() -> rx.Component:
    """The Save button and what the last save did; it stays in view while the page scrolls."""
    return rx.hstack(
        rx.button(
            rx.cond(SettingsState.saving, rx.spinner(size="1"), rx.icon("save", size=16)),
            "Save changes",
            on_click=SettingsState.save,
            disabled=SettingsState.saving | SettingsState.has_errors,
            data_testid="settings-save",
        ),
        rx.cond(
            SettingsState.saved != "",
            inline_message(SettingsState.saved, "green", "circle-check", "settings-saved"),
            rx.cond(
                SettingsState.has_changes,
                rx.text("Unsaved changes", size="2", color_scheme="gray"),
            ),
        ),
        align="center",
        spacing="3",
        width="100%",
        padding="0.75rem 1rem",
        border_radius="12px",
        background_color=rx.color("gray", 2),
        border=f"1px solid {rx.color('gray', 5)}",
        position="sticky",
        bottom="0",
        z_index="5",
        wrap="wrap",
    )
