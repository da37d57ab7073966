"""Policies that reach youths already in care, blocked beds, and the year-by-year accounting."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.experiment import run_experiment, run_replications
from simulator.model import OCCUPANCY, OFFERED, OVERFLOW, Model
from simulator.results import yearly_arrays
from simulator.stays import Segments, stay_days
from simulator.timeline import compile_plan
from tests.conftest import make_scenario, mean_and_se, within
from tests.test_model import BUSY, POLICIES

# ---------------------------------------------------------------- the rule, by hand


def test_a_stay_factor_rescales_what_remains_of_a_stay():
    # Mean stay 100 days, halved from day 50. A stay of one mean (x = 1) that starts on day 0
    # has used half of itself by day 50; the other half now takes 25 days: 75 in all.
    segments = Segments((0.0, 50.0), (100.0, 50.0), (0.0, 0.0))
    assert stay_days(segments, 0.0, 1.0, math.inf) == pytest.approx((75.0, False))
    assert stay_days(segments, 60.0, 1.0, math.inf) == pytest.approx((50.0, False))  # starts after the policy
    assert stay_days(segments, 0.0, 0.3, math.inf) == pytest.approx((30.0, False))  # ends before it


def test_an_escalation_hazard_changes_at_once_and_a_factor_zero_stops_escalation():
    # Hazard 0.01 a day until day 50, then 0: threshold 0.4 is reached on day 40; 0.6 never.
    segments = Segments((0.0, 50.0), (100.0, 100.0), (0.01, 0.0))
    assert stay_days(segments, 0.0, 1.0, 0.4) == pytest.approx((40.0, True))
    assert stay_days(segments, 0.0, 1.0, 0.6) == pytest.approx((100.0, False))
    doubled = Segments((0.0, 50.0), (100.0, 100.0), (0.01, 0.02))
    assert stay_days(doubled, 0.0, 1.0, 0.6) == pytest.approx((55.0, True))  # 0.5 by day 50, 0.1 / 0.02 more


def test_segments_merge_dates_at_which_nothing_changes_for_the_care_type():
    merged = Segments.merged([0.0, 10.0, 20.0], [5.0, 5.0, 7.0], [0.1, 0.1, 0.1])
    assert merged.starts == (0.0, 20.0) and merged.mean_days == (5.0, 7.0)
    assert Segments.merged([0.0, 10.0], [5.0, 5.0], [0.0, 0.0]).constant


# ---------------------------------------------------------------- in the model


def test_a_stay_factor_from_a_date_shortens_the_stays_already_under_way():
    """400 youths, exponential stays of 12 months, no inflow; stays halve from 2022. Each
    youth's remaining stay is rescaled, so after the date occupancy decays twice as fast:
    N(t) = 400 e^-1 e^-(t - 12)/6 (months). Were only new stays reached, it would stay at
    400 e^-t/12 (42% more by the middle of 2022)."""
    scenario = make_scenario(
        {"unit": {"stay_months": 12, "initial": 400}},
        years=2,
        policies=[{"name": "korter", "from": "2022-01", "stay_factor": {"unit": 0.5}}],
    )
    plan = compile_plan(scenario)
    reps = run_replications(plan, 20, seed=3, workers=1)
    edges = plan.calendar.month_edges / (365.25 / 12)  # months since the start
    for m in (3, 14, 18, 22):
        a, b = edges[m], edges[m + 1]
        if b <= 12:
            expected = 400 * 12 * (math.exp(-a / 12) - math.exp(-b / 12)) / (b - a)
        else:
            expected = 400 * math.exp(-1) * 6 * (math.exp(-(a - 12) / 6) - math.exp(-(b - 12) / 6)) / (b - a)
        mean, se = mean_and_se([r.levels[m, OCCUPANCY, 0] for r in reps])
        assert within(mean, expected, se), (m, mean, expected, se)


def test_an_escalation_factor_reaches_every_youth_in_care_from_its_date():
    care = {
        "foster": {
            "stay_months": 48,
            "initial": 300,
            "inflow_per_year": 75,
            "escalation_per_year": {"residential": 0.1},
        },
        "residential": {"stay_months": 12},
    }
    stopped = make_scenario(
        care,
        years=4,
        replications=10,
        policies=[{"name": "geen breakdowns", "from": "2023-01", "escalation_factor": {"foster": 0.0}}],
    )
    arrays = yearly_arrays(*_run(stopped))
    foster = 0
    assert arrays["escalations"][:, :2, foster].min() > 10, "before the date youths do escalate"
    assert arrays["escalations"][:, 2:, foster].max() == 0, "a factor 0 leaves no escalation after its date"

    # Doubled: escalations per youth-year in care are twice the hazard, from the first year on.
    doubled = make_scenario(
        care,
        years=4,
        replications=20,
        policies=[{"name": "meer", "from": "2023-01", "escalation_factor": {"foster": 2.0}}],
    )
    arrays = yearly_arrays(*_run(doubled))
    rate = arrays["escalations"][:, 2, foster] / arrays["occupancy"][:, 2, foster]  # 2023: a whole year
    mean, se = mean_and_se(rate)
    assert within(mean, 0.2, se), (mean, se)


def _run(scenario):
    results = run_experiment(scenario, workers=1)
    return results.plan, results.replications


# ---------------------------------------------------------------- blocked beds


WAIT_CHAIN = {
    # Youths in 'a' move on to 'b', which has 3 places and a waiting list: they keep their
    # place in 'a' (a blocked bed) until one frees.
    "a": {"stay_months": 2, "initial": 4, "inflow_per_year": 20, "outflow": {"b": 1.0}},
    "b": {"stay_months": 6, "initial": 3, "capacity": 3, "when_full": "wait"},
}


def test_a_youth_that_waits_to_move_on_keeps_its_place_and_is_counted_when_it_leaves():
    results = run_experiment(make_scenario(WAIT_CHAIN, years=3, replications=6), workers=1)
    arrays = yearly_arrays(results.plan, results.replications)
    a, b = 0, 1
    # 'b' takes about 3 places / 0.5 years = 6 youths a year, so 'a' fills with blocked beds.
    assert arrays["blocked"][:, -1, a].mean() > 10
    assert np.all(arrays["occupancy"][:, :, a] >= arrays["blocked"][:, :, a] - 1e-9)
    # 'a' discharges only those who moved on: as many as 'b' admitted, not the 20 whose stay ended.
    assert np.array_equal(arrays["discharges"][:, :, a], arrays["admissions"][:, :, b])
    assert arrays["discharges"][:, -1, a].mean() < 10


@pytest.mark.parametrize("care, policies", [(WAIT_CHAIN, []), (BUSY, POLICIES)])
def test_in_care_on_1_january_plus_admissions_minus_leavers_is_in_care_a_year_later(care, policies):
    """For every care type, year and replication, exactly."""
    results = run_experiment(make_scenario(care, years=4, replications=4, policies=policies), workers=1)
    arrays = yearly_arrays(results.plan, results.replications)
    start = arrays["in_care_start"]
    flow = arrays["admissions"] - arrays["discharges"] - arrays["escalations"]
    assert np.array_equal(start[:, :-1] + flow[:, :-1], start[:, 1:])
    assert (arrays["blocked"] > 0).any() or care is BUSY


# ---------------------------------------------------------------- offered load and unique youths


def test_the_offered_load_is_the_occupancy_a_unit_without_a_limit_would_have():
    """Where nobody waits, each request holds a virtual place exactly for its stay: the load
    is occupancy (+ overflow for a unit that places elsewhere)."""
    care = {
        "foster": {
            "stay_months": 10,
            "initial": 20,
            "inflow_per_year": 30,
            "escalation_per_year": {"jzplus": 0.3},
        },
        "jzplus": {
            "stay_months": 4,
            "initial": 5,
            "inflow_per_year": 10,
            "capacity": 5,
            "when_full": "elsewhere",
            "outflow": {"foster": 0.5, "exit": 0.5},
        },
    }
    plan = compile_plan(make_scenario(care, years=3))
    result = Model(plan, 1).run()
    assert np.allclose(result.levels[:, OFFERED, 0], result.levels[:, OCCUPANCY, 0], atol=1e-9)
    assert np.allclose(
        result.levels[:, OFFERED, 1],
        result.levels[:, OCCUPANCY, 1] + result.levels[:, OVERFLOW, 1],
        atol=1e-9,
    )
    assert result.levels[:, OVERFLOW, 1].max() > 0, "the unit should be full at times"


def test_a_waiting_list_adds_no_waiting_time_to_the_offered_load():
    results = run_experiment(make_scenario(WAIT_CHAIN, years=3, replications=4), workers=1)
    last = results.yearly[results.yearly["year"] == 2023].set_index("care_type")
    # 'b' is offered 20 a year x 6 months = 10 places, whatever the list: not 10 + its backlog.
    assert last.loc["b", "waiting_mean"] > 10
    assert 7 < last.loc["b", "offered_load_mean"] < 13


def test_admitted_youths_count_each_youth_once_a_year():
    care = {
        "a": {"stay_months": 0.5, "inflow_per_year": 100, "outflow": {"b": 1.0}},
        "b": {"stay_months": 0.5, "outflow": {"a": 0.6, "exit": 0.4}},
    }  # short loops: many returns
    results = run_experiment(make_scenario(care, years=2, replications=3), workers=1)
    arrays = yearly_arrays(results.plan, results.replications)
    assert np.all(arrays["admitted_youths"] <= arrays["admissions"])
    assert np.all(arrays["admitted_youths"][:, :, 0] < 0.8 * arrays["admissions"][:, :, 0])
    # Youths in 'a' are new or returned from 'b': new ones are each admitted once at least.
    new = np.array([r.arrivals for r in results.replications]) / 2
    assert np.all(arrays["admitted_youths"][:, :, 0].mean(axis=1) >= new * 0.9)
