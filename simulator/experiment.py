"""Replications: seeding, serial and parallel runs, and the cache key of a run.

Replication k of a scenario always uses the streams ``SeedSequence(seed)`` -> k -> purpose ->
care type, so its numbers are the same whether it runs alone, in a series or in a worker
process, and two scenarios with the same seed share their random numbers (common random
numbers) wherever their flows agree.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import CancelledError, Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simulator.budget import estimate
from simulator.hybrid import model_class, runs_in_bulk
from simulator.model import ReplicationResult
from simulator.pool import LINE, Run, pool_size
from simulator.scenario import Scenario, scenario_from_dict, with_overrides
from simulator.settings import DEFAULT_ENGINE
from simulator.timeline import Plan, compile_plan

if TYPE_CHECKING:  # results imports pandas, which worker processes need not load
    from simulator.cluster import Cluster, ClusterRun
    from simulator.results import Results

Progress = Callable[[int, int], None]  # (replications done, replications in all)

log = logging.getLogger("jeugdzorg_sim")

POLL_SECONDS = 0.2  # how often a waiting run asks whether it is still wanted
# Stays per second of one core (measured on the 2-core machine, benchmarks/bench_engine.py,
# rounded down): the reference engine, and the hybrid when nothing waits (all in bulk). The
# hybrid with a waiting list runs its limited types in SimPy: counted at the reference speed.
SIMPY_STAYS_PER_SECOND = 40_000
BULK_STAYS_PER_SECOND = 800_000
CHUNK_SECONDS = 0.25  # a chunk: long enough to be worth sending, short enough to take turns
CHUNK_STAYS = int(SIMPY_STAYS_PER_SECOND * CHUNK_SECONDS)


class RunCancelledError(Exception):
    """The run was given up: ``cancelled()`` said so (its session ended), or its owner
    started a newer run."""


def run_replication(
    plan: Plan, run_number: int, seed: int | None = None, engine: str = DEFAULT_ENGINE
) -> ReplicationResult:
    """Replication ``run_number`` in this process (``seed`` None: the scenario's seed), with
    its own draw of the scenario's uncertain inputs if it has any."""
    model = model_class(engine)(replication_plan(plan, run_number), run_number, seed)
    result = model.run()
    model.release()
    return result


def replication_plan(plan: Plan, run_number: int) -> Plan:
    """The plan replication ``run_number`` runs: the scenario's own, or with its uncertain
    inputs set to that replication's draw (``simulator.uncertainty``)."""
    if not plan.scenario.uncertainty:
        return plan
    from simulator.scenario import drawn_scenario

    return compile_plan(drawn_scenario(plan.scenario, run_number))


def _run_chunk(
    plan: Plan, run_numbers: Sequence[int], seed: int, engine: str = DEFAULT_ENGINE
) -> list[ReplicationResult]:
    return [run_replication(plan, k, seed, engine) for k in run_numbers]


def stays_per_second(plan: Plan, engine: str) -> int:
    """How fast one core runs this plan's stays (see SIMPY_STAYS_PER_SECOND)."""
    return BULK_STAYS_PER_SECOND if engine == "hybrid" and runs_in_bulk(plan) else SIMPY_STAYS_PER_SECOND


def chunk_stays(plan: Plan, engine: str) -> int:
    """The stays in a chunk that take about CHUNK_SECONDS of one core."""
    return int(stays_per_second(plan, engine) * CHUNK_SECONDS)


def expected_seconds(scenarios: Sequence[Scenario], workers: int, engine: str = DEFAULT_ENGINE) -> float:
    """About how long the scenarios' replications take on ``workers`` cores: whether a
    provisional answer is worth showing first."""
    total = 0.0
    for scenario in scenarios:
        plan = compile_plan(scenario)
        total += estimate(plan).stays * scenario.replications / stays_per_second(plan, engine)
    return total / max(1, workers)


def _chunks(
    run_numbers: list[int], workers: int, stays_per_replication: float, per_chunk: int = CHUNK_STAYS
) -> list[list[int]]:
    """A scenario's replications in chunks: at least a few per worker (balanced load,
    progress in steps), and small (about ``per_chunk`` stays each, ``chunk_stays``), so
    that another session's run waits for a fraction of a second, not for all of this one.
    Fewer chunks cost less: each one sends the plan to a worker and its results back."""
    by_size = math.ceil(len(run_numbers) * stays_per_replication / per_chunk)
    n_chunks = min(len(run_numbers), max(4 * workers, by_size))
    return [run_numbers[j::n_chunks] for j in range(n_chunks)]


def _wait(future: Future, cancelled: Callable[[], bool] | None) -> list[ReplicationResult]:
    """The chunk's results; before and while waiting, ask every POLL_SECONDS whether the run
    is still wanted. Asked first, too: on a fast machine every chunk ends within a poll, and
    a run whose session had ended went on to its last chunk (seen in CI)."""
    while True:
        if cancelled is not None and cancelled():
            raise RunCancelledError
        try:
            return future.result(timeout=None if cancelled is None else POLL_SECONDS)
        except TimeoutError:
            continue
        except CancelledError:  # dropped from the line: the same owner started a newer run
            raise RunCancelledError from None


Work = list[list[tuple[int, list[int]]]]  # per stage: (scenario index, replication numbers)


def _collect(
    plans: Sequence[Plan],
    seeds: Sequence[int],
    work: Work,
    workers: int | None,
    owner: Hashable | None = None,
    cancelled: Callable[[], bool] | None = None,
    engine: str = DEFAULT_ENGINE,
    cluster: Cluster | None = None,
) -> Iterator[tuple[int, int, list[ReplicationResult]]]:
    """(stage, scenario index, results) of every chunk as it finishes, and (stage, -1, [])
    when a stage is complete. ``workers`` 1 runs here; otherwise the chunks take their turns
    in the shared pool (``workers``: its size if this run starts it), as ``owner``'s run, or
    go to ``cluster``'s workers (a Dask cluster, ``simulator.cluster``). A chunk whose local
    worker died runs once more on a new pool; a second death is raised (a cluster reruns a
    lost worker's chunks itself). When the caller stops (an exception, ``cancelled()``), the
    chunks not started are dropped."""
    if workers == 1 and cluster is None:
        for stage, items in enumerate(work):
            for j, numbers in items:
                if cancelled is not None and cancelled():
                    raise RunCancelledError
                if numbers:
                    yield stage, j, _run_chunk(plans[j], numbers, seeds[j], engine)
            yield stage, -1, []
        return
    chunking = cluster.threads() if cluster is not None else workers or pool_size()
    stays = [estimate(plan).stays for plan in plans]
    run: Run | ClusterRun = cluster.open() if cluster is not None else LINE.open(owner, workers)
    try:
        queued: list[list[tuple[int, list[int], Any, bool]]] = [
            [
                (j, chunk, run.submit(_run_chunk, plans[j], chunk, seeds[j], engine), False)
                for j, numbers in items
                if numbers
                for chunk in _chunks(numbers, chunking, stays[j], chunk_stays(plans[j], engine))
            ]
            for items in work
        ]
        for stage, chunks in enumerate(queued):
            k = 0
            while k < len(chunks):
                j, chunk, future, retried = chunks[k]
                try:
                    results = _wait(future, cancelled)
                except BrokenProcessPool:
                    if retried:
                        raise
                    log.exception("a run lost a worker; running its chunk again, once")
                    chunks[k] = (j, chunk, run.submit(_run_chunk, plans[j], chunk, seeds[j], engine), True)
                    continue
                # Let go of the chunk's future (and on a cluster its result on the worker): a
                # sweep of a thousand points must not hold every replication until its end.
                chunks[k] = (j, chunk, None, retried)
                run.release(future)
                del future
                yield stage, j, results
                k += 1
            yield stage, -1, []
    finally:
        run.close()


def run_replications(
    plan: Plan,
    replications: int,
    seed: int,
    workers: int | None = None,
    progress: Progress | None = None,
    first: int = 0,
    engine: str = DEFAULT_ENGINE,
) -> list[ReplicationResult]:
    """Replications first .. first+replications-1, in order. ``workers=1`` runs in this
    process; otherwise the shared pool runs them. Replication k is the same whichever call
    computes it, so a run can be done in parts."""
    run_numbers = list(range(first, first + replications))
    by_run: dict[int, ReplicationResult] = {}
    for _, _, results in _collect([plan], [seed], [[(0, run_numbers)]], workers, engine=engine):
        if not by_run:
            _load_summaries()
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
    owner: Hashable | None = None,
    cancelled: Callable[[], bool] | None = None,
    engine: str = DEFAULT_ENGINE,
) -> list:
    """Full runs (``results.Results``) of resolved scenarios, in two stages: replications
    0 .. preview-1 of every scenario, summarised and handed to ``on_preview`` (a quick,
    provisional answer), then the rest. Replication k is the same in either stage, so the
    final numbers equal a run in one go, and the previews of several scenarios use the same
    replications, so differences between them are policy, not noise. With a pool, every
    replication is queued at once (the preview's first), so the workers go on with the rest
    while ``on_preview`` draws. ``owner`` and ``cancelled``: see ``_collect``."""
    plans = [compile_plan(s) for s in scenarios]
    if preview <= 0:
        on_preview = None  # one stage: nothing provisional to show
    stages = [
        [(j, list(range(min(preview, s.replications)))) for j, s in enumerate(scenarios)],
        [(j, list(range(min(preview, s.replications), s.replications))) for j, s in enumerate(scenarios)],
    ]
    total = sum(s.replications for s in scenarios)
    started = time.perf_counter()
    reps: list[dict[int, ReplicationResult]] = [{} for _ in scenarios]
    done = 0
    seeds = [s.seed for s in scenarios]

    def preview_now() -> None:
        from simulator.results import summarise

        if on_preview is not None:  # (checked again for mypy)
            on_preview(
                [
                    summarise(plan, [r[k] for k in sorted(r)], time.perf_counter() - started, engine)
                    for plan, r in zip(plans, reps, strict=True)
                ]
            )

    for stage, j, results in _collect(plans, seeds, stages, workers, owner, cancelled, engine):
        if j < 0:  # a stage is complete: after the first, the provisional answer
            if stage == 0 and on_preview is not None:
                preview_now()
            continue
        if not done:
            _load_summaries()
        reps[j].update((r.run_number, r) for r in results)
        done += len(results)
        if progress:
            progress(done, total)
    from simulator.results import summarise

    return [
        summarise(plan, [r[k] for k in sorted(r)], time.perf_counter() - started, engine)
        for plan, r in zip(plans, reps, strict=True)
    ]


def run_each(
    scenarios: Sequence[Scenario],
    on_done: Callable[[int, Results], None],
    progress: Progress | None = None,
    workers: int | None = None,
    engine: str = DEFAULT_ENGINE,
    cluster: Cluster | None = None,
) -> None:
    """Full runs of many resolved scenarios (a sweep's points, a sensitivity design), all
    queued at once so that every worker stays busy: ``on_done(j, results)`` as soon as
    scenario j's last replication is back (the chunks are collected in the order they were
    queued), after which its replications are let go, so a grid of a thousand points holds one table per point, not its replications.
    ``progress`` counts replications over all scenarios. On ``cluster`` (a Dask cluster) or
    in the local pool; the tables are the same either way."""
    from simulator.results import summarise

    plans = [compile_plan(s) for s in scenarios]
    work: Work = [[(j, list(range(s.replications))) for j, s in enumerate(scenarios)]]
    total = sum(s.replications for s in scenarios)
    reps: list[dict[int, ReplicationResult]] = [{} for _ in scenarios]
    started = time.perf_counter()
    done = 0
    seeds = [s.seed for s in scenarios]
    for _, j, results in _collect(plans, seeds, work, workers, engine=engine, cluster=cluster):
        if j < 0:
            continue
        reps[j].update((r.run_number, r) for r in results)
        done += len(results)
        if len(reps[j]) == scenarios[j].replications:
            found = summarise(
                plans[j], [reps[j][k] for k in sorted(reps[j])], time.perf_counter() - started, engine
            )
            reps[j] = {}
            on_done(j, found)
        if progress:
            progress(done, total)


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
    engine: str = DEFAULT_ENGINE,
) -> Results:
    """Run a scenario's replications and summarise them (a ``results.Results``)."""
    resolved = resolve(scenario, replications, seed, years)
    plan = compile_plan(resolved)
    started = time.perf_counter()
    reps = run_replications(plan, resolved.replications, resolved.seed, workers, progress, engine=engine)
    from simulator.results import summarise

    return summarise(plan, reps, runtime_seconds=time.perf_counter() - started, engine=engine)


def _load_summaries() -> None:
    """Import the summaries' modules (pandas, scipy) once the first chunk is back: a
    command-line run then loads them while its workers go on, not before they start (about
    0.8 s of a short run). In the app they are imported already."""
    import simulator.results  # noqa: F401


HEALTH_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Health:
    """What a health check found: whether a worker ran a tiny replication in time."""

    ok: bool
    seconds: float  # from asking to the answer (its turn in the line included)
    workers: int
    waiting: int  # chunks of other runs waiting for a worker
    busy: int  # chunks on a worker
    error: str = ""


def health_check(timeout: float = HEALTH_TIMEOUT_SECONDS) -> Health:
    """One tiny replication (one care type, one year) through the shared pool, in a turn of
    its own: a server whose workers hang, died or cannot start fails this, where a page that
    merely loads would still look fine."""
    scenario = scenario_from_dict(
        {
            "name": "health check",
            "start": "2021-01",
            "years": 1,
            "replications": 1,
            "seed": 1,
            "care_types": {"care": {"stay_months": 3, "inflow_per_year": 12, "initial": 2}},
        },
        "health check",
    )
    waiting, busy = LINE.waiting(), LINE.in_flight()
    started = time.perf_counter()
    run = LINE.open()
    try:
        (result,) = run.submit(_run_chunk, compile_plan(scenario), [0], scenario.seed).result(timeout)
        ok, error = result.run_number == 0, ""
    except TimeoutError:
        ok, error = False, f"no worker answered within {timeout:g} s"
    except Exception as failure:  # noqa: BLE001 - whatever it is, the check reports it, never raises
        ok, error = False, f"{type(failure).__name__}: {failure}"
    finally:
        run.close()
    return Health(ok, time.perf_counter() - started, pool_size(), waiting, busy, error)
