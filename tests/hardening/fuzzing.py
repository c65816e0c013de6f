"""The app under fuzz: settings, the Schemathesis schema, special cases and a tally of results."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
import schemathesis
from schemathesis.python import asgi

from backend import lifecycle
from backend.config import Settings, load_settings
from backend.main import create_app
from tests.backend.knowledge.conftest import HashEmbedder
from tests.hardening.fuzz_seeds import Seeds

# Examples per operation: small by default so the fuzz fits every test run.
EXAMPLES = int(os.environ.get("AGENTDESK_FUZZ_EXAMPLES") or 6)
# A hang guard, far above anything the fake model takes to answer.
REQUEST_TIMEOUT = 30.0
# The Host the app answers to (its Host guard refuses Schemathesis' default "testserver").
BASE_URL = "http://127.0.0.1:8765"
# Routes that never ask for the token.
OPEN_PATHS = frozenset({"/api/health"})


@dataclass(frozen=True)
class Auth:
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


AUTH = Auth("fuzz-token-0123456789")


def fuzz_settings(data_dir: Path, token: str) -> Settings:
    """Fake model, no rate limit, small agent budgets, no background jobs that would add noise."""
    return load_settings(
        data_dir=data_dir,
        llm_provider="fake",
        api_token=token,
        rate_limit="off",
        agent_max_steps=2,
        agent_max_seconds=20,
        monitor_interval_seconds=0,
        reconcile_minutes=0,
        backup_hours=0,
        model_health_seconds=0,
        _env_file=None,
    )


def error_message(path: str, response: Any) -> str:
    """The message of an error response: ``detail``, or OpenAI's ``error.message`` on /v1."""
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.startswith("application/json"), f"error as {content_type!r}"
    body = json.loads(response.content)
    # /v1 routes answer in OpenAI's shape; what is refused before a route (405, 413) is not.
    if path.startswith("/v1/") and "error" in body:
        message = body["error"]["message"]
    else:
        message = body["detail"]
    assert isinstance(message, str), f"message is {message!r}"
    return message.strip()


class FuzzTarget:
    """One app, lifespan running in Schemathesis' ASGI portal, and its schema."""

    def __init__(self, data_dir: Path, token: str) -> None:
        self.data_dir = data_dir
        self.label = "token set" if token else "no token set"
        self.settings = fuzz_settings(data_dir / "data", token)
        self.watchable = data_dir / "watchable"
        self.watchable.mkdir()
        self._patch = pytest.MonkeyPatch()

    def __enter__(self) -> FuzzTarget:
        # Instant, deterministic vectors: the fuzz is about the API, not the embedding model.
        self._patch.setattr("backend.knowledge.service.Embedder", lambda *a, **k: HashEmbedder())
        # POST /api/system/shutdown runs its stop handler: here one that stops nothing.
        lifecycle.set_shutdown_handler(lambda: None)
        self.app = create_app(self.settings)
        config = schemathesis.Config.from_dict(
            {
                # Event streams (a run's events, the knowledge status) are read up to one event.
                "max-stream-events": 1,
                "warnings": False,
            }
        )
        # The schema itself needs the token when one is set.
        schema_headers = {"Host": "127.0.0.1", **(AUTH.headers if self.settings.api_token else {})}
        self.schema = schemathesis.openapi.from_asgi(
            "/openapi.json", self.app, config=config, headers=schema_headers
        )
        self.client = asgi.get_client(self.app)
        self.seeds = Seeds(self.authorized, self.watchable)
        self.seeds.plant()
        return self

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> Any:
        """A plain request to the app; the token is only sent when ``headers`` carry it."""
        return self.client.request(
            method, BASE_URL + path, headers=headers, timeout=REQUEST_TIMEOUT, **kwargs
        )

    def authorized(self, method: str, path: str, **kwargs: Any) -> Any:
        """A plain request to the app, with the token if it has one."""
        return self.request(method, path, AUTH.headers if self.settings.api_token else {}, **kwargs)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            asgi.shutdown_lifespans()
        finally:
            lifecycle.set_shutdown_handler(None)
            self._patch.undo()

    def prepare(self, case: Any) -> list[str]:
        """Real ids for some cases, and special cases so that a fuzzed request cannot do real
        harm to this machine; the names of the path parameters given real ids."""
        swapped = self.seeds.swap_in(case)
        if case.method.upper() == "POST" and case.path == "/api/knowledge/folders":
            body = case.body
            # Watching an existing folder would index it (say, "/"): only a temp folder is real.
            if isinstance(body, dict) and isinstance(body.get("path"), str):
                path = Path(body["path"]).expanduser()
                if path.is_absolute() and path.exists():
                    body["path"] = str(self.watchable)
        return swapped


class FuzzTally:
    """How many requests each operation got, which statuses came back, how long it took."""

    def __init__(self) -> None:
        self.requests: Counter[tuple[str, str]] = Counter()
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.seconds: Counter[str] = Counter()

    def record(self, label: str, operation: str, status: int) -> None:
        self.requests[(label, operation)] += 1
        self.statuses[(label, int(status))] += 1

    def timed(self, label: str, seconds: float) -> None:
        self.seconds[label] += seconds

    def summary(self) -> list[str]:
        lines = []
        for label in sorted({label for label, _ in self.requests}):
            per_op = {op: n for (lab, op), n in self.requests.items() if lab == label}
            codes = {code: n for (lab, code), n in self.statuses.items() if lab == label}
            took = f" in {self.seconds[label]:.0f} s" if label in self.seconds else ""
            lines.append(
                f"fuzz [{label}]: {len(per_op)} operations, {sum(per_op.values())} requests"
                f"{took}, statuses {dict(sorted(codes.items()))}"
            )
        return lines
