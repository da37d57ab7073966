"""Age (issue 16): the scenario's age block, ages in both engines, and their outputs.

The structural checks are exact: the youths in care by age band add up to the main tables'
occupancy plus placements elsewhere in every month, the admissions and escalations by band
to the main counts, nobody is in care at or past a care type's age limit, and a band whose
escalation factor is 0 has no escalations. The statistical checks hold the simulation
against the closed forms of ``simulator.ageing`` at Z = 4 (tests/conftest.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import ageing
from simulator.eventlog import AGE_ADMISSIONS, AGE_AGED_OUT, AGE_ESCALATIONS, HANDED, IN_CARE
from simulator.experiment import run_experiment, run_replications
from simulator.hybrid import model_class
from simulator.model import ADMISSIONS, ESCALATED, OCCUPANCY, OVERFLOW
from simulator.scenario import ScenarioError
from simulator.settings import DAYS_PER_YEAR, ENGINES
from simulator.stays import Segments, aged_stay_days, aged_stay_days_many, stay_days
from simulator.timeline import AgeRule, compile_plan
from tests.conftest import make_scenario, mean_and_se, scenario_dict, within

BANDS = [0, 12, 16, 18]


def chain(**top) -> dict:
    """Residential care (waiting for JZ+ keeps a blocked bed), JZ+ with a capacity and a
    waiting list, extended care to 21 after JZ+, with escalation factors by age."""
    return scenario_dict(
        {
            "residential": {
                "inflow_per_year": 120,
                "initial": 60,
                "stay_months": 8,
                "entry_age": {0: 0.3, 12: 0.5, 16: 0.2},
                "escalation_per_year": {"jzplus": 0.4},
                "escalation_by_age": {0: 0.0, 16: 2.0},
                "stay_by_age": {16: 0.7},
            },
            "jzplus": {
                "inflow_per_year": 30,
                "initial": 20,
                "capacity": 24,
                "stay_months": 6,
                "entry_age": {12: 0.6, 16: 0.4},
                "at_age_limit": {"verlengd": 0.5, "exit": 0.5},
                "outflow": {"residential": 0.3, "exit": 0.7},
            },
            "verlengd": {"stay_months": 12, "age_limit": 21, "outflow": {"exit": 1.0}},
        },
        age={"bands": BANDS},
        **top,
    )


def run_one(data: dict, engine: str, run_number: int = 0):
    plan = compile_plan(
        make_scenario(data["care_types"], **{k: v for k, v in data.items() if k != "care_types"})
    )
    model = model_class(engine)(plan, run_number, record=True)
    return plan, model, model.run()


# ---------------------------------------------------------------- bad input


BAD = [
    ("age", {"bands": [0, 16, 12, 18]}, "age.bands", "increase"),
    ("age", {"bands": [18]}, "age.bands", "at least two"),
    ("age", {"bands": [0, 12, 40]}, "age.bands", "from 0 to 30"),
    ("entry", {12: 0.6, 16: 0.3}, "care_types.jzplus.entry_age", "sum to 1"),
    ("entry", {12: 0.6, 15: 0.4}, "care_types.jzplus.entry_age", "15 is not the lower edge"),
    ("entry", {12: 0.6, 18: 0.4}, "care_types.jzplus.entry_age", "18 is not the lower edge"),
    ("route", "verlengt", "care_types.jzplus.at_age_limit", "did you mean 'verlengd'"),
    ("route", "jzplus", "care_types.jzplus.at_age_limit", "cannot move to 'jzplus' itself"),
    ("limit", 18, "care_types.jzplus.at_age_limit", "would reach the limit at once"),
    ("limit", 16, "care_types.verlengd.age_limit", "below the last edge"),
    ("no_entry", None, "care_types.jzplus.entry_age", "give their ages"),
    ("no_age", None, "care_types.jzplus.entry_age", "needs an 'age' block"),
    ("factor", {12: -1.0}, "care_types.residential.escalation_by_age", "between 0"),
    ("policy", {"jzplus": {0: 0.5}}, "policies[0].inflow_factor_by_age.jzplus", "0 is not an age band"),
    ("policy", {"jzplus": {12: 11.0}}, "policies[0].inflow_factor_by_age.jzplus", "between 0"),
]


@pytest.mark.parametrize("what, value, path, words", BAD, ids=[f"{b[0]}-{b[2]}-{b[3][:12]}" for b in BAD])
def test_bad_age_input_names_its_field(what, value, path, words):
    data = chain()
    care = data["care_types"]
    if what == "age":
        data["age"] = value
    elif what == "entry":
        care["jzplus"]["entry_age"] = value
    elif what == "route":
        care["jzplus"]["at_age_limit"] = value
    elif what == "limit":
        care["verlengd"]["age_limit"] = value
    elif what == "no_entry":
        del care["jzplus"]["entry_age"]
    elif what == "no_age":
        del data["age"]
    elif what == "factor":
        care["residential"]["escalation_by_age"] = value
    elif what == "policy":
        data["policies"] = [{"name": "p", "from": "2022-01", "inflow_factor_by_age": value}]
    with pytest.raises(ScenarioError) as raised:
        make_scenario(care, **{k: v for k, v in data.items() if k != "care_types"})
    found = [(p, m.text("en")) for p, m in raised.value.problems]
    assert any(p == path and words in text for p, text in found), found


def test_the_cli_refuses_bad_age_input_with_exit_2_and_writes_nothing(tmp_path):
    import yaml

    from simulator.cli import main

    data = chain()
    data["care_types"]["jzplus"]["at_age_limit"] = "jzplus"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet"]) == 2
    assert not out.exists()


def test_a_policy_can_change_where_the_age_limit_leads():
    data = chain(years=4)
    data["policies"] = [
        {"name": "verlengd voor allen", "from": "2023-01", "at_age_limit": {"jzplus": "verlengd"}}
    ]
    scenario = make_scenario(data["care_types"], **{k: v for k, v in data.items() if k != "care_types"})
    plan = compile_plan(scenario)
    names = plan.names
    first, second = plan.epochs
    assert sorted(first.age_dests[names.index("jzplus")]) == [-1, names.index("verlengd")]
    assert second.age_dests[names.index("jzplus")] == [names.index("verlengd")]


@pytest.mark.parametrize("engine", ENGINES)
def test_an_inflow_factor_by_age_from_the_start_changes_new_youths_only(engine):
    data = chain(years=4)
    data["policies"] = [
        {"name": "geen jonge kinderen", "from": "2021-01", "inflow_factor_by_age": {"residential": {0: 0.0}}}
    ]
    scenario = make_scenario(data["care_types"], **{k: v for k, v in data.items() if k != "care_types"})
    plan = compile_plan(scenario)
    residential = plan.names.index("residential")
    result = model_class(engine)(plan, 0).run()
    assert result.by_age[:, AGE_ADMISSIONS, 0, residential].sum() == 0
    assert result.by_age[0, IN_CARE, 0, residential] > 5  # those present at the start are still there


@pytest.mark.parametrize("engine", ENGINES)
def test_an_inflow_factor_by_age_takes_that_band_out_of_the_inflow_from_its_date(engine):
    data = chain(years=4)
    data["policies"] = [
        {"name": "geen jonge kinderen", "from": "2023-01", "inflow_factor_by_age": {"residential": {0: 0.0}}}
    ]
    scenario = make_scenario(data["care_types"], **{k: v for k, v in data.items() if k != "care_types"})
    plan = compile_plan(scenario)
    residential = plan.names.index("residential")
    # 30% entered under 12: the rest stays, in its own proportions (12-16 : 16-18 = 5 : 2).
    assert plan.inflow_rates[residential] * DAYS_PER_YEAR == pytest.approx([120.0, 84.0])
    assert plan.age.rules[residential].entry_changes[0][1] == pytest.approx((0.0, 5 / 7, 1.0))
    result = model_class(engine)(plan, 0).run()
    admissions = result.by_age[:, AGE_ADMISSIONS, 0, residential]  # under 12; only new youths are
    assert admissions[:24].sum() > 20 and admissions[24:].sum() == 0


def test_two_policies_of_one_date_multiply_their_factors_by_age():
    data = chain(years=4)
    data["policies"] = [
        {"name": "a", "from": "2023-01", "inflow_factor_by_age": {"residential": {0: 0.5}}},
        {"name": "b", "from": "2023-01", "inflow_factor_by_age": {"residential": {0: 0.5, 16: 2.0}}},
    ]
    scenario = make_scenario(data["care_types"], **{k: v for k, v in data.items() if k != "care_types"})
    plan = compile_plan(scenario)
    rate = plan.inflow_rates[plan.names.index("residential")] * DAYS_PER_YEAR
    assert rate == pytest.approx([120.0, 120.0 * (0.3 * 0.25 + 0.5 + 0.2 * 2.0)])


def test_the_extended_care_lever_works_from_a_share_of_zero():
    from simulator.levers import changed_scenario, default_levers

    data = chain(years=4)
    data["care_types"]["jzplus"]["at_age_limit"] = {"verlengd": 0.0, "exit": 1.0}
    scenario = make_scenario(data["care_types"], **{k: v for k, v in data.items() if k != "care_types"})
    levers = default_levers(scenario)
    assert levers.extended == {"jzplus": 0.0}
    levers.extended["jzplus"] = 0.4
    changed = changed_scenario(scenario, levers)
    assert changed.policies[-1].at_age_limit == {"jzplus": {"verlengd": 0.4, "exit": 0.6}}


# ---------------------------------------------------------------- the stay with age


def rule_of(limit_years=18.0, factors=(1.0, 0.5, 2.0), stay=(1.0, 1.0, 1.0)) -> AgeRule:
    edges = tuple(e * DAYS_PER_YEAR for e in (0, 12, 16))
    return AgeRule(
        limit=limit_years * DAYS_PER_YEAR,
        edges=edges,
        escalation_factor=factors,
        stay_factor=stay,
        entry_bands=((0.0, edges[1]), (edges[1], edges[2]), (edges[2], limit_years * DAYS_PER_YEAR)),
        entry_cum=(0.0, 0.5, 1.0),
    )


@pytest.mark.parametrize("factors", [(1.0, 1.0, 1.0), (1.0, 0.5, 2.0), (0.0, 0.0, 3.0)])
@pytest.mark.parametrize(
    "segments",
    [
        Segments((0.0,), (200.0,), (0.002,)),
        Segments((0.0, 400.0, 900.0), (200.0, 100.0, 300.0), (0.002, 0.0, 0.004)),
    ],
    ids=["constant", "policies"],
)
def test_the_vectorised_aged_stay_equals_the_scalar_one(segments, factors):
    rng = np.random.default_rng(16)
    size = 4000
    rule = rule_of(factors=factors)
    start = rng.uniform(0, 1500, size)
    birth = start - rng.uniform(8, 18, size) * DAYS_PER_YEAR
    x, e, factor = rng.exponential(size=size), rng.exponential(size=size), rng.choice([0.7, 1.0, 1.3], size)
    many = aged_stay_days_many(segments, rule, start, birth, x, e, factor)
    one = [aged_stay_days(segments, rule, *args) for args in zip(start, birth, x, e, factor, strict=True)]
    assert np.allclose(many[0], [d for d, _, _ in one], rtol=1e-12, atol=1e-9)
    assert (many[1] == [esc for _, esc, _ in one]).all()
    assert (many[2] == [aged for _, _, aged in one]).all()
    assert many[2].any() and (~many[2]).any()
    limit_left = birth + rule.limit - start
    assert (many[0] <= limit_left + 1e-9).all()
    assert np.allclose(many[0][many[2]], limit_left[many[2]])


def test_far_from_the_limit_and_without_factors_the_stay_is_the_stay_without_age():
    segments = Segments((0.0, 300.0), (200.0, 100.0), (0.002, 0.001))
    rule = rule_of(limit_years=30.0, factors=(1.0, 1.0, 1.0))
    rng = np.random.default_rng(3)
    for x, e in zip(rng.exponential(size=200), rng.exponential(size=200), strict=True):
        start, birth = 50.0, 50.0 - 5 * DAYS_PER_YEAR
        assert aged_stay_days(segments, rule, start, birth, x, e, 1.0) == (
            *stay_days(segments, start, x, e),
            False,
        )


def test_an_escalation_factor_by_age_changes_the_hazard_from_the_birthday_on():
    # Hazard 0.01/day at factor 1 (band 12-16), factor 0 from 16: a youth 15.5 years old with
    # threshold e escalates within half a year only if e < 0.01 * half a year.
    segments = Segments((0.0,), (1e9,), (0.01,))
    rule = rule_of(factors=(1.0, 1.0, 0.0))
    birth = -15.5 * DAYS_PER_YEAR
    half_year = 0.5 * DAYS_PER_YEAR
    assert aged_stay_days(segments, rule, 0.0, birth, 1.0, 0.01 * half_year - 0.1, 1.0)[1]
    duration, escalated, aged = aged_stay_days(segments, rule, 0.0, birth, 1.0, 0.01 * half_year + 0.1, 1.0)
    assert not escalated and aged and math.isclose(duration, 2.5 * DAYS_PER_YEAR)


# ---------------------------------------------------------------- both engines, exact


@pytest.fixture(params=ENGINES)
def engine(request):
    return request.param


def test_by_age_adds_up_to_the_main_tables_every_month(engine):
    plan, _, result = run_one(chain(years=6), engine)
    by_age = result.by_age
    assert by_age is not None and by_age.shape[2] == len(plan.age.labels)
    in_care = result.levels[:, OCCUPANCY] + result.levels[:, OVERFLOW]
    assert np.allclose(by_age[:, IN_CARE].sum(axis=1), in_care, atol=1e-9)
    assert np.array_equal(by_age[:, AGE_ADMISSIONS].sum(axis=1), result.counts[:, ADMISSIONS])
    assert np.array_equal(by_age[:, AGE_ESCALATIONS].sum(axis=1), result.counts[:, ESCALATED])
    jz = plan.names.index("jzplus")
    assert result.levels[:, 1, jz].max() > 0, "the chain should exercise a waiting list"
    assert by_age[:, AGE_AGED_OUT].sum() > 0


def test_nobody_is_in_care_at_or_past_the_age_limit(engine):
    plan, model, result = run_one(chain(years=6), engine)
    log = model.age_log()
    limits = np.asarray([rule.limit for rule in plan.age.rules])
    end = np.minimum(log.end, plan.horizon)
    assert (end - log.birth <= limits[log.type] + 1e-6).all()
    assert (log.start - log.birth < limits[log.type]).all()
    assert (log.start - log.birth >= 0).all(), "ages are never negative"
    # The 18-21 band exists for extended care only.
    top = plan.age.labels.index("18-21")
    assert result.by_age[:, :, top, plan.names.index("verlengd")].sum() > 0
    for name in ("residential", "jzplus"):
        assert result.by_age[:, :, top, plan.names.index(name)].sum() == 0


def test_a_long_run_keeps_every_youth_in_its_band(engine):
    # Days reach 11,000: birth + edge and start + duration round differently (found in review:
    # youths at 18 booked in the 18-21 band of JZ+, levels below zero).
    plan, _, result = run_one(chain(years=30), engine)
    in_care = result.by_age[:, IN_CARE]
    assert in_care.min() > -1e-9
    for i, rule in enumerate(plan.age.rules):
        assert np.abs(result.by_age[:, :, len(rule.edges) :, i]).sum() == 0, plan.names[i]


def test_a_youth_past_its_age_limit_waits_for_extended_care_outside_its_old_place(engine):
    data = chain(years=6)
    data["care_types"]["verlengd"].update({"capacity": 2, "when_full": "wait"})
    data["care_types"]["jzplus"]["at_age_limit"] = "verlengd"
    plan, model, result = run_one(data, engine)
    log = model.age_log()
    limits = np.asarray([rule.limit for rule in plan.age.rules])
    assert (np.minimum(log.end, plan.horizon) - log.birth <= limits[log.type] + 1e-6).all()
    verlengd = plan.names.index("verlengd")
    assert result.levels[:, 1, verlengd].max() > 1, "youths should wait for extended care"
    in_care = result.levels[:, OCCUPANCY] + result.levels[:, OVERFLOW]
    assert np.allclose(result.by_age[:, IN_CARE].sum(axis=1), in_care, atol=1e-9)
    census = model.census()
    assert census["initial"] + census["arrived"] - census["exited"] == (
        census["in_places"] + census["elsewhere"] + census["waiting_new"]
    )


def test_a_band_with_escalation_factor_zero_has_no_escalations(engine):
    plan, _, result = run_one(chain(years=6), engine)
    residential = plan.names.index("residential")
    escalations = result.by_age[:, AGE_ESCALATIONS, :, residential].sum(axis=0)
    assert escalations[0] == 0  # 0-12: factor 0
    assert escalations[1] > 0 and escalations[2] > 0


def test_ageing_conserves_youths(engine):
    _, model, _ = run_one(chain(years=6), engine)
    census = model.census()
    assert (
        census["initial"] + census["arrived"] - census["exited"]
        == census["in_places"] + census["elsewhere"] + census["waiting_new"]
    )


def test_the_hybrid_hands_youths_to_simpy_and_keeps_counting_them():
    _, model, _ = run_one(chain(years=6), "hybrid")
    assert (model.age_log().kind == HANDED).any()


def test_age_writes_by_age_csv_and_aged_out_to_yearly(tmp_path):
    data = chain(years=3, replications=3)
    scenario = make_scenario(data["care_types"], **{k: v for k, v in data.items() if k != "care_types"})
    results = run_experiment(scenario, workers=1)
    assert "aged_out_mean" in results.yearly.columns
    results.write(tmp_path / "out")
    import pandas as pd

    by_age = pd.read_csv(tmp_path / "out" / "by_age.csv")
    assert list(by_age.columns[:3]) == ["year", "care_type", "age_band"]
    assert set(by_age["age_band"]) == {"0-12", "12-16", "16-18", "18-21"}
    merged = by_age.groupby(["year", "care_type"], sort=False)["aged_out_mean"].sum()
    yearly = results.yearly.set_index(["year", "care_type"])["aged_out_mean"]
    assert np.allclose(merged.loc[yearly.index].to_numpy(), yearly.to_numpy())


# ---------------------------------------------------------------- against theory


GROUPS = ((12, 16, 2 / 3), (16, 18, 1 / 3))  # entry ages uniform in [12, 18): band, share


def theory(what, inflow, mean_years, cv=1.0, older=1.0, **kw):
    """A closed form of ``simulator.ageing`` for the entry groups of ``single``, the stays of
    those who enter from 16 ``older`` times as long."""
    return sum(
        share
        * getattr(ageing, what)(inflow, low, high, 18, mean_years * (older if low == 16 else 1.0), cv, **kw)
        for low, high, share in GROUPS
    )


def single(mean_months=12.0, cv=1.0, inflow=200.0, extended=None, years=12, older=1.0):
    """One care type with entry ages uniform in [12, 18) (bands 12-16 and 16-18 in
    proportion to their widths), at its steady state from the start; ``extended``: mean stay
    in months of extended care to 21; ``older``: the stay factor from 16."""
    care = {
        "jz": {
            "inflow_per_year": inflow,
            "initial": round(theory("expected_occupancy", inflow, mean_months / 12, cv, older)),
            "stay_months": mean_months,
            "stay_cv": cv,
            "entry_age": {12: GROUPS[0][2], 16: GROUPS[1][2]},
            "stay_by_age": {16: older},
        }
    }
    if extended is not None:
        care["jz"]["at_age_limit"] = "ext"
        care["ext"] = {"stay_months": extended, "age_limit": 21}
    return make_scenario(care, age={"bands": BANDS}, years=years, replications=30, seed=1604)


def by_band(scenario, engine):
    plan = compile_plan(scenario)
    reps = run_replications(plan, scenario.replications, scenario.seed, workers=1, engine=engine)
    return plan, np.stack([r.by_age for r in reps])  # (R, M, measures, bands, n)


@pytest.mark.slow
@pytest.mark.parametrize("cv, older", [(1.0, 1.0), (0.5, 1.0), (1.0, 0.5)])
def test_aged_out_and_occupancy_by_band_are_the_closed_forms(engine, cv, older):
    inflow, mean_years = 200.0, 1.0
    plan, values = by_band(single(cv=cv, inflow=inflow, mean_months=12 * mean_years, older=older), engine)
    months = values.shape[1]
    yearly_aged_out = values[:, :, AGE_AGED_OUT].sum(axis=(1, 2))[:, 0] * 12 / months
    estimate, se = mean_and_se(yearly_aged_out)
    expected = theory("aged_out_per_year", inflow, mean_years, cv, older)
    assert within(estimate, expected, se), (estimate, expected, se)
    labels = plan.age.labels
    for band in [(12, 16), (16, 18)]:
        b = labels.index(f"{band[0]}-{band[1]}")
        estimate, se = mean_and_se(values[:, :, IN_CARE, b, 0].mean(axis=1))
        expected = theory("expected_occupancy", inflow, mean_years, cv, older, band=band)
        assert within(estimate, expected, se), (band, estimate, expected, se)


@pytest.mark.slow
@pytest.mark.parametrize("older", [1.0, 3.0])
def test_the_youths_present_at_the_start_have_the_steady_state_ages(engine, older):
    # The first month's occupancy by band is the steady state (not a warm-up from the inflow);
    # with longer stays from 16, more of those present entered from 16.
    inflow, mean_years = 200.0, 1.0
    plan, values = by_band(single(inflow=inflow, years=1, older=older), engine)
    for band in [(12, 16), (16, 18)]:
        b = plan.age.labels.index(f"{band[0]}-{band[1]}")
        estimate, se = mean_and_se(values[:, 0, IN_CARE, b, 0])
        expected = theory("expected_occupancy", inflow, mean_years, 1.0, older, band=band)
        assert within(estimate, expected, se), (band, estimate, expected, se)


@pytest.mark.slow
def test_extended_care_holds_those_who_age_out_until_21(engine):
    inflow, mean_years, extended_years = 200.0, 1.0, 1.5
    plan, values = by_band(single(inflow=inflow, extended=12 * extended_years, years=14), engine)
    ext = plan.names.index("ext")
    settled = values[:, 48:, IN_CARE, :, ext].sum(axis=2).mean(axis=1)  # after four years
    estimate, se = mean_and_se(settled)
    entering = theory("aged_out_per_year", inflow, mean_years)
    # Extended care from exactly 18 to 21: exponential stays cut at 3 years.
    expected = entering * extended_years * (1 - math.exp(-3 / extended_years))
    assert within(estimate, expected, se), (estimate, expected, se)


def test_the_settings_table_names_every_age_difference():
    from simulator.differences import described_differences

    data = chain(years=6)
    baseline = make_scenario(data["care_types"], **{k: v for k, v in data.items() if k != "care_types"})
    data["policies"] = [
        {
            "name": "Workshop",
            "from": "2023-01",
            "inflow_factor_by_age": {"residential": {0: 0.5}},
            "at_age_limit": {"jzplus": "verlengd"},
        }
    ]
    data["care_types"]["verlengd"]["age_limit"] = 23
    data["care_types"]["jzplus"]["entry_age"] = {12: 0.5, 16: 0.5}
    changed = make_scenario(data["care_types"], **{k: v for k, v in data.items() if k != "care_types"})
    table = described_differences([baseline, changed], ["a", "b"], lang="en")
    rows = dict(zip(table.iloc[:, 0], zip(table["a"], table["b"], strict=True), strict=True))
    assert rows["jzplus: inflow from age 12 (share)"] == ("60%", "50%")
    assert rows["verlengd: age limit (years)"] == ("21", "23")
    assert rows["Policy 'Workshop': inflow residential from age 0 (factor)"] == ("none", "0.5")
    assert rows["Policy 'Workshop': jzplus at the age limit to verlengd"] == ("none", "100%")
    assert described_differences([baseline, baseline]).empty


# ---------------------------------------------------------------- the workshop


AGE_APP = """name: Leeftijd in de workshop
start: 2021-01
years: 5
replications: 4
age:
  bands: [0, 12, 16, 18]
care_types:
  residential:
    label: Residentieel
    inflow_per_year: 120
    initial: 60
    stay_months: 8
    entry_age: {0: 0.3, 12: 0.5, 16: 0.2}
    escalation_per_year: {jzplus: 0.4}
    escalation_by_age: {0: 0.0}  # nobody under 12 in JZ+
  jzplus:
    label: JeugdzorgPlus
    inflow_per_year: 30
    initial: 20
    capacity: 24
    stay_months: 6
    entry_age: {12: 0.6, 16: 0.4}
    at_age_limit: {verlengd: 0.3, exit: 0.7}
    outflow: {residential: 0.3, exit: 0.7}
  verlengd:
    label: Verlengde jeugdhulp
    stay_months: 12
    age_limit: 21
"""


def test_the_workshop_shows_ages_and_the_extended_care_lever(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    (tmp_path / "leeftijd.yaml").write_text(AGE_APP, encoding="utf-8")
    monkeypatch.setenv("JZSIM_SCENARIOS", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["scenario"] = "leeftijd"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Leeftijd" in [h.value for h in at.subheader]
    table = next(frame.value for frame in at.dataframe if "Leeftijd" in frame.value.columns)
    assert list(table["Leeftijd"]) == ["12–16 jaar", "16–18 jaar"]  # JZ+ (the key type): 12 to 18 only
    assert "Grens bereikt 2022" in table.columns
    extended = next(s for s in at.sidebar.slider if s.key.endswith("extended.jzplus"))
    assert extended.value == 30
    young = next(s for s in at.sidebar.slider if s.key.endswith("young.residential"))
    assert young.label.startswith("Nieuwe jeugdigen 0–12 jaar")
    extended.set_value(90).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["extended.jzplus"] == ["90"] or at.query_params["extended.jzplus"] == "90"
    assert any("door naar verlengde zorg" in str(e.value) for e in [*at.caption, *at.markdown, *at.title])
    at.selectbox(key="age_care_type").set_value("verlengd").run()
    table = next(frame.value for frame in at.dataframe if "Leeftijd" in frame.value.columns)
    assert list(table["Leeftijd"])[-1] == "18–21 jaar"


def test_the_deck_and_the_workbook_hold_the_age_table(tmp_path):
    import io

    import openpyxl
    import yaml
    from pptx import Presentation

    from simulator.export import scenario_export
    from simulator.results import Summary
    from simulator.scenario import scenario_from_dict

    scenario = scenario_from_dict(yaml.safe_load(AGE_APP), "leeftijd.yaml")
    summary = Summary.of(run_experiment(scenario, workers=1))
    made = scenario_export(summary, "nl", baseline=summary)
    deck = Presentation(io.BytesIO(made.deck))
    titles = [slide.shapes.title.text for slide in deck.slides]
    age_slides = [
        s
        for s, title in zip(deck.slides, titles, strict=True)
        if title.endswith("jeugdigen in zorg per leeftijd")
    ]
    assert [s.shapes.title.text.split(":")[0] for s in age_slides] == [
        "Residentieel",
        "JeugdzorgPlus",
        "Verlengde jeugdhulp",
    ]
    jz = age_slides[1]
    chart = next(shape.chart for shape in jz.shapes if shape.has_chart)
    series = {s.name: list(s.values) for s in chart.plots[0].series}
    by_age = summary.by_age[summary.by_age["care_type"] == "jzplus"]
    assert set(series) == {"12–16 jaar", "16–18 jaar"}
    assert np.allclose(series["16–18 jaar"], by_age.loc[by_age["age_band"] == "16-18", "in_care_mean"])
    table = next(shape.table for shape in jz.shapes if shape.has_table)
    assert table.cell(0, 4).text == "Grens bereikt 2022" and table.cell(2, 0).text == "16–18 jaar"
    book = openpyxl.load_workbook(io.BytesIO(made.workbook), read_only=True)
    rows = list(book["by_age"].iter_rows(values_only=True))
    assert rows[0][:3] == ("jaar", "zorgvorm", "leeftijd (jaar)") and len(rows) == len(summary.by_age) + 1
    assert "by_age.csv" in made.tables
