"""The documents table: state, size and chunks per file; click a row for its detail."""

from __future__ import annotations

import reflex as rx

from frontend.components.confirm import confirm_dialog
from frontend.components.knowledge_layout import VISUALLY_HIDDEN, section_card
from frontend.state.knowledge import DOCUMENT_FILTERS, KnowledgeState
from frontend.state.knowledge_detail import DocumentDetailState
from frontend.state.knowledge_models import DocumentRow


def state_badge(document: DocumentRow) -> rx.Component:
    """Coloured state, with the reason in words for failed and skipped files."""
    return rx.vstack(
        rx.badge(
            document.state,
            color_scheme=document.color,
            variant="soft",
            size="1",
            data_testid="document-state",
            custom_attrs={"data-state": document.state},
        ),
        rx.cond(
            document.error != "",
            rx.text(
                document.error,
                size="1",
                color=rx.cond(
                    document.state == "failed", rx.color("red", 11), rx.color("gray", 11)
                ),
                max_width="16rem",
                data_testid="document-error",
            ),
        ),
        spacing="1",
        align="start",
    )


def delete_document_button(document: DocumentRow, label: str = "") -> rx.Component:
    """A bin button that asks before removing the document from the index."""
    accessible = {
        "aria_label": "Delete " + document.name,
        "title": "Delete from the knowledge base",
        "data_testid": "delete-document",
    }
    trigger = (
        rx.button(
            rx.icon("trash-2", size=14), label, color_scheme="red", variant="soft", **accessible
        )
        if label
        else rx.icon_button(
            rx.icon("trash-2", size=14),
            variant="ghost",
            color_scheme="gray",
            size="1",
            **accessible,
        )
    )
    return confirm_dialog(
        "Delete " + document.name + "?",
        "It leaves the knowledge base. A file inside a watched folder moves to "
        "AgentDesk's trash folder, so it is not indexed again and nothing is lost.",
        "Delete",
        KnowledgeState.delete_document(document.id),
        "confirm-delete",
        trigger=trigger,
    )


def document_row(document: DocumentRow) -> rx.Component:
    """One file; the row opens its detail, the name is the keyboard way in."""
    return rx.table.row(
        rx.table.cell(
            rx.button(
                rx.icon("file-text", size=14, flex_shrink="0"),
                rx.text(
                    document.name,
                    white_space="nowrap",
                    overflow="hidden",
                    text_overflow="ellipsis",
                ),
                variant="ghost",
                color_scheme="gray",
                title=document.path,
                max_width="22rem",
                justify_content="flex-start",
                color=rx.color("gray", 12),
                aria_label="Show details of " + document.name,
                data_testid="document-name",
            ),
        ),
        rx.table.cell(rx.code(document.file_type, variant="ghost")),
        rx.table.cell(document.size, white_space="nowrap"),
        rx.table.cell(state_badge(document)),
        rx.table.cell(document.chunks, text_align="right"),
        rx.table.cell(
            rx.cond(document.indexed_at != "", document.indexed_at, "—"),
            white_space="nowrap",
            color=rx.color("gray", 11),
        ),
        # The confirmation renders in a portal, but its clicks still bubble to this row.
        rx.table.cell(delete_document_button(document), on_click=rx.noop().stop_propagation),
        on_click=DocumentDetailState.open_document(document.id),
        cursor="pointer",
        _hover={"background_color": rx.color("gray", 2)},
        vertical_align="middle",
        data_testid="document-row",
        custom_attrs={"data-document-id": document.id},
    )


def _header(label: str, align: str = "left") -> rx.Component:
    return rx.table.column_header_cell(label, text_align=align)


def documents_table() -> rx.Component:
    """All listed documents, or a hint when there are none."""
    return rx.cond(
        KnowledgeState.documents,
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    _header("Name"),
                    _header("Type"),
                    _header("Size"),
                    _header("State"),
                    _header("Chunks", "right"),
                    _header("Indexed"),
                    rx.table.column_header_cell(rx.text("Actions", style=VISUALLY_HIDDEN)),
                )
            ),
            rx.table.body(rx.foreach(KnowledgeState.documents, document_row)),
            variant="ghost",
            size="1",
            width="100%",
            data_testid="documents-table",
        ),
        rx.text(
            "No documents here yet. Drop files above or watch a folder.",
            size="2",
            color_scheme="gray",
            data_testid="documents-empty",
        ),
    )


def documents_card() -> rx.Component:
    """The table with a state filter and the count shown."""
    return section_card(
        "Documents",
        "files",
        documents_table(),
        rx.cond(
            KnowledgeState.document_total > KnowledgeState.documents.length(),
            rx.text(
                f"Showing {KnowledgeState.documents.length()} of {KnowledgeState.document_total}.",
                size="1",
                color_scheme="gray",
            ),
        ),
        testid="documents-card",
        actions=rx.segmented_control.root(
            *(
                rx.segmented_control.item(name.capitalize(), value=name)
                for name in DOCUMENT_FILTERS
            ),
            value=KnowledgeState.document_filter,
            on_change=KnowledgeState.set_document_filter,
            size="1",
            aria_label="Show documents by state",
            data_testid="document-filter",
        ),
    )
