"""A Dask cluster on 127.0.0.1 for the tests and the cluster benchmark: a scheduler and
workers started as an administrator would (`dask scheduler`, `dask worker`), and stopped."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT
from tests.test_browser import free_port


class ClusterStartError(RuntimeError):
    """The scheduler or its workers did not come up; the message holds their logs."""


def dask_command(*args: str, log: Path, cwd: Path = ROOT, project: bool = True) -> subprocess.Popen:
    """`dask ...`; a worker with ``project`` runs from the project folder (it imports simulator)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    if project:
        env["PYTHONPATH"] = str(ROOT)
    with open(log, "w") as handle:
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "dask"), *args],
            cwd=cwd,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@contextlib.contextmanager
def local_cluster(logs: Path, workers: int, project: bool = True) -> Iterator[str]:
    """tcp://127.0.0.1:PORT of a scheduler with ``workers`` one-thread workers, stopped afterwards."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler_flags = ["--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]
    worker_flags = ["--nworkers", str(workers), "--nthreads", "1", "--no-dashboard", "--memory-limit", "0"]
    processes = [
        dask_command("scheduler", *scheduler_flags, log=logs / "scheduler.log"),
        dask_command("worker", address, *worker_flags, log=logs / "worker.log", cwd=logs, project=project),
    ]
    try:
        from distributed import Client

        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout=5, set_as_default=False) as client:
                    if sum(client.nthreads().values()) == workers:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                logged = "\n".join(f.read_text() for f in logs.glob("*.log"))
                raise ClusterStartError(f"the Dask cluster did not start:\n{logged}")
            time.sleep(0.5)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
