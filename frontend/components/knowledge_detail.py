"""The document detail dialog: its facts and every chunk with its page."""

from __future__ import annotations

import reflex as rx

from frontend.components.knowledge_documents import delete_document_button
from frontend.state.knowledge_detail import DocumentDetailState
from frontend.state.knowledge_models import ChunkRow


def chunk_item(chunk: ChunkRow) -> rx.Component:
    """One chunk: its position, its page when the format has pages, and its text."""
    return rx.box(
        rx.hstack(
            rx.text("Chunk " + chunk.number.to_string(), size="1", weight="bold"),
            rx.cond(
                chunk.page != "",
                rx.badge(chunk.page, variant="soft", size="1", data_testid="chunk-page"),
            ),
            align="center",
            spacing="2",
            margin_bottom="0.35rem",
        ),
        rx.text(chunk.text, size="2", white_space="pre-wrap", overflow_wrap="anywhere"),
        padding="0.75rem",
        border_radius="8px",
        border=f"1px solid {rx.color('gray', 5)}",
        background_color=rx.color("gray", 2),
        width="100%",
        role="listitem",
        data_testid="chunk",
    )


def _facts() -> rx.Component:
    document = DocumentDetailState.document
    return rx.flex(
        rx.badge(
            document.state,
            color_scheme=document.color,
            variant="soft",
            data_testid="detail-state",
            custom_attrs={"data-state": document.state},
        ),
        rx.code(document.file_type, variant="ghost"),
        rx.text(document.size, size="2", color_scheme="gray"),
        rx.text(document.chunks_label, size="2", color_scheme="gray"),
        rx.cond(
            document.indexed_at != "",
            rx.text("indexed " + document.indexed_at, size="2", color_scheme="gray"),
        ),
        spacing="4",
        align="center",
        wrap="wrap",
    )


def _chunks() -> rx.Component:
    return rx.cond(
        DocumentDetailState.loading,
        rx.center(rx.spinner(size="3"), padding="2rem", width="100%"),
        rx.cond(
            DocumentDetailState.chunks,
            rx.scroll_area(
                rx.vstack(
                    rx.foreach(DocumentDetailState.chunks, chunk_item),
                    spacing="2",
                    width="100%",
                    role="list",
                    aria_label="Chunks",
                ),
                type="auto",
                scrollbars="vertical",
                max_height="55vh",
                padding_right="0.75rem",
            ),
            rx.text(
                "This document has no chunks in the index.",
                size="2",
                color_scheme="gray",
            ),
        ),
    )


def document_dialog() -> rx.Component:
    """Opened by a table row, a search hit or a chat source (``/knowledge?document=<id>``)."""
    document = DocumentDetailState.document
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(document.name, margin_bottom="0.25rem"),
            rx.dialog.description(
                rx.text(document.path, size="2", color_scheme="gray", overflow_wrap="anywhere"),
                margin_bottom="0.75rem",
            ),
            rx.vstack(
                _facts(),
                rx.cond(
                    document.error != "",
                    rx.callout(
                        document.error,
                        icon="info",
                        color_scheme=rx.cond(document.state == "failed", "red", "gray"),
                        size="1",
                        width="100%",
                        data_testid="detail-reason",
                    ),
                ),
                rx.cond(
                    DocumentDetailState.error != "",
                    rx.callout(DocumentDetailState.error, color_scheme="red", role="alert"),
                ),
                _chunks(),
                rx.hstack(
                    delete_document_button(document, "Delete"),
                    rx.dialog.close(
                        rx.button("Close", variant="soft", color_scheme="gray"),
                    ),
                    justify="between",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="52rem",
            width="92vw",
            data_testid="document-detail",
        ),
        open=DocumentDetailState.is_open,
        on_open_change=DocumentDetailState.set_open,
    )
