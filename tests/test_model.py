"""The model's mechanics: conservation, capacity, waiting, seeding, parallel runs, extremes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.experiment import run_experiment, run_in_stages, run_replications, scenario_key
from simulator.hybrid import ENGINES, model_class
from simulator.model import ARRIVALS, OVERFLOW, WAITING, Model, stream_seed
from simulator.scenario import with_overrides
from simulator.timeline import compile_plan
from tests.conftest import make_scenario

# A chain with every mechanism at once: escalation, re-entry via home, step-down, a waiting
# list (residential), placement elsewhere (jzplus), a capacity cut and policies.
BUSY = {
    "home": {"stay_months": 6, "initial": 40, "escalation_per_year": {"foster": 0.2, "jzplus": 0.05}},
    "foster": {
        "stay_months": 18,
        "initial": 60,
        "inflow_per_year": 40,
        "stay_cv": 0.7,
        "escalation_per_year": {"residential": 0.3},
        "outflow": {"home": 0.6, "exit": 0.4},
    },
    "residential": {
        "stay_months": 9,
        "initial": 25,
        "inflow_per_year": 30,
        "capacity": 25,
        "stay_cv": 0.5,
        "escalation_per_year": {"jzplus": 0.4},
        "outflow": {"home": 0.5, "foster": 0.2, "exit": 0.3},
        "max_wait_months": 4,
    },
    "jzplus": {
        "stay_months": 4,
        "initial": 12,
        "inflow_per_year": 20,
        "capacity": {2021: 12, 2022: 8},
        "stay_cv": 0.6,
        "outflow": {"residential": 0.8, "home": 0.1, "exit": 0.1},
        "when_full": "elsewhere",
    },
}
POLICIES = [
    {"name": "minder instroom", "from": "2022-01", "inflow_change_per_year": {"jzplus": -0.05}},
    {
        "name": "korter",
        "from": "2023-07",
        "stay_factor": {"jzplus": 0.5},
        "escalation_factor": {"foster": 0.5},
    },
]


@pytest.fixture(params=ENGINES)
def engine(request):
    """The mechanics hold in both engines: the reference and the hybrid."""
    return request.param


# The same chain where every full type places youths elsewhere: nothing waits, so the hybrid
# runs it entirely in bulk and decides admissions afterwards (HybridModel._scan).
NOTHING_WAITS = {
    name: {key: value for key, value in care.items() if key != "max_wait_months"} | {"when_full": "elsewhere"}
    for name, care in BUSY.items()
}


@pytest.fixture(scope="module", params=["a waiting list", "nothing waits"])
def busy_plan(request):
    care = BUSY if request.param == "a waiting list" else NOTHING_WAITS
    return compile_plan(make_scenario(care, years=4, policies=POLICIES))


def test_youths_are_conserved_at_every_moment(busy_plan, engine):
    model = model_class(engine)(busy_plan, 0, record=True)
    for day in np.linspace(1.0, busy_plan.horizon, 97):
        model.env.run(until=day)
        c = model.census()
        present = c["in_places"] + c["elsewhere"] + c["waiting_new"]
        assert c["initial"] + c["arrived"] == c["exited"] + present, (day, c)
        assert present == c["alive"], (day, c)  # counters agree with live processes
        assert 0 <= c["waiting_new"] <= c["waiting"]
    assert c["arrived"] > 100 and c["exited"] > 100, "the check should see traffic"


def occupancy_after_each_change(model: Model, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    log = model.event_log()  # the hybrid's is not in time order
    order = np.argsort(log.t, kind="stable")
    t, ch, d = log.t[order], log.ch[order], log.d[order]
    mask = ch == index  # occupancy channel of this type
    level = model.plan.initial[index] + np.cumsum(d[mask])
    return t[mask], d[mask], level


@pytest.mark.parametrize("name", ["residential", "jzplus"])
def test_no_admission_takes_occupancy_above_capacity(busy_plan, name, engine):
    index = busy_plan.names.index(name)
    for run in range(3):
        model = model_class(engine)(busy_plan, run)
        model.run()
        times, deltas, level = occupancy_after_each_change(model, index)
        admitted = deltas > 0
        capacity = np.array([busy_plan.capacity_at(index, t) for t in times[admitted]])
        assert admitted.sum() > 20
        assert np.all(level[admitted] <= capacity), f"{name}: an admission went over capacity"
        assert np.any(level[admitted] == capacity), f"{name}: capacity never binds; the test proves nothing"


def test_a_capacity_cut_evicts_nobody(engine):
    """57 -> 43 with 57 present: occupancy only falls as stays end; no admission until below 43."""
    scenario = make_scenario(
        {
            "jzplus": {
                "stay_months": 5,
                "initial": 57,
                "inflow_per_year": 140,
                "capacity": {2021: 57, 2022: 43},
                "when_full": "elsewhere",
            }
        },
        years=2,
    )
    plan = compile_plan(scenario)
    model = model_class(engine)(plan, 0)
    model.env.run(until=plan.calendar.day_of("2022-01") + 1e-9)
    present = model.census()["in_places"]
    assert present > 43, "the unit should be over the new capacity at the cut"
    model.env.run(until=plan.calendar.day_of("2022-01") + 1.0)
    assert model.census()["in_places"] <= present, "no admission while above the cut"
    assert model.census()["in_places"] >= present - 3, (
        "a cut must not evict (only discharges lower occupancy)"
    )
    assert model.census()["elsewhere"] > 0, "the inflow went on, elsewhere"


def test_zero_inflow_empties_the_system(engine):
    scenario = make_scenario(
        {
            "home": {"stay_months": 2, "initial": 30},
            "residential": {
                "stay_months": 3,
                "initial": 30,
                "capacity": 10,
                "outflow": {"home": 0.5, "exit": 0.5},
            },
        },
        years=6,
    )
    result = model_class(engine)(compile_plan(scenario), 0).run()
    assert result.arrivals == 0
    assert result.exits == 60
    assert np.all(result.levels[-1] == 0), "nobody left in the last month"


def test_unlimited_capacity_means_no_waiting_and_no_overflow(example, engine):
    unlimited = example.to_dict()
    for care in unlimited["care_types"].values():
        care.pop("capacity", None)
    scenario = make_scenario(unlimited["care_types"], years=3)
    for run in range(2):
        result = model_class(engine)(compile_plan(scenario), run).run()
        assert result.levels[:, WAITING].max() == 0
        assert result.levels[:, OVERFLOW].max() == 0


def test_a_full_wait_unit_keeps_a_fifo_list_and_waiting_youths_keep_their_place(engine):
    """Residential youths escalating to a full JZ+ wait in their residential place."""
    scenario = make_scenario(
        {
            "residential": {
                "stay_months": 12,
                "initial": 20,
                "inflow_per_year": 20,
                "escalation_per_year": {"jzplus": 2.0},
            },
            "jzplus": {"stay_months": 6, "initial": 2, "capacity": 2, "outflow": {"exit": 1.0}},
        },
        years=2,
    )
    plan = compile_plan(scenario)
    model = model_class(engine)(plan, 0, record=True)
    model.env.run(until=200)
    queue = model.queues[1]
    assert len(queue) > 3
    c = model.census()
    assert c["waiting_new"] == 0 and c["waiting"] == len(queue)
    # Everyone in the queue still holds a residential place: no one is lost while waiting.
    assert c["in_places"] + c["elsewhere"] == c["alive"]


def test_circular_wait_without_max_wait_stalls_and_max_wait_resolves_it():
    """JZ+ full of youths waiting for residential places held by youths waiting for JZ+."""
    care = {
        "residential": {
            "stay_months": 3,
            "initial": 10,
            "inflow_per_year": 40,
            "capacity": 10,
            "escalation_per_year": {"jzplus": 3.0},
            "outflow": {"exit": 1.0},
        },
        "jzplus": {"stay_months": 2, "initial": 5, "capacity": 5, "outflow": {"residential": 1.0}},
    }
    stalled = run_experiment(make_scenario(care, years=4), workers=1)
    last_year = stalled.yearly[stalled.yearly.year == 2024].set_index("care_type")
    assert stalled.warnings, "the circular wait must be flagged"
    assert last_year.loc["jzplus", "admissions_mean"] == 0, "the chain is expected to freeze without max_wait"

    care["jzplus"]["max_wait_months"] = 1
    care["residential"]["max_wait_months"] = 1
    flowing = run_experiment(make_scenario(care, years=4), workers=1)
    last_year = flowing.yearly[flowing.yearly.year == 2024].set_index("care_type")
    assert not flowing.warnings
    assert last_year.loc["jzplus", "admissions_mean"] > 10
    assert last_year.loc["jzplus", "overflow_mean"] > 0, "youths who waited too long are placed elsewhere"
    assert flowing.monthly["placed_elsewhere"].sum() > 0


def test_same_seed_same_numbers_and_other_seed_other_numbers(busy_plan, engine):
    a = model_class(engine)(busy_plan, 3, seed=11).run()
    b = model_class(engine)(busy_plan, 3, seed=11).run()
    c = model_class(engine)(busy_plan, 3, seed=12).run()
    assert np.array_equal(a.levels, b.levels) and np.array_equal(a.transitions, b.transitions)
    assert not np.array_equal(a.levels, c.levels)


def test_replication_k_is_the_same_alone_in_series_and_in_parallel(busy_plan, engine):
    serial = run_replications(busy_plan, 6, seed=5, workers=1, engine=engine)
    parallel = run_replications(busy_plan, 6, seed=5, workers=2, engine=engine)
    alone = model_class(engine)(busy_plan, 4, seed=5).run()
    for s, p in zip(serial, parallel, strict=True):
        assert s.run_number == p.run_number
        assert np.array_equal(s.levels, p.levels) and np.array_equal(s.counts, p.counts)
    assert np.array_equal(serial[4].levels, alone.levels)
    assert not np.array_equal(serial[0].levels, serial[1].levels), "replications must differ"


def test_a_run_in_stages_equals_a_run_in_one_go_and_previews_its_first_replications(example):
    small = with_overrides(example, years=3, replications=5)
    changed = with_overrides(small, seed=small.seed + 1)
    previews = []
    staged = run_in_stages([small, changed], preview=2, on_preview=previews.append, workers=1)
    whole = run_experiment(small, workers=1)
    assert [r.run_number for r in staged[0].replications] == list(range(5))
    pd.testing.assert_frame_equal(staged[0].yearly, whole.yearly)
    pd.testing.assert_frame_equal(staged[0].monthly, whole.monthly)
    ((preview, other),) = previews
    assert [r.run_number for r in preview.replications] == [0, 1]
    assert np.array_equal(preview.replications[1].levels, whole.replications[1].levels)
    assert not np.array_equal(other.replications[0].levels, preview.replications[0].levels)


def test_streams_are_spawned_from_the_scenario_seed():
    """Replication k, purpose p is SeedSequence(seed).spawn(...)[k].spawn(...)[p]; the care
    type is one more level, addressed by a hash of its name so streams follow names."""
    seed, k, purpose = 99, 3, ARRIVALS
    spawned = np.random.SeedSequence(seed).spawn(k + 1)[k].spawn(purpose + 1)[purpose]
    direct = stream_seed(seed, k, purpose, "jzplus")
    assert direct.spawn_key[:2] == spawned.spawn_key
    assert direct.entropy == spawned.entropy
    assert not np.array_equal(
        direct.generate_state(4), stream_seed(seed, k, purpose, "foster").generate_state(4)
    )


def test_lower_inflow_keeps_a_subset_of_the_same_arrivals():
    """Common random numbers: with a lower rate each youth of the lower scenario is also a
    youth of the higher one (the unit-rate process is mapped through the intensity)."""

    def arrivals(change):
        scenario = make_scenario(
            {"jzplus": {"stay_months": 5, "inflow_per_year": 90}},
            years=5,
            policies=[{"name": "p", "from": "2022-01", "inflow_change_per_year": {"jzplus": change}}],
        )
        return Model(compile_plan(scenario), 0)._arrival_times()[0]

    base, lower = arrivals(0.0), arrivals(-0.2)
    first_year = [t for t in base if t < 365]
    assert first_year == [t for t in lower if t < 365], "before the policy the arrivals are identical"
    assert len(lower) < len(base)


def test_adding_a_care_type_leaves_the_streams_of_the_others_as_they_were():
    """Streams are addressed by the care type's name, not its position."""
    jzplus = {"stay_months": 5, "inflow_per_year": 90}
    alone = Model(compile_plan(make_scenario({"jzplus": jzplus}, years=3)), 0)
    gezinshuis = {"stay_months": 12, "inflow_per_year": 40, "outflow": {"exit": 1.0}}
    with_another = Model(
        compile_plan(make_scenario({"gezinshuis": gezinshuis, "jzplus": jzplus}, years=3)), 0
    )

    def arrivals_of(model: Model, index: int) -> list[float]:
        times, types, _ = model._arrival_times()
        return [t for t, i in zip(times, types, strict=True) if i == index]

    assert arrivals_of(alone, 0) == arrivals_of(with_another, 1)
    assert len(arrivals_of(with_another, 0)) > 0


def test_policies_change_inflow_in_yearly_steps():
    scenario = make_scenario(
        {"jzplus": {"stay_months": 5, "inflow_per_year": 30}},
        years=4,
        policies=[{"name": "-5%", "from": "2022-01", "inflow_change_per_year": {"jzplus": -0.05}}],
    )
    plan = compile_plan(scenario)
    per_year = [
        plan.inflow_per_year_at(0, plan.calendar.day_of_year_start(y) + 100) for y in (2021, 2022, 2023, 2024)
    ]
    assert per_year == pytest.approx([30, 28.5, 27.075, 25.72125])


@pytest.mark.parametrize("lever", ["inflow", "stay", "escalation", "capacity"])
def test_effects_go_the_right_way(lever):
    """Monotonic effects, each far larger than the noise (common random numbers help)."""
    base = {
        "residential": {
            "stay_months": 10,
            "initial": 40,
            "inflow_per_year": 50,
            "escalation_per_year": {"jzplus": 0.3},
        },
        "jzplus": {
            "stay_months": 5,
            "initial": 12,
            "inflow_per_year": 15,
            "capacity": 14,
            "when_full": "elsewhere",
            "outflow": {"residential": 0.5, "exit": 0.5},
        },
    }
    policy = {
        "inflow": {"inflow_change_per_year": {"residential": 0.3}},
        "stay": {"stay_factor": {"residential": 1.5}},
        "escalation": {"escalation_factor": {"residential": 2.0}},
        "capacity": {"capacity": {"jzplus": 8}},
    }[lever]
    plain = run_experiment(make_scenario(base, years=4, replications=8), workers=1).yearly
    changed = run_experiment(
        make_scenario(base, years=4, replications=8, policies=[{"name": lever, "from": "2022-01", **policy}]),
        workers=1,
    ).yearly
    last = lambda df, t, col: float(df[(df.year == 2024) & (df.care_type == t)][col].iloc[0])  # noqa: E731
    if lever == "capacity":
        assert last(changed, "jzplus", "overflow_mean") > last(plain, "jzplus", "overflow_mean") + 1
        assert last(changed, "jzplus", "occupancy_mean") < last(plain, "jzplus", "occupancy_mean") - 1
    elif lever == "escalation":  # more escalation: shorter residential stays, more JZ+ entries
        assert (
            last(changed, "residential", "occupancy_mean")
            < last(plain, "residential", "occupancy_mean") * 0.95
        )
        assert last(changed, "jzplus", "admissions_mean") > last(plain, "jzplus", "admissions_mean") * 1.2
    else:  # more inflow or longer stays: fuller residential care, more escalation to JZ+
        assert (
            last(changed, "residential", "occupancy_mean")
            > last(plain, "residential", "occupancy_mean") * 1.1
        )
        assert last(changed, "jzplus", "admissions_mean") > last(plain, "jzplus", "admissions_mean")


def test_cache_key_follows_content(example):
    assert scenario_key(example) == scenario_key(with_overrides(example))
    assert scenario_key(example) != scenario_key(with_overrides(example, seed=1))


def test_an_inflow_factor_zero_stops_arrivals_from_its_date_and_keeps_the_earlier_ones():
    def arrivals(policies):
        scenario = make_scenario(
            {"jzplus": {"stay_months": 5, "inflow_per_year": 90}}, years=3, policies=policies
        )
        return Model(compile_plan(scenario), 0)._arrival_times()[0]

    stop = compile_plan(make_scenario({"jzplus": {"stay_months": 5}}, years=3)).calendar.day_of("2023-01")
    base = arrivals([])
    stopped = arrivals([{"name": "stop", "from": "2023-01", "inflow_factor": {"jzplus": 0.0}}])
    assert stopped == [t for t in base if t < stop], "the same youths before the date, none after it"
    halved = arrivals([{"name": "half", "from": "2023-01", "inflow_factor": {"jzplus": 0.5}}])
    assert [t for t in halved if t < stop] == stopped and len(halved) > len(stopped)
