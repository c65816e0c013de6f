"""The search box and its ranked chunks."""

from __future__ import annotations

import reflex as rx

from frontend.components.knowledge_layout import inline_message, section_card
from frontend.state.knowledge_detail import DocumentDetailState
from frontend.state.knowledge_format import TextPart
from frontend.state.knowledge_models import SEARCH_MODES, SearchHitRow
from frontend.state.knowledge_search import SearchState

MODE_LABELS = {"hybrid": "Hybrid", "dense": "Dense", "bm25": "BM25"}
MODE_HINT = "Dense ranks by meaning, BM25 by keywords; hybrid fuses both."


def _part(part: TextPart) -> rx.Component:
    return rx.cond(
        part.match,
        rx.el.mark(
            part.text,
            background_color=rx.color("amber", 4),
            color=rx.color("gray", 12),
            border_radius="3px",
            padding_x="1px",
        ),
        rx.text.span(part.text),
    )


def search_hit(hit: SearchHitRow, index: rx.Var[int]) -> rx.Component:
    """One result: rank, file, page and score, then the snippet with the words highlighted."""
    return rx.box(
        rx.hstack(
            rx.text((index + 1).to_string() + ".", size="2", color_scheme="gray"),
            rx.button(
                rx.icon("file-text", size=14),
                hit.name,
                variant="ghost",
                size="2",
                title=hit.source,
                on_click=DocumentDetailState.open_document(hit.document_id),
                aria_label="Open " + hit.name,
                data_testid="search-hit-name",
            ),
            rx.cond(hit.page != "", rx.badge(hit.page, variant="soft", size="1")),
            rx.spacer(),
            rx.text("score " + hit.score, size="1", color_scheme="gray", data_testid="hit-score"),
            align="center",
            spacing="2",
            width="100%",
        ),
        rx.text(
            rx.foreach(hit.parts, _part),
            size="2",
            color=rx.color("gray", 11),
            margin_top="0.25rem",
            data_testid="search-snippet",
        ),
        padding="0.75rem",
        border_radius="8px",
        border=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        role="listitem",
        data_testid="search-hit",
    )


def search_form() -> rx.Component:
    """Query field, ranking mode and the Search button."""
    return rx.form(
        rx.flex(
            rx.input(
                rx.input.slot(rx.icon("search", size=14)),
                name="query",
                # Restores the last search when the page is opened again.
                default_value=SearchState.query,
                type="search",
                placeholder="Search your documents…",
                aria_label="Search query",
                flex="1",
                # Shrinks in a narrow window so the button keeps the card's padding.
                min_width="8rem",
                data_testid="search-input",
            ),
            rx.button(
                rx.cond(SearchState.searching, rx.spinner(size="1"), rx.icon("search", size=14)),
                "Search",
                type="submit",
                disabled=SearchState.searching,
                aria_busy=SearchState.searching,
                flex_shrink="0",
                data_testid="search-button",
            ),
            spacing="2",
            width="100%",
            flex_wrap="wrap",
        ),
        on_submit=SearchState.search,
        width="100%",
        aria_label="Search the knowledge base",
    )


def search_results() -> rx.Component:
    """Hits best first, or why there are none."""
    return rx.fragment(
        rx.cond(
            SearchState.error != "",
            inline_message(SearchState.error, "red", "circle-alert", "search-error"),
        ),
        rx.cond(
            SearchState.results,
            rx.vstack(
                rx.foreach(SearchState.results, search_hit),
                spacing="2",
                width="100%",
                role="list",
                aria_label="Search results",
                data_testid="search-results",
                custom_attrs={"data-mode": SearchState.mode},
            ),
            rx.cond(
                SearchState.searched & (SearchState.error == ""),
                rx.text(
                    "No passage matches that search.",
                    size="2",
                    color_scheme="gray",
                    data_testid="search-empty",
                ),
            ),
        ),
    )


def search_card() -> rx.Component:
    """Search over the indexed chunks with a choice of ranking."""
    return section_card(
        "Search",
        "search",
        search_form(),
        search_results(),
        testid="search-card",
        actions=rx.segmented_control.root(
            *(rx.segmented_control.item(MODE_LABELS[mode], value=mode) for mode in SEARCH_MODES),
            value=SearchState.mode,
            on_change=SearchState.set_mode,
            size="1",
            title=MODE_HINT,
            aria_label="Ranking mode",
            data_testid="search-mode",
        ),
    )
