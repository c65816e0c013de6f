"""The System page's pieces: figure tiles and live Plotly charts."""

from __future__ import annotations

import reflex as rx
from plotly.graph_objs import Figure

from frontend.components.knowledge_layout import section_card
from frontend.state.system import SystemState

# No mode bar: it links to plotly.com, and these charts only need hovering.
CHART_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}


def tile(
    label: str,
    value: rx.Var[str] | str,
    detail: rx.Var[str] | str,
    icon: str,
    testid: str,
    badge: rx.Component | None = None,
) -> rx.Component:
    """One figure: a label, a big value (or a badge), and a line of detail."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon(icon, size=15, color=rx.color("accent", 10)),
                rx.text(label, size="1", weight="medium", color_scheme="gray"),
                align="center",
                spacing="2",
            ),
            badge
            if badge is not None
            else rx.text(value, size="5", weight="bold", data_testid=f"{testid}-value"),
            rx.text(
                detail,
                size="1",
                color_scheme="gray",
                overflow="hidden",
                text_overflow="ellipsis",
                white_space="nowrap",
                max_width="100%",
                title=detail,
            ),
            spacing="1",
            min_width="0",
        ),
        data_testid=testid,
    )


def _model_badge() -> rx.Component:
    view = SystemState.view
    return rx.badge(
        view.model_state,
        color_scheme=view.model_color,
        variant="soft",
        size="3",
        data_testid="model-state",
        custom_attrs={"data-state": view.model_state},
    )


def tiles() -> rx.Component:
    """The latest sample at a glance."""
    view = SystemState.view
    return rx.grid(
        tile("CPU", view.cpu, "of all cores", "cpu", "tile-cpu"),
        tile("Memory", view.memory, view.memory_detail, "memory-stick", "tile-memory"),
        tile("AgentDesk", view.process, view.process_detail, "app-window", "tile-process"),
        tile(
            "Model server",
            view.model_server,
            view.model_server_detail,
            "server",
            "tile-model-server",
        ),
        tile("GPU", view.gpu, view.gpu_detail, "microchip", "tile-gpu"),
        tile(
            "Model",
            "",
            rx.cond(view.model_detail != "", view.model_detail, view.model_name),
            "brain",
            "tile-model",
            badge=_model_badge(),
        ),
        tile("Tokens/s", view.tokens_per_second, view.agents, "gauge", "tile-tokens"),
        tile("Index", view.index_documents, view.index_detail, "library", "tile-index"),
        tile("Ingest queue", view.queue, view.queue_detail, "inbox", "tile-queue"),
        # Nine tiles: three rows of three.
        columns=rx.breakpoints(initial="2", md="3"),
        spacing="3",
        width="100%",
        data_testid="system-tiles",
    )


def chart(title: str, icon: str, figure: rx.Var, testid: str) -> rx.Component:
    """A titled live chart; ``data-samples`` and ``data-last`` change when it moves."""
    return section_card(
        title,
        icon,
        rx.box(
            rx.plotly.basic(
                # Plain Plotly JSON from the state; the component's prop is typed as a Figure.
                data=figure.to(Figure),
                config=CHART_CONFIG,
                use_resize_handler=True,
                style={"width": "100%", "height": "220px"},
            ),
            width="100%",
            min_height="220px",
            data_testid=f"{testid}-plot",
            custom_attrs={
                "data-samples": SystemState.samples,
                "data-last": SystemState.last_sample,
            },
        ),
        testid=testid,
    )


def charts() -> rx.Component:
    """CPU, memory and GPU (when there is one) over the last minutes; agents and the knowledge
    base since the page opened."""
    return rx.grid(
        chart("CPU", "cpu", SystemState.cpu_chart, "chart-cpu"),
        chart("Memory", "memory-stick", SystemState.memory_chart, "chart-memory"),
        rx.cond(
            SystemState.view.gpu_available,
            chart("GPU", "microchip", SystemState.gpu_chart, "chart-gpu"),
        ),
        chart("Agents and model", "bot", SystemState.agents_chart, "chart-agents"),
        chart("Knowledge base", "library", SystemState.knowledge_chart, "chart-knowledge"),
        columns=rx.breakpoints(initial="1", lg="2"),
        spacing="4",
        width="100%",
        data_testid="system-charts",
    )
