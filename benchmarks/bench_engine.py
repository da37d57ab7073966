"""Engine benchmark: the hybrid engine against the reference engine, in one run.

Scenarios: scenarios/zuid-west-jeugdzorgplus.yaml (foster care, residential care and
JeugdzorgPlus with 57 -> 43 places, a waiting list; 10 years) and the same network with
every capacity removed (nothing limited: the hybrid runs it entirely in bulk).

Measured per engine ("simpy": every youth a SimPy process, the reference; "hybrid"):
- one replication, serial (median of 10);
- 30 replications in-process (run_experiment, the process pool reused), Zuid-West;
- `python -m simulator run` with 100 replications, wall time: the network without a
  capacity, the preset (JeugdzorgPlus places youths elsewhere when full: the hybrid runs
  it all in bulk) and the preset with a JeugdzorgPlus waiting list (SimPy in the hybrid).
The ratios are reference / hybrid. Targets (issue 12, on the 2-core machine): Zuid-West 30
replications in-process <= 0.25 s and >= 10x the reference; the command line >= 15x for the
network without a capacity and >= 8x with the limited JeugdzorgPlus (waiting list).

Usage: python benchmarks/bench_engine.py [--repeat N]
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

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.experiment import run_experiment  # noqa: E402
from simulator.hybrid import model_class  # noqa: E402
from simulator.pool import shutdown_pool  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402
from simulator.settings import PRESETS_DIR  # noqa: E402
from simulator.timeline import compile_plan  # noqa: E402

SCENARIO = PRESETS_DIR / "zuid-west-jeugdzorgplus.yaml"
ENGINES = ("simpy", "hybrid")


def best_and_median(samples: list[float]) -> str:
    """The fastest and the median of the timings, in seconds, as report text."""
    return f"best {min(samples):.3f} s, median {statistics.median(samples):.3f} s"


def without_capacity(path: Path, folder: Path) -> Path:
    """The scenario file with every capacity removed (and so no waiting and no placements
    elsewhere), written to folder."""
    data = load_scenario(path).to_dict()
    for care in data["care_types"].values():
        care.pop("capacity", None)
    data["name"] = f"{data['name']} (no capacity)"
    out = folder / "no-capacity.yaml"
    out.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


def with_waiting_list(path: Path, folder: Path) -> Path:
    """The scenario file with JeugdzorgPlus keeping a FIFO waiting list when full instead
    of placing youths elsewhere: the limited type then runs in SimPy in the hybrid too."""
    data = load_scenario(path).to_dict()
    data["care_types"]["jzplus"]["when_full"] = "wait"
    data["name"] = f"{data['name']} (waiting list)"
    out = folder / "waiting-list.yaml"
    out.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


def one_replication(plan, engine: str) -> tuple[float, float]:
    """Median seconds of one replication in this process, and its SimPy events."""
    model = model_class(engine)
    model(plan, 0).run()  # warm-up (imports, first numpy calls)
    seconds, events = [], []
    for k in range(10):
        started = time.perf_counter()
        result = model(plan, k).run()
        seconds.append(time.perf_counter() - started)
        events.append(result.n_events)
    return statistics.median(seconds), statistics.median(events)


def in_process(scenario, engine: str, repeat: int) -> list[float]:
    """Seconds of run_experiment with 30 replications, the pool started beforehand."""
    run_experiment(scenario, replications=4, engine=engine)  # the pool is up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run_experiment(scenario, replications=30, engine=engine)
        samples.append(time.perf_counter() - started)
    return samples


def command_line(path: Path, engine: str, repeat: int, folder: Path, replications: int = 100) -> list[float]:
    """Wall seconds of `python -m simulator run` with ``replications``, start-up included."""
    walls = []
    for k in range(repeat):
        started = time.perf_counter()
        subprocess.run(
            [
                *(sys.executable, "-m", "simulator", "run", str(path), "--replications", str(replications)),
                *(
                    "--engine",
                    engine,
                    "--out",
                    str(folder / f"{engine}-{path.stem}-{replications}-{k}"),
                    "--quiet",
                ),
            ],
            cwd=ROOT,
            check=True,
        )
        walls.append(time.perf_counter() - started)
    return walls


def verdict(ok: bool) -> str:
    """Report text for a target."""
    return "meets" if ok else "MISSES"


def main() -> int:
    """Time both engines; print the report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    scenario = load_scenario(SCENARIO)
    plan = compile_plan(scenario)
    lines = [
        f"Engine benchmark, {dt.date.today()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, {SCENARIO.relative_to(ROOT)} (10 years), reference (simpy) against hybrid",
        "",
    ]
    single = {engine: one_replication(plan, engine) for engine in ENGINES}
    lines.append(
        "- one replication, serial: "
        + "; ".join(
            f"{engine} median {single[engine][0] * 1000:.1f} ms ({single[engine][1]:,.0f} SimPy events)"
            for engine in ENGINES
        )
        + f"; ratio {single['simpy'][0] / single['hybrid'][0]:.1f}x"
    )
    tracemalloc.start()
    model_class("hybrid")(plan, 99).run()
    _, peak_python = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    lines.append(f"- Python allocations of one hybrid replication: peak {peak_python / 2**20:.1f} MiB")

    warm = {engine: in_process(scenario, engine, args.repeat) for engine in ENGINES}
    shutdown_pool()
    ratio = statistics.median(warm["simpy"]) / statistics.median(warm["hybrid"])
    hybrid_median = statistics.median(warm["hybrid"])
    lines.append(
        f"- 30 replications in-process (summaries included, pool reused): simpy {best_and_median(warm['simpy'])}; "
        f"hybrid {best_and_median(warm['hybrid'])}; ratio {ratio:.1f}x — {verdict(hybrid_median <= 0.25)} "
        f"the 0.25 s target, {verdict(ratio >= 10)} the 10x target"
    )

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for path, label, target in (
            (without_capacity(SCENARIO, folder), "without a capacity", 15),
            (SCENARIO, "with the limited JeugdzorgPlus placing youths elsewhere (the preset)", 8),
            (with_waiting_list(SCENARIO, folder), "with the limited JeugdzorgPlus keeping a waiting list", 8),
        ):
            if label == "without a capacity":  # what the command line costs whatever the run
                fixed = command_line(path, "hybrid", args.repeat, folder, replications=1)
                lines.append(
                    f"- `python -m simulator run` with 1 replication, {label}, hybrid (start-up, "
                    f"imports, workers, writing): {best_and_median(fixed)} wall"
                )
            walls = {engine: command_line(path, engine, args.repeat, folder) for engine in ENGINES}
            ratio = statistics.median(walls["simpy"]) / statistics.median(walls["hybrid"])
            lines.append(
                f"- `python -m simulator run` with 100 replications, {label}: simpy {best_and_median(walls['simpy'])}; "
                f"hybrid {best_and_median(walls['hybrid'])} wall; ratio {ratio:.1f}x — {verdict(ratio >= target)} "
                f"the {target}x target"
            )
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(
        f"- peak resident memory: one command-line process {peak_children:.0f} MiB, this benchmark {peak_self:.0f} MiB"
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
