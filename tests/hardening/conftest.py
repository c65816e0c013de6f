"""Fixtures the escape suites share: the world with its canaries, and the app's secrets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.hardening.escape_world import World


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One world per test module: a workspace with hostile links, canaries and tools."""
    built = World(tmp_path_factory.mktemp("world"))
    yield built
    built.close()


@pytest.fixture
def secrets_in_env(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's secrets, where code that reached the app's environment would find them."""
    monkeypatch.setenv("AGENTDESK_API_TOKEN", world.secret)
    monkeypatch.setenv("AGENTDESK_LLM_API_KEY", world.secret)
