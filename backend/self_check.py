"""``AgentDesk --self-check``: load, in the built desktop app, everything it loads only when
first needed (the embedding model, the agent frameworks, the parsers, the sandbox's worker).

The app imports these lazily so that it starts fast, which also means a bundle that lacks one
of them, or a data file one of them reads, starts and answers ``/api/health`` fine and fails
only at the first upload or chat. The desktop smoke test runs this first, so such a bundle
fails its build with the module's name instead.
"""

from __future__ import annotations

import functools
import importlib
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

# Every heavy module the app imports inside a function, by what needs it.
LAZY_MODULES = (
    # knowledge base: embeddings, vectors, parsers, chunking
    "sentence_transformers",
    "faiss",
    "pypdf",
    "docx",
    "langchain_text_splitters",
    # the single engine (LangChain)
    "langchain.agents",
    "langchain.agents.middleware.types",
    "langchain_openai",
    "langgraph.errors",
    # the code engine (smolagents) and its sandbox
    "smolagents",
    "smolagents.memory",
    "pydantic_monty",
    # the team engine (AutoGen)
    "autogen_agentchat.agents",
    "autogen_agentchat.teams",
    "autogen_agentchat.conditions",
    "autogen_ext.models.openai",
    # the embedded model server, and MCP
    "xllamacpp",
    "mcp.server",
    "mcp.client.streamable_http",
)


def monty_binary() -> Path:
    """The sandbox's worker program: the one the sandbox's pool starts (``bin/monty`` inside
    the desktop bundle), or, from source, where ``pydantic-monty-runtime`` installed it."""
    from agents.engines.sandbox_pool import monty_binary as bundled

    if (path := bundled()) is not None:
        return Path(path)
    from pydantic_monty._binary import find_monty_binary

    return Path(find_monty_binary())


def check_import(name: str) -> str:
    importlib.import_module(name)
    return "imported"


def check_embedding() -> str:
    """The bundled MiniLM loads and embeds a sentence."""
    from backend.knowledge.embedder import Embedder

    vectors = Embedder().encode(["AgentDesk checks its embedding model."])
    if vectors.shape != (1, 384):
        raise RuntimeError(f"expected one 384-dimensional vector, got shape {vectors.shape}")
    return "MiniLM embeds a sentence"


def check_sandbox() -> str:
    """The sandbox's worker program runs Python."""
    binary = monty_binary()
    done = subprocess.run(
        [str(binary), "-c", "print(17 * 23)"], capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0 or done.stdout.strip() != "391":
        raise RuntimeError(f"{binary} answered {done.returncode}: {done.stdout}{done.stderr}")
    return f"{binary.name} runs Python"


def checks(modules: Sequence[str] = LAZY_MODULES) -> list[tuple[str, Callable[[], str]]]:
    """Every check, named by what it loads."""
    found: list[tuple[str, Callable[[], str]]] = [
        (name, functools.partial(check_import, name)) for name in modules
    ]
    found += [("embedding model", check_embedding), ("sandbox worker", check_sandbox)]
    return found


def main(selected: Sequence[tuple[str, Callable[[], str]]] | None = None) -> int:
    """Run every check (or ``selected``), one line each; 1 when any failed, naming them."""
    failed = []
    for name, check in checks() if selected is None else selected:
        started = time.monotonic()
        try:
            detail = check()
        except Exception as error:  # every failure is reported, with the module's name
            failed.append(name)
            print(f"FAILED {name}: {type(error).__name__}: {error}", flush=True)
            continue
        print(f"ok {name}: {detail} ({time.monotonic() - started:.1f} s)", flush=True)
    if failed:
        print(f"self-check FAILED: {', '.join(failed)}", flush=True)
        return 1
    print("self-check passed", flush=True)
    return 0
