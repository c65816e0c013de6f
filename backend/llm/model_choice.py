"""Which model AgentDesk runs, and the GGUF files people added: ``<models_dir>/models.json``.

Written atomically, read at every start, so the choice made on the Models page survives a
restart. A missing or damaged file means the built-in model and no added files.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from backend.llm.catalog import BUILTIN_ALIAS, BUILTIN_ID, CatalogModel, find
from backend.llm.model_parts import DEFAULT_SPEC
from backend.llm.model_store import is_verified, marker_path, write_atomically

log = logging.getLogger(__name__)

CHOICE_FILE = "models.json"
GGUF_MAGIC = b"GGUF"


@dataclass(frozen=True)
class AddedModel:
    """A GGUF file someone added by its path; AgentDesk never moves or deletes it."""

    id: str
    name: str
    path: str


@dataclass
class ModelChoice:
    """The active model's id and the files added by hand."""

    active: str = BUILTIN_ID
    added: list[AddedModel] = field(default_factory=list)

    def added_model(self, model_id: str) -> AddedModel | None:
        return next((model for model in self.added if model.id == model_id), None)


def read_choice(models_dir: Path) -> ModelChoice:
    """The saved choice; the defaults when there is none or it cannot be read."""
    path = models_dir / CHOICE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        added = [AddedModel(str(a["id"]), str(a["name"]), str(a["path"])) for a in data["added"]]
        return ModelChoice(str(data["active"]), added)
    except FileNotFoundError:
        return ModelChoice()
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("ignoring unreadable %s (%s); using the built-in model", path, error)
        return ModelChoice()


def write_choice(models_dir: Path, choice: ModelChoice) -> None:
    """Save the choice so that a crash leaves the old file or the new one, never half."""
    models_dir.mkdir(parents=True, exist_ok=True)
    body = {"active": choice.active, "added": [asdict(model) for model in choice.added]}
    write_atomically(models_dir / CHOICE_FILE, json.dumps(body, indent=2) + "\n")


def added_id(path: Path) -> str:
    """A stable id for an added file: its name plus a hash of its full path."""
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:8]
    return f"file-{path.stem.lower()[:40]}-{digest}"


def check_gguf(text: str) -> Path:
    """The path, made absolute, when it names a readable GGUF file; ValueError says why not."""
    if not text.strip():
        raise ValueError("Enter the full path of a .gguf file.")
    path = Path(text.strip()).expanduser()
    if not path.is_absolute():
        raise ValueError(f"{text.strip()} is not a full path; give it from the drive or / on.")
    if path.suffix.lower() != ".gguf":
        raise ValueError(f"{path.name} is not a .gguf file; AgentDesk runs GGUF models only.")
    if not path.is_file():
        raise ValueError(f"There is no file at {path}.")
    try:
        with path.open("rb") as stream:
            magic = stream.read(len(GGUF_MAGIC))
    except OSError as error:
        raise ValueError(f"{path} cannot be read: {error.strerror or error}") from None
    if magic != GGUF_MAGIC:
        raise ValueError(f"{path.name} is named .gguf but is not a GGUF model file.")
    return path


def catalog_file(models_dir: Path, model: CatalogModel) -> Path:
    """Where a catalog model lives once downloaded."""
    return models_dir / model.filename


def installed_path(models_dir: Path, model_id: str, choice: ModelChoice) -> Path | None:
    """The file of ``model_id`` when it is on disk and verified (added files: when present)."""
    added = choice.added_model(model_id)
    if added is not None:
        path = Path(added.path)
        return path if path.is_file() else None
    model = find(model_id)
    if model is None:
        return None
    path = catalog_file(models_dir, model)
    if model.builtin:
        return path if is_verified(path, DEFAULT_SPEC) else None
    return path if path.is_file() and marker_path(path).is_file() else None


def chosen_model_path(models_dir: Path) -> Path | None:
    """The model picked on the Models page, when it is not the built-in one and is usable."""
    choice = read_choice(models_dir)
    if choice.active == BUILTIN_ID:
        return None
    path = installed_path(models_dir, choice.active, choice)
    if path is None:
        log.warning("the chosen model %s is not on disk; using the built-in one", choice.active)
    return path


def alias_for(path: Path) -> str:
    """The name the model server reports for ``path`` (the built-in one keeps its own)."""
    if path.name == DEFAULT_SPEC.filename:
        return BUILTIN_ALIAS
    return path.stem.lower()
