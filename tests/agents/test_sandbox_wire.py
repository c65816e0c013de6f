"""What passes between the app and the sandbox worker: plain data, read back without running
anything, and cut or refused when it is too big."""

from __future__ import annotations

import collections
import datetime
import decimal
import os
import pickle
from pathlib import Path
from typing import Any

import pytest

from agents.engines import sandbox_wire as wire


@pytest.mark.parametrize(
    "value",
    [
        (2, False, 1.5, None, b"x", "text", [1], {"a": {1, 2}}, frozenset({3})),
        (decimal.Decimal("1.5"), datetime.date(2020, 1, 2), datetime.timedelta(seconds=3)),
        (collections.Counter("aab"), collections.deque([1], maxlen=3), range(4), 3 + 4j),
    ],
)
def test_plain_values_go_across(value: Any) -> None:
    assert wire.decode(wire.encode(value)) == value


def test_a_message_that_would_run_something_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self) -> Any:
            return (os.system, (f"touch {marker}",))

    with pytest.raises(wire.NotPlain, match="is not plain data"):
        wire.decode(pickle.dumps(Evil()))
    assert not marker.exists()
    with pytest.raises(wire.NotPlain):
        wire.decode(b"not a pickle")


def test_what_cannot_go_is_refused_before_it_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(wire.NotPlain, match="not plain data"):
        wire.encode(x for x in [1])
    with pytest.raises(wire.NotPlain, match="is not plain data"):
        wire.encode(ValueError("a class pickle knows, but not plain data"))
    monkeypatch.setattr(wire, "MAX_MESSAGE_BYTES", 100)
    with pytest.raises(wire.NotPlain, match="too large to pass on"):
        wire.encode("x" * 200)


def test_portable_keeps_plain_values_and_shows_the_rest() -> None:
    assert wire.portable((1, "a"), 100) == (1, "a")
    assert wire.portable("z" * 50, 10) == "z" * 10 + "\n[value cut]"
    assert wire.portable(ValueError("boom"), 100) == "boom"
    assert wire.portable(1 << 100_000, 100).startswith("<a int that cannot be shown: ValueError")
