"""The Tasks page's form after a save: every choice back to its default for the next task."""

from __future__ import annotations

from typing import Any

import pytest

from frontend import api_tasks
from frontend.state.chat_models import DEFAULT_DOCUMENTS
from frontend.state.task_form import DEFAULT_CRON, TaskFormState


@pytest.mark.parametrize("documents", sorted({"on", "off", "auto"} - {DEFAULT_DOCUMENTS}))
async def test_saving_a_task_puts_documents_back_on_the_default_with_the_schedule(
    monkeypatch: pytest.MonkeyPatch, documents: str
) -> None:
    sent: list[dict[str, Any]] = []

    async def create_task(fields: dict[str, Any]) -> dict[str, Any]:
        sent.append(fields)
        return {"id": "t1", "name": "Garden notes"}

    async def no_preview(self: TaskFormState) -> None:
        self.preview_error = ""

    monkeypatch.setattr(api_tasks, "create_task", create_task)
    monkeypatch.setattr(TaskFormState, "_preview", no_preview)
    form = TaskFormState(_reflex_internal_init=True)  # type: ignore[call-arg]
    form.prompt, form.use_knowledge, form.cron = "Sum up my garden notes.", documents, "5 4 * * *"
    async for _ in form.submit():
        pass
    assert [fields["use_knowledge"] for fields in sent] == [documents]
    assert (form.cron, form.prompt) == (DEFAULT_CRON, "")
    assert form.use_knowledge == DEFAULT_DOCUMENTS
