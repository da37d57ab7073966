"""Processes and their memory, read from /proc (Linux): what the benchmarks report."""

from __future__ import annotations

import os
from pathlib import Path


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def workers_of(pid: int) -> tuple[list[int], list[int]]:
    """The pool's workers (forked by the forkserver, a child of ``pid``) and every process
    below ``pid`` (forkserver, resource tracker, workers)."""
    helpers = children(pid)
    workers = [worker for helper in helpers for worker in children(helper)]
    return workers, helpers + workers


def rss_mib(pid: int) -> float:
    """Resident memory of one process in MiB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
