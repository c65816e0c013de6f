"""The UI's HTTP calls about scheduled agent tasks: list, create, preview, run now, history.

Same rules as :mod:`frontend.api_client` (whose connection helpers it uses): every failure
becomes an :class:`~frontend.api_client.ApiError` whose message is meant for people.
"""

from __future__ import annotations

from typing import Any

from frontend import api_client


async def list_tasks() -> list[dict[str, Any]]:
    """Every task with its state, next run and last run."""
    body = await api_client._get_json("/api/tasks")
    return list(body.get("tasks", []))


async def create_task(fields: dict[str, Any]) -> dict[str, Any]:
    """Schedule a task (``name``, ``prompt``, ``mode``, ``use_knowledge``, ``trigger``);
    ``use_knowledge`` is the Documents switch: ``"auto"``, ``"on"`` or ``"off"``.

    An invalid cron expression or a past date raises :class:`ApiError` with the reason.
    """
    response = await api_client._send("POST", "/api/tasks", json=fields)
    result: dict[str, Any] = response.json()
    return result


async def preview(trigger: dict[str, Any], count: int = 5) -> dict[str, Any]:
    """``{"schedule", "next_runs": [iso, ...]}`` for a trigger, without saving anything."""
    response = await api_client._send(
        "POST", "/api/tasks/preview", json={"trigger": trigger, "count": count}
    )
    result: dict[str, Any] = response.json()
    return result


async def set_paused(task_id: str, paused: bool) -> dict[str, Any]:
    """Pause (stop scheduling) or resume a task."""
    action = "pause" if paused else "resume"
    response = await api_client._send("POST", f"/api/tasks/{task_id}/{action}")
    result: dict[str, Any] = response.json()
    return result


async def delete_task(task_id: str) -> None:
    """Delete a task and its history; one that is already gone is not an error."""
    await api_client._send("DELETE", f"/api/tasks/{task_id}", missing_ok=True)


async def run_now(task_id: str) -> dict[str, Any]:
    """Start the task at once; returns its (running) history entry."""
    response = await api_client._send("POST", f"/api/tasks/{task_id}/run")
    return dict(response.json().get("task_run") or {})


async def history(task_id: str, limit: int = 20) -> dict[str, Any]:
    """``{"runs": [...], "total": n}``: the task's runs, newest first."""
    result: dict[str, Any] = await api_client._get_json(
        f"/api/tasks/{task_id}/history", {"limit": limit}
    )
    return result
