"""The dataset described in VoID and DCAT: counts from SPARQL, the release's files, the licence.

Two steps, so the web app never recounts a large store per request:

1. :func:`collect_stats` runs the ``void_*.rq`` queries once, at build time (or on a store
   that has no release), into a JSON-ready :class:`DatasetStats`;
2. :func:`describe_dataset` turns those counts plus the release's files into triples, with
   the SPARQL endpoint and download URLs under ``site`` (the server answering, since it can
   run on any host; the build's own copy uses the base IRI).

The dataset is ``{base}dataset``; the publisher is the project (``{base}id/org/museumkg-project``,
the publisher the editorial vocabularies already name). Data licence: CC BY 4.0
(:data:`LICENCE`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import pyoxigraph as ox

from museumkg.formats import by_page_name, dumps
from museumkg.namespaces import DCAT, DCTERMS, FOAF, OWL, PREFIXES, RDF, VOID, XSD
from museumkg.queries import named_rows, named_solutions
from museumkg.store import Store
from museumkg.store.terms import lexical

#: The licence of the data: Creative Commons Attribution 4.0 International.
LICENCE = {
    "iri": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "short": "CC BY 4.0",
}
SPDX = "http://spdx.org/rdf/terms#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
IANA = "https://www.iana.org/assignments/media-types/"

#: Prefixes for the description's Turtle and JSON-LD.
METADATA_PREFIXES = {**PREFIXES, "void": VOID, "dcat": DCAT, "spdx": SPDX, "sd": SD}

#: External vocabularies and datasets a linkset can point into (namespace → title).
EXTERNAL = {
    "https://schema.org/": "schema.org",
    "http://schema.org/": "schema.org (http)",
    "http://www.w3.org/ns/org#": "W3C Organization Ontology",
    "http://xmlns.com/foaf/0.1/": "FOAF",
    "http://www.w3.org/ns/prov#": "PROV-O",
    "http://www.cidoc-crm.org/cidoc-crm/": "CIDOC CRM",
    "http://www.w3.org/2004/02/skos/core#": "SKOS",
    "http://purl.org/dc/terms/": "DCMI Metadata Terms",
    "http://www.wikidata.org/entity/": "Wikidata",
    "https://sws.geonames.org/": "GeoNames",
    "http://dbpedia.org/resource/": "DBpedia",
    "http://viaf.org/viaf/": "VIAF",
    "https://isni.org/isni/": "ISNI",
    "http://vocab.getty.edu/ulan/": "Getty ULAN",
    "http://vocab.getty.edu/tgn/": "Getty TGN",
}

_TYPE = f"{RDF}type"

#: W3C format IRIs (for dcterms:conformsTo and void:feature), by dump format name.
W3C_FORMATS = {f.dump: f.w3c for f in dumps() if f.dump and f.w3c}


@dataclass
class DatasetStats:
    """What VoID counts, computed by SPARQL over one store.

    ``triples`` are distinct triples of the union of the named graphs; ``graphs`` are quads per
    named graph; ``classes`` distinct instances per class; ``properties`` distinct triples per
    property; ``linksets`` ``{"target", "predicate", "triples"}`` rows.
    """

    triples: int = 0
    entities: int = 0
    distinct_subjects: int = 0
    distinct_objects: int = 0
    uri_space: str = ""
    graphs: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    properties: dict[str, int] = field(default_factory=dict)
    linksets: list[dict[str, Any]] = field(default_factory=list)
    vocabularies: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DatasetStats:
        """Read back :meth:`as_dict` (unknown keys ignored)."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def _int(term: object) -> int:
    return int(term.value) if isinstance(term, ox.Literal) else 0


def property_quads(store: Store) -> dict[str, int]:
    """Statements per property over the named graphs (repeats across graphs counted), by IRI."""
    return {
        lexical(row["property"]): _int(row["quads"])
        for row in named_rows(store, "void_property_quads")
    }


def property_triples(store: Store, properties: Iterable[str]) -> dict[str, int]:
    """Distinct triples per property over the named graphs, one property at a time."""
    found: dict[str, int] = {}
    for prop in properties:
        rows = named_rows(store, "void_property_triples", property=prop)
        found[prop] = sum(_int(row.get("triples")) for row in rows)
    return found


_EXTERNAL_IRI = re.compile("|".join(re.escape(namespace) for namespace in EXTERNAL))


def linksets(store: Store) -> list[dict[str, Any]]:
    """The VoID linksets: per external namespace (:data:`EXTERNAL`) and link predicate (any
    but ``rdf:type``), the distinct triples of the named graphs whose object is an IRI there.

    Each distinct object is tested once (``void_objects``), then the statements of the few in
    an external namespace are read; a test per statement in SPARQL cost twice the CPU.
    """
    counts: Counter[tuple[str, str]] = Counter()
    for (term,) in named_solutions(store, "void_objects"):
        if not isinstance(term, ox.NamedNode) or not _EXTERNAL_IRI.match(term.value):
            continue
        pairs = {
            (quad.subject, quad.predicate.value)
            for quad in store.quads(None, None, term)
            if not isinstance(quad.graph_name, ox.DefaultGraph) and quad.predicate.value != _TYPE
        }
        for target in EXTERNAL:
            if term.value.startswith(target):
                counts.update((target, predicate) for _subject, predicate in pairs)
    return [
        {"target": target, "predicate": predicate, "triples": triples}
        for (target, predicate), triples in sorted(counts.items())
    ]


def collect_stats(store: Store, base_iri: str) -> DatasetStats:
    """Count what VoID reports, by SPARQL (the ``void_*.rq`` and ``graph_counts`` queries).

    >>> from museumkg.store import EmbeddedStore
    >>> s = EmbeddedStore()
    >>> s.load('<http://e/id/a> a <http://e/C> .', format="ttl", graph="http://e/g")
    >>> st = collect_stats(s, "http://e/")
    >>> (st.triples, st.entities, st.classes)
    (1, 1, {'http://e/C': 1})
    """
    stats = DatasetStats(uri_space=f"{base_iri}id/")
    # Distinct triples property by property (a triple's repeats share its property), so no
    # query holds the set of every distinct triple: at 10^7 that set alone took gigabytes.
    stats.properties = property_triples(store, property_quads(store))
    stats.triples = sum(stats.properties.values())
    for row in named_rows(store, "void_distinct_terms"):
        stats.distinct_subjects = _int(row.get("distinctSubjects"))
        stats.distinct_objects = _int(row.get("distinctObjects"))
    space = {"space": ox.Literal(stats.uri_space)}
    for row in named_rows(store, "void_entities", **space):
        stats.entities = _int(row.get("entities"))
    for row in named_rows(store, "graph_counts"):
        stats.graphs[lexical(row["graph"])] = _int(row["triples"])
    for row in named_rows(store, "void_classes"):
        stats.classes[lexical(row["class"])] = _int(row["entities"])
    stats.linksets = linksets(store)
    for row in named_rows(store, "void_sources"):
        title = row.get("title")
        stats.sources[lexical(row["source"])] = lexical(title) if title is not None else ""
    used = set(stats.properties) | set(stats.classes)
    stats.vocabularies = sorted(
        ns for ns in set(PREFIXES.values()) | set(EXTERNAL) if any(i.startswith(ns) for i in used)
    )
    return stats


@dataclass(frozen=True)
class Site:
    """Where the dataset is served: the SPARQL endpoint and the downloads, as absolute URLs."""

    root: str  # ends with "/"

    @property
    def sparql(self) -> str:
        """The SPARQL endpoint."""
        return f"{self.root}sparql"

    def download(self, name: str) -> str:
        """The URL of a release file of the serving version."""
        return f"{self.root}downloads/{name}"

    def context(self, version: str | None = None) -> str:
        """The published JSON-LD context (``version``: the frozen copy of that release)."""
        return (
            f"{self.root}ns/context-{version}.jsonld"
            if version
            else f"{self.root}ns/context.jsonld"
        )


#: Adds one triple to a description: subject, predicate IRI, object.
Add = Callable[[ox.NamedNode | ox.BlankNode, str, ox.NamedNode | ox.BlankNode | ox.Literal], None]
#: A count as an ``xsd:integer`` literal.
Count = Callable[[int], ox.Literal]


class StableBlankNodes:
    """Blank nodes labelled by kind and number (``_:classPartition1``, ``_:checksum3``...),
    made in a fixed order, so the same description always gives the same bytes (pyoxigraph's
    own blank nodes are random)."""

    def __init__(self) -> None:
        self._made: dict[str, int] = {}

    def __call__(self, kind: str) -> ox.BlankNode:
        number = self._made.get(kind, 0) + 1
        self._made[kind] = number
        return ox.BlankNode(f"{kind}{number}")


def describe_dataset(
    *,
    base_iri: str,
    title: str,
    stats: DatasetStats,
    release: dict[str, Any] | None,
    site: Site,
    description: str | None = None,
    citation: str | None = None,
) -> list[ox.Triple]:
    """The VoID + DCAT description of the dataset as triples.

    Args:
        base_iri: the dataset base; the dataset is ``{base_iri}dataset``.
        title: the dataset title.
        stats: counts from :func:`collect_stats`.
        release: the release metadata (``release.json``: version, dates, files), if any.
        site: where the endpoint and the downloads are.
        description: a description; a default one names the catalog's scope.
        citation: how to cite this release (``dct:bibliographicCitation``,
            :mod:`museumkg.release.citation`), if known.
    """
    n = ox.NamedNode
    dataset = n(f"{base_iri}dataset")
    out: list[ox.Triple] = []
    blank = StableBlankNodes()

    def add(
        s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> None:
        out.append(ox.Triple(s, n(p), o))

    def count(value: int) -> ox.Literal:
        return ox.Literal(str(value), datatype=n(f"{XSD}integer"))

    add(dataset, f"{RDF}type", n(f"{VOID}Dataset"))
    add(dataset, f"{RDF}type", n(f"{DCAT}Dataset"))
    add(dataset, f"{DCTERMS}title", ox.Literal(title, language="en"))
    text = description or (
        "A linked-data catalog of museums in Central Asia, their partner institutions, the "
        "programs they run together, the topics those programs cover and the people involved. "
        "Every fact is kept in the named graph of the source document it comes from."
    )
    add(dataset, f"{DCTERMS}description", ox.Literal(text, language="en"))
    add(dataset, f"{DCTERMS}license", n(LICENCE["iri"]))
    out.extend(_citation(dataset, citation))
    publisher = n(f"{base_iri}id/org/museumkg-project")
    add(dataset, f"{DCTERMS}publisher", publisher)
    add(publisher, f"{RDF}type", n(f"{FOAF}Organization"))
    add(publisher, f"{FOAF}name", ox.Literal("The museumkg project", language="en"))
    add(dataset, f"{DCAT}landingPage", n(site.root))
    add(dataset, f"{FOAF}homepage", n(site.root))
    add(dataset, f"{VOID}sparqlEndpoint", n(site.sparql))
    add(dataset, f"{VOID}uriSpace", ox.Literal(stats.uri_space))
    add(dataset, f"{VOID}triples", count(stats.triples))
    add(dataset, f"{VOID}entities", count(stats.entities))
    add(dataset, f"{VOID}distinctSubjects", count(stats.distinct_subjects))
    add(dataset, f"{VOID}distinctObjects", count(stats.distinct_objects))
    add(dataset, f"{VOID}properties", count(len(stats.properties)))
    add(dataset, f"{VOID}classes", count(len(stats.classes)))
    for vocabulary in stats.vocabularies:
        add(dataset, f"{VOID}vocabulary", n(vocabulary))
    for source, source_title in sorted(stats.sources.items()):
        add(dataset, f"{DCTERMS}source", n(source))
        if source_title:
            add(n(source), f"{DCTERMS}title", ox.Literal(source_title))
    for cls, entities in sorted(stats.classes.items()):
        part = blank("classPartition")
        add(dataset, f"{VOID}classPartition", part)
        add(part, f"{VOID}class", n(cls))
        add(part, f"{VOID}entities", count(entities))
    for prop, triples in sorted(stats.properties.items()):
        part = blank("propertyPartition")
        add(dataset, f"{VOID}propertyPartition", part)
        add(part, f"{VOID}property", n(prop))
        add(part, f"{VOID}triples", count(triples))
    for graph, triples in sorted(stats.graphs.items()):
        subset = blank("graph")
        add(dataset, f"{VOID}subset", subset)
        add(subset, f"{RDF}type", n(f"{VOID}Dataset"))
        add(subset, f"{RDF}type", n(f"{SD}NamedGraph"))
        add(subset, f"{SD}name", n(graph))
        add(subset, f"{VOID}triples", count(triples))
    _linksets(dataset, stats, base_iri, add, count, blank)
    if release:
        _release(dataset, release, site, base_iri, add, count, blank)
    return out


def _citation(dataset: ox.NamedNode, citation: str | None) -> list[ox.Triple]:
    """``dct:bibliographicCitation`` of the dataset, when there is a citation."""
    if not citation:
        return []
    predicate = ox.NamedNode(f"{DCTERMS}bibliographicCitation")
    return [ox.Triple(dataset, predicate, ox.Literal(citation))]


def _linksets(
    dataset: ox.NamedNode,
    stats: DatasetStats,
    base_iri: str,
    add: Add,
    count: Count,
    blank: StableBlankNodes,
) -> None:
    n = ox.NamedNode
    for row in stats.linksets:
        key = row["target"].split("//", 1)[-1].strip("/#").replace("/", "-").replace("#", "")
        target = n(f"{base_iri}dataset/external/{key}")
        add(target, f"{RDF}type", n(f"{VOID}Dataset"))
        add(target, f"{DCTERMS}title", ox.Literal(EXTERNAL.get(row["target"], row["target"])))
        add(target, f"{VOID}uriSpace", ox.Literal(row["target"]))
        linkset = blank("linkset")
        add(dataset, f"{VOID}subset", linkset)
        add(linkset, f"{RDF}type", n(f"{VOID}Linkset"))
        add(linkset, f"{VOID}subjectsTarget", dataset)
        add(linkset, f"{VOID}objectsTarget", target)
        add(linkset, f"{VOID}linkPredicate", n(row["predicate"]))
        add(linkset, f"{VOID}triples", count(row["triples"]))


def _release(
    dataset: ox.NamedNode,
    release: dict[str, Any],
    site: Site,
    base_iri: str,
    add: Add,
    count: Count,
    blank: StableBlankNodes,
) -> None:
    n = ox.NamedNode
    version = release.get("version", "")
    add(dataset, f"{DCAT}version", ox.Literal(version))
    add(dataset, f"{OWL}versionInfo", ox.Literal(version))
    built_at = release.get("built_at", "")
    if built_at:
        add(dataset, f"{DCTERMS}issued", ox.Literal(built_at[:10], datatype=n(f"{XSD}date")))
        add(dataset, f"{DCTERMS}modified", ox.Literal(built_at, datatype=n(f"{XSD}dateTime")))
    previous = (release.get("diff") or {}).get("previous")
    if previous:
        add(dataset, f"{DCAT}previousVersion", n(f"{base_iri}dataset/version/{previous}"))
    for item in release.get("files", []):
        if item.get("kind") != "dump":
            continue
        url = n(site.download(item["name"]))
        dist = n(f"{base_iri}dataset/distribution/{item['name']}")
        add(dataset, f"{DCAT}distribution", dist)
        add(dataset, f"{VOID}dataDump", url)
        add(dist, f"{RDF}type", n(f"{DCAT}Distribution"))
        add(dist, f"{DCTERMS}title", ox.Literal(f"{item['label']} dump", language="en"))
        add(dist, f"{DCAT}downloadURL", url)
        add(dist, f"{DCAT}accessURL", url)
        add(dist, f"{DCAT}mediaType", n(f"{IANA}{item['media_type']}"))
        if item.get("gzip"):
            add(dist, f"{DCAT}compressFormat", n(f"{IANA}application/gzip"))
        add(dist, f"{DCTERMS}conformsTo", n(f"{FORMATS_NS}{W3C_FORMATS[item['format']]}"))
        add(
            dist,
            f"{DCAT}byteSize",
            ox.Literal(str(item["size"]), datatype=n(f"{XSD}nonNegativeInteger")),
        )
        add(dist, f"{DCTERMS}license", n(LICENCE["iri"]))
        checksum = blank("checksum")
        add(dist, f"{SPDX}checksum", checksum)
        add(checksum, f"{RDF}type", n(f"{SPDX}Checksum"))
        add(checksum, f"{SPDX}algorithm", n(f"{SPDX}checksumAlgorithm_sha256"))
        add(
            checksum,
            f"{SPDX}checksumValue",
            ox.Literal(item["sha256"], datatype=n(f"{XSD}hexBinary")),
        )
        add(dataset, f"{VOID}feature", n(f"{FORMATS_NS}{W3C_FORMATS[item['format']]}"))


#: Media types the description is served in, by format name.
#: The dataset description's formats (page names) → media types, from :mod:`museumkg.formats`.
DESCRIPTION_FORMATS = {
    name: f.media_type for name in ("ttl", "jsonld", "nt") if (f := by_page_name(name))
}


def serialize_description(triples: list[ox.Triple], fmt: str) -> bytes:
    """Serialize the description as Turtle (with prefixes), N-Triples or compacted JSON-LD.

    Raises:
        ValueError: for another format.
    """
    if fmt == "ttl":  # grouped by subject, the dataset first, for a readable file
        ordered = sorted(
            triples, key=lambda t: (isinstance(t.subject, ox.BlankNode), str(t.subject))
        )
        return ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=METADATA_PREFIXES) or b""
    if fmt == "nt":
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    if fmt == "jsonld":
        from museumkg.release.export import compact_nodes, expanded_nodes

        quads = sorted(
            (ox.Quad(t.subject, t.predicate, t.object) for t in triples),
            key=lambda q: str(q.subject),
        )
        context = {"@context": dict(METADATA_PREFIXES)}
        nodes = compact_nodes(list(expanded_nodes(quads)), context)
        document = {"@context": context["@context"], "@graph": nodes}
        return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    raise ValueError(f"the dataset description is served as {', '.join(DESCRIPTION_FORMATS)}")
