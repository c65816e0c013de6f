"""How AgentDesk starts and stops, from source (``run.py``) and as the desktop app.

``launch.main`` is the one entry: ``ports``, ``single_instance``, ``processes`` (a supervised
child process group), ``ui_child`` (``reflex run`` from source, with ``bun``), ``in_process``
(an exported UI served from this process, with ``ui_export`` building it), ``browser`` and
``shutdown``. ``web_app`` is what the one port serves: the UI's pages with the API mounted.
Nothing is imported here, so Reflex can load ``web_app`` without the launcher.
"""
