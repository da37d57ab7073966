"""The output tables: time-weighted means, beds needed, costs, flows, consistency."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.experiment import run_experiment
from simulator.model import OCCUPANCY, OVERFLOW, WAITING, Model, ReplicationResult
from simulator.results import MONTHLY_COLUMNS, YEARLY_COLUMNS, demand_quantiles
from simulator.scenario import scenario_from_dict
from simulator.timeline import compile_plan
from tests.conftest import make_scenario

CARE = {
    "foster": {
        "stay_months": 10,
        "initial": 20,
        "inflow_per_year": 30,
        "escalation_per_year": {"residential": 0.3},
        "cost_per_day": 70,
    },
    "residential": {
        "stay_months": 6,
        "initial": 8,
        "inflow_per_year": 10,
        "capacity": {2021: 9, 2022: 7},
        "when_full": "elsewhere",
        "outflow": {"foster": 0.5, "exit": 0.5},
        "cost_per_day": 300,
    },
}


@pytest.fixture(scope="module")
def results():
    return run_experiment(make_scenario(CARE, years=3, replications=6), workers=1)


def brute_force_monthly_mean(model: Model, channel: int, start: float, end: float) -> float:
    """Integrate the step function event by event (slow, obviously right)."""
    level = model.plan.initial[channel] if channel < model.n else 0
    area, last = 0.0, 0.0
    for t, ch, d in zip(model.log_t, model.log_ch, model.log_d, strict=True):
        if ch != channel:
            continue
        lo, hi = max(last, start), min(t, end)
        if hi > lo:
            area += level * (hi - lo)
        level += d
        last = t
    lo = max(last, start)
    if end > lo:
        area += level * (end - lo)
    return area / (end - start)


def test_monthly_means_are_exact_time_weighted_averages():
    plan = compile_plan(make_scenario(CARE, years=2))
    model = Model(plan, 1)
    result = model.run()
    edges = plan.calendar.month_edges
    for m in (0, 5, 13, 23):
        for channel in (
            0,
            1,
            2 * model.n + 1,
        ):  # occupancy foster, occupancy residential, overflow residential
            kind, index = divmod(channel, model.n)
            expected = brute_force_monthly_mean(model, channel, edges[m], edges[m + 1])
            assert result.levels[m, kind, index] == pytest.approx(expected, abs=1e-9)


def test_youths_in_care_at_each_year_start_and_clients_per_year():
    """year_start counts regional places and placements elsewhere at each 1 January, event
    by event; clients = that count + admissions in the year."""
    plan = compile_plan(make_scenario(CARE, years=3))
    model = Model(plan, 2)
    result = model.run()
    n = model.n
    for y, edge in enumerate(plan.calendar.year_edges[:-1]):
        for i in range(n):
            count = plan.initial[i] + sum(
                d
                for t, ch, d in zip(model.log_t, model.log_ch, model.log_d, strict=True)
                if t < edge and ch in (i, 2 * n + i)
            )
            assert result.year_start[y, i] == count
    results = run_experiment(make_scenario(CARE, years=3, replications=3), workers=1)
    per_type = results.yearly.set_index(["year", "care_type"])
    starts = np.stack([r.year_start for r in results.replications]).mean(axis=0)
    for y, year in enumerate(plan.calendar.years):
        for i, name in enumerate(plan.names):
            row = per_type.loc[(year, name)]
            assert row["clients_mean"] == pytest.approx(starts[y, i] + row["admissions_mean"])


def fake(demand_time: np.ndarray) -> ReplicationResult:
    return ReplicationResult(
        0, np.zeros((12, 5, 1)), np.zeros((12, 7, 1)), np.zeros((2, 2)), [demand_time], 0, 0, 0, 0
    )


def test_demand_p90_is_the_quantile_of_time_at_each_demand_level():
    plan = compile_plan(make_scenario({"x": {"stay_months": 3}}, years=1, service_level=0.95))
    # 90% of the time 5 youths, 4% at 6, 6% at 8: 95% is reached only at 8.
    demand = np.zeros((1, 9))
    demand[0, 5], demand[0, 6], demand[0, 8] = 90, 4, 6
    needed, p90 = demand_quantiles(plan, [fake(demand)])
    assert needed[0, 0] == 8 and p90[0, 0] == 5
    # Pooled over replications: the second one shifts the pooled distribution upward.
    other = np.zeros((1, 12))
    other[0, 11] = 100
    needed, _ = demand_quantiles(plan, [fake(demand), fake(other)])
    assert needed[0, 0] == 11
    # A histogram that starts at a higher level (demand_low) pools at its own levels.
    shifted = fake(np.full((1, 2), 50.0))
    shifted.demand_low = [20]  # half the time at 20, half at 21
    needed, p90 = demand_quantiles(plan, [fake(demand), shifted])
    assert needed[0, 0] == 21 and p90[0, 0] == 21


def test_demand_histogram_covers_every_day_and_matches_occupancy(results):
    plan = results.plan
    for r in results.replications:
        for i in range(plan.n_types):
            days_in_years = r.demand_time[i].sum(axis=1)
            assert days_in_years == pytest.approx(np.diff(plan.calendar.year_edges))
            levels = r.demand_low[i] + np.arange(r.demand_time[i].shape[1])
            mean_demand = (r.demand_time[i] * levels).sum() / r.demand_time[i].sum()
            month_days = np.diff(plan.calendar.month_edges)
            demand = r.levels[:, [OCCUPANCY, WAITING, OVERFLOW], i].sum(axis=1)  # not blocked or offered
            from_levels = (demand * month_days).sum() / month_days.sum()
            assert mean_demand == pytest.approx(from_levels)


def test_tables_have_the_contract_columns_and_agree(results):
    monthly, yearly, flows = results.monthly, results.yearly, results.flows
    assert list(monthly.columns) == MONTHLY_COLUMNS and list(yearly.columns) == YEARLY_COLUMNS
    assert list(flows.columns) == ["from", "to", "per_year_mean"]
    assert len(monthly) == 6 * 36 * 2 and len(yearly) == 3 * 2
    # yearly admissions = monthly admissions summed and averaged over replications
    monthly["year"] = monthly["month"].str[:4].astype(int)
    sums = (
        monthly.groupby(["year", "care_type", "replication"])["admissions"]
        .sum()
        .groupby(["year", "care_type"])
        .mean()
    )
    for row in yearly.itertuples():
        assert row.admissions_mean == pytest.approx(sums[(row.year, row.care_type)])
        assert row.occupancy_p10 <= row.occupancy_p50 <= row.occupancy_p90
    # cost = (occupancy + overflow) x days x tariff
    assert monthly["cost"].sum() / 6 == pytest.approx(yearly["cost_mean"].sum())
    res_2022 = yearly[(yearly.year == 2022) & (yearly.care_type == "residential")].iloc[0]
    assert res_2022.cost_mean == pytest.approx((res_2022.occupancy_mean + res_2022.overflow_mean) * 365 * 300)
    assert yearly.set_index(["year", "care_type"]).loc[(2021, "residential"), "capacity"] == 9
    assert yearly.set_index(["year", "care_type"]).loc[(2022, "residential"), "capacity"] == 7
    assert yearly.set_index(["year", "care_type"])["capacity"].isna().sum() == 3  # foster is unlimited


def test_flows_add_up_to_arrivals_and_exits(results):
    flows = results.flows
    years = 3
    arrivals = np.mean([r.arrivals for r in results.replications]) / years
    exits = np.mean([r.exits for r in results.replications]) / years
    assert flows[flows["from"] == "new"]["per_year_mean"].sum() == pytest.approx(arrivals)
    assert flows[flows["to"] == "exit"]["per_year_mean"].sum() == pytest.approx(exits)
    assert set(flows["from"]) <= {"new", "foster", "residential"}


def test_run_info_records_what_ran(results):
    info = results.run_info()
    assert info["replications"] == 6 and info["seed"] == results.scenario.seed
    # The resolved scenario in run.json reloads into the very scenario that ran.
    assert scenario_from_dict(json.loads(json.dumps(info["scenario"]))) == results.scenario
    assert info["events"] > 0 and info["version"]


def test_youths_in_out_of_home_care_count_the_marked_care_types():
    """Default: every care type but the first; ``out_of_home`` overrides per care type."""
    from simulator.results import totals_per_replication, yearly_arrays

    care = {
        "toegang": {
            "stay_months": 1,
            "initial": 5,
            "inflow_per_year": 40,
            "outflow": {"foster": 1.0},
            "out_of_home": False,
        },
        "foster": CARE["foster"],
        "residential": CARE["residential"],
    }
    for marks, counted in (
        ({}, ["foster", "residential"]),
        ({"toegang": True, "residential": False}, ["toegang", "foster"]),
    ):
        kinds = {
            name: {**spec, **({"out_of_home": marks[name]} if name in marks else {})}
            for name, spec in care.items()
        }
        if "toegang" not in marks:
            kinds["toegang"].pop("out_of_home")
        results = run_experiment(make_scenario(kinds, years=2, replications=2), workers=1)
        arrays = yearly_arrays(results.plan, results.replications)
        index = [results.plan.names.index(n) for n in counted]
        expected = (arrays["occupancy"] + arrays["overflow"])[:, :, index].sum(axis=2)
        assert np.allclose(totals_per_replication(results)["in_care"], expected)
