"""The command line contract: files written, exit codes, messages, nothing half-written."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from simulator.cli import main
from simulator.files import MARKER
from simulator.results import MONTHLY_COLUMNS, YEARLY_COLUMNS
from tests.conftest import EXAMPLE, ROOT

FILES = {"monthly.csv", "yearly.csv", "flows.csv", "run.json"}


def test_run_end_to_end_as_a_subprocess(tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator",
            "run",
            str(EXAMPLE),
            "--out",
            str(out),
            "--replications",
            "4",
            "--years",
            "2",
            "--seed",
            "9",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert {p.name for p in out.iterdir()} == FILES | {MARKER}  # the marker: this folder is the run's
    monthly = pd.read_csv(out / "monthly.csv")
    yearly = pd.read_csv(out / "yearly.csv")
    flows = pd.read_csv(out / "flows.csv")
    info = json.loads((out / "run.json").read_text())
    assert list(monthly.columns) == MONTHLY_COLUMNS and list(yearly.columns) == YEARLY_COLUMNS
    assert set(monthly["replication"]) == {0, 1, 2, 3} and monthly["month"].nunique() == 24
    assert set(yearly["year"]) == {2021, 2022}
    assert not flows.empty
    assert (info["seed"], info["replications"], info["scenario"]["years"]) == (9, 4, 2)
    assert info["engine"] == "hybrid"  # the default, recorded with the numbers
    assert "JeugdzorgPlus" in done.stdout  # the yearly summary uses the labels
    # Workers forked from the command line (simulator.pool.use_fork) give the same files,
    # byte for byte (simulator.csvtext writes them as pandas would), as one process here.
    serial = tmp_path / "serial"
    flags = ["--replications", "4", "--years", "2", "--seed", "9", "--workers", "1", "--quiet"]
    assert main(["run", str(EXAMPLE), "--out", str(serial), *flags]) == 0
    for name in ("monthly.csv", "yearly.csv", "flows.csv"):
        assert (out / name).read_bytes() == (serial / name).read_bytes(), name
    assert (out / "monthly.csv").read_text() == monthly.to_csv(index=False)


def test_the_engine_is_chosen_on_the_command_line_and_recorded(tmp_path):
    """--engine simpy runs the reference engine: other numbers (another realisation), and
    run.json says which; an unknown engine is refused by argparse (exit 2)."""
    outs = {}
    for engine in ("simpy", "hybrid"):
        out = tmp_path / engine
        args = ["run", str(EXAMPLE), "--out", str(out), "--years", "2", "--replications", "2"]
        assert main([*args, "--engine", engine, "--workers", "1", "--quiet"]) == 0
        outs[engine] = out
        assert json.loads((out / "run.json").read_text())["engine"] == engine
    assert (outs["simpy"] / "yearly.csv").read_text() != (outs["hybrid"] / "yearly.csv").read_text()
    with pytest.raises(SystemExit) as refused:
        main(["run", str(EXAMPLE), "--out", str(tmp_path / "x"), "--engine", "fast"])
    assert refused.value.code == 2


def test_same_seed_gives_identical_files(tmp_path):
    for name in ("a", "b"):
        assert (
            main(
                [
                    "run",
                    str(EXAMPLE),
                    "--out",
                    str(tmp_path / name),
                    "--replications",
                    "3",
                    "--years",
                    "2",
                    "--workers",
                    "1",
                    "--quiet",
                ]
            )
            == 0
        )
    for name in ("monthly.csv", "yearly.csv", "flows.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


BAD = """name: kapot
start: 2021-01
care_types:
  jzplus:
    stay_months: 5
    outflow: {residential: 0.8, exit: 0.1}
"""


def test_an_invalid_scenario_exits_2_names_the_field_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "kapot.yaml"
    bad.write_text(BAD)
    out = tmp_path / "out"
    assert main(["run", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "care_types.jzplus.outflow" in err and "Traceback" not in err
    assert not out.exists()


def test_an_invalid_scenario_leaves_earlier_output_untouched(tmp_path):
    out = tmp_path / "out"
    assert (
        main(["run", str(EXAMPLE), "--out", str(out), "--replications", "2", "--years", "2", "--quiet"]) == 0
    )
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "kapot.yaml"
    bad.write_text(BAD)
    assert main(["run", str(bad), "--out", str(out)]) == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")], "no staging folder left"


def test_out_of_range_flags_exit_2_naming_the_flag(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["run", str(EXAMPLE), "--out", str(tmp_path / "o"), "--years", "80"])
    assert info.value.code == 2
    assert "--years must be between 1 and 50" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_flag_that_makes_the_scenario_invalid_is_reported_with_the_field(tmp_path, capsys):
    """+20% inflow per year is fine over 10 years but passes the inflow cap over 50."""
    growing = tmp_path / "groei.yaml"
    growing.write_text("""name: groei
start: 2021-01
years: 10
care_types:
  jzplus: {stay_months: 5, inflow_per_year: 5000}
policies:
  - {name: groei, from: 2022-01, inflow_change_per_year: {jzplus: 0.2}}
""")
    assert main(["validate", str(growing)]) == 0
    assert main(["run", str(growing), "--out", str(tmp_path / "o"), "--years", "50"]) == 2
    err = capsys.readouterr().err
    assert "with the given flags" in err and "care_types.inflow_per_year" in err
    assert not (tmp_path / "o").exists()


def test_out_must_be_a_folder(tmp_path, capsys):
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    assert main(["run", str(EXAMPLE), "--out", str(not_a_folder)]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_validate_reports_each_file(tmp_path, capsys):
    bad = tmp_path / "kapot.yaml"
    bad.write_text(BAD)
    assert main(["validate", str(EXAMPLE)]) == 0
    assert "ok" in capsys.readouterr().out
    assert main(["validate", str(EXAMPLE), str(bad)]) == 2
    captured = capsys.readouterr()
    assert str(EXAMPLE) in captured.out and str(bad) in captured.err


def test_validate_refuses_code_in_yaml(tmp_path, capsys):
    evil = tmp_path / "evil.yaml"
    marker = tmp_path / "hacked"
    evil.write_text(f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    assert main(["validate", str(evil)]) == 2
    assert not marker.exists()
    assert "not valid YAML" in capsys.readouterr().err


def test_unknown_command_and_missing_out_exit_2():
    for argv in (["frobnicate"], ["run", str(EXAMPLE)]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2


def test_progress_bar_draws_on_a_terminal_only(monkeypatch, capsys):
    from simulator.cli import ProgressBar

    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    bar = ProgressBar(enabled=True, delay=0.0)
    bar(15, 30)
    bar.close()
    assert "[###############...............] 15/30 replications" in capsys.readouterr().err
    quiet = ProgressBar(enabled=False, delay=0.0)
    quiet(15, 30)
    assert capsys.readouterr().err == ""


def test_progress_says_the_time_left_at_the_pace_so_far():
    from simulator.cli import ProgressBar

    bar = ProgressBar(enabled=False, label="points")
    assert "3/12 points, about 27 s left" in bar.line(3, 12, elapsed=9.0)  # 3 s a point, 9 to go
    assert "about 5 min left" in bar.line(1, 11, elapsed=30.0)
    assert "left" not in bar.line(0, 12, elapsed=1.0) and "left" not in bar.line(12, 12, elapsed=9.0)
    resumed = ProgressBar(enabled=False)
    resumed.before = 6  # a resumed sweep read 6 back: only the 2 since then set the pace
    assert "8/12 replications, about 8 s left" in resumed.line(8, 12, elapsed=4.0)
    assert "left" not in resumed.line(6, 12, elapsed=1.0)


def test_a_horizon_that_leaves_out_a_policy_is_refused_naming_the_policy(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(EXAMPLE), "--out", str(out), "--years", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "policies[0].from" in err and "outside the scenario's horizon (2021-01 to 2021-12)" in err
    assert not out.exists()


def test_an_output_folder_with_other_files_is_refused_before_the_run(tmp_path, capsys, monkeypatch):
    out = tmp_path / "home"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")

    def must_not_run(*args, **kwargs):
        raise AssertionError("the scenario ran although its output could not be written")

    monkeypatch.setattr("simulator.experiment.run_experiment", must_not_run)
    assert main(["run", str(EXAMPLE), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and "thesis.docx" in err and "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == ["thesis.docx"]
