"""The Accept parser: q-values, wildcards, q=0, specificity, tie-breaks, malformed input."""

from __future__ import annotations

import pytest

from webapp.http.negotiation import (
    MediaRange,
    UnknownFormat,
    best_match,
    parse_accept,
    parse_media_range,
    pick_format,
)

HTML, JSON, TURTLE = "text/html", "application/json", "text/turtle"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "offered", "expected"),
    [
        # absent or empty header: anything goes, the server's first choice wins
        (None, [HTML, JSON], HTML),
        ("", [JSON, HTML], JSON),
        # q-values decide
        ("application/json;q=0.5, text/html", [JSON, HTML], HTML),
        ("text/html;q=0.2, application/json;q=0.9", [HTML, JSON], JSON),
        ("text/html;q=0.500, application/json;q=0.499", [JSON, HTML], HTML),
        # exact types
        ("application/json", [HTML, JSON], JSON),
        ("text/turtle", [HTML, JSON], None),
        # wildcards
        ("*/*", [HTML, JSON], HTML),
        ("text/*", [JSON, TURTLE, HTML], TURTLE),
        ("application/*", [HTML, JSON], JSON),
        ("*/*;q=0.1, application/json", [HTML, JSON], JSON),
        # real clients
        (BROWSER, [HTML, JSON], HTML),
        (BROWSER, [JSON, HTML], HTML),
        ("application/json, text/plain, */*", [HTML, JSON], JSON),
        ("text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2", [JSON, HTML], HTML),
    ],
)
def test_best_match(accept: str | None, offered: list[str], expected: str | None) -> None:
    assert best_match(accept, offered) == expected


def test_q_zero_means_not_acceptable() -> None:
    assert best_match("application/json;q=0", [JSON]) is None
    assert best_match("text/html;q=0, */*", [HTML, JSON]) == JSON
    assert best_match("*/*;q=0", [HTML, JSON]) is None
    assert best_match("text/*;q=0, */*;q=0.5", [HTML, JSON]) == JSON
    assert best_match("application/json;q=0.000", [JSON, HTML]) is None


def test_most_specific_range_sets_the_quality() -> None:
    # text/html is excluded by its own range even though text/* and */* accept it
    assert best_match("*/*, text/*;q=0.9, text/html;q=0", [HTML, TURTLE]) == TURTLE
    # the specific range lowers html below turtle, whatever the order in the header
    assert best_match("text/html;q=0.3, text/*;q=0.6", [HTML, TURTLE]) == TURTLE
    # a parameterised range is more specific than the bare type
    assert best_match("text/html;level=1;q=0, text/html", ["text/html;level=1", HTML]) == HTML


def test_ties_prefer_more_specific_match_then_offered_order() -> None:
    # both acceptable at q=1: the one named explicitly beats the one matched by */*
    assert best_match("*/*, application/json", [HTML, JSON]) == JSON
    # same quality, same specificity: the server's order decides
    assert best_match("text/html, application/json", [JSON, HTML]) == JSON
    assert best_match("text/html, application/json", [HTML, JSON]) == HTML


def test_parameters_must_match() -> None:
    assert best_match("text/html;level=1", [HTML]) is None
    assert best_match("text/html;level=1", ["text/html;level=1"]) == "text/html;level=1"
    assert best_match('text/html;level="1"', ["text/html; level=1"]) == "text/html; level=1"
    # the offer may carry parameters the client did not ask about
    assert best_match("text/turtle", ["text/turtle;charset=utf-8"]) == "text/turtle;charset=utf-8"


def test_case_and_whitespace_are_ignored() -> None:
    assert best_match("  APPLICATION/JSON ; Q=0.9 ,TEXT/HTML;q=0.1", [HTML, JSON]) == JSON
    assert best_match("application/json", ["Application/JSON"]) == "Application/JSON"


def test_returns_offer_exactly_as_given() -> None:
    offered = ["application/sparql-results+json", "text/csv"]
    assert best_match("text/csv", offered) == "text/csv"
    assert best_match("application/*", offered) == "application/sparql-results+json"


@pytest.mark.parametrize(
    "header",
    [
        ",,,",
        ";;",
        "garbage",
        "text/",
        "/html",
        "*/html",
        "text/html;q=",
        "text/html;q=abc",
        "text/html;q=1.5",
        "text/html;q=-1",
        "text/html;q=nan",
        "text/html;q=inf",
        "text/html;=x",
        "text/html;level",
        'text/html;a="unterminated',
        "text/h tml",
        "\x00\x01",
        "ü/ö",
        "a" * 10_000,
        "text/html;" * 1000,
    ],
)
def test_malformed_headers_do_not_crash(header: str) -> None:
    result = best_match(header, [HTML, JSON])
    assert result in (HTML, JSON, None)


def test_malformed_elements_are_skipped_and_the_rest_used() -> None:
    assert best_match("text/html;q=abc, application/json", [HTML, JSON]) == JSON
    assert best_match("nonsense, application/json;q=0.5, */html", [HTML, JSON]) == JSON
    # nothing usable at all: treated as no header
    assert best_match("nonsense", [HTML, JSON]) == HTML


def test_quoted_commas_do_not_split() -> None:
    ranges = parse_accept('text/html;foo="a,b;c";q=0.4, application/json')
    assert [(r.subtype, r.params, r.q) for r in ranges] == [
        ("html", (("foo", "a,b;c"),), 0.4),
        ("json", (), 1.0),
    ]


def test_parse_media_range_details() -> None:
    assert parse_media_range("*") == MediaRange("*", "*")
    assert parse_media_range("text/html;q=0.5;ext=1") == MediaRange("text", "html", (), 0.5)
    assert parse_media_range("text/html;charset=UTF-8") == MediaRange(
        "text", "html", (("charset", "UTF-8"),)
    )
    assert MediaRange("text", "*").specificity < MediaRange("text", "html").specificity
    assert MediaRange("*", "*").specificity < MediaRange("text", "*").specificity


def test_offers_that_do_not_parse_are_skipped() -> None:
    assert best_match("*/*", ["not a type", JSON]) == JSON
    assert best_match("*/*", []) is None


def test_pick_format() -> None:
    formats = ["html", "json"]
    assert pick_format(None, None, formats) == "html"
    assert pick_format(JSON, None, formats) == "json"
    assert pick_format(HTML, "JSON", formats) == "json"
    assert pick_format("image/png", None, formats) is None
    with pytest.raises(UnknownFormat, match="html, json"):
        pick_format(None, "xml", formats)
