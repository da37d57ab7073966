"""Export speed: how long the app's 'Maak export' takes (deck, every image, the workbook and
CSV files) for the default preset with the unchanged scenario as baseline, and for a
comparison of three scenarios. Target (issue 5): a few seconds at most on the 2-core machine.

Usage: python benchmarks/bench_export.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.compare import aligned  # noqa: E402
from simulator.experiment import run_experiment  # noqa: E402
from simulator.export import comparison_export, scenario_export  # noqa: E402
from simulator.levers import apply_levers, default_levers  # noqa: E402
from simulator.results import Summary  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402
from simulator.settings import PRESETS_DIR  # noqa: E402


def main() -> int:
    """Time the export of one run and of a comparison of three; print the medians."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    preset = load_scenario(PRESETS_DIR / "zuid-west-jeugdzorgplus.yaml")
    levers = default_levers(preset)
    levers.inflow_change["jzplus"] = -0.1
    changed = apply_levers(preset, levers)
    base, current = Summary.of(run_experiment(preset)), Summary.of(run_experiment(changed))
    others = aligned(preset, [changed, load_scenario(PRESETS_DIR / "voorbeeldregio.yaml")])
    summaries = [base, current, Summary.of(run_experiment(others[2]))]
    single, comparison = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        made = scenario_export(current, "nl", baseline=base, base_scenario=preset)
        single.append(time.perf_counter() - started)
        started = time.perf_counter()
        comparison_export(summaries, ["basis", "min 10%", "voorbeeld"], "nl")
        comparison.append(time.perf_counter() - started)
    print(
        f"export of one run (deck, {len(made.images)} image files, workbook, CSV): "
        f"median {statistics.median(single):.2f} s (first {single[0]:.2f} s)"
    )
    print(f"export of a comparison of three: median {statistics.median(comparison):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
