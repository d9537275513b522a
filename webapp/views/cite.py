"""Blueprint ``/sparql/cite``: a query answer pinned to a release, with its checksum and
how to cite it.

``GET /sparql/cite?query=...`` redirects to the same page of the current release
(``/r/<release>/sparql/cite?query=...``): a citation always names its release. The pinned page
runs the query on that release and shows the query, the release, the answer's checksum (SHA-256
of its canonical form, :mod:`museumkg.sparql.canonical`), its size and when it was computed;
"cite this" in BibTeX, RIS and CSL-JSON (:mod:`museumkg.release.citation`); and links that run
it again, on this release or on the latest, and say whether the answer is unchanged
(``&checksum=`` is the one to compare with). ``?format=json`` is its twin; ``?format=bibtex``,
``ris`` and ``csl`` give one citation as a file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, request
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.wrappers import Response as WerkzeugResponse

from museumkg.release.citation import Citation
from museumkg.sparql.canonical import canonical_graph, canonical_solutions, checksum
from museumkg.sparql.results import SOLUTIONS, result_kind
from museumkg.sparql.screen import screen_query
from museumkg.sparql.workers import QueryJob
from webapp.http.releases import latest_root, pinned_release
from webapp.http.state import Snapshot, web_state
from webapp.http.twins import render_twin
from webapp.views import sparql

bp = Blueprint("cite", __name__)
for _error, _handler in sparql.ERROR_HANDLERS:
    bp.register_error_handler(_error, _handler)

#: ``?format=`` values that give one citation as a file: media type, file extension.
CITATION_FILES = {
    "bibtex": ("application/x-bibtex", "bib"),
    "ris": ("application/x-research-info-systems", "ris"),
    "csl": ("application/vnd.citationstyles.csl+json", "json"),
}


def _page_url(root: str, query: str, expected: str | None = None) -> str:
    params = {"query": query, **({"checksum": expected} if expected else {})}
    return f"{root}/sparql/cite?{urlencode(params)}"


def _answer(state: Snapshot, query: str) -> dict[str, Any]:
    """Run ``query`` on the release; its canonical checksum, size and time."""
    settings = state.settings
    screened = screen_query(
        query, max_bytes=settings.max_query_bytes, max_depth=settings.max_query_depth
    )
    kind = result_kind(screened.form)
    job = QueryJob(
        query=query,
        kind=kind,
        format="json" if kind == SOLUTIONS else "nt",
        timeout_s=settings.query_timeout_s,
        max_rows=settings.max_rows,
        union_default_graph=not screened.has_dataset_clause,
        base_iri=sparql.endpoint_iri(),
    )
    at = datetime.now(UTC).replace(microsecond=0)
    answer = state.executor().execute(job)
    canonical = (canonical_solutions if kind == SOLUTIONS else canonical_graph)(answer.body)
    return {
        "form": screened.form,
        "checksum": checksum(canonical),
        "rows": answer.rows,
        "truncated": answer.truncated,
        "computed_at": at.isoformat(),
        "seconds": round(answer.seconds, 3),
    }


@bp.get("/sparql/cite")
def page() -> WerkzeugResponse:  # a redirect is werkzeug's Response
    """The pinned query page (see the module docstring)."""
    query = request.args.get("query", "")
    if not query.strip():
        raise BadRequest("give the query to cite: /sparql/cite?query=...")
    state = web_state()
    if not state.is_release:
        raise NotFound("this server's store is not a built release: there is nothing to cite")
    if pinned_release() is None:
        target = f"{request.script_root}/r/{state.release}/sparql/cite"
        return redirect(f"{target}?{request.query_string.decode('latin-1')}", code=303)
    answer = _answer(state, query)
    expected = request.args.get("checksum", "").strip().lower() or None
    manifest = state.manifest()
    host = request.host_url.rstrip("/")
    note = f"SHA-256 of the canonical answer: {answer['checksum']}; {answer['rows']} rows"
    if answer["truncated"]:
        note += f" (cut at {state.settings.max_rows:,})"
    citation = Citation(
        title=f"Result of a SPARQL query on {state.settings.dataset_title}",
        release=state.release,
        issued=manifest.built_at if manifest else answer["computed_at"],
        url=host + _page_url(request.script_root, query),
        accessed=answer["computed_at"][:10],
        note=note,
        key_suffix=answer["checksum"][:8],
    )
    wanted = request.args.get("format", "").strip().lower()
    if wanted in CITATION_FILES:
        media, extension = CITATION_FILES[wanted]
        response = Response(citation.formats()[wanted], mimetype=media)
        name = f"{citation.key}.{extension}"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    editor = f"{request.script_root}/sparql?{urlencode({'query': query})}"
    data = {
        "ok": True,
        "query": query,
        "release": state.release,
        "release_url": f"{request.script_root}/",
        **answer,
        "compared_with": expected,
        "unchanged": (expected == answer["checksum"]) if expected else None,
        "canonical_form": "sorted rows, see museumkg.sparql.canonical (docs/releases.md)",
        "citation": {"text": citation.text(), **citation.formats()},
        "links": {
            "this_release": _page_url(request.script_root, query),
            "rerun_this_release": _page_url(request.script_root, query, answer["checksum"]),
            "rerun_latest": _page_url(latest_root(), query, answer["checksum"]),
            "editor": editor,
            **{
                name: _page_url(request.script_root, query) + f"&format={name}"
                for name in CITATION_FILES
            },
        },
    }
    return render_twin(["html", "json"], "cite.html", data)
