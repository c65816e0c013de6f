"""Path confinement: relative paths stay in the workspace, reads may also reach the watched
knowledge folders, and nothing escapes through '..', absolute paths or symbolic links."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.tools.registry import ToolError
from agents.tools.workspace import FileRoots, resolve_inside


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "workspace"
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "a.txt").write_text("a")
    return folder


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (".", "."),
        ("", "."),
        ("notes/a.txt", "notes/a.txt"),
        ("./notes//a.txt", "notes/a.txt"),
        ("notes/../b.txt", "b.txt"),
        ("notes\\a.txt", "notes/a.txt"),
        ("new/deeper/file.md", "new/deeper/file.md"),
        ("~backup.txt", "~backup.txt"),
        # "my workspace folder", as a model passes it: the workspace itself.
        ("workspace", "."),
        ("Workspace/notes/a.txt", "notes/a.txt"),
    ],
)
def test_relative_paths_resolve_inside(root: Path, raw: str, expected: str) -> None:
    assert resolve_inside(root, raw) == (root.resolve() / expected).resolve()


def test_a_folder_named_workspace_inside_it_is_that_folder(root: Path) -> None:
    (root / "workspace").mkdir()
    assert resolve_inside(root, "workspace/x.txt") == root.resolve() / "workspace" / "x.txt"


@pytest.mark.parametrize("raw", ["..", "../x.txt", "notes/../../x.txt", "..\\x.txt", "a/../.."])
def test_dot_dot_may_not_climb_out(root: Path, raw: str) -> None:
    with pytest.raises(ToolError, match="outside the workspace"):
        resolve_inside(root, raw)


@pytest.mark.parametrize("raw", ["/etc/passwd", "\\windows\\x", "C:\\x.txt", "c:x", "~/x", "~"])
def test_absolute_paths_are_refused(root: Path, raw: str) -> None:
    with pytest.raises(ToolError, match="absolute path"):
        resolve_inside(root, raw)


def test_nul_and_overlong_paths_are_refused(root: Path) -> None:
    with pytest.raises(ToolError, match="NUL"):
        resolve_inside(root, "a\x00b")
    with pytest.raises(ToolError, match="too long"):
        resolve_inside(root, "a/" * 600)


def test_symlink_leading_out_is_refused(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secrets"
    outside.mkdir()
    (outside / "key.txt").write_text("secret")
    (root / "door").symlink_to(outside, target_is_directory=True)
    (root / "key-link.txt").symlink_to(outside / "key.txt")
    for raw in ("door", "door/key.txt", "door/new.txt", "key-link.txt"):
        with pytest.raises(ToolError, match="link that leads outside"):
            resolve_inside(root, raw)


def test_symlink_inside_the_workspace_is_fine(root: Path) -> None:
    (root / "shortcut").symlink_to(root / "notes", target_is_directory=True)
    assert resolve_inside(root, "shortcut/a.txt") == (root / "notes" / "a.txt").resolve()


def test_resolving_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "not-yet"
    assert resolve_inside(missing, "x/y/z.txt") == missing.resolve() / "x" / "y" / "z.txt"
    assert not missing.exists()


def test_reads_reach_watched_folders_only_by_absolute_path(root: Path, tmp_path: Path) -> None:
    watched = tmp_path / "docs"
    watched.mkdir()
    (watched / "plan.md").write_text("plan")
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("no")
    roots = FileRoots(root, lambda: [watched])
    assert roots.roots == [root.resolve(), watched.resolve()]
    assert roots.for_reading(str(watched / "plan.md")) == (watched / "plan.md").resolve()
    assert roots.for_reading(str(root / "notes" / "a.txt")) == (root / "notes/a.txt").resolve()
    assert roots.for_reading("notes/a.txt") == (root / "notes" / "a.txt").resolve()
    with pytest.raises(ToolError, match="outside the folders you may read"):
        roots.for_reading(str(elsewhere))
    with pytest.raises(ToolError, match="outside the folders you may read"):
        roots.for_reading(str(watched / ".." / "elsewhere.txt"))
    with pytest.raises(ToolError, match="absolute path"):
        roots.for_writing(str(watched / "plan.md"))


def test_links_inside_a_watched_folder_must_stay_in_a_root(root: Path, tmp_path: Path) -> None:
    watched = tmp_path / "docs"
    watched.mkdir()
    outside = tmp_path / "private.txt"
    outside.write_text("private")
    (watched / "sneaky.txt").symlink_to(outside)
    roots = FileRoots(root, lambda: [watched])
    with pytest.raises(ToolError, match="outside the folders you may read"):
        roots.for_reading(str(watched / "sneaky.txt"))


def test_paths_are_shown_relative_to_the_workspace(root: Path, tmp_path: Path) -> None:
    roots = FileRoots(root)
    assert roots.shown(root.resolve()) == "."
    assert roots.shown(root.resolve() / "notes" / "a.txt") == "notes/a.txt"
    assert roots.shown(tmp_path.resolve() / "docs") == str(tmp_path.resolve() / "docs")
