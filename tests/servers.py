"""Real servers for tests, on 127.0.0.1, always stopped: the tests' face of the one launcher,
``testing/servers.py`` (shared with ``bench/``), with the tests' defaults."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from testing.servers import (
    NGINX,
    NGINX_CONFIG,
    OPENREFINE,
    VIRTUOSO_USER,
    ServerProcess,
    free_port,
    nginx_config,
    openrefine,
    oxigraph,
    oxigraph_binary,
    running,
    virtuoso,
)
from testing.servers import museumkg as museumkg_process
from testing.servers import museumkg_env as _env
from testing.servers import nginx_balancer as nginx_balancer_process
from testing.servers import nginx_cache as nginx_process

__all__ = [
    "NGINX",
    "NGINX_CONFIG",
    "OPENREFINE",
    "VIRTUOSO_USER",
    "ServerProcess",
    "free_port",
    "museumkg_env",
    "museumkg_server",
    "nginx_balancer",
    "nginx_cache",
    "nginx_config",
    "openrefine_server",
    "oxigraph_binary",
    "oxigraph_process",
    "oxigraph_server",
    "virtuoso_server",
]


@contextmanager
def oxigraph_process(folder: Path, timeout_s: float | None = None) -> Iterator[ServerProcess]:
    """Run ``oxigraph serve`` with its own data folder; yield it (started), stop it after."""
    with running(oxigraph(folder, timeout_s=timeout_s), timeout_s=30) as server:
        yield server


@contextmanager
def oxigraph_server(folder: Path, timeout_s: float | None = None) -> Iterator[str]:
    """Run ``oxigraph serve`` with its own data folder; yield its base URL, polled until ready."""
    with oxigraph_process(folder, timeout_s) as server:
        yield server.url


@contextmanager
def virtuoso_server(folder: Path, timeout_s: float = 90) -> Iterator[str]:
    """Run a private Virtuoso (Debian's virtuoso-opensource) in ``folder``; yield its base URL."""
    with running(virtuoso(folder), timeout_s=timeout_s) as server:
        yield server.url


def museumkg_env(settings: object, **extra: str) -> dict[str, str]:
    """The environment of a ``museumkg`` process serving ``settings``' catalog."""
    names = ("var_dir", "base_iri", "data_dir", "ontology_dir")
    env = _env(**{name: getattr(settings, name) for name in names})
    env.update(extra)
    return env


@contextmanager
def museumkg_server(
    settings: object, *args: str, log: Path, timeout_s: float = 60, **env: str
) -> Iterator[ServerProcess]:
    """Run ``museumkg serve --no-build ARGS`` (granian) on a free port until ``/health`` is OK;
    its output (the request log) goes to ``log``; it is stopped after."""
    server = museumkg_process(*args, env=museumkg_env(settings, **env), log=log)
    with running(server, timeout_s=timeout_s) as started:
        yield started


@contextmanager
def openrefine_server(folder: Path, timeout_s: float = 120) -> Iterator[str]:
    """Run OpenRefine headless on 127.0.0.1 with its own workspace in ``folder``; yield its URL."""
    with running(openrefine(folder), timeout_s=timeout_s) as server:
        yield server.url


@contextmanager
def nginx_cache(upstream_url: str, folder: Path, timeout_s: float = 30) -> Iterator[str]:
    """Run nginx with ``proxy_cache`` in front of ``upstream_url`` on a free port; yield its URL.

    Everything it writes (configuration, cache, logs, pid) is under ``folder``.
    """
    with running(nginx_process(upstream_url, folder), timeout_s=timeout_s) as server:
        yield server.url


@contextmanager
def nginx_balancer(
    upstream_urls: list[str], folder: Path, timeout_s: float = 30
) -> Iterator[ServerProcess]:
    """Run nginx balancing over ``upstream_urls`` on a free port; yield it (started).

    Its configuration, logs (``access.log`` names the upstream of each request) and pid are
    under ``folder``.
    """
    server = nginx_balancer_process(upstream_urls, folder)
    with running(server, timeout_s=timeout_s) as started:
        yield started
