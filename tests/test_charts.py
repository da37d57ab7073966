"""Every chart the pages draw is valid Vega-Lite, in both languages and in the app's
stretched size: the pages send the specs without validating them (ui.common.show_chart),
so this is where a malformed chart is caught."""

from __future__ import annotations

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


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_chart_of_the_pages_is_valid_vega_lite(runs, lang):
    found = page_charts(*runs, lang)
    assert len(found) == 4 + 1 + 3 + 1 + 4 + 2
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
