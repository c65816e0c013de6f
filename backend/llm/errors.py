"""Errors a model call can end in, each with a message a person can act on."""

from __future__ import annotations


class ModelUnavailable(RuntimeError):
    """The model cannot be reached or is not ready (maps to HTTP 503)."""


class ModelError(RuntimeError):
    """The model server answered with an error (maps to HTTP 502 unless it is our request)."""

    def __init__(self, message: str, status: int = 502) -> None:
        super().__init__(message)
        self.status = status


class RunStopped(RuntimeError):
    """A run must end early: stopped, out of budget, or looping. The message says which.

    The model gateway refuses a stopped run's calls, and the run's client raises this; the
    engines raise it (as ``EngineStopped``) when they stop themselves.
    """
