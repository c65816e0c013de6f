"""The Agents page's pieces: engine cards, the recent runs table, a run's transcript."""

from __future__ import annotations

import reflex as rx

from frontend.components.knowledge_layout import section_card
from frontend.components.messages import assistant_markdown
from frontend.components.timeline import no_answer_marker, run_timeline
from frontend.components.transcript_dialog import run_transcript_dialog
from frontend.state.agents import AgentsState
from frontend.state.agents_models import EngineCard, RunRow


def _stat(label: str, value: rx.Var[str] | rx.Var[int], testid: str) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="2", weight="bold", white_space="nowrap", data_testid=testid),
        justify="between",
        align="baseline",
        spacing="2",
        width="100%",
    )


def engine_card(card: EngineCard) -> rx.Component:
    """One engine: idle or working, its runs, success rate and typical durations."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(card.label, size="3", weight="medium", as_="h3"),
                rx.spacer(),
                rx.badge(
                    rx.cond(card.state == "working", rx.spinner(size="1")),
                    card.state,
                    color_scheme=card.state_color,
                    variant="soft",
                    data_testid="engine-state",
                    custom_attrs={"data-state": card.state},
                ),
                align="center",
                width="100%",
            ),
            rx.text(card.hint, size="1", color_scheme="gray", min_height="2.4em"),
            rx.grid(
                _stat("Runs", card.runs, "engine-runs"),
                _stat("Success", card.success, "engine-success"),
                _stat("p50", card.p50, "engine-p50"),
                _stat("p95", card.p95, "engine-p95"),
                _stat("No answer", card.no_answer, "engine-no-answer"),
                columns="2",
                spacing_x="3",
                spacing_y="1",
                width="100%",
                padding_top="0.25rem",
                border_top=f"1px solid {rx.color('gray', 4)}",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="engine-card",
        custom_attrs={"data-engine": card.engine},
    )


def engines_grid() -> rx.Component:
    """A card per engine this build offers, and the queue length when runs are waiting."""
    return rx.vstack(
        rx.grid(
            rx.foreach(AgentsState.engines, engine_card),
            columns=rx.breakpoints(initial="1", sm="2", lg="4"),
            spacing="3",
            width="100%",
        ),
        rx.cond(
            AgentsState.queued > 0,
            rx.text(
                AgentsState.queue_note,
                size="2",
                color_scheme="amber",
                data_testid="queue-length",
            ),
        ),
        spacing="2",
        width="100%",
        data_testid="engines",
    )


def _status_badge(
    status: rx.Var[str], label: rx.Var[str], color: rx.Var[str], testid: str
) -> rx.Component:
    return rx.badge(
        label,
        color_scheme=color,
        variant="soft",
        data_testid=testid,
        custom_attrs={"data-status": status},
    )


def run_row(run: RunRow) -> rx.Component:
    """One run; clicking it opens its transcript."""
    return rx.table.row(
        rx.table.cell(rx.text(run.time, white_space="nowrap")),
        rx.table.cell(rx.code(run.engine, variant="ghost"), data_testid="run-engine-cell"),
        rx.table.cell(rx.text(run.mode, color_scheme="gray")),
        rx.table.cell(
            _status_badge(run.status, run.status_label, run.status_color, "run-status-cell")
        ),
        rx.table.cell(rx.text(run.duration, white_space="nowrap")),
        rx.table.cell(
            rx.link(
                run.excerpt,
                href="#",
                # The row's own click opens the transcript; the link makes it reachable by Tab.
                on_click=rx.prevent_default,
                color=rx.color("gray", 12),
                aria_label="Open the transcript of: " + run.excerpt,
                data_testid="run-prompt",
            ),
            max_width="28rem",
        ),
        on_click=AgentsState.open_run(run.run_id),
        cursor="pointer",
        _hover={"background_color": rx.color("gray", 3)},
        data_testid="run-row",
        custom_attrs={"data-run": run.run_id},
    )


def runs_card() -> rx.Component:
    """The latest runs, newest first."""
    header = rx.table.header(
        rx.table.row(
            *(
                rx.table.column_header_cell(name)
                for name in ("Time", "Engine", "Mode", "Status", "Duration", "Prompt")
            )
        )
    )
    return section_card(
        "Recent runs",
        "history",
        rx.cond(
            AgentsState.runs,
            rx.table.root(
                header,
                rx.table.body(rx.foreach(AgentsState.runs, run_row)),
                size="1",
                variant="ghost",
                width="100%",
            ),
            rx.text("No runs yet: ask something on the Chat page.", size="2", color_scheme="gray"),
        ),
        testid="runs",
    )


def _export_button(label: str, fmt: str) -> rx.Component:
    return rx.button(
        rx.icon("download", size=14),
        label,
        size="1",
        variant="soft",
        on_click=AgentsState.export_run(fmt),
        data_testid=f"export-run-{fmt}",
    )


def _transcript_body() -> rx.Component:
    run = AgentsState.run
    return rx.vstack(
        rx.flex(
            rx.text(run.time, size="2", color_scheme="gray"),
            rx.code(run.engine, variant="soft"),
            rx.text("mode " + run.mode, size="2", color_scheme="gray"),
            _status_badge(run.status, run.status_label, run.status_color, "transcript-status"),
            rx.text(run.duration, size="2", color_scheme="gray"),
            rx.spacer(),
            _export_button("Markdown", "md"),
            _export_button("JSON", "json"),
            spacing="3",
            align="center",
            wrap="wrap",
            width="100%",
        ),
        rx.box(
            rx.text("Prompt", size="1", weight="medium", color_scheme="gray"),
            rx.text(run.prompt, size="2", white_space="pre-wrap", data_testid="transcript-prompt"),
            width="100%",
        ),
        rx.cond(
            AgentsState.transcript_loading,
            rx.center(rx.spinner(size="3"), padding="1.5rem", width="100%"),
            run_timeline(AgentsState.timeline, True, "transcript-timeline"),
        ),
        no_answer_marker(AgentsState.timeline),
        rx.cond(
            AgentsState.timeline.answer != "",
            rx.box(
                rx.text("Answer", size="1", weight="medium", color_scheme="gray"),
                assistant_markdown(text=AgentsState.timeline.answer),
                width="100%",
                style={"& > div > :first-child": {"margin_top": "0.25rem"}},
                data_testid="transcript-answer",
            ),
        ),
        rx.cond(
            AgentsState.transcript_error != "",
            rx.text(AgentsState.transcript_error, size="2", color_scheme="red", role="alert"),
        ),
        rx.cond(
            (AgentsState.timeline.message != "") & (AgentsState.timeline.status == "error"),
            rx.text(AgentsState.timeline.message, size="2", color_scheme="red"),
        ),
        spacing="3",
        width="100%",
    )


def transcript_dialog() -> rx.Component:
    """A run's whole story: prompt, steps, answer, and its export links."""
    return run_transcript_dialog(
        _transcript_body(),
        is_open=AgentsState.run_id != "",
        on_open_change=AgentsState.set_transcript_open,
        testid="run-transcript",
    )
