"""The model server ends itself when the app that started it is gone (killed, crashed)."""

from __future__ import annotations

import subprocess
import sys
import threading

from backend.llm.llama_server import watch_parent


def test_on_gone_runs_once_the_parent_has_exited() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    gone = threading.Event()
    # Watching another process's pid stands in for this process's own parent.
    watch_parent(gone.set, parent=parent.pid)
    assert not gone.wait(1.5), "the parent is alive: nothing to do yet"
    parent.kill()
    parent.wait(timeout=10)
    assert gone.wait(10), "the watch did not notice its parent was gone"


def test_the_watch_is_a_daemon_so_it_never_holds_the_process_open() -> None:
    thread = watch_parent(lambda: None)
    assert thread.daemon
