"""``/api/settings``: the Settings page's values, saving a change, testing a model server."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse

from backend.api.deps import Authorized, ServicesDep
from backend.api.schemas import settings as schema
from backend.config import DEFAULT_MODEL_FILE, LLMProvider
from backend.llm.connection_check import check_connection
from backend.llm.service import ModelService, ModelState
from backend.services import Services
from backend.settings_service import SettingsRefused

router = APIRouter(prefix="/api/settings", tags=["settings"], dependencies=[Authorized])

REFUSED: dict[int | str, dict[str, Any]] = {
    409: {"description": "A setting is fixed by the environment or .env"},
    422: {"description": "A value breaks its setting's rules; ``errors`` has one per setting"},
}

# Only the settings to change, by name: ``{"temperature": 0.7, "rag_top_k": 6}``.
Changes = Annotated[dict[str, Any], Body(examples=[{"temperature": 0.7, "rag_top_k": 6}])]


def _page(services: Services) -> dict[str, Any]:
    running = services.settings
    provider = services.models.provider
    built_in = provider is LLMProvider.embedded
    model_file = (running.model_path or running.models_dir / DEFAULT_MODEL_FILE).name
    return {
        **services.settings_service.describe(),
        "model": {
            "provider": provider.value,
            "name": services.models.model_name,
            "file": model_file if built_in else "",
        },
    }


@router.get("", response_model=schema.SettingsPage)
def read_settings(services: ServicesDep) -> dict[str, Any]:
    """Every setting the page can change, with its value, default, limits and source."""
    return _page(services)


@router.put("", response_model=schema.SettingsSaved, responses=REFUSED)
async def save_settings(
    services: ServicesDep,
    changes: Changes,
) -> dict[str, Any] | JSONResponse:
    """Change some settings (only those given). Values that apply now reach the next run;
    the others are saved for the next start. Nothing is saved when any value is refused."""
    try:
        outcome = await asyncio.to_thread(services.settings_service.update, changes)
    except SettingsRefused as refused:
        body = {"detail": refused.message, "errors": refused.errors}
        return JSONResponse(body, status_code=refused.status)
    return {**outcome, "page": _page(services)}


@router.post("/test-connection", response_model=schema.ConnectionResult)
async def test_connection(body: schema.ConnectionTest, services: ServicesDep) -> dict[str, Any]:
    """Ask an OpenAI-compatible server for its models: whether it answers, and which."""
    if body.built_in:
        return await _check_built_in(services.models)
    key = body.api_key
    configured = services.settings_service.configured
    if not key and body.base_url.strip().rstrip("/") == configured.llm_base_url:
        key = configured.llm_api_key
    return await check_connection(body.base_url, key)


async def _check_built_in(models: ModelService) -> dict[str, Any]:
    """The built-in model has no address to type: ask the server AgentDesk started for it."""
    if models.provider is not LLMProvider.embedded:
        return {
            "ok": False,
            "message": "AgentDesk is not running the built-in model now (it uses "
            f"{models.provider.value.replace('_', '-')} as its provider). Save, then restart "
            "AgentDesk to start the built-in model.",
            "models": [],
        }
    if models.state is not ModelState.ready:
        reason = models.detail or models.state.value
        message = f"The built-in model is not running: {reason}."
        return {"ok": False, "message": message, "models": []}
    result = await check_connection(models.base_url, models.settings.llm_api_key)
    if result["ok"]:
        base = models.base_url.rstrip("/")
        result["message"] = f"The built-in model answers at {base}: {models.model_name}."
    else:
        result["message"] = f"The built-in model does not answer: {result['message']}"
    return result
