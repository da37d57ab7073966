"""Uncertain inputs (issue 14, part 1): the block's checks, the Latin hypercube draws, and
replications that run with their own draw while keeping their chance."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import uncertainty
from simulator.cli import main
from simulator.experiment import run_experiment, run_replication
from simulator.scenario import ScenarioError, central, drawn_scenario
from simulator.timeline import compile_plan
from tests.conftest import make_scenario

CHAIN = {
    "home": {"stay_months": 6, "inflow_per_year": 100, "escalation_per_year": {"residential": 0.2}},
    "residential": {"stay_months": 12, "inflow_per_year": 50, "initial": 40},
}
POLICY = [{"name": "minder instroom", "from": "2022-01", "inflow_change_per_year": {"residential": -0.05}}]
SPREADS = {
    "care_types.residential.stay_months": {"low": 9, "high": 15},
    "care_types.residential.inflow_per_year": {"low": 40, "high": 60, "mode": 50},
    "policies[0].inflow_change_per_year.residential": {"low": -0.1, "high": 0.0},
}


def uncertain(spreads=SPREADS, **top):
    top.setdefault("policies", POLICY)
    return make_scenario(CHAIN, uncertainty=spreads, **top)


def problems_of(spreads) -> dict[str, str]:
    with pytest.raises(ScenarioError) as raised:
        uncertain(spreads)
    return {path: str(message) for path, message in raised.value.problems}


@pytest.mark.parametrize(
    ("path", "spread", "field", "words"),
    [
        ("care_types.residentail.stay_months", {"low": 1, "high": 2}, "", "no care type 'residentail'"),
        ("policies[3].stay_factor.home", {"low": 1, "high": 2}, "", "no policy number 3"),
        ("care_types.home.outflow.exit", {"low": 0.5, "high": 1}, "", "shares must keep summing to 1"),
        ("care_types.home.capacity", {"low": 5, "high": 9}, "", "summarised with one value"),
        ("care_types.home.label", {"low": 1, "high": 2}, "", "not an uncertain input"),
        ("care_types.home.escalation_per_year", {"low": 0, "high": 1}, "", "name the care type"),
        ("care_types.home.max_wait_months", {"low": 1, "high": 2}, "", "not set in the scenario"),
        ("policies[0].stay_factor.home", {"low": 1, "high": 2}, "", "stay_factor has no 'home'"),
        ("stay_months", {"low": 1, "high": 2}, "", "not a path to an input"),
        ("care_types.home.stay_months", {"low": 6, "high": 4}, "", "low 6 is above high 4"),
        ("care_types.home.stay_months", {"low": 4, "high": 6, "mode": 7}, "", "mode 7 is not between low 4"),
        (
            "care_types.home.stay_months",
            {"low": 0.001, "high": 6},
            ".low",
            "with this value: care_types.home",
        ),
        ("care_types.home.stay_months", {"lo": 1, "high": 6}, ".lo", "unknown field"),
    ],
)
def test_a_bad_entry_is_refused_with_its_path_and_why(path, spread, field, words):
    found = problems_of({path: spread})
    where = f"uncertainty.{path}{field}"
    assert where in found, found
    assert words in found[where]


def test_the_cli_refuses_a_bad_path_with_exit_2_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "onzeker.yaml"
    bad.write_text(
        "name: x\nstart: '2021-01'\ncare_types:\n  home: {stay_months: 6, inflow_per_year: 10}\n"
        "uncertainty:\n  care_types.home.stay_month: {low: 1, high: 2}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["run", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "uncertainty.care_types.home.stay_month" in err and "Traceback" not in err
    assert not out.exists()


def test_the_block_survives_a_round_trip_and_an_empty_one_is_not_written():
    scenario = uncertain()
    assert (
        make_scenario(CHAIN, **{k: v for k, v in scenario.to_dict().items() if k != "care_types"}) == scenario
    )
    assert "uncertainty" not in make_scenario(CHAIN).to_dict()


def test_each_path_is_one_column_of_a_latin_hypercube():
    n = 50
    u = uncertainty.unit_draws(seed=3, path="care_types.home.stay_months", n=n)
    assert sorted(np.floor(u * n).astype(int)) == list(range(n))  # one value in every stratum
    assert not np.array_equal(np.floor(u * n), np.arange(n))  # in a random order


def test_the_same_seed_gives_the_same_draws_and_another_seed_others():
    first, again = uncertainty.draws(uncertain()), uncertainty.draws(uncertain())
    other = uncertainty.draws(uncertain(seed=8))
    for path in SPREADS:
        assert np.array_equal(first[path], again[path])
        assert not np.array_equal(first[path], other[path])


def test_scenarios_that_differ_elsewhere_draw_the_same_values_for_a_shared_path():
    path = "care_types.residential.stay_months"
    base = uncertainty.draws(uncertain({path: SPREADS[path]}))[path]
    more = uncertainty.draws(uncertain())[path]  # two more paths
    other_lever = uncertain({path: SPREADS[path]}, policies=[{**POLICY[0], "stay_factor": {"home": 0.8}}])
    assert np.array_equal(base, more)
    assert np.array_equal(base, uncertainty.draws(other_lever)[path])


@pytest.mark.parametrize("mode", [None, 50.0, 42.0])
def test_the_draws_follow_the_distribution(mode):
    # Uniform or triangular on [40, 60]: mean (low + high + mode) / 3 for a triangle. A Latin
    # hypercube's mean is at least as close as a random sample's, so 4 standard errors of an
    # independent sample bound it; the quartiles lie within 2/n of probability of the truth.
    low, high, n = 40.0, 60.0, 2000
    values = uncertainty.from_unit(uncertainty.unit_draws(1, "p", n), low, high, mode)
    if mode is None:
        mean, sd = (low + high) / 2, (high - low) / math.sqrt(12)
        cdf = (values[:, None] <= np.array([45.0, 50.0, 55.0])).mean(axis=0)
        assert np.allclose(cdf, [0.25, 0.5, 0.75], atol=2 / n)
    else:
        mean = (low + high + mode) / 3
        sd = math.sqrt((low**2 + high**2 + mode**2 - low * high - low * mode - high * mode) / 18)
        below_mode = (values <= mode).mean()
        assert abs(below_mode - (mode - low) / (high - low)) <= 2 / n
    assert abs(values.mean() - mean) <= 4 * sd / math.sqrt(n)
    assert values.min() >= low and values.max() <= high


def test_a_replication_runs_with_its_own_draw_and_keeps_its_chance():
    scenario = uncertain()
    plan = compile_plan(scenario)
    for k in (0, 3):
        drawn = compile_plan(drawn_scenario(scenario, k))
        assert not drawn.scenario.uncertainty
        expected = run_replication(drawn, k)
        got = run_replication(plan, k)
        assert np.array_equal(got.levels, expected.levels)
    # A range of one value is the scenario itself: the same arrivals, stays and routing.
    point = {"care_types.residential.stay_months": {"low": 12, "high": 12}}
    fixed = run_replication(compile_plan(uncertain(point)), 2)
    assert np.array_equal(fixed.levels, run_replication(compile_plan(uncertain({})), 2).levels)


def test_uncertain_stays_widen_the_band_as_theory_says():
    # One care type, 100 a year, stays of 12 months: in steady state the occupancy is Poisson
    # with mean 100 (P10-P90 about 2 x 1.28 x 10 = 26 wide). With the stay uniform on 6-18
    # months the mean itself is uniform on 50-150 (P10-P90 of the mean alone: 80 wide).
    care = {"care": {"stay_months": 12, "inflow_per_year": 100, "initial": 100}}
    spread = {"care_types.care.stay_months": {"low": 6, "high": 18}}
    both = make_scenario(care, years=6, replications=40, uncertainty=spread)
    widths = {}
    for name, scenario in (("chance", central(both)), ("both", both)):
        yearly = run_experiment(scenario, workers=1).yearly
        last = yearly[yearly.year == yearly.year.max()].iloc[0]
        widths[name] = last.occupancy_p90 - last.occupancy_p10
        assert abs(last.occupancy_mean - 100) <= 4 * (10 if name == "chance" else 29 / math.sqrt(40)) + 2
    assert 13 <= widths["chance"] <= 39  # 26 within half of itself (40 replications)
    assert 55 <= widths["both"] <= 105


def test_parallel_runs_equal_serial_runs_with_uncertainty():
    scenario = uncertain(replications=6)
    serial = run_experiment(scenario, workers=1).yearly
    parallel = run_experiment(scenario, workers=2).yearly
    assert serial.equals(parallel)


# A named assumption: a residential stay of 9-15 months whose calibration keeps the occupancy
# (inflow x stay / 12 = 50 youths) and pays the same yearly cost per youth (tariff x 365 x
# stay / 12 = 87,600 euro), given at three values as a calibration would give them.
NAMED = {
    "assumptions.residential_stay": {
        "low": 9,
        "high": 15,
        "mode": 12,
        "label": "Verblijf residentieel",
        "at": [9, 12, 15],
        "sets": {
            "care_types.residential.stay_months": [9, 12, 15],
            "care_types.residential.inflow_per_year": [66.667, 50, 40],
            "care_types.residential.cost_per_day": [320, 240, 192],
        },
    }
}


# The file holds the calibration at the assumption's own value (12 months), as a preset does.
NAMED_CHAIN = {**CHAIN, "residential": {**CHAIN["residential"], "cost_per_day": 240.0}}


def named(spreads=NAMED, **top):
    return make_scenario(NAMED_CHAIN, uncertainty=spreads, **top)


def test_a_named_assumption_sets_its_inputs_together_by_interpolation():
    scenario = named(replications=8)
    values = uncertainty.draws(scenario)["assumptions.residential_stay"]
    for k, value in enumerate(values):
        care = drawn_scenario(scenario, k).care_types["residential"]
        assert care.stay_months == pytest.approx(value)
        assert care.inflow_per_year == pytest.approx(np.interp(value, [9, 12, 15], [66.667, 50, 40]))
        assert care.cost_per_day == pytest.approx(np.interp(value, [9, 12, 15], [320, 240, 192]))
    # At a value of 'at' the inputs are exactly the calibrated ones.
    assert uncertainty.assumption_values(scenario, "assumptions.residential_stay", 15.0) == {
        "care_types.residential.stay_months": 15.0,
        "care_types.residential.inflow_per_year": 40.0,
        "care_types.residential.cost_per_day": 192.0,
    }
    assert uncertainty.path_label(scenario, "assumptions.residential_stay") == "Verblijf residentieel"
    assert uncertainty.current_value(scenario, "assumptions.residential_stay") == 12


def test_each_replication_pays_its_own_drawn_tariff():
    scenario = named(replications=4, years=2)
    results = run_experiment(scenario, workers=1)
    monthly = results.monthly
    for k in range(4):
        tariff = drawn_scenario(scenario, k).care_types["residential"].cost_per_day
        rows = monthly[(monthly.replication == k) & (monthly.care_type == "residential")]
        days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] * 2, dtype=float)
        expected = (rows.occupancy.to_numpy() + rows.overflow.to_numpy()) * days * tariff
        np.testing.assert_allclose(rows.cost.to_numpy(), expected, rtol=1e-9)


@pytest.mark.parametrize(
    ("entry", "field", "words"),
    [
        ({"low": 9, "high": 15}, "", "says with 'at' and 'sets' which inputs"),
        ({"low": 9, "high": 15, "at": [9, 15]}, "", "'at' and 'sets' go together"),
        (
            {"low": 9, "high": 15, "at": [10, 15], "sets": {"care_types.home.stay_months": [5, 7]}},
            "",
            "does not cover low 9",
        ),
        (
            {"low": 9, "high": 15, "at": [9, 15], "sets": {"care_types.home.stay_months": [5]}},
            "",
            "has 1 values",
        ),
        (
            {"low": 9, "high": 15, "at": [15, 9], "sets": {"care_types.home.stay_months": [5, 7]}},
            "",
            "increasing",
        ),
        (  # a date of a capacity schedule the care type does not have
            {"low": 9, "high": 15, "at": [9, 15], "sets": {"care_types.home.capacity.2030": [5, 7]}},
            ".sets.care_types.home.capacity.2030",
            "is not an uncertain input",
        ),
        (
            {"low": 9, "high": 15, "at": [9, 15], "sets": {"care_types.homee.stay_months": [5, 7]}},
            ".sets.care_types.homee.stay_months",
            "no care type 'homee'",
        ),
        (
            {"low": 9, "high": 15, "at": [9, 15], "sets": {"care_types.residential.stay_months": [5, 7]}},
            ".sets.care_types.residential.stay_months",
            "already set by uncertainty.care_types.residential.stay_months",
        ),
        (
            {"low": 9, "high": 15, "at": [9, 15], "sets": {"care_types.home.stay_months": [-20, 7]}},
            ".low",
            "with this value",
        ),
    ],
)
def test_a_bad_named_assumption_is_refused_with_its_field_and_why(entry, field, words):
    spreads = {"care_types.residential.stay_months": {"low": 9, "high": 15}, "assumptions.x": entry}
    found = problems_of(spreads)
    where = f"uncertainty.assumptions.x{field}"
    assert where in found, found
    assert words in found[where], found[where]


def test_a_path_with_sets_is_refused():
    found = problems_of(
        {
            "care_types.home.stay_months": {
                "low": 4,
                "high": 8,
                "at": [4, 8],
                "sets": {"care_types.home.inflow_per_year": [90, 110]},
            }
        }
    )
    assert "'at' and 'sets' go together" in found["uncertainty.care_types.home.stay_months"]


def test_a_drawn_capacity_is_each_replications_own_in_the_summaries():
    """A named assumption that sets a capacity (Flevoland's do): every replication's
    occupancy rate is over its own capacity, and the capacity columns are their mean."""
    chain = {"care": {"stay_months": 6, "inflow_per_year": 40, "initial": 20, "capacity": 24}}
    named = {
        "assumptions.places": {
            "low": 0.5,
            "high": 1.5,
            "mode": 1.0,
            "at": [0.5, 1.5],
            "sets": {"care_types.care.capacity": [16, 32]},
        }
    }
    scenario = make_scenario(chain, years=2, replications=6, uncertainty=named)
    results = run_experiment(scenario, workers=1)
    from simulator.results import yearly_arrays

    arrays = yearly_arrays(results.plan, results.replications)
    places = np.array(
        [drawn_scenario(scenario, k).care_types["care"].capacity for k in range(6)], dtype=float
    )
    assert len(set(places)) > 1  # the draws differ
    np.testing.assert_allclose(
        arrays["occupancy_rate"][:, :, 0], arrays["occupancy"][:, :, 0] / places[:, None]
    )
    yearly = results.yearly
    assert list(yearly["capacity"]) == [round(places.mean())] * 2
    assert yearly["capacity_mean"].to_numpy() == pytest.approx([places.mean()] * 2)


# Two named assumptions that both set the residential inflow (50 in the file, and in both
# calibrations at their own value 1.0).
SHARED = {
    "assumptions.a": {
        "low": 0,
        "high": 2,
        "mode": 1,
        "at": [0, 2],
        "sets": {
            "care_types.residential.inflow_per_year": [40, 60],
            "care_types.residential.cost_per_day": [200, 280],
        },
    },
    "assumptions.b": {
        "low": 0,
        "high": 2,
        "mode": 1,
        "at": [0, 2],
        "sets": {
            "care_types.residential.inflow_per_year": [45, 55],
            "care_types.residential.cost_per_day": [230, 250],
        },
    },
}


def test_two_named_assumptions_on_one_input_add_their_changes():
    scenario = named(SHARED, replications=6, years=2)
    data = uncertainty.set_values(scenario, {"assumptions.a": 2.0, "assumptions.b": 0.0})
    assert data["care_types"]["residential"]["inflow_per_year"] == pytest.approx(50 + 10 - 5)
    assert data["care_types"]["residential"]["cost_per_day"] == pytest.approx(240 + 40 - 10)
    # The summaries' drawn tariffs are those of each replication's scenario.
    tariffs = uncertainty.drawn_inputs(scenario, ["care_types.residential.cost_per_day"])
    for k in range(6):
        expected = drawn_scenario(scenario, k).care_types["residential"].cost_per_day
        assert tariffs["care_types.residential.cost_per_day"][k] == pytest.approx(expected)
