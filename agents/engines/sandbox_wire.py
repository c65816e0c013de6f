"""What passes between the app and the sandbox worker process: plain values only.

Messages are pickled, but read back with an unpickler that builds nothing except plain data
(numbers, text, bytes, lists, tuples, dicts, sets and a few value types such as ``Decimal`` or
``datetime``). So even code that got around the interpreter's rules inside the worker cannot
make the app run anything by what it sends back.
"""

from __future__ import annotations

import io
import pickle
from multiprocessing.connection import Connection
from typing import Any

# Longest message either side sends or accepts; a bigger tool argument is refused.
MAX_MESSAGE_BYTES = 32 * 2**20
# Classes a message may hold besides the types pickle writes natively (str, list, dict...).
PLAIN_CLASSES = frozenset(
    {("builtins", name) for name in ("complex", "range", "slice", "int", "float", "str")}
    | {("builtins", name) for name in ("bytes", "bytearray", "list", "dict", "tuple", "set")}
    | {("datetime", name) for name in ("date", "datetime", "time", "timedelta", "timezone")}
    | {("decimal", "Decimal"), ("fractions", "Fraction")}
    | {("collections", name) for name in ("Counter", "OrderedDict", "deque", "defaultdict")}
)


class NotPlain(ValueError):
    """A value that is not plain data, or too big, to send across."""


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in PLAIN_CLASSES:
            raise NotPlain(f"{module}.{name} is not plain data")
        return super().find_class(module, name)


def encode(value: Any) -> bytes:
    """``value`` as bytes the other side can read back; NotPlain when it cannot."""
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError) as error:
        raise NotPlain(f"not plain data: {error}") from None
    if len(data) > MAX_MESSAGE_BYTES:
        raise NotPlain(f"too large to pass on ({len(data) // 2**20} MB)")
    # Reading it back here finds what the other side would refuse, before it is sent.
    decode(data)
    return data


def decode(data: bytes) -> Any:
    """A value from ``encode``; NotPlain when ``data`` holds anything but plain data."""
    try:
        return _PlainUnpickler(io.BytesIO(data)).load()
    except NotPlain:
        raise
    except Exception as error:  # a damaged message can fail in many ways
        raise NotPlain(f"not a valid message: {error}") from None


def send(connection: Connection, message: Any) -> None:
    """Send ``message`` (NotPlain if it cannot go)."""
    connection.send_bytes(encode(message))


def receive(connection: Connection) -> Any:
    """The next message; EOFError when the other side is gone, NotPlain for a bad message."""
    try:
        data = connection.recv_bytes(MAX_MESSAGE_BYTES + 1024)
    except OSError as error:  # the message was longer than allowed
        raise NotPlain(str(error)) from None
    return decode(data)


def portable(value: Any, limit: int) -> Any:
    """``value`` itself when it is plain data and short when shown; else its text, cut at
    ``limit`` characters."""
    try:
        text = str(value)
    except Exception as error:  # e.g. an int too long to write out: too big to send as well
        return f"<a {type(value).__name__} that cannot be shown: {type(error).__name__}: {error}>"
    if len(text) > limit:
        return text[:limit] + "\n[value cut]"
    try:
        encode(value)
    except NotPlain:
        return text
    return value
