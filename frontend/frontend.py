"""The AgentDesk Reflex app: every page of the UI.

The pages reach the API over HTTP only (``frontend/api_client.py``). The API is mounted on the
same port by ``backend/startup/web_app.py``, the module ``rxconfig.py`` names as the app.
"""

import reflex as rx

from frontend.components.quit import connection_overlay
from frontend.pages import (
    agents,
    chat,
    knowledge,
    models,
    not_found,
    settings,
    system,
    tasks,
    workspace,
)
from frontend.state.agents import AgentsState
from frontend.state.chat import ChatState
from frontend.state.knowledge import KnowledgeState
from frontend.state.models import ModelsState
from frontend.state.settings import SettingsState
from frontend.state.system import SystemState
from frontend.state.tasks import TasksState
from frontend.state.workspace import WorkspaceState

# The theme (Radix, system fonts only: nothing is loaded from a CDN) is set in rxconfig.py.
app = rx.App()
# After Quit the page says AgentDesk stopped; Reflex's "cannot connect" toast would contradict it.
app.app_wraps[(5, "Overlay")] = lambda stateful: connection_overlay() if stateful else None
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
    workspace.workspace_page,
    route=workspace.ROUTE,
    title=workspace.TITLE,
    on_load=WorkspaceState.load_page,
)
app.add_page(
    system.system_page, route=system.ROUTE, title=system.TITLE, on_load=SystemState.load_page
)
app.add_page(
    models.models_page, route=models.ROUTE, title=models.TITLE, on_load=ModelsState.load_page
)
app.add_page(
    settings.settings_page,
    route=settings.ROUTE,
    title=settings.TITLE,
    on_load=SettingsState.load_page,
)
# Any other address (a typo, an old bookmark) gets a page with the app around it and a way back.
app.add_page(not_found.not_found_page, route=not_found.ROUTE, title=not_found.TITLE)
