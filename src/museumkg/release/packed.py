"""Reproducible gzip files, and the size and SHA-256 of what they hold.

A release keeps its dumps on disk gzip-compressed only (``museumkg.ttl.gz``, ...); the web app
sends the compressed bytes to clients that accept ``Content-Encoding: gzip`` and decompresses
them on the fly for the others, so a plain file's size and checksum are those of the content
the compressed file holds. :func:`packed_writer` writes a dump through gzip and reports both
while it writes; :func:`pack_file` compresses a file already written.

The bytes are reproducible: no file name, modification time 0, the fixed level
:data:`GZIP_LEVEL`.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

#: gzip level of the release's dumps (6, zlib's default: most of 9's size at twice its speed).
GZIP_LEVEL = 6
#: The buffer between a writer and the compressor: one Python call per MiB, not per write.
BUFFER = 1 << 20


@dataclass(frozen=True)
class Content:
    """What a compressed file holds, uncompressed: its size in bytes and its SHA-256."""

    size: int
    sha256: str


def gzip_writer(raw: IO[bytes], level: int = 9) -> IO[bytes]:
    """A gzip stream into ``raw``, reproducible: the same content always gives the same bytes
    (mtime 0, no file name)."""
    # GzipFile is a binary file object; typeshed does not declare it an IO[bytes]
    packed = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=level)
    return cast(IO[bytes], packed)


@dataclass(frozen=True)
class Dumped:
    """A dump written compressed: its statement count and what the compressed file holds."""

    statements: int
    content: Content


class _Digesting(io.RawIOBase):
    """A writable raw stream: counts and hashes the bytes, then hands them to ``target``."""

    def __init__(self, target: IO[bytes]) -> None:
        self._target = target
        self._digest = hashlib.sha256()
        self._size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer) -> int:
        view = memoryview(data)
        self._digest.update(view)
        self._target.write(view)
        self._size += view.nbytes
        return view.nbytes

    def content(self) -> Content:
        return Content(self._size, self._digest.hexdigest())


class PackedFile:
    """The handle :func:`packed_writer` gives: ``output`` to write to, then :meth:`content`."""

    def __init__(self, raw: _Digesting) -> None:
        self._raw = raw
        # a buffered writer: serializers and the JSON-LD writer write small pieces
        self.output = cast(IO[bytes], io.BufferedWriter(raw, buffer_size=BUFFER))

    def content(self) -> Content:
        """The size and SHA-256 of what was written (read once the ``with`` block is left)."""
        return self._raw.content()


@contextmanager
def packed_writer(path: Path) -> Iterator[PackedFile]:
    """Write ``path`` gzip-compressed (reproducibly, at :data:`GZIP_LEVEL`) through the
    handle's ``output``; the handle's :meth:`~PackedFile.content` tells what it holds."""
    with path.open("wb") as raw, gzip_writer(raw, GZIP_LEVEL) as packed:
        handle = PackedFile(_Digesting(packed))
        try:
            yield handle
        finally:
            handle.output.flush()


def pack_file(source: Path, target: Path) -> Content:
    """Compress ``source`` into ``target`` (as :func:`packed_writer`); what it holds."""
    with source.open("rb") as data, packed_writer(target) as handle:
        shutil.copyfileobj(data, handle.output, BUFFER)
    return handle.content()
