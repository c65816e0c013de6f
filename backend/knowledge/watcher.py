"""Watcher: follows the watched folders live (watchdog) and hands changes to the queue."""

from __future__ import annotations

import logging
from pathlib import Path

from watchdog.events import (
    DirMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
    FileSystemMovedEvent,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from backend.knowledge.files import is_ignored
from backend.knowledge.links import watched_files
from backend.knowledge.queue import IngestQueue

log = logging.getLogger(__name__)


def _as_path(raw: str | bytes) -> Path:
    return Path(raw.decode() if isinstance(raw, bytes) else raw)


class _Handler(FileSystemEventHandler):
    """Changes below one watched folder, ``root``: what counts as hidden is judged below it."""

    def __init__(self, queue: IngestQueue, root: Path) -> None:
        self.queue = queue
        self.root = root

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        path = _as_path(event.src_path)
        if isinstance(event, FileSystemMovedEvent):
            self._moved(path, _as_path(event.dest_path), isinstance(event, DirMovedEvent))
        elif event.event_type == "deleted":
            self.queue.submit(path, "delete")
        elif not event.is_directory and not is_ignored(path, self.root):
            # "closed" (inotify's close-after-write) means the writer is done: no need to
            # wait out the debounce. Other platforms send no such event and simply wait.
            self.queue.submit(path, "upsert", complete=event.event_type == "closed")
        elif event.is_directory and event.event_type == "created":
            # A folder moved in from elsewhere arrives whole, with no events for its files.
            self.queue.submit_many(self._files_in(path))

    def _files_in(self, folder: Path) -> list[Path]:
        """The files a folder below ``root`` brings in: none when it, or a folder above it,
        is hidden, and none that a link leads out of ``root``."""
        return [c for c in watched_files(self.root, folder) if not is_ignored(c, self.root)]

    def _moved(self, source: Path, destination: Path, is_directory: bool) -> None:
        if is_directory:
            self.queue.submit(source, "delete")
            self.queue.submit_many(self._files_in(destination))
        elif is_ignored(destination, self.root):
            self.queue.submit(source, "delete")
        elif is_ignored(source, self.root):
            # Editors and downloads write a temporary file, then rename it into place whole.
            self.queue.submit(destination, "upsert", complete=True)
        else:
            self.queue.submit(destination, "move", source=source)


class Watcher:
    """One watchdog observer for all watched folders."""

    def __init__(self, queue: IngestQueue) -> None:
        self.queue = queue
        self._observer: BaseObserver | None = None
        self._watches: dict[str, ObservedWatch] = {}

    def start(self, folders: list[Path]) -> None:
        self._observer = Observer()
        self._observer.daemon = True
        for folder in folders:
            self.add(folder)
        self._observer.start()

    def add(self, folder: Path) -> bool:
        """Follow ``folder``; False when it does not exist (it is scanned again later)."""
        if self._observer is None or str(folder) in self._watches or not folder.is_dir():
            return False
        handler = _Handler(self.queue, folder)
        self._watches[str(folder)] = self._observer.schedule(handler, str(folder), recursive=True)
        log.info("watching %s", folder)
        return True

    def remove(self, folder: Path) -> None:
        watch = self._watches.pop(str(folder), None)
        if watch is not None and self._observer is not None:
            self._observer.unschedule(watch)

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=10)
            self._observer = None
            self._watches.clear()
