"""The Knowledge page at ``/knowledge``: folders, uploads, progress, search and documents."""

from __future__ import annotations

import reflex as rx

from frontend.components.knowledge_detail import document_dialog
from frontend.components.knowledge_documents import documents_card
from frontend.components.knowledge_folders import folders_card
from frontend.components.knowledge_layout import index_summary, page_error_banner
from frontend.components.knowledge_search import search_card
from frontend.components.knowledge_upload import progress_card, upload_card
from frontend.components.nav import sidebar_frame
from frontend.components.page_frame import page_body, page_frame
from frontend.state.knowledge import KnowledgeState

ROUTE = "/knowledge"
TITLE = "Knowledge · AgentDesk"


def knowledge_page() -> rx.Component:
    """Sidebar with the index counts; the page's cards in a scrolling column on the right."""
    return page_frame(
        "Knowledge",
        sidebar_frame(index_summary()),
        page_body(
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
        ),
        document_dialog(),
        watcher=KnowledgeState,
        testid="knowledge-page",
    )
