"""The Workspace page's parts: the file table, the preview pane, the empty state and the
"delete this?" question."""

from __future__ import annotations

import reflex as rx

from frontend.components.confirm import confirm_dialog
from frontend.components.knowledge_layout import section_card
from frontend.components.row_action import row_action
from frontend.state.workspace import WorkspaceState
from frontend.state.workspace_models import WorkspaceRow

# Columns a phone has no room for; the name, the size and the actions always show.
WIDE_ONLY = rx.breakpoints(initial="none", md="table-cell")
EMPTY_TEXT = (
    "Nothing here yet. When an agent saves a file (ask it to “save the summary to notes.md” "
    "or to write a CSV), the file appears here with the question that made it, ready to "
    "read, download or delete. Files you put in the workspace folder yourself show up too."
)


def _name_cell(row: WorkspaceRow) -> rx.Component:
    return rx.hstack(
        rx.cond(
            row.is_folder,
            rx.icon("folder", size=15, color=rx.color("amber", 10), flex_shrink="0"),
            rx.icon("file-text", size=15, color=rx.color("gray", 10), flex_shrink="0"),
        ),
        rx.text(row.name, weight="medium", overflow_wrap="break-word", data_testid="file-name"),
        align="center",
        spacing="2",
        padding_left=row.indent,
    )


def file_row(row: WorkspaceRow) -> rx.Component:
    """One file or folder; clicking a file previews it."""
    chosen = WorkspaceState.selected == row.path
    return rx.table.row(
        rx.table.cell(_name_cell(row)),
        rx.table.cell(rx.text(row.size, white_space="nowrap", data_testid="file-size")),
        rx.table.cell(
            rx.text(row.modified, white_space="nowrap", data_testid="file-modified"),
            display=WIDE_ONLY,
        ),
        rx.table.cell(
            rx.text(row.written_by, size="1", color_scheme="gray", data_testid="file-run"),
            display=WIDE_ONLY,
            max_width="16rem",
        ),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    row.is_folder,
                    rx.fragment(),
                    row_action(
                        "download", "Download", WorkspaceState.download(row.path), "file-download"
                    ),
                ),
                row_action("trash-2", "Delete", WorkspaceState.ask_delete(row.path), "file-delete"),
                spacing="3",
                justify="end",
            )
        ),
        on_click=WorkspaceState.select(row.path),
        cursor=rx.cond(row.is_folder, "default", "pointer"),
        background_color=rx.cond(chosen, rx.color("accent", 2), "transparent"),
        _hover={"background_color": rx.color("gray", 3)},
        aria_selected=rx.cond(chosen, "true", "false"),
        data_testid="file-row",
        custom_attrs={"data-path": row.path, "data-kind": rx.cond(row.is_folder, "folder", "file")},
    )


def _table() -> rx.Component:
    header = rx.table.header(
        rx.table.row(
            rx.table.column_header_cell("Name"),
            rx.table.column_header_cell("Size"),
            rx.table.column_header_cell("Modified", display=WIDE_ONLY),
            rx.table.column_header_cell("Written for", display=WIDE_ONLY),
            rx.table.column_header_cell(""),
        )
    )
    return rx.table.root(
        header,
        rx.table.body(rx.foreach(WorkspaceState.rows, file_row)),
        size="1",
        variant="ghost",
        width="100%",
    )


def files_card() -> rx.Component:
    """The table of files, or what will appear here once an agent writes something."""
    return section_card(
        "Files",
        "folder-open",
        rx.cond(
            WorkspaceState.rows,
            rx.vstack(
                rx.text(WorkspaceState.total, size="1", color_scheme="gray", data_testid="total"),
                _table(),
                spacing="2",
                width="100%",
            ),
            rx.cond(
                WorkspaceState.loaded,
                rx.vstack(
                    rx.text(EMPTY_TEXT, size="2", color_scheme="gray"),
                    rx.code(WorkspaceState.root, size="1", word_break="break-all"),
                    spacing="2",
                    data_testid="workspace-empty",
                ),
            ),
        ),
        testid="workspace-files",
    )


def preview_card() -> rx.Component:
    """The chosen file's first part as text, or a notice saying why it is not shown."""
    preview = WorkspaceState.preview
    return rx.cond(
        WorkspaceState.selected != "",
        section_card(
            "Preview",
            "eye",
            rx.text(
                WorkspaceState.selected,
                weight="medium",
                word_break="break-all",
                data_testid="preview-path",
            ),
            rx.text(preview.details, size="1", color_scheme="gray"),
            rx.cond(
                preview.notice != "",
                rx.callout.root(
                    rx.callout.icon(rx.icon("info", size=16)),
                    rx.callout.text(preview.notice),
                    color_scheme="gray",
                    size="1",
                    width="100%",
                    data_testid="preview-notice",
                ),
            ),
            rx.cond(
                preview.text != "",
                rx.box(
                    rx.el.pre(
                        preview.text, white_space="pre-wrap", word_break="break-word", margin="0"
                    ),
                    font_family="var(--code-font-family)",
                    font_size="0.8rem",
                    max_height="60vh",
                    overflow="auto",
                    padding="0.75rem",
                    width="100%",
                    border_radius="8px",
                    background_color=rx.color("gray", 2),
                    border=f"1px solid {rx.color('gray', 4)}",
                    data_testid="preview-text",
                ),
            ),
            testid="workspace-preview",
            actions=rx.hstack(
                rx.button(
                    rx.icon("download", size=14),
                    "Download",
                    size="1",
                    variant="soft",
                    on_click=WorkspaceState.download(WorkspaceState.selected),
                    data_testid="preview-download",
                ),
                rx.button(
                    rx.icon("trash-2", size=14),
                    "Delete",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=WorkspaceState.ask_delete(WorkspaceState.selected),
                    data_testid="preview-delete",
                ),
                row_action("x", "Close the preview", WorkspaceState.close_preview, "preview-close"),
                spacing="2",
                align="center",
            ),
        ),
    )


def delete_dialog() -> rx.Component:
    """Asks before a file or folder goes to the trash."""
    return confirm_dialog(
        "Delete “" + WorkspaceState.confirm_path + "”?",
        "It moves to the trash folder in AgentDesk's data folder, where you can still get it "
        "back; a folder goes with everything in it.",
        "Delete",
        WorkspaceState.delete_confirmed,
        "confirm-delete",
        cancel="Keep it",
        open=WorkspaceState.confirm_path != "",
        on_open_change=WorkspaceState.set_confirm_open,
    )
