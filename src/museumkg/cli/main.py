"""The ``museumkg`` command line: build, validate, query, serve. Thin over the library."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import click
import pyoxigraph as ox

from museumkg.build.curation import check_files, import_files, recover
from museumkg.build.pipeline import build_catalog, check_catalog, is_stale
from museumkg.cli.serving import serve_app
from museumkg.cli.stopping import exit_on_sigterm
from museumkg.config import Settings
from museumkg.formats import FORMATS
from museumkg.namespaces import PREFIXES
from museumkg.problems import ProblemsFound
from museumkg.store import QuerySyntaxError, StoreError, catalog, rdf_format

#: ``museumkg query --format`` choices → pyoxigraph result formats.
RESULT_FORMATS = {f.result_names[0]: f.results for f in FORMATS if f.results}
GRAPH_FORMATS = {name: rdf_format(name) for name in ("ttl", "nt")}


def _settings(ctx: click.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


def _progress(started: float) -> Callable[[str], None]:
    def say(message: str) -> None:
        click.echo(f"[{time.perf_counter() - started:7.2f}s] {message}", err=True)

    return say


def _report_problems(err: ProblemsFound) -> None:
    errors = [p for p in err.problems if p.severity == "error"]
    warnings = [p for p in err.problems if p.severity != "error"]
    for problem in err.problems:
        click.echo(str(problem), err=True)
    click.echo(
        f"{len(errors)} error(s), {len(warnings)} warning(s); nothing was written.", err=True
    )


@click.group()
@click.option("--base-iri", envvar="MUSEUMKG_BASE_IRI", help="Dataset base IRI.")
@click.option(
    "--var-dir",
    envvar="MUSEUMKG_VAR_DIR",
    type=click.Path(path_type=Path),
    help="Folder for built stores (default: ./var in the project).",
)
@click.option(
    "--data-dir",
    envvar="MUSEUMKG_DATA_DIR",
    type=click.Path(path_type=Path),
    help="Folder of curated records (default: ./data).",
)
@click.pass_context
def main(
    ctx: click.Context, base_iri: str | None, var_dir: Path | None, data_dir: Path | None
) -> None:
    """museumkg: a linked-data catalog of museums and their partnerships."""
    try:
        settings = Settings.from_env()
    except ValueError as err:
        raise click.UsageError(str(err)) from err
    ctx.obj = settings.with_overrides(base_iri=base_iri, var_dir=var_dir, data_dir=data_dir)
    exit_on_sigterm(ctx.invoked_subcommand)


@main.command()
@click.option("--no-owl", is_flag=True, help="Skip the OWL reasoner (Java) for a faster build.")
@click.pass_context
def build(ctx: click.Context, no_owl: bool) -> None:
    """Validate the records and build a new store; the previous one serves until it lands."""
    settings = _settings(ctx).with_overrides(check_owl=False if no_owl else None)
    started = time.perf_counter()
    recover(settings, _progress(started))
    try:
        manifest = build_catalog(settings, progress=_progress(started))
    except ProblemsFound as err:
        _report_problems(err)
        sys.exit(1)
    click.echo(f"catalog version {manifest.version}: {manifest.triples} triples")
    click.echo("triples per graph:")
    for graph, count in sorted(manifest.graphs.items()):
        click.echo(f"  {count:>8}  {graph}")
    click.echo("entities per class:")
    for cls, count in sorted(manifest.classes.items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"  {count:>8}  {_prefixed(cls)}")
    click.echo(f"built in {manifest.seconds:.2f}s")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-owl", is_flag=True, help="Skip the OWL reasoner (Java).")
@click.option("--replace", is_flag=True, help="FILES may replace catalog sources of the same id.")
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...], no_owl: bool, replace: bool) -> None:
    """Check the catalog, or FILES together with it, without writing anything.

    Checks: syntax, references, unknown terms, SHACL shapes, OWL consistency; with FILES also
    likely duplicates (warnings). Every problem is reported at once; the exit code is 1 when
    any is an error.
    """
    settings = _settings(ctx).with_overrides(check_owl=False if no_owl else None)
    say = _progress(time.perf_counter())
    if files:
        checked = check_files(files, settings, replace=replace, progress=say)
        if not checked.ok:
            _report_problems(ProblemsFound(checked.problems))
            sys.exit(1)
        for warning in checked.problems:
            click.echo(str(warning), err=True)
        click.echo(f"{len(checked.new)} file(s) valid with the catalog")
        return
    try:
        records = check_catalog(settings, say)
    except ProblemsFound as err:
        _report_problems(err)
        sys.exit(1)
    click.echo(f"{len(records)} source file(s) valid")


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--no-owl", is_flag=True, help="Skip the OWL reasoner (Java).")
@click.option("--replace", is_flag=True, help="FILES may replace catalog sources of the same id.")
@click.pass_context
def import_(ctx: click.Context, files: tuple[Path, ...], no_owl: bool, replace: bool) -> None:
    """Validate FILES with the catalog, copy them into data/sources/ and rebuild, all or nothing.

    A failed or interrupted import leaves the catalog (data/ and the serving store) as it was;
    an import killed after its store landed is finished by the next build, import or serve.
    A reviewed links sheet (.csv: id, authority, identifier, reviewer, date) becomes a source
    of its own, "Links reviewed by ...", written as a Turtle record (docs/curation.md).
    """
    from museumkg.cli.links import sheets_as_records

    settings = _settings(ctx).with_overrides(check_owl=False if no_owl else None)
    try:
        with tempfile.TemporaryDirectory(prefix="museumkg-sheet-") as folder:
            paths = sheets_as_records(files, settings, Path(folder))
            done = import_files(
                paths, settings, replace=replace, progress=_progress(time.perf_counter())
            )
    except ProblemsFound as err:
        _report_problems(err)
        sys.exit(1)
    for warning in done.warnings:
        click.echo(str(warning), err=True)
    click.echo(f"imported {', '.join(done.files)} into {settings.data_dir}")
    click.echo(f"catalog version {done.manifest.version}: {done.manifest.triples} triples")


@main.command("ingest-catalog-sources")
@click.argument(
    "folders",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path, file_okay=False, exists=True),
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Only write the generated records under this folder (sources/, vocabularies/).",
)
@click.option("--no-owl", is_flag=True, help="Skip the OWL reasoner (Java).")
@click.pass_context
def ingest_catalog_sources(
    ctx: click.Context, folders: tuple[Path, ...], out: Path | None, no_owl: bool
) -> None:
    """Convert the CSV tables of the delivery FOLDERS into records and import them.

    FOLDERS are the deliveries in order: catalog-sources/, then catalog-sources-2/ (which
    refers to the first's rows and corrects them). The records are written deterministically
    (same tables, same bytes) using the decisions in data/ingest/<delivery>.yaml, then
    imported like `museumkg import --replace`: validated with the catalog and landed whole or
    not at all. With --out, they are only written there.
    """
    from museumkg.records.ingest import DELIVERIES, generate, write

    if len(folders) > len(DELIVERIES):
        raise click.UsageError(
            f"at most {len(DELIVERIES)} folders: "
            + ", then ".join(f"{d.name}/" for d in DELIVERIES)
        )
    settings = _settings(ctx).with_overrides(check_owl=False if no_owl else None)
    say = _progress(time.perf_counter())
    try:
        texts = generate(list(folders), settings.data_dir, settings.base_iri)
    except ProblemsFound as err:
        _report_problems(err)
        sys.exit(1)
    if out is not None:
        for path in write(texts, out):
            click.echo(str(path))
        return
    with tempfile.TemporaryDirectory(prefix="museumkg-ingest-") as tmp:
        paths = write(texts, Path(tmp))
        where = {Path(rel).name: Path(rel).parent.name for rel in texts}
        try:
            done = import_files(paths, settings, replace=True, folders=where, progress=say)
        except ProblemsFound as err:
            _report_problems(err)
            sys.exit(1)
    for warning in done.warnings:
        click.echo(str(warning), err=True)
    click.echo(f"ingested {len(done.files)} record(s): {', '.join(done.files)}")
    click.echo(f"catalog version {done.manifest.version}: {done.manifest.triples} triples")


@main.command()
@click.option("--triples", type=click.IntRange(min=1000), required=True, help="How many quads.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The N-Quads file to write.",
)
def generate(triples: int, seed: int, output: Path) -> None:
    """Write a synthetic catalog (N-Quads, its own base IRI) for benchmarks; deterministic."""
    from museumkg.synth.generate import generate_file

    started = time.perf_counter()
    made = generate_file(output, triples, seed)
    click.echo(
        f"{made.triples} triples in {made.graphs} graphs ({len(made.programs)} programs) "
        f"under {made.base_iri}, written to {output} in {time.perf_counter() - started:.2f}s"
    )


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--var-dir",
    "load_var_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the new store (default: the global --var-dir).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary (steps, seconds).")
@click.option(
    "--skip",
    multiple=True,
    type=click.Choice(["derive", "metrics", "pages", "release"]),
    help="Leave out a build step (benchmarks time it on its own); the store is incomplete.",
)
@click.pass_context
def load(
    ctx: click.Context,
    file: Path,
    load_var_dir: Path | None,
    as_json: bool,
    skip: tuple[str, ...],
) -> None:
    """Bulk-load an N-Quads file + the ontology into a new store, derive, index, swap it in.

    For large files (a synthetic catalog, a dump): no SHACL/OWL validation, unlike build.
    """
    from museumkg.build.bulk import load_catalog

    settings = _settings(ctx).with_overrides(var_dir=load_var_dir)
    try:
        result = load_catalog(file, settings, progress=_progress(time.perf_counter()), skip=skip)
    except ValueError as err:
        raise click.ClickException(str(err)) from err
    except SyntaxError as err:
        raise click.ClickException(f"{file} does not parse: {err}") from err
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        click.echo(f"catalog version {result.manifest.version}: {result.manifest.triples} triples")
        click.echo(f"loaded in {result.seconds['total']:.2f}s ({result.seconds})")


@main.command()
@click.argument("query_or_file")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", *RESULT_FORMATS, *GRAPH_FORMATS]),
    default="table",
    show_default=True,
    help="SELECT/ASK: table, json (SPARQL 1.1 JSON), xml, csv, tsv; CONSTRUCT: ttl, nt.",
)
@click.option(
    "--endpoint", help="Ask this SPARQL server (query URL) instead of the embedded store."
)
@click.pass_context
def query(ctx: click.Context, query_or_file: str, fmt: str, endpoint: str | None) -> None:
    """Run a SPARQL query (text, or a path to a .rq file) on the built catalog.

    With --endpoint (or MUSEUMKG_ENDPOINT) the query goes to that SPARQL server.
    """
    settings = _endpoint_settings(ctx, endpoint)
    path = Path(query_or_file)
    text = path.read_text(encoding="utf-8") if path.suffix == ".rq" and path.is_file() else None
    try:
        store = (
            catalog.open_remote(settings) if settings.endpoint else catalog.open_current(settings)
        )
        result = store.query(text or query_or_file)
    except QuerySyntaxError as err:
        raise click.ClickException(f"the query does not parse: {err}") from err
    except StoreError as err:  # unreachable, too slow, or failed: the message says which
        raise click.ClickException(str(err)) from err
    out = sys.stdout.buffer  # click.get_binary_stream is deprecated (click 8.5)
    if isinstance(result, ox.QueryTriples):  # CONSTRUCT/DESCRIBE, embedded or remote
        graph_format = GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE)
        prefixes = PREFIXES if graph_format == ox.RdfFormat.TURTLE else None
        out.write(ox.serialize(result, format=graph_format, prefixes=prefixes) or b"")
    elif fmt == "table":
        click.echo(_table(result))
    elif fmt in RESULT_FORMATS:
        out.write(result.serialize(format=RESULT_FORMATS[fmt]) or b"")
    else:
        raise click.UsageError(f"--format {fmt} is for CONSTRUCT queries; use table/json/csv/tsv")


def _endpoint_settings(
    ctx: click.Context,
    endpoint: str | None,
    update_endpoint: str | None = None,
    store_endpoint: str | None = None,
) -> Settings:
    """The settings with the SPARQL server URLs given on the command line (never credentials:
    those come from MUSEUMKG_ENDPOINT_USER / MUSEUMKG_ENDPOINT_PASSWORD)."""
    try:
        return _settings(ctx).with_overrides(
            endpoint=endpoint, update_endpoint=update_endpoint, store_endpoint=store_endpoint
        )
    except ValueError as err:
        raise click.UsageError(str(err)) from err


def _prefixed(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return _prefixed(term.value)
    if isinstance(term, ox.Literal):
        return term.value + (f"@{term.language}" if term.language else "")
    return str(term)


def _table(result: ox.QuerySolutions | ox.QueryBoolean) -> str:
    """Render a SELECT or ASK result as an aligned text table."""
    if isinstance(result, ox.QueryBoolean):
        return "yes" if bool(result) else "no"
    names = [v.value for v in result.variables]
    rows = [[_cell(solution[name]) for name in names] for solution in result]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join([line, rule, *body, f"({len(rows)} row{'s' if len(rows) != 1 else ''})"])


_ENDPOINT_HELP = "The SPARQL server's query endpoint URL (default: MUSEUMKG_ENDPOINT)."
_UPDATE_HELP = "SPARQL Update URL (default: MUSEUMKG_UPDATE_ENDPOINT, else by convention)."
_STORE_HELP = "Graph Store Protocol URL (default: MUSEUMKG_STORE_ENDPOINT, else by convention)."


@main.command()
@click.option("--endpoint", help=_ENDPOINT_HELP)
@click.option("--update-endpoint", help=_UPDATE_HELP)
@click.option("--store-endpoint", help=_STORE_HELP)
@click.option("--timeout", "timeout_s", default=120.0, show_default=True, help="Per request, s.")
@click.pass_context
def push(
    ctx: click.Context,
    endpoint: str | None,
    update_endpoint: str | None,
    store_endpoint: str | None,
    timeout_s: float,
) -> None:
    """Load the built catalog into a SPARQL server, graph by graph, replacing old versions.

    Credentials come from MUSEUMKG_ENDPOINT_USER and MUSEUMKG_ENDPOINT_PASSWORD (never from
    the command line, which shells keep in their history).
    """
    from museumkg.release.push import push_catalog

    settings = _endpoint_settings(ctx, endpoint, update_endpoint, store_endpoint)
    if not settings.endpoint:
        raise click.UsageError("give the server's query URL: --endpoint URL or MUSEUMKG_ENDPOINT")
    try:
        source = catalog.open_current(settings)
        target = catalog.open_remote(settings, read_only=False, timeout_s=timeout_s)
        for graph, count in push_catalog(source, target):
            click.echo(f"{count:>8}  {graph}")
    except StoreError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"pushed {len(source.graphs())} graphs to {settings.endpoint}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int, help="App threads.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="App processes (each its own memory and query workers).",
)
@click.option("--no-build", is_flag=True, help="Serve what is built; never build first.")
@click.option("--endpoint", help="Answer SPARQL from this server (query URL) instead.")
@click.option("--update-endpoint", help=_UPDATE_HELP)
@click.option("--store-endpoint", help=_STORE_HELP)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    threads: int,
    workers: int,
    no_build: bool,
    endpoint: str | None,
    update_endpoint: str | None,
    store_endpoint: str | None,
) -> None:
    """Build the catalog if it is missing or older than the data, then serve it (granian).

    With --endpoint (or MUSEUMKG_ENDPOINT) every SPARQL query goes to that server, which must
    hold the catalog (`museumkg push`); search, listings, the network and the downloads are
    read from the local build, which is built first only if it is missing.
    """
    settings = _endpoint_settings(ctx, endpoint, update_endpoint, store_endpoint)
    if not no_build:
        recover(settings, _progress(time.perf_counter()))
    remote = bool(settings.endpoint)
    missing = catalog.current_store_dir(settings) is None
    if not no_build and (missing if remote else is_stale(settings)):
        if remote:
            click.echo(
                f"no local build under {settings.var_dir}: building it first (its index, "
                f"network and downloads go with the catalog on {settings.endpoint}; "
                "`museumkg push` sends the same build to the server)",
                err=True,
            )
        else:
            click.echo("the catalog is missing or older than the data: building it first", err=True)
        try:
            build_catalog(settings, progress=_progress(time.perf_counter()))
        except ProblemsFound as err:
            _report_problems(err)
            if catalog.current_store_dir(settings) is None:
                raise click.ClickException("nothing to serve: fix the records and retry") from err
            click.echo("serving the previous catalog, which is still whole", err=True)
    try:  # the app is made in the server's app process; a store that cannot open stops here
        catalog.open_serving(settings).close()
    except StoreError as err:
        raise click.ClickException(str(err)) from err
    from webapp import create_app  # the web layer only when serving

    source = f" from {settings.endpoint}" if remote else ""
    click.echo(f"serving the catalog{source} on http://{host}:{port}/", err=True)
    try:
        serve_app(
            lambda: create_app(settings=settings),
            host=host,
            port=port,
            threads=threads,
            workers=workers,
        )
    except OSError as err:
        raise click.ClickException(f"cannot listen on {host}:{port}: {err.strerror}") from err


from museumkg.cli.release import register as _register_release  # noqa: E402

_register_release(main)  # export, diff

from museumkg.cli.links import register as _register_links  # noqa: E402

_register_links(main)  # geonames-match


if __name__ == "__main__":  # pragma: no cover
    main()
