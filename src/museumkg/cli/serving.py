"""The HTTP server of ``museumkg serve``: granian (HTTP/1.1 and h2c in Rust) over the WSGI app.

Waitress reads, parses and writes HTTP in Python, on a loop thread that hands each request to a
worker thread and takes the answer back, all under the GIL the app needs too; granian does that
part in Rust and calls the app from its own Python threads (``threads``). See bench/README.md,
"/sparql: the hot path", for the figures that chose it.

granian's supervisor is this process: it binds the port, forks the app's process (``workers``
of them, each its own app, own query workers, own snapshot of the release) and, on SIGTERM or
Ctrl-C, stops them gracefully (requests in flight are answered) before it exits. The app is made
in the forked process (``make_app``), so its query worker processes are that process's children
and end with it (:mod:`museumkg.sparql.workers`).
"""

from __future__ import annotations

import errno
import multiprocessing
import socket
from collections.abc import Callable
from typing import Any


def check_address(host: str, port: int) -> None:
    """Bind ``host:port`` once and let it go, so a port in use is one clear error here rather
    than a panic in granian's supervisor.

    Raises:
        OSError: the address cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def serve_app(
    make_app: Callable[[], Any], *, host: str, port: int, threads: int, workers: int = 1
) -> None:
    """Serve the WSGI app ``make_app()`` returns on ``host:port`` until stopped (SIGTERM, SIGINT).

    Raises:
        OSError: the address cannot be bound (in use, not ours).
    """
    from granian.constants import Interfaces
    from granian.server import Server

    if multiprocessing.get_start_method(allow_none=True) not in (None, "fork"):
        raise RuntimeError("museumkg serve forks its app process: the start method must be fork")
    check_address(host, port)
    server = Server(
        "webapp:create_app",  # names the app in granian's log; the app itself is make_app()
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        websockets=False,
    )
    # With fork, the loader is inherited by the app's process, never pickled.
    try:
        server.serve(target_loader=lambda *_args, **_kw: make_app(), wrap_loader=False)
    except RuntimeError as err:  # granian's bind, should the port be taken since the check
        if "in use" in str(err):
            raise OSError(errno.EADDRINUSE, str(err)) from err
        raise
