"""How long the disk takes to flush, measured beside a load test: a tail in the service's
latency that is the disk's own shows here too.

With PostgreSQL's production durability every write a family makes waits for its WAL to be
flushed (fdatasync), so one slow flush holds every worker that is writing. This probe writes
8 KB and flushes it every 10 ms, in a process of its own (about 1 % of a core), and when told
to stop (SIGTERM) prints how many flushes it made, the slowest, and how many took over 50 and
100 ms. Run it on the filesystem that holds the database's WAL (the benchmarks' clusters live
under /tmp, as its files do).

  python benchmarks/disk_flush_probe.py [FOLDER]     # stop it with SIGTERM or Ctrl-C
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

INTERVAL_SECONDS = 0.01
BLOCK = b"\0" * 8192


def probe(folder: str) -> dict[str, Any]:
    stopping = False

    def stop(_signal: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    flushes: list[float] = []
    with tempfile.NamedTemporaryFile(dir=folder, prefix="sip-flush-probe-") as target:
        descriptor = target.fileno()
        while not stopping:
            os.pwrite(descriptor, BLOCK, (len(flushes) % 128) * len(BLOCK))
            started = time.perf_counter()
            os.fdatasync(descriptor)
            flushes.append(time.perf_counter() - started)
            time.sleep(INTERVAL_SECONDS)
    flushes.sort()
    return {
        "flushes": len(flushes),
        "median_ms": round(statistics.median(flushes) * 1000, 2) if flushes else None,
        "slowest_ms": round(flushes[-1] * 1000, 1) if flushes else None,
        "over_50_ms": sum(flush > 0.05 for flush in flushes),
        "over_100_ms": sum(flush > 0.1 for flush in flushes),
    }


@contextmanager
def disk_flushes(folder: str | None = None) -> Iterator[dict[str, Any]]:
    """Probe the disk while the block runs; the dict it yields is filled in when it ends."""
    found: dict[str, Any] = {}
    process = subprocess.Popen(
        [sys.executable, __file__, folder or tempfile.gettempdir()],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield found
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
        found.update(json.loads(output) if output.strip() else {"error": "no report"})


if __name__ == "__main__":
    where = sys.argv[1] if len(sys.argv) > 1 else tempfile.gettempdir()
    print(json.dumps(probe(where)))
