"""The world the escape corpus runs in: a workspace with hostile links, the canaries that prove
nothing got out, the tools bound to them, and the table of what happened to each case."""

from __future__ import annotations

import asyncio
import decimal
import json
import os
import random
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from agents.engines.base import Limits, ModelEndpoint, RunContext
from agents.events import EventType
from agents.tools.audit import AuditLog
from agents.tools.builtin import default_registry
from agents.tools.registry import ToolContext, ToolRegistry
from backend.config import load_settings
from backend.llm.client import ChatClient
from backend.storage import migrate
from backend.storage.db import Database
from backend.storage.models import WatchedFolder

# What CONTAINED cases must leave as it was in the app.
APP_STATE: dict[str, Callable[[], Any]] = {
    "json encoder": lambda: json.JSONEncoder.item_separator,
    "random state": random.getstate,
    "decimal context": lambda: decimal.getcontext().prec,
}


@dataclass
class World:
    """The places and canaries of one corpus run, and the tools bound to its workspace."""

    root: Path
    secret: str = field(default_factory=lambda: f"CANARY-{secrets.token_hex(8)}")
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        data = self.root / "data"
        self.settings = load_settings(data_dir=data, llm_provider="fake", _env_file=None)
        self.workspace = self.settings.workspace_dir
        self.outside = data / "outside"
        self.canary = self.outside / "canary.txt"
        self.sentinel = self.outside / "sentinel.txt"
        self.docs = self.root / "docs"
        self._lay_out()
        self.canary_stat = self.canary.stat().st_mtime_ns
        migrate.upgrade(self.settings.database_path)
        self.db = Database(self.settings.database_path)
        with self.db.session() as session:
            session.add(WatchedFolder(path=str(self.docs.resolve())))
        self.registry: ToolRegistry = default_registry(self.settings, self.db)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.setblocking(False)
        self.port = int(self.listener.getsockname()[1])

    def _lay_out(self) -> None:
        for folder in (self.workspace / "notes", self.outside, self.docs):
            folder.mkdir(parents=True)
        self.canary.write_text(self.secret, encoding="utf-8")
        (self.docs / "link").symlink_to(self.canary)
        ws = self.workspace
        (ws / "notes" / "a.txt").write_text("a note", encoding="utf-8")
        (ws / "huge.txt").write_text("h" * 10_000_000, encoding="utf-8")
        (ws / "link_to_canary").symlink_to(self.canary)
        (ws / "link_to_outside").symlink_to(self.outside, target_is_directory=True)
        (ws / "link_to_sentinel").symlink_to(self.sentinel)
        (ws / "loop").symlink_to(ws / "loop")
        os.mkfifo(ws / "pipe")

    def fill(self, value: Any) -> Any:
        """``value`` with the placeholders of the corpus filled in (in strings, lists, dicts)."""
        if isinstance(value, str):
            for mark, real in (
                ("@CANARY@", self.canary),
                ("@SENTINEL@", self.sentinel),
                ("@OUTSIDE@", self.outside),
                ("@DOCS@", self.docs),
                ("@PORT@", self.port),
            ):
                value = value.replace(mark, str(real))
            return value
        if isinstance(value, list):
            return [self.fill(item) for item in value]
        if isinstance(value, dict):
            return {key: self.fill(item) for key, item in value.items()}
        return value

    def tool_context(self) -> ToolContext:
        """A run's tool context: calls audited in the database, events kept in ``events``."""
        return ToolContext(
            run_id="escape-run",
            agent="corpus",
            emit=lambda kind, data: self.events.append((kind, data)),
            audit=AuditLog(self.db),
        )

    def escapes(self, seen: str) -> list[str]:
        """Every way the last case got out: the canary shown or changed, the sentinel made,
        a connection to the canary socket. Empty when there were none."""
        found = []
        shown = seen + json.dumps(self.events, default=str)
        if self.secret in shown:
            found.append("the canary's content was shown")
        if self.canary.read_text(encoding="utf-8") != self.secret:
            found.append("the canary was changed")
        if self.canary.stat().st_mtime_ns != self.canary_stat:
            found.append("the canary was written")
        if self.sentinel.exists() or self.sentinel.is_symlink():
            found.append("the sentinel was created")
        try:
            connection, _ = self.listener.accept()
        except BlockingIOError:
            pass
        else:
            connection.close()
            found.append("something connected to the canary socket")
        return found

    def close(self) -> None:
        self.listener.close()
        self.db.dispose()


@dataclass
class Table:
    """What happened to each case: refused or not, the message the agent saw, the time it took."""

    rows: list[tuple[str, str, str, str, float]] = field(default_factory=list)

    def add(self, name: str, kind: str, refused: bool, message: str, seconds: float) -> None:
        line = " ".join(message.split())
        self.rows.append((name, kind, "yes" if refused else "no", line[:110], seconds))

    def markdown(self) -> str:
        lines = ["| case | kind | refused | message | time (s) |", "|---|---|---|---|---|"]
        for name, kind, refused, message, seconds in self.rows:
            cell = message.replace("|", "\\|")
            lines.append(f"| {name} | {kind} | {refused} | {cell} | {seconds:.2f} |")
        refusals = sum(row[2] == "yes" for row in self.rows)
        lines.append(f"\n{len(self.rows)} cases, {refusals} refused, 0 escapes")
        return "\n".join(lines)


@dataclass
class CodeRun:
    """A code run against the scripted fake model, with the world's tools, and its events."""

    context: RunContext
    events: list[tuple[str, dict[str, Any]]]

    def steps(self) -> list[dict[str, Any]]:
        return [data for kind, data in self.events if kind == "step" and data["kind"] == "code"]


def code_run(world: World, base_url: str, prompt: str, max_steps: int = 4) -> CodeRun:
    """A RunContext as the AgentManager makes one, for ``CodeEngine.run`` (call it in a loop)."""
    events: list[tuple[str, dict[str, Any]]] = []

    async def emit(type_: EventType, data: dict[str, Any], agent: str | None = None) -> None:
        events.append((type_, data))

    context = RunContext(
        run_id="escape-run",
        prompt=prompt,
        history=[],
        client=cast(ChatClient, None),  # the code engine talks to the endpoint
        emit=emit,
        max_tokens=300,
        temperature=0.0,
        endpoint=ModelEndpoint(base_url=base_url, api_key="", model="fake-model"),
        tools=world.registry,
        limits=Limits(max_steps=max_steps, max_seconds=60),
        loop=asyncio.get_running_loop(),
    )
    context.tool_context = ToolContext(
        run_id="escape-run",
        emit=lambda kind, data: events.append((kind, data)),
        audit=AuditLog(world.db),
        stopped=context.cancelled.is_set,
    )
    return CodeRun(context, events)
