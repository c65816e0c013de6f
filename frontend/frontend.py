"""The AgentDesk Reflex app: the UI pages and the FastAPI API, served on one port."""

import os

import reflex as rx
from starlette.types import ASGIApp

from backend.config import get_settings
from backend.main import apply_offline_env, create_app
from backend.security import HostGuard
from backend.signin import DashboardSignIn
from frontend.api_mount import MountedApi
from frontend.components.quit import connection_overlay
from frontend.pages import agents, chat, knowledge, system, tasks
from frontend.state.agents import AgentsState
from frontend.state.chat import ChatState
from frontend.state.knowledge import KnowledgeState
from frontend.state.system import SystemState
from frontend.state.tasks import TasksState

# Offline and quiet even when this module is loaded by ``reflex`` directly, without run.py.
apply_offline_env()

api = MountedApi(create_app())

settings = get_settings()
# Reflex serves an upload folder (created in the working directory unless told otherwise);
# uploads are forwarded to the API, so it stays empty, but it belongs in the data dir.
os.environ.setdefault("REFLEX_UPLOADED_FILES_DIR", str(settings.data_dir / "ui-uploads"))


def guard_hosts(asgi: ASGIApp) -> ASGIApp:
    """Refuse foreign Host headers on every route, the UI's pages and websocket included."""
    return HostGuard(asgi, allowed=[*settings.allowed_hosts, settings.host])


def guard_dashboard(asgi: ASGIApp) -> ASGIApp:
    """With an API token set, the pages and the UI's websocket ask for it once per browser."""
    return DashboardSignIn(asgi, settings.api_token, throttle=api.api.state.guesses)


# The theme (Radix, system fonts only: nothing is loaded from a CDN) is set in rxconfig.py.
app = rx.App(api_transformer=[api.api, api.with_state, guard_dashboard, guard_hosts])
# After Quit the page says AgentDesk stopped; Reflex's "cannot connect" toast would contradict it.
app.app_wraps[(5, "Overlay")] = lambda stateful: connection_overlay() if stateful else None
app.register_lifespan_task(api.lifespan)
app.add_page(chat.chat_page, route=chat.ROUTE, title=chat.TITLE, on_load=ChatState.load_page)
app.add_page(
    knowledge.knowledge_page,
    route=knowledge.ROUTE,
    title=knowledge.TITLE,
    on_load=KnowledgeState.load_page,
)
app.add_page(
    agents.agents_page, route=agents.ROUTE, title=agents.TITLE, on_load=AgentsState.load_page
)
app.add_page(tasks.tasks_page, route=tasks.ROUTE, title=tasks.TITLE, on_load=TasksState.load_page)
app.add_page(
    system.system_page, route=system.ROUTE, title=system.TITLE, on_load=SystemState.load_page
)
