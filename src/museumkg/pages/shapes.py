"""The typed shapes of an entity page: what :func:`museumkg.pages.entity.entity_page` returns, and
so what the entity templates and the page's JSON twin read.

Values are plain ``str``, ``int``, ``bool``, lists and dicts (no RDF terms): templates and
``json.dumps`` take them as is. The parts made by :mod:`museumkg.pages.statements` and
:mod:`museumkg.pages.summary` (names, types, property groups, sections) keep their own shapes.
"""

from __future__ import annotations

from typing import Any, NotRequired, Required, TypedDict


class NameEntry(TypedDict):
    """One name of the entity: its text, language, and ``pref`` or ``alt``."""

    text: str
    lang: str
    kind: str


class SourceEntry(TypedDict, total=False):
    """A graph the entity's statements come from, numbered on the page; source documents have
    a title (and maybe a date, a link and a publisher)."""

    n: int
    graph: Required[str]
    kind: Required[str]  # source, ontology, derived, quality or other
    title: str
    title_lang: str
    issued: str
    link: str
    publisher: str


class Link(TypedDict):
    """A thing to link to, named in the reader's language."""

    iri: str
    label: str
    label_lang: str


class IncomingLink(TypedDict):
    """One thing that refers to the entity, and by which property."""

    subject: Link
    property: Link | None


class IncomingPage(TypedDict):
    """One page of the links pointing at the entity (keyset-paged by the ``next`` cursor)."""

    count: int
    items: list[IncomingLink]
    after: str
    next: str | None


class RoleRef(TypedDict):
    iri: str


class RoleEntry(TypedDict):
    """A role played by, in or on behalf of the entity, and the sentence that tells it."""

    role: RoleRef
    agent: Link | None
    role_type: Link | None
    program: Link | None
    behalf: Link | None
    year: str | None
    text: str


class PartnerEntry(TypedDict):
    """One derived partnership of an institution, with its evidence (the JSON twin's
    ``partners``)."""

    partnership: RoleRef
    other: Link | None
    programs: list[Link]
    sources: list[Link]
    kind: NotRequired[Link | None]
    rule: NotRequired[Link | None]
    strength: NotRequired[str]
    first: NotRequired[str]
    last: NotRequired[str]


class ShownElsewhere(TypedDict):
    """A property whose values the page shows in a panel of its own, counted, not read."""

    property: Link
    count: int
    sources: list[Link]
    inferred: bool
    derived_by: dict[str, str] | None  # :func:`museumkg.network.rules.derived_by`


class FindingEntry(TypedDict):
    """What the shapes say about the entity (:class:`museumkg.checks.quality.Finding`)."""

    severity: str
    message: str
    message_lang: str
    path: str | None
    value: str | None
    rule: str | None
    path_label: NotRequired[str]
    path_label_lang: NotRequired[str]


class EntityPage(TypedDict):
    """Everything an entity page shows."""

    iri: str
    kind: str
    slug: str
    label: str
    label_lang: str
    names: list[NameEntry]
    types: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    sections: list[dict[str, Any]]
    same_as: list[dict[str, Any]]
    summary: dict[str, Any] | None
    sources: list[SourceEntry]
    incoming: IncomingPage
    roles: list[RoleEntry]
    roles_total: int
    partners: list[PartnerEntry]
    quality: list[FindingEntry]
    truncated: bool
    elsewhere: ShownElsewhere | None
    schema_org: dict[str, Any]
    editor_query: str | None
    #: added by the web view: a source's statements (:func:`museumkg.pages.sources.source_facts`)
    facts: NotRequired[dict[str, Any]]
    #: added by the web view: how to cite the page
    cite: NotRequired[str]
