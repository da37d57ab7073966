"""A comparison in words: settings that differ (simulator.differences) and the key figures
with scenarios as columns (compare.kpi_grid)."""

from __future__ import annotations

import pytest

from simulator.compare import KPI_MEASURES, aligned, kpi_grid, kpi_table
from simulator.differences import described_differences
from simulator.experiment import run_experiment
from simulator.i18n import measure_delta, measure_value
from simulator.levers import apply_levers, changed_scenario, default_levers
from simulator.results import Summary
from simulator.scenario import load_scenario, scenario_from_dict, with_overrides
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def base():
    return load_scenario(EXAMPLE)  # JeugdzorgPlus 57 places in 2021, 43 from 2022


def rows(table) -> dict[str, list[str]]:
    return {row[0]: list(row[1:]) for row in table.itertuples(index=False)}


def test_a_capacity_lever_reads_as_the_places_in_force_from_its_year(base):
    levers = default_levers(base)
    levers.capacity_target["jzplus"] = 35
    found = rows(described_differences([base, apply_levers(base, levers)], ["basis", "35"]))
    assert found["Capaciteit JeugdzorgPlus vanaf 2022"] == ["43", "35"]  # the issue's own example
    assert found["Beleid 'Workshop': gaat in"] == ["geen", "2022-01"]  # not "–", which read as removed
    assert not [k for k in found if "capacity" in k or "[" in k]  # no schema paths
    english = rows(described_differences([base, apply_levers(base, levers)], ["a", "b"], "en"))
    assert english["Capacity JeugdzorgPlus from 2022"] == ["43", "35"]


def test_the_same_places_written_another_way_are_no_difference(base):
    data = base.to_dict()
    data["care_types"]["jzplus"]["capacity"] = 57
    data["policies"].append({"name": "Afbouw", "from": "2022-01", "capacity": {"jzplus": 43}})
    by_policy = scenario_from_dict(data, "beleid")
    found = rows(described_differences([base, by_policy], ["schema", "beleid"]))
    assert not [k for k in found if k.startswith("Capaciteit")]  # 57 then 43 in both
    assert found == {"Beleid 'Afbouw': gaat in": ["geen", "2022-01"]}
    data["policies"][-1]["from"] = "2022-07"  # half a year later: the months in between differ
    later = rows(described_differences([base, scenario_from_dict(data, "later")], ["schema", "later"]))
    assert later["Capaciteit JeugdzorgPlus vanaf 2022"] == ["43", "57"]
    assert "Capaciteit JeugdzorgPlus vanaf 2022-07" not in later  # 43 again in both from July
    data["policies"][-1]["capacity"] = {"jzplus": None}
    unlimited = rows(described_differences([base, scenario_from_dict(data, "open")], ["a", "b"]))
    assert unlimited["Capaciteit JeugdzorgPlus vanaf 2022-07"] == ["43", "onbeperkt"]


def test_settings_of_care_types_and_policies_are_named_with_their_unit(base):
    data = base.to_dict()
    data["care_types"]["jzplus"]["stay_months"] = 6.5
    data["care_types"]["jzplus"]["max_wait_months"] = 2
    data["care_types"]["foster"]["outflow"] = {"home": 0.7, "exit": 0.3}
    data["service_level"] = 0.9
    del data["care_types"]["home"]
    for care in data["care_types"].values():
        care["escalation_per_year"].pop("home", None)
        shares = care["outflow"]
        if "home" in shares:  # its youths now leave care instead
            shares["exit"] = shares.get("exit", 0.0) + shares.pop("home")
    other = scenario_from_dict(data, "ander")
    found = rows(described_differences([base, other], ["basis", "ander"]))
    assert found["JeugdzorgPlus: gemiddelde verblijfsduur (maanden)"][1] == "6,5"
    assert found["JeugdzorgPlus: langste wachttijd (maanden)"] == ["geen", "2"]
    assert found["Bedden nodig: aandeel direct geplaatst"] == ["95%", "90%"]
    assert found["Zorgvorm Thuis (met ambulante hulp) in het scenario"] == ["ja", "nee"]
    # A care type one scenario lacks is said once, not again in each of its settings.
    assert not [k for k in found if k.startswith("Thuis (met ambulante hulp):")]
    assert found["Pleegzorg: uitstroom naar einde jeugdhulp"][1] == "100%"


def test_run_settings_and_policies_can_be_left_out(base):
    levers = default_levers(base)
    levers.inflow_change["jzplus"] = -0.05
    other = with_overrides(apply_levers(base, levers), seed=7, replications=3)
    everything = rows(described_differences([base, other]))
    assert (
        everything["Seed"][1] == "7"
        and everything["Beleid 'Workshop': verandering instroom JeugdzorgPlus per jaar"][1] == "-5%"
    )
    assert rows(described_differences([base, other], policies=False, run_settings=False)) == {}
    assert described_differences([base, base]).empty


def test_a_changed_scenario_is_named_after_its_changes_in_dutch(base):
    levers = default_levers(base)
    assert changed_scenario(base, levers).name == base.name  # nothing changed: its own name
    levers.capacity_target["jzplus"] = 35
    named = changed_scenario(base, levers).name
    assert named.startswith(base.name + " – gewijzigd: ") and "43 → 35" in named and len(named) <= 120


@pytest.fixture(scope="module")
def summaries(base):
    short = with_overrides(base, years=3, replications=6)
    levers = default_levers(short)
    levers.inflow_change["jzplus"] = -0.2
    scenarios = aligned(short, [apply_levers(short, levers)])
    return [Summary.of(run_experiment(s, workers=1)) for s in scenarios]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_key_figure_grid_has_a_column_per_scenario_and_differences_for_the_others(summaries, lang):
    kpis = kpi_table(summaries, 2022, ["basis", "minder"])
    grid = kpi_grid(kpis, lang)
    assert list(grid) == list(KPI_MEASURES) and all(len(cells) == 2 for cells in grid.values())
    for measure, (baseline, other) in grid.items():
        row = kpis[(kpis["measure"] == measure) & (kpis["scenario"] == 1)].iloc[0]
        assert other.value == measure_value(row["mean"], measure, lang)
        assert other.difference == measure_delta(row["difference"], measure, lang, row["mean"])
        assert baseline.difference == baseline.difference_range == ""  # the baseline against itself
        assert baseline.value_range.count(" – ") == 1
    # Beds needed: its difference has no spread (kpi_table's rule); the others have one.
    assert grid["beds_needed"][1].difference_range == "" and grid["cost"][1].difference_range
    cost = grid["cost"][1]
    assert cost.difference.endswith(" mln") and cost.value.endswith(" mln")  # in the unit of the value


def test_months_outside_a_scenarios_calendar_are_not_in_it():
    """Nederland-trend starts in 2023: its capacity is not compared in 2021 and 2022, which it
    does not simulate, but from its start."""
    from simulator.settings import PRESETS_DIR

    zuid_west = load_scenario(PRESETS_DIR / "zuid-west-jeugdzorgplus.yaml")
    national = load_scenario(PRESETS_DIR / "nederland-trend.yaml")
    assert national.start > zuid_west.start
    found = rows(described_differences([zuid_west, national], ["zw", "nl"]))
    capacity = {k: v for k, v in found.items() if k.startswith("Capaciteit JeugdzorgPlus")}
    first = f"Capaciteit JeugdzorgPlus vanaf {national.start[:4]}"
    assert next(iter(capacity)) == first and capacity[first][0] == "43", capacity
    assert "Capaciteit JeugdzorgPlus vanaf 2021" not in capacity


def test_a_setting_of_a_care_type_one_scenario_lacks_is_not_repeated(base):
    data = base.to_dict()
    data["care_types"]["foster"]["max_wait_months"] = 3
    with_wait = scenario_from_dict(data, "wacht")
    without = base.to_dict()
    del without["care_types"]["foster"]
    for care in without["care_types"].values():
        care["escalation_per_year"].pop("foster", None)
        shares = care["outflow"]
        if "foster" in shares:
            shares["exit"] = shares.get("exit", 0.0) + shares.pop("foster")
    found = rows(described_differences([with_wait, scenario_from_dict(without, "zonder")], ["a", "b"]))
    assert found["Zorgvorm Pleegzorg in het scenario"] == ["ja", "nee"]
    assert not [k for k in found if k.startswith("Pleegzorg:")]  # its maximum wait included


def test_a_policy_name_used_twice_is_told_apart(base):
    levers = default_levers(base)
    levers.inflow_change["jzplus"] = -0.1
    once = apply_levers(base, levers)
    levers = default_levers(once)
    levers.stay_months["jzplus"] = 4.0
    twice = apply_levers(once, levers)  # a saved workshop result changed in the workshop again
    assert [p.name for p in twice.policies].count("Workshop") == 2
    found = rows(described_differences([once, twice], ["een", "twee"]))
    assert found["Beleid 'Workshop (2)': gaat in"] == ["geen", "2022-01"]
    assert "Beleid 'Workshop (2)': verblijfsduur JeugdzorgPlus (factor)" in found
    assert not [k for k in found if k.startswith("Beleid 'Workshop':")]  # the first is the same in both


def test_beds_needed_of_another_care_type_is_named_in_the_grid(summaries):
    kpis = kpi_table(summaries, 2022, ["basis", "minder"])
    assert [c.other_care_type for c in kpi_grid(kpis)["beds_needed"]] == ["", ""]
    kpis.loc[(kpis["measure"] == "beds_needed") & (kpis["scenario"] == 1), "care_type"] = "residential"
    assert [c.other_care_type for c in kpi_grid(kpis)["beds_needed"]] == ["", "residential"]
