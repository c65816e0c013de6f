"""list_files, read_file and write_file through the registry, in a real temp data dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.tools.files import MAX_READ_BYTES, MAX_WRITE_BYTES, read_file
from agents.tools.registry import ToolContext, ToolError, ToolRegistry
from agents.tools.workspace import FileRoots
from backend.config import Settings
from backend.storage.db import Database
from backend.storage.models import WatchedFolder


def test_empty_workspace_is_listed_without_being_created(
    registry: ToolRegistry, context: ToolContext, tool_settings: Settings
) -> None:
    listing = registry.call("list_files", {}, context)
    assert listing.splitlines() == ["Files in the workspace (.):", "(empty)"]
    assert not tool_settings.workspace_dir.exists()


def test_write_then_list_and_read(
    registry: ToolRegistry, context: ToolContext, tool_settings: Settings
) -> None:
    answer = registry.call(
        "write_file", {"path": "notes/plan.txt", "content": "step one\nstep two\n"}, context
    )
    assert answer == "Created notes/plan.txt in the workspace (18 characters)."
    written = tool_settings.workspace_dir / "notes" / "plan.txt"
    assert written.read_text(encoding="utf-8") == "step one\nstep two\n"
    (tool_settings.workspace_dir / "big.csv").write_text("x" * 2048)

    assert registry.call("list_files", {"path": "."}, context).splitlines() == [
        "Files in the workspace (.):",
        "notes/",
        "big.csv (2.0 KB)",
    ]
    assert registry.call("list_files", {"path": "notes"}, context).splitlines() == [
        "Files in notes:",
        "plan.txt (18 bytes)",
    ]
    assert registry.call("read_file", {"path": "notes/plan.txt"}, context) == (
        "step one\nstep two\n"
    )
    again = registry.call("write_file", {"path": "notes/plan.txt", "content": "done"}, context)
    assert again.startswith("Replaced notes/plan.txt")
    assert written.read_text(encoding="utf-8") == "done"
    assert [p.name for p in written.parent.iterdir()] == ["plan.txt"], "no temp file left"


def test_watched_folders_are_listed_and_readable(
    registry: ToolRegistry, context: ToolContext, db: Database, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ideas.md").write_text("# Ideas\nfly\n", encoding="utf-8")
    with db.session() as session:
        session.add(WatchedFolder(path=str(docs.resolve())))

    listing = registry.call("list_files", {}, context)
    assert listing.splitlines()[-2:] == [
        "Knowledge folders (read only; use the full path):",
        str(docs.resolve()),
    ]
    inside = registry.call("list_files", {"path": str(docs)}, context)
    assert inside.splitlines() == [f"Files in {docs.resolve()}:", "ideas.md (12 bytes)"]
    assert registry.call("read_file", {"path": str(docs / "ideas.md")}, context) == (
        "# Ideas\nfly\n"
    )
    with pytest.raises(ToolError, match="absolute path"):
        registry.call("write_file", {"path": str(docs / "new.md"), "content": "x"}, context)
    assert not (docs / "new.md").exists()


@pytest.mark.parametrize("path", ["../escape.txt", "a/../../escape.txt", "/tmp/escape.txt"])
def test_write_refuses_to_leave_the_workspace(
    registry: ToolRegistry, context: ToolContext, tool_settings: Settings, path: str
) -> None:
    with pytest.raises(ToolError, match=r"outside the workspace|absolute path"):
        registry.call("write_file", {"path": path, "content": "gotcha"}, context)
    assert not (tool_settings.data_dir / "escape.txt").exists()


def test_write_refuses_a_link_out_of_the_workspace(
    registry: ToolRegistry, context: ToolContext, tool_settings: Settings, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    tool_settings.workspace_dir.mkdir(parents=True)
    (tool_settings.workspace_dir / "door").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ToolError, match="link that leads outside"):
        registry.call("write_file", {"path": "door/x.txt", "content": "gotcha"}, context)
    with pytest.raises(ToolError, match="link that leads outside"):
        registry.call("list_files", {"path": "door"}, context)
    assert list(outside.iterdir()) == []


def test_write_limits(
    registry: ToolRegistry, context: ToolContext, tool_settings: Settings
) -> None:
    with pytest.raises(ToolError, match="too large"):
        registry.call(
            "write_file", {"path": "a.txt", "content": "x" * (MAX_WRITE_BYTES + 1)}, context
        )
    with pytest.raises(ToolError, match="needs a file name"):
        registry.call("write_file", {"path": ".", "content": "x"}, context)
    registry.call("write_file", {"path": "folder/inner.txt", "content": "x"}, context)
    with pytest.raises(ToolError, match="is a folder"):
        registry.call("write_file", {"path": "folder", "content": "x"}, context)
    with pytest.raises(ToolError, match="cannot write"):
        registry.call(
            "write_file", {"path": "folder/inner.txt/deeper.txt", "content": "x"}, context
        )
    assert not (tool_settings.workspace_dir / "a.txt").exists()


def test_read_file_text_only_with_limits(
    registry: ToolRegistry, context: ToolContext, tool_settings: Settings
) -> None:
    workspace = tool_settings.workspace_dir
    workspace.mkdir(parents=True)
    (workspace / "latin1.txt").write_bytes(b"caf\xe9 au lait")
    (workspace / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (workspace / "empty.txt").write_bytes(b"")
    (workspace / "huge.log").write_bytes(b"line\n" * (MAX_READ_BYTES // 5 + 1000))

    assert registry.call("read_file", {"path": "latin1.txt"}, context) == "caf\ufffd au lait"
    assert registry.call("read_file", {"path": "empty.txt"}, context) == "'empty.txt' is empty."
    with pytest.raises(ToolError, match="not a text file"):
        registry.call("read_file", {"path": "image.png"}, context)
    with pytest.raises(ToolError, match="does not exist"):
        registry.call("read_file", {"path": "missing.txt"}, context)
    with pytest.raises(ToolError, match="is a folder"):
        registry.call("read_file", {"path": "."}, context)
    with pytest.raises(ToolError, match="outside the folders you may read"):
        registry.call("read_file", {"path": "/etc/hostname"}, context)
    huge = registry.call("read_file", {"path": "huge.log"}, context)
    assert huge.startswith("line\nline\n")
    assert huge.endswith("more characters not shown]"), "the registry clips long results"


def test_huge_file_says_only_the_first_part_is_read(tool_settings: Settings) -> None:
    from agents.tools import files
    from agents.tools.workspace import FileRoots

    tool_settings.workspace_dir.mkdir(parents=True)
    (tool_settings.workspace_dir / "huge.log").write_bytes(b"y" * (MAX_READ_BYTES + 10))
    text = files.read_file(FileRoots(tool_settings.workspace_dir), "huge.log")
    assert text.startswith("y" * MAX_READ_BYTES + "\n[... the file is ")
    assert text.endswith("only the first part is shown]")


def test_listing_is_capped(
    registry: ToolRegistry, context: ToolContext, tool_settings: Settings
) -> None:
    workspace = tool_settings.workspace_dir
    workspace.mkdir(parents=True)
    for i in range(205):
        (workspace / f"f{i:03}.txt").write_text("x")
    lines = registry.call("list_files", {}, context).splitlines()
    assert lines[1] == "f000.txt (1 byte)"
    assert lines[-1] == "... and 5 more"
    assert len(lines) == 1 + 200 + 1


def test_a_file_asked_in_the_wrong_folder_is_read_when_its_name_is_unique(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    (workspace / "notes").mkdir(parents=True)
    (workspace / "todo.md").write_text("- buy milk\n- call Anna\n")
    roots = FileRoots(workspace, lambda: [])
    text = read_file(roots, "notes/todo.md")
    assert text.startswith("('notes/todo.md' does not exist; this is 'todo.md'")
    assert "- buy milk" in text
    # Two files of that name: no guess.
    (workspace / "notes" / "todo.md").write_text("other")
    with pytest.raises(ToolError, match="does not exist"):
        read_file(roots, "old/todo.md")
