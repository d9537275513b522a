"""Citations of a release and of a query answer: BibTeX, RIS, CSL-JSON and a line of text.

A release is cited as a dataset (its version is the release id, its URL the release-pinned
home page ``/r/<release>/``); a query answer as a dataset too, whose URL is the pinned query
page and whose note carries the answer's checksum (:mod:`museumkg.sparql.canonical`), so a
reader can rerun the query on the same release and check that the answer is the same.
The author is the publisher named in the dataset's description (DCAT ``dct:publisher``).

>>> c = Citation(title="museumkg", release="20261207-abc", issued="2026-12-07T10:00:00+00:00",
...              url="https://example.org/r/20261207-abc/", accessed="2026-12-08")
>>> print(c.bibtex().splitlines()[0])
@misc{museumkg-20261207-abc,
>>> c.csl_json()["issued"]
{'date-parts': [[2026, 12, 7]]}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

#: Who publishes the catalog (the ``dct:publisher`` of the DCAT description).
PUBLISHER = "The museumkg project"

_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


def _bibtex_text(text: str) -> str:
    """``text`` safe inside a BibTeX field's braces."""
    return _BIBTEX_SPECIAL.sub(r"\\\1", text.replace("\\", "\\textbackslash{}"))


def _date_parts(iso: str) -> list[int]:
    parts = [int(p) for p in re.findall(r"\d+", iso[:10])]
    return parts[:3]


@dataclass(frozen=True)
class Citation:
    """What a citation says.

    Attributes:
        title: what is cited (the dataset's title, or "Result of ... on ...").
        release: the release id (the version).
        issued: when the release was built (ISO 8601).
        url: the release-pinned URL of what is cited.
        accessed: when it was read (ISO date), if known.
        note: anything else a reader needs (a checksum, a row count).
        key_suffix: appended to the citation key (a query answer's short checksum).
    """

    title: str
    release: str
    issued: str
    url: str
    accessed: str | None = None
    note: str | None = None
    key_suffix: str = ""
    publisher: str = PUBLISHER

    @property
    def key(self) -> str:
        """The BibTeX key / CSL id: ``museumkg-<release>[-<suffix>]``."""
        suffix = f"-{self.key_suffix}" if self.key_suffix else ""
        return f"museumkg-{self.release}{suffix}"

    @property
    def year(self) -> str:
        return self.issued[:4]

    def text(self) -> str:
        """One line, for people (and DCAT's ``dct:bibliographicCitation``)."""
        accessed = f" Accessed {self.accessed}." if self.accessed else ""
        note = f" {self.note}." if self.note else ""
        return (
            f"{self.publisher} ({self.year}). {self.title} (release {self.release}) "
            f"[Data set]. {self.url}{note}{accessed}"
        )

    def bibtex(self) -> str:
        """A BibTeX ``@misc`` entry (biblatex reads ``version`` and ``urldate`` too)."""
        fields = [
            ("author", "{" + _bibtex_text(self.publisher) + "}"),
            ("title", _bibtex_text(self.title)),
            ("year", self.year),
            ("version", _bibtex_text(self.release)),
            ("howpublished", "Data set"),
            ("url", self.url),
        ]
        if self.accessed:
            fields.append(("urldate", self.accessed))
        if self.note:
            fields.append(("note", _bibtex_text(self.note)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{self.key},\n{body}\n}}\n"

    def ris(self) -> str:
        """An RIS record (type ``DATA``)."""
        lines = [
            ("TY", "DATA"),
            ("AU", self.publisher),
            ("TI", self.title),
            ("PY", self.year),
            ("DA", self.issued[:10].replace("-", "/")),
            ("ET", self.release),
            ("PB", self.publisher),
            ("UR", self.url),
        ]
        if self.accessed:
            lines.append(("Y2", self.accessed.replace("-", "/")))
        if self.note:
            lines.append(("N1", self.note))
        lines.append(("ER", ""))
        return "".join(f"{tag}  - {value}".rstrip() + "\n" for tag, value in lines)

    def csl_json(self) -> dict[str, Any]:
        """A CSL-JSON item (type ``dataset``)."""
        item: dict[str, Any] = {
            "id": self.key,
            "type": "dataset",
            "title": self.title,
            "author": [{"literal": self.publisher}],
            "publisher": self.publisher,
            "issued": {"date-parts": [_date_parts(self.issued)]},
            "version": self.release,
            "URL": self.url,
        }
        if self.accessed:
            item["accessed"] = {"date-parts": [_date_parts(self.accessed)]}
        if self.note:
            item["note"] = self.note
        return item

    def formats(self) -> dict[str, str]:
        """Every form, as text: ``bibtex``, ``ris``, ``csl`` (CSL-JSON, a one-item list)."""
        return {
            "bibtex": self.bibtex(),
            "ris": self.ris(),
            "csl": json.dumps([self.csl_json()], ensure_ascii=False, indent=2) + "\n",
        }


def release_citation(title: str, release: str, built_at: str, site_root: str) -> Citation:
    """The citation of one release of the dataset: its URL is ``{site_root}r/<release>/``.

    Args:
        title: the dataset's title.
        release: the release id.
        built_at: when it was built (ISO 8601).
        site_root: the site's root URL, ending with ``/``.
    """
    return Citation(title=title, release=release, issued=built_at, url=f"{site_root}r/{release}/")
