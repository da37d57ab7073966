"""The shared worker processes, and the turns that runs take on them.

The app is one server for many sessions, and every session's run goes to the same few
worker processes. A run hands its chunks (a few replications each, a fraction of a second
of work) to a ``Run``; the chunks wait in one line per owner (a session, or the run itself)
and a dispatcher thread gives the workers one chunk per free worker, taking the owners in
turn. So a light run waits for at most one chunk per worker of a heavy one, never for all of
it, and a run that is given up (its session ended, or the same owner started another run)
loses the chunks that have not started.

The executor never holds more chunks than it has workers. That keeps the turns fair, and on
a stop (SIGTERM) the executor's exit hook, which waits for every chunk it holds, waits for
at most one chunk per worker.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import itertools
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

log = logging.getLogger("jeugdzorg_sim")

_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_fork = False  # the command line's choice (use_fork)
_pool_lock = threading.Lock()  # sessions of the app create, replace and use the pool at once
_stopped = False  # the server is stopping (shutdown_pool with a grace): no new pool


def available_cores() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _worker_start() -> None:
    """A worker must stop on SIGTERM, whatever handler its parent had (Streamlit's ignores
    it; with a forked worker that left workers running after the server stopped). The
    cyclic garbage collector scans the thousands of live youth generators again and again;
    a worker that only runs replications needs it far less often (measured: about a tenth
    faster)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.set_threshold(100_000, 10, 10)


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers start from a forkserver: a clean process that imports the model once and
    forks a worker from itself. A worker forked from the server itself held a copy of every
    socket the server had open, so a browser connection the server closed stayed open (no
    FIN), and the browser's next request on it never got an answer. Fork also copies the
    server's threads' locks in whatever state they were. Spawn is the fallback where there
    is no forkserver (Windows, macOS's default)."""
    methods = multiprocessing.get_all_start_methods()
    if _fork and "fork" in methods:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        context.set_forkserver_preload(["simulator.experiment"])
    return context


def use_fork() -> None:
    """Fork the workers from this process itself (``python -m simulator``): the command line
    holds no sockets, and its pool starts before any thread but the main one (with fork,
    the executor starts every worker at its first task: ``warm_up``), so its workers start
    at once with the model imported; a forkserver first starts a process that imports the
    model again (about half a second of a short run). Call it before the pool is made. The
    app and the tests keep the forkserver."""
    global _fork
    _fork = True


def get_pool(size: int | None = None) -> ProcessPoolExecutor:
    """One pool kept for the life of the process: the app runs many experiments and should
    not pay for starting workers each time. Its size is fixed when it is made (``size``, by
    default the cores) and never changed: resizing would cancel other sessions' runs. A
    broken pool (a worker died) is replaced first."""
    global _pool, _pool_size
    replace_broken_pool()
    with _pool_lock:
        if _stopped:
            raise RuntimeError("the worker pool is stopped: the server is stopping")
        if _pool is None:
            _pool_size = size or available_cores()
            _pool = ProcessPoolExecutor(
                max_workers=_pool_size,
                mp_context=_worker_context(),
                initializer=_worker_start,
            )
        return _pool


def warm_up(size: int | None = None) -> None:
    """Start the pool's workers now, without waiting for them: the command line does this
    before it imports pandas, so the forkserver's imports and the workers' start overlap
    with its own (about half a second of a short run)."""
    get_pool(size).submit(int)  # a no-op: the first task starts the processes


def pool_size() -> int:
    """Workers of the current pool (the cores if there is none yet)."""
    with _pool_lock:
        return _pool_size if _pool is not None else available_cores()


def replace_broken_pool() -> None:
    """A worker died (the out-of-memory killer, a kill -9): drop the shared pool if it is
    broken, so that the next ``get_pool`` starts a new one. Several sessions may find it
    broken at once; a pool that is not broken (the one the first of them made) stays."""
    global _pool
    with _pool_lock:
        broken, _pool = (_pool, None) if _is_broken(_pool) else (None, _pool)
    if broken is not None:
        log.error("a worker process died (%s); starting a new pool", getattr(broken, "_broken", ""))
        broken.shutdown(wait=False, cancel_futures=True)


def _is_broken(pool: ProcessPoolExecutor | None) -> bool:
    # The executor keeps the reason it broke in a private field: the only way to ask.
    return pool is not None and bool(getattr(pool, "_broken", False))


def shutdown_pool(grace_seconds: float | None = None) -> None:
    """Stop the shared worker pool, if there is one (also registered to run at exit): the
    chunks in line are dropped, those on a worker finish. With ``grace_seconds`` (a server
    that is told to stop) a worker still busy after that long is terminated: a stop must
    not wait for a long replication nobody will see, and that stop is final: the chunks in
    line are dropped first and no new pool starts. Before, the dispatcher gave the next
    session's chunk to a new pool while the old one stopped, and its processes (with the
    resource tracker) outlived the server (seen in CI)."""
    global _pool, _stopped
    with _pool_lock:
        pool, _pool = _pool, None
        _stopped = _stopped or grace_seconds is not None
    LINE.drop_waiting()
    if pool is None:
        return
    if grace_seconds is None:
        pool.shutdown(wait=True, cancel_futures=True)
        return
    # Python 3.11 has no public way to end an executor's workers (3.14's terminate_workers);
    # its process table is the only handle on them.
    workers = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + grace_seconds
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
    for worker in workers:
        if worker.is_alive():
            log.warning("worker %s still busy after %g s: terminated", worker.pid, grace_seconds)
            worker.terminate()
            worker.join(1.0)
    _stop_forkserver()


def _stop_forkserver() -> None:
    """End the forkserver with the server: it should end when the server's end of its pipe
    closes, but was seen (in tests/test_server.py, about one stop in three) to outlive the
    server, and the resource tracker with it. Python 3.11 has no public handle on it: its
    process id is the module's private one."""
    from multiprocessing import forkserver

    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    if not pid:
        return
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(pid, signal.SIGTERM)
        # Wait until it has ended, without reaping it (WNOWAIT): a later pool's
        # forkserver.ensure_running reaps it and starts a new one.
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                break
            time.sleep(0.05)


atexit.register(shutdown_pool)


@dataclass(eq=False)
class _Job:
    future: Future
    call: Callable[..., Any]
    args: tuple
    run: Run


@dataclass(eq=False)
class Run:
    """One run's place in the line: ``submit`` its chunks, ``close`` when done or given up
    (the chunks that have not started are then dropped)."""

    line: Line
    owner: Hashable
    size: int | None = None  # the pool's size if this run starts it
    closed: bool = False

    def submit(self, call: Callable[..., Any], *args: Any) -> Future:
        """Queue ``call(*args)`` for a worker; its future gives the result."""
        return self.line.submit(self, call, args)

    def close(self) -> None:
        """Drop what has not started; chunks already on a worker finish unseen."""
        self.line.close(self)

    def release(self, future: Future) -> None:
        """The caller has a chunk's result: nothing kept here (a cluster's run lets its
        workers forget it)."""


class Line:
    """Chunks waiting for a worker, one queue per owner, served in turn."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._waiting: OrderedDict[Hashable, deque[_Job]] = OrderedDict()
        self._runs: dict[Hashable, Run] = {}
        self._in_flight = 0
        self._dispatcher: threading.Thread | None = None

    def open(self, owner: Hashable | None = None, size: int | None = None) -> Run:
        """A new run of ``owner`` (None: a run of its own). An owner runs one thing at a time,
        so its earlier run, if still open, is given up: a session that asks again no longer
        wants the old answer."""
        run = Run(self, ("run", next(_run_numbers)) if owner is None else owner, size)
        with self._changed:
            earlier = self._runs.get(run.owner)
            self._runs[run.owner] = run
        if earlier is not None:
            log.info("run of %s replaced by a newer one", run.owner)
            earlier.close()
        return run

    def submit(self, run: Run, call: Callable[..., Any], args: tuple) -> Future:
        """Queue one chunk of ``run``."""
        job = _Job(Future(), call, args, run)
        with self._changed:
            if run.closed:
                job.future.cancel()
                return job.future
            self._waiting.setdefault(run.owner, deque()).append(job)
            self._start_dispatcher()
            self._changed.notify_all()
        return job.future

    def close(self, run: Run) -> None:
        """Cancel the run's chunks that have not started."""
        with self._changed:
            run.closed = True
            if self._runs.get(run.owner) is run:
                del self._runs[run.owner]
            queue = self._waiting.pop(run.owner, deque())
            dropped = [job for job in queue if job.run is run]
            kept = deque(job for job in queue if job.run is not run)
            if kept:
                self._waiting[run.owner] = kept
        for job in dropped:
            job.future.cancel()

    def drop_waiting(self) -> None:
        """Cancel every chunk that waits for a worker, of every run (the pool is stopping)."""
        with self._changed:
            dropped = [job for queue in self._waiting.values() for job in queue]
            self._waiting.clear()
        for job in dropped:
            job.future.cancel()

    def waiting(self) -> int:
        """Chunks waiting for a worker."""
        with self._changed:
            return sum(len(queue) for queue in self._waiting.values())

    def in_flight(self) -> int:
        """Chunks on a worker (or on their way to one)."""
        with self._changed:
            return self._in_flight

    def _start_dispatcher(self) -> None:
        if self._dispatcher is None or not self._dispatcher.is_alive():
            self._dispatcher = threading.Thread(target=self._dispatch, name="jzsim-dispatcher", daemon=True)
            self._dispatcher.start()

    def _next(self) -> _Job:
        """The first chunk of the owner whose turn it is; that owner goes to the back."""
        owner, queue = self._waiting.popitem(last=False)
        job = queue.popleft()
        if queue:
            self._waiting[owner] = queue
        return job

    def _dispatch(self) -> None:
        while True:
            with self._changed:
                while not self._waiting or self._in_flight >= pool_size():
                    self._changed.wait()
                job = self._next()
                if not job.future.set_running_or_notify_cancel():
                    continue  # given up while it waited
                self._in_flight += 1
            try:
                on_worker = get_pool(job.run.size).submit(job.call, *job.args)
            except (RuntimeError, OSError) as error:  # a broken or stopped pool, no fork: the run decides
                self._done()
                job.future.set_exception(error)
                continue
            on_worker.add_done_callback(partial(self._relay, job))

    def _done(self) -> None:
        with self._changed:
            self._in_flight -= 1
            self._changed.notify_all()

    def _relay(self, job: _Job, done: Future) -> None:
        self._done()
        if done.cancelled():  # the pool was shut down under it
            job.future.set_exception(CancelledError())
        elif done.exception() is not None:
            job.future.set_exception(done.exception())
        else:
            job.future.set_result(done.result())


_run_numbers = itertools.count()  # next() on a count is atomic; on a generator it is not thread-safe
LINE = Line()  # the one line of the process, in front of the one pool
