"""HTTP clients for the engines' OpenAI SDK clients, all sharing one TLS context.

Every new httpx client otherwise builds a TLS context and loads the CA bundle again: about
20 ms of CPU, paid once or twice per run by each engine, although the engines only ever call
the gateway on loopback. One context (``backend.llm.client.tls_context``, which the run's own
``ChatClient`` uses too), made on first use, serves every client.
"""

from __future__ import annotations

from typing import Any

from backend.llm.client import tls_context

__all__ = ["async_client", "sync_client", "tls_context"]


def async_client(timeout: float) -> Any:
    """An ``openai.DefaultAsyncHttpxClient`` on the shared TLS context."""
    from openai import DefaultAsyncHttpxClient

    return DefaultAsyncHttpxClient(timeout=timeout, verify=tls_context())


def sync_client(timeout: float) -> Any:
    """An ``openai.DefaultHttpxClient`` on the shared TLS context."""
    from openai import DefaultHttpxClient

    return DefaultHttpxClient(timeout=timeout, verify=tls_context())
