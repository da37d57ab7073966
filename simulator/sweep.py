"""Sweeps: a grid of settings, every point a full run with the same seed.

``--vary care_types.jzplus.capacity.2022=35,43,50 --vary policies[0].inflow_change_per_year.jzplus=-0.1,-0.05,0``
runs the 3 x 3 points. Paths are those of the uncertainty block, and also capacities and
tariffs (each point is summarised with its own). Every point runs the scenario's replications
with its seed, so the points share their random numbers (common random numbers): a
difference between two points is the settings', not chance's. A varied path that is also in
the uncertainty block is fixed at the point's value; the others are still drawn.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from simulator.files import write_file
from simulator.scenario import Scenario, ScenarioError, scenario_from_dict
from simulator.uncertainty import is_assumption, locate, set_values

if TYPE_CHECKING:
    from simulator.cluster import Cluster
    from simulator.results import Results

MAX_POINTS = 1000


class SweepError(ValueError):
    """A sweep that cannot start: the message names the --vary flag and says why."""


def parse_vary(texts: list[str], scenario: Scenario) -> dict[str, list[float]]:
    """{path: values} from ``PATH=V1,V2,...`` flags, each path checked against the scenario."""
    grid: dict[str, list[float]] = {}
    for text in texts:
        path, sign, listed = text.partition("=")
        path = path.strip()
        if not sign or not path or not listed.strip():
            raise SweepError(
                f"--vary {text!r}: write PATH=V1,V2,... (for example care_types.jzplus.capacity=35,43)"
            )
        if path in grid:
            raise SweepError(f"--vary {path}: given twice")
        named = is_assumption(path) and path in scenario.uncertainty  # a named assumption of the file
        _, problem = (None, None) if named else locate(scenario, path, grid=True)
        if problem is not None:
            raise SweepError(f"--vary {path}: {problem}")
        values = []
        for word in listed.split(","):
            try:
                value = float(word)
            except ValueError:
                raise SweepError(f"--vary {path}: {word.strip()!r} is not a number") from None
            if not math.isfinite(value):
                raise SweepError(f"--vary {path}: {word.strip()!r} is not a finite number")
            values.append(value)
        if len(set(values)) != len(values):
            raise SweepError(f"--vary {path}: a value is listed twice")
        if named:  # calibrated from its first to its last value of 'at': nothing beyond
            at = scenario.uncertainty[path].at or []
            outside = [v for v in values if not at[0] <= v <= at[-1]]
            if outside:
                raise SweepError(
                    f"--vary {path}: {outside[0]:g} lies outside the calibrated values {at[0]:g} to {at[-1]:g}"
                )
        grid[path] = values
    if not grid:
        raise SweepError("give at least one --vary PATH=V1,V2,...")
    return grid


def points(grid: dict[str, list[float]]) -> list[dict[str, float]]:
    """Every combination, the last path varying fastest."""
    paths = list(grid)
    return [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*grid.values())]


def point_scenario(scenario: Scenario, values: dict[str, float]) -> Scenario:
    """The scenario at one point, checked; the uncertainty block keeps the paths not varied."""
    data = set_values(scenario, values, grid=True)
    # The uncertain inputs not varied are still drawn; a named assumption no longer sets an
    # input the grid varies: that input is fixed at the point's value.
    kept = {}
    for p, spread in scenario.uncertainty.items():
        if p not in values:
            entry = spread.model_dump(exclude_none=True)
            if spread.sets:
                entry["sets"] = {path: v for path, v in spread.sets.items() if path not in values}
            if not spread.sets or entry["sets"]:
                kept[p] = entry
    if kept:
        data["uncertainty"] = kept
    where = ", ".join(f"{p}={v:g}" for p, v in values.items())
    try:
        return scenario_from_dict(data, f"{scenario.name} at {where}")
    except ScenarioError as error:
        raise SweepError(error.message()) from None


def check(scenario: Scenario, grid: dict[str, list[float]]) -> list[Scenario]:
    """Every point's scenario, before anything runs: a value that makes a point invalid stops
    the sweep with that point's message."""
    grid_points = points(grid)
    if len(grid_points) > MAX_POINTS:
        raise SweepError(f"--vary: {len(grid_points)} points; at most {MAX_POINTS}")
    return [point_scenario(scenario, values) for values in grid_points]


class Finished:
    """The points a sweep has finished, one CSV file each in a folder beside the output, so
    that an interrupted sweep resumes where it stopped. The folder's key (the scenario as run
    and the grid) must match: a changed scenario or grid starts afresh. Floats are written
    with Python's shortest exact text, so a resumed sweep's table is the uninterrupted one."""

    def __init__(self, folder: Path, scenario: Scenario, grid: dict[str, list[float]]):
        from simulator.experiment import scenario_key

        self.folder = folder
        self.key = hashlib.sha256(
            (scenario_key(scenario) + json.dumps(grid, sort_keys=True)).encode("utf-8")
        ).hexdigest()
        marker = folder / "key.txt"
        if folder.is_dir() and (not marker.is_file() or marker.read_text(encoding="utf-8") != self.key):
            shutil.rmtree(folder)
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text(self.key, encoding="utf-8")

    def _path(self, k: int) -> Path:
        return self.folder / f"point-{k:04d}.csv"

    def get(self, k: int) -> pd.DataFrame | None:
        """Point k's yearly table if it was finished before."""
        path, types = self._path(k), self._path(k).with_suffix(".json")
        if not (path.is_file() and types.is_file()):
            return None
        dtypes = json.loads(types.read_text(encoding="utf-8"))
        return pd.read_csv(path).astype(dtypes)  # pandas reads the shortest exact text back exactly

    def put(self, k: int, yearly: pd.DataFrame) -> None:
        """Keep point k's table and its column types (each written whole, then renamed: never
        half a file; the types last, so a table without them counts as not finished)."""
        write_file(self._path(k), yearly.to_csv(index=False))
        dtypes = {name: str(dtype) for name, dtype in yearly.dtypes.items()}
        write_file(self._path(k).with_suffix(".json"), json.dumps(dtypes))

    def count(self) -> int:
        """How many points are finished."""
        return len(list(self.folder.glob("point-*.json")))

    def remove(self) -> None:
        """Forget the finished points (the sweep's output is written)."""
        shutil.rmtree(self.folder, ignore_errors=True)


def run_sweep(
    scenario: Scenario,
    grid: dict[str, list[float]],
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    finished: Finished | None = None,
    cluster: Cluster | None = None,
) -> pd.DataFrame:
    """sweep.csv: per point, year and care type, a column per varied path, then the yearly
    table's columns. Every point's replications are queued at once, in the local pool or on
    ``cluster``; ``progress`` counts replications. With ``finished``, points done before are
    read back, not run again, and each point is kept there as soon as it is done."""
    from simulator.experiment import run_each

    scenarios = check(scenario, grid)
    tables: dict[int, pd.DataFrame] = {}
    for k in range(len(scenarios)):
        found = finished.get(k) if finished else None
        if found is not None:
            tables[k] = found
    todo = [k for k in range(len(scenarios)) if k not in tables]
    before = sum(scenarios[k].replications for k in tables)
    total = sum(s.replications for s in scenarios)

    def point_done(j: int, results: Results) -> None:
        yearly = results.yearly.reset_index(drop=True)
        if finished:
            finished.put(todo[j], yearly)
        tables[todo[j]] = yearly

    def replications_done(done: int, _: int) -> None:
        if progress:
            progress(before + done, total)

    if todo:
        run_each([scenarios[k] for k in todo], point_done, replications_done, workers, cluster=cluster)
    return sweep_table(grid, [tables[k] for k in range(len(scenarios))])


def sweep_table(grid: dict[str, list[float]], yearly_tables: list[pd.DataFrame]) -> pd.DataFrame:
    """sweep.csv from the points' yearly tables (in the order of ``points``): a column per
    varied path, then the yearly table's columns."""
    frames = [
        pd.concat(
            [pd.DataFrame({p: [v] * len(yearly) for p, v in values.items()}), yearly.reset_index(drop=True)],
            axis=1,
        )
        for values, yearly in zip(points(grid), yearly_tables, strict=True)
    ]
    return pd.concat(frames, ignore_index=True)


def axis_values(low: float, high: float, steps: int, whole: bool) -> list[float]:
    """``steps`` evenly spaced values from low to high (whole numbers for a capacity; equal
    ones after rounding kept once)."""
    if steps <= 1 or low == high:
        return [round(low) if whole else low]
    values = [low + (high - low) * k / (steps - 1) for k in range(steps)]
    rounded = [float(round(v)) if whole else three_digits(v) for v in values]
    return list(dict.fromkeys(rounded))


def three_digits(value: float) -> float:
    """A grid value to three significant digits (19.625 inflow a year reads as 19.6): the
    grid's steps are a choice, not a measurement, and a label should read easily."""
    if value == 0:
        return 0.0
    return float(f"{value:.3g}")
