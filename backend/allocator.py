"""Keep the C allocator from holding on to memory the embedding model has given back.

Each embedding call allocates tensors whose size depends on the batch: its number of texts
and its longest text. glibc serves big blocks with ``mmap`` and returns them on free, but each
time one is freed it raises that threshold, so later blocks of that size come from the heap,
where a freed block of one shape rarely fits the next: the process keeps them all. Encoding
1,600 batches of random shapes grew RSS by about 630 MB that way, and by 33 MB with the
threshold fixed at 128 KiB (``bench/allocator.py``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

# mallopt(3) parameter numbers in glibc's malloc.h.
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 128 * 1024

_tuned = False


def tune_allocator() -> bool:
    """Fix glibc's mmap threshold (Linux only); True when it is in effect. Idempotent."""
    global _tuned
    if _tuned:
        return True
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c") or "libc.so.6"
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        # Not glibc (musl has no mallopt): nothing to tune.
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    if mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) != 1:
        log.warning("could not set the allocator's mmap threshold")
        return False
    _tuned = True
    return True
