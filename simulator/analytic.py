"""Expected values without simulation: flow balance, Little's law, Erlang B and C.

Without capacity limits every youth moves independently, so the steady state follows from
the parameters alone:

- a stay in type i ends at min(T, E): T ~ gamma(mean m, CV c) the regular stay and E ~ Exp(h)
  the first escalation (h the total escalation hazard). With shape k = 1/c^2 and scale
  m/k, E[exp(-hT)] = (1 + h m/k)^-k, so P(escalation) = 1 - (1 + h m/k)^-k and the mean
  sojourn is E[min(T, E)] = P(escalation) / h (just m when h = 0);
- the routing probability p_ij = P(escalation) h_j/h + (1 - P(escalation)) outflow_ij;
- flow balance: entries per year lambda_j = gamma_j + sum_i lambda_i p_ij, i.e.
  lambda = (I - P^T)^-1 gamma;
- Little's law: expected occupancy L_j = lambda_j x mean sojourn_j.

Erlang B gives the share of youths sent elsewhere by a full unit (it holds for any stay
distribution); Erlang C the waiting probability of an M/M/c unit with a FIFO list.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.schema import Scenario
from simulator.settings import DAYS_PER_MONTH, DAYS_PER_YEAR
from simulator.timeline import EXIT_INDEX, Epoch, Plan, compile_plan


@dataclass
class SteadyState:
    """The chain's steady state without capacity limits, per care type in ``names`` order:
    arrays of shape (n,), ``routing`` (n, n)."""

    names: list[str]
    inflow_per_year: np.ndarray  # gamma: new youths per year
    entries_per_year: np.ndarray  # lambda: stays started per year
    mean_stay_months: np.ndarray  # mean sojourn (regular or escalated)
    escalation_probability: np.ndarray
    routing: np.ndarray  # p_ij between care types (row sums < 1: the rest exits)
    occupancy: np.ndarray  # L = lambda W

    def as_dict(self) -> dict[str, dict[str, float]]:
        """Per care type name: inflow and entries per year, mean stay (months), escalation
        probability and occupancy (routing left out)."""
        return {
            name: {
                "inflow_per_year": float(self.inflow_per_year[i]),
                "entries_per_year": float(self.entries_per_year[i]),
                "mean_stay_months": float(self.mean_stay_months[i]),
                "escalation_probability": float(self.escalation_probability[i]),
                "occupancy": float(self.occupancy[i]),
            }
            for i, name in enumerate(self.names)
        }


def sojourn(mean_days: float, cv: float, hazard_per_day: float) -> tuple[float, float]:
    """(mean sojourn in days, probability the stay ends by escalation)."""
    if hazard_per_day <= 0:
        return mean_days, 0.0
    shape = 1.0 / cv**2
    p_escalate = 1.0 - (1.0 + hazard_per_day * mean_days / shape) ** (-shape)
    return p_escalate / hazard_per_day, p_escalate


def routing_matrix(plan: Plan, epoch: Epoch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(p_ij between care types (n, n), escalation probability (n,), mean sojourn in days
    (n,)) under an epoch's parameters; a row's shortfall from 1 is the chance to exit."""
    n = plan.n_types
    mean_days, p_esc, routing = np.zeros(n), np.zeros(n), np.zeros((n, n))
    for i in range(n):
        mean_days[i], p_esc[i] = sojourn(
            epoch.stay_mean_days[i], plan.stay_cv[i], epoch.escalation_total_per_day[i]
        )
        total = epoch.escalation_total_per_day[i]
        for dest, rate in epoch.escalation_per_day[i].items() if total > 0 else ():  # 0/0: no escalation
            routing[i, dest] += p_esc[i] * rate / total
        for dest, share in epoch.outflow_shares[i].items():
            if dest != EXIT_INDEX:
                routing[i, dest] += (1.0 - p_esc[i]) * share
    return routing, p_esc, mean_days


def steady_state(source: Scenario | Plan, day: float = 0.0) -> SteadyState:
    """Steady state of the parameters in force on ``day`` (days since the start), ignoring
    capacity: what the chain settles to if those parameters held for ever."""
    plan = source if isinstance(source, Plan) else compile_plan(source)
    n = plan.n_types
    gamma = np.array([plan.inflow_per_year_at(i, day) for i in range(n)])
    routing, p_esc, mean_days = routing_matrix(plan, plan.epoch_at(day))
    entries = np.linalg.solve(np.eye(n) - routing.T, gamma)
    occupancy = entries * mean_days / DAYS_PER_YEAR
    return SteadyState(plan.names, gamma, entries, mean_days / DAYS_PER_MONTH, p_esc, routing, occupancy)


def expected_by_year(source: Scenario | Plan) -> dict[int, SteadyState]:
    """Steady state of the parameters in force in the middle of each calendar year: the
    'no capacity limits' reference line of the charts."""
    plan = source if isinstance(source, Plan) else compile_plan(source)
    edges = plan.calendar.year_edges
    return {
        year: steady_state(plan, (edges[y] + edges[y + 1]) / 2) for y, year in enumerate(plan.calendar.years)
    }


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability B(c, a) by the stable recursion B(k) = aB(k-1) / (k + aB(k-1))."""
    if servers < 0 or load < 0:
        raise ValueError("servers and load must be non-negative")
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival has to wait in M/M/c (requires load < servers)."""
    if load >= servers:
        return 1.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1.0 - b))


def mmc_mean_waiting(servers: int, load: float) -> float:
    """Mean number waiting in M/M/c with FIFO: C(c, a) a / (c - a)."""
    if load >= servers:
        return float("inf")
    return erlang_c(servers, load) * load / (servers - load)


def return_gap(
    stay_days: float,
    stay_cv: float,
    after_days: float,
    after_cv: float,
    return_per_day: float,
    horizon_days: float,
    step: float = 0.25,
) -> tuple[np.ndarray, np.ndarray, float]:
    """(grid in days, density, P(return)) of the gap between a placement and the same
    youth's next one, for a youth who comes back: its stay (gamma) plus the time to a return
    from aftercare (the escalation density while the regular aftercare stay lasts)."""
    from scipy.stats import gamma

    _, p_return = sojourn(after_days, after_cv, return_per_day)
    grid = np.arange(0.0, horizon_days + step, step)
    if p_return <= 0:
        return grid, np.zeros_like(grid), 0.0
    stay = gamma.pdf(grid, 1 / stay_cv**2, scale=stay_days * stay_cv**2)
    wait = (
        return_per_day
        * np.exp(-return_per_day * grid)
        * gamma.sf(grid, 1 / after_cv**2, scale=after_days * after_cv**2)
        / p_return
    )
    return grid, np.convolve(stay, wait)[: len(grid)] * step, p_return


def placements_per_youth(
    stay_days: float,
    stay_cv: float,
    after_days: float,
    after_cv: float,
    to_after: float,
    return_per_day: float,
    step: float = 0.25,
) -> tuple[float, float]:
    """Placements per distinct youth placed in a calendar year, and the share of placements
    that are returns, for a care type whose leavers go on to an aftercare type with share
    ``to_after`` and come back from it at hazard ``return_per_day`` (no capacity limits,
    steady state).

    A placement is a return with probability q = to_after x P(escalation in aftercare); a
    return counts as a second placement of the same youth in the same calendar year when
    the gap D since the youth's previous placement (``return_gap``) is shorter than the time
    since 1 January, uniform over the year: P = q E[(1 - D)^+] (D in years). Placements /
    youths = 1 / (1 - P)."""
    grid, density, p_return = return_gap(
        stay_days, stay_cv, after_days, after_cv, return_per_day, DAYS_PER_YEAR, step
    )
    q = to_after * p_return
    if q <= 0:
        return 1.0, 0.0
    gap_cdf = np.cumsum(density) * step
    repeat = q * float(np.trapezoid(np.minimum(gap_cdf, 1.0), grid)) / DAYS_PER_YEAR
    return 1.0 / (1.0 - repeat), q
