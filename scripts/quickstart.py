"""Print one of the README's two Quick start commands (``app`` or ``test``), so CI runs
exactly what a new user is told to run."""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def quickstart_commands(text: str) -> list[str]:
    """The command lines of the first code block under the ``## Quick start`` heading."""
    section = text.split("## Quick start", 1)[1]
    block = re.search(r"```(?:bash|sh)?\n(.*?)```", section, re.DOTALL)
    if block is None:
        raise SystemExit("README.md has no code block under '## Quick start'")
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def main(argv: list[str]) -> int:
    commands = quickstart_commands(README.read_text(encoding="utf-8"))
    if len(commands) != 2:
        raise SystemExit(f"README Quick start must have exactly two commands, has {len(commands)}")
    which = argv[1] if len(argv) > 1 else "test"
    print(commands[0] if which == "app" else commands[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
