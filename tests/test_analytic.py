"""The analytic companion against textbook values and direct Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.analytic import erlang_b, erlang_c, expected_by_year, mmc_mean_waiting, sojourn, steady_state
from tests.conftest import make_scenario


def erlang_b_by_definition(c: int, a: float) -> float:
    terms = [a**k / math.factorial(k) for k in range(c + 1)]
    return terms[-1] / sum(terms)


@pytest.mark.parametrize("c, a", [(1, 1.0), (5, 3.0), (10, 8.0), (43, 37.1), (57, 50.0)])
def test_erlang_b_recursion_equals_the_definition(c, a):
    assert erlang_b(c, a) == pytest.approx(erlang_b_by_definition(c, a), rel=1e-10)


def test_erlang_c_and_mmc_waiting_textbook_values():
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert mmc_mean_waiting(1, 0.5) == pytest.approx(0.5)  # M/M/1: rho^2 / (1 - rho)
    assert mmc_mean_waiting(2, 2.5) == math.inf


@pytest.mark.parametrize("cv, hazard", [(1.0, 0.0), (0.5, 0.002), (1.5, 0.01)])
def test_sojourn_closed_form_matches_monte_carlo(cv, hazard):
    """E[min(T, E)] and P(E < T) for gamma T and exponential E, with 400k direct draws: the
    tolerance is 4 standard errors of those draws."""
    rng = np.random.default_rng(1)
    mean, shape = 150.0, 1 / cv**2
    stays = rng.gamma(shape, mean / shape, 400_000)
    escalations = rng.exponential(1 / hazard, stays.size) if hazard else np.full(stays.size, np.inf)
    sojourns = np.minimum(stays, escalations)
    expected_mean, expected_p = sojourn(mean, cv, hazard)
    assert abs(sojourns.mean() - expected_mean) < 4 * sojourns.std() / math.sqrt(stays.size)
    escalated = (escalations < stays).mean()
    assert (
        abs(escalated - expected_p)
        < 4 * math.sqrt(max(expected_p * (1 - expected_p), 1e-12) / stays.size) + 1e-12
    )


def test_flow_balance_by_hand():
    """a -> b with share 0.5 at the end of each stay, b -> exit: lambda_b = 10 + 0.5 * 20."""
    scenario = make_scenario(
        {
            "a": {"stay_months": 6, "inflow_per_year": 20, "outflow": {"b": 0.5, "exit": 0.5}},
            "b": {"stay_months": 12, "inflow_per_year": 10},
        }
    )
    state = steady_state(scenario)
    assert state.entries_per_year == pytest.approx([20, 20])
    assert state.occupancy == pytest.approx([10, 20])  # Little: 20/yr x 0.5 yr, 20/yr x 1 yr


def test_expected_by_year_follows_policies():
    scenario = make_scenario(
        {"jzplus": {"stay_months": 6, "inflow_per_year": 100}},
        years=3,
        policies=[
            {"name": "korter", "from": "2022-01", "stay_factor": {"jzplus": 0.5}},
            {"name": "minder", "from": "2022-01", "inflow_change_per_year": {"jzplus": -0.1}},
        ],
    )
    by_year = expected_by_year(scenario)
    assert by_year[2021].occupancy[0] == pytest.approx(50)
    assert by_year[2022].occupancy[0] == pytest.approx(90 * 0.25)
    assert by_year[2023].occupancy[0] == pytest.approx(81 * 0.25)


def test_an_escalation_switched_off_by_a_policy_leaves_the_expectation_finite():
    """An escalation factor of 0 (the workshop's escalation lever at -100%) makes a care
    type's escalation hazard 0: its expectation is the chain without that escalation, not
    NaN (0 x 0 / 0 in the routing hid the dashed line in the app)."""
    chain = {
        "foster": {
            "stay_months": 12,
            "inflow_per_year": 50,
            "escalation_per_year": {"residential": 0.2},
            "outflow": {"exit": 1.0},
        },
        "residential": {"stay_months": 6},
    }
    switched_off = make_scenario(
        chain, policies=[{"name": "geen escalatie", "from": "2021-01", "escalation_factor": {"foster": 0.0}}]
    )
    without = make_scenario({**chain, "foster": {**chain["foster"], "escalation_per_year": {}}})
    state = steady_state(switched_off)
    assert np.isfinite(state.occupancy).all()
    assert state.occupancy == pytest.approx(steady_state(without).occupancy)
    assert state.occupancy == pytest.approx([50.0, 0.0])
