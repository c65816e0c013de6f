"""The API's response shapes, shared by the server and the UI.

One module per area (agent runs, conversations, knowledge, tasks, system, health, the
OpenAI-compatible ``/v1``). Pure Pydantic: nothing here imports FastAPI, SQLAlchemy or the
services, so ``frontend/`` can parse what the API sends with the very models that document it
in ``/openapi.json``.
"""
