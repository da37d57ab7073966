"""Exports: the deck (16:9, native charts holding the yearly numbers, the key-figure table),
the images (PNG at twice the SVG's size), the workbook and CSV files, and the command line."""

from __future__ import annotations

import io
import math
import re
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from simulator.cli import main
from simulator.compare import aligned
from simulator.experiment import run_experiment
from simulator.export import comparison_export, scenario_export
from simulator.export.deck import kpi_rows
from simulator.export.tables import SHEETS
from simulator.i18n import column_header, euro, euro_delta
from simulator.levers import apply_levers, default_levers
from simulator.results import Summary
from simulator.scenario import load_scenario, with_overrides
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def runs():
    base = with_overrides(load_scenario(EXAMPLE), years=4, replications=4)
    levers = default_levers(base)
    levers.inflow_change["jzplus"] = -0.2
    changed = apply_levers(base, levers)
    return base, Summary.of(run_experiment(base, workers=1)), Summary.of(run_experiment(changed, workers=1))


@pytest.fixture(scope="module")
def export(runs):
    base, before, after = runs
    shares = []
    made = scenario_export(
        after,
        "nl",
        baseline=before,
        base_scenario=base,
        year=2022,
        progress=lambda share, what: shares.append(share),
    )
    assert shares[0] == 0.0 and shares[-1] == 1.0 and shares == sorted(shares)
    return made


def deck_of(data: bytes):
    return Presentation(io.BytesIO(data))


def charts_of(prs):
    return [shape.chart for slide in prs.slides for shape in slide.shapes if shape.has_chart]


def test_the_deck_is_16_9_with_the_expected_slides(export, runs):
    prs = deck_of(export.deck)
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    n_types = len(runs[2].scenario.type_names)
    limited = sum(care.capacity is not None for care in runs[2].scenario.care_types.values())
    # title, key figures, occupancy (4 types a slide), beds, a capacity trade-off per limited
    # care type, waiting, cost, assumptions and sources
    assert limited >= 1 and len(prs.slides) == 2 + math.ceil(n_types / 4) + 1 + limited + 2 + 1
    for slide in prs.slides:  # every shape inside the slide
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.left + shape.width <= prs.slide_width + 1
            assert shape.top >= 0 and shape.top + shape.height <= prs.slide_height + 1
    texts = " ".join(shape.text_frame.text for shape in prs.slides[0].shapes if shape.has_text_frame)
    assert runs[2].scenario.name in texts and "simulatie, 4 replicaties" in texts


def test_charts_are_native_and_hold_the_numbers_of_yearly_csv(export, runs):
    summary = runs[2]
    yearly = summary.yearly
    found = charts_of(deck_of(export.deck))
    limited = [n for n, care in summary.scenario.care_types.items() if care.capacity is not None]
    assert len(found) == len(summary.scenario.type_names) + 3 + len(limited)
    by_title = {chart.chart_title.text_frame.text: chart for chart in found if chart.has_title}
    for name in summary.scenario.type_names:
        chart = by_title[summary.scenario.label(name)]
        part = yearly[yearly["care_type"] == name]
        assert list(chart.plots[0].categories) == [str(y) for y in part["year"]]
        series = {s.name: list(s.values) for s in chart.plots[0].series}
        assert np.allclose(series["Gemiddelde"], part["occupancy_mean"])
        assert np.allclose(series["P10"], part["occupancy_p10"]) and np.allclose(
            series["P90"], part["occupancy_p90"]
        )
        if part["capacity"].notna().any():
            assert np.allclose(series["Capaciteit"], part["capacity"].astype(float))
    beds, trade_offs, (_waiting, cost) = (
        found[len(names := summary.scenario.type_names)],
        found[len(names) + 1 : len(names) + 1 + len(limited)],
        found[-2:],
    )
    # The capacity trade-off of each limited care type: the shares of results.tradeoff_table.
    from simulator.results import tradeoff_table

    for name, chart in zip(limited, trade_offs, strict=True):
        table = tradeoff_table(summary, name, 2022)
        series = {s.name: list(s.values) for s in chart.plots[0].series}
        assert [c.label for c in chart.plots[0].categories] == [str(c) for c in table["capacity"]]
        assert np.allclose(series["Niet direct geplaatst"], table["delayed_share"])
        assert np.allclose(series["Bezettingsgraad"], table["occupancy_rate"])
        # The app's reference lines: the tariff norm and the placement norm (1 - service level).
        assert set(series["90%: tarieven dekken de kosten"]) == {0.9}
        assert np.allclose(series["5%: norm direct plaatsen"], 1 - summary.scenario.service_level)
    notes = [
        shape.text_frame.text
        for slide in deck_of(export.deck).slides
        for shape in slide.shapes
        if shape.has_text_frame and shape.text_frame.text.startswith("Capaciteit in 2022:")
    ]
    capacity = yearly.loc[(yearly["year"] == 2022) & (yearly["care_type"] == "jzplus"), "capacity_mean"].iloc[
        0
    ]
    assert len(notes) == len(limited) and notes[0].startswith(f"Capaciteit in 2022: {capacity:.0f} plaatsen")
    jz = yearly[yearly["care_type"] == "jzplus"]
    beds_series = {s.name: list(s.values) for s in beds.plots[0].series}
    assert np.allclose(beds_series["Bedden nodig JeugdzorgPlus"], jz["beds_needed"])
    assert np.allclose(beds_series["Capaciteit JeugdzorgPlus"], jz["capacity"].astype(float))
    stacked = {s.name: list(s.values) for s in cost.plots[0].series}
    for name in summary.scenario.type_names:
        own = yearly[yearly["care_type"] == name]["cost_mean"] / 1e6
        assert np.allclose(stacked[summary.scenario.label(name)], own)


def test_the_key_figure_table_matches_the_run(export, runs):
    _, before, after = runs
    prs = deck_of(export.deck)
    table = next(shape.table for shape in prs.slides[1].shapes if shape.has_table)
    cells = [[table.cell(r, c).text for c in range(len(table.columns))] for r in range(len(table.rows))]
    assert cells == kpi_rows(after, 2022, "nl", before)
    cost = after.totals[(after.totals["year"] == 2022) & (after.totals["measure"] == "cost")].iloc[0]
    before_cost = before.totals[(before.totals["year"] == 2022) & (before.totals["measure"] == "cost")].iloc[
        0
    ]
    row = next(r for r in cells if r[0] == "Kosten per jaar")
    assert row[1].startswith(euro(cost["mean"], "nl"))
    # cheaper: the minus, in the unit of the value (millions) with one decimal more
    # The changed scenario beside the unchanged one: its value, then the difference,
    # cheaper: the minus, in the unit of the value (millions) with one decimal more.
    assert cells[0][2:] == ["Ongewijzigd scenario", "Verschil met ongewijzigd"]
    assert row[2] == euro(before_cost["mean"], "nl")
    assert row[3] == euro_delta(cost["mean"] - before_cost["mean"], cost["mean"], "nl")
    assert row[3].startswith("-€ ") and row[3].endswith(" mln")


def test_the_occupancy_charts_show_the_unchanged_scenario_beside_the_changed_one(export, runs):
    """Each occupancy chart of the workshop deck has the unchanged scenario's yearly mean as
    a series of its own, next to the changed scenario's mean, P10 and P90."""
    _, before, after = runs
    found = [
        chart
        for chart in charts_of(deck_of(export.deck))
        if any(series.name == "Ongewijzigd scenario" for series in chart.plots[0].series)
    ]
    assert len(found) == len(after.scenario.type_names)
    for chart, name in zip(found, after.scenario.type_names, strict=True):
        series = next(s for s in chart.plots[0].series if s.name == "Ongewijzigd scenario")
        expected = before.yearly[before.yearly["care_type"] == name]["occupancy_mean"]
        assert np.allclose(list(series.values), expected)


def test_the_assumptions_slide_names_the_levers_and_the_sources(export):
    prs = deck_of(export.deck)
    text = "\n".join(shape.text_frame.text for shape in prs.slides[-1].shapes if shape.has_text_frame)
    assert "Instroom JeugdzorgPlus: -20,0% per jaar vanaf 2022-01" in text
    assert "003_57c2bcb7dae6ac69.txt" in text and "P10-P90" in text


def test_images_decode_at_twice_the_svg_size_with_title_and_source(export):
    pngs = {name: data for name, data in export.images.items() if name.endswith(".png")}
    assert {"bedden.png", "wachtlijst.png", "kosten.png", "stromen.png", "04-bezetting-jzplus.png"} <= set(
        pngs
    )
    assert len(pngs) == 4 + 4
    for name, data in pngs.items():
        svg = export.images[name[:-4] + ".svg"].decode("utf-8")
        width, height = (
            float(v) for v in re.search(r'<svg[^>]*width="([\d.]+)"[^>]*height="([\d.]+)"', svg).groups()
        )
        image = Image.open(io.BytesIO(data))
        image.load()
        assert image.size == (round(2 * width), round(2 * height)), name
        assert "jeugdzorg-sim" in svg and "4 replicaties" in svg  # the source line is in the image
    assert zipfile.ZipFile(io.BytesIO(export.images_zip())).namelist() == list(export.images)


def test_the_workbook_has_its_sheets_and_the_numbers(export, runs):
    book = openpyxl.load_workbook(io.BytesIO(export.workbook), read_only=True)
    assert book.sheetnames == SHEETS
    yearly = runs[2].yearly
    rows = list(book["yearly"].iter_rows(values_only=True))
    # The export is Dutch: Dutch headers, numbers rounded to 4 decimals.
    assert list(rows[0]) == [column_header(c, "nl") for c in yearly.columns] and len(rows) == len(yearly) + 1
    column = rows[0].index("bezetting (gemiddelde)")
    assert np.allclose([r[column] for r in rows[1:]], yearly["occupancy_mean"], atol=5e-5)
    parameters = dict(list(book["parameters"].iter_rows(values_only=True))[1:])
    assert parameters["care_types.jzplus.stay_months"] == "5.0"
    sources = [r[1] for r in list(book["sources"].iter_rows(values_only=True))[1:]]
    assert "003_57c2bcb7dae6ac69.txt" in sources
    assert set(export.tables) == {f"{s}.csv" for s in SHEETS}


def test_an_english_export_speaks_english(runs):
    _, _, after = runs
    prs = deck_of(scenario_export(after, "en").deck)
    texts = " ".join(
        shape.text_frame.text for slide in prs.slides for shape in slide.shapes if shape.has_text_frame
    )
    assert (
        "simulation, 4 replications" in texts
        and "Assumptions and sources" in texts
        and "replicaties" not in texts
    )


def test_a_comparison_deck_has_one_chart_with_every_scenario_as_a_series(runs):
    base, before, after = runs
    summaries = [before, after]
    made = comparison_export(summaries, ["basis", "minder"], "nl", year=2022)
    found = charts_of(deck_of(made.deck))
    cost = next(
        chart
        for chart in found
        if [s.name for s in chart.plots[0].series] == ["basis", "minder"]
        and max(chart.plots[0].series[0].values) < 1000
    )  # the cost chart is in millions
    for series, summary in zip(cost.plots[0].series, summaries, strict=True):
        totals = summary.totals[summary.totals["measure"] == "cost"]["mean"] / 1e6
        assert np.allclose(list(series.values), totals)
    book = openpyxl.load_workbook(io.BytesIO(made.workbook), read_only=True)
    assert {"kpis", "parameters_differ", "yearly"} <= set(book.sheetnames)
    assert aligned(base, [after.scenario])[1].seed == base.seed
    # The settings that differ, in words, on the slide and in the workbook (no schema paths).
    prs = deck_of(made.deck)
    cells = [
        [cell.text for cell in row.cells]
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
    ]
    assert ["Beleid 'Workshop': verandering instroom JeugdzorgPlus per jaar", "geen", "-20%"] in cells
    assert not [row for row in cells if "policies[" in row[0] or "care_types." in row[0]]
    sheet = list(book["parameters_differ"].iter_rows(values_only=True))
    assert sheet[0] == ("Instelling", "basis", "minder") and len(sheet) == 1 + 2  # its start and its change
    # The key figures: the other's cell holds its value, then its difference from the baseline.
    kpi = next(row for row in cells if row[0] == "Jeugdigen in verblijf")
    assert "\n" not in kpi[1] and kpi[2].count("\n") == 1


def test_export_on_the_command_line(tmp_path, capsys):
    deck, book, images = tmp_path / "d.pptx", tmp_path / "b.xlsx", tmp_path / "png"
    code = main(
        [
            "export",
            str(EXAMPLE),
            "--pptx",
            str(deck),
            "--xlsx",
            str(book),
            "--png",
            str(images),
            "--replications",
            "3",
            "--lang",
            "en",
            "--quiet",
        ]
    )
    assert code == 0
    assert len(deck_of(deck.read_bytes()).slides) >= 7
    assert openpyxl.load_workbook(book, read_only=True).sheetnames == SHEETS
    assert (images / "flows.png").exists() and (images / "beds.svg").exists()  # English names in English
    # The deck's series are the numbers `run` writes to yearly.csv for the same scenario.
    assert main(["run", str(EXAMPLE), "--out", str(tmp_path / "run"), "--replications", "3", "--quiet"]) == 0
    yearly = pd.read_csv(tmp_path / "run" / "yearly.csv")
    jz = yearly[yearly["care_type"] == "jzplus"]
    chart = next(
        c
        for c in charts_of(deck_of(deck.read_bytes()))
        if c.has_title and c.chart_title.text_frame.text == "JeugdzorgPlus"
    )
    series = {s.name: list(s.values) for s in chart.plots[0].series}
    assert np.allclose(series["Mean"], jz["occupancy_mean"]) and np.allclose(
        series["Capacity"], jz["capacity"]
    )


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "nothing to export"),
        (["--pptx", "{tmp}"], "is a folder"),
    ],
)
def test_export_refuses_bad_flags_and_writes_nothing(tmp_path, capsys, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(["export", str(EXAMPLE), *args]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_dutch_csv_downloads_open_right_in_dutch_excel(runs):
    """Dutch: ';' between fields, a decimal comma, a UTF-8 byte order mark and Dutch headers
    for every column of every sheet of a run; English: ',' and '.' and the columns' names.
    Both read back to the same numbers (rounded to 4 decimals)."""
    import io

    from simulator.export.tables import csv_files, scenario_tables
    from simulator.i18n import column_header

    sheets = scenario_tables(runs[1])
    for name, frame in sheets.items():
        untranslated = [
            c
            for c in frame.columns
            if column_header(c, "nl") == c and c not in ("parameter", "scenario", "document")
        ]
        assert not untranslated, (name, untranslated)
    dutch, english = csv_files(sheets, "nl"), csv_files(sheets, "en")
    data = dutch["yearly.csv"]
    assert data.startswith(b"\xef\xbb\xbf") and not english["yearly.csv"].startswith(b"\xef\xbb\xbf")
    header = data.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[:3] == ["jaar", "zorgvorm", "bezetting (gemiddelde)"] and "bezetting P10" in header
    read_nl = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
    read_en = pd.read_csv(io.BytesIO(english["yearly.csv"]))
    assert list(read_en.columns) == list(sheets["yearly"].columns)
    assert read_nl["bezetting (gemiddelde)"].tolist() == read_en["occupancy_mean"].tolist()
    assert read_en["occupancy_mean"].tolist() == sheets["yearly"]["occupancy_mean"].round(4).tolist()
    assert "," in data.decode("utf-8-sig").splitlines()[1]  # a decimal comma in the numbers


def test_every_slide_has_its_title_in_a_title_placeholder(export, runs):
    """PowerPoint's outline and its accessibility check read a slide's title from its title
    placeholder: every slide of both decks has one, with the text of its title, inside the
    slide."""
    comparison = comparison_export([runs[1], runs[2]], ["basis", "minder"], "nl", year=2022)
    for data in (export.deck, comparison.deck):
        prs = deck_of(data)
        for number, slide in enumerate(prs.slides, start=1):
            title = slide.shapes.title
            assert title is not None and title.text_frame.text.strip(), number
            assert title.left >= 0 and title.left + title.width <= prs.slide_width + 1, number
    assert deck_of(export.deck).slides[0].shapes.title.text_frame.text == runs[2].scenario.name


def test_bar_charts_start_their_value_axis_at_zero(export, runs):
    """A bar's length is its value: every column chart of both decks has its value axis from 0."""
    comparison = comparison_export([runs[1], runs[2]], ["basis", "minder"], "nl", year=2022)
    bars = [
        chart
        for data in (export.deck, comparison.deck)
        for chart in charts_of(deck_of(data))
        if chart.chart_type in (XL_CHART_TYPE.COLUMN_CLUSTERED, XL_CHART_TYPE.COLUMN_STACKED)
    ]
    assert len(bars) >= 2 and all(chart.value_axis.minimum_scale == 0 for chart in bars)


def test_the_assumptions_slide_says_a_changed_setting_in_words():
    from simulator.export.deck import lever_lines

    base = load_scenario(EXAMPLE)
    levers = default_levers(base)
    levers.capacity_start["jzplus"] = 50
    levers.years = 6
    lines = lever_lines(apply_levers(base, levers), base, "nl")
    assert "Gewijzigd: Capaciteit JeugdzorgPlus vanaf 2021: 57 → 50" in lines
    assert "Gewijzigd: Horizon (jaren): 10 → 6" in lines
    assert not [line for line in lines if "care_types." in line or "policies[" in line]


def test_text_typed_by_users_is_text_in_a_spreadsheet():
    import pandas as pd

    from simulator.export.tables import spreadsheet_safe

    frame = pd.DataFrame(
        {"naam": ['=HYPERLINK("http://x")', "+1", "@SUM(A1)", "-x", "-5%", "plan", ""], "n": range(7)}
    )
    safe = spreadsheet_safe(frame)
    assert list(safe["naam"]) == ['\'=HYPERLINK("http://x")', "'+1", "'@SUM(A1)", "'-x", "-5%", "plan", ""]
    assert list(safe["n"]) == list(range(7))
