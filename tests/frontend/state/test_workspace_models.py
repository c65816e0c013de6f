"""Workspace rows and previews, built from /api/workspace payloads."""

from __future__ import annotations

from backend.api.schemas.workspace import WorkspaceEntry, WorkspaceListing, WorkspacePreview
from frontend.state.workspace_models import INDENT_REM, summary, to_preview, to_row


def _entry(**fields: object) -> WorkspaceEntry:
    base: dict[str, object] = {
        "path": "notes/todo.md",
        "name": "todo.md",
        "kind": "file",
        "depth": 1,
        "size": 1536,
        "modified": "2026-03-04T12:00:00+00:00",
        "run_id": None,
        "run_prompt": None,
    }
    return WorkspaceEntry.model_validate({**base, **fields})


def test_a_row_is_indented_by_its_depth_and_names_its_run() -> None:
    prompt = "Save the visitor figures for every city we visited this spring to a table please"
    row = to_row(_entry(depth=2, run_id="abc", run_prompt=prompt))
    assert row.indent == f"{2 * INDENT_REM:.2f}rem" and row.size == "1.5 KB"
    assert row.run_id == "abc" and row.written_by.endswith("…")
    assert prompt.startswith(row.written_by[:-1])
    assert to_row(_entry(depth=0)).indent == "0.00rem"
    assert to_row(_entry()).written_by == "" and not to_row(_entry()).is_folder
    assert to_row(_entry(kind="folder")).is_folder


def test_the_summary_counts_files_and_says_when_the_list_stops_short() -> None:
    listing = WorkspaceListing(root="/w", entries=[], files=1, bytes=10, truncated=False)
    assert summary(listing) == "1 file, 10 B"
    listing = WorkspaceListing(root="/w", entries=[], files=3, bytes=2048, truncated=True)
    assert summary(listing) == "3 files, 2.0 KB (the first ones only)"


def test_a_preview_keeps_the_notice_and_the_details() -> None:
    raw = WorkspacePreview(
        path="a.bin",
        size=2048,
        modified="2026-03-04T12:00:00+00:00",
        kind="binary",
        text="",
        truncated=False,
        notice="This is not a text file",
    )
    shown = to_preview(raw)
    assert shown.text == "" and shown.notice == "This is not a text file"
    assert shown.details.startswith("2.0 KB · modified ")
