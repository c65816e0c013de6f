"""AgentDesk backend: the FastAPI app and the services behind it."""

__version__ = "0.1.0"
