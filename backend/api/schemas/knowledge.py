"""``/api/knowledge``: search, documents, uploads, watched folders, ingest status."""

from __future__ import annotations

from backend.api.schemas.base import ApiModel


class SearchHit(ApiModel):
    """A passage: its text, where it comes from, its rank score and (dense modes) similarity."""

    text: str
    source: str
    name: str
    score: float
    similarity: float | None
    chunk_id: int
    document_id: int
    page: int | None
    start: int
    end: int


class SearchResults(ApiModel):
    query: str
    mode: str
    results: list[SearchHit]


class Document(ApiModel):
    """A document's state (indexed, pending, skipped, failed) and why; times are ISO 8601."""

    id: int
    path: str
    name: str
    folder: str | None
    file_type: str
    size: int
    state: str
    error: str | None
    chunk_count: int
    indexed_at: str | None
    updated_at: str


class DocumentList(ApiModel):
    documents: list[Document]
    total: int


class Chunk(ApiModel):
    """A passage of a document; ``seq`` counts from 0, ``start``/``end`` are character offsets."""

    id: int
    seq: int
    text: str
    page: int | None
    start: int
    end: int


class DocumentDetail(Document):
    chunks: list[Chunk]


class SavedFile(ApiModel):
    name: str
    path: str
    size: int


class UploadResult(ApiModel):
    files: list[SavedFile]


class ActiveFile(ApiModel):
    path: str
    stage: str


class Batch(ApiModel):
    done: int
    total: int


class StateTotals(ApiModel):
    indexed: int
    skipped: int
    failed: int
    pending: int


class RecentOutcome(ApiModel):
    """How one file's ingest ended; ``finished_at`` is a Unix time."""

    path: str
    outcome: str
    reason: str
    chunks: int
    finished_at: float


class IngestError(ApiModel):
    path: str
    reason: str


class IndexSize(ApiModel):
    documents: int
    chunks: int
    vectors: int
    generation: int


class KnowledgeStatus(ApiModel):
    """The ingest queue, the file in progress, rates, ETA, recent outcomes, errors, index."""

    queue_length: int
    active: ActiveFile | None
    batch: Batch
    files_per_second: float
    chunks_per_second: float
    eta_seconds: float | None
    totals: StateTotals
    recent: list[RecentOutcome]
    errors: list[IngestError]
    index: IndexSize


class NewFolder(ApiModel):
    """A folder just added to the watch list."""

    id: int
    path: str
    documents: int
    exists: bool


class Folder(NewFolder):
    """A watched folder; ``inbox`` marks the one uploads are saved into."""

    inbox: bool


class FolderList(ApiModel):
    folders: list[Folder]


class Reindex(ApiModel):
    queued: int
