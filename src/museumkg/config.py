"""Settings: one dataclass, loaded from the environment (``MUSEUMKG_*``) with safe defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

#: The project directory (where ``data/`` and ``ontology/`` live) when run from a checkout.
PROJECT_DIR = Path(__file__).resolve().parents[2]


def _env_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Every setting of museumkg. Each field ``x`` can be set by the variable ``MUSEUMKG_X``.

    Attributes:
        base_iri: the dataset base; entity IRIs are ``{base_iri}id/<kind>/<slug>``.
        data_dir: curated records (``sources/`` and ``vocabularies/``).
        ontology_dir: ``museumkg.ttl``, ``shapes.ttl``, ``context.jsonld``, ``rules/``.
        var_dir: generated state: stores, build versions (ignored by git).
        languages: label languages, in fallback order.
        query_timeout_s: longest a SPARQL query may run.
        max_rows: most result rows the endpoint returns before marking a result truncated.
        check_owl: run the OWL reasoner (Java) during builds.
        derive_memory_mb: the most memory derivation may take (MiB): half for its scratch store
            (a larger one is a temporary folder on disk:
            :func:`museumkg.network.derive.scratch_in_memory`), half for one rule's evaluation
            (a larger one runs in slices: :mod:`museumkg.network.slices`).
        max_record_bytes: largest record file accepted by build, validate and import.
        update_token: enables authenticated updates (Graph Store PUT/DELETE on source graphs,
            ``Authorization: Bearer <token>``); empty: the server is read-only.
        max_query_bytes: longest SPARQL text ``/sparql`` accepts (UTF-8 bytes).
        max_query_depth: deepest bracket nesting ``/sparql`` accepts (deeper crashes the engine).
        max_request_bytes: largest request body ``/sparql`` reads.
        sparql_workers: query worker processes, so the most ``/sparql`` queries run at once.
        sparql_queue_timeout_s: how long a query waits for a free worker before a 503.
        keep_releases: how many releases (store folders) a build keeps, the serving one
            included; each stays readable at ``/r/<release>/`` (docs/releases.md).
        keep_releases_mb: the most disk (MB, 10^6 bytes) the kept releases may take together,
            the serving one included (always kept); 0: no limit but ``keep_releases``.
        cache_max_age_s: how long HTTP caches may reuse an answer of a current (not
            release-pinned) URL before asking again (``Cache-Control: max-age``).
        endpoint: a SPARQL server's query endpoint URL; when set, ``serve``, ``query`` and
            ``push`` use that server instead of the embedded store (docs/deploy.md).
        update_endpoint: its SPARQL Update URL (empty: by the server's convention).
        store_endpoint: its Graph Store Protocol URL (empty: by the server's convention).
        endpoint_dialect: ``oxigraph``, ``virtuoso``, ``fuseki`` or ``generic`` (empty: guessed
            from the endpoint URL).
        endpoint_user, endpoint_password: HTTP Basic/Digest credentials for the server (never
            given on the command line).

    >>> Settings(base_iri="http://example.org/").base_iri
    'http://example.org/'
    """

    base_iri: str = "https://w3id.org/museumkg/"
    data_dir: Path = PROJECT_DIR / "data"
    ontology_dir: Path = PROJECT_DIR / "ontology"
    var_dir: Path = PROJECT_DIR / "var"
    languages: tuple[str, ...] = ("en", "ru", "kk")
    query_timeout_s: float = 10.0
    max_rows: int = 10_000
    check_owl: bool = True
    derive_memory_mb: int = 3072
    max_record_bytes: int = 5 * 1024 * 1024
    max_query_bytes: int = 64 * 1024
    max_query_depth: int = 32
    max_request_bytes: int = 256 * 1024
    sparql_workers: int = 2
    sparql_queue_timeout_s: float = 2.0
    keep_releases: int = 5
    keep_releases_mb: int = 0
    cache_max_age_s: int = 60
    dataset_title: str = "museumkg: museums of Central Asia and their partnerships"
    update_token: str = field(default="", repr=False, compare=False)
    endpoint: str = ""
    update_endpoint: str = ""
    store_endpoint: str = ""
    endpoint_dialect: str = ""
    endpoint_user: str = ""
    endpoint_password: str = field(default="", repr=False, compare=False)
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            raise ValueError(f"base_iri must end with '/' or '#': {self.base_iri!r}")
        if self.keep_releases < 1:
            raise ValueError(f"keep_releases must be at least 1: {self.keep_releases}")
        if self.keep_releases_mb < 0:
            raise ValueError(f"keep_releases_mb must be 0 or more: {self.keep_releases_mb}")
        for name in ("endpoint", "update_endpoint", "store_endpoint"):
            url = getattr(self, name)
            if url and not url.startswith(("http://", "https://")):
                raise ValueError(f"{name} must be an http(s) URL: {url!r}")

    @property
    def stores_dir(self) -> Path:
        """Directory holding one folder per built store version."""
        return self.var_dir / "stores"

    @property
    def current_store_link(self) -> Path:
        """Symlink to the store that is serving; replaced atomically by each build."""
        return self.var_dir / "current"

    @property
    def ontology_graph(self) -> str:
        """Named graph holding the ontology."""
        return f"{self.base_iri}graph/ontology"

    @property
    def derived_graph(self) -> str:
        """Named graph holding derived knowledge (partnerships)."""
        return f"{self.base_iri}graph/derived"

    def with_overrides(self, **changes: object) -> Settings:
        """Return a copy with some fields changed (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from ``MUSEUMKG_*`` variables.

        Args:
            environ: the environment to read (``os.environ`` by default).

        Raises:
            ValueError: when a variable does not parse (the message names it).

        >>> Settings.from_env({"MUSEUMKG_MAX_ROWS": "5"}).max_rows
        5
        """
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name == "extra":
                continue
            name = f"MUSEUMKG_{f.name.upper()}"
            if name not in env:
                continue
            raw = env[name]
            default = getattr(cls, f.name, None)
            try:
                if isinstance(default, bool):
                    values[f.name] = raw.strip().lower() in {"1", "true", "yes", "on"}
                elif isinstance(default, int):
                    values[f.name] = int(raw)
                elif isinstance(default, float):
                    values[f.name] = float(raw)
                elif isinstance(default, Path):
                    values[f.name] = Path(raw)
                elif isinstance(default, tuple):
                    values[f.name] = _env_list(raw)
                else:
                    values[f.name] = raw
            except ValueError as err:
                raise ValueError(f"{name}={raw!r} is not valid: {err}") from err
        return cls(**values)  # type: ignore[arg-type]
