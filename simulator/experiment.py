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
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import TYPE_CHECKING

from simulator.model import Model, ReplicationResult
from simulator.scenario import Scenario, with_overrides
from simulator.timeline import Plan, compile_plan

if TYPE_CHECKING:  # results imports pandas, which worker processes need not load
    from simulator.results import Results

Progress = Callable[[int, int], None]  # (replications done, replications in all)

_pool: ProcessPoolExecutor | None = None
_pool_workers = 0


def run_replication(plan: Plan, run_number: int, seed: int | None = None) -> ReplicationResult:
    """Replication ``run_number`` in this process (``seed`` None: the scenario's seed)."""
    return Model(plan, run_number, seed).run()


def _run_chunk(plan: Plan, run_numbers: Sequence[int], seed: int) -> list[ReplicationResult]:
    return [Model(plan, k, seed).run() for k in run_numbers]


def default_workers(replications: int) -> int:
    """Worker processes for a run: the cores this process may use, at most one per replication."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, replications))


def _worker_start() -> None:
    """The cyclic garbage collector scans the thousands of live youth generators again and
    again; a worker that only runs replications needs it far less often (measured: about a
    tenth faster)."""
    gc.set_threshold(100_000, 10, 10)


def _get_pool(workers: int) -> ProcessPoolExecutor:
    """One pool kept for the life of the process: the app runs many experiments and should
    not pay for starting workers each time. Fork is the fastest start on Linux."""
    global _pool, _pool_workers
    if _pool is None or _pool_workers != workers:
        shutdown_pool()
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        _pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context(method), initializer=_worker_start
        )
        _pool_workers = workers
    return _pool


def shutdown_pool() -> None:
    """Stop the shared worker pool, if there is one (also registered to run at exit)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


atexit.register(shutdown_pool)


def _submit(pool: ProcessPoolExecutor, plan: Plan, run_numbers: list[int], seed: int, workers: int) -> list:
    """A few chunks per worker: balanced load, few round trips, progress in steps."""
    n_chunks = min(len(run_numbers), 4 * workers)
    return [pool.submit(_run_chunk, plan, run_numbers[j::n_chunks], seed) for j in range(n_chunks)]


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
    workers = default_workers(replications) if workers is None else max(1, min(workers, replications))
    if workers == 1:
        results = []
        for k in run_numbers:
            results.append(Model(plan, k, seed).run())
            if progress:
                progress(len(results), replications)
        return results

    by_run: dict[int, ReplicationResult] = {}
    for future in _submit(_get_pool(workers), plan, run_numbers, seed, workers):
        for result in future.result():
            by_run[result.run_number] = result
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
    workers = default_workers(total) if workers is None else max(1, min(workers, total))
    started = time.perf_counter()
    # Per stage, (scenario index, a call that gives its replications): run here when serial,
    # a submitted chunk's result when parallel.
    queued: list[list[tuple[int, Callable[[], list[ReplicationResult]]]]]
    if workers == 1:
        queued = [
            [
                (j, partial(_run_chunk, plans[j], numbers, scenarios[j].seed))
                for j, numbers in stage
                if numbers
            ]
            for stage in stages
        ]
    else:
        pool = _get_pool(workers)
        queued = [
            [
                (j, future.result)
                for j, numbers in stage
                if numbers
                for future in _submit(pool, plans[j], numbers, scenarios[j].seed, workers)
            ]
            for stage in stages
        ]
    reps: list[dict[int, ReplicationResult]] = [{} for _ in scenarios]
    done = 0
    for stage, work in enumerate(queued):
        for j, replications_of in work:
            results = replications_of()
            reps[j].update((r.run_number, r) for r in results)
            done += len(results)
            if progress:
                progress(done, total)
        if stage == 0 and on_preview is not None:
            on_preview(
                [
                    summarise(plan, [r[k] for k in sorted(r)], time.perf_counter() - started)
                    for plan, r in zip(plans, reps, strict=True)
                ]
            )
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
