"""Real SPARQL server processes for tests, started on 127.0.0.1 and always stopped."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_binary() -> str:
    """The ``oxigraph`` server CLI from the PyPI package (test extra)."""
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        raise RuntimeError("the `oxigraph` server CLI is missing: install the test extra")
    return found


@dataclass
class ServerProcess:
    """A server process on 127.0.0.1 that a test may kill, stall or restart on the same port."""

    command: list[str]
    port: int
    url: str
    process: subprocess.Popen[bytes] | None = None

    def start(self, ready_path: str, timeout_s: float = 30) -> None:
        """Start the process and poll ``url + ready_path`` until it answers."""
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                error = self.process.stderr.read()[:500] if self.process.stderr else b""
                raise RuntimeError(f"{self.command[0]} exited: {error!r}")
            try:
                with urllib.request.urlopen(self.url + ready_path, timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.url} did not answer in {timeout_s} s") from None
                time.sleep(0.1)  # the pause between polls, not a wait for readiness

    def kill(self) -> None:
        """Kill the process at once (SIGKILL), as a crash would, and reap it."""
        if self.process is not None and self.process.poll() is None:
            if self.process.pid:
                os.kill(self.process.pid, signal.SIGCONT)  # in case a test stalled it
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        """Stop the process politely, killing it if it does not end in 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGCONT)
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def oxigraph_command(folder: Path, port: int, timeout_s: float | None = None) -> list[str]:
    """``oxigraph serve`` on ``folder``; with ``timeout_s`` the server stops longer queries."""
    command = [oxigraph_binary(), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"]
    if timeout_s is not None:
        command += ["--timeout-s", f"{timeout_s:g}"]
    return command


@contextmanager
def oxigraph_process(folder: Path, timeout_s: float | None = None) -> Iterator[ServerProcess]:
    """Run ``oxigraph serve`` with its own data folder; yield it (started), stop it after."""
    port = free_port()
    server = ServerProcess(
        oxigraph_command(folder, port, timeout_s), port, f"http://127.0.0.1:{port}"
    )
    try:
        server.start("/query?query=ASK%7B%7D")
        yield server
    finally:
        server.stop()


@contextmanager
def oxigraph_server(folder: Path, timeout_s: float | None = None) -> Iterator[str]:
    """Run ``oxigraph serve`` with its own data folder; yield its base URL, polled until ready."""
    with oxigraph_process(folder, timeout_s) as server:
        yield server.url


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {folder}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""
#: A fresh Virtuoso database has the administrator dba with the password dba.
VIRTUOSO_USER = ("dba", "dba")


@contextmanager
def virtuoso_server(folder: Path, timeout_s: float = 90) -> Iterator[str]:
    """Run a private Virtuoso (Debian's virtuoso-opensource) in ``folder``; yield its base URL.

    The instance has its own database files and ports on 127.0.0.1 and is stopped after.
    """
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise RuntimeError("virtuoso-t is missing: scripts/system-deps.sh installs it")
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(folder=folder, http_port=http_port, sql_port=sql_port),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [binary, "-f", "-c", str(ini)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                log = (folder / "virtuoso.log").read_text(errors="replace")[-800:]
                raise RuntimeError(f"virtuoso exited: {log}")
            try:
                with urllib.request.urlopen(f"{url}/sparql?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"virtuoso did not answer in {timeout_s} s") from None
                time.sleep(0.25)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


PROJECT_DIR = Path(__file__).resolve().parents[1]


def museumkg_env(settings: object, **extra: str) -> dict[str, str]:
    """The environment of a ``museumkg`` process serving ``settings``' catalog."""
    env = dict(os.environ)
    paths = [str(PROJECT_DIR / "src"), str(PROJECT_DIR), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    env["PYTHONUNBUFFERED"] = "1"
    for name in ("var_dir", "base_iri", "data_dir", "ontology_dir"):
        env[f"MUSEUMKG_{name.upper()}"] = str(getattr(settings, name))
    env.update(extra)
    return env


@contextmanager
def museumkg_server(
    settings: object, *args: str, log: Path, timeout_s: float = 60, **env: str
) -> Iterator[ServerProcess]:
    """Run ``museumkg serve --no-build ARGS`` (waitress) on a free port until ``/health`` is OK;
    its stderr (the request log) goes to ``log``; it is stopped after."""
    port = free_port()
    command = [sys.executable, "-m", "museumkg.cli.main", "serve", "--no-build", "--threads", "8"]
    command += ["--host", "127.0.0.1", "--port", str(port), *args]
    server = ServerProcess(command, port, f"http://127.0.0.1:{port}")
    with log.open("ab") as stderr:
        server.process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=museumkg_env(settings, **env),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if server.process.poll() is not None:
                raise RuntimeError(f"museumkg serve exited:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(server.url + "/health", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    text = log.read_text(errors="replace")
                    raise RuntimeError(
                        f"museumkg serve not ready in {timeout_s} s:\n{text}"
                    ) from None
                time.sleep(0.1)  # the pause between polls, not a wait for readiness
        yield server
    finally:
        server.stop()


#: Debian's OpenRefine launcher (package ``openrefine``, installed by scripts/system-deps.sh).
OPENREFINE = Path("/usr/bin/openrefine")


@contextmanager
def openrefine_server(folder: Path, timeout_s: float = 120) -> Iterator[str]:
    """Run OpenRefine headless on 127.0.0.1 with its own workspace in ``folder``; yield its URL.

    Its launcher starts Java as a child, so the whole process group is stopped at the end.
    """
    port = free_port()
    workspace = folder / "workspace"
    workspace.mkdir(parents=True, exist_ok=True)
    command = [str(OPENREFINE), "-i", "127.0.0.1", "-p", str(port), "-d", str(workspace)]
    command += ["-m", "1024M", "-x", "refine.headless=true"]
    env = {**os.environ, "HOME": str(folder)}  # its Jython cache goes under $HOME
    log = folder / "openrefine.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"OpenRefine exited:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{url}/command/core/get-version", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"OpenRefine not ready in {timeout_s} s") from None
                time.sleep(0.25)  # the pause between polls, not a wait for readiness
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


#: Debian's nginx (package ``nginx``, installed by scripts/system-deps.sh).
NGINX = Path("/usr/sbin/nginx")

#: An HTTP cache in front of museumkg (docs/deploy.md shows the same configuration). nginx keeps
#: what museumkg marks cacheable (Cache-Control, ETag, Vary) and revalidates stale copies with
#: conditional requests, which museumkg answers 304; ``X-Cache-Status`` says HIT, MISS, ...
NGINX_CONFIG = """\
{user}worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format cache '$request_method $request_uri $status $upstream_cache_status';
    access_log {folder}/access.log cache;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    proxy_cache_path {folder}/cache levels=1:2 keys_zone=museumkg:10m max_size=1g
                     inactive=1h use_temp_path=off;
    upstream museumkg {{
        server {upstream};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://museumkg;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_cache museumkg;
            proxy_cache_methods GET HEAD;
            proxy_cache_key $scheme$http_host$request_uri;
            proxy_cache_revalidate on;
            proxy_cache_lock on;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
}}
"""


def nginx_config(upstream: str, port: int, folder: Path) -> str:
    """The nginx configuration of :data:`NGINX_CONFIG` for ``upstream`` (``host:port``)."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the test's folder
    return NGINX_CONFIG.format(user=user, upstream=upstream, port=port, folder=folder)


@contextmanager
def nginx_cache(upstream_url: str, folder: Path, timeout_s: float = 30) -> Iterator[str]:
    """Run nginx with ``proxy_cache`` in front of ``upstream_url`` on a free port; yield its URL.

    Everything it writes (configuration, cache, logs, pid) is under ``folder``.
    """
    if not NGINX.exists():
        raise RuntimeError("nginx is missing: run scripts/system-deps.sh (Debian package nginx)")
    for sub in ("tmp", "cache"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = folder / "nginx.conf"
    upstream = upstream_url.removeprefix("http://").rstrip("/")
    config.write_text(nginx_config(upstream, port, folder), encoding="utf-8")
    server = ServerProcess([str(NGINX), "-p", str(folder), "-c", str(config)], port, "")
    server.url = f"http://127.0.0.1:{port}"
    try:
        server.start("/health", timeout_s=timeout_s)
        yield server.url
    finally:
        server.stop()
