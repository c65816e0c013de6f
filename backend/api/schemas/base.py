"""The base of every response model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ApiModel(BaseModel):
    """A response body. A field the server adds before its model does is passed through, not
    dropped (the UI ignores what it does not know), so the API never loses data silently; the
    contract test (tests/backend/api/test_openapi_contract.py) checks that none is left out."""

    model_config = ConfigDict(extra="allow")
