"""Does an OpenAI-compatible server answer at this address with this key? (Settings page)

One ``GET {base_url}/models`` with a short timeout: the cheapest call every such server
offers, and its answer names the models the server can use.
"""

from __future__ import annotations

from typing import Any

import httpx

# Long enough for a server on the local network, short enough to wait for in a form.
TEST_TIMEOUT_SECONDS = 5.0


def _fail(message: str) -> dict[str, Any]:
    return {"ok": False, "message": message, "models": []}


async def check_connection(
    base_url: str, api_key: str, timeout: float = TEST_TIMEOUT_SECONDS
) -> dict[str, Any]:
    """``{"ok", "message", "models"}``: the models the server lists, or why it could not."""
    base = base_url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        return _fail("The address must start with http:// or https://.")
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        async with httpx.AsyncClient(timeout=timeout, trust_env=False) as http:
            response = await http.get(f"{base}/models", headers=headers)
    except httpx.TimeoutException:
        return _fail(f"No answer from {base} within {timeout:g} s.")
    except httpx.HTTPError as error:
        return _fail(f"Cannot reach {base}: {error or type(error).__name__}.")
    if response.status_code in (401, 403):
        return _fail(f"{base} refused the API key (HTTP {response.status_code}).")
    if response.status_code == 404:
        return _fail(f"{base}/models does not exist: does the address need /v1 at the end?")
    if response.status_code != 200:
        return _fail(f"{base} answered HTTP {response.status_code}.")
    try:
        listed = response.json().get("data", [])
        models = [str(item["id"]) for item in listed if isinstance(item, dict) and "id" in item]
    except (ValueError, AttributeError, TypeError):
        return _fail(f"{base} answered, but not with an OpenAI model list.")
    count = f"{len(models)} model{'s' if len(models) != 1 else ''}"
    return {"ok": True, "message": f"Connected to {base}: {count}.", "models": models}
