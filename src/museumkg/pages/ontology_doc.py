"""The ontology's documentation page as plain data: classes, properties and controlled
vocabularies with their labels and definitions (every language given, the reader's first),
hierarchy and alignments to schema.org, ORG, FOAF, SKOS, PROV-O, DC terms and CIDOC-CRM.

Read from the ontology graph through the cached :class:`~museumkg.index.vocab.Vocabulary` (one
bounded query per process).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from museumkg.index.vocab import Vocabulary, local_name, short_name
from museumkg.lang import order
from museumkg.namespaces import DCTERMS, MKG, ONTOLOGY_IRI, OWL, RDF, RDFS, SKOS

_PROPERTY_TYPES = (f"{OWL}ObjectProperty", f"{OWL}DatatypeProperty", f"{OWL}AnnotationProperty")


def _texts(vocab: Vocabulary, iri: str, prop: str, chain: Sequence[str]) -> list[dict[str, str]]:
    return [{"text": t.value, "lang": t.lang} for t in order(vocab.text(iri, prop), chain)]


def _ref(vocab: Vocabulary, iri: str, chain: Sequence[str]) -> dict[str, Any]:
    label = vocab.label(iri, chain)
    own = iri.startswith(MKG)
    return {
        "iri": iri,
        "label": label.value if own else short_name(iri),
        "label_lang": label.lang if own else "",
        "own": own,
    }


def _term(vocab: Vocabulary, iri: str, chain: Sequence[str]) -> dict[str, Any]:
    label = vocab.label(iri, chain)
    links = {
        key: [_ref(vocab, v, chain) for v in vocab.values(iri, prop)]
        for key, prop in (
            ("subclass_of", f"{RDFS}subClassOf"),
            ("equivalent", f"{OWL}equivalentClass"),
            ("subproperty_of", f"{RDFS}subPropertyOf"),
            ("domain", f"{RDFS}domain"),
            ("range", f"{RDFS}range"),
            ("inverse_of", f"{OWL}inverseOf"),
            ("see_also", f"{RDFS}seeAlso"),
            ("in_scheme", f"{SKOS}inScheme"),
        )
    }
    kinds = [local_name(t) for t in vocab.values(iri, f"{RDF}type") if t.startswith(OWL)]
    return {
        "iri": iri,
        "name": local_name(iri),
        "label": label.value,
        "label_lang": label.lang,
        "labels": _texts(vocab, iri, f"{RDFS}label", chain)
        or _texts(vocab, iri, f"{SKOS}prefLabel", chain),
        "definitions": _texts(vocab, iri, f"{SKOS}definition", chain),
        "comments": _texts(vocab, iri, f"{RDFS}comment", chain),
        "kinds": kinds,
        **links,
    }


def ontology_documentation(vocab: Vocabulary, chain: Sequence[str]) -> dict[str, Any]:
    """The ontology's header, classes, properties and controlled vocabularies.

    Returns:
        ``iri``, ``title``/``titles``, ``descriptions``, ``version``, ``license``, ``classes``,
        ``properties`` and ``schemes`` (each with its ``concepts``), terms sorted by label.
    """
    mine = sorted({*vocab.texts, *vocab.links})
    mine = [iri for iri in mine if iri.startswith(MKG)]
    classes = vocab.catalog_classes()
    properties = [
        iri for iri in mine if any(t in vocab.values(iri, f"{RDF}type") for t in _PROPERTY_TYPES)
    ]
    schemes = [iri for iri in mine if f"{SKOS}ConceptScheme" in vocab.values(iri, f"{RDF}type")]

    def by_label(terms: list[str]) -> list[dict[str, Any]]:
        found = [_term(vocab, iri, chain) for iri in terms]
        return sorted(found, key=lambda t: t["label"].casefold())

    scheme_list = []
    for scheme in schemes:
        concepts = [iri for iri in mine if scheme in vocab.values(iri, f"{SKOS}inScheme")]
        scheme_list.append({**_term(vocab, scheme, chain), "concepts": by_label(concepts)})
    title = order(vocab.text(ONTOLOGY_IRI, f"{DCTERMS}title"), chain)
    versions = vocab.text(ONTOLOGY_IRI, f"{OWL}versionInfo")
    licenses = vocab.values(ONTOLOGY_IRI, f"{DCTERMS}license")
    return {
        "iri": ONTOLOGY_IRI,
        "namespace": MKG,
        "title": title[0].value if title else "museumkg ontology",
        "title_lang": title[0].lang if title else "en",
        "titles": [{"text": t.value, "lang": t.lang} for t in title],
        "descriptions": _texts(vocab, ONTOLOGY_IRI, f"{DCTERMS}description", chain),
        "version": versions[0].value if versions else None,
        "license": licenses[0] if licenses else None,
        "classes": by_label(classes),
        "properties": by_label(properties),
        "schemes": sorted(scheme_list, key=lambda s: s["label"].casefold()),
    }
