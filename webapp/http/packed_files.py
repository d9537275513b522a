"""A file kept gzip-compressed on disk, sent as its plain content.

A release keeps its dumps only compressed (``museumkg.ttl.gz``); ``museumkg.ttl`` is still a
URL. :func:`send_packed` answers it with the content's media type, one of two ways:

- the client accepts gzip (``Accept-Encoding``): the compressed file as it is on disk, with
  ``Content-Encoding: gzip`` (sent by :func:`flask.send_file`: ranges are byte ranges of the
  compressed bytes, as HTTP defines them for an encoded representation); its ``ETag`` is the
  compressed file's SHA-256;
- otherwise (no ``Accept-Encoding``, as ``curl`` without ``--compressed``): decompressed on the
  fly, a block at a time (memory stays bounded whatever the file's size), with the content's
  size as ``Content-Length`` and its SHA-256 as ``ETag``; a range request is answered by
  decompressing up to its first byte (forward seeking in the gzip stream), then sending the
  range.

Both carry ``Vary: Accept-Encoding`` (a cache keeps the two apart), ``Last-Modified`` (the
compressed file's time) and answer conditional requests (``If-None-Match``,
``If-Modified-Since``, ``If-Range``) with ``304``/``200``.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, cast

from flask import Response, request, send_file
from werkzeug.wsgi import wrap_file

#: Bytes decompressed per block sent.
BLOCK = 1 << 16


@dataclass(frozen=True)
class PackedFile:
    """A compressed file and what it holds.

    Attributes:
        path: the gzip file on disk.
        sha256: the compressed file's SHA-256 (the gzip-encoded answer's ETag).
        content_size: the size of the content, uncompressed.
        content_sha256: its SHA-256 (the decompressed answer's ETag).
        media_type: the content's media type.
    """

    path: Path
    sha256: str
    content_size: int
    content_sha256: str
    media_type: str


def accepts_gzip() -> bool:
    """Whether the request's ``Accept-Encoding`` takes gzip (an absent header does not: a
    client that sends none expects the bytes as they are)."""
    if "Accept-Encoding" not in request.headers:
        return False
    return request.accept_encodings["gzip"] > 0


def send_packed(packed: PackedFile, download_name: str, max_age: int) -> Response:
    """The content of ``packed``, gzip-encoded or decompressed on the fly (module docstring),
    as an attachment named ``download_name``."""
    if accepts_gzip():
        response = send_file(
            packed.path,
            mimetype=packed.media_type,
            as_attachment=True,
            download_name=download_name,
            etag=packed.sha256,
            conditional=True,
            max_age=max_age,
        )
        if response.status_code != 304:  # a 304 has no body, hence no encoding
            response.content_encoding = "gzip"
    else:
        response = _decompressed(packed, download_name, max_age)
    response.vary.add("Accept-Encoding")
    return response


def _decompressed(packed: PackedFile, download_name: str, max_age: int) -> Response:
    # closed by the response (its file wrapper); GzipFile is a binary file object, which
    # typeshed does not declare an IO[bytes]
    stream = cast(IO[bytes], gzip.GzipFile(packed.path, "rb"))
    body = wrap_file(request.environ, stream, BLOCK)
    response = Response(body, mimetype=packed.media_type, direct_passthrough=True)
    response.content_length = packed.content_size
    response.headers.set("Content-Disposition", "attachment", filename=download_name)
    response.set_etag(packed.content_sha256)
    modified = packed.path.stat().st_mtime
    response.last_modified = datetime.fromtimestamp(int(modified), UTC)
    response.cache_control.no_cache = None
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.make_conditional(
        request.environ, accept_ranges=True, complete_length=packed.content_size
    )
    if response.status_code == 304:
        stream.close()
    return response
