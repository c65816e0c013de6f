"""Citation markers in an answer: a small numbered button per ``[n]`` that shows the passage
it stands for on hover or focus, and on click scrolls to that source's chip and lights it up.

The answer's Markdown carries each marker as a link (see frontend/state/citations.py); the
Markdown component map below runs in the browser, where the link's ``props`` are all it has.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var
from reflex.vars.function import FunctionStringVar

from frontend.state.citations import CITATION_HREF, SEPARATOR

# How long a chip stays lit after its marker is clicked.
HIGHLIGHT_MS = 2500

_HREF = Var(_js_expr="(props.href ?? '')").to(str)
_TITLE = Var(_js_expr="(props.title ?? '')").to(str)

# Scroll the chip into view and light it for a moment; the marker keeps focus, so its card stays.
_SHOW_CHIP = FunctionStringVar.create(
    "((_e) => { const chip = document.getElementById("
    f"(props.href || '').slice({len(CITATION_HREF)}));"
    " if (!chip) return;"
    " chip.scrollIntoView({block: 'nearest', behavior: 'smooth'});"
    " chip.dataset.highlight = 'on';"
    " clearTimeout(chip._unlight);"
    f" chip._unlight = setTimeout(() => {{ delete chip.dataset.highlight; }}, {HIGHLIGHT_MS}); }})"
)


def _preview(title: Var[str]) -> rx.Component:
    """Document and page on the first line, the passage under it."""
    lines = title.to(str).split(SEPARATOR)
    snippet = lines[1].to(str)
    return rx.vstack(
        rx.hstack(
            rx.icon("file-text", size=14, color=rx.color("accent", 10)),
            rx.text(lines[0].to(str), size="2", weight="bold", trim="both"),
            align="center",
            spacing="2",
        ),
        rx.text(
            rx.cond(snippet != "", snippet, "No preview available."),
            size="2",
            color=rx.color("gray", 12),
            max_height="12rem",
            overflow_y="auto",
        ),
        rx.text("Click the number to find its source below.", size="1", color_scheme="gray"),
        spacing="2",
        width="100%",
    )


def citation_marker(number: Var[str] | str, title: Var[str]) -> rx.Component:
    """One ``[n]``: a numbered button with the passage in a hover card."""
    return rx.hover_card.root(
        rx.hover_card.trigger(
            # The span keeps the trigger inline; the click is the button's own.
            rx.el.span(
                rx.el.button(
                    number,
                    type="button",
                    on_click=_SHOW_CHIP,
                    aria_label="Source " + _TITLE.split(SEPARATOR)[0].to(str),
                    data_testid="citation",
                    custom_attrs={"data-target": _HREF},
                    style={
                        "font_size": "0.72em",
                        "font_weight": "600",
                        "line_height": "1",
                        "vertical_align": "super",
                        "padding": "0.12em 0.38em",
                        "margin_left": "0.12em",
                        "border_radius": "999px",
                        "border": "none",
                        "cursor": "pointer",
                        "color": rx.color("accent", 11),
                        "background_color": rx.color("accent", 4),
                        "&:hover, &:focus-visible": {"background_color": rx.color("accent", 6)},
                    },
                ),
            ),
        ),
        rx.hover_card.content(
            _preview(_TITLE),
            side="top",
            align="start",
            width="24rem",
            max_width="90vw",
            data_testid="citation-preview",
        ),
        open_delay=150,
    )


def markdown_link(text: Var[str], **_: object) -> rx.Component:
    """The chat's Markdown links: citation markers for ``#cite-`` links, links otherwise."""
    return rx.cond(
        _HREF.startswith(CITATION_HREF),
        citation_marker(text, _TITLE),
        rx.link(text, href=_HREF, title=_TITLE),
    )
