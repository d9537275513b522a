"""Search folding (case, accents, Cyrillic → Latin) and the language fallback chain."""

from __future__ import annotations

import pytest

from museumkg.lang import Text, language_chain, order, parse_accept_language, pick
from museumkg.textfold import fold, forms, latin, loose, tokens


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Алматы", "Almaty"),
        ("Алма-Ата", "Alma-Ata"),
        ("ALMA ATA", "alma-ata"),
        ("Лебедев", "Lebedev"),
        ("Ташкент", "Tashkent"),
        ("Éçole", "ecole"),
    ],
)
def test_latin_form_meets_across_scripts_case_and_accents(a: str, b: str) -> None:
    assert latin(a) == latin(b)


def test_kazakh_letters_and_loose_spellings() -> None:
    assert latin("Қазақстан") == "kazakstan"
    assert latin("Өскемен") == "oskemen"
    assert latin("Шымкент") == "shymkent"
    assert latin("Қазақстан") != latin("Kazakhstan")
    assert loose("Қазақстан") == loose("Kazakhstan") == loose("Казахстан")


def test_forms_are_computed_together_and_tokens_split_words() -> None:
    assert forms("Алма-Ата") == ("алма ата", "alma ata", "alma ata")
    assert fold("«Museums» in a — changing_world!") == "museums in a changing world"
    assert tokens("Museums in a Changing World") == ["museums", "in", "a", "changing", "world"]


def test_accept_language_is_ordered_by_quality() -> None:
    header = "de;q=0.5, ru-RU, en;q=0.9, *;q=0.1, kk;q=0, bad;q=x, <x>"
    assert parse_accept_language(header) == ["ru-ru", "en", "de"]
    assert parse_accept_language(None) == []


def test_chain_is_requested_then_configured_without_repeats() -> None:
    assert language_chain(["ru-RU", "de", "en"], ["en", "ru", "kk"]) == (
        "ru-ru",
        "ru",
        "de",
        "en",
        "kk",
    )
    assert language_chain(["<script>"], ["en"]) == ("en",)


def test_pick_falls_back_requested_configured_untagged_any() -> None:
    chain = language_chain(["de"], ["en", "ru"])
    both = [Text("Москва", "ru"), Text("Moscow", "en")]
    assert pick(both, chain) == Text("Moscow", "en")  # de missing → first configured
    assert pick(both, language_chain(["ru"], ["en", "ru"])) == Text("Москва", "ru")
    untagged = [Text("Alatau", ""), Text("Алатау", "kk")]
    assert pick(untagged, chain) == Text("Alatau", "")  # no configured language → untagged
    others = [Text("Ալմաթի", "hy"), Text("アルマトイ", "ja")]
    assert pick(others, chain) == Text("Ալմաթի", "hy")  # any: by tag, deterministically
    assert pick(list(reversed(others)), chain) == Text("Ալմաթի", "hy")
    assert pick([], chain) is None
    assert pick([Text("Almaty", "en-GB")], ("en",)) == Text("Almaty", "en-GB")


def test_order_lists_every_name_reader_first() -> None:
    names = [Text("Almaty", "en"), Text("Алматы", "kk"), Text("Алматы", "ru"), Text("x")]
    assert [t.lang for t in order(names, ("ru", "en"))] == ["ru", "en", "", "kk"]
