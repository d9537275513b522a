"""Servers the bench starts and stops itself, on 127.0.0.1, and their memory.

- ``museumkg serve --no-build`` (waitress, the production configuration) over the bulk-loaded
  store, with the synthetic base IRI;
- ``oxigraph serve-read-only --union-default-graph`` (the PyPI ``oxigraph`` CLI) over the very
  same store folder, as the reference SPARQL server.

Each is polled until it answers (never slept on), and stopped (terminate, then kill) when the
``with`` block ends, whatever happened inside it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import requests

PROJECT_DIR = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 120.0


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def oxigraph_cli() -> str | None:
    """The ``oxigraph`` executable (beside this Python first, then on PATH)."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.exists():
        return str(beside)
    return shutil.which("oxigraph")


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (worker pools count as the server)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB."""
    return sum(_status_kb(p, "VmRSS") for p in descendants(pid)) / 1024


def tree_peak_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) summed over a process and its descendants, in MB."""
    return sum(_status_kb(p, "VmHWM") for p in descendants(pid)) / 1024


class Server:
    """A server process: started by ``with``, polled until ready, always stopped."""

    def __init__(
        self,
        name: str,
        command: list[str],
        url: str,
        ready_path: str,
        log: Path,
        env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.command = command
        self.url = url
        self.ready_path = ready_path
        self.log = log
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def __enter__(self) -> Server:
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                self.command,
                cwd=PROJECT_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        pause = 0.05
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if requests.get(self.url + self.ready_path, timeout=5).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(pause)  # between polls, not a wait for readiness
            pause = min(pause * 2, 0.5)
        self.stop()
        tail = self.log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{self.name} did not start at {self.url}:\n{tail}")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Terminate the process (and its session: worker pools go too); kill if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return
        for sig, wait in (("terminate", 15), ("kill", 10)):
            try:
                os.killpg(self.proc.pid, 15 if sig == "terminate" else 9)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


def museumkg_server(var_dir: Path, base_iri: str, log: Path, threads: int = 8) -> Server:
    """``museumkg serve --no-build`` over the store under ``var_dir``."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        MUSEUMKG_VAR_DIR=str(var_dir),
        MUSEUMKG_BASE_IRI=base_iri,
        MUSEUMKG_CHECK_OWL="false",
        PYTHONUNBUFFERED="1",
    )
    command = [sys.executable, "-m", "museumkg.cli.main", "serve", "--no-build"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)]
    return Server("museumkg serve", command, f"http://127.0.0.1:{port}", "/health", log, env)


def oxigraph_server(store_dir: Path, log: Path) -> Server | None:
    """``oxigraph serve-read-only`` over ``store_dir`` (``None`` if the CLI is missing)."""
    cli = oxigraph_cli()
    if cli is None:
        return None
    port = free_port()
    command = [cli, "serve-read-only", "--location", str(store_dir)]
    command += ["--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    return Server(
        "oxigraph serve", command, f"http://127.0.0.1:{port}", "/query?query=ASK%7B%7D", log
    )
