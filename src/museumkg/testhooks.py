"""Test hooks: named pause points, so a test can kill a process at a known step.

Set ``MUSEUMKG_PAUSE_AT`` to one or more step names (comma-separated). When the process reaches
such a step it writes ``museumkg: paused at <step> (pid N)`` to stderr and sleeps
``MUSEUMKG_PAUSE_SECONDS`` (default 600). Tests wait for that line, then send SIGKILL, which makes
the crash window exact instead of a race. The steps:

- ``import:staged``: an import has copied the data and written its journal, nothing is built;
- ``build:before-landing``: a build has loaded, derived and indexed the new store in its work
  folder, and not yet moved it into place (during an import: the store is about to land);
- ``import:landed``: the new store serves; the imported files are not yet in ``data/``.

Unset (always, outside tests) the hooks do nothing.
"""

from __future__ import annotations

import os
import sys
import time

PAUSE_AT = "MUSEUMKG_PAUSE_AT"
PAUSE_SECONDS = "MUSEUMKG_PAUSE_SECONDS"


def pause_point(step: str) -> None:
    """Pause here when ``MUSEUMKG_PAUSE_AT`` names ``step``; otherwise return at once.

    >>> pause_point("import:staged")  # not requested: returns immediately
    """
    wanted = os.environ.get(PAUSE_AT, "")
    if not wanted or step not in {name.strip() for name in wanted.split(",")}:
        return
    print(f"museumkg: paused at {step} (pid {os.getpid()})", file=sys.stderr, flush=True)
    time.sleep(float(os.environ.get(PAUSE_SECONDS, "600")))
