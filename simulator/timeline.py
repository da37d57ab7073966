"""From a scenario to numbers on a time axis: the calendar and the compiled plan.

Time is in days since the scenario's start (the first of its start month). Rates given per
year use 365.25 days a year; stays given in months use 365.25/12 days a month. Months and
years in the output are calendar months and years.

The plan is what the model and the analytic companion share: care types as integer
indices, parameters per *epoch* (an interval in which no policy changes), inflow as a
piecewise-constant rate, capacity as a list of changes.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from bisect import bisect_right
from dataclasses import dataclass, field

import numpy as np

from simulator.schema import EXIT, Scenario, age_limit_of, schedule_date, year_month_tuple
from simulator.settings import DAYS_PER_MONTH, DAYS_PER_YEAR

EXIT_INDEX = -1
UNLIMITED = math.inf


@dataclass(frozen=True)
class Calendar:
    """The months of a run: ``n_months`` calendar months from the first of the start month."""

    start_year: int
    start_month: int
    n_months: int

    @classmethod
    def of(cls, scenario: Scenario) -> Calendar:
        """The calendar of a scenario: from its start month, ``years`` x 12 months."""
        year, month = year_month_tuple(scenario.start)
        return cls(year, month, scenario.years * 12)

    @property
    def start_date(self) -> dt.date:
        """First day of the start month (day 0)."""
        return dt.date(self.start_year, self.start_month, 1)

    def date_of_month(self, k: int) -> dt.date:
        """First day of the k-th month after the start (k may be negative or past the end)."""
        total = self.start_year * 12 + self.start_month - 1 + k
        return dt.date(total // 12, total % 12 + 1, 1)

    def day_of(self, year_month: str) -> float:
        """Day on which month 'YYYY-MM' starts, counted from the start (negative before it)."""
        year, month = year_month_tuple(year_month)
        return float((dt.date(year, month, 1) - self.start_date).days)

    def day_of_year_start(self, year: int) -> float:
        """Day on which 1 January of ``year`` falls, counted from the start (negative before it)."""
        return float((dt.date(year, 1, 1) - self.start_date).days)

    @property
    def month_edges(self) -> np.ndarray:
        """Day at which each month starts, plus the horizon: length n_months + 1."""
        start = self.start_date
        return np.array([(self.date_of_month(k) - start).days for k in range(self.n_months + 1)], dtype=float)

    @property
    def horizon(self) -> float:
        """Days from the start to the end of the last month."""
        return float((self.date_of_month(self.n_months) - self.start_date).days)

    @property
    def month_labels(self) -> list[str]:
        """'YYYY-MM' of each month, length n_months."""
        return [f"{d.year:04d}-{d.month:02d}" for d in (self.date_of_month(k) for k in range(self.n_months))]

    @property
    def years(self) -> list[int]:
        """Calendar years the horizon touches (the first and last may be partial)."""
        last = self.date_of_month(self.n_months - 1).year
        return list(range(self.start_year, last + 1))

    @property
    def year_edges(self) -> np.ndarray:
        """Day boundaries of the calendar years, clipped to [0, horizon]."""
        edges = [0.0] + [self.day_of_year_start(y) for y in self.years[1:]] + [self.horizon]
        return np.array(edges, dtype=float)

    @property
    def month_year_index(self) -> np.ndarray:
        """For each month, the index of its calendar year in ``years``."""
        return np.array([self.date_of_month(k).year - self.start_year for k in range(self.n_months)])


@dataclass
class Epoch:
    """Parameters in force from ``start_day`` until the next epoch. Per care type index:"""

    start_day: float
    stay_mean_days: list[float]
    escalation_total_per_day: list[float]
    escalation_dests: list[list[int]]
    escalation_cum: list[list[float]]  # cumulative shares of the total escalation hazard
    outflow_dests: list[list[int]]  # EXIT_INDEX for exit
    outflow_cum: list[list[float]]
    escalation_per_day: list[dict[int, float]] = field(default_factory=list)
    outflow_shares: list[dict[int, float]] = field(default_factory=list)
    age_dests: list[list[int]] = field(default_factory=list)  # where the age limit leads (with age)
    age_cum: list[list[float]] = field(default_factory=list)


@dataclass(frozen=True)
class AgeRule:
    """How age acts in one care type (days since birth): care ends at ``limit``; in the band
    from ``edges[j]`` the escalation hazards are multiplied by ``escalation_factor[j]``, and a
    stay that starts in it by ``stay_factor[j]``. Youths entering from outside have an age
    in band ``entry_band[j]`` with cumulative shares ``entry_cum`` (uniform within the band)."""

    limit: float
    edges: tuple[float, ...]  # lower edges of the bands below the limit, in days
    escalation_factor: tuple[float, ...]
    stay_factor: tuple[float, ...]
    entry_bands: tuple[tuple[float, float], ...]  # (from, to) in days
    entry_cum: tuple[float, ...]  # at the start (the youths present then too) ...
    # ... and from each date on which a policy's inflow_factor_by_age changes the mix
    entry_changes: tuple[tuple[float, tuple[float, ...]], ...] = ()

    @functools.cached_property
    def entry_low_width(self) -> tuple[np.ndarray, np.ndarray]:
        """The entry bands' lower edges and widths in days, as arrays (made once)."""
        low, high = np.asarray(self.entry_bands, dtype=float).reshape(-1, 2).T
        return low, high - low

    @functools.cached_property
    def top_entry_stay_factor(self) -> float:
        """The highest stay factor of a band that youths enter in."""
        shares = np.diff([0.0, *self.entry_cum])
        return max(f for f, share in zip(self.stay_factor, shares, strict=True) if share > 0)

    @property
    def varies(self) -> bool:
        """True when the escalation hazard changes with age (a stay has more pieces)."""
        return any(f != 1.0 for f in self.escalation_factor)

    def band(self, age_days: float) -> int:
        """The band of an age (the lowest below its first edge)."""
        return max(bisect_right(self.edges, age_days) - 1, 0)


@dataclass(frozen=True)
class AgePlan:
    """Age in a plan: the bands of the output (lower edges in years; the last runs to the
    highest age limit) and each care type's rule."""

    edges_years: tuple[int, ...]
    top_years: int  # the highest age limit: the end of the last band
    rules: tuple[AgeRule, ...]

    @functools.cached_property
    def inner_edges_days(self) -> np.ndarray:
        """The band edges above the lowest, in days (made once: a run reads it for every
        replication)."""
        return np.asarray(self.edges_years[1:], dtype=float) * DAYS_PER_YEAR

    @property
    def labels(self) -> list[str]:
        """'0-12', '12-16', ...: a band by its edges in years."""
        ends = [*self.edges_years[1:], self.top_years]
        return [f"{low}-{high}" for low, high in zip(self.edges_years, ends, strict=True)]


def entry_factors(scenario: Scenario, name: str, calendar: Calendar) -> list[tuple[float, dict[int, float]]]:
    """The factors by age band on new youths entering care type ``name`` (policies'
    ``inflow_factor_by_age``, multiplied), from day 0 and from each date that changes them."""
    dated = sorted(
        (
            (calendar.day_of(p.start), p.inflow_factor_by_age[name])
            for p in scenario.policies
            if name in p.inflow_factor_by_age
        ),
        key=lambda step: step[0],  # (two policies of one date: both, in file order)
    )
    steps: list[tuple[float, dict[int, float]]] = [(0.0, {})]
    for day, factors in dated:
        combined = dict(steps[-1][1])
        for edge, factor in factors.items():
            combined[edge] = combined.get(edge, 1.0) * factor
        if day <= 0:
            steps[0] = (0.0, combined)
        elif day < calendar.horizon:
            steps.append((day, combined))
    return steps


def compile_age(scenario: Scenario) -> AgePlan | None:
    """The scenario's age bands and rules in days (None without an ``age`` block)."""
    if scenario.age is None:
        return None
    calendar = Calendar.of(scenario)
    bands = scenario.age.bands
    limits = [age_limit_of(scenario, name) for name in scenario.type_names]
    top = max(limits)
    edges_years = tuple(bands) if top > bands[-1] else tuple(bands[:-1])
    rules = []
    for (name, care), limit in zip(scenario.care_types.items(), limits, strict=True):
        edges = [edge for edge in bands if edge < limit]
        ends = [*edges[1:], limit]
        entry = care.entry_age or {}
        shares = [entry.get(edge, 0.0) for edge in edges]
        cum = np.cumsum(shares) if entry else np.zeros(len(edges))
        changes = []
        # (A policy from the start changes the new youths' ages, not those present then.)
        for day, factors in entry_factors(scenario, name, calendar):
            if not factors:
                continue
            weighted = [share * factors.get(edge, 1.0) for share, edge in zip(shares, edges, strict=True)]
            if sum(weighted) > 0:  # (none: no arrivals, no ages to draw)
                changes.append((day, tuple(float(c) for c in np.cumsum(weighted) / sum(weighted))))
        rules.append(
            AgeRule(
                limit=limit * DAYS_PER_YEAR,
                edges=tuple(edge * DAYS_PER_YEAR for edge in edges),
                escalation_factor=tuple((care.escalation_by_age or {}).get(edge, 1.0) for edge in edges),
                stay_factor=tuple((care.stay_by_age or {}).get(edge, 1.0) for edge in edges),
                entry_bands=tuple(
                    (low * DAYS_PER_YEAR, high * DAYS_PER_YEAR) for low, high in zip(edges, ends, strict=True)
                ),
                entry_cum=tuple(float(c) for c in cum),
                entry_changes=tuple(changes),
            )
        )
    return AgePlan(edges_years, top, tuple(rules))


@dataclass
class Plan:
    """A scenario compiled for simulation (integer care types, days, epochs)."""

    scenario: Scenario
    calendar: Calendar
    names: list[str]
    stay_cv: list[float]
    initial: list[int]
    when_full_elsewhere: list[bool]
    max_wait_days: list[float | None]
    cost_per_day: list[float]
    epochs: list[Epoch]
    inflow_knots: list[np.ndarray]  # per type: segment start days (first is 0) ...
    inflow_rates: list[np.ndarray]  # ... and the rate per day on each segment (last runs to the horizon)
    capacity_changes: list[list[tuple[float, float]]]  # per type: (day, places), first at day 0
    age: AgePlan | None = None  # the scenario's age bands and rules, if it has them

    @property
    def n_types(self) -> int:
        """Number of care types."""
        return len(self.names)

    @property
    def horizon(self) -> float:
        """Length of the run in days."""
        return self.calendar.horizon

    def capacity_at(self, index: int, day: float) -> float:
        """Places of care type ``index`` in force on ``day``; inf when unlimited."""
        value = self.capacity_changes[index][0][1]
        for change_day, places in self.capacity_changes[index]:
            if change_day <= day:
                value = places
        return value

    def epoch_at(self, day: float) -> Epoch:
        """The epoch in force on ``day``."""
        current = self.epochs[0]
        for epoch in self.epochs:
            if epoch.start_day <= day:
                current = epoch
        return current

    def inflow_per_year_at(self, index: int, day: float) -> float:
        """New inflow into care type ``index`` on ``day``, per year."""
        knots = self.inflow_knots[index]
        k = int(np.searchsorted(knots, day, side="right")) - 1
        return float(self.inflow_rates[index][max(k, 0)]) * DAYS_PER_YEAR


def _policy_day(calendar: Calendar, year_month: str) -> float:
    """Day a policy takes effect; a date before the start counts from the start."""
    return max(0.0, calendar.day_of(year_month))


def compile_epochs(scenario: Scenario, calendar: Calendar) -> list[Epoch]:
    """The parameters per epoch: one from day 0 and one from each policy date before the horizon
    (a date before the start counts from day 0)."""
    names = scenario.type_names
    index = {n: k for k, n in enumerate(names)}
    starts = sorted(
        {0.0}
        | {
            _policy_day(calendar, p.start)
            for p in scenario.policies
            if _policy_day(calendar, p.start) < calendar.horizon
        }
    )
    epochs = []
    for start_day in starts:
        in_force = [p for p in scenario.policies if _policy_day(calendar, p.start) <= start_day]
        stay, esc_total, esc_dests, esc_cum, out_dests, out_cum, esc_maps, out_maps = ([] for _ in range(8))
        age_dests: list[list[int]] = []
        age_cum: list[list[float]] = []
        for name, care in scenario.care_types.items():
            stay_factor = math.prod(p.stay_factor.get(name, 1.0) for p in in_force)
            esc_factor = math.prod(p.escalation_factor.get(name, 1.0) for p in in_force)
            stay.append(care.stay_months * DAYS_PER_MONTH * stay_factor)
            rates = {
                index[d]: r * esc_factor / DAYS_PER_YEAR
                for d, r in care.escalation_per_year.items()
                if r * esc_factor > 0
            }  # a factor 0 leaves no route (and no 0/0 in the analytic model)
            total = sum(rates.values())
            esc_total.append(total)
            esc_dests.append(list(rates))
            esc_cum.append(_cumulative([r / total for r in rates.values()]) if total > 0 else [])
            outflow = care.outflow
            for p in in_force:  # the latest policy that sets this type's outflow wins
                outflow = p.outflow.get(name, outflow)
            shares = {(EXIT_INDEX if d == EXIT else index[d]): s for d, s in outflow.items() if s > 0}
            out_dests.append(list(shares))
            out_cum.append(_cumulative(list(shares.values())))
            esc_maps.append(rates)
            out_maps.append(shares)
            if scenario.age is not None:
                at_limit = care.at_age_limit or {EXIT: 1.0}
                for p in in_force:  # the latest policy that sets it wins, as for outflow
                    at_limit = p.at_age_limit.get(name, at_limit)
                routes = {(EXIT_INDEX if d == EXIT else index[d]): s for d, s in at_limit.items() if s > 0}
                age_dests.append(list(routes))
                age_cum.append(_cumulative(list(routes.values())))
        epochs.append(
            Epoch(
                start_day,
                stay,
                esc_total,
                esc_dests,
                esc_cum,
                out_dests,
                out_cum,
                esc_maps,
                out_maps,
                age_dests,
                age_cum,
            )
        )
    return epochs


def _cumulative(shares: list[float]) -> list[float]:
    cum = list(np.cumsum(shares) / sum(shares))
    cum[-1] = 1.0  # routing compares a uniform draw against these: no gap at the top
    return [float(c) for c in cum]


def compile_inflow(scenario: Scenario, calendar: Calendar) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Inflow per type as a step function. A yearly change r from date D multiplies the base
    rate by (1+r)^k in the k-th year from D (k = 1 in the first twelve months), so -5% per
    year from 2022-01 turns 30 into 28.5 in 2022 and 27.1 in 2023; an inflow factor f from D
    multiplies it by f once, from D on."""
    horizon = calendar.horizon
    knots_all, rates_all = [], []
    for name, care in scenario.care_types.items():
        base = care.inflow_per_year / DAYS_PER_YEAR
        changes = [
            (calendar.day_of(p.start), year_month_tuple(p.start), p.inflow_change_per_year[name])
            for p in scenario.policies
            if name in p.inflow_change_per_year
        ]
        steps = [
            (calendar.day_of(p.start), p.inflow_factor[name])
            for p in scenario.policies
            if name in p.inflow_factor
        ]
        # Policies' inflow_factor_by_age: the rate times the entry shares weighted by the factors.
        by_age = entry_factors(scenario, name, calendar) if care.entry_age is not None else [(0.0, {})]
        entry = care.entry_age or {}
        age_weights = [
            (day, sum(share * factors.get(edge, 1.0) for edge, share in entry.items()) if factors else 1.0)
            for day, factors in by_age
        ]
        knots = {0.0} | {day for day, _ in steps + age_weights if 0 < day < horizon}
        for _, (year, month), _ in changes:
            k = 0
            while True:
                total = year * 12 + month - 1 + 12 * k
                day = float((dt.date(total // 12, total % 12 + 1, 1) - calendar.start_date).days)
                if day >= horizon:
                    break
                if day > 0:
                    knots.add(day)
                k += 1
        knots_arr = np.array(sorted(knots))
        rates = np.empty_like(knots_arr)
        for j, day in enumerate(knots_arr):
            factor = 1.0
            for start_day, _, change in changes:
                if day >= start_day:
                    elapsed_months = _months_between(calendar, start_day, day)
                    factor *= (1.0 + change) ** (elapsed_months // 12 + 1)
            for start_day, step in steps:
                if day >= start_day:
                    factor *= step
            factor *= [weight for start_day, weight in age_weights if start_day <= day][-1]
            rates[j] = base * factor
        knots_all.append(knots_arr)
        rates_all.append(rates)
    return knots_all, rates_all


def _months_between(calendar: Calendar, from_day: float, to_day: float) -> int:
    a = calendar.start_date + dt.timedelta(days=from_day)
    b = calendar.start_date + dt.timedelta(days=to_day)
    return (b.year - a.year) * 12 + (b.month - a.month)


def compile_capacity(scenario: Scenario, calendar: Calendar) -> list[list[tuple[float, float]]]:
    """Capacity changes per type: the type's own schedule, then policies (a policy wins a tie)."""
    out = []
    for name, care in scenario.care_types.items():
        changes: list[tuple[float, int, float]] = []  # (day, priority, places)
        if care.capacity is None:
            changes.append((0.0, 0, UNLIMITED))
        elif isinstance(care.capacity, int):
            changes.append((0.0, 0, float(care.capacity)))
        else:
            for key, scheduled in care.capacity.items():
                year, month = schedule_date(key)
                changes.append((max(0.0, calendar.day_of(f"{year:04d}-{month:02d}")), 0, float(scheduled)))
        for k, policy in enumerate(scenario.policies):
            if name in policy.capacity:
                set_to = policy.capacity[name]
                changes.append(
                    (
                        _policy_day(calendar, policy.start),
                        1 + k,
                        UNLIMITED if set_to is None else float(set_to),
                    )
                )
        changes.sort(key=lambda c: (c[0], c[1]))
        merged: list[tuple[float, float]] = []
        for day, _, places in changes:
            if day >= calendar.horizon:
                continue
            if merged and merged[-1][0] == day:
                merged[-1] = (day, places)
            else:
                merged.append((day, places))
        out.append(merged)
    return out


def compile_plan(scenario: Scenario) -> Plan:
    """The scenario compiled for simulation: days, integer care types, epochs, inflow steps and
    capacity changes."""
    calendar = Calendar.of(scenario)
    knots, rates = compile_inflow(scenario, calendar)
    cares = list(scenario.care_types.values())
    return Plan(
        scenario=scenario,
        calendar=calendar,
        names=scenario.type_names,
        stay_cv=[c.stay_cv for c in cares],
        initial=[c.initial for c in cares],
        when_full_elsewhere=[c.when_full == "elsewhere" for c in cares],
        max_wait_days=[
            None if c.max_wait_months is None else c.max_wait_months * DAYS_PER_MONTH for c in cares
        ],
        cost_per_day=[c.cost_per_day for c in cares],
        epochs=compile_epochs(scenario, calendar),
        inflow_knots=knots,
        inflow_rates=rates,
        capacity_changes=compile_capacity(scenario, calendar),
        age=compile_age(scenario),
    )
