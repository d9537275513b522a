"""A stopped build cleans up after itself: SIGTERM becomes ``SystemExit`` in the commands that
write a store (build, load, import, ingest), so their ``except BaseException`` / ``finally``
blocks remove the half-built ``stores/.building-*`` folder, as Ctrl-C already did. Python's
default for SIGTERM ends the process at once, leaving the folder (several GB at 10^7) until
the next build's clean-up.
"""

from __future__ import annotations

import signal
from types import FrameType

#: The subcommands that build a store folder.
WRITING_COMMANDS = frozenset({"build", "load", "import", "ingest-catalog-sources"})


def _exit(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def exit_on_sigterm(command: str | None) -> None:
    """Make SIGTERM unwind (exit status 143) when ``command`` writes a store; else leave it."""
    if command in WRITING_COMMANDS:
        signal.signal(signal.SIGTERM, _exit)
