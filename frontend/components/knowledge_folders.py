"""Watched folders: what is watched, adding one by path, removing one."""

from __future__ import annotations

import reflex as rx

from frontend.components.knowledge_layout import inline_message, section_card
from frontend.state.knowledge import FOLDER_INPUT_ID, KnowledgeState
from frontend.state.knowledge_models import FolderRow


def folder_entry(folder: FolderRow) -> rx.Component:
    """One folder with its document count, a warning when it is gone, and a remove button."""
    return rx.hstack(
        rx.icon(
            rx.cond(folder.exists, "folder", "folder-x"),
            size=16,
            color=rx.cond(folder.exists, rx.color("accent", 10), rx.color("amber", 10)),
            flex_shrink="0",
        ),
        rx.vstack(
            rx.text(folder.name, size="2", weight="medium"),
            rx.text(
                folder.path,
                size="1",
                color_scheme="gray",
                title=folder.path,
                white_space="nowrap",
                overflow="hidden",
                text_overflow="ellipsis",
                width="100%",
                data_testid="folder-path",
            ),
            rx.hstack(
                rx.text(
                    folder.documents.to_string()
                    + rx.cond(folder.documents == 1, " document", " documents"),
                    size="1",
                    color_scheme="gray",
                ),
                rx.cond(
                    ~folder.exists,
                    rx.badge(
                        rx.icon("triangle-alert", size=12),
                        "folder no longer exists",
                        color_scheme="amber",
                        variant="soft",
                        size="1",
                        data_testid="folder-missing",
                    ),
                ),
                align="center",
                spacing="2",
            ),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        # Uploads land in the inbox, so it stays watched.
        rx.cond(
            folder.inbox,
            rx.badge("inbox", variant="soft", size="1", title="Uploaded files are saved here"),
            rx.icon_button(
                rx.icon("x", size=14),
                variant="ghost",
                color_scheme="gray",
                size="1",
                on_click=KnowledgeState.remove_folder(folder.id),
                aria_label="Stop watching " + folder.path,
                title="Stop watching (the files stay where they are)",
                data_testid="remove-folder",
            ),
        ),
        align="center",
        spacing="2",
        width="100%",
        padding="0.5rem",
        border_radius="8px",
        background_color=rx.color("gray", 2),
        data_testid="folder-item",
    )


def add_folder_form() -> rx.Component:
    """A path field and Add; the server's reason for refusing shows under it."""
    return rx.form(
        rx.vstack(
            rx.hstack(
                rx.input(
                    id=FOLDER_INPUT_ID,
                    name="path",
                    placeholder="/home/me/Documents/notes",
                    aria_label="Folder path",
                    aria_invalid=rx.cond(KnowledgeState.folder_error != "", "true", "false"),
                    flex="1",
                    data_testid="folder-input",
                ),
                rx.button(rx.icon("plus", size=14), "Add", type="submit", data_testid="add-folder"),
                width="100%",
                spacing="2",
            ),
            rx.cond(
                KnowledgeState.folder_error != "",
                inline_message(KnowledgeState.folder_error, "red", "circle-alert", "folder-error"),
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=KnowledgeState.add_folder,
        reset_on_submit=False,
        width="100%",
        aria_label="Watch a folder",
    )


def folders_card() -> rx.Component:
    """The watched-folder list and the form to add one."""
    return section_card(
        "Watched folders",
        "folder-open",
        rx.cond(
            KnowledgeState.folders,
            rx.vstack(
                rx.foreach(KnowledgeState.folders, folder_entry),
                spacing="2",
                width="100%",
                data_testid="folder-list",
            ),
            rx.text(
                "No watched folders yet: add one below, or drop files above.",
                size="2",
                color_scheme="gray",
            ),
        ),
        add_folder_form(),
        testid="folders-card",
    )
