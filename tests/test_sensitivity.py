"""Sensitivity analysis (issue 14, part 2): Morris elementary effects of the uncertain inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from simulator.cli import main
from simulator.sensitivity import SensitivityError, design, run_sensitivity
from tests.conftest import make_scenario

# One care type, 100 a year; in steady state the mean occupancy is inflow x stay (Little's
# law): over its range a stay of 6-18 months moves it by 100 x 12/12 = 100 youths, an inflow
# of 95-105 by 10 x 12/12 = 10. Morris's mu* is the effect over an input's whole range.
CARE = {"care": {"stay_months": 12, "inflow_per_year": 100, "initial": 100}}
SPREADS = {
    "care_types.care.stay_months": {"low": 6, "high": 18},
    "care_types.care.inflow_per_year": {"low": 95, "high": 105},
}


def scenario(**top):
    return make_scenario(CARE, years=6, replications=10, uncertainty=SPREADS, **top)


def test_the_dominant_input_is_ranked_first_with_the_effect_theory_gives():
    table = run_sensitivity(scenario(), year=2026, trajectories=6, workers=1)
    occupancy = table[(table.measure == "occupancy_mean") & (table.care_type == "care")]
    first, second = occupancy.iloc[0], occupancy.iloc[1]
    assert first.parameter == "care_types.care.stay_months"
    # Steady state after 5 years (the start's 100 youths have left: e^(-60/18) < 4%); the
    # Poisson noise of 10 replications (SE about 3) shrinks further with common random numbers.
    assert 85 <= first.mu_star <= 115
    assert 5 <= second.mu_star <= 15
    assert list(table.columns[:6]) == ["parameter", "measure", "care_type", "year", "mu_star", "sigma"]
    assert set(table.measure) == {"beds_needed", "delayed_share_mean", "cost_mean", "occupancy_mean"}


def test_the_design_is_reproducible_and_stays_within_the_ranges():
    first, again = design(scenario(), 4), design(scenario(), 4)
    assert (first.values == again.values).all() and first.values.shape == (4 * 3, 2)
    assert first.values[:, 0].min() >= 6 and first.values[:, 0].max() <= 18
    assert not (design(scenario(seed=8), 4).values == first.values).all()


def test_nothing_to_vary_is_refused():
    with pytest.raises(SensitivityError, match="no uncertainty block"):
        run_sensitivity(make_scenario(CARE), year=2022)


def test_the_command_writes_the_table_or_refuses_with_exit_2(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    import yaml

    path.write_text(yaml.safe_dump(scenario().to_dict(), allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    assert (
        main(
            ["sensitivity", str(path), "--out", str(out), "--trajectories", "3", "--year", "2026", "--quiet"]
        )
        == 0
    )
    table = pd.read_csv(out / "sensitivity.csv")
    assert len(table) == 2 * 4 and {"mu_star", "sigma"} <= set(table.columns)
    assert (out / "run.json").exists()
    plain = tmp_path / "plain.yaml"
    plain.write_text(yaml.safe_dump(make_scenario(CARE).to_dict()), encoding="utf-8")
    assert main(["sensitivity", str(plain), "--out", str(tmp_path / "no")]) == 2
    assert "no uncertainty block" in capsys.readouterr().err and not (tmp_path / "no").exists()
    assert main(["sensitivity", str(path), "--out", str(tmp_path / "big"), "--max-stays", "1000"]) == 2
    assert "--max-stays" in capsys.readouterr().err and not (tmp_path / "big").exists()
