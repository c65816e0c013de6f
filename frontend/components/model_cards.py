"""The Models page's pieces: a card per model with its actions, and the add-a-file form."""

from __future__ import annotations

import reflex as rx

from frontend.components.confirm import confirm_dialog
from frontend.components.knowledge_layout import section_card
from frontend.state.models import ModelsState
from frontend.state.models_view import ModelCard


def _fact(label: str, value: rx.Var[str]) -> rx.Component:
    return rx.text(rx.text.span(label + " ", color_scheme="gray"), value, size="2")


def _progress(card: ModelCard) -> rx.Component:
    return rx.cond(
        card.downloading,
        rx.vstack(
            rx.progress(value=card.percent, max=100, width="100%"),
            rx.text(card.progress_text, size="1", data_testid="model-progress-text"),
            spacing="1",
            width="100%",
            data_testid="model-progress",
            custom_attrs={"data-percent": card.percent},
        ),
    )


def _remove_button(card: ModelCard) -> rx.Component:
    return confirm_dialog(
        "Remove " + card.name + "?",
        rx.cond(
            card.kind == "added",
            "It is taken off the list; the file itself stays where it is.",
            "Its file is deleted from this computer; you can download it again later.",
        ),
        "Remove",
        ModelsState.remove(card.id),
        "model-remove-confirm",
        trigger=rx.button(
            rx.icon("trash-2", size=14),
            "Remove",
            variant="soft",
            color_scheme="gray",
            size="2",
            data_testid="model-remove",
        ),
    )


def _actions(card: ModelCard) -> rx.Component:
    switching = ModelsState.switching == card.id
    return rx.hstack(
        rx.cond(
            card.can_download,
            rx.button(
                rx.icon("download", size=14),
                rx.cond(card.fits, "Download", "Download anyway"),
                on_click=ModelsState.download(card.id, ~card.fits),
                color_scheme=rx.cond(card.fits, "blue", "amber"),
                size="2",
                data_testid="model-download",
            ),
        ),
        rx.cond(
            card.downloading,
            rx.button(
                rx.icon("x", size=14),
                "Cancel",
                on_click=ModelsState.cancel_download,
                variant="soft",
                color_scheme="red",
                size="2",
                data_testid="model-cancel",
            ),
        ),
        rx.cond(
            card.can_activate,
            rx.button(
                rx.cond(switching, rx.spinner(size="1"), rx.icon("circle-play", size=14)),
                rx.cond(
                    switching,
                    "Switching…",
                    rx.cond(card.fits, "Use this model", "Use anyway"),
                ),
                on_click=ModelsState.activate(card.id, ~card.fits),
                disabled=ModelsState.switching != "",
                color_scheme=rx.cond(card.fits, "green", "amber"),
                size="2",
                data_testid="model-activate",
            ),
        ),
        rx.cond(card.can_remove, _remove_button(card)),
        spacing="2",
        wrap="wrap",
    )


def model_card(card: ModelCard) -> rx.Component:
    """One model: name and state, what it costs, a memory warning, progress and actions."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(card.name, size="3", weight="medium", as_="h3"),
                rx.spacer(),
                rx.badge(
                    card.status_label,
                    color_scheme=card.status_color,
                    variant="soft",
                    data_testid="model-status",
                    custom_attrs={"data-status": card.status},
                ),
                align="start",
                width="100%",
            ),
            rx.text(card.description, size="2"),
            rx.flex(
                _fact("Download", card.size),
                _fact("Memory", card.memory),
                _fact("License", card.license),
                spacing="4",
                wrap="wrap",
            ),
            rx.text(card.source, size="1", color_scheme="gray", word_break="break-all"),
            rx.cond(
                ~card.fits,
                rx.callout.root(
                    rx.callout.icon(rx.icon("triangle-alert", size=16)),
                    rx.callout.text(card.fit_note),
                    color_scheme="amber",
                    size="1",
                    width="100%",
                    data_testid="model-fit-warning",
                ),
            ),
            _progress(card),
            rx.cond(
                card.error != "",
                rx.text(card.error, size="2", color_scheme="red", data_testid="model-error"),
            ),
            rx.spacer(),
            _actions(card),
            spacing="3",
            width="100%",
            height="100%",
        ),
        width="100%",
        data_testid="model-card",
        custom_attrs={"data-model-id": card.id},
    )


def model_grid() -> rx.Component:
    """The cards, two or three abreast on a wide window, one under another on a phone."""
    return rx.box(
        rx.foreach(ModelsState.cards, model_card),
        display="grid",
        grid_template_columns="repeat(auto-fill, minmax(min(100%, 22rem), 1fr))",
        gap="1rem",
        width="100%",
        data_testid="model-grid",
    )


def add_model_form() -> rx.Component:
    """Add a GGUF file from this computer by its path."""
    return section_card(
        "Add a GGUF file",
        "file-plus",
        rx.text(
            "Have a model file already (from LM Studio, GPT4All or a download)? Give its full "
            "path; AgentDesk uses it where it is and never moves or deletes it.",
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.flex(
                rx.input(
                    value=ModelsState.add_path,
                    on_change=ModelsState.set_add_path,
                    placeholder="/home/you/models/model-Q4_K_M.gguf",
                    aria_label="GGUF file path",
                    flex="1",
                    min_width="12rem",
                    data_testid="add-model-path",
                ),
                rx.button("Add", type="submit", data_testid="add-model-button"),
                spacing="2",
                wrap="wrap",
                width="100%",
            ),
            on_submit=lambda _form: ModelsState.add_model(),
            width="100%",
        ),
        rx.cond(
            ModelsState.add_error != "",
            rx.text(
                ModelsState.add_error,
                size="2",
                color_scheme="red",
                role="alert",
                data_testid="add-model-error",
            ),
        ),
        testid="add-model",
    )
