"""Which uncertain assumption moves the answer most: Morris elementary effects (SALib).

The parameters are a scenario's uncertain inputs (its ``uncertainty`` block, with their
ranges). SALib's Morris design gives r trajectories through the ranges, each moving one
input at a time by a fixed step; every point is the scenario with those values, run with the
same seed, so every point has the same chance (common random numbers) and an elementary
effect is the assumption's effect, not noise between runs. For each key measure in the
decision year (beds needed, delayed share, cost and mean occupancy per care type), mu* (the
mean absolute elementary effect, in the measure's unit over the input's whole range) ranks the
inputs, and sigma (their spread) says how much an input's effect depends on the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulator.i18n import Message
from simulator.scenario import Scenario, with_values

if TYPE_CHECKING:
    from simulator.cluster import Cluster
    from simulator.results import Results

MEASURES = ("beds_needed", "delayed_share_mean", "cost_mean", "occupancy_mean")
COLUMNS = ("parameter", "measure", "care_type", "year", "mu_star", "sigma", "mu_star_conf")
SOBOL_COLUMNS = ("S1", "S1_conf", "ST", "ST_conf")
METHODS = ("morris", "sobol")
DEFAULT_TRAJECTORIES = 10
DEFAULT_SAMPLES = 64  # Sobol base samples N (a power of 2): N x (inputs + 2) points
LEVELS = 4  # Morris grid levels: the usual choice, with a step of 2/3 of the range


class SensitivityError(ValueError):
    """A sensitivity run that cannot start: the message says why."""

    def __init__(self, message: Message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Design:
    """The Morris points: ``values[k]`` sets every uncertain path for point k."""

    paths: list[str]
    values: np.ndarray  # (points, parameters)
    seed: int

    def scenario(self, base: Scenario, k: int) -> Scenario:
        """Point k: the scenario with its values set (and no uncertainty block)."""
        return with_values(base, dict(zip(self.paths, map(float, self.values[k]), strict=True)))


def problem(scenario: Scenario) -> dict:
    """SALib's problem: the uncertain paths and their ranges (a mode does not matter to Morris,
    which samples the range evenly)."""
    if not scenario.uncertainty:
        raise SensitivityError(Message("s_no_uncertainty"))
    spreads = scenario.uncertainty
    fixed = [path for path, spread in spreads.items() if spread.low == spread.high]
    if fixed:
        raise SensitivityError(Message("s_fixed", paths=", ".join(fixed)))
    return {
        "num_vars": len(spreads),
        "names": list(spreads),
        "bounds": [[spread.low, spread.high] for spread in spreads.values()],
    }


def design(scenario: Scenario, trajectories: int = DEFAULT_TRAJECTORIES) -> Design:
    """r = ``trajectories`` Morris trajectories, seeded by the scenario's seed."""
    from SALib.sample import morris as morris_sample

    spec = problem(scenario)
    values = morris_sample.sample(spec, trajectories, num_levels=LEVELS, seed=scenario.seed % 2**32)
    return Design(spec["names"], values, scenario.seed)


def sobol_design(scenario: Scenario, samples: int = DEFAULT_SAMPLES) -> Design:
    """Saltelli's design for first-order and total Sobol indices (no second order): N =
    ``samples`` base points, N x (inputs + 2) in all, scrambled Sobol' sequence seeded by the
    scenario's seed."""
    from SALib.sample import sobol as sobol_sample

    spec = problem(scenario)
    values = sobol_sample.sample(spec, samples, calc_second_order=False, seed=scenario.seed % 2**32)
    return Design(spec["names"], values, scenario.seed)


def sobol_points(inputs: int, samples: int) -> int:
    """Points of a Sobol design (``sobol_design``)."""
    return samples * (inputs + 2)


def sobol_indices(scenario: Scenario, outputs: list[dict[tuple[str, str], float]], year: int) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices with their 95% bootstrap intervals, one
    row per parameter, measure and care type. A measure that does not vary (no delayed share
    without a capacity) has no variance to share out: its indices are 0."""
    from SALib.analyze import sobol as sobol_analyze

    spec = problem(scenario)
    rows = []
    for key in outputs[0]:
        y = np.nan_to_num(np.array([out[key] for out in outputs], dtype=float))
        if np.ptp(y) == 0:
            found = {name: np.zeros(spec["num_vars"]) for name in SOBOL_COLUMNS}
        else:
            found = sobol_analyze.analyze(spec, y, calc_second_order=False, seed=scenario.seed % 2**32)
        for j, name in enumerate(spec["names"]):
            row = {"parameter": name, "measure": key[0], "care_type": key[1], "year": year}
            rows.append(row | {column: float(np.nan_to_num(found[column][j])) for column in SOBOL_COLUMNS})
    return pd.DataFrame(rows)


def measures(yearly: pd.DataFrame, year: int) -> dict[tuple[str, str], float]:
    """(measure, care type) -> value in ``year``, from a run's yearly table."""
    rows = yearly[yearly["year"] == year]
    return {
        (measure, row.care_type): float(getattr(row, measure))
        for row in rows.itertuples()
        for measure in MEASURES
    }


def analyse(
    scenario: Scenario, points: Design, outputs: list[dict[tuple[str, str], float]], year: int
) -> pd.DataFrame:
    """The Morris indices of every measure, one row per parameter, measure and care type,
    largest mu* first within each measure."""
    from SALib.analyze import morris as morris_analyze

    spec = problem(scenario)
    rows = []
    for key in outputs[0]:
        y = np.array([out[key] for out in outputs], dtype=float)
        y = np.nan_to_num(y)  # a care type without capacity has no delayed share: 0 everywhere
        found = morris_analyze.analyze(spec, points.values, y, num_levels=LEVELS, seed=points.seed % 2**32)
        for j, name in enumerate(spec["names"]):
            rows.append(
                {
                    "parameter": name,
                    "measure": key[0],
                    "care_type": key[1],
                    "year": year,
                    "mu_star": float(found["mu_star"][j]),
                    "sigma": float(np.nan_to_num(found["sigma"][j])),
                    "mu_star_conf": float(np.nan_to_num(found["mu_star_conf"][j])),
                }
            )
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    return table.sort_values(
        ["measure", "care_type", "mu_star"], ascending=[True, True, False], kind="stable"
    )


def run_sensitivity(
    scenario: Scenario,
    year: int,
    trajectories: int = DEFAULT_TRAJECTORIES,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cluster: Cluster | None = None,
    method: str = "morris",
    samples: int = DEFAULT_SAMPLES,
) -> pd.DataFrame:
    """Morris indices of the scenario's uncertain inputs for the key measures in ``year``,
    and with ``method`` "sobol" also first-order and total Sobol indices (columns S1, ST and
    their intervals) from a second design of ``samples`` base points. Every point runs the
    scenario's replications with its seed, all queued at once, in the local pool or on
    ``cluster``; ``progress`` counts replications."""
    from simulator.experiment import run_each

    if method not in METHODS:
        raise ValueError(f"method {method!r}: one of {', '.join(METHODS)}")
    if year not in range(int(scenario.start[:4]), int(scenario.start[:4]) + scenario.years):
        raise SensitivityError(Message("s_year_outside", year=year))
    points, scenarios = point_scenarios(scenario, trajectories)
    morris_points = len(scenarios)
    if method == "sobol":
        sobol = sobol_design(scenario, samples)
        scenarios += [sobol.scenario(scenario, k) for k in range(len(sobol.values))]
    tables: dict[int, pd.DataFrame] = {}

    def point_done(k: int, results: Results) -> None:
        tables[k] = results.yearly

    run_each(scenarios, point_done, progress, workers, cluster=cluster)
    table = indices(scenario, points, [tables[k] for k in range(morris_points)], year)
    if method == "morris":
        return table
    outputs = [measures(tables[k], year) for k in range(morris_points, len(scenarios))]
    keys = ["parameter", "measure", "care_type", "year"]
    return table.merge(sobol_indices(scenario, outputs, year), on=keys, how="left", validate="one_to_one")


def point_scenarios(
    scenario: Scenario, trajectories: int = DEFAULT_TRAJECTORIES
) -> tuple[Design, list[Scenario]]:
    """The design and every point's scenario, for a caller that runs them itself (the app,
    through its shared run cache)."""
    points = design(scenario, trajectories)
    return points, [points.scenario(scenario, k) for k in range(len(points.values))]


def indices(scenario: Scenario, points: Design, yearly_tables: list[pd.DataFrame], year: int) -> pd.DataFrame:
    """The Morris indices from the points' yearly tables (in the design's order)."""
    return analyse(scenario, points, [measures(yearly, year) for yearly in yearly_tables], year)
