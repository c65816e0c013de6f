"""The checks one setting's value must pass, apart from the ``Settings`` class that lists them.

Each check either returns the value as AgentDesk uses it (an upper-case log level, a URL
without its trailing slash) or raises ``ValueError`` with a sentence that says what to write
instead; ``describe_errors`` (``backend/settings_errors.py``) puts the setting's name before it.
"""

from __future__ import annotations

import ipaddress
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class McpServerEntry(BaseModel):
    """One external MCP server whose tools the agents may use (``AGENTDESK_MCP_SERVERS``)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    url: str = ""
    command: list[str] = Field(default_factory=list)
    headers: dict[str, str] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _tool_name_prefix(cls, value: str) -> str:
        # The name starts the server's tool names (``<name>__<tool>``), which models restrict.
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", value):
            raise ValueError(
                f"MCP server name {value!r}: use 1 to 32 letters, digits, '_' or '-' "
                "(it starts the names of its tools)"
            )
        return value

    @model_validator(mode="after")
    def _one_way_in(self) -> McpServerEntry:
        if bool(self.url) == bool(self.command):
            raise ValueError(f"MCP server {self.name!r}: give either 'url' or 'command'")
        if self.url and not self.url.startswith(("http://", "https://")):
            raise ValueError(f"MCP server {self.name!r}: 'url' must start with http:// or https://")
        return self


def log_level(value: str) -> str:
    """A logging level by name, in any case."""
    level = value.upper()
    if level not in LOG_LEVELS:
        raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
    return level


def http_url(value: str) -> str:
    """An http(s) address (or nothing), without the trailing slash the paths are joined to."""
    if value and not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return value.rstrip("/")


def rate_limit(value: str) -> str:
    """Request limits as the ``limits`` package reads them; ``off`` for none."""
    from limits import parse_many

    text = value.strip()
    # An empty environment variable reads as "not set" (the default), so "off" says none.
    if text.lower() == "off":
        return ""
    if text:
        try:
            parse_many(text)
        except ValueError:
            raise ValueError(
                "write it like '30/minute' or '5/second;100/hour' ('off': no limit)"
            ) from None
    return text


def sendable_token(value: str) -> str:
    """An API token a client can send in a header exactly as written here."""
    # Any other token would be accepted here and then never match what a client sends:
    # a header cannot carry controls, and its value is read without surrounding spaces.
    if value != value.strip():
        raise ValueError("must not begin or end with a space")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise ValueError("must not hold control characters (a newline, a tab, ...)")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise ValueError("is not valid UTF-8 text (check the file or terminal encoding)")
    return value


def unique_server_names(value: list[McpServerEntry]) -> list[McpServerEntry]:
    """MCP servers with a name each: the name tells their tools apart."""
    names = [entry.name for entry in value]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"each MCP server needs its own name; used twice: {', '.join(twice)}")
    return value
