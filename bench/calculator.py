"""What the calculator's bounds cost, and why it needs no process of its own: the slowest
input of each kind (everyday, refused as too costly, 1,000 characters of junk) against the
raw step one refused input stands for, and against starting a Python process.

    python bench/calculator.py            # 50 rounds of each input
    python bench/calculator.py --quick    # 5 rounds

Prints the slowest input of each kind in ms, ``raw round(5, -10**6)`` (a hundredth of the
exponent of the issue's ``round(5, -10**8)``), ``process start`` and
``ratio slowest calculator call/process start``: below 1, a process per call would cost more
than any calculation the bounds let through.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.tools.calculator import calculate
from agents.tools.registry import ToolError
from bench.common import print_table
from tests.agents.tools.test_calculator import HOSTILE
from tests.agents.tools.test_calculator_phrasing import EVERYDAY

JUNK = [
    pattern * (1000 // len(pattern))
    for pattern in [
        *["1!", "(1)", ")%", "1,000", "increase 1 by ", "x", "max(", "? ", "1 "],
        *["seven hundred and ", "twenty-one, ", "add up 1, "],
    ]
]
LARGEST = ["factorial(449)", "max(" + ",".join(["10**999"] * 40) + ")", "2**3321 // 7**1000"]


def slowest(inputs: list[str], rounds: int) -> tuple[float, str]:
    """The slowest input's mean ms per call, and the input."""
    timings = []
    for text in inputs:
        started = time.perf_counter()
        for _ in range(rounds):
            with contextlib.suppress(ToolError):
                calculate(text)
        timings.append(((time.perf_counter() - started) / rounds * 1000, text))
    return max(timings)


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds instead of 50")
    rounds = 5 if parser.parse_args().quick else 50
    kinds = {
        "everyday": [text for text, _ in EVERYDAY],
        "largest allowed": LARGEST,
        "refused as costly": [text for text, _ in HOSTILE],
        "1,000 chars of junk": JUNK,
    }
    rows = [(kind, *slowest(inputs, rounds)) for kind, inputs in kinds.items()]
    raw = timed(lambda: round(5, -(10**6)))
    process = min(timed(lambda: subprocess.run([sys.executable, "-c", "pass"])) for _ in range(3))
    print_table(
        ["kind", "slowest ms", "input"],
        [[kind, f"{ms:.2f}", text[:40]] for kind, ms, text in rows],
    )
    worst = max(ms for _, ms, _ in rows)
    print(f"raw round(5, -10**6): {raw:.1f} ms")
    print(f"process start: {process:.1f} ms")
    print(f"ratio slowest calculator call/process start: {worst / process:.3f}")


if __name__ == "__main__":
    main()
