"""Every chart the pages draw is valid Vega-Lite, in both languages and in the app's
stretched size: the pages send the specs without validating them (ui.common.show_chart),
so this is where a malformed chart is caught."""

from __future__ import annotations

import pandas as pd
import pytest

from simulator import charts
from simulator.compare import overlay_frames
from simulator.experiment import run_experiment
from simulator.levers import apply_levers, default_levers
from simulator.results import Summary, key_care_type, tradeoff_table
from simulator.scenario import load_scenario, with_overrides
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def runs():
    base = with_overrides(load_scenario(EXAMPLE), years=3, replications=3)
    levers = default_levers(base)
    levers.inflow_change["jzplus"] = -0.2
    changed = apply_levers(base, levers)
    return Summary.of(run_experiment(base, workers=1)), Summary.of(run_experiment(changed, workers=1))


def page_charts(before: Summary, after: Summary, lang: str) -> list[charts.Chart]:
    """The workshop's and the comparison page's charts, as those pages build them."""
    scenario = after.scenario
    labels = {name: scenario.label(name) for name in scenario.type_names}
    heavy = key_care_type(scenario)
    year = before.years[1]
    found = [
        charts.occupancy_panel(after.monthly, name, labels, lang, baseline=before.monthly)
        for name in scenario.type_names
    ]
    found.append(
        charts.tradeoff_chart(
            tradeoff_table(after, heavy, year),
            labels[heavy],
            "#123456",
            lang,
            capacity=43,
            service_level=0.95,
        )
    )
    found += [
        main_chart(after, before, heavy, labels, lang),
        charts.beds_chart(after.yearly, labels, lang),
        charts.waiting_chart(after.monthly, labels, lang),
        charts.cost_chart(after.yearly, labels, lang),
    ]
    names = ["basis", "minder"]
    monthly, totals = overlay_frames([before, after], names)
    found.append(charts.scenario_legend(names, lang))
    found += [charts.comparison_panel(monthly, name, labels[name], lang) for name in scenario.type_names]
    found += [charts.comparison_totals_chart(totals, measure, "", lang) for measure in ("in_care", "cost")]
    return found


def main_chart(after, before, name, labels, lang):
    """The Altair chart behind charts.main_chart_spec (validated by to_dict)."""
    build = charts._main_build(after.monthly, after.yearly, name, labels, lang, before.monthly, 330)[2]
    return build()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_chart_of_the_pages_is_valid_vega_lite(runs, lang):
    found = page_charts(*runs, lang)
    assert len(found) == 4 + 1 + 1 + 3 + 1 + 4 + 2
    decimals = []
    for chart in found:
        spec = chart.to_dict()  # validates against the Vega-Lite schema: raises on an error
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        decimals.append(spec.get("config", {}).get("locale", {}).get("number", {}).get("decimal"))
    # Every chart with numbers uses the language's decimal sign (the legend has none).
    assert decimals.count("," if lang == "nl" else ".") == len(found) - 1


def test_an_occupancy_panel_from_its_template_is_altairs_own_spec_with_the_new_data(runs):
    """The workshop's panels are made by Altair once per kind (charts.TEMPLATES), then only
    their data changes: the spec must be what Altair makes for that data, and every spec a
    fresh copy (Streamlit edits the spec it is given)."""
    before, after = runs
    labels = {name: name for name in after.scenario.type_names}
    charts.TEMPLATES = charts.SpecTemplates()  # an empty cache: the first call makes the template
    for summary in (before, after):  # the second comes from the first's template
        spec = charts.occupancy_panel_spec(summary.monthly, "jzplus", labels, "nl", baseline=before.monthly)
        own = charts.occupancy_panel(
            summary.monthly, "jzplus", labels, "nl", baseline=before.monthly
        ).to_dict()
        (name,), (own_name,) = spec["datasets"], own["datasets"]
        frame = spec["datasets"][name]
        assert frame.to_dict("records") == own["datasets"][own_name]  # the same values
        for key in set(spec) | set(own):
            if key not in ("data", "datasets", "config"):
                assert spec[key] == own[key], key
        assert spec["config"]["locale"] == own["config"]["locale"]
    spec["layer"].clear()
    again = charts.occupancy_panel_spec(after.monthly, "jzplus", labels, "nl", baseline=before.monthly)
    assert again["layer"] and len(charts.TEMPLATES._specs) == 1


def test_the_main_chart_shows_each_years_beds_needed_and_names_every_line_in_its_legend(runs):
    """The workshop's main chart: the limited type's capacity steps and each year's beds
    needed (the yearly table's, on every month of that year), with a legend of every line
    whose labels are never cut (labelLimit 0); without a capacity, no capacity entry."""
    before, after = runs
    heavy = key_care_type(after.scenario)
    labels = {name: name for name in after.scenario.type_names}
    charts.TEMPLATES = charts.SpecTemplates()
    spec = charts.main_chart_spec(after.monthly, after.yearly, heavy, labels, "nl", baseline=before.monthly)
    own = main_chart(after, before, heavy, labels, "nl").to_dict()
    for key in set(spec) | set(own):  # the template is Altair's own spec
        if key not in ("data", "datasets", "config"):
            assert spec[key] == own[key], key
    frame = spec["datasets"][spec["data"]["name"]]
    needed = after.yearly[after.yearly["care_type"] == heavy].set_index("year")["beds_needed"]
    years = pd.to_datetime(frame["month"]).dt.year
    assert (frame["beds_needed"].to_numpy() == years.map(needed).to_numpy()).all()
    colour = next(layer["encoding"]["color"] for layer in spec["layer"])
    assert colour["scale"]["domain"] == [
        "Bezetting (gemiddelde)",
        "P10–P90",
        "Capaciteit",
        "Bedden nodig per jaar",
        "Ongewijzigd scenario",
    ]
    assert colour["legend"]["labelLimit"] == 0
    unlimited = after.monthly.assign(capacity=float("nan"))
    domain = next(
        layer["encoding"]["color"]["scale"]["domain"]
        for layer in charts.main_chart_spec(unlimited, after.yearly, heavy, labels, "en")["layer"]
    )
    assert domain == ["Occupancy (mean)", "P10–P90", "Beds needed per year"]


def test_a_tradeoff_chart_from_its_template_is_altairs_own_spec_with_the_new_data(runs):
    before, after = runs
    heavy = key_care_type(after.scenario)
    year = after.years[1]
    charts.TEMPLATES = charts.SpecTemplates()
    for summary in (before, after):
        table = tradeoff_table(summary, heavy, year)
        spec = charts.tradeoff_spec(table, "JZ+", "#123456", "nl", capacity=43, service_level=0.95)
        own = charts.tradeoff_chart(table, "JZ+", "#123456", "nl", capacity=43, service_level=0.95).to_dict()
        name, own_name = spec["data"]["name"], own["data"]["name"]
        assert spec["datasets"][name].to_dict("records") == own["datasets"][own_name]
        lines = {k: v for k, v in spec["datasets"].items() if k != name}  # the reference lines
        assert lines == {k: v for k, v in own["datasets"].items() if k != own_name} and len(lines) == 2
        skip = ("data", "datasets", "config")  # config: without Altair's default 300 x 300 views
        assert {k: v for k, v in spec.items() if k not in skip} == {
            k: v for k, v in own.items() if k not in skip
        }
        assert spec["config"]["locale"] == own["config"]["locale"]
    assert len(charts.TEMPLATES._specs) == 1  # the same kind of chart: one template


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def _mark(layer: dict) -> dict:
    return layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]}


def test_comparison_panels_draw_each_scenarios_capacity_dashed(runs):
    before, after = runs
    monthly, _ = overlay_frames([before, after], ["basis", "minder"])
    spec = charts.comparison_panel(monthly, "jzplus", "JeugdzorgPlus").to_dict()
    dashed = [layer for layer in _layers(spec) if _mark(layer).get("strokeDash")]
    assert len(dashed) == 1 and dashed[0]["encoding"]["y"]["field"] == "capacity"
    assert _mark(dashed[0])["interpolate"] == "step-after"  # places change on a date, not gradually
    values = pd.DataFrame(spec["datasets"][dashed[0]["data"]["name"]])
    assert set(values["scenario"]) == {"basis", "minder"} and set(values["capacity"]) == {57, 43}
    # A stretch without a limit between two limited ones is a gap: two lines, not a bridge.
    gap = monthly.copy()
    months = sorted(gap["month"].unique())
    gap.loc[(gap["care_type"] == "jzplus") & gap["month"].isin(months[6:12]), "capacity"] = pd.NA
    spec = charts.comparison_panel(gap, "jzplus", "JeugdzorgPlus").to_dict()
    dashed = next(layer for layer in _layers(spec) if _mark(layer).get("strokeDash"))
    assert dashed["encoding"]["detail"]["field"] == "stretch"
    values = pd.DataFrame(spec["datasets"][dashed["data"]["name"]])
    assert values.groupby("scenario")["stretch"].nunique().tolist() == [2, 2]
    assert len(values) == len(monthly[monthly["care_type"] == "jzplus"]) - 2 * 6
    # A care type without a limit in every scenario has no capacity line.
    unlimited = charts.comparison_panel(monthly, "foster", "Pleegzorg").to_dict()
    assert not [layer for layer in _layers(unlimited) if _mark(layer).get("strokeDash")]


def test_comparison_totals_are_lines_on_an_axis_around_the_values(runs):
    before, after = runs
    _, totals = overlay_frames([before, after], ["basis", "minder"])
    spec = charts.comparison_totals_chart(totals, "cost", "", "nl").to_dict()
    marks = [_mark(layer)["type"] for layer in _layers(spec)]
    assert marks == ["area", "line"]  # the P10-P90 band, then the means joined per scenario
    assert spec["layer"][0]["encoding"]["y"]["scale"]["zero"] is False


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_tornado_puts_the_largest_effect_on_top_and_is_valid_vega_lite(lang):
    rows = pd.DataFrame({"parameter": ["a", "b", "c"], "mu_star": [1.0, 5.0, 3.0], "sigma": [0.5, 1.0, 0.0]})
    spec = charts.tornado_chart(rows, {"a": "Aanname A", "b": "Aanname B"}, "Bedden", lang).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["Aanname B", "c", "Aanname A"]
    assert spec["layer"][0]["mark"]["type"] == "bar" and spec["layer"][1]["mark"]["type"] == "tick"


def test_the_heatmap_has_a_cell_per_point_in_the_pages_number_format():
    rows = pd.DataFrame({"a": [43.0, 43.0, 57.0, 57.0], "b": [11.775, 15.7] * 2, "m": [1.0, 2.0, 0.5, 1.0]})
    spec = charts.heatmap_chart(rows, "a", "b", "m", {"a": "Capaciteit"}, "Elders", "nl").to_dict()
    assert spec["layer"][0]["mark"]["type"] == "rect"
    assert spec["layer"][0]["encoding"]["x"]["sort"] == ["43", "57"]
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["15,7", "11,775"]  # highest on top
    assert spec["layer"][0]["encoding"]["x"]["title"] == "Capaciteit"


def test_the_heatmap_writes_a_yearly_change_in_percent():
    path = "policies[0].inflow_change_per_year.jzplus"
    rows = pd.DataFrame({"a": [43.0, 43.0], path: [-0.1, 0.0], "m": [1.0, 2.0]})
    spec = charts.heatmap_chart(rows, "a", path, "m", {}, "Elders", "nl").to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["0%", "-10%"]
