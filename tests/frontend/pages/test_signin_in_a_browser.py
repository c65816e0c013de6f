"""In Chromium: after the token is typed, the sign-in goes to a page of this site only, however
``next`` was spelled. "Another site" here is the same server under the name ``localhost``:
for the browser that is another origin, and nothing leaves the machine."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import uvicorn

from backend.signin import SIGNIN_PATH, DashboardSignIn
from tests.backend.test_signin import TOKEN, dashboard
from tests.conftest import free_port
from tests.frontend.app_process import BrowserTab


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The sign-in in front of a stand-in dashboard, served on a loopback port."""
    port = free_port()
    config = uvicorn.Config(
        DashboardSignIn(dashboard, TOKEN), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


SHAPES = [
    "/\\{other}/x",
    "/\\/{other}/x",
    "\\\\{other}/x",
    "//{other}/x",
    "///{other}/x",
    "/\t/{other}/x",
    "/..//{other}/x",
    "http://{other}/x",
    "http:{other}/x",
    "/x\r\nLocation: http://{other}/",
]


@pytest.mark.parametrize("shape", SHAPES)
def test_signing_in_never_lands_on_another_site(tab: BrowserTab, site: str, shape: str) -> None:
    other = "localhost:" + site.split(":")[1]
    page: Any = tab.page
    page.goto(f"http://{site}{SIGNIN_PATH}?next={quote(shape.format(other=other), safe='')}")
    page.get_by_label("API token").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    landed = urlsplit(page.url)
    assert landed.netloc == site, page.url
    assert page.content().count("dashboard /") == 1


def test_a_page_of_this_site_is_where_it_lands(tab: BrowserTab, site: str) -> None:
    page: Any = tab.page
    page.goto(f"http://{site}/knowledge?tab=files")
    page.get_by_label("API token").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"http://{site}/knowledge?tab=files")
    assert "dashboard /knowledge" in page.content()
