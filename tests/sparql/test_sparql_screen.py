"""The query screen: tokens as the SPARQL grammar reads them; updates, SERVICE, size, depth."""

from __future__ import annotations

import pytest

from museumkg.sparql.screen import QueryRefused, QueryTooLarge, screen_query, tokenize
from museumkg.store import QuerySyntaxError


def screen(text: str, max_bytes: int = 10_000, max_depth: int = 8):  # type: ignore[no-untyped-def]
    return screen_query(text, max_bytes=max_bytes, max_depth=max_depth)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("prefix ex: <http://ex.org/> construct { ?s ?p ?o } where { ?s ?p ?o }", "CONSTRUCT"),
        ("BASE <http://ex.org/> ASK {}", "ASK"),
        ("DESCRIBE <http://ex.org/a>", "DESCRIBE"),
        ("# SELECT in a comment\nASK { ?s ?p 'SELECT' }", "ASK"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { { SELECT ?s ?p ?o { ?s ?p ?o } } }", "CONSTRUCT"),
        ("PREFIX select: <http://ex.org/> ASK { ?s select:x ?select }", "ASK"),
    ],
)
def test_the_query_form_is_the_first_form_keyword(text: str, form: str) -> None:
    assert screen(text).form == form


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://ex.org/a> <http://ex.org/p> 1 }",
        "insert data { <http://ex.org/a> <http://ex.org/p> 1 }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <http://ex.org/g>",
        "CREATE GRAPH <http://ex.org/g>",
        "COPY DEFAULT TO <http://ex.org/g>",
        "MOVE <http://ex.org/a> TO <http://ex.org/b>",
        "ADD <http://ex.org/a> TO <http://ex.org/b>",
        "WITH <http://ex.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        # a query followed by an update, and an update hidden after a string with a brace
        "ASK {} ; INSERT DATA { <http://ex.org/a> <http://ex.org/p> 1 }",
        'SELECT * { ?s ?p "}" } INSERT DATA {}',
    ],
)
def test_updates_are_refused(text: str) -> None:
    with pytest.raises(QueryRefused, match="read-only"):
        screen(text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { SERVICE <http://127.0.0.1:8080/sparql> { ?s ?p ?o } }",
        "SELECT * { service silent <http://localhost/> { ?s ?p ?o } }",
        "SELECT * { SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * { ?s ?p '''it's \"quoted\"''' . SERVICE <http://127.0.0.1/> {} }",
        "SELECT * {\n  ?s ?p ?o # comment\n  SERVICE<http://127.0.0.1/>{}\n}",
    ],
)
def test_service_is_refused_wherever_it_is(text: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        screen(text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { ?s ?p 'SERVICE <http://127.0.0.1/> {}' }",
        'SELECT * { ?s ?p """multi\nline INSERT DATA { } SERVICE""" }',
        "SELECT * { ?s <http://ex.org/SERVICE/INSERT> ?o }",
        "SELECT * { ?s ?p ?o } # SERVICE <http://127.0.0.1/> and INSERT DATA",
        "PREFIX load: <http://ex.org/> SELECT * { ?s load:drop ?service }",
        "SELECT ?insert ?delete $load { ?insert ?delete $load }",
        "SELECT * { ?s ?p 'it\\'s SERVICE' }",
        'SELECT * { ?s ?p "a \\" SERVICE \\" b" }',
        "SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
    ],
)
def test_keywords_in_strings_iris_comments_and_names_are_not_keywords(text: str) -> None:
    assert screen(text).form == "SELECT"


def test_tokens_keep_positions() -> None:
    tokens = tokenize("SELECT *\n  { ?s ex:p 'x' }")
    assert [(t.kind, t.text, t.line, t.column) for t in tokens] == [
        ("word", "SELECT", 1, 1),
        ("punct", "*", 1, 8),
        ("punct", "{", 2, 3),
        ("var", "?s", 2, 5),
        ("pname", "ex:p", 2, 8),
        ("string", "'x'", 2, 13),
        ("punct", "}", 2, 17),
    ]


def test_an_unclosed_string_is_a_syntax_error_with_its_position() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        screen('SELECT * {\n ?s ?p "open SERVICE <x> {} }')
    assert (caught.value.line, caught.value.column) == (2, 8)


def test_size_limit_counts_utf8_bytes() -> None:
    text = "ASK { ?s ?p 'Алматы' }"
    limit = len(text.encode("utf-8"))
    assert screen(text, max_bytes=limit).form == "ASK"
    with pytest.raises(QueryTooLarge, match=f"limit is {limit - 1}"):
        screen(text, max_bytes=limit - 1)


def test_nesting_depth_is_capped() -> None:
    ok = "ASK { " + "{ " * 7 + "}" * 8
    assert screen(ok, max_depth=8).depth == 8
    with pytest.raises(QueryRefused, match="deeper than 8"):
        screen("ASK { " + "{ " * 8 + "}" * 9, max_depth=8)
    # parentheses and brackets count too: deep expressions overflow the engine's stack
    with pytest.raises(QueryRefused, match="nests brackets"):
        screen("ASK { FILTER(" + "(" * 20 + "1" + ")" * 21 + " }", max_depth=8)
    # brackets in strings and IRIs do not count
    assert screen("ASK { ?s ?p '((((((((((((' }", max_depth=2).depth == 1


def test_from_is_seen_as_a_dataset_clause() -> None:
    assert screen("SELECT * FROM <http://ex.org/g> { ?s ?p ?o }").has_dataset_clause
    assert screen("SELECT * FROM NAMED <http://ex.org/g> { ?s ?p ?o }").has_dataset_clause
    assert not screen("SELECT * { ?s <http://ex.org/from> 'FROM' }").has_dataset_clause
