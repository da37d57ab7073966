"""Comparing scenarios against a baseline: key figures with paired differences, and which
parameters differ.

All scenarios of a comparison run with the baseline's seed and number of replications
(``aligned``), so replication k of every scenario draws the same random numbers wherever
their flows agree (common random numbers): the difference per replication is the policy's
effect with little noise, and its P10-P90 says how sure that effect is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from simulator.i18n import KPI_LABELS
from simulator.results import TOTAL_MEASURES, Summary
from simulator.scenario import Scenario, with_overrides

MAX_OTHERS = 5
KPI_COLUMNS = [
    "scenario",
    "name",
    "measure",
    "care_type",
    "year",
    "mean",
    "p10",
    "p90",
    "difference",
    "difference_p10",
    "difference_p90",
]


def aligned(baseline: Scenario, others: list[Scenario]) -> list[Scenario]:
    """Baseline and others with the baseline's seed and replications (common random numbers)."""
    if len(others) > MAX_OTHERS:
        raise ValueError(f"at most {MAX_OTHERS} scenarios besides the baseline, got {len(others)}")
    return [baseline] + [
        with_overrides(s, seed=baseline.seed, replications=baseline.replications) for s in others
    ]


def common_years(summaries: list[Summary]) -> list[int]:
    """The calendar years that every summary covers, ascending."""
    years = set(summaries[0].years)
    for summary in summaries[1:]:
        years &= set(summary.years)
    return sorted(years)


def kpi_table(summaries: list[Summary], year: int, labels: list[str] | None = None) -> pd.DataFrame:
    """Per scenario (the first is the baseline) the key figures of ``year``: mean and P10-P90
    over replications, and the difference against the baseline, paired by replication, with
    its P10-P90. Beds needed (places so that 95% of youths are placed at once, of each
    scenario's key care type) comes from the replications' mean offered load, with the P10-P90
    of each replication's own; its difference has no spread."""
    from simulator.results import key_care_type

    labels = labels or [s.scenario.name for s in summaries]
    base = summaries[0]
    rows = []
    for k, summary in enumerate(summaries):
        heavy = key_care_type(summary.scenario)
        beds, beds_p10, beds_p90 = _beds(summary, heavy, year)
        base_beds = _beds(base, heavy, year)[0] if heavy in base.scenario.care_types else np.nan
        rows.append(
            {
                "scenario": k,
                "name": labels[k],
                "measure": "beds_needed",
                "care_type": heavy,
                "year": year,
                "mean": beds,
                "p10": beds_p10,
                "p90": beds_p90,
                "difference": beds - base_beds,
                "difference_p10": np.nan,
                "difference_p90": np.nan,
            }
        )
        y, y_base = summary.years.index(year), base.years.index(year)
        for measure in TOTAL_MEASURES:
            values = summary.by_replication[measure][:, y]
            paired = values - base.by_replication[measure][:, y_base]
            rows.append(
                {
                    "scenario": k,
                    "name": labels[k],
                    "measure": measure,
                    "care_type": "",
                    "year": year,
                    "mean": values.mean(),
                    "p10": np.percentile(values, 10),
                    "p90": np.percentile(values, 90),
                    "difference": paired.mean(),
                    "difference_p10": np.percentile(paired, 10),
                    "difference_p90": np.percentile(paired, 90),
                }
            )
    return pd.DataFrame(rows, columns=KPI_COLUMNS)


KPI_MEASURES = tuple(KPI_LABELS)  # the key figures, in the table's order


@dataclass(frozen=True)
class KpiCell:
    """One scenario's key figure as text: the value with its P10-P90, and (not for the
    baseline) the paired difference against the baseline with its P10-P90; "" where none."""

    value: str
    value_range: str
    difference: str
    difference_range: str
    other_care_type: str = ""  # beds needed of another care type than the baseline's: its key


def kpi_grid(kpis: pd.DataFrame, lang: str = "nl") -> dict[str, list[KpiCell]]:
    """``kpi_table``'s rows as text, per measure (``KPI_MEASURES`` order) a cell per scenario,
    baseline first: scenarios become columns, the compact table of the page and the deck."""
    from simulator.i18n import measure_delta, measure_value

    def span(low: float, high: float, show: Callable[[float], str]) -> str:
        return "" if np.isnan(low) else f"{show(low)} – {show(high)}"

    grid = {}
    first = kpis[kpis["scenario"] == 0]
    base_type = dict(zip(first["measure"], first["care_type"], strict=True))
    for measure in KPI_MEASURES:
        cells = []
        for row in kpis[kpis["measure"] == measure].itertuples():
            value = partial(measure_value, measure=measure, lang=lang)
            delta = partial(measure_delta, measure=measure, lang=lang, reference=row.mean)
            own = row.care_type if row.care_type != base_type.get(measure, row.care_type) else ""
            cells.append(
                KpiCell(
                    value(row.mean),
                    span(row.p10, row.p90, value),
                    "" if row.scenario == 0 else delta(row.difference),
                    "" if row.scenario == 0 else span(row.difference_p10, row.difference_p90, delta),
                    own,
                )
            )
        grid[measure] = cells
    return grid


def _beds(summary: Summary, care_type: str, year: int) -> tuple[float, float, float]:
    row = summary.yearly[(summary.yearly["year"] == year) & (summary.yearly["care_type"] == care_type)]
    if not len(row):
        return np.nan, np.nan, np.nan
    mean, p10, p90 = (
        float(row[column].iloc[0]) for column in ("beds_needed", "beds_needed_p10", "beds_needed_p90")
    )
    return mean, p10, p90


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested scenario data as {dotted path: value}; list items of policies by their name."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(data, list):
        out = {}
        for k, value in enumerate(data):
            label = value.get("name", k) if isinstance(value, dict) else k
            out.update(flatten(value, f"{prefix}[{label}]"))
        return out  # an empty list says nothing a missing key would not
    return {prefix: data}


def parameter_differences(scenarios: list[Scenario], labels: list[str] | None = None) -> pd.DataFrame:
    """Every parameter (dotted path) whose value is not the same in all scenarios; the first
    is the baseline. Name and description are left out (they always differ)."""
    labels = labels or [s.name for s in scenarios]
    flat = []
    for scenario in scenarios:
        data = scenario.to_dict()
        data.pop("name", None)
        data.pop("description", None)
        flat.append(flatten(data))
    keys = list(dict.fromkeys(key for f in flat for key in f))
    rows = []
    for key in keys:
        values = [f.get(key, "–") for f in flat]
        if any(v != values[0] for v in values[1:]):
            rows.append([key, *[_show(v) for v in values]])
    return pd.DataFrame(rows, columns=["parameter", *labels])


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def overlay_frames(summaries: list[Summary], labels: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly occupancy per care type and yearly totals of every scenario, one frame each,
    with a 'scenario' column (the label) in baseline-first order: the data of the overlay charts."""
    monthly = pd.concat(
        [s.monthly.assign(scenario=label) for s, label in zip(summaries, labels, strict=True)],
        ignore_index=True,
    )
    totals = pd.concat(
        [s.totals.assign(scenario=label) for s, label in zip(summaries, labels, strict=True)],
        ignore_index=True,
    )
    return monthly, totals
