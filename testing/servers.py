"""The one launcher of the servers tests and benchmarks start: Oxigraph server, Virtuoso,
``museumkg serve``, OpenRefine, nginx as a cache or as a balancer (and any other HTTP server:
:class:`ServerProcess` takes a command and a readiness path).

Every server is private: its own folder, a free port on 127.0.0.1, polled until it answers
(never slept on), and stopped when its ``with`` block ends, whatever happened inside it. What
differs between callers is a parameter, not a copy: where the output goes (``log``), whether the
server runs in its own session so its children (worker pools, Java) stop with it
(``own_session``), whether it dies with the process that started it (``die_with_parent``: a
benchmark's time cap must not leave servers behind), Virtuoso's buffer sizes.

Lives beside ``tests/`` and ``bench/`` (not in the library, which never starts servers; not in
one of the two, so that neither imports the other); both import it from the project root.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

PROJECT_DIR = Path(__file__).resolve().parents[1]
#: How long a server may take to answer its readiness path before it counts as broken.
START_TIMEOUT_S = 120.0
#: Debian's OpenRefine launcher (package ``openrefine``, installed by scripts/system-deps.sh).
OPENREFINE = Path("/usr/bin/openrefine")
#: A fresh Virtuoso database has the administrator dba with the password dba.
VIRTUOSO_USER = ("dba", "dba")


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def oxigraph_binary(required: bool = True) -> str | None:
    """The ``oxigraph`` server CLI of the PyPI package (beside this Python first, then on PATH).

    Raises:
        RuntimeError: when it is missing and ``required``.
    """
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None and required:
        raise RuntimeError("the `oxigraph` server CLI is missing: install the test extra")
    return found


def exit_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """In a server child: receive SIGKILL when the process that started it dies."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class ServerProcess:
    """A server process on 127.0.0.1 that a caller may poll, stall (SIGSTOP), kill or stop.

    Args:
        command: the command line.
        url: its base URL.
        ready_path: a path under ``url`` that answers 200 once the server serves.
        log: where its stdout and stderr go (``None``: stderr is kept for the error message).
        env: its environment (``None``: this process's).
        own_session: run it in its own session; stop the whole session (its children too).
        die_with_parent: it gets SIGKILL when the process that started it dies.
        name: how errors name it.
    """

    command: list[str]
    url: str
    ready_path: str
    log: Path | None = None
    env: Mapping[str, str] | None = None
    cwd: Path = PROJECT_DIR
    own_session: bool = False
    die_with_parent: bool = False
    name: str = ""
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def port(self) -> int:
        """The port of :attr:`url`."""
        return int(self.url.rsplit(":", 1)[1].split("/", 1)[0])

    @property
    def pid(self) -> int:
        """The process id (once started)."""
        assert self.process is not None
        return self.process.pid

    def start(self, timeout_s: float = START_TIMEOUT_S) -> ServerProcess:
        """Start the process and poll ``url + ready_path`` until it answers 200.

        Raises:
            RuntimeError: when it exits first or does not answer within ``timeout_s`` (it is
                stopped then), with the end of its output.
        """
        out = self.log.open("ab") if self.log is not None else None
        try:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=dict(self.env) if self.env is not None else None,
                stdout=out if out is not None else subprocess.DEVNULL,
                stderr=subprocess.STDOUT if out is not None else subprocess.PIPE,
                start_new_session=self.own_session,
                preexec_fn=exit_with_parent if self.die_with_parent else None,  # noqa: PLW1509
            )
        finally:
            if out is not None:
                out.close()
        deadline = time.monotonic() + timeout_s
        pause = 0.02
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self._name()} exited:\n{self._output()}")
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=5):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    message = f"{self._name()} did not answer {self.url} in {timeout_s:g} s"
                    raise RuntimeError(f"{message}:\n{self._output()}") from None
            time.sleep(pause)  # the pause between polls, not a wait for readiness
            pause = min(pause * 2, 0.25)

    def kill(self) -> None:
        """Kill the process at once (SIGKILL), as a crash would, and reap it."""
        if self.process is None or self.process.poll() is not None:
            return
        self._signal(signal.SIGCONT)  # in case it was stalled
        self._signal(signal.SIGKILL)
        self.process.wait()

    def stop(self, grace_s: float = 15) -> None:
        """Stop the process politely (SIGTERM), killing it if it does not end in ``grace_s``."""
        if self.process is None or self.process.poll() is not None:
            return
        self._signal(signal.SIGCONT)
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> ServerProcess:
        return self.start() if self.process is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        try:
            if self.own_session:
                os.killpg(self.process.pid, sig)
            else:
                os.kill(self.process.pid, sig)
        except ProcessLookupError:
            pass

    def _name(self) -> str:
        return self.name or Path(self.command[0]).name

    def _output(self) -> str:
        if self.log is not None:
            return self.log.read_text(errors="replace")[-2000:]
        if self.process is not None and self.process.stderr is not None:
            if self.process.poll() is not None:
                return self.process.stderr.read()[-2000:].decode("utf-8", "replace")
        return ""


# --- Oxigraph server ------------------------------------------------------------------------


def oxigraph(
    folder: Path,
    *,
    timeout_s: float | None = None,
    read_only: bool = False,
    union_default_graph: bool = False,
    **options: object,
) -> ServerProcess:
    """``oxigraph serve`` (``serve-read-only`` when ``read_only``) on the store in ``folder``,
    not started; ``timeout_s`` is its ``--timeout-s`` (it stops longer queries)."""
    port = free_port()
    command = [str(oxigraph_binary()), "serve-read-only" if read_only else "serve"]
    command += ["--location", str(folder), "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        command.append("--union-default-graph")
    if timeout_s is not None:
        command += ["--timeout-s", f"{timeout_s:g}"]
    url = f"http://127.0.0.1:{port}"
    return ServerProcess(
        command,
        url,
        "/query?query=ASK%7B%7D",
        name="oxigraph serve",
        **options,  # type: ignore[arg-type]
    )


# --- Virtuoso -------------------------------------------------------------------------------

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
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {max_seconds}
"""


@dataclass(frozen=True)
class VirtuosoSize:
    """Virtuoso's memory and answer limits (buffers of 8 KB)."""

    buffers: int = 10_000
    dirty_buffers: int = 6_000
    max_rows: int = 100_000
    max_seconds: int = 60


#: For benchmarks at 10^5–10^6 triples: about 700 MB of buffers, larger answers.
BENCH_VIRTUOSO = VirtuosoSize(85_000, 60_000, 1_000_000, 120)


def virtuoso(folder: Path, size: VirtuosoSize = VirtuosoSize(), **options: object) -> ServerProcess:
    """A private Virtuoso (Debian's virtuoso-opensource) with its database in ``folder``, not
    started; user :data:`VIRTUOSO_USER`."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise RuntimeError("virtuoso-t is missing: scripts/system-deps.sh installs it")
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    text = VIRTUOSO_INI.format(
        folder=folder,
        http_port=http_port,
        sql_port=sql_port,
        buffers=size.buffers,
        dirty_buffers=size.dirty_buffers,
        max_rows=size.max_rows,
        max_seconds=size.max_seconds,
    )
    ini.write_text(text, encoding="utf-8")
    options.setdefault("log", folder / "virtuoso.out")
    return ServerProcess(
        [binary, "-f", "-c", str(ini)],
        f"http://127.0.0.1:{http_port}",
        "/sparql?query=ASK%7B%7D",
        cwd=folder,
        name="virtuoso",
        **options,  # type: ignore[arg-type]
    )


# --- museumkg serve -------------------------------------------------------------------------


def museumkg_env(**settings: object) -> dict[str, str]:
    """The environment of a ``museumkg`` process: this one's, the project importable, and a
    ``MUSEUMKG_<NAME>`` variable per setting given (``var_dir=...``, ``endpoint=...``)."""
    env = dict(os.environ)
    paths = [str(PROJECT_DIR / "src"), str(PROJECT_DIR), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    env["PYTHONUNBUFFERED"] = "1"
    for name, value in settings.items():
        env[f"MUSEUMKG_{name.upper()}"] = str(value)
    return env


def museumkg(
    *args: str, env: Mapping[str, str], threads: int = 8, **options: object
) -> ServerProcess:
    """``museumkg serve --no-build ARGS`` (granian) on a free port, ready when ``/health``
    answers, not started; ``env`` from :func:`museumkg_env`."""
    port = free_port()
    command = [sys.executable, "-m", "museumkg.cli.main", "serve", "--no-build"]
    command += ["--threads", str(threads), "--host", "127.0.0.1", "--port", str(port), *args]
    return ServerProcess(
        command,
        f"http://127.0.0.1:{port}",
        "/health",
        env=env,
        name="museumkg serve",
        **options,  # type: ignore[arg-type]
    )


# --- OpenRefine -----------------------------------------------------------------------------


def openrefine(folder: Path, memory: str = "1024M", **options: object) -> ServerProcess:
    """OpenRefine headless with its own workspace (and ``$HOME``) in ``folder``, not started;
    its launcher starts Java as a child, so it runs in its own session, stopped whole."""
    port = free_port()
    workspace = folder / "workspace"
    workspace.mkdir(parents=True, exist_ok=True)
    command = [str(OPENREFINE), "-i", "127.0.0.1", "-p", str(port), "-d", str(workspace)]
    command += ["-m", memory, "-x", "refine.headless=true"]
    options.setdefault("log", folder / "openrefine.log")
    options.setdefault("env", {**os.environ, "HOME": str(folder)})  # its Jython cache
    return ServerProcess(
        command,
        f"http://127.0.0.1:{port}",
        "/command/core/get-version",
        own_session=True,
        name="OpenRefine",
        **options,  # type: ignore[arg-type]
    )


# --- nginx ----------------------------------------------------------------------------------

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


def _nginx_user() -> str:
    """nginx's ``user`` line: as root its workers must run as root to read the test's folder."""
    return "user root;\n" if os.geteuid() == 0 else ""


def nginx_config(upstream: str, port: int, folder: Path) -> str:
    """The nginx configuration of :data:`NGINX_CONFIG` for ``upstream`` (``host:port``)."""
    return NGINX_CONFIG.format(user=_nginx_user(), upstream=upstream, port=port, folder=folder)


def _nginx(folder: Path, config_for_port: Callable[[int], str], **options: object) -> ServerProcess:
    """nginx on a free port with the configuration ``config_for_port(port)``, not started;
    everything it writes (configuration, logs, pid, temporary files) is under ``folder``."""
    if not NGINX.exists():
        raise RuntimeError("nginx is missing: run scripts/system-deps.sh (Debian package nginx)")
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = folder / "nginx.conf"
    config.write_text(config_for_port(port), encoding="utf-8")
    command = [str(NGINX), "-p", str(folder), "-c", str(config)]
    return ServerProcess(command, f"http://127.0.0.1:{port}", "/health", name="nginx", **options)  # type: ignore[arg-type]


def nginx_cache(upstream_url: str, folder: Path, **options: object) -> ServerProcess:
    """nginx with ``proxy_cache`` (:data:`NGINX_CONFIG`) in front of ``upstream_url`` on a free
    port, not started; what it writes (configuration, cache, logs, pid) is under ``folder``."""
    (folder / "cache").mkdir(parents=True, exist_ok=True)
    upstream = upstream_url.removeprefix("http://").rstrip("/")
    return _nginx(folder, lambda port: nginx_config(upstream, port, folder), **options)


#: A load balancer in front of several museumkg processes (docs/deploy.md shows the same
#: configuration): round robin over ``{servers}`` (one ``server host:port;`` line each), the next
#: one tried when a process refuses the connection or fails (``proxy_next_upstream``), which
#: process answered in ``X-Upstream`` and in the access log. No cache: each answer is the app's.
NGINX_BALANCER_CONFIG = """\
{user}worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format upstream '$request_method $request_uri $status $upstream_addr';
    access_log {folder}/access.log upstream;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    upstream museumkg {{
{servers}        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://museumkg;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_next_upstream error timeout http_502;
            proxy_connect_timeout 5s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def nginx_balancer(upstream_urls: list[str], folder: Path, **options: object) -> ServerProcess:
    """nginx balancing over ``upstream_urls`` (:data:`NGINX_BALANCER_CONFIG`) on a free port,
    not started; its configuration, logs and pid are under ``folder``."""
    servers = "".join(
        f"        server {url.removeprefix('http://').rstrip('/')};\n" for url in upstream_urls
    )

    def config(port: int) -> str:
        return NGINX_BALANCER_CONFIG.format(
            user=_nginx_user(), servers=servers, port=port, folder=folder
        )

    return _nginx(folder, config, **options)


@contextmanager
def running(server: ServerProcess, timeout_s: float = START_TIMEOUT_S) -> Iterator[ServerProcess]:
    """Start ``server``, yield it ready, stop it after."""
    server.start(timeout_s)
    try:
        yield server
    finally:
        server.stop()
