"""Sweeps (issue 14, part 3): a grid of settings with common random numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from simulator import uncertainty
from simulator.cli import main
from simulator.experiment import run_experiment
from simulator.scenario import with_values
from simulator.sweep import SweepError, parse_vary, run_sweep
from tests.conftest import make_scenario

CHAIN = {
    "residential": {
        "stay_months": 12,
        "inflow_per_year": 60,
        "initial": 50,
        "escalation_per_year": {"jzplus": 0.2},
    },
    "jzplus": {"stay_months": 5, "inflow_per_year": 10, "initial": 8, "capacity": {2021: 12, 2022: 10}},
}
POLICY = [{"name": "minder", "from": "2022-01", "inflow_change_per_year": {"jzplus": -0.05}}]
GRID = ["care_types.jzplus.capacity.2022=8,12", "policies[0].inflow_change_per_year.jzplus=-0.1,0"]


def scenario(**top):
    return make_scenario(CHAIN, years=3, replications=4, policies=POLICY, **top)


def test_every_point_equals_a_single_run_of_that_point():
    base = scenario()
    grid = parse_vary(GRID, base)
    table = run_sweep(base, grid, workers=1)
    assert len(table) == 4 * 3 * 2  # points x years x care types
    assert list(table.columns[:2]) == [
        "care_types.jzplus.capacity.2022",
        "policies[0].inflow_change_per_year.jzplus",
    ]
    for capacity in (8, 12):
        for change in (-0.1, 0.0):
            values = {
                "care_types.jzplus.capacity.2022": capacity,
                "policies[0].inflow_change_per_year.jzplus": change,
            }
            alone = run_experiment(with_values(base, values, grid=True), workers=1).yearly.reset_index(
                drop=True
            )
            point = table[
                (table["care_types.jzplus.capacity.2022"] == capacity)
                & (table["policies[0].inflow_change_per_year.jzplus"] == change)
            ]
            pd.testing.assert_frame_equal(point.drop(columns=list(values)).reset_index(drop=True), alone)
    # Common random numbers: the capacity does not touch the arrivals of the light care type.
    first = table[table["care_types.jzplus.capacity.2022"] == 8]
    assert (first["year"] == 2021).any()


def test_points_share_their_random_numbers():
    # The same point listed under two grids is the same run: the seed, not the grid, decides.
    base = scenario()
    one = run_sweep(base, parse_vary(["care_types.jzplus.capacity.2022=10"], base), workers=1)
    two = run_sweep(base, parse_vary(["care_types.jzplus.capacity.2022=8,10"], base), workers=1)
    pd.testing.assert_frame_equal(
        one.reset_index(drop=True), two[two["care_types.jzplus.capacity.2022"] == 10].reset_index(drop=True)
    )
    # With 10 places in 2022 (the scenario's own) the point is the scenario itself.
    pd.testing.assert_frame_equal(
        one.drop(columns=["care_types.jzplus.capacity.2022"]),
        run_experiment(base, workers=1).yearly.reset_index(drop=True),
    )


@pytest.mark.parametrize(
    ("flag", "words"),
    [
        ("care_types.jzplus.capacity.2023=5,6", "capacity has no '2023'"),
        ("care_types.jzplus.stay_months=4,x", "'x' is not a number"),
        ("care_types.jzplus.outflow.exit=0.5", "shares must keep summing to 1"),
        ("care_types.jzplus.stay_months", "write PATH=V1,V2"),
        ("care_types.jzplus.stay_months=4,4", "listed twice"),
        ("care_types.jzplus.stay_months=0.001,5", "care_types.jzplus.stay_months"),
    ],
)
def test_bad_grids_exit_2_naming_the_flag_and_write_nothing(tmp_path, capsys, flag, words):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario().to_dict(), sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--vary", flag, "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err, err
    assert not out.exists()


def test_the_command_writes_the_grid(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario().to_dict(), sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    assert (
        main(["sweep", str(path), *[a for g in GRID for a in ("--vary", g)], "--out", str(out), "--quiet"])
        == 0
    )
    table = pd.read_csv(out / "sweep.csv")
    assert len(table) == 24 and table["care_types.jzplus.capacity.2022"].nunique() == 2
    assert (out / "run.json").exists()


def test_too_many_points_are_refused():
    base = scenario()
    many = [
        f"care_types.jzplus.stay_months={','.join(str(4 + k / 100) for k in range(40))}",
        f"care_types.residential.stay_months={','.join(str(10 + k / 100) for k in range(30))}",
    ]
    with pytest.raises(SweepError, match="at most 1000"):
        run_sweep(base, parse_vary(many, base), workers=1)


def test_an_interrupted_sweep_resumes_from_the_points_it_finished(tmp_path, monkeypatch):
    import simulator.results as results

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario().to_dict(), sort_keys=False), encoding="utf-8")
    flags = [a for g in GRID for a in ("--vary", g)]
    whole = tmp_path / "whole"
    assert main(["sweep", str(path), *flags, "--out", str(whole), "--quiet", "--workers", "1"]) == 0

    real, calls = results.summarise, []  # once per point, when its replications are in

    def stops_after_two(*args, **kwargs):
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append(1)
        return real(*args, **kwargs)

    out = tmp_path / "out"
    monkeypatch.setattr(results, "summarise", stops_after_two)
    assert main(["sweep", str(path), *flags, "--out", str(out), "--quiet", "--workers", "1"]) == 130
    assert not out.exists() and len(list((tmp_path / ".out.sweep-points").glob("point-*.json"))) == 2

    calls.clear()
    counted = []
    monkeypatch.setattr(results, "summarise", lambda *a, **k: counted.append(1) or real(*a, **k))
    assert main(["sweep", str(path), *flags, "--out", str(out), "--quiet", "--workers", "1"]) == 0
    assert len(counted) == 2  # only the two points not finished before
    assert (out / "sweep.csv").read_bytes() == (whole / "sweep.csv").read_bytes()
    assert not (tmp_path / ".out.sweep-points").exists()
    # Another grid does not reuse the points of this one.
    assert (
        main(
            [
                "sweep",
                str(path),
                "--vary",
                GRID[0],
                "--out",
                str(tmp_path / "o2"),
                "--quiet",
                "--workers",
                "1",
            ]
        )
        == 0
    )


def test_the_page_axis_values_are_even_steps_that_read_easily():
    from simulator.sweep import axis_values

    assert axis_values(32, 54, 3, whole=True) == [32.0, 43.0, 54.0]
    assert axis_values(11.775, 19.625, 3, whole=False) == [11.8, 15.7, 19.6]  # three digits
    assert axis_values(-0.1, 0.0, 3, whole=False) == [-0.1, -0.05, 0.0]
    assert axis_values(40, 42, 5, whole=True) == [40.0, 41.0, 42.0]  # equal after rounding: once


def test_a_named_assumption_can_be_an_axis():
    from tests.test_uncertainty import NAMED, NAMED_CHAIN

    base = make_scenario(NAMED_CHAIN, years=2, replications=2, uncertainty=NAMED)
    grid = parse_vary(["assumptions.residential_stay=9,15"], base)
    table = run_sweep(base, grid, workers=1)
    for stay, inflow in ((9, 66.667), (15, 40)):
        point = with_values(base, {"assumptions.residential_stay": stay}, grid=True)
        assert point.care_types["residential"].inflow_per_year == pytest.approx(inflow)
        alone = run_experiment(point, workers=1).yearly.reset_index(drop=True)
        rows = table[table["assumptions.residential_stay"] == stay].drop(
            columns=["assumptions.residential_stay"]
        )
        pd.testing.assert_frame_equal(rows.reset_index(drop=True), alone)
    with pytest.raises(SweepError, match="not a path"):
        parse_vary(["assumptions.unknown=1,2"], base)
    with pytest.raises(SweepError, match="16 lies outside the calibrated values 9 to 15"):
        parse_vary(["assumptions.residential_stay=10,16"], base)


def test_a_varied_input_stays_at_the_point_while_the_named_assumptions_are_drawn():
    """The grid varies an input that named assumptions also set: at each point it is the
    point's value in every replication; an assumption on the axis still lets the other
    assumption move the inputs they share, around the axis's calibrated value."""
    from simulator.scenario import drawn_scenario
    from simulator.sweep import point_scenario
    from tests.test_uncertainty import NAMED_CHAIN, SHARED

    base = make_scenario(NAMED_CHAIN, years=2, replications=4, uncertainty=SHARED)
    point = point_scenario(base, {"care_types.residential.inflow_per_year": 70.0})
    for k in range(4):
        care = drawn_scenario(point, k).care_types["residential"]
        assert care.inflow_per_year == 70.0 and care.cost_per_day != 240.0  # the tariff is still drawn
    on_axis = point_scenario(base, {"assumptions.a": 2.0})
    b_values = on_axis.uncertainty["assumptions.b"]
    for k in range(4):
        drawn_b = float(np.interp(uncertainty.draws(on_axis)["assumptions.b"][k], b_values.at, [45, 55]))
        inflow = drawn_scenario(on_axis, k).care_types["residential"].inflow_per_year
        assert inflow == pytest.approx(60 + drawn_b - 50)
