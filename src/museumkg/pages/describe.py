"""An entity's bounded description (its RDF twin) and its serializations.

The description is the union of three explicit, bounded CONSTRUCT queries (never the
engine's ``DESCRIBE``, whose shape differs between engines):

- ``describe_own``: the entity's own statements, from every graph;
- ``describe_labels``: names and titles of the things it links to;
- ``describe_incoming``: up to 500 links pointing at it, with the linking things' names.

Turtle, N-Triples and RDF/XML are written by pyoxigraph; JSON-LD is compacted by rdflib with
the catalog's context, read from ``ontology/context.jsonld`` (never fetched).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from museumkg.formats import rdf_formats
from museumkg.iris import KINDS, entity_prefix
from museumkg.namespaces import PREFIXES
from museumkg.queries import load_query
from museumkg.store import Store, StoreError

#: Format names (URL suffixes) of the RDF twins → media type.
RDF_MEDIA_TYPES: dict[str, str] = {f.page: f.media_type for f in rdf_formats() if f.page}

#: Those pyoxigraph writes (JSON-LD is compacted with the catalog's context instead).
_OX_FORMATS = {
    f.page: f.rdf for f in rdf_formats() if f.page and f.rdf and f.rdf != ox.RdfFormat.JSON_LD
}

DESCRIPTION_QUERIES = ("describe_own", "describe_labels", "describe_incoming")


def _sort_key(triple: ox.Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def bounded_description(store: Store, iri: str) -> list[ox.Triple]:
    """The entity's bounded description, distinct triples in a stable order.

    >>> from museumkg.store import EmbeddedStore
    >>> s = EmbeddedStore()
    >>> s.load('<http://e/a> <http://e/p> <http://e/b> .', format="nt", graph="http://e/g")
    >>> len(bounded_description(s, "http://e/b"))
    1
    """
    triples: set[ox.Triple] = set()
    for name in DESCRIPTION_QUERIES:
        result = store.query(load_query(name).text, bindings={"entity": ox.NamedNode(iri)})
        if not isinstance(result, ox.QueryTriples):
            raise StoreError(f"queries/{name}.rq did not return triples")
        triples.update(result)
    return sorted(triples, key=_sort_key)


def prefixes(base_iri: str) -> dict[str, str]:
    """The standard prefixes plus one per entity kind (``org:`` is ``{base}id/org/``...).

    The W3C ORG vocabulary keeps ``org:``; the dataset's institutions get ``inst:``.
    """
    found = dict(PREFIXES)
    for kind in KINDS:
        name = "inst" if kind in found else kind
        found[name] = f"{entity_prefix(base_iri)}{kind}/"
    return found


_CONTEXTS: dict[tuple[str, float], dict[str, Any]] = {}
_LOCK = threading.Lock()


def jsonld_context(path: Path) -> dict[str, Any]:
    """The ``@context`` object of the catalog's JSON-LD context file (cached per file version).

    Raises:
        StoreError: when the file is missing or is not a JSON-LD context.
    """
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError as err:
        raise StoreError(f"the JSON-LD context {path} is missing") from err
    with _LOCK:
        if key not in _CONTEXTS:
            document = json.loads(path.read_text(encoding="utf-8"))
            context = document.get("@context") if isinstance(document, dict) else None
            if not isinstance(context, dict):
                raise StoreError(f"{path} has no @context object")
            _CONTEXTS[key] = context
        return _CONTEXTS[key]


def to_jsonld(triples: list[ox.Triple], context: dict[str, Any]) -> bytes:
    """Compact JSON-LD of ``triples`` with ``context`` (inlined in the document), the same bytes
    for the same triples in every process (nodes and values in a stable order).

    rdflib writes nodes and a property's values in the order of its hash-seeded sets, which
    differs from process to process: two app processes behind one balancer would answer the
    same URL (and the same strong ETag) with different bytes.
    """
    import rdflib  # the web app needs rdflib only for this serialization
    from rdflib.plugins.serializers.jsonld import from_rdf

    graph = rdflib.Graph()
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    if data:
        graph.parse(data=data.decode("utf-8"), format="nt")
    document = from_rdf(graph, context, auto_compact=True)
    text = json.dumps(_in_stable_order(document), indent=2, sort_keys=True, ensure_ascii=False)
    return text.encode("utf-8")


def _in_stable_order(value: Any, key: str = "") -> Any:
    """``value`` with every JSON array sorted (JSON-LD arrays are unordered sets) except an
    ``@list``'s, which is an RDF list and keeps its order, and the ``@context``, kept as given."""
    if key == "@context":
        return value
    if isinstance(value, dict):
        return {k: _in_stable_order(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_in_stable_order(v) for v in value]
        if key == "@list":
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def serialize(triples: list[ox.Triple], fmt: str, *, base_iri: str, context_path: Path) -> bytes:
    """Write ``triples`` as ``fmt`` (a key of :data:`RDF_MEDIA_TYPES`).

    Raises:
        ValueError: for an unknown format name.
    """
    if fmt == "jsonld":
        return to_jsonld(triples, jsonld_context(context_path))
    if fmt not in _OX_FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}; known: {', '.join(RDF_MEDIA_TYPES)}")
    used = prefixes(base_iri) if fmt in ("ttl", "rdf") else None
    return ox.serialize(triples, format=_OX_FORMATS[fmt], prefixes=used) or b""
