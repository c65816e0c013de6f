"""The Models page's service: adding files, fitting in memory, removing, and switching the
model the server child runs (the fake OpenAI server stands in for llama.cpp)."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from backend.config import DEFAULT_MODEL_FILE
from backend.llm import embedded
from backend.llm.catalog import BUILTIN_ID, GB, find
from backend.llm.library import ModelLibrary
from backend.llm.library_entries import ModelProblem
from backend.llm.model_choice import CHOICE_FILE, ModelChoice, added_id, read_choice
from backend.llm.service import ModelService, ModelState
from tests.conftest import SettingsFactory

PLENTY = (64 * GB, 60 * GB)


def gguf(path: Path, size: int = 64) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"GGUF" + b"\0" * size)
    return path


@pytest.fixture
def library(make_settings: SettingsFactory) -> ModelLibrary:
    settings = make_settings()
    return ModelLibrary(settings, ModelService(settings), memory=lambda: PLENTY)


def test_the_built_in_model_comes_first_then_the_catalog(library: ModelLibrary) -> None:
    entries = library.entries()
    assert entries[0].id == BUILTIN_ID and entries[0].kind == "builtin"
    names = " ".join(entry.name for entry in entries)
    for family in ("Qwen2.5 1.5B", "Qwen2.5 3B", "Qwen2.5 7B", "Llama 3.2 3B", "Phi-3.5 mini"):
        assert family in names
    assert all(entry.repo and entry.filename.endswith(".gguf") for entry in entries[1:])
    assert entries[0].active and not entries[0].removable


def test_the_built_in_file_in_the_models_folder_counts_as_installed(
    make_settings: SettingsFactory,
) -> None:
    """Started with AGENTDESK_MODEL_PATH at the built-in file in the models folder (no
    verification marker beside it): the card must not offer to download the model in use."""
    settings = make_settings(llm_provider="embedded")
    target = gguf(settings.models_dir / DEFAULT_MODEL_FILE)
    for model_path in (target, None):
        library = ModelLibrary(
            make_settings(llm_provider="embedded", model_path=model_path),
            ModelService(settings),
            memory=lambda: PLENTY,
        )
        builtin = library.entry(BUILTIN_ID)
        assert builtin.installed and builtin.active, model_path
        with pytest.raises(ModelProblem) as raised:
            library.start_download(BUILTIN_ID)
        assert raised.value.status == 409 and library.downloads.status() is None


def test_the_built_in_model_being_served_counts_as_installed(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    """The model server runs the built-in file from elsewhere: still installed and in use."""
    served = gguf(tmp_path / "elsewhere" / DEFAULT_MODEL_FILE)
    settings = make_settings(llm_provider="embedded", model_path=served)
    models = ModelService(settings)
    models.embedded = embedded.EmbeddedServer(served, n_ctx=512, threads=1, alias="x")
    library = ModelLibrary(settings, models, memory=lambda: PLENTY)
    builtin = library.entry(BUILTIN_ID)
    assert builtin.installed and builtin.active and not builtin.removable
    other = make_settings(llm_provider="embedded", model_path=gguf(tmp_path / "mine.gguf"))
    assert (
        not ModelLibrary(other, ModelService(other), memory=lambda: PLENTY)
        .entry(BUILTIN_ID)
        .installed
    )


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("missing.gguf", None, "There is no file"),
        ("model.bin", b"GGUF....", "not a .gguf file"),
        ("fake.gguf", b"PK\x03\x04 a zip", "not a GGUF model file"),
    ],
)
def test_adding_a_file_checks_it_is_a_gguf(
    library: ModelLibrary, tmp_path: Path, name: str, content: bytes | None, problem: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ModelProblem, match=problem) as raised:
        library.add(str(path))
    assert raised.value.status == 422
    assert read_choice(library.dir).added == []


def test_a_relative_path_is_refused(library: ModelLibrary) -> None:
    with pytest.raises(ModelProblem, match="not a full path"):
        library.add("models/mine.gguf")


def test_an_added_file_is_listed_and_remembered(library: ModelLibrary, tmp_path: Path) -> None:
    path = gguf(tmp_path / "My-Model.Q4.gguf", 10_000)
    entry = library.add(str(path), name="Mine")
    assert (entry.kind, entry.name, entry.installed, entry.size_bytes) == (
        "added",
        "Mine",
        True,
        10_004,
    )
    saved = json.loads((library.dir / CHOICE_FILE).read_text())
    assert saved["added"][0]["path"] == str(path)
    assert library.add(str(path)).id == entry.id  # the same file is listed once
    assert len(read_choice(library.dir).added) == 1


def test_a_model_that_does_not_fit_needs_a_confirmation(make_settings: SettingsFactory) -> None:
    settings = make_settings()
    small = ModelLibrary(settings, ModelService(settings), memory=lambda: (4 * GB, 3 * GB))
    entries = {entry.id: entry for entry in small.entries()}
    big = entries["qwen2.5-7b-instruct"]
    assert not big.fit.fits and big.fit.note.startswith("Won't fit")
    assert "6.0 GB" in big.fit.note and "4.0 GB" in big.fit.note
    tight = entries["qwen2.5-3b-instruct"]
    assert not tight.fit.fits and tight.fit.note.startswith("May not fit")
    assert entries[BUILTIN_ID].fit.fits
    with pytest.raises(ModelProblem, match="Confirm to download it anyway") as raised:
        small.start_download("qwen2.5-7b-instruct")
    assert raised.value.status == 409 and small.downloads.status() is None


def test_the_running_model_counts_as_memory_a_switch_frees(
    make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings()
    library = ModelLibrary(settings, ModelService(settings), memory=lambda: (8 * GB, 1 * GB))
    assert library.memory_now() == (8 * GB, 1 * GB)
    monkeypatch.setattr("backend.llm.library.process_memory", lambda pid: 2 * GB)
    assert library.memory_now() == (8 * GB, 3 * GB)


def test_too_little_disk_space_is_refused_up_front(make_settings: SettingsFactory) -> None:
    settings = make_settings()
    library = ModelLibrary(
        settings, ModelService(settings), memory=lambda: PLENTY, free_bytes=lambda _p: GB
    )
    with pytest.raises(ModelProblem, match="Not enough disk space") as raised:
        library.start_download("qwen2.5-7b-instruct")
    assert raised.value.status == 507


def test_the_built_in_and_the_active_model_cannot_be_removed(
    library: ModelLibrary, tmp_path: Path
) -> None:
    with pytest.raises(ModelProblem, match="built-in model cannot be removed"):
        library.remove(BUILTIN_ID)
    path = gguf(tmp_path / "mine.gguf")
    model_id = library.add(str(path)).id
    choice = read_choice(library.dir)
    choice.active = model_id
    from backend.llm.model_choice import write_choice

    write_choice(library.dir, choice)
    with pytest.raises(ModelProblem, match="switch to another first"):
        library.remove(model_id)


def test_removing_an_added_file_forgets_it_but_keeps_the_file(
    library: ModelLibrary, tmp_path: Path
) -> None:
    path = gguf(tmp_path / "mine.gguf")
    model_id = library.add(str(path)).id
    assert "stays at" in library.remove(model_id)
    assert path.is_file() and read_choice(library.dir).added == []


def test_removing_a_downloaded_model_deletes_its_file(library: ModelLibrary) -> None:
    target = gguf(library.dir / "qwen2.5-3b-instruct-q4_k_m.gguf")
    (library.dir / (target.name + ".sha256")).write_text("x  y\n")
    entry = library.entry("qwen2.5-3b-instruct")
    assert entry.installed and entry.removable
    library.remove("qwen2.5-3b-instruct")
    assert not target.exists() and not library.entry("qwen2.5-3b-instruct").installed


def fake_model_server(model: Path, port: int, n_ctx: int, threads: int, alias: str) -> list[str]:
    """The fake OpenAI server, started the way llama.cpp is, naming the file it was given."""
    return [
        sys.executable, "-m", "backend.llm.fake_server", "--port", str(port),
        "--model", model.name,
    ]  # fmt: skip


@pytest.fixture
async def serving(
    make_settings: SettingsFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[ModelLibrary, Path, Path]]:
    """The embedded provider, started on an added file; a second added file to switch to."""
    monkeypatch.setattr(embedded, "server_command", fake_model_server)
    settings = make_settings(llm_provider="embedded", llm_model="")
    first, second = gguf(tmp_path / "first.gguf"), gguf(tmp_path / "second.gguf")
    from backend.llm.model_choice import AddedModel, write_choice

    added = [AddedModel(added_id(p), p.stem, str(p)) for p in (first, second)]
    write_choice(settings.models_dir, ModelChoice(added_id(first), added))
    models = ModelService(settings)
    await models.start()
    while models.state is not ModelState.ready:
        assert models.state is not ModelState.down, models.detail
        await asyncio.sleep(0.1)
    library = ModelLibrary(settings, models, memory=lambda: PLENTY)
    yield library, first, second
    await models.stop()


async def test_start_up_serves_the_saved_choice(
    serving: tuple[ModelLibrary, Path, Path],
) -> None:
    library, first, _second = serving
    assert await library.models.client().list_models() == [first.name]


async def test_activating_restarts_the_server_child_with_the_new_file(
    serving: tuple[ModelLibrary, Path, Path],
) -> None:
    library, _first, second = serving
    before = library.models.embedded.pid if library.models.embedded else None
    message = await library.activate(added_id(second))
    assert message == "Now using second."
    assert library.models.embedded is not None and library.models.embedded.pid != before
    assert library.models.embedded.model == second
    assert await library.models.client().list_models() == [second.name]
    assert read_choice(library.dir).active == added_id(second)


async def test_switching_is_refused_while_runs_are_in_progress(
    serving: tuple[ModelLibrary, Path, Path],
) -> None:
    library, first, second = serving
    library.busy = lambda: 2
    with pytest.raises(ModelProblem, match="2 run\\(s\\) are in progress") as raised:
        await library.activate(added_id(second))
    assert raised.value.status == 409
    assert await library.models.client().list_models() == [first.name]
    assert read_choice(library.dir).active == added_id(first)


async def test_a_model_that_fails_to_load_is_switched_back(
    serving: tuple[ModelLibrary, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    library, first, second = serving

    def broken_for_second(model: Path, port: int, *rest: object) -> list[str]:
        if model == second:
            return [sys.executable, "-c", "raise SystemExit('cannot load this model')"]
        return fake_model_server(model, port, 0, 0, "")

    monkeypatch.setattr(embedded, "server_command", broken_for_second)
    with pytest.raises(ModelProblem, match="went back") as raised:
        await library.activate(added_id(second))
    assert raised.value.status == 502
    assert read_choice(library.dir).active == added_id(first)
    assert await library.models.client().list_models() == [first.name]


async def test_a_health_restart_waiting_for_a_switch_does_not_restart_again(
    serving: tuple[ModelLibrary, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    library, _first, second = serving
    restarts: list[Path] = []
    original = embedded.EmbeddedServer.restart

    async def counted(self: embedded.EmbeddedServer, timeout: float = 180.0) -> None:
        restarts.append(self.model)
        await original(self, timeout)

    monkeypatch.setattr(embedded.EmbeddedServer, "restart", counted)
    await asyncio.gather(library.activate(added_id(second)), library.models.restart())
    assert restarts == [second]
    assert await library.models.client().list_models() == [second.name]


@pytest.mark.parametrize("how", ["cancel", "shutdown"])
def test_cancel_deletes_what_arrived_but_shutdown_keeps_it(
    make_settings: SettingsFactory, how: str
) -> None:
    from tests.fake_hub import FakeHub

    hub = FakeHub(hold_after=128 * 1024).start()
    try:
        model = find("qwen2.5-3b-instruct")
        assert model is not None
        hub.add(model.repo, model.filename, b"GGUF" + b"\1" * 400_000)
        settings = make_settings(model_hub_url=hub.url)
        library = ModelLibrary(settings, ModelService(settings), memory=lambda: PLENTY)
        library.start_download(model.id)
        part = library.dir / (model.filename + ".part")
        while not (part.is_file() and part.stat().st_size >= 128 * 1024):
            running = library.downloads.status()
            assert running is not None and running.running, running
            threading.Event().wait(0.02)
        if how == "cancel":
            library.downloads.cancel()
            hub.released.set()
            ended = library.downloads.wait(10)
        else:
            threading.Timer(0.2, hub.released.set).start()
            library.stop()
            ended = library.downloads.status()
        assert ended is not None and ended.state == "cancelled"
        assert part.exists() is (how == "shutdown")
        assert not (library.dir / model.filename).exists()
    finally:
        hub.stop()
