"""The simulated people of the load benchmark: each one searches, polls and chats in a loop.

A client sends one request at a time and pauses a little between them (a person at the
dashboard, not a flood), so N clients are at most N requests in flight.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

import httpx

from bench.common import ENGLISH

# How often each route is chosen: searching and polling are what the dashboard does most.
ROUTE_WEIGHTS = {"search": 4, "status": 2, "health": 2, "chat": 2}
ROUTES = list(ROUTE_WEIGHTS)
REQUEST_TIMEOUT = 120.0  # a request slower than this is a hang, counted as an error


@dataclass
class Outcome:
    """One request: which route, how long it took, and what went wrong if anything."""

    route: str
    seconds: float
    error: str | None = None


@dataclass
class Tally:
    """Every outcome of one phase, by route."""

    outcomes: dict[str, list[Outcome]] = field(default_factory=lambda: {r: [] for r in ROUTES})

    def add(self, outcome: Outcome) -> None:
        """Count one request."""
        self.outcomes[outcome.route].append(outcome)

    def latencies(self, route: str) -> list[float]:
        """Seconds taken by the route's successful requests."""
        return [o.seconds for o in self.outcomes[route] if o.error is None]

    def errors(self, route: str | None = None) -> list[Outcome]:
        """Failed requests of one route, or of all of them."""
        routes = [route] if route else ROUTES
        return [o for r in routes for o in self.outcomes[r] if o.error is not None]


async def _search(client: httpx.AsyncClient, rng: random.Random) -> None:
    words = " ".join(rng.choices(ENGLISH, k=rng.randint(1, 4)))
    response = await client.get("/api/knowledge/search", params={"q": words, "k": 5})
    response.raise_for_status()
    if "results" not in response.json():
        raise ValueError("search answer has no results list")


async def _get(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    response.raise_for_status()
    response.json()


async def _chat(client: httpx.AsyncClient, rng: random.Random) -> None:
    """Ask in chat mode with streaming and read the event stream to its last event."""
    prompt = "What do my notes say about " + " ".join(rng.choices(ENGLISH, k=3)) + "?"
    body = {"prompt": prompt, "mode": "chat", "stream": True}
    last = ""
    async with client.stream("POST", "/api/agent/query", json=body) as response:
        if response.status_code >= 400:
            await response.aread()
            raise httpx.HTTPStatusError(
                f"{response.status_code}: {response.text[:200]}",
                request=response.request,
                response=response,
            )
        async for line in response.aiter_lines():
            if line.startswith("event:"):
                last = line.removeprefix("event:").strip()
    if last != "completed":
        raise ValueError(f"the stream ended with {last or 'no event'!r}, not 'completed'")


async def request(client: httpx.AsyncClient, route: str, rng: random.Random) -> Outcome:
    """Send one request of ``route`` and time it; failures become the outcome's error."""
    started = time.perf_counter()
    try:
        if route == "search":
            await _search(client, rng)
        elif route == "status":
            await _get(client, "/api/knowledge/status")
        elif route == "health":
            await _get(client, "/api/health")
        else:
            await _chat(client, rng)
    except httpx.HTTPStatusError as error:
        return Outcome(route, time.perf_counter() - started, f"HTTP {error.response.status_code}")
    except (httpx.HTTPError, ValueError) as error:
        return Outcome(route, time.perf_counter() - started, f"{type(error).__name__}: {error}")
    return Outcome(route, time.perf_counter() - started)


async def client_loop(url: str, seed: int, deadline: float, think: float, tally: Tally) -> None:
    """One person: requests until ``deadline`` (event-loop time), pausing about ``think`` s."""
    rng = random.Random(seed)
    loop = asyncio.get_running_loop()
    weights = [ROUTE_WEIGHTS[r] for r in ROUTES]
    timeout = httpx.Timeout(REQUEST_TIMEOUT, connect=10.0)
    async with httpx.AsyncClient(base_url=url, timeout=timeout, trust_env=False) as client:
        # Staggered starts, so the clients do not all knock at the same instant.
        await asyncio.sleep(rng.uniform(0, 2 * think))
        while loop.time() < deadline:
            route = rng.choices(ROUTES, weights)[0]
            tally.add(await request(client, route, rng))
            await asyncio.sleep(rng.uniform(0, 2 * think))


async def run_clients(url: str, clients: int, seconds: float, think: float) -> Tally:
    """``clients`` people for ``seconds``; returns what happened to their requests."""
    tally = Tally()
    deadline = asyncio.get_running_loop().time() + seconds
    await asyncio.gather(
        *(client_loop(url, seed, deadline, think, tally) for seed in range(clients))
    )
    return tally
