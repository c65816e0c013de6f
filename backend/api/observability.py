"""Observability: ``GET /metrics`` (Prometheus), a request id on every request and log line.

HTTP counts and latencies are measured by a middleware; everything with a home in the app
(agent runs, task runs, documents, model health, resources) is read from there at scrape time,
so the numbers survive restarts and cost nothing between scrapes.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.api.deps import Authorized
from backend.storage import tasks as task_store
from backend.storage.models import Run

log = logging.getLogger("agentdesk.http")
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)

router = APIRouter(tags=["metrics"], dependencies=[Authorized])


def install_request_ids() -> None:
    """Give every log record the current request's id (the JSON log writes it out)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_agentdesk_request_ids", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        current = request_id.get()
        if current and not hasattr(record, "request_id"):
            record.request_id = current
        return record

    factory._agentdesk_request_ids = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


class Telemetry:
    """The app's own metrics registry (one per app, so tests can build many apps)."""

    def __init__(self, app: FastAPI) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "agentdesk_http_requests",
            "HTTP requests by route and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "agentdesk_http_request_duration_seconds",
            "HTTP request latency by route",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.job_runs = Counter(
            "agentdesk_scheduler_job_runs",
            "Scheduler job runs by job and outcome (ok, error, missed)",
            ["job", "outcome"],
            registry=self.registry,
        )
        self.registry.register(AppCollector(app))

    def on_job(self, job_id: str, outcome: str, _scheduled: datetime | None) -> None:
        """Scheduler listener: count a job run (all user tasks share the label ``task``)."""
        job = "task" if job_id.startswith("task-") else job_id
        self.job_runs.labels(job, outcome).inc()

    def scrape(self) -> bytes:
        return bytes(generate_latest(self.registry))


class AppCollector(Collector):
    """Reads the app's state at scrape time."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def collect(self) -> Iterator[Any]:
        services = getattr(self.app.state, "services", None)
        if services is None:
            return
        runs = CounterMetricFamily(
            "agentdesk_agent_runs", "Agent runs by engine and outcome", labels=["engine", "status"]
        )
        tasks = CounterMetricFamily(
            "agentdesk_task_runs", "Scheduled task runs by outcome", labels=["status"]
        )
        documents = GaugeMetricFamily(
            "agentdesk_documents", "Knowledge-base documents by state", labels=["state"]
        )
        with services.db.session() as session:
            query = select(Run.engine, Run.status, func.count()).group_by(Run.engine, Run.status)
            for engine, status, count in session.execute(query):
                runs.add_metric([engine, status], count)
            for status, count in task_store.counts_by_status(session).items():
                tasks.add_metric([status], count)
        if services.knowledge is not None:
            for state, count in services.knowledge.library.counts_by_state().items():
                documents.add_metric([state], count)
        yield from (runs, tasks, documents)
        yield from self._model(services)
        yield from self._machine(services)

    @staticmethod
    def _model(services: Any) -> Iterator[Any]:
        status = services.model_status()
        up = GaugeMetricFamily("agentdesk_model_up", "1 when the model answers, else 0")
        up.add_metric([], 1.0 if status["state"] == "ready" else 0.0)
        state = GaugeMetricFamily(
            "agentdesk_model_state",
            "The model's current state (1 for the current one)",
            labels=["state"],
        )
        for name in ("starting", "downloading", "ready", "down", "recovering", "degraded"):
            state.add_metric([name], 1.0 if status["state"] == name else 0.0)
        restarts = CounterMetricFamily(
            "agentdesk_model_restarts", "Model server restarts by the health watch"
        )
        restarts.add_metric([], status.get("restarts", 0))
        yield from (up, state, restarts)

    @staticmethod
    def _machine(services: Any) -> Iterator[Any]:
        knowledge = services.knowledge
        if knowledge is not None:
            queue = GaugeMetricFamily("agentdesk_ingest_queue", "Files waiting to be indexed")
            queue.add_metric([], len(knowledge.queue))
            vectors = GaugeMetricFamily("agentdesk_index_vectors", "Vectors in the search index")
            vectors.add_metric([], len(knowledge.vectors))
            yield from (queue, vectors)
        sample = services.monitor.newest()
        if sample is None:
            return
        for name, value, text in (
            ("agentdesk_cpu_percent", sample.cpu_percent, "Machine CPU use"),
            ("agentdesk_memory_percent", sample.memory_percent, "Machine memory use"),
            ("agentdesk_process_rss_bytes", sample.process_rss_mb * 2**20, "AgentDesk memory"),
        ):
            gauge = GaugeMetricFamily(name, text)
            gauge.add_metric([], value)
            yield gauge


def _route(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    # Unmatched paths (404s, scanners) share one label so they cannot blow up the series.
    return str(path) if path else "unmatched"


class RequestObserver:
    """Times each request, counts it by route, and tags it (and its logs) with a request id."""

    def __init__(self, app: ASGIApp, telemetry: Telemetry) -> None:
        self.app = app
        self.telemetry = telemetry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if _SAFE_ID.fullmatch(incoming) else uuid.uuid4().hex[:16]
        token = request_id.set(rid)
        status = 500
        began = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers") or [])
                headers.append((b"x-request-id", rid.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - began
            method, route = scope["method"], _route(scope)
            self.telemetry.requests.labels(method, route, str(status)).inc()
            self.telemetry.latency.labels(method, route).observe(elapsed)
            level = logging.DEBUG if method == "GET" and status < 400 else logging.INFO
            log.log(level, "%s %s -> %d in %.0f ms", method, scope["path"], status, elapsed * 1000)
            request_id.reset(token)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus text format: HTTP, agent and task runs, documents, model health, resources."""
    telemetry: Telemetry = request.app.state.telemetry
    return Response(telemetry.scrape(), media_type=CONTENT_TYPE_LATEST)
