"""The models a person can pick on the Models page: the built-in one and a few GGUF chat models.

Sizes and memory are the figures people compare before choosing; the download itself trusts
the hub: it asks it for the file's size and sha256 (its LFS oid) and checks the bytes against
that. ``sha256`` here is only filled in where the value is known without asking.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.config import DEFAULT_MODEL_FILE, DEFAULT_MODEL_SHA256, DEFAULT_MODEL_SIZE

BUILTIN_ID = "builtin"
# The name the model server reports for the built-in model.
BUILTIN_ALIAS = "qwen2.5-coder-1.5b-instruct"
GB = 1_000_000_000


@dataclass(frozen=True)
class CatalogModel:
    """One model on offer: where the hub keeps its file and what it costs to run."""

    id: str
    name: str
    repo: str
    filename: str
    size: int  # bytes to download (the hub's own figure is used for the actual download)
    memory: int  # bytes of RAM the model server needs with AgentDesk's 4096-token context
    license: str
    description: str
    sha256: str | None = None

    @property
    def builtin(self) -> bool:
        """The model that ships with AgentDesk (assembled from packages, not downloaded)."""
        return self.id == BUILTIN_ID


CATALOG: tuple[CatalogModel, ...] = (
    CatalogModel(
        id=BUILTIN_ID,
        name="Built-in: Qwen2.5-Coder 1.5B Instruct",
        repo="",
        filename=DEFAULT_MODEL_FILE,
        size=DEFAULT_MODEL_SIZE,
        memory=int(2.0 * GB),  # measured: ~2.0 GB resident while serving
        license="Apache-2.0",
        description="Ships with AgentDesk. Quick on any computer; good at code and tools.",
        sha256=DEFAULT_MODEL_SHA256,
    ),
    CatalogModel(
        id="qwen2.5-1.5b-instruct",
        name="Qwen2.5 1.5B Instruct",
        repo="Qwen/Qwen2.5-1.5B-Instruct-GGUF",
        filename="qwen2.5-1.5b-instruct-q4_k_m.gguf",
        size=int(1.12 * GB),
        memory=int(2.0 * GB),
        license="Apache-2.0",
        description="Same size as the built-in model, tuned for general chat rather than code.",
    ),
    CatalogModel(
        id="qwen2.5-3b-instruct",
        name="Qwen2.5 3B Instruct",
        repo="Qwen/Qwen2.5-3B-Instruct-GGUF",
        filename="qwen2.5-3b-instruct-q4_k_m.gguf",
        size=int(2.10 * GB),
        memory=int(3.2 * GB),
        license="Qwen Research License (non-commercial)",
        description="Twice the size: better answers and tool use, about half the speed.",
    ),
    CatalogModel(
        id="llama-3.2-3b-instruct",
        name="Llama 3.2 3B Instruct",
        repo="bartowski/Llama-3.2-3B-Instruct-GGUF",
        filename="Llama-3.2-3B-Instruct-Q4_K_M.gguf",
        size=int(2.02 * GB),
        memory=int(3.2 * GB),
        license="Llama 3.2 Community License",
        description="Meta's small model; fluent English writing and summaries.",
    ),
    CatalogModel(
        id="phi-3.5-mini-instruct",
        name="Phi-3.5 mini Instruct",
        repo="bartowski/Phi-3.5-mini-instruct-GGUF",
        filename="Phi-3.5-mini-instruct-Q4_K_M.gguf",
        size=int(2.39 * GB),
        memory=int(4.4 * GB),  # no grouped-query attention: its context cache is large
        license="MIT",
        description="Microsoft's 3.8B model; strong reasoning for its size.",
    ),
    CatalogModel(
        id="qwen2.5-7b-instruct",
        name="Qwen2.5 7B Instruct",
        repo="bartowski/Qwen2.5-7B-Instruct-GGUF",
        filename="Qwen2.5-7B-Instruct-Q4_K_M.gguf",
        size=int(4.68 * GB),
        memory=int(6.0 * GB),
        license="Apache-2.0",
        description="The strongest here; wants 16 GB of RAM and is slow on a few cores.",
    ),
)


def find(model_id: str) -> CatalogModel | None:
    """The catalog entry with ``model_id``, if there is one."""
    return next((model for model in CATALOG if model.id == model_id), None)


def estimate_memory(file_size: int) -> int:
    """RAM a GGUF of ``file_size`` bytes needs to serve: the weights, the context cache and
    llama.cpp's work buffers (the built-in model: 1.1 GB file, 2.0 GB resident)."""
    return int(file_size * 1.3 + 0.55 * GB)
