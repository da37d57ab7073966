"""Replications on a Dask distributed cluster: ``sweep`` and ``sensitivity`` with
``--scheduler tcp://HOST:PORT``.

Without it, replications run in this machine's worker processes (``simulator.pool``) and no
cluster is needed. With it, the same chunks of replications (``experiment._chunks``: a few
per worker thread, so many workers stay busy) go to the cluster's workers, and the results
come back to this process chunk by chunk, with progress, and are summarised here. Replication
k of a scenario draws the same random numbers on any machine (``SeedSequence(seed)`` -> k),
so the tables equal a local run's with the same seed.

The workers run this project's code: each must be able to import ``simulator`` at the same
version (start ``dask worker`` in the project folder, or with it on PYTHONPATH).
``connect`` checks that before anything runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distributed import Client


CONNECT_SECONDS = 10.0  # a scheduler that does not answer within this is unreachable
SCHEMES = ("tcp://", "tls://", "inproc://")


class ClusterError(ValueError):
    """No cluster to run on: the message names --scheduler and says why."""


def _worker_version() -> str:
    """Run on every worker by ``connect``: the version of the code it would run."""
    from simulator import __version__

    return __version__


def connect(address: str, timeout: float | None = None) -> Cluster:
    """The cluster behind the scheduler at ``address``, checked: it answers within
    ``timeout`` seconds (default CONNECT_SECONDS), has a worker, and every worker runs this
    version of ``simulator``."""
    from simulator import __version__

    timeout = CONNECT_SECONDS if timeout is None else timeout
    if not address.startswith(SCHEMES) or len(address) <= len(address.split("://")[0]) + 3:
        raise ClusterError(f"--scheduler {address!r}: write the scheduler's address as tcp://HOST:PORT")
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(
            "--scheduler needs the package distributed: pip install -r requirements.txt"
        ) from None
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise ClusterError(
            f"--scheduler {address}: no Dask scheduler answered there within {timeout:g} s ({error})"
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise ClusterError(
                f"--scheduler {address}: the scheduler has no workers (start them with: dask worker {address})"
            ) from None
        try:
            versions = client.run(_worker_version)
        except Exception as error:  # noqa: BLE001 - a worker without the project fails to unpickle the call
            raise ClusterError(
                f"--scheduler {address}: a worker cannot run jeugdzorg-sim ({type(error).__name__}: {error}); "
                "start the workers in the project folder or with it on PYTHONPATH"
            ) from None
        other = sorted(
            {f"{worker}: {version}" for worker, version in versions.items() if version != __version__}
        )
        if other:
            raise ClusterError(
                f"--scheduler {address}: workers run another version of jeugdzorg-sim than {__version__} "
                f"({'; '.join(other)})"
            )
    except (OSError, TimeoutError) as error:  # the connection dropped while checking
        client.close()
        raise ClusterError(f"--scheduler {address}: the scheduler stopped answering ({error})") from None
    except BaseException:  # a ClusterError above, or anything else: never leave the client open
        client.close()
        raise
    return Cluster(client, address)


class Cluster:
    """A connected cluster: its worker threads, and runs that hand it chunks."""

    def __init__(self, client: Client, address: str):
        self.client = client
        self.address = address

    def threads(self) -> int:
        """Worker threads of the cluster now (a worker's chunks run one per thread)."""
        return max(1, sum(self.client.nthreads().values()))

    def open(self) -> ClusterRun:
        """A run whose chunks go to the cluster."""
        return ClusterRun(self.client)

    def close(self) -> None:
        """Disconnect (the cluster goes on)."""
        self.client.close()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ClusterRun:
    """One run's chunks on the cluster: ``submit`` as the local ``pool.Run`` does, ``close``
    cancels what has not finished. A plan goes to the cluster once (scattered), not with
    every chunk."""

    def __init__(self, client: Client):
        self.client = client
        self.futures: set[Any] = set()  # not finished and not released
        self._scattered: dict[int, tuple[Any, Any]] = {}  # id(plan) -> (plan, its future)

    def submit(self, call: Callable[..., Any], plan: Any, *args: Any) -> Any:
        """Queue ``call(plan, *args)`` on the cluster; its future's ``result`` gives the result."""
        key = id(plan)
        if key not in self._scattered:  # the plan is kept beside its future, so its id stays its own
            self._scattered[key] = (plan, self.client.scatter(plan, hash=False))
        future = self.client.submit(call, self._scattered[key][1], *args, pure=False)
        self.futures.add(future)
        return future

    def release(self, future: Any) -> None:
        """The caller has this chunk's result: the workers may forget it."""
        self.futures.discard(future)
        future.release()

    def close(self) -> None:
        """Cancel the chunks not finished (a run given up or done)."""
        pending = [future for future in self.futures if not future.done()]
        if pending:
            self.client.cancel(pending)
        self.futures.clear()
        self._scattered.clear()
