"""The simulation held against theory: flow balance with Little's law, Erlang B, M/M/c.

Each check is a z-test (tests/conftest.py: Z = 4) of a per-replication statistic against its
theoretical value, with the standard error estimated from independent replications. Runs
start in (or near) the steady state, so the time averages are unbiased estimates of it.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.analytic import erlang_b, erlang_c, mmc_mean_waiting, steady_state
from simulator.experiment import run_replications
from simulator.results import yearly_arrays
from simulator.settings import ENGINES
from simulator.timeline import compile_plan
from tests.conftest import make_scenario, mean_and_se, within

pytestmark = pytest.mark.slow


@pytest.fixture(params=ENGINES)
def engine(request):
    """Theory holds for both engines: the reference and the hybrid."""
    return request.param


NETWORK = {
    "a": {
        "stay_months": 8,
        "stay_cv": 0.5,
        "inflow_per_year": 60,
        "escalation_per_year": {"b": 0.3, "c": 0.1},
        "outflow": {"exit": 0.8, "b": 0.2},
    },
    "b": {
        "stay_months": 6,
        "stay_cv": 1.0,
        "inflow_per_year": 30,
        "escalation_per_year": {"c": 0.4},
        "outflow": {"a": 0.5, "exit": 0.5},
    },
    "c": {
        "stay_months": 4,
        "stay_cv": 0.7,
        "inflow_per_year": 10,
        "outflow": {"b": 0.7, "a": 0.2, "exit": 0.1},
    },
}


def at_steady_state(care_types: dict, **top):
    """The scenario with each type's initial occupancy set to its analytic steady state."""
    theory = steady_state(make_scenario(care_types, **top))
    for i, care in enumerate(care_types.values()):
        care["initial"] = round(theory.occupancy[i])
    return make_scenario(care_types, **top), theory


def per_replication(plan, reps, key, skip_years=0):
    values = yearly_arrays(plan, reps)[key][:, skip_years:, :]  # (R, Y, n)
    days = yearly_arrays(plan, reps)["days"][skip_years:]
    if key in ("admissions", "escalations", "discharges"):
        return values.sum(axis=1) / (days.sum() / 365.25)  # per year
    return (values * days[None, :, None]).sum(axis=1) / days.sum()  # time average


def test_flow_balance_and_littles_law_in_a_network_with_escalation_and_reentry(engine):
    scenario, theory = at_steady_state({k: dict(v) for k, v in NETWORK.items()}, years=10)
    plan = compile_plan(scenario)
    reps = run_replications(plan, 30, seed=2024, workers=2, engine=engine)
    entries = per_replication(plan, reps, "admissions")
    occupancy = per_replication(plan, reps, "occupancy")
    for i, name in enumerate(plan.names):
        mean, se = mean_and_se(entries[:, i])
        assert within(mean, theory.entries_per_year[i], se), (
            name,
            "entries",
            mean,
            theory.entries_per_year[i],
            se,
        )
        mean, se = mean_and_se(occupancy[:, i])
        assert within(mean, theory.occupancy[i], se), (name, "occupancy", mean, theory.occupancy[i], se)
    # Re-entry and escalation really happen (the test would be trivial otherwise).
    flows = np.mean([r.transitions for r in reps], axis=0)
    assert flows[1, 0] > 0 and flows[0, 2] > 0 and flows[2, 1] > 0


def test_initial_youths_start_mid_stay_not_all_fresh(engine):
    """With the steady state as start, the first year's occupancy is the steady state. Had
    every initial youth started a full stay, year 1 would be about 50% too high here."""
    care = {
        "unit": {
            "stay_months": 12,
            "stay_cv": 0.3,
            "inflow_per_year": 100,
            "escalation_per_year": {"heavy": 0.5},
        },
        "heavy": {"stay_months": 3, "outflow": {"exit": 1.0}},
    }
    scenario, theory = at_steady_state(care, years=1)
    plan = compile_plan(scenario)
    reps = run_replications(plan, 30, seed=11, workers=2, engine=engine)
    first_year = per_replication(plan, reps, "occupancy")
    for i, name in enumerate(plan.names):
        mean, se = mean_and_se(first_year[:, i])
        assert within(mean, theory.occupancy[i], se), (name, mean, theory.occupancy[i], se)


def test_erlang_b_for_a_full_unit_that_places_elsewhere_with_non_exponential_stays(engine):
    """Erlang B is insensitive to the stay distribution: gamma stays with CV 0.5."""
    servers, load, stay_months = 10, 8.0, 3.0
    blocking = erlang_b(servers, load)
    care = {
        "unit": {
            "stay_months": stay_months,
            "stay_cv": 0.5,
            "inflow_per_year": load / (stay_months / 12),
            "capacity": servers,
            "when_full": "elsewhere",
            "initial": round(load * (1 - blocking)),
        }
    }
    plan = compile_plan(make_scenario(care, years=20))
    reps = run_replications(plan, 30, seed=3, workers=2, engine=engine)
    placed = np.array([r.counts[:, 1, 0].sum() for r in reps])
    admitted = np.array([r.counts[:, 0, 0].sum() for r in reps])
    mean, se = mean_and_se(placed / admitted)
    assert within(mean, blocking, se), (mean, blocking, se)
    mean, se = mean_and_se(per_replication(plan, reps, "occupancy")[:, 0])
    assert within(mean, load * (1 - blocking), se), (mean, load * (1 - blocking), se)
    mean, se = mean_and_se(per_replication(plan, reps, "overflow")[:, 0])
    assert within(mean, load * blocking, se), (mean, load * blocking, se)
    # The yearly delayed share (placed elsewhere / admitted) estimates the same B(10, 8).
    mean, se = mean_and_se(np.nanmean(yearly_arrays(plan, reps)["delayed_share"][:, :, 0], axis=1))
    assert within(mean, blocking, se), (mean, blocking, se)


def test_mmc_waiting_list_for_a_full_unit_that_keeps_a_fifo_list(engine):
    servers, load, stay_months = 4, 3.0, 3.0
    care = {
        "unit": {
            "stay_months": stay_months,
            "stay_cv": 1.0,
            "inflow_per_year": load / (stay_months / 12),
            "capacity": servers,
            "when_full": "wait",
            "initial": 3,
        }
    }
    plan = compile_plan(make_scenario(care, years=22))
    reps = run_replications(plan, 40, seed=5, workers=2, engine=engine)
    waiting = per_replication(plan, reps, "waiting", skip_years=2)[:, 0]  # two years of warm-up
    mean, se = mean_and_se(waiting)
    assert within(mean, mmc_mean_waiting(servers, load), se), (mean, mmc_mean_waiting(servers, load), se)
    mean, se = mean_and_se(per_replication(plan, reps, "occupancy", skip_years=2)[:, 0])
    assert within(mean, load, se), (mean, load, se)  # every youth is served: busy places = offered load
    assert per_replication(plan, reps, "overflow").max() == 0
    # Waiting probability C(4, 3) and mean wait W_q = C / (c mu - lambda), per admission.
    arrays = yearly_arrays(plan, reps)
    mean, se = mean_and_se(arrays["delayed_share"][:, 2:, 0].mean(axis=1))
    assert within(mean, erlang_c(servers, load), se), (mean, erlang_c(servers, load), se)
    stay_days = stay_months * 365.25 / 12
    wait_days = erlang_c(servers, load) / (servers / stay_days - load / stay_days)
    mean, se = mean_and_se(arrays["mean_wait_days"][:, 2:, 0].mean(axis=1))
    assert within(mean, wait_days, se), (mean, wait_days, se)


def test_placements_per_unique_youth_a_year_with_returns_via_aftercare(engine):
    """JZ+ leavers go to a regional provider (80%) and come back at hazard 1.7 a year: the
    simulated placements / distinct youths a year against the closed form (no capacity,
    started at steady state)."""
    from simulator.analytic import placements_per_youth

    hazard = 1.7
    care = {
        "after": {
            "stay_months": 12,
            "stay_cv": 0.8,
            "escalation_per_year": {"jz": hazard},
            "outflow": {"exit": 1.0},
        },
        "jz": {
            "stay_months": 6.5,
            "stay_cv": 0.9,
            "inflow_per_year": 200,
            "outflow": {"after": 0.8, "exit": 0.2},
        },
    }
    scenario, _ = at_steady_state(care, years=6)
    plan = compile_plan(scenario)
    reps = run_replications(plan, 30, seed=8, workers=2, engine=engine)
    arrays = yearly_arrays(plan, reps)
    ratio = arrays["admissions"][:, 1:, 1].sum(axis=1) / arrays["admitted_youths"][:, 1:, 1].sum(axis=1)
    theory, _ = placements_per_youth(6.5 * 365.25 / 12, 0.9, 12 * 365.25 / 12, 0.8, 0.8, hazard / 365.25)
    mean, se = mean_and_se(ratio)
    assert within(mean, theory, se), (mean, theory, se)
