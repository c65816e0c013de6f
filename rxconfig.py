"""Reflex configuration: the AgentDesk UI lives in the ``frontend`` package.

The app Reflex serves is ``backend.startup.web_app``: the UI's pages with the API mounted.
The launcher (``backend/startup``) sets ``AGENTDESK_PORT`` (and, in dev mode,
``AGENTDESK_DEV_FRONTEND_PORT``) before Reflex reads this file, so the allowed browser
origins match the ports actually in use.
"""

import os

import reflex as rx

_api_port = os.environ.get("AGENTDESK_PORT", "8765")
_ui_ports = {_api_port, os.environ.get("AGENTDESK_DEV_FRONTEND_PORT", _api_port)}

config = rx.Config(
    app_name="frontend",
    # The pages (frontend/frontend.py) with the API mounted beside them on the same port.
    app_module_import="backend.startup.web_app",
    # Radix Themes draws with the system's own fonts, so no font is fetched from a CDN.
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", gray_color="slate", radius="large")
        )
    ],
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # A sitemap needs a public deploy URL, which a local app does not have.
    disable_plugins=[rx.plugins.SitemapPlugin],
    # One backend process holds the conversation state (and later the embedded model).
    state_manager_mode=rx.constants.StateManagerMode.MEMORY,
    redis_url=None,
    # Only pages served by AgentDesk itself may call the API from a browser.
    cors_allowed_origins=[
        f"http://{host}:{port}" for port in sorted(_ui_ports) for host in ("127.0.0.1", "localhost")
    ],
)
