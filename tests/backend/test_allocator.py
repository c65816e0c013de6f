"""The C allocator's mmap threshold is fixed on Linux, and left alone elsewhere."""

from __future__ import annotations

import sys

import pytest

from backend import allocator


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux's")
def test_on_linux_the_threshold_is_set_once() -> None:
    assert allocator.tune_allocator() is True
    assert allocator.tune_allocator() is True  # a second call changes nothing


def test_elsewhere_nothing_is_tuned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allocator, "_tuned", False)
    monkeypatch.setattr(allocator.sys, "platform", "win32")
    assert allocator.tune_allocator() is False


def test_a_c_library_without_mallopt_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    class Musl:
        def __getattr__(self, name: str) -> object:
            raise AttributeError(name)

    monkeypatch.setattr(allocator, "_tuned", False)
    monkeypatch.setattr(allocator.sys, "platform", "linux")
    monkeypatch.setattr(allocator.ctypes, "CDLL", lambda name: Musl())
    assert allocator.tune_allocator() is False
