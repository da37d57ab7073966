"""Golden regression: yearly.csv of a small fixed scenario and seed equals the stored file,
one per engine (yearly.csv: the reference, yearly-hybrid.csv: the hybrid).

Any change to the model, the random streams or the summaries shows here. An intended change
regenerates the files in the same commit, with the reason in the message:

    .venv/bin/python -m tests.test_golden
"""

import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.experiment import run_experiment
from simulator.scenario import load_scenario
from simulator.settings import ENGINES

GOLDEN = Path(__file__).parent / "golden"
SCENARIO = GOLDEN / "scenario.yaml"
STORED = {"simpy": GOLDEN / "yearly.csv", "hybrid": GOLDEN / "yearly-hybrid.csv"}


def yearly_csv(engine: str) -> str:
    return run_experiment(load_scenario(SCENARIO), workers=1, engine=engine).yearly.to_csv(index=False)


@pytest.mark.parametrize("engine", ENGINES)
def test_yearly_csv_equals_the_stored_file(engine):
    now = pd.read_csv(io.StringIO(yearly_csv(engine)))
    stored = pd.read_csv(STORED[engine])
    assert list(now.columns) == list(stored.columns), "columns added, removed or moved"
    assert now[["year", "care_type"]].equals(stored[["year", "care_type"]])
    numbers = stored.columns.drop(["year", "care_type"])
    # Same code, same pinned libraries: equal up to the last bits of floating-point sums.
    for column in numbers:
        assert np.allclose(now[column], stored[column], rtol=1e-9, atol=1e-12, equal_nan=True), column


@pytest.mark.parametrize("engine", ENGINES)
def test_the_golden_scenario_exercises_what_it_should(engine):
    stored = pd.read_csv(STORED[engine]).set_index(["year", "care_type"])
    assert stored.loc[(2021, "jzplus"), "overflow_mean"] > 0, "placement elsewhere"
    assert stored["waiting_mean"].xs("residential", level="care_type").max() > 0, "a waiting list"
    assert stored["blocked_mean"].max() > 0, "blocked beds"
    assert stored["escalations_mean"].xs("foster", level="care_type").min() > 0


if __name__ == "__main__":
    for name, path in STORED.items():
        path.write_text(yearly_csv(name), encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
