"""A generated catalog with a planted network structure, written as curated record files.

Not real data: institutions, places, topics and programs are made up (deterministically from a
seed) so the network pages can be tried at 10 and at 2,000 institutions, through the real build
(validation, rules, metrics). Institutions fall into clusters; programs are organised mostly
within a cluster, so community detection has something to find. Every program gets its own
source document, as a news item would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

#: Rounded WGS84 coordinates (lon, lat) of the cities, written when ``coordinates`` is asked.
CITY_POINTS = {
    "Almaty": (76.95, 43.25),
    "Astana": (71.45, 51.17),
    "Shymkent": (69.6, 42.3),
    "Bishkek": (74.59, 42.87),
    "Osh": (72.8, 40.53),
    "Tashkent": (69.24, 41.31),
    "Samarkand": (66.96, 39.65),
    "Bukhara": (64.42, 39.77),
    "Dushanbe": (68.78, 38.54),
    "Khujand": (69.62, 40.28),
    "Ashgabat": (58.38, 37.95),
}
COUNTRIES = {
    "kz": ("Kazakhstan", ["Almaty", "Astana", "Shymkent"]),
    "kg": ("Kyrgyzstan", ["Bishkek", "Osh"]),
    "uz": ("Uzbekistan", ["Tashkent", "Samarkand", "Bukhara"]),
    "tj": ("Tajikistan", ["Dushanbe", "Khujand"]),
    "tm": ("Turkmenistan", ["Ashgabat"]),
}
TYPES = {
    "Museum": "Museum",
    "Gallery": "Gallery",
    "Library": "Library",
    "University": "University",
    "Foundation": "Foundation",
    "Theatre": "Theatre",
}
TOPICS = {
    "museum-education": "Museum education",
    "heritage-tourism": "Heritage tourism",
    "digital-collections": "Digital collections",
    "contemporary-art": "Contemporary art",
    "accessibility": "Accessibility",
}
PREFIXES = """@prefix mkg: <https://w3id.org/museumkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
"""


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


@dataclass
class PlantedCatalog:
    """What was generated: institutions by slug (cluster, country, type) and programs."""

    orgs: dict[str, dict[str, str | int]] = field(default_factory=dict)
    programs: list[dict[str, object]] = field(default_factory=list)


def write_catalog(
    data_dir: Path, institutions: int, seed: int = 7, *, coordinates: bool = False
) -> PlantedCatalog:
    """Write ``sources/`` and ``vocabularies/`` under ``data_dir``; return what is in them.

    About one program per two institutions, spread over 2000-2015; each has one to three
    organisers and up to two partners, from one cluster (nine times in ten). With
    ``coordinates``, cities get ``wgs:lat``/``wgs:long`` (:data:`CITY_POINTS`), as the
    gazetteer gives real ones.
    """
    rng = random.Random(seed)
    (data_dir / "sources").mkdir(parents=True, exist_ok=True)
    (data_dir / "vocabularies").mkdir(parents=True, exist_ok=True)
    planted = PlantedCatalog()
    directory = [PREFIXES]
    directory.append(
        "<id/source/synthetic-directory> a mkg:EditorialVocabulary , mkg:SourceDocument ;\n"
        '  dcterms:title "Synthetic directory (generated test data)"@en ;\n'
        "  dcterms:publisher <id/org/synthetic-data-desk> ;\n"
        "  mkg:permanentLink <https://synthetic.museumkg.example/directory> ;\n"
        '  dcterms:issued "2016-01-01"^^xsd:date .\n'
        "<id/org/synthetic-data-desk> a mkg:Foundation ;\n"
        '  skos:prefLabel "Synthetic data desk"@en .\n'
    )
    for code, (name, cities) in COUNTRIES.items():
        directory.append(
            f'<id/place/{code}> a mkg:Country ; skos:prefLabel "{name}"@en ; '
            f'mkg:isoCode "{code.upper()}" .\n'
        )
        for city in cities:
            lon, lat = CITY_POINTS[city]
            where = f' ; wgs:lat "{lat}"^^xsd:decimal ; wgs:long "{lon}"^^xsd:decimal'
            directory.append(
                f'<id/place/{_slug(city)}> a mkg:City ; skos:prefLabel "{city}"@en ; '
                f"mkg:country <id/place/{code}>{where if coordinates else ''} .\n"
            )
    for slug, label in TOPICS.items():
        directory.append(f'<id/topic/{slug}> a mkg:Topic ; skos:prefLabel "{label}"@en .\n')
    clusters = max(2, institutions // 25)
    used: set[str] = set()
    for number in range(institutions):
        code = rng.choice(list(COUNTRIES))
        city = rng.choice(COUNTRIES[code][1])
        kind = rng.choice(list(TYPES))
        name = f"{city} {TYPES[kind]} No. {number + 1}"
        slug = _slug(name)
        assert slug not in used
        used.add(slug)
        planted.orgs[slug] = {
            "cluster": number % clusters,
            "country": code,
            "type": kind,
            "label": name,
        }
        directory.append(
            f'<id/org/{slug}> a mkg:{kind} ; skos:prefLabel "{name}"@en ; '
            f"mkg:location <id/place/{_slug(city)}> .\n"
        )
    (data_dir / "vocabularies" / "synthetic-directory.ttl").write_text(
        "".join(directory), encoding="utf-8"
    )
    by_cluster: dict[int, list[str]] = {}
    for slug, org in planted.orgs.items():
        by_cluster.setdefault(int(org["cluster"]), []).append(slug)
    slugs = sorted(planted.orgs)
    for number in range(max(3, institutions // 2)):
        year = 2000 + rng.randrange(16)
        cluster = by_cluster[rng.randrange(clusters)]
        pool = cluster if rng.random() < 0.9 or len(cluster) < 3 else slugs
        organisers = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        others = [s for s in (cluster if rng.random() < 0.9 else slugs) if s not in organisers]
        partners = rng.sample(others, min(len(others), rng.randint(0, 2)))
        topic = rng.choice(list(TOPICS))
        slug = f"synthetic-program-{number + 1}"
        planted.programs.append(
            {"slug": slug, "year": year, "organisers": organisers, "partners": partners}
        )
        lines = [PREFIXES]
        lines.append(
            f"<id/source/{slug}> a mkg:SourceDocument ;\n"
            f'  dcterms:title "News item on program {number + 1} (generated)"@en ;\n'
            f'  dcterms:issued "{year}-06-01"^^xsd:date ;\n'
            "  dcterms:publisher <id/org/synthetic-data-desk> ;\n"
            f"  mkg:permanentLink <https://synthetic.museumkg.example/news/{number + 1}> .\n"
        )
        lines.append(
            f"<id/program/{slug}> a mkg:Training ;\n"
            f'  skos:prefLabel "{TOPICS[topic]} workshop {number + 1}"@en ;\n'
            f'  mkg:startDate "{year}-05-{1 + number % 28:02d}"^^xsd:date ;\n'
            f"  mkg:topic <id/topic/{topic}> ;\n"
            + "".join(f"  mkg:organizer <id/org/{o}> ;\n" for o in organisers)
            + "".join(f"  mkg:partner <id/org/{p}> ;\n" for p in partners)
            + "  .\n"
        )
        (data_dir / "sources" / f"{slug}.ttl").write_text("".join(lines), encoding="utf-8")
    return planted
