"""The matcher (museumkg.index.matcher) on the seed catalog's index: tiers, ranking, reasons.

/search, its suggestions and /reconcile all answer from this one matcher; their own tests check
the HTTP shaping (tests/web/test_web_browse_search.py, tests/web/test_reconcile_protocol.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from museumkg.config import Settings
from museumkg.index.catalog_index import INDEX_FILE, CatalogIndex
from museumkg.index.matcher import EXACT, FUZZY, SPELLING, WORDS, find
from museumkg.index.name_keys import HOW_ACRONYM, HOW_SHORT, is_acronym, name_keys, short_form
from museumkg.namespaces import MKG
from museumkg.store.catalog import current_store_dir

EN = ("en",)


@pytest.fixture(scope="module")
def index(catalog_settings: Settings) -> Iterator[CatalogIndex]:
    store_dir = current_store_dir(catalog_settings)
    assert store_dir is not None
    yield CatalogIndex(store_dir / INDEX_FILE)


def _iri(settings: Settings, tail: str) -> str:
    return f"{settings.base_iri}id/{tail}"


def test_named_entities_come_before_derived_nodes(
    index: CatalogIndex, catalog_settings: Settings
) -> None:
    found = find(index, "UNESCO Almaty", EN)
    assert found[0].iri == _iri(catalog_settings, "org/unesco-almaty")
    kinds = [m.kind for m in found]
    assert "partnership" in kinds  # derived nodes stay findable ...
    named = [m.named for m in found]
    assert named == sorted(named, reverse=True)  # ... after every named entity
    assert all(m.named == (m.kind not in ("partnership", "role", "claim")) for m in found)


def test_exact_alternative_name_in_any_script_and_spelling(
    index: CatalogIndex, catalog_settings: Settings
) -> None:
    culture = _iri(catalog_settings, "org/rik-moscow")
    top = find(index, "russian institute of culture", EN)[0]
    assert (top.iri, top.tier, top.pref) == (culture, EXACT, False)
    assert "other name" in top.why() and "Russian Institute of Culture" in top.why()
    almaty = find(index, "Алма-Ата", EN)[0]
    assert almaty.iri == _iri(catalog_settings, "place/almaty") and almaty.tier == EXACT
    # another transliteration of the Russian name: the loose forms meet
    kazakh = find(index, "Qazaqstan", EN)[0]
    assert kazakh.iri == _iri(catalog_settings, "place/kz")
    assert kazakh.tier == SPELLING and "spelt another way" in kazakh.why()


def test_misspelt_words_are_corrected(index: CatalogIndex, catalog_settings: Settings) -> None:
    found = find(index, "Rusian Institut of Culturolgy", EN)
    assert found and found[0].iri == _iri(catalog_settings, "org/rik-moscow")
    assert found[0].tier == FUZZY and "misspelt" in found[0].why()
    assert find(index, "zzzzqqqq", EN) == []


def test_type_filter_and_place_evidence(index: CatalogIndex, catalog_settings: Settings) -> None:
    cities = find(index, "Almaty", EN, type_iri=f"{MKG}City")
    assert [m.iri for m in cities] == [_iri(catalog_settings, "place/almaty")]
    programs = find(index, "Almaty", EN, type_iri=f"{MKG}Program")
    training = _iri(catalog_settings, "program/museums-in-a-changing-world-2005")
    assert training in [m.iri for m in programs]
    at_place = next(m for m in programs if m.iri == training)
    assert at_place.via is not None and "it is at Almaty" in at_place.why()


def test_name_keys_short_forms_and_acronyms() -> None:
    keys = name_keys("United States Agency for International Development (USAID) – Growth")
    assert ("usaid", "usaid", HOW_ACRONYM) in keys
    assert any(k[2] == HOW_SHORT and "usaid" not in k[0] for k in keys)
    assert short_form("Ministry of Culture (and Sports) of Uzbekistan") == (
        "Ministry of Culture of Uzbekistan"
    )
    assert is_acronym("ЮНЕСКО") and is_acronym("ICOM") and not is_acronym("Icom")
    assert name_keys("(x)") == [("x", "ks", 0)]  # nothing is left without it: the name


def test_a_name_followed_by_its_place(index: CatalogIndex, catalog_settings: Settings) -> None:
    # the institute's names do not mention Moscow; it is located there (mkg:location)
    found = find(index, "Russian Institute of Culturology Moscow", EN)
    assert found[0].iri == _iri(catalog_settings, "org/rik-moscow")
    assert found[0].tier == WORDS and "it is in Moscow" in found[0].why()
    # a place that is not where it is: no such match
    assert all(
        m.iri != _iri(catalog_settings, "org/rik-moscow") or m.tier == FUZZY
        for m in find(index, "Russian Institute of Culturology Almaty", EN)
    )
