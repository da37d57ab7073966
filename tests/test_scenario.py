"""Scenario schema: defaults, round trips and every validation rule, each naming its field."""

from __future__ import annotations

import copy

import pytest
import yaml

from simulator.checks import plan_warnings
from simulator.experiment import run_experiment
from simulator.scenario import (
    MAX_YAML_NODES,
    ScenarioError,
    dump_scenario,
    load_scenario,
    save_scenario,
    scenario_from_dict,
    scenario_from_yaml,
    with_overrides,
)
from simulator.timeline import compile_plan
from tests.conftest import make_scenario, scenario_dict


def problems_of(data, source="test.yaml") -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, source)
    return info.value.problems


def test_example_loads_with_its_types_in_file_order(example):
    assert example.type_names == ["home", "foster", "residential", "jzplus"]
    assert example.care_types["jzplus"].capacity == {2021: 57, 2022: 43}
    assert example.policies[0].start == "2022-01"


def test_defaults_follow_the_design():
    scenario = make_scenario({"a": {"stay_months": 3}}, replications=30)
    care = scenario.care_types["a"]
    assert (care.stay_cv, care.when_full, care.initial, care.inflow_per_year) == (1.0, "wait", 0, 0.0)
    assert care.outflow == {"exit": 1.0}
    bare = scenario_from_dict({"name": "x", "start": "2021-01", "care_types": {"a": {"stay_months": 3}}})
    assert (bare.years, bare.replications, bare.service_level, bare.policies) == (10, 30, 0.95, [])


def test_save_and_load_give_an_equal_scenario(example, tmp_path):
    path = save_scenario(example, tmp_path / "copy.yaml")
    again = load_scenario(path)
    assert again == example
    assert scenario_from_yaml(dump_scenario(again)) == example
    assert not list(tmp_path.glob(".*.tmp")), "the temporary file of an atomic save is left behind"


def test_dates_may_be_written_as_dates():
    data = scenario_dict({"a": {"stay_months": 3}})
    text = yaml.safe_dump(data).replace("start: 2021-01", "start: 2021-03-01")
    assert scenario_from_yaml(text).start == "2021-03"


BASE = {
    "home": {"stay_months": 12, "outflow": {"exit": 1.0}, "escalation_per_year": {"jzplus": 0.1}},
    "jzplus": {
        "stay_months": 5,
        "inflow_per_year": 10,
        "capacity": {2021: 57, 2022: 43},
        "outflow": {"home": 0.9, "exit": 0.1},
    },
}


def mutate(path: str, value) -> dict:
    data = scenario_dict(copy.deepcopy(BASE))
    keys = path.split(".")
    target = data
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    target[keys[-1]] = value
    return data


@pytest.mark.parametrize(
    "path, value, field, fragment",
    [
        ("care_types.jzplus.stay_month", 5, "care_types.jzplus.stay_month", "did you mean 'stay_months'"),
        ("name", "", "name", "must not be empty"),
        ("start", "2021-13", "start", "YYYY-MM"),
        ("start", "januari 2021", "start", "YYYY-MM"),
        ("years", 51, "years", "at most 50"),
        ("years", 0, "years", "at least 1"),
        ("replications", 1001, "replications", "at most 1000"),
        ("service_level", 1.0, "service_level", "less than 1"),
        ("service_level", 0.0, "service_level", "greater than 0"),
        ("care_types.jzplus.inflow_per_year", -1, "care_types.jzplus.inflow_per_year", "at least 0"),
        ("care_types.jzplus.inflow_per_year", 200_000, "care_types.jzplus.inflow_per_year", "100000"),
        ("care_types.jzplus.stay_months", 0, "care_types.jzplus.stay_months", "at least 0.03"),
        ("care_types.jzplus.stay_cv", 0, "care_types.jzplus.stay_cv", "at least 0.05"),
        ("care_types.jzplus.initial", -3, "care_types.jzplus.initial", "at least 0"),
        ("care_types.jzplus.initial", 2_000_000, "care_types.jzplus.initial", "1,000,000"),
        ("care_types.jzplus.capacity", -1, "care_types.jzplus.capacity", "between 0 and"),
        ("care_types.jzplus.capacity", 43.5, "care_types.jzplus.capacity", "whole number"),
        ("care_types.jzplus.capacity", {"twee": 4}, "care_types.jzplus.capacity", "not a year"),
        ("care_types.jzplus.capacity", {2023: 40}, "care_types.jzplus.capacity", "starts in 2023"),
        ("care_types.jzplus.capacity", {"2021-02": 40}, "care_types.jzplus.capacity", "starts in 2021-02"),
        ("care_types.jzplus.capacity", {2021: 40, "2021-13": 30}, "care_types.jzplus.capacity", "or a month"),
        ("care_types.jzplus.capacity", {2021: 40, "2021-01": 30}, "care_types.jzplus.capacity", "twice"),
        (
            "policies",
            [{"name": "p", "from": "2020-12", "stay_factor": {"jzplus": 0.5}}],
            "policies[0].from",
            "outside the scenario's horizon (2021-01 to 2025-12)",
        ),
        (
            "policies",
            [{"name": "p", "from": "2026-01", "stay_factor": {"jzplus": 0.5}}],
            "policies[0].from",
            "outside the scenario's horizon",
        ),
        ("care_types.jzplus.outflow", {"home": 0.8, "exit": 0.1}, "care_types.jzplus.outflow", "sum to 0.9"),
        (
            "care_types.jzplus.outflow",
            {"home": 1.2, "exit": -0.2},
            "care_types.jzplus.outflow",
            "between 0 and 1",
        ),
        (
            "care_types.jzplus.outflow",
            {"residental": 1.0},
            "care_types.jzplus.outflow",
            "'residental' is not a care type",
        ),
        (
            "care_types.jzplus.outflow",
            {"jzplus": 1.0},
            "care_types.jzplus.outflow",
            "cannot flow into 'jzplus' itself",
        ),
        ("care_types.jzplus.when_full", "later", "care_types.jzplus.when_full", "'wait' or 'elsewhere'"),
        ("care_types.jzplus.max_wait_months", 0, "care_types.jzplus.max_wait_months", "greater than 0"),
        ("care_types.jzplus.cost_per_day", -750, "care_types.jzplus.cost_per_day", "at least 0"),
        (
            "care_types.jzplus.escalation_per_year",
            {"home": 0.1},
            "care_types.jzplus.escalation_per_year",
            "heavier",
        ),
        (
            "care_types.home.escalation_per_year",
            {"jzplus": -0.1},
            "care_types.home.escalation_per_year",
            "between 0",
        ),
        (
            "care_types.home.escalation_per_year",
            {"jzpls": 0.1},
            "care_types.home.escalation_per_year",
            "did you mean 'jzplus'",
        ),
        (
            "policies",
            [{"name": "p", "from": "2022-01", "stay_factor": {"jzplus": 0}}],
            "policies[0].stay_factor",
            "above 0",
        ),
        (
            "policies",
            [{"name": "p", "from": "2022", "stay_factor": {"jzplus": 0.5}}],
            "policies[0].from",
            "YYYY-MM",
        ),
        (
            "policies",
            [{"name": "p", "from": "2022-01", "inflow_change_per_year": {"jzplus": -1}}],
            "policies[0].inflow_change_per_year",
            "above -1",
        ),
        (
            "policies",
            [{"name": "p", "from": "2022-01", "stay_factor": {"jz": 0.5}}],
            "policies[0].stay_factor",
            "'jz' is not a care type",
        ),
        (
            "policies",
            [{"name": "p", "from": "2022-01", "outflow": {"jzplus": {"home": 0.5}}}],
            "policies[0].outflow.jzplus",  # the care type whose shares are wrong
            "sum to 0.5",
        ),
        (
            "policies",
            [{"name": "p", "from": "2022-01", "stay_factr": {"jzplus": 0.5}}],
            "policies[0].stay_factr",
            "did you mean 'stay_factor'",
        ),
        (
            "policies",
            [{"name": "p", "from": "2022-01", "capacity": {"jzplus": -4}}],
            "policies[0].capacity",
            "between 0 and",
        ),
    ],
)
def test_each_rule_names_its_field(path, value, field, fragment):
    problems = problems_of(mutate(path, value))
    messages = [text for where, text in problems if where == field]
    assert messages, f"no problem reported at {field}; got {problems}"
    assert any(fragment in text for text in messages), messages


def test_reserved_and_malformed_type_names_are_refused():
    for name in ("exit", "new", "Pleeg Zorg", "1st"):
        data = scenario_dict({name: {"stay_months": 3}})
        assert any(where == f"care_types.{name}" for where, _ in problems_of(data)), name


def test_inflow_growing_past_the_cap_through_policies_is_refused():
    data = mutate(
        "policies", [{"name": "groei", "from": "2022-01", "inflow_change_per_year": {"jzplus": 1.0}}]
    )
    data["care_types"]["jzplus"]["inflow_per_year"] = 500
    data["years"] = 50
    problems = problems_of(data)
    assert any(
        where == "care_types.inflow_per_year" and "policies included" in text for where, text in problems
    )


def test_total_initial_youths_are_capped():
    data = mutate("care_types.home.initial", 600_000)
    data["care_types"]["jzplus"]["initial"] = 600_000
    assert any(where == "care_types" and "initial" in text for where, text in problems_of(data))


def test_a_chain_without_exit_is_refused():
    data = mutate("care_types.home.outflow", {"jzplus": 1.0})
    data["care_types"]["jzplus"]["outflow"] = {"home": 1.0}
    paths = {where for where, _ in problems_of(data)}
    assert {"care_types.home.outflow", "care_types.jzplus.outflow"} <= paths


def test_a_policy_that_traps_youths_is_refused():
    data = mutate(
        "policies",
        [
            {
                "name": "p",
                "from": "2023-01",
                "outflow": {"jzplus": {"home": 1.0}},
                "escalation_factor": {"home": 1.0},
            }
        ],
    )
    data["care_types"]["home"]["outflow"] = {"jzplus": 1.0}
    data["care_types"]["jzplus"]["outflow"] = {"home": 0.5, "exit": 0.5}
    assert any("never leave care" in text for _, text in problems_of(data))


def test_the_message_names_the_file_and_every_problem():
    data = mutate("care_types.jzplus.stay_month", 5)
    data["years"] = 99
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, "scenarios/mijn.yaml")
    text = str(info.value)
    assert text.startswith("scenarios/mijn.yaml")
    assert "years" in text and "care_types.jzplus.stay_month" in text
    assert "Traceback" not in text


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("", "got empty"),
        ("- a\n- b\n", "got list"),
        ("name: [unclosed\n", "not valid YAML"),
        ("name: !!python/object/apply:os.system ['echo hacked']\n", "not valid YAML"),
        (b"\xff\xfe\x00name", "not a text file"),
    ],
)
def test_unreadable_files_get_a_message(text, fragment):
    with pytest.raises(ScenarioError) as info:
        scenario_from_yaml(text, "upload.yaml")
    assert fragment in str(info.value)


def test_yaml_alias_bombs_are_refused_without_expanding():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 9):  # 10**9 values once expanded
        lines.append(f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 10)}]")
    lines.append("name: *a8")
    with pytest.raises(ScenarioError) as info:
        scenario_from_yaml("\n".join(lines), "bomb.yaml")
    assert f"{MAX_YAML_NODES:,}" in str(info.value)


def test_oversized_files_are_refused():
    with pytest.raises(ScenarioError, match="at most"):
        scenario_from_yaml(b"# " + b"x" * 1_100_000, "big.yaml")


def test_missing_file_is_reported_by_name(tmp_path):
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "nope.yaml")


def test_overrides_are_validated(example):
    assert with_overrides(example, years=3, seed=None).years == 3
    with pytest.raises(ScenarioError, match="replications"):
        with_overrides(example, replications=0)


def test_generic_care_types_need_no_code_change():
    """A gezinshuis between foster care and residential care works by configuration alone."""
    scenario = make_scenario(
        {
            "foster": {"stay_months": 24, "inflow_per_year": 50, "escalation_per_year": {"gezinshuis": 0.1}},
            "gezinshuis": {
                "label": "Gezinshuis",
                "stay_months": 18,
                "inflow_per_year": 10,
                "capacity": 12,
                "outflow": {"foster": 0.3, "exit": 0.7},
            },
        }
    )
    assert scenario.label("gezinshuis") == "Gezinshuis" and scenario.label("foster") == "foster"
    results = run_experiment(with_overrides(scenario, years=2, replications=2))
    flows = results.flows.set_index(["from", "to"])["per_year_mean"]
    assert flows["foster", "gezinshuis"] > 0 and flows["gezinshuis", "foster"] > 0  # both routes used
    gezinshuis = results.monthly[results.monthly["care_type"] == "gezinshuis"]
    assert gezinshuis["occupancy"].max() <= 12 + 1e-9  # its capacity holds (time-weighted means)


def test_circular_waits_are_flagged_and_max_wait_clears_the_flag():
    care = {
        "residential": {"stay_months": 6, "capacity": 5, "escalation_per_year": {"jzplus": 1.0}},
        "jzplus": {"stay_months": 3, "capacity": 3, "outflow": {"residential": 1.0}},
    }
    assert plan_warnings(compile_plan(make_scenario(care)))
    care["jzplus"]["max_wait_months"] = 2
    assert not plan_warnings(compile_plan(make_scenario(care)))


def test_messages_come_in_dutch_for_the_app_and_english_for_the_command_line():
    data = mutate("care_types.jzplus.outflow", {"home": 0.8, "exit": 0.1})
    data["years"] = 51
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, "mijn.yaml")
    english, dutch = info.value.message(), info.value.message("nl")
    assert english.startswith("mijn.yaml is not a valid scenario:") and "shares sum to 0.9" in english
    assert dutch.startswith("mijn.yaml is geen geldig scenario:")
    assert "  care_types.jzplus.outflow: de aandelen tellen op tot 0,9; dat moet 1 zijn" in dutch
    assert "  years: mag hoogstens 50 zijn (gegeven: 51)" in dutch
    assert str(info.value) == english  # what the command line prints


def test_a_capacity_schedule_takes_years_and_months_in_date_order():
    data = mutate("care_types.jzplus.capacity", {"2024-07": 30, 2021: 57, "2022-01": 43})
    scenario = scenario_from_dict(data)
    assert list(scenario.care_types["jzplus"].capacity.items()) == [(2021, 57), (2022, 43), ("2024-07", 30)]
    plan = compile_plan(scenario)
    j = plan.names.index("jzplus")
    assert plan.capacity_at(j, plan.calendar.day_of("2024-06")) == 43
    assert plan.capacity_at(j, plan.calendar.day_of("2024-07")) == 30
    assert scenario_from_yaml(dump_scenario(scenario)) == scenario  # the month keys survive a save
