"""The Models page at ``/models``: pick, download, add and switch the model AgentDesk runs."""

from __future__ import annotations

import reflex as rx

from frontend.components.model_cards import add_model_form, model_grid
from frontend.components.nav import sidebar_frame, sidebar_note
from frontend.components.page_frame import error_callout, page_body, page_frame
from frontend.state.models import ModelsState

ROUTE = "/models"
TITLE = "Models · AgentDesk"


def _callout(text: rx.Var[str], color: str, icon: str, testid: str) -> rx.Component:
    return rx.cond(
        text != "",
        rx.callout.root(
            rx.callout.icon(rx.icon(icon, size=16)),
            rx.callout.text(text, overflow_wrap="anywhere"),
            color_scheme=color,
            width="100%",
            data_testid=testid,
        ),
    )


def models_page() -> rx.Component:
    """Sidebar; the memory line, messages, the model cards and the add-a-file form."""
    return page_frame(
        "Models",
        sidebar_frame(
            sidebar_note(
                "Choose the model AgentDesk runs. Bigger models answer better but need more "
                "memory and are slower. Switching takes effect at once, no restart."
            )
        ),
        page_body(
            error_callout(ModelsState.error, "models-error"),
            _callout(ModelsState.message, "green", "circle-check", "models-message"),
            _callout(ModelsState.note, "blue", "info", "models-note"),
            rx.text(ModelsState.memory, size="2", color_scheme="gray", data_testid="models-memory"),
            model_grid(),
            add_model_form(),
            rx.text(
                "Models are kept in ",
                rx.code(ModelsState.models_dir),
                ".",
                size="1",
                color_scheme="gray",
            ),
            max_width="80rem",
        ),
        watcher=ModelsState,
        testid="models-page",
    )
