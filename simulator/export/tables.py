"""Tables for spreadsheets: CSV files and one Excel workbook with a sheet per table.

Sheets (and CSV files) of one run: yearly, monthly (mean, P10, P90 per month and care type),
flows, parameters (every setting of the scenario as a dotted path), sources (the documents
the scenario cites, with what was read from them), and tradeoff (for each care type with a
capacity: the share not placed at once and the occupancy rate per number of places, in the
key figures' year). A comparison adds kpis (with paired
differences) and parameters that differ, and its yearly sheet has a scenario column.
Spreadsheet files are for people: headers and number format in the export's language
(``csv_text``); the command line's run files (monthly.csv, ...) stay in their fixed format.
"""

from __future__ import annotations

import io

import pandas as pd

from simulator.i18n import column_header, decimal_sign
from simulator.results import Summary
from simulator.schema import Scenario

SHEETS = ["yearly", "monthly", "flows", "parameters", "sources", "tradeoff"]  # and by_age, with age


def parameters_table(scenario: Scenario) -> pd.DataFrame:
    """Every setting of the scenario as a dotted path (``parameter``) with its value as text."""
    from simulator.compare import flatten

    flat = flatten(scenario.to_dict())
    return pd.DataFrame({"parameter": list(flat), "value": [str(v) for v in flat.values()]})


def sources_table(scenarios: list[Scenario]) -> pd.DataFrame:
    """The source documents cited in the scenarios' descriptions and the data tables read from them."""
    from simulator.data import cited_sources, load_sources

    cited = list(dict.fromkeys(s for scenario in scenarios for s in cited_sources(scenario.description)))
    known = load_sources()
    return known[known["source"].isin(cited)].reset_index(drop=True)


def monthly_table(summary: Summary) -> pd.DataFrame:
    """The summary's monthly table with ``month`` as 'YYYY-MM' text."""
    frame = summary.monthly.copy()
    frame["month"] = pd.to_datetime(frame["month"]).dt.strftime("%Y-%m")
    return frame


def tradeoff_tables(summary: Summary, year: int) -> pd.DataFrame:
    """The capacity trade-off of every care type with a capacity, in one table."""
    from simulator.results import tradeoff_table

    limited = [n for n, care in summary.scenario.care_types.items() if care.capacity is not None]
    if not limited or summary.loads is None:
        return pd.DataFrame(columns=["year", "care_type", "capacity"])
    return pd.concat(
        [
            tradeoff_table(summary, name, year)
            .assign(year=year, care_type=name)
            .pipe(lambda f: f[["year", "care_type", *f.columns[:-2]]])
            for name in limited
        ],
        ignore_index=True,
    )


def scenario_tables(summary: Summary, year: int | None = None) -> dict[str, pd.DataFrame]:
    """The sheets of one run (``SHEETS``), by name; the trade-off in ``year`` (None or a year
    not run: the second year, or the only one)."""
    year = year if year in summary.years else summary.years[min(1, len(summary.years) - 1)]
    return {
        "yearly": summary.yearly,
        "monthly": monthly_table(summary),
        "flows": summary.flows,
        "parameters": parameters_table(summary.scenario),
        "sources": sources_table([summary.scenario]),
        "tradeoff": tradeoff_tables(summary, year),
    } | ({} if summary.by_age is None else {"by_age": summary.by_age})


def comparison_tables(
    summaries: list[Summary], labels: list[str], kpis: pd.DataFrame, differences: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """The sheets of a comparison, by name: the kpis, the parameters that differ, and the tables
    of every scenario stacked with a ``scenario`` column (from ``labels``)."""

    def stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat(
            [
                f.assign(scenario=label)[["scenario", *f.columns]]
                for f, label in zip(frames, labels, strict=True)
            ],
            ignore_index=True,
        )

    return {
        "kpis": kpis,
        "parameters_differ": differences,
        "yearly": stacked([s.yearly for s in summaries]),
        "monthly": stacked([monthly_table(s) for s in summaries]),
        "flows": stacked([s.flows for s in summaries]),
        "parameters": stacked([parameters_table(s.scenario) for s in summaries]),
        "sources": sources_table([s.scenario for s in summaries]),
    }


def for_people(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table as a spreadsheet user reads it: headers in the language (``column_header``)
    and decimals rounded to 4 places (16 digits of simulation noise help nobody)."""
    floats = frame.select_dtypes("float").columns
    rounded = frame.assign(**{str(c): frame[c].round(4) for c in floats}) if len(floats) else frame
    return rounded.rename(columns=lambda c: column_header(str(c), lang))


def workbook(tables: dict[str, pd.DataFrame], lang: str = "nl") -> bytes:
    """An .xlsx with one sheet per table, a frozen header row and columns wide enough to
    read; headers in the language."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        for name, frame in tables.items():
            frame = for_people(frame, lang)
            frame.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            sheet.freeze_panes(1, 0)
            for k, column in enumerate(frame.columns):
                longest = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
                sheet.set_column(k, k, min(60, max(10, longest + 2)))
    return buffer.getvalue()


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text typed by users as text in a spreadsheet: a cell that a spreadsheet would read as
    a formula ('=HYPERLINK(...)', '+', '@', '-x') gets a leading apostrophe (OWASP, CSV
    injection); numbers, and text like '-5%', are left as they are."""

    def safe(cell: object) -> object:
        if not isinstance(cell, str) or not cell:
            return cell
        risky = cell[0] in "=+@\t\r" or (cell[0] == "-" and not cell[1:2].isdigit())
        return "'" + cell if risky else cell

    return frame.map(safe)


def csv_text(frame: pd.DataFrame, lang: str = "nl") -> bytes:
    """One table as a CSV file for a spreadsheet in the language: in Dutch ';' between the
    fields, a decimal comma, Dutch headers and a UTF-8 byte order mark (what Dutch Excel
    needs to open it right: with ',' and '.' it reads 52.8 as 528 or as a date); in English
    ',' and '.', the columns' own names, plain UTF-8."""
    shown = for_people(frame, lang)
    if lang == "nl":
        return shown.to_csv(index=False, sep=";", decimal=decimal_sign(lang)).encode("utf-8-sig")
    return shown.to_csv(index=False).encode("utf-8")


def csv_files(tables: dict[str, pd.DataFrame], lang: str = "nl") -> dict[str, bytes]:
    """Each table as CSV bytes (``csv_text``), by file name '<name>.csv'."""
    return {f"{name}.csv": csv_text(frame, lang) for name, frame in tables.items()}
