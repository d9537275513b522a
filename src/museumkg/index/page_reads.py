"""The catalog index's statements that pages read: class listings and their facets, the
places and topics pages, "referred to by" links, a source's subjects, asserted types, slugs.

:class:`PageReads` is mixed into :class:`museumkg.index.catalog_index.CatalogIndex` (which
supplies ``rows``), so the SQL on the index lives in ``index/`` and nowhere else; the matcher's
statements are in :mod:`museumkg.index.match_tables`. Every value is bound, never pasted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

#: Facets offered on class pages, in display order.
FACETS = ("type", "country", "city", "year", "topic")


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def _filter_sql(filters: Mapping[str, str]) -> tuple[str, list[str]]:
    """``AND`` clauses keeping the entities (``l.entity``) that have every facet value."""
    sql, params = "", []
    for facet in FACETS:
        if filters.get(facet):
            sql += " AND l.entity IN (SELECT entity FROM facets WHERE facet = ? AND value = ?)"
            params += [facet, filters[facet]]
    return sql, params


class PageReads:
    """The statements pages run (mixed into ``CatalogIndex``, which supplies ``rows``)."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError

    def asserted_types(self, ids: Sequence[int]) -> list[sqlite3.Row]:
        raise NotImplementedError

    # -- classes and facets ----------------------------------------------------------------------

    def class_counts(self) -> dict[str, int]:
        """Entities per class (subclasses included), for every class that has some."""
        return {r["class"]: int(r["n"]) for r in self.rows("SELECT class, n FROM class_counts")}

    def class_count(self, class_iri: str, filters: Mapping[str, str] | None = None) -> int:
        """Entities of a class (subclasses included) having every facet value of ``filters``."""
        if filters:
            where, params = _filter_sql(filters)
            sql = f"SELECT COUNT(*) AS n FROM types l WHERE l.class = ?{where}"
            return int(self.rows(sql, [class_iri, *params])[0]["n"])
        found = self.rows("SELECT n FROM class_counts WHERE class = ?", [class_iri])
        return int(found[0]["n"]) if found else 0

    def facet_counts(
        self,
        class_iri: str,
        filters: Mapping[str, str] | None = None,
        facets: Sequence[str] = FACETS,
    ) -> list[sqlite3.Row]:
        """``facet, value, n``: how many entities of a class (with ``filters``) have each facet
        value, by facet, most frequent first."""
        if filters and any(filters.get(f) for f in FACETS):
            where, params = _filter_sql(filters)
            sql = (
                "SELECT f.facet, f.value, COUNT(*) AS n FROM facets f WHERE f.entity IN "
                f"(SELECT l.entity FROM types l WHERE l.class = ?{where}) "
                f"AND f.facet IN ({_marks(facets)}) "
                "GROUP BY f.facet, f.value ORDER BY f.facet, n DESC, f.value"
            )
            return self.rows(sql, [class_iri, *params, *facets])
        sql = (
            f"SELECT facet, value, n FROM facet_counts WHERE class = ? AND facet IN "
            f"({_marks(facets)}) ORDER BY facet, n DESC, value"
        )
        return self.rows(sql, [class_iri, *facets])

    def listing_page(
        self,
        class_iri: str,
        lang: str,
        filters: Mapping[str, str],
        *,
        after: Sequence[Any] | None,
        before: Sequence[Any] | None,
        limit: int,
    ) -> list[sqlite3.Row]:
        """``sort_key, entity`` of a class's entities in name order (in ``lang``): the ``limit``
        after the key ``after``, or (backwards, last first) before the key ``before``."""
        where, params = _filter_sql(filters)
        sql = f"SELECT l.sort_key, l.entity FROM listing l WHERE l.class = ? AND l.lang = ?{where}"
        args: list[Any] = [class_iri, lang, *params]
        if before is not None:
            sql += " AND (l.sort_key, l.entity) < (?, ?) ORDER BY l.sort_key DESC, l.entity DESC"
            args += before
        else:
            if after is not None:
                sql += " AND (l.sort_key, l.entity) > (?, ?)"
                args += after
            sql += " ORDER BY l.sort_key, l.entity"
        return self.rows(sql + " LIMIT ?", [*args, limit])

    def listed(self, class_iri: str, lang: str, limit: int) -> list[int]:
        """The first ``limit`` entities of a class in name order (in ``lang``)."""
        sql = "SELECT entity FROM listing WHERE class = ? AND lang = ? ORDER BY sort_key LIMIT ?"
        return [r["entity"] for r in self.rows(sql, [class_iri, lang, limit])]

    def listed_with_facet(
        self, class_iri: str, facet: str, lang: str, limit: int
    ) -> list[sqlite3.Row]:
        """``value, entity``: a class's entities in name order, each with its ``facet`` value
        (a city with its country)."""
        sql = (
            "SELECT f.value AS value, l.entity FROM listing l JOIN facets f "
            "ON f.entity = l.entity AND f.facet = ? "
            "WHERE l.class = ? AND l.lang = ? ORDER BY l.sort_key LIMIT ?"
        )
        return self.rows(sql, [facet, class_iri, lang, limit])

    # -- entities ----------------------------------------------------------------------------------

    def types_of(self, ids: Sequence[int], *, within: str = "") -> dict[int, list[str]]:
        """The asserted classes of entities by number, sorted; only those whose IRI starts with
        ``within`` (e.g. the catalog's namespace) when given."""
        found: dict[int, list[str]] = {}
        for row in self.asserted_types(ids):
            if row["class"].startswith(within):
                found.setdefault(row["entity"], []).append(row["class"])
        return found

    def slug_matches(self, fts: str, limit: int) -> set[int]:
        """Entities whose slug words match an FTS5 query on ``slugs_fts``."""
        sql = "SELECT rowid FROM slugs_fts WHERE slugs_fts MATCH ? LIMIT ?"
        return {r["rowid"] for r in self.rows(sql, [fts, limit])}

    # -- links and sources -------------------------------------------------------------------------

    def link_count(self, target: int) -> int:
        """How many (source, property) links point at ``target``."""
        sql = "SELECT COUNT(*) AS n FROM links WHERE target = ?"
        return int(self.rows(sql, [target])[0]["n"])

    def links_page(self, target: int, after: Sequence[Any] | None, limit: int) -> list[sqlite3.Row]:
        """``sort_key, source, prop`` of the links to ``target`` in the sources' name order,
        the ``limit`` after the key ``after``."""
        sql = "SELECT sort_key, source, prop FROM links WHERE target = ?"
        params: list[Any] = [target]
        if after is not None:
            sql += " AND (sort_key, source, prop) > (?, ?, ?)"
            params += after
        return self.rows(sql + " ORDER BY sort_key, source, prop LIMIT ?", [*params, limit])

    def linking_sources(self, target: int, props: Sequence[str]) -> int:
        """How many distinct entities link to ``target`` by one of ``props``."""
        if not props:
            return 0
        sql = (
            "SELECT COUNT(DISTINCT source) AS n FROM links WHERE target = ? "
            f"AND prop IN ({_marks(props)})"
        )
        rows = self.rows(sql, [target, *props])
        return int(rows[0]["n"]) if rows else 0

    def subject_count(self, graph: str) -> int:
        """How many entities a source's graph describes."""
        sql = "SELECT COUNT(*) AS n FROM graph_subjects WHERE graph = ?"
        return int(self.rows(sql, [graph])[0]["n"])

    def subjects_page(
        self, graph: str, after: Sequence[Any] | None, limit: int
    ) -> list[sqlite3.Row]:
        """``sort_key, entity`` of the entities a graph describes, in name order, the ``limit``
        after the key ``after``."""
        sql = "SELECT sort_key, entity FROM graph_subjects WHERE graph = ?"
        params: list[Any] = [graph]
        if after is not None:
            sql += " AND (sort_key, entity) > (?, ?)"
            params += after
        return self.rows(sql + " ORDER BY sort_key, entity LIMIT ?", [*params, limit])
