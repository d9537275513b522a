"""Blueprint ``/rules/``: the derivation rules, so an inferred fact can name what made it.

- ``/rules/``: every rule of ``ontology/rules/`` (name, summary) and the metrics build step.
- ``/rules/<name>``: one rule's header (what it derives, why) and its SPARQL text, as HTML;
  ``text/plain`` (``Accept``, ``?format=text`` or ``/rules/<name>.rq``) gives the file itself;
  ``?format=json`` the same as data.

A rule's IRI is ``{base}rule/<name>`` (what ``mkg:derivedByRule`` names; see
:mod:`webapp.http.links`). Names are looked up in the listing of the rules folder
(:func:`museumkg.network.rules.load_rules`); no part of the URL is ever used as a path.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import NotFound

from museumkg.network.rules import Rule, load_rules, rule_header, rule_iri
from webapp.http.state import web_state
from webapp.http.twins import request_format

bp = Blueprint("rules", __name__)

FORMATS = ("html", "json", "text")


def _rules() -> dict[str, Rule]:
    folder = web_state().settings.ontology_dir / "rules"
    return {rule.name: rule for rule in load_rules(folder)} if folder.is_dir() else {}


def _describe(rule: Rule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "iri": rule_iri(web_state().settings.base_iri, rule.name),
        "file": rule.path.name,
        "summary": rule.summary,
        "header": [{"key": k, "value": v} for k, v in rule_header(rule.text)],
        "href": f"{request.script_root}/rules/{rule.name}",
    }


def _answer(formats: tuple[str, ...], template: str, data: dict[str, Any], text: str) -> Response:
    fmt = request_format(formats)
    if fmt == "json":
        response = jsonify({"ok": True, **data})
    elif fmt == "text":
        response = Response(text, mimetype="text/plain")
    else:
        response = Response(render_template(template, data=data), mimetype="text/html")
    if not request.args.get("format"):
        response.vary.add("Accept")
    return response


@bp.get("/rules/")
def index() -> Response:
    """Every rule with its summary, and the build step that computes the network metrics."""
    rules = [_describe(rule) for rule in _rules().values()]
    text = "".join(f"{r['name']}\t{r['file']}\t{r['summary']}\n" for r in rules)
    return _answer(FORMATS, "rules.html", {"rules": rules}, text)


@bp.get("/rules/<name>")
def rule(name: str) -> Response:
    """One rule: header and text (HTML, JSON, or the file as ``text/plain``)."""
    as_file = name.endswith(".rq")
    found = _rules().get(name[: -len(".rq")] if as_file else name)
    if found is None:
        raise NotFound(f"no derivation rule named {name!r}; the rules are listed at /rules/")
    if as_file:
        return Response(found.text, mimetype="text/plain")
    data = {**_describe(found), "text": found.text}
    return _answer(FORMATS, "rule.html", data, found.text)
