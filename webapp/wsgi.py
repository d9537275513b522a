"""The WSGI entry point for production servers.

    museumkg serve                               # builds if needed, then serves (granian)
    granian --interface wsgi webapp.wsgi:app     # or any WSGI server (waitress-serve ...)
    gunicorn 'webapp.wsgi:app'

Settings come from ``MUSEUMKG_*`` environment variables; the catalog must have been built.
"""

from __future__ import annotations

from webapp import create_app

app = create_app()
