"""HTTP clients for the engines' OpenAI SDK clients, all sharing one TLS context.

Every new httpx client otherwise builds a TLS context and loads the CA bundle again: about
20 ms of CPU, paid once or twice per run by each engine, although the engines only ever call
the gateway on loopback. One context, made on first use, serves every client.
"""

from __future__ import annotations

import functools
import ssl
from typing import Any


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The process's TLS context for model clients (certifi's CA bundle, as httpx uses)."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def async_client(timeout: float) -> Any:
    """An ``openai.DefaultAsyncHttpxClient`` on the shared TLS context."""
    from openai import DefaultAsyncHttpxClient

    return DefaultAsyncHttpxClient(timeout=timeout, verify=tls_context())


def sync_client(timeout: float) -> Any:
    """An ``openai.DefaultHttpxClient`` on the shared TLS context."""
    from openai import DefaultHttpxClient

    return DefaultHttpxClient(timeout=timeout, verify=tls_context())
