"""The ontology as pages need it: labels of classes, properties and concepts, and the hierarchy.

Read once per store from the ontology graph (``queries/vocab_terms.rq``) and cached, so a page
never asks the store for a property's label. Reused external properties that the ontology only
declares (``skos:prefLabel``, ``dcterms:title``, ...) get their labels from
:data:`EXTERNAL_LABELS`.
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from museumkg.lang import Text, pick
from museumkg.namespaces import (
    DCTERMS,
    FOAF,
    MKG,
    OWL,
    PREFIXES,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
)
from museumkg.queries import named_rows
from museumkg.store import Store
from museumkg.store.terms import lexical

#: Labels (en, ru) of reused properties and classes that the ontology declares without a label.
EXTERNAL_LABELS: dict[str, dict[str, str]] = {
    f"{RDF}type": {"en": "type", "ru": "тип"},
    f"{SKOS}prefLabel": {"en": "name", "ru": "название"},
    f"{SKOS}altLabel": {"en": "other name", "ru": "другое название"},
    f"{SKOS}definition": {"en": "definition", "ru": "определение"},
    f"{SKOS}note": {"en": "note", "ru": "примечание"},
    f"{SKOS}inScheme": {"en": "in scheme", "ru": "входит в схему"},
    f"{SKOS}topConceptOf": {"en": "top concept of", "ru": "верхнее понятие схемы"},
    f"{SKOS}hasTopConcept": {"en": "top concept", "ru": "верхнее понятие"},
    f"{SKOS}broader": {"en": "broader", "ru": "более общее понятие"},
    f"{SKOS}narrower": {"en": "narrower", "ru": "более узкое понятие"},
    f"{SKOS}ConceptScheme": {"en": "Concept scheme", "ru": "Схема понятий"},
    f"{SKOS}Concept": {"en": "Concept", "ru": "Понятие"},
    f"{RDFS}label": {"en": "label", "ru": "метка"},
    f"{RDFS}comment": {"en": "comment", "ru": "комментарий"},
    f"{RDFS}seeAlso": {"en": "see also", "ru": "см. также"},
    f"{DCTERMS}title": {"en": "title", "ru": "заглавие"},
    f"{DCTERMS}description": {"en": "description", "ru": "описание"},
    f"{DCTERMS}publisher": {"en": "publisher", "ru": "издатель"},
    f"{DCTERMS}issued": {"en": "issued", "ru": "дата публикации"},
    f"{DCTERMS}language": {"en": "language", "ru": "язык"},
    f"{DCTERMS}source": {"en": "source", "ru": "источник"},
    f"{DCTERMS}license": {"en": "license", "ru": "лицензия"},
    f"{FOAF}familyName": {"en": "family name", "ru": "фамилия"},
    f"{FOAF}givenName": {"en": "given name", "ru": "имя"},
    f"{OWL}sameAs": {"en": "same as", "ru": "то же, что"},
    f"{SCHEMA}url": {"en": "web address", "ru": "веб-адрес"},
}

#: Properties shown first on entity pages, in this order; the others follow by label.
PROPERTY_ORDER: tuple[str, ...] = (
    f"{DCTERMS}description",
    f"{MKG}goal",
    f"{MKG}audience",
    f"{MKG}startDate",
    f"{MKG}endDate",
    f"{MKG}place",
    f"{MKG}location",
    f"{MKG}country",
    f"{MKG}organizer",
    f"{MKG}partner",
    f"{MKG}topic",
    f"{MKG}hasPart",
    f"{MKG}partOf",
    f"{MKG}agent",
    f"{MKG}roleType",
    f"{MKG}inProgram",
    f"{MKG}onBehalfOf",
    f"{MKG}jobTitle",
    f"{MKG}affiliation",
    f"{MKG}unitOf",
    f"{DCTERMS}publisher",
    f"{DCTERMS}issued",
)

_LABEL = (f"{RDFS}label", f"{SKOS}prefLabel")


def short_name(iri: str) -> str:
    """An IRI as a prefixed name when a standard prefix fits, else the IRI.

    >>> short_name("https://w3id.org/museumkg/ontology#Museum"), short_name("http://x.org/a")
    ('mkg:Museum', 'http://x.org/a')
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def local_name(iri: str) -> str:
    """The part after the last ``#`` or ``/``.

    >>> local_name("https://w3id.org/museumkg/ontology#Museum")
    'Museum'
    """
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass
class Vocabulary:
    """What the ontology graph says about each named term (IRI → values)."""

    texts: dict[str, dict[str, list[Text]]] = field(default_factory=dict)
    links: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def text(self, iri: str, prop: str) -> list[Text]:
        """The literals of ``prop`` on ``iri`` (labels, definitions, comments)."""
        return self.texts.get(iri, {}).get(prop, [])

    def values(self, iri: str, prop: str) -> list[str]:
        """The IRIs ``prop`` links ``iri`` to (sorted)."""
        return self.links.get(iri, {}).get(prop, [])

    def has(self, iri: str) -> bool:
        """Tell whether the ontology describes ``iri`` or it has a built-in label."""
        return iri in self.texts or iri in self.links or iri in EXTERNAL_LABELS

    def label(self, iri: str, chain: Sequence[str]) -> Text:
        """The term's label in the first language of ``chain`` that has one.

        Falls back to the built-in labels of reused terms, then to the prefixed name.
        """
        texts = [t for prop in _LABEL for t in self.text(iri, prop)]
        texts += [Text(v, lang) for lang, v in EXTERNAL_LABELS.get(iri, {}).items()]
        chosen = pick(texts, chain)
        return chosen if chosen else Text(short_name(iri))

    def definition(self, iri: str, chain: Sequence[str]) -> Text | None:
        """The term's ``skos:definition`` in the reader's language, if any."""
        return pick(self.text(iri, f"{SKOS}definition"), chain)

    def superclasses(self, iri: str) -> list[str]:
        """Every class ``iri`` is a subclass of, nearest first (the class itself excluded)."""
        return self._closure(iri, f"{RDFS}subClassOf")

    def superproperties(self, iri: str) -> list[str]:
        """Every property ``iri`` is a sub-property of, nearest first."""
        return self._closure(iri, f"{RDFS}subPropertyOf")

    def _closure(self, iri: str, prop: str) -> list[str]:
        seen: list[str] = []
        frontier = [iri]
        while frontier:
            nxt: list[str] = []
            for term in frontier:
                for parent in self.values(term, prop):
                    if parent not in seen and parent != iri:
                        seen.append(parent)
                        nxt.append(parent)
            frontier = nxt
        return seen

    def catalog_classes(self) -> list[str]:
        """The ontology's own classes (``mkg:``), sorted by IRI."""
        return sorted(
            iri
            for iri, links in self.links.items()
            if iri.startswith(MKG) and f"{OWL}Class" in links.get(f"{RDF}type", [])
        )

    def subclasses(self, iri: str) -> list[str]:
        """The catalog classes directly below ``iri``."""
        return [c for c in self.catalog_classes() if iri in self.values(c, f"{RDFS}subClassOf")]

    def schema_type(self, classes: Sequence[str]) -> str | None:
        """The most specific schema.org type among ``classes`` and their superclasses.

        >>> v = Vocabulary(links={"x#Museum": {f"{RDFS}subClassOf": [f"{SCHEMA}Museum"]}})
        >>> v.schema_type(["x#Museum"])
        'Museum'
        """
        for cls in classes:
            for candidate in [cls, *self.superclasses(cls)]:
                if candidate.startswith(SCHEMA):
                    return candidate[len(SCHEMA) :]
        return None

    def schema_property(self, prop: str) -> str | None:
        """The nearest schema.org property ``prop`` specialises (or is), if any."""
        for candidate in [prop, *self.superproperties(prop)]:
            if candidate.startswith(SCHEMA):
                return candidate[len(SCHEMA) :]
        return None


def read_vocabulary(store: Store, ontology_graph: str) -> Vocabulary:
    """Read the ontology graph into a :class:`Vocabulary` (one bounded query)."""
    texts: dict[str, dict[str, list[Text]]] = defaultdict(lambda: defaultdict(list))
    links: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in named_rows(store, "vocab_terms", graph=ontology_graph):
        term, prop, value = lexical(row["term"]), lexical(row["p"]), row["value"]
        if isinstance(value, ox.Literal):
            text = Text(value.value, value.language or "")
            if text not in texts[term][prop]:
                texts[term][prop].append(text)
        elif isinstance(value, ox.NamedNode) and value.value not in links[term][prop]:
            links[term][prop].append(value.value)
    for by_prop in links.values():
        for values in by_prop.values():
            values.sort()
    return Vocabulary(
        texts={k: dict(v) for k, v in texts.items()}, links={k: dict(v) for k, v in links.items()}
    )


_CACHE: weakref.WeakKeyDictionary[object, dict[str, Vocabulary]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def vocabulary(store: Store, ontology_graph: str) -> Vocabulary:
    """The cached :class:`Vocabulary` of ``store`` (read on first use).

    A built store never changes (a rebuild lands in a new folder), so the cache lives as long
    as the store object.
    """
    with _LOCK:
        by_graph = _CACHE.get(store)
        if by_graph is not None and ontology_graph in by_graph:
            return by_graph[ontology_graph]
    vocab = read_vocabulary(store, ontology_graph)
    with _LOCK:
        _CACHE.setdefault(store, {})[ontology_graph] = vocab
    return vocab
