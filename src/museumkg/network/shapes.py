"""The typed shapes of "why linked" and of an institution's partners (:mod:`.why`): what the
partners panel, the why page and their JSON twins read.

Values are plain ``str``, ``int``, ``float``, ``bool``, lists and dicts, ready for templates and
``json.dumps``.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class Institution(TypedDict):
    """An institution named in the reader's language (the web app adds ``href``, the path of
    its page)."""

    iri: str
    slug: str
    label: str
    href: NotRequired[str]


class PartnerKind(TypedDict):
    """One kind of partnership with a partner, and its strength."""

    kind: str
    label: str
    strength: float


class Partner(TypedDict):
    """One partner of an institution (the one partners list: panel, entity page, views); the
    web app adds ``href`` and ``why``, the paths of its page and of the why page."""

    iri: str
    slug: str
    label: str
    strength: float
    kinds: list[PartnerKind]
    first: str | None
    last: str | None
    evidence: int
    strong: bool
    href: NotRequired[str]
    why: NotRequired[str]


class Metrics(TypedDict):
    degree: int
    weighted_degree: float
    betweenness: float
    community: int


class YearMetrics(Metrics):
    year: str


class NetworkPosition(TypedDict):
    """An institution's build-time network metrics, overall and per year."""

    overall: Metrics | None
    years: list[YearMetrics]


#: One step of a chain of strong partnerships between two institutions ("from" is a keyword,
#: hence the functional form).
Hop = TypedDict(
    "Hop",
    {
        "from": Institution,
        "to": Institution,
        "strength": float,
        "kinds": list[str],
        "first": int | None,
        "last": int | None,
        "programs": list[str],
        "sources": list[str],
        "why": NotRequired[str],  # added by the web app: the path of the hop's why page
    },
)


class PairExplained(TypedDict):
    """Why two institutions are linked: evidence paths, and chains when they are not."""

    linked: bool
    weakly_linked: bool
    strength: float
    kinds: list[str]
    paths: list[dict[str, Any]]
    chains: list[list[Hop]]
    distance: int | None
