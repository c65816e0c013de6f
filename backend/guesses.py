"""Wrong API tokens cost time, per client, so a token cannot be found by guessing.

After a wrong token, every further token check from the same address (IP) waits its turn and
then a delay that doubles with each wrong token in a row, up to a cap; a right token ends the
run of failures. The checks of one client are taken one at a time, so guesses sent in parallel
queue behind each other instead of each paying the delay side by side; past a short queue they
are answered 429 at once without being checked. A request that sends no token at all is not a
guess and is refused without waiting. The API's gate and the dashboard's sign-in share one
``GuessThrottle``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.types import Scope

# The first wrong token costs the next check this long; each further one doubles it up to the cap.
FIRST_DELAY = 0.5
MAX_DELAY = 16.0
# Checks a client may have waiting; more are refused (429) unchecked.
MAX_WAITING = 16
# A client's run of wrong tokens is forgotten after this long without another.
FORGET_AFTER = 3600.0
# Clients remembered at most (the oldest quiet ones are forgotten first).
MAX_CLIENTS = 10_000


def guess_delay(failures: int) -> float:
    """How long a token check waits after ``failures`` wrong tokens in a row: nothing after
    none, then ``FIRST_DELAY`` doubling up to ``MAX_DELAY``."""
    if failures <= 0 or FIRST_DELAY <= 0:
        return 0.0
    return float(min(MAX_DELAY, FIRST_DELAY * 2.0 ** min(failures - 1, 32)))


def client_key(scope: Scope) -> str:
    """Whose guesses a request's are: its IPv4 address, or its IPv6 /64 (one machine or home
    network usually holds a whole /64, so counting single addresses would let it rotate)."""
    host = str((scope.get("client") or ("local", 0))[0])
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class TooManyGuesses(Exception):
    """A client has more token checks waiting than it may; ``retry_after`` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many wrong API tokens from this address: wait {retry_after} s, then send the "
            "right one (AGENTDESK_API_TOKEN)"
        )
        self.retry_after = retry_after


@dataclass
class _Client:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    failures: int = 0
    waiting: int = 0
    last_failure: float = 0.0


class GuessThrottle:
    """Per-client token checks in turn, each after the delay its client's failures earned.

    ``delay`` maps failures to seconds and ``sleep`` waits them: tests pass their own to see
    the delays without spending them.
    """

    def __init__(
        self,
        delay: Callable[[int], float] = guess_delay,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        max_waiting: int = MAX_WAITING,
    ) -> None:
        self.delay = delay
        self.sleep = sleep
        self.clock = clock
        self.max_waiting = max_waiting
        self._clients: dict[str, _Client] = {}

    def failures(self, client: str) -> int:
        """Wrong tokens in a row from ``client`` (0 once forgotten)."""
        state = self._clients.get(client)
        return self._fresh(state).failures if state is not None else 0

    async def check(self, client: str, matches: Callable[[], bool]) -> bool:
        """Whether ``matches()`` (the token comparison) is true, asked in ``client``'s turn and
        after its delay; raises ``TooManyGuesses`` instead when too many checks are waiting."""
        state = self._fresh(self._clients.get(client) or self._add(client))
        if state.waiting >= self.max_waiting:
            wait = self.delay(state.failures) * state.waiting
            raise TooManyGuesses(max(1, math.ceil(wait)))
        state.waiting += 1
        try:
            async with state.lock:
                seconds = self.delay(state.failures)
                if seconds > 0:
                    await self.sleep(seconds)
                if matches():
                    state.failures = 0
                    return True
                state.failures += 1
                state.last_failure = self.clock()
                return False
        finally:
            state.waiting -= 1
            if state.failures == 0 and state.waiting == 0:
                self._clients.pop(client, None)

    def _fresh(self, state: _Client) -> _Client:
        if state.waiting == 0 and self.clock() - state.last_failure > FORGET_AFTER:
            state.failures = 0
        return state

    def _add(self, client: str) -> _Client:
        if len(self._clients) >= MAX_CLIENTS:
            quiet = [k for k, s in self._clients.items() if s.waiting == 0]
            quiet.sort(key=lambda k: self._clients[k].last_failure)
            for key in quiet[: max(1, len(quiet) // 10)]:
                del self._clients[key]
        state = self._clients[client] = _Client()
        return state
