"""Source chips under a chat answer: the passages it drew on, each a link to its document."""

from __future__ import annotations

import reflex as rx

from frontend.state.knowledge_models import ChatSource


def _source_card(source: ChatSource) -> rx.Component:
    """What hovering a chip shows: where the passage comes from and the passage itself."""
    return rx.vstack(
        rx.hstack(
            rx.icon("file-text", size=14, color=rx.color("accent", 10)),
            rx.text(source.name, size="2", weight="bold", trim="both"),
            rx.cond(source.page != "", rx.badge(source.page, variant="soft", size="1")),
            rx.spacer(),
            rx.cond(
                source.score != "",
                rx.text("score " + source.score, size="1", color_scheme="gray"),
            ),
            align="center",
            spacing="2",
            width="100%",
        ),
        rx.text(source.path, size="1", color_scheme="gray", overflow_wrap="anywhere"),
        rx.text(
            rx.cond(source.snippet != "", source.snippet, "No preview available."),
            size="2",
            color=rx.color("gray", 12),
            white_space="pre-wrap",
            max_height="12rem",
            overflow_y="auto",
        ),
        rx.text("Click the chip to open the document.", size="1", color_scheme="gray"),
        spacing="2",
        width="100%",
    )


def source_chip(source: ChatSource) -> rx.Component:
    """A small link with the file name and page; the snippet shows on hover."""
    return rx.hover_card.root(
        rx.hover_card.trigger(
            rx.link(
                rx.hstack(
                    rx.icon("file-text", size=12, flex_shrink="0"),
                    rx.text(
                        source.name,
                        size="1",
                        weight="medium",
                        max_width="14rem",
                        white_space="nowrap",
                        overflow="hidden",
                        text_overflow="ellipsis",
                    ),
                    rx.cond(
                        source.pages != "",
                        rx.text(
                            source.pages,
                            size="1",
                            color_scheme="gray",
                            white_space="nowrap",
                            data_testid="source-pages",
                        ),
                        rx.cond(
                            source.page != "",
                            rx.text(
                                source.page, size="1", color_scheme="gray", white_space="nowrap"
                            ),
                        ),
                    ),
                    rx.cond(
                        source.passages != "",
                        rx.text(
                            source.passages,
                            size="1",
                            color_scheme="gray",
                            white_space="nowrap",
                            data_testid="source-passages",
                        ),
                    ),
                    align="center",
                    spacing="1",
                ),
                href=source.href,
                underline="none",
                padding_x="0.55rem",
                padding_y="0.2rem",
                border_radius="999px",
                border=f"1px solid {rx.color('gray', 6)}",
                background_color=rx.color("gray", 2),
                color=rx.color("gray", 12),
                _hover={"background_color": rx.color("accent", 3)},
                # Lit for a moment when a [n] marker in the answer points here.
                style={
                    "transition": "box-shadow 0.2s, background-color 0.2s",
                    "&[data-highlight='on']": {
                        "background_color": rx.color("accent", 4),
                        "box_shadow": f"0 0 0 2px {rx.color('accent', 8)}",
                    },
                },
                id=source.anchor,
                aria_label="Open source " + source.name + " " + source.page,
                data_testid="source-chip",
            ),
        ),
        rx.hover_card.content(
            _source_card(source),
            side="top",
            align="start",
            width="26rem",
            max_width="90vw",
            data_testid="source-preview",
        ),
        open_delay=250,
    )


def source_chips(sources: list[ChatSource] | rx.Var[list[ChatSource]]) -> rx.Component:
    """All sources of one answer in a wrapping row, labelled for screen readers."""
    return rx.hstack(
        rx.text("Sources", size="1", color_scheme="gray", weight="medium"),
        rx.foreach(sources, source_chip),
        align="center",
        spacing="2",
        flex_wrap="wrap",
        padding_top="0.35rem",
        role="list",
        aria_label="Sources",
        data_testid="sources",
    )
