"""The decks of the analyses (issue 14): the tornado as a native bar chart per key measure, and
the sweep's heatmap as a picture with its numbers as a native table."""

from __future__ import annotations

import io

import pandas as pd
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE

from simulator.export.analysis import MAX_TORNADO_SLIDES, measure_text, sensitivity_deck, sweep_deck
from simulator.export.images import render
from simulator.i18n import t
from tests.conftest import make_scenario

CARE = {
    "residential": {"stay_months": 12, "inflow_per_year": 60, "initial": 50},
    "jzplus": {"stay_months": 5, "inflow_per_year": 10, "initial": 8, "capacity": 12},
}
SPREADS = {
    "care_types.residential.stay_months": {"low": 9, "high": 15},
    "care_types.jzplus.stay_months": {"low": 4, "high": 6},
    "care_types.jzplus.inflow_per_year": {"low": 8, "high": 12},
}
LABELS = {"care_types.residential.stay_months": "Stay R", "care_types.jzplus.stay_months": "Stay J"}


def sensitivity_table() -> pd.DataFrame:
    """mu* per input, measure and care type: the jzplus inflow largest for beds in jzplus."""
    rows = []
    for measure in ("beds_needed", "occupancy_mean", "delayed_share_mean", "cost_mean"):
        for care_type in ("residential", "jzplus"):
            for k, parameter in enumerate(SPREADS):
                mu = 0.0 if measure == "delayed_share_mean" and care_type == "residential" else 1.0 + k
                rows.append(
                    {
                        "parameter": parameter,
                        "measure": measure,
                        "care_type": care_type,
                        "year": 2022,
                        "mu_star": mu,
                        "sigma": mu / 2,
                        "mu_star_conf": 0.1,
                    }
                )
    return pd.DataFrame(rows)


def slides(deck: bytes):
    return list(Presentation(io.BytesIO(deck)).slides)


def test_the_sensitivity_deck_has_an_editable_tornado_per_moving_measure():
    scenario = make_scenario(CARE, uncertainty=SPREADS)
    deck = sensitivity_deck(scenario, sensitivity_table(), 2022, LABELS, "nl", ("occupancy_mean", "jzplus"))
    found = slides(deck)
    tornadoes = [s for s in found if any(shape.has_chart for shape in s.shapes)]
    # 8 pairs, one of them never moves (no delayed share without a capacity): at most 6 slides
    assert len(tornadoes) == MAX_TORNADO_SLIDES
    first = tornadoes[0]
    assert first.shapes.title.text == f"{t('m_occupancy_mean', 'nl')}, jzplus 2022"
    chart = next(shape.chart for shape in first.shapes if shape.has_chart)
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    # A bar chart draws its first category lowest: the largest effect is the last, on top.
    categories = list(chart.plots[0].categories)
    assert categories == ["Stay R", "Stay J", "care_types.jzplus.inflow_per_year"]
    sigma, mu = (list(series.values) for series in chart.plots[0].series)  # mu* drawn on top
    assert mu == [1.0, 2.0, 3.0] and sigma == [0.5, 1.0, 1.5]
    titles = [s.shapes.title.text for s in tornadoes]
    # then beds needed, the heaviest care type (the scenario's last) first
    assert titles[1:3] == [
        f"{t('m_beds_needed', 'nl')}, jzplus 2022",
        f"{t('m_beds_needed', 'nl')}, residential 2022",
    ]
    assert f"{t('m_delayed_share_mean', 'nl')}, residential 2022" not in titles  # nothing moves it
    text = " ".join(shape.text_frame.text for shape in found[-1].shapes if shape.has_text_frame)
    assert "Morris" in text and "Stay R" in text and "9" in text and "15" in text


def test_the_sweep_deck_holds_the_heatmap_and_its_numbers():
    from simulator import charts

    x, y = "care_types.jzplus.capacity", "care_types.jzplus.inflow_per_year"
    rows = pd.DataFrame(
        [
            {x: cap, y: inflow, "delayed_share_mean": (inflow - cap / 2) / 100}
            for cap in (8.0, 12.0, 16.0)
            for inflow in (8.0, 12.0)
        ]
    )
    scenario = make_scenario(CARE)
    labels = {x: "Capaciteit", y: "Instroom"}
    png, _ = render(charts.heatmap_chart(rows, x, y, "delayed_share_mean", labels, "Wachten", "nl"))
    found = slides(sweep_deck(scenario, rows, x, y, "delayed_share_mean", "Wachten 2022", labels, png, "nl"))
    pictures = [shape for shape in found[1].shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1 and pictures[0].image.blob == png
    table = next(shape.table for shape in found[2].shapes if shape.has_table)
    cells = [[table.cell(r, c).text for c in range(len(table.columns))] for r in range(len(table.rows))]
    assert cells[0][1:] == ["8", "12", "16"]
    assert [row[0] for row in cells[1:]] == ["12", "8"]  # highest on top, as in the heatmap
    assert cells[1][1] == measure_text(0.08, "delayed_share_mean", "nl") == "8,0%"
    assert cells[2][3] == measure_text(0.0, "delayed_share_mean", "nl")
