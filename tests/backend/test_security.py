"""Network safety: foreign Host headers, CORS and the API token."""

import httpx
import pytest
from asgi_lifespan import LifespanManager

from backend.main import create_app
from backend.security import HostGuard, host_name, token_equals, token_matches
from tests.conftest import SettingsFactory


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("127.0.0.1:8765", "127.0.0.1"),
        ("[::1]:80", "::1"),
        ("LocalHost", "localhost"),
        ("evil.example:8765", "evil.example"),
        ("::1", "::1"),
    ],
)
def test_host_name(header: str, name: str) -> None:
    assert host_name(header) == name


def test_guard_rules() -> None:
    guard = HostGuard(app=None, allowed=["desk.lan"])  # type: ignore[arg-type]
    assert guard.allows("localhost:8765")
    assert guard.allows("127.0.0.1")
    assert guard.allows("desk.lan:8765")
    assert not guard.allows("attacker.example")
    assert not guard.allows("")


def test_token_matching() -> None:
    assert token_matches("abc", "Bearer abc")
    assert token_matches("abc", "bearer abc")
    assert not token_matches("abc", "Bearer abd")
    assert not token_matches("abc", "abc")
    assert not token_matches("abc", None)


def test_a_token_is_compared_as_utf8_bytes_and_odd_bytes_are_just_wrong() -> None:
    token = "clé-секрет"
    sent = b"Bearer " + token.encode()
    assert token_matches(token, sent)
    assert token_matches(token, sent.decode("latin-1"))  # as servers decode headers
    for odd in (
        b"Bearer \xff\xfe",
        b"Bearer cl\xe9-",
        "Bearer \u00e9",
        b"\x80 abc",
        "Bearer \ud800",
    ):
        assert not token_matches(token, odd)
        assert not token_matches("abc", odd)
    assert token_equals(token, token)
    assert not token_equals(token, "cle-секрет")
    assert not token_equals("abc", "\ud800")


NON_ASCII_TOKEN = "clé-секрет-令牌"


@pytest.mark.parametrize("configured", ["s3cret-token", NON_ASCII_TOKEN])
async def test_odd_bytes_in_the_authorization_header_are_a_401_not_a_500(
    make_settings: SettingsFactory, configured: str
) -> None:
    app = create_app(make_settings(api_token=configured))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            for header in (b"Bearer \xff\xfe\xfd", "Bearer clé".encode(), b"\xc3\xa9 x"):
                sent = {"Authorization": header}
                for path in ("/api/conversations", "/v1/models", "/mcp", "/metrics"):
                    refused = await http.get(path, headers=sent)
                    assert refused.status_code == 401, (path, refused.text)
                    assert "AGENTDESK_API_TOKEN" in refused.text
            # A non-ASCII token is matched when sent as UTF-8, as curl and browsers send it.
            right = {"Authorization": b"Bearer " + configured.encode()}
            assert (await http.get("/api/conversations", headers=right)).status_code == 200
            assert (await http.get("/v1/models", headers=right)).status_code == 200


async def test_foreign_host_header_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/health", headers={"Host": "rebind.attacker.example"})
    assert response.status_code == 421
    assert "not allowed" in response.json()["detail"]
    assert (await client.get("/api/health", headers={"Host": "localhost:8765"})).status_code == 200


async def test_two_host_headers_are_refused_even_when_one_is_ours() -> None:
    # The guard read the last Host and the app the first; uvicorn's httptools passes both.
    answered: list[dict[str, object]] = []

    async def app(scope: object, receive: object, send: object) -> None:
        raise AssertionError("the app was reached")

    async def send(message: dict[str, object]) -> None:
        answered.append(message)

    scope = {
        "type": "http",
        "headers": [(b"host", b"evil.example"), (b"host", b"127.0.0.1")],
    }
    await HostGuard(app)(scope, None, send)  # type: ignore[arg-type]
    assert answered[0]["status"] == 421


async def test_cors_allows_only_the_apps_own_origin(client: httpx.AsyncClient) -> None:
    preflight = {"Access-Control-Request-Method": "POST"}
    own = await client.options(
        "/api/agent/query", headers={"Origin": "http://127.0.0.1:8765", **preflight}
    )
    assert own.headers.get("access-control-allow-origin") == "http://127.0.0.1:8765"
    foreign = await client.options(
        "/api/agent/query", headers={"Origin": "http://evil.example", **preflight}
    )
    assert "access-control-allow-origin" not in foreign.headers


async def test_token_is_required_everywhere_but_health(make_settings: SettingsFactory) -> None:
    app = create_app(make_settings(api_token="s3cret-token"))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            assert (await http.get("/api/health")).status_code == 200
            missing = await http.get("/api/conversations")
            assert missing.status_code == 401
            assert "AGENTDESK_API_TOKEN" in missing.json()["detail"]
            wrong = await http.get("/api/conversations", headers={"Authorization": "Bearer guess"})
            assert wrong.status_code == 401
            query = await http.post("/api/agent/query", json={"prompt": "hi"})
            assert query.status_code == 401
            good = {"Authorization": "Bearer s3cret-token"}
            assert (await http.get("/api/conversations", headers=good)).status_code == 200
            answer = await http.post("/api/agent/query", json={"prompt": "hi"}, headers=good)
            assert answer.json()["answer"] == "Echo: hi"


async def test_no_page_loads_assets_from_a_cdn(client: httpx.AsyncClient) -> None:
    # FastAPI's interactive docs pull scripts from a CDN, so they are turned off.
    assert (await client.get("/docs")).status_code == 404
    assert (await client.get("/redoc")).status_code == 404
    assert (await client.get("/openapi.json")).json()["info"]["title"] == "AgentDesk"


ODD_BYTES = [b"\xff\xfe", "é".encode(), b"\xed\xa0\x80", b"\x80", "令".encode()]
ODD_HEADERS = ["authorization", "origin", "content-type", "x-request-id", "accept", "cookie"]


@pytest.mark.parametrize("token", ["", "s3cret-token"])
async def test_odd_bytes_in_any_header_never_give_a_5xx(
    make_settings: SettingsFactory, token: str
) -> None:
    app = create_app(make_settings(api_token=token))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            for name in ODD_HEADERS:
                for odd in ODD_BYTES:
                    for method, path in (
                        ("GET", "/api/conversations"),
                        ("POST", "/api/agent/query"),
                        ("POST", "/v1/chat/completions"),
                        ("POST", "/mcp"),
                    ):
                        answer = await http.request(
                            method, path, headers={name: b"x " + odd}, json={"prompt": "hi"}
                        )
                        assert answer.status_code < 500, (name, odd, path, answer.text)
                        if answer.status_code >= 400:
                            assert answer.headers["content-type"].startswith("application/json")
