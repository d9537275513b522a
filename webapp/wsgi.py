"""The WSGI entry point for production servers.

    museumkg serve                               # builds if needed, then serves (waitress)
    waitress-serve --call webapp:create_app      # or: waitress-serve webapp.wsgi:app
    gunicorn 'webapp.wsgi:app'

Settings come from ``MUSEUMKG_*`` environment variables; the catalog must have been built.
"""

from __future__ import annotations

from webapp import create_app

app = create_app()
