"""The cost estimate and the limits of a run (simulator.budget): refused before it starts,
stopped if it escapes the estimate; in the app and on the command line."""

import numpy as np
import pytest
import yaml

from simulator import budget
from simulator.budget import APP_LIMITS, RunLimitError, estimate, over_budget
from simulator.cli import main
from simulator.experiment import run_replications
from simulator.model import Model
from simulator.scenario import load_scenario, with_overrides
from simulator.settings import PRESETS_DIR
from simulator.timeline import compile_plan
from tests.conftest import EXAMPLE, Z, make_scenario, mean_and_se

PRESETS = sorted(PRESETS_DIR.glob("*.yaml"))


def simulated_stays(plan, replications: int) -> np.ndarray:
    """Per replication: stays under way at the start plus stays started (admissions)."""
    reps = run_replications(plan, replications, plan.scenario.seed, workers=1)
    return np.array([sum(plan.initial) + r.counts[:, 0, :].sum() for r in reps])


def test_the_estimate_equals_the_simulated_stays_when_nothing_is_cut_off():
    """Short stays, a long horizon, no capacity: every youth's expected stays (I - P)^-1 1
    happen within the horizon, but for those who arrive in its last weeks."""
    scenario = make_scenario(
        {
            "home": {"stay_months": 0.5, "inflow_per_year": 200, "escalation_per_year": {"foster": 2.0}},
            "foster": {"stay_months": 1, "inflow_per_year": 50, "outflow": {"home": 0.3, "exit": 0.7}},
        },
        years=10,
        replications=20,
    )
    plan = compile_plan(scenario)
    expected = estimate(plan).stays
    mean, se = mean_and_se(simulated_stays(plan, 20))
    cut_off = 0.01 * expected  # arrivals in the last month (1/120 of the horizon) lose some stays
    assert expected - cut_off - Z * se <= mean <= expected + Z * se, (mean, se, expected)


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_the_estimate_bounds_every_preset_from_above(path):
    """The estimate ignores capacity and the horizon's end, which only remove stays."""
    scenario = with_overrides(load_scenario(path), replications=4)
    plan = compile_plan(scenario)
    expected = estimate(plan).stays
    mean, se = mean_and_se(simulated_stays(plan, 4))
    assert mean <= expected + Z * se, (mean, se, expected)
    assert mean >= 0.5 * expected, "an estimate far above the model would refuse runs for nothing"


def test_every_preset_fits_the_apps_limits():
    for path in PRESETS:
        assert over_budget(load_scenario(path), APP_LIMITS) == [], path.name


def test_the_app_refuses_what_would_hold_every_worker():
    example = load_scenario(EXAMPLE)
    found = dict(over_budget(with_overrides(example, replications=101, years=21), APP_LIMITS))
    assert "at most 100" in found["replications"].text() and "at most 20" in found["years"].text()
    growing = with_overrides(example, years=20)
    data = growing.to_dict()
    data["policies"].append({"name": "groei", "from": "2022-01", "inflow_change_per_year": {"foster": 0.3}})
    from simulator.scenario import scenario_from_dict

    found = dict(over_budget(scenario_from_dict(data, "groei"), APP_LIMITS))
    assert (
        "stays expected" in found["replications"].text()
        and "fewer replications" in found["replications"].text()
    )
    crowd = make_scenario({"home": {"stay_months": 600, "inflow_per_year": 90_000}}, years=5)
    assert "youths per replication" in dict(over_budget(crowd, APP_LIMITS))["care_types"].text("en")


def test_the_command_line_refuses_before_running_and_a_flag_raises_the_limit(tmp_path, capsys, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("ran although over budget")

    monkeypatch.setattr("simulator.experiment.run_experiment", must_not_run)
    out = tmp_path / "out"
    assert main(["run", str(EXAMPLE), "--out", str(out), "--max-stays", "1000", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "too large to run here" in err and "--max-stays" in err and not out.exists()
    monkeypatch.undo()
    assert (
        main(["run", str(EXAMPLE), "--out", str(out), "--replications", "1", "--years", "2", "--quiet"]) == 0
    )


def test_a_run_that_escapes_its_estimate_stops_with_a_message(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(budget, "record_budget", lambda plan: 2_000)
    plan = compile_plan(with_overrides(load_scenario(EXAMPLE), years=2, replications=1))
    with pytest.raises(RunLimitError) as raised:
        Model(plan, 0).run()
    assert "replication 0 stopped after" in raised.value.text.text("en")
    assert "replicatie 0 is gestopt" in raised.value.text.text("nl")
    small = tmp_path / "small.yaml"
    data = yaml.safe_load(EXAMPLE.read_text())
    data.update(years=2, replications=1)
    small.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["run", str(small), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet"]) == 2
    assert "far beyond its estimate" in capsys.readouterr().err


def test_the_budget_checks_do_not_change_a_run():
    """A watchdog looks at the budget once a month; the events and results are those of a
    run without it."""
    plan = compile_plan(with_overrides(load_scenario(EXAMPLE), years=2, replications=1))
    stepped = Model(plan, 0).run()
    whole = Model(plan, 0)
    whole.env.run(until=plan.horizon)
    assert stepped.n_events == whole.result().n_events
    assert np.array_equal(stepped.counts, whole.result().counts)


def test_the_workshop_says_a_scenario_is_too_large_in_its_language(tmp_path, monkeypatch):
    from tests.test_app import start

    data = yaml.safe_load(EXAMPLE.read_text())
    data.update(name="Te groot", replications=150)
    (tmp_path / "te-groot.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    monkeypatch.setenv("JZSIM_SCENARIOS", str(tmp_path))
    at = start({"scenario": "te-groot"})
    assert at.error and "te groot om hier te rekenen" in at.error[0].value
    assert "150 replicaties; hier hoogstens 100" in at.error[0].value
    assert not at.metric, "no figures are shown for a run that did not happen"


def test_the_server_sets_the_apps_limits_by_environment_variables(example, monkeypatch):
    from simulator.budget import app_limits

    assert app_limits() == APP_LIMITS
    monkeypatch.setenv("JZSIM_APP_MAX_REPLICATIONS", "20")
    monkeypatch.setenv("JZSIM_APP_MAX_STAYS", "1_000_000")
    limits = app_limits()
    assert limits.max_replications == 20 and limits.max_stays == 1e6 and limits.max_years == 20
    found = dict(over_budget(example, limits))  # the example has 30 replications
    assert "replications" in found and "20" in found["replications"].text("en")
    monkeypatch.setenv("JZSIM_APP_MAX_REPLICATIONS", "99999")
    assert app_limits().max_replications == 1000, "never above the schema's cap"
    for wrong in ("twenty", "-5", "0", "nan"):
        monkeypatch.setenv("JZSIM_APP_MAX_YEARS", wrong)
        with pytest.raises(ValueError, match="JZSIM_APP_MAX_YEARS must be a positive number"):
            app_limits()
