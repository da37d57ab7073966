"""Age benchmark: what ages cost in run time (issue 16: at most 20% extra on the presets).

For each preset with an ``age`` block (scenarios/foodvalley-onder-12.yaml,
scenarios/jeugdzorgplus-verlengd.yaml) and for Zuid-West with ages added (every care type
entering at ages 0-18 in proportion to the band widths, JeugdzorgPlus at 12-18), the same
scenario is timed with and without its ages: the age block, the care types' age fields and
the policies' age levers removed, everything else equal. 30 replications in-process
(``run_experiment``, one worker), best of ``--repeat`` runs, per engine.

Usage: python benchmarks/bench_age.py [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.experiment import run_experiment  # noqa: E402
from simulator.scenario import load_scenario, scenario_from_dict  # noqa: E402
from simulator.schema import AGE_FIELDS, Scenario  # noqa: E402

AGE_POLICY_FIELDS = ("at_age_limit", "inflow_factor_by_age")


def without_age(scenario: Scenario) -> Scenario:
    """The scenario with every age field removed."""
    data = scenario.to_dict()
    data.pop("age", None)
    for care in data["care_types"].values():
        for field in AGE_FIELDS:
            care.pop(field, None)
    for policy in data.get("policies", []):
        for field in AGE_POLICY_FIELDS:
            policy.pop(field, None)
    # A policy that only changed ages stays, with nothing to change: its date still starts an
    # epoch, so both runs have the same periods and differ only by the ages.
    return scenario_from_dict(data, scenario.name)


def zuid_west_with_age() -> Scenario:
    """Zuid-West with ages: JeugdzorgPlus entries at 12-18, the others at 0-18."""
    data = load_scenario(ROOT / "scenarios" / "zuid-west-jeugdzorgplus.yaml").to_dict()
    data.pop("uncertainty", None)
    data["age"] = {"bands": [0, 12, 16, 18]}
    for name, care in data["care_types"].items():
        care["entry_age"] = (
            {12: 2 / 3, 16: 1 / 3} if name == "jzplus" else {0: 12 / 18, 12: 4 / 18, 16: 2 / 18}
        )
    return scenario_from_dict(data, "zuid-west with age")


def best_time(scenario: Scenario, engine: str, repeat: int) -> float:
    """The fastest of ``repeat`` runs of 30 replications, after one to warm up."""
    run_experiment(scenario, workers=1, engine=engine)  # warm: imports, the plan's caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run_experiment(scenario, workers=1, engine=engine)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Time every case with and without its ages and print the lines for the README."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cases = [
        ("foodvalley-onder-12", load_scenario(ROOT / "scenarios" / "foodvalley-onder-12.yaml")),
        ("jeugdzorgplus-verlengd", load_scenario(ROOT / "scenarios" / "jeugdzorgplus-verlengd.yaml")),
        ("zuid-west + ages", zuid_west_with_age()),
    ]
    print(
        f"Age benchmark, {dt.date.today()}, {os.cpu_count()} cores, 30 replications in-process, "
        f"best of {args.repeat} (benchmarks/bench_age.py)"
    )
    for label, scenario in cases:
        plain = without_age(scenario)
        for engine in ("hybrid", "simpy"):
            if engine == "simpy" and label.startswith("zuid-west"):
                continue  # tens of seconds a run; the hybrid is what the app uses
            aged, bare = best_time(scenario, engine, args.repeat), best_time(plain, engine, args.repeat)
            print(
                f"- {label}, {engine}: {bare:.3f} s without ages, {aged:.3f} s with: {aged / bare - 1:+.0%}"
            )


if __name__ == "__main__":
    main()
