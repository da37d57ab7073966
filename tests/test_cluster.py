"""Sweeps and sensitivity runs on a Dask distributed cluster (issue 14, part 4).

The test starts a real scheduler and two workers on 127.0.0.1 (`dask scheduler`, `dask
worker`, as the README tells an administrator), runs the commands against it and against
local processes, and stops them. A run on the cluster must give exactly the same tables.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from simulator import cluster as cluster_module
from simulator.cli import main
from simulator.experiment import run_each, run_experiment
from tests.conftest import make_scenario
from tests.dask_cluster import local_cluster
from tests.test_browser import free_port
from tests.test_sweep import CHAIN  # two care types, a limited JeugdzorgPlus

pytestmark = pytest.mark.slow  # starting a scheduler and workers takes seconds

SPREADS = {
    "care_types.residential.stay_months": {"low": 9, "high": 15},
    "care_types.jzplus.inflow_per_year": {"low": 8, "high": 12, "mode": 10},
}
GRID = ["--vary", "care_types.jzplus.capacity.2022=8,12", "--vary", "care_types.jzplus.stay_months=4,6"]


def scenario_file(tmp_path: Path) -> Path:
    scenario = make_scenario(CHAIN, years=3, replications=6, uncertainty=SPREADS)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario.to_dict(), sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """A scheduler with two one-thread workers that run this project."""
    with local_cluster(tmp_path_factory.mktemp("dask"), workers=2) as address:
        yield address


def test_a_sweep_on_the_cluster_equals_the_local_sweep(scheduler, tmp_path):
    path = scenario_file(tmp_path)
    local, remote = tmp_path / "local", tmp_path / "remote"
    assert main(["sweep", str(path), *GRID, "--out", str(local), "--quiet"]) == 0
    assert main(["sweep", str(path), *GRID, "--out", str(remote), "--quiet", "--scheduler", scheduler]) == 0
    assert (remote / "sweep.csv").read_bytes() == (local / "sweep.csv").read_bytes()
    assert len(pd.read_csv(remote / "sweep.csv")) == 4 * 3 * 2  # points x years x care types
    assert json.loads((remote / "run.json").read_text())["scheduler"] == scheduler


def test_a_sensitivity_run_on_the_cluster_equals_the_local_run(scheduler, tmp_path):
    path = scenario_file(tmp_path)
    local, remote = tmp_path / "local", tmp_path / "remote"
    flags = ["--trajectories", "2", "--year", "2022", "--quiet"]
    assert main(["sensitivity", str(path), "--out", str(local), *flags]) == 0
    assert main(["sensitivity", str(path), "--out", str(remote), *flags, "--scheduler", scheduler]) == 0
    assert (remote / "sensitivity.csv").read_bytes() == (local / "sensitivity.csv").read_bytes()


def test_results_stream_back_chunk_by_chunk_and_equal_single_runs(scheduler, tmp_path):
    """Every scenario's chunks are out at once; progress counts up chunk by chunk to the
    total, and each point comes back as soon as its last chunk is in."""
    scenarios = [make_scenario(CHAIN, years=2, replications=8, seed=seed) for seed in (1, 2, 3)]
    found: dict[int, pd.DataFrame] = {}
    steps: list[int] = []
    with cluster_module.connect(scheduler) as cluster:
        run_each(
            scenarios,
            lambda j, results: found.__setitem__(j, results.yearly),
            lambda done, total: steps.append(done),
            cluster=cluster,
        )
    assert steps == sorted(steps) and steps[-1] == 24 and len(steps) > 3
    for j, scenario in enumerate(scenarios):
        pd.testing.assert_frame_equal(found[j], run_experiment(scenario, workers=1).yearly)


def test_an_unreachable_scheduler_exits_2_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cluster_module, "CONNECT_SECONDS", 2.0)
    path = scenario_file(tmp_path)
    nobody = f"tcp://127.0.0.1:{free_port()}"
    started = time.monotonic()
    assert main(["sweep", str(path), *GRID, "--out", str(tmp_path / "o"), "--scheduler", nobody]) == 2
    assert time.monotonic() - started < 30
    err = capsys.readouterr().err
    assert f"--scheduler {nobody}: no Dask scheduler answered" in err
    assert not (tmp_path / "o").exists() and not (tmp_path / ".o.sweep-points").exists()


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--scheduler", "127.0.0.1:8786"], "write the scheduler's address as tcp://HOST:PORT"),
        (["--scheduler", "tcp://127.0.0.1:8786", "--workers", "2"], "leave it out with --scheduler"),
    ],
)
def test_a_bad_scheduler_flag_exits_2(tmp_path, capsys, flags, words):
    path = scenario_file(tmp_path)
    assert main(["sensitivity", str(path), "--out", str(tmp_path / "o"), "--trajectories", "2", *flags]) == 2
    assert words in capsys.readouterr().err and not (tmp_path / "o").exists()


def test_workers_without_the_project_are_named_before_anything_runs(tmp_path, capsys):
    """The usual mistake: `dask worker` started outside the project folder."""
    path = scenario_file(tmp_path)
    with local_cluster(tmp_path, workers=1, project=False) as address:
        assert main(["sweep", str(path), *GRID, "--out", str(tmp_path / "o"), "--scheduler", address]) == 2
    err = capsys.readouterr().err
    assert "a worker cannot run jeugdzorg-sim" in err and "PYTHONPATH" in err, err
    assert not (tmp_path / "o").exists()
