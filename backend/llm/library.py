"""The Models page's service: what can be run, downloads, added files, and the active model.

Routers call this; it keeps the choice in ``models.json`` (:mod:`backend.llm.model_choice`),
runs one download at a time (:mod:`backend.llm.downloads`) and asks the model service to
serve another file when a person switches.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from backend.config import DEFAULT_MODEL_FILE, LLMProvider, Settings
from backend.llm import hub_download
from backend.llm.catalog import BUILTIN_ID, CatalogModel, find
from backend.llm.downloads import DownloadBusy, DownloadProgress, Downloads, Work
from backend.llm.errors import ModelUnavailable
from backend.llm.library_entries import LibraryEntry, ModelProblem, list_entries
from backend.llm.memory_fit import MemoryReader, process_memory, system_memory
from backend.llm.model_choice import (
    AddedModel,
    ModelChoice,
    added_id,
    alias_for,
    catalog_file,
    check_gguf,
    installed_path,
    read_choice,
    write_choice,
)
from backend.llm.model_store import marker_path
from backend.llm.service import ModelService

log = logging.getLogger(__name__)


class ModelLibrary:
    """Lists, downloads, adds, removes and switches models for one app."""

    def __init__(
        self,
        settings: Settings,
        models: ModelService,
        busy: Callable[[], int] = lambda: 0,
        memory: MemoryReader = system_memory,
        free_bytes: Callable[[Path], int] = lambda p: shutil.disk_usage(p).free,
    ) -> None:
        self.settings = settings
        self.models = models
        self.busy = busy
        self.memory = memory
        self.free_bytes = free_bytes
        self.downloads = Downloads(on_finished=self._finished)
        self._choice_lock = threading.Lock()
        self._stopping = False

    @property
    def dir(self) -> Path:
        return self.settings.models_dir

    def memory_now(self) -> tuple[int, int]:
        """Total RAM, and RAM free for a model: what is free plus what the running one holds."""
        total, available = self.memory()
        running = self.models.embedded.pid if self.models.embedded is not None else None
        return total, min(total, available + process_memory(running))

    def entries(self) -> list[LibraryEntry]:
        """The built-in model, the catalog, then the added files, with their states."""
        serving = self._serving()
        active = "" if self.settings.model_path is not None else None
        if serving is not None and serving.name == DEFAULT_MODEL_FILE:
            active = BUILTIN_ID  # AGENTDESK_MODEL_PATH names the built-in file
        return list_entries(self.dir, *self.memory_now(), active=active, serving=serving)

    def _serving(self) -> Path | None:
        """The file the built-in model server runs (or will run, per AGENTDESK_MODEL_PATH)."""
        if self.models.embedded is not None:
            return self.models.embedded.model
        if self.settings.llm_provider is LLMProvider.embedded:
            return self.settings.model_path
        return None

    def entry(self, model_id: str) -> LibraryEntry:
        """One entry, or a 404 problem naming the id."""
        for entry in self.entries():
            if entry.id == model_id:
                return entry
        raise ModelProblem(404, f"There is no model {model_id!r} in the list.")

    def start_download(self, model_id: str, confirm: bool = False) -> DownloadProgress:
        """Start downloading a catalog model (or assembling the built-in one) in the background."""
        entry = self.entry(model_id)
        model = find(model_id)
        if model is None:
            raise ModelProblem(
                409, f"{entry.name} was added from a file; there is nothing to download."
            )
        if entry.installed:
            raise ModelProblem(409, f"{entry.name} is already downloaded.")
        if not entry.fit.fits and not confirm:
            raise ModelProblem(409, f"{entry.fit.note} Confirm to download it anyway.")
        self.dir.mkdir(parents=True, exist_ok=True)
        need = max(0, model.size - entry.partial_bytes) + hub_download.SPARE_BYTES
        free = self.free_bytes(self.dir)
        if free < need:
            raise ModelProblem(
                507,
                f"Not enough disk space for {entry.name}: it needs about {need / 1e9:.1f} GB in "
                f"{self.dir}, {free / 1e9:.1f} GB is free. Free some space, remove a model you do "
                "not use, or set AGENTDESK_DATA_DIR to a bigger disk.",
            )
        try:
            return self.downloads.start(model.id, model.name, self._work(model))
        except DownloadBusy as error:
            raise ModelProblem(409, str(error)) from None

    def _work(self, model: CatalogModel) -> Work:
        if model.builtin:
            return self._assemble_builtin

        def fetch(progress: hub_download.Progress, cancelled: threading.Event) -> Path:
            return hub_download.download(
                self.settings.model_hub_url, model.repo, model.filename,
                catalog_file(self.dir, model), progress=progress, cancelled=cancelled,
                free_bytes=self.free_bytes,
            )  # fmt: skip

        return fetch

    def _assemble_builtin(
        self, progress: hub_download.Progress, cancelled: threading.Event
    ) -> Path:
        from backend.llm.model_fetch import ModelFetchError, ProgressEvent, fetch_model

        def report(event: ProgressEvent) -> None:
            if cancelled.is_set():
                raise hub_download.DownloadCancelled("The download was cancelled.")
            stage = "download" if event.stage == "download" else "verify"
            progress(stage, event.bytes_done, event.bytes_total)

        try:
            return fetch_model(self.dir, index_url=self.settings.model_index_url, progress=report)
        except ModelFetchError as error:
            raise hub_download.DownloadError(str(error)) from None

    def _finished(self, progress: DownloadProgress) -> None:
        # Cancel means "I don't want it": its bytes go. At shutdown they stay, to resume.
        model = find(progress.model_id)
        if progress.state == "cancelled" and not self._stopping and model and not model.builtin:
            hub_download.part_path(catalog_file(self.dir, model)).unlink(missing_ok=True)

    def add(self, path_text: str, name: str = "") -> LibraryEntry:
        """List a GGUF file from this computer (it stays where it is)."""
        try:
            path = check_gguf(path_text)
        except ValueError as error:
            raise ModelProblem(422, str(error)) from None
        with self._choice_lock:
            choice = read_choice(self.dir)
            model_id = added_id(path)
            if choice.added_model(model_id) is None:
                choice.added.append(AddedModel(model_id, name.strip() or path.stem, str(path)))
                write_choice(self.dir, choice)
        return self.entry(model_id)

    def remove(self, model_id: str) -> str:
        """Delete a downloaded model's file, or forget an added one; never the active model."""
        entry = self.entry(model_id)
        if entry.kind == "builtin":
            raise ModelProblem(409, "The built-in model cannot be removed.")
        if entry.active:
            raise ModelProblem(409, f"{entry.name} is the model in use; switch to another first.")
        running = self.downloads.status()
        if running is not None and running.running and running.model_id == model_id:
            raise ModelProblem(409, f"{entry.name} is downloading; cancel the download first.")
        with self._choice_lock:
            choice = read_choice(self.dir)
            if entry.kind == "added":
                choice.added = [a for a in choice.added if a.id != model_id]
                write_choice(self.dir, choice)
                return f"{entry.name} is no longer listed; the file stays at {entry.path}."
        target = Path(entry.path)
        if not entry.installed and not entry.partial_bytes:
            raise ModelProblem(404, f"{entry.name} is not downloaded.")
        for path in (target, marker_path(target), hub_download.part_path(target)):
            path.unlink(missing_ok=True)
        freed = max(entry.size_bytes, entry.partial_bytes) / 1e9
        return f"Removed {entry.name}; {freed:.1f} GB freed."

    async def activate(self, model_id: str, confirm: bool = False) -> str:
        """Make ``model_id`` the model AgentDesk runs, now and after a restart."""
        entry = self.entry(model_id)
        if self.settings.model_path is not None:
            raise ModelProblem(
                409,
                f"AGENTDESK_MODEL_PATH is set ({self.settings.model_path}), so AgentDesk always "
                "runs that file. Remove the setting and restart to choose models here.",
            )
        choice = read_choice(self.dir)
        path = installed_path(self.dir, model_id, choice)
        if path is None and entry.kind == "builtin" and entry.installed:
            path = Path(entry.path)  # the built-in file, there without its marker
        if path is None:
            raise ModelProblem(409, f"{entry.name} is not on this computer yet; download it first.")
        if not entry.fit.fits and not confirm:
            raise ModelProblem(409, f"{entry.fit.note} Confirm to use it anyway.")
        runs = self.busy()
        if runs:
            raise ModelProblem(
                409,
                f"{runs} run(s) are in progress. Wait for them to finish (or stop them), then "
                "switch: changing the model restarts the model server.",
            )
        previous = choice.active
        self._save_active(model_id)
        if self.settings.llm_provider is not LLMProvider.embedded:
            return (
                f"{entry.name} is chosen. AgentDesk runs it when it serves its own model "
                f"(AGENTDESK_LLM_PROVIDER=embedded; now {self.settings.llm_provider.value})."
            )
        try:
            await self.models.switch_model(path, alias_for(path))
        except ModelUnavailable as error:
            self._save_active(previous)
            await self._switch_back(previous)
            raise ModelProblem(
                502, f"{error}. AgentDesk went back to the model it ran before."
            ) from None
        return f"Now using {entry.name}."

    def _save_active(self, model_id: str) -> None:
        with self._choice_lock:
            choice: ModelChoice = read_choice(self.dir)
            choice.active = model_id
            write_choice(self.dir, choice)

    async def _switch_back(self, model_id: str) -> None:
        path = installed_path(self.dir, model_id, read_choice(self.dir))
        if path is not None:
            with suppress(ModelUnavailable):
                await self.models.switch_model(path, alias_for(path))

    def stop(self) -> None:
        """Cancel a running download (its bytes stay for the next start) and wait for it."""
        self._stopping = True
        self.downloads.cancel()
        self.downloads.wait(10)
