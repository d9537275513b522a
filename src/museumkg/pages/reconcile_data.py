"""What the reconciliation service knows about an entity: its properties, for evidence and for
data extension, and its preview card.

Properties have short ids (:data:`PROPERTIES`): ``country``, ``city``, ``type``, ``founded``
(founding, start or issue year), ``website``, ``sameAs`` (owl:sameAs, skos:exactMatch,
skos:closeMatch, mkg:probablySameAs), ``partners`` and ``partnerStrengths`` (the derived
partnerships, strongest first, the two columns in the same order), ``programs`` (programs that
name the entity). Any ontology property can also be named by its IRI or ``mkg:`` name. Values
are the Reconciliation API's: ``{"id", "name"}`` for catalog entities, ``{"str"}``,
``{"int"}``, ``{"float"}``.

Entity ids are the part of the entity IRI after the dataset's ``{base}id/`` (the identifier
space), e.g. ``org/unesco-almaty``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from museumkg.index.catalog_index import CatalogIndex
from museumkg.index.vocab import Vocabulary, local_name
from museumkg.lang import Text, pick
from museumkg.namespaces import MKG
from museumkg.queries import named_rows
from museumkg.store import Store
from museumkg.store.terms import lexical

OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SAME_AS = (OWL_SAME_AS, f"{SKOS}exactMatch", f"{SKOS}closeMatch", f"{MKG}probablySameAs")

#: The service's own properties: id -> (English name, what it is).
PROPERTIES: dict[str, tuple[str, str]] = {
    "country": ("country", "the country the entity is in (or the place is in)"),
    "city": ("city", "the city the entity is located or held in"),
    "type": ("type", "the entity's classes in the museumkg ontology"),
    "founded": ("founded (year)", "founding, start or issue year"),
    "website": ("website", "the official website"),
    "sameAs": ("same as", "the same thing in other datasets (GeoNames, Wikidata, ...)"),
    "partners": ("partners", "institutions it partners with (derived), strongest first"),
    "partnerStrengths": ("partnership strengths", "each partner's strength (docs/partnerships.md)"),
    "programs": ("programs", "programs that name it (organised, hosted, took part)"),
}
#: Properties proposed for extension, per entity kind.
PROPOSED: dict[str, tuple[str, ...]] = {
    "org": ("city", "country", "founded", "website", "type", "partners", "partnerStrengths",
            "programs", "sameAs"),
    "place": ("country", "type", "sameAs"),
    "program": ("city", "country", "founded", "type", "sameAs"),
    "person": ("type", "sameAs", "programs"),
    "topic": ("type", "programs"),
    "source": ("founded", "type"),
}  # fmt: skip
#: Most values one property gives for one entity.
MAX_VALUES = 50
_MKG_NAME = re.compile(r"^mkg:([A-Za-z][A-Za-z0-9_]*)$")


class UnknownProperty(ValueError):
    """A property id that is neither the service's nor the ontology's."""


@dataclass(frozen=True)
class Catalog:
    """What the service reads: the index, the store, the ontology, the id space, languages."""

    index: CatalogIndex
    store: Store
    vocab: Vocabulary
    base_iri: str
    chain: tuple[str, ...]

    @property
    def id_space(self) -> str:
        """The identifier space: entity ids are IRIs with this prefix removed."""
        return f"{self.base_iri}id/"

    def entity_id(self, iri: str) -> str:
        """The service id of an entity IRI (``org/unesco-almaty``)."""
        return iri[len(self.id_space) :] if iri.startswith(self.id_space) else iri

    def iri(self, entity_id: str) -> str:
        """The IRI of a service id (a full IRI of the dataset is accepted too)."""
        return entity_id if entity_id.startswith(self.id_space) else self.id_space + entity_id

    def types(self, numbers: Sequence[int]) -> dict[int, list[dict[str, str]]]:
        """Each entity's classes as API types: asserted first, then catalog superclasses."""
        found: dict[int, list[dict[str, str]]] = defaultdict(list)
        for row in self.index.all_types(list(numbers)):
            if row["asserted"] or row["class"].startswith(MKG):
                label = self.vocab.label(row["class"], self.chain).value or local_name(row["class"])
                found[row["entity"]].append({"id": row["class"], "name": label})
        return found

    def ontology_properties(self) -> list[str]:
        """The ontology's own (``mkg:``) object and datatype properties."""
        kinds = {"http://www.w3.org/2002/07/owl#ObjectProperty"}
        kinds.add("http://www.w3.org/2002/07/owl#DatatypeProperty")
        rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
        return sorted(
            iri
            for iri, links in self.vocab.links.items()
            if iri.startswith(MKG) and kinds & set(links.get(rdf_type, []))
        )

    def property_iri(self, pid: str) -> str | None:
        """``None`` for the service's own properties, else the ontology property's IRI."""
        if pid in PROPERTIES:
            return None
        named = _MKG_NAME.match(pid)
        iri = f"{MKG}{named.group(1)}" if named else pid
        if iri in self.ontology_properties():
            return iri
        raise UnknownProperty(
            f"unknown property {pid[:80]!r}: use one of {', '.join(PROPERTIES)}, "
            "or an ontology property such as mkg:foundingDate"
        )

    def property_name(self, pid: str) -> str:
        """A readable name of a property id."""
        if pid in PROPERTIES:
            return PROPERTIES[pid][0]
        iri = self.property_iri(pid) or pid
        return self.vocab.label(iri, self.chain).value or local_name(iri)

    def values(self, iris: Sequence[str], pid: str, limit: int = MAX_VALUES) -> dict[str, list]:
        """The values of property ``pid`` for each entity IRI (API value objects)."""
        ids = self.index.ids_of(list(iris))
        found: dict[str, list[dict[str, Any]]] = {iri: [] for iri in iris}
        if pid in ("country", "city", "founded", "type"):
            self._facets(ids, pid, found)
        elif pid in ("partners", "partnerStrengths"):
            for iri in ids:
                found[iri] = self._partners(iri, pid)
        elif pid == "programs":
            for iri, number in ids.items():
                programs = self.index.linked_from(number, "program", limit)
                described = self.index.describe(programs, self.chain)
                found[iri] = [self._entity(described[p]) for p in programs if p in described]
        else:
            if pid == "sameAs":
                props: tuple[str, ...] = SAME_AS
            elif pid == "website":
                props = (f"{MKG}website",)
            else:
                props = (self.property_iri(pid) or pid,)
            for iri in ids:
                found[iri] = self._store_values(iri, props)
        return {iri: values[:limit] for iri, values in found.items()}

    def _facets(self, ids: dict[str, int], pid: str, found: dict[str, list]) -> None:
        facet = {"founded": "year"}.get(pid, pid)
        by_entity: dict[int, list[str]] = defaultdict(list)
        for row in self.index.facet_values(sorted(ids.values())):
            if row["facet"] == facet:
                by_entity[row["entity"]].append(row["value"])
        if pid == "type":
            asserted = defaultdict(list)
            for row in self.index.asserted_types(sorted(ids.values())):
                asserted[row["entity"]].append(row["class"])
            by_entity = asserted
        places = self.index.ids_of(sorted({v for vs in by_entity.values() for v in vs}))
        described = self.index.describe(sorted(places.values()), self.chain)
        for iri, number in ids.items():
            for value in sorted(set(by_entity.get(number, []))):
                if pid == "founded":
                    found[iri].append({"int": int(value)} if value.isdigit() else {"str": value})
                elif pid == "type":
                    found[iri].append(
                        {"id": value, "name": self.vocab.label(value, self.chain).value}
                    )
                elif value in places:
                    found[iri].append(self._entity(described[places[value]]))

    def _entity(self, entry: dict[str, str]) -> dict[str, str]:
        return {"id": self.entity_id(entry["iri"]), "name": entry["label"]}

    def _partners(self, iri: str, pid: str) -> list[dict[str, Any]]:
        rows = named_rows(self.store, "partners_of", org=iri)
        by_kind: dict[str, dict[str, float]] = defaultdict(dict)
        for row in rows:  # one row per partnership node and evidence item
            kind = lexical(row["kind"]) if "kind" in row else ""
            by_kind[lexical(row["other"])][kind] = float(lexical(row["strength"]))
        # a pair's strength is the sum over its nodes, one per kind (docs/partnerships.md)
        strongest = {other: sum(kinds.values()) for other, kinds in by_kind.items()}
        ids = self.index.ids_of(sorted(strongest))
        described = self.index.describe(sorted(ids.values()), self.chain)
        ranked = sorted(
            (o for o in strongest if o in ids),
            key=lambda o: (-strongest[o], described[ids[o]]["label"]),
        )
        if pid == "partnerStrengths":
            return [{"float": round(strongest[o], 4)} for o in ranked]
        return [self._entity(described[ids[o]]) for o in ranked]

    def _store_values(self, iri: str, props: Sequence[str]) -> list[dict[str, Any]]:
        values: list[dict[str, Any]] = []
        entity_iris: list[str] = []
        for prop in props:
            for row in named_rows(self.store, "reconcile_values", entity=iri, property=prop):
                value = row["value"]
                if isinstance(value, ox.NamedNode) and value.value.startswith(self.id_space):
                    entity_iris.append(value.value)
                elif isinstance(value, ox.Literal):
                    values.append(_literal(value))
                elif isinstance(value, ox.NamedNode):
                    values.append({"str": value.value})
        if entity_iris:
            ids = self.index.ids_of(entity_iris)
            described = self.index.describe(sorted(ids.values()), self.chain)
            values += [self._entity(described[ids[i]]) for i in entity_iris if i in ids]
        return values

    def names(self, iri: str) -> tuple[Text | None, list[Text]]:
        """The display name (reader's chain) and every name of an entity."""
        ids = self.index.ids_of([iri])
        if not ids:
            return None, []
        rows = self.index.all_labels(list(ids.values()))
        texts = [Text(r["text"], r["lang"]) for r in rows]
        preferred = [Text(r["text"], r["lang"]) for r in rows if r["pref"]]
        return pick(preferred, self.chain) or (texts[0] if texts else None), texts


def _literal(value: ox.Literal) -> dict[str, Any]:
    datatype = value.datatype.value if value.datatype else ""
    if datatype.endswith("#integer") or datatype.endswith("#gYear"):
        try:
            return {"int": int(value.value)}
        except ValueError:
            pass
    if datatype.endswith("#decimal") or datatype.endswith("#double"):
        try:
            return {"float": float(value.value)}
        except ValueError:
            pass
    if datatype.endswith("#boolean"):
        return {"bool": value.value == "true"}
    return {"str": value.value}


def preview(catalog: Catalog, entity_id: str) -> dict[str, Any] | None:
    """What the preview card shows: names, types, place, founded, top partners (or ``None``)."""
    iri = catalog.iri(entity_id)
    label, names = catalog.names(iri)
    if label is None:
        return None
    values = {
        pid: catalog.values([iri], pid, limit=5)[iri]
        for pid in ("type", "city", "country", "founded", "partners")
    }
    return {
        "id": catalog.entity_id(iri),
        "iri": iri,
        "label": label,
        "names": [n for n in names if n != label][:8],
        "types": [v["name"] for v in values["type"]],
        "place": [v["name"] for v in values["city"] + values["country"]],
        "founded": [str(v.get("int", v.get("str", ""))) for v in values["founded"]],
        "partners": [v["name"] for v in values["partners"]],
    }
