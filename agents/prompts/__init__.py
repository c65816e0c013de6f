"""Prompt texts live in files beside this module so they can be read and edited as text."""

from __future__ import annotations

from functools import cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent


@cache
def load(name: str) -> str:
    """The prompt ``name`` (file ``<name>.txt`` in this folder), stripped."""
    return (PROMPTS_DIR / f"{name}.txt").read_text(encoding="utf-8").strip()
