"""Folding text for search: case, accents and script (Cyrillic → Latin) made not to matter.

Three forms of a label are indexed (see :mod:`museumkg.index.catalog_index`):

- ``folded``: case-folded, accents stripped, punctuation turned into spaces; the script is kept
  (``Алма-Ата`` → ``алма ата``);
- ``latin``: ``folded`` with Cyrillic transliterated to Latin by :data:`CYRILLIC_TO_LATIN`
  (``Алма-Ата`` → ``alma ata``, ``Алматы`` → ``almaty``), so one script finds the other;
- ``loose``: ``latin`` with spelling variants merged by :data:`LOOSE_RULES` (``kh`` → ``k``,
  ``y`` → ``i``, ``ya``/``ia`` → ``a``, doubled letters once, ...), so ``Kazakhstan`` and
  ``Қазақстан`` (``kazakstan``) meet, and so do two transliterations of one Russian name.
  Matches on this form rank below matches on the others.

The transliteration table is deliberately small and one-way: it is a search key, not a
romanisation standard. It follows the common English practice for Russian (BGN/PCGN without
diacritics, ``ё`` → ``e``, ``й`` → ``i``) and adds the Kazakh letters (``ә ғ қ ң ө ұ ү һ і``),
plus Ukrainian ``є ї ґ`` and Belarusian ``ў``. Accents are stripped before the table is
applied, so ``й ё ї ў`` reach it as ``и е і у``.
"""

from __future__ import annotations

import re
import unicodedata

#: Cyrillic letter (lower case) → Latin; letters not listed are kept as they are.
CYRILLIC_TO_LATIN: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Kazakh
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
    # Ukrainian, Belarusian
    "є": "ye", "ї": "yi", "ґ": "g", "ў": "u",
}  # fmt: skip

#: Spelling variants merged in the ``loose`` form, applied in this order to the ``latin`` form.
LOOSE_RULES: tuple[tuple[str, str], ...] = (
    ("shch", "sh"),
    ("kh", "k"),
    ("zh", "z"),
    ("sh", "s"),
    ("ch", "c"),
    ("ts", "c"),
    ("y", "i"),
    ("iu", "u"),  # ю: yu (BGN/PCGN, this module) and iu (ICAO, Russian passports) meet
    ("ia", "a"),  # я: ya and ia
    ("j", "i"),
    ("q", "k"),
    ("w", "v"),
    ("x", "ks"),
)

_TRANSLIT = str.maketrans(CYRILLIC_TO_LATIN)
_DOUBLED = re.compile(r"(\w)\1+")
_NOT_WORD = re.compile(r"[\W_]+")
#: Combining marks of the Basic Multilingual Plane (accents after NFKD), deleted by translate.
_MARKS = {cp: None for cp in range(0x10000) if unicodedata.combining(chr(cp))}


def fold(text: str) -> str:
    """Case-fold, strip accents and turn everything but letters and digits into single spaces.

    >>> fold("  Alma-Ata  "), fold("Алма-Ата"), fold("Éçole  «Ōsaka»"), fold("snake_case")
    ('alma ata', 'алма ата', 'ecole osaka', 'snake case')
    """
    if text.isascii():
        return _NOT_WORD.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_MARKS)
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFC", decomposed)).strip()


def forms(text: str) -> tuple[str, str, str]:
    """The ``folded``, ``latin`` and ``loose`` forms of ``text``, computed together.

    >>> forms("Қазақстан")
    ('қазақстан', 'kazakstan', 'kazakstan')
    """
    folded = fold(text)
    latin_form = folded if folded.isascii() else folded.translate(_TRANSLIT)
    return folded, latin_form, _loosen(latin_form)


def _loosen(latin_form: str) -> str:
    for old, new in LOOSE_RULES:
        latin_form = latin_form.replace(old, new)
    return _DOUBLED.sub(r"\1", latin_form)


def latin(text: str) -> str:
    """:func:`fold`, then transliterate Cyrillic to Latin.

    >>> latin("Алматы"), latin("Almaty"), latin("Алма-Ата"), latin("Қазақстан")
    ('almaty', 'almaty', 'alma ata', 'kazakstan')
    """
    return fold(text).translate(_TRANSLIT)


def loose(text: str) -> str:
    """:func:`latin` with spelling variants merged (the weakest match key).

    >>> loose("Kazakhstan") == loose("Қазақстан"), loose("Kyrgyzstan") == loose("Кыргызстан")
    (True, True)
    """
    return _loosen(latin(text))


def tokens(text: str) -> list[str]:
    """The words of the ``latin`` form (what the full-text index matches on).

    >>> tokens("Museums in a Changing World")
    ['museums', 'in', 'a', 'changing', 'world']
    """
    return latin(text).split()


class WordForms:
    """:func:`forms` and :func:`fold` of many texts, each distinct word folded once.

    Every whitespace character is one that folding turns into a space, and no step of folding
    (case, accents, transliteration, the loose rules, doubled letters) reaches across one; so
    the forms of a text are those of its whitespace-separated parts, the non-empty ones joined
    by single spaces. Names share words (a catalog's names repeat their words far more than
    themselves), so a build folding every name keeps the forms of the words it met, up to
    ``limit`` of them (then it starts again: memory stays bounded).

    >>> cache = WordForms()
    >>> text = "  Қазақстан «Ōsaka»  Alma-Ata Kashshhh_  "
    >>> cache.forms(text) == forms(text), cache.fold(text) == fold(text)
    (True, True)
    >>> cache.forms(" — "), cache.fold("")
    (('', '', ''), '')
    """

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self._words: dict[str, tuple[str, str, str]] = {}

    def _word(self, word: str) -> tuple[str, str, str]:
        found = self._words.get(word)
        if found is None:
            if len(self._words) >= self.limit:
                self._words.clear()
            found = self._words[word] = forms(word)
        return found

    def forms(self, text: str) -> tuple[str, str, str]:
        """:func:`forms` of ``text``."""
        parts = [found for found in map(self._word, text.split()) if found[0]]
        if len(parts) == 1:
            return parts[0]
        folded, latin_form, loose_form = zip(*parts, strict=True) if parts else ((), (), ())
        return " ".join(folded), " ".join(latin_form), " ".join(loose_form)

    def fold(self, text: str) -> str:
        """:func:`fold` of ``text``."""
        return " ".join(found[0] for found in map(self._word, text.split()) if found[0])
