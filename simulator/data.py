"""The regional figures in ``data/``: tidy CSV tables read from the source documents.

Every table has the same long format: year, region, care_type, measure, detail, value, unit
(one figure per row; ``detail`` says which referrer, provider or sub-category when a measure
has several). ``data/sources.csv`` names for each table the source document (by file name)
and section, and what was read from it. ``load_table`` checks a table against this schema,
so a typo in a CSV is an error naming the file, line and column, not a silently wrong preset.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from simulator.settings import DATA_DIR

COLUMNS = ["year", "region", "care_type", "measure", "detail", "value", "unit"]
SOURCE_COLUMNS = ["table", "source", "document", "section", "what_was_read", "what_was_read_nl"]
UNITS = {
    "youths",
    "places",
    "days",
    "weeks",
    "months",
    "years",
    "share",
    "share_per_year",
    "euro",
    "euro_per_month",
    "euro_per_year",
    "homes",
}
SHARE_UNITS = {"share"}


SOURCE_FILE = re.compile(r"\b(\d{3}_[0-9a-f]{16}\.txt|reference-figures\.md)")  # how descriptions cite


class DataError(ValueError):
    """A data table that does not follow the schema."""


def table_names(folder: Path = DATA_DIR) -> list[str]:
    """Names (file stems) of the data tables in ``folder``, sorted; ``sources.csv`` left out."""
    return sorted(p.stem for p in folder.glob("*.csv") if p.stem != "sources")


def load_table(name: str, folder: Path = DATA_DIR) -> pd.DataFrame:
    """One table, checked: columns, whole years, known units, numbers, shares within [-1, 1]."""
    path = folder / f"{name}.csv"
    try:
        frame = pd.read_csv(
            path, dtype={"detail": str, "care_type": str, "region": str}, keep_default_na=False
        )
    except FileNotFoundError:
        raise DataError(f"{path}: no such data table") from None
    if list(frame.columns) != COLUMNS:
        raise DataError(f"{path}: columns are {list(frame.columns)}; expected {COLUMNS}")
    problems = []
    for k, row in enumerate(frame.itertuples(index=False), start=2):  # line 1 is the header
        where = f"{path.name}, line {k}"
        if not (
            isinstance(row.year, int | float) and float(row.year).is_integer() and 1990 <= row.year <= 2100
        ):
            problems.append(f"{where}: year {row.year!r} is not a year")
        if not row.region or not row.measure:
            problems.append(f"{where}: region and measure are required")
        if row.unit not in UNITS:
            problems.append(f"{where}: unit {row.unit!r} is not one of {sorted(UNITS)}")
        try:
            value = float(row.value)
        except (TypeError, ValueError):
            problems.append(f"{where}: value {row.value!r} is not a number")
            continue
        if math.isnan(value):
            problems.append(f"{where}: value is missing")
        elif row.unit in SHARE_UNITS and not -1.0 <= value <= 1.0:
            problems.append(f"{where}: a share must lie between -1 and 1, got {value}")
    if problems:
        raise DataError("\n".join(problems))
    frame["year"] = frame["year"].astype(int)
    frame["value"] = frame["value"].astype(float)
    return frame


def load_sources(folder: Path = DATA_DIR) -> pd.DataFrame:
    """``sources.csv``: per table its source document, section and what was read (columns checked)."""
    frame = pd.read_csv(folder / "sources.csv", keep_default_na=False)
    if list(frame.columns) != SOURCE_COLUMNS:
        raise DataError(f"sources.csv: columns are {list(frame.columns)}; expected {SOURCE_COLUMNS}")
    return frame


def cited_sources(description: str) -> list[str]:
    """The source documents a scenario's description cites, by file name, in order."""
    return list(dict.fromkeys(SOURCE_FILE.findall(description)))


def value(
    table: pd.DataFrame,
    measure: str,
    year: int | None = None,
    care_type: str | None = None,
    detail: str | None = None,
    region: str | None = None,
) -> float:
    """The one figure that matches; an error when none or several do (a preset must not guess)."""
    mask = table["measure"] == measure
    for column, wanted in (("year", year), ("care_type", care_type), ("detail", detail), ("region", region)):
        if wanted is not None:
            mask &= table[column] == wanted
    found = table.loc[mask, "value"]
    if len(found) != 1:
        raise DataError(
            f"{len(found)} rows match measure={measure!r}, year={year}, care_type={care_type!r}, "
            f"detail={detail!r}, region={region!r}; expected exactly one"
        )
    return float(found.iloc[0])
