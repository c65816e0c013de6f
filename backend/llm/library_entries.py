"""The rows of the Models page: each model with its size, memory, state and whether it fits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from backend.llm.catalog import CATALOG, estimate_memory
from backend.llm.hub_download import part_path
from backend.llm.memory_fit import MemoryFit, judge
from backend.llm.model_choice import catalog_file, installed_path, read_choice


class ModelProblem(Exception):
    """A request the Models page cannot carry out; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class LibraryEntry:
    """One model as the Models page shows it."""

    id: str
    name: str
    kind: str  # builtin | catalog | added
    repo: str
    filename: str
    path: str
    size_bytes: int
    memory_bytes: int
    license: str
    description: str
    installed: bool
    active: bool
    partial_bytes: int
    fit: MemoryFit

    @property
    def removable(self) -> bool:
        return (
            self.kind != "builtin"
            and not self.active
            and (self.installed or bool(self.partial_bytes))
        )


def list_entries(
    models_dir: Path,
    total: int,
    available: int,
    active: str | None = None,
    serving: Path | None = None,
) -> list[LibraryEntry]:
    """The built-in model, the catalog, then the added files. ``active`` overrides the saved
    choice ("" when a setting, not the page, decides the model); ``serving`` is the file the
    model server runs, which is on disk whatever its marker says."""
    choice = read_choice(models_dir)
    active = choice.active if active is None else active
    found: list[LibraryEntry] = []
    for model in CATALOG:
        target = catalog_file(models_dir, model)
        path = installed_path(models_dir, model.id, choice)
        if model.builtin and path is None:
            # The built-in file in the models folder without its verification marker (placed
            # by hand, or named by AGENTDESK_MODEL_PATH): there, so never offered for download.
            served = serving is not None and serving.name == model.filename
            path = target if target.is_file() else serving if served else None
        part = part_path(target)
        found.append(
            LibraryEntry(
                model.id, model.name, "builtin" if model.builtin else "catalog",
                model.repo, model.filename, str(target), model.size, model.memory,
                model.license, model.description, path is not None, model.id == active,
                part.stat().st_size if part.is_file() else 0,
                judge(model.memory, total, available),
            )
        )  # fmt: skip
    for added in choice.added:
        file = Path(added.path)
        size = file.stat().st_size if file.is_file() else 0
        need = estimate_memory(size)
        description = "Added from your computer." if size else "The file is missing."
        found.append(
            LibraryEntry(
                added.id, added.name, "added", "", file.name, added.path, size, need,
                "see the model's own page", description, size > 0, added.id == active, 0,
                judge(need, total, available),
            )
        )  # fmt: skip
    return found
