"""Checks that need the compiled plan: they run after the schema and before the model.

- ``plan_problems``: what makes a scenario invalid although every field is valid (a peak
  inflow beyond the cap, a care type from which no youth can ever leave). ``scenario`` runs
  them on every scenario it loads or copies.
- ``plan_warnings``: what is valid but may surprise (waits that can block each other for ever).
  They travel as ``Message``s with the results and are translated where they are shown.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.i18n import Message
from simulator.schema import MAX_TOTAL_INFLOW_PER_YEAR, Scenario
from simulator.settings import DAYS_PER_YEAR
from simulator.timeline import EXIT_INDEX, Calendar, Plan, compile_epochs, compile_inflow


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
    return problems


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
