"""The step timeline of a run: route, lookups, thoughts, agent messages, tools, code, endings.

Shared by the chat (under each answer) and the Agents page (a run's transcript).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from frontend.state.run_timeline import RunTimeline, TimelineItem

MONOSPACE = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace"
# A <details> marker is drawn by the icon in the summary line instead.
_NO_MARKER = {"list_style": "none", "&::-webkit-details-marker": {"display": "none"}}


def _kind_icon(kind: rx.Var[str]) -> rx.Component:
    # Icon names must be literal strings, so each kind is matched to its own icon.
    def icon(name: str, color: str = "gray") -> rx.Component:
        return rx.icon(name, size=14, color=rx.color(color, 10), flex_shrink="0")

    return rx.match(
        kind,
        ("route", icon("route", "accent")),
        ("retrieval", icon("library", "accent")),
        ("thought", icon("lightbulb", "amber")),
        ("message", icon("message-square")),
        ("tool", icon("wrench", "blue")),
        ("code", icon("code", "blue")),
        ("fallback", icon("undo-2", "orange")),
        ("queue", icon("hourglass")),
        ("stopped", icon("circle-stop", "amber")),
        ("answer_check", icon("list-checks", "orange")),
        ("no_answer", icon("circle-help", "orange")),
        ("error", icon("circle-alert", "red")),
        icon("dot"),
    )


def monospace_block(
    text: str | rx.Var[str], testid: str, color: str = "gray", label: str = ""
) -> rx.Component:
    """Code or program output, kept as written and scrollable when wide or long."""
    return rx.vstack(
        *([rx.text(label, size="1", weight="medium", color_scheme="gray")] if label else []),
        rx.el.pre(
            text,
            font_family=MONOSPACE,
            font_size="12px",
            line_height="1.45",
            white_space="pre-wrap",
            overflow_wrap="anywhere",
            max_height="16rem",
            overflow_y="auto",
            margin="0",
            padding="0.5rem 0.65rem",
            width="100%",
            border_radius="6px",
            background_color=rx.color(color, 2),
            border=f"1px solid {rx.color(color, 5)}",
            color=rx.color(color, 12),
            data_testid=testid,
        ),
        spacing="1",
        width="100%",
    )


def agent_badge(item: TimelineItem) -> rx.Component:
    """The team agent who wrote a step, in its own colour."""
    return rx.cond(
        item.agent != "",
        rx.badge(
            item.agent,
            color_scheme=item.agent_color,
            variant="soft",
            size="1",
            data_testid="agent-badge",
            custom_attrs={"data-agent": item.agent},
        ),
    )


def _tool_state(item: TimelineItem) -> rx.Component:
    return rx.match(
        item.state,
        ("running", rx.hstack(rx.spinner(size="1"), rx.text("running", size="1"), spacing="1")),
        ("failed", rx.badge("failed", color_scheme="red", variant="soft", size="1")),
        rx.badge("done", color_scheme="green", variant="soft", size="1"),
    )


def tool_call(item: TimelineItem) -> rx.Component:
    """A tool call, folded: name, state and duration; unfolded: arguments and result."""
    return rx.el.details(
        rx.el.summary(
            _step_line(
                item,
                rx.code(item.tool, variant="ghost", size="2", weight="medium"),
                _tool_state(item),
                rx.cond(item.duration != "", rx.text(item.duration, size="1", color_scheme="gray")),
                end=rx.icon("chevrons-up-down", size=12, color=rx.color("gray", 9)),
            ),
            cursor="pointer",
            style=_NO_MARKER,
            aria_label="Tool call " + item.tool,
        ),
        rx.vstack(
            rx.cond(
                item.arguments != "",
                monospace_block(item.arguments, "tool-arguments", label="Arguments"),
            ),
            rx.cond(
                item.error != "",
                monospace_block(item.error, "tool-error", "red", "Error"),
                rx.cond(
                    item.state != "running",
                    monospace_block(item.result, "tool-result", label="Result"),
                ),
            ),
            spacing="2",
            width="100%",
            padding_top="0.5rem",
        ),
        width="100%",
        data_testid="tool-call",
        custom_attrs={"data-tool": item.tool, "data-state": item.state},
    )


def _step_line(
    item: TimelineItem, *middle: rx.Component, end: rx.Component | None = None
) -> rx.Component:
    """A step's first line: its kind's icon, the agent who wrote it, ``middle``, and at the
    right its time (then ``end``)."""
    return rx.hstack(
        _kind_icon(item.kind),
        agent_badge(item),
        *middle,
        rx.spacer(),
        rx.text(item.at, size="1", color_scheme="gray", white_space="nowrap"),
        *([end] if end is not None else []),
        align="center",
        spacing="2",
        width="100%",
    )


def _step_body(item: TimelineItem) -> rx.Component:
    return rx.fragment(
        rx.cond(
            item.text != "",
            rx.text(
                item.text,
                size="2",
                color=rx.color("gray", 11),
                white_space="pre-wrap",
                overflow_wrap="anywhere",
                data_testid="step-text",
            ),
        ),
        rx.cond(
            item.sources.length() > 0,
            rx.flex(
                rx.foreach(
                    item.sources,
                    lambda name: rx.badge(
                        rx.icon("file-text", size=11), name, variant="surface", color_scheme="gray"
                    ),
                ),
                wrap="wrap",
                spacing="1",
            ),
        ),
        rx.cond(item.code != "", monospace_block(item.code, "step-code", label="Code")),
        rx.cond(item.output != "", monospace_block(item.output, "step-output", label="Output")),
        rx.cond(
            (item.error != "") & (item.kind != "tool"),
            monospace_block(item.error, "step-error", "red", "Error"),
        ),
    )


def timeline_item(item: TimelineItem) -> rx.Component:
    """One step on the line; tool calls fold their details away."""
    return rx.box(
        rx.cond(
            item.kind == "tool",
            tool_call(item),
            rx.vstack(
                _step_line(
                    item, rx.text(item.title, size="2", weight="medium", color=rx.color("gray", 12))
                ),
                _step_body(item),
                spacing="1",
                width="100%",
            ),
        ),
        width="100%",
        padding="0.4rem 0.6rem",
        border_radius="8px",
        background_color=rx.cond(item.agent != "", rx.color(item.agent_color, 2), "transparent"),
        role="listitem",
        data_testid="timeline-item",
        custom_attrs={"data-kind": item.kind},
    )


def _summary(timeline: RunTimeline) -> rx.Component:
    count = timeline.steps.length()
    return rx.el.summary(
        rx.hstack(
            rx.icon("list-tree", size=14, color=rx.color("gray", 10)),
            rx.text("Steps", size="1", weight="medium", color_scheme="gray"),
            rx.badge(count.to_string(), variant="soft", color_scheme="gray", size="1"),
            rx.cond(
                timeline.engine != "",
                rx.badge(
                    timeline.engine,
                    variant="outline",
                    color_scheme="gray",
                    size="1",
                    data_testid="run-engine",
                ),
            ),
            rx.badge(
                rx.cond(timeline.status == "running", rx.spinner(size="1")),
                timeline.status_label,
                color_scheme=timeline.status_color,
                variant="soft",
                size="1",
                data_testid="run-status",
                custom_attrs={"data-status": timeline.status},
            ),
            rx.cond(timeline.usage != "", rx.text(timeline.usage, size="1", color_scheme="gray")),
            rx.icon("chevrons-up-down", size=12, color=rx.color("gray", 9)),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        cursor="pointer",
        style=_NO_MARKER,
        aria_label="Steps of this answer",
    )


def run_timeline(
    timeline: RunTimeline, is_open: bool | rx.Var[bool] = False, testid: str = "timeline"
) -> rx.Component:
    """A run's steps under a one-line summary (engine, status, usage) that folds them away."""
    return rx.el.details(
        _summary(timeline),
        rx.vstack(
            rx.foreach(timeline.steps, timeline_item),
            spacing="1",
            width="100%",
            padding_top="0.4rem",
            role="list",
            aria_label="Steps",
        ),
        open=is_open,
        width="100%",
        # Folded, the summary line is all there is: no need for a full-width empty box.
        style={"&:not([open])": {"width": "fit-content", "max_width": "100%"}},
        padding="0.4rem 0.6rem",
        border_radius="10px",
        border=f"1px solid {rx.color('gray', 4)}",
        background_color=rx.color("gray", 1),
        data_testid=testid,
        custom_attrs={"data-status": timeline.status, "data-run": timeline.run_id},
    )


def _ending(badge: tuple[str, str, str], message: rx.Component, **props: Any) -> rx.Component:
    """How a run ended without a full answer: a badge (icon, label, colour), then why."""
    icon, label, color = badge
    shown = rx.badge(rx.icon(icon, size=12), label, color_scheme=color, variant="soft")
    return rx.hstack(shown, message, align="center", spacing="2", **props)


def stopped_marker(timeline: RunTimeline) -> rx.Component:
    """Under an answer that was cut short: that it stopped, and why."""
    message = rx.text(timeline.message, size="1", color_scheme="gray")
    badge = ("circle-stop", "Stopped", "amber")
    ending = _ending(badge, message, data_testid="stopped-marker")
    return rx.cond(timeline.status == "stopped", ending)


def no_answer_marker(timeline: RunTimeline) -> rx.Component:
    """Where an answer would be: that there is none, and why (the check that refused it)."""
    message = rx.text(timeline.message, size="2", color_scheme="orange")
    badge = ("circle-help", "No answer", "orange")
    return rx.cond(
        timeline.status == "no_answer",
        _ending(badge, message, wrap="wrap", data_testid="no-answer-marker", role="status"),
    )
