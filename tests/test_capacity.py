"""Beds needed as a service level for youths: Erlang B and C, the modified offered load, and
simulations at the capacity it gives."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import analytic, capacity
from simulator.experiment import run_replications
from simulator.results import yearly_arrays
from simulator.timeline import compile_plan
from tests.conftest import make_scenario, mean_and_se, within

# ---------------------------------------------------------------- formulas


def test_erlang_b_and_c_agree_with_the_textbook_recursion():
    for servers in (0, 1, 4, 10, 43, 120):
        for load in (0.5, 3.0, 8.0, 33.0, 100.0):
            assert capacity.erlang_b(servers, load) == pytest.approx(
                analytic.erlang_b(servers, load), rel=1e-9, abs=1e-300
            )
            assert capacity.erlang_c(servers, load) == pytest.approx(
                analytic.erlang_c(servers, load), rel=1e-9
            )
    assert capacity.erlang_b(5, 0.0) == 0.0 and capacity.erlang_b(0, 0.0) == 1.0


def inverse(load: float, level: float, wait: bool) -> int:
    """The smallest c with delay probability <= 1 - level, by counting up (obviously right)."""
    c = 0
    formula = analytic.erlang_c if wait else analytic.erlang_b
    while formula(c, load) > 1 - level:
        c += 1
    return c


@pytest.mark.parametrize("wait", [False, True])
def test_beds_needed_at_a_constant_load_is_the_erlang_inverse(wait):
    loads = np.array([0.3, 2.0, 8.0, 33.2, 150.0, 600.0])
    for level in (0.8, 0.9, 0.95, 0.99):
        monthly = np.repeat(loads[:, None], 12, axis=1)
        found = capacity.beds_needed(monthly, np.ones_like(monthly), level, wait)
        assert found.tolist() == [inverse(a, level, wait) for a in loads], level


@pytest.mark.parametrize("wait", [False, True])
def test_beds_needed_is_the_smallest_capacity_meeting_the_level_whatever_the_guess(wait):
    """Time-varying loads with uneven requests (months and whole periods without any), from
    any starting beta: the search's answer meets the level and one place less does not,
    checked by the definition (delayed_share), the same answer from every guess."""
    rng = np.random.default_rng(7)
    periods = 60
    base = rng.choice([0.0, 0.4, 3.0, 25.0, 140.0, 900.0], size=periods)
    loads = base[:, None] * rng.uniform(0.5, 1.6, size=(periods, 12))
    requests = rng.poisson(np.maximum(loads, 0.5)) * (rng.random((periods, 12)) < 0.8)
    requests[:5] = 0  # periods without a request need no place
    level = 0.95
    answers = [
        capacity.beds_needed(loads, requests, level, wait, beta=beta) for beta in (None, -3.0, 0.0, 2.5, 9.0)
    ]
    for found in answers[1:]:
        assert found.tolist() == answers[0].tolist()
    found = answers[0]
    assert (found[:5] == 0).all()
    share = capacity.delayed_share(found, loads, requests, wait)
    below = capacity.delayed_share(np.maximum(found - 1, 0), loads, requests, wait)
    assert (share <= 1 - level + 1e-12).all()
    assert ((below > 1 - level + 1e-12) | (found == 0)).all()


def test_a_year_with_a_trend_is_not_sized_for_its_peak():
    """Half the year at load 20, half at 40, requests in proportion: the year's 95% lies
    between the two constant answers, well below the peak's."""
    loads = np.array([20.0] * 6 + [40.0] * 6)
    requests = loads.copy()
    needed = int(capacity.beds_needed(loads, requests, 0.95, wait=False))
    assert inverse(20, 0.95, False) < needed < inverse(40, 0.95, False)
    share = capacity.delayed_share(needed, loads, requests, wait=False)
    assert share <= 0.05 < capacity.delayed_share(needed - 1, loads, requests, wait=False)


def test_occupancy_rate_of_a_loss_unit_is_the_carried_load():
    rate = capacity.occupancy_rate(10, np.full(12, 8.0), np.full(12, 30.0), wait=False)
    assert rate == pytest.approx(8 * (1 - analytic.erlang_b(10, 8)) / 10)
    assert capacity.occupancy_rate(10, np.full(12, 12.0), np.full(12, 30.0), wait=True) == pytest.approx(1.0)


# ---------------------------------------------------------------- simulated


def unit(load: float, stay_months: float, wait: bool, places: int | None = None, years: int = 10, **top):
    care = {
        "stay_months": stay_months,
        "inflow_per_year": load / (stay_months / 12),
        "when_full": "wait" if wait else "elsewhere",
        "initial": round(load),
    }
    if places is not None:
        care["capacity"] = places
        if not wait:
            care["initial"] = round(load * (1 - analytic.erlang_b(places, load)))
        else:
            care["initial"] = min(care["initial"], places)
    return compile_plan(make_scenario({"unit": care}, years=years, **top))


@pytest.mark.slow
@pytest.mark.parametrize("wait", [False, True])
@pytest.mark.parametrize("load, level", [(5.0, 0.9), (20.0, 0.95), (40.0, 0.99)])
def test_simulated_beds_needed_in_steady_state_is_the_erlang_inverse_within_one_place(load, level, wait):
    """Stays of one month, 100 replications: a year's mean offered load then has a standard
    error of about sqrt(load / 6) / 10 places (M/G/inf), far less than the place allowed."""
    plan = unit(load, 1.0, wait, years=3, service_level=level)
    reps = run_replications(plan, 100, seed=17, workers=2)
    from simulator.results import beds_needed, capacity_inputs

    needed, _ = beds_needed(plan, *capacity_inputs(plan, reps))
    for found in needed[:, 0]:
        assert abs(found - inverse(load, level, wait)) <= 1, (found, inverse(load, level, wait))


@pytest.mark.slow
@pytest.mark.parametrize("load, level, wait, replications", [(8.0, 0.9, False, 30), (3.0, 0.8, True, 60)])
def test_simulating_at_beds_needed_meets_the_service_level_and_one_place_less_does_not(
    load, level, wait, replications
):
    """B(11, 8) = 0.081 <= 0.1 < B(10, 8) = 0.122; C(6, 3) = 0.099 <= 0.2 < C(5, 3) = 0.236
    (exponential stays, so Erlang C is exact). The margins are 5 to 6 standard errors of the
    simulated share here, so the difference can be detected."""
    reference = unit(load, 3.0, wait, years=3, service_level=level)
    from simulator.results import beds_needed, capacity_inputs

    needed, _ = beds_needed(
        reference, *capacity_inputs(reference, run_replications(reference, 30, seed=1, workers=2))
    )
    places = int(needed[1, 0])
    shares = {}
    for c in (places, places - 1):
        plan = unit(load, 3.0, wait, places=c, years=20, service_level=level)
        reps = run_replications(plan, replications, seed=99, workers=2)  # other seed than the estimate
        shares[c] = yearly_arrays(plan, reps)["delayed_share"][:, 1:, 0].mean(axis=1)
        theory = (analytic.erlang_c if wait else analytic.erlang_b)(c, load)
        mean, se = mean_and_se(shares[c])
        assert within(mean, theory, se), (c, mean, theory, se)
    assert shares[places].mean() <= 1 - level < shares[places - 1].mean()


def test_erlang_b_stays_a_probability_far_above_capacity():
    """P(N <= c) underflows to 0 once the load is far above the capacity (0 places and a load
    of 1,113 youths, from the fuzzer): the ratio was inf, and the expected delayed share with it."""
    for servers, load in ((0, 1113.0), (3, 2000.0), (50, 5000.0), (900, 1e6)):
        assert capacity.erlang_b(servers, load) == pytest.approx(analytic.erlang_b(servers, load), rel=1e-9)
        assert capacity.erlang_c(servers, load) == 1.0
