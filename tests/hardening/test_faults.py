"""Faults against the real app in its own process: a SIGKILL of the whole process tree in the
middle of an ingest and of a streamed answer, the model server dying mid-stream, another
program locking the database, the disk filling up. After each: SQLite's integrity check
passes, nothing the user gave is lost, and the app answers again.

The fast subset of ``bench/faults.py``: one trial of each, fewer files, and hashed vectors in
place of MiniLM (loading torch would take most of the time; what the faults break or not is
SQLite, the FAISS cache and the queue). Run the script before a release for the full trial
counts, the real embedder and the table.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.faultkit import db_lock, disk_full, kill_chat, kill_ingest, model_kill
from bench.faultkit.checks import Findings

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture(autouse=True)
def light_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app processes started here embed with hashed vectors (see stand_ins)."""
    monkeypatch.setenv("FAULTS_STAND_INS", "embedder")
    # Slow enough per text that a kill lands in the middle of the ingest.
    monkeypatch.setenv("FAULTS_EMBED_DELAY", "0.02")


def explain(found: Findings, note: str) -> str:
    return "\n".join([note, *found.problems, *found.lost, *found.doubled])


def test_sigkill_during_ingest_loses_nothing_and_indexes_nothing_twice(tmp_path: Path) -> None:
    point = kill_ingest.KillPoint(share=0.4, delay=0.3)
    found, note = kill_ingest.run_trial(tmp_path, files=30, point=point, seed=5)
    assert found.ok, explain(found, note)


def test_sigkill_during_an_answer_keeps_the_question_and_marks_runs_interrupted(
    tmp_path: Path,
) -> None:
    found, note = kill_chat.run_trial(tmp_path, tokens_before_kill=5)
    assert found.ok, explain(found, note)


def test_a_remote_model_server_killed_mid_stream_ends_the_run_with_a_reason(
    tmp_path: Path,
) -> None:
    found, note = model_kill.remote_trial(tmp_path, tokens_before_kill=3)
    assert found.ok, explain(found, note)


def test_the_embedded_model_server_killed_mid_stream_is_restarted(tmp_path: Path) -> None:
    found, note = model_kill.embedded_trial(tmp_path, tokens_before_kill=3)
    assert found.ok, explain(found, note)


def test_a_database_locked_past_the_busy_timeout_gives_clear_errors(tmp_path: Path) -> None:
    found, note = db_lock.run_trial(tmp_path, seconds=12.0)
    assert found.ok, explain(found, note)


def test_a_full_disk_fails_files_with_a_reason_and_recovers(tmp_path: Path) -> None:
    try:
        found, note = disk_full.run_trial(tmp_path, files=12, seed=3)
    except disk_full.NoSmallDisk as error:
        pytest.skip(str(error))
    assert found.ok, explain(found, note)
