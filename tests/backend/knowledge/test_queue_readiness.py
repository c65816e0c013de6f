"""When a watched file is ready to ingest, on a fake clock: the watcher's events go through the
real handler into the real queue, and no worker runs, so nothing here depends on timing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from watchdog.events import (
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
    FileSystemEvent,
)

from backend.knowledge.ingest import Ingestor
from backend.knowledge.queue import IngestQueue
from backend.knowledge.watcher import _Handler

DEBOUNCE = 1.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def queue(clock: FakeClock) -> IngestQueue:
    return IngestQueue(Ingestor.__new__(Ingestor), debounce=DEBOUNCE, clock=clock)


def deliver(queue: IngestQueue, *events: FileSystemEvent) -> None:
    # the watched folder: the one the first event's file is in
    handler = _Handler(queue, Path(str(events[0].src_path)).parent)
    for event in events:
        handler.on_any_event(event)


def ready(queue: IngestQueue) -> list[str]:
    with queue._lock:
        return [item.path.name for item in queue._take_ready()]


def write_events(path: Path) -> list[FileSystemEvent]:
    """What inotify reports for one ``write_text``: created, opened, modified, closed."""
    raw = str(path)
    return [FileCreatedEvent(raw), FileOpenedEvent(raw), FileModifiedEvent(raw)]


def test_a_file_closed_after_writing_is_ready_without_waiting_out_the_debounce(
    queue: IngestQueue, tmp_path: Path
) -> None:
    path = tmp_path / "drop.txt"
    path.write_text("a complete file " * 100)
    deliver(queue, *write_events(path), FileClosedEvent(str(path)))
    # Before: every event armed the full debounce, so the file waited it out after its close.
    assert ready(queue) == ["drop.txt"]


def test_a_file_still_open_for_writing_waits_for_the_debounce(
    queue: IngestQueue, clock: FakeClock, tmp_path: Path
) -> None:
    path = tmp_path / "copying.txt"
    path.write_text("the first part of a copy ")
    deliver(queue, *write_events(path))
    assert ready(queue) == []
    clock.now += DEBOUNCE * 0.9
    assert ready(queue) == []
    clock.now += DEBOUNCE * 0.2
    assert ready(queue) == ["copying.txt"]


def test_a_reader_closing_the_file_does_not_make_it_ready(
    queue: IngestQueue, tmp_path: Path
) -> None:
    path = tmp_path / "read.txt"
    path.write_text("still being written by someone else")
    deliver(queue, *write_events(path), FileClosedNoWriteEvent(str(path)))
    assert ready(queue) == []


def test_writing_again_after_the_close_waits_for_the_debounce(
    queue: IngestQueue, clock: FakeClock, tmp_path: Path
) -> None:
    path = tmp_path / "log.txt"
    path.write_text("first line\n")
    deliver(queue, *write_events(path), FileClosedEvent(str(path)))
    with path.open("a") as handle:
        handle.write("second line, the file is open again\n")
    deliver(queue, FileModifiedEvent(str(path)))
    assert ready(queue) == []
    clock.now += DEBOUNCE
    assert ready(queue) == ["log.txt"]


def test_a_change_between_the_close_and_the_take_waits_for_the_debounce(
    queue: IngestQueue, clock: FakeClock, tmp_path: Path
) -> None:
    path = tmp_path / "raced.txt"
    path.write_text("closed once")
    deliver(queue, *write_events(path), FileClosedEvent(str(path)))
    # Written again before its events have arrived: the check at take time catches it.
    path.write_text("closed once, then opened and grown again")
    assert ready(queue) == []
    clock.now += DEBOUNCE
    assert ready(queue) == ["raced.txt"]


def test_a_copy_that_sets_the_original_times_after_closing_is_still_ready(
    queue: IngestQueue, tmp_path: Path
) -> None:
    source = tmp_path / "original.txt"
    source.write_text("copied with its times, as cp -p and file managers do")
    os.utime(source, (1_600_000_000, 1_600_000_000))
    target = tmp_path / "inbox-copy.txt"
    shutil.copyfile(source, target)
    deliver(queue, *write_events(target), FileClosedEvent(str(target)))
    shutil.copystat(source, target)
    deliver(queue, FileModifiedEvent(str(target)))
    assert ready(queue) == ["inbox-copy.txt"]


def test_a_download_renamed_into_place_is_ready_at_once(queue: IngestQueue, tmp_path: Path) -> None:
    partial = tmp_path / "report.txt.crdownload"
    partial.write_text("downloaded whole")
    final = tmp_path / "report.txt"
    partial.rename(final)
    deliver(queue, FileMovedEvent(str(partial), str(final)))
    assert ready(queue) == ["report.txt"]
