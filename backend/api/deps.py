"""Dependencies shared by the routers, declared once."""

from __future__ import annotations

from typing import Annotated

from annotated_types import Interval
from fastapi import Depends, HTTPException, Request

from backend.security import TOKEN_HINT, token_matches
from backend.services import Services


def get_services(request: Request) -> Services:
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        raise HTTPException(503, "AgentDesk is still starting; try again in a moment")
    return services


ServicesDep = Annotated[Services, Depends(get_services)]

# SQLite integers are 64-bit: a larger id or offset could only fail inside the database (a 500).
SqlInt = Annotated[int, Interval(ge=-(2**63), le=2**63 - 1)]


def require_token(request: Request, services: ServicesDep) -> None:
    """When an API token is configured, every request must carry it as a Bearer token."""
    expected = services.settings.api_token
    if expected and not token_matches(expected, request.headers.get("authorization")):
        raise HTTPException(401, TOKEN_HINT, headers={"WWW-Authenticate": "Bearer"})


Authorized = Depends(require_token)
