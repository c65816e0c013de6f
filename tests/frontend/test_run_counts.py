"""Counts of runs on the Tasks and Agents pages read as words: "1 run", "2 runs"."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from frontend.components.agents_panels import engines_grid
from frontend.components.task_history import history_card
from frontend.state.agents import AgentsState
from frontend.state.tasks import TasksState


@pytest.mark.parametrize("component", [engines_grid, history_card])
def test_run_counts_are_not_written_with_an_s_in_brackets(component: object) -> None:
    assert "run(s)" not in str(component())  # type: ignore[operator]


@pytest.mark.parametrize(("count", "words"), [(0, "0 runs"), (1, "1 run"), (2, "2 runs")])
def test_run_counts_in_singular_and_plural(count: int, words: str) -> None:
    history = TasksState.computed_vars["history_count"]._fget
    assert history(SimpleNamespace(history_total=count)) == words
    queue = AgentsState.computed_vars["queue_note"]._fget
    assert queue(SimpleNamespace(queued=count)) == f"{words} waiting for a free slot"
