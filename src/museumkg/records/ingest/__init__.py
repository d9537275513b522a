"""Ingest the deliveries of sourced CSV tables (``catalog-sources/``, ``catalog-sources-2/``).

Input: each delivery's tables (``organisations.csv``, ``programs.csv``, ``people.csv``; the
second also ``corrections.csv``), every row citing the pages it was read from, and its
editorial decisions in ``data/ingest/<delivery>.yaml`` (how free text maps to the ontology,
name variants, claims read from the ``notes`` cells). Output, per delivery, one record per
table (the table is the source document; each row's pages are ``dcterms:source`` links on its
entity) and one topic vocabulary, e.g. ``sources/catalog-sources-2-organisations.yaml``.

Modules: :mod:`.tables` (reading and the run's state), :mod:`.cells` (names, places, dates),
:mod:`.entities` (institutions, programs, topics), :mod:`.people` (people and roles),
:mod:`.corrections` (a later delivery's corrections of earlier rows), :mod:`.convert` (the
run). docs/curation.md explains the design and the mappings. Problems in the tables (missing or
extra columns, unknown ids, unmapped values, claims citing a page their row does not cite) are
all reported at once, with table, line, row and column, and nothing is written.
"""

from museumkg.records.ingest.convert import all_outputs, generate, write
from museumkg.records.ingest.tables import DELIVERIES

#: The first delivery's outputs by table (``topics``: its topic vocabulary).
OUTPUTS = DELIVERIES[0].outputs()

__all__ = ["DELIVERIES", "OUTPUTS", "all_outputs", "generate", "write"]
