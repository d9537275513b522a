"""Headers a browser expects on every answer: no MIME sniffing, and on HTML pages a
Content-Security-Policy that runs only the app's own scripts and styles, a Referrer-Policy and
``frame-ancestors``.

The policy is one constant, :data:`CONTENT_SECURITY_POLICY`: scripts, styles and
connections from this origin only (no inline script or style: templates pass data to scripts as
``<script type="application/json">`` and style with classes; two fixed stylesheets of YASGUI
are allowed by hash), images and fonts from this origin
and ``data:``; no plugins, no ``<base>``, forms post here, and pages are framed only by this origin.
The reconciliation preview card (``/reconcile/preview``) is made to be framed by OpenRefine, on
another origin: only its ``frame-ancestors`` differs.
"""

from __future__ import annotations

from flask import Flask, Response, request

#: The two fixed stylesheets YASGUI's table column resizer (yasgui.min.js, 4.6) adds as
#: ``<style>`` elements: allowed by their SHA-256, exactly these texts and nothing else inline.
#: The editor's browser test fails on a YASGUI whose styles differ.
YASGUI_STYLES = (
    "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='",  # .grip-resizable ... rules
    "'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='",  # *{cursor:col-resize!important}
)
CONTENT_SECURITY_POLICY = (
    f"default-src 'self'; script-src 'self'; style-src 'self' {' '.join(YASGUI_STYLES)}; "
    "img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)
#: Pages other sites may frame (OpenRefine shows the preview card in an iframe).
FRAMED_ANYWHERE = frozenset({"reconcile.preview_card"})
REFERRER_POLICY = "strict-origin-when-cross-origin"


def secure_headers(response: Response) -> Response:
    """``after_request``: ``nosniff`` on every answer; CSP and Referrer-Policy on HTML."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.mimetype == "text/html":
        policy = CONTENT_SECURITY_POLICY
        if request.endpoint in FRAMED_ANYWHERE:
            policy = policy.replace("frame-ancestors 'self'", "frame-ancestors *")
        response.headers["Content-Security-Policy"] = policy
        response.headers["Referrer-Policy"] = REFERRER_POLICY
    return response


def init_app(app: Flask) -> None:
    """Install the hook."""
    app.after_request(secure_headers)
