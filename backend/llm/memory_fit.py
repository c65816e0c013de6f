"""Will a model fit in this computer's memory? Said plainly before a download or a switch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import psutil

GB = 1_000_000_000

# (total, available) bytes of RAM.
MemoryReader = Callable[[], tuple[int, int]]


def system_memory() -> tuple[int, int]:
    """Total and available RAM, as the operating system reports them now."""
    memory = psutil.virtual_memory()
    return int(memory.total), int(memory.available)


def process_memory(pid: int | None) -> int:
    """Resident bytes of process ``pid`` (0 when there is none or it is gone)."""
    if pid is None:
        return 0
    try:
        return int(psutil.Process(pid).memory_info().rss)
    except (psutil.Error, OSError):
        return 0


@dataclass(frozen=True)
class MemoryFit:
    """Whether ``needed`` bytes fit, and if not, a sentence saying by how much."""

    fits: bool
    note: str


def judge(needed: int, total: int, available: int) -> MemoryFit:
    """Compare what a model needs with the RAM there is in all and the RAM free right now.

    ``available`` should already count the memory the running model would hand back.
    """
    need, all_, free = needed / GB, total / GB, available / GB
    if needed > total:
        return MemoryFit(
            False,
            f"Won't fit: needs about {need:.1f} GB of memory, more than this computer has "
            f"({all_:.1f} GB). It would be very slow or fail to load.",
        )
    if needed > available:
        return MemoryFit(
            False,
            f"May not fit: needs about {need:.1f} GB of memory and {free:.1f} GB of "
            f"{all_:.1f} GB is free now. Close other programs first, or it may be slow or "
            "fail to load.",
        )
    return MemoryFit(True, f"Fits: needs about {need:.1f} GB, {free:.1f} GB free.")
