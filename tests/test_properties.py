"""Property-based: any valid scenario runs, conserves youths and yields no NaN where a number
is defined. Hypothesis draws the scenarios; ``derandomize`` makes the draws the same on every
run (a failure is reproducible, CI does not flake)."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.experiment import run_experiment
from simulator.model import Model
from simulator.scenario import scenario_from_dict
from simulator.timeline import compile_plan

NAMES = ["home", "foster", "gezinshuis", "residential", "jzplus"]
# Undefined by definition, and then NaN (an empty cell in yearly.csv, "–" on screen):
# places and the occupancy rate of a care type without a capacity (or with none) ...
UNDEFINED_WITHOUT_CAPACITY = {
    "capacity",
    "capacity_mean",
    "occupancy_rate_mean",
    "occupancy_rate_p10",
    "occupancy_rate_p90",
}
# ... and the share delayed and the mean wait of a year in which no youth was admitted.
UNDEFINED_WITHOUT_ADMISSIONS = {
    f"{measure}_{stat}"
    for measure in ("delayed_share", "mean_wait_days")
    for stat in ("mean", "p10", "p50", "p90")
}

rate = st.floats(0.0, 2.0, allow_nan=False)
factor = st.floats(0.0, 3.0, allow_nan=False)


@st.composite
def care_type(draw, k: int, names: list[str]) -> dict:
    heavier, lighter = names[k + 1 :], names[:k]
    care: dict = {
        "stay_months": draw(st.floats(0.75, 24.0)),  # two stay factors of 0.2: 0.03, the minimum
        "stay_cv": draw(st.floats(0.2, 2.5)),
        "inflow_per_year": draw(st.floats(0.0, 40.0)),
        "initial": draw(st.integers(0, 25)),
        "cost_per_day": draw(st.floats(0.0, 800.0)),
    }
    if heavier:
        care["escalation_per_year"] = draw(st.dictionaries(st.sampled_from(heavier), rate, max_size=2))
    # Some share always leaves care, so no care type traps its youths (the checks refuse that).
    back = draw(st.lists(st.sampled_from(lighter), unique=True, max_size=2)) if lighter else []
    weights = [draw(st.floats(0.05, 1.0)) for _ in range(len(back) + 1)]
    total = sum(weights)
    shares = dict(zip(["exit", *back], (w / total for w in weights), strict=True))
    shares["exit"] += 1.0 - sum(shares.values())  # exactly 1 after rounding
    care["outflow"] = shares
    capacity = draw(
        st.one_of(
            st.none(),
            st.integers(0, 30),
            st.fixed_dictionaries({"2021": st.integers(0, 30), "2022-07": st.integers(0, 30)}),
        )
    )
    if capacity is not None:
        care["capacity"] = capacity
        care["when_full"] = draw(st.sampled_from(["wait", "elsewhere"]))
        if draw(st.booleans()):
            care["max_wait_months"] = draw(st.floats(0.1, 12.0))
    return care


@st.composite
def policy(draw, names: list[str], years: int) -> dict:
    some = st.lists(st.sampled_from(names), unique=True, min_size=1, max_size=2)
    dates = ["2021-01", "2021-06", "2022-01", "2022-09"][: 2 * years]  # inside the horizon
    out: dict = {"name": "p", "from": draw(st.sampled_from(dates))}
    for lever, values in (
        ("inflow_change_per_year", st.floats(-0.5, 0.5)),
        ("inflow_factor", factor),
        ("stay_factor", st.floats(0.2, 3.0)),
        ("escalation_factor", factor),
        ("capacity", st.one_of(st.none(), st.integers(0, 30))),
    ):
        if draw(st.booleans()):
            out[lever] = {name: draw(values) for name in draw(some)}
    return out


@st.composite
def scenarios(draw) -> dict:
    n, years = draw(st.integers(1, 4)), draw(st.integers(1, 2))
    names = sorted(
        draw(st.lists(st.sampled_from(NAMES), min_size=n, max_size=n, unique=True)), key=NAMES.index
    )
    return {
        "name": "property",
        "start": "2021-01",
        "years": years,
        "replications": draw(st.integers(1, 2)),
        "seed": draw(st.integers(0, 2**32)),
        "care_types": {name: draw(care_type(k, names)) for k, name in enumerate(names)},
        "policies": draw(st.lists(policy(names, years), max_size=2)),
    }


@settings(
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(scenarios())
def test_any_valid_scenario_runs_conserves_youths_and_gives_numbers(data):
    scenario = scenario_from_dict(data, "property")  # every drawn scenario is valid
    plan = compile_plan(scenario)
    model = Model(plan, 0, record=True)
    for day in np.linspace(0.0, plan.horizon, 7)[1:]:
        model.env.run(until=day)
        c = model.census()
        present = c["in_places"] + c["elsewhere"] + c["waiting_new"]
        assert c["initial"] + c["arrived"] == c["exited"] + present, (day, c)
        assert present == c["alive"], (day, c)
    assert_numbers_defined(run_experiment(scenario, workers=1))


def assert_numbers_defined(results) -> None:
    """No NaN in a run's tables where a number is defined, nothing infinite, nothing negative."""
    for column in results.yearly.columns.drop(["year", "care_type"]):
        values = results.yearly[column].astype(float)
        missing = results.yearly.loc[values.isna(), "care_type"]
        if column in UNDEFINED_WITHOUT_CAPACITY:
            no_places = ~(results.yearly.loc[values.isna(), "capacity_mean"].astype(float) > 0)
            assert no_places.all(), (column, sorted(set(missing)))
        elif column in UNDEFINED_WITHOUT_ADMISSIONS:
            assert (results.yearly.loc[values.isna(), "admissions_mean"] == 0).all(), column
        else:
            assert missing.empty, (column, sorted(set(missing)))
        assert not np.isinf(values).any(), column
    for frame in (results.monthly, results.flows):
        numbers = frame.select_dtypes("number")
        assert not numbers.isna().any().any() and np.isfinite(numbers.to_numpy(dtype=float)).all()
    assert (results.monthly["occupancy"] >= -1e-9).all() and (results.monthly["waiting"] >= -1e-9).all()
