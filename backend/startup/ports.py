"""Which port AgentDesk listens on, and the address a browser on this machine uses for it.

The preferred port (``--port`` or ``AGENTDESK_PORT``, 8765) is used when it is free; when
another program holds it, any free port is, so a second app never stops AgentDesk starting.
"""

from __future__ import annotations

import socket
import sys

from backend.config import is_loopback


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``host:port`` right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if sys.platform != "win32":
            # Matches what servers do, so a port in TIME_WAIT after a restart counts as free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port the system reports unused on ``host`` (closed again before returning): the one
    helper for the app, its tests and the benchmarks."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def choose_port(host: str, preferred: int) -> int:
    """``preferred`` when it is free, otherwise any free port."""
    if preferred and port_is_free(host, preferred):
        return preferred
    return free_port(host)


def app_port(host: str, preferred: int) -> int:
    """The port the app will serve on; says so when it is not the preferred one."""
    port = choose_port(host, preferred)
    if port != preferred:
        print(f"Port {preferred} is in use; using {port} instead.")
    return port


def browser_host(host: str) -> str:
    """The address a local browser should use to reach ``host``."""
    if host in {"0.0.0.0", "::", ""} or is_loopback(host):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
