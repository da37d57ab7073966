"""Every chart of the app as PNG (2x) and SVG, offline, with a title and a source line.

Altair charts are rendered by vl-convert (no browser, no network). The flow diagram is
``simulator.export.flow``'s SVG, the drawing the app shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import altair as alt
import vl_convert as vlc

from simulator import charts
from simulator.charts import Chart
from simulator.export.flow import flow_svg
from simulator.i18n import t
from simulator.results import Summary

EXPORT_WIDTH = 640  # px of the plot; the PNG is twice as wide (scale 2) plus axes and legend
PNG_SCALE = 2


def source_line(summary: Summary, lang: str) -> str:
    """The line under an exported chart: scenario, replications, seed and today's date."""
    scenario = summary.scenario
    return t(
        "x_source_line",
        lang,
        scenario=scenario.name,
        n=summary.replications,
        seed=scenario.seed,
        date=dt.date.today().isoformat(),
    )


def titled(chart: Chart, title: str, source: str) -> Chart:
    """The chart with a title above and the source line under it (as the subtitle)."""
    return chart.properties(
        title=alt.TitleParams(
            text=title,
            subtitle=[source],
            anchor="start",
            fontSize=18,
            subtitleFontSize=12,
            subtitleColor="#4b5563",
        )
    )


def chart_files(summary: Summary, lang: str = "nl", baseline: Summary | None = None) -> dict[str, Chart]:
    """The app's charts of one run, sized for export, titled: {file stem: Altair chart}."""
    scenario = summary.scenario
    labels = {name: scenario.label(name) for name in scenario.type_names}
    source = source_line(summary, lang)
    out = {}
    for k, name in enumerate(scenario.type_names, start=1):
        chart = charts.occupancy_panel(
            summary.monthly,
            name,
            labels,
            lang,
            baseline=baseline.monthly if baseline else None,
            width=EXPORT_WIDTH,
        )
        out[f"{k:02d}-{t('x_file_occupancy', lang)}-{name}"] = titled(
            chart, t("x_occupancy_title", lang, label=labels[name]), source
        )
    out[t("x_file_beds", lang)] = titled(
        charts.beds_chart(summary.yearly, labels, lang, width=EXPORT_WIDTH), t("chart_beds", lang), source
    )
    out[t("x_file_waiting", lang)] = titled(
        charts.waiting_chart(summary.monthly, labels, lang, width=EXPORT_WIDTH),
        t("chart_waiting", lang),
        source,
    )
    out[t("x_file_cost", lang)] = titled(
        charts.cost_chart(summary.yearly, labels, lang, width=EXPORT_WIDTH), t("chart_cost", lang), source
    )
    return out


def comparison_chart_files(summaries: list[Summary], labels: list[str], lang: str = "nl") -> dict[str, Chart]:
    """The Vergelijken page's charts: occupancy per care type and two totals, every scenario a colour."""
    from simulator.compare import overlay_frames

    monthly, totals = overlay_frames(summaries, labels)
    scenarios = [s.scenario for s in summaries]
    names = {name: s.label(name) for s in reversed(scenarios) for name in s.type_names}
    source = t(
        "x_source_compare",
        lang,
        n=summaries[0].replications,
        seed=scenarios[0].seed,
        date=dt.date.today().isoformat(),
        scenarios=", ".join(labels),
    )
    out = {}
    for k, name in enumerate(dict.fromkeys(n for s in scenarios for n in s.type_names), start=1):
        panel = charts.comparison_panel(monthly, name, names[name], lang, width=EXPORT_WIDTH, legend=True)
        out[f"{k:02d}-{t('x_file_occupancy', lang)}-{name}"] = titled(
            panel, t("x_occupancy_title", lang, label=names[name]), source
        )
    for measure, key in (("in_care", "compare_in_care"), ("cost", "compare_cost")):
        chart = charts.comparison_totals_chart(totals, measure, "", lang, width=EXPORT_WIDTH, legend=True)
        out[f"{t('x_file_total', lang)}-{measure}"] = titled(chart, t(key, lang), source)
    return out


def render(chart: Chart) -> tuple[bytes, str]:
    """(PNG at twice the size, SVG) of an Altair chart, offline."""
    spec = chart.to_dict()
    return vlc.vegalite_to_png(spec, scale=PNG_SCALE), vlc.vegalite_to_svg(spec)


def image_files(
    summary: Summary,
    lang: str = "nl",
    baseline: Summary | None = None,
    progress: Callable[[float], None] | None = None,
) -> dict[str, bytes]:
    """{file name: bytes} of every chart of one run as PNG and SVG, the flow diagram included."""
    files = {}
    items = chart_files(summary, lang, baseline)
    for k, (stem, chart) in enumerate(items.items()):
        png, svg = render(chart)
        files[f"{stem}.png"], files[f"{stem}.svg"] = png, svg.encode("utf-8")
        if progress:
            progress((k + 1) / (len(items) + 1))
    scenario = summary.scenario
    svg = flow_svg(
        summary.flows,
        {n: scenario.label(n) for n in scenario.type_names},
        lang,
        t("chart_flows", lang),
        source_line(summary, lang),
    )
    files[f"{t('x_file_flows', lang)}.svg"] = svg.encode("utf-8")
    files[f"{t('x_file_flows', lang)}.png"] = vlc.svg_to_png(svg, scale=PNG_SCALE)
    if progress:
        progress(1.0)
    return files
