"""Cluster benchmark: a sweep on a Dask cluster started on this machine, against the local pool.

The sweep: scenarios/zuid-west-jeugdzorgplus.yaml, JeugdzorgPlus capacity in 2022 (35, 43,
50) against JeugdzorgPlus inflow (12, 15.7, 20 a year), the preset's 30 replications: 9
points. It runs on the local pool (the default, both cores), then on a Dask scheduler with 1
and with 2 one-thread workers (`dask worker --nthreads 1`), each started and stopped here.
From the 1-worker run: worker-seconds per grid point, and so how long a sweep of the same
grid over 42 regions of this size would take per number of workers (the points spread
evenly; the 2-worker run shows how close to even that is on this machine).

Usage: python benchmarks/bench_cluster.py [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.cluster import connect  # noqa: E402
from simulator.pool import shutdown_pool  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402
from simulator.settings import PRESETS_DIR  # noqa: E402
from simulator.sweep import parse_vary, run_sweep  # noqa: E402
from tests.dask_cluster import local_cluster  # noqa: E402

SCENARIO = PRESETS_DIR / "zuid-west-jeugdzorgplus.yaml"
VARY = ["care_types.jzplus.capacity.2022=35,43,50", "care_types.jzplus.inflow_per_year=12,15.7,20"]
REGIONS = 42


def timed(run, repeat: int) -> float:
    """Median wall time of ``run()`` over ``repeat`` runs, after one warm-up run."""
    run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    """Time the sweep locally and on clusters of 1 and 2 workers; print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    grid = parse_vary(VARY, scenario)
    points = len(grid[VARY[0].split("=")[0]]) * len(grid[VARY[1].split("=")[0]])
    local = timed(lambda: run_sweep(scenario, grid), args.repeat)
    shutdown_pool()  # the cluster's workers get both cores
    on_cluster = {}
    for workers in (1, 2):
        with (
            tempfile.TemporaryDirectory() as logs,
            local_cluster(Path(logs), workers) as address,
            connect(address) as cluster,
        ):
            on_cluster[workers] = timed(lambda c=cluster: run_sweep(scenario, grid, cluster=c), args.repeat)
    per_point = on_cluster[1] / points  # worker-seconds a point (one worker does them all)
    print(
        f"Cluster benchmark, {dt.date.today()}, {os.cpu_count()} cores, {SCENARIO.relative_to(ROOT)}, "
        f"{points} points x {scenario.replications} replications, median of {args.repeat}"
    )
    print(f"- local pool ({os.cpu_count()} processes): {local:.2f} s, {local / points:.3f} s a point")
    for workers, seconds in on_cluster.items():
        speedup = on_cluster[1] / seconds
        print(
            f"- Dask, {workers} worker(s) x 1 thread: {seconds:.2f} s, {seconds / points:.3f} s a point"
            f" ({speedup:.2f}x one worker)"
        )
    summary = summary_seconds(scenario)
    print(
        f"- worker-seconds a grid point: {per_point:.3f} s; the summaries of a point in this process: {summary:.3f} s"
    )
    many = points * REGIONS
    print(
        f"- {REGIONS} regions x {points} points ({many} points) would take, at least the summaries' {many * summary:.0f} s:"
    )
    for workers in (1, 2, 8, 32, 100):
        seconds = max(per_point * many / workers, summary * many)
        print(f"  - {workers:>3} workers: about {duration(seconds)}")


def summary_seconds(scenario) -> float:
    """What this process spends on one point once its replications are back (summarise:
    the tables, beds needed): the part of a sweep that more workers do not shorten."""
    from simulator.experiment import run_replications
    from simulator.results import summarise
    from simulator.timeline import compile_plan

    plan = compile_plan(scenario)
    reps = run_replications(plan, scenario.replications, scenario.seed, workers=1)
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        summarise(plan, reps, 0.0)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def duration(seconds: float) -> str:
    """Seconds, or minutes from two minutes on."""
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


if __name__ == "__main__":
    main()
