"""Summaries across replications: the monthly, yearly and flow tables, beds needed, costs.

Definitions (the README repeats them for users):
- occupancy: youths in regional places of the care type, time-weighted mean;
- waiting: youths on the care type's waiting list (wherever they wait), time-weighted mean;
- overflow: youths of the care type placed outside the region, time-weighted mean;
- blocked: youths in a place of the care type (in the region or elsewhere) whose stay has
  ended and who wait for the next care type ("wacht op doorstroom"), time-weighted mean;
- admissions: stays started in the care type (regional or elsewhere), count; admitted
  youths: the distinct youths among them (a youth admitted twice in a year counts once);
- discharges and escalations: stays that ended, counted when the youth leaves its place;
- in care on 1 January: youths in a place of the care type (regional or elsewhere), so
  in care on 1 January + admissions - discharges - escalations = in care a year later;
- delayed share: admissions that waited or were placed elsewhere / admissions; mean wait:
  days waited per admission (0 for those placed at once);
- occupancy rate: occupancy / capacity in force (time-weighted), for care types with a limit;
- offered load: what the care type would hold without a capacity limit (``simulator.capacity``);
- beds needed: the smallest capacity at which ``service_level`` of the year's youths are
  placed at once, from the offered load (Erlang B or C, modified offered load);
- cost: (occupancy + overflow) x days x cost_per_day: a placement elsewhere is paid too;
- with age: aged out, youths who left the care type because they reached its age limit
  (counted among its discharges too); by_age.csv gives per age band the youths in care
  (regional or elsewhere, time-weighted), admissions, escalations and aged out.
Percentiles (P10/P50/P90) are across replications of the yearly figure.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator import __version__, capacity
from simulator.capacity import months_by_year
from simulator.checks import plan_warnings
from simulator.csvtext import csv_text
from simulator.eventlog import AGE_ADMISSIONS, AGE_AGED_OUT, AGE_ESCALATIONS, IN_CARE
from simulator.files import write_folder
from simulator.i18n import Message
from simulator.model import (
    ADMISSIONS,
    ADMITTED_YOUTHS,
    BLOCKED,
    DELAYED,
    DISCHARGED,
    ESCALATED,
    OCCUPANCY,
    OFFERED,
    OVERFLOW,
    PLACED_ELSEWHERE,
    REQUESTS,
    WAITING,
    ReplicationResult,
)
from simulator.schema import EXIT, NEW, Scenario
from simulator.settings import DEFAULT_ENGINE
from simulator.timeline import Calendar, Plan

MONTHLY_COLUMNS = [
    "replication",
    "month",
    "care_type",
    "occupancy",
    "admissions",
    "waiting",
    "overflow",
    "placed_elsewhere",
    "escalations",
    "discharges",
    "cost",
    "blocked",
    "offered_load",
    "requests",
    "delayed",
]
YEARLY_COLUMNS = [
    "year",
    "care_type",
    "occupancy_mean",
    "occupancy_p10",
    "occupancy_p50",
    "occupancy_p90",
    "beds_needed",
    "capacity",
    "admissions_mean",
    "waiting_mean",
    "overflow_mean",
    "cost_mean",
    "admissions_p10",
    "admissions_p90",
    "waiting_p10",
    "waiting_p90",
    "overflow_p10",
    "overflow_p90",
    "cost_p10",
    "cost_p90",
    "escalations_mean",
    "discharges_mean",
    "demand_p90",
    "days",
    "clients_mean",
    "clients_p10",
    "clients_p90",
    "beds_needed_p10",
    "beds_needed_p90",
    "delayed_share_mean",
    "delayed_share_p10",
    "delayed_share_p90",
    "occupancy_rate_mean",
    "occupancy_rate_p10",
    "occupancy_rate_p90",
    "mean_wait_days_mean",
    "mean_wait_days_p10",
    "mean_wait_days_p90",
    "blocked_mean",
    "blocked_p10",
    "blocked_p90",
    "in_care_start_mean",
    "admitted_youths_mean",
    "admitted_youths_p10",
    "admitted_youths_p90",
    "offered_load_mean",
    "requests_mean",
    "capacity_mean",
    "delayed_share_expected",
]
FLOW_COLUMNS = ["from", "to", "per_year_mean"]
AGED_OUT_COLUMN = "aged_out_mean"  # yearly.csv, with age only (without, the table is as before)
BY_AGE_COLUMNS = [
    "year",
    "care_type",
    "age_band",
    "in_care_mean",
    "in_care_p10",
    "in_care_p90",
    "admissions_mean",
    "escalations_mean",
    "aged_out_mean",
    "aged_out_p10",
    "aged_out_p90",
]


@dataclass
class Results:
    """A whole run: its replications and the tables of ``write`` (monthly per replication,
    yearly across replications, flows), with the plan's warnings."""

    plan: Plan
    replications: list[ReplicationResult]
    runtime_seconds: float
    monthly: pd.DataFrame
    yearly: pd.DataFrame
    flows: pd.DataFrame
    warnings: list[Message] = field(default_factory=list)  # rendered where shown
    engine: str = DEFAULT_ENGINE  # which engine computed the replications
    by_age: pd.DataFrame | None = None  # with age: per year, care type and age band

    @property
    def scenario(self) -> Scenario:
        """The scenario that was run (the plan's)."""
        return self.plan.scenario

    def run_info(self) -> dict:
        """The contents of run.json: version, engine, seed, replications, the scenario as data,
        runtime, event count and warnings."""
        scenario = self.scenario
        return {
            "version": __version__,
            "engine": self.engine,
            "seed": scenario.seed,
            "replications": scenario.replications,
            "scenario": scenario.model_dump(mode="json", by_alias=True, exclude_none=True),
            "runtime_seconds": round(self.runtime_seconds, 3),
            "events": int(sum(r.n_events for r in self.replications)),
            "warnings": [warning.to_json() for warning in self.warnings],
            **self._draws(),
        }

    def _draws(self) -> dict:
        """Each uncertain input's values, replication by replication (run.json), so that any
        replication can be rerun or checked on its own."""
        if not self.scenario.uncertainty:
            return {}
        from simulator.uncertainty import draws

        return {"uncertainty_draws": {path: values.tolist() for path, values in draws(self.scenario).items()}}

    def write(self, out_dir: str | Path) -> Path:
        """Write the four files (five with age: by_age.csv), all or none (``files.write_folder``)."""
        files = {
            "monthly.csv": csv_text(self.monthly),
            "yearly.csv": csv_text(self.yearly),
            "flows.csv": csv_text(self.flows),
        }
        if self.by_age is not None:
            files["by_age.csv"] = csv_text(self.by_age)
        files["run.json"] = json.dumps(self.run_info(), indent=2, ensure_ascii=False)
        return write_folder(Path(out_dir), files)


def _stack(reps: list[ReplicationResult], attr: str) -> np.ndarray:
    return np.stack([getattr(r, attr) for r in reps])


def monthly_capacity(plan: Plan) -> np.ndarray:
    """Capacity in force in each month, (M, n); inf where unlimited. Changes fall on the
    first of a month (schedules and policies are dated by month), so this is exact."""
    edges = plan.calendar.month_edges[:-1]
    return np.array([[plan.capacity_at(i, day) for i in range(plan.n_types)] for day in edges])


def drawn_capacity(plan: Plan) -> bool:
    """Whether a named assumption of the uncertainty block sets a capacity (Flevoland's stay
    and regional share set its capacity schedule): each replication then has its own."""
    return any(".capacity" in path for spread in plan.scenario.uncertainty.values() for path in spread.sets)


def replication_capacities(plan: Plan, reps: list[ReplicationResult]) -> np.ndarray:
    """Capacity in force in each month of each replication, (R, M, n); inf where unlimited:
    the plan's in every replication unless a capacity is drawn (``drawn_capacity``)."""
    if not drawn_capacity(plan):
        monthly = monthly_capacity(plan)
        return np.broadcast_to(monthly, (len(reps), *monthly.shape))
    from simulator.scenario import drawn_scenario
    from simulator.timeline import compile_plan

    return np.stack(
        [monthly_capacity(compile_plan(drawn_scenario(plan.scenario, r.run_number))) for r in reps]
    )


def replication_costs(plan: Plan, reps: list[ReplicationResult]) -> np.ndarray:
    """Cost per day of each care type in each replication, (R, n): the plan's, unless a
    named assumption of the uncertainty block sets a tariff (a stay's calibration does: the
    cost per youth is a yearly figure), when each replication pays its own drawn tariff."""
    costs = np.tile(np.asarray(plan.cost_per_day, dtype=float), (len(reps), 1))
    scenario = plan.scenario
    paths = {f"care_types.{name}.cost_per_day": i for i, name in enumerate(plan.names)}
    drawn = [path for path in paths if any(path in spread.sets for spread in scenario.uncertainty.values())]
    if drawn:
        from simulator.uncertainty import drawn_inputs

        values = drawn_inputs(scenario, drawn)
        runs = np.array([r.run_number for r in reps])
        for path in drawn:
            costs[:, paths[path]] = values[path][runs]
    return costs


def yearly_arrays(
    plan: Plan,
    reps: list[ReplicationResult],
    capacities: np.ndarray | None = None,
    costs: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Per replication, year and care type: arrays of shape (R, n_years, n_types).
    ``capacities`` and ``costs``: ``replication_capacities`` and ``replication_costs`` if the
    caller has them already (``summarise`` needs them twice)."""
    calendar = plan.calendar
    days = np.diff(calendar.month_edges)  # (M,)
    year_of_month = calendar.month_year_index  # (M,)
    n_years = len(calendar.years)
    levels = _stack(reps, "levels")  # (R, M, 5, n)
    counts = _stack(reps, "counts")  # (R, M, 8, n)
    cost_per_day = replication_costs(plan, reps) if costs is None else costs  # (R, n)
    if capacities is None:
        capacities = replication_capacities(plan, reps)

    to_year = np.zeros((len(days), n_years))
    to_year[np.arange(len(days)), year_of_month] = 1.0
    year_days = days @ to_year  # (Y,)

    def time_mean(values: np.ndarray) -> np.ndarray:  # (R, M, n) -> (R, Y, n)
        return np.einsum("rmn,m,my->ryn", values, days, to_year) / year_days[None, :, None]

    def total(values: np.ndarray) -> np.ndarray:
        return np.einsum("rmn,my->ryn", values, to_year)

    occupancy = time_mean(levels[:, :, OCCUPANCY])
    overflow = time_mean(levels[:, :, OVERFLOW])
    admissions = total(counts[:, :, ADMISSIONS])
    with np.errstate(divide="ignore", invalid="ignore"):
        # Per replication: a drawn capacity gives each its own (else all the same).
        places = np.einsum("rmn,m,my->ryn", capacities, days, to_year) / year_days[None, :, None]
        limited = np.isfinite(places) & (places > 0)
        occupancy_rate = np.where(limited, occupancy / np.where(limited, places, 1.0), np.nan)
        delayed_share = np.where(admissions > 0, total(counts[:, :, DELAYED]) / admissions, np.nan)
        mean_wait = np.where(admissions > 0, total(_stack(reps, "wait_days")) / admissions, np.nan)
    return {
        "occupancy": occupancy,
        "waiting": time_mean(levels[:, :, WAITING]),
        "overflow": overflow,
        "blocked": time_mean(levels[:, :, BLOCKED]),
        "offered_load": time_mean(levels[:, :, OFFERED]),
        "admissions": admissions,
        "admitted_youths": total(counts[:, :, ADMITTED_YOUTHS]),
        "requests": total(counts[:, :, REQUESTS]),
        "placed_elsewhere": total(counts[:, :, PLACED_ELSEWHERE]),
        "in_care_start": _stack(reps, "year_start"),
        # Youths in care as the year starts plus those admitted during it: the "clients in a
        # year" of regional reports (a youth admitted twice in a year counts twice here).
        "clients": _stack(reps, "year_start") + admissions,
        "escalations": total(counts[:, :, ESCALATED]),
        "discharges": total(counts[:, :, DISCHARGED]),
        "delayed_share": delayed_share,
        "mean_wait_days": mean_wait,
        "occupancy_rate": occupancy_rate,
        "cost": (occupancy + overflow) * year_days[None, :, None] * cost_per_day[:, None, :],
        "days": year_days,
        "capacity": places.mean(axis=0),  # (Y, n): the mean over replications
    }


def capacity_inputs(plan: Plan, reps: list[ReplicationResult]) -> tuple[np.ndarray, np.ndarray]:
    """Monthly offered load and requests per replication, (R, M, n) each."""
    levels, counts = _stack(reps, "levels"), _stack(reps, "counts")
    return levels[:, :, OFFERED], counts[:, :, REQUESTS]


def beds_needed(plan: Plan, loads: np.ndarray, requests: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Beds needed per (year, type) from the replications' mean offered load (the modified
    offered load), and per (replication, year, type) from each replication's own load."""
    mean, beta = capacity.plan_beds_needed(plan, loads.mean(axis=0), requests.mean(axis=0))
    # Each replication's answer lies about as far above its own load as the mean's does.
    return mean, capacity.plan_beds_needed(plan, loads, requests, like=beta)[0]


def expected_delayed_share(plan: Plan, loads: np.ndarray, requests: np.ndarray) -> np.ndarray:
    """The delayed share the offered load predicts at the capacity in force, (Y, n)."""
    calendar = plan.calendar
    places = months_by_year(calendar, monthly_capacity(plan).T).transpose(1, 2, 0)  # (Y, 12, n)
    out = np.full((len(calendar.years), plan.n_types), 0.0)
    for i in range(plan.n_types):
        load_years = months_by_year(calendar, loads[:, :, i]).mean(axis=0)
        weight_years = months_by_year(calendar, requests[:, :, i]).mean(axis=0)
        # Capacity may change within a year: the delay probability month by month (an
        # unlimited month places everybody at once).
        limited = np.where(np.isinf(places[:, :, i]), 1e12, places[:, :, i])
        out[:, i] = capacity.delayed_share(
            limited, load_years, weight_years, not plan.when_full_elsewhere[i], per_month=True
        )
    return out


def _across(reduce: Callable[..., np.ndarray], values: np.ndarray, *args: Any) -> np.ndarray:
    """A reduction across replications (axis 0) that skips replications without a value
    (a delayed share in a year without admissions), without warning about all-empty cells.
    Without any missing value a percentile is numpy's vectorised one: nanpercentile goes
    column by column in Python (half the time of a summary)."""
    if reduce is np.nanpercentile and not np.isnan(values).any():
        (q,) = args
        return np.asarray(np.percentile(values, q, axis=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return reduce(values, *args, axis=0)


def demand_quantiles(plan: Plan, reps: list[ReplicationResult]) -> tuple[np.ndarray, np.ndarray]:
    """(service-level quantile, P90) per (year, type) of the time-weighted demand (occupancy
    + waiting + overflow) pooled over replications: how many places would have covered the
    demand that share of the *time* (the ``demand_p90`` column; not beds needed)."""
    n_years, n = len(plan.calendar.years), plan.n_types
    level = plan.scenario.service_level
    needed = np.zeros((n_years, n))
    p90 = np.zeros((n_years, n))
    for i in range(n):
        # Each replication's histogram starts at its own lowest level (ReplicationResult.demand_low).
        lows = [r.demand_low[i] if r.demand_low is not None else 0 for r in reps]
        bottom = min(lows)
        width = max(low + r.demand_time[i].shape[1] for low, r in zip(lows, reps, strict=True)) - bottom
        pooled = np.zeros((n_years, width))
        for low, r in zip(lows, reps, strict=True):
            pooled[:, low - bottom : low - bottom + r.demand_time[i].shape[1]] += r.demand_time[i]
        cum = np.cumsum(pooled, axis=1)
        share = cum / cum[:, -1:]
        needed[:, i] = bottom + np.argmax(share >= level - 1e-12, axis=1)
        p90[:, i] = bottom + np.argmax(share >= 0.9 - 1e-12, axis=1)
    return needed, p90


def summarise(
    plan: Plan, reps: list[ReplicationResult], runtime_seconds: float = 0.0, engine: str = DEFAULT_ENGINE
) -> Results:
    """The run's tables from its replications: monthly (per replication, month and care type),
    yearly (mean, P10/P50/P90 across replications, beds needed) and flows per year."""
    calendar, names, n = plan.calendar, plan.names, plan.n_types
    R, M = len(reps), calendar.n_months

    # monthly.csv: one row per replication, month and care type.
    levels = _stack(reps, "levels")
    counts = _stack(reps, "counts")
    days = np.diff(calendar.month_edges)
    costs, capacities = replication_costs(plan, reps), replication_capacities(plan, reps)
    cost = (levels[:, :, OCCUPANCY] + levels[:, :, OVERFLOW]) * days[None, :, None] * costs[:, None, :]
    whole = lambda kind: counts[:, :, kind].ravel().astype(np.int64)  # noqa: E731
    monthly = pd.DataFrame(
        {
            "replication": np.repeat(np.array([r.run_number for r in reps]), M * n),
            "month": np.tile(np.repeat(np.array(calendar.month_labels), n), R),
            "care_type": np.tile(np.array(names), R * M),
            "occupancy": levels[:, :, OCCUPANCY].ravel(),
            "admissions": whole(ADMISSIONS),
            "waiting": levels[:, :, WAITING].ravel(),
            "overflow": levels[:, :, OVERFLOW].ravel(),
            "placed_elsewhere": whole(PLACED_ELSEWHERE),
            "escalations": whole(ESCALATED),
            "discharges": whole(DISCHARGED),
            "cost": cost.ravel(),
            "blocked": levels[:, :, BLOCKED].ravel(),
            "offered_load": levels[:, :, OFFERED].ravel(),
            "requests": whole(REQUESTS),
            "delayed": whole(DELAYED),
        },
        columns=MONTHLY_COLUMNS,
    )

    # yearly.csv: across replications.
    per_year = yearly_arrays(plan, reps, capacities, costs)
    loads, requests = capacity_inputs(plan, reps)
    needed, needed_each = beds_needed(plan, loads, requests)
    _, demand_p90 = demand_quantiles(plan, reps)
    years = calendar.years
    year_ends = np.nextafter(calendar.year_edges[1:], 0)
    capacity_end = [[plan.capacity_at(i, end) for i in range(n)] for end in year_ends]
    if drawn_capacity(plan):  # each replication its own: the mean, in whole places
        month_of_end = np.searchsorted(calendar.month_edges, year_ends, side="right") - 1
        each = capacities[:, month_of_end, :].mean(axis=0)  # (Y, n)
        capacity_end = [[c if math.isinf(c) else round(c) for c in row] for row in each.tolist()]
    columns: dict[str, Any] = {
        "year": np.repeat(years, n),
        "care_type": np.tile(names, len(years)),
        "beds_needed": needed.ravel().astype(np.int64),
        "beds_needed_p10": np.percentile(needed_each, 10, axis=0, method="inverted_cdf")
        .ravel()
        .astype(np.int64),
        "beds_needed_p90": np.percentile(needed_each, 90, axis=0, method="inverted_cdf")
        .ravel()
        .astype(np.int64),
        "demand_p90": demand_p90.ravel().astype(np.int64),
        "capacity": pd.array(
            [None if math.isinf(c) else int(c) for row in capacity_end for c in row], dtype="Int64"
        ),
        "capacity_mean": np.where(np.isinf(per_year["capacity"]), np.nan, per_year["capacity"]).ravel(),
        "days": np.repeat(np.round(per_year["days"]).astype(np.int64), n),
        "delayed_share_expected": expected_delayed_share(plan, loads, requests).ravel(),
        "in_care_start_mean": per_year["in_care_start"].mean(axis=0).ravel(),
        "offered_load_mean": per_year["offered_load"].mean(axis=0).ravel(),
        "requests_mean": per_year["requests"].mean(axis=0).ravel(),
    }
    for key in (
        "occupancy",
        "admissions",
        "waiting",
        "overflow",
        "cost",
        "escalations",
        "discharges",
        "clients",
        "delayed_share",
        "occupancy_rate",
        "mean_wait_days",
        "blocked",
        "admitted_youths",
    ):
        values = per_year[key]  # (R, Y, n): row-major ravel matches (year, care type) rows
        columns[f"{key}_mean"] = _across(np.nanmean, values).ravel()
        quantiles = _across(np.nanpercentile, values, [10, 50, 90])  # one sort for all three
        for q, found in zip((10, 50, 90), quantiles, strict=True):
            columns[f"{key}_p{q}"] = found.ravel()
    yearly = pd.DataFrame({name: columns[name] for name in YEARLY_COLUMNS})  # built once: far cheaper
    by_age = None
    if plan.age is not None:
        per_band = yearly_by_age(plan, reps)  # (R, Y, measures, bands, n)
        yearly[AGED_OUT_COLUMN] = per_band[:, :, AGE_AGED_OUT].sum(axis=2).mean(axis=0).ravel()
        by_age = by_age_table(plan, per_band)

    # flows.csv: mean transitions per year from -> to ('new' = entering, 'exit' = leaving).
    transitions = _stack(reps, "transitions").mean(axis=0) / (M / 12.0)
    sources, targets = [*names, NEW], [*names, EXIT]
    flow_rows = [
        (sources[a], targets[b], float(transitions[a, b]))
        for a in range(n + 1)
        for b in range(n + 1)
        if transitions[a, b] > 0
    ]
    flows = pd.DataFrame(flow_rows, columns=FLOW_COLUMNS)

    return Results(plan, reps, runtime_seconds, monthly, yearly, flows, plan_warnings(plan), engine, by_age)


def yearly_by_age(plan: Plan, reps: list[ReplicationResult]) -> np.ndarray:
    """The by-age measures per replication and year: array (R, Y, 4, bands, n) of
    ``AGE_MEASURES``, youths in care as a time-weighted mean, the others summed."""
    calendar = plan.calendar
    days = np.diff(calendar.month_edges)
    to_year = np.zeros((len(days), len(calendar.years)))
    to_year[np.arange(len(days)), calendar.month_year_index] = 1.0
    values = _stack(reps, "by_age")  # (R, M, 4, bands, n)
    totals = np.einsum("rmkbn,my->rykbn", values, to_year)
    weighted = np.einsum("rmbn,m,my->rybn", values[:, :, IN_CARE], days, to_year)
    totals[:, :, IN_CARE] = weighted / (days @ to_year)[None, :, None, None]
    return totals


def by_age_table(plan: Plan, per_band: np.ndarray) -> pd.DataFrame:
    """by_age.csv: a row per year, care type and age band (only the bands below the care
    type's age limit), means and P10/P90 across replications."""
    assert plan.age is not None
    years, names, labels = plan.calendar.years, plan.names, plan.age.labels
    means = per_band.mean(axis=0)  # (Y, measures, bands, n)
    in_care = np.percentile(per_band[:, :, IN_CARE], [10, 90], axis=0)  # (2, Y, bands, n)
    aged = np.percentile(per_band[:, :, AGE_AGED_OUT], [10, 90], axis=0)
    # Rows in order: year, then care type, then band (only the bands below its age limit).
    y, i, b = (
        index.ravel()
        for index in np.meshgrid(range(len(years)), range(len(names)), range(len(labels)), indexing="ij")
    )
    below = b < np.asarray([len(rule.edges) for rule in plan.age.rules])[i]
    y, i, b = y[below], i[below], b[below]
    columns = {
        "year": np.asarray(years)[y],
        "care_type": np.asarray(names, dtype=object)[i],
        "age_band": np.asarray(labels, dtype=object)[b],
        "in_care_mean": means[y, IN_CARE, b, i],
        "in_care_p10": in_care[0, y, b, i],
        "in_care_p90": in_care[1, y, b, i],
        "admissions_mean": means[y, AGE_ADMISSIONS, b, i],
        "escalations_mean": means[y, AGE_ESCALATIONS, b, i],
        "aged_out_mean": means[y, AGE_AGED_OUT, b, i],
        "aged_out_p10": aged[0, y, b, i],
        "aged_out_p90": aged[1, y, b, i],
    }
    return pd.DataFrame(columns, columns=BY_AGE_COLUMNS)


def monthly_summary(results: Results) -> pd.DataFrame:
    """Per month and care type: mean, P10 and P90 over replications of occupancy, waiting and
    overflow, the capacity in force at the start of the month, and the analytic expectation
    without capacity limits (steady state of the parameters in force mid-month)."""
    from simulator.analytic import steady_state

    plan = results.plan
    calendar, names, n = plan.calendar, plan.names, plan.n_types
    levels = _stack(results.replications, "levels")  # (R, M, 5, n)
    edges = calendar.month_edges
    M = calendar.n_months
    columns: dict[str, Any] = {
        "month": np.repeat(pd.to_datetime(calendar.month_labels, format="%Y-%m"), n),
        "care_type": np.tile(names, M),
    }
    for k, measure in (
        (OCCUPANCY, "occupancy"),
        (WAITING, "waiting"),
        (OVERFLOW, "overflow"),
        (BLOCKED, "blocked"),
    ):
        values = levels[:, :, k, :]
        columns[f"{measure}_mean"] = values.mean(axis=0).ravel()
        p10, p90 = np.percentile(values, [10, 90], axis=0)  # one sort for both
        columns[f"{measure}_p10"], columns[f"{measure}_p90"] = p10.ravel(), p90.ravel()
    capacity = replication_capacities(plan, results.replications).mean(axis=0).ravel()
    columns["capacity"] = np.where(np.isinf(capacity), np.nan, capacity)
    expected = np.empty((M, n))
    solved: dict[tuple, np.ndarray] = {}
    for m in range(M):
        middle = (edges[m] + edges[m + 1]) / 2
        epoch_key = (id(plan.epoch_at(middle)), tuple(plan.inflow_per_year_at(i, middle) for i in range(n)))
        if epoch_key not in solved:  # one linear solve per distinct set of parameters
            solved[epoch_key] = np.asarray(steady_state(plan, middle).occupancy, dtype=float)
        expected[m] = solved[epoch_key]
    columns["expected"] = expected.ravel()
    return pd.DataFrame(columns)  # built once: adding columns one by one cost half its time


TOTAL_MEASURES = ("in_care", "waiting", "overflow", "cost")


def totals_per_replication(results: Results) -> dict[str, np.ndarray]:
    """Chain-wide key figures per replication and year, arrays (R, Y): youths in out-of-home care
    ('in_care', regional and elsewhere, the care types ``Scenario.out_of_home`` marks), waiting,
    placed elsewhere, cost."""
    per_year = yearly_arrays(results.plan, results.replications)
    scenario = results.scenario
    away = np.array([scenario.out_of_home(name) for name in scenario.type_names], dtype=bool)
    return {
        "in_care": (per_year["occupancy"] + per_year["overflow"])[:, :, away].sum(axis=2),
        "waiting": per_year["waiting"].sum(axis=2),
        "overflow": per_year["overflow"].sum(axis=2),
        "cost": per_year["cost"].sum(axis=2),
    }


def yearly_totals(results: Results, totals: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """The chain-wide key figures per year with their spread over replications. Percentiles
    are of the totals per replication (not sums of per-type percentiles)."""
    totals = totals_per_replication(results) if totals is None else totals
    rows = []
    for measure, values in totals.items():  # values: (R, Y)
        for y, year in enumerate(results.plan.calendar.years):
            column = values[:, y]
            rows.append(
                (
                    year,
                    measure,
                    float(column.mean()),
                    float(np.percentile(column, 10)),
                    float(np.percentile(column, 90)),
                )
            )
    return pd.DataFrame(rows, columns=["year", "measure", "mean", "p10", "p90"])


@dataclass
class Summary:
    """What the app and the exports show of a run: small tables, cheap to keep and cache."""

    scenario: Scenario
    yearly: pd.DataFrame
    monthly: pd.DataFrame  # monthly_summary: mean, P10, P90, capacity, expected
    flows: pd.DataFrame
    totals: pd.DataFrame  # yearly_totals: chain-wide figures with P10-P90
    warnings: list[Message]
    replications: int  # replications summarised (fewer than the scenario's in a preview)
    by_replication: dict[
        str, np.ndarray
    ]  # totals_per_replication: (R, Y) per measure, for paired differences
    loads: np.ndarray | None = None  # (R, M, n) monthly offered load, for the capacity trade-off
    requests: np.ndarray | None = None  # (R, M, n) monthly requests for a place
    preview: Summary | None = None  # the same summary of the first replications only
    by_age: pd.DataFrame | None = None  # with age: by_age.csv's table

    @classmethod
    def of(cls, results: Results) -> Summary:
        """The summary of a whole run, offered loads kept for the capacity trade-off; no preview."""
        by_replication = totals_per_replication(results)
        loads, requests = capacity_inputs(results.plan, results.replications)
        return cls(
            results.scenario,
            results.yearly,
            monthly_summary(results),
            results.flows,
            yearly_totals(results, by_replication),
            results.warnings,
            len(results.replications),
            by_replication,
            loads,
            requests,
            by_age=results.by_age,
        )

    @property
    def years(self) -> list[int]:
        """Calendar years of the yearly table, ascending."""
        return sorted(self.yearly["year"].unique().tolist())

    def nbytes(self) -> int:
        """Memory held by the tables and arrays (its preview included): what a cache counts."""
        frames = (self.yearly, self.monthly, self.flows, self.totals) + (
            () if self.by_age is None else (self.by_age,)
        )
        arrays = [*self.by_replication.values(), self.loads, self.requests]
        return (
            sum(int(frame.memory_usage(deep=True).sum()) for frame in frames)
            + sum(a.nbytes for a in arrays if a is not None)
            + (self.preview.nbytes() if self.preview is not None else 0)
        )


def occupied_bands(name: str, *tables: pd.DataFrame) -> pd.DataFrame:
    """The first table's rows of care type ``name`` in the age bands anybody is ever in
    there, in any of the tables (JeugdzorgPlus admits nobody under 12 unless a path leads
    there): the bands the age chart and table show."""
    used = set()
    for table in tables:
        mine = table[table["care_type"] == name]
        used |= set(mine.loc[(mine["in_care_mean"] > 0) | (mine["admissions_mean"] > 0), "age_band"])
    first = tables[0]
    return first[(first["care_type"] == name) & first["age_band"].isin(used)]


def age_table(by_age: pd.DataFrame, name: str, first_year: int, year: int) -> pd.DataFrame:
    """Care type ``name`` by age band: youths in care in ``first_year`` and in ``year``
    (mean, P10, P90; yearly means), the change between them, and how many aged out in
    ``year``: the table beside the workshop's age chart, on the slide and in the workbook."""
    mine = by_age[by_age["care_type"] == name].set_index(["year", "age_band"])
    bands = list(dict.fromkeys(by_age.loc[by_age["care_type"] == name, "age_band"]))
    rows = []
    for band in bands:
        start, now = mine.loc[(first_year, band)], mine.loc[(year, band)]
        rows.append(
            {
                "age_band": band,
                "in_care_first": start["in_care_mean"],
                "in_care_mean": now["in_care_mean"],
                "in_care_p10": now["in_care_p10"],
                "in_care_p90": now["in_care_p90"],
                "change": now["in_care_mean"] - start["in_care_mean"],
                "aged_out_mean": now["aged_out_mean"],
            }
        )
    return pd.DataFrame(rows)


def key_care_type(scenario: Scenario) -> str:
    """The care type the key figures are about: the heaviest with a capacity, else the heaviest."""
    limited = [name for name, care in scenario.care_types.items() if care.capacity is not None]
    return (limited or scenario.type_names)[-1]


def tradeoff_table(
    summary: Summary, care_type: str, year: int, capacities: list[int] | None = None
) -> pd.DataFrame:
    """The capacity trade-off of a care type in a year, from its offered load: for each
    capacity the share of youths not placed at once and the occupancy rate (mean from the
    replications' mean load, P10-P90 from each replication's own), and beds needed."""

    if summary.loads is None or summary.requests is None:
        raise ValueError("this summary keeps no offered load (a preview of zero replications)")
    calendar = Calendar.of(summary.scenario)
    y = calendar.years.index(year)
    i = summary.scenario.type_names.index(care_type)
    wait = summary.scenario.care_types[care_type].when_full != "elsewhere"
    loads = months_by_year(calendar, summary.loads[:, :, i])[:, y]  # (R, 12)
    weights = months_by_year(calendar, summary.requests[:, :, i])[:, y]
    days = months_by_year(calendar, np.diff(calendar.month_edges))[y]
    row = summary.yearly[(summary.yearly["year"] == year) & (summary.yearly["care_type"] == care_type)].iloc[
        0
    ]
    if capacities is None:
        anchors = [row["beds_needed"]] + ([] if pd.isna(row["capacity"]) else [row["capacity"]])
        span = max(10, int(0.4 * max(anchors)))
        low, high = max(1, int(min(anchors)) - span), int(max(anchors)) + span
        step = max(1, (high - low) // 80)
        capacities = list(range(low, high + 1, step))
    c = np.asarray(capacities, dtype=float)
    mean_load, mean_weights = loads.mean(axis=0), weights.mean(axis=0)
    each_delayed = capacity.delayed_share(c[:, None], loads[None], weights[None], wait)  # (C, R)
    each_rate = capacity.occupancy_rate(c[:, None], loads[None], days, wait)
    return pd.DataFrame(
        {
            "capacity": np.asarray(capacities, dtype=np.int64),
            "delayed_share": capacity.delayed_share(
                c, np.broadcast_to(mean_load, (len(c), 12)), np.broadcast_to(mean_weights, (len(c), 12)), wait
            ),
            "delayed_share_p10": np.percentile(each_delayed, 10, axis=1),
            "delayed_share_p90": np.percentile(each_delayed, 90, axis=1),
            "occupancy_rate": capacity.occupancy_rate(
                c, np.broadcast_to(mean_load, (len(c), 12)), days, wait
            ),
            "occupancy_rate_p10": np.percentile(each_rate, 10, axis=1),
            "occupancy_rate_p90": np.percentile(each_rate, 90, axis=1),
        }
    )
