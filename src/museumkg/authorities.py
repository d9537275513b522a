"""The authorities the catalog links out to: their IRI patterns, short forms and names.

A same-as link (``skos:exactMatch``, see docs/data-model.md) from an institution, person, place
or program to Wikidata, GeoNames, VIAF, ISNI, the Getty ULAN or the Getty TGN is written in a
record either by its short form (YAML ``wikidata: Q123``) or as the full IRI; both are checked
against the authority's pattern here, and every link is stored as the authority's canonical IRI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Authority:
    """One authority file or gazetteer we link to."""

    key: str  # the YAML field and the CSV column: wikidata, geonames, ...
    name: str  # as shown on pages
    namespace: str  # the canonical IRIs start with this (also the VoID target)
    short: re.Pattern[str]  # an identifier in its short form
    example: str
    suffix: str = ""  # the canonical IRI's tail after the identifier (GeoNames: "/")
    #: other spellings of the IRI accepted in records (normalised to the canonical one)
    aliases: tuple[str, ...] = ()

    def iri(self, identifier: str) -> str:
        """The canonical IRI of an identifier in short form."""
        return f"{self.namespace}{identifier}{self.suffix}"

    def identifier(self, iri: str) -> str | None:
        """The identifier of a canonical IRI of this authority, if it is well formed."""
        if not iri.startswith(self.namespace) or not iri.endswith(self.suffix):
            return None
        local = iri[len(self.namespace) : len(iri) - len(self.suffix) or None]
        return local if self.short.fullmatch(local) and _check(self, local) else None


def _isni_check(digits: str) -> bool:
    """ISO 7064 MOD 11-2, the ISNI check character."""
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def _check(authority: Authority, identifier: str) -> bool:
    return _isni_check(identifier) if authority.key == "isni" else True


AUTHORITIES: tuple[Authority, ...] = (
    Authority(
        "wikidata",
        "Wikidata",
        "http://www.wikidata.org/entity/",
        re.compile(r"Q[1-9]\d*"),
        "Q123",
        aliases=("https://www.wikidata.org/entity/", "https://www.wikidata.org/wiki/"),
    ),
    Authority(
        "geonames",
        "GeoNames",
        "https://sws.geonames.org/",
        re.compile(r"[1-9]\d*"),
        "1526384",
        suffix="/",
        aliases=("http://sws.geonames.org/",),
    ),
    Authority(
        "viaf",
        "VIAF",
        "http://viaf.org/viaf/",
        re.compile(r"[1-9]\d{0,21}"),
        "102333412",
        aliases=("https://viaf.org/viaf/",),
    ),
    Authority(
        "isni",
        "ISNI",
        "https://isni.org/isni/",
        re.compile(r"\d{15}[\dX]"),
        "0000000121032683",
        aliases=("http://isni.org/isni/", "http://www.isni.org/isni/"),
    ),
    Authority(
        "ulan",
        "Getty ULAN",
        "http://vocab.getty.edu/ulan/",
        re.compile(r"500\d{6}"),
        "500115493",
        aliases=("https://vocab.getty.edu/ulan/", "http://vocab.getty.edu/page/ulan/"),
    ),
    Authority(
        "tgn",
        "Getty TGN",
        "http://vocab.getty.edu/tgn/",
        re.compile(r"7\d{6}|1\d{7}"),
        "7006570",
        aliases=("https://vocab.getty.edu/tgn/", "http://vocab.getty.edu/page/tgn/"),
    ),
)
BY_KEY: dict[str, Authority] = {a.key: a for a in AUTHORITIES}


def authority_of(iri: str) -> Authority | None:
    """The authority whose namespace (or an accepted alias of it) an IRI is in."""
    for authority in AUTHORITIES:
        if iri.startswith((authority.namespace, *authority.aliases)):
            return authority
    return None


def link_iri(text: str, key: str | None = None) -> tuple[str | None, str]:
    """Read a link written in a record: ``(canonical IRI, "")`` or ``(None, what is wrong)``.

    Args:
        text: the short form (``Q123``; ISNI may be written in groups of four) or a full IRI.
        key: the authority the field names (``wikidata``), or ``None`` for a full IRI only.

    >>> link_iri("Q42", "wikidata")
    ('http://www.wikidata.org/entity/Q42', '')
    >>> link_iri("https://www.wikidata.org/wiki/Q42")
    ('http://www.wikidata.org/entity/Q42', '')
    >>> link_iri("1526384", "geonames")
    ('https://sws.geonames.org/1526384/', '')
    >>> link_iri("Q12x", "wikidata")[1]
    "'Q12x' is not a valid Wikidata identifier (like Q123) or IRI (http://www.wikidata.org/entity/Q123)"
    """
    text = text.strip()
    authority = BY_KEY.get(key or "") or authority_of(text)
    if authority is None:
        return None, f"{text!r} is not an IRI of a known authority"
    for start in (authority.namespace, *authority.aliases):
        if text.startswith(start):
            local = text[len(start) :]
            if authority.suffix and local.endswith(authority.suffix):
                local = local[: -len(authority.suffix)]
            break
    else:
        local = text.replace(" ", "").replace("-", "") if authority.key == "isni" else text
        if "://" in text and authority is BY_KEY.get(key or ""):
            local = "\0"  # an IRI of another site in this authority's field
    canonical = authority.iri(local)
    if authority.identifier(canonical) is None:
        return None, (
            f"{text!r} is not a valid {authority.name} identifier (like {authority.example}) "
            f"or IRI ({authority.iri(authority.example)})"
        )
    return canonical, ""
