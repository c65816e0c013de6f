"""The facts the Settings page shows beside the inputs: the model running now, a server test,
the watched folders, the API token and the data folder. None of them is edited here."""

from __future__ import annotations

import reflex as rx

from frontend.components.knowledge_layout import inline_message, section_card
from frontend.state.settings import SettingsState


def _fact(label: str, value: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray", weight="medium"),
        value,
        spacing="0",
        width="100%",
        min_width="0",
    )


def _path(value: rx.Var[str], testid: str) -> rx.Component:
    return rx.code(value, size="2", variant="ghost", word_break="break_all", data_testid=testid)


def active_model() -> rx.Component:
    """What runs now, and the catalog where other models are picked."""
    shown = rx.cond(SettingsState.model_file != "", SettingsState.model_file, "")
    return rx.vstack(
        rx.hstack(
            rx.icon("cpu", size=16, color=rx.color("accent", 10), flex_shrink="0"),
            rx.text(
                "Running now: ",
                rx.text.strong(rx.cond(shown != "", shown, SettingsState.model_name)),
                " (",
                SettingsState.model_provider,
                ")",
                size="2",
                word_break="break_word",
                data_testid="active-model",
            ),
            align="center",
            spacing="2",
            min_width="0",
        ),
        rx.link("Models catalog →", href="/models", size="2", data_testid="models-link"),
        spacing="1",
        width="100%",
    )


def connection_test() -> rx.Component:
    """Ask the server in the form whether it answers, with the key as typed."""
    return rx.vstack(
        rx.button(
            rx.cond(SettingsState.testing, rx.spinner(size="1"), rx.icon("plug-zap", size=16)),
            "Test connection",
            variant="soft",
            on_click=SettingsState.test_connection,
            disabled=SettingsState.testing,
            data_testid="test-connection",
        ),
        rx.cond(
            SettingsState.connection != "",
            rx.box(
                rx.cond(
                    SettingsState.connection_ok,
                    inline_message(
                        SettingsState.connection, "green", "circle-check", "connection-result"
                    ),
                    inline_message(
                        SettingsState.connection, "red", "circle-alert", "connection-result"
                    ),
                ),
                custom_attrs={"data-ok": rx.cond(SettingsState.connection_ok, "true", "false")},
                data_testid="connection",
            ),
        ),
        spacing="2",
        width="100%",
    )


def folders_card() -> rx.Component:
    """The watched folders, managed on the Knowledge page."""
    return section_card(
        "Watched folders",
        "folder-open",
        rx.cond(
            SettingsState.folders.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                rx.foreach(
                    SettingsState.folders,
                    lambda path: _path(path, "watched-folder"),
                ),
                spacing="1",
                width="100%",
            ),
            rx.text("No folder is watched.", size="2", color_scheme="gray"),
        ),
        rx.link(
            "Add or remove folders on the Knowledge page →",
            href="/knowledge",
            size="2",
            data_testid="knowledge-link",
        ),
        testid="settings-folders",
    )


def access_card() -> rx.Component:
    """The API token (whether one is set, never its value) and where the data lives."""
    return section_card(
        "Access and data",
        "key-round",
        _fact(
            "API token",
            rx.text(
                rx.cond(SettingsState.token_set, "Set, ", "Not set: "),
                SettingsState.token_where,
                rx.cond(SettingsState.token_set, ". It is never shown here.", "."),
                size="2",
                data_testid="api-token",
            ),
        ),
        _fact("Data folder (read-only)", _path(SettingsState.data_dir, "data-dir")),
        _fact("Saved settings", _path(SettingsState.store_path, "store-path")),
        rx.cond(
            SettingsState.store_problem != "",
            inline_message(SettingsState.store_problem, "amber", "triangle-alert", "store-problem"),
        ),
        testid="settings-access",
    )
