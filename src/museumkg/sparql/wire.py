"""The bytes between the web process and a query worker (:mod:`museumkg.sparql.workers`).

Jobs and replies are plain pickles sent with ``Connection.send_bytes`` over the worker's socket
pair, and a reply is awaited with one ``poll`` system call: ``Connection.send`` would build a
``ForkingPickler`` (copying its reducer table) per message, and
``multiprocessing.connection.wait`` a selector per wait, on every query of the endpoint.
"""

from __future__ import annotations

import math
import pickle
import select
from multiprocessing.connection import Connection
from typing import Any


def send(conn: Connection, message: object) -> None:
    """Send a job or a reply."""
    conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def receive(conn: Connection) -> Any:
    """Receive a job or a reply.

    Raises:
        EOFError: the other end closed the socket (or died).
        OSError: the socket failed.
    """
    return pickle.loads(conn.recv_bytes())


def readable(conn: Connection, timeout_s: float) -> bool:
    """Wait until ``conn`` has something to read (a reply, or the end when the worker died),
    at most ``timeout_s``; tell whether it has."""
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN)
    return bool(poller.poll(max(0, math.ceil(timeout_s * 1000))))
