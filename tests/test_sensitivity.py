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


@pytest.mark.slow
def test_sobol_indices_share_out_the_variance_as_theory_says():
    """Occupancy is inflow x stay / 12 (Little's law), with the stay uniform on 6-18 months
    and the inflow on 95-105 a year, independent. Then Var(E[Y|stay]) = (100/12)^2 Var(stay)
    = 833.3, Var(E[Y|inflow]) = Var(inflow) = 8.33 and Var(Y) = E[inflow^2] E[stay^2] / 144
    - 100^2 = 842.4: S1(stay) = 0.989, S1(inflow) = 0.0099, ST(stay) = 1 - S1(inflow) = 0.990,
    ST(inflow) = 1 - S1(stay) = 0.011. The run's chance (common random numbers, 10
    replications: a variance of about 10) is within the estimator's error. Each index must
    lie within twice SALib's own 95% interval of theory."""
    table = run_sensitivity(scenario(), year=2026, trajectories=2, method="sobol", samples=64)
    occupancy = table[(table.measure == "occupancy_mean") & (table.care_type == "care")].set_index(
        "parameter"
    )
    theory = {
        "care_types.care.stay_months": {"S1": 833.3 / 842.4, "ST": 1 - 8.33 / 842.4},
        "care_types.care.inflow_per_year": {"S1": 8.33 / 842.4, "ST": 1 - 833.3 / 842.4},
    }
    for parameter, expected in theory.items():
        for index, value in expected.items():
            found, conf = occupancy.loc[parameter, index], occupancy.loc[parameter, f"{index}_conf"]
            assert abs(found - value) <= 2 * conf, (parameter, index, found, value, conf)
    assert occupancy.loc["care_types.care.stay_months", "S1"] > 0.7
    assert occupancy.loc["care_types.care.inflow_per_year", "ST"] < 0.1
    # The Morris columns are still there, for the same inputs.
    assert (
        occupancy.loc["care_types.care.stay_months", "mu_star"]
        > occupancy.loc["care_types.care.inflow_per_year", "mu_star"]
    )


def test_the_command_takes_sobol_with_a_power_of_two(tmp_path, capsys):
    import yaml

    path = tmp_path / "s.yaml"
    path.write_text(
        yaml.safe_dump(make_scenario(CARE, years=2, replications=2, uncertainty=SPREADS).to_dict()),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    flags = ["--trajectories", "2", "--year", "2022", "--quiet", "--method", "sobol"]
    assert main(["sensitivity", str(path), "--out", str(out), *flags, "--samples", "8"]) == 0
    table = pd.read_csv(out / "sensitivity.csv")
    assert {"mu_star", "S1", "S1_conf", "ST", "ST_conf"} <= set(table.columns)
    with pytest.raises(SystemExit) as stopped:
        main(["sensitivity", str(path), "--out", str(tmp_path / "no"), *flags, "--samples", "48"])
    assert stopped.value.code == 2 and "power of 2" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()
    morris = ["--trajectories", "2", "--year", "2022", "--quiet", "--samples", "16"]
    assert main(["sensitivity", str(path), "--out", str(tmp_path / "no"), *morris]) == 2
    assert "give it with --method sobol" in capsys.readouterr().err and not (tmp_path / "no").exists()
