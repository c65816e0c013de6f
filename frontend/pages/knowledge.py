"""The Knowledge page at ``/knowledge``: folders, uploads, progress, search and documents."""

from __future__ import annotations

import reflex as rx

from frontend.components.health import health_indicator
from frontend.components.knowledge_detail import document_dialog
from frontend.components.knowledge_documents import documents_card
from frontend.components.knowledge_folders import folders_card
from frontend.components.knowledge_layout import index_summary, page_error_banner
from frontend.components.knowledge_search import search_card
from frontend.components.knowledge_upload import progress_card, upload_card
from frontend.components.nav import sidebar_frame
from frontend.state.knowledge import KnowledgeState

ROUTE = "/knowledge"
TITLE = "Knowledge · AgentDesk"


def knowledge_page() -> rx.Component:
    """Sidebar with the index counts; the page's cards in a scrolling column on the right."""
    return rx.hstack(
        sidebar_frame(index_summary()),
        rx.vstack(
            rx.hstack(
                rx.heading("Knowledge", size="4", weight="medium", as_="h2"),
                health_indicator(),
                justify="between",
                align="center",
                width="100%",
                padding_x="1.5rem",
                padding_y="0.85rem",
                border_bottom=f"1px solid {rx.color('gray', 4)}",
                as_="header",
            ),
            rx.box(
                rx.vstack(
                    page_error_banner(),
                    rx.grid(
                        upload_card(),
                        folders_card(),
                        columns=rx.breakpoints(initial="1", md="2"),
                        spacing="4",
                        width="100%",
                    ),
                    progress_card(),
                    search_card(),
                    documents_card(),
                    spacing="4",
                    width="100%",
                    max_width="72rem",
                    margin_x="auto",
                    padding="1.5rem",
                ),
                flex="1",
                width="100%",
                overflow_y="auto",
            ),
            document_dialog(),
            as_="main",
            spacing="0",
            height="100vh",
            flex="1",
            min_width="0",
        ),
        # Leaving the page ends the status poll at once instead of when its heartbeat lapses.
        on_unmount=KnowledgeState.stop_watching,
        spacing="0",
        width="100%",
        height="100vh",
        overflow="hidden",
        data_testid="knowledge-page",
    )
