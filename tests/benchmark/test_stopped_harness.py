"""A benchmark stopped by SIGTERM stops its measured child and waits for it.

``python -m bench`` and ``python -m bench.backends`` turn SIGTERM into ``SystemExit``; the
``museumkg load`` they were measuring (10^6-10^7 triples: minutes, GBs) used to go on running
after them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from testing.servers import PROJECT_DIR

HARNESS = """
import signal, sys
from bench.build_load import run_measured
signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
child = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(600)"
run_measured([sys.executable, "-c", child, sys.argv[1]], None, 600)
"""


def test_sigterm_stops_the_measured_child_first(tmp_path: Path) -> None:
    fifo = tmp_path / "child-pid"
    os.mkfifo(fifo)
    harness = subprocess.Popen([sys.executable, "-c", HARNESS, str(fifo)], cwd=PROJECT_DIR)
    try:
        with fifo.open(encoding="ascii") as pipe:  # opens once the child is running
            child = int(pipe.read())
        harness.send_signal(signal.SIGTERM)
        assert harness.wait(timeout=60) == 128 + signal.SIGTERM
    finally:
        harness.kill()
        harness.wait()
    try:
        os.kill(child, 0)
    except ProcessLookupError:
        return  # stopped, and reaped by the harness
    os.kill(child, signal.SIGKILL)
    raise AssertionError(f"the measured child {child} outlived the stopped harness")
