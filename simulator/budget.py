"""What a run will cost, estimated before it starts, and the limits a server puts on it.

A shared server must refuse a run that would occupy every worker for minutes, or fill its
memory, before it starts. The cost of a replication is proportional to the stays it
simulates (each stay is a few SimPy events) and its memory to the youths it holds:

- youths per replication: those present at the start plus the expected arrivals over the
  horizon (the inflow's step function integrated, policies included);
- stays per replication: each youth's expected number of stays before it leaves care, from
  the routing of the first epoch ((I - P)^-1 1, ``checks.expected_moves``), so a cycle of
  care types counts every round.

The estimate ignores capacity (waiting youths make no extra stays), so it is close for the
presets (tests/test_budget.py compares it with the model). ``Model`` also carries a budget
derived from it (``record_budget``): a run that escapes the estimate stops with a message
instead of running on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator import settings
from simulator.checks import expected_moves
from simulator.i18n import Message
from simulator.schema import MAX_REPLICATIONS, MAX_YEARS, Scenario
from simulator.timeline import Plan, compile_plan

RECORDS_PER_STAY = 2.0  # measured on the presets: the model logs about 1.6 records per stay


@dataclass(frozen=True)
class Limits:
    """The largest run a process accepts."""

    max_replications: int
    max_years: int
    max_stays: float  # stays in the whole run, all replications: the time it takes
    max_youths: float  # youths in one replication: the memory a worker needs


# The command line runs one scenario for one user: the schema's caps, about 25 minutes of one
# core, a few GB. `--max-stays` and `--max-youths` raise them.
CLI_LIMITS = Limits(MAX_REPLICATIONS, MAX_YEARS, 100e6, 1e6)
# The app is shared: at most about a minute of both cores, a few hundred MB per worker.
APP_LIMITS = Limits(100, 20, 4e6, 200_000)


def app_limits() -> Limits:
    """The app's limits: APP_LIMITS, each replaced by its environment variable when set
    (JZSIM_APP_MAX_REPLICATIONS, _YEARS, _STAYS, _YOUTHS), within the schema's caps. Read
    at every run, so a server's settings need no code change."""
    replications = settings.positive_number("JZSIM_APP_MAX_REPLICATIONS", APP_LIMITS.max_replications)
    years = settings.positive_number("JZSIM_APP_MAX_YEARS", APP_LIMITS.max_years)
    return Limits(
        min(int(replications), MAX_REPLICATIONS),
        min(int(years), MAX_YEARS),
        settings.positive_number("JZSIM_APP_MAX_STAYS", APP_LIMITS.max_stays),
        settings.positive_number("JZSIM_APP_MAX_YOUTHS", APP_LIMITS.max_youths),
    )


@dataclass(frozen=True)
class Estimate:
    """The expected size of a run (per replication, and the number of replications)."""

    youths: float
    stays: float
    replications: int

    @property
    def total_stays(self) -> float:
        """Stays in the whole run, all replications."""
        return self.stays * self.replications


def estimate(source: Scenario | Plan) -> Estimate:
    """The expected youths and stays of one replication of a (checked) scenario."""
    plan = source if isinstance(source, Plan) else compile_plan(source)
    entering = np.array(plan.initial, dtype=float)
    for i in range(plan.n_types):
        edges = np.append(plan.inflow_knots[i], plan.horizon)
        entering[i] += float((plan.inflow_rates[i] * np.diff(edges)).sum())
    visits = expected_moves(plan, plan.epochs[0])
    return Estimate(float(entering.sum()), float((entering * visits).sum()), plan.scenario.replications)


def record_budget(plan: Plan) -> int:
    """Log records (occupancy changes and counted events, the model's memory) one replication
    may write before it is stopped: far above the estimate (ten times, and at least a
    million), so only a run the estimate cannot describe reaches it."""
    return int(max(10 * RECORDS_PER_STAY * estimate(plan).stays, 1e6))


def over_budget(scenario: Scenario, limits: Limits) -> list[tuple[str, Message]]:
    """(field path, message) for every limit the run exceeds; empty when it may run."""
    found: list[tuple[str, Message]] = []
    if scenario.replications > limits.max_replications:
        found.append(
            (
                "replications",
                Message("b_replications", got=scenario.replications, max=limits.max_replications),
            )
        )
    if scenario.years > limits.max_years:
        found.append(("years", Message("b_years", got=scenario.years, max=limits.max_years)))
    if found:
        return found
    size = estimate(scenario)
    if size.youths > limits.max_youths:
        found.append(
            ("care_types", Message("b_youths", got=round(size.youths), max=round(limits.max_youths)))
        )
    if size.total_stays > limits.max_stays:
        found.append(
            (
                "replications",
                Message(
                    "b_stays",
                    got=round(size.total_stays),
                    per=round(size.stays),
                    n=size.replications,
                    max=round(limits.max_stays),
                ),
            )
        )
    return found


class RunLimitError(RuntimeError):
    """A replication stopped at its event budget; ``text`` says which and why (a Message)."""

    def __init__(self, text: Message):
        super().__init__(text)
        self.text = text
