"""``museumkg export`` and ``museumkg diff``: the release commands, thin over the library."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from museumkg.config import Settings
from museumkg.release.diff import Change, DiffSummary, diff_stores, write_patch
from museumkg.release.export import FORMATS, export, export_file, load_context
from museumkg.release.packed import gzip_writer
from museumkg.release.versions import UnknownVersion, open_version
from museumkg.store import catalog, open_store


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="nq",
    show_default=True,
    help="ttl, nt, rdfxml: the union of the graphs; nq, trig, jsonld: one graph per source.",
)
@click.option("--graph", "graph", metavar="IRI", help="Export only this named graph.")
@click.option("--gzip", "gzipped", is_flag=True, help="Compress the output with gzip.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
@click.pass_context
def export_command(
    ctx: click.Context, fmt: str, graph: str | None, gzipped: bool, output: Path | None
) -> None:
    """Export the serving catalog, streamed from the store, in one RDF format."""
    settings: Settings = ctx.obj
    store_dir = catalog.current_store_dir(settings)
    if store_dir is None:
        raise click.ClickException(
            f"no catalog built under {settings.var_dir}: run `museumkg build`"
        )
    store = open_store(store_dir, read_only=True)
    context = load_context(settings.ontology_dir) if fmt == "jsonld" else None
    try:
        if output is not None:
            count = export_file(store, output, fmt, gzipped=gzipped, graph=graph, context=context)
        else:
            out = sys.stdout.buffer  # click.get_binary_stream is deprecated (click 8.5)
            if gzipped:
                with gzip_writer(out) as packed:
                    count = export(store, packed, fmt, graph=graph, context=context)
            else:
                count = export(store, out, fmt, graph=graph, context=context)
            out.flush()
    except ValueError as err:
        raise click.ClickException(str(err)) from err
    kind = "quads" if FORMATS[fmt].dataset else "triples"
    where = f" to {output}" if output else ""
    click.echo(f"exported {count} {kind} as {FORMATS[fmt].label}{where}", err=True)


@click.command("diff")
@click.argument("old")
@click.argument("new", default="current")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "summary", "json", "patch"]),
    default="text",
    show_default=True,
    help="text: the triples and a summary; summary: counts only; json: counts as JSON; "
    "patch: RDF Patch (A/D rows).",
)
@click.pass_context
def diff_command(ctx: click.Context, old: str, new: str, fmt: str) -> None:
    """Triples added and removed per graph between two versions.

    OLD and NEW are version ids (folders under var/stores), 'current', 'previous', store
    folders or N-Quads/TriG dumps (.nq, .trig, optionally .gz). NEW defaults to 'current'.
    """
    settings: Settings = ctx.obj
    out = sys.stdout.buffer  # click.get_binary_stream is deprecated (click 8.5)
    try:
        with open_version(old, settings) as (old_label, old_store):
            with open_version(new, settings) as (new_label, new_store):
                summary = DiffSummary(old=old_label, new=new_label)
                changes = diff_stores(old_store, new_store, summary)
                if fmt == "patch":
                    header = {"id": json.dumps(new_label), "prev": json.dumps(old_label)}
                    write_patch(changes, out, header=header)
                    return
                _print_changes(changes, summary, show=fmt == "text")
    except UnknownVersion as err:
        raise click.ClickException(str(err)) from err
    if fmt == "json":
        click.echo(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(summary.lines()))


def _print_changes(changes: Iterable[Change], summary: DiffSummary, *, show: bool) -> None:
    graph = None
    for sign, quad in changes:
        if not show:
            continue
        if quad.graph_name != graph:
            graph = quad.graph_name
            click.echo(f"graph {graph}")
        click.echo(f"{sign} {quad.subject} {quad.predicate} {quad.object} .")
    sys.stdout.flush()


def register(group: click.Group) -> None:
    """Add the release commands to the ``museumkg`` group."""
    group.add_command(export_command)
    group.add_command(diff_command)
