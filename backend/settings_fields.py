"""The settings a person may change on the Settings page: where each is shown, what it is
called there, and whether a change takes effect on the next run or after a restart.

Everything else stays in the environment or ``.env`` (``.env.example`` lists it all): the
address AgentDesk listens on, the API token, limits and timings that only an administrator
should need to touch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Applies = Literal["now", "restart"]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    help: str


@dataclass(frozen=True)
class EditableSetting:
    key: str
    section: str
    label: str
    help: str
    # "now": the next run reads the new value; "restart": saved, used from the next start.
    applies: Applies
    # Labels for the values of a choice, in the order they are offered.
    choices: tuple[tuple[str, str], ...] = ()
    secret: bool = False


SECTIONS = (
    Section("model", "Model & provider", "Which model answers: the built-in one or a server."),
    Section("generation", "Generation", "How the model writes its answers."),
    Section("documents", "Documents", "How your documents are used in answers."),
    Section("agents", "Agents", "The mode a question starts in and what one run may spend."),
)

MODES = (
    ("auto", "Auto"),
    ("chat", "Chat"),
    ("single", "Agent with tools"),
    ("code", "Code"),
    ("team", "Team"),
)

EDITABLE = (
    EditableSetting(
        "llm_provider",
        "model",
        "Provider",
        "The built-in model runs on this computer; a server is anything that speaks the "
        "OpenAI API (Ollama, LM Studio, vLLM, OpenAI).",
        "restart",
        choices=(("embedded", "Built-in model"), ("openai_compatible", "OpenAI-compatible server")),
    ),
    EditableSetting(
        "llm_base_url",
        "model",
        "Server address",
        "The server's OpenAI API address, usually ending in /v1 "
        "(Ollama: http://localhost:11434/v1).",
        "restart",
    ),
    EditableSetting(
        "llm_api_key",
        "model",
        "API key",
        "Sent to the server with every request; kept in settings.json in the data folder. "
        "Leave empty to keep the saved key.",
        "restart",
        secret=True,
    ),
    EditableSetting(
        "llm_model",
        "model",
        "Model name",
        "The model the server should use; empty: the first one it lists.",
        "restart",
    ),
    EditableSetting(
        "temperature",
        "generation",
        "Temperature",
        "0 gives the most predictable answers; higher values vary more.",
        "now",
    ),
    EditableSetting(
        "max_tokens", "generation", "Longest answer (tokens)", "Per model call.", "now"
    ),
    EditableSetting(
        "context_size",
        "generation",
        "Context size (tokens)",
        "How much text the built-in model reads at once: question, history and passages.",
        "restart",
    ),
    EditableSetting(
        "threads",
        "generation",
        "CPU threads",
        "For the built-in model; 0 uses every core.",
        "restart",
    ),
    EditableSetting(
        "use_documents",
        "documents",
        "Use my documents",
        "For questions that do not say: auto uses them when they are relevant to the question.",
        "now",
        choices=(("auto", "Auto"), ("on", "Always"), ("off", "Never")),
    ),
    EditableSetting(
        "rag_top_k",
        "documents",
        "Passages per answer",
        "How many passages from your documents the model is given with a question.",
        "now",
    ),
    EditableSetting(
        "default_mode",
        "agents",
        "Default mode",
        "The mode the chat starts in, and that questions sent without one get.",
        "now",
        choices=MODES,
    ),
    EditableSetting(
        "agent_max_seconds", "agents", "Longest run (seconds)", "Then the run stops.", "now"
    ),
    EditableSetting(
        "agent_max_tokens",
        "agents",
        "Most tokens per run",
        "Prompt and answer tokens over all of a run's model calls.",
        "now",
    ),
    EditableSetting(
        "agent_max_steps",
        "agents",
        "Most steps per run",
        "Tool rounds, code steps or team turns.",
        "now",
    ),
)

BY_KEY = {setting.key: setting for setting in EDITABLE}
LIVE_KEYS = frozenset(s.key for s in EDITABLE if s.applies == "now")
