"""What the Models page shows, built from ``GET /api/models``: one card per model.

Pure functions only, so the tests check them without a server.
"""

from __future__ import annotations

import dataclasses

from backend.api.schemas.models import ModelCatalog, ModelDownloadStatus, ModelEntry

STATUS_COLORS = {
    "active": "green",
    "installed": "blue",
    "downloading": "blue",
    "verifying": "blue",
    "failed": "red",
    "available": "gray",
    "missing": "red",
}


@dataclasses.dataclass
class ModelCard:
    """One model's card: what it is, what it costs, where it stands and what can be done."""

    id: str = ""
    name: str = ""
    kind: str = ""
    description: str = ""
    size: str = ""
    memory: str = ""
    license: str = ""
    source: str = ""
    status: str = "available"
    status_label: str = ""
    status_color: str = "gray"
    fits: bool = True
    fit_note: str = ""
    downloading: bool = False
    percent: int = 0
    progress_text: str = ""
    error: str = ""
    can_download: bool = False
    can_activate: bool = False
    can_remove: bool = False


def gigabytes(count: int) -> str:
    """``2_100_000_000`` → ``"2.1 GB"``; small files in MB."""
    if count < 100_000_000:
        return f"{count / 1e6:.0f} MB" if count else "—"
    return f"{count / 1e9:.1f} GB"


def clock(seconds: float | None) -> str:
    """Time left as ``1 h 05 min``, ``3 min 20 s`` or ``40 s``; ``—`` when unknown."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def progress_words(download: ModelDownloadStatus) -> str:
    """``41% · 0.9 of 2.1 GB · 12.3 MB/s · 1 min 40 s left`` (checking: just the percent)."""
    done = f"{download.percent:.0f}% · {gigabytes(download.bytes_done)} of "
    done += gigabytes(download.bytes_total)
    if download.state == "verifying":
        return f"Checking the file: {download.percent:.0f}%"
    if not download.speed:
        return done
    return f"{done} · {download.speed / 1e6:.1f} MB/s · {clock(download.eta_seconds)} left"


def _status(
    entry: ModelEntry, download: ModelDownloadStatus | None, serving: bool
) -> tuple[str, str]:
    if download is not None and download.model_id == entry.id:
        if download.state in ("downloading", "verifying"):
            return download.state, "Checking" if download.state == "verifying" else "Downloading"
        if download.state == "failed" and not entry.installed:
            return "failed", "Download failed"
    if entry.active:
        # "In use" only when AgentDesk runs it; otherwise it is what it would run.
        return "active", "In use" if serving and entry.installed else "Chosen"
    if entry.installed:
        return "installed", "Installed"
    if entry.kind == "added":
        return "missing", "File missing"
    if entry.partial_bytes:
        return "available", f"Paused at {gigabytes(entry.partial_bytes)}"
    return "available", "Not downloaded"


def to_card(
    entry: ModelEntry, download: ModelDownloadStatus | None, busy: bool, serving: bool = True
) -> ModelCard:
    """The card for ``entry``; ``busy`` while any download runs, ``serving`` when AgentDesk
    runs its own model (not another model server)."""
    status, label = _status(entry, download, serving)
    mine = download is not None and download.model_id == entry.id
    running = mine and status in ("downloading", "verifying")
    if entry.kind == "builtin":
        source = "Ships with AgentDesk (assembled from Python packages)"
    elif entry.kind == "added":
        source = entry.path
    else:
        source = f"huggingface.co/{entry.repo}"
    return ModelCard(
        id=entry.id,
        name=entry.name,
        kind=entry.kind,
        description=entry.description,
        size=gigabytes(entry.size_bytes),
        memory=gigabytes(entry.memory_bytes),
        license=entry.license,
        source=source,
        status=status,
        status_label=label,
        status_color=STATUS_COLORS.get(status, "gray"),
        fits=entry.fits,
        fit_note=entry.fit_note,
        downloading=running,
        percent=int(download.percent) if running and download is not None else 0,
        progress_text=progress_words(download) if running and download is not None else "",
        error=download.error if mine and download is not None and status == "failed" else "",
        can_download=entry.kind != "added" and not entry.installed and not busy,
        can_activate=entry.installed and not entry.active,
        can_remove=entry.removable and not running,
    )


def to_cards(catalog: ModelCatalog) -> list[ModelCard]:
    """Every model's card, in the API's order (the built-in model first)."""
    download = catalog.download
    busy = download is not None and download.state in ("downloading", "verifying")
    serving = catalog.provider == "embedded" and not catalog.note
    return [to_card(entry, download, busy, serving) for entry in catalog.models]


def memory_words(catalog: ModelCatalog) -> str:
    """``This computer: 16.0 GB of memory, 9.2 GB free for a model.``"""
    total = catalog.memory_total_bytes / 1e9
    free = catalog.memory_available_bytes / 1e9
    return f"This computer: {total:.1f} GB of memory, {free:.1f} GB free for a model."
