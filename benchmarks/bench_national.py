"""National scale: a scenario of about 45,000 youths in care (benchmarks/scenarios/
nederland-45k.yaml: foster care 17,650, residential care 23,500, JeugdzorgPlus 503 with a
waiting list; reference-figures.md), 30 replications x 10 years on the shared pool.

Measured: the wall time of ``run_experiment`` (summaries included, the pool started
beforehand), and the peak resident memory of this process and every process below it
(forkserver, workers), sampled every 0.05 s. One replication of the reference engine is
timed beside one of the hybrid, for the ratio. Targets (issue 12): <= 20 s and <= 1 GB.

Usage: python benchmarks/bench_national.py [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from processes import rss_mib, workers_of  # noqa: E402  (this folder: sys.path[0] of a script)

from simulator.budget import estimate  # noqa: E402
from simulator.experiment import run_experiment  # noqa: E402
from simulator.hybrid import model_class  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402
from simulator.timeline import compile_plan  # noqa: E402

SCENARIO = ROOT / "benchmarks" / "scenarios" / "nederland-45k.yaml"
TARGET_SECONDS, TARGET_MIB = 20.0, 1024.0


class PeakMemory:
    """The highest total resident memory of this process and the processes below it."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.05):
            _, below = workers_of(me)
            self.peak = max(self.peak, rss_mib(me) + sum(rss_mib(pid) for pid in below))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def one_replication(plan, engine: str) -> float:
    """Seconds of one replication in this process."""
    started = time.perf_counter()
    model_class(engine)(plan, 0).run()
    return time.perf_counter() - started


def main() -> int:
    """Time the national scenario; print the report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    plan = compile_plan(scenario)
    run_experiment(scenario, replications=2, years=1)  # the pool is up
    walls = []
    with PeakMemory() as memory:
        for _ in range(args.repeat):
            started = time.perf_counter()
            results = run_experiment(scenario)
            walls.append(time.perf_counter() - started)
    median = statistics.median(walls)
    hybrid, reference = one_replication(plan, "hybrid"), one_replication(plan, "simpy")
    in_care = int(
        results.yearly.loc[results.yearly["year"] == results.yearly["year"].min(), "in_care_start_mean"].sum()
    )
    print(
        f"National benchmark, {dt.date.today()}, {os.cpu_count()} cores, {SCENARIO.relative_to(ROOT)} "
        f"({in_care:,} youths in care on 1 January of the first year, about {estimate(plan).stays:,.0f} stays "
        f"a replication, {scenario.years} years)"
    )
    print(
        f"- 30 replications on the pool, summaries included: best {min(walls):.1f} s, median {median:.1f} s "
        f"over {len(walls)} — {'meets' if median <= TARGET_SECONDS else 'MISSES'} the {TARGET_SECONDS:.0f} s target"
    )
    print(
        f"- peak resident memory, this process and its workers: {memory.peak:.0f} MiB — "
        f"{'meets' if memory.peak <= TARGET_MIB else 'MISSES'} the 1 GB target"
    )
    print(
        f"- one replication in this process: hybrid {hybrid:.2f} s, reference {reference:.2f} s "
        f"(ratio {reference / hybrid:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
