"""The network surface: what a foreign Host, another web site's page, a client without the
token, an oversized body and a slow client get. Each is refused as designed, with a JSON
message; the slow clients meet a real uvicorn server on a loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from backend.main import create_app
from tests.conftest import SettingsFactory, client_for
from tests.hardening.slow_clients import ServedApp, SlowClient

TOKEN = "surface-token-0123456789"
OWN = "http://127.0.0.1:8765"
EVIL = "http://evil.example"
QUERY = {"prompt": "hello", "mode": "chat"}
# One route of each kind: the health check, an agent query, OpenAI, metrics, MCP.
ROUTES = [
    ("GET", "/api/health"),
    ("POST", "/api/agent/query"),
    ("GET", "/v1/models"),
    ("GET", "/metrics"),
    ("POST", "/mcp"),
]


def detail(response: httpx.Response) -> str:
    """The JSON message of an error: ``detail``, or OpenAI's ``error.message`` on /v1."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    message = body["error"]["message"] if "error" in body else body["detail"]
    assert isinstance(message, str) and message
    return message


# --- Host header (DNS rebinding) ---


FOREIGN_HOSTS = [
    "evil.example",
    "evil.example:8765",
    "127.0.0.1.evil.example",
    "localhost.evil.example:8765",
    "2130706433",  # 127.0.0.1 as one number: a browser would send this name as it is
    "0.0.0.0:8765",
    "",
]


async def test_a_foreign_host_is_refused_everywhere(client: httpx.AsyncClient) -> None:
    for host in FOREIGN_HOSTS:
        for method, path in ROUTES:
            response = await client.request(method, path, headers={"Host": host}, json={})
            assert response.status_code == 421, (host, path)
            assert "is not allowed: AgentDesk only answers to this machine" in detail(response)


async def test_this_machines_names_are_answered(client: httpx.AsyncClient) -> None:
    for host in ["127.0.0.1:8765", "localhost", "LocalHost:80", "[::1]:8765", "127.0.0.2"]:
        assert (await client.get("/api/health", headers={"Host": host})).status_code == 200


def test_a_second_host_header_is_refused_by_a_real_server(
    make_settings: SettingsFactory,
) -> None:
    # The guard and the app could each read a different one. uvicorn's default parser
    # (httptools, under ``uvicorn backend.main:app``) passes both; its h11 refuses them itself.
    with ServedApp(make_settings(), http="httptools") as server, SlowClient(server.port) as raw:
        raw.send(b"GET /api/health HTTP/1.1\r\nHost: evil.example\r\nHost: 127.0.0.1\r\n\r\n")
        status, body = raw.response()
    assert status == 421 and "is not allowed" in body


def test_a_websocket_from_a_foreign_host_is_closed(make_settings: SettingsFactory) -> None:
    # The same guard wraps the UI's pages and its websocket (backend/startup/web_app.py).
    app = create_app(make_settings(allowed_hosts=["desk.lan"]))
    with TestClient(app, base_url="http://127.0.0.1") as http:
        with pytest.raises(WebSocketDisconnect) as foreign:
            http.websocket_connect("/_event", headers={"Host": "evil.example"}).__enter__()
        assert foreign.value.code == 1008  # policy violation
        for name in ("127.0.0.1:8765", "desk.lan"):
            with pytest.raises(WebSocketDisconnect) as own:
                http.websocket_connect("/_event", headers={"Host": name}).__enter__()
            assert own.value.code != 1008  # let through; the API has no websocket there


# --- Other web sites' pages (CORS and Origin) ---


async def test_a_foreign_origin_gets_no_cors_allowance(client: httpx.AsyncClient) -> None:
    for method, path in [*ROUTES, ("DELETE", "/api/tasks/x")]:
        preflight = {"Access-Control-Request-Method": method}
        own = await client.options(path, headers={"Origin": OWN, **preflight})
        assert own.headers.get("access-control-allow-origin") == OWN
        for origin in (EVIL, "null", "http://127.0.0.1:9999"):
            foreign = await client.options(path, headers={"Origin": origin, **preflight})
            assert "access-control-allow-origin" not in foreign.headers, (origin, path)
    # A page may send a simple GET, but cannot read what comes back.
    read = await client.get("/api/conversations", headers={"Origin": EVIL})
    assert read.status_code == 200 and "access-control-allow-origin" not in read.headers


async def state_changes(http: httpx.AsyncClient) -> list[tuple[str, str, dict[str, Any]]]:
    """Requests that change something, as a page of any site could send them."""
    task = await http.post(
        "/api/tasks",
        json={"prompt": "hi", "mode": "chat", "trigger": {"type": "interval", "hours": 1}},
    )
    task_id = task.json()["id"]
    conversation_id = (await http.post("/api/agent/query", json=QUERY)).json()["conversation_id"]
    return [
        # Form posts and uploads need no CORS preflight: the Origin check is what stops them.
        ("POST", "/api/knowledge/upload", {"files": {"files": ("x.txt", b"planted")}}),
        ("POST", f"/api/tasks/{task_id}/run", {}),
        ("POST", f"/api/conversations/{conversation_id}/clear", {}),
        ("POST", "/api/knowledge/reindex", {}),
        ("POST", "/api/agent/query", {"content": b'{"prompt": "hi"}'}),
        ("DELETE", f"/api/tasks/{task_id}", {}),
        ("POST", "/api/system/shutdown", {"json": {}}),
        ("POST", "/mcp", {"json": {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}}),
    ]


async def test_a_foreign_page_cannot_change_anything(client: httpx.AsyncClient) -> None:
    for method, path, body in await state_changes(client):
        for origin in (EVIL, "null"):
            refused = await client.request(method, path, headers={"Origin": origin}, **body)
            assert refused.status_code == 403, (path, refused.text)
            assert f"Origin '{origin}' may not" in detail(refused)
    listed = (await client.get("/api/knowledge/documents")).json()["documents"]
    assert listed == []  # the planted upload never reached the inbox


async def test_own_pages_and_programs_may_change_things(client: httpx.AsyncClient) -> None:
    for origin in ({"Origin": OWN}, {}):  # the UI's origin, and a program that sends none
        done = await client.post("/api/knowledge/reindex", headers=origin)
        assert done.status_code == 202, done.text


# --- The API token ---


@pytest.fixture
async def secured(make_settings: SettingsFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(make_settings(api_token=TOKEN)) as http:
        yield http


WRONG_TOKENS = [None, "", "Bearer", "Bearer wrong", f"Basic {TOKEN}", TOKEN, f"Bearer {TOKEN}x"]
GUARDED = [
    *ROUTES[1:],
    ("GET", "/api/conversations"),
    ("DELETE", "/api/knowledge/documents/1"),
    ("GET", "/api/no/such/route"),
    ("POST", "/v1/chat/completions"),
    ("GET", "/openapi.json"),
]


async def test_no_or_a_wrong_token_is_401_everywhere_but_health(
    secured: httpx.AsyncClient,
) -> None:
    for authorization in WRONG_TOKENS:
        headers = {} if authorization is None else {"Authorization": authorization}
        assert (await secured.get("/api/health", headers=headers)).status_code == 200
        for method, path in GUARDED:
            refused = await secured.request(method, path, headers=headers, json=QUERY)
            assert refused.status_code == 401, (authorization, path, refused.text)
            assert "AGENTDESK_API_TOKEN" in detail(refused)
            assert refused.headers["www-authenticate"] == "Bearer"
        openai = await secured.get("/v1/models", headers=headers)
        assert openai.json()["error"]["code"] == "invalid_api_key"  # what OpenAI clients expect


async def test_the_ui_routes_are_left_to_reflex(secured: httpx.AsyncClient) -> None:
    # Reflex mounts the UI inside this app, behind the dashboard's sign-in (see
    # tests/backend/test_signin.py). Here (API only) such paths are simply not found.
    assert (await secured.get("/chat")).status_code == 404
    upload = await secured.post("/_upload", headers={"Origin": EVIL}, content=b"x")
    assert upload.status_code in (404, 405)


async def test_without_the_token_nothing_is_read(secured: httpx.AsyncClient) -> None:
    # Refused before the body is parsed: neither an upload nor broken JSON gets that far.
    upload = await secured.post("/api/knowledge/upload", files={"files": ("x.txt", b"x" * 4096)})
    assert upload.status_code == 401
    broken = await secured.post("/api/agent/query", content=b"{not json")
    assert broken.status_code == 401
    sent = {"Authorization": f"bearer {TOKEN}"}  # the scheme's case does not matter
    answer = await secured.post("/api/agent/query", json=QUERY, headers=sent)
    assert answer.json()["answer"] == "Echo: hello"


# --- Oversized bodies ---


@pytest.fixture
async def small_bodies(make_settings: SettingsFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(make_settings(max_body_kb=4, upload_max_mb=0.01)) as http:
        yield http


async def too_much() -> AsyncIterator[bytes]:
    """A body without a Content-Length, larger than the limit as it arrives."""
    yield b'{"prompt": "'
    for _ in range(10):
        yield b"y" * 1000
    yield b'"}'


async def test_an_oversized_body_is_413(small_bodies: httpx.AsyncClient) -> None:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    for path in ["/api/agent/query", "/v1/chat/completions", "/api/tasks/preview", "/mcp"]:
        declared = await small_bodies.post(path, content=b"x" * 5000, headers=headers)
        assert declared.status_code == 413, path
        assert "larger than 4 KB (AGENTDESK_MAX_BODY_KB)" in detail(declared)
        streamed = await small_bodies.post(path, content=too_much(), headers=headers)
        assert streamed.status_code == 413, path
        assert "AGENTDESK_MAX_BODY_KB" in detail(streamed)


async def test_an_oversized_upload_is_413(small_bodies: httpx.AsyncClient) -> None:
    files = {"files": ("big.txt", b"z" * 20_000)}
    big = await small_bodies.post("/api/knowledge/upload", files=files)
    assert big.status_code == 413
    assert "upload limit of 0.01 MB (AGENTDESK_UPLOAD_MAX_MB)" in detail(big)


def test_a_huge_declared_body_is_refused_before_it_is_sent(served: ServedApp) -> None:
    with SlowClient(served.port) as raw:
        raw.send_headers("POST", "/api/agent/query", {"Content-Length": str(10**12)})
        status, body = raw.response()
    assert status == 413 and "AGENTDESK_MAX_BODY_KB" in body


# --- Slow clients, against a real uvicorn server ---


@pytest.fixture
def served(make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServedApp]:
    """The app on uvicorn with its slow-client timeouts, shortened to a second for the test."""
    monkeypatch.setattr("backend.api.guards.CLIENT_TIMEOUT_SECONDS", 1.0)
    with ServedApp(make_settings()) as server:
        yield server


def test_trickled_headers_are_cut_off(served: ServedApp) -> None:
    with SlowClient(served.port) as raw:
        raw.send(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        assert raw.trickle(b"X-Slow: a\r\n"), "the server kept waiting for the headers"
        status, body = raw.response()
    assert status == 408 and "headers did not arrive within 1 s" in body


def test_a_silent_connection_is_closed(served: ServedApp) -> None:
    with SlowClient(served.port) as raw:
        assert raw.wait_closed(), "the server kept an idle connection open"
        assert raw.received == b""  # nothing was asked, so nothing is answered


def test_the_next_requests_headers_have_the_same_deadline(served: ServedApp) -> None:
    with SlowClient(served.port) as raw:
        raw.send(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert raw.response()[0] == 200
        raw.send(b"GET /api/health HTTP/1.1\r\n")
        assert raw.trickle(b"X-Slow: a\r\n"), "the second request's headers were not timed"
        assert raw.response()[0] == 408


def test_a_trickled_body_is_cut_off_and_the_server_still_answers(served: ServedApp) -> None:
    with SlowClient(served.port) as raw:
        raw.send_headers("POST", "/api/tasks/preview", {"Content-Length": "200"})
        raw.send(b'{"trigger": ')
        # While one client dawdles, everyone else is answered.
        assert httpx.get(f"{served.url}/api/health", timeout=30).status_code == 200
        assert raw.trickle(b" "), "the server kept waiting for the body"
        status, body = raw.response()
    assert status == 408 and "request body did not arrive in time" in body
    assert httpx.get(f"{served.url}/api/health", timeout=30).status_code == 200
