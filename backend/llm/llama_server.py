"""Serve a GGUF model with llama.cpp (xllamacpp) on a loopback port, in its own process.

Running the model in a child process keeps its memory and threads away from the web server,
lets the app restart it when it dies, and makes shutdown a plain terminate.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable

import psutil

# How often the server checks that the app that started it is still there.
PARENT_CHECK_SECONDS = 1.0


def watch_parent(on_gone: Callable[[], None], parent: int | None = None) -> threading.Thread:
    """Call ``on_gone`` once the process that started this one has ended.

    A killed app cannot stop its model server, and an orphaned server would hold gigabytes of
    memory and its port until the next reboot.
    """
    own_parent = parent is None
    watched = parent or os.getppid()

    def alive() -> bool:
        if not psutil.pid_exists(watched):
            return False
        # On POSIX an orphan is handed to another parent at once: a surer sign than the pid.
        return not own_parent or sys.platform == "win32" or os.getppid() == watched

    def watch() -> None:
        while alive():
            threading.Event().wait(PARENT_CHECK_SECONDS)
        on_gone()

    thread = threading.Thread(target=watch, name="watch-parent", daemon=True)
    thread.start()
    return thread


def serve(model: str, port: int, n_ctx: int, threads: int, alias: str) -> None:
    """Load ``model`` and serve the OpenAI API on 127.0.0.1:``port`` until signalled."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = model
    params.n_ctx = n_ctx
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.use_jinja = True
    params.port = port
    params.hostnames = ["127.0.0.1"]
    params.n_parallel = 1
    if alias:
        params.model_alias = {alias}
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    watch_parent(stop.set)
    server = xllamacpp.Server(params)
    print(f"LLAMA_SERVER_READY {server.listening_address}", flush=True)
    stop.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a GGUF model on a loopback port.")
    parser.add_argument("--model", required=True, help="path to the .gguf file")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ctx", type=int, default=4096, help="context size in tokens")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--alias", default="", help="model name reported by the server")
    args = parser.parse_args(argv)
    serve(args.model, args.port, args.ctx, args.threads, args.alias)
    return 0


if __name__ == "__main__":
    sys.exit(main())
