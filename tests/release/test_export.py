"""Every dump of a release parses back, with rdflib and with pyoxigraph, to the store's content.

Dataset formats (N-Quads, TriG, JSON-LD) are compared graph by graph; triple formats (Turtle,
N-Triples, RDF/XML) with the union of the graphs. Comparison is RDF graph isomorphism
(``rdflib.compare.isomorphic``), since blank node labels may differ.
"""

from __future__ import annotations

import gzip
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic

from museumkg.config import Settings
from museumkg.release.assemble import dumps_dir, read_release
from museumkg.release.export import FORMATS, export, load_context, refuse_network
from museumkg.store import EmbeddedStore

RDFLIB_FORMATS = {
    "ttl": "turtle",
    "nt": "nt",
    "nq": "nquads",
    "trig": "trig",
    "jsonld": "json-ld",
    "rdfxml": "xml",
}


def to_rdflib(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    """An rdflib graph of pyoxigraph triples (through N-Triples, so terms are exact)."""
    graph = rdflib.Graph()
    data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def store_graphs(store: EmbeddedStore) -> dict[str, rdflib.Graph]:
    native = store.native
    return {
        name: to_rdflib(
            q.triple for q in native.quads_for_pattern(None, None, None, ox.NamedNode(name))
        )
        for name in store.graphs()
    }


@pytest.fixture(scope="module")
def expected(store: EmbeddedStore) -> dict[str, rdflib.Graph]:
    return store_graphs(store)


@pytest.fixture(scope="module")
def expected_union(store: EmbeddedStore) -> rdflib.Graph:
    return to_rdflib(q.triple for q in store.native)


@pytest.fixture(scope="module")
def release_dir(store: EmbeddedStore) -> Path:
    assert store.path is not None
    return dumps_dir(store.path)


def dump_bytes(release_dir: Path, fmt: str) -> bytes:
    """A dump's content: a release keeps it only gzip-compressed."""
    return plain(release_dir / f"museumkg.{FORMATS[fmt].extension}")


def plain(path: Path) -> bytes:
    """The content of the plain dump ``path``, read from its compressed file."""
    assert not path.exists(), f"{path.name} is kept on disk uncompressed"
    return gzip.decompress(path.with_name(path.name + ".gz").read_bytes())


def oxigraph_graphs(data: bytes, fmt: str) -> dict[str, rdflib.Graph]:
    by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in ox.parse(data, FORMATS[fmt].rdf_format):
        by_graph[
            str(quad.graph_name.value) if isinstance(quad.graph_name, ox.NamedNode) else ""
        ].append(quad.triple)
    return {name: to_rdflib(triples) for name, triples in by_graph.items()}


def rdflib_graphs(data: bytes, fmt: str) -> dict[str, rdflib.Graph]:
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format=RDFLIB_FORMATS[fmt])
    graphs = {}
    for context in dataset.contexts():
        name = str(context.identifier)
        if len(context) and name != str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID):
            graphs[name] = to_rdflib_graph(context)
    return graphs


def to_rdflib_graph(graph: rdflib.Graph) -> rdflib.Graph:
    copy = rdflib.Graph()
    for triple in graph:
        copy.add(triple)
    return copy


@pytest.mark.parametrize("fmt", ["nq", "trig", "jsonld"])
def test_dataset_dumps_keep_every_graph_with_both_parsers(
    release_dir: Path, expected: dict[str, rdflib.Graph], fmt: str
) -> None:
    data = dump_bytes(release_dir, fmt)
    for parsed in (oxigraph_graphs(data, fmt), rdflib_graphs(data, fmt)):
        assert sorted(parsed) == sorted(expected)
        for name, graph in expected.items():
            assert len(parsed[name]) == len(graph), name
            assert isomorphic(parsed[name], graph), name


@pytest.mark.parametrize("fmt", ["ttl", "nt", "rdfxml"])
def test_triple_dumps_hold_the_union_with_both_parsers(
    release_dir: Path, expected_union: rdflib.Graph, fmt: str
) -> None:
    data = dump_bytes(release_dir, fmt)
    by_oxigraph = to_rdflib(q.triple for q in ox.parse(data, FORMATS[fmt].rdf_format))
    by_rdflib = rdflib.Graph().parse(data=data, format=RDFLIB_FORMATS[fmt])
    for parsed in (by_oxigraph, by_rdflib):
        assert len(parsed) == len(expected_union)
        assert isomorphic(parsed, expected_union)


def test_union_dumps_write_a_repeated_triple_once(release_dir: Path, store: EmbeddedStore) -> None:
    lines = [line for line in dump_bytes(release_dir, "nt").splitlines() if line.strip()]
    assert len(lines) == len(set(lines))
    distinct = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"
    row = next(iter(store.query(distinct)))  # type: ignore[call-overload]
    assert len(lines) == int(row["n"].value)


def test_turtle_uses_the_catalog_prefixes(release_dir: Path) -> None:
    head = dump_bytes(release_dir, "ttl")[:2000].decode("utf-8")
    assert "@prefix mkg: <https://w3id.org/museumkg/ontology#> ." in head
    assert "@prefix skos: <http://www.w3.org/2004/02/skos/core#> ." in head


def test_jsonld_is_compacted_with_the_inline_catalog_context(
    release_dir: Path, catalog_settings: Settings
) -> None:
    document = json.loads(dump_bytes(release_dir, "jsonld"))
    assert document["@context"] == load_context(catalog_settings.ontology_dir)["@context"]
    first_graph = document["@graph"][0]
    assert set(first_graph) == {"id", "@graph"}
    nodes = [node for graph in document["@graph"] for node in graph["@graph"]]
    assert any(node.get("type") == "Training" for node in nodes)  # a context term, not an IRI
    assert any("prefLabel" in node for node in nodes)


def test_jsonld_expands_with_pyld_to_the_same_quads_and_the_same_union(
    release_dir: Path, expected: dict[str, rdflib.Graph], expected_union: rdflib.Graph
) -> None:
    document = json.loads(dump_bytes(release_dir, "jsonld"))
    options = {"format": "application/n-quads", "documentLoader": refuse_network}
    nquads = jsonld.to_rdf(document, options)
    assert isinstance(nquads, str)
    graphs = oxigraph_graphs(nquads.encode("utf-8"), "nq")
    assert sorted(graphs) == sorted(expected)
    for name, graph in expected.items():
        assert isomorphic(graphs[name], graph), name
    union = rdflib.Graph()
    for graph in graphs.values():
        for triple in graph:
            union.add(triple)
    n_triples = rdflib.Graph().parse(data=dump_bytes(release_dir, "nt"), format="nt")
    assert isomorphic(union, n_triples)
    assert isomorphic(n_triples, expected_union)


def test_the_network_is_never_asked_for_a_context() -> None:
    remote = {"@context": "https://example.org/context.jsonld"}
    with pytest.raises(jsonld.JsonLdError) as raised:
        jsonld.expand(remote, {"documentLoader": refuse_network})
    messages, err = [], raised.value
    while err is not None:
        messages.append(str(err))
        err = err.__cause__ or getattr(err, "cause", None)
    assert any("never fetches" in message for message in messages)


def test_only_the_compressed_dumps_are_kept_and_they_hold_no_time_or_name(
    release_dir: Path,
) -> None:
    kept = sorted(p.name for p in release_dir.iterdir() if p.name.startswith("museumkg."))
    assert kept == sorted(f"museumkg.{fmt.extension}.gz" for fmt in FORMATS.values())
    for name in kept:
        header = (release_dir / name).read_bytes()[:10]
        assert header[:3] == b"\x1f\x8b\x08"  # gzip, deflate
        assert header[3] == 0  # no file name, comment or extra field
        assert header[4:8] == b"\0\0\0\0"  # mtime 0


def test_release_json_lists_every_file_with_size_count_checksum_and_licence(
    store: EmbeddedStore, release_dir: Path
) -> None:
    import hashlib

    assert store.path is not None
    release = read_release(store.path)
    assert release is not None
    assert release["licence"]["iri"] == "https://creativecommons.org/licenses/by/4.0/"
    dumps = [f for f in release["files"] if f["kind"] == "dump"]
    assert {f["format"] for f in dumps} == set(FORMATS)
    for entry in release["files"]:
        if entry.get("stored"):  # a plain dump: its content, kept compressed
            assert entry["stored"] == entry["name"] + ".gz"
            data = plain(release_dir / entry["name"])
        else:
            data = (release_dir / entry["name"]).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    for entry in dumps:
        if entry["dataset"]:
            assert entry["triples"] == len(store.native)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_of_one_graph(store: EmbeddedStore, catalog_settings: Settings, fmt: str) -> None:
    graph = catalog_settings.ontology_graph
    out = io.BytesIO()
    context = load_context(catalog_settings.ontology_dir)
    count = export(store, out, fmt, graph=graph, context=context)
    expected = store.count(graph)
    assert count == expected
    quads = list(ox.parse(out.getvalue(), FORMATS[fmt].rdf_format))
    assert len({q.triple for q in quads}) == expected or isomorphic(
        to_rdflib(q.triple for q in quads), store_graphs(store)[graph]
    )
    if FORMATS[fmt].dataset:
        assert {q.graph_name for q in quads} == {ox.NamedNode(graph)}


def test_export_refuses_an_unknown_graph_or_format(store: EmbeddedStore) -> None:
    with pytest.raises(ValueError, match="no named graph"):
        export(store, io.BytesIO(), "nq", graph="http://example.org/none")
    with pytest.raises(ValueError, match="unknown export format"):
        export(store, io.BytesIO(), "n3")


@pytest.mark.parametrize("repeats", [0, 3])
def test_a_release_of_a_bulk_catalog_cuts_the_n_triples_from_the_n_quads(
    tmp_path: Path, repeats: int
) -> None:
    """No default graph: N-Triples cut from the N-Quads (repeats left out), same content."""
    from synthetic_network import synthetic_catalog

    from museumkg.release.assemble import write_release

    catalog, _expected = synthetic_catalog(2)
    generated, seen = EmbeddedStore(), set()
    for quad in catalog.native:  # each triple in its first graph only
        if quad.triple not in seen and isinstance(quad.graph_name, ox.NamedNode):
            seen.add(quad.triple)
            generated.native.add(quad)
    native = generated.native
    for quad in list(native)[:repeats]:  # the same triple stated in a second graph
        native.add(ox.Quad(*quad.triple, ox.NamedNode("https://synthetic.museumkg.example/x")))
    distinct = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"
    triples = int(next(iter(native.query(distinct)))["n"].value)  # type: ignore[call-overload]
    assert triples == len(native) - repeats
    target = tmp_path / "dumps"
    said: list[str] = []
    release = write_release(
        generated,
        target,
        version="v",
        built_at="2026-01-01T00:00:00+00:00",
        base_iri="https://synthetic.museumkg.example/",
        title="t",
        ontology_dir=Path(__file__).resolve().parents[2] / "ontology",
        progress=said.append,
    )
    assert any("museumkg.nt.gz:" in line and "(from museumkg.nq)" in line for line in said)
    union = to_rdflib(q.triple for q in native)
    graphs = store_graphs(generated)
    counts = {f["name"]: f["triples"] for f in release["files"] if f["kind"] == "dump"}
    for fmt in ("ttl", "nt", "rdfxml"):
        data = dump_bytes(target, fmt)
        parsed = rdflib.Graph().parse(data=data, format=RDFLIB_FORMATS[fmt])
        assert len(parsed) == triples == counts[f"museumkg.{FORMATS[fmt].extension}"], fmt
        assert isomorphic(parsed, union), fmt
    for fmt in ("nq", "trig", "jsonld"):
        data = dump_bytes(target, fmt)
        parsed_graphs = oxigraph_graphs(data, fmt)
        assert sorted(parsed_graphs) == sorted(graphs), fmt
        for name, graph in graphs.items():
            assert isomorphic(parsed_graphs[name], graph), (fmt, name)
    lines = dump_bytes(target, "nt").splitlines()
    assert len(lines) == len(set(lines)) == triples


def test_a_release_of_a_store_with_a_default_graph_writes_each_format_from_the_store(
    tmp_path: Path,
) -> None:
    """A triple in the default graph: no format is cut from the N-Quads; the union formats
    hold the default graph's triples and the named graphs', each once."""
    from museumkg.release.assemble import write_release

    e = "http://e/"
    a, p = ox.NamedNode(e + "a"), ox.NamedNode(e + "p")
    store = EmbeddedStore()
    store.add_quads(
        [
            ox.Quad(a, p, ox.Literal("default"), ox.DefaultGraph()),
            ox.Quad(a, p, ox.Literal("named"), ox.NamedNode(e + "g1")),
            ox.Quad(a, p, ox.Literal("named"), ox.NamedNode(e + "g2")),  # a repeat
            ox.Quad(a, p, ox.Literal("default"), ox.NamedNode(e + "g2")),  # also in default
        ]
    )
    said: list[str] = []
    release = write_release(
        store,
        tmp_path,
        version="v",
        built_at="2026-01-01T00:00:00+00:00",
        base_iri=e,
        title="t",
        ontology_dir=Path(__file__).resolve().parents[2] / "ontology",
        progress=said.append,
    )
    assert not any("(from museumkg.nq)" in line for line in said)
    union = {'"default"', '"named"'}
    counts = {f["name"]: f["triples"] for f in release["files"] if f["kind"] == "dump"}
    for fmt in ("ttl", "nt", "rdfxml"):
        name = f"museumkg.{FORMATS[fmt].extension}"
        parsed = list(ox.parse(plain(tmp_path / name), FORMATS[fmt].rdf_format))
        assert sorted(str(t.object) for t in parsed) == sorted(union), fmt
        assert counts[name] == 2, fmt
    quads = list(ox.parse(dump_bytes(tmp_path, "nq"), ox.RdfFormat.N_QUADS))
    assert len(quads) == counts["museumkg.nq"] == 4
    jsonld_quads = list(ox.parse(dump_bytes(tmp_path, "jsonld"), ox.RdfFormat.JSON_LD))
    assert sorted(map(str, jsonld_quads)) == sorted(map(str, quads))
