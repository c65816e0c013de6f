"""Adding files by drag and drop or the file picker, and the live indexing progress."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar, Var

from frontend.components.knowledge_layout import inline_message, section_card
from frontend.state.knowledge import KnowledgeState

UPLOAD_ID = "knowledge-upload"
SUPPORTED = "PDF, DOCX, text, Markdown, reStructuredText, HTML, CSV, JSON and source code"


def rejected_names(rejected: ArrayVar[list[dict[str, Any]]]) -> Var[list[str]]:
    """The names of the files the drop zone refused, in the browser: the refusals hold the
    File objects themselves, which would be sent to the server whole otherwise."""

    def name(item: ObjectVar[dict[str, Any]]) -> Var[str]:
        file = item.to(ObjectVar, dict[str, dict[str, Any]])["file"]
        return file.to(ObjectVar, dict[str, Any])["name"].to(str)

    return rejected.to(ArrayVar, list[dict[str, Any]]).map(name)


def upload_zone() -> rx.Component:
    """A drop zone that also opens the file picker on click or Enter; several files at once."""
    return rx.upload(
        rx.vstack(
            rx.cond(
                KnowledgeState.uploading,
                rx.spinner(size="3"),
                rx.icon("cloud-upload", size=28, color=rx.color("accent", 10)),
            ),
            rx.cond(
                KnowledgeState.uploading,
                rx.text(
                    rx.cond(
                        KnowledgeState.upload_percent < 100,
                        f"Uploading… {KnowledgeState.upload_percent}%",
                        "Saving to the inbox…",
                    ),
                    size="2",
                    weight="medium",
                ),
                rx.text("Drop files here or click to choose", size="2", weight="medium"),
            ),
            rx.text(SUPPORTED, size="1", color_scheme="gray", text_align="center"),
            align="center",
            spacing="2",
        ),
        id=UPLOAD_ID,
        multiple=True,
        on_drop=KnowledgeState.handle_upload(
            rx.upload_files(upload_id=UPLOAD_ID, on_upload_progress=KnowledgeState.upload_progress)
        ),
        max_size=KnowledgeState.upload_max_bytes,
        on_drop_rejected=lambda rejected: KnowledgeState.upload_rejected(rejected_names(rejected)),
        disabled=KnowledgeState.uploading,
        padding="1.5rem",
        width="100%",
        border=f"2px dashed {rx.color('gray', 7)}",
        border_radius="12px",
        background_color=rx.color("gray", 2),
        cursor="pointer",
        _hover={"border_color": rx.color("accent", 8), "background_color": rx.color("accent", 2)},
        _focus_visible={"outline": f"2px solid {rx.color('accent', 8)}", "outline_offset": "2px"},
        drag_active_style={
            "border_color": rx.color("accent", 9),
            "background_color": rx.color("accent", 3),
        },
        role="button",
        aria_label="Upload documents: drop files here or press Enter to choose",
        data_testid="upload-zone",
    )


def upload_card() -> rx.Component:
    """The drop zone and what became of the last upload."""
    return section_card(
        "Add documents",
        "file-plus",
        upload_zone(),
        rx.cond(
            KnowledgeState.upload_error != "",
            inline_message(KnowledgeState.upload_error, "red", "circle-alert", "upload-error"),
        ),
        rx.cond(
            KnowledgeState.upload_message != "",
            inline_message(
                KnowledgeState.upload_message, "green", "circle-check", "upload-message"
            ),
        ),
        testid="upload-card",
    )


def _figure(value: rx.Var[str] | str, label: str, testid: str) -> rx.Component:
    return rx.vstack(
        rx.text(value, size="4", weight="bold", data_testid=testid),
        rx.text(label, size="1", color_scheme="gray"),
        spacing="0",
        min_width="6rem",
    )


def _busy() -> rx.Component:
    progress = KnowledgeState.progress
    return rx.vstack(
        rx.hstack(
            rx.spinner(size="2"),
            rx.text(
                rx.cond(progress.current != "", "Processing", "Waiting for the indexer…"),
                size="2",
                color_scheme="gray",
            ),
            rx.text(
                progress.current,
                size="2",
                weight="medium",
                title=progress.current_path,
                white_space="nowrap",
                overflow="hidden",
                text_overflow="ellipsis",
                min_width="0",
                data_testid="progress-current",
            ),
            rx.cond(progress.stage != "", rx.badge(progress.stage, variant="soft", size="1")),
            align="center",
            spacing="2",
            width="100%",
        ),
        rx.progress(
            value=progress.percent,
            max=100,
            size="3",
            width="100%",
            aria_label="Indexing progress",
            data_testid="progress-bar",
        ),
        rx.flex(
            _figure(f"{progress.done} / {progress.total}", "files", "progress-files"),
            _figure(progress.files_rate, "files/s", "progress-files-rate"),
            _figure(progress.chunks_rate, "chunks/s", "progress-chunks-rate"),
            _figure(progress.eta, "remaining", "progress-eta"),
            spacing="5",
            wrap="wrap",
        ),
        spacing="3",
        width="100%",
    )


def _idle() -> rx.Component:
    return rx.hstack(
        rx.icon("circle-check", size=18, color=rx.color("green", 10)),
        rx.text(
            "Idle: every document is processed. New files in watched folders are picked up "
            "within seconds.",
            size="2",
            color_scheme="gray",
        ),
        align="center",
        spacing="2",
    )


def progress_card() -> rx.Component:
    """Live indexing progress, from the status poll that runs while the page is open."""
    return section_card(
        "Indexing",
        "activity",
        rx.cond(KnowledgeState.progress.busy, _busy(), _idle()),
        testid="progress-card",
        actions=rx.badge(
            rx.cond(KnowledgeState.progress.busy, "working", "idle"),
            color_scheme=rx.cond(KnowledgeState.progress.busy, "amber", "green"),
            variant="soft",
            data_testid="progress-state",
        ),
    )
