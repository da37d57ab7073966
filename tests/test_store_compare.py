"""Names of saved scenarios, uploads, and comparisons (the store itself: tests/test_store.py)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from simulator import settings, store
from simulator.cli import main
from simulator.compare import aligned, kpi_table, parameter_differences
from simulator.experiment import run_experiment
from simulator.levers import apply_levers, default_levers
from simulator.results import Summary
from simulator.scenario import ScenarioError, dump_scenario, load_scenario, with_overrides
from tests.conftest import EXAMPLE


@pytest.fixture
def folder(tmp_path, monkeypatch):
    saved = tmp_path / "saved"
    monkeypatch.setenv(settings.SAVED_VARIABLE, str(saved))
    return saved


@pytest.mark.parametrize(
    "name, stem",
    [
        ("Zuid-West: -5%/jaar (versie 2)", "zuid-west-5-jaar-versie-2"),
        ("../../etc/passwd", "etc-passwd"),
        ("..\\..\\windows\\system32", "windows-system32"),
        ("Ééntje   met   spaties", "eentje-met-spaties"),
        ("/absolute/path.yaml", "absolute-path-yaml"),
        ("x" * 300, "x" * store.MAX_STEM),
    ],
)
def test_names_become_safe_file_names(name, stem):
    assert store.safe_stem(name) == stem


@pytest.mark.parametrize("name", ["", "   ", "../..", "%%%", "日本"])
def test_a_name_without_letters_or_digits_is_refused(name):
    with pytest.raises(store.StoreError, match="at least one letter or digit"):
        store.safe_stem(name)


@pytest.mark.parametrize(
    "content, fragment",
    [
        (
            b"name: x\nstart: 2021-01\ncare_types:\n  jzplus:\n    stay_month: 5\n",
            "care_types.jzplus.stay_month: unknown field",
        ),
        (b"name: [unclosed\n", "not valid YAML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a text file"),
        (b"- just\n- a list\n", "expected a mapping of scenario fields"),
        (
            b"a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
            b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
            "expands (through aliases)",
        ),
        (b"name: x\n" + b"#" * 70_000, "a scenario is at most"),
        (b"!!python/object/apply:os.system ['echo hacked']\n", "not valid YAML"),
    ],
)
def test_a_broken_upload_names_the_problem_and_saves_nothing(folder, content, fragment):
    with pytest.raises(ScenarioError) as info:
        store.parse_upload(content, "upload.yaml")
    assert fragment in info.value.message() and "upload.yaml" in info.value.message()
    assert not folder.exists()


def test_a_valid_upload_parses_to_the_scenario():
    assert store.parse_upload(EXAMPLE.read_bytes(), "voorbeeld.yaml") == load_scenario(EXAMPLE)


# ---------------------------------------------------------------- comparing


@pytest.fixture(scope="module")
def pair():
    base = with_overrides(load_scenario(EXAMPLE), years=3, replications=8)
    levers = default_levers(base)
    levers.inflow_change["jzplus"] = -0.2
    levers.escalation_change["foster"] = -0.3
    other = with_overrides(apply_levers(base, levers), seed=1, replications=3)
    scenarios = aligned(base, [other, base])
    return scenarios, [Summary.of(run_experiment(s, workers=1)) for s in scenarios]


def test_aligned_scenarios_share_the_baselines_seed_and_replications(pair):
    scenarios, _ = pair
    assert {s.seed for s in scenarios} == {scenarios[0].seed}
    assert {s.replications for s in scenarios} == {8}


def test_kpis_pair_replications_so_a_copy_of_the_baseline_differs_by_nothing(pair):
    _, summaries = pair
    table = kpi_table(summaries, 2022, ["basis", "beleid", "kopie"])
    copy = table[table["name"] == "kopie"]
    assert (copy["difference"] == 0).all()
    assert (copy.loc[copy["measure"] != "beds_needed", ["difference_p10", "difference_p90"]] == 0).all().all()
    policy = table[(table["name"] == "beleid") & (table["measure"] == "cost")].iloc[0]
    base = table[(table["name"] == "basis") & (table["measure"] == "cost")].iloc[0]
    assert policy["difference"] == pytest.approx(policy["mean"] - base["mean"])
    assert (
        policy["difference_p10"] <= policy["difference"] <= policy["difference_p90"] < 0
    )  # cheaper in every decile


def test_parameter_differences_list_exactly_what_changed(pair):
    scenarios, _ = pair
    table = parameter_differences(scenarios[:2], ["basis", "beleid"])
    assert set(table["parameter"]) == {
        "policies[Workshop].name",
        "policies[Workshop].from",
        "policies[Workshop].inflow_change_per_year.jzplus",
        "policies[Workshop].escalation_factor.foster",
    }
    row = table[table["parameter"] == "policies[Workshop].escalation_factor.foster"].iloc[0]
    assert row["basis"] == "–" and float(row["beleid"]) == pytest.approx(0.7)


def less_inflow(tmp_path):
    """The example with -20% JeugdzorgPlus inflow a year, saved as minder.yaml: (its base, its path)."""
    other = tmp_path / "minder.yaml"
    base = load_scenario(EXAMPLE)
    levers = default_levers(base)
    levers.inflow_change["jzplus"] = -0.2
    other.write_text(dump_scenario(apply_levers(base, levers)), encoding="utf-8")
    return base, other


def test_compare_on_the_command_line_writes_the_same_tables(tmp_path, capsys):
    base, other = less_inflow(tmp_path)
    out = tmp_path / "cmp"
    code = main(["compare", str(EXAMPLE), str(other), "--out", str(out), "--replications", "4", "--quiet"])
    assert code == 0
    kpis = pd.read_csv(out / "kpis.csv")
    assert set(kpis["name"]) == {"voorbeeldregio", "minder"} and set(kpis["year"]) == set(range(2021, 2031))
    parameters = pd.read_csv(out / "parameters.csv")
    assert "policies[Workshop].inflow_change_per_year.jzplus" in set(parameters["parameter"])
    info = json.loads((out / "run.json").read_text())
    assert info["replications"] == 4 and info["baseline"] == "voorbeeldregio"
    yearly = pd.read_csv(out / "yearly.csv")
    assert list(yearly.columns[:3]) == ["scenario", "year", "care_type"]
    # The same numbers as the library gives.
    summaries = [
        Summary.of(run_experiment(s, workers=1))
        for s in aligned(with_overrides(base, replications=4), [load_scenario(other)])
    ]
    expected = kpi_table(summaries, 2024, ["voorbeeldregio", "minder"])
    got = kpis[kpis["year"] == 2024].reset_index(drop=True)
    assert np.allclose(got["mean"], expected["mean"]) and np.allclose(
        got["difference"], expected["difference"]
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["only.yaml"], "needs a baseline and at least one other"),
        ([str(EXAMPLE)] * 7, "at most 5 other"),
    ],
)
def test_compare_refuses_bad_input_and_writes_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "cmp"
    assert main(["compare", *args, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_compare_with_a_broken_scenario_names_the_field(tmp_path, capsys):
    broken = tmp_path / "kapot.yaml"
    broken.write_text("name: kapot\nstart: 2021-01\ncare_types:\n  jzplus:\n    stay_month: 5\n")
    out = tmp_path / "cmp"
    assert main(["compare", str(EXAMPLE), str(broken), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "kapot.yaml is not a valid scenario" in err and "care_types.jzplus.stay_month" in err
    assert not out.exists()


def test_compare_prints_the_key_figures_as_the_app_says_them(tmp_path, capsys):
    _, other = less_inflow(tmp_path)
    assert (
        main(["compare", str(EXAMPLE), str(other), "--out", str(tmp_path / "c"), "--replications", "3"]) == 0
    )
    out = capsys.readouterr().out
    assert "Beds needed JeugdzorgPlus" in out and "Youths in out-of-home care" in out
    cost = next(line for line in out.splitlines() if "minder" in line and "Cost per year" in line)
    assert re.search(
        r"€ \d+\.\d mln +[-+±]€ \d+\.\d\d mln \([-+±]€ [\d.]+ mln to [-+±]€ [\d.]+ mln\)", cost
    ), cost
