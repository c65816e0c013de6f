"""The app AgentDesk serves on its one port: the Reflex UI, with the FastAPI API mounted in it.

``rxconfig.py`` names this module as the Reflex app (``app_module_import``), so ``reflex
run`` (from source) and the in-process server (the desktop app) both serve what is put
together here. The UI package only defines pages and calls the API over HTTP
(``frontend/api_client.py``); mounting the API, its lifespan and the guards around every
route are start-up's business, not the UI's.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from starlette.types import ASGIApp

from backend.config import get_settings
from backend.main import apply_offline_env, create_app
from backend.security import HostGuard
from backend.signin import DashboardSignIn
from backend.startup.api_mount import MountedApi

# Offline and quiet even when this module is loaded by ``reflex`` directly, without run.py.
apply_offline_env()

settings = get_settings()
# Reflex serves an upload folder (created in the working directory unless told otherwise);
# uploads are forwarded to the API, so it stays empty, but it belongs in the data dir. Set
# before the UI's app is made: Reflex reads it then.
os.environ.setdefault("REFLEX_UPLOADED_FILES_DIR", str(settings.data_dir / "ui-uploads"))

api = MountedApi(create_app())


def guard_hosts(asgi: ASGIApp) -> ASGIApp:
    """Refuse foreign Host headers on every route, the UI's pages and websocket included."""
    return HostGuard(asgi, allowed=[*settings.allowed_hosts, settings.host])


def guard_dashboard(asgi: ASGIApp) -> ASGIApp:
    """With an API token set, the pages and the UI's websocket ask for it once per browser."""
    return DashboardSignIn(asgi, settings.api_token, throttle=api.api.state.guesses)


# Loaded by name: the UI package is not part of the backend's type-checked code.
app: Any = importlib.import_module("frontend.frontend").app
# Outermost last: the Host guard sees every request first, then the sign-in, then the API.
app.api_transformer = [api.api, api.with_state, guard_dashboard, guard_hosts]
app.register_lifespan_task(api.lifespan)
