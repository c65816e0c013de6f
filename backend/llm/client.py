"""An async OpenAI chat-completions client over httpx, with timeouts and retries.

Our own code paths use this client; the agent frameworks use their stock OpenAI clients
against the same base URL, so both exercise the same wire format.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import ssl
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from backend.llm.errors import ModelError, ModelUnavailable, RunStopped
from backend.llm.throughput import ThroughputMeter
from backend.llm.toolcalls import normalize_completion

log = logging.getLogger(__name__)

_RETRYABLE = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError)


@dataclass
class Completion:
    """A finished chat completion."""

    content: str
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    finish_reason: str = "stop"
    usage: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelEndpoint:
    """Where model calls go: an OpenAI-compatible base URL, its key and the model's name.

    The model server itself (where the gateway forwards), or a run's own address on the model
    gateway (where every model call of the run goes, whatever client makes it).
    """

    base_url: str  # ends with /v1
    api_key: str = ""
    model: str = ""


@dataclass(frozen=True)
class ClientOptions(ModelEndpoint):
    """An endpoint, and how patiently to talk to it."""

    timeout: float = 120.0
    connect_timeout: float = 5.0
    retries: int = 3
    backoff: float = 0.5


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The process's TLS context for model clients (certifi's CA bundle, as httpx uses).

    Every run gets clients of its own, and each new httpx client otherwise loads the CA bundle
    again: about 20 ms of CPU, for calls that mostly go to the gateway on loopback.
    """
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _describe(error: Exception, base_url: str) -> str:
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
        return f"the model server at {base_url} is not reachable ({type(error).__name__})"
    if isinstance(error, httpx.TimeoutException):
        return f"the model server at {base_url} did not answer in time"
    return f"the connection to the model server at {base_url} failed: {error}"


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    if isinstance(error, str):
        return error
    return str(body)[:300]


def _error_kind(response: httpx.Response) -> str:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return ""
    return str(error.get("type") or "") if isinstance(error, dict) else ""


def answer_error(response: httpx.Response) -> Exception:
    """What a refused call ends in: the run stopped (the gateway refused a spent or stopped
    run's call), the model unavailable (503), or the server's error."""
    message, kind = _error_message(response), _error_kind(response)
    if kind == "agentdesk_run_stopped":
        return RunStopped(message.removeprefix("run stopped: "))
    if kind == "model_unavailable":
        return ModelUnavailable(message)
    if response.status_code == 503:
        return ModelUnavailable(f"the model server is not ready: {message}")
    return ModelError(
        f"the model server answered {response.status_code}: {message}",
        status=response.status_code,
    )


class ChatClient:
    """Chat completions against one OpenAI-compatible server."""

    def __init__(self, options: ClientOptions) -> None:
        self.options = options
        headers = {"Authorization": f"Bearer {options.api_key}"} if options.api_key else {}
        timeout = httpx.Timeout(options.timeout, connect=options.connect_timeout)
        self._http = httpx.AsyncClient(
            base_url=options.base_url,
            headers=headers,
            timeout=timeout,
            trust_env=False,
            verify=tls_context(),
        )
        # Set by ModelService: every finished call is counted for the tokens/s figure.
        self.meter: ThroughputMeter | None = None

    async def aclose(self) -> None:
        await self._http.aclose()

    def _body(self, messages: list[dict[str, Any]], stream: bool, **params: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"messages": messages, "stream": stream}
        if self.options.model:
            body["model"] = self.options.model
        body.update({k: v for k, v in params.items() if v is not None})
        if stream:
            body["stream_options"] = {"include_usage": True}
        return body

    async def _send(self, body: dict[str, Any]) -> httpx.Response:
        """POST with retries on connection errors; the response is open (streamed)."""
        attempt = 0
        while True:
            try:
                request = self._http.build_request("POST", "/chat/completions", json=body)
                response = await self._http.send(request, stream=True)
            except _RETRYABLE as error:
                if attempt >= self.options.retries:
                    raise ModelUnavailable(_describe(error, self.options.base_url)) from error
                delay = self.options.backoff * (2**attempt)
                attempt += 1
                log.warning("model connection failed, retry %d in %.1fs: %s", attempt, delay, error)
                await asyncio.sleep(delay)
                continue
            except httpx.TimeoutException as error:
                raise ModelUnavailable(_describe(error, self.options.base_url)) from error
            if response.status_code >= 400:
                await response.aread()
                await response.aclose()
                raise answer_error(response)
            return response

    async def complete(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        response_format: dict[str, Any] | None = None,
        **params: Any,
    ) -> Completion:
        """One non-streamed completion; text tool calls are normalized to ``tool_calls``."""
        body = self._body(messages, False, tools=tools, response_format=response_format, **params)
        started = time.perf_counter()
        response = await self._send(body)
        try:
            await response.aread()
            data = normalize_completion(response.json(), tools)
        except (httpx.HTTPError, ValueError) as error:
            raise ModelUnavailable(_describe(error, self.options.base_url)) from error
        finally:
            await response.aclose()
        choice = (data.get("choices") or [{}])[0]
        message = choice.get("message") or {}
        if self.meter is not None:
            self.meter.record(
                data.get("usage"), time.perf_counter() - started, message.get("content") or ""
            )
        return Completion(
            content=message.get("content") or "",
            tool_calls=list(message.get("tool_calls") or []),
            finish_reason=choice.get("finish_reason") or "stop",
            usage=data.get("usage") or {},
        )

    async def stream(
        self,
        messages: list[dict[str, Any]],
        *,
        usage: dict[str, Any] | None = None,
        ended: list[str] | None = None,
        **params: Any,
    ) -> AsyncIterator[str]:
        """Yield content deltas as they arrive; token counts land in ``usage`` when given, and
        why the answer ended (``finish_reason``: "stop", "length"...) in ``ended``."""
        started = time.perf_counter()
        response = await self._send(self._body(messages, True, **params))
        counted: dict[str, Any] = usage if usage is not None else {}
        produced: list[str] = []
        try:
            async for line in response.aiter_lines():
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    break
                try:
                    chunk = json.loads(payload)
                except json.JSONDecodeError:
                    continue
                if chunk.get("usage"):
                    counted.update(chunk["usage"])
                for choice in chunk.get("choices") or []:
                    if ended is not None and choice.get("finish_reason"):
                        ended.append(str(choice["finish_reason"]))
                    text = (choice.get("delta") or {}).get("content")
                    if text:
                        produced.append(text)
                        yield text
        except httpx.HTTPError as error:
            raise ModelUnavailable(
                f"the model server stopped in the middle of the answer: {error!r}"
            ) from error
        finally:
            await response.aclose()
        if self.meter is not None:
            self.meter.record(counted, time.perf_counter() - started, "".join(produced))

    async def list_models(self) -> list[str]:
        """Model ids the server offers; raises ModelUnavailable when it cannot be reached."""
        try:
            response = await self._http.get("/models", timeout=self.options.connect_timeout)
        except httpx.HTTPError as error:
            raise ModelUnavailable(_describe(error, self.options.base_url)) from error
        if response.status_code >= 400:
            raise ModelUnavailable(
                f"the model server answered {response.status_code}: {_error_message(response)}"
            )
        data = response.json().get("data") or []
        return [str(item.get("id")) for item in data if isinstance(item, dict)]
