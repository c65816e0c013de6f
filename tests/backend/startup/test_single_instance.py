"""One AgentDesk per data folder: the lock, what a second start finds, and a crash's leftovers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from backend.startup.single_instance import InstanceLock


def test_a_second_holder_is_refused_until_the_first_releases(tmp_path: Path) -> None:
    first, second = InstanceLock(tmp_path), InstanceLock(tmp_path)
    assert first.acquire()
    assert not second.acquire()
    first.publish("http://127.0.0.1:8765/")
    assert second.running_url() == "http://127.0.0.1:8765/"
    first.release()
    assert second.running_url() is None  # nothing answers there any more
    assert second.acquire()
    second.release()


def test_a_killed_holder_leaves_nothing_that_blocks_the_next_start(tmp_path: Path) -> None:
    holder = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(Path.cwd())!r})
        from pathlib import Path
        from backend.startup.single_instance import InstanceLock
        lock = InstanceLock(Path({str(tmp_path)!r}))
        assert lock.acquire()
        lock.publish("http://127.0.0.1:9/")
        print("held", flush=True)
        sys.stdin.readline()
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "held"
        assert not InstanceLock(tmp_path).acquire()
    finally:
        process.kill()
        process.wait(timeout=10)
    # The lock file and the stale instance.json are still there; the OS lock is not.
    assert (tmp_path / "agentdesk.lock").exists()
    lock = InstanceLock(tmp_path)
    assert lock.acquire()
    lock.release()


def test_a_garbled_instance_file_reads_as_not_running(tmp_path: Path) -> None:
    (tmp_path / "instance.json").write_text("{not json", encoding="utf-8")
    assert InstanceLock(tmp_path).running_url() is None
    (tmp_path / "instance.json").write_text('{"url": "file:///etc/passwd"}', encoding="utf-8")
    assert InstanceLock(tmp_path).running_url() is None
