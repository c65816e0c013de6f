"""/api/workspace: what the agents wrote, listed, previewed, downloaded and deleted, and never
a path outside the workspace."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from backend.config import Settings
from backend.llm.fake_server import FakeOpenAIServer
from backend.workspace_files import PREVIEW_BYTES


@pytest.fixture
def workspace(settings: Settings) -> Path:
    settings.workspace_dir.mkdir(parents=True, exist_ok=True)
    return settings.workspace_dir


def text_of(path: Path) -> str:
    return path.read_text()


def by_path(listing: dict[str, object]) -> dict[str, dict[str, object]]:
    return {entry["path"]: entry for entry in listing["entries"]}  # type: ignore[index,union-attr]


async def test_an_empty_workspace_lists_nothing(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/workspace")).json()
    assert body["entries"] == [] and body["files"] == 0 and body["bytes"] == 0


async def test_the_list_has_folders_sizes_and_times(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    (workspace / "notes").mkdir()
    (workspace / "notes" / "todo.txt").write_text("buy basalt\n")
    (workspace / "b.csv").write_bytes(b"a,b\n1,2\n")
    body = (await client.get("/api/workspace")).json()
    entries = by_path(body)
    # Folders first, then files; a file inside a folder follows it, one level deeper.
    assert [e["path"] for e in body["entries"]] == ["notes", "notes/todo.txt", "b.csv"]
    assert entries["notes"]["kind"] == "folder" and entries["notes"]["depth"] == 0
    assert entries["notes/todo.txt"]["depth"] == 1
    assert entries["notes/todo.txt"]["size"] == 11
    assert entries["notes"]["size"] == 11
    modified = datetime.fromisoformat(entries["b.csv"]["modified"])
    assert modified.timestamp() == pytest.approx((workspace / "b.csv").stat().st_mtime, abs=1)
    assert body["files"] == 2 and body["bytes"] == 19


async def test_a_file_an_agent_wrote_names_its_run(
    client: httpx.AsyncClient, fake: FakeOpenAIServer, workspace: Path
) -> None:
    write = {"name": "write_file", "arguments": {"path": "out/poem.txt", "content": "Hi"}}
    fake.set_rules(
        [
            {"match": "Write a poem", "tool_calls": [write], "times": 1},
            {"match": "Write a poem", "reply": "I wrote out/poem.txt."},
        ]
    )
    query = {"prompt": "Write a poem", "mode": "single", "use_knowledge": False}
    answer = (await client.post("/api/agent/query", json=query)).json()
    entries = by_path((await client.get("/api/workspace")).json())
    assert entries["out/poem.txt"]["run_id"] == answer["run_id"]
    assert entries["out/poem.txt"]["run_prompt"] == "Write a poem"
    assert entries["out"]["run_id"] is None


async def test_a_text_file_is_previewed_and_a_long_one_is_cut(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    (workspace / "a.md").write_text("# Title\nsome text\n")
    body = (await client.get("/api/workspace/preview", params={"path": "a.md"})).json()
    assert body["kind"] == "text" and body["text"] == "# Title\nsome text\n"
    assert body["notice"] == ""
    (workspace / "long.txt").write_text("x" * (PREVIEW_BYTES + 10))
    body = (await client.get("/api/workspace/preview", params={"path": "long.txt"})).json()
    assert body["kind"] == "text" and len(body["text"]) == PREVIEW_BYTES
    assert "first" in body["notice"] and body["truncated"] is True


async def test_a_binary_file_gets_a_notice_instead_of_text(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    (workspace / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    body = (await client.get("/api/workspace/preview", params={"path": "img.png"})).json()
    assert body["kind"] == "binary" and body["text"] == ""
    assert "download" in body["notice"].lower()


async def test_a_folder_is_not_previewed(client: httpx.AsyncClient, workspace: Path) -> None:
    (workspace / "sub").mkdir()
    response = await client.get("/api/workspace/preview", params={"path": "sub"})
    assert response.status_code == 400
    assert "folder" in response.json()["detail"]


async def test_download_is_an_attachment_with_the_bytes(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    (workspace / "report.csv").write_bytes(b"a,b\n1,2\n")
    response = await client.get("/api/workspace/download", params={"path": "report.csv"})
    assert response.status_code == 200
    assert response.content == b"a,b\n1,2\n"
    assert response.headers["content-disposition"].startswith("attachment")
    assert "report.csv" in response.headers["content-disposition"]


async def test_delete_moves_the_file_to_the_trash(
    client: httpx.AsyncClient, workspace: Path, settings: Settings
) -> None:
    (workspace / "old.txt").write_text("one")
    (settings.trash_dir).mkdir(parents=True, exist_ok=True)
    (settings.trash_dir / "old.txt").write_text("an earlier one")
    response = await client.delete("/api/workspace", params={"path": "old.txt"})
    assert response.status_code == 200, response.text
    assert not (workspace / "old.txt").exists()
    moved = Path(response.json()["trashed_to"])
    assert moved.parent == settings.trash_dir and text_of(moved) == "one"
    assert (settings.trash_dir / "old.txt").read_text() == "an earlier one"
    assert by_path((await client.get("/api/workspace")).json()) == {}


async def test_a_folder_is_deleted_with_what_is_in_it(
    client: httpx.AsyncClient, workspace: Path, settings: Settings
) -> None:
    (workspace / "drafts").mkdir()
    (workspace / "drafts" / "a.txt").write_text("a")
    response = await client.delete("/api/workspace", params={"path": "drafts"})
    assert response.status_code == 200
    assert not (workspace / "drafts").exists()
    assert (Path(response.json()["trashed_to"]) / "a.txt").read_text() == "a"


async def test_the_workspace_itself_cannot_be_deleted(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    (workspace / "kept.txt").write_text("kept")
    for root in (".", ""):
        response = await client.delete("/api/workspace", params={"path": root})
        assert response.status_code == 400
    assert text_of(workspace / "kept.txt") == "kept"


async def test_a_missing_file_is_404(client: httpx.AsyncClient, workspace: Path) -> None:
    for method, url in (
        ("GET", "/api/workspace/preview"),
        ("GET", "/api/workspace/download"),
        ("DELETE", "/api/workspace"),
    ):
        response = await client.request(method, url, params={"path": "nope.txt"})
        assert response.status_code == 404, (method, url)


ROUTES = (
    ("GET", "/api/workspace/preview"),
    ("GET", "/api/workspace/download"),
    ("DELETE", "/api/workspace"),
)


@pytest.mark.parametrize(
    "path", ["../secret.txt", "notes/../../secret.txt", "notes/..", "..\\secret.txt"]
)
async def test_dot_dot_is_refused(
    client: httpx.AsyncClient, workspace: Path, tmp_path: Path, path: str
) -> None:
    (workspace / "notes").mkdir()
    (workspace.parent / "secret.txt").write_text("secret")
    for method, url in ROUTES:
        response = await client.request(method, url, params={"path": path})
        assert response.status_code == 400, (method, url, response.text)
        assert "'..'" in response.json()["detail"]
    assert (workspace.parent / "secret.txt").exists()


@pytest.mark.parametrize("kind", ["posix", "windows", "home"])
async def test_an_absolute_path_is_refused(
    client: httpx.AsyncClient, workspace: Path, kind: str
) -> None:
    inside = workspace / "a.txt"
    inside.write_text("a")
    path = {"posix": str(inside), "windows": "C:\\a.txt", "home": "~/a.txt"}[kind]
    for method, url in ROUTES:
        response = await client.request(method, url, params={"path": path})
        assert response.status_code == 400, (method, url, response.text)
        assert "absolute" in response.json()["detail"]
    assert inside.exists()


async def test_a_link_leading_out_of_the_workspace_is_refused_and_not_listed(
    client: httpx.AsyncClient, workspace: Path
) -> None:
    outside = workspace.parent / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    os.symlink(outside / "secret.txt", workspace / "link.txt")
    os.symlink(outside, workspace / "linkdir")
    (workspace / "mine.txt").write_text("mine")
    os.symlink(workspace / "mine.txt", workspace / "alias.txt")
    for path in ("link.txt", "linkdir/secret.txt", "linkdir"):
        for method, url in ROUTES:
            response = await client.request(method, url, params={"path": path})
            assert response.status_code == 403, (method, url, path, response.text)
            assert "outside the workspace" in response.json()["detail"]
    assert (outside / "secret.txt").read_text() == "secret"
    listed = by_path((await client.get("/api/workspace")).json())
    assert set(listed) == {"mine.txt", "alias.txt"}
    # A link to a place inside the workspace is fine.
    body = (await client.get("/api/workspace/preview", params={"path": "alias.txt"})).json()
    assert body["text"] == "mine"
