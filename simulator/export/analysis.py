"""Decks of the analyses: a sensitivity run (the tornado as a native, editable bar chart, per
key measure) and a sweep (the heatmap as the picture the page shows, and its numbers as a
native table). No UI here: the Gevoeligheid and Raster pages call these."""

from __future__ import annotations

import io
import math

import pandas as pd
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu, Inches

from simulator.export.deck import BODY_TOP, HEIGHT, MARGIN, WIDTH, Deck, _sources_slide, _title_slide
from simulator.i18n import euro, number, percent, t
from simulator.schema import Scenario
from simulator.uncertainty import spread_text, value_text

MU_COLOUR, SIGMA_COLOUR = "#1f5f8b", "#e07b00"  # as on the page (charts.tornado_chart)
MAX_TORNADO_SLIDES = 6


def measure_text(value: float, measure: str, lang: str) -> str:
    """A sweep cell or an effect in its measure's unit: a share in percent, cost in euro,
    beds in whole places, youths with one decimal."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if measure == "delayed_share_mean":
        return percent(value, lang, 1)
    if measure == "cost_mean":
        return euro(value, lang)
    return number(value, lang, 0 if measure == "beds_needed" else 1)


NUMBER_FORMATS = {"delayed_share_mean": "0.0%", "cost_mean": "#,##0", "beds_needed": "#,##0.0"}


def _tornado_keys(
    scenario: Scenario, table: pd.DataFrame, first: tuple[str, str] | None
) -> list[tuple[str, str]]:
    """The (measure, care type) pairs that get a tornado slide: the one on the page first,
    then those where some input moves the measure at all: beds needed, occupancy, delayed
    share and cost, each for the heaviest care type first (the scenario's last)."""
    keys = list(dict.fromkeys(zip(table["measure"], table["care_type"], strict=True)))
    moving = {key for key, rows in table.groupby(["measure", "care_type"]) if rows["mu_star"].max() > 0}
    rank = {"beds_needed": 0, "occupancy_mean": 1, "delayed_share_mean": 2, "cost_mean": 3}
    heavy = {name: -k for k, name in enumerate(scenario.type_names)}
    keys = sorted((k for k in keys if k in moving), key=lambda k: (rank.get(k[0], 9), heavy.get(k[1], 0)))
    if first is not None:
        keys = [first, *(k for k in keys if k != first)]
    return keys[:MAX_TORNADO_SLIDES]


def sensitivity_deck(
    scenario: Scenario,
    table: pd.DataFrame,
    year: int,
    labels: dict[str, str],
    lang: str = "nl",
    first: tuple[str, str] | None = None,
) -> bytes:
    """Title; a tornado per key measure (``first``: the one on the page), a bar for mu* and
    one for sigma per assumption, largest effect on top; the inputs and their ranges."""
    deck = Deck(lang)
    _title_slide(
        deck, t("x_sens_title", lang, scenario=scenario.name), scenario.region or "", scenario.replications
    )
    note = t("x_sens_note", lang, scenario=scenario.name, n=scenario.replications, seed=scenario.seed)
    for measure, care_type in _tornado_keys(scenario, table, first):
        rows = table[(table["measure"] == measure) & (table["care_type"] == care_type)]
        rows = rows.sort_values("mu_star", ascending=True)  # a bar chart draws its first category lowest
        slide = deck.slide(f"{t('m_' + measure, lang)}, {scenario.label(care_type)} {year}", note)
        deck.chart(
            slide,
            XL_CHART_TYPE.BAR_CLUSTERED,
            [labels.get(p, p) for p in rows["parameter"]],
            [  # within a category, the last series is drawn on top: mu* above its sigma
                (t("sens_sigma", lang), rows["sigma"].tolist(), SIGMA_COLOUR, False),
                (t("sens_mu", lang), rows["mu_star"].tolist(), MU_COLOUR, False),
            ],
            MARGIN,
            BODY_TOP,
            WIDTH - 2 * MARGIN,
            HEIGHT - BODY_TOP - Inches(0.7),
            number_format=NUMBER_FORMATS.get(measure, "#,##0.0"),
        )
    inputs = table["parameter"].nunique()
    method = t("x_sens_method", lang, inputs=inputs, n=scenario.replications, seed=scenario.seed)
    ranges = [
        f"{labels.get(path, path)}: {spread_text(path, s.low, s.high, s.mode, lang)}"
        for path, s in scenario.uncertainty.items()
    ]
    _sources_slide(deck, [scenario], [method, *ranges])
    return deck.save()


def sweep_deck(
    scenario: Scenario,
    rows: pd.DataFrame,
    x_path: str,
    y_path: str,
    measure: str,
    title: str,
    labels: dict[str, str],
    png: bytes,
    lang: str = "nl",
) -> bytes:
    """Title; the heatmap as the page draws it (``png``); its numbers as a native table, a row
    per value of ``y_path`` (highest on top, as in the heatmap) and a column per value of
    ``x_path``; the scenario's sources. ``rows``: sweep.csv rows of one year and care type."""
    deck = Deck(lang)
    _title_slide(deck, t("x_sweep_title", lang, scenario=scenario.name), title, scenario.replications)
    note = t("x_sweep_note", lang, scenario=scenario.name, n=scenario.replications, seed=scenario.seed)
    slide = deck.slide(title, note)
    height = Emu(HEIGHT - BODY_TOP - Inches(0.7))
    picture = slide.shapes.add_picture(io.BytesIO(png), MARGIN, BODY_TOP, height=height)
    if picture.width > WIDTH - 2 * MARGIN:  # a wide grid: fit the width instead
        ratio = (WIDTH - 2 * MARGIN) / picture.width
        picture.width, picture.height = Emu(int(picture.width * ratio)), Emu(int(picture.height * ratio))
    picture.left = Emu(int((WIDTH - picture.width) / 2))

    xs, ys = sorted(rows[x_path].unique()), sorted(rows[y_path].unique(), reverse=True)
    cells = rows.set_index([y_path, x_path])[measure]
    corner = f"{labels.get(y_path, y_path)} \\ {labels.get(x_path, x_path)}"
    grid = [[corner, *(value_text(x_path, float(x), lang) for x in xs)]]
    for y in ys:
        grid.append(
            [
                value_text(y_path, float(y), lang),
                *(measure_text(float(cells[(y, x)]), measure, lang) for x in xs),
            ]
        )
    slide = deck.slide(title, note)
    size = 16 if len(grid) <= 8 and len(grid[0]) <= 8 else 12
    deck.table(slide, grid, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, Inches(0.45) * len(grid), size=size)
    grid_line = t(
        "x_sweep_method", lang, points=len(xs) * len(ys), n=scenario.replications, seed=scenario.seed
    )
    _sources_slide(deck, [scenario], [grid_line])
    return deck.save()
