"""HTTP authentication for remote stores: Basic, and Digest that can authorize a large body
up front (Virtuoso's Graph Store answers 401 before reading one, and closes the connection)."""

from __future__ import annotations

import urllib.request
from typing import Any


def passwords(
    urls: tuple[str, ...], user: str | None, password: str | None
) -> urllib.request.HTTPPasswordMgr:
    """The credentials, given for ``urls`` (and every URL under them)."""
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    if user:
        passwords.add_password(None, urls, user, password or "")
    return passwords


class DigestHandler(urllib.request.HTTPDigestAuthHandler):
    """Digest authentication that remembers the server's challenge, so that a large body can
    carry its ``Authorization`` from the first request: a server that answers 401 before
    reading a large body closes the connection and the body never arrives (Virtuoso does;
    curl avoids it the same way, by asking first with no body)."""

    challenge: dict[str, str] | None = None

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str) -> Any:
        _scheme, challenge = auth.split(" ", 1)
        items = urllib.request.parse_http_list(challenge)
        self.challenge = urllib.request.parse_keqv_list([item for item in items if item])
        return super().retry_http_digest_auth(req, auth)

    def authorize(self, request: urllib.request.Request) -> bool:
        """Add a Digest ``Authorization`` to ``request`` from the last challenge, if any."""
        if not self.challenge:
            return False
        value = self.get_authorization(request, self.challenge)
        if not value:
            return False
        request.add_unredirected_header(self.auth_header, f"Digest {value}")
        return True


def opener(
    digest: DigestHandler, urls: tuple[str, ...], user: str | None, password: str | None
) -> urllib.request.OpenerDirector:
    """An HTTP opener that answers Basic or Digest challenges (Virtuoso uses Digest)."""
    if not user:
        return urllib.request.build_opener()
    return urllib.request.build_opener(
        urllib.request.HTTPBasicAuthHandler(passwords(urls, user, password)), digest
    )
