"""A new release with one more museum: a news record added to data/sources, then a build.

Shared by the tests of releases, caching, citations and the nginx cache, which all need a
second release whose answers differ from the first.
"""

from __future__ import annotations

from museumkg.build.pipeline import build_catalog
from museumkg.config import Settings
from museumkg.store.catalog import current_store_dir


def news(slug: str, label: str) -> str:
    """A source record adding one museum (``slug``) called ``label``."""
    return f"""\
source:
  title: {{en: A news item about {label}}}
  publisher: unesco-almaty
  issued: 2024-05-01
  permanentLink: https://example.org/news/{slug}
institutions:
  {slug}:
    type: Museum
    prefLabel: {{en: {label}}}
    location: almaty
"""


def add_record(settings: Settings, slug: str, label: str) -> str:
    """Add a museum to the records, build, and return the new release id."""
    (settings.data_dir / "sources" / f"news-{slug}.yaml").write_text(
        news(slug, label), encoding="utf-8"
    )
    build_catalog(settings)
    folder = current_store_dir(settings)
    assert folder is not None
    return folder.name
