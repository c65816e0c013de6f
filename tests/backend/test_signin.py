"""With an API token, the dashboard asks for it once per browser; the API keeps its own check."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from backend.guesses import GuessThrottle
from backend.sessions import SESSION_DAYS, Sessions
from backend.signin import COOKIE, SIGNIN_PATH, DashboardSignIn, safe_next

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
    session = client.cookies[COOKIE]
    assert Sessions(TOKEN).valid(session)
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
    client.cookies.set(COOKIE, Sessions("the old token").issue())
    assert client.get("/", headers={"accept": "text/html"}).status_code == 303
    client.cookies.set(COOKIE, "not even a hash")
    assert client.get("/", headers={"accept": "text/html"}).status_code == 303


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def page_status(client: TestClient) -> int:
    return client.get("/chat", headers={"accept": "text/html"}).status_code


def test_a_session_ends_on_the_server_after_30_days() -> None:
    clock = Clock()
    gate = DashboardSignIn(dashboard, TOKEN, sessions=Sessions(TOKEN, clock=clock))
    client = TestClient(gate, follow_redirects=False)
    assert sign_in(client).status_code == 303
    clock.now += SESSION_DAYS * 86400 - 60
    assert page_status(client) == 200
    # The browser would still send the cookie (say, its clock is wrong): the server says no.
    clock.now += 120
    assert page_status(client) == 303


def test_each_sign_in_is_its_own_session_and_a_changed_token_ends_them_all() -> None:
    client = TestClient(DashboardSignIn(dashboard, TOKEN), follow_redirects=False)
    sign_in(client)
    first = client.cookies[COOKIE]
    client.cookies.clear()
    sign_in(client)
    assert client.cookies[COOKIE] != first
    assert page_status(client) == 200
    # The same browser against the app restarted with another token.
    changed = TestClient(DashboardSignIn(dashboard, "a new token"), follow_redirects=False)
    changed.cookies.set(COOKIE, first)
    assert page_status(changed) == 303


@pytest.mark.parametrize(
    "forge",
    [
        lambda v: v.rsplit(".", 2)[0] + ".0." + v.rsplit(".", 1)[1],  # older start, same signature
        lambda v: ".".join(v.split(".")[:2]) + "." + "0" * 64,  # no signature
        lambda v: v + "0",
        lambda v: v.replace(".", "..", 1),
        lambda v: v.upper(),
    ],
)
def test_an_edited_session_is_refused(client: TestClient, forge: object) -> None:
    sign_in(client)
    value = client.cookies[COOKIE]
    client.cookies.clear()
    client.cookies.set(COOKIE, forge(value))  # type: ignore[operator]
    assert page_status(client) == 303


def test_a_cookie_with_bytes_that_are_not_ascii_is_not_a_session(client: TestClient) -> None:
    sign_in(client)
    value = client.cookies[COOKIE]
    client.cookies.clear()
    cookie = f"{COOKIE}=\u00e9{value}".encode() + b"\xff"
    assert client.get("/chat", headers={"cookie": cookie, "accept": "text/html"}).status_code == 303


def test_a_session_from_the_future_is_refused() -> None:
    clock = Clock()
    early = Sessions(TOKEN, clock=clock)
    clock.now += 3600
    late = Sessions(TOKEN, clock=clock).issue()
    clock.now -= 3600
    assert not early.valid(late)


def test_a_non_ascii_token_can_be_typed_and_a_wrong_one_is_just_wrong() -> None:
    token = "clé-секрет-令牌"
    client = TestClient(DashboardSignIn(dashboard, token), follow_redirects=False)
    wrong = sign_in(client, token="clè-секрет")
    assert wrong.status_code == 401 and "That is not the token" in wrong.text
    assert sign_in(client, token=TOKEN + "\u00ff").status_code == 401
    assert sign_in(client, token=token).status_code == 303
    assert page_status(client) == 200


def test_each_wrong_token_typed_makes_the_next_try_wait_longer() -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    throttle = GuessThrottle(delay=lambda failures: float(failures), sleep=record)
    client = TestClient(DashboardSignIn(dashboard, TOKEN, throttle), follow_redirects=False)
    for _ in range(3):
        assert sign_in(client, token="guess").status_code == 401
    assert waits == [1.0, 2.0]
    assert sign_in(client).status_code == 303
    assert waits == [1.0, 2.0, 3.0]
    assert throttle.failures("testclient") == 0


def test_too_many_waiting_guesses_are_refused_unchecked() -> None:
    throttle = GuessThrottle(max_waiting=0)
    client = TestClient(DashboardSignIn(dashboard, TOKEN, throttle), follow_redirects=False)
    refused = sign_in(client)
    assert refused.status_code == 429
    assert "Too many wrong API tokens" in refused.text
    assert int(refused.headers["retry-after"]) >= 1
    assert COOKIE not in client.cookies


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


async def test_wrong_tokens_typed_in_parallel_wait_their_turn() -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0)  # let the other guesses in, if anything would

    throttle = GuessThrottle(delay=lambda failures: float(failures), sleep=record)
    transport = httpx.ASGITransport(app=DashboardSignIn(dashboard, TOKEN, throttle))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        guesses = [http.post(SIGNIN_PATH, data={"token": f"guess {n}"}) for n in range(8)]
        answers = await asyncio.gather(*guesses)
    assert [a.status_code for a in answers] == [401] * 8
    # One after the other, each after the delay all the earlier ones earned.
    assert waits == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
