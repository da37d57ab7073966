"""The PowerPoint deck: 16:9, native (editable) charts and tables made from the numbers.

Every shape is placed on a blank layout with explicit positions (python-pptx's default
template is 4:3, its placeholders would sit wrong). Charts are PowerPoint chart objects whose
series hold the figures of ``yearly.csv``, so they can be restyled and their data edited in
PowerPoint. Colours and care-type order are those of the app (``simulator.charts``); fonts
are large enough to read from the back of a room (titles 32 pt, chart text 14 pt, tables 16 pt).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from typing import Any, cast

import pandas as pd
from pptx import Presentation
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData, ChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.shapes.autoshape import Shape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide
from pptx.table import Table
from pptx.util import Emu, Inches, Length, Pt

from simulator import __version__, charts
from simulator.i18n import KPI_LABELS, measure_delta, measure_value, number, percent, signed, t
from simulator.results import Summary
from simulator.schema import Scenario

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
BODY_TOP = Inches(1.3)  # below a slide's title
DARK = RGBColor(0x11, 0x18, 0x27)
GREY = RGBColor(0x6B, 0x72, 0x80)


def _emu(*lengths: float) -> list[Emu]:
    """Whole EMUs: a division gives floats, which PowerPoint's XML does not accept."""
    return [Emu(round(length)) for length in lengths]


def rgb(hex_colour: str) -> RGBColor:
    """A python-pptx colour from a hex colour such as '#4c9f70'."""
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


class Deck:
    """A 16:9 presentation with helpers for the slide kinds of this project."""

    def __init__(self, lang: str):
        self.lang = lang
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT
        # The default template's layouts: 0 title slide, 5 title only, 6 blank. Titles go into
        # the layouts' title placeholders, so that PowerPoint's outline, its accessibility check
        # and a screen reader see every slide's title (a text box is just text).
        self.title_layout, self.titled, self.blank = (self.prs.slide_layouts[k] for k in (0, 5, 6))

    @staticmethod
    def _place(
        shape: Shape,
        text: str,
        box: tuple[float, float, float, float],
        size: int,
        colour: RGBColor,
        bold: bool = True,
    ) -> None:
        """Fill a placeholder: its text, font and box (the template's boxes are for 4:3). The
        font goes on the runs too: PowerPoint takes the layout's style over a paragraph's."""
        shape.left, shape.top, shape.width, shape.height = _emu(*box)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.text = text
        frame.auto_size = MSO_AUTO_SIZE.NONE  # the template's shrink-to-fit would undo the size
        for paragraph in frame.paragraphs:
            paragraph.alignment = PP_ALIGN.LEFT
            for font in (paragraph.font, *(run.font for run in paragraph.runs)):
                font.size, font.bold, font.color.rgb = Pt(size), bold, colour

    def slide(self, title: str | None = None, note: str | None = None) -> Slide:
        """A new slide, with its title in the title placeholder at the top and a small grey
        note at the foot if given (blank without a title)."""
        slide = self.prs.slides.add_slide(self.titled if title else self.blank)
        if title:
            self._place(
                slide.shapes.title, title, (MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.8)), 32, DARK
            )
        if note:
            self.text(
                slide,
                note,
                MARGIN,
                HEIGHT - Inches(0.55),
                WIDTH - 2 * MARGIN,
                Inches(0.4),
                size=12,
                colour=GREY,
            )
        return slide

    @staticmethod
    def text(
        slide: Slide,
        text: str,
        left: float,
        top: float,
        width: float,
        height: float,
        size: int = 20,
        bold: bool = False,
        colour: RGBColor = DARK,
        align: PP_ALIGN = PP_ALIGN.LEFT,
    ) -> Shape:
        """A word-wrapped text box, a paragraph per line of ``text``; positions and sizes in EMU."""
        box = slide.shapes.add_textbox(*_emu(left, top, width, height))
        frame = box.text_frame
        frame.word_wrap = True
        for k, line in enumerate(text.split("\n")):
            paragraph = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            paragraph.text = line
            paragraph.alignment = align
            paragraph.font.size, paragraph.font.bold, paragraph.font.color.rgb = Pt(size), bold, colour
        return box

    def bullets(self, slide: Slide, lines: list[str], top: Length = BODY_TOP, size: int = 18) -> Shape:
        """A bulleted text box, a bullet per line, filling the slide's body from ``top`` down."""
        box = self.text(
            slide,
            "\n".join(f"• {line}" for line in lines),
            MARGIN,
            top,
            WIDTH - 2 * MARGIN,
            HEIGHT - top - Inches(0.7),
            size=size,
        )
        box.text_frame.auto_size = None
        return box

    def chart(
        self,
        slide: Slide,
        kind: XL_CHART_TYPE,
        categories: Sequence[Any],
        series: Sequence[tuple[str, Sequence[Any], str | None, bool]],
        left: float,
        top: float,
        width: float,
        height: float,
        title: str | None = None,
        number_format: str = "#,##0",
        legend: bool = True,
    ) -> Chart:
        """A native chart; ``series`` = (name, values, hex colour or None, dashed)."""
        data = CategoryChartData(number_format=number_format)
        data.categories = [str(c) for c in categories]
        for name, values, _, _ in series:
            data.add_series(name, [None if v is None or pd.isna(v) else float(v) for v in values])
        x, y, cx, cy = _emu(left, top, width, height)
        # python-pptx 1.0.2 annotates add_chart as taking ChartData (an alias kept for old code)
        # and returning the Chart; it takes any CategoryChartData and returns the GraphicFrame.
        frame = cast(GraphicFrame, slide.shapes.add_chart(kind, x, y, cx, cy, cast(ChartData, data)))
        chart = frame.chart
        chart.font.size = Pt(14)
        chart.has_title = bool(title)
        if title:
            chart.chart_title.text_frame.text = title
            chart.chart_title.text_frame.paragraphs[0].font.size = Pt(18)
            chart.chart_title.text_frame.paragraphs[0].font.bold = True
        chart.has_legend = legend
        if legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
            chart.legend.font.size = Pt(14)
        line_kind = kind in (XL_CHART_TYPE.LINE, XL_CHART_TYPE.LINE_MARKERS)
        if not line_kind:  # a bar's length is its value: the axis starts at 0 (it started at 37)
            chart.value_axis.minimum_scale = 0
        for plotted, (_, _, colour, dashed) in zip(chart.plots[0].series, series, strict=True):
            if colour is None:
                continue
            if line_kind:
                plotted.format.line.color.rgb = rgb(colour)
                plotted.format.line.width = Pt(1.5 if dashed else 3)
                if dashed:
                    plotted.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
                plotted.smooth = False
            else:
                plotted.format.fill.solid()
                plotted.format.fill.fore_color.rgb = rgb(colour)
        return chart

    def table(
        self,
        slide: Slide,
        rows: list[list[str]],
        left: float,
        top: float,
        width: float,
        height: float,
        size: int = 16,
        first_column_width: float = 0.3,
    ) -> Table:
        """A native table: the header row bold, the other columns right-aligned;
        ``first_column_width`` is a share of ``width``."""
        shape = slide.shapes.add_table(len(rows), len(rows[0]), *_emu(left, top, width, height))
        table = shape.table
        first = int(width * first_column_width)
        table.columns[0].width = Emu(first)
        for c in range(1, len(rows[0])):
            table.columns[c].width = Emu(int((width - first) / (len(rows[0]) - 1)))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                cell = table.cell(r, c)
                cell.text = value
                for paragraph in cell.text_frame.paragraphs:
                    paragraph.font.size = Pt(size)
                    paragraph.font.bold = r == 0
                    if c > 0:
                        paragraph.alignment = PP_ALIGN.RIGHT
        return table

    def save(self) -> bytes:
        """The presentation as .pptx bytes."""
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return buffer.getvalue()


# ---------------------------------------------------------------- shared pieces


def _title_slide(deck: Deck, title: str, subtitle: str, replications: int) -> None:
    slide = deck.prs.slides.add_slide(deck.title_layout)
    lang = deck.lang
    title_box, subtitle_box = slide.placeholders[0], slide.placeholders[1]
    deck._place(title_box, title, (MARGIN, Inches(2.2), WIDTH - 2 * MARGIN, Inches(1.4)), 40, DARK)
    subtitle_area = (MARGIN, Inches(3.7), WIDTH - 2 * MARGIN, Inches(0.8))
    deck._place(subtitle_box, subtitle or " ", subtitle_area, 24, GREY, bold=False)
    deck.text(
        slide,
        t("x_title_meta", lang, date=dt.date.today().isoformat(), n=replications),
        MARGIN,
        Inches(4.6),
        WIDTH - 2 * MARGIN,
        Inches(0.6),
        size=20,
        colour=GREY,
    )


def _value(value: float, measure: str, lang: str) -> str:
    return "–" if value is None or pd.isna(value) else measure_value(float(value), measure, lang)


def _signed(value: float, measure: str, lang: str, reference: float | None = None) -> str:
    """A difference with its sign, in the unit of the value (``reference``) for money."""
    if value is None or pd.isna(value):
        return "–"
    unit_of = None if reference is None or pd.isna(reference) else float(reference)
    return measure_delta(float(value), measure, lang, unit_of)


def _sources_slide(deck: Deck, scenarios: Sequence[Scenario], extra: list[str]) -> None:
    from simulator.data import cited_sources, load_sources

    lang = deck.lang
    slide = deck.slide(t("x_assumptions_title", lang), t("x_made_with", lang, version=__version__))
    documents = dict(zip(load_sources()["source"], load_sources()["document"], strict=True))
    lines = list(extra)
    for source in dict.fromkeys(s for scenario in scenarios for s in cited_sources(scenario.description)):
        lines.append(
            t("x_source_item", lang, source=source, what=documents[source]) if source in documents else source
        )
    lines.append(t("x_p10_p90", lang))
    lines.append(t("x_beds_definition", lang, level=percent(scenarios[0].service_level, lang)))
    deck.bullets(slide, lines, size=16 if len(lines) < 10 else 13)


def lever_lines(scenario: Scenario, base: Scenario | None, lang: str) -> list[str]:
    """What differs from the scenario it was based on, in words: each added policy lever by
    lever, then any other setting as 'path: before → after' (seed and replications left out)."""
    if base is None:
        return [t("x_no_changes", lang)]
    from simulator.differences import described_differences

    lines = []
    known = {policy.name for policy in base.policies}
    said = set()  # capacity rows a new policy's own line already says
    for index, policy in enumerate(scenario.policies):
        if policy.name not in known:
            lines += policy_lines(index, scenario, lang)
            year, month = policy.start.split("-")
            when = year if month == "01" else policy.start
            said |= {t("d_capacity", lang, label=scenario.label(n), when=when) for n in policy.capacity}
    differences = described_differences([base, scenario], ["base", "this"], lang, False, False)
    for setting, before, after in differences.itertuples(index=False):
        if setting not in said:
            lines.append(t("x_changed", lang, parameter=setting, before=before, after=after))
    return lines or [t("x_no_changes", lang)]


def policy_lines(index: int, scenario: Scenario, lang: str) -> list[str]:
    """The levers of policy ``index`` in words (a stay as the months it results in)."""
    policy = scenario.policies[index]
    label = scenario.label
    when = policy.start

    def stay(name: str) -> float:  # factors multiply across the policies up to this one
        return scenario.care_types[name].stay_months * math.prod(
            p.stay_factor.get(name, 1.0) for p in scenario.policies[: index + 1]
        )

    lines = [
        t("x_lever_inflow", lang, label=label(n), change=number(100 * v, lang, 1), start=when)
        for n, v in policy.inflow_change_per_year.items()
    ]
    lines += [
        t("x_lever_inflow_factor", lang, label=label(n), factor=number(v, lang, 3), start=when)
        for n, v in policy.inflow_factor.items()
    ]
    lines += [
        t("x_lever_stay", lang, label=label(n), months=number(stay(n), lang, 2), start=when)
        for n in policy.stay_factor
    ]
    lines += [
        t("x_lever_escalation", lang, label=label(n), change=number(100 * (v - 1), lang, 0), start=when)
        for n, v in policy.escalation_factor.items()
    ]
    lines += [
        t("x_lever_capacity", lang, label=label(n), places="–" if v is None else number(v, lang), start=when)
        for n, v in policy.capacity.items()
    ]
    lines += [
        t(
            "x_lever_outflow",
            lang,
            label=label(n),
            start=when,
            shares=", ".join(
                f"{label(d) if d in scenario.care_types else d} {percent(v, lang)}" for d, v in shares.items()
            ),
        )
        for n, shares in policy.outflow.items()
    ]
    return lines


# ---------------------------------------------------------------- one scenario


def scenario_deck(
    summary: Summary,
    lang: str = "nl",
    baseline: Summary | None = None,
    base_scenario: Scenario | None = None,
    year: int | None = None,
) -> bytes:
    """The deck of one run: title, key figures (against ``baseline`` when given), occupancy per
    care type with capacity, beds needed vs capacity, waiting list and placements elsewhere,
    yearly cost, and the assumptions and sources (levers that differ from ``base_scenario``)."""
    scenario = summary.scenario
    deck = Deck(lang)
    yearly = summary.yearly
    years = summary.years
    year = year if year in years else years[min(1, len(years) - 1)]
    names = scenario.type_names
    labels = {n: scenario.label(n) for n in names}
    colour = charts.colours(names)
    note = t("x_slide_note", lang, scenario=scenario.name, n=summary.replications)

    _title_slide(deck, scenario.name, scenario.region or "", summary.replications)
    before = None if baseline is None else baseline.yearly

    # Key figures.
    slide = deck.slide(t("x_kpi_title", lang, year=year), note)
    deck.table(
        slide, kpi_rows(summary, year, lang, baseline), MARGIN, Inches(1.4), WIDTH - 2 * MARGIN, Inches(3.5)
    )

    # Occupancy per care type, four to a slide.
    for start in range(0, len(names), 4):
        group = names[start : start + 4]
        slide = deck.slide(t("chart_occupancy", lang), note)
        cell_w, cell_h = (WIDTH - 2 * MARGIN) / 2, (HEIGHT - Inches(2.0)) / 2
        for k, name in enumerate(group):
            part = yearly[yearly["care_type"] == name]
            series = [
                (t("mean", lang), part["occupancy_mean"].tolist(), colour[name], False),
                ("P10", part["occupancy_p10"].tolist(), colour[name], True),
                ("P90", part["occupancy_p90"].tolist(), colour[name], True),
            ]
            if part["capacity"].notna().any():
                series.append(
                    (
                        t("capacity", lang),
                        part["capacity"].astype("float").tolist(),
                        charts.CAPACITY_COLOUR,
                        False,
                    )
                )
            if before is not None:  # the unchanged scenario, as in the app
                unchanged = before[before["care_type"] == name].set_index("year")["occupancy_mean"]
                series.append(
                    (
                        t("legend_unchanged", lang),
                        [unchanged.get(y) for y in part["year"]],
                        charts.BASELINE_GREY,
                        False,
                    )
                )
            deck.chart(
                slide,
                XL_CHART_TYPE.LINE,
                part["year"].tolist(),
                series,
                MARGIN + (k % 2) * cell_w,
                Inches(1.2) + (k // 2) * cell_h,
                cell_w - Inches(0.15),
                cell_h - Inches(0.1),
                title=labels[name],
                number_format="#,##0",
            )

    # Beds needed vs capacity.
    limited = [n for n in names if yearly.loc[yearly["care_type"] == n, "capacity"].notna().any()] or names[
        -1:
    ]
    slide = deck.slide(t("chart_beds", lang), note)
    series = []
    for name in limited:
        part = yearly[yearly["care_type"] == name]
        series.append(
            (t("x_beds_of", lang, label=labels[name]), part["beds_needed"].tolist(), colour[name], False)
        )
        if part["capacity"].notna().any():
            series.append(
                (
                    t("x_capacity_of", lang, label=labels[name]),
                    part["capacity"].astype("float").tolist(),
                    charts.CAPACITY_COLOUR,
                    False,
                )
            )
    deck.chart(
        slide,
        XL_CHART_TYPE.COLUMN_CLUSTERED,
        years,
        series,
        MARGIN,
        Inches(1.2),
        WIDTH - 2 * MARGIN,
        HEIGHT - Inches(2.0),
    )

    # The capacity trade-off of each limited care type in the key figures' year.
    if summary.loads is not None:
        from simulator.results import tradeoff_table

        level = 1 - scenario.service_level
        for name in [n for n in names if scenario.care_types[n].capacity is not None]:
            table = tradeoff_table(summary, name, year)
            # The app's reference lines: the tariff norm, the placement norm, and the capacity
            # in force (a category axis has no vertical rule: the note says it).
            in_force = yearly.loc[(yearly["year"] == year) & (yearly["care_type"] == name), "capacity_mean"]
            places = "–" if in_force.empty or pd.isna(in_force.iloc[0]) else number(in_force.iloc[0], lang)
            slide = deck.slide(
                f"{t('chart_tradeoff', lang, year=year)}: {labels[name]}",
                t("x_tradeoff_note", lang, places=places, year=year),
            )
            series = [
                (t("tradeoff_delayed", lang), table["delayed_share"].tolist(), colour[name], False),
                (t("tradeoff_rate", lang), table["occupancy_rate"].tolist(), charts.CAPACITY_COLOUR, False),
                (t("tradeoff_norm", lang), [charts.TARIFF_NORM] * len(table), charts.BASELINE_GREY, True),
                (
                    t("tradeoff_level", lang, level=percent(level, lang)),
                    [level] * len(table),
                    charts.BASELINE_GREY,
                    True,
                ),
            ]
            deck.chart(
                slide,
                XL_CHART_TYPE.LINE,
                table["capacity"].tolist(),
                series,
                MARGIN,
                Inches(1.2),
                WIDTH - 2 * MARGIN,
                HEIGHT - Inches(2.0),
                number_format="0%",
            )

    # Waiting list and placements elsewhere (the care types where either happens; else the heaviest).
    slide = deck.slide(t("chart_waiting", lang), note)
    series = []
    for name in names:
        part = yearly[yearly["care_type"] == name]
        for column, key, dashed in (
            ("waiting_mean", "waiting", False),
            ("overflow_mean", "overflow", True),
            ("blocked_mean", "blocked", True),
        ):
            if part[column].max() > 0.05:
                series.append(
                    (f"{t(key, lang)}: {labels[name]}", part[column].tolist(), colour[name], dashed)
                )
    if not series:
        part = yearly[yearly["care_type"] == names[-1]]
        series = [
            (
                f"{t('waiting', lang)}: {labels[names[-1]]}",
                part["waiting_mean"].tolist(),
                colour[names[-1]],
                False,
            )
        ]
    deck.chart(
        slide,
        XL_CHART_TYPE.LINE_MARKERS,
        years,
        series,
        MARGIN,
        Inches(1.2),
        WIDTH - 2 * MARGIN,
        HEIGHT - Inches(2.0),
        number_format="#,##0.0",
    )

    # Yearly cost per care type, stacked, in millions.
    slide = deck.slide(t("chart_cost", lang), note)
    series = [
        (labels[n], (yearly.loc[yearly["care_type"] == n, "cost_mean"] / 1e6).tolist(), colour[n], False)
        for n in names
    ]
    chart = deck.chart(
        slide,
        XL_CHART_TYPE.COLUMN_STACKED,
        years,
        series,
        MARGIN,
        Inches(1.2),
        WIDTH - 2 * MARGIN,
        HEIGHT - Inches(2.0),
        number_format="#,##0.0",
    )
    chart.value_axis.has_title = True
    chart.value_axis.axis_title.text_frame.text = t("cost_meur", lang)

    if summary.by_age is not None:
        age_note = t("x_age_note", lang, scenario=scenario.name, n=summary.replications)
        _age_slides(deck, summary, baseline, year, labels, age_note)
    _sources_slide(deck, [scenario], lever_lines(scenario, base_scenario, lang))
    return deck.save()


def _age_slides(
    deck: Deck, summary: Summary, baseline: Summary | None, year: int, labels: dict[str, str], note: str
) -> None:
    """With age: a slide per care type that holds youths, as in the workshop: youths in care
    per age band and year (an editable line chart), and the band table of ``year``."""
    from simulator.results import age_table, occupied_bands

    lang, by_age = deck.lang, summary.by_age
    assert by_age is not None
    first = summary.years[0]
    others = () if baseline is None or baseline.by_age is None else (baseline.by_age,)
    for name in summary.scenario.type_names:
        mine = occupied_bands(name, by_age, *others)
        if mine.empty:
            continue
        bands = list(dict.fromkeys(mine["age_band"]))
        shown = {band: f"{band.replace('-', '–')} {t('age_years', lang)}" for band in bands}
        slide = deck.slide(t("age_chart_title", lang, label=labels[name]), note)
        series = [
            (
                shown[band],
                mine.loc[mine["age_band"] == band, "in_care_mean"].tolist(),
                charts.AGE_PALETTE[k % len(charts.AGE_PALETTE)],
                False,
            )
            for k, band in enumerate(bands)
        ]
        deck.chart(
            slide,
            XL_CHART_TYPE.LINE_MARKERS,
            summary.years,
            series,
            MARGIN,
            Inches(1.2),
            (WIDTH - 2 * MARGIN) * 0.5,
            HEIGHT - Inches(2.0),
            number_format="#,##0",
        )
        table = age_table(mine, name, first, year)
        rows = [
            [t("age_band", lang), t("age_in_care_in", lang, year=first), t("age_in_care_in", lang, year=year)]
        ]
        rows[0] += [t("age_change", lang), t("age_aged_out_in", lang, year=year)]
        for row in table.itertuples():
            rows.append(
                [
                    shown[row.age_band],
                    number(row.in_care_first, lang, 1),
                    f"{number(row.in_care_mean, lang, 1)} ({number(row.in_care_p10, lang, 1)}–"
                    f"{number(row.in_care_p90, lang, 1)})",
                    signed(row.change, lang, 1),
                    number(row.aged_out_mean, lang, 1),
                ]
            )
        left = MARGIN + (WIDTH - 2 * MARGIN) * 0.52
        deck.table(
            slide,
            rows,
            left,
            Inches(1.4),
            WIDTH - MARGIN - left,
            Inches(0.5) * len(rows),
            size=12,
            first_column_width=0.22,
        )


def kpi_rows(summary: Summary, year: int, lang: str, baseline: Summary | None) -> list[list[str]]:
    """The key-figure table: measure, value (P10-P90), and with a baseline the unchanged
    scenario's value and the difference against it (the changed scenario against the
    unchanged one, side by side)."""
    from simulator.compare import kpi_table

    scenario = summary.scenario
    heavy = scenario.type_names[-1]
    header = [t("measure", lang), t("value_p10_p90", lang)]
    if baseline is not None:
        header += [t("legend_unchanged", lang), t("x_difference_unchanged", lang)]
    table = kpi_table([baseline or summary, summary], year)
    own = table[table["scenario"] == 1]
    unchanged = table[table["scenario"] == 0].set_index("measure")["mean"]
    rows = [header]
    capacity = summary.yearly.loc[
        (summary.yearly["year"] == year) & (summary.yearly["care_type"] == heavy), "capacity"
    ]
    for row in own.itertuples():
        label = t(MEASURE_KEYS[row.measure], lang, care_type=scenario.label(heavy))
        value = _value(row.mean, row.measure, lang)
        if row.measure == "beds_needed":
            cap = capacity.iloc[0]
            value += f" / {t('unlimited', lang) if pd.isna(cap) else number(cap, lang)}"
        elif not pd.isna(row.p10):
            value += f" ({_value(row.p10, row.measure, lang)} – {_value(row.p90, row.measure, lang)})"
        line = [label, value]
        if baseline is not None:
            line += [
                _value(unchanged[row.measure], row.measure, lang),
                _signed(row.difference, row.measure, lang, row.mean),
            ]
        rows.append(line)
    return rows


MEASURE_KEYS = {**KPI_LABELS, "beds_needed": "x_kpi_beds"}  # the workshop's: beds with capacity


# ---------------------------------------------------------------- a comparison


def _type_label(scenarios: list[Scenario], name: str) -> str:
    return next((s.label(name) for s in scenarios if name in s.care_types), name)


def comparison_deck(
    summaries: list[Summary], labels: list[str], lang: str = "nl", year: int | None = None
) -> bytes:
    """The deck of a comparison: title, key figures with differences against the baseline (the
    first), a chart per figure with every scenario as a series, the parameters that differ,
    and the sources."""
    from simulator.compare import common_years, kpi_grid, kpi_table
    from simulator.differences import described_differences

    deck = Deck(lang)
    scenarios = [s.scenario for s in summaries]
    years = common_years(summaries)
    year = year if year in years else years[min(1, len(years) - 1)]
    note = t("x_compare_note", lang, n=summaries[0].replications, seed=scenarios[0].seed)
    _title_slide(
        deck, t("x_compare_title", lang, baseline=labels[0]), ", ".join(labels[1:]), summaries[0].replications
    )

    table = kpi_table(summaries, year, labels)
    rows = [[t("measure", lang), *labels]]
    for measure, cells in kpi_grid(table, lang).items():
        texts = [
            cell.value
            + (f" ({_type_label(scenarios, cell.other_care_type)})" if cell.other_care_type else "")
            + (f"\n{cell.difference}" if cell.difference else "")
            + (
                " " + t("compare_against_type", lang, label=_type_label(scenarios, cell.other_care_type))
                if cell.other_care_type and cell.difference not in ("", "–")
                else ""
            )
            + (f" ({cell.difference_range})" if cell.difference_range else "")
            for cell in cells
        ]
        if measure == "beds_needed":  # each scenario's heaviest care type, without its capacity here
            heavy = table.loc[table["measure"] == measure, "care_type"].iloc[0]
            label = t(
                "x_beds_of",
                lang,
                label=scenarios[0].label(heavy) if heavy in scenarios[0].care_types else heavy,
            )
        else:
            label = t(MEASURE_KEYS[measure], lang, care_type="")
        rows.append([label, *texts])
    slide = deck.slide(t("x_kpi_title", lang, year=year), t("x_compare_kpi_note", lang))
    deck.table(
        slide,
        rows,
        MARGIN,
        Inches(1.3),
        WIDTH - 2 * MARGIN,
        Inches(4.8),
        size=14 if len(labels) < 4 else 12,
        first_column_width=0.22,
    )

    palette = charts.SCENARIO_PALETTE
    for measure in ("in_care", "cost", "waiting", "overflow"):
        series = []
        for k, (summary, label) in enumerate(zip(summaries, labels, strict=True)):
            values = summary.totals[summary.totals["measure"] == measure].set_index("year")["mean"]
            scale = 1e6 if measure == "cost" else 1
            series.append((label, [values.get(y, float("nan")) / scale for y in years], palette[k], False))
        slide = deck.slide(
            t("x_cost_title", lang) if measure == "cost" else t(MEASURE_KEYS[measure], lang, care_type=""),
            note,
        )
        deck.chart(
            slide,
            XL_CHART_TYPE.LINE_MARKERS,
            years,
            series,
            MARGIN,
            Inches(1.2),
            WIDTH - 2 * MARGIN,
            HEIGHT - Inches(2.0),
            number_format="#,##0.0",
        )
    series = []
    for k, (summary, label) in enumerate(zip(summaries, labels, strict=True)):
        heavy = summary.scenario.type_names[-1]
        part = summary.yearly[summary.yearly["care_type"] == heavy].set_index("year")["beds_needed"]
        series.append(
            (
                f"{label} ({summary.scenario.label(heavy)})",
                [part.get(y, float("nan")) for y in years],
                palette[k],
                False,
            )
        )
    slide = deck.slide(t("chart_beds", lang), note)
    deck.chart(
        slide,
        XL_CHART_TYPE.COLUMN_CLUSTERED,
        years,
        series,
        MARGIN,
        Inches(1.2),
        WIDTH - 2 * MARGIN,
        HEIGHT - Inches(2.0),
    )

    differences = described_differences(scenarios, labels, lang)
    per_slide = 12
    for start in range(0, max(len(differences), 1), per_slide):
        slide = deck.slide(t("compare_parameters", lang), note)
        if differences.empty:
            deck.bullets(slide, [t("compare_same_parameters", lang)])
            break
        chunk = differences.iloc[start : start + per_slide]
        rows = [[t("d_setting", lang), *labels]] + [
            [str(v) for v in row] for row in chunk.itertuples(index=False)
        ]
        deck.table(
            slide,
            rows,
            MARGIN,
            Inches(1.3),
            WIDTH - 2 * MARGIN,
            Inches(0.4) * len(rows),
            size=12,
            first_column_width=0.34,
        )

    _sources_slide(
        deck, scenarios, [t("x_compare_aligned", lang, seed=scenarios[0].seed, n=summaries[0].replications)]
    )
    return deck.save()
