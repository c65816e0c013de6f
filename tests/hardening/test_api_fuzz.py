"""API fuzzing: Schemathesis drives every operation of the live OpenAPI schema, in-process.

Two apps, both on the scripted fake model in a temp data dir: one without an API token, one
with ``AGENTDESK_API_TOKEN`` set (there each case is sent with the token, then again without
it). ``/mcp``, which is not in the schema, gets its own Hypothesis fuzz. Whatever is sent, the
answer is never a 5xx and never hangs, and every error is JSON with a message a person can
read. ``AGENTDESK_FUZZ_EXAMPLES`` sets the generated examples per operation (the default keeps
the run short enough for every test run; raise it, e.g. to 200, for release runs).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.pytest.lazy import get_all_tests

from tests.hardening.fuzzing import (
    AUTH,
    BASE_URL,
    EXAMPLES,
    OPEN_PATHS,
    REQUEST_TIMEOUT,
    FuzzTally,
    FuzzTarget,
    error_message,
)

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # The default run is the same every time; a deep run (more examples) explores afresh.
    derandomize=EXAMPLES <= 25,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def tally(request: pytest.FixtureRequest) -> Iterator[FuzzTally]:
    counts = FuzzTally()
    yield counts
    # Written past pytest's capture, so the figures show in every run, passing or not.
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            for line in counts.summary():
                reporter.write_line(line)


# Per test: Schemathesis' pytest plugin ends every in-process app's lifespan after each test.
@pytest.fixture
def open_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzTarget]:
    with FuzzTarget(tmp_path_factory.mktemp("fuzz-open"), token="") as target:
        yield target


@pytest.fixture
def token_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzTarget]:
    with FuzzTarget(tmp_path_factory.mktemp("fuzz-token"), token=AUTH.token) as target:
        yield target


def send(case: Any, target: FuzzTarget, headers: dict[str, str] | None = None) -> Any:
    """Call the app in-process; a request that takes longer than the guard fails as a hang."""
    swapped = target.prepare(case)
    response = case.call(base_url=BASE_URL, headers=headers, timeout=REQUEST_TIMEOUT)
    target.seeds.replant_after(case, swapped, response.status_code)
    return response


def check(case: Any, response: Any) -> None:
    """No 5xx (with Schemathesis' reproduction on failure); errors are JSON with a message."""
    case.validate_response(response, checks=[not_a_server_error])
    if response.status_code >= 400:
        message = error_message(case.path, response)
        assert message, f"{case.method} {case.formatted_path}: error without a message"


def assert_refused(case: Any, response: Any) -> None:
    """Without the token: 401 before anything else, whatever was sent (no route ran)."""
    assert response.status_code == 401, f"answered {response.status_code} without the token"
    assert "AGENTDESK_API_TOKEN" in error_message(case.path, response)


def fuzz_every_operation(
    target: FuzzTarget, subtests: pytest.Subtests, tally: FuzzTally, example: Callable[[Any], None]
) -> None:
    """Run ``example`` on each operation's cases (Schemathesis' coverage cases, then generated
    ones), one subtest per operation.

    ``schemathesis.pytest.from_fixture(...).parametrize()`` renames pytest nodes through an
    attribute pytest 9 no longer has, so the per-operation tests it builds are run here.
    """
    tests = get_all_tests(
        schema=target.schema, test_func=example, settings=FUZZ_SETTINGS, given_kwargs={}
    )
    for result in tests:
        operation, test = result.ok()
        began = time.monotonic()
        with subtests.test(msg=operation.label):
            test()
        tally.timed(target.label, time.monotonic() - began)
    # /mcp is not in the schema: it gets its own Hypothesis fuzz.
    with subtests.test(msg="/mcp"):
        fuzz_mcp(target, tally)


def test_fuzz_without_a_token(
    open_target: FuzzTarget, subtests: pytest.Subtests, tally: FuzzTally
) -> None:
    def example(case: Any) -> None:
        response = send(case, open_target)
        tally.record(open_target.label, case.operation.label, response.status_code)
        check(case, response)

    fuzz_every_operation(open_target, subtests, tally, example)


def test_fuzz_with_a_token(
    token_target: FuzzTarget, subtests: pytest.Subtests, tally: FuzzTally
) -> None:
    def example(case: Any) -> None:
        response = send(case, token_target, AUTH.headers)
        tally.record(token_target.label, case.operation.label, response.status_code)
        check(case, response)
        anonymous = send(case, token_target)
        tally.record("token set, none sent", case.operation.label, anonymous.status_code)
        check(case, anonymous)
        if case.path not in OPEN_PATHS:
            assert_refused(case, anonymous)

    fuzz_every_operation(token_target, subtests, tally, example)


# /mcp: JSON-RPC messages, well-formed or not, to harmless tools (write_file is left out).
TOOLS = ["calculator", "current_time", "list_files", "read_document", "read_file", "recall"]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
TOOL_CALL = st.fixed_dictionaries(
    {"name": st.sampled_from(TOOLS) | st.text(max_size=12), "arguments": JSON_VALUES}
)
MESSAGE = st.fixed_dictionaries(
    {
        "jsonrpc": st.sampled_from(["2.0", "1.0"]),
        "method": st.sampled_from(["initialize", "ping", "tools/list", "tools/call", "nope"]),
    },
    optional={"id": st.integers() | st.text(max_size=8) | st.none(), "params": TOOL_CALL},
)
MCP_REQUEST = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["POST", "POST", "POST", "GET", "DELETE", "PUT", "OPTIONS"]),
        "content_type": st.sampled_from(["application/json", "text/plain", ""]),
        "accept": st.sampled_from(["application/json, text/event-stream", "*/*", "text/html"]),
        "body": MESSAGE.map(json.dumps) | JSON_VALUES.map(json.dumps) | st.text(max_size=40),
    }
)


def mcp_message(response: Any) -> str:
    """Our ``detail``, or the JSON-RPC error's ``message`` the MCP transport answers with."""
    assert response.headers.get("content-type", "").startswith("application/json")
    body = response.json()
    message = body["error"]["message"] if "error" in body else body["detail"]
    assert isinstance(message, str) and message.strip()
    return message


def fuzz_mcp(target: FuzzTarget, tally: FuzzTally) -> None:
    """POST, GET, … /mcp with JSON-RPC messages or junk, with the token (if set) and without."""
    token = bool(target.settings.api_token)
    senders = [(target.label, AUTH.headers if token else {})]
    if token:
        senders.append(("token set, none sent", {}))

    # One route: more examples than each schema operation gets, at a small cost.
    @settings(FUZZ_SETTINGS, max_examples=EXAMPLES * 8)
    @given(request=MCP_REQUEST)
    def example(request: dict[str, str]) -> None:
        headers = {"Accept": request["accept"], "Content-Type": request["content_type"]}
        for label, auth in senders:
            response = target.request(
                request["method"], "/mcp", {**headers, **auth}, data=request["body"]
            )
            tally.record(f"/mcp, {label}", request["method"], response.status_code)
            assert response.status_code < 500, response.text
            if response.status_code >= 400:
                mcp_message(response)
            if token and not auth:
                assert response.status_code == 401

    example()
