"""Every error a client sees is JSON with a ``detail`` a person can read."""

from __future__ import annotations

import logging
import sqlite3

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from backend.llm.errors import ModelError, ModelUnavailable
from backend.storage.problems import storage_problem

log = logging.getLogger(__name__)


def _field(loc: tuple[object, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "request"


def install(app: FastAPI) -> None:
    """Register the JSON error handlers on ``app``."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            f"{_field(tuple(e.get('loc', ())))}: {e.get('msg', 'invalid')}" for e in exc.errors()
        ]
        return JSONResponse(
            {"detail": "Invalid request: " + "; ".join(problems), "errors": problems},
            status_code=422,
        )

    @app.exception_handler(ModelUnavailable)
    async def unavailable(_: Request, exc: ModelUnavailable) -> JSONResponse:
        return JSONResponse({"detail": f"The model is unavailable: {exc}"}, status_code=503)

    @app.exception_handler(ModelError)
    async def model_error(_: Request, exc: ModelError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=502)

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A locked database or a full disk is the machine's state, not a bug: say which.
        problem = storage_problem(exc)
        if problem is not None:
            log.warning("%s %s: %s", request.method, request.url.path, problem.message)
            headers = {"Retry-After": "5"} if problem.kind == "busy" else None
            return JSONResponse(
                {"detail": f"Not done: {problem.message}."},
                status_code=problem.http_status,
                headers=headers,
            )
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": "Something went wrong inside AgentDesk; the log has the details."},
            status_code=500,
        )

    # The storage errors get their own entries so they are answered without the server
    # printing a traceback; everything else still ends in the catch-all.
    for kind in (SQLAlchemyError, sqlite3.Error, OSError, Exception):
        app.add_exception_handler(kind, unexpected)
