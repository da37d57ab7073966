"""Memory of one server process over many new settings: does it stop growing once the run
cache is full?

Drives the app's own path without a browser (``ui.common.run_all``, as the workshop calls
it: the changed scenario and the unchanged one, previews, summaries, the shared cache with
the app's bounds) through N new slider settings of the Zuid-West preset (JeugdzorgPlus
inflow change and places from the policy year, all distinct), each 30 replications on the
shared pool. After every setting it reads the resident memory of this process and of the
processes below it (forkserver, resource tracker, workers). It reports the memory when the
cache becomes full (CACHE_ENTRIES runs), the memory at the end, and the growth in between.
Target (issue 12): 200 settings grow memory by less than 50 MB after the cache is full.

Usage: python benchmarks/bench_memory.py [--settings 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from processes import rss_mib, workers_of  # noqa: E402  (this folder: sys.path[0] of a script)

from simulator.levers import apply_levers, default_levers  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402
from simulator.settings import PRESETS_DIR  # noqa: E402
from ui.common import CACHE_ENTRIES, run_all, run_cache  # noqa: E402

SCENARIO = PRESETS_DIR / "zuid-west-jeugdzorgplus.yaml"


def settings(count: int):
    """``count`` distinct lever settings of the preset: inflow change x places."""
    scenario = load_scenario(SCENARIO)
    base = default_levers(scenario)
    made = 0
    for places in range(30, 80):
        for change in range(-20, 21, 2):
            if made == count:
                return
            levers = default_levers(scenario)
            levers.inflow_change = {**base.inflow_change, "jzplus": change / 100}
            levers.capacity_target = {**base.capacity_target, "jzplus": places}
            yield apply_levers(scenario, levers)
            made += 1


def main() -> int:
    """Run the settings; print the memory when the cache fills and at the end."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--settings", type=int, default=200)
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # bare mode: no page to draw on

    unchanged = load_scenario(SCENARIO)
    me = os.getpid()
    started = time.perf_counter()
    at_full = None
    samples = []
    for k, changed in enumerate(settings(args.settings)):
        run_all([changed, unchanged])
        total = rss_mib(me) + sum(rss_mib(p) for p in workers_of(me)[1])
        samples.append((rss_mib(me), total))
        if at_full is None and len(run_cache()) >= CACHE_ENTRIES:
            at_full = (k + 1, samples[-1])
    end = samples[-1]
    print(
        f"Memory benchmark, {dt.date.today()}, {os.cpu_count()} cores, {SCENARIO.relative_to(ROOT)}, "
        f"{len(samples)} new settings of 30 replications through ui.common.run_all "
        f"({time.perf_counter() - started:.0f} s)"
    )
    if at_full is None:
        print(f"- the cache ({CACHE_ENTRIES} runs) did not fill: {len(run_cache())} runs")
        return 1
    settings_done, (process_full, total_full) = at_full
    growth = end[1] - total_full
    print(
        f"- cache full ({CACHE_ENTRIES} runs) after {settings_done} settings: this process {process_full:.0f} MiB, "
        f"with the processes below it {total_full:.0f} MiB"
    )
    print(
        f"- after {len(samples)} settings: this process {end[0]:.0f} MiB, with the processes below it {end[1]:.0f} MiB; "
        f"peak {max(total for _, total in samples):.0f} MiB"
    )
    print(
        f"- growth after the cache was full: {end[0] - process_full:+.0f} MiB (this process), {growth:+.0f} MiB "
        f"(all) — {'meets' if growth < 50 else 'MISSES'} the < 50 MB target"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
