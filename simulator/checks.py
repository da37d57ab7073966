"""Checks that need the compiled plan: they run after the schema and before the model.

- ``plan_problems``: what makes a scenario invalid although every field is valid (a peak
  inflow beyond the cap, a care type from which no youth can ever leave). ``scenario`` runs
  them on every scenario it loads or copies.
- ``plan_warnings``: what is valid but may surprise (waits that can block each other for ever).
  They travel as ``Message``s with the results and are translated where they are shown.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from simulator.analytic import routing_matrix
from simulator.i18n import Message
from simulator.schema import MAX_TOTAL_INFLOW_PER_YEAR, MIN_STAY_MONTHS, Scenario
from simulator.settings import DAYS_PER_MONTH, DAYS_PER_YEAR
from simulator.timeline import EXIT_INDEX, Calendar, Epoch, Plan, compile_epochs, compile_inflow, compile_plan

# A youth that moves between care types more often than this, on average, is in a cycle with
# (almost) no way out: the model would run for ever and the flow balance is singular.
MAX_MOVES_PER_YOUTH = 1000


def plan_problems(scenario: Scenario) -> list[tuple[str, Message]]:
    """(field path, message) per problem; empty when the scenario can run."""
    problems: list[tuple[str, Message]] = []
    peak = peak_total_inflow(scenario)
    if peak > MAX_TOTAL_INFLOW_PER_YEAR:
        problems.append(
            (
                "care_types.inflow_per_year",
                Message("v_peak_inflow", peak=round(peak), max=MAX_TOTAL_INFLOW_PER_YEAR),
            )
        )
    for path, name in trapped_types(scenario):
        problems.append((path, Message("v_trapped", name=repr(name))))
    if problems:  # the checks below need every care type to reach exit
        return problems
    plan = compile_plan(scenario)
    problems += short_stays(plan)
    problems += endless_routing(plan)
    return problems


def _date_of(plan: Plan, day: float) -> str:
    date = plan.calendar.start_date + dt.timedelta(days=day)
    return f"{date.year:04d}-{date.month:02d}"


def short_stays(plan: Plan) -> list[tuple[str, Message]]:
    """Stays that policies' factors shorten below the minimum a care type may have."""
    scenario, found = plan.scenario, []
    least = MIN_STAY_MONTHS * DAYS_PER_MONTH
    for i, name in enumerate(plan.names):
        for epoch in plan.epochs:
            if epoch.stay_mean_days[i] < least * (1 - 1e-9):
                k = max(
                    k
                    for k, p in enumerate(scenario.policies)
                    if name in p.stay_factor and _in_force(plan, p.start, epoch.start_day)
                )
                months = epoch.stay_mean_days[i] / DAYS_PER_MONTH
                found.append(
                    (
                        f"policies[{k}].stay_factor.{name}",
                        Message(
                            "v_stay_after_policies",
                            name=repr(name),
                            months=float(f"{months:.3g}"),
                            date=_date_of(plan, epoch.start_day),
                            min=MIN_STAY_MONTHS,
                        ),
                    )
                )
                break
    return found


def _in_force(plan: Plan, start: str, day: float) -> bool:
    return max(0.0, plan.calendar.day_of(start)) <= day


def expected_moves(plan: Plan, epoch: Epoch) -> np.ndarray:
    """Per care type: the stays a youth entering there has, on average, before it leaves care
    under an epoch's parameters ((I - P)^-1 1; inf where the chain has no way out)."""
    routing, _, _ = routing_matrix(plan, epoch)
    try:
        visits = np.linalg.solve(np.eye(plan.n_types) - routing, np.ones(plan.n_types))
    except np.linalg.LinAlgError:
        return np.full(plan.n_types, math.inf)
    return np.where(np.isfinite(visits) & (visits >= 1.0 - 1e-9), visits, math.inf)


def endless_routing(plan: Plan) -> list[tuple[str, Message]]:
    """Care types whose youths would move between care types (nearly) for ever: a cycle whose
    way out is so narrow that the model could not finish (and the analytic model is singular)."""
    found, seen = [], set()
    for epoch in plan.epochs:
        moves = expected_moves(plan, epoch)
        for i in np.flatnonzero(moves > MAX_MOVES_PER_YOUTH):
            name = plan.names[i]
            if name in seen:
                continue
            seen.add(name)
            shown: int | str = "∞" if math.isinf(moves[i]) else round(float(moves[i]))
            found.append(
                (
                    f"care_types.{name}.outflow",
                    Message(
                        "v_endless_routing",
                        name=repr(name),
                        moves=shown,
                        max=MAX_MOVES_PER_YOUTH,
                        date=_date_of(plan, epoch.start_day),
                    ),
                )
            )
    return found


def peak_total_inflow(scenario: Scenario) -> float:
    """Highest total inflow per year over the horizon, policies included."""
    calendar = Calendar.of(scenario)
    knots, rates = compile_inflow(scenario, calendar)
    all_knots = np.unique(np.concatenate(knots))
    total = np.zeros_like(all_knots)
    for k, r in zip(knots, rates, strict=True):
        total += r[np.searchsorted(k, all_knots, side="right") - 1]
    return float(total.max()) * DAYS_PER_YEAR


def trapped_types(scenario: Scenario) -> list[tuple[str, str]]:
    """Care types from which no chain of moves reaches exit, as (field path, type name)."""
    calendar = Calendar.of(scenario)
    names = scenario.type_names
    found, seen = [], set()
    for epoch in compile_epochs(scenario, calendar):
        can_exit = [False] * len(names)
        changed = True
        while changed:  # fixed point: a type can exit if any destination can
            changed = False
            for i in range(len(names)):
                if can_exit[i]:
                    continue
                dests = epoch.outflow_dests[i] + epoch.escalation_dests[i]
                if any(d == EXIT_INDEX or can_exit[d] for d in dests):
                    can_exit[i] = changed = True
        for i, ok in enumerate(can_exit):
            if not ok and names[i] not in seen:
                seen.add(names[i])
                found.append((f"care_types.{names[i]}.outflow", names[i]))
    return found


def plan_warnings(plan: Plan) -> list[Message]:
    """Things that are valid but may surprise: waits that can block each other for ever."""
    names = plan.names
    waits = [
        not plan.when_full_elsewhere[i]
        and plan.max_wait_days[i] is None
        and any(not math.isinf(c) for _, c in plan.capacity_changes[i])
        for i in range(len(names))
    ]
    edges = set()
    for epoch in plan.epochs:
        for i in range(len(names)):
            for d in epoch.outflow_dests[i] + epoch.escalation_dests[i]:
                if d != EXIT_INDEX:
                    edges.add((i, d))
    # Types that reach themselves through other waiting types form a circular wait.
    reach = {i: {d for (a, d) in edges if a == i and waits[d]} for i in range(len(names)) if waits[i]}
    changed = True
    while changed:
        changed = False
        for i in reach:
            more = set().union(*(reach.get(d, set()) for d in reach[i])) - reach[i]
            if more:
                reach[i] |= more
                changed = True
    cycle = sorted(i for i in reach if i in reach[i])
    if not cycle:
        return []
    return [Message("warn_circular_wait", members=", ".join(repr(names[i]) for i in cycle))]
