"""Summaries across replications: the monthly, yearly and flow tables, beds needed, costs.

Definitions (the README repeats them for users):
- occupancy: youths in regional places of the care type, time-weighted mean;
- waiting: youths on the care type's waiting list (wherever they wait), time-weighted mean;
- overflow: youths of the care type placed outside the region, time-weighted mean;
- admissions: stays started in the care type (regional or elsewhere), count;
- cost: (occupancy + overflow) x days x cost_per_day: a placement elsewhere is paid too;
- beds needed: the smallest capacity that would have covered the demand (occupancy +
  waiting + overflow) during at least ``service_level`` of the time in that year, over all
  replications together (event-exact: time at each demand level, not daily samples).
Percentiles (P10/P50/P90) are across replications of the yearly figure.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from simulator import __version__
from simulator.model import ReplicationResult
from simulator.scenario import EXIT, NEW, Scenario
from simulator.timeline import Plan, warnings_for

MONTHLY_COLUMNS = ["replication", "month", "care_type", "occupancy", "admissions", "waiting", "overflow",
                   "placed_elsewhere", "escalations", "discharges", "cost"]
YEARLY_COLUMNS = ["year", "care_type", "occupancy_mean", "occupancy_p10", "occupancy_p50", "occupancy_p90",
                  "beds_needed", "capacity", "admissions_mean", "waiting_mean", "overflow_mean", "cost_mean",
                  "admissions_p10", "admissions_p90", "waiting_p10", "waiting_p90", "overflow_p10", "overflow_p90",
                  "cost_p10", "cost_p90", "escalations_mean", "discharges_mean", "demand_p90", "days",
                  "clients_mean", "clients_p10", "clients_p90"]
FLOW_COLUMNS = ["from", "to", "per_year_mean"]


@dataclass
class Results:
    plan: Plan
    replications: list[ReplicationResult]
    runtime_seconds: float
    monthly: pd.DataFrame
    yearly: pd.DataFrame
    flows: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    @property
    def scenario(self):
        return self.plan.scenario

    def run_info(self) -> dict:
        scenario = self.scenario
        return {
            "version": __version__,
            "seed": scenario.seed,
            "replications": scenario.replications,
            "scenario": scenario.model_dump(mode="json", by_alias=True, exclude_none=True),
            "runtime_seconds": round(self.runtime_seconds, 3),
            "events": int(sum(r.n_events for r in self.replications)),
            "warnings": self.warnings,
        }

    def write(self, out_dir: str | Path) -> Path:
        """Write the four files, all or none (``write_files``)."""
        return write_files(Path(out_dir), {
            "monthly.csv": self.monthly.to_csv(index=False), "yearly.csv": self.yearly.to_csv(index=False),
            "flows.csv": self.flows.to_csv(index=False),
            "run.json": json.dumps(self.run_info(), indent=2, ensure_ascii=False)})


def write_files(out: Path, files: dict[str, str | bytes]) -> Path:
    """Write the files to a temporary folder beside ``out`` first and move them in at the end,
    so a failure leaves no half-written output and earlier files in ``out`` as they were."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, content in files.items():
            if isinstance(content, bytes):
                (staging / name).write_bytes(content)
            else:
                (staging / name).write_text(content, encoding="utf-8")
        out.mkdir(exist_ok=True)
        for name in files:
            os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def _stack(reps: list[ReplicationResult], attr: str) -> np.ndarray:
    return np.stack([getattr(r, attr) for r in reps])


def yearly_arrays(plan: Plan, reps: list[ReplicationResult]) -> dict[str, np.ndarray]:
    """Per replication, year and care type: arrays of shape (R, n_years, n_types)."""
    calendar = plan.calendar
    days = np.diff(calendar.month_edges)  # (M,)
    year_of_month = calendar.month_year_index  # (M,)
    n_years = len(calendar.years)
    levels = _stack(reps, "levels")  # (R, M, 3, n)
    counts = _stack(reps, "counts")  # (R, M, 4, n)
    cost_per_day = np.asarray(plan.cost_per_day)

    to_year = np.zeros((len(days), n_years))
    to_year[np.arange(len(days)), year_of_month] = 1.0
    year_days = days @ to_year  # (Y,)

    def time_mean(values):  # (R, M, n) -> (R, Y, n)
        return np.einsum("rmn,m,my->ryn", values, days, to_year) / year_days[None, :, None]

    def total(values):
        return np.einsum("rmn,my->ryn", values, to_year)

    occupancy = time_mean(levels[:, :, 0])
    overflow = time_mean(levels[:, :, 2])
    admissions = total(counts[:, :, 0])
    return {
        "occupancy": occupancy,
        "waiting": time_mean(levels[:, :, 1]),
        "overflow": overflow,
        "admissions": admissions,
        # Youths in care as the year starts plus those admitted during it: the "clients in a
        # year" of regional reports (a youth admitted twice in a year counts twice here).
        "clients": _stack(reps, "year_start") + admissions,
        "escalations": total(counts[:, :, 2]),
        "discharges": total(counts[:, :, 3]),
        "cost": (occupancy + overflow) * year_days[None, :, None] * cost_per_day[None, None, :],
        "days": year_days,
    }


def beds_needed(plan: Plan, reps: list[ReplicationResult]) -> tuple[np.ndarray, np.ndarray]:
    """(beds needed, P90 of demand) per (year, type). Beds needed is the service-level
    quantile of the time-weighted demand distribution pooled over replications."""
    n_years, n = len(plan.calendar.years), plan.n_types
    level = plan.scenario.service_level
    needed = np.zeros((n_years, n))
    p90 = np.zeros((n_years, n))
    for i in range(n):
        width = max(r.demand_time[i].shape[1] for r in reps)
        pooled = np.zeros((n_years, width))
        for r in reps:
            pooled[:, : r.demand_time[i].shape[1]] += r.demand_time[i]
        cum = np.cumsum(pooled, axis=1)
        share = cum / cum[:, -1:]
        # Smallest c with share(demand <= c) >= level; a tiny slack absorbs rounding.
        needed[:, i] = np.argmax(share >= level - 1e-12, axis=1)
        p90[:, i] = np.argmax(share >= 0.9 - 1e-12, axis=1)
    return needed, p90


def summarise(plan: Plan, reps: list[ReplicationResult], runtime_seconds: float = 0.0) -> Results:
    calendar, names, n = plan.calendar, plan.names, plan.n_types
    R, M = len(reps), calendar.n_months

    # monthly.csv: one row per replication, month and care type.
    levels = _stack(reps, "levels")
    counts = _stack(reps, "counts")
    days = np.diff(calendar.month_edges)
    cost = (levels[:, :, 0] + levels[:, :, 2]) * days[None, :, None] * np.asarray(plan.cost_per_day)[None, None, :]
    monthly = pd.DataFrame({
        "replication": np.repeat(np.array([r.run_number for r in reps]), M * n),
        "month": np.tile(np.repeat(np.array(calendar.month_labels), n), R),
        "care_type": np.tile(np.array(names), R * M),
        "occupancy": levels[:, :, 0].ravel(),
        "admissions": counts[:, :, 0].ravel().astype(np.int64),
        "waiting": levels[:, :, 1].ravel(),
        "overflow": levels[:, :, 2].ravel(),
        "placed_elsewhere": counts[:, :, 1].ravel().astype(np.int64),
        "escalations": counts[:, :, 2].ravel().astype(np.int64),
        "discharges": counts[:, :, 3].ravel().astype(np.int64),
        "cost": cost.ravel(),
    }, columns=MONTHLY_COLUMNS)

    # yearly.csv: across replications.
    per_year = yearly_arrays(plan, reps)
    needed, demand_p90 = beds_needed(plan, reps)
    years = calendar.years
    year_ends = np.nextafter(calendar.year_edges[1:], 0)
    capacity = [[plan.capacity_at(i, end) for i in range(n)] for end in year_ends]
    yearly = pd.DataFrame({
        "year": np.repeat(years, n),
        "care_type": np.tile(names, len(years)),
        "beds_needed": needed.ravel().astype(np.int64),
        "demand_p90": demand_p90.ravel().astype(np.int64),
        "capacity": pd.array([None if math.isinf(c) else int(c) for row in capacity for c in row], dtype="Int64"),
        "days": np.repeat(np.round(per_year["days"]).astype(np.int64), n),
    })
    for key in ("occupancy", "admissions", "waiting", "overflow", "cost", "escalations", "discharges", "clients"):
        values = per_year[key]  # (R, Y, n): row-major ravel matches (year, care type) rows
        yearly[f"{key}_mean"] = values.mean(axis=0).ravel()
        for q in (10, 50, 90):
            yearly[f"{key}_p{q}"] = np.percentile(values, q, axis=0).ravel()
    yearly = yearly[YEARLY_COLUMNS]

    # flows.csv: mean transitions per year from -> to ('new' = entering, 'exit' = leaving).
    transitions = _stack(reps, "transitions").mean(axis=0) / (M / 12.0)
    sources, targets = names + [NEW], names + [EXIT]
    flow_rows = [(sources[a], targets[b], float(transitions[a, b]))
                 for a in range(n + 1) for b in range(n + 1) if transitions[a, b] > 0]
    flows = pd.DataFrame(flow_rows, columns=FLOW_COLUMNS)

    return Results(plan, reps, runtime_seconds, monthly, yearly, flows, warnings_for(plan))


def monthly_summary(results: Results) -> pd.DataFrame:
    """Per month and care type: mean, P10 and P90 over replications of occupancy, waiting and
    overflow, the capacity in force at the start of the month, and the analytic expectation
    without capacity limits (steady state of the parameters in force mid-month)."""
    from simulator.analytic import steady_state

    plan = results.plan
    calendar, names, n = plan.calendar, plan.names, plan.n_types
    levels = _stack(results.replications, "levels")  # (R, M, 3, n)
    edges = calendar.month_edges
    M = calendar.n_months
    frame = pd.DataFrame({
        "month": np.repeat(pd.to_datetime(calendar.month_labels, format="%Y-%m"), n),
        "care_type": np.tile(names, M),
    })
    for k, measure in enumerate(("occupancy", "waiting", "overflow")):
        values = levels[:, :, k, :]
        frame[f"{measure}_mean"] = values.mean(axis=0).ravel()
        frame[f"{measure}_p10"] = np.percentile(values, 10, axis=0).ravel()
        frame[f"{measure}_p90"] = np.percentile(values, 90, axis=0).ravel()
    capacity = [plan.capacity_at(i, edges[m]) for m in range(M) for i in range(n)]
    frame["capacity"] = [np.nan if math.isinf(c) else c for c in capacity]
    expected = {}
    for m in range(M):
        middle = (edges[m] + edges[m + 1]) / 2
        epoch_key = (id(plan.epoch_at(middle)), tuple(plan.inflow_per_year_at(i, middle) for i in range(n)))
        if epoch_key not in expected:  # one linear solve per distinct set of parameters
            expected[epoch_key] = steady_state(plan, middle).occupancy
        frame.loc[m * n:(m + 1) * n - 1, "expected"] = expected[epoch_key]
    return frame


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
            rows.append((year, measure, float(column.mean()), float(np.percentile(column, 10)),
                         float(np.percentile(column, 90))))
    return pd.DataFrame(rows, columns=["year", "measure", "mean", "p10", "p90"])


@dataclass
class Summary:
    """What the app and the exports show of a run: small tables, cheap to keep and cache."""

    scenario: Scenario
    yearly: pd.DataFrame
    monthly: pd.DataFrame  # monthly_summary: mean, P10, P90, capacity, expected
    flows: pd.DataFrame
    totals: pd.DataFrame  # yearly_totals: chain-wide figures with P10-P90
    warnings: list[str]
    replications: int  # replications summarised (fewer than the scenario's in a preview)
    by_replication: dict[str, np.ndarray]  # totals_per_replication: (R, Y) per measure, for paired differences
    preview: "Summary | None" = None  # the same summary of the first replications only

    @classmethod
    def of(cls, results: Results) -> "Summary":
        by_replication = totals_per_replication(results)
        return cls(results.scenario, results.yearly, monthly_summary(results), results.flows,
                   yearly_totals(results, by_replication), results.warnings, len(results.replications),
                   by_replication)

    @property
    def years(self) -> list[int]:
        return sorted(self.yearly["year"].unique().tolist())
