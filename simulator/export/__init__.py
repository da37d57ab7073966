"""Exports of a run or a comparison: a PowerPoint deck with native charts, the charts as PNG
and SVG, and the tables as CSV files and an Excel workbook. No UI here: the app and the
command line both call ``scenario_export`` and ``comparison_export``."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from simulator.results import Summary
from simulator.schema import Scenario

Progress = Callable[[float, str], None]  # (share done, what is being made)
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@dataclass
class Export:
    """The files of an export, as contents in memory."""

    deck: bytes  # .pptx
    images: dict[str, bytes]  # file name -> PNG or SVG bytes
    tables: dict[str, bytes]  # file name -> CSV bytes
    workbook: bytes  # .xlsx

    def images_zip(self) -> bytes:
        """The images as one ZIP archive."""
        return _zip(self.images)

    def tables_zip(self) -> bytes:
        """The CSV tables as one ZIP archive."""
        return _zip(self.tables)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def scenario_export(
    summary: Summary,
    lang: str = "nl",
    baseline: Summary | None = None,
    base_scenario: Scenario | None = None,
    year: int | None = None,
    progress: Progress | None = None,
) -> Export:
    """Deck, images and tables of one run (``baseline``: the unchanged scenario for the key
    figures' differences; ``base_scenario``: what the levers changed, for the assumptions)."""
    from simulator.export import deck, images, tables

    report = progress or (lambda share, what: None)
    report(0.0, "deck")
    pptx = deck.scenario_deck(summary, lang, baseline, base_scenario, year)
    report(0.2, "images")
    pictures = images.image_files(
        summary, lang, baseline, progress=lambda share: report(0.2 + 0.7 * share, "images")
    )
    report(0.9, "tables")
    sheets = tables.scenario_tables(summary, year)
    result = Export(pptx, pictures, tables.csv_files(sheets, lang), tables.workbook(sheets, lang))
    report(1.0, "done")
    return result


def comparison_export(
    summaries: list[Summary],
    labels: list[str],
    lang: str = "nl",
    year: int | None = None,
    progress: Progress | None = None,
) -> Export:
    """Deck, images and tables of a comparison; the first summary is the baseline."""
    import pandas as pd

    from simulator.compare import common_years, kpi_table
    from simulator.differences import described_differences
    from simulator.export import deck, images, tables

    report = progress or (lambda share, what: None)
    report(0.0, "deck")
    pptx = deck.comparison_deck(summaries, labels, lang, year)
    report(0.2, "images")
    charts = images.comparison_chart_files(summaries, labels, lang)
    pictures = {}
    for k, (stem, chart) in enumerate(charts.items()):
        png, svg = images.render(chart)
        pictures[f"{stem}.png"], pictures[f"{stem}.svg"] = png, svg.encode("utf-8")
        report(0.2 + 0.7 * (k + 1) / len(charts), "images")
    report(0.9, "tables")
    kpis = pd.concat([kpi_table(summaries, y, labels) for y in common_years(summaries)], ignore_index=True)
    sheets = tables.comparison_tables(
        summaries, labels, kpis, described_differences([s.scenario for s in summaries], labels, lang)
    )
    result = Export(pptx, pictures, tables.csv_files(sheets, lang), tables.workbook(sheets, lang))
    report(1.0, "done")
    return result
