"""One row of the fault table per fault: trials, outcome, integrity, and what was lost."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.faultkit.checks import Findings


@dataclass
class FaultResult:
    """How one fault went over all its trials."""

    fault: str
    trials: int = 0
    passed: int = 0
    notes: list[str] = field(default_factory=list)
    integrity: list[str] = field(default_factory=list)  # "ok" per trial, or the problem
    lost: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, findings: Findings, note: str = "") -> None:
        """Record one trial."""
        self.trials += 1
        self.passed += int(findings.ok)
        if note:
            self.notes.append(note)
        self.integrity.append("ok" if findings.integrity_ok else "FAILED")
        self.lost += findings.lost + findings.doubled
        self.problems += findings.problems

    @property
    def ok(self) -> bool:
        return self.trials > 0 and self.passed == self.trials

    def row(self) -> list[str]:
        integrity = "ok" if all(i == "ok" for i in self.integrity) else "FAILED"
        outcome = f"{self.passed}/{self.trials} passed"
        if self.notes:
            outcome += "; " + self.notes[-1]
        lost = "nothing" if not self.lost else f"{len(self.lost)}: {self.lost[0]}"
        return [self.fault, str(self.trials), outcome, integrity, lost]


HEADERS = ("fault", "trials", "outcome", "integrity", "lost")


def table(results: Sequence[FaultResult]) -> str:
    """The results as a plain-text table, columns padded to their widest cell."""
    cells = [list(HEADERS)] + [r.row() for r in results]
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEADERS))]
    lines = []
    for index, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def details(results: Sequence[FaultResult]) -> str:
    """Every problem and loss, for the lines under the table."""
    lines = []
    for result in results:
        for problem in result.problems + result.lost:
            lines.append(f"{result.fault}: {problem}")
    return "\n".join(lines)
