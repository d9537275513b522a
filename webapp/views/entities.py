"""Blueprint ``/id/<kind>/<slug>``: every entity IRI resolves here, on any host and port.

The request path maps to the IRI ``{base}id/<kind>/<slug>``. Browsers get the entity page;
clients get its bounded description as Turtle, JSON-LD, N-Triples or RDF/XML (see
:mod:`webapp.http.rdf_twins` for the negotiation pattern), or the page's data as JSON. An unknown
IRI gets a 404 that suggests close identifiers and names.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import BadRequest

from museumkg.index.search import did_you_mean
from museumkg.iris import KINDS, entity_prefix, is_slug
from museumkg.namespaces import MKG
from museumkg.pages.describe import bounded_description, serialize
from museumkg.pages.entity import entity_page
from museumkg.pages.shapes import EntityPage
from museumkg.pages.sources import source_facts
from webapp.http.errors import error_response
from webapp.http.i18n import request_chain, t
from webapp.http.links import href
from webapp.http.rdf_twins import RESOURCE_FORMATS, choose_format, finish, media_type, split_suffix
from webapp.http.state import web_state
from webapp.views.map import small_map
from webapp.views.network import partner_panel

bp = Blueprint("entities", __name__)

#: An institution's partners the HTML page lists (strongest first); ``?partners=all`` lists all.
PANEL_SIZE = 50
PARTNER_OF = f"{MKG}partnerOf"

#: Longest paging cursor accepted (a cursor is one or three IRIs).
MAX_CURSOR = 6000


def _cursor(name: str) -> str:
    value = request.args.get(name, "")
    if len(value) > MAX_CURSOR:
        raise BadRequest(f"the {name!r} parameter is too long")
    return value


def not_found(kind: str, slug: str) -> Response:
    """The 404 for an unknown entity, with close identifiers and names as suggestions."""
    suggestions = []
    # only for identifiers that could have been ours (a typo), not for arbitrary text
    if kind.isalpha() and len(kind) <= 40 and len(slug) <= 300 and is_slug(slug.lower()):
        for hit in did_you_mean(web_state().index(), kind, slug, request_chain()):
            suggestions.append(
                {"message": hit["label"], "iri": hit["iri"], "href": href(hit["iri"])}
            )
    message = f"The catalog has no entity {kind}/{slug}."
    if suggestions:
        message += " Did you mean one of these?"
    return error_response(404, message, suggestions)


def _cite(page: EntityPage) -> str:
    state = web_state()
    manifest = state.manifest()
    version = t("cite_version", version=manifest.version) if manifest else ""
    return t(
        "cite_text",
        label=page["label"],
        title=state.settings.dataset_title,
        version=version,
        iri=page["iri"],
        date=date.today().isoformat(),
    )


def _page(kind: str, iri: str, fmt: str) -> EntityPage | None:
    html = fmt != "json"
    state = web_state()
    chain = request_chain()
    index = web_state().index()
    try:
        page = entity_page(
            state.store,
            index,
            state.settings,
            iri,
            chain,
            after=_cursor("after"),
            # the HTML page of an institution shows its partners in the partners panel: the
            # partnership nodes (JSON only) and the mkg:partnerOf values are not read for it
            with_partners=not html,
            elsewhere=PARTNER_OF if html and kind == "org" else None,
        )
        if page is not None and kind == "source":
            vocab = state.vocabulary()
            page["facts"] = source_facts(
                state.store, index, iri, vocab, chain, after=_cursor("facts_after")
            )
    except ValueError as err:  # a malformed paging cursor
        raise BadRequest(f"{err}: follow the page links rather than editing them") from err
    if page is not None:
        page["cite"] = _cite(page)
    return page


@bp.get("/id/<kind>/<path:slug>")
def entity(kind: str, slug: str) -> Response:
    """The entity page or one of its data twins."""
    slug, suffix = split_suffix(slug)
    if kind not in KINDS or not is_slug(slug):
        return not_found(kind, slug)
    state = web_state()
    iri = f"{entity_prefix(state.settings.base_iri)}{kind}/{slug}"
    path = f"{request.script_root}/id/{kind}/{slug}"
    fmt, negotiated = choose_format(RESOURCE_FORMATS, suffix)
    if fmt in ("ttl", "jsonld", "nt", "rdf"):
        triples = bounded_description(state.store, iri)
        if not triples:
            return not_found(kind, slug)
        body = serialize(
            triples,
            fmt,
            base_iri=state.settings.base_iri,
            context_path=state.settings.ontology_dir / "context.jsonld",
        )
        response = Response(body, content_type=media_type(fmt))
    else:
        page = _page(kind, iri, fmt)
        if page is None:
            return not_found(kind, slug)
        # an institution's partners: the network's panel (partners, evidence, why pages)
        panel = None
        if kind == "org":
            everyone = fmt == "json" or request.args.get("partners") == "all"
            panel = partner_panel(iri, request_chain(), limit=None if everyone else PANEL_SIZE)
        # a place or an institution: where it is, and for a place what is there
        where = small_map(iri, request_chain()) if kind in ("org", "place") else None
        if fmt == "json":
            response = jsonify({"ok": True, **page, "partner_panel": panel, "map": where})
        else:
            html = render_template(
                [f"entity-{kind}.html", "entity.html"],
                data=page,
                path=path,
                kind=kind,
                partner_panel=panel,
                small_map=where,
            )
            response = Response(html, content_type=media_type("html"))
    return finish(response, path, fmt, negotiated, RESOURCE_FORMATS)
