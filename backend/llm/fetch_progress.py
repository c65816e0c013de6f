"""Progress reports from the model fetch, and a renderer that draws them on a console."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TextIO

Stage = Literal["download", "verify", "join", "done"]

LABELS: dict[str, str] = {
    "download": "Downloading",
    "verify": "Verifying",
    "join": "Joining",
    "done": "Done",
}


@dataclass(frozen=True)
class ProgressEvent:
    """Where the fetch is: bytes of the current stage, and which part (1-based, 0 for none)."""

    stage: Stage
    bytes_done: int
    bytes_total: int
    part: int = 0
    parts_total: int = 0


ProgressCallback = Callable[[ProgressEvent], None]


class ConsoleProgress:
    """Draws progress as one self-updating line, or as a line every few seconds off a terminal.

    Each line shows the stage, part, a bar, percent, MB done/total, speed and time left.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        interactive: bool | None = None,
        redraw_every: float = 0.1,
        line_every: float = 5.0,
    ) -> None:
        self._stream = stream if stream is not None else sys.stderr
        isatty = getattr(self._stream, "isatty", lambda: False)
        self._interactive = isatty() if interactive is None else interactive
        self._every = redraw_every if self._interactive else line_every
        self._stage: str = ""
        self._started = 0.0
        self._first_bytes = 0
        self._last_draw = 0.0
        self._width = 0

    def __call__(self, event: ProgressEvent) -> None:
        """Take one event; draw it unless the last drawing was very recent."""
        now = time.monotonic()
        if event.stage != self._stage:
            self._end_line()
            self._stage = event.stage
            self._started = now
            self._first_bytes = event.bytes_done
            self._last_draw = 0.0
        if event.stage == "done":
            self._stream.write(f"Model ready ({event.bytes_total / 1e6:,.1f} MB).\n")
            self._stream.flush()
            return
        finished = event.bytes_total > 0 and event.bytes_done >= event.bytes_total
        if not finished and now - self._last_draw < self._every:
            return
        self._last_draw = now
        self._draw(event, now - self._started)

    def _draw(self, event: ProgressEvent, elapsed: float) -> None:
        label = LABELS.get(event.stage, event.stage)
        if event.part and event.parts_total:
            label += f" part {event.part}/{event.parts_total}"
        total = max(event.bytes_total, 0)
        fraction = min(event.bytes_done / total, 1.0) if total else 0.0
        speed = (event.bytes_done - self._first_bytes) / elapsed if elapsed > 0 else 0.0
        left = (total - event.bytes_done) / speed if speed > 0 and total else None
        numbers = (
            f"{fraction:4.0%}  {event.bytes_done / 1e6:,.1f}/{total / 1e6:,.1f} MB  "
            f"{speed / 1e6:5.1f} MB/s  ETA {_clock(left)}"
        )
        if not self._interactive:
            self._stream.write(f"{label}: {numbers}\n")
            self._stream.flush()
            return
        columns = shutil.get_terminal_size((80, 20)).columns
        bar_width = max(10, min(30, columns - len(label) - len(numbers) - 6))
        filled = int(fraction * bar_width)
        line = f"{label} [{'#' * filled}{'-' * (bar_width - filled)}] {numbers}"[: columns - 1]
        self._stream.write("\r" + line.ljust(self._width))
        self._stream.flush()
        self._width = len(line)

    def _end_line(self) -> None:
        if self._interactive and self._width:
            self._stream.write("\n")
            self._stream.flush()
        self._width = 0


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
