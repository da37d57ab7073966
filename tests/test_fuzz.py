"""A fuzzer of scenarios that are valid by the schema: the whole range of every field, the
extremes included (stay_cv at its minimum, day-long and fifty-year stays, escalation of 365
per year, routing in cycles, capacity 0, factors of 10), not the well-behaved draws of
test_properties.

Every drawn file must end in one of three ways, within a time bound:
- refused with a ScenarioError (the checks: trapped youths, endless routing, short stays);
- refused by the app's budget before it runs, or stopped by the model's own event budget
  (RunLimitError), both with a message;
- run, with every number defined (no NaN where a number is defined, nothing infinite) and
  the workshop's levers able to hold the scenario's own values.

A hang fails the test: each run has an alarm of 5 s plus ten times its estimated time (at
20,000 stays per second, half the speed measured, see experiment.CHUNK_STAYS), past which
the model's watchdog would already have stopped it. ``derandomize`` makes the draws the same
on every run.
"""

from __future__ import annotations

import math
import signal
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import schema
from simulator.budget import Limits, RunLimitError, estimate, over_budget
from simulator.experiment import run_experiment
from simulator.levers import apply_levers, default_levers, ranges, to_params
from simulator.scenario import ScenarioError, scenario_from_dict
from tests.test_properties import assert_numbers_defined

pytestmark = pytest.mark.slow

EXAMPLES = 150
FUZZ_LIMITS = Limits(max_replications=2, max_years=3, max_stays=60_000, max_youths=20_000)
STAYS_PER_SECOND = 20_000


def spread(low: float, high: float) -> st.SearchStrategy[float]:
    """Both ends, and values spread over the range (evenly in the logarithm when positive)."""
    inside = (
        st.floats(math.log(low), math.log(high)).map(math.exp)
        if low > 0
        else st.floats(low, high, allow_nan=False)
    )
    return st.one_of(st.sampled_from([low, high]), inside).map(lambda v: min(max(v, low), high))


@st.composite
def shares(draw, keys: list[str]) -> dict[str, float]:
    chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=len(keys), unique=True))
    weights = [draw(spread(1e-6, 1.0)) for _ in chosen]
    total = sum(weights)
    out = {key: weight / total for key, weight in zip(chosen, weights, strict=True)}
    out[chosen[0]] += 1.0 - sum(out.values())  # exactly 1 after rounding
    return out


@st.composite
def care_type(draw, name: str, names: list[str]) -> dict:
    others = [n for n in names if n != name]
    care: dict = {
        "stay_months": draw(spread(schema.MIN_STAY_MONTHS, schema.MAX_STAY_MONTHS)),
        "stay_cv": draw(spread(schema.MIN_STAY_CV, schema.MAX_STAY_CV)),
        "inflow_per_year": draw(st.one_of(st.just(0.0), spread(0.01, 20_000.0))),
        "initial": draw(st.one_of(st.just(0), st.integers(1, 3_000))),
        "cost_per_day": draw(spread(0.0, 100_000.0)),
    }
    if others and draw(st.booleans()):
        rates = spread(0.0, schema.MAX_ESCALATION_PER_YEAR)
        care["escalation_per_year"] = draw(st.dictionaries(st.sampled_from(others), rates, max_size=2))
    care["outflow"] = draw(shares(["exit", *others]))  # cycles between care types included
    capacity = draw(
        st.one_of(
            st.none(),
            st.just(0),
            st.integers(1, 500),
            st.fixed_dictionaries({"2021": st.integers(0, 200), "2022-07": st.integers(0, 200)}),
        )
    )
    if capacity is not None:
        care["capacity"] = capacity
        care["when_full"] = draw(st.sampled_from(["wait", "elsewhere"]))
        if draw(st.booleans()):
            care["max_wait_months"] = draw(spread(0.0, schema.MAX_STAY_MONTHS))
    return care


@st.composite
def policy(draw, names: list[str]) -> dict:
    some = st.lists(st.sampled_from(names), unique=True, min_size=1, max_size=len(names))
    out: dict = {"name": "p", "from": draw(st.sampled_from(["2021-01", "2021-02", "2022-06", "2023-12"]))}
    for lever, values in (
        ("inflow_change_per_year", st.floats(-0.999, 1.0)),
        ("inflow_factor", spread(0.0, schema.MAX_FACTOR)),
        ("stay_factor", spread(1e-3, schema.MAX_FACTOR)),
        ("escalation_factor", spread(0.0, schema.MAX_FACTOR)),
        ("capacity", st.one_of(st.none(), st.integers(0, 300))),
    ):
        if draw(st.booleans()):
            out[lever] = {name: draw(values) for name in draw(some)}
    if draw(st.booleans()):
        name = draw(st.sampled_from(names))
        out["outflow"] = {name: draw(shares(["exit", *(n for n in names if n != name)]))}
    return out


@st.composite
def scenario_files(draw) -> dict:
    names = [f"t{k}" for k in range(draw(st.integers(1, 4)))]
    return {
        "name": "fuzz",
        "start": "2021-01",
        "years": draw(st.integers(1, 3)),
        "replications": draw(st.integers(1, 2)),
        "seed": draw(st.integers(0, 2**63 - 1)),
        "service_level": draw(st.sampled_from([0.5, 0.9, 0.99])),
        "care_types": {name: draw(care_type(name, names)) for name in names},
        "policies": draw(st.lists(policy(names), max_size=2)),
    }


class HangError(Exception):
    """The alarm rang: a run took far longer than its estimate."""


def _ring(signum, frame):
    raise HangError


def test_no_valid_file_hangs_crashes_or_gives_nan():
    ends: Counter[str] = Counter()

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(scenario_files())
    def one_file(data: dict) -> None:
        try:
            scenario = scenario_from_dict(data, "fuzz")
        except ScenarioError:
            ends["refused by the checks"] += 1
            return
        if over_budget(scenario, FUZZ_LIMITS):
            ends["refused by the budget"] += 1
            return
        limits = ranges(scenario)
        for key, value in to_params(default_levers(scenario)).items():  # the workshop opens it
            assert limits[key].low <= float(value) <= limits[key].high, (key, value, limits[key])
        apply_levers(scenario, default_levers(scenario))
        seconds = 5 + 10 * estimate(scenario).total_stays / STAYS_PER_SECOND
        previous = signal.signal(signal.SIGALRM, _ring)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            results = run_experiment(scenario, workers=1)
        except RunLimitError:
            ends["stopped by the event budget"] += 1
            return
        except HangError:
            pytest.fail(f"no answer within {seconds:.0f} s: a hang\n{data}")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        assert_numbers_defined(results)
        ends["ran"] += 1

    one_file()
    # The fuzzer must reach the model, not only the checks.
    assert ends["ran"] >= EXAMPLES // 4, dict(ends)
