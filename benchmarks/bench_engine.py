"""Engine benchmark: speed and memory of the simulation on a four-type regional network.

The network is scenarios/voorbeeldregio.yaml: foster care 300 entries/yr, residential care
150, JeugdzorgPlus 60, with escalation (foster breakdown, residential -> JZ+), re-entry via
home and step-down (JZ+ -> residential -> home/foster), 10 years.

Targets (issue 2, on the 2-core machine):
- 30 replications in under 1.5 s in-process (run_experiment, process pool included);
- `python -m simulator run` with 100 replications in under 5 s wall, start-up included.

Usage: python benchmarks/bench_engine.py [--repeat N] [--write benchmarks/results.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.experiment import run_experiment  # noqa: E402
from simulator.model import Model  # noqa: E402
from simulator.pool import shutdown_pool  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402
from simulator.settings import PRESETS_DIR  # noqa: E402
from simulator.timeline import compile_plan  # noqa: E402

SCENARIO = PRESETS_DIR / "voorbeeldregio.yaml"


def best_and_median(samples: list[float]) -> str:
    """The fastest and the median of the timings, in seconds, as report text."""
    return f"best {min(samples):.3f} s, median {statistics.median(samples):.3f} s"


def main() -> int:
    """Time one replication, 30 in-process and the command line; print (and write) the report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", type=Path, help="also write the report (markdown) to this file")
    args = parser.parse_args()

    scenario = load_scenario(SCENARIO)
    plan = compile_plan(scenario)
    lines = [
        f"Engine benchmark, {dt.date.today()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, scenario {SCENARIO.relative_to(ROOT)} (10 years)",
        "",
    ]

    # 1. One replication in this process: time, events, Python memory.
    Model(plan, 0).run()  # warm-up (imports, first numpy calls)
    per_rep, events = [], []
    for k in range(10):
        started = time.perf_counter()
        result = Model(plan, k).run()
        per_rep.append(time.perf_counter() - started)
        events.append(result.n_events)
    tracemalloc.start()
    Model(plan, 99).run()
    _, peak_python = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ms = statistics.median(per_rep) * 1000
    rate = statistics.median(e / t for e, t in zip(events, per_rep, strict=True))
    lines.append(
        f"- one replication, serial: median {ms:.1f} ms ({statistics.median(events):,.0f} SimPy events, "
        f"{rate:,.0f} events/s); Python allocations peak at {peak_python / 2**20:.1f} MiB"
    )

    # 2. 30 replications in-process on all cores: first call starts the pool, later calls reuse it.
    shutdown_pool()
    started = time.perf_counter()
    run_experiment(scenario, replications=30)
    cold = time.perf_counter() - started
    warm = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        run_experiment(scenario, replications=30)
        warm.append(time.perf_counter() - started)
    shutdown_pool()
    verdict = "meets" if cold < 1.5 else "MISSES"
    lines.append(
        f"- 30 replications in-process (summaries included): {cold:.3f} s with pool start-up; "
        f"pool reused: {best_and_median(warm)} — {verdict} the 1.5 s target"
    )

    # 3. The command line, 100 replications, wall time including interpreter start-up and writing files.
    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.repeat):
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "simulator",
                    "run",
                    str(SCENARIO),
                    "--replications",
                    "100",
                    "--out",
                    str(Path(tmp) / f"out{k}"),
                    "--quiet",
                ],
                cwd=ROOT,
                check=True,
            )
            walls.append(time.perf_counter() - started)
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    verdict = "meets" if statistics.median(walls) < 5 else "MISSES"
    lines.append(
        f"- `python -m simulator run` with 100 replications: {best_and_median(walls)} wall — {verdict} "
        f"the 5 s target; peak resident memory of one process {peak_children:.0f} MiB"
    )
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"- peak resident memory of this benchmark process: {peak_self:.0f} MiB")

    report = "\n".join(lines)
    print(report)
    if args.write:
        args.write.write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
