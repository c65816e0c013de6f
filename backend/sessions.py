"""Dashboard sessions: what the sign-in cookie holds, and how the server checks it.

A session is a random id and the time it began, signed (HMAC-SHA256) with a key derived from
the API token. The server, not the browser, decides when it ends: after ``SESSION_DAYS`` it is
refused whatever the cookie's own expiry says, and a changed token changes the key, so every
session signed with the old one ends at once. The cookie never holds the token or anything
that stays valid for good.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable

SESSION_DAYS = 30
# A session that says it began later than now by more than this was not made here.
CLOCK_SKEW = 300
# ``<id>.<unix seconds>.<signature>``: the id is URL-safe base64, the signature hex.
_SHAPE = re.compile(r"([A-Za-z0-9_-]{16,64})\.([0-9]{1,12})\.([0-9a-f]{64})")


class Sessions:
    """Issues and checks the dashboard's sessions for one API token."""

    def __init__(
        self,
        token: str,
        max_age: float = SESSION_DAYS * 86400,
        clock: Callable[[], float] = time.time,
    ) -> None:
        secret = token.encode("utf-8", "surrogatepass")
        self._key = hmac.new(secret, b"agentdesk dashboard sessions", hashlib.sha256).digest()
        self.max_age = max_age
        self.clock = clock

    def issue(self) -> str:
        """A new session's cookie value."""
        payload = f"{secrets.token_urlsafe(24)}.{int(self.clock())}"
        return f"{payload}.{self._sign(payload)}"

    def valid(self, value: str) -> bool:
        """True for a session this token signed that has not yet expired."""
        shape = _SHAPE.fullmatch(value)
        if shape is None:
            return False
        payload = f"{shape[1]}.{shape[2]}"
        if not hmac.compare_digest(shape[3], self._sign(payload)):
            return False
        age = self.clock() - int(shape[2])
        return -CLOCK_SKEW <= age <= self.max_age

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()
