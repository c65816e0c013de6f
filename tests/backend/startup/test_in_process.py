"""Serving an exported UI: the port baked into the export is swapped for the port in use."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from backend.startup.in_process import EnvScript, MissingWebBuild, built_origin, check_web_dir

BUILT = (
    "var e={PING:`http://localhost:8000/ping`,EVENT:`ws://localhost:8000/_event`,"
    "TRANSPORT:`websocket`};export{e as t};"
)


def fake_export(root: Path) -> Path:
    assets = root / "build" / "client" / "assets"
    assets.mkdir(parents=True)
    (root / "build" / "client" / "index.html").write_text("<html></html>")
    (assets / "reflex-env-AbC123.js").write_text(BUILT)
    (assets / "reflex-env-AbC123.js.gz").write_bytes(b"stale gzip of the old port")
    env = {"PING": "http://localhost:8000/ping", "EVENT": "ws://localhost:8000/_event"}
    (root / "env.json").write_text(json.dumps(env))
    return root


async def test_the_env_script_names_the_port_in_use_and_nothing_else_changes(
    tmp_path: Path,
) -> None:
    web = fake_export(tmp_path)
    inner = Starlette(routes=[Route("/{path:path}", lambda r: PlainTextResponse("passed on"))])
    app = EnvScript(inner, web, 9123)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        script = await client.get(
            "/assets/reflex-env-AbC123.js", headers={"Accept-Encoding": "gzip"}
        )
        other = await client.get("/assets/other.js")
    assert script.status_code == 200
    assert "content-encoding" not in script.headers  # never the stale precompressed copy
    assert script.text == BUILT.replace("localhost:8000", "localhost:9123")
    assert other.text == "passed on"


def test_built_origin_is_read_from_the_export(tmp_path: Path) -> None:
    assert built_origin(fake_export(tmp_path)) == "localhost:8000"


def test_a_missing_export_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(MissingWebBuild, match=r"build_desktop\.py --ui-only"):
        check_web_dir(tmp_path)
