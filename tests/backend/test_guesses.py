"""Wrong API tokens cost time per client, in turn, growing to a cap: the delays are recorded,
never spent, so nothing here depends on the clock."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from asgi_lifespan import LifespanManager

from backend import guesses
from backend.guesses import GuessThrottle, TooManyGuesses, client_key, guess_delay
from backend.main import create_app
from tests.conftest import SettingsFactory

TOKEN = "s3cret-token"


@pytest.fixture
def slowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's own delays (the test suite turns them off everywhere else)."""
    monkeypatch.setattr(guesses, "FIRST_DELAY", 0.5)


class Recorder:
    """Stands in for ``asyncio.sleep``: notes each delay and lets other tasks run."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


def test_the_delay_doubles_from_half_a_second_to_a_cap(slowed: None) -> None:
    delays = [guess_delay(n) for n in range(9)]
    assert delays == [0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 16.0, 16.0]
    assert guess_delay(10**9) == guesses.MAX_DELAY


async def test_parallel_guesses_queue_and_a_right_token_ends_the_run(slowed: None) -> None:
    sleep = Recorder()
    throttle = GuessThrottle(sleep=sleep)
    wrong = [throttle.check("10.0.0.7", lambda: False) for _ in range(6)]
    assert await asyncio.gather(*wrong) == [False] * 6
    assert sleep.waits == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert throttle.failures("10.0.0.7") == 6
    # Another address is not slowed; the right token waits its turn, then the slate is clean.
    assert await throttle.check("10.0.0.8", lambda: True)
    assert await throttle.check("10.0.0.7", lambda: True)
    assert sleep.waits[-1] == 16.0
    assert throttle.failures("10.0.0.7") == 0
    assert await throttle.check("10.0.0.7", lambda: True)
    assert len(sleep.waits) == 6


async def test_past_the_queue_guesses_are_refused_without_being_checked(slowed: None) -> None:
    release = asyncio.Event()
    checked: list[int] = []

    async def held(_: float) -> None:
        await release.wait()

    throttle = GuessThrottle(sleep=held, max_waiting=3)
    await throttle.check("c", lambda: False)  # the first wrong token: now each check waits

    def compare(n: int) -> bool:
        checked.append(n)
        return False

    queued = [asyncio.create_task(throttle.check("c", lambda n=n: compare(n))) for n in range(3)]
    await asyncio.sleep(0)
    with pytest.raises(TooManyGuesses) as refused:
        await throttle.check("c", lambda: compare(99))
    assert refused.value.retry_after >= 1
    release.set()
    assert await asyncio.gather(*queued) == [False] * 3
    assert checked == [0, 1, 2]


async def test_a_run_of_failures_is_forgotten_after_an_hour(slowed: None) -> None:
    now = [1000.0]
    throttle = GuessThrottle(sleep=Recorder(), clock=lambda: now[0])
    for _ in range(3):
        await throttle.check("c", lambda: False)
    assert throttle.failures("c") == 3
    now[0] += guesses.FORGET_AFTER + 1
    assert throttle.failures("c") == 0


async def test_the_api_slows_wrong_tokens_per_client_but_not_a_missing_one(
    make_settings: SettingsFactory, slowed: None
) -> None:
    app = create_app(make_settings(api_token=TOKEN))
    sleep = Recorder()
    app.state.guesses.sleep = sleep
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            # No token at all is not a guess: refused at once, and counted for nothing.
            for _ in range(5):
                assert (await http.get("/api/conversations")).status_code == 401
            assert sleep.waits == []
            wrong = {"Authorization": "Bearer guess"}
            paths = ["/api/conversations", "/v1/models", "/mcp", "/metrics", "/openapi.json"]
            answers = await asyncio.gather(*(http.get(p, headers=wrong) for p in paths))
            assert [a.status_code for a in answers] == [401] * 5
            assert sleep.waits == [0.5, 1.0, 2.0, 4.0]
            good = {"Authorization": f"Bearer {TOKEN}"}
            assert (await http.get("/api/conversations", headers=good)).status_code == 200
            assert sleep.waits[-1] == 8.0
            assert app.state.guesses.failures("127.0.0.1") == 0


async def test_a_flood_of_wrong_api_tokens_is_answered_429(
    make_settings: SettingsFactory, slowed: None
) -> None:
    app = create_app(make_settings(api_token=TOKEN))
    app.state.guesses.max_waiting = 0
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            wrong = {"Authorization": "Bearer guess"}
            api = await http.get("/api/conversations", headers=wrong)
            assert api.status_code == 429
            assert "Too many wrong API tokens" in api.json()["detail"]
            assert int(api.headers["retry-after"]) >= 1
            openai = await http.get("/v1/models", headers=wrong)
            assert openai.status_code == 429
            assert openai.json()["error"]["code"] == "rate_limit_exceeded"


@pytest.mark.parametrize(
    ("client", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:0:0:7", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("testclient", "testclient"),
    ],
)
def test_guesses_count_per_address_and_per_ipv6_network(client: str, key: str) -> None:
    assert client_key({"type": "http", "client": (client, 1234)}) == key
