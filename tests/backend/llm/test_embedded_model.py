"""Opt-in (``pytest -m llm``): the real embedded model answers through the whole app."""

import asyncio
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from backend.config import PROJECT_ROOT, load_settings
from backend.main import create_app

pytestmark = pytest.mark.llm


@pytest.fixture(scope="module")
def model_file() -> Path:
    from backend.llm.model_fetch import ConsoleProgress, ensure_model

    # The model is cached in the project's data dir so it is fetched only once.
    settings = load_settings(data_dir=PROJECT_ROOT / "data")
    return ensure_model(settings, ConsoleProgress())


async def test_embedded_model_answers_a_short_question(model_file: Path, tmp_path: Path) -> None:
    settings = load_settings(
        _env_file=None,
        data_dir=tmp_path,
        llm_provider="embedded",
        model_path=model_file,
        max_tokens=32,
        temperature=0.0,
    )
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=120) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1", timeout=300
        ) as http:
            services = app.state.services
            # The model loads in the background; wait for it the way the UI does.
            for _ in range(600):
                if services.models.state.value in ("ready", "down"):
                    break
                await asyncio.sleep(0.2)
            health = (await http.get("/api/health")).json()
            assert health["llm"]["state"] == "ready", health
            response = await http.post(
                "/api/agent/query",
                json={"prompt": "What is 2 + 2? Answer with just the number.", "mode": "chat"},
            )
            assert response.status_code == 200, response.text
            assert "4" in response.json()["answer"]
        pid = services.models.embedded.pid
    assert pid is not None
    assert services.models.embedded.process is None
