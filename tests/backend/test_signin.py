"""With an API token, the dashboard asks for it once per browser; the API keeps its own check."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from backend import signin
from backend.signin import COOKIE, SIGNIN_PATH, DashboardSignIn, safe_next, session_value

TOKEN = "correct horse battery staple"


async def dashboard(scope: Scope, receive: Receive, send: Send) -> None:
    """Stands in for the Reflex app: a page for any path, and a websocket that says hello."""
    if scope["type"] == "websocket":
        socket = WebSocket(scope, receive, send)
        await socket.accept()
        await socket.send_text("hello")
        await socket.close()
        return
    body = f"dashboard {scope['path']}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(autouse=True)
def no_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signin, "WRONG_TOKEN_DELAY", 0.0)


@pytest.fixture
def client() -> TestClient:
    return TestClient(DashboardSignIn(dashboard, TOKEN), follow_redirects=False)


def sign_in(client: TestClient, token: str = TOKEN, next_path: str = "/") -> object:
    return client.post(SIGNIN_PATH, data={"token": token, "next": next_path})


def test_without_a_token_nothing_is_asked() -> None:
    open_client = TestClient(DashboardSignIn(dashboard, ""), follow_redirects=False)
    assert open_client.get("/knowledge").text == "dashboard /knowledge"
    with open_client.websocket_connect("/_event") as socket:
        assert socket.receive_text() == "hello"


def test_a_page_sends_the_browser_to_sign_in_and_back(client: TestClient) -> None:
    page = client.get("/knowledge?tab=files", headers={"accept": "text/html"})
    assert page.status_code == 303
    assert page.headers["location"] == f"{SIGNIN_PATH}?next=%2Fknowledge%3Ftab%3Dfiles"

    form = client.get(page.headers["location"])
    assert form.status_code == 200
    assert 'name="token"' in form.text and 'value="/knowledge?tab=files"' in form.text
    assert "http" not in form.text.split("<body>")[1].replace("https://", "")  # nothing fetched

    done = sign_in(client, next_path="/knowledge?tab=files")
    assert done.status_code == 303
    assert done.headers["location"] == "/knowledge?tab=files"
    cookie = done.headers["set-cookie"]
    assert f"{COOKIE}={session_value(TOKEN)}" in cookie
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert TOKEN not in cookie
    assert client.get("/knowledge").text == "dashboard /knowledge"


def test_a_wrong_token_is_refused_with_the_form_again(client: TestClient) -> None:
    refused = sign_in(client, token="guess")
    assert refused.status_code == 401
    assert "That is not the token" in refused.text
    assert "set-cookie" not in refused.headers
    assert client.get("/", headers={"accept": "text/html"}).status_code == 303


def test_the_websocket_and_uploads_need_the_cookie(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect("/_event") as ws:
        ws.receive_text()
    assert closed.value.code == 1008
    upload = client.post("/_upload", content=b"file bytes")
    assert upload.status_code == 401
    assert SIGNIN_PATH in upload.json()["detail"]

    sign_in(client)
    with client.websocket_connect("/_event") as socket:
        assert socket.receive_text() == "hello"
    assert client.post("/_upload", content=b"file bytes").status_code == 200


def test_a_cookie_made_for_another_token_does_not_count(client: TestClient) -> None:
    client.cookies.set(COOKIE, session_value("the old token"))
    assert client.get("/", headers={"accept": "text/html"}).status_code == 303
    client.cookies.set(COOKIE, "not even a hash")
    assert client.get("/", headers={"accept": "text/html"}).status_code == 303


def test_the_api_is_left_to_its_own_token_check(client: TestClient) -> None:
    for path in ("/api/health", "/api/knowledge/status", "/v1/models", "/metrics", "/mcp"):
        assert client.get(path).text == f"dashboard {path}"


def where_a_browser_lands(location: str) -> str:
    """The site a browser goes to for a Location read on this one, with a browser's leniency
    (the URL standard's): leading and trailing controls and spaces dropped, tabs and newlines
    removed, a backslash taken for a slash, any number of slashes before a host, and
    ``http:path`` read against this page."""
    cleaned = location.strip("".join(map(chr, range(33))))
    cleaned = "".join(c for c in cleaned if c not in "\t\n\r").replace("\\", "/")
    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    if scheme and scheme[1].lower() != "http":
        return scheme[1].lower() + ":"
    rest = cleaned[scheme.end() :] if scheme else cleaned
    if rest.startswith("//"):
        authority = re.split(r"[/?#]", rest.lstrip("/"), maxsplit=1)[0]
        return "http://" + authority.rsplit("@", 1)[-1]
    return "http://" + urlsplit(urljoin(HOME + "/_signin", rest)).netloc


HOME = "http://127.0.0.1:8765"

SAME_SITE = [
    "/tasks",
    "/chat?c=3",
    "/knowledge?tab=files",
    "/docs/r%C3%A9sum%C3%A9",
    "/a/b?x=1&y=2#part",
    "/%2F%2Fevil.example",
    "/%0d%0aSet-Cookie:%20a=b",
]

HOSTILE = [
    "//evil.example/",
    "///evil.example",
    "/\\evil.example/x",
    "\\\\evil.example",
    "/\\/evil.example",
    "\\/evil.example",
    "https://evil.example/",
    "http:evil.example",
    "https:/evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,hi",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "\x00//evil.example",
    "/\x0b/evil.example",
    "/x\r\nSet-Cookie: a=b",
    "/\x7f",
    "/\u2215\u2215evil.example",
    "/\uff0f/evil.example",
    "/caf\u00e9",
    "/..//evil.example",
    "//127.0.0.1:8765@evil.example/",
    "http://127.0.0.1:8765@evil.example/",
    "evil.example",
    "",
    "/" + "a" * 3000,
]


@pytest.mark.parametrize("target", SAME_SITE)
def test_a_page_of_this_site_is_where_signing_in_ends(client: TestClient, target: str) -> None:
    assert safe_next(target) == target
    location = sign_in(client, next_path=target).headers["location"]
    assert location == target
    assert where_a_browser_lands(location) == HOME


@pytest.mark.parametrize("target", HOSTILE)
def test_after_signing_in_the_browser_never_leaves_this_site(
    client: TestClient, target: str
) -> None:
    assert safe_next(target) == "/"
    # The target in the form, or in the sign-in page's address: both give the home page.
    assert sign_in(client, next_path=target).headers["location"] == "/"
    client.cookies.clear()
    form = client.get(SIGNIN_PATH, params={"next": target})
    assert form.status_code == 200 and 'name="next" value="/"' in form.text


def test_the_hostile_targets_would_have_left_this_site() -> None:
    # The table is real: read as a browser reads it, most targets go to another site; the rest
    # cannot go in a header (controls), smuggle look-alike slashes, or are not paths at all.
    left = [t for t in HOSTILE if where_a_browser_lands(t) != HOME]
    assert len(left) >= 20
    assert all(where_a_browser_lands(t) == HOME for t in SAME_SITE)


def test_a_page_with_a_non_ascii_address_comes_back_after_signing_in(client: TestClient) -> None:
    page = client.get("/docs/résumé?q=ü", headers={"accept": "text/html"})
    assert page.status_code == 303
    target = parse_qs(urlsplit(page.headers["location"]).query)["next"][0]
    assert target == "/docs/r%C3%A9sum%C3%A9?q=%C3%BC"
    assert sign_in(client, next_path=target).headers["location"] == target


def test_an_oversized_or_odd_sign_in_request_is_refused(client: TestClient) -> None:
    assert client.post(SIGNIN_PATH, content=b"token=" + b"x" * 10_000).status_code == 413
    assert client.put(SIGNIN_PATH).status_code == 405
