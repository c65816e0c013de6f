"""The workspace's size and file-count limits and the per-run write cap: a run that writes in
a loop is stopped at its cap, and each refusal names the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.tools.builtin import default_registry
from agents.tools.files import MAX_WRITE_BYTES
from agents.tools.quota import MB, usage
from agents.tools.registry import ToolContext, ToolError, ToolRegistry
from backend.storage.db import Database
from tests.conftest import SettingsFactory

CHUNK = "x" * MAX_WRITE_BYTES  # the most one write may carry


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def limited(make_settings: SettingsFactory, db: Database) -> tuple[ToolRegistry, Path]:
    """Small limits: 3 MB per run, a 5 MB workspace of at most 8 files and folders."""
    settings = make_settings(run_write_max_mb=3, workspace_max_mb=5, workspace_max_files=8)
    return default_registry(settings, db), settings.workspace_dir


def test_a_run_writing_in_a_loop_stops_at_its_cap(
    limited: tuple[ToolRegistry, Path], context: ToolContext
) -> None:
    registry, workspace = limited
    refusals = []
    for n in range(10):
        try:
            registry.call("write_file", {"path": f"out/{n}.txt", "content": CHUNK}, context)
        except ToolError as refused:
            refusals.append(str(refused))
    # 3 MB = 3,145,728 bytes: three writes of 1,000,000 fit, the fourth does not.
    assert len(files_in(workspace)) == 3
    assert len(refusals) == 7
    assert "AGENTDESK_RUN_WRITE_MAX_MB" in refusals[0] and "3.0 MB" in refusals[0]
    assert context.writes.written == 3 * MAX_WRITE_BYTES
    # The run's other agents share its tally; the next run starts from zero.
    with pytest.raises(ToolError, match="AGENTDESK_RUN_WRITE_MAX_MB"):
        registry.call("write_file", {"path": "team.txt", "content": CHUNK}, context.for_agent("b"))
    registry.call("write_file", {"path": "next-run.txt", "content": CHUNK}, ToolContext())
    assert len(files_in(workspace)) == 4


def test_the_workspace_size_limit_counts_every_file_in_it(
    limited: tuple[ToolRegistry, Path],
) -> None:
    registry, workspace = limited
    workspace.mkdir(parents=True)
    # Put there by hand: 4.5 MB of the 5 MB.
    (workspace / "mine.bin").write_bytes(b"\0" * int(4.5 * MB))
    with pytest.raises(ToolError) as refused:
        registry.call("write_file", {"path": "big.txt", "content": CHUNK}, ToolContext())
    assert "AGENTDESK_WORKSPACE_MAX_MB" in str(refused.value)
    assert "workspace is full" in str(refused.value)
    assert not (workspace / "big.txt").exists()
    registry.call("write_file", {"path": "small.txt", "content": "x" * 100_000}, ToolContext())
    # Replacing a file with a smaller one frees room, so it is always allowed.
    registry.call("write_file", {"path": "small.txt", "content": "x"}, ToolContext())
    assert (workspace / "small.txt").read_text() == "x"


def test_the_workspace_file_limit_counts_new_folders_too(
    limited: tuple[ToolRegistry, Path],
) -> None:
    registry, workspace = limited
    context = ToolContext()
    registry.call("write_file", {"path": "a/b/c/one.txt", "content": "1"}, context)  # 4 entries
    for name in ("two", "three", "four", "five"):  # 8
        registry.call("write_file", {"path": f"{name}.txt", "content": "1"}, context)
    with pytest.raises(ToolError) as refused:
        registry.call("write_file", {"path": "six.txt", "content": "1"}, context)
    assert "AGENTDESK_WORKSPACE_MAX_FILES" in str(refused.value) and "8" in str(refused.value)
    with pytest.raises(ToolError, match="AGENTDESK_WORKSPACE_MAX_FILES"):
        registry.call("write_file", {"path": "a/new/deep.txt", "content": "1"}, context)
    registry.call("write_file", {"path": "five.txt", "content": "rewritten"}, context)
    assert usage(workspace, 100) == (len("1") * 4 + len("rewritten"), 8)


def test_the_model_cannot_hand_in_a_context_of_its_own(
    registry: ToolRegistry, context: ToolContext
) -> None:
    with pytest.raises(ToolError, match="unknown argument"):
        registry.call("write_file", {"path": "a.txt", "content": "x", "context": {}}, context)


def test_the_walk_stops_counting_past_the_limit(tmp_path: Path) -> None:
    for n in range(50):
        (tmp_path / f"{n}.txt").write_text("ab")
    assert usage(tmp_path, 1000) == (100, 50)
    assert usage(tmp_path, 10)[1] == 11
