"""``/api/tasks``: scheduled agent tasks: create, edit, pause, resume, delete, run now, history."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Response
from fastapi import Query as Param
from pydantic import BaseModel, Field, StrictBool

from agents.manager import AVAILABLE_MODES
from agents.relevance import knowledge_use
from backend.api.deps import Authorized, ServicesDep, SqlInt
from backend.api.prompt_check import PromptRefused, checked_prompt
from backend.api.schemas import tasks as schema
from backend.automation.task_runs import TaskBusy, TaskNotFound
from backend.automation.triggers import (
    TriggerError,
    TriggerSpec,
    build_trigger,
    describe,
    next_fire_times,
    normalized,
)
from backend.storage.conversations import title_from

router = APIRouter(prefix="/api/tasks", tags=["tasks"], dependencies=[Authorized])

Mode = Literal["auto", "chat", "single", "code", "team"]
# The "use my documents" switch as in chat; true and false are what older clients send.
Documents = Literal["auto", "on", "off"] | StrictBool
DOCUMENTS_HELP = (
    "Use my documents: auto (passages only when relevant), on (always), off (never); "
    "true means auto and false off"
)


class TaskCreate(BaseModel):
    name: str | None = Field(default=None, max_length=200, description="Empty: from the prompt")
    prompt: str
    mode: Mode = "auto"
    use_knowledge: Documents = Field(default="auto", description=DOCUMENTS_HELP)
    trigger: TriggerSpec
    enabled: bool = True


class TaskEdit(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    prompt: str | None = None
    mode: Mode | None = None
    use_knowledge: Documents | None = Field(default=None, description=DOCUMENTS_HELP)
    trigger: TriggerSpec | None = None
    enabled: bool | None = None


class Preview(BaseModel):
    trigger: TriggerSpec
    count: int = Field(default=5, ge=1, le=50)


def _prompt(prompt: str, limit: int) -> str:
    try:
        return checked_prompt(prompt, limit, "write what the agent should do.")
    except PromptRefused as refused:
        raise refused.http() from None


def _mode(mode: str) -> str:
    if mode not in AVAILABLE_MODES:
        raise HTTPException(
            422, f"Mode '{mode}' is not available; use one of: {', '.join(AVAILABLE_MODES)}"
        )
    return mode


def _not_found(error: TaskNotFound) -> HTTPException:
    return HTTPException(404, str(error.args[0]) if error.args else "No such task")


@router.get("", response_model=schema.TaskList)
def list_tasks(services: ServicesDep) -> dict[str, Any]:
    """Every task with its state, next run and last run."""
    return {"tasks": services.tasks.list()}


@router.post("", status_code=201, response_model=schema.TaskDetail)
def create_task(body: TaskCreate, services: ServicesDep) -> dict[str, Any]:
    """Schedule a new task; an invalid cron or a past date is refused with the reason (422)."""
    prompt = _prompt(body.prompt, services.settings.max_prompt_chars)
    name = (body.name or "").strip() or title_from(prompt)
    try:
        return services.tasks.create(
            name=name,
            prompt=prompt,
            mode=_mode(body.mode),
            use_knowledge=knowledge_use(body.use_knowledge),
            trigger=body.trigger,
            enabled=body.enabled,
        )
    except TriggerError as error:
        raise HTTPException(422, str(error)) from None


@router.post("/preview", response_model=schema.TriggerPreview)
def preview(body: Preview) -> dict[str, Any]:
    """The next fire times of a trigger, without saving anything (the cron helper's preview)."""
    try:
        trigger = build_trigger(body.trigger)
    except TriggerError as error:
        raise HTTPException(422, str(error)) from None
    return {
        "trigger": normalized(body.trigger),
        "schedule": describe(body.trigger),
        "next_runs": [moment.isoformat() for moment in next_fire_times(trigger, body.count)],
    }


@router.get("/{task_id}", response_model=schema.TaskDetail)
def get_task(task_id: str, services: ServicesDep) -> dict[str, Any]:
    """One task, with its next five fire times and its last run."""
    try:
        return services.tasks.get(task_id)
    except TaskNotFound as error:
        raise _not_found(error) from None


@router.patch("/{task_id}", response_model=schema.TaskDetail)
def edit_task(task_id: str, body: TaskEdit, services: ServicesDep) -> dict[str, Any]:
    """Change any of name, prompt, mode, use_knowledge, trigger, enabled."""
    fields = body.model_dump(exclude_unset=True, exclude={"trigger"})
    fields = {key: value for key, value in fields.items() if value is not None}
    if "prompt" in fields:
        fields["prompt"] = _prompt(fields["prompt"], services.settings.max_prompt_chars)
    if "mode" in fields:
        _mode(fields["mode"])
    if "use_knowledge" in fields:
        fields["use_knowledge"] = knowledge_use(fields["use_knowledge"])
    if body.trigger is not None:
        fields["trigger"] = body.trigger
    try:
        return services.tasks.edit(task_id, **fields)
    except TaskNotFound as error:
        raise _not_found(error) from None
    except TriggerError as error:
        raise HTTPException(422, str(error)) from None


@router.delete("/{task_id}", status_code=204)
def delete_task(task_id: str, services: ServicesDep) -> Response:
    """Delete a task and its history (the agent runs and their conversations stay)."""
    if not services.tasks.delete(task_id):
        raise HTTPException(404, f"Task {task_id} does not exist")
    return Response(status_code=204)


@router.post("/{task_id}/pause", response_model=schema.TaskDetail)
def pause_task(task_id: str, services: ServicesDep) -> dict[str, Any]:
    """Stop scheduling the task until it is resumed."""
    try:
        return services.tasks.set_enabled(task_id, False)
    except TaskNotFound as error:
        raise _not_found(error) from None


@router.post("/{task_id}/resume", response_model=schema.TaskDetail)
def resume_task(task_id: str, services: ServicesDep) -> dict[str, Any]:
    """Schedule the task again from now on (runs missed while paused are not made up)."""
    try:
        return services.tasks.set_enabled(task_id, True)
    except TaskNotFound as error:
        raise _not_found(error) from None


@router.post("/{task_id}/run", status_code=202, response_model=schema.TaskRunStarted)
async def run_task(task_id: str, services: ServicesDep) -> dict[str, Any]:
    """Run the task now, in the background; poll its history entry for the outcome."""
    try:
        entry = await services.tasks.runner.run_now(task_id)
    except TaskNotFound as error:
        raise _not_found(error) from None
    except TaskBusy as error:
        raise HTTPException(409, str(error)) from None
    return {"task_run": entry}


@router.get("/{task_id}/history", response_model=schema.TaskHistory)
def task_history(
    task_id: str,
    services: ServicesDep,
    limit: int = Param(default=50, ge=1, le=500),
    offset: Annotated[SqlInt, Param(ge=0)] = 0,
) -> dict[str, Any]:
    """The task's runs, newest first: start, end, status, output, error, transcript links."""
    try:
        return services.tasks.history(task_id, limit, offset)
    except TaskNotFound as error:
        raise _not_found(error) from None


@router.get("/{task_id}/history/{entry_id}", response_model=schema.TaskRun)
def task_history_entry(task_id: str, entry_id: SqlInt, services: ServicesDep) -> dict[str, Any]:
    """One history entry (e.g. the one ``run`` returned, to see how it ended)."""
    try:
        entry = services.tasks.runner.entry(entry_id)
    except TaskNotFound as error:
        raise _not_found(error) from None
    if entry["task_id"] != task_id:
        raise HTTPException(404, f"Task {task_id} has no run {entry_id}")
    return entry
