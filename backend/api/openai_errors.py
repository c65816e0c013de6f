"""Errors of the OpenAI-compatible API in OpenAI's shape, ``{"error": {"message", "type",
"code"}}``, so OpenAI clients raise their usual exceptions; the route class answers every error
of a ``/v1`` route so, auth and validation included."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class OpenAIError(Exception):
    """An error answered in OpenAI's shape with an HTTP status."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code

    def body(self) -> dict[str, Any]:
        if self.status == 401:
            kind = "authentication_error"
        elif self.status >= 500:
            kind = "server_error"
        else:
            kind = "invalid_request_error"
        return {"error": {"message": self.message, "type": kind, "code": self.code}}

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=headers)


def _validation_message(error: RequestValidationError) -> str:
    problems = []
    for item in error.errors():
        field = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "request"
        problems.append(f"{field}: {item.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(problems)


class OpenAIRoute(APIRoute):
    """Answers every error of its route, including auth and validation, in OpenAI's shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except OpenAIError as error:
                return error.response()
            except RequestValidationError as error:
                # OpenAI answers malformed requests with 400, and its clients expect that.
                return OpenAIError(400, _validation_message(error), "invalid_request").response()
            except StarletteHTTPException as error:
                code = "invalid_api_key" if error.status_code == 401 else None
                return OpenAIError(error.status_code, str(error.detail), code).response(
                    dict(error.headers or {})
                )
            except Exception:
                log.exception("unhandled error on %s %s", request.method, request.url.path)
                message = "Something went wrong inside AgentDesk; the log has the details."
                return OpenAIError(500, message).response()

        return guarded
