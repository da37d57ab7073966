"""Replications: seeding, serial and parallel runs, and the cache key of a run.

Replication k of a scenario always uses the streams ``SeedSequence(seed)`` -> k -> purpose ->
care type, so its numbers are the same whether it runs alone, in a series or in a worker
process, and two scenarios with the same seed share their random numbers (common random
numbers) wherever their flows agree.
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import json
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import TYPE_CHECKING

from simulator.model import Model, ReplicationResult
from simulator.scenario import Scenario, with_overrides
from simulator.timeline import Plan, compile_plan

if TYPE_CHECKING:  # results imports pandas, which worker processes need not load
    from simulator.results import Results

Progress = Callable[[int, int], None]  # (replications done, replications in all)

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()  # sessions of the app create, replace and use the pool at once
log = logging.getLogger("jeugdzorg_sim")


def run_replication(plan: Plan, run_number: int, seed: int | None = None) -> ReplicationResult:
    """Replication ``run_number`` in this process (``seed`` None: the scenario's seed)."""
    return Model(plan, run_number, seed).run()


def _run_chunk(plan: Plan, run_numbers: Sequence[int], seed: int) -> list[ReplicationResult]:
    return [Model(plan, k, seed).run() for k in run_numbers]


def available_cores() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def default_workers(replications: int) -> int:
    """Parallel chunks for a run: the cores, at most one per replication (1: in this process)."""
    return max(1, min(available_cores(), replications))


def _worker_start() -> None:
    """The cyclic garbage collector scans the thousands of live youth generators again and
    again; a worker that only runs replications needs it far less often (measured: about a
    tenth faster)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.set_threshold(100_000, 10, 10)


def _get_pool(size: int | None = None) -> ProcessPoolExecutor:
    """One pool kept for the life of the process: the app runs many experiments and should
    not pay for starting workers each time. Its size is fixed when it is made (``size``, by
    default the cores) and never changed: resizing would cancel other sessions' runs. Fork is
    the fastest start on Linux."""
    global _pool
    _replace_current_pool()
    with _pool_lock:
        if _pool is None:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
            _pool = ProcessPoolExecutor(
                max_workers=size or available_cores(),
                mp_context=multiprocessing.get_context(method),
                initializer=_worker_start,
            )
        return _pool


def _replace_current_pool() -> None:
    """A worker died (the out-of-memory killer, a kill -9): drop the shared pool if it is
    broken, so that the next ``_get_pool`` starts a new one. Several sessions may find it
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


def shutdown_pool() -> None:
    """Stop the shared worker pool, if there is one (also registered to run at exit)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown_pool)


def _chunks(run_numbers: list[int], workers: int) -> list[list[int]]:
    """A few chunks per worker: balanced load, few round trips, progress in steps."""
    n_chunks = min(len(run_numbers), 4 * workers)
    return [run_numbers[j::n_chunks] for j in range(n_chunks)]


# A chunk of work: (scenario index, its replication numbers, a call that gives their results).
Chunk = tuple[int, list[int], Callable[[], list[ReplicationResult]]]


def _queue(
    plans: Sequence[Plan],
    seeds: Sequence[int],
    work: list[list[tuple[int, list[int]]]],
    workers: int,
    pool_size: int | None,
) -> list[list[Chunk]]:
    """Per stage, the chunks of each scenario: run here when serial, submitted to the shared
    pool at once (every stage, so the workers go on while a preview draws) when parallel."""
    if workers == 1:
        return [
            [
                (j, numbers, partial(_run_chunk, plans[j], numbers, seeds[j]))
                for j, numbers in stage
                if numbers
            ]
            for stage in work
        ]
    pool = _get_pool(pool_size)
    return [
        [
            (j, chunk, pool.submit(_run_chunk, plans[j], chunk, seeds[j]).result)
            for j, numbers in stage
            if numbers
            for chunk in _chunks(numbers, workers)
        ]
        for stage in work
    ]


def _collect(
    plans: Sequence[Plan],
    seeds: Sequence[int],
    work: list[list[tuple[int, list[int]]]],
    workers: int,
    pool_size: int | None = None,
) -> Iterator[tuple[int, int, list[ReplicationResult]]]:
    """(stage, scenario index, results) of every chunk as it finishes, and (stage, -1, [])
    when a stage is complete. If the pool breaks, a new one runs what was not finished yet,
    once; a second break is raised."""
    retried = False
    try:
        queued = _queue(plans, seeds, work, workers, pool_size)
    except BrokenProcessPool:  # broken since the last run: a new pool, and try once more
        retried = True
        log.exception("a run lost its workers; running what was left again, once")
        _replace_current_pool()
        queued = _queue(plans, seeds, work, workers, pool_size)
    for stage, chunks in enumerate(queued):
        k = 0
        while k < len(chunks):
            j, _, results_of = chunks[k]
            try:
                results = results_of()
            except BrokenProcessPool:
                if retried:
                    raise
                retried = True
                log.exception("a run lost its workers; running what was left again, once")
                _replace_current_pool()
                rest = [[(j, numbers) for j, numbers, _ in chunks[k:]]] + [
                    [(j, numbers) for j, numbers, _ in later] for later in queued[stage + 1 :]
                ]
                requeued = _queue(plans, seeds, rest, workers, pool_size)
                chunks[k:] = requeued[0]
                for offset, later in enumerate(requeued[1:], start=stage + 1):
                    queued[offset] = later
                continue
            yield stage, j, results
            k += 1
        yield stage, -1, []


def run_replications(
    plan: Plan,
    replications: int,
    seed: int,
    workers: int | None = None,
    progress: Progress | None = None,
    first: int = 0,
) -> list[ReplicationResult]:
    """Replications first .. first+replications-1, in order. ``workers=1`` runs in this process.
    Replication k is the same whichever call computes it, so a run can be done in parts."""
    run_numbers = list(range(first, first + replications))
    pool_size = workers  # asked for: the size of the pool if this run starts it; else the cores
    workers = default_workers(replications) if workers is None else max(1, min(workers, replications))
    if workers == 1:
        results = []
        for k in run_numbers:
            results.append(Model(plan, k, seed).run())
            if progress:
                progress(len(results), replications)
        return results

    by_run: dict[int, ReplicationResult] = {}
    for _, _, results in _collect([plan], [seed], [[(0, run_numbers)]], workers, pool_size):
        by_run.update((r.run_number, r) for r in results)
        if progress:
            progress(len(by_run), replications)
    return [by_run[k] for k in run_numbers]


def run_in_stages(
    scenarios: Sequence[Scenario],
    preview: int,
    on_preview: Callable[[list], None] | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> list:
    """Full runs (``results.Results``) of resolved scenarios, in two stages: replications
    0 .. preview-1 of every scenario, summarised and handed to ``on_preview`` (a quick,
    provisional answer), then the rest. Replication k is the same in either stage, so the
    final numbers equal a run in one go, and the previews of several scenarios use the same
    replications, so differences between them are policy, not noise. With a pool, every
    replication is queued at once (the preview's first), so the workers go on with the rest
    while ``on_preview`` draws."""
    from simulator.results import summarise

    plans = [compile_plan(s) for s in scenarios]
    stages = [
        [(j, list(range(min(preview, s.replications)))) for j, s in enumerate(scenarios)],
        [(j, list(range(min(preview, s.replications), s.replications))) for j, s in enumerate(scenarios)],
    ]
    total = sum(s.replications for s in scenarios)
    pool_size = workers  # asked for: the size of the pool if this run starts it; else the cores
    workers = default_workers(total) if workers is None else max(1, min(workers, total))
    started = time.perf_counter()
    reps: list[dict[int, ReplicationResult]] = [{} for _ in scenarios]
    done = 0
    seeds = [s.seed for s in scenarios]

    def preview_now() -> None:
        if on_preview is not None:  # (checked again for mypy)
            on_preview(
                [
                    summarise(plan, [r[k] for k in sorted(r)], time.perf_counter() - started)
                    for plan, r in zip(plans, reps, strict=True)
                ]
            )

    for stage, j, results in _collect(plans, seeds, stages, workers, pool_size):
        if j < 0:  # a stage is complete: after the first, the provisional answer
            if stage == 0 and on_preview is not None:
                preview_now()
            continue
        reps[j].update((r.run_number, r) for r in results)
        done += len(results)
        if progress:
            progress(done, total)
    return [
        summarise(plan, [r[k] for k in sorted(r)], time.perf_counter() - started)
        for plan, r in zip(plans, reps, strict=True)
    ]


def resolve(
    scenario: Scenario, replications: int | None = None, seed: int | None = None, years: int | None = None
) -> Scenario:
    """The scenario as it will run: command-line or widget overrides applied and validated."""
    return with_overrides(scenario, replications=replications, seed=seed, years=years)


def scenario_key(scenario: Scenario) -> str:
    """Content hash of a resolved scenario: equal keys mean equal results (for caching)."""
    canonical = json.dumps(
        scenario.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def run_experiment(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    years: int | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Results:
    """Run a scenario's replications and summarise them (a ``results.Results``)."""
    from simulator.results import summarise

    resolved = resolve(scenario, replications, seed, years)
    plan = compile_plan(resolved)
    started = time.perf_counter()
    reps = run_replications(plan, resolved.replications, resolved.seed, workers, progress)
    return summarise(plan, reps, runtime_seconds=time.perf_counter() - started)
