"""Real records for the fuzz to hit: a run, a conversation, a task and its run, a document,
a watched folder. Random ids only ever find 404s; about half the generated cases get a real id
instead, so the routes behind the 404 are fuzzed too."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

TASK = {
    "name": "fuzz seed",
    "prompt": "Say hello",
    "mode": "chat",
    "trigger": {"type": "cron", "cron": "0 9 * * *", "timezone": "UTC"},
    # Paused, so the seed does not run by itself; the fuzz may still resume it.
    "enabled": False,
}


class Seeds:
    """Creates the records through the API and swaps their ids into generated cases."""

    def __init__(self, call: Callable[..., Any], watchable: Path) -> None:
        self.call = call
        self.watchable = watchable
        self.ids: dict[str, str] = {"model": "agentdesk-chat"}
        self.uploads = 0
        self._makers: dict[str, Callable[[], dict[str, str]]] = {
            "run_id": self._run,
            "conversation_id": self._run,
            "task_id": self._task,
            "entry_id": self._task,
            "document_id": self._document,
            "folder_id": self._folder,
        }

    def plant(self) -> None:
        """Create one of each record."""
        for maker in dict.fromkeys(self._makers.values()):
            self.ids.update(maker())

    def _ok(self, response: Any, *expected: int) -> Any:
        assert response.status_code in expected, (response.status_code, response.text)
        return response.json() if response.content else None

    def _run(self) -> dict[str, str]:
        body = self._ok(self.call("POST", "/api/agent/query", json={"prompt": "hi"}), 200)
        return {"run_id": body["run_id"], "conversation_id": body["conversation_id"]}

    def _task(self) -> dict[str, str]:
        task = self._ok(self.call("POST", "/api/tasks", json=TASK), 201)
        entry = self._ok(self.call("POST", f"/api/tasks/{task['id']}/run"), 202)
        return {"task_id": task["id"], "entry_id": str(entry["task_run"]["id"])}

    def _document(self) -> dict[str, str]:
        # New content each time: the same bytes again could be taken for a moved file.
        self.uploads += 1
        text = f"Herons nest on basalt cliffs ({self.uploads}).".encode()
        files = {"files": (f"seed-{self.uploads}.txt", text, "text/plain")}
        saved = self._ok(self.call("POST", "/api/knowledge/upload", files=files), 201)
        path = saved["files"][0]["path"]
        listed = self.call("GET", "/api/knowledge/documents", params={"q": Path(path).name})
        found = [d["id"] for d in self._ok(listed, 200)["documents"] if d["path"] == path]
        assert found, f"the uploaded {path} is not listed"
        return {"document_id": str(found[0])}

    def _folder(self) -> dict[str, str]:
        listed = self._ok(self.call("GET", "/api/knowledge/folders"), 200)["folders"]
        known = [f for f in listed if f["path"] == str(self.watchable.resolve())]
        if known:
            return {"folder_id": str(known[0]["id"])}
        added = self.call("POST", "/api/knowledge/folders", json={"path": str(self.watchable)})
        return {"folder_id": str(self._ok(added, 201)["id"])}

    def swap_in(self, case: Any) -> list[str]:
        """Give about half the cases real ids (decided by the generated value, so Hypothesis
        replays and shrinks the same way); the names swapped."""
        swapped = []
        for name, value in (case.path_parameters or {}).items():
            if name in self.ids and zlib.crc32(repr(value).encode()) % 2 == 0:
                case.path_parameters[name] = self.ids[name]
                swapped.append(name)
        return swapped

    def replant_after(self, case: Any, swapped: list[str], status: int) -> None:
        """A real record the case just deleted is made again, for the cases after it."""
        if case.method.upper() == "DELETE" and status == 204:
            for name in swapped:
                if name in self._makers:
                    self.ids.update(self._makers[name]())
